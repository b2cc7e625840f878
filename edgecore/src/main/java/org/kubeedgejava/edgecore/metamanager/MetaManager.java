package org.kubeedgejava.edgecore.metamanager;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.kubeedgejava.wire.Message;
import org.kubeedgejava.wire.Operations;
import org.kubeedgejava.wire.ResourcePath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 4 of the message flow: an object message from the cloud is committed to the {@link
 * MetaStore} and only then acknowledged ({@code response}/{@code "OK"}, {@code parent_msg_id} = the
 * message's id). A message older than what the store holds is acknowledged without effect; a
 * message that cannot be stored (full disk) is not acknowledged, so the cloud sends it again.
 * Listeners (Edged, DeviceTwin) hear of each applied change after the commit.
 *
 * <p>Threading: called on EdgeHub's listener thread, one message at a time.
 */
public final class MetaManager {
  private static final Logger log = LoggerFactory.getLogger(MetaManager.class);

  /** A committed change. {@code object} is null for deletes. */
  public record Change(ResourcePath path, String operation, JsonNode object) {}

  private final MetaStore store;
  private final Consumer<Message> toCloud;
  private final Clock clock;
  private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();

  /**
   * @param toCloud sends an acknowledgement up the live tunnel; may fail silently (the cloud
   *     retries)
   */
  public MetaManager(MetaStore store, Consumer<Message> toCloud, Clock clock) {
    this.store = store;
    this.toCloud = toCloud;
    this.clock = clock;
  }

  public void addListener(Consumer<Change> listener) {
    listeners.add(listener);
  }

  public MetaStore store() {
    return store;
  }

  /** Handles one downstream message; returns whether it was acknowledged. */
  public boolean onCloudMessage(Message message) {
    String op = message.route().operation();
    boolean delete = Operations.DELETE.equals(op);
    if (!delete
        && !Operations.INSERT.equals(op)
        && !Operations.UPDATE.equals(op)
        && !Operations.PATCH.equals(op)) {
      log.debug("metamanager ignores {} on {}", op, message.route().resource());
      return false;
    }
    Optional<ResourcePath> path = ResourcePath.parse(message.route().resource());
    if (path.isEmpty() || path.get().name().isEmpty()) {
      log.warn(
          "cannot store message {}: resource '{}' is not <namespace>/<type>/<name>",
          message.header().id(),
          message.route().resource());
      return false;
    }
    String resourceVersion = message.header().resourceVersion();
    if (resourceVersion.isEmpty()) {
      resourceVersion = message.content().path("metadata").path("resourceVersion").asText("");
    }
    MetaStore.Outcome outcome;
    try {
      outcome =
          store.apply(
              path.get().toString(),
              path.get().type(),
              delete,
              delete ? null : message.content().toString(),
              resourceVersion);
    } catch (MetaStoreException e) {
      log.error("not acknowledging {} {}: {}", op, path.get(), e.getMessage());
      return false;
    }
    toCloud.accept(Message.ack(clock, message));
    if (outcome == MetaStore.Outcome.APPLIED) {
      Change change = new Change(path.get(), op, delete ? null : message.content());
      for (Consumer<Change> l : listeners) {
        try {
          l.accept(change);
        } catch (RuntimeException e) {
          log.error("listener failed on {} {}", op, path.get(), e);
        }
      }
    } else {
      log.debug(
          "{} {} at version {} is stale; acknowledged without effect",
          op,
          path.get(),
          resourceVersion);
    }
    return true;
  }
}
