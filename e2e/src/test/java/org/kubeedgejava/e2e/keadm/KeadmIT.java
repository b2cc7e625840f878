package org.kubeedgejava.e2e.keadm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.kubeedgejava.e2e.InProcessNodes;
import org.kubeedgejava.security.CertificateAuthority;
import org.kubeedgejava.security.JoinToken;
import org.kubeedgejava.testing.ControlPlaneTest;
import org.kubeedgejava.testing.FreePorts;
import org.kubeedgejava.testing.LocalControlPlane;
import org.kubeedgejava.testing.ProcessScan;

/**
 * The seed's install path against the real control plane, with the built launchers: {@code keadm
 * init}, {@code gettoken}, {@code join} of an edge node on this machine (cloud and edge in separate
 * directories, as on two machines), bad tokens refused, and {@code reset} on both sides leaving
 * nothing running.
 */
@ControlPlaneTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KeadmIT {
  @TempDir static Path dir;
  static Path cloudDir;
  static Path edgeDir;
  static int wsPort;
  static int httpsPort;
  static int monitorPort;
  static LocalControlPlane plane;
  static String token;

  @BeforeAll
  static void build(LocalControlPlane controlPlane) throws Exception {
    plane = controlPlane;
    Result launchers =
        run(
            List.of("bash", plane.repoRoot().resolve("hack/make-launchers.sh").toString()),
            Duration.ofMinutes(1));
    assertThat(launchers.code()).as(launchers.output()).isZero();
    cloudDir = dir.resolve("cloud");
    edgeDir = dir.resolve("edge");
    int[] ports = FreePorts.pick(3);
    wsPort = ports[0];
    httpsPort = ports[1];
    monitorPort = ports[2];
  }

  @AfterAll
  static void resetWhateverIsLeft() throws Exception {
    keadm(
        List.of(
            "reset",
            "--config-dir",
            edgeDir.toString(),
            "--log-dir",
            edgeDir.resolve("log").toString()));
    keadm(
        List.of(
            "reset",
            "--config-dir",
            cloudDir.toString(),
            "--log-dir",
            cloudDir.resolve("log").toString(),
            "--kube-config",
            plane.kubeconfig().toString()));
    // the Node object is the cloud's and outlives reset, as in KubeEdge; a test must not leave an
    // edge node behind for later tests' pods to be scheduled to
    try (var kube = plane.newClient()) {
      InProcessNodes.forget(kube, "edge-pune-01");
    }
  }

  @Test
  @Order(1)
  void initStartsCloudcoreWhichCreatesItsCredentials(KubernetesClient kube) throws Exception {
    Result init =
        keadm(
            List.of(
                "init",
                "--advertise-address=127.0.0.1",
                "--kube-config=" + plane.kubeconfig(),
                "--config-dir",
                cloudDir.toString(),
                "--log-dir",
                cloudDir.resolve("log").toString(),
                "--websocket-port",
                "" + wsPort,
                "--https-port",
                "" + httpsPort,
                "--monitor-address",
                "127.0.0.1:" + monitorPort));

    assertThat(init.code()).as(init.output()).isZero();
    assertThat(init.output())
        .contains("cloudcore is serving", cloudDir.resolve("log/cloudcore.log").toString());
    assertThat(kube.secrets().inNamespace("kubeedge").withName("casecret").get()).isNotNull();
    assertThat(kube.secrets().inNamespace("kubeedge").withName("cloudcoresecret").get())
        .isNotNull();
    for (String crd :
        List.of(
            "objectsyncs.reliablesyncs.kubeedge.io",
            "devices.devices.kubeedge.io",
            "devicemodels.devices.kubeedge.io")) {
      assertThat(kube.apiextensions().v1().customResourceDefinitions().withName(crd).get())
          .as(crd)
          .isNotNull();
    }
  }

  @Test
  @Order(2)
  void gettokenPrintsTheTokenOfTheClusterCa(KubernetesClient kube) throws Exception {
    Result result = keadm(List.of("gettoken", "--kube-config=" + plane.kubeconfig()));

    assertThat(result.code()).as(result.output()).isZero();
    token = result.output().strip().lines().reduce((a, b) -> b).orElseThrow();
    assertThat(JoinToken.parse(token).caHash()).isEqualTo(clusterCa(kube).certificateHash());
  }

  @Test
  @Order(3)
  void joinWithAForgedTokenFailsClearlyAndStartsNothing() throws Exception {
    String forged =
        token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");

    Result result = join(forged, "edge-forged");

    assertThat(result.code()).isNotZero();
    assertThat(result.output()).contains("keadm join:").containsIgnoringCase("signature");
    assertThat(Files.exists(edgeDir.resolve("config/edgecore.yaml"))).isFalse();
  }

  @Test
  @Order(4)
  void joinWithAnExpiredTokenFailsClearly(KubernetesClient kube) throws Exception {
    Clock lastWeek = Clock.fixed(Instant.now().minus(Duration.ofDays(7)), ZoneOffset.UTC);
    String expired = JoinToken.create(clusterCa(kube), lastWeek, Duration.ofHours(24));

    Result result = join(expired, "edge-expired");

    assertThat(result.code()).isNotZero();
    assertThat(result.output()).contains("expired");
  }

  @Test
  @Order(5)
  void joinConnectsTheEdgeNodeWithinTenSeconds() throws Exception {
    Result result = join(token, "edge-pune-01");

    assertThat(result.code()).as(result.output()).isZero();
    await("kubeedge_cloudhub_active_connections 1")
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(200))
        .until(() -> metrics().contains("kubeedge_cloudhub_active_connections 1.0"));
  }

  @Test
  @Order(6)
  void resetOnBothSidesLeavesNothingOfOursRunning(KubernetesClient kube) throws Exception {
    Result edge =
        keadm(
            List.of(
                "reset",
                "--config-dir",
                edgeDir.toString(),
                "--log-dir",
                edgeDir.resolve("log").toString()));
    Result cloud =
        keadm(
            List.of(
                "reset",
                "--config-dir",
                cloudDir.toString(),
                "--log-dir",
                cloudDir.resolve("log").toString(),
                "--kube-config",
                plane.kubeconfig().toString()));

    assertThat(edge.code()).as(edge.output()).isZero();
    assertThat(edge.output()).contains("stopped edgecore");
    assertThat(cloud.code()).as(cloud.output()).isZero();
    assertThat(cloud.output()).contains("stopped cloudcore");
    assertThat(ProcessScan.mentioning(dir.toString())).isEmpty();
    assertThat(Files.exists(edgeDir.resolve("certs/server.key"))).isFalse();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> kube.namespaces().withName("kubeedge").get() == null);
  }

  private static Result join(String joinToken, String node) throws Exception {
    return keadm(
        List.of(
            "join",
            "--cloudcore-ipport=127.0.0.1:" + wsPort,
            "--certport=" + httpsPort,
            "--token=" + joinToken,
            "--edgenode-name=" + node,
            "--config-dir",
            edgeDir.toString(),
            "--log-dir",
            edgeDir.resolve("log").toString(),
            "--data-dir",
            edgeDir.resolve("data").toString(),
            "--heartbeat",
            "2"));
  }

  private static CertificateAuthority clusterCa(KubernetesClient kube) {
    Secret ca = kube.secrets().inNamespace("kubeedge").withName("casecret").get();
    return CertificateAuthority.fromDer(
        Base64.getDecoder().decode(ca.getData().get("cadata")),
        Base64.getDecoder().decode(ca.getData().get("cakeydata")));
  }

  private static String metrics() throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + monitorPort + "/metrics"))
                  .build(),
              HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      return "";
    }
  }

  record Result(int code, String output) {}

  private static Result keadm(List<String> args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(plane.repoRoot().resolve("_output/bin/keadm").toString());
    command.addAll(args);
    return run(command, Duration.ofMinutes(3));
  }

  private static Result run(List<String> command, Duration timeout) throws Exception {
    Path out = Files.createTempFile(dir, "cmd", ".log");
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile());
    pb.environment().putAll(Map.of("KUBECONFIG", plane.kubeconfig().toString()));
    Process p = pb.start();
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(command + " timed out:\n" + Files.readString(out));
    }
    return new Result(p.exitValue(), Files.readString(out));
  }
}
