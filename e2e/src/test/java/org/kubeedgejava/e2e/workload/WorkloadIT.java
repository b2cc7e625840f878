package org.kubeedgejava.e2e.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.HostIP;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kubeedgejava.cloudcore.CloudCore;
import org.kubeedgejava.config.cloudcore.CloudCoreConfig;
import org.kubeedgejava.config.edgecore.EdgeCoreConfig;
import org.kubeedgejava.config.edgecore.EdgeHub;
import org.kubeedgejava.config.edgecore.EdgeHubReconnect;
import org.kubeedgejava.cri.CriClient;
import org.kubeedgejava.cri.v1.Container;
import org.kubeedgejava.cri.v1.ContainerState;
import org.kubeedgejava.cri.v1.PodSandbox;
import org.kubeedgejava.cri.v1.PodSandboxState;
import org.kubeedgejava.e2e.InProcessNodes;
import org.kubeedgejava.edgecore.EdgeCore;
import org.kubeedgejava.edgecore.metamanager.MetaStore;
import org.kubeedgejava.testing.ControlPlaneTest;
import org.kubeedgejava.testing.LocalContainerd;
import org.kubeedgejava.testing.LocalControlPlane;
import org.kubeedgejava.testing.RepoRoot;
import org.kubeedgejava.testing.TestNamespace;
import org.kubeedgejava.wire.Message;
import org.kubeedgejava.wire.MessageCodec;

/**
 * Workloads end to end: the real control plane, cloudcore and edgecore in this JVM, and the private
 * containerd of {@code hack/containerd.sh} with the locally built images. Pods go from the API
 * through EdgeController and the tunnel into the edge store, Edged runs them on containerd, and
 * their status comes back — also across an edgecore restart and a reboot while the cloud is
 * unreachable.
 *
 * <p>One node (cloudcore and edgecore) serves every test; a test that stops them leaves the next
 * one to start them again. Each test removes its pods before it ends, and checks containerd for
 * what it claims rather than trusting the pod status alone.
 */
@ControlPlaneTest
class WorkloadIT {
  private static final String NODE = "edge-workload-01";
  private static final String FACTORY = "factory";
  private static final String BUSYBOX = "kubeedge-java/busybox:1.35";
  private static final String VISION = "kubeedge-java/vision:2026.05.0";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Clock CLOCK = Clock.systemUTC();

  @TempDir static Path dir;
  private static KubernetesClient kube;
  private static LocalContainerd containerd;
  private static CriClient cri;
  private static RuntimeView runtime;
  private static CloudCoreConfig cloudConfig;
  private static EdgeCoreConfig edgeConfig;
  private static CloudCore cloud;
  private static EdgeCore edge;

  /** Namespaces whose pods this test made; emptied after it. */
  private final Set<String> used = new LinkedHashSet<>();

  @BeforeAll
  static void startNode(KubernetesClient client, LocalControlPlane plane) throws Exception {
    kube = client;
    containerd = LocalContainerd.shared();
    cri = CriClient.connect(containerd.endpoint(), Duration.ofMinutes(1));
    runtime = new RuntimeView(cri);
    // the ObjectSync CRDs, as keadm init installs them, so the cloud keeps its acknowledgement
    // ledger and resyncs the node after the outage tests
    InProcessNodes.installCrds(kube, plane);
    kube.nodes().withName(NODE).delete(); // a left-over of an aborted run would refuse the join
    int[] ports = freePorts(3);
    cloudConfig = InProcessNodes.cloudConfig(plane, ports);
    startCloud();
    String token = InProcessNodes.joinToken(kube);
    EdgeCoreConfig config =
        InProcessNodes.edgeConfig(NODE, ports, token, dir)
            .withContainerRuntimeEndpoint(containerd.endpoint());
    config = config.withEdged(config.edged().withRootDirectory(dir.resolve("kubelet").toString()));
    // reconnect within 2 s once cloudcore is back, so the outage tests need not wait out the
    // default back-off (up to 60 s)
    EdgeHub h = config.edgeHub();
    edgeConfig =
        config.withEdgeHub(
            new EdgeHub(
                h.enable(),
                h.heartbeat(),
                h.messageQPS(),
                h.messageBurst(),
                h.projectID(),
                h.tlsCaFile(),
                h.tlsCertFile(),
                h.tlsPrivateKeyFile(),
                h.websocket(),
                h.token(),
                h.httpServer(),
                h.rotateCertificates(),
                new EdgeHubReconnect(1, 2)));
    assertThat(edgeConfig.validate()).isEmpty();
    startEdge();
  }

  @AfterAll
  static void stopNode() {
    closeEdge();
    stopCloud();
    if (kube != null) {
      InProcessNodes.forget(kube, NODE);
    }
    if (cri != null) {
      cri.close();
    }
  }

  @BeforeEach
  void nodeReady() throws Exception {
    bothRunning();
  }

  @AfterEach
  void removePods() throws Exception {
    bothRunning();
    for (String ns : used) {
      removeWorkloads(ns);
    }
    if (used.contains(FACTORY)) {
      kube.namespaces().withName(FACTORY).delete();
    }
  }

  // --- 1, 2: the seed Deployment --------------------------------------------------------------

  @Test
  void theSeedDeploymentRunsOnTheEdgeNodeWithAPodIpAndItsContainerInContainerd() throws Exception {
    factoryNamespace();
    Instant created = Instant.now();
    kube.resource(seed()).create();

    Pod pod =
        await("the seed's pod Running with a pod IP")
            .atMost(Duration.ofSeconds(60))
            .until(() -> pods(FACTORY), l -> l.size() == 1 && running(l.get(0)))
            .get(0);
    timing("seed pod Running with a pod IP after create", created);

    assertThat(pod.getSpec().getNodeName()).isEqualTo(NODE);
    assertThat(pod.getStatus().getHostIP()).satisfies(WorkloadIT::notInThePodSubnet);
    List<Container> containers = runtime.containersOf(pod.getMetadata().getUid());
    assertThat(containers)
        .singleElement()
        .satisfies(c -> {
          assertThat(c.getId()).isEqualTo(containerId(pod, "app"));
          assertThat(c.getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
          assertThat(c.getMetadata().getName()).isEqualTo("app");
          assertThat(c.getLabelsMap())
              .containsEntry(RuntimeView.LABEL_NAMESPACE, FACTORY)
              .containsEntry("io.kubernetes.pod.name", pod.getMetadata().getName());
        });
    assertThat(runtime.sandboxesOf(pod.getMetadata().getUid()))
        .singleElement()
        .satisfies(
            s -> assertThat(runtime.sandboxIp(s.getId())).isEqualTo(pod.getStatus().getPodIP()));
    // and the app itself serves on the pod IP
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    await("the vision page on the pod IP")
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .untilAsserted(() ->
            assertThat(
                    http.send(
                            HttpRequest.newBuilder(
                                    URI.create("http://" + pod.getStatus().getPodIP() + ":8080/"))
                                .timeout(Duration.ofSeconds(2))
                                .build(),
                            HttpResponse.BodyHandlers.ofString())
                        .body())
                .contains("line3-vision 2026.05.0"));
  }

  @Test
  void theSeedDeploymentScalesToThreeAndBackToOneAndItsDeletionLeavesNothingInContainerd()
      throws Exception {
    factoryNamespace();
    Deployment seed = seed();
    var template = seed.getSpec().getTemplate().getSpec();
    // The seed asks 1500m CPU per pod (its limit, so also its request) and the node has 2 CPUs:
    // three replicas could never all be scheduled. 250m fits three on any 2-CPU box.
    template.getContainers().get(0).getResources().getLimits().put("cpu", new Quantity("250m"));
    // The app is busybox httpd as PID 1, which ignores SIGTERM: each stop would wait out the
    // default 30 s grace before the SIGKILL. Patched here, before the first pod exists, rather
    // than on the live Deployment, whose rollout would replace the pod with a 30 s termination.
    template.setTerminationGracePeriodSeconds(1L);
    kube.resource(seed).create();
    await("one replica Running")
        .atMost(Duration.ofSeconds(60))
        .until(() -> pods(FACTORY), l -> l.size() == 1 && running(l.get(0)));

    Instant scaledUp = Instant.now();
    kube.apps().deployments().inNamespace(FACTORY).withName("line3-vision").scale(3);
    List<Pod> three =
        await("three replicas Running")
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> pods(FACTORY),
                l -> l.size() == 3 && l.stream().allMatch(WorkloadIT::running));
    timing("3 replicas Running after scale-up", scaledUp);
    assertThat(three).allSatisfy(p -> assertThat(p.getSpec().getNodeName()).isEqualTo(NODE));
    assertThat(three).extracting(p -> p.getStatus().getPodIP()).doesNotHaveDuplicates();
    assertThat(runtime.containersIn(FACTORY))
        .extracting(Container::getId)
        .containsExactlyInAnyOrderElementsOf(
            three.stream().map(p -> containerId(p, "app")).toList());

    Instant scaledDown = Instant.now();
    kube.apps().deployments().inNamespace(FACTORY).withName("line3-vision").scale(1);
    Pod remaining =
        await("one replica left")
            .atMost(Duration.ofSeconds(60))
            .until(() -> pods(FACTORY), l -> l.size() == 1)
            .get(0);
    timing("scale-down to 1 confirmed by the edge", scaledDown);
    assertThat(running(remaining)).as("the remaining replica runs").isTrue();
    // the edge confirms a deletion only after it removed the pod from containerd
    String uid = remaining.getMetadata().getUid();
    assertThat(runtime.containersIn(FACTORY))
        .extracting(Container::getId)
        .containsExactly(containerId(remaining, "app"));
    assertThat(runtime.sandboxesIn(FACTORY))
        .singleElement()
        .satisfies(s -> assertThat(s.getMetadata().getUid()).isEqualTo(uid));

    Instant deleted = Instant.now();
    kube.apps().deployments().inNamespace(FACTORY).withName("line3-vision").delete();
    await("no pod left").atMost(Duration.ofSeconds(60)).until(() -> pods(FACTORY), List::isEmpty);
    timing("Deployment deleted, pods gone", deleted);
    assertThat(runtime.containersIn(FACTORY)).isEmpty();
    assertThat(runtime.sandboxesIn(FACTORY)).isEmpty();
  }

  // --- 3, 4: restarts and probes --------------------------------------------------------------

  @Test
  void aContainerThatExitsNonZeroIsRestartedWithBackOff(TestNamespace ns) {
    Pod pod = create(ns, "crasher", c -> c.withCommand("sh", "-c", "echo crashing; exit 3"));

    Set<String> waitingReasons = new LinkedHashSet<>();
    await("restartCount 2")
        .atMost(Duration.ofSeconds(50))
        .pollInterval(Duration.ofMillis(250))
        .until(() -> {
          ContainerStatus s = containerStatus(ns, "crasher");
          if (s != null && s.getState() != null && s.getState().getWaiting() != null) {
            waitingReasons.add(s.getState().getWaiting().getReason());
          }
          return s != null && s.getRestartCount() >= 2;
        });

    assertThat(waitingReasons).contains("CrashLoopBackOff");
    ContainerStatus s = containerStatus(ns, "crasher");
    assertThat(s.getLastState().getTerminated().getExitCode()).isEqualTo(3);
    assertThat(s.getLastState().getTerminated().getReason()).isEqualTo("Error");
    // the back-off in containerd's own clock: the later instance was created only ~10 s after
    // the one before it exited (the first restart is immediate, as the kubelet's)
    List<Container> instances =
        runtime.containersOf(pod.getMetadata().getUid()).stream()
            .sorted(Comparator.comparingLong(Container::getCreatedAt).reversed())
            .toList();
    assertThat(instances).hasSizeGreaterThanOrEqualTo(2);
    Container latest = instances.get(0);
    Container before = instances.get(1);
    assertThat(latest.getMetadata().getAttempt()).isGreaterThanOrEqualTo(2);
    assertThat(before.getMetadata().getAttempt()).isEqualTo(latest.getMetadata().getAttempt() - 1);
    Duration waited =
        Duration.ofNanos(latest.getCreatedAt() - runtime.status(before.getId()).getFinishedAt());
    assertThat(waited).isGreaterThan(Duration.ofSeconds(8)).isLessThan(Duration.ofSeconds(25));
    System.out.printf(
        "WorkloadIT timing: crash-loop back-off before restart %d: %d ms%n",
        latest.getMetadata().getAttempt(), waited.toMillis());
  }

  @Test
  void aFailingLivenessProbeRestartsTheContainer(TestNamespace ns) {
    // sleep never exits by itself: every restart is the probe's doing
    Pod pod =
        create(
            ns,
            "unhealthy",
            c ->
                c.withCommand("sleep", "3600")
                    .withNewLivenessProbe()
                    .withNewExec()
                    .withCommand("false")
                    .endExec()
                    .withPeriodSeconds(1)
                    .withFailureThreshold(1)
                    .endLivenessProbe());

    Instant created = Instant.now();
    ContainerStatus restarted =
        await("restarted twice by the liveness probe")
            .atMost(Duration.ofSeconds(40))
            .until(
                () -> containerStatus(ns, "unhealthy"), s -> s != null && s.getRestartCount() >= 2);
    timing("restartCount 2 through the liveness probe", created);
    assertThat(restarted.getLastState().getTerminated())
        .as("lastState of a container killed by its liveness probe")
        .isNotNull()
        .satisfies(t -> assertThat(t.getExitCode()).isNotZero());
    // each restart is a new container in containerd, the status names the newest
    List<Container> instances =
        runtime.containersOf(pod.getMetadata().getUid()).stream()
            .sorted(Comparator.comparingLong(Container::getCreatedAt).reversed())
            .toList();
    assertThat(instances).hasSizeGreaterThanOrEqualTo(2);
    assertThat(instances.get(0).getMetadata().getAttempt()).isGreaterThanOrEqualTo(2);
    assertThat(restarted.getContainerID()).isEqualTo("containerd://" + instances.get(0).getId());
  }

  @Test
  void aReadinessProbeKeepsThePodNotReadyUntilItsFileExists(TestNamespace ns) throws Exception {
    create(
        ns,
        "gated",
        c ->
            c.withCommand("sleep", "3600")
                .withNewReadinessProbe()
                .withNewExec()
                .withCommand("cat", "/tmp/ready")
                .endExec()
                .withPeriodSeconds(1)
                .endReadinessProbe());
    Pod running =
        await("running")
            .atMost(Duration.ofSeconds(30))
            .until(() -> pod(ns, "gated"), p -> p != null && running(p));

    await("not Ready while /tmp/ready is missing")
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(5))
        .until(() ->
            !condition(pod(ns, "gated"), "Ready") && !containerStatus(ns, "gated").getReady());

    runtime.exec(containerId(running, "app"), "touch", "/tmp/ready");
    Instant touched = Instant.now();
    await("Ready once the file exists")
        .atMost(Duration.ofSeconds(10))
        .until(() ->
            condition(pod(ns, "gated"), "Ready") && condition(pod(ns, "gated"), "ContainersReady"));
    timing("Ready after the readiness file appeared", touched);
  }

  // --- 5: ConfigMaps ---------------------------------------------------------------------------

  @Test
  void aConfigMapReachesTheContainerAsEnvAndAsAFileThatFollowsItsChanges(TestNamespace ns) {
    kube.configMaps()
        .inNamespace(ns.name())
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("line3-settings")
                .endMetadata()
                .withData(Map.of("mode", "fast"))
                .build())
        .create();
    used.add(ns.name());
    kube.pods()
        .inNamespace(ns.name())
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName("configured")
                .endMetadata()
                .withNewSpec()
                .withNodeName(NODE)
                .withTerminationGracePeriodSeconds(1L)
                .addNewVolume()
                .withName("settings")
                .withNewConfigMap()
                .withName("line3-settings")
                .endConfigMap()
                .endVolume()
                .addNewContainer()
                .withName("app")
                .withImage(BUSYBOX)
                .withCommand("sleep", "3600")
                .addNewEnv()
                .withName("MODE")
                .withNewValueFrom()
                .withNewConfigMapKeyRef("mode", "line3-settings", false)
                .endValueFrom()
                .endEnv()
                .addNewVolumeMount()
                .withName("settings")
                .withMountPath("/etc/line3")
                .endVolumeMount()
                .endContainer()
                .endSpec()
                .build())
        .create();
    Pod pod =
        await("running")
            .atMost(Duration.ofSeconds(30))
            .until(() -> pod(ns, "configured"), p -> p != null && running(p));
    String id = containerId(pod, "app");
    // env, not printenv: Debian's busybox has no printenv applet
    assertThat(runtime.exec(id, "env").lines()).contains("MODE=fast");
    assertThat(runtime.exec(id, "cat", "/etc/line3/mode")).isEqualTo("fast");

    kube.configMaps()
        .inNamespace(ns.name())
        .withName("line3-settings")
        .edit(cm -> {
          cm.getData().put("mode", "slow");
          return cm;
        });
    Instant changed = Instant.now();
    await("the mounted file follows the ConfigMap")
        .atMost(Duration.ofSeconds(10))
        .until(() -> runtime.exec(id, "cat", "/etc/line3/mode"), "slow"::equals);
    timing("ConfigMap change in the mounted file", changed);
    // the environment is fixed when the container starts, as with the kubelet
    assertThat(runtime.exec(id, "env").lines()).contains("MODE=fast");
  }

  // --- 6, 7: offline ---------------------------------------------------------------------------

  @Test
  void withTheCloudDownARestartedEdgecoreRunsEveryPodFromItsStoreWithTheSameContainers(
      TestNamespace ns) throws Exception {
    List<Pod> pods = twoRunningPods(ns);
    Map<String, String> containersBefore = containersByPod(pods);
    Set<String> sandboxesBefore = ids(runtime.sandboxesIn(ns.name()));

    stopCloud();
    closeEdge();
    Instant restarted = Instant.now();
    startEdge();

    await("every pod reported running again, from the store alone")
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(() -> {
          for (Pod p : pods) {
            JsonNode status =
                queuedStatus(p, restarted)
                    .orElseThrow(() ->
                        new AssertionError(
                            "no status of "
                                + p.getMetadata().getName()
                                + " from the restarted edgecore"));
            assertThat(status.path("phase").asText()).isEqualTo("Running");
            JsonNode app = status.path("containerStatuses").path(0);
            assertThat(app.path("state").has("running")).isTrue();
            assertThat(app.path("containerID").asText())
                .isEqualTo("containerd://" + containersBefore.get(p.getMetadata().getUid()));
          }
        });
    timing("restarted edgecore reports every pod running (same containers)", restarted);
    assertThat(runtime.containersIn(ns.name()))
        .allSatisfy(c -> assertThat(c.getState()).isEqualTo(ContainerState.CONTAINER_RUNNING))
        .extracting(Container::getId)
        .containsExactlyInAnyOrderElementsOf(containersBefore.values());
    assertThat(ids(runtime.sandboxesIn(ns.name()))).isEqualTo(sandboxesBefore);
  }

  @Test
  void withTheCloudDownARebootedNodeRecreatesEveryPodAndTheCloudSeesThemAfterReconnect(
      TestNamespace ns) throws Exception {
    List<Pod> pods = twoRunningPods(ns);
    Set<String> containersBefore = Set.copyOf(containersByPod(pods).values());
    Set<String> sandboxesBefore = ids(runtime.sandboxesIn(ns.name()));

    stopCloud();
    closeEdge();
    runtime.wipe(ns.name()); // the reboot: no container, no sandbox survives
    assertThat(runtime.containersIn(ns.name())).isEmpty();
    assertThat(runtime.sandboxesIn(ns.name())).isEmpty();
    Instant booted = Instant.now();
    startEdge();

    Map<String, String> sandboxByPod = new HashMap<>();
    Map<String, String> containerByPod = new HashMap<>();
    await("every pod recreated and running")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(() -> {
          for (Pod p : pods) {
            String uid = p.getMetadata().getUid();
            PodSandbox sandbox =
                runtime.sandboxesOf(uid).stream()
                    .filter(s -> s.getState() == PodSandboxState.SANDBOX_READY)
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no ready sandbox of " + uid));
            Container c =
                runtime.containersOf(uid).stream()
                    .filter(x -> x.getState() == ContainerState.CONTAINER_RUNNING)
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no running container of " + uid));
            sandboxByPod.put(uid, sandbox.getId());
            containerByPod.put(uid, c.getId());
          }
        });
    timing("rebooted node runs every pod again", booted);
    assertThat(sandboxByPod.values()).doesNotContainAnyElementsOf(sandboxesBefore);
    assertThat(containerByPod.values()).doesNotContainAnyElementsOf(containersBefore);

    Instant reconnected = Instant.now();
    startCloud();
    await("the API shows the new pod IPs and containers")
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(() -> {
          for (Pod before : pods) {
            Pod p = pod(ns, before.getMetadata().getName());
            String uid = p.getMetadata().getUid();
            assertThat(running(p)).as("%s running", p.getMetadata().getName()).isTrue();
            assertThat(p.getStatus().getPodIP())
                .isEqualTo(runtime.sandboxIp(sandboxByPod.get(uid)));
            assertThat(p.getStatus().getPodIPs())
                .extracting(PodIP::getIp)
                .containsExactly(p.getStatus().getPodIP());
            assertThat(containerId(p, "app")).isEqualTo(containerByPod.get(uid));
            // the node kept its address: the pods' bridge, up now, is not mistaken for it
            assertThat(p.getStatus().getHostIP())
                .isEqualTo(before.getStatus().getHostIP())
                .satisfies(WorkloadIT::notInThePodSubnet);
            assertThat(p.getStatus().getHostIPs())
                .extracting(HostIP::getIp)
                .containsExactly(p.getStatus().getHostIP());
          }
        });
    timing("API shows the rebooted pods after cloudcore is back", reconnected);
  }

  // --- helpers ---------------------------------------------------------------------------------

  /** A vision and a busybox pod on the node, both running. */
  private List<Pod> twoRunningPods(TestNamespace ns) {
    create(ns, "vision", c -> c.withImage(VISION));
    create(ns, "sleeper", c -> c.withCommand("sleep", "3600"));
    return await("both pods running")
        .atMost(Duration.ofSeconds(30))
        .until(
            () -> pods(ns.name()), l -> l.size() == 2 && l.stream().allMatch(WorkloadIT::running));
  }

  /** A one-container pod ("app", busybox unless changed) bound to the node, grace 1 s. */
  private Pod create(TestNamespace ns, String name, Consumer<ContainerBuilder> container) {
    used.add(ns.name());
    ContainerBuilder c = new ContainerBuilder().withName("app").withImage(BUSYBOX);
    container.accept(c);
    return kube.pods()
        .inNamespace(ns.name())
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withNodeName(NODE)
                .withTerminationGracePeriodSeconds(1L)
                .addToContainers(c.build())
                .endSpec()
                .build())
        .create();
  }

  private static Deployment seed() throws IOException {
    String configured = System.getProperty("kubeedge.seed.deployment", "");
    Path file =
        configured.isBlank()
            ? RepoRoot.find().resolve("examples/seed/line3-vision.yaml")
            : Path.of(configured);
    assertThat(file).as("the seed Deployment (-Dkubeedge.seed.deployment)").isRegularFile();
    try (InputStream in = Files.newInputStream(file)) {
      Deployment d = kube.apps().deployments().load(in).item();
      assertThat(d.getMetadata().getNamespace()).isEqualTo(FACTORY);
      return d;
    }
  }

  /** Creates namespace factory, after any of an earlier test or run has gone. */
  private void factoryNamespace() {
    used.add(FACTORY);
    if (kube.namespaces().withName(FACTORY).get() != null) {
      kube.pods().inNamespace(FACTORY).withGracePeriod(0).delete();
      kube.namespaces().withName(FACTORY).delete();
    }
    await("namespace factory gone")
        .atMost(Duration.ofSeconds(60))
        .until(() -> kube.namespaces().withName(FACTORY).get() == null);
    kube.namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(FACTORY).endMetadata().build())
        .create();
  }

  /**
   * Deletes every workload of {@code ns} quickly — controllers orphaned so they make no new pods,
   * the pods with a 1 s grace — and waits until the edge confirmed each and containerd holds none.
   */
  private static void removeWorkloads(String ns) {
    kube.apps()
        .deployments()
        .inNamespace(ns)
        .withPropagationPolicy(DeletionPropagation.ORPHAN)
        .delete();
    kube.apps()
        .replicaSets()
        .inNamespace(ns)
        .withPropagationPolicy(DeletionPropagation.ORPHAN)
        .delete();
    kube.pods().inNamespace(ns).withGracePeriod(1).delete();
    await("pods of " + ns + " confirmed gone by the edge")
        .atMost(Duration.ofSeconds(30))
        .until(() -> pods(ns), List::isEmpty);
    await("containerd holds nothing of " + ns)
        .atMost(Duration.ofSeconds(10))
        .until(() -> runtime.sandboxesIn(ns).isEmpty() && runtime.containersIn(ns).isEmpty());
  }

  private static List<Pod> pods(String ns) {
    return kube.pods().inNamespace(ns).list().getItems();
  }

  private Pod pod(TestNamespace ns, String name) {
    return kube.pods().inNamespace(ns.name()).withName(name).get();
  }

  private ContainerStatus containerStatus(TestNamespace ns, String pod) {
    Pod p = pod(ns, pod);
    if (p == null || p.getStatus() == null || p.getStatus().getContainerStatuses() == null) {
      return null;
    }
    return p.getStatus().getContainerStatuses().stream()
        .filter(s -> "app".equals(s.getName()))
        .findFirst()
        .orElse(null);
  }

  /** Phase Running, a pod IP, and every container running. */
  private static boolean running(Pod p) {
    var status = p.getStatus();
    return status != null
        && "Running".equals(status.getPhase())
        && status.getPodIP() != null
        && !status.getPodIP().isEmpty()
        && status.getContainerStatuses() != null
        && !status.getContainerStatuses().isEmpty()
        && status.getContainerStatuses().stream()
            .allMatch(s -> s.getState() != null && s.getState().getRunning() != null);
  }

  private static boolean condition(Pod p, String type) {
    return p.getStatus().getConditions().stream()
        .anyMatch(c -> type.equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** The CRI id of a container from the pod status ({@code containerd://<id>}). */
  private static String containerId(Pod p, String container) {
    String id =
        p.getStatus().getContainerStatuses().stream()
            .filter(s -> container.equals(s.getName()))
            .findFirst()
            .orElseThrow()
            .getContainerID();
    assertThat(id).startsWith("containerd://");
    return id.substring("containerd://".length());
  }

  /** pod uid → the id of its one container, as containerd has it now. */
  private Map<String, String> containersByPod(List<Pod> pods) {
    Map<String, String> out = new HashMap<>();
    for (Pod p : pods) {
      List<Container> cs = runtime.containersOf(p.getMetadata().getUid());
      assertThat(cs).hasSize(1);
      assertThat(cs.get(0).getId()).isEqualTo(containerId(p, "app"));
      out.put(p.getMetadata().getUid(), cs.get(0).getId());
    }
    return out;
  }

  private static Set<String> ids(List<PodSandbox> sandboxes) {
    Set<String> out = new LinkedHashSet<>();
    sandboxes.forEach(s -> out.add(s.getId()));
    return out;
  }

  /**
   * The status of {@code p} that the edge queued for the cloud (which is down) since {@code since}:
   * what Edged itself concluded about the pod.
   */
  private static Optional<JsonNode> queuedStatus(Pod p, Instant since) throws Exception {
    String key = "pod-status/" + p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
    MessageCodec codec = new MessageCodec();
    for (MetaStore.OutboxEntry e : edge.meta().store().pendingUpstream(1000)) {
      if (!key.equals(e.coalesceKey())) {
        continue;
      }
      Message m = codec.decode(e.message());
      if (m.header().timestamp() >= since.toEpochMilli()) {
        return Optional.of(JSON.readTree(m.contentText()).path("status"));
      }
    }
    return Optional.empty();
  }

  /** A node address, not one of the CNI bridge's (the pods' subnet). */
  private static void notInThePodSubnet(String ip) {
    assertThat(ip).isNotBlank();
    String[] cidr = containerd.podSubnet().split("/");
    int bits = Integer.parseInt(cidr[1]);
    long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
    assertThat(ipv4(ip) & mask)
        .as("%s is in the pods' subnet %s", ip, containerd.podSubnet())
        .isNotEqualTo(ipv4(cidr[0]) & mask);
  }

  private static long ipv4(String ip) {
    long out = 0;
    for (String part : ip.split("\\.")) {
      out = out << 8 | Integer.parseInt(part);
    }
    return out;
  }

  private static void timing(String what, Instant since) {
    System.out.printf(
        "WorkloadIT timing: %s: %d ms%n", what, Duration.between(since, Instant.now()).toMillis());
  }

  // --- the node --------------------------------------------------------------------------------

  private static void startCloud() throws Exception {
    cloud = CloudCore.start(cloudConfig, CLOCK, new PrometheusRegistry());
  }

  private static void stopCloud() {
    if (cloud != null) {
      cloud.close();
      cloud = null;
    }
  }

  private static void startEdge() throws Exception {
    edge = EdgeCore.start(edgeConfig, CLOCK, new PrometheusRegistry());
  }

  private static void closeEdge() {
    if (edge != null) {
      edge.close();
      edge = null;
    }
  }

  /** Starts whichever of cloudcore and edgecore is down, and waits for the node to be Ready. */
  private static void bothRunning() throws Exception {
    if (cloud == null) {
      startCloud();
    }
    if (edge == null) {
      startEdge();
    }
    await("node " + NODE + " Ready")
        .atMost(Duration.ofSeconds(60))
        .until(() -> {
          Node node = kube.nodes().withName(NODE).get();
          return node != null
              && node.getStatus() != null
              && node.getStatus().getConditions() != null
              && node.getStatus().getConditions().stream()
                  .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        });
  }

  private static int[] freePorts(int n) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < n; i++) {
        sockets.add(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
      }
      return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
  }
}
