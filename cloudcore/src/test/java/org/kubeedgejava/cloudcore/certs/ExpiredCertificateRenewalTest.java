package org.kubeedgejava.cloudcore.certs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.kubeedgejava.cloudcore.certs.ExpiredCertificateRenewal.Allowed;
import org.kubeedgejava.cloudcore.certs.ExpiredCertificateRenewal.Refused;
import org.kubeedgejava.security.CertificateAuthority;
import org.kubeedgejava.security.NodeKeys;

class ExpiredCertificateRenewalTest {
  static final Instant ISSUED = Instant.parse("2025-01-10T08:00:00Z");
  static final Duration LIFE = Duration.ofDays(365);
  static final Instant EXPIRED = ISSUED.plus(LIFE);
  static final Duration GRACE = Duration.ofDays(365);

  final CertificateAuthority ca = CertificateAuthority.generate(at(ISSUED));
  final Set<String> nodesInCluster = new HashSet<>(Set.of("edge-1", "edge-2"));

  static Clock at(Instant instant) {
    return Clock.fixed(instant, ZoneOffset.UTC);
  }

  X509Certificate certificate(CertificateAuthority issuer, String node) throws Exception {
    return issuer.signNodeCsr(
        at(ISSUED), NodeKeys.nodeCsr(NodeKeys.newP256KeyPair(), node), node, LIFE, false);
  }

  ExpiredCertificateRenewal.Decision decide(
      Instant now, X509Certificate presented, String nodeName, String csrNode) {
    return new ExpiredCertificateRenewal(ca, GRACE, nodesInCluster::contains, at(now))
        .decide(presented, nodeName, NodeKeys.nodeCsr(NodeKeys.newP256KeyPair(), csrNode));
  }

  @Test
  void aCertificateExpiredOneDayAgoRenewsItsOwnNode() throws Exception {
    Instant now = EXPIRED.plus(Duration.ofDays(1));

    assertThat(decide(now, certificate(ca, "edge-1"), "edge-1", "edge-1"))
        .isEqualTo(new Allowed("edge-1", Duration.ofDays(1)));
  }

  @Test
  void aCertificateExpiredExactlyTheGracePeriodAgoStillRenews() throws Exception {
    assertThat(decide(EXPIRED.plus(GRACE), certificate(ca, "edge-1"), "edge-1", "edge-1"))
        .isInstanceOf(Allowed.class);
  }

  @Test
  void aCertificateExpiredBeyondTheGracePeriodIsRefusedWithWhatToDo() throws Exception {
    Instant now = EXPIRED.plus(GRACE).plusSeconds(1);

    assertThat(decide(now, certificate(ca, "edge-1"), "edge-1", "edge-1"))
        .isInstanceOfSatisfying(
            Refused.class,
            refused -> {
              assertThat(refused.status()).isEqualTo(401);
              assertThat(refused.result()).isEqualTo("certificate_expired_beyond_grace");
              assertThat(refused.reason())
                  .contains("edge-1", EXPIRED.toString(), "365 days ago", "365-day grace period")
                  .contains("keadm gettoken", "keadm join");
            });
  }

  @Test
  void aZeroGracePeriodRefusesEveryExpiredCertificate() throws Exception {
    ExpiredCertificateRenewal disabled =
        new ExpiredCertificateRenewal(
            ca, Duration.ZERO, nodesInCluster::contains, at(EXPIRED.plusSeconds(60)));

    assertThat(
            disabled.decide(
                certificate(ca, "edge-1"),
                "edge-1",
                NodeKeys.nodeCsr(NodeKeys.newP256KeyPair(), "edge-1")))
        .isInstanceOfSatisfying(
            Refused.class,
            refused -> {
              assertThat(refused.result()).isEqualTo("certificate_expired");
              assertThat(refused.reason()).contains("expiredCertificateGracePeriod is 0");
            });
  }

  @Test
  void aCertificateOfAnotherCaIsRefused() throws Exception {
    CertificateAuthority foreign = CertificateAuthority.generate(at(ISSUED));

    assertThat(
            decide(
                EXPIRED.plus(Duration.ofDays(1)),
                certificate(foreign, "edge-1"),
                "edge-1",
                "edge-1"))
        .isInstanceOfSatisfying(
            Refused.class,
            refused -> {
              assertThat(refused.status()).isEqualTo(401);
              assertThat(refused.result()).isEqualTo("certificate_untrusted");
            });
  }

  @Test
  void aServerCertificateOfOurCaIsNoNodeCertificate() throws Exception {
    X509Certificate server =
        ca.issueServerCertificate(
                at(ISSUED), java.util.List.of("cloudcore"), java.util.List.of(), LIFE)
            .certificate();

    assertThat(decide(EXPIRED.plus(Duration.ofDays(1)), server, "edge-1", "edge-1"))
        .extracting(d -> ((Refused) d).result())
        .isEqualTo("certificate_untrusted");
  }

  @Test
  void aNodeDeletedFromTheClusterIsNotBroughtBack() throws Exception {
    nodesInCluster.remove("edge-1");

    assertThat(
            decide(EXPIRED.plus(Duration.ofDays(1)), certificate(ca, "edge-1"), "edge-1", "edge-1"))
        .isInstanceOfSatisfying(
            Refused.class,
            refused -> {
              assertThat(refused.status()).isEqualTo(403);
              assertThat(refused.result()).isEqualTo("node_deleted");
              assertThat(refused.reason()).contains("edge-1", "no longer exists", "keadm join");
            });
  }

  @Test
  void aCsrForAnotherNodeIsRefused() throws Exception {
    assertThat(
            decide(EXPIRED.plus(Duration.ofDays(1)), certificate(ca, "edge-1"), "edge-1", "edge-2"))
        .isInstanceOfSatisfying(
            Refused.class,
            refused -> {
              assertThat(refused.status()).isEqualTo(403);
              assertThat(refused.reason()).contains("CSR is for node edge-2");
            });
  }

  @Test
  void aRequestInTheNameOfAnotherNodeIsRefused() throws Exception {
    assertThat(
            decide(EXPIRED.plus(Duration.ofDays(1)), certificate(ca, "edge-1"), "edge-2", "edge-2"))
        .isInstanceOfSatisfying(
            Refused.class,
            refused -> {
              assertThat(refused.status()).isEqualTo(403);
              assertThat(refused.reason()).contains("for node edge-1, not edge-2");
            });
  }

  @Test
  void aCertificateNotYetValidPointsAtTheClock() throws Exception {
    assertThat(decide(ISSUED.minusSeconds(3600), certificate(ca, "edge-1"), "edge-1", "edge-1"))
        .isInstanceOfSatisfying(
            Refused.class,
            refused -> {
              assertThat(refused.result()).isEqualTo("certificate_not_yet_valid");
              assertThat(refused.reason()).contains("clock");
            });
  }

  @Test
  void aNegativeGracePeriodIsAProgrammingError() {
    assertThatThrownBy(
            () -> new ExpiredCertificateRenewal(ca, Duration.ofDays(-1), n -> true, at(ISSUED)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("must not be negative");
  }

  @Test
  void describesHowLongAgoForPeople() {
    assertThat(ExpiredCertificateRenewal.describe(Duration.ofDays(40))).isEqualTo("40 days");
    assertThat(ExpiredCertificateRenewal.describe(Duration.ofHours(30))).isEqualTo("30 h");
    assertThat(ExpiredCertificateRenewal.describe(Duration.ofMinutes(7))).isEqualTo("7 min");
  }
}
