package org.kubeedgejava.testing;

import java.net.InetAddress;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.kubeedgejava.security.CertificateAuthority;
import org.kubeedgejava.security.IssuedCertificate;
import org.kubeedgejava.security.NodeKeys;
import org.kubeedgejava.transport.TlsIdentity;

/** A CA with cloudcore's server identity, and node identities on demand, for hub tests. */
public final class TestPki {
  public final Clock clock = Clock.systemUTC();
  public final CertificateAuthority ca = CertificateAuthority.generate(clock);
  public final TlsIdentity server;

  public TestPki() throws Exception {
    IssuedCertificate cert =
        ca.issueServerCertificate(
            clock,
            List.of("localhost"),
            List.of(InetAddress.getByName("127.0.0.1")),
            Duration.ofDays(1));
    server = new TlsIdentity(cert.privateKey(), cert.certificate(), ca.certificate());
  }

  /** A node identity signed by this CA for {@code node}. */
  public TlsIdentity node(String node) throws Exception {
    KeyPair keys = NodeKeys.newP256KeyPair();
    X509Certificate cert =
        ca.signNodeCsr(clock, NodeKeys.nodeCsr(keys, node), node, Duration.ofDays(1), false);
    return new TlsIdentity(keys.getPrivate(), cert, ca.certificate());
  }

  /** An SSLContext that trusts this CA and presents no certificate, for JDK clients. */
  public SSLContext trustOnly() throws Exception {
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", ca.certificate());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, tmf.getTrustManagers(), null);
    return ctx;
  }

  /** An SSLContext presenting {@code identity} and trusting its CA, for JDK clients. */
  public static SSLContext sslContext(TlsIdentity identity) throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    keys.load(null, null);
    keys.setKeyEntry(
        "node", identity.key(), new char[0], new Certificate[] {identity.certificate()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(keys, new char[0]);
    KeyStore trust = KeyStore.getInstance("PKCS12");
    trust.load(null, null);
    trust.setCertificateEntry("ca", identity.ca());
    TrustManagerFactory tmf =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
    return ctx;
  }
}
