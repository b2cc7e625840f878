package org.kubeedgejava.cloudcore.delivery;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.kubeedgejava.cloudcore.cloudhub.NodeSession;
import org.kubeedgejava.cloudcore.cloudhub.SessionListener;
import org.kubeedgejava.cloudcore.cloudhub.SessionRegistry;
import org.kubeedgejava.wire.Message;
import org.kubeedgejava.wire.Operations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends object messages to edge nodes until they are acknowledged: one {@link NodeDeliveryQueue}
 * per node, written to the node's CloudHub session, retried every {@code retryAfter} while
 * unacknowledged, resumed when the node reconnects. Acknowledged versions go to the {@link
 * AckLedger}. A message for a node that is offline waits (coalesced) in memory; after a cloudcore
 * restart, the {@link SyncController} rebuilds what is missing from the ledger and the live
 * objects.
 *
 * <p>Threading: {@link #deliver} and {@link #onAck} may be called from any thread; a single
 * scheduler thread drives retries.
 */
public final class ReliableDelivery implements SessionListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReliableDelivery.class);

  private final SessionRegistry sessions;
  private final AckLedger ledger;
  private final Clock clock;
  private final int window;
  private final Duration retryAfter;
  private final Map<String, NodeDeliveryQueue> queues = new ConcurrentHashMap<>();
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("delivery-retry").daemon().factory());

  public ReliableDelivery(
      SessionRegistry sessions, AckLedger ledger, Clock clock, int window, Duration retryAfter) {
    this.sessions = sessions;
    this.ledger = ledger;
    this.clock = clock;
    this.window = window;
    this.retryAfter = retryAfter;
    sessions.addListener(this);
    long tick = Math.max(100, retryAfter.toMillis() / 5);
    timer.scheduleWithFixedDelay(this::retryDue, tick, tick, TimeUnit.MILLISECONDS);
  }

  /**
   * Delivers {@code message} (resource in cloud form, header resourceversion set unless it is a
   * delete) about {@code ref} to {@code node}, replacing an older undelivered message for it.
   */
  public void deliver(String node, ObjectRef ref, Message message) {
    Optional<NodeSession> session = sessions.get(node).filter(NodeSession::isOpen);
    send(session, queue(node).offer(ref, message, clock.instant(), session.isPresent()));
  }

  /** Handles an edge's {@code response} message; returns whether it acknowledged one of ours. */
  public boolean onAck(String node, Message response) {
    NodeDeliveryQueue queue = queues.get(node);
    if (queue == null || !response.isAck()) {
      return false;
    }
    Optional<NodeDeliveryQueue.Acked> acked = queue.acknowledge(response.header().parentId());
    acked.ifPresent(a -> {
      boolean deleted = Operations.DELETE.equals(a.message().route().operation());
      ledger.acknowledged(node, a.ref(), a.message().header().resourceVersion(), deleted);
      send(sessions.get(node).filter(NodeSession::isOpen), queue.due(clock.instant(), true));
    });
    return acked.isPresent();
  }

  /** Messages for {@code node} not yet acknowledged (waiting or in flight). */
  public int pending(String node) {
    NodeDeliveryQueue queue = queues.get(node);
    return queue == null ? 0 : queue.pending();
  }

  @Override
  public void onConnected(NodeSession session) {
    NodeDeliveryQueue queue = queues.get(session.nodeId());
    if (queue != null) {
      List<NodeDeliveryQueue.Send> resend = queue.reconnected(clock.instant());
      if (!resend.isEmpty()) {
        log.info(
            "node {} reconnected: resending {} unacknowledged messages",
            session.nodeId(),
            resend.size());
      }
      send(Optional.of(session), resend);
    }
  }

  @Override
  public void onDisconnected(NodeSession session) {
    // queues keep their messages; reconnected() resends them
  }

  private NodeDeliveryQueue queue(String node) {
    return queues.computeIfAbsent(node, n -> new NodeDeliveryQueue(window, retryAfter));
  }

  private void retryDue() {
    try {
      for (Map.Entry<String, NodeDeliveryQueue> e : queues.entrySet()) {
        Optional<NodeSession> session = sessions.get(e.getKey()).filter(NodeSession::isOpen);
        send(session, e.getValue().due(clock.instant(), session.isPresent()));
      }
    } catch (RuntimeException e) {
      log.error("retry pass failed", e);
    }
  }

  private void send(Optional<NodeSession> session, List<NodeDeliveryQueue.Send> sends) {
    if (session.isEmpty()) {
      return;
    }
    for (NodeDeliveryQueue.Send s : sends) {
      session.get().send(s.message()); // a failed write is retried by the timer
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
