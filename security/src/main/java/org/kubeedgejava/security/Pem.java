package org.kubeedgejava.security;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * PEM and DER for the files and secrets KubeEdge keeps: certificates ("CERTIFICATE") and P-256
 * private keys, written as SEC1 "EC PRIVATE KEY" (as KubeEdge writes {@code
 * /etc/kubeedge/certs/server.key}) and read from SEC1 or PKCS#8 ("PRIVATE KEY"). Bad input fails
 * with an {@link IllegalArgumentException} saying what was expected.
 */
public final class Pem {
  static final String CERTIFICATE = "CERTIFICATE";
  static final String EC_PRIVATE_KEY = "EC PRIVATE KEY";
  static final String PRIVATE_KEY = "PRIVATE KEY";

  private static final Base64.Encoder BASE64 =
      Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII));

  private Pem() {}

  /** The certificate as one "CERTIFICATE" PEM block, ending in a newline. */
  public static String certificate(X509Certificate certificate) {
    return block(CERTIFICATE, Certificates.der(certificate));
  }

  /** The P-256 private key as one SEC1 "EC PRIVATE KEY" PEM block, ending in a newline. */
  public static String ecPrivateKey(PrivateKey key) {
    return block(EC_PRIVATE_KEY, ecPrivateKeyDer(key));
  }

  /** The P-256 private key as SEC1 DER, byte for byte as Go's x509.MarshalECPrivateKey. */
  public static byte[] ecPrivateKeyDer(PrivateKey key) {
    return P256.toSec1(key);
  }

  /** A P-256 private key from SEC1 or PKCS#8 DER. */
  public static PrivateKey privateKeyFromDer(byte[] der) {
    return P256.fromDer(der);
  }

  /** One certificate from DER, or from PEM (the first "CERTIFICATE" block: the leaf of a chain). */
  public static X509Certificate readCertificate(byte[] pemOrDer) {
    if (pemOrDer.length > 0 && pemOrDer[0] == 0x30) {
      return Certificates.fromDer(pemOrDer);
    }
    return readCertificates(pemOrDer).get(0);
  }

  /** Every "CERTIFICATE" block in the PEM, in order; other kinds of block are skipped. */
  public static List<X509Certificate> readCertificates(byte[] pem) {
    List<X509Certificate> certificates = new ArrayList<>();
    for (PemObject object : blocks(pem)) {
      if (object.getType().equals(CERTIFICATE)) {
        certificates.add(Certificates.fromDer(object.getContent()));
      }
    }
    if (certificates.isEmpty()) {
      throw new IllegalArgumentException("no -----BEGIN CERTIFICATE----- block in the PEM input");
    }
    return List.copyOf(certificates);
  }

  /**
   * The P-256 private key in the first "EC PRIVATE KEY" or "PRIVATE KEY" block (an "EC PARAMETERS"
   * block before it, as openssl writes, is skipped). Encrypted keys are refused.
   */
  public static PrivateKey readPrivateKey(byte[] pem) {
    for (PemObject object : blocks(pem)) {
      switch (object.getType()) {
        case EC_PRIVATE_KEY, PRIVATE_KEY -> {
          if (!object.getHeaders().isEmpty()) {
            throw new IllegalArgumentException(
                "the PEM private key is encrypted (it has headers); give an unencrypted key");
          }
          return P256.fromDer(object.getContent());
        }
        case "ENCRYPTED PRIVATE KEY" ->
            throw new IllegalArgumentException(
                "the PEM private key is encrypted (ENCRYPTED PRIVATE KEY); give an unencrypted"
                    + " key");
        default -> {
          // e.g. EC PARAMETERS, or a certificate in the same file
        }
      }
    }
    throw new IllegalArgumentException(
        "no -----BEGIN EC PRIVATE KEY----- or -----BEGIN PRIVATE KEY----- block in the PEM input");
  }

  private static List<PemObject> blocks(byte[] pem) {
    List<PemObject> objects = new ArrayList<>();
    try (Reader text =
            new InputStreamReader(new ByteArrayInputStream(pem), StandardCharsets.US_ASCII);
        PemReader reader = new PemReader(text)) {
      for (PemObject object = reader.readPemObject();
          object != null;
          object = reader.readPemObject()) {
        objects.add(object);
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("malformed PEM: " + e.getMessage(), e);
    }
    return objects;
  }

  private static String block(String type, byte[] der) {
    return "-----BEGIN "
        + type
        + "-----\n"
        + BASE64.encodeToString(der)
        + "\n-----END "
        + type
        + "-----\n";
  }
}
