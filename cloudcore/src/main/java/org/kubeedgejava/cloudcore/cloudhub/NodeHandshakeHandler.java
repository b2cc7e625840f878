package org.kubeedgejava.cloudcore.cloudhub;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.kubeedgejava.cloudcore.cloudhub.CloudHubMetrics.Rejection;
import org.kubeedgejava.security.NodeIdentity;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits a websocket upgrade only from the node its certificate names: the request must carry
 * {@code node_id} and {@code ConnectionUse: msg}, and the TLS client certificate must be {@code
 * CN=system:node:<node_id>, O=system:nodes}. Anything else is answered with a 400 or 403 and the
 * connection closed, so no node can act as another. Also records failed TLS handshakes (foreign CA,
 * no certificate, garbage bytes). Removes itself once the request is admitted.
 */
final class NodeHandshakeHandler extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(NodeHandshakeHandler.class);

  static final AttributeKey<String> NODE_ID = AttributeKey.valueOf("kubeedge.nodeId");
  static final AttributeKey<String> PROJECT_ID = AttributeKey.valueOf("kubeedge.projectId");

  /** DNS-1123 subdomain, the rule for Kubernetes node names. */
  private static final Pattern NODE_NAME =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private final CloudHubMetrics metrics;
  private final SessionRegistry registry;

  NodeHandshakeHandler(CloudHubMetrics metrics, SessionRegistry registry) {
    this.metrics = metrics;
    this.registry = registry;
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
    if (event instanceof SslHandshakeCompletionEvent done && !done.isSuccess()) {
      metrics.rejected(Rejection.TLS_HANDSHAKE);
      log.warn(
          "TLS handshake with {} failed: {}",
          ctx.channel().remoteAddress(),
          rootMessage(done.cause()));
      ctx.close();
      return;
    }
    super.userEventTriggered(ctx, event);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof FullHttpRequest request)) {
      ctx.fireChannelRead(msg);
      return;
    }
    String nodeId = request.headers().get("node_id", "");
    String projectId = request.headers().get("project_id", "");
    String use = request.headers().get("ConnectionUse", "");
    String problem = null;
    Rejection rejection = Rejection.BAD_REQUEST;
    HttpResponseStatus status = HttpResponseStatus.BAD_REQUEST;
    if (nodeId.isEmpty()) {
      problem = "missing header node_id";
    } else if (nodeId.length() > 253 || !NODE_NAME.matcher(nodeId).matches()) {
      problem = "header node_id is not a valid node name";
    } else if (!"msg".equals(use)) {
      problem = "header ConnectionUse must be \"msg\", got \"" + use + "\"";
    } else {
      Optional<String> certified = certifiedNode(ctx);
      if (certified.isEmpty() || !certified.get().equals(nodeId)) {
        problem =
            "client certificate is for "
                + certified.map(n -> "node " + n).orElse("no node")
                + ", not node "
                + nodeId;
        rejection = Rejection.IDENTITY_MISMATCH;
        status = HttpResponseStatus.FORBIDDEN;
      } else if (registry.atLimitFor(nodeId)) {
        problem = "node limit reached";
        rejection = Rejection.NODE_LIMIT;
        status = HttpResponseStatus.SERVICE_UNAVAILABLE;
      }
    }
    if (problem != null) {
      request.release();
      metrics.rejected(rejection);
      log.warn(
          "refused connection from {} (node_id {}): {}",
          ctx.channel().remoteAddress(),
          nodeId,
          problem);
      FullHttpResponse response =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1,
              status,
              Unpooled.copiedBuffer(problem + "\n", StandardCharsets.UTF_8));
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.channel().attr(NODE_ID).set(nodeId);
    ctx.channel().attr(PROJECT_ID).set(projectId);
    ctx.pipeline().remove(this);
    ctx.fireChannelRead(request);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // TLS failures also arrive as a handshake event, counted there; this is the rest
    log.debug(
        "connection from {} failed before upgrade: {}",
        ctx.channel().remoteAddress(),
        rootMessage(cause));
    ctx.close();
  }

  private static Optional<String> certifiedNode(ChannelHandlerContext ctx) {
    SslHandler ssl = ctx.pipeline().get(SslHandler.class);
    if (ssl == null) {
      return Optional.empty();
    }
    try {
      Certificate[] chain = ssl.engine().getSession().getPeerCertificates();
      if (chain.length == 0 || !(chain[0] instanceof X509Certificate leaf)) {
        return Optional.empty();
      }
      return NodeIdentity.nodeNameOf(leaf);
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
  }

  static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}
