package org.kubeedgejava.e2e.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kubeedgejava.cloudcore.CloudCore;
import org.kubeedgejava.config.cloudcore.CloudCoreConfig;
import org.kubeedgejava.config.edgecore.EdgeCoreConfig;
import org.kubeedgejava.e2e.InProcessNodes;
import org.kubeedgejava.edgecore.EdgeCore;
import org.kubeedgejava.security.CertificateAuthority;
import org.kubeedgejava.security.NodeKeys;
import org.kubeedgejava.security.Pem;
import org.kubeedgejava.testing.ControlPlaneTest;
import org.kubeedgejava.testing.FreePorts;
import org.kubeedgejava.testing.LocalControlPlane;

/**
 * A node that was offline past its certificate's expiry, against cloudcore in this JVM and the real
 * control plane: within cloudcore's grace period it renews with the expired certificate and
 * reconnects by itself; beyond it, it is refused, says what the operator must do, and keeps
 * running.
 */
@ControlPlaneTest
class ExpiredCertificateIT {
  private static final String NODE = "edge-expired-01";

  @TempDir Path dir;
  private final Clock clock = Clock.systemUTC();
  private PrometheusRegistry cloudMetrics;
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

  @Test
  void aCertificateThatExpiredWhileOfflineIsRenewedAndTheNodeReconnects(
      KubernetesClient client, LocalControlPlane plane) throws Exception {
    int[] ports = startCloud(client, plane, cloud -> cloud);
    X509Certificate expired = nodeWasOfflineSinceItsCertificateExpired(Duration.ofDays(2));

    edge = EdgeCore.start(edgeConfig(ports), clock, new PrometheusRegistry());

    await("the node reconnects with a renewed certificate")
        .atMost(Duration.ofSeconds(30))
        .until(() -> cloud.sessions().size() == 1);
    X509Certificate renewed = Pem.readCertificate(Files.readAllBytes(dir.resolve("server.crt")));
    assertThat(renewed.getSerialNumber()).isNotEqualTo(expired.getSerialNumber());
    assertThat(cloudCa().authenticateNode(renewed, clock)).contains(NODE);
    assertThat(certificateRequests("recovered")).isEqualTo(1);
    assertThat(edge.certificates().refusal()).isEmpty();
  }

  @Test
  void whenTheCloudComesBackTheRefusedTunnelTriggersTheRenewalAtOnce(
      KubernetesClient client, LocalControlPlane plane) throws Exception {
    int[] ports = startCloud(client, plane, cloud -> cloud);
    nodeWasOfflineSinceItsCertificateExpired(Duration.ofDays(2));
    cloud.close(); // the site is cut off
    cloud = null;
    edge = EdgeCore.start(edgeConfig(ports), clock, new PrometheusRegistry());
    await("edgecore dials in vain")
        .atMost(Duration.ofSeconds(20))
        .until(() -> edge.hub().reconnectCount() >= 3);

    startCloud(client, plane, cloud -> cloud, ports); // back online

    // the renewal's own retry is 30 s after the failed one at start; the refused tunnel beats it
    await("the refused tunnel renews the certificate and reconnects")
        .atMost(Duration.ofSeconds(20))
        .until(() -> cloud.sessions().size() == 1);
    assertThat(certificateRequests("recovered")).isEqualTo(1);
  }

  @Test
  void beyondTheGracePeriodTheNodeIsRefusedSaysWhatToDoAndKeepsRunning(
      KubernetesClient client, LocalControlPlane plane) throws Exception {
    int[] ports = startCloud(client, plane, cloud -> cloud.withExpiredCertificateGracePeriod(1));
    nodeWasOfflineSinceItsCertificateExpired(Duration.ofDays(3));

    edge = EdgeCore.start(edgeConfig(ports), clock, new PrometheusRegistry());

    await("cloudcore refuses the renewal")
        .atMost(Duration.ofSeconds(30))
        .until(() -> edge.certificates().refusal().isPresent());
    assertThat(edge.certificates().refusal().orElseThrow())
        .contains("401", "1-day grace period", "keadm gettoken", "keadm join");
    assertThat(certificateRequests("certificate_expired_beyond_grace")).isGreaterThanOrEqualTo(1);
    assertThat(cloud.sessions().size()).isZero();
    assertThat(edge.meta()).isNotNull(); // edgecore is up, serving its store, without the cloud
  }

  private int[] startCloud(
      KubernetesClient client, LocalControlPlane plane, UnaryOperator<CloudCoreConfig> tweak)
      throws Exception {
    return startCloud(client, plane, tweak, FreePorts.pick(3));
  }

  private int[] startCloud(
      KubernetesClient client,
      LocalControlPlane plane,
      UnaryOperator<CloudCoreConfig> tweak,
      int[] ports)
      throws Exception {
    kube = client;
    CloudCoreConfig config = tweak.apply(InProcessNodes.cloudConfig(plane, ports));
    assertThat(config.validate()).isEmpty();
    cloudMetrics = new PrometheusRegistry();
    cloud = CloudCore.start(config, clock, cloudMetrics);
    return ports;
  }

  private EdgeCoreConfig edgeConfig(int[] ports) {
    EdgeCoreConfig config = InProcessNodes.edgeConfig(NODE, ports, "", dir);
    assertThat(config.validate()).isEmpty();
    return config;
  }

  /**
   * The state a node is in after being switched off for a long time: its Node object is still in
   * the cluster, and its files hold a one-day certificate that expired {@code ago}.
   */
  private X509Certificate nodeWasOfflineSinceItsCertificateExpired(Duration ago) throws Exception {
    kube.nodes()
        .resource(new NodeBuilder().withNewMetadata().withName(NODE).endMetadata().build())
        .create();
    CertificateAuthority ca = cloudCa();
    Clock then = Clock.offset(clock, ago.plusDays(1).negated());
    KeyPair keys = NodeKeys.newP256KeyPair();
    X509Certificate cert =
        ca.signNodeCsr(then, NodeKeys.nodeCsr(keys, NODE), NODE, Duration.ofDays(1), false);
    Files.writeString(dir.resolve("ca.crt"), ca.certificatePem());
    Files.writeString(dir.resolve("server.crt"), Pem.certificate(cert));
    Files.writeString(dir.resolve("server.key"), Pem.ecPrivateKey(keys.getPrivate()));
    return cert;
  }

  /** The CA cloudcore keeps in Secret kubeedge/casecret. */
  private CertificateAuthority cloudCa() {
    Secret secret = kube.secrets().inNamespace("kubeedge").withName("casecret").get();
    Base64.Decoder b64 = Base64.getDecoder();
    return CertificateAuthority.fromDer(
        b64.decode(secret.getData().get("cadata")), b64.decode(secret.getData().get("cakeydata")));
  }

  private double certificateRequests(String result) {
    for (MetricSnapshot snapshot : cloudMetrics.scrape()) {
      if (snapshot instanceof CounterSnapshot counter
          && counter.getMetadata().getName().startsWith("kubeedge_cloudhub_certificate_requests")) {
        return counter.getDataPoints().stream()
            .filter(p -> result.equals(p.getLabels().get("result")))
            .mapToDouble(CounterSnapshot.CounterDataPointSnapshot::getValue)
            .sum();
      }
    }
    return 0;
  }
}
