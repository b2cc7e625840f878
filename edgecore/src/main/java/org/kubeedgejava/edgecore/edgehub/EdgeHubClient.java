package org.kubeedgejava.edgecore.edgehub;

import com.fasterxml.jackson.databind.node.TextNode;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler.ClientHandshakeStateEvent;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.kubeedgejava.transport.EventLoops;
import org.kubeedgejava.transport.MessageFrameHandler;
import org.kubeedgejava.transport.TlsContexts;
import org.kubeedgejava.transport.TlsIdentity;
import org.kubeedgejava.wire.MalformedMessageException;
import org.kubeedgejava.wire.Message;
import org.kubeedgejava.wire.MessageCodec;
import org.kubeedgejava.wire.Operations;
import org.kubeedgejava.wire.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * EdgeHub's tunnel client: dials {@code wss://<cloudcore>/<project>/<node>/events} with the headers
 * {@code node_id}, {@code project_id} and {@code ConnectionUse: msg}, presenting the node
 * certificate; sends a keepalive every heartbeat; treats three silent heartbeats as a dead tunnel;
 * reconnects with capped exponential back-off and full jitter, forever, until closed.
 *
 * <p>Threading: one event-loop thread owns the connection and all of this class's mutable state
 * (the state machine below). {@link #send} and {@link #reconnectNow} may be called from any thread.
 * The {@link Listener} is called on one virtual thread at a time, in order: connection events and
 * messages from the cloud never overtake each other.
 */
public final class EdgeHubClient implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EdgeHubClient.class);

  /** After staying up this long, a connection resets the back-off. */
  static final Duration STABLE_AFTER = Duration.ofSeconds(30);

  /** What the rest of edgecore hears from the hub. */
  public interface Listener {
    default void onConnected() {}

    default void onDisconnected() {}

    /**
     * cloudcore was reached but the connection closed before the websocket handshake completed: the
     * TLS handshake or the upgrade was refused (e.g. an expired node certificate). EdgeHub keeps
     * dialling either way.
     */
    default void onNotAdmitted() {}

    /** A message from the cloud. The resource is in edge form ({@code <ns>/<type>/<name>}). */
    void onMessage(Message message);
  }

  private final EdgeHubSettings settings;
  private final Supplier<TlsIdentity> identity;
  private final Listener listener;
  private final Backoff backoff;
  private final Clock clock;
  private final Counter reconnects;
  private final MessageCodec codec;
  private final EventLoopGroup ownGroup; // null when the group is shared (simulated fleets)
  private final EventLoop loop;
  private final ExecutorService listenerThread;
  private final java.util.Map<String, CompletableFuture<Message>> pendingRequests =
      new java.util.concurrent.ConcurrentHashMap<>();

  // only touched on `loop`
  private Channel channel;
  private volatile boolean connected; // written on `loop`, read anywhere
  private boolean closed;
  private boolean reached; // the current dial got a TCP connection
  private int attempt;
  private Instant connectedAt;
  private ScheduledFuture<?> heartbeat;
  private ScheduledFuture<?> pendingRetry;
  private SslContext sslContext;
  private TlsIdentity sslIdentity;

  public EdgeHubClient(
      EdgeHubSettings settings,
      Supplier<TlsIdentity> identity,
      Listener listener,
      Backoff backoff,
      Clock clock,
      PrometheusRegistry registry) {
    this(settings, identity, listener, backoff, clock, reconnectCounter(registry), null);
  }

  /**
   * A client on a shared event-loop group, counting reconnects in a shared counter: how a benchmark
   * runs thousands of simulated edge nodes in one JVM. The group is not closed with the client.
   */
  public EdgeHubClient(
      EdgeHubSettings settings,
      Supplier<TlsIdentity> identity,
      Listener listener,
      Backoff backoff,
      Clock clock,
      Counter reconnects,
      EventLoopGroup sharedGroup) {
    this.settings = settings;
    this.identity = identity;
    this.listener = listener;
    this.backoff = backoff;
    this.clock = clock;
    this.reconnects = reconnects;
    this.codec = new MessageCodec(settings.maxFrameBytes());
    this.ownGroup = sharedGroup == null ? EventLoops.newGroup("edgehub-io", 1) : null;
    this.loop = (sharedGroup == null ? ownGroup : sharedGroup).next();
    this.listenerThread =
        Executors.newSingleThreadExecutor(Thread.ofVirtual().name("edgehub-listener").factory());
  }

  /** The {@code edgehub_reconnect_total} counter, registered in {@code registry}. */
  public static Counter reconnectCounter(PrometheusRegistry registry) {
    return Counter.builder()
        .name("edgehub_reconnect_total")
        .help("Times EdgeHub lost or failed to open its tunnel and dialled again")
        .register(registry);
  }

  /** Starts dialling; returns at once. */
  public void start() {
    loop.execute(this::connect);
  }

  public boolean isConnected() {
    return connected;
  }

  /** Reconnect counts so far (also exported as {@code edgehub_reconnect_total}). */
  public double reconnectCount() {
    return reconnects.get();
  }

  /**
   * Sends a message to the cloud. Completes once it is flushed to the socket; fails at once when
   * the tunnel is down, so the caller (an outbox) keeps it for later.
   */
  public CompletableFuture<Void> send(Message message) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    loop.execute(() -> {
      if (!connected || channel == null) {
        done.completeExceptionally(new IllegalStateException("tunnel to cloudcore is down"));
        return;
      }
      channel
          .writeAndFlush(message)
          .addListener(f -> {
            if (f.isSuccess()) {
              done.complete(null);
            } else {
              done.completeExceptionally(f.cause());
            }
          });
    });
    return done;
  }

  /**
   * Sends a request and completes with the cloud's answer (the message whose {@code parent_msg_id}
   * is the request's id), or fails after {@code timeout} or when the tunnel is down.
   */
  public CompletableFuture<Message> request(Message message, Duration timeout) {
    CompletableFuture<Message> answer = new CompletableFuture<>();
    String id = message.header().id();
    pendingRequests.put(id, answer);
    answer.whenComplete((m, e) -> pendingRequests.remove(id));
    loop.schedule(
        () ->
            answer.completeExceptionally(
                new java.util.concurrent.TimeoutException(
                    "no answer to " + id + " within " + timeout)),
        timeout.toMillis(),
        TimeUnit.MILLISECONDS);
    send(message)
        .whenComplete((ok, e) -> {
          if (e != null) {
            answer.completeExceptionally(e);
          }
        });
    return answer;
  }

  /** Drops the current connection and dials again at once, e.g. after a certificate rotation. */
  public void reconnectNow() {
    loop.execute(() -> {
      attempt = 0;
      if (channel != null) {
        channel.close();
      } else if (pendingRetry != null) {
        pendingRetry.cancel(false);
        connect();
      }
    });
  }

  private void connect() {
    if (closed) {
      return;
    }
    pendingRetry = null;
    SslContext ssl;
    try {
      TlsIdentity id = identity.get();
      // one context per identity: its session cache lets a reconnect resume the TLS session
      // instead of a full handshake; a rotated certificate gets a fresh context
      if (sslContext == null || !id.equals(sslIdentity)) {
        sslContext = TlsContexts.client(id.key(), id.certificate(), id.ca());
        sslIdentity = id;
      }
      ssl = sslContext;
    } catch (Exception e) {
      log.warn("cannot load the node certificate: {}; retrying", e.getMessage());
      scheduleRetry();
      return;
    }
    Bootstrap bootstrap =
        new Bootstrap()
            .group(loop)
            .channel(EventLoops.clientChannel())
            .option(
                ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) settings.handshakeTimeout().toMillis())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.SO_KEEPALIVE, true)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel ch) {
                    configure(ch.pipeline(), ssl);
                  }
                });
    reached = false;
    ChannelFuture dial = bootstrap.connect(settings.host(), settings.port());
    channel = dial.channel();
    Channel mine = channel;
    dial.addListener(f -> {
      if (f.isSuccess()) {
        reached = mine == channel;
      } else {
        log.warn(
            "cannot reach cloudcore at {}:{}: {}",
            settings.host(),
            settings.port(),
            f.cause().getMessage());
      }
    });
    mine.closeFuture().addListener(f -> onClosed(mine));
  }

  private void configure(ChannelPipeline p, SslContext ssl) {
    HttpHeaders headers = new DefaultHttpHeaders();
    headers.set("node_id", settings.nodeName());
    headers.set("project_id", settings.projectId());
    headers.set("ConnectionUse", "msg");
    WebSocketClientProtocolConfig ws =
        WebSocketClientProtocolConfig.newBuilder()
            .webSocketUri(URI.create(settings.url()))
            .version(WebSocketVersion.V13)
            .customHeaders(headers)
            .maxFramePayloadLength(settings.maxFrameBytes())
            .handshakeTimeoutMillis(settings.handshakeTimeout().toMillis())
            .dropPongFrames(true)
            .build();
    SslHandler tls = ssl.newHandler(p.channel().alloc(), settings.host(), settings.port());
    tls.setHandshakeTimeoutMillis(settings.handshakeTimeout().toMillis());
    ConnectionHandler connection = new ConnectionHandler();
    p.addLast("tls", tls);
    p.addLast(
        "idle",
        new IdleStateHandler(settings.heartbeat().toMillis() * 3, 0, 0, TimeUnit.MILLISECONDS));
    p.addLast("http", new HttpClientCodec());
    p.addLast("upgrade-response", new HttpObjectAggregator(16 * 1024));
    p.addLast("websocket", new WebSocketClientProtocolHandler(ws));
    p.addLast("fragments", new WebSocketFrameAggregator(settings.maxFrameBytes()));
    p.addLast("messages", new MessageFrameHandler(codec, connection));
    p.addLast("connection", connection);
  }

  private void onConnected(Channel ch) {
    connected = true;
    connectedAt = clock.instant();
    log.info("connected to cloudcore at {} as node {}", settings.url(), settings.nodeName());
    heartbeat =
        ch.eventLoop()
            .scheduleAtFixedRate(
                () -> sendKeepalive(ch), 0, settings.heartbeat().toMillis(), TimeUnit.MILLISECONDS);
    listenerThread.execute(listener::onConnected);
  }

  private void sendKeepalive(Channel ch) {
    if (!ch.isActive()) {
      return;
    }
    ch.write(
        Message.create(
            clock,
            new Route("websocket", "", "resource", Operations.KEEPALIVE, "node"),
            TextNode.valueOf("ping")));
    ch.writeAndFlush(new PingWebSocketFrame()); // the cloud's pong proves the path back works too
  }

  private void onClosed(Channel ch) {
    if (ch != channel) {
      return;
    }
    channel = null;
    if (heartbeat != null) {
      heartbeat.cancel(false);
      heartbeat = null;
    }
    boolean wasConnected = connected;
    connected = false;
    if (wasConnected) {
      Duration up = Duration.between(connectedAt, clock.instant());
      if (up.compareTo(STABLE_AFTER) >= 0) {
        attempt = 0;
      }
      log.warn("tunnel to cloudcore closed after {} s", up.toSeconds());
      listenerThread.execute(listener::onDisconnected);
    } else if (reached) {
      listenerThread.execute(listener::onNotAdmitted);
    }
    if (!closed) {
      scheduleRetry();
    }
  }

  private void scheduleRetry() {
    Duration wait = backoff.delay(attempt);
    attempt++;
    reconnects.inc();
    log.info(
        "reconnecting to cloudcore in {} ms (attempt {}, ceiling {} s)",
        wait.toMillis(),
        attempt,
        backoff.ceiling(attempt - 1).toSeconds());
    pendingRetry = loop.schedule(this::connect, wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() {
    loop.execute(() -> {
      closed = true;
      if (pendingRetry != null) {
        pendingRetry.cancel(false);
      }
      if (channel != null) {
        channel.close();
      }
    });
    if (ownGroup != null) {
      ownGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
    listenerThread.shutdown();
  }

  /** Per-connection events, on the event loop. */
  private final class ConnectionHandler extends ChannelInboundHandlerAdapter
      implements MessageFrameHandler.Listener {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (event == ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
        onConnected(ctx.channel());
      } else if (event instanceof IdleStateEvent) {
        log.warn("nothing from cloudcore for {} heartbeats; the tunnel is dead, closing it", 3);
        ctx.close();
      } else {
        super.userEventTriggered(ctx, event);
      }
    }

    @Override
    public void onMessage(Channel ch, Message message) {
      CompletableFuture<Message> waiting =
          message.header().isResponse() ? pendingRequests.get(message.header().parentId()) : null;
      if (waiting != null) {
        listenerThread.execute(() -> waiting.complete(message));
        return;
      }
      listenerThread.execute(() -> listener.onMessage(message));
    }

    @Override
    public void onBadFrame(Channel ch, MalformedMessageException error) {
      log.warn("cloudcore sent a bad frame ({}): {}", error.reason().label(), error.getMessage());
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.warn("tunnel error: {}", cause.toString());
      ctx.close();
    }
  }
}
