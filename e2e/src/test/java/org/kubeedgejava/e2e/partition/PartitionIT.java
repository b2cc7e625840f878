package org.kubeedgejava.e2e.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kubeedgejava.cloudcore.CloudCore;
import org.kubeedgejava.config.cloudcore.CloudCoreConfig;
import org.kubeedgejava.config.edgecore.EdgeCoreConfig;
import org.kubeedgejava.cri.CriClient;
import org.kubeedgejava.cri.v1.ContainerFilter;
import org.kubeedgejava.cri.v1.ContainerState;
import org.kubeedgejava.cri.v1.ContainerStateValue;
import org.kubeedgejava.cri.v1.ListContainersRequest;
import org.kubeedgejava.e2e.InProcessNodes;
import org.kubeedgejava.edgecore.EdgeCore;
import org.kubeedgejava.testing.FreePorts;
import org.kubeedgejava.testing.LocalContainerd;
import org.kubeedgejava.testing.LocalControlPlane;
import org.kubeedgejava.testing.TunnelCut;

/**
 * The partition policy under a real outage: the tunnel is cut with iptables for {@code
 * partition.outage} (default 5 minutes) on a control plane whose node-lifecycle timings are short
 * enough that upstream Kubernetes evicts within seconds. A pod that opted out is evicted (proof
 * that upstream would have); the default pod is not, keeps running in the same container, and
 * receives the change made in the cloud meanwhile once the tunnel is back.
 */
class PartitionIT {
  private static final String NODE = "edge-partition";
  private static final Duration OUTAGE =
      Duration.parse(System.getProperty("partition.outage", "PT5M"));

  @TempDir static Path dir;
  static LocalControlPlane plane;
  static KubernetesClient kube;
  static CloudCore cloud;
  static EdgeCore edge;
  static CriClient cri;
  static WitnessNode witness;
  static int wsPort;
  private static TunnelCut outage;
  static final Clock clock = Clock.systemUTC();

  @BeforeAll
  static void start() throws Exception {
    int[] ports = FreePorts.pick(8);
    plane =
        LocalControlPlane.isolated(
            new LocalControlPlane.Layout(
                dir.resolve("cluster"), ports[0], ports[1], ports[2], ports[3], ports[4]),
            Map.of(
                "CLUSTER_NODE_MONITOR_GRACE_PERIOD", "16s",
                "CLUSTER_NODE_MONITOR_PERIOD", "2s",
                "CLUSTER_NOT_READY_TOLERATION_SECONDS", "10",
                "CLUSTER_UNREACHABLE_TOLERATION_SECONDS", "10"));
    plane.up();
    kube = plane.newClient();
    witness = new WitnessNode(kube, "partition-witness");
    LocalContainerd containerd = LocalContainerd.shared();
    containerd.importImages();
    cri = CriClient.connect(containerd.endpoint());
    wsPort = ports[5];
    cloud = startCloud(ports[5], ports[6], ports[7]);
    String token = InProcessNodes.joinToken(kube);
    EdgeCoreConfig config =
        EdgeCoreConfig.defaults()
            .withNodeName(NODE)
            .withCloudCore("127.0.0.1", ports[5], ports[6])
            .withToken(token)
            .withTlsFiles(
                dir.resolve("ca.crt").toString(),
                dir.resolve("server.crt").toString(),
                dir.resolve("server.key").toString())
            .withDataSource(dir.resolve("edgecore.db").toString())
            .withContainerRuntimeEndpoint(containerd.endpoint())
            .withHeartbeat(Duration.ofSeconds(2));
    config = config.withEdged(config.edged().withRootDirectory(dir.resolve("kubelet").toString()));
    edge = EdgeCore.start(config, clock, new PrometheusRegistry());
    await().atMost(Duration.ofSeconds(30)).until(() -> ready(kube.nodes().withName(NODE).get()));
  }

  private static CloudCore startCloud(int ws, int https, int monitor) throws Exception {
    return CloudCore.start(
        CloudCoreConfig.defaults()
            .withAdvertiseAddresses("127.0.0.1")
            .withKubeConfig(plane.kubeconfig().toString())
            .withWebSocketPort(ws)
            .withHttpsPort(https)
            .withMonitorBindAddress("127.0.0.1:" + monitor),
        clock,
        new PrometheusRegistry());
  }

  @AfterAll
  static void stop() throws Exception {
    if (outage != null) {
      outage.close();
    }
    if (edge != null) {
      edge.close();
    }
    if (cloud != null) {
      cloud.close();
    }
    if (witness != null) {
      witness.close();
    }
    if (kube != null) {
      kube.pods().inNamespace("partition").withGracePeriod(0).delete();
      kube.close();
    }
    if (cri != null) {
      cri.close();
    }
    if (plane != null) {
      plane.down();
    }
  }

  @Test
  void anEdgeNodeCutOffLongerThanUpstreamToleratesKeepsItsPodsAndGetsTheChangesAfterwards()
      throws Exception {
    kube.namespaces()
        .resource(
            new NamespaceBuilder().withNewMetadata().withName("partition").endMetadata().build())
        .create();
    // pods are admitted only once the service-account controller made the namespace's default
    // account
    await("default service account")
        .atMost(Duration.ofSeconds(30))
        .until(() ->
            kube.serviceAccounts().inNamespace("partition").withName("default").get() != null);
    kube.configMaps()
        .inNamespace("partition")
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("settings")
                .endMetadata()
                .withData(Map.of("mode", "before"))
                .build())
        .create();
    kube.pods().inNamespace("partition").resource(pod("stays", Map.of())).create();
    kube.pods()
        .inNamespace("partition")
        .resource(pod("goes", Map.of("kubeedge-java.io/partition-policy", "evict")))
        .create();
    await("both pods Running")
        .atMost(Duration.ofSeconds(60))
        .until(() -> running("stays") && running("goes"));
    assertThat(runningContainers()).hasSize(2);
    String staysBefore = containersOf("stays");

    outage = TunnelCut.dropTcpPort(wsPort);
    Instant cut = Instant.now();
    try {
      await("node not Ready")
          .atMost(Duration.ofSeconds(90))
          .until(() -> !ready(kube.nodes().withName(NODE).get()));
      await("the opted-out pod is evicted, as upstream would evict every pod")
          .atMost(Duration.ofSeconds(90))
          .until(() -> terminating("goes"));
      kube.configMaps()
          .inNamespace("partition")
          .withName("settings")
          .edit(cm -> {
            cm.getData().put("mode", "during-outage");
            return cm;
          });
      // hold the outage, checking all along that the default pod is never marked for eviction
      // and its container never stops
      Duration left = OUTAGE.minus(Duration.between(cut, Instant.now()));
      if (left.isPositive()) {
        await("the default pod stays, in the same container, for the whole outage")
            .during(left)
            .atMost(left.plusSeconds(30))
            .pollInterval(Duration.ofSeconds(2))
            .until(() -> !terminating("stays") && runningContainers().contains(staysBefore));
      }
    } finally {
      outage.close();
    }

    await("node Ready again")
        .atMost(Duration.ofSeconds(150))
        .until(() -> ready(kube.nodes().withName(NODE).get()));
    await("the change made during the outage reaches the edge")
        .atMost(Duration.ofSeconds(60))
        .until(() ->
            edge.meta()
                .store()
                .get("partition/configmap/settings")
                .orElse("")
                .contains("during-outage"));
    assertThat(terminating("stays")).isFalse();
    assertThat(running("stays")).isTrue();
    await("the evicted pod is gone")
        .atMost(Duration.ofSeconds(60))
        .until(() -> kube.pods().inNamespace("partition").withName("goes").get() == null);
    assertThat(containersOf("stays")).as("the same container kept running").isEqualTo(staysBefore);
  }

  private static Pod pod(String name, Map<String, String> labels) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(labels)
        .endMetadata()
        .withNewSpec()
        .addToNodeSelector("node-role.kubernetes.io/edge", "true")
        .withTerminationGracePeriodSeconds(1L)
        .addNewContainer()
        .withName("app")
        .withImage("docker.io/kubeedge-java/busybox:1.35")
        .withCommand("sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done")
        .addNewEnv()
        .withName("MODE")
        .withNewValueFrom()
        .withNewConfigMapKeyRef("mode", "settings", false)
        .endValueFrom()
        .endEnv()
        .endContainer()
        .endSpec()
        .build();
  }

  private static boolean ready(Node node) {
    return node != null
        && node.getStatus() != null
        && node.getStatus().getConditions() != null
        && node.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static boolean running(String pod) {
    Pod p = kube.pods().inNamespace("partition").withName(pod).get();
    return p != null && p.getStatus() != null && "Running".equals(p.getStatus().getPhase());
  }

  private static boolean terminating(String pod) {
    Pod p = kube.pods().inNamespace("partition").withName(pod).get();
    return p == null || p.getMetadata().getDeletionTimestamp() != null;
  }

  private static Set<String> runningContainers() {
    return cri
        .runtime()
        .listContainers(
            ListContainersRequest.newBuilder()
                .setFilter(
                    ContainerFilter.newBuilder()
                        .putLabelSelector("io.kubernetes.pod.namespace", "partition")
                        .setState(
                            ContainerStateValue.newBuilder()
                                .setState(ContainerState.CONTAINER_RUNNING)))
                .build())
        .getContainersList()
        .stream()
        .map(c -> c.getId())
        .collect(Collectors.toSet());
  }

  private static String containersOf(String pod) {
    return cri.runtime()
        .listContainers(
            ListContainersRequest.newBuilder()
                .setFilter(
                    ContainerFilter.newBuilder()
                        .putLabelSelector("io.kubernetes.pod.name", pod)
                        .setState(
                            ContainerStateValue.newBuilder()
                                .setState(ContainerState.CONTAINER_RUNNING)))
                .build())
        .getContainers(0)
        .getId();
  }
}
