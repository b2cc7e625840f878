package org.kubeedgejava.cloudcore.cloudhub;

import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The open sessions, one per node. A new session for a node replaces the old one, which is closed:
 * an edge that reconnects before the cloud noticed its old connection died is never refused.
 * Thread-safe.
 */
public final class SessionRegistry {
  private static final Logger log = LoggerFactory.getLogger(SessionRegistry.class);

  private final ConcurrentMap<String, NodeSession> sessions = new ConcurrentHashMap<>();
  private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();
  private final int nodeLimit;

  public SessionRegistry(int nodeLimit) {
    this.nodeLimit = nodeLimit;
  }

  public void addListener(SessionListener listener) {
    listeners.add(listener);
  }

  public Optional<NodeSession> get(String nodeId) {
    return Optional.ofNullable(sessions.get(nodeId));
  }

  public Collection<NodeSession> all() {
    return List.copyOf(sessions.values());
  }

  public int size() {
    return sessions.size();
  }

  /** Whether a new node (not one replacing its own session) would exceed the limit. */
  boolean atLimitFor(String nodeId) {
    return sessions.size() >= nodeLimit && !sessions.containsKey(nodeId);
  }

  /** Adds {@code session}; closes and returns the session it replaced, if any. */
  Optional<NodeSession> register(NodeSession session) {
    NodeSession previous = sessions.put(session.nodeId(), session);
    if (previous != null) {
      log.info(
          "node {} reconnected from {}; closing its previous session",
          session.nodeId(),
          session.channel().remoteAddress());
      previous.close(WebSocketCloseStatus.NORMAL_CLOSURE, "replaced by a new connection");
      listeners.forEach(l -> l.onDisconnected(previous));
    }
    listeners.forEach(l -> l.onConnected(session));
    return Optional.ofNullable(previous);
  }

  /** Removes {@code session} if it is still the node's current one. */
  boolean unregister(NodeSession session) {
    boolean removed = sessions.remove(session.nodeId(), session);
    if (removed) {
      listeners.forEach(l -> l.onDisconnected(session));
    }
    return removed;
  }
}
