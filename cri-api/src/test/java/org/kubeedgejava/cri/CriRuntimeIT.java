package org.kubeedgejava.cri;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kubeedgejava.cri.v1.ContainerConfig;
import org.kubeedgejava.cri.v1.ContainerFilter;
import org.kubeedgejava.cri.v1.ContainerMetadata;
import org.kubeedgejava.cri.v1.ContainerState;
import org.kubeedgejava.cri.v1.ContainerStatus;
import org.kubeedgejava.cri.v1.ContainerStatusRequest;
import org.kubeedgejava.cri.v1.CreateContainerRequest;
import org.kubeedgejava.cri.v1.ExecSyncRequest;
import org.kubeedgejava.cri.v1.ExecSyncResponse;
import org.kubeedgejava.cri.v1.Image;
import org.kubeedgejava.cri.v1.ImageFsInfoRequest;
import org.kubeedgejava.cri.v1.ImageSpec;
import org.kubeedgejava.cri.v1.ImageStatusRequest;
import org.kubeedgejava.cri.v1.LinuxContainerConfig;
import org.kubeedgejava.cri.v1.LinuxContainerResources;
import org.kubeedgejava.cri.v1.LinuxPodSandboxConfig;
import org.kubeedgejava.cri.v1.LinuxSandboxSecurityContext;
import org.kubeedgejava.cri.v1.ListContainersRequest;
import org.kubeedgejava.cri.v1.ListImagesRequest;
import org.kubeedgejava.cri.v1.ListPodSandboxRequest;
import org.kubeedgejava.cri.v1.NamespaceMode;
import org.kubeedgejava.cri.v1.NamespaceOption;
import org.kubeedgejava.cri.v1.PodSandbox;
import org.kubeedgejava.cri.v1.PodSandboxConfig;
import org.kubeedgejava.cri.v1.PodSandboxFilter;
import org.kubeedgejava.cri.v1.PodSandboxMetadata;
import org.kubeedgejava.cri.v1.PodSandboxState;
import org.kubeedgejava.cri.v1.PodSandboxStatusRequest;
import org.kubeedgejava.cri.v1.PortMapping;
import org.kubeedgejava.cri.v1.Protocol;
import org.kubeedgejava.cri.v1.RemoveContainerRequest;
import org.kubeedgejava.cri.v1.RemovePodSandboxRequest;
import org.kubeedgejava.cri.v1.RunPodSandboxRequest;
import org.kubeedgejava.cri.v1.RuntimeCondition;
import org.kubeedgejava.cri.v1.StartContainerRequest;
import org.kubeedgejava.cri.v1.StatusRequest;
import org.kubeedgejava.cri.v1.StopContainerRequest;
import org.kubeedgejava.cri.v1.StopPodSandboxRequest;
import org.kubeedgejava.cri.v1.UpdateContainerResourcesRequest;
import org.kubeedgejava.testing.LocalContainerd;

/**
 * Pods and containers on a real containerd ({@code hack/containerd.sh}) through {@link CriClient},
 * with the locally built images ({@code hack/images.sh}). Every sandbox a test makes carries this
 * run's label, and is stopped and removed after the test.
 */
final class CriRuntimeIT {
  static final String BUSYBOX = "kubeedge-java/busybox:1.35";
  static final String VISION = "registry.example.com/vision:2026.05.0";
  static final String RUN_LABEL = "kubeedge-java.test/run";
  static final String CGROUP_PARENT = "/kubeedge-java-it";

  private static final String RUN = UUID.randomUUID().toString().substring(0, 8);

  private static LocalContainerd containerd;
  private static CriClient cri;
  private static Path logs;

  @BeforeAll
  static void startContainerd() throws IOException {
    containerd = LocalContainerd.shared();
    cri = CriClient.connect(containerd.endpoint(), Duration.ofMinutes(1));
    logs = Files.createTempDirectory("cri-it-logs");
  }

  @AfterAll
  static void closeClient() throws IOException {
    if (cri != null) {
      cri.close();
    }
    // the pods' cgroup parent, empty once every sandbox is removed
    try (var controllers = Files.list(Path.of("/sys/fs/cgroup"))) {
      controllers.forEach(c -> c.resolve(CGROUP_PARENT.substring(1)).toFile().delete());
    }
    if (logs != null) {
      try (var files = Files.walk(logs)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @AfterEach
  void removeThisRunsSandboxes() {
    for (PodSandbox sandbox : sandboxesOfThisRun()) {
      cri.runtime()
          .stopPodSandbox(
              StopPodSandboxRequest.newBuilder().setPodSandboxId(sandbox.getId()).build());
      cri.runtime()
          .removePodSandbox(
              RemovePodSandboxRequest.newBuilder().setPodSandboxId(sandbox.getId()).build());
    }
  }

  @Test
  void versionSaysContainerdSpeakingCriV1() {
    var version = cri.version();

    assertThat(version.getRuntimeName()).isEqualTo("containerd");
    assertThat(version.getRuntimeApiVersion()).isEqualTo("v1");
    assertThat(version.getRuntimeVersion()).startsWith("1.");
  }

  @Test
  void statusSaysRuntimeAndNetworkAreReady() {
    List<RuntimeCondition> conditions =
        cri.runtime().status(StatusRequest.getDefaultInstance()).getStatus().getConditionsList();

    assertThat(conditions)
        .filteredOn(RuntimeCondition::getStatus)
        .extracting(RuntimeCondition::getType)
        .contains("RuntimeReady", "NetworkReady");
  }

  @Test
  void imageStatusFindsTheLocallyBuiltImagesByShortAndFullName() {
    Image busybox = imageStatus(BUSYBOX);
    assertThat(busybox).isNotNull();
    assertThat(busybox.getRepoTagsList()).contains("docker.io/" + BUSYBOX);
    assertThat(busybox.getId()).startsWith("sha256:");
    assertThat(imageStatus("docker.io/" + BUSYBOX).getId()).isEqualTo(busybox.getId());
    assertThat(imageStatus(VISION).getRepoTagsList())
        .contains(VISION, "docker.io/kubeedge-java/vision:2026.05.0");
    assertThat(imageStatus("kubeedge-java/absent:0.0")).isNull();

    assertThat(cri.images().listImages(ListImagesRequest.getDefaultInstance()).getImagesList())
        .flatExtracting(Image::getRepoTagsList)
        .contains("docker.io/kubeedge-java/pause:3.10");
    assertThat(
            cri.images()
                .imageFsInfo(ImageFsInfoRequest.getDefaultInstance())
                .getImageFilesystemsList())
        .extracting(fs -> fs.getFsId().getMountpoint())
        .anyMatch(mountpoint -> mountpoint.startsWith(containerd.dir().toString()));
  }

  @Test
  void hostNetworkSandboxRunsBusyboxAndExecReturnsItsOutput() {
    PodSandboxConfig pod = sandbox("host-net", NamespaceMode.NODE);
    long t0 = System.nanoTime();
    String sandboxId = runSandbox(pod);
    long t1 = System.nanoTime();
    String containerId =
        createContainer(sandboxId, pod, container("sleeper", BUSYBOX, "sleep", "3600"));
    start(containerId);
    long t2 = System.nanoTime();
    System.out.printf(
        "CRI timing: RunPodSandbox (host network) %d ms; CreateContainer+StartContainer %d ms%n",
        TimeUnit.NANOSECONDS.toMillis(t1 - t0), TimeUnit.NANOSECONDS.toMillis(t2 - t1));

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> containerStatus(containerId).getState() == ContainerState.CONTAINER_RUNNING);
    ExecSyncResponse exec =
        cri.runtime()
            .execSync(
                ExecSyncRequest.newBuilder()
                    .setContainerId(containerId)
                    .addAllCmd(List.of("echo", "hi"))
                    .setTimeout(10)
                    .build());

    assertThat(exec.getExitCode()).isZero();
    assertThat(exec.getStdout().toString(StandardCharsets.UTF_8)).isEqualTo("hi\n");
    assertThat(exec.getStderr().isEmpty()).isTrue();
    assertThat(containerStatus(containerId).getStartedAt()).isPositive();
  }

  @Test
  void exitedContainerReportsItsExitCodeAndLeavesACriFormatLog() throws IOException {
    PodSandboxConfig pod = sandbox("exit-three", NamespaceMode.NODE);
    String sandboxId = runSandbox(pod);
    String containerId =
        createContainer(
            sandboxId,
            pod,
            container("failing", BUSYBOX, "sh", "-c", "echo out; echo err >&2; exit 3"));
    start(containerId);

    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> containerStatus(containerId).getState() == ContainerState.CONTAINER_EXITED);
    ContainerStatus status = containerStatus(containerId);

    assertThat(status.getExitCode()).isEqualTo(3);
    assertThat(status.getReason()).isEqualTo("Error");
    // both set; containerd 1.6 may stamp a quick exit a little before the start it recorded
    assertThat(status.getStartedAt()).isPositive();
    assertThat(status.getFinishedAt()).isPositive();
    Path log = Path.of(pod.getLogDirectory(), "failing", "0.log");
    assertThat(status.getLogPath()).isEqualTo(log.toString());
    assertThat(Files.readAllLines(log))
        .hasSize(2)
        .anyMatch(line -> line.matches("\\d{4}-\\d\\d-\\d\\dT\\S+ stdout F out"))
        .anyMatch(line -> line.matches("\\d{4}-\\d\\d-\\d\\dT\\S+ stderr F err"));
  }

  @Test
  void bridgeSandboxGetsAPodIpInTheCniSubnetAndServesTheVisionPageOnItAndOnAHostPort()
      throws Exception {
    int hostPort = freePort();
    PodSandboxConfig pod =
        sandbox("line3-vision", NamespaceMode.POD).toBuilder()
            .addPortMappings(
                PortMapping.newBuilder()
                    .setProtocol(Protocol.TCP)
                    .setContainerPort(8080)
                    .setHostPort(hostPort))
            .build();
    long t0 = System.nanoTime();
    String sandboxId = runSandbox(pod);
    long t1 = System.nanoTime();
    String containerId = createContainer(sandboxId, pod, container("app", VISION));
    start(containerId);
    long t2 = System.nanoTime();
    System.out.printf(
        "CRI timing: RunPodSandbox (CNI bridge) %d ms; CreateContainer+StartContainer %d ms%n",
        TimeUnit.NANOSECONDS.toMillis(t1 - t0), TimeUnit.NANOSECONDS.toMillis(t2 - t1));

    String ip =
        cri.runtime()
            .podSandboxStatus(
                PodSandboxStatusRequest.newBuilder().setPodSandboxId(sandboxId).build())
            .getStatus()
            .getNetwork()
            .getIp();
    assertThat(InetAddress.getByName(ip)).isInstanceOf(Inet4Address.class);
    String subnet = containerd.podSubnet();
    assertThat(inSubnet(ip, subnet)).as("%s in %s", ip, subnet).isTrue();

    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest get =
        HttpRequest.newBuilder(URI.create("http://" + ip + ":8080/"))
            .timeout(Duration.ofSeconds(2))
            .build();
    // the server needs a moment after start: poll until it answers
    String page =
        await()
            .atMost(Duration.ofSeconds(30))
            .ignoreExceptions()
            .until(
                () -> http.send(get, HttpResponse.BodyHandlers.ofString()).body(),
                body -> body != null);
    assertThat(page).contains("line3-vision 2026.05.0").contains("host: line3-vision");
  }

  @Test
  void updateContainerResourcesChangesTheMemoryLimitTheContainerSees() {
    PodSandboxConfig pod = sandbox("resize", NamespaceMode.NODE);
    String sandboxId = runSandbox(pod);
    ContainerConfig config =
        container("sleeper", BUSYBOX, "sleep", "3600").toBuilder()
            .setLinux(
                LinuxContainerConfig.newBuilder()
                    .setResources(
                        LinuxContainerResources.newBuilder()
                            .setCpuPeriod(100_000)
                            .setCpuQuota(50_000)
                            .setCpuShares(512)
                            .setMemoryLimitInBytes(64L << 20)))
            .build();
    String containerId = createContainer(sandboxId, pod, config);
    start(containerId);
    assertThat(memoryLimitSeenBy(containerId)).isEqualTo(64L << 20);

    cri.runtime()
        .updateContainerResources(
            UpdateContainerResourcesRequest.newBuilder()
                .setContainerId(containerId)
                .setLinux(
                    LinuxContainerResources.newBuilder()
                        .setCpuPeriod(100_000)
                        .setCpuQuota(50_000)
                        .setCpuShares(512)
                        .setMemoryLimitInBytes(96L << 20))
                .build());

    assertThat(memoryLimitSeenBy(containerId)).isEqualTo(96L << 20);
  }

  @Test
  void stopAndRemoveLeaveNoSandboxOrContainerBehind() {
    PodSandboxConfig pod = sandbox("short-lived", NamespaceMode.POD);
    String sandboxId = runSandbox(pod);
    String containerId =
        createContainer(sandboxId, pod, container("sleeper", BUSYBOX, "sleep", "3600"));
    start(containerId);

    cri.runtime()
        .stopContainer(
            StopContainerRequest.newBuilder().setContainerId(containerId).setTimeout(0).build());
    assertThat(containerStatus(containerId).getState()).isEqualTo(ContainerState.CONTAINER_EXITED);
    cri.runtime()
        .removeContainer(RemoveContainerRequest.newBuilder().setContainerId(containerId).build());
    cri.runtime()
        .stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(sandboxId).build());
    assertThat(sandboxesOfThisRun())
        .filteredOn(s -> s.getId().equals(sandboxId))
        .extracting(PodSandbox::getState)
        .containsExactly(PodSandboxState.SANDBOX_NOTREADY);
    cri.runtime()
        .removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(sandboxId).build());

    assertThat(sandboxesOfThisRun()).extracting(PodSandbox::getId).doesNotContain(sandboxId);
    assertThat(
            cri.runtime()
                .listContainers(
                    ListContainersRequest.newBuilder()
                        .setFilter(ContainerFilter.newBuilder().setPodSandboxId(sandboxId))
                        .build())
                .getContainersList())
        .isEmpty();
    assertThatThrownBy(() ->
            cri.runtime()
                .podSandboxStatus(
                    PodSandboxStatusRequest.newBuilder().setPodSandboxId(sandboxId).build()))
        .isInstanceOf(StatusRuntimeException.class)
        .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
        .isEqualTo(Status.Code.NOT_FOUND);
    // idempotent, as the kubelet relies on
    cri.runtime()
        .removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(sandboxId).build());
  }

  // --- helpers ---------------------------------------------------------------

  /** GETs a page, polling until the server answers (it needs a moment after its start). */
  private static String fetch(String url) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest get =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build();
    return await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () -> http.send(get, HttpResponse.BodyHandlers.ofString()), r -> r.statusCode() == 200)
        .body();
  }

  private static boolean inSubnet(String ip, String cidr) throws IOException {
    String[] parts = cidr.split("/");
    int bits = Integer.parseInt(parts[1]);
    int mask = bits == 0 ? 0 : -1 << (32 - bits);
    return (ipv4(ip) & mask) == (ipv4(parts[0]) & mask);
  }

  private static int ipv4(String address) throws IOException {
    byte[] b = InetAddress.getByName(address).getAddress();
    return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static PodSandboxConfig sandbox(String name, NamespaceMode network) {
    return sandbox(name, network, logs);
  }

  /** A pod like the kubelet's, labelled with this run, its logs in a directory under logRoot. */
  static PodSandboxConfig sandbox(String name, NamespaceMode network, Path logRoot) {
    String uid = UUID.randomUUID().toString();
    PodSandboxConfig.Builder pod =
        PodSandboxConfig.newBuilder()
            .setMetadata(
                PodSandboxMetadata.newBuilder()
                    .setName(name)
                    .setNamespace("cri-it")
                    .setUid(uid)
                    .setAttempt(0))
            .setLogDirectory(logRoot.resolve("cri-it_" + name + "_" + uid).toString())
            .putLabels(RUN_LABEL, RUN)
            .putAnnotations("kubeedge-java.test/class", CriRuntimeIT.class.getSimpleName())
            .setLinux(
                LinuxPodSandboxConfig.newBuilder()
                    .setCgroupParent(CGROUP_PARENT)
                    .setSecurityContext(
                        LinuxSandboxSecurityContext.newBuilder()
                            .setNamespaceOptions(
                                NamespaceOption.newBuilder()
                                    .setNetwork(network)
                                    .setPid(NamespaceMode.CONTAINER)
                                    .setIpc(NamespaceMode.POD))));
    if (network == NamespaceMode.POD) {
      pod.setHostname(name);
    }
    return pod.build();
  }

  static ContainerConfig container(String name, String image, String... command) {
    return ContainerConfig.newBuilder()
        .setMetadata(ContainerMetadata.newBuilder().setName(name).setAttempt(0))
        .setImage(ImageSpec.newBuilder().setImage(image))
        .addAllCommand(List.of(command))
        .setLogPath(name + "/0.log")
        .putLabels(RUN_LABEL, RUN)
        .build();
  }

  private static String runSandbox(PodSandboxConfig pod) {
    return cri.runtime()
        .runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build())
        .getPodSandboxId();
  }

  private static String createContainer(
      String sandboxId, PodSandboxConfig pod, ContainerConfig config) {
    return cri.runtime()
        .createContainer(
            CreateContainerRequest.newBuilder()
                .setPodSandboxId(sandboxId)
                .setConfig(config)
                .setSandboxConfig(pod)
                .build())
        .getContainerId();
  }

  private static void start(String containerId) {
    cri.runtime()
        .startContainer(StartContainerRequest.newBuilder().setContainerId(containerId).build());
  }

  private static ContainerStatus containerStatus(String containerId) {
    return cri.runtime()
        .containerStatus(ContainerStatusRequest.newBuilder().setContainerId(containerId).build())
        .getStatus();
  }

  private static Image imageStatus(String image) {
    var response =
        cri.images()
            .imageStatus(
                ImageStatusRequest.newBuilder()
                    .setImage(ImageSpec.newBuilder().setImage(image))
                    .build());
    return response.hasImage() ? response.getImage() : null;
  }

  private static List<PodSandbox> sandboxesOfThisRun() {
    return cri.runtime()
        .listPodSandbox(
            ListPodSandboxRequest.newBuilder()
                .setFilter(PodSandboxFilter.newBuilder().putLabelSelector(RUN_LABEL, RUN))
                .build())
        .getItemsList();
  }

  private static long memoryLimitSeenBy(String containerId) {
    // cgroup v1 and v2 file names; the container sees its own cgroup at /sys/fs/cgroup
    ExecSyncResponse exec =
        cri.runtime()
            .execSync(
                ExecSyncRequest.newBuilder()
                    .setContainerId(containerId)
                    .addAllCmd(
                        List.of(
                            "sh",
                            "-c",
                            "cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null"
                                + " || cat /sys/fs/cgroup/memory.max"))
                    .setTimeout(10)
                    .build());
    assertThat(exec.getExitCode()).as(exec.getStderr().toStringUtf8()).isZero();
    return Long.parseLong(exec.getStdout().toStringUtf8().strip());
  }
}
