package org.kubeedgejava.config.edgecore;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * How edgehub waits between attempts to reach cloudcore ({@code modules.edgeHub.reconnect}, our
 * extension): capped exponential back-off with full jitter, i.e. before attempt {@code n} (from 0)
 * a random wait in {@code [0, }{@link #ceiling(int) ceiling(n)}{@code ]}.
 *
 * @param initialBackoff seconds, the ceiling of the first wait (default 1)
 * @param maxBackoff seconds, the cap on the ceiling (default 60)
 */
public record EdgeHubReconnect(
    @JsonProperty("initialBackoff") int initialBackoff,
    @JsonProperty("maxBackoff") int maxBackoff) {
  public static EdgeHubReconnect defaults() {
    return new EdgeHubReconnect(1, 60);
  }

  /** {@link #initialBackoff()} as a duration. */
  public Duration initialDelay() {
    return Duration.ofSeconds(initialBackoff);
  }

  /** {@link #maxBackoff()} as a duration. */
  public Duration maxDelay() {
    return Duration.ofSeconds(maxBackoff);
  }

  /** The longest wait before attempt {@code attempt} (from 0): initial × 2^attempt, capped. */
  public Duration ceiling(int attempt) {
    if (attempt < 0) {
      throw new IllegalArgumentException("attempt must not be negative, got " + attempt);
    }
    long seconds =
        attempt >= 31 ? maxBackoff : Math.min(maxBackoff, (long) initialBackoff << attempt);
    return Duration.ofSeconds(seconds);
  }
}
