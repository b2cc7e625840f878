package org.kubeedgejava.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;
import org.junit.jupiter.api.Test;

class NodeCsrSigningTest {
  static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";

  final CertificateAuthority ca = CertificateAuthority.generate(CLOCK);
  final KeyPair nodeKey = NodeKeys.newP256KeyPair();

  @Test
  void signsANodeCsrWithItsSubjectClientAuthAndValidity() throws Exception {
    X509Certificate certificate =
        ca.signNodeCsr(
            CLOCK, NodeKeys.nodeCsr(nodeKey, "edge-1"), "edge-1", Duration.ofDays(365), false);

    certificate.verify(ca.certificate().getPublicKey());
    assertThat(X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()).toString())
        .isEqualTo("O=system:nodes,CN=system:node:edge-1");
    assertThat(certificate.getIssuerX500Principal())
        .isEqualTo(ca.certificate().getSubjectX500Principal());
    assertThat(certificate.getPublicKey()).isEqualTo(nodeKey.getPublic());
    assertThat(certificate.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
    assertThat(certificate.getNotBefore().toInstant()).isEqualTo(NOW);
    assertThat(certificate.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(365)));
    assertThat(certificate.getBasicConstraints()).isEqualTo(-1);
    assertThat(certificate.getSubjectAlternativeNames()).isNull();
    assertThat(NodeIdentity.nodeNameOf(certificate)).contains("edge-1");
    assertThat(ca.authenticateNode(certificate, CLOCK)).contains("edge-1");
  }

  @Test
  void addsServerAuthAndCopiesTheRequestedNamesWhenAsked() throws Exception {
    byte[] csr =
        NodeKeys.nodeCsr(
            nodeKey,
            "edge-1",
            List.of("edge-1.local"),
            List.of(InetAddress.getByName("192.0.2.7")));

    X509Certificate certificate = ca.signNodeCsr(CLOCK, csr, "edge-1", Duration.ofDays(10), true);

    assertThat(certificate.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH, SERVER_AUTH);
    assertThat(certificate.getSubjectAlternativeNames())
        .extracting(name -> (Object) name.get(1))
        .containsExactly("edge-1.local", "192.0.2.7");
  }

  @Test
  void keepsExtraSubjectAttributesTheEdgeSends() throws Exception {
    X500Name subject =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.C, "CN")
            .addRDN(BCStyle.ST, "Zhejiang")
            .addRDN(BCStyle.L, "Hangzhou")
            .addRDN(BCStyle.O, "system:nodes")
            .addRDN(BCStyle.CN, "system:node:edge-1")
            .build();

    X509Certificate certificate =
        ca.signNodeCsr(CLOCK, csr(subject), "edge-1", Duration.ofDays(1), false);

    assertThat(X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()))
        .isEqualTo(subject);
    assertThat(NodeIdentity.nodeNameOf(certificate)).contains("edge-1");
  }

  @Test
  void rejectsACsrForAnotherNodesName() {
    byte[] csr = NodeKeys.nodeCsr(nodeKey, "b");

    assertThatThrownBy(() -> ca.signNodeCsr(CLOCK, csr, "a", Duration.ofDays(1), false))
        .isInstanceOf(CsrRejectedException.class)
        .hasMessageStartingWith("CSR subject CN=system:node:b does not match node a");
  }

  @Test
  void rejectsACsrOutsideTheNodesOrganization() {
    X500Name subject =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.O, "system:masters")
            .addRDN(BCStyle.CN, "system:node:edge-1")
            .build();

    assertThatThrownBy(
            () -> ca.signNodeCsr(CLOCK, csr(subject), "edge-1", Duration.ofDays(1), false))
        .isInstanceOf(CsrRejectedException.class)
        .hasMessageContaining("O=system:masters")
        .hasMessageContaining("expected O=system:nodes");
  }

  @Test
  void rejectsACsrWithASecondOrganization() {
    X500Name subject =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.O, "system:nodes")
            .addRDN(BCStyle.O, "system:masters")
            .addRDN(BCStyle.CN, "system:node:edge-1")
            .build();

    assertThatThrownBy(
            () -> ca.signNodeCsr(CLOCK, csr(subject), "edge-1", Duration.ofDays(1), false))
        .isInstanceOf(CsrRejectedException.class)
        .hasMessageContaining("O=system:nodes+system:masters");
  }

  @Test
  void rejectsACsrWhoseSignatureWasTamperedWith() {
    byte[] csr = NodeKeys.nodeCsr(nodeKey, "edge-1");
    csr[csr.length - 1] ^= 0x01; // last byte of the signature's s

    assertThatThrownBy(() -> ca.signNodeCsr(CLOCK, csr, "edge-1", Duration.ofDays(1), false))
        .isInstanceOf(CsrRejectedException.class)
        .hasMessageContaining("signature");
  }

  @Test
  void rejectsACsrThatIsNotPkcs10() {
    assertThatThrownBy(
            () -> ca.signNodeCsr(CLOCK, new byte[] {1, 2, 3}, "edge-1", Duration.ofDays(1), false))
        .isInstanceOf(CsrRejectedException.class)
        .hasMessageStartingWith("CSR is not DER-encoded PKCS#10");
  }

  private byte[] csr(X500Name subject) throws Exception {
    return new JcaPKCS10CertificationRequestBuilder(subject, nodeKey.getPublic())
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(nodeKey.getPrivate()))
        .getEncoded();
  }
}
