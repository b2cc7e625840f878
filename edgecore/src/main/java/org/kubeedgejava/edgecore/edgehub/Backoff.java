package org.kubeedgejava.edgecore.edgehub;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Capped exponential back-off with full jitter: the n-th retry waits a uniformly random time in [0,
 * min(cap, initial × 2^n)]. The randomness is what keeps 10,000 edge nodes, cut off by the same
 * outage, from reconnecting in lockstep when it ends.
 */
public final class Backoff {
  private final Duration initial;
  private final Duration cap;
  private final RandomGenerator random;

  public Backoff(Duration initial, Duration cap, RandomGenerator random) {
    if (initial.isNegative() || initial.isZero() || cap.compareTo(initial) < 0) {
      throw new IllegalArgumentException("need 0 < initial <= cap, got " + initial + " and " + cap);
    }
    this.initial = initial;
    this.cap = cap;
    this.random = random;
  }

  /** The upper bound of the wait before retry {@code attempt} (0-based). */
  public Duration ceiling(int attempt) {
    int shift = Math.min(Math.max(attempt, 0), 30);
    long millis = initial.toMillis() << shift;
    return millis <= 0 || millis > cap.toMillis() ? cap : Duration.ofMillis(millis);
  }

  /** How long to wait before retry {@code attempt} (0-based). */
  public Duration delay(int attempt) {
    return Duration.ofMillis(random.nextLong(ceiling(attempt).toMillis() + 1));
  }
}
