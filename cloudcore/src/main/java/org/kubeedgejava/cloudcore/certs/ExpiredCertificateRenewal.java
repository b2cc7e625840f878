package org.kubeedgejava.cloudcore.certs;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.kubeedgejava.security.CertificateAuthority;
import org.kubeedgejava.security.NodeIdentity;

/**
 * Decides whether a node may renew its certificate at {@code /edge.crt} by presenting one that is
 * not valid now, typically because it expired while the node was offline.
 *
 * <p>It may when all of these hold: the certificate was signed by this cluster's CA for a node
 * (clientAuth, {@code CN=system:node:<name>}); it expired no longer ago than the grace period (zero
 * disables the whole path); the request ({@code NodeName} header and the CSR's subject) is for that
 * same node; and the Node object still exists, so a node the operator deleted is not brought back.
 * Anything else is refused with a reason the node can log and a {@code result} label for {@code
 * kubeedge_cloudhub_certificate_requests_total}.
 *
 * <p>The trade-off is that a node's stolen key buys a fresh certificate for up to the grace period
 * after expiry; deleting the Node object ends that.
 */
final class ExpiredCertificateRenewal {
  /** The answer for one request. */
  sealed interface Decision {}

  /** Renew: {@code node}'s certificate expired {@code expiredFor} ago. */
  record Allowed(String node, Duration expiredFor) implements Decision {}

  /** Refuse with HTTP {@code status}, saying {@code reason}; counted as {@code result}. */
  record Refused(int status, String reason, String result) implements Decision {}

  private static final String REJOIN =
      "join the node again with a fresh token (`keadm gettoken` on the cloud, then `keadm join`"
          + " on the node)";

  private final CertificateAuthority ca;
  private final Duration grace;
  private final NodeLookup nodes;
  private final Clock clock;

  /**
   * @param grace how long after expiry a certificate may still renew; zero disables
   * @throws IllegalArgumentException if grace is negative
   */
  ExpiredCertificateRenewal(
      CertificateAuthority ca, Duration grace, NodeLookup nodes, Clock clock) {
    this.ca = Objects.requireNonNull(ca, "ca");
    this.grace = Objects.requireNonNull(grace, "grace");
    if (grace.isNegative()) {
      throw new IllegalArgumentException("the grace period must not be negative, got " + grace);
    }
    this.nodes = Objects.requireNonNull(nodes, "nodes");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Whether {@code presented} (a client certificate that did not authenticate as valid now) may
   * renew the certificate of {@code nodeName} with {@code csr}.
   */
  Decision decide(X509Certificate presented, String nodeName, byte[] csr) {
    Optional<String> signedFor = ca.nodeSignedFor(presented);
    if (signedFor.isEmpty()) {
      return new Refused(
          401,
          "the client certificate is not a node certificate of this cluster's KubeEdge CA",
          "certificate_untrusted");
    }
    String node = signedFor.get();
    Instant now = clock.instant();
    Instant notBefore = presented.getNotBefore().toInstant();
    Instant notAfter = presented.getNotAfter().toInstant();
    if (now.isBefore(notBefore)) {
      return new Refused(
          401,
          "the certificate of node "
              + node
              + " is not valid before "
              + notBefore
              + "; check the node's clock",
          "certificate_not_yet_valid");
    }
    Duration expiredFor = Duration.between(notAfter, now);
    if (grace.isZero()) {
      return new Refused(
          401,
          "the certificate of node "
              + node
              + " expired at "
              + notAfter
              + " ("
              + describe(expiredFor)
              + " ago) and this cloud does not renew expired certificates"
              + " (modules.cloudHub.expiredCertificateGracePeriod is 0); "
              + REJOIN,
          "certificate_expired");
    }
    if (expiredFor.compareTo(grace) > 0) {
      return new Refused(
          401,
          "the certificate of node "
              + node
              + " expired at "
              + notAfter
              + ", "
              + describe(expiredFor)
              + " ago, longer than the "
              + grace.toDays()
              + "-day grace period"
              + " (modules.cloudHub.expiredCertificateGracePeriod); "
              + REJOIN,
          "certificate_expired_beyond_grace");
    }
    if (!node.equals(nodeName)) {
      return new Refused(
          403, "your certificate is for node " + node + ", not " + nodeName, "forbidden");
    }
    Optional<String> asked = NodeIdentity.nodeNameOfCsr(csr);
    if (asked.isPresent() && !asked.get().equals(node)) {
      return new Refused(
          403,
          "the CSR is for node "
              + asked.get()
              + ", but the certificate is node "
              + node
              + "'s; an expired certificate renews only its own node",
          "forbidden");
    }
    if (!nodes.exists(node)) {
      return new Refused(
          403,
          "node "
              + node
              + " no longer exists in the cluster, so its expired certificate is not"
              + " renewed; "
              + REJOIN,
          "node_deleted");
    }
    return new Allowed(node, expiredFor);
  }

  /** "3 days", "5 h", "12 min": how long ago, for people. */
  static String describe(Duration d) {
    if (d.toDays() >= 2) {
      return d.toDays() + " days";
    }
    if (d.toHours() >= 2) {
      return d.toHours() + " h";
    }
    return Math.max(0, d.toMinutes()) + " min";
  }
}
