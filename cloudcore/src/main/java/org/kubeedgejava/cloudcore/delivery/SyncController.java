package org.kubeedgejava.cloudcore.delivery;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.math.BigInteger;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.kubeedgejava.cloudcore.cloudhub.NodeSession;
import org.kubeedgejava.cloudcore.cloudhub.SessionListener;
import org.kubeedgejava.wire.Operations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resync after a reconnect (KubeEdge's SyncController, done on connect rather than by polling): for
 * every object the node has acknowledged according to the {@link AckLedger}, compares the
 * acknowledged version with the live object and delivers exactly what changed — an update when the
 * live version is newer, a delete when the object is gone or was replaced (other UID). Objects the
 * node never acknowledged are the controllers' to send (their informers list them on start).
 *
 * <p>Runs on a virtual thread per reconnect; never on the event loop.
 */
public final class SyncController implements SessionListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SyncController.class);
  static final String SOURCE = "synccontroller";

  private final AckLedger ledger;
  private final LiveObjects live;
  private final ReliableDelivery delivery;
  private final Clock clock;
  private final ExecutorService work =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("synccontroller-", 0).factory());

  public SyncController(
      AckLedger ledger, LiveObjects live, ReliableDelivery delivery, Clock clock) {
    this.ledger = ledger;
    this.live = live;
    this.delivery = delivery;
    this.clock = clock;
  }

  @Override
  public void onConnected(NodeSession session) {
    work.execute(() -> resync(session.nodeId()));
  }

  @Override
  public void onDisconnected(NodeSession session) {}

  /** Delivers to {@code node} what changed since it last acknowledged; returns how many. */
  public int resync(String node) {
    int sent = 0;
    try {
      for (AckLedger.Entry entry : ledger.entries(node)) {
        Optional<HasMetadata> current = live.get(entry.ref());
        boolean replaced =
            current.isPresent()
                && !entry.ref().uid().isEmpty()
                && !entry.ref().uid().equals(current.get().getMetadata().getUid());
        if (current.isEmpty() || replaced) {
          delivery.deliver(
              node, entry.ref(), ObjectMessages.deletion(clock, SOURCE, node, entry.ref()));
          sent++;
        } else if (newer(
            current.get().getMetadata().getResourceVersion(), entry.resourceVersion())) {
          delivery.deliver(
              node,
              entry.ref(),
              ObjectMessages.forObject(clock, SOURCE, node, Operations.UPDATE, current.get()));
          sent++;
        }
      }
      if (sent > 0) {
        log.info("resync of node {}: {} objects changed while it was away", node, sent);
      }
    } catch (RuntimeException e) {
      log.error("resync of node {} failed", node, e);
    }
    return sent;
  }

  static boolean newer(String live, String acked) {
    try {
      return new BigInteger(live).compareTo(new BigInteger(acked)) > 0;
    } catch (NumberFormatException | NullPointerException e) {
      return live != null && !live.equals(acked);
    }
  }

  @Override
  public void close() {
    work.shutdown();
  }
}
