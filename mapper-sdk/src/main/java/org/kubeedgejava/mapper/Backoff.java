package org.kubeedgejava.mapper;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Capped exponential back-off with jitter: retry {@code n} (0-based) waits a random time between
 * half and all of {@code min(max, initial × 2^n)}, so devices that failed together (one PLC gateway
 * rebooting) do not reconnect in lockstep, and no retry comes sooner than half the ceiling.
 *
 * @param initial the ceiling of the first retry
 * @param max the largest ceiling
 */
public record Backoff(Duration initial, Duration max) {

  public Backoff {
    if (!initial.isPositive() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("need 0 < initial <= max, got " + initial + " and " + max);
    }
  }

  /** The upper bound of retry {@code attempt}'s wait. */
  public Duration ceiling(int attempt) {
    int shift = Math.min(Math.max(attempt, 0), 30);
    long millis = initial.toMillis() << shift;
    return millis <= 0 || millis > max.toMillis() ? max : Duration.ofMillis(millis);
  }

  /** How long to wait before retry {@code attempt}. */
  public Duration delay(int attempt, RandomGenerator random) {
    long ceiling = Math.max(1, ceiling(attempt).toMillis());
    long half = ceiling / 2;
    return Duration.ofMillis(half + random.nextLong(ceiling - half + 1));
  }
}
