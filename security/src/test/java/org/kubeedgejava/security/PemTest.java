package org.kubeedgejava.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class PemTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-03-01T10:00:00Z"), ZoneOffset.UTC);

  final CertificateAuthority ca = CertificateAuthority.generate(CLOCK);
  final IssuedCertificate server =
      ca.issueServerCertificate(CLOCK, List.of("cloudcore"), List.of(), Duration.ofDays(1));

  @Test
  void aCertificateRoundTripsThroughPemAndDer() {
    String pem = Pem.certificate(ca.certificate());

    assertThat(pem)
        .startsWith("-----BEGIN CERTIFICATE-----\n")
        .endsWith("-----END CERTIFICATE-----\n");
    assertThat(pem.lines()).allSatisfy(line -> assertThat(line).hasSizeLessThanOrEqualTo(64));
    assertThat(Pem.readCertificate(bytes(pem))).isEqualTo(ca.certificate());
    assertThat(Pem.readCertificate(ca.certificateDer())).isEqualTo(ca.certificate());
  }

  @Test
  void anEcPrivateKeyRoundTripsThroughSec1Pem() {
    String pem = Pem.ecPrivateKey(server.privateKey());
    PrivateKey read = Pem.readPrivateKey(bytes(pem));

    assertThat(pem)
        .startsWith("-----BEGIN EC PRIVATE KEY-----\n")
        .endsWith("-----END EC PRIVATE KEY-----\n");
    assertThat(Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", "")))
        .isEqualTo(server.privateKeyDer());
    assertThat(Pem.ecPrivateKeyDer(read)).isEqualTo(server.privateKeyDer());
    assertThat(read.getEncoded()).isEqualTo(server.privateKey().getEncoded());
  }

  @Test
  void readsAPkcs8PrivateKeyAndSkipsEcParameters() {
    String pkcs8 =
        "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
            + "-----BEGIN PRIVATE KEY-----\n"
            + Base64.getMimeEncoder().encodeToString(server.privateKey().getEncoded())
            + "\n-----END PRIVATE KEY-----\n";

    assertThat(Pem.ecPrivateKeyDer(Pem.readPrivateKey(bytes(pkcs8))))
        .isEqualTo(server.privateKeyDer());
    assertThat(Pem.ecPrivateKeyDer(Pem.privateKeyFromDer(server.privateKey().getEncoded())))
        .isEqualTo(server.privateKeyDer());
  }

  @Test
  void readsEveryCertificateOfABundle() {
    String bundle =
        server.certificatePem() + server.privateKeyPem() + Pem.certificate(ca.certificate());

    List<X509Certificate> certificates = Pem.readCertificates(bytes(bundle));

    assertThat(certificates).containsExactly(server.certificate(), ca.certificate());
    assertThat(Pem.readCertificate(bytes(bundle))).isEqualTo(server.certificate());
    assertThat(Pem.readPrivateKey(bytes(bundle))).isEqualTo(server.privateKey());
  }

  @Test
  void refusesInputWithoutTheBlockItNeeds() {
    assertThatThrownBy(() -> Pem.readCertificates(bytes(server.privateKeyPem())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("BEGIN CERTIFICATE");
    assertThatThrownBy(() -> Pem.readPrivateKey(bytes(server.certificatePem())))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("BEGIN EC PRIVATE KEY");
    assertThatThrownBy(() -> Pem.readCertificate(bytes("hello")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() ->
            Pem.readPrivateKey(
                bytes(
                    "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("encrypted");
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
