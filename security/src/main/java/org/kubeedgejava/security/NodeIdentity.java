package org.kubeedgejava.security;

import java.io.IOException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * The identity an edge node's certificate carries, as Kubernetes' Node authorizer expects it:
 * subject O={@value #NODES_ORGANIZATION}, CN={@value #COMMON_NAME_PREFIX}{@code <nodeName>}.
 */
public final class NodeIdentity {
  /** The organization (group) of every node certificate. */
  public static final String NODES_ORGANIZATION = "system:nodes";

  /** What a node certificate's common name starts with; the node name follows. */
  public static final String COMMON_NAME_PREFIX = "system:node:";

  private NodeIdentity() {}

  /** {@code system:node:<nodeName>}. */
  public static String commonNameOf(String nodeName) {
    return COMMON_NAME_PREFIX + requireNodeName(nodeName);
  }

  /**
   * The node name a certificate names, when its subject has exactly one CN, of the form {@code
   * system:node:<name>}, and exactly one O, {@code system:nodes}; otherwise empty. This reads the
   * subject only: whether our CA issued the certificate is {@link
   * CertificateAuthority#hasIssued(X509Certificate, java.time.Clock)}.
   */
  public static Optional<String> nodeNameOf(X509Certificate certificate) {
    return nodeNameOf(X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded()));
  }

  /**
   * The node name a DER PKCS#10 CSR's subject names, by the same rule as {@link
   * #nodeNameOf(X509Certificate)}; empty when it names no node or does not parse. Reads the subject
   * only: the CSR's signature is checked when it is signed.
   */
  public static Optional<String> nodeNameOfCsr(byte[] csrDer) {
    try {
      return nodeNameOf(new PKCS10CertificationRequest(csrDer).getSubject());
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  static Optional<String> nodeNameOf(X500Name subject) {
    List<String> commonNames = values(subject, BCStyle.CN);
    List<String> organizations = values(subject, BCStyle.O);
    if (commonNames.size() != 1
        || !organizations.equals(List.of(NODES_ORGANIZATION))
        || !commonNames.get(0).startsWith(COMMON_NAME_PREFIX)
        || commonNames.get(0).length() == COMMON_NAME_PREFIX.length()) {
      return Optional.empty();
    }
    return Optional.of(commonNames.get(0).substring(COMMON_NAME_PREFIX.length()));
  }

  /** The subject a node asks for: O=system:nodes, CN=system:node:&lt;nodeName&gt;. */
  static X500Name subjectOf(String nodeName) {
    return new X500NameBuilder(BCStyle.INSTANCE)
        .addRDN(BCStyle.O, NODES_ORGANIZATION)
        .addRDN(BCStyle.CN, commonNameOf(nodeName))
        .build();
  }

  /** Every value of one attribute type, across all RDNs (also multi-valued ones). */
  static List<String> values(X500Name name, ASN1ObjectIdentifier type) {
    List<String> values = new ArrayList<>();
    for (RDN rdn : name.getRDNs()) {
      for (AttributeTypeAndValue attribute : rdn.getTypesAndValues()) {
        if (attribute.getType().equals(type)) {
          values.add(
              attribute.getValue() instanceof ASN1String string
                  ? string.getString()
                  : attribute.getValue().toString());
        }
      }
    }
    return values;
  }

  static String requireNodeName(String nodeName) {
    Objects.requireNonNull(nodeName, "nodeName");
    if (nodeName.isEmpty()) {
      throw new IllegalArgumentException("node name must not be empty");
    }
    return nodeName;
  }
}
