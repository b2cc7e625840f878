package org.kubeedgejava.bench.edgemark;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed-capacity, thread-safe record of durations in nanoseconds, allocated up front (before the
 * baseline heap is measured), with nearest-rank percentiles.
 */
final class Latencies {
  private final long[] nanos;
  private final AtomicInteger count = new AtomicInteger();

  Latencies(int capacity) {
    nanos = new long[capacity];
  }

  void record(long duration) {
    int i = count.getAndIncrement();
    if (i < nanos.length) {
      nanos[i] = duration;
    }
  }

  int count() {
    return Math.min(count.get(), nanos.length);
  }

  /** Percentiles {@code ps} (0 &lt; p ≤ 100) in milliseconds; the last element is the maximum. */
  double[] millis(double... ps) {
    long[] sorted = Arrays.copyOf(nanos, count());
    Arrays.sort(sorted);
    double[] out = new double[ps.length];
    for (int i = 0; i < ps.length; i++) {
      if (sorted.length == 0) {
        out[i] = Double.NaN;
        continue;
      }
      int rank = (int) Math.ceil(ps[i] / 100.0 * sorted.length);
      out[i] = sorted[Math.clamp(rank - 1, 0, sorted.length - 1)] / 1e6;
    }
    return out;
  }
}
