package org.kubeedgejava.security;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Objects;

/**
 * A certificate the CA issued together with the private key made for it (e.g. cloudcore's server
 * certificate), with the PEM and DER forms KubeEdge stores them in.
 */
public record IssuedCertificate(X509Certificate certificate, PrivateKey privateKey) {
  /** Checks both are present and the key is an ECDSA P-256 key. */
  public IssuedCertificate {
    Objects.requireNonNull(certificate, "certificate");
    P256.requireP256(Objects.requireNonNull(privateKey, "privateKey"));
  }

  /**
   * Reads a stored certificate and key, e.g. from Secret kubeedge/cloudcoresecret ({@code
   * cloudcoredata}, {@code cloudcorekeydata}); the key may be SEC1 or PKCS#8 DER.
   *
   * @throws IllegalArgumentException when either does not parse or the key is not P-256
   */
  public static IssuedCertificate fromDer(byte[] certificateDer, byte[] keyDer) {
    return new IssuedCertificate(
        Pem.readCertificate(certificateDer), Pem.privateKeyFromDer(keyDer));
  }

  /** The certificate, DER-encoded. */
  public byte[] certificateDer() {
    return Certificates.der(certificate);
  }

  /** The private key as SEC1 "EC PRIVATE KEY" DER. */
  public byte[] privateKeyDer() {
    return P256.toSec1(privateKey);
  }

  /** The certificate as a "CERTIFICATE" PEM block. */
  public String certificatePem() {
    return Pem.certificate(certificate);
  }

  /** The private key as an "EC PRIVATE KEY" PEM block. */
  public String privateKeyPem() {
    return Pem.ecPrivateKey(privateKey);
  }

  /** Names the certificate only; never prints the key. */
  @Override
  public String toString() {
    return "IssuedCertificate[subject="
        + certificate.getSubjectX500Principal().getName()
        + ", notAfter="
        + certificate.getNotAfter().toInstant()
        + "]";
  }
}
