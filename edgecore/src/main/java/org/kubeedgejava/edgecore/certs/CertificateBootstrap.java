package org.kubeedgejava.edgecore.certs;

import java.io.IOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import org.kubeedgejava.security.JoinToken;
import org.kubeedgejava.security.NodeIdentity;
import org.kubeedgejava.security.NodeKeys;
import org.kubeedgejava.security.Pem;
import org.kubeedgejava.security.TokenException;
import org.kubeedgejava.transport.TlsIdentity;

/**
 * The node's identity: first join with a token, and rotation with the current certificate, against
 * cloudcore's HTTPS endpoint (port 10002), as KubeEdge's edges do it.
 *
 * <p>Join: download {@code /ca.crt} without trusting anyone yet, and trust it only if its SHA-256
 * equals the token's first part; generate a P-256 key and a CSR for {@code CN=system:node:<node>,
 * O=system:nodes}; send it to {@code /edge.crt} with the token's JWT. Files are written atomically
 * (the key readable by root only), in PEM as KubeEdge writes them.
 */
public final class CertificateBootstrap {
  /**
   * Where the node's CA, certificate and key live (edgecore.yaml tlsCaFile, tlsCertFile,
   * tlsPrivateKeyFile).
   */
  public record IdentityFiles(Path caFile, Path certFile, Path keyFile) {}

  private final URI server;
  private final String nodeName;
  private final IdentityFiles files;
  private final Clock clock;
  private final Duration timeout;

  /**
   * @param server cloudcore's HTTPS endpoint, e.g. {@code https://10.0.0.5:10002}
   */
  public CertificateBootstrap(
      URI server, String nodeName, IdentityFiles files, Clock clock, Duration timeout) {
    this.server = server;
    this.nodeName = nodeName;
    this.files = files;
    this.clock = clock;
    this.timeout = timeout;
  }

  /** Obtains the CA and a node certificate with a join token. */
  public X509Certificate join(String tokenText) throws JoinException {
    JoinToken token;
    try {
      token = JoinToken.parse(tokenText.strip());
    } catch (TokenException e) {
      throw new JoinException("the join token is not valid: " + e.getMessage(), e);
    }
    if (token.expiresAt().isBefore(clock.instant())) {
      throw new JoinException(
          "the join token expired at "
              + token.expiresAt()
              + "; run `keadm gettoken` on the cloud side for a fresh one");
    }
    byte[] caDer =
        send(insecureClient(), get("/ca.crt").GET().build(), "download the CA certificate");
    try {
      token.checkCaHash(caDer);
    } catch (TokenException e) {
      throw new JoinException(
          "refusing cloudcore's CA: "
              + e.getMessage()
              + " (is --cloudcore-ipport the cloud the token came from?)",
          e);
    }
    X509Certificate ca = Pem.readCertificate(caDer);
    KeyPair keys = NodeKeys.newP256KeyPair();
    HttpRequest request =
        get("/edge.crt")
            .header("NodeName", nodeName)
            .header("Authorization", "Bearer " + token.jwt())
            .method("GET", HttpRequest.BodyPublishers.ofByteArray(NodeKeys.nodeCsr(keys, nodeName)))
            .build();
    byte[] certDer = send(trustingClient(ca, null, null), request, "obtain the node certificate");
    X509Certificate cert = Pem.readCertificate(certDer);
    save(ca, cert, keys.getPrivate());
    return cert;
  }

  /**
   * Renews the node certificate, authenticating with the current one. That one may have expired:
   * cloudcore then renews it only within its grace period ({@code
   * modules.cloudHub.expiredCertificateGracePeriod}), for a node that still exists.
   */
  public X509Certificate rotate() throws JoinException {
    TlsIdentity current =
        load().orElseThrow(() -> new JoinException("no node certificate to rotate; join first"));
    KeyPair keys = NodeKeys.newP256KeyPair();
    HttpRequest request =
        get("/edge.crt")
            .header("NodeName", nodeName)
            .method("GET", HttpRequest.BodyPublishers.ofByteArray(NodeKeys.nodeCsr(keys, nodeName)))
            .build();
    byte[] der =
        send(
            trustingClient(current.ca(), current.key(), current.certificate()),
            request,
            "renew the node certificate");
    X509Certificate cert = Pem.readCertificate(der);
    save(current.ca(), cert, keys.getPrivate());
    return cert;
  }

  /** The stored identity, if all three files exist and the certificate names this node. */
  public Optional<TlsIdentity> load() {
    try {
      if (!Files.exists(files.caFile())
          || !Files.exists(files.certFile())
          || !Files.exists(files.keyFile())) {
        return Optional.empty();
      }
      X509Certificate cert = Pem.readCertificate(Files.readAllBytes(files.certFile()));
      if (!NodeIdentity.nodeNameOf(cert).map(nodeName::equals).orElse(false)) {
        return Optional.empty();
      }
      return Optional.of(
          new TlsIdentity(
              Pem.readPrivateKey(Files.readAllBytes(files.keyFile())),
              cert,
              Pem.readCertificate(Files.readAllBytes(files.caFile()))));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * When to renew: a random point between 70 % and 90 % of the certificate's lifetime, so a fleet
   * issued together does not renew together.
   */
  public static Instant rotationDeadline(X509Certificate cert, RandomGenerator random) {
    long from = cert.getNotBefore().getTime();
    long life = cert.getNotAfter().getTime() - from;
    double fraction = 0.7 + 0.2 * random.nextDouble();
    return Instant.ofEpochMilli(from + (long) (life * fraction));
  }

  private HttpRequest.Builder get(String path) {
    return HttpRequest.newBuilder(server.resolve(path)).timeout(timeout);
  }

  private byte[] send(HttpClient client, HttpRequest request, String what) throws JoinException {
    try (client) {
      HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() != 200) {
        String body = new String(response.body(), StandardCharsets.UTF_8).strip();
        throw new JoinException(
            "cannot " + what + ": cloudcore answered " + response.statusCode() + ": " + body, true);
      }
      return response.body();
    } catch (ConnectException e) {
      throw new JoinException(
          "cannot "
              + what
              + ": nothing answers at "
              + server
              + " (is cloudcore running, and is --certport right?)",
          e);
    } catch (IOException e) {
      throw new JoinException("cannot " + what + " from " + server + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new JoinException("interrupted while trying to " + what, e);
    }
  }

  private void save(X509Certificate ca, X509Certificate cert, PrivateKey key) throws JoinException {
    try {
      writeAtomically(files.caFile(), Pem.certificate(ca), false);
      writeAtomically(files.keyFile(), Pem.ecPrivateKey(key), true);
      writeAtomically(files.certFile(), Pem.certificate(cert), false);
    } catch (IOException e) {
      throw new JoinException("cannot write the node certificate: " + e.getMessage(), e);
    }
  }

  private static void writeAtomically(Path file, String content, boolean secret)
      throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
    if (secret) {
      Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    }
    Files.writeString(tmp, content);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  private HttpClient insecureClient() throws JoinException {
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new TrustAnything()}, null);
      return HttpClient.newBuilder().sslContext(ctx).connectTimeout(timeout).build();
    } catch (Exception e) {
      throw new JoinException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  private HttpClient trustingClient(X509Certificate ca, PrivateKey key, X509Certificate cert)
      throws JoinException {
    try {
      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("kubeedge-ca", ca);
      TrustManagerFactory tmf =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      KeyManagerFactory kmf = null;
      if (key != null) {
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        keys.setKeyEntry("node", key, new char[0], new Certificate[] {cert});
        kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
      return HttpClient.newBuilder().sslContext(ctx).connectTimeout(timeout).build();
    } catch (Exception e) {
      throw new JoinException("cannot set up TLS: " + e.getMessage(), e);
    }
  }

  /**
   * Accepts any server certificate: used only to download the CA, which is then trusted solely if
   * its hash matches the join token.
   */
  private static final class TrustAnything extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
