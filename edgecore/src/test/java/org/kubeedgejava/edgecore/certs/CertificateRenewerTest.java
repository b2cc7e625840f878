package org.kubeedgejava.edgecore.certs;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.kubeedgejava.security.CertificateAuthority;
import org.kubeedgejava.security.NodeKeys;

class CertificateRenewerTest {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  static final Duration LIFE = Duration.ofDays(100);

  final ManualTime time = new ManualTime(T0);
  final CertificateAuthority ca = CertificateAuthority.generate(time);
  final FakeNodeCertificate node = new FakeNodeCertificate();
  int reconnects;

  CertificateRenewer renewer(boolean rotate) {
    return new CertificateRenewer(
        "edge-1", node, () -> reconnects++, time, time, new SplittableRandom(3), rotate);
  }

  X509Certificate issuedAt(Instant at) throws Exception {
    return ca.signNodeCsr(
        Clock.fixed(at, ZoneOffset.UTC),
        NodeKeys.nodeCsr(NodeKeys.newP256KeyPair(), "edge-1"),
        "edge-1",
        LIFE,
        false);
  }

  @Test
  void nothingHappensBeforeTheDeadlineAndTheRenewalHappensBetween70And90Percent() throws Exception {
    node.current = issuedAt(T0);
    renewer(true).start();

    time.advance(Duration.ofDays(69));
    assertThat(node.renewals).isZero();

    time.advance(Duration.ofDays(22));
    assertThat(node.renewals).isEqualTo(1);
    assertThat(reconnects).isEqualTo(1);
    assertThat(node.current.getNotBefore().toInstant()).isAfter(T0.plus(Duration.ofDays(69)));
  }

  @Test
  void withRotationOffOnlyAnExpiredCertificateIsRenewed() throws Exception {
    node.current = issuedAt(T0);
    renewer(false).start();

    time.advance(LIFE.minusSeconds(1));
    assertThat(node.renewals).isZero();
    time.advance(Duration.ofSeconds(1));
    assertThat(node.renewals).isEqualTo(1);
  }

  @Test
  void aCertificateThatExpiredWhileSwitchedOffIsRenewedAtStart() throws Exception {
    node.current = issuedAt(T0.minus(Duration.ofDays(400)));
    renewer(true).start();

    time.advance(Duration.ZERO);

    assertThat(node.renewals).isEqualTo(1);
    assertThat(reconnects).isEqualTo(1);
    assertThat(node.current.getNotAfter().toInstant()).isAfter(T0);
  }

  @Test
  void whileOfflineRetriesBackOffFromThirtySecondsToAnHour() throws Exception {
    node.current = issuedAt(T0.minus(Duration.ofDays(95)));
    node.failure = new JoinException("cannot renew: nothing answers", false);
    renewer(true).start();

    time.advance(Duration.ofDays(1));

    List<Duration> gaps = new ArrayList<>();
    for (int i = 1; i < node.attemptTimes.size(); i++) {
      gaps.add(Duration.between(node.attemptTimes.get(i - 1), node.attemptTimes.get(i)));
    }
    assertThat(gaps)
        .startsWith(
            Duration.ofSeconds(30),
            Duration.ofSeconds(60),
            Duration.ofSeconds(120),
            Duration.ofSeconds(240));
    assertThat(gaps).allMatch(g -> g.compareTo(Duration.ofHours(1)) <= 0);
    assertThat(gaps.getLast()).isEqualTo(Duration.ofHours(1));
    assertThat(node.renewals).isLessThan(40); // not 2880 tries a day
    assertThat(reconnects).isZero();
  }

  @Test
  void aRenewalThatCameDueWhileOfflineHappensRightAfterReconnecting() throws Exception {
    node.current = issuedAt(T0.minus(Duration.ofDays(95)));
    node.failure = new JoinException("cannot renew: nothing answers", false);
    CertificateRenewer renewer = renewer(true);
    renewer.start();
    time.advance(Duration.ofHours(6)); // the back-off is at its hour now
    int triesOffline = node.renewals;

    node.failure = null;
    renewer.onConnected();
    time.advance(Duration.ZERO);

    assertThat(node.renewals).isEqualTo(triesOffline + 1);
    assertThat(reconnects).isEqualTo(1);
    renewer.onConnected(); // the reconnect with the new certificate
    time.advance(Duration.ofDays(1));
    assertThat(node.renewals).isEqualTo(triesOffline + 1);
  }

  @Test
  void aTunnelRefusedForAnExpiredCertificateRenewsAtOnceAndOtherwiseNot() throws Exception {
    node.current = issuedAt(T0.minus(Duration.ofDays(30)));
    CertificateRenewer renewer = renewer(true);
    renewer.start();
    time.advance(Duration.ZERO);
    assertThat(node.renewals).isZero();

    renewer.onTunnelRefused(); // valid certificate: refused for some other reason
    time.advance(Duration.ZERO);
    assertThat(node.renewals).isZero();

    node.current = issuedAt(T0.minus(LIFE).minus(Duration.ofDays(1)));
    node.failure = new JoinException("cannot renew: nothing answers", false);
    renewer.onTunnelRefused();
    time.advance(Duration.ZERO);
    assertThat(node.renewals).isEqualTo(1);

    node.failure = null;
    time.advance(Duration.ofSeconds(5));
    renewer.onTunnelRefused(); // cloudcore is back: no need to wait out the back-off
    time.advance(Duration.ZERO);
    assertThat(node.renewals).isEqualTo(2);
    assertThat(reconnects).isEqualTo(1);
  }

  @Test
  void whenCloudcoreRefusesTheExpiredCertificateTheOperatorIsToldAndRefusalsAreNotHammered()
      throws Exception {
    node.current = issuedAt(T0.minus(Duration.ofDays(500)));
    node.failure =
        new JoinException(
            "cannot renew the node certificate: cloudcore answered 401: beyond the grace period",
            true);
    CertificateRenewer renewer = renewer(true);
    renewer.start();
    time.advance(Duration.ZERO);

    assertThat(node.renewals).isEqualTo(1);
    assertThat(renewer.refusal()).hasValueSatisfying(r -> assertThat(r).contains("401"));
    for (int i = 0; i < 5; i++) {
      renewer.onTunnelRefused();
      time.advance(Duration.ofSeconds(2));
    }
    assertThat(node.renewals).isEqualTo(1);

    node.failure = null; // say the operator widened the grace period
    time.advance(Duration.ofSeconds(30));
    assertThat(node.renewals).isEqualTo(2);
    assertThat(renewer.refusal()).isEmpty();
    assertThat(reconnects).isEqualTo(1);
  }

  @Test
  void retryDelaysDoubleAndStopAtAnHour() {
    assertThat(CertificateRenewer.retryDelay(1)).isEqualTo(Duration.ofSeconds(30));
    assertThat(CertificateRenewer.retryDelay(2)).isEqualTo(Duration.ofSeconds(60));
    assertThat(CertificateRenewer.retryDelay(8)).isEqualTo(Duration.ofHours(1));
    assertThat(CertificateRenewer.retryDelay(1000)).isEqualTo(Duration.ofHours(1));
  }

  /** The node's certificate files and cloudcore's answer, in memory. */
  final class FakeNodeCertificate implements CertificateRenewer.NodeCertificate {
    X509Certificate current;
    JoinException failure;
    int renewals;
    final List<Instant> attemptTimes = new ArrayList<>();

    @Override
    public Optional<X509Certificate> current() {
      return Optional.ofNullable(current);
    }

    @Override
    public X509Certificate renew() throws JoinException {
      renewals++;
      attemptTimes.add(time.instant());
      if (failure != null) {
        throw failure;
      }
      try {
        current = issuedAt(time.instant());
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      return current;
    }
  }

  /** A clock that moves only when told, and a scheduler that runs what falls due as it moves. */
  static final class ManualTime extends Clock implements CertificateRenewer.Scheduler {
    private record Task(Instant at, long order, Runnable run) {}

    private final PriorityQueue<Task> tasks =
        new PriorityQueue<>(Comparator.comparing(Task::at).thenComparing(Task::order));
    private Instant now;
    private long order;

    ManualTime(Instant now) {
      this.now = now;
    }

    @Override
    public void schedule(Runnable task, Duration delay) {
      tasks.add(new Task(now.plus(delay), order++, task));
    }

    /** Moves time forward by {@code step}, running every task due on the way, in order. */
    void advance(Duration step) {
      Instant end = now.plus(step);
      while (!tasks.isEmpty() && !tasks.peek().at().isAfter(end)) {
        Task next = tasks.poll();
        now = next.at().isAfter(now) ? next.at() : now;
        next.run().run();
      }
      now = end;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }
  }
}
