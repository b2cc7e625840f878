package org.kubeedgejava.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.net.InetAddress;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.junit.jupiter.api.Test;

class CertificateAuthorityTest {
  static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  final CertificateAuthority ca = CertificateAuthority.generate(CLOCK);

  @Test
  void generatedCaRoundTripsThroughDerAndStillSigns() throws Exception {
    CertificateAuthority reloaded =
        CertificateAuthority.fromDer(ca.certificateDer(), ca.privateKeyDer());

    assertThat(reloaded.certificateDer()).isEqualTo(ca.certificateDer());
    assertThat(reloaded.privateKeyDer()).isEqualTo(ca.privateKeyDer());
    assertThat(reloaded.certificateHash()).isEqualTo(ca.certificateHash());

    X509Certificate issued =
        reloaded.signNodeCsr(
            CLOCK,
            NodeKeys.nodeCsr(NodeKeys.newP256KeyPair(), "edge-1"),
            "edge-1",
            Duration.ofDays(365),
            false);
    issued.verify(ca.certificate().getPublicKey());
    assertThat(ca.hasIssued(issued, CLOCK)).isTrue();
  }

  @Test
  void generatedCaIsASelfSignedKubeEdgeCaForOneHundredYears() throws Exception {
    X509Certificate certificate = ca.certificate();

    assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=KubeEdge");
    assertThat(certificate.getIssuerX500Principal())
        .isEqualTo(certificate.getSubjectX500Principal());
    certificate.verify(certificate.getPublicKey());
    assertThat(certificate.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    // digitalSignature(0), keyCertSign(5), cRLSign(6)
    assertThat(certificate.getKeyUsage())
        .startsWith(true, false, false, false, false, true, true, false);
    assertThat(certificate.getNotBefore().toInstant()).isEqualTo(NOW);
    assertThat(certificate.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(36400)));
    assertThat(certificate.getPublicKey()).isInstanceOf(ECPublicKey.class);
    assertThat(
            ((ECPublicKey) certificate.getPublicKey())
                .getParams()
                .getCurve()
                .getField()
                .getFieldSize())
        .isEqualTo(256);
  }

  @Test
  void certificateHashIsTheSha256OfTheCertificateDer() throws Exception {
    byte[] digest = MessageDigest.getInstance("SHA-256").digest(ca.certificate().getEncoded());

    assertThat(ca.certificateHash()).isEqualTo(HexFormat.of().formatHex(digest));
    assertThat(ca.certificateHash()).matches("[0-9a-f]{64}");
  }

  @Test
  void privateKeyDerIsSec1WithCurveAndPublicKeyAsGoWritesIt() {
    byte[] der = ca.privateKeyDer();
    ECPrivateKey sec1 = ECPrivateKey.getInstance(der);

    assertThat(der).hasSize(121);
    assertThat(sec1.getParametersObject()).isEqualTo(X9ObjectIdentifiers.prime256v1);
    assertThat(sec1.getPrivateKey().getOctets()).hasSize(32);
    ECPublicKey publicKey = (ECPublicKey) ca.certificate().getPublicKey();
    byte[] point = sec1.getPublicKey().getOctets();
    assertThat(point[0]).isEqualTo((byte) 4);
    assertThat(new BigInteger(1, Arrays.copyOfRange(point, 1, 33)))
        .isEqualTo(publicKey.getW().getAffineX());
    assertThat(new BigInteger(1, Arrays.copyOfRange(point, 33, 65)))
        .isEqualTo(publicKey.getW().getAffineY());
  }

  @Test
  void loadsTheCaWithAPkcs8Key() {
    CertificateAuthority reloaded =
        CertificateAuthority.fromDer(ca.certificateDer(), ca.privateKey().getEncoded());

    assertThat(ca.privateKey().getFormat()).isEqualTo("PKCS#8");
    assertThat(reloaded.privateKeyDer()).isEqualTo(ca.privateKeyDer());
  }

  @Test
  void refusesAKeyThatIsNotTheCertificates() {
    CertificateAuthority other = CertificateAuthority.generate(CLOCK);

    assertThatThrownBy(
            () -> CertificateAuthority.fromDer(ca.certificateDer(), other.privateKeyDer()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("does not belong to the CA certificate");
    assertThatThrownBy(() -> CertificateAuthority.fromDer(new byte[] {1, 2, 3}, ca.privateKeyDer()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () -> CertificateAuthority.fromDer(ca.certificateDer(), new byte[] {0x30, 0}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SEC1");
  }

  @Test
  void refusesKeysOnOtherCurves() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(new ECGenParameterSpec("secp384r1"));
    byte[] p384 = generator.generateKeyPair().getPrivate().getEncoded();

    assertThatThrownBy(() -> Pem.privateKeyFromDer(p384))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not on P-256");
  }

  @Test
  void refusesALeafCertificateAsTheCa() throws Exception {
    IssuedCertificate server =
        ca.issueServerCertificate(CLOCK, List.of("cloudcore"), List.of(), Duration.ofDays(1));

    assertThatThrownBy(
            () -> CertificateAuthority.fromDer(server.certificateDer(), server.privateKeyDer()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not a CA certificate");
  }

  @Test
  void issuesTheServerCertificateForTheAdvertisedAddresses() throws Exception {
    IssuedCertificate server =
        ca.issueServerCertificate(
            CLOCK,
            List.of("cloudcore.kubeedge.svc"),
            List.of(InetAddress.getByName("192.0.2.10"), InetAddress.getByName("2001:db8::1")),
            Duration.ofDays(365));
    X509Certificate certificate = server.certificate();

    certificate.verify(ca.certificate().getPublicKey());
    assertThat(X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()).toString())
        .isEqualTo("O=KubeEdge,CN=KubeEdge");
    assertThat(certificate.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
    assertThat(certificate.getSubjectAlternativeNames())
        .extracting(name -> (Object) name.get(1))
        .containsExactly("cloudcore.kubeedge.svc", "192.0.2.10", "2001:db8:0:0:0:0:0:1");
    assertThat(certificate.getBasicConstraints()).isEqualTo(-1);
    assertThat(certificate.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(365)));
    assertThat(((ECPublicKey) certificate.getPublicKey()).getW())
        .isEqualTo(
            ((ECPublicKey) Pem.readCertificate(server.certificatePem().getBytes()).getPublicKey())
                .getW());
    assertThat(server.toString()).doesNotContain("PRIVATE");
  }

  @Test
  void refusesAServerCertificateWithNoNames() {
    assertThatThrownBy(
            () -> ca.issueServerCertificate(CLOCK, List.of(), List.of(), Duration.ofDays(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least one DNS name or IP address");
  }

  @Test
  void aCertificateFromAForeignCaIsNotRecognisedAsOurs() throws Exception {
    CertificateAuthority foreign = CertificateAuthority.generate(CLOCK);
    X509Certificate foreignNode =
        foreign.signNodeCsr(
            CLOCK,
            NodeKeys.nodeCsr(NodeKeys.newP256KeyPair(), "edge-1"),
            "edge-1",
            Duration.ofDays(1),
            false);

    // same issuer name "CN=KubeEdge", different key
    assertThat(foreignNode.getIssuerX500Principal())
        .isEqualTo(ca.certificate().getSubjectX500Principal());
    assertThat(ca.hasIssued(foreignNode, CLOCK)).isFalse();
    assertThat(ca.authenticateNode(foreignNode, CLOCK)).isEmpty();
    assertThat(foreign.authenticateNode(foreignNode, CLOCK)).contains("edge-1");
  }

  @Test
  void aCertificateIsOnlyValidWithinItsValidity() throws Exception {
    X509Certificate node =
        ca.signNodeCsr(
            CLOCK,
            NodeKeys.nodeCsr(NodeKeys.newP256KeyPair(), "edge-1"),
            "edge-1",
            Duration.ofDays(30),
            false);

    assertThat(ca.hasIssued(node, Clock.offset(CLOCK, Duration.ofDays(30)))).isTrue();
    assertThat(ca.hasIssued(node, Clock.offset(CLOCK, Duration.ofDays(30).plusSeconds(1))))
        .isFalse();
    assertThat(ca.hasIssued(node, Clock.offset(CLOCK, Duration.ofSeconds(-1)))).isFalse();
  }

  @Test
  void recognisesItsOwnExpiredNodeCertificatesButNoForeignOnes() throws Exception {
    X509Certificate node =
        ca.signNodeCsr(
            CLOCK,
            NodeKeys.nodeCsr(NodeKeys.newP256KeyPair(), "edge-1"),
            "edge-1",
            Duration.ofDays(1),
            false);
    CertificateAuthority foreign = CertificateAuthority.generate(CLOCK);
    X509Certificate foreignNode =
        foreign.signNodeCsr(
            CLOCK,
            NodeKeys.nodeCsr(NodeKeys.newP256KeyPair(), "edge-1"),
            "edge-1",
            Duration.ofDays(1),
            false);
    Clock muchLater = Clock.offset(CLOCK, Duration.ofDays(400));

    assertThat(ca.authenticateNode(node, muchLater)).isEmpty();
    assertThat(ca.hasSigned(node)).isTrue();
    assertThat(ca.nodeSignedFor(node)).contains("edge-1");
    assertThat(ca.hasSigned(foreignNode)).isFalse();
    assertThat(ca.nodeSignedFor(foreignNode)).isEmpty();
    IssuedCertificate server =
        ca.issueServerCertificate(CLOCK, List.of("cloudcore"), List.of(), Duration.ofDays(1));
    assertThat(ca.nodeSignedFor(server.certificate())).isEmpty();
  }

  @Test
  void authenticatesNodesOnlyWithClientCertificates() throws Exception {
    IssuedCertificate server =
        ca.issueServerCertificate(CLOCK, List.of("cloudcore"), List.of(), Duration.ofDays(1));

    assertThat(ca.hasIssued(server.certificate(), CLOCK)).isTrue();
    assertThat(ca.authenticateNode(server.certificate(), CLOCK)).isEmpty();
  }

  @Test
  void describesItselfWithoutItsKey() {
    assertThat(ca.toString()).contains("CN=KubeEdge", ca.certificateHash());
  }
}
