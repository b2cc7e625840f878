package org.kubeedgejava.cloudcore.cloudhub;

import org.kubeedgejava.wire.Message;

/**
 * Receives what edge nodes send up, other than keepalives. Called on the node's serial executor:
 * one message of a node at a time, in the order they arrived; messages of different nodes may run
 * concurrently. The resource is already in cloud form ({@code node/<node>/...}).
 */
@FunctionalInterface
public interface UpstreamHandler {
  void onMessage(NodeSession session, Message message);
}
