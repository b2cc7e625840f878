package org.kubeedgejava.cloudcore.certs;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.InetAddress;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.kubeedgejava.security.CertificateAuthority;
import org.kubeedgejava.security.IssuedCertificate;
import org.kubeedgejava.security.JoinToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CA, cloudcore's server certificate and the join token, kept where KubeEdge keeps them so the
 * two can share a cluster's secrets: Secret {@code kubeedge/casecret} ({@code cadata}, {@code
 * cakeydata}: DER), {@code kubeedge/cloudcoresecret} ({@code cloudcoredata}, {@code
 * cloudcorekeydata}) and {@code kubeedge/tokensecret} ({@code tokendata}).
 *
 * <p>Created on first start; reused after. The server certificate is issued again when it lacks one
 * of the configured advertise addresses or DNS names, or has less than a tenth of its life left.
 */
public final class CloudCoreCredentials {
  private static final Logger log = LoggerFactory.getLogger(CloudCoreCredentials.class);

  public static final String NAMESPACE = "kubeedge";
  public static final String CA_SECRET = "casecret";
  public static final String SERVER_SECRET = "cloudcoresecret";
  public static final String TOKEN_SECRET = "tokensecret";
  public static final String TOKEN_KEY = "tokendata";

  static final Duration SERVER_CERT_VALIDITY = Duration.ofDays(365 * 10);

  private final CertificateAuthority ca;
  private final IssuedCertificate server;

  private CloudCoreCredentials(CertificateAuthority ca, IssuedCertificate server) {
    this.ca = ca;
    this.server = server;
  }

  public CertificateAuthority ca() {
    return ca;
  }

  public IssuedCertificate server() {
    return server;
  }

  /** Loads the CA and server certificate from the cluster, creating what is missing. */
  public static CloudCoreCredentials loadOrCreate(
      KubernetesClient kube, Clock clock, List<InetAddress> advertise, List<String> dnsNames) {
    ensureNamespace(kube);
    CertificateAuthority ca = loadOrCreateCa(kube, clock);
    IssuedCertificate server = loadOrIssueServer(kube, clock, ca, advertise, dnsNames);
    return new CloudCoreCredentials(ca, server);
  }

  /**
   * Writes a fresh join token (valid for {@code validity}) to Secret kubeedge/tokensecret and
   * returns it.
   */
  public String refreshToken(KubernetesClient kube, Clock clock, Duration validity) {
    String token = JoinToken.create(ca, clock, validity);
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withName(TOKEN_SECRET)
            .withNamespace(NAMESPACE)
            .endMetadata()
            .withData(
                Map.of(TOKEN_KEY, b64(token.getBytes(java.nio.charset.StandardCharsets.UTF_8))))
            .build();
    kube.secrets().inNamespace(NAMESPACE).resource(secret).serverSideApply();
    log.info(
        "join token refreshed in secret {}/{}; valid for {} h",
        NAMESPACE,
        TOKEN_SECRET,
        validity.toHours());
    return token;
  }

  private static void ensureNamespace(KubernetesClient kube) {
    // a namespace left Terminating by a recent `keadm reset` must be gone before it can be made
    // again
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(120);
    while (true) {
      var ns = kube.namespaces().withName(NAMESPACE).get();
      if (ns != null && ns.getMetadata().getDeletionTimestamp() == null) {
        return;
      }
      if (ns == null) {
        try {
          kube.namespaces()
              .resource(
                  new NamespaceBuilder()
                      .withNewMetadata()
                      .withName(NAMESPACE)
                      .endMetadata()
                      .build())
              .create();
          return;
        } catch (KubernetesClientException e) {
          if (e.getCode() != 409) {
            throw e;
          }
        }
      } else {
        log.info("namespace {} is still being deleted; waiting for it to go", NAMESPACE);
        try {
          kube.namespaces()
              .withName(NAMESPACE)
              .waitUntilCondition(n -> n == null, 5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (KubernetesClientException stillThere) {
          // checked again below
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "namespace " + NAMESPACE + " stayed Terminating for 2 minutes");
      }
    }
  }

  private static CertificateAuthority loadOrCreateCa(KubernetesClient kube, Clock clock) {
    Secret existing = kube.secrets().inNamespace(NAMESPACE).withName(CA_SECRET).get();
    if (existing != null
        && existing.getData() != null
        && existing.getData().containsKey("cadata")) {
      return CertificateAuthority.fromDer(
          unb64(existing.getData().get("cadata")), unb64(existing.getData().get("cakeydata")));
    }
    CertificateAuthority ca = CertificateAuthority.generate(clock);
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withName(CA_SECRET)
            .withNamespace(NAMESPACE)
            .endMetadata()
            .withData(
                Map.of("cadata", b64(ca.certificateDer()), "cakeydata", b64(ca.privateKeyDer())))
            .build();
    try {
      kube.secrets().inNamespace(NAMESPACE).resource(secret).create();
      log.info("created the KubeEdge CA in secret {}/{}", NAMESPACE, CA_SECRET);
      return ca;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) { // another cloudcore won the race: use its CA
        return loadOrCreateCa(kube, clock);
      }
      throw e;
    }
  }

  private static IssuedCertificate loadOrIssueServer(
      KubernetesClient kube,
      Clock clock,
      CertificateAuthority ca,
      List<InetAddress> advertise,
      List<String> dnsNames) {
    Secret existing = kube.secrets().inNamespace(NAMESPACE).withName(SERVER_SECRET).get();
    if (existing != null
        && existing.getData() != null
        && existing.getData().containsKey("cloudcoredata")) {
      IssuedCertificate current =
          IssuedCertificate.fromDer(
              unb64(existing.getData().get("cloudcoredata")),
              unb64(existing.getData().get("cloudcorekeydata")));
      if (stillFits(current.certificate(), ca, clock, advertise, dnsNames)) {
        return current;
      }
      log.info(
          "cloudcore's server certificate does not cover the configured addresses or is near expiry; issuing a new one");
    }
    IssuedCertificate issued =
        ca.issueServerCertificate(clock, dnsNames, advertise, SERVER_CERT_VALIDITY);
    Secret secret =
        new SecretBuilder()
            .withNewMetadata()
            .withName(SERVER_SECRET)
            .withNamespace(NAMESPACE)
            .endMetadata()
            .withData(
                Map.of(
                    "cloudcoredata",
                    b64(issued.certificateDer()),
                    "cloudcorekeydata",
                    b64(issued.privateKeyDer())))
            .build();
    kube.secrets().inNamespace(NAMESPACE).resource(secret).serverSideApply();
    return issued;
  }

  private static boolean stillFits(
      X509Certificate cert,
      CertificateAuthority ca,
      Clock clock,
      List<InetAddress> advertise,
      List<String> dnsNames) {
    try {
      cert.verify(ca.certificate().getPublicKey());
      long life = cert.getNotAfter().getTime() - cert.getNotBefore().getTime();
      if (cert.getNotAfter().getTime() - clock.millis() < life / 10) {
        return false;
      }
      Set<String> sans = new HashSet<>();
      if (cert.getSubjectAlternativeNames() != null) {
        for (List<?> san : cert.getSubjectAlternativeNames()) {
          sans.add(String.valueOf(san.get(1)));
        }
      }
      for (InetAddress ip : advertise) {
        if (!sans.contains(ip.getHostAddress())) {
          return false;
        }
      }
      return sans.containsAll(dnsNames.stream().filter(n -> !n.isBlank()).toList());
    } catch (Exception e) {
      return false;
    }
  }

  private static String b64(byte[] bytes) {
    return Base64.getEncoder().encodeToString(bytes);
  }

  private static byte[] unb64(String value) {
    return Base64.getDecoder().decode(value);
  }
}
