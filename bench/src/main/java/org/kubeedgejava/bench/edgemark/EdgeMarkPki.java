package org.kubeedgejava.bench.edgemark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.KeyPair;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.kubeedgejava.security.CertificateAuthority;
import org.kubeedgejava.security.IssuedCertificate;
import org.kubeedgejava.security.NodeKeys;
import org.kubeedgejava.security.Pem;
import org.kubeedgejava.transport.TlsIdentity;

/**
 * Makes, or reuses, the EdgeMark PKI in one directory: a CA ({@code ca.crt}, {@code ca.key}),
 * cloudcore's server certificate for 127.0.0.1 ({@code server.crt}, {@code server.key}) and one
 * client certificate per simulated node, subject CN=system:node:&lt;name&gt;, O=system:nodes, key
 * and certificate together in {@code nodes/<name>.pem}. Every node needs its own certificate: the
 * hub refuses a connection whose certificate names another node than its {@code node_id} header.
 *
 * <p>Node certificates are signed on all cores and written one file each (atomically), so a second
 * run, or a larger N, only makes what is missing. Everything is valid for a year; files older than
 * {@link #REUSE_FOR} are made again.
 *
 * <p>Usage: {@code EdgeMarkPki --dir D --nodes N}.
 */
public final class EdgeMarkPki {
  static final Duration VALIDITY = Duration.ofDays(365);
  static final Duration REUSE_FOR = Duration.ofDays(300);

  private final Path dir;
  private final Clock clock = Clock.systemUTC();

  EdgeMarkPki(Path dir) {
    this.dir = dir;
  }

  public static void main(String[] args) throws Exception {
    Args a = Args.parse(args);
    new EdgeMarkPki(a.path("dir")).ensure(a.integer("nodes"));
  }

  /** Makes whatever of the CA, the server certificate and nodes 0..n-1 is missing or too old. */
  void ensure(int nodes) throws IOException {
    long start = System.nanoTime();
    Files.createDirectories(nodeDir());
    CertificateAuthority ca = reusableCa();
    boolean newCa = ca == null;
    if (newCa) {
      ca = CertificateAuthority.generate(clock);
      try (var stale = Files.list(nodeDir())) {
        for (Path p : stale.toList()) {
          Files.delete(p); // signed by a CA that is gone
        }
      }
      write(dir.resolve("ca.key"), Pem.ecPrivateKey(ca.privateKey()));
      write(dir.resolve("ca.crt"), ca.certificatePem());
      Files.deleteIfExists(dir.resolve("server.crt"));
    }
    if (newCa || !fresh(dir.resolve("server.crt"))) {
      IssuedCertificate server =
          ca.issueServerCertificate(
              clock, List.of("localhost"), List.of(InetAddress.getByName("127.0.0.1")), VALIDITY);
      write(dir.resolve("server.key"), server.privateKeyPem());
      write(dir.resolve("server.crt"), server.certificatePem());
    }
    CertificateAuthority signer = ca;
    AtomicInteger made = new AtomicInteger();
    IntStream.range(0, nodes)
        .parallel()
        .filter(i -> !fresh(nodeFile(dir, i)))
        .forEach(i -> {
          String name = NodeNames.of(i);
          KeyPair keys = NodeKeys.newP256KeyPair();
          X509Certificate cert;
          try {
            cert = signer.signNodeCsr(clock, NodeKeys.nodeCsr(keys, name), name, VALIDITY, false);
          } catch (Exception e) {
            throw new IllegalStateException("cannot sign a certificate for " + name, e);
          }
          write(nodeFile(dir, i), Pem.ecPrivateKey(keys.getPrivate()) + Pem.certificate(cert));
          made.incrementAndGet();
        });
    System.out.printf(
        "pki: %s CA, %d node certificates made, %d reused, in %.1f s (%s)%n",
        newCa ? "new" : "cached",
        made.get(),
        nodes - made.get(),
        (System.nanoTime() - start) / 1e9,
        dir);
  }

  /** cloudcore's identity: server key and certificate, and the CA. */
  static TlsIdentity serverIdentity(Path dir) throws IOException {
    return new TlsIdentity(
        Pem.readPrivateKey(Files.readAllBytes(dir.resolve("server.key"))),
        Pem.readCertificate(Files.readAllBytes(dir.resolve("server.crt"))),
        caCertificate(dir));
  }

  /** Node {@code index}'s identity, trusting {@code ca}. */
  static TlsIdentity nodeIdentity(Path dir, int index, X509Certificate ca) throws IOException {
    byte[] pem = Files.readAllBytes(nodeFile(dir, index));
    return new TlsIdentity(Pem.readPrivateKey(pem), Pem.readCertificate(pem), ca);
  }

  static X509Certificate caCertificate(Path dir) throws IOException {
    return Pem.readCertificate(Files.readAllBytes(dir.resolve("ca.crt")));
  }

  static Path nodeFile(Path dir, int index) {
    return dir.resolve("nodes").resolve(NodeNames.of(index) + ".pem");
  }

  private Path nodeDir() {
    return dir.resolve("nodes");
  }

  /** The CA on disk, if there is one valid for longer than the files made from it. */
  private CertificateAuthority reusableCa() throws IOException {
    Path cert = dir.resolve("ca.crt");
    Path key = dir.resolve("ca.key");
    if (!Files.exists(cert) || !Files.exists(key)) {
      return null;
    }
    try {
      CertificateAuthority ca =
          CertificateAuthority.fromDer(
              Pem.readCertificate(Files.readAllBytes(cert)).getEncoded(),
              Pem.ecPrivateKeyDer(Pem.readPrivateKey(Files.readAllBytes(key))));
      ca.certificate().checkValidity(Date.from(clock.instant().plus(VALIDITY)));
      return ca;
    } catch (CertificateExpiredException | CertificateNotYetValidException e) {
      return null; // made again, with everything it signed
    } catch (CertificateEncodingException | RuntimeException e) {
      throw new IllegalStateException("cannot read the CA in " + dir + "; delete the directory", e);
    }
  }

  private boolean fresh(Path file) {
    try {
      FileTime modified = Files.getLastModifiedTime(file);
      return modified.toInstant().isAfter(Instant.now(clock).minus(REUSE_FOR));
    } catch (IOException e) {
      return false;
    }
  }

  private static void write(Path file, String text) {
    try {
      Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(tmp, text, StandardCharsets.US_ASCII);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }
}
