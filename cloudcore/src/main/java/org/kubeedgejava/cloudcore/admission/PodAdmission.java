package org.kubeedgejava.cloudcore.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mutating admission webhook for pods ({@code admission.k8s.io/v1} AdmissionReview in, the same
 * out): applies the {@link PartitionPolicy}. Always allows; a review it cannot read is allowed
 * unchanged (the webhook's failurePolicy is Ignore anyway: cloudcore being down must never block
 * pod creation).
 */
public final class PodAdmission {
  private static final Logger log = LoggerFactory.getLogger(PodAdmission.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  public static final String PATH = "/admission/mutate-pods";

  private final PartitionPolicy policy;

  public PodAdmission(PartitionPolicy policy) {
    this.policy = policy;
  }

  /** Answers one AdmissionReview request body. */
  public byte[] review(byte[] body) {
    ObjectNode response = JSON.createObjectNode();
    response.put("apiVersion", "admission.k8s.io/v1");
    response.put("kind", "AdmissionReview");
    ObjectNode answer = response.putObject("response");
    answer.put("allowed", true);
    try {
      JsonNode request = JSON.readTree(body).path("request");
      answer.put("uid", request.path("uid").asText());
      JsonNode pod = request.path("object");
      ArrayNode patch =
          "CREATE".equals(request.path("operation").asText()) ? policy.patchFor(pod) : null;
      if (patch != null) {
        answer.put("patchType", "JSONPatch");
        answer.put("patch", Base64.getEncoder().encodeToString(JSON.writeValueAsBytes(patch)));
        log.debug(
            "pod {}/{}: edge partition tolerations added",
            request.path("namespace").asText(),
            pod.path("metadata")
                .path("generateName")
                .asText(pod.path("metadata").path("name").asText()));
      }
    } catch (IOException e) {
      log.warn("unreadable AdmissionReview, allowing unchanged: {}", e.getMessage());
    }
    return response.toString().getBytes(StandardCharsets.UTF_8);
  }
}
