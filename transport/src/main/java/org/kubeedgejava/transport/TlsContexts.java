package org.kubeedgejava.transport;

import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * TLS contexts for the hub connections, with KubeEdge's settings: TLS 1.2 or 1.3, and on 1.2 only
 * the ECDHE-ECDSA AES-GCM and ChaCha20 suites (all keys are ECDSA P-256), and peers verified
 * against the KubeEdge CA alone.
 */
public final class TlsContexts {
  private TlsContexts() {}

  static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
  static final List<String> CIPHERS =
      List.of(
          "TLS_AES_128_GCM_SHA256",
          "TLS_AES_256_GCM_SHA384",
          "TLS_CHACHA20_POLY1305_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
          "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
          "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256");

  /**
   * A server context presenting {@code certificate}; {@code clientAuth} REQUIRE for the websocket
   * hub (every edge proves its node identity), OPTIONAL for the certificate endpoint (first join
   * has no certificate yet).
   */
  public static SslContext server(
      PrivateKey key, X509Certificate certificate, X509Certificate ca, ClientAuth clientAuth)
      throws SSLException {
    return SslContextBuilder.forServer(key, certificate)
        .sslProvider(SslProvider.JDK)
        .trustManager(ca)
        .clientAuth(clientAuth)
        .protocols(PROTOCOLS)
        .ciphers(CIPHERS)
        .build();
  }

  /**
   * The join endpoint's server context: a client certificate is optional, and when one is sent the
   * handshake checks only that it chains to {@code ca}, not whether it is still valid now, so that
   * a node whose certificate expired while offline can still prove who it was. Whoever serves with
   * this context must check the validity period itself (and refuse or limit what an expired
   * certificate buys). Never use it for the websocket hub, which stays strict ({@link #server}).
   */
  public static SslContext joinEndpoint(
      PrivateKey key, X509Certificate certificate, X509Certificate ca) throws SSLException {
    return SslContextBuilder.forServer(key, certificate)
        .sslProvider(SslProvider.JDK)
        .trustManager(new ChainOnlyClientTrust(ca))
        .clientAuth(ClientAuth.OPTIONAL)
        .protocols(PROTOCOLS)
        .ciphers(CIPHERS)
        .build();
  }

  /** A client context presenting {@code certificate} and trusting only {@code ca}. */
  public static SslContext client(PrivateKey key, X509Certificate certificate, X509Certificate ca)
      throws SSLException {
    return SslContextBuilder.forClient()
        .sslProvider(SslProvider.JDK)
        .keyManager(key, certificate)
        .trustManager(ca)
        .protocols(PROTOCOLS)
        .ciphers(CIPHERS)
        .build();
  }
}
