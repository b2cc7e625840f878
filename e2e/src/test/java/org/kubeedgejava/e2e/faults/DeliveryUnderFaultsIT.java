package org.kubeedgejava.e2e.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kubeedgejava.e2e.InProcessNodes;
import org.kubeedgejava.testing.ControlPlaneTest;
import org.kubeedgejava.testing.FreePorts;
import org.kubeedgejava.testing.LocalControlPlane;
import org.kubeedgejava.testing.ProcessScan;
import org.kubeedgejava.testing.TestNamespace;

/**
 * Reliable delivery when processes die: while 1,000 updates to objects bound to an edge node stream
 * down, edgecore (then cloudcore) is killed with SIGKILL and restarted by its supervisor;
 * afterwards the edge store holds exactly the latest version of every object. Runs the real
 * launchers as keadm installs them.
 */
@ControlPlaneTest
class DeliveryUnderFaultsIT {
  private static final String NODE = "edge-faults";
  private static final int OBJECTS = 50;
  private static final int ROUNDS = 20; // 50 x 20 = 1,000 updates

  @TempDir Path dir;
  private LocalControlPlane plane;
  private Path cloudDir;
  private Path edgeDir;

  @BeforeEach
  void install(LocalControlPlane controlPlane, KubernetesClient kube) throws Exception {
    plane = controlPlane;
    cloudDir = dir.resolve("cloud");
    edgeDir = dir.resolve("edge");
    Keadm.run(
        plane, List.of("bash", plane.repoRoot().resolve("hack/make-launchers.sh").toString()));
    int[] ports = FreePorts.pick(3);
    Keadm.ok(
        plane,
        "init",
        "--advertise-address=127.0.0.1",
        "--kube-config=" + plane.kubeconfig(),
        "--config-dir",
        cloudDir.toString(),
        "--log-dir",
        cloudDir.resolve("log").toString(),
        "--websocket-port",
        "" + ports[0],
        "--https-port",
        "" + ports[1],
        "--monitor-address",
        "127.0.0.1:" + ports[2]);
    String token =
        Keadm.ok(plane, "gettoken", "--kube-config=" + plane.kubeconfig())
            .strip()
            .lines()
            .reduce((a, b) -> b)
            .orElseThrow();
    Keadm.ok(
        plane,
        "join",
        "--cloudcore-ipport=127.0.0.1:" + ports[0],
        "--certport=" + ports[1],
        "--token=" + token,
        "--edgenode-name=" + NODE,
        "--config-dir",
        edgeDir.toString(),
        "--log-dir",
        edgeDir.resolve("log").toString(),
        "--data-dir",
        edgeDir.resolve("data").toString(),
        "--kubelet-root-dir",
        edgeDir.resolve("kubelet").toString(),
        "--remote-runtime-endpoint=unix://" + dir.resolve("no-runtime.sock"),
        "--heartbeat",
        "2");
    await().atMost(Duration.ofSeconds(30)).until(() -> kube.nodes().withName(NODE).get() != null);
  }

  @AfterEach
  void reset(KubernetesClient kube) throws Exception {
    Keadm.run(
        plane,
        List.of(
            plane.repoRoot().resolve("_output/bin/keadm").toString(),
            "reset",
            "--config-dir",
            edgeDir.toString(),
            "--log-dir",
            edgeDir.resolve("log").toString()));
    Keadm.run(
        plane,
        List.of(
            plane.repoRoot().resolve("_output/bin/keadm").toString(),
            "reset",
            "--config-dir",
            cloudDir.toString(),
            "--log-dir",
            cloudDir.resolve("log").toString(),
            "--kube-config",
            plane.kubeconfig().toString()));
    InProcessNodes.forget(kube, NODE);
    assertThat(ProcessScan.mentioning(dir.toString())).isEmpty();
  }

  @Test
  void edgecoreKilledMidStreamEndsWithTheLatestVersionOfEveryObject(
      KubernetesClient kube, TestNamespace ns) throws Exception {
    streamWithAKill(kube, ns, "edgecore", edgeDir);
  }

  @Test
  void cloudcoreKilledMidStreamEndsWithTheLatestVersionOfEveryObject(
      KubernetesClient kube, TestNamespace ns) throws Exception {
    streamWithAKill(kube, ns, "cloudcore", cloudDir);
  }

  private void streamWithAKill(
      KubernetesClient kube, TestNamespace ns, String victim, Path victimDir) throws Exception {
    PodBuilder pod =
        new PodBuilder()
            .withNewMetadata()
            .withName("consumer")
            .endMetadata()
            .withNewSpec()
            .withNodeName(NODE)
            .addNewContainer()
            .withName("app")
            .withImage("docker.io/kubeedge-java/busybox:1.35")
            .endContainer()
            .endSpec();
    for (int i = 0; i < OBJECTS; i++) {
      kube.configMaps()
          .inNamespace(ns.name())
          .resource(
              new ConfigMapBuilder()
                  .withNewMetadata()
                  .withName("cm-" + i)
                  .endMetadata()
                  .withData(Map.of("v", "0"))
                  .build())
          .create();
      pod.editSpec()
          .editFirstContainer()
          .addNewEnvFrom()
          .withNewConfigMapRef("cm-" + i, false)
          .endEnvFrom()
          .endContainer()
          .endSpec();
    }
    kube.pods().inNamespace(ns.name()).resource(pod.build()).create();
    Path db = edgeDir.resolve("data/edgecore.db");
    await("initial versions on the edge")
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> assertThat(edgeVersions(db, ns)).hasSize(OBJECTS));

    for (int round = 1; round <= ROUNDS; round++) {
      for (int i = 0; i < OBJECTS; i++) {
        String value = Integer.toString(round);
        kube.configMaps()
            .inNamespace(ns.name())
            .withName("cm-" + i)
            .edit(cm -> {
              cm.getData().put("v", value);
              return cm;
            });
      }
      if (round == ROUNDS / 2) {
        long killed = kill9(victimDir, victim);
        assertThat(killed).as("a %s process was killed", victim).isPositive();
      }
    }

    Map<String, String> expected = new HashMap<>();
    for (ConfigMap cm : kube.configMaps().inNamespace(ns.name()).list().getItems()) {
      if (cm.getMetadata().getName().startsWith("cm-")) {
        expected.put(
            ns.name() + "/configmap/" + cm.getMetadata().getName(),
            cm.getMetadata().getResourceVersion());
      }
    }
    await("the edge store converges on the latest versions")
        .atMost(Duration.ofSeconds(120))
        .pollInterval(Duration.ofSeconds(1))
        .untilAsserted(
            () -> assertThat(edgeVersions(db, ns)).containsExactlyInAnyOrderEntriesOf(expected));
    String log = Files.readString(victimDir.resolve("log").resolve(victim + ".log"));
    assertThat(log).contains("supervise: exited with 137");
  }

  /** SIGKILLs the component (not its supervisor); returns the pid killed. */
  private static long kill9(Path componentDir, String component) throws Exception {
    long supervisor =
        Long.parseLong(
            Files.readString(componentDir.resolve("run").resolve(component + ".pid")).strip());
    ProcessHandle child =
        ProcessHandle.of(supervisor)
            .orElseThrow()
            .children()
            .filter(p -> p.info().commandLine().map(c -> c.contains("java")).orElse(false))
            .findFirst()
            .orElseThrow();
    new ProcessBuilder("kill", "-9", Long.toString(child.pid()))
        .start()
        .waitFor(5, TimeUnit.SECONDS);
    return child.pid();
  }

  /**
   * key → resource version of the ConfigMaps of {@code ns} in the edge store (read-only while
   * edgecore runs).
   */
  private static Map<String, String> edgeVersions(Path db, TestNamespace ns) throws Exception {
    Map<String, String> out = new HashMap<>();
    if (!Files.exists(db)) {
      return out;
    }
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db + "?mode=ro");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT m.key, v.resource_version FROM meta m JOIN meta_version v ON v.key = m.key WHERE m.type = 'configmap'")) {
      while (rs.next()) {
        if (rs.getString(1).startsWith(ns.name() + "/configmap/cm-")) {
          out.put(rs.getString(1), rs.getString(2));
        }
      }
    }
    return out;
  }

  /** Runs keadm and other commands of the build. */
  static final class Keadm {
    static String ok(LocalControlPlane plane, String... args) throws Exception {
      List<String> command = new ArrayList<>();
      command.add(plane.repoRoot().resolve("_output/bin/keadm").toString());
      command.addAll(List.of(args));
      String[] result = run(plane, command);
      assertThat(Integer.parseInt(result[0]))
          .as(String.join(" ", args) + ":\n" + result[1])
          .isZero();
      return result[1];
    }

    static String[] run(LocalControlPlane plane, List<String> command) throws Exception {
      Path out = Files.createTempFile("keadm", ".log");
      ProcessBuilder pb =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
      pb.environment().put("KUBECONFIG", plane.kubeconfig().toString());
      Process p = pb.start();
      if (!p.waitFor(3, TimeUnit.MINUTES)) {
        p.destroyForcibly();
      }
      String text = Files.readString(out);
      Files.deleteIfExists(out);
      return new String[] {Integer.toString(p.exitValue()), text};
    }
  }
}
