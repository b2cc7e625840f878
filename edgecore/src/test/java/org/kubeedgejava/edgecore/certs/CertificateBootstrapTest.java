package org.kubeedgejava.edgecore.certs;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.kubeedgejava.security.CertificateAuthority;
import org.kubeedgejava.security.NodeKeys;

class CertificateBootstrapTest {
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-24T00:00:00Z"), ZoneOffset.UTC);

  @Test
  void renewalFallsBetweenSeventyAndNinetyPercentOfTheLifetimeAndIsSpread() throws Exception {
    CertificateAuthority ca = CertificateAuthority.generate(clock);
    KeyPair keys = NodeKeys.newP256KeyPair();
    X509Certificate cert =
        ca.signNodeCsr(clock, NodeKeys.nodeCsr(keys, "n1"), "n1", Duration.ofDays(100), false);
    Instant start = cert.getNotBefore().toInstant();
    SplittableRandom random = new SplittableRandom(5);

    Instant earliest = Instant.MAX;
    Instant latest = Instant.MIN;
    for (int i = 0; i < 1_000; i++) {
      Instant at = CertificateBootstrap.rotationDeadline(cert, random);
      earliest = at.isBefore(earliest) ? at : earliest;
      latest = at.isAfter(latest) ? at : latest;
    }

    assertThat(earliest).isAfterOrEqualTo(start.plus(Duration.ofDays(70)));
    assertThat(latest).isBeforeOrEqualTo(start.plus(Duration.ofDays(90)));
    assertThat(Duration.between(earliest, latest)).isGreaterThan(Duration.ofDays(15));
  }
}
