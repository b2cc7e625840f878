package org.kubeedgejava.cloudcore.cloudhub;

/** Told when a node's tunnel comes up or goes down. Runs on an event loop: must not block. */
public interface SessionListener {
  void onConnected(NodeSession session);

  void onDisconnected(NodeSession session);
}
