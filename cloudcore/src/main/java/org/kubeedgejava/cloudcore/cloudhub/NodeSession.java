package org.kubeedgejava.cloudcore.cloudhub;

import io.netty.channel.Channel;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.kubeedgejava.wire.Message;
import org.kubeedgejava.wire.ResourcePath;

/**
 * One edge node's open tunnel. Identity comes from the verified client certificate, never from the
 * message content. {@link #send} may be called from any thread.
 */
public final class NodeSession {
  private final String nodeId;
  private final String projectId;
  private final Channel channel;
  private final Instant connectedAt;
  private final Executor upstream;

  NodeSession(
      String nodeId, String projectId, Channel channel, Instant connectedAt, Executor upstream) {
    this.nodeId = nodeId;
    this.projectId = projectId;
    this.channel = channel;
    this.connectedAt = connectedAt;
    this.upstream = upstream;
  }

  public String nodeId() {
    return nodeId;
  }

  public String projectId() {
    return projectId;
  }

  public Instant connectedAt() {
    return connectedAt;
  }

  public boolean isOpen() {
    return channel.isActive();
  }

  /**
   * Writes a message to the edge. A resource in cloud form ({@code node/<node>/...}) is trimmed to
   * what the edge expects. Completes when the frame is flushed to the socket; fails if the
   * connection is gone.
   */
  public CompletableFuture<Void> send(Message message) {
    Message onWire =
        message.withRoute(
            message.route().withResource(ResourcePath.toEdge(message.route().resource())));
    CompletableFuture<Void> done = new CompletableFuture<>();
    channel
        .writeAndFlush(onWire)
        .addListener(f -> {
          if (f.isSuccess()) {
            done.complete(null);
          } else {
            done.completeExceptionally(f.cause());
          }
        });
    return done;
  }

  /** Closes the tunnel with a websocket close frame saying why. */
  public void close(WebSocketCloseStatus status, String reason) {
    if (channel.isActive()) {
      channel
          .writeAndFlush(new CloseWebSocketFrame(status.code(), reason))
          .addListener(f -> channel.close());
    }
  }

  Channel channel() {
    return channel;
  }

  Executor upstream() {
    return upstream;
  }

  @Override
  public String toString() {
    return "NodeSession[" + nodeId + " from " + channel.remoteAddress() + "]";
  }
}
