package org.kubeedgejava.edgecore.edgehub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {
  private final Backoff backoff =
      new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(60), new SplittableRandom(42));

  @Test
  void ceilingDoublesPerAttemptUpToTheCap() {
    assertThat(backoff.ceiling(0)).isEqualTo(Duration.ofSeconds(1));
    assertThat(backoff.ceiling(1)).isEqualTo(Duration.ofSeconds(2));
    assertThat(backoff.ceiling(5)).isEqualTo(Duration.ofSeconds(32));
    assertThat(backoff.ceiling(6)).isEqualTo(Duration.ofSeconds(60));
    assertThat(backoff.ceiling(1_000)).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void delayStaysWithinZeroAndTheCeiling() {
    for (int attempt = 0; attempt < 40; attempt++) {
      for (int i = 0; i < 100; i++) {
        assertThat(backoff.delay(attempt)).isBetween(Duration.ZERO, backoff.ceiling(attempt));
      }
    }
  }

  @Test
  void nodesCutOffTogetherSpreadTheirReconnectsOverTheWholeWindow() {
    // 10,000 nodes at their 10th attempt (ceiling 60 s): full jitter spreads them evenly, so no
    // one-second slot gets more than a small multiple of the average (10,000 / 61 ≈ 164)
    int[] perSecond = new int[61];
    RandomGenerator seeds = new SplittableRandom(7);
    for (int node = 0; node < 10_000; node++) {
      Backoff own =
          new Backoff(
              Duration.ofSeconds(1),
              Duration.ofSeconds(60),
              new SplittableRandom(seeds.nextLong()));
      perSecond[(int) own.delay(10).toSeconds()]++;
    }
    Set<Integer> usedSlots = new HashSet<>();
    for (int s = 0; s < 60; s++) {
      if (perSecond[s] > 0) {
        usedSlots.add(s);
      }
      assertThat(perSecond[s]).as("reconnects in second %d", s).isLessThan(300);
    }
    assertThat(usedSlots).hasSize(60);
  }

  @Test
  void refusesACapBelowTheInitialDelay() {
    assertThatThrownBy(() ->
            new Backoff(Duration.ofSeconds(10), Duration.ofSeconds(1), new SplittableRandom()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
