package org.kubeedgejava.cloudcore.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The partition policy, better than upstream's default: a pod bound for an edge node tolerates
 * {@code node.kubernetes.io/unreachable} and {@code node.kubernetes.io/not-ready} (NoExecute)
 * without a time limit, so a WAN outage of any length never evicts it; when the tunnel returns the
 * running containers are kept. The 300 s tolerations that Kubernetes' DefaultTolerationSeconds adds
 * are replaced.
 *
 * <p>Opt-out, per pod or per node: the label or annotation {@value #OPT_OUT_KEY}{@code =evict}.
 *
 * <p>Pure logic over the AdmissionReview JSON: {@link #patchFor} returns a JSON Patch or null.
 */
public final class PartitionPolicy {
  public static final String OPT_OUT_KEY = "kubeedge-java.io/partition-policy";
  static final String OPT_OUT_VALUE = "evict";
  static final String EDGE_LABEL = "node-role.kubernetes.io/edge";
  static final String UNREACHABLE = "node.kubernetes.io/unreachable";
  static final String NOT_READY = "node.kubernetes.io/not-ready";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Predicate<String> isEdgeNode;
  private final Predicate<String> nodeOptedOut;

  /**
   * @param isEdgeNode whether a node name is an edge node (for pods created with spec.nodeName)
   * @param nodeOptedOut whether a node carries the opt-out label
   */
  public PartitionPolicy(Predicate<String> isEdgeNode, Predicate<String> nodeOptedOut) {
    this.isEdgeNode = isEdgeNode;
    this.nodeOptedOut = nodeOptedOut;
  }

  /** Whether the pod is meant for an edge node: selector, required affinity, or its node. */
  boolean boundForEdge(JsonNode pod) {
    JsonNode spec = pod.path("spec");
    if (spec.path("nodeSelector").has(EDGE_LABEL)) {
      return true;
    }
    for (JsonNode term :
        spec.path("affinity")
            .path("nodeAffinity")
            .path("requiredDuringSchedulingIgnoredDuringExecution")
            .path("nodeSelectorTerms")) {
      for (JsonNode expr : term.path("matchExpressions")) {
        if (EDGE_LABEL.equals(expr.path("key").asText())
            && !"DoesNotExist".equals(expr.path("operator").asText())
            && !"NotIn".equals(expr.path("operator").asText())) {
          return true;
        }
      }
    }
    String nodeName = spec.path("nodeName").asText("");
    return !nodeName.isEmpty() && isEdgeNode.test(nodeName);
  }

  static boolean optedOut(JsonNode pod) {
    return OPT_OUT_VALUE.equals(pod.path("metadata").path("labels").path(OPT_OUT_KEY).asText())
        || OPT_OUT_VALUE.equals(
            pod.path("metadata").path("annotations").path(OPT_OUT_KEY).asText());
  }

  /** The JSON Patch (RFC 6902) to apply to {@code pod}, or null to leave it alone. */
  public ArrayNode patchFor(JsonNode pod) {
    if (!boundForEdge(pod) || optedOut(pod)) {
      return null;
    }
    String nodeName = pod.path("spec").path("nodeName").asText("");
    if (!nodeName.isEmpty() && nodeOptedOut.test(nodeName)) {
      return null;
    }
    ArrayNode kept = JSON.createArrayNode();
    boolean changed = false;
    for (JsonNode t : pod.path("spec").path("tolerations")) {
      String key = t.path("key").asText("");
      boolean partitionTaint = UNREACHABLE.equals(key) || NOT_READY.equals(key);
      boolean noExecute = !t.has("effect") || "NoExecute".equals(t.path("effect").asText());
      if (partitionTaint && noExecute && t.has("tolerationSeconds")) {
        changed = true; // a time limit: replaced below
        continue;
      }
      kept.add(t);
    }
    for (String key : new String[] {UNREACHABLE, NOT_READY}) {
      boolean present = false;
      for (JsonNode t : kept) {
        if (key.equals(t.path("key").asText()) && !t.has("tolerationSeconds")) {
          present = true;
        }
      }
      if (!present) {
        kept.add(toleration(key));
        changed = true;
      }
    }
    if (!changed) {
      return null;
    }
    ArrayNode patch = JSON.createArrayNode();
    ObjectNode op = patch.addObject();
    op.put("op", pod.path("spec").has("tolerations") ? "replace" : "add");
    op.put("path", "/spec/tolerations");
    op.set("value", kept);
    return patch;
  }

  private static ObjectNode toleration(String key) {
    return JSON.valueToTree(Map.of("key", key, "operator", "Exists", "effect", "NoExecute"));
  }
}
