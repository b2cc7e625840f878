package org.kubeedgejava.edgecore.metamanager;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.kubeedgejava.wire.MalformedMessageException;
import org.kubeedgejava.wire.Message;
import org.kubeedgejava.wire.MessageCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Messages for the cloud (node and pod status, ...) wait here, durably, until the tunnel has taken
 * them: nothing reported while offline is lost, and only the newest status per object is kept.
 * {@link #flush} sends in order and stops at the first failure; call it on connect and after each
 * {@link #submit}.
 *
 * <p>Thread-safe: flushes are serialized.
 */
public final class UpstreamOutbox {
  private static final Logger log = LoggerFactory.getLogger(UpstreamOutbox.class);

  private final MetaStore store;
  private final MessageCodec codec;
  private final Function<Message, CompletableFuture<Void>> send;

  public UpstreamOutbox(
      MetaStore store, MessageCodec codec, Function<Message, CompletableFuture<Void>> send) {
    this.store = store;
    this.codec = codec;
    this.send = send;
  }

  /**
   * Queues {@code message}, replacing a waiting one with the same {@code coalesceKey} (nullable).
   */
  public void submit(Message message, String coalesceKey) {
    store.enqueueUpstream(coalesceKey, codec.encodeToString(message));
  }

  /** Sends what waits, oldest first; returns how many were sent. */
  public synchronized int flush() {
    int sent = 0;
    while (true) {
      List<MetaStore.OutboxEntry> batch = store.pendingUpstream(64);
      if (batch.isEmpty()) {
        return sent;
      }
      for (MetaStore.OutboxEntry entry : batch) {
        Message message;
        try {
          message = codec.decode(entry.message());
        } catch (MalformedMessageException e) {
          log.error("dropping an unreadable outbox entry {}: {}", entry.seq(), e.getMessage());
          store.removeUpstream(entry.seq());
          continue;
        }
        try {
          send.apply(message).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
          log.debug("outbox flush stopped, {} waiting: {}", batch.size(), e.getMessage());
          return sent;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return sent;
        }
        store.removeUpstream(entry.seq());
        sent++;
      }
    }
  }
}
