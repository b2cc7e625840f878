package org.kubeedgejava.edgecore.certs;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the node certificate renewed, also across long offline periods.
 *
 * <p>When: at a random point between 70 % and 90 % of the certificate's life (with {@code rotate}
 * off, only once it has expired). Besides that deadline, three things make it try at once: starting
 * (a node that was switched off for a year starts with an expired certificate), the tunnel coming
 * up after the deadline passed while offline, and cloudcore refusing the tunnel while the
 * certificate has expired by the clock. An expired certificate is renewed with itself; cloudcore
 * allows that within its grace period.
 *
 * <p>Failures back off: 30 s, doubling, up to an hour, so a node offline for months does not spin.
 * Coming back online skips the wait, unless cloudcore itself refused last time. When cloudcore
 * refuses to renew an expired certificate the node cannot reconnect by itself: that is logged as an
 * error with what the operator must do, and kept for {@link #refusal()}; edgecore keeps running its
 * pods from the local store.
 *
 * <p>Threading: all state is confined to the {@link Scheduler}'s one thread; the triggers may be
 * called from any thread.
 */
public final class CertificateRenewer {
  private static final Logger log = LoggerFactory.getLogger(CertificateRenewer.class);

  static final Duration FIRST_RETRY = Duration.ofSeconds(30);
  static final Duration MAX_RETRY = Duration.ofHours(1);

  /** Runs tasks after a delay, one at a time, in order. */
  @FunctionalInterface
  public interface Scheduler {
    void schedule(Runnable task, Duration delay);
  }

  /** The node certificate as stored now, and the request that renews it. */
  public interface NodeCertificate {
    Optional<X509Certificate> current();

    X509Certificate renew() throws JoinException;
  }

  private enum Trigger {
    TIMER,
    CONNECTED,
    REFUSED
  }

  private final String nodeName;
  private final NodeCertificate certificate;
  private final Runnable reconnect;
  private final Scheduler scheduler;
  private final Clock clock;
  private final RandomGenerator random;
  private final boolean rotate;

  // confined to the scheduler's thread
  private BigInteger serial;
  private Instant deadline;
  private int failures;
  private Instant nextAttempt = Instant.MIN;
  private boolean lastRefusedByCloud;
  private long timerGeneration;

  private volatile String refusal;

  /**
   * @param reconnect called after a renewal, to dial again with the new certificate
   * @param rotate renew ahead of expiry (edgecore.yaml {@code rotateCertificates}); when off, only
   *     an expired certificate is renewed
   */
  public CertificateRenewer(
      String nodeName,
      NodeCertificate certificate,
      Runnable reconnect,
      Scheduler scheduler,
      Clock clock,
      RandomGenerator random,
      boolean rotate) {
    this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
    this.certificate = Objects.requireNonNull(certificate, "certificate");
    this.reconnect = Objects.requireNonNull(reconnect, "reconnect");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    this.rotate = rotate;
  }

  /** The node certificate of {@code bootstrap}'s files, renewed through it. */
  public static NodeCertificate filesOf(CertificateBootstrap bootstrap) {
    return new NodeCertificate() {
      @Override
      public Optional<X509Certificate> current() {
        return bootstrap.load().map(id -> id.certificate());
      }

      @Override
      public X509Certificate renew() throws JoinException {
        return bootstrap.rotate();
      }
    };
  }

  /** Looks at the certificate now: renews at once if due (or expired), else waits for it. */
  public void start() {
    scheduler.schedule(() -> check(Trigger.TIMER), Duration.ZERO);
  }

  /** The tunnel is up: if the renewal came due while offline, renew now. */
  public void onConnected() {
    scheduler.schedule(() -> check(Trigger.CONNECTED), Duration.ZERO);
  }

  /**
   * cloudcore was reached but did not admit the tunnel: if that is because the certificate has
   * expired (by the clock), renew with it now.
   */
  public void onTunnelRefused() {
    scheduler.schedule(() -> check(Trigger.REFUSED), Duration.ZERO);
  }

  /**
   * Why cloudcore last refused to renew the expired certificate, while that stands; empty once a
   * renewal succeeds.
   */
  public Optional<String> refusal() {
    return Optional.ofNullable(refusal);
  }

  private void check(Trigger trigger) {
    Optional<X509Certificate> stored = certificate.current();
    if (stored.isEmpty()) {
      log.warn("no node certificate for {} to renew; run `keadm join`", nodeName);
      return;
    }
    X509Certificate cert = stored.get();
    noteCertificate(cert);
    Instant now = clock.instant();
    Instant notAfter = cert.getNotAfter().toInstant();
    boolean expired = now.isAfter(notAfter);
    if (now.isBefore(deadline)) {
      if (trigger == Trigger.TIMER) {
        arm(Duration.between(now, deadline));
      }
      return;
    }
    if (trigger == Trigger.REFUSED && !expired) {
      return; // refused for another reason; EdgeHub keeps dialling
    }
    boolean cloudIsBack = trigger != Trigger.TIMER && !lastRefusedByCloud;
    if (now.isBefore(nextAttempt) && !cloudIsBack) {
      if (trigger == Trigger.TIMER) {
        arm(Duration.between(now, nextAttempt));
      }
      return;
    }
    attempt(cert, now, expired);
  }

  private void attempt(X509Certificate cert, Instant now, boolean expired) {
    try {
      X509Certificate renewed = certificate.renew();
      if (expired) {
        log.info(
            "node certificate renewed after it had expired at {}; now valid until {};"
                + " reconnecting with it",
            cert.getNotAfter().toInstant(),
            renewed.getNotAfter().toInstant());
      } else {
        log.info(
            "node certificate renewed, valid until {}; reconnecting with it",
            renewed.getNotAfter().toInstant());
      }
      failures = 0;
      nextAttempt = Instant.MIN;
      lastRefusedByCloud = false;
      refusal = null;
      reconnect.run();
      noteCertificate(renewed);
      arm(Duration.between(clock.instant(), deadline));
    } catch (JoinException | RuntimeException e) {
      failures++;
      Duration wait = retryDelay(failures);
      nextAttempt = now.plus(wait);
      lastRefusedByCloud = e instanceof JoinException j && j.refusedByCloud();
      if (lastRefusedByCloud && expired) {
        refusal = e.getMessage();
        log.error(
            "the certificate of node {} expired at {} and cloudcore refused to renew it: {}. This"
                + " node keeps running its pods from the local store, but cannot reconnect until"
                + " it is joined again: run `keadm gettoken` on the cloud side, then `keadm join"
                + " --token=<token>` (with this node's --cloudcore-ipport and --edgenode-name) on"
                + " this node. Asking again in {} s.",
            nodeName,
            cert.getNotAfter().toInstant(),
            e.getMessage(),
            wait.toSeconds());
      } else {
        log.warn(
            "node certificate renewal failed: {}; retrying in {} s, or as soon as the tunnel is"
                + " back",
            e.getMessage(),
            wait.toSeconds());
      }
      arm(wait);
    }
  }

  /** When the stored certificate changed (first look, a renewal, a new join): a new deadline. */
  private void noteCertificate(X509Certificate cert) {
    if (cert.getSerialNumber().equals(serial)) {
      return;
    }
    serial = cert.getSerialNumber();
    deadline =
        rotate
            ? CertificateBootstrap.rotationDeadline(cert, random)
            : cert.getNotAfter().toInstant();
    failures = 0;
    nextAttempt = Instant.MIN;
    log.info(
        "node certificate valid until {}; renewal {} {}",
        cert.getNotAfter().toInstant(),
        rotate ? "scheduled at" : "only once expired, at",
        deadline);
  }

  /** Replaces any pending timer with one {@code delay} from now. */
  private void arm(Duration delay) {
    long generation = ++timerGeneration;
    scheduler.schedule(
        () -> {
          if (generation == timerGeneration) {
            check(Trigger.TIMER);
          }
        },
        delay.isNegative() ? Duration.ZERO : delay);
  }

  static Duration retryDelay(int failures) {
    int doublings = Math.min(failures - 1, 20);
    Duration delay = FIRST_RETRY.multipliedBy(1L << doublings);
    return delay.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : delay;
  }
}
