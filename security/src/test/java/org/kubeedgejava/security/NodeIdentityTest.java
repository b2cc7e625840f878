package org.kubeedgejava.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.junit.jupiter.api.Test;

class NodeIdentityTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);

  @Test
  void commonNameIsSystemNodeAndTheName() {
    assertThat(NodeIdentity.commonNameOf("edge-1")).isEqualTo("system:node:edge-1");
    assertThatThrownBy(() -> NodeIdentity.commonNameOf(""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void readsTheNodeNameOnlyFromANodeSubject() {
    assertThat(NodeIdentity.nodeNameOf(new X500Name("O=system:nodes,CN=system:node:edge-1")))
        .contains("edge-1");
    assertThat(NodeIdentity.nodeNameOf(new X500Name("C=CN,O=system:nodes,CN=system:node:n")))
        .contains("n");
    assertThat(NodeIdentity.nodeNameOf(new X500Name("CN=system:node:edge-1"))).isEmpty();
    assertThat(NodeIdentity.nodeNameOf(new X500Name("O=system:masters,CN=system:node:edge-1")))
        .isEmpty();
    assertThat(NodeIdentity.nodeNameOf(new X500Name("O=system:nodes,CN=edge-1"))).isEmpty();
    assertThat(NodeIdentity.nodeNameOf(new X500Name("O=system:nodes,CN=system:node:"))).isEmpty();
    assertThat(
            NodeIdentity.nodeNameOf(
                new X500Name("O=system:nodes,CN=system:node:a,CN=system:node:b")))
        .isEmpty();
  }

  @Test
  void aServerCertificateNamesNoNode() {
    CertificateAuthority ca = CertificateAuthority.generate(CLOCK);
    IssuedCertificate server =
        ca.issueServerCertificate(CLOCK, List.of("cloudcore"), List.of(), Duration.ofDays(1));

    assertThat(NodeIdentity.nodeNameOf(server.certificate())).isEmpty();
    assertThat(NodeIdentity.nodeNameOf(ca.certificate())).isEmpty();
  }

  @Test
  void readsTheNodeNameOfACsrAndNothingFromGarbage() {
    assertThat(NodeIdentity.nodeNameOfCsr(NodeKeys.nodeCsr(NodeKeys.newP256KeyPair(), "edge-7")))
        .contains("edge-7");
    assertThat(NodeIdentity.nodeNameOfCsr(new byte[] {1, 2, 3})).isEmpty();
    assertThat(NodeIdentity.nodeNameOfCsr(new byte[0])).isEmpty();
  }
}
