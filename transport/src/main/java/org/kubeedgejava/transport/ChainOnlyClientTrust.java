package org.kubeedgejava.transport;

import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a client whose certificate chains to one CA, judging the chain as of the leaf's own
 * notAfter: the signatures, issuers and CA constraints are checked by PKIX, but not whether the
 * leaf is still within its validity period now. The application must decide that (and how long ago
 * is acceptable) itself, with its clock. Used only by the join endpoint, so that a node whose
 * certificate expired while offline can prove who it was; it trusts no server.
 */
final class ChainOnlyClientTrust extends X509ExtendedTrustManager {
  private final X509Certificate ca;
  private final Set<TrustAnchor> anchors;

  ChainOnlyClientTrust(X509Certificate ca) {
    this.ca = ca;
    this.anchors = Set.of(new TrustAnchor(ca, null));
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    verify(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    verify(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    verify(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    throw new CertificateException("this trust manager checks clients only");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    throw new CertificateException("this trust manager checks clients only");
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    throw new CertificateException("this trust manager checks clients only");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[] {ca};
  }

  private void verify(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("the client sent no certificate");
    }
    List<X509Certificate> path = new ArrayList<>(List.of(chain));
    if (path.size() > 1 && path.getLast().equals(ca)) {
      path.removeLast(); // the anchor is not part of the path
    }
    try {
      PKIXParameters parameters = new PKIXParameters(anchors);
      parameters.setRevocationEnabled(false);
      parameters.setDate(chain[0].getNotAfter());
      CertPathValidator.getInstance("PKIX")
          .validate(CertificateFactory.getInstance("X.509").generateCertPath(path), parameters);
    } catch (GeneralSecurityException e) {
      throw new CertificateException(
          "client certificate "
              + chain[0].getSubjectX500Principal().getName()
              + " does not chain to the KubeEdge CA: "
              + e.getMessage(),
          e);
    }
  }
}
