package org.kubeedgejava.cloudcore.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PartitionPolicyTest {
  private final ObjectMapper json = new ObjectMapper();
  private final PartitionPolicy policy =
      new PartitionPolicy(Set.of("edge-1", "edge-evict")::contains, "edge-evict"::equals);

  private JsonNode pod(String spec) throws Exception {
    return json.readTree("{\"metadata\":{\"name\":\"p\"},\"spec\":" + spec + "}");
  }

  private static final String DEFAULT_TOLERATIONS =
      "\"tolerations\":[{\"key\":\"node-role.kubernetes.io/edge\",\"operator\":\"Exists\",\"effect\":\"NoSchedule\"},"
          + "{\"key\":\"node.kubernetes.io/not-ready\",\"operator\":\"Exists\",\"effect\":\"NoExecute\",\"tolerationSeconds\":300},"
          + "{\"key\":\"node.kubernetes.io/unreachable\",\"operator\":\"Exists\",\"effect\":\"NoExecute\",\"tolerationSeconds\":300}]";

  @Test
  void aPodSelectingEdgeNodesToleratesOutagesWithoutATimeLimit() throws Exception {
    ArrayNode patch =
        policy.patchFor(
            pod(
                "{\"nodeSelector\":{\"node-role.kubernetes.io/edge\":\"true\"},"
                    + DEFAULT_TOLERATIONS
                    + "}"));

    assertThat(patch).hasSize(1);
    assertThat(patch.get(0).path("op").asText()).isEqualTo("replace");
    JsonNode tolerations = patch.get(0).path("value");
    assertThat(tolerations).hasSize(3);
    assertThat(tolerations.findValues("tolerationSeconds")).isEmpty();
    assertThat(tolerations.findValuesAsText("key"))
        .containsExactlyInAnyOrder(
            "node-role.kubernetes.io/edge",
            "node.kubernetes.io/unreachable",
            "node.kubernetes.io/not-ready");
  }

  @Test
  void aPodPlacedOnAnEdgeNodeByNameIsCoveredToo() throws Exception {
    ArrayNode patch = policy.patchFor(pod("{\"nodeName\":\"edge-1\"}"));

    assertThat(patch.get(0).path("op").asText()).isEqualTo("add");
    assertThat(patch.get(0).path("value")).hasSize(2);
  }

  @Test
  void requiredNodeAffinityToEdgeNodesCounts() throws Exception {
    String affinity =
        "{\"affinity\":{\"nodeAffinity\":{\"requiredDuringSchedulingIgnoredDuringExecution\":{\"nodeSelectorTerms\":"
            + "[{\"matchExpressions\":[{\"key\":\"node-role.kubernetes.io/edge\",\"operator\":\"Exists\"}]}]}}}}";

    assertThat(policy.patchFor(pod(affinity))).isNotNull();
  }

  @Test
  void cloudPodsAreLeftAlone() throws Exception {
    assertThat(
            policy.patchFor(
                pod("{\"nodeSelector\":{\"disk\":\"ssd\"}," + DEFAULT_TOLERATIONS + "}")))
        .isNull();
    assertThat(policy.patchFor(pod("{\"nodeName\":\"cloud-1\"}"))).isNull();
  }

  @Test
  void aPodOrNodeCanOptOutAndKeepKubernetesEviction() throws Exception {
    JsonNode optedOut =
        json.readTree(
            "{\"metadata\":{\"labels\":{\"kubeedge-java.io/partition-policy\":\"evict\"}},"
                + "\"spec\":{\"nodeSelector\":{\"node-role.kubernetes.io/edge\":\"true\"}}}");

    assertThat(policy.patchFor(optedOut)).isNull();
    assertThat(policy.patchFor(pod("{\"nodeName\":\"edge-evict\"}"))).isNull();
  }

  @Test
  void applyingThePolicyTwiceChangesNothingTheSecondTime() throws Exception {
    JsonNode once =
        pod(
            "{\"nodeSelector\":{\"node-role.kubernetes.io/edge\":\"true\"},\"tolerations\":"
                + policy
                    .patchFor(pod("{\"nodeSelector\":{\"node-role.kubernetes.io/edge\":\"true\"}}"))
                    .get(0)
                    .path("value")
                + "}");

    assertThat(policy.patchFor(once)).isNull();
  }
}
