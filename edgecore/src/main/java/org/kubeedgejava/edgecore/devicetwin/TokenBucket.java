package org.kubeedgejava.edgecore.devicetwin;

import java.time.Clock;

/**
 * A token bucket: {@code burst} tokens, refilled at {@code perSecond}. Time from the {@link Clock}.
 * Thread-safe.
 */
final class TokenBucket {
  private final double perSecond;
  private final double burst;
  private final Clock clock;
  private double tokens;
  private long lastMillis;

  TokenBucket(double perSecond, int burst, Clock clock) {
    if (perSecond <= 0 || burst <= 0) {
      throw new IllegalArgumentException("rate and burst must be positive");
    }
    this.perSecond = perSecond;
    this.burst = burst;
    this.clock = clock;
    this.tokens = burst;
    this.lastMillis = clock.millis();
  }

  /** Takes a token if one is left. */
  synchronized boolean tryAcquire() {
    long now = clock.millis();
    if (now > lastMillis) {
      tokens = Math.min(burst, tokens + (now - lastMillis) * perSecond / 1000.0);
      lastMillis = now;
    }
    if (tokens >= 1) {
      tokens -= 1;
      return true;
    }
    return false;
  }
}
