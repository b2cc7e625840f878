package org.kubeedgejava.security;

import java.io.IOException;
import java.net.InetAddress;
import java.security.KeyPair;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.ExtensionsGenerator;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.pkcs.PKCS10CertificationRequestBuilder;
import org.bouncycastle.pkcs.jcajce.JcaPKCS10CertificationRequestBuilder;

/**
 * What an edge node makes to ask the cloud for its certificate: a fresh P-256 key pair and a
 * PKCS#10 CSR for subject O=system:nodes, CN=system:node:&lt;nodeName&gt;, signed with that key.
 */
public final class NodeKeys {
  private NodeKeys() {}

  /** A new ECDSA P-256 key pair, the only kind KubeEdge uses. */
  public static KeyPair newP256KeyPair() {
    return P256.newKeyPair();
  }

  /** A DER PKCS#10 CSR for the node's identity, with no subject alternative names. */
  public static byte[] nodeCsr(KeyPair keyPair, String nodeName) {
    return nodeCsr(keyPair, nodeName, List.of(), List.of());
  }

  /**
   * A DER PKCS#10 CSR for the node's identity that also asks for these DNS names and IP addresses
   * as subject alternative names (for a certificate the node also serves with).
   */
  public static byte[] nodeCsr(
      KeyPair keyPair, String nodeName, List<String> dnsNames, List<InetAddress> ipAddresses) {
    P256.requireP256(keyPair.getPrivate());
    PKCS10CertificationRequestBuilder builder =
        new JcaPKCS10CertificationRequestBuilder(
            NodeIdentity.subjectOf(nodeName), keyPair.getPublic());
    GeneralNames sans = Certificates.subjectAltNames(dnsNames, ipAddresses);
    if (sans != null) {
      try {
        ExtensionsGenerator extensions = new ExtensionsGenerator();
        extensions.addExtension(Extension.subjectAlternativeName, false, sans);
        builder.addAttribute(
            PKCSObjectIdentifiers.pkcs_9_at_extensionRequest, extensions.generate());
      } catch (IOException e) {
        throw new IllegalStateException("cannot encode subject alternative names", e);
      }
    }
    try {
      return builder.build(Certificates.signer(keyPair.getPrivate())).getEncoded();
    } catch (IOException e) {
      throw new IllegalStateException("cannot DER-encode a CSR", e);
    }
  }
}
