package org.kubeedgejava.e2e.edgenode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kubeedgejava.cloudcore.CloudCore;
import org.kubeedgejava.config.edgecore.EdgeCoreConfig;
import org.kubeedgejava.e2e.InProcessNodes;
import org.kubeedgejava.edgecore.EdgeCore;
import org.kubeedgejava.testing.ControlPlaneTest;
import org.kubeedgejava.testing.FreePorts;
import org.kubeedgejava.testing.LocalControlPlane;
import org.kubeedgejava.testing.TestNamespace;

/**
 * cloudcore and edgecore in this JVM against the real control plane: the node registers and is
 * Ready, its Lease is renewed, pods bound to it and the ConfigMaps they use reach its store — and
 * ConfigMaps no pod of it uses do not.
 */
@ControlPlaneTest
class EdgeNodeIT {
  private static final String NODE = "edge-it-01";

  @TempDir Path dir;
  private final Clock clock = Clock.systemUTC();
  private CloudCore cloud;
  private EdgeCore edge;
  private KubernetesClient kube;

  @AfterEach
  void stop() {
    if (edge != null) {
      edge.close();
    }
    if (cloud != null) {
      cloud.close();
    }
    if (kube != null) {
      InProcessNodes.forget(kube, NODE);
    }
  }

  private void startBoth(KubernetesClient client, LocalControlPlane plane) throws Exception {
    kube = client;
    int[] ports = FreePorts.pick(3);
    cloud =
        CloudCore.start(InProcessNodes.cloudConfig(plane, ports), clock, new PrometheusRegistry());
    String token = InProcessNodes.joinToken(kube);
    EdgeCoreConfig config = InProcessNodes.edgeConfig(NODE, ports, token, dir);
    assertThat(config.validate()).isEmpty();
    edge = EdgeCore.start(config, clock, new PrometheusRegistry());
  }

  @Test
  void aJoinedNodeIsReadyLabelledAndRenewsItsLease(KubernetesClient client, LocalControlPlane plane)
      throws Exception {
    startBoth(client, plane);

    await("node Ready")
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> {
          Node node = kube.nodes().withName(NODE).get();
          assertThat(node).isNotNull();
          assertThat(node.getStatus().getConditions())
              .anySatisfy(c ->
                  assertThat(List.of(c.getType(), c.getStatus())).containsExactly("Ready", "True"));
        });
    Node node = kube.nodes().withName(NODE).get();
    assertThat(node.getMetadata().getLabels())
        .containsEntry("node-role.kubernetes.io/edge", "true")
        .containsEntry("node-role.kubernetes.io/agent", "");
    assertThat(node.getStatus().getCapacity()).containsKeys("cpu", "memory", "pods");
    assertThat(node.getStatus().getNodeInfo().getOperatingSystem()).isEqualTo("linux");
    assertThat(node.getStatus().getDaemonEndpoints().getKubeletEndpoint().getPort())
        .isEqualTo(10350);
    assertThat(node.getStatus().getConditions())
        .extracting(NodeCondition::getType)
        .contains("MemoryPressure", "DiskPressure");

    Lease first =
        await()
            .atMost(Duration.ofSeconds(30))
            .until(
                () -> kube.leases().inNamespace("kube-node-lease").withName(NODE).get(),
                l -> l != null);
    await("lease renewed")
        .atMost(Duration.ofSeconds(25))
        .until(() ->
            !kube.leases()
                .inNamespace("kube-node-lease")
                .withName(NODE)
                .get()
                .getSpec()
                .getRenewTime()
                .equals(first.getSpec().getRenewTime()));
  }

  @Test
  void podsBoundToTheNodeAndTheConfigMapsTheyUseReachItsStore(
      KubernetesClient client, LocalControlPlane plane, TestNamespace ns) throws Exception {
    startBoth(client, plane);
    await().atMost(Duration.ofSeconds(30)).until(() -> kube.nodes().withName(NODE).get() != null);
    kube.configMaps()
        .inNamespace(ns.name())
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("settings")
                .endMetadata()
                .withData(Map.of("mode", "fast"))
                .build())
        .create();
    kube.configMaps()
        .inNamespace(ns.name())
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("unrelated")
                .endMetadata()
                .withData(Map.of("x", "y"))
                .build())
        .create();

    kube.pods()
        .inNamespace(ns.name())
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("vision")
                .endMetadata()
                .withNewSpec()
                .withNodeName(NODE)
                .addNewContainer()
                .withName("app")
                .withImage("kubeedge-java/vision:2026.05.0")
                .addNewEnv()
                .withName("MODE")
                .withNewValueFrom()
                .withNewConfigMapKeyRef("mode", "settings", false)
                .endValueFrom()
                .endEnv()
                .endContainer()
                .endSpec()
                .build())
        .create();

    var store = edge.meta().store();
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() ->
            store.get(ns.name() + "/pod/vision").isPresent()
                && store.get(ns.name() + "/configmap/settings").isPresent());
    assertThat(store.get(ns.name() + "/configmap/unrelated")).isEmpty();

    kube.configMaps()
        .inNamespace(ns.name())
        .withName("settings")
        .edit(cm -> {
          cm.getData().put("mode", "slow");
          return cm;
        });
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> store.get(ns.name() + "/configmap/settings").orElse("").contains("slow"));
  }

  @Test
  void podsForEdgeNodesTolerateAnOutageOfAnyLengthUnlessTheyOptOut(
      KubernetesClient client, LocalControlPlane plane, TestNamespace ns) throws Exception {
    startBoth(client, plane);

    var edgePod =
        kube.pods()
            .inNamespace(ns.name())
            .resource(
                new PodBuilder()
                    .withNewMetadata()
                    .withName("stays")
                    .endMetadata()
                    .withNewSpec()
                    .addToNodeSelector("node-role.kubernetes.io/edge", "true")
                    .addNewContainer()
                    .withName("app")
                    .withImage("kubeedge-java/busybox:1.35")
                    .endContainer()
                    .endSpec()
                    .build())
            .create();
    var evictable =
        kube.pods()
            .inNamespace(ns.name())
            .resource(
                new PodBuilder()
                    .withNewMetadata()
                    .withName("goes")
                    .addToLabels("kubeedge-java.io/partition-policy", "evict")
                    .endMetadata()
                    .withNewSpec()
                    .addToNodeSelector("node-role.kubernetes.io/edge", "true")
                    .addNewContainer()
                    .withName("app")
                    .withImage("kubeedge-java/busybox:1.35")
                    .endContainer()
                    .endSpec()
                    .build())
            .create();

    assertThat(edgePod.getSpec().getTolerations())
        .filteredOn(t -> t.getKey() != null && t.getKey().startsWith("node.kubernetes.io/"))
        .hasSize(2)
        .allSatisfy(t -> assertThat(t.getTolerationSeconds()).isNull());
    assertThat(evictable.getSpec().getTolerations())
        .filteredOn(t -> "node.kubernetes.io/unreachable".equals(t.getKey()))
        .singleElement()
        .satisfies(t -> assertThat(t.getTolerationSeconds()).isEqualTo(300L));
  }
}
