package org.kubeedgejava.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.List;
import org.kubeedgejava.wire.MalformedMessageException;
import org.kubeedgejava.wire.Message;
import org.kubeedgejava.wire.MessageCodec;

/**
 * Websocket frames to {@link Message}s and back: one JSON message per text (or binary) frame, as
 * KubeEdge's websocket lane writes them. Place it after a {@code WebSocketFrameAggregator}, so that
 * fragmented messages arrive whole.
 *
 * <p>Inbound messages go to the {@link Listener}; a frame that does not decode goes to {@link
 * Listener#onBadFrame} and nothing else happens: the connection stays up, and what the peer gets
 * back is the listener's policy. Outbound {@link Message}s are written as text frames.
 *
 * <p>Runs on the channel's event loop; one instance per channel.
 */
public final class MessageFrameHandler extends MessageToMessageCodec<WebSocketFrame, Message> {
  /** Receives what arrives on one channel, on that channel's event loop. Must not block. */
  public interface Listener {
    void onMessage(Channel channel, Message message);

    void onBadFrame(Channel channel, MalformedMessageException error);
  }

  private final MessageCodec codec;
  private final Listener listener;

  public MessageFrameHandler(MessageCodec codec, Listener listener) {
    super(WebSocketFrame.class, Message.class);
    this.codec = codec;
    this.listener = listener;
  }

  @Override
  protected void encode(ChannelHandlerContext ctx, Message message, List<Object> out) {
    out.add(new TextWebSocketFrame(Unpooled.wrappedBuffer(codec.encode(message))));
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, WebSocketFrame frame, List<Object> out) {
    if (!(frame instanceof TextWebSocketFrame) && !(frame instanceof BinaryWebSocketFrame)) {
      out.add(frame.retain()); // control frames belong to the protocol handler
      return;
    }
    ByteBuf content = frame.content();
    byte[] bytes;
    int offset;
    if (content.hasArray()) {
      bytes = content.array();
      offset = content.arrayOffset() + content.readerIndex();
    } else {
      bytes = ByteBufUtil.getBytes(content);
      offset = 0;
    }
    try {
      listener.onMessage(ctx.channel(), codec.decode(bytes, offset, content.readableBytes()));
    } catch (MalformedMessageException e) {
      listener.onBadFrame(ctx.channel(), e);
    }
  }
}
