package org.kubeedgejava.security;

import java.io.IOException;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPrivateKeySpec;
import java.security.spec.ECPublicKeySpec;
import java.util.Arrays;
import org.bouncycastle.asn1.ASN1BitString;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * The one curve KubeEdge uses, and the key encodings Go writes for it: SEC1 {@code ECPrivateKey}
 * DER (Go's {@code x509.MarshalECPrivateKey}, with the curve OID and the public key) and PKCS#8.
 */
final class P256 {
  /** prime256v1 = secp256r1, 1.2.840.10045.3.1.7. */
  static final ASN1ObjectIdentifier CURVE_OID = X9ObjectIdentifiers.prime256v1;

  private static final X9ECParameters CURVE = ECNamedCurveTable.getByOID(CURVE_OID);
  private static final ECParameterSpec SPEC = jcaSpec();
  private static final int ORDER_BITS = CURVE.getN().bitLength();

  private P256() {}

  static KeyPair newKeyPair() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(SPEC);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot generate P-256 keys", e);
    }
  }

  /** The key as an EC P-256 key, or an exception saying what it is instead. */
  static ECPrivateKey requireP256(PrivateKey key) {
    if (key instanceof ECPrivateKey ec && isP256(ec.getParams())) {
      return ec;
    }
    throw new IllegalArgumentException(
        "expected an ECDSA P-256 private key, got " + key.getAlgorithm() + " " + key.getFormat());
  }

  static boolean isP256(PublicKey key) {
    return key instanceof ECPublicKey ec && isP256(ec.getParams());
  }

  private static boolean isP256(ECParameterSpec params) {
    return params != null
        && params.getCurve().equals(SPEC.getCurve())
        && params.getGenerator().equals(SPEC.getGenerator())
        && params.getOrder().equals(SPEC.getOrder());
  }

  /** Whether the SubjectPublicKeyInfo holds an EC key on the named curve P-256. */
  static boolean isP256(SubjectPublicKeyInfo info) {
    AlgorithmIdentifier algorithm = info.getAlgorithm();
    return X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm.getAlgorithm())
        && CURVE_OID.equals(algorithm.getParameters());
  }

  /** The public key that belongs to a P-256 private key. */
  static ECPublicKey publicKeyOf(ECPrivateKey key) {
    org.bouncycastle.math.ec.ECPoint q = publicPoint(key.getS());
    ECPoint w = new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
    try {
      return (ECPublicKey)
          KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, SPEC));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot build P-256 public keys", e);
    }
  }

  /** SEC1 DER, byte for byte what Go's {@code x509.MarshalECPrivateKey} writes. */
  static byte[] toSec1(PrivateKey key) {
    ECPrivateKey ec = requireP256(key);
    byte[] point = publicPoint(ec.getS()).getEncoded(false);
    try {
      return new org.bouncycastle.asn1.sec.ECPrivateKey(
              ORDER_BITS, ec.getS(), new DERBitString(point), CURVE_OID)
          .getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new IllegalStateException("cannot DER-encode an EC private key", e);
    }
  }

  /**
   * Reads a P-256 private key from SEC1 ("EC PRIVATE KEY") or PKCS#8 ("PRIVATE KEY") DER.
   *
   * @throws IllegalArgumentException if it is neither, is for another curve, or its embedded public
   *     key does not belong to it
   */
  static ECPrivateKey fromDer(byte[] der) {
    Decoded decoded = decode(der);
    if (!X9ObjectIdentifiers.id_ecPublicKey.equals(decoded.algorithm())) {
      throw new IllegalArgumentException(
          "private key is not an EC key (PKCS#8 algorithm " + decoded.algorithm() + ")");
    }
    if (!CURVE_OID.equals(decoded.curve())) {
      throw new IllegalArgumentException(
          "EC private key is not on P-256 (curve parameters " + decoded.curve() + ")");
    }
    BigInteger d = decoded.key().getKey();
    if (d.signum() <= 0 || d.compareTo(CURVE.getN()) >= 0) {
      throw new IllegalArgumentException("EC private key scalar is out of range for P-256");
    }
    ASN1BitString embedded = decoded.key().getPublicKey();
    if (embedded != null
        && !Arrays.equals(embedded.getOctets(), publicPoint(d).getEncoded(false))) {
      throw new IllegalArgumentException(
          "EC private key's embedded public key does not belong to it; the key is corrupt");
    }
    try {
      return (ECPrivateKey)
          KeyFactory.getInstance("EC").generatePrivate(new ECPrivateKeySpec(d, SPEC));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK cannot build P-256 private keys", e);
    }
  }

  /** Whether the DER is a SEC1 ECPrivateKey (as opposed to PKCS#8); it need not be valid. */
  static boolean isSec1(byte[] der) {
    try {
      ASN1Sequence sequence = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(der));
      return sequence.size() >= 2 && sequence.getObjectAt(1) instanceof ASN1OctetString;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** The SEC1 structure, the key algorithm and the curve, from either encoding. */
  private record Decoded(
      org.bouncycastle.asn1.sec.ECPrivateKey key,
      ASN1ObjectIdentifier algorithm,
      ASN1Encodable curve) {}

  private static Decoded decode(byte[] der) {
    try {
      ASN1Sequence sequence = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(der));
      if (sequence.size() >= 2 && sequence.getObjectAt(1) instanceof ASN1OctetString) {
        org.bouncycastle.asn1.sec.ECPrivateKey sec1 = sec1(sequence);
        return new Decoded(sec1, X9ObjectIdentifiers.id_ecPublicKey, sec1.getParametersObject());
      }
      PrivateKeyInfo info = PrivateKeyInfo.getInstance(sequence);
      AlgorithmIdentifier algorithm = info.getPrivateKeyAlgorithm();
      if (!X9ObjectIdentifiers.id_ecPublicKey.equals(algorithm.getAlgorithm())) {
        return new Decoded(null, algorithm.getAlgorithm(), null);
      }
      org.bouncycastle.asn1.sec.ECPrivateKey sec1 =
          sec1(ASN1Sequence.getInstance(info.parsePrivateKey()));
      ASN1Encodable curve =
          sec1.getParametersObject() != null
              ? sec1.getParametersObject()
              : algorithm.getParameters();
      return new Decoded(sec1, algorithm.getAlgorithm(), curve);
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException(
          "private key is neither SEC1 (EC PRIVATE KEY) nor PKCS#8 (PRIVATE KEY) DER: "
              + e.getMessage(),
          e);
    }
  }

  private static org.bouncycastle.asn1.sec.ECPrivateKey sec1(ASN1Sequence sequence) {
    if (!ASN1Integer.getInstance(sequence.getObjectAt(0)).hasValue(1)) {
      throw new IllegalArgumentException("SEC1 EC private key version is not 1");
    }
    return org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(sequence);
  }

  private static org.bouncycastle.math.ec.ECPoint publicPoint(BigInteger d) {
    return CURVE.getG().multiply(d).normalize();
  }

  private static ECParameterSpec jcaSpec() {
    try {
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(new ECGenParameterSpec("secp256r1"));
      return parameters.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JDK does not support the P-256 curve", e);
    }
  }
}
