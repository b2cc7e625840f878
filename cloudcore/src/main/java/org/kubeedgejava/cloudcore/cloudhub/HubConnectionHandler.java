package org.kubeedgejava.cloudcore.cloudhub;

import com.fasterxml.jackson.databind.node.TextNode;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler.HandshakeComplete;
import io.netty.handler.timeout.IdleStateEvent;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.Executor;
import org.kubeedgejava.cloudcore.cloudhub.CloudHubMetrics.Rejection;
import org.kubeedgejava.transport.MessageFrameHandler;
import org.kubeedgejava.wire.MalformedMessageException;
import org.kubeedgejava.wire.Message;
import org.kubeedgejava.wire.Operations;
import org.kubeedgejava.wire.ResourcePath;
import org.kubeedgejava.wire.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-connection end of the hub, after the websocket handshake: registers the node's session,
 * hands its messages upstream, answers bad frames, and drops the session when the node goes silent
 * for the keepalive timeout (a half-open TCP connection is noticed in that time, not in minutes).
 * One instance per channel; runs on that channel's event loop.
 */
final class HubConnectionHandler extends ChannelInboundHandlerAdapter
    implements MessageFrameHandler.Listener {
  private static final Logger log = LoggerFactory.getLogger(HubConnectionHandler.class);

  /** A node sending this many bad frames in a row is cut off. */
  static final int MAX_CONSECUTIVE_BAD_FRAMES = 10;

  /** Sources only cloud modules use: an edge claiming one is not believed. */
  private static final Set<String> CLOUD_SOURCES =
      Set.of("cloudhub", "edgecontroller", "devicecontroller", "synccontroller", "cloudstream");

  private final SessionRegistry registry;
  private final CloudHubMetrics metrics;
  private final UpstreamHandler upstream;
  private final Executor upstreamPool;
  private final Clock clock;
  private NodeSession session; // only touched on the event loop
  private int consecutiveBadFrames; // only touched on the event loop

  HubConnectionHandler(
      SessionRegistry registry,
      CloudHubMetrics metrics,
      UpstreamHandler upstream,
      Executor upstreamPool,
      Clock clock) {
    this.registry = registry;
    this.metrics = metrics;
    this.upstream = upstream;
    this.upstreamPool = upstreamPool;
    this.clock = clock;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof HandshakeComplete) {
      Channel ch = ctx.channel();
      String nodeId = ch.attr(NodeHandshakeHandler.NODE_ID).get();
      session =
          new NodeSession(
              nodeId,
              ch.attr(NodeHandshakeHandler.PROJECT_ID).get(),
              ch,
              clock.instant(),
              new SerialExecutor(upstreamPool));
      registry.register(session);
      log.info("node {} connected from {}", nodeId, ch.remoteAddress());
    } else if (event instanceof IdleStateEvent) {
      metrics.rejected(Rejection.KEEPALIVE_TIMEOUT);
      log.warn(
          "node {} ({}) sent nothing within the keepalive timeout; dropping its session",
          session == null ? "?" : session.nodeId(),
          ctx.channel().remoteAddress());
      ctx.close();
    } else {
      super.userEventTriggered(ctx, event);
    }
  }

  @Override
  public void onMessage(Channel channel, Message message) {
    consecutiveBadFrames = 0;
    if (session == null) {
      return; // cannot happen: frames follow the handshake
    }
    String op = message.route().operation();
    if (Operations.KEEPALIVE.equals(op)) {
      return; // reading it already reset the idle timer
    }
    // an answer keeps the source of the message it answers (KubeEdge's NewRespByMessage), so a
    // response may name a cloud module; anything else claiming one is not believed
    if (!Operations.RESPONSE.equals(op) && CLOUD_SOURCES.contains(message.route().source())) {
      metrics.badFrame("spoofed_source");
      log.warn(
          "node {} sent a message claiming cloud source {}; dropped",
          session.nodeId(),
          message.route().source());
      return;
    }
    Message cloudForm =
        message.withRoute(
            message
                .route()
                .withResource(ResourcePath.fromEdge(session.nodeId(), message.route().resource())));
    NodeSession current = session;
    current.upstream().execute(() -> upstream.onMessage(current, cloudForm));
  }

  @Override
  public void onBadFrame(Channel channel, MalformedMessageException error) {
    metrics.badFrame(error.reason().label());
    String node = session == null ? "?" : session.nodeId();
    log.warn("node {} sent a bad frame ({}): {}", node, error.reason().label(), error.getMessage());
    if (++consecutiveBadFrames >= MAX_CONSECUTIVE_BAD_FRAMES) {
      log.warn("node {} sent {} bad frames in a row; closing", node, consecutiveBadFrames);
      channel
          .writeAndFlush(
              new CloseWebSocketFrame(
                  WebSocketCloseStatus.POLICY_VIOLATION, "too many malformed messages"))
          .addListener(f -> channel.close());
      return;
    }
    Message reply =
        Message.create(
            clock,
            new Route("cloudhub", "", "", Operations.ERROR, ""),
            TextNode.valueOf(
                "malformed message (" + error.reason().label() + "): " + error.getMessage()));
    channel.writeAndFlush(reply);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (session != null && registry.unregister(session)) {
      log.info("node {} disconnected", session.nodeId());
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    String node = session == null ? "?" : session.nodeId();
    if (cause instanceof CorruptedWebSocketFrameException corrupted) {
      String reason =
          corrupted.closeStatus() == WebSocketCloseStatus.MESSAGE_TOO_BIG
              ? "oversized"
              : "corrupted_frame";
      metrics.badFrame(reason);
      log.warn("node {}: {}; closing with {}", node, cause.getMessage(), corrupted.closeStatus());
      // the protocol handler has already sent the close frame
    } else {
      log.warn("node {}: connection error: {}", node, NodeHandshakeHandler.rootMessage(cause));
    }
    ctx.close();
  }
}
