package org.kubeedgejava.e2e.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.kubeedgejava.testing.FreePorts;
import org.kubeedgejava.testing.ProcessScan;
import org.kubeedgejava.testing.RepoRoot;

/**
 * The README's run command, as a newcomer runs it: {@code hack/quickstart.sh up} (what {@code make
 * quickstart} runs) brings up the whole seed tutorial — control plane, containerd, Mosquitto,
 * {@code keadm init}/{@code gettoken}/{@code join}, the seed's Deployment, a simulated PLC, the
 * Modbus mapper DaemonSet and the seed's Device — and prints the edge node Ready, the workload
 * Running on it and the device's reported twin; a second run reuses what runs; {@code down} leaves
 * no process of it behind. It runs on its own control plane, containerd and ports (in a directory
 * of its own) so the rest of the suite's control plane is untouched; the build step is skipped
 * because the reactor has just built what it would build.
 */
class QuickstartIT {
  private static final Path REPO = RepoRoot.find();
  private static Path dir;
  private static Map<String, String> env;

  @BeforeAll
  static void setUp() throws Exception {
    dir = Files.createTempDirectory("qs-it");
    int[] p = FreePorts.pick(10);
    env = new HashMap<>();
    env.put("QUICKSTART_DIR", dir.resolve("qs").toString());
    env.put("QUICKSTART_SKIP_BUILD", "1");
    env.put("QUICKSTART_HUB_PORT", Integer.toString(p[0]));
    env.put("QUICKSTART_HTTPS_PORT", Integer.toString(p[1]));
    env.put("QUICKSTART_MONITOR_PORT", Integer.toString(p[2]));
    env.put("QUICKSTART_MQTT_PORT", Integer.toString(p[3]));
    env.put("QUICKSTART_PLC_PORT", Integer.toString(p[4]));
    env.put("CLUSTER_DIR", dir.resolve("cluster").toString());
    env.put("CLUSTER_APISERVER_PORT", Integer.toString(p[5]));
    env.put("CLUSTER_ETCD_PORT", Integer.toString(p[6]));
    env.put("CLUSTER_ETCD_PEER_PORT", Integer.toString(p[7]));
    env.put("CLUSTER_KCM_PORT", Integer.toString(p[8]));
    env.put("CLUSTER_SCHEDULER_PORT", Integer.toString(p[9]));
    env.put("CONTAINERD_DIR", dir.resolve("containerd").toString());
    Result launchers = run(List.of("bash", REPO.resolve("hack/make-launchers.sh").toString()), 120);
    assertThat(launchers.code()).as(launchers.output()).isZero();
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (dir == null) {
      return;
    }
    if (!ProcessScan.mentioning(dir.toString()).isEmpty()) {
      run(List.of("bash", REPO.resolve("hack/quickstart.sh").toString(), "down"), 300);
    }
    if (ProcessScan.mentioning(dir.toString()).isEmpty()) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  @Test
  void theTutorialRunsEndToEndAgainStopsWithoutATraceAndRunsAgainAfterwards() throws Exception {
    Result up = run(List.of("bash", REPO.resolve("hack/quickstart.sh").toString(), "up"), 900);
    assertThat(up.code()).as(up.output()).isZero();
    assertThat(up.output())
        .as(up.output())
        .containsPattern("(?m)^edge-pune-01\\s+Ready\\s+agent,edge\\s.*\\strue$")
        .containsPattern("(?m)^line3-vision-\\S+\\s+1/1\\s+Running\\s.*\\sedge-pune-01\\s")
        .containsPattern("(?m)^plc-line3-temp\\s+edge-pune-01\\s+modbus-temp-sensor\\s+online\\s")
        .containsPattern(
            "\"propertyName\":\"temperature\",\"reported\":\\{[^}]*\\},\"value\":\"70\"");

    Result again = run(List.of("bash", REPO.resolve("hack/quickstart.sh").toString(), "up"), 300);
    assertThat(again.code()).as(again.output()).isZero();
    assertThat(again.output())
        .containsPattern("keadm init \\(cloudcore\\)\\s+already running")
        .containsPattern("keadm join edge-pune-01\\s+already running");

    Result down = run(List.of("bash", REPO.resolve("hack/quickstart.sh").toString(), "down"), 300);
    assertThat(down.code()).as(down.output()).isZero();
    assertThat(ProcessScan.mentioning(dir.toString())).as("processes left behind").isEmpty();

    // up again on the state the first run left (the control plane keeps its etcd): nothing of
    // the first edge node may hold the new run up (a namespace stuck Terminating did, once)
    Result upAgain = run(List.of("bash", REPO.resolve("hack/quickstart.sh").toString(), "up"), 600);
    assertThat(upAgain.code()).as(upAgain.output()).isZero();
    assertThat(upAgain.output())
        .containsPattern("(?m)^plc-line3-temp\\s+edge-pune-01\\s+modbus-temp-sensor\\s+online\\s");
    Result downAgain =
        run(List.of("bash", REPO.resolve("hack/quickstart.sh").toString(), "down"), 300);
    assertThat(downAgain.code()).as(downAgain.output()).isZero();
    assertThat(ProcessScan.mentioning(dir.toString())).as("processes left behind").isEmpty();
  }

  private record Result(int code, String output) {}

  private static Result run(List<String> command, int timeoutSeconds)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile(dir, "run", ".log");
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(REPO.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    // the suite's own control plane must not leak in through the environment
    pb.environment().remove("KUBECONFIG");
    Process p = pb.start();
    if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      return new Result(-1, "timed out after " + timeoutSeconds + " s\n" + Files.readString(log));
    }
    return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
  }
}
