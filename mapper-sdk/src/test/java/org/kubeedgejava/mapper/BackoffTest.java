package org.kubeedgejava.mapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(2));

  @Test
  void doublesUpToTheCap() {
    assertThat(backoff.ceiling(0)).isEqualTo(Duration.ofMillis(100));
    assertThat(backoff.ceiling(3)).isEqualTo(Duration.ofMillis(800));
    assertThat(backoff.ceiling(5)).isEqualTo(Duration.ofSeconds(2));
    assertThat(backoff.ceiling(500)).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void jittersBetweenHalfAndAllOfTheCeiling() {
    SplittableRandom random = new SplittableRandom(7);
    for (int attempt = 0; attempt < 10; attempt++) {
      long ceiling = backoff.ceiling(attempt).toMillis();
      for (int i = 0; i < 100; i++) {
        assertThat(backoff.delay(attempt, random).toMillis()).isBetween(ceiling / 2, ceiling);
      }
    }
  }

  @Test
  void refusesAnInitialWaitAboveTheCap() {
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
