package org.kubeedgejava.security;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;
import org.bouncycastle.pkcs.PKCSException;

/**
 * The cluster's KubeEdge CA: a self-signed ECDSA P-256 certificate (CN "KubeEdge", 100 years) and
 * its key, as cloudcore keeps them in Secret {@code kubeedge/casecret} ({@code cadata}: cert DER,
 * {@code cakeydata}: SEC1 key DER). It issues cloudcore's server certificate, signs edge nodes'
 * CSRs, and tells whether a certificate is one of its own. Its key bytes also sign join tokens
 * ({@link JoinToken}).
 */
public final class CertificateAuthority {
  /** The CA's subject common name, and the CN and O of cloudcore's server certificate. */
  public static final String COMMON_NAME = "KubeEdge";

  /** How long a generated CA is valid: KubeEdge's 364 × 100 days. */
  public static final Duration CA_VALIDITY = Duration.ofDays(364L * 100);

  /** KubeEdge's default validity for the certificates the CA issues. */
  public static final Duration DEFAULT_CERTIFICATE_VALIDITY = Duration.ofDays(365);

  private final X509Certificate certificate;
  private final byte[] certificateDer;
  private final ECPrivateKey privateKey;
  private final byte[] privateKeyDer;
  private final String certificateHash;
  private final X500Name subject;
  private final byte[] keyIdentifier;

  private CertificateAuthority(
      X509Certificate certificate, ECPrivateKey privateKey, byte[] privateKeyDer) {
    this.certificate = certificate;
    this.certificateDer = Certificates.der(certificate);
    this.privateKey = privateKey;
    this.privateKeyDer = privateKeyDer;
    this.certificateHash = Sha256.hex(certificateDer);
    X509CertificateHolder holder = Certificates.holder(certificate);
    this.subject = holder.getSubject();
    SubjectKeyIdentifier ski = SubjectKeyIdentifier.fromExtensions(holder.getExtensions());
    this.keyIdentifier =
        ski != null
            ? ski.getKeyIdentifier()
            : Certificates.keyIdentifier(holder.getSubjectPublicKeyInfo());
  }

  /** A new CA with a fresh P-256 key, valid from the clock's now for {@link #CA_VALIDITY}. */
  public static CertificateAuthority generate(Clock clock) {
    KeyPair keyPair = P256.newKeyPair();
    Instant notBefore = now(clock);
    X500Name name = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, COMMON_NAME).build();
    SubjectPublicKeyInfo publicKey =
        SubjectPublicKeyInfo.getInstance(keyPair.getPublic().getEncoded());
    X509v3CertificateBuilder builder =
        new X509v3CertificateBuilder(
            name,
            Certificates.newSerial(),
            Date.from(notBefore),
            Date.from(notBefore.plus(CA_VALIDITY)),
            name,
            publicKey);
    addExtension(builder, Extension.basicConstraints, true, new BasicConstraints(true));
    addExtension(
        builder,
        Extension.keyUsage,
        true,
        new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
    addExtension(
        builder,
        Extension.subjectKeyIdentifier,
        false,
        new SubjectKeyIdentifier(Certificates.keyIdentifier(publicKey)));
    X509Certificate certificate =
        Certificates.toX509(builder.build(Certificates.signer(keyPair.getPrivate())));
    return new CertificateAuthority(
        certificate, (ECPrivateKey) keyPair.getPrivate(), P256.toSec1(keyPair.getPrivate()));
  }

  /**
   * The CA from its certificate DER and its key DER (SEC1 as in {@code cakeydata}, or PKCS#8). When
   * the key is SEC1 its bytes are kept as given: they are the join tokens' HMAC key.
   *
   * @throws IllegalArgumentException if either does not parse, the certificate is not a CA
   *     certificate for a P-256 key, or the key is not that certificate's
   */
  public static CertificateAuthority fromDer(byte[] certDer, byte[] keyDer) {
    X509Certificate certificate = Certificates.fromDer(certDer);
    if (!P256.isP256(certificate.getPublicKey())) {
      throw new IllegalArgumentException(
          "the CA certificate's key is not ECDSA P-256 ("
              + certificate.getPublicKey().getAlgorithm()
              + ")");
    }
    if (certificate.getBasicConstraints() < 0) {
      throw new IllegalArgumentException(
          "the CA certificate "
              + certificate.getSubjectX500Principal().getName()
              + " is not a CA certificate (no basicConstraints CA:true)");
    }
    ECPrivateKey key = P256.fromDer(keyDer);
    ECPublicKey expected = (ECPublicKey) certificate.getPublicKey();
    if (!P256.publicKeyOf(key).getW().equals(expected.getW())) {
      throw new IllegalArgumentException(
          "the CA private key does not belong to the CA certificate "
              + certificate.getSubjectX500Principal().getName());
    }
    byte[] sec1 = P256.isSec1(keyDer) ? keyDer.clone() : P256.toSec1(key);
    return new CertificateAuthority(certificate, key, sec1);
  }

  /** The CA certificate. */
  public X509Certificate certificate() {
    return certificate;
  }

  /** The CA certificate, DER-encoded (the Secret's {@code cadata}). */
  public byte[] certificateDer() {
    return certificateDer.clone();
  }

  /** The CA certificate as a "CERTIFICATE" PEM block. */
  public String certificatePem() {
    return Pem.certificate(certificate);
  }

  /** The CA private key. */
  public PrivateKey privateKey() {
    return privateKey;
  }

  /** The CA private key as SEC1 DER (the Secret's {@code cakeydata}, the join tokens' HMAC key). */
  public byte[] privateKeyDer() {
    return privateKeyDer.clone();
  }

  /** Lowercase hex SHA-256 of the certificate DER: the first part of every join token. */
  public String certificateHash() {
    return certificateHash;
  }

  /**
   * cloudcore's server certificate, with a new P-256 key: CN and O "KubeEdge", the given DNS names
   * and IP addresses as subject alternative names, extended key usage serverAuth, valid from the
   * clock's now for {@code validity}.
   *
   * @throws IllegalArgumentException if there is no name at all, or validity is not positive
   */
  public IssuedCertificate issueServerCertificate(
      Clock clock, List<String> dnsNames, List<InetAddress> ipAddresses, Duration validity) {
    GeneralNames names = Certificates.subjectAltNames(dnsNames, ipAddresses);
    if (names == null) {
      throw new IllegalArgumentException(
          "a server certificate needs at least one DNS name or IP address");
    }
    KeyPair keyPair = P256.newKeyPair();
    X500Name serverSubject =
        new X500NameBuilder(BCStyle.INSTANCE)
            .addRDN(BCStyle.O, COMMON_NAME)
            .addRDN(BCStyle.CN, COMMON_NAME)
            .build();
    X509Certificate issued =
        issue(
            clock,
            serverSubject,
            SubjectPublicKeyInfo.getInstance(keyPair.getPublic().getEncoded()),
            names,
            validity,
            KeyPurposeId.id_kp_serverAuth);
    return new IssuedCertificate(issued, keyPair.getPrivate());
  }

  /**
   * Signs an edge node's PKCS#10 CSR: the certificate gets the CSR's subject, key and DNS/IP
   * subject alternative names, extended key usage clientAuth (and serverAuth when {@code
   * alsoServerAuth}), valid from the clock's now for {@code validity}. The subject alternative
   * names are the node's to choose, so only ask for serverAuth where the node may serve them.
   *
   * @param nodeName the node the request claims to be for (e.g. from its URL or header)
   * @throws CsrRejectedException if the CSR does not parse, its signature does not verify, its key
   *     is not P-256, its subject is not exactly O=system:nodes and
   *     CN=system:node:&lt;nodeName&gt;, or it asks for subject alternative names other than DNS
   *     names and IP addresses
   */
  public X509Certificate signNodeCsr(
      Clock clock, byte[] csrDer, String nodeName, Duration validity, boolean alsoServerAuth)
      throws CsrRejectedException {
    NodeIdentity.requireNodeName(nodeName);
    requirePositive(validity);
    PKCS10CertificationRequest csr;
    try {
      csr = new PKCS10CertificationRequest(csrDer);
    } catch (IOException | RuntimeException e) {
      throw new CsrRejectedException("CSR is not DER-encoded PKCS#10: " + e.getMessage(), e);
    }
    try {
      if (!csr.isSignatureValid(
          new JcaContentVerifierProviderBuilder().build(csr.getSubjectPublicKeyInfo()))) {
        throw new CsrRejectedException(
            "CSR signature does not verify with the CSR's own public key");
      }
    } catch (OperatorCreationException | PKCSException | RuntimeException e) {
      throw new CsrRejectedException("CSR signature cannot be verified: " + e.getMessage(), e);
    }
    if (!P256.isP256(csr.getSubjectPublicKeyInfo())) {
      throw new CsrRejectedException(
          "CSR public key is not ECDSA P-256 ("
              + csr.getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm()
              + ")");
    }
    checkNodeSubject(csr.getSubject(), nodeName);
    GeneralNames names = requestedNames(csr);
    return alsoServerAuth
        ? issue(
            clock,
            csr.getSubject(),
            csr.getSubjectPublicKeyInfo(),
            names,
            validity,
            KeyPurposeId.id_kp_clientAuth,
            KeyPurposeId.id_kp_serverAuth)
        : issue(
            clock,
            csr.getSubject(),
            csr.getSubjectPublicKeyInfo(),
            names,
            validity,
            KeyPurposeId.id_kp_clientAuth);
  }

  /**
   * Whether this CA issued the certificate and it is valid at the clock's now: its issuer is this
   * CA's subject, its signature verifies with this CA's key, and now is within its validity.
   */
  public boolean hasIssued(X509Certificate candidate, Clock clock) {
    if (!hasSigned(candidate)) {
      return false;
    }
    try {
      candidate.checkValidity(Date.from(clock.instant()));
      return true;
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      return false;
    }
  }

  /**
   * Whether this CA signed the certificate, whatever its validity period: its issuer is this CA's
   * subject and its signature verifies with this CA's key.
   */
  public boolean hasSigned(X509Certificate candidate) {
    return candidate.getIssuerX500Principal().equals(certificate.getSubjectX500Principal())
        && Certificates.signatureVerifies(candidate, certificate.getPublicKey());
  }

  /**
   * The node a certificate this CA {@linkplain #hasSigned signed} names, when it allows clientAuth
   * and names a node ({@link NodeIdentity#nodeNameOf}); otherwise empty. This ignores the validity
   * period on purpose: it is for deciding about certificates that have expired (see {@link
   * #authenticateNode} for the ordinary check).
   */
  public Optional<String> nodeSignedFor(X509Certificate candidate) {
    if (!hasSigned(candidate) || !allowsClientAuth(candidate)) {
      return Optional.empty();
    }
    return NodeIdentity.nodeNameOf(candidate);
  }

  /**
   * The node an edge's client certificate authenticates: its name when this CA {@linkplain
   * #hasIssued issued} the certificate, it is valid now, allows clientAuth, and names a node
   * ({@link NodeIdentity#nodeNameOf}); otherwise empty.
   */
  public Optional<String> authenticateNode(X509Certificate candidate, Clock clock) {
    if (!hasIssued(candidate, clock) || !allowsClientAuth(candidate)) {
      return Optional.empty();
    }
    return NodeIdentity.nodeNameOf(candidate);
  }

  /** Names the CA by subject and certificate hash; never prints the key. */
  @Override
  public String toString() {
    return "CertificateAuthority["
        + certificate.getSubjectX500Principal().getName()
        + ", sha256="
        + certificateHash
        + "]";
  }

  private X509Certificate issue(
      Clock clock,
      X500Name issuedSubject,
      SubjectPublicKeyInfo publicKey,
      GeneralNames names,
      Duration validity,
      KeyPurposeId... purposes) {
    requirePositive(validity);
    Instant notBefore = now(clock);
    BigInteger serial = Certificates.newSerial();
    X509v3CertificateBuilder builder =
        new X509v3CertificateBuilder(
            subject,
            serial,
            Date.from(notBefore),
            Date.from(notBefore.plus(validity).truncatedTo(ChronoUnit.SECONDS)),
            issuedSubject,
            publicKey);
    addExtension(builder, Extension.basicConstraints, true, new BasicConstraints(false));
    addExtension(
        builder,
        Extension.keyUsage,
        true,
        new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
    addExtension(builder, Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
    addExtension(
        builder,
        Extension.authorityKeyIdentifier,
        false,
        new AuthorityKeyIdentifier(keyIdentifier));
    if (names != null) {
      addExtension(builder, Extension.subjectAlternativeName, false, names);
    }
    return Certificates.toX509(builder.build(Certificates.signer(privateKey)));
  }

  private static void checkNodeSubject(X500Name csrSubject, String nodeName)
      throws CsrRejectedException {
    List<String> commonNames = NodeIdentity.values(csrSubject, BCStyle.CN);
    String expected = NodeIdentity.commonNameOf(nodeName);
    if (!commonNames.equals(List.of(expected))) {
      throw new CsrRejectedException(
          "CSR subject "
              + describe("CN", commonNames)
              + " does not match node "
              + nodeName
              + " (expected CN="
              + expected
              + ")");
    }
    List<String> organizations = NodeIdentity.values(csrSubject, BCStyle.O);
    if (!organizations.equals(List.of(NodeIdentity.NODES_ORGANIZATION))) {
      throw new CsrRejectedException(
          "CSR subject "
              + describe("O", organizations)
              + " is not a node's (expected O="
              + NodeIdentity.NODES_ORGANIZATION
              + ")");
    }
  }

  private static String describe(String attribute, List<String> values) {
    return values.isEmpty() ? "has no " + attribute : attribute + "=" + String.join("+", values);
  }

  private static GeneralNames requestedNames(PKCS10CertificationRequest csr)
      throws CsrRejectedException {
    Extensions requested;
    try {
      requested = csr.getRequestedExtensions();
    } catch (RuntimeException e) {
      throw new CsrRejectedException("CSR extension request does not parse: " + e.getMessage(), e);
    }
    GeneralNames names =
        requested == null
            ? null
            : GeneralNames.fromExtensions(requested, Extension.subjectAlternativeName);
    if (names == null) {
      return null;
    }
    for (GeneralName name : names.getNames()) {
      if (name.getTagNo() != GeneralName.dNSName && name.getTagNo() != GeneralName.iPAddress) {
        throw new CsrRejectedException(
            "CSR asks for a subject alternative name of type "
                + name.getTagNo()
                + "; only DNS names (2) and IP addresses (7) are allowed");
      }
    }
    return names;
  }

  private static boolean allowsClientAuth(X509Certificate candidate) {
    try {
      List<String> purposes = candidate.getExtendedKeyUsage();
      return purposes != null && purposes.contains(KeyPurposeId.id_kp_clientAuth.getId());
    } catch (CertificateParsingException e) {
      return false;
    }
  }

  private static void addExtension(
      X509v3CertificateBuilder builder,
      ASN1ObjectIdentifier oid,
      boolean critical,
      ASN1Encodable value) {
    try {
      builder.addExtension(oid, critical, value);
    } catch (IOException e) {
      throw new IllegalStateException("cannot encode certificate extension " + oid, e);
    }
  }

  private static Instant now(Clock clock) {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS);
  }

  private static void requirePositive(Duration validity) {
    if (Objects.requireNonNull(validity, "validity").compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException(
          "certificate validity must be at least one second, got " + validity);
    }
  }
}
