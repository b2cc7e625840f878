package org.kubeedgejava.cloudcore.devicecontroller;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most one status write in flight per device, with no added delay: the first report for a device
 * is written at once; reports arriving while that write runs are merged into one pending report,
 * written as soon as the write returns. A failed write is merged back under what arrived meanwhile
 * and tried again after a back-off, so nothing accepted is lost; a device that is gone is dropped.
 *
 * <p>Threading: {@link #offer} may be called from any thread and never blocks (it only takes this
 * object's lock, never across a write). Writes run on {@code executor}; retries are handed to
 * {@code delayer}.
 */
final class StatusCoalescer {
  private static final Logger log = LoggerFactory.getLogger(StatusCoalescer.class);

  /** What a write did. */
  enum Outcome {
    WRITTEN,
    /** The device no longer exists: the report is dropped. */
    GONE,
    /** Worth trying again (API server unavailable, conflict ...). */
    FAILED
  }

  /** Writes one merged report for a device; may block (it runs on the coalescer's executor). */
  @FunctionalInterface
  interface Writer {
    Outcome write(String device, DeviceReport report);
  }

  /** Runs a task after a delay. */
  @FunctionalInterface
  interface Delayer {
    void after(Duration delay, Runnable task);
  }

  /** Counts what the coalescer does, for metrics. */
  interface Events {
    void coalesced();

    void written();

    void failed();

    void gone();
  }

  private static final Duration FIRST_RETRY = Duration.ofMillis(200);
  private static final Duration MAX_RETRY = Duration.ofSeconds(10);

  private static final class Slot {
    DeviceReport pending; // null when nothing waits
    boolean busy; // a write (or a scheduled retry) owns the device
    Duration backoff = FIRST_RETRY;
  }

  private final Writer writer;
  private final Executor executor;
  private final Delayer delayer;
  private final Events events;
  private final Map<String, Slot> slots = new HashMap<>(); // guarded by this

  StatusCoalescer(Writer writer, Executor executor, Delayer delayer, Events events) {
    this.writer = writer;
    this.executor = executor;
    this.delayer = delayer;
    this.events = events;
  }

  /** Accepts a report for {@code device} ({@code <ns>/<name>}). */
  void offer(String device, DeviceReport report) {
    synchronized (this) {
      Slot slot = slots.computeIfAbsent(device, d -> new Slot());
      if (slot.pending != null) {
        slot.pending = slot.pending.merge(report);
        events.coalesced();
      } else {
        slot.pending = report;
        if (slot.busy) {
          events.coalesced(); // it rides on the write after the running one
        }
      }
      if (slot.busy) {
        return;
      }
      slot.busy = true;
    }
    executor.execute(() -> drain(device));
  }

  /** Devices with a report not yet written. */
  synchronized int pending() {
    return (int) slots.values().stream().filter(s -> s.pending != null).count();
  }

  private void drain(String device) {
    while (true) {
      DeviceReport report;
      synchronized (this) {
        Slot slot = slots.get(device);
        report = slot.pending;
        if (report == null) {
          slots.remove(device);
          return;
        }
        slot.pending = null;
      }
      Outcome outcome;
      try {
        outcome = writer.write(device, report);
      } catch (RuntimeException e) {
        log.warn("status of device {}: write failed: {}", device, e.toString());
        outcome = Outcome.FAILED;
      }
      switch (outcome) {
        case WRITTEN -> {
          events.written();
          synchronized (this) {
            slots.get(device).backoff = FIRST_RETRY;
          }
        }
        case GONE -> events.gone();
        case FAILED -> {
          events.failed();
          Duration delay;
          synchronized (this) {
            Slot slot = slots.get(device);
            slot.pending = slot.pending == null ? report : report.merge(slot.pending);
            delay = slot.backoff;
            slot.backoff = min(slot.backoff.multipliedBy(2), MAX_RETRY);
          }
          delayer.after(delay, () -> executor.execute(() -> drain(device)));
          return; // the slot stays busy until the retry runs
        }
      }
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
