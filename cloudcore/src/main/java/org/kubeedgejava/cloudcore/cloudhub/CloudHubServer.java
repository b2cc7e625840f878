package org.kubeedgejava.cloudcore.cloudhub;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.kubeedgejava.transport.EventLoops;
import org.kubeedgejava.transport.MessageFrameHandler;
import org.kubeedgejava.transport.TlsContexts;
import org.kubeedgejava.transport.TlsIdentity;
import org.kubeedgejava.wire.MessageCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The websocket hub on port 10000: mutual TLS against the KubeEdge CA, one session per node.
 *
 * <p>Pipeline per connection: TLS (client certificate required) → idle timer (keepalive timeout) →
 * HTTP → {@link NodeHandshakeHandler} (node identity) → websocket protocol (frame limit) → fragment
 * aggregation → {@link MessageFrameHandler} (codec) → {@link HubConnectionHandler} (session).
 * Threads: one acceptor thread, {@code ioThreads} event loops owning the connections, and virtual
 * threads for upstream work (per node, in order).
 */
public final class CloudHubServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CloudHubServer.class);

  private final CloudHubSettings settings;
  private final SslContext sslContext;
  private final SessionRegistry registry;
  private final CloudHubMetrics metrics;
  private final UpstreamHandler upstream;
  private final Clock clock;
  private final MessageCodec codec;
  private final EventLoopGroup boss;
  private final EventLoopGroup workers;
  private final ExecutorService upstreamPool;
  private Channel serverChannel;

  public CloudHubServer(
      CloudHubSettings settings,
      TlsIdentity identity,
      SessionRegistry registry,
      CloudHubMetrics metrics,
      UpstreamHandler upstream,
      Clock clock,
      int ioThreads)
      throws SSLException {
    this.settings = settings;
    this.sslContext =
        TlsContexts.server(
            identity.key(), identity.certificate(), identity.ca(), ClientAuth.REQUIRE);
    this.registry = registry;
    this.metrics = metrics;
    this.upstream = upstream;
    this.clock = clock;
    this.codec = new MessageCodec(settings.maxFrameBytes());
    this.boss = EventLoops.newGroup("cloudhub-accept", 1);
    this.workers = EventLoops.newGroup("cloudhub-io", ioThreads);
    this.upstreamPool =
        Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("cloudhub-upstream-", 0).factory());
  }

  /** Binds and starts accepting; returns the bound address (the real port when 0 was asked). */
  public InetSocketAddress start() throws InterruptedException {
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(boss, workers)
            .channel(EventLoops.serverChannel())
            .option(ChannelOption.SO_BACKLOG, 4096)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.SO_KEEPALIVE, true)
            .childHandler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    configure(ch.pipeline());
                  }
                });
    serverChannel = bootstrap.bind(settings.bindAddress(), settings.port()).sync().channel();
    InetSocketAddress bound = (InetSocketAddress) serverChannel.localAddress();
    log.info(
        "CloudHub listening on wss://{}:{} ({} transport)",
        settings.bindAddress(),
        bound.getPort(),
        EventLoops.nativeTransport() ? "epoll" : "nio");
    return bound;
  }

  private void configure(ChannelPipeline p) {
    HubConnectionHandler connection =
        new HubConnectionHandler(registry, metrics, upstream, upstreamPool, clock);
    WebSocketServerProtocolConfig ws =
        WebSocketServerProtocolConfig.newBuilder()
            .websocketPath("/")
            .checkStartsWith(
                true) // the edge dials /<project>/<node>/events; the path carries nothing we trust
            .handshakeTimeoutMillis(10_000)
            .dropPongFrames(true)
            .decoderConfig(
                WebSocketDecoderConfig.newBuilder()
                    .maxFramePayloadLength(settings.maxFrameBytes())
                    .allowExtensions(false)
                    .closeOnProtocolViolation(true)
                    .build())
            .build();
    p.addLast("tls", sslContext.newHandler(p.channel().alloc()));
    p.addLast(
        "idle",
        new IdleStateHandler(settings.keepaliveTimeout().toMillis(), 0, 0, TimeUnit.MILLISECONDS));
    p.addLast("http", new HttpServerCodec(4096, 8192, 8192));
    p.addLast("upgrade-request", new HttpObjectAggregator(16 * 1024));
    p.addLast("node-identity", new NodeHandshakeHandler(metrics, registry));
    p.addLast("websocket", new WebSocketServerProtocolHandler(ws));
    p.addLast("fragments", new WebSocketFrameAggregator(settings.maxFrameBytes()));
    p.addLast("messages", new MessageFrameHandler(codec, connection));
    p.addLast("session", connection);
  }

  public SessionRegistry sessions() {
    return registry;
  }

  @Override
  public void close() {
    if (serverChannel != null) {
      serverChannel.close().syncUninterruptibly();
    }
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    upstreamPool.shutdown();
  }
}
