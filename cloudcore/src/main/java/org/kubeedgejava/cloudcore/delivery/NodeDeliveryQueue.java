package org.kubeedgejava.cloudcore.delivery;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.kubeedgejava.wire.Message;

/**
 * One node's downstream messages that need an acknowledgement. Per object there is at most one
 * message in flight and one waiting: a newer version replaces the waiting one (coalescing), so a
 * node that was away receives each changed object once, at its newest version. At most {@code
 * window} messages are in flight. An in-flight message not acknowledged within the retry interval
 * is sent again with the same id.
 *
 * <p>Pure logic: time is passed in; callers send what the methods return. Thread-safe (one lock).
 */
final class NodeDeliveryQueue {
  /** A message to write now. */
  record Send(ObjectRef ref, Message message) {}

  /** An acknowledged message. */
  record Acked(ObjectRef ref, Message message) {}

  private static final class Slot {
    ObjectRef ref;
    Message inFlight; // null when nothing is in flight
    Instant sentAt;
    int attempts;
    ObjectRef nextRef;
    Message next; // waiting behind the in-flight one, or to be sent
  }

  private final int window;
  private final Duration retryAfter;
  private final Map<String, Slot> slots = new LinkedHashMap<>(); // by object key, arrival order
  private final Map<String, String> keyByMessageId = new HashMap<>();
  private int inFlight;

  NodeDeliveryQueue(int window, Duration retryAfter) {
    this.window = window;
    this.retryAfter = retryAfter;
  }

  /** Queues a message for {@code ref}, replacing an older waiting one; returns what to send now. */
  synchronized List<Send> offer(ObjectRef ref, Message message, Instant now, boolean connected) {
    Slot slot = slots.computeIfAbsent(ref.key(), k -> new Slot());
    slot.nextRef = ref;
    slot.next = message;
    return connected ? fill(now) : List.of();
  }

  /**
   * Records an acknowledgement; returns the acknowledged message (if it was ours) and what to send
   * next.
   */
  synchronized Optional<Acked> acknowledge(String messageId) {
    String key = keyByMessageId.remove(messageId);
    if (key == null) {
      return Optional.empty(); // late duplicate ack, or not ours
    }
    Slot slot = slots.get(key);
    Acked acked = new Acked(slot.ref, slot.inFlight);
    slot.inFlight = null;
    slot.attempts = 0;
    inFlight--;
    if (slot.next == null) {
      slots.remove(key);
    }
    return Optional.of(acked);
  }

  /** After a reconnect: everything in flight is sent again, then what waits. */
  synchronized List<Send> reconnected(Instant now) {
    List<Send> out = new ArrayList<>();
    for (Slot slot : slots.values()) {
      if (slot.inFlight != null) {
        slot.sentAt = now;
        slot.attempts++;
        out.add(new Send(slot.ref, slot.inFlight));
      }
    }
    out.addAll(fill(now));
    return out;
  }

  /** In-flight messages older than the retry interval, to send again, plus what fits the window. */
  synchronized List<Send> due(Instant now, boolean connected) {
    if (!connected) {
      return List.of();
    }
    List<Send> out = new ArrayList<>();
    for (Slot slot : slots.values()) {
      if (slot.inFlight != null && !slot.sentAt.plus(backoff(slot.attempts)).isAfter(now)) {
        slot.sentAt = now;
        slot.attempts++;
        out.add(new Send(slot.ref, slot.inFlight));
      }
    }
    out.addAll(fill(now));
    return out;
  }

  synchronized int pending() {
    return slots.size();
  }

  synchronized int inFlight() {
    return inFlight;
  }

  /** Retries back off: the interval, doubled per attempt beyond the fourth, capped at 8×. */
  private Duration backoff(int attempts) {
    int factor = attempts <= 4 ? 1 : Math.min(8, 1 << (attempts - 4));
    return retryAfter.multipliedBy(factor);
  }

  private List<Send> fill(Instant now) {
    List<Send> out = new ArrayList<>();
    for (Map.Entry<String, Slot> e : slots.entrySet()) {
      if (inFlight >= window) {
        break;
      }
      Slot slot = e.getValue();
      if (slot.inFlight == null && slot.next != null) {
        slot.inFlight = slot.next;
        slot.ref = slot.nextRef;
        slot.next = null;
        slot.nextRef = null;
        slot.sentAt = now;
        slot.attempts = 1;
        inFlight++;
        keyByMessageId.put(slot.inFlight.header().id(), e.getKey());
        out.add(new Send(slot.ref, slot.inFlight));
      }
    }
    return out;
  }
}
