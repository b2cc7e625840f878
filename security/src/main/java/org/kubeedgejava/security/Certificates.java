package org.kubeedgejava.security;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Small certificate plumbing shared by the CA, the CSR maker and the PEM reader. */
final class Certificates {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Certificates() {}

  static ContentSigner signer(PrivateKey key) {
    try {
      return new JcaContentSignerBuilder("SHA256withECDSA").build(key);
    } catch (OperatorCreationException e) {
      throw new IllegalStateException("cannot sign with SHA256withECDSA", e);
    }
  }

  /** The names as a SAN extension value, or null when there are none. */
  static GeneralNames subjectAltNames(List<String> dnsNames, List<InetAddress> ipAddresses) {
    List<GeneralName> names = new ArrayList<>();
    for (String dnsName : dnsNames) {
      if (Objects.requireNonNull(dnsName, "dnsName").isEmpty()) {
        throw new IllegalArgumentException("DNS name must not be empty");
      }
      names.add(new GeneralName(GeneralName.dNSName, dnsName));
    }
    for (InetAddress address : ipAddresses) {
      names.add(new GeneralName(GeneralName.iPAddress, new DEROctetString(address.getAddress())));
    }
    return names.isEmpty() ? null : new GeneralNames(names.toArray(GeneralName[]::new));
  }

  /** A random positive 128-bit serial number, as Go's tools make them. */
  static BigInteger newSerial() {
    return new BigInteger(128, RANDOM).setBit(0);
  }

  /** RFC 5280 method 1 key identifier: SHA-1 of the subjectPublicKey bits (as Go computes it). */
  static byte[] keyIdentifier(SubjectPublicKeyInfo publicKey) {
    try {
      return MessageDigest.getInstance("SHA-1").digest(publicKey.getPublicKeyData().getBytes());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-1", e);
    }
  }

  static X509Certificate fromDer(byte[] der) {
    try {
      return (X509Certificate)
          CertificateFactory.getInstance("X.509")
              .generateCertificate(new ByteArrayInputStream(der));
    } catch (CertificateException e) {
      throw new IllegalArgumentException("not a DER X.509 certificate: " + e.getMessage(), e);
    }
  }

  static X509Certificate toX509(X509CertificateHolder holder) {
    try {
      return fromDer(holder.getEncoded());
    } catch (IOException e) {
      throw new IllegalStateException("cannot DER-encode a certificate", e);
    }
  }

  static byte[] der(X509Certificate certificate) {
    try {
      return certificate.getEncoded();
    } catch (CertificateEncodingException e) {
      throw new IllegalStateException("cannot DER-encode a certificate", e);
    }
  }

  static X509CertificateHolder holder(X509Certificate certificate) {
    try {
      return new X509CertificateHolder(der(certificate));
    } catch (IOException e) {
      throw new IllegalStateException("cannot re-read a certificate", e);
    }
  }

  static boolean signatureVerifies(X509Certificate certificate, PublicKey key) {
    try {
      certificate.verify(key);
      return true;
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }
}
