package org.kubeedgejava.cri;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kubeedgejava.cri.v1.ContainerState;
import org.kubeedgejava.cri.v1.ContainerStatusRequest;
import org.kubeedgejava.cri.v1.CreateContainerRequest;
import org.kubeedgejava.cri.v1.NamespaceMode;
import org.kubeedgejava.cri.v1.PodSandboxConfig;
import org.kubeedgejava.cri.v1.PodSandboxStatusRequest;
import org.kubeedgejava.cri.v1.RunPodSandboxRequest;
import org.kubeedgejava.cri.v1.StartContainerRequest;
import org.kubeedgejava.testing.LocalContainerd;

/**
 * {@code hack/containerd.sh} itself, on an instance of its own (own directory, bridge and subnet)
 * beside the shared one: a second {@code up} does nothing, and {@code down} leaves no containerd,
 * shim or container process, mount or socket of that directory behind, even when containerd was
 * killed first.
 */
final class ContainerdScriptIT {
  private static final Pattern PID = Pattern.compile("\"pid\"\\s*:\\s*(\\d+)");

  private Path dir;
  private LocalContainerd containerd;

  @BeforeEach
  void isolatedInstance() throws IOException {
    // short: the socket path must fit a sockaddr_un
    dir = Files.createTempDirectory(Path.of("/tmp"), "kej-ctd-");
    containerd = LocalContainerd.isolated(dir);
  }

  @AfterEach
  void removeInstance() throws IOException {
    containerd.down();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void secondUpIsANoOpAndDownLeavesNothingOfTheDirectoryRunning() throws Exception {
    assertThat(containerd.up()).contains("up: containerd");
    assertThat(containerd.up()).contains("already up");
    assertThat(containerd.status().exitCode()).isZero();
    containerd.importImages();
    List<Long> workload = runSleepingPod();

    String out = containerd.down();

    assertThat(out).contains("stopped containerd");
    assertNothingLeft(workload);
  }

  @Test
  void downAfterContainerdWasKilledStillStopsItsContainersAndShims() throws Exception {
    containerd.up();
    containerd.importImages();
    List<Long> workload = runSleepingPod();
    long containerdPid =
        Long.parseLong(Files.readString(dir.resolve("run/containerd.pid")).strip());
    ProcessHandle.of(containerdPid).orElseThrow().destroyForcibly();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ProcessHandle.of(containerdPid).map(p -> !p.isAlive()).orElse(true));
    assertThat(workload).allMatch(ContainerdScriptIT::alive); // orphaned, still running

    String out = containerd.down();

    assertThat(out).contains("not running").contains("killed leftover container");
    assertNothingLeft(workload);
  }

  /** A host-network pod with a running {@code sleep}; the PIDs of its pause and sleep. */
  private List<Long> runSleepingPod() {
    try (CriClient cri = CriClient.connect(containerd.endpoint(), Duration.ofMinutes(1))) {
      PodSandboxConfig pod =
          CriRuntimeIT.sandbox("script-it", NamespaceMode.NODE, dir.resolve("pod-logs"));
      String sandboxId =
          cri.runtime()
              .runPodSandbox(RunPodSandboxRequest.newBuilder().setConfig(pod).build())
              .getPodSandboxId();
      String containerId =
          cri.runtime()
              .createContainer(
                  CreateContainerRequest.newBuilder()
                      .setPodSandboxId(sandboxId)
                      .setSandboxConfig(pod)
                      .setConfig(
                          CriRuntimeIT.container("sleeper", CriRuntimeIT.BUSYBOX, "sleep", "3600"))
                      .build())
              .getContainerId();
      cri.runtime()
          .startContainer(StartContainerRequest.newBuilder().setContainerId(containerId).build());
      var status =
          cri.runtime()
              .containerStatus(
                  ContainerStatusRequest.newBuilder()
                      .setContainerId(containerId)
                      .setVerbose(true)
                      .build());
      assertThat(status.getStatus().getState()).isEqualTo(ContainerState.CONTAINER_RUNNING);
      var sandbox =
          cri.runtime()
              .podSandboxStatus(
                  PodSandboxStatusRequest.newBuilder()
                      .setPodSandboxId(sandboxId)
                      .setVerbose(true)
                      .build());
      List<Long> pids = List.of(pid(sandbox.getInfoMap()), pid(status.getInfoMap()));
      assertThat(pids).allMatch(ContainerdScriptIT::alive);
      assertThat(processesOfDir()).anyMatch(cmd -> cmd.contains("containerd-shim"));
      return pids;
    }
  }

  private void assertNothingLeft(List<Long> workload) throws IOException {
    assertThat(processesOfDir()).as("processes naming %s", dir).isEmpty();
    assertThat(workload).noneMatch(ContainerdScriptIT::alive);
    assertThat(mountsUnderDir()).as("mounts under %s", dir).isEmpty();
    assertThat(containerd.socket()).doesNotExist();
    var status = containerd.status();
    assertThat(status.exitCode()).isNotZero();
    assertThat(status.output()).contains("containerd: stopped").doesNotContain("left over");
    assertThatThrownBy(() -> CriClient.connect(containerd.endpoint()))
        .isInstanceOf(CriUnavailableException.class)
        .hasMessageStartingWith("containerd is not running at " + containerd.socket());
  }

  private static long pid(Map<String, String> info) {
    Matcher m = PID.matcher(String.join("\n", info.values()));
    assertThat(m.find()).as("a pid in the verbose info %s", info.keySet()).isTrue();
    return Long.parseLong(m.group(1));
  }

  private static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** Command lines of live processes that name this instance's directory. */
  private List<String> processesOfDir() {
    List<String> found = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.toList()) {
        if (!proc.getFileName().toString().chars().allMatch(Character::isDigit)) {
          continue;
        }
        try {
          String cmd =
              new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                  .replace('\0', ' ');
          if (cmd.contains(dir.toString())) {
            found.add(proc.getFileName() + ": " + cmd);
          }
        } catch (IOException gone) {
          // exited while we looked
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot list /proc", e);
    }
    return found;
  }

  private List<String> mountsUnderDir() throws IOException {
    return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
        .map(line -> line.split(" ")[4])
        .filter(mountPoint -> mountPoint.startsWith(dir + "/"))
        .toList();
  }
}
