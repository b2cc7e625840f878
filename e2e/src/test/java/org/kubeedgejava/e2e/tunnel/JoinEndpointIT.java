package org.kubeedgejava.e2e.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kubeedgejava.cloudcore.certs.CertificateServer;
import org.kubeedgejava.edgecore.certs.CertificateBootstrap;
import org.kubeedgejava.edgecore.certs.JoinException;
import org.kubeedgejava.security.CertificateAuthority;
import org.kubeedgejava.security.JoinToken;
import org.kubeedgejava.security.NodeIdentity;
import org.kubeedgejava.security.NodeKeys;
import org.kubeedgejava.security.Pem;
import org.kubeedgejava.testing.TestPki;

/**
 * The join endpoint (port 10002) with the edge's bootstrap client: join, rotation, and refusals.
 */
class JoinEndpointIT {
  private static final Duration GRACE = Duration.ofDays(30);
  @TempDir Path dir;
  private final Clock clock = Clock.systemUTC();
  private final TestPki pki = new TestPki();
  private CertificateServer server;
  private URI url;

  JoinEndpointIT() throws Exception {}

  @BeforeEach
  void start() throws Exception {
    server =
        new CertificateServer(
            "127.0.0.1",
            0,
            pki.ca,
            pki.server,
            Duration.ofDays(365),
            GRACE,
            Set.of("known", "edge-1")::contains,
            clock,
            new PrometheusRegistry());
    url = URI.create("https://127.0.0.1:" + server.start().getPort());
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private CertificateBootstrap bootstrap(String node) {
    return new CertificateBootstrap(
        url,
        node,
        new CertificateBootstrap.IdentityFiles(
            dir.resolve(node + "/ca.crt"),
            dir.resolve(node + "/server.crt"),
            dir.resolve(node + "/server.key")),
        clock,
        Duration.ofSeconds(5));
  }

  @Test
  void aTokenBuysANodeCertificateAndTheCurrentCertificateRenewsIt() throws Exception {
    CertificateBootstrap edge = bootstrap("edge-1");

    X509Certificate first = edge.join(JoinToken.create(pki.ca, clock, Duration.ofHours(1)));
    X509Certificate renewed = edge.rotate();

    assertThat(NodeIdentity.nodeNameOf(first)).contains("edge-1");
    assertThat(NodeIdentity.nodeNameOf(renewed)).contains("edge-1");
    assertThat(renewed.getSerialNumber()).isNotEqualTo(first.getSerialNumber());
    assertThat(edge.load())
        .hasValueSatisfying(id -> assertThat(id.certificate()).isEqualTo(renewed));
    assertThat(server.requestCount("issued")).isEqualTo(1);
    assertThat(server.requestCount("rotated")).isEqualTo(1);
  }

  @Test
  void aTokenFromAnotherCloudIsRefusedBeforeAnythingIsSent() throws Exception {
    String foreign =
        JoinToken.create(CertificateAuthority.generate(clock), clock, Duration.ofHours(1));

    assertThatThrownBy(() -> bootstrap("edge-1").join(foreign))
        .isInstanceOf(JoinException.class)
        .hasMessageContaining("refusing cloudcore's CA");
    assertThat(server.requestCount("issued")).isZero();
  }

  @Test
  void anExpiredTokenIsRefusedByTheEndpoint() throws Exception {
    Clock lastWeek = Clock.fixed(Instant.now().minus(Duration.ofDays(7)), ZoneOffset.UTC);
    String expired = JoinToken.create(pki.ca, lastWeek, Duration.ofHours(24));
    HttpResponse<String> response =
        edgeCrt(
            "edge-1",
            "Bearer " + JoinToken.parse(expired).jwt(),
            NodeKeys.nodeCsr(NodeKeys.newP256KeyPair(), "edge-1"));

    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.body()).contains("expired");
    assertThat(server.requestCount("token_expired")).isEqualTo(1);
  }

  @Test
  void aCsrForAnotherNodesNameIsRefused() throws Exception {
    String jwt = JoinToken.parse(JoinToken.create(pki.ca, clock, Duration.ofHours(1))).jwt();
    KeyPair keys = NodeKeys.newP256KeyPair();

    HttpResponse<String> response =
        edgeCrt("edge-a", "Bearer " + jwt, NodeKeys.nodeCsr(keys, "edge-b"));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("edge-b").contains("edge-a");
    assertThat(server.requestCount("csr_rejected")).isEqualTo(1);
  }

  @Test
  void noTokenAndNoCertificateIsUnauthorized() throws Exception {
    HttpResponse<String> response =
        edgeCrt("edge-a", null, NodeKeys.nodeCsr(NodeKeys.newP256KeyPair(), "edge-a"));

    assertThat(response.statusCode()).isEqualTo(401);
  }

  @Test
  void nodeLookupAnswersFoundOrNotFound() throws Exception {
    try (HttpClient http =
        HttpClient.newBuilder().sslContext(TestPki.sslContext(pki.node("x"))).build()) {
      assertThat(
              http.send(
                      HttpRequest.newBuilder(url.resolve("/node/known")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(200);
      assertThat(
              http.send(
                      HttpRequest.newBuilder(url.resolve("/node/unknown")).build(),
                      HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(404);
    }
  }

  @Test
  void aCertificateThatExpiredWithinTheGracePeriodRenewsItself() throws Exception {
    X509Certificate expired = writeExpiredIdentity("edge-1", Duration.ofDays(3));

    X509Certificate renewed = bootstrap("edge-1").rotate();

    assertThat(NodeIdentity.nodeNameOf(renewed)).contains("edge-1");
    assertThat(pki.ca.authenticateNode(renewed, clock)).contains("edge-1");
    assertThat(renewed.getNotAfter()).isAfter(expired.getNotAfter());
    assertThat(server.requestCount("recovered")).isEqualTo(1);
  }

  @Test
  void aCertificateThatExpiredBeyondTheGracePeriodIsRefusedWithWhatToDo() throws Exception {
    writeExpiredIdentity("edge-1", GRACE.plusDays(1));

    assertThatThrownBy(() -> bootstrap("edge-1").rotate())
        .isInstanceOf(JoinException.class)
        .hasMessageContaining("401")
        .hasMessageContaining("30-day grace period")
        .hasMessageContaining("keadm join");
    assertThat(server.requestCount("certificate_expired_beyond_grace")).isEqualTo(1);
  }

  @Test
  void anExpiredCertificateOfADeletedNodeIsRefused() throws Exception {
    writeExpiredIdentity("gone", Duration.ofDays(1));

    assertThatThrownBy(() -> bootstrap("gone").rotate())
        .isInstanceOf(JoinException.class)
        .hasMessageContaining("403")
        .hasMessageContaining("no longer exists");
    assertThat(server.requestCount("node_deleted")).isEqualTo(1);
  }

  @Test
  void anExpiredCertificateOfAForeignCaFailsTheHandshake() throws Exception {
    CertificateAuthority foreign = CertificateAuthority.generate(clock);
    writeIdentity("edge-1", foreign, Duration.ofDays(3));

    assertThatThrownBy(() -> bootstrap("edge-1").rotate()).isInstanceOf(JoinException.class);
    assertThat(server.requestCount("recovered")).isZero();
  }

  /** Node files as a join long ago left them: a 1-day certificate that expired {@code ago}. */
  private X509Certificate writeExpiredIdentity(String node, Duration ago) throws Exception {
    return writeIdentity(node, pki.ca, ago);
  }

  private X509Certificate writeIdentity(String node, CertificateAuthority issuer, Duration ago)
      throws Exception {
    Clock then = Clock.offset(clock, ago.plusDays(1).negated());
    KeyPair keys = NodeKeys.newP256KeyPair();
    X509Certificate cert =
        issuer.signNodeCsr(then, NodeKeys.nodeCsr(keys, node), node, Duration.ofDays(1), false);
    Path nodeDir = Files.createDirectories(dir.resolve(node));
    Files.writeString(nodeDir.resolve("ca.crt"), pki.ca.certificatePem());
    Files.writeString(nodeDir.resolve("server.crt"), Pem.certificate(cert));
    Files.writeString(nodeDir.resolve("server.key"), Pem.ecPrivateKey(keys.getPrivate()));
    return cert;
  }

  private HttpResponse<String> edgeCrt(String nodeName, String authorization, byte[] csr)
      throws Exception {
    try (HttpClient http = HttpClient.newBuilder().sslContext(pki.trustOnly()).build()) {
      HttpRequest.Builder request =
          HttpRequest.newBuilder(url.resolve("/edge.crt"))
              .header("NodeName", nodeName)
              .method("GET", HttpRequest.BodyPublishers.ofByteArray(csr));
      if (authorization != null) {
        request.header("Authorization", authorization);
      }
      return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
  }
}
