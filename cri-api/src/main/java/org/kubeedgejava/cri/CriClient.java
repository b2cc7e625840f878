package org.kubeedgejava.cri;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.kubeedgejava.cri.v1.ImageServiceGrpc;
import org.kubeedgejava.cri.v1.RuntimeServiceGrpc;
import org.kubeedgejava.cri.v1.VersionRequest;
import org.kubeedgejava.cri.v1.VersionResponse;

/**
 * A client of a CRI v1 runtime (containerd, CRI-O) on a Unix domain socket, e.g. {@code
 * unix:///run/containerd/containerd.sock}.
 *
 * <p>It holds one gRPC channel on one epoll event-loop thread and hands out blocking stubs of
 * {@code runtime.v1.RuntimeService} ({@link #runtime()}) and {@code runtime.v1.ImageService}
 * ({@link #images()}). Every call gets its own deadline, {@link #callTimeout()} from the moment it
 * starts, unless the caller sets one on the stub ({@code client.images().withDeadlineAfter(10,
 * TimeUnit.MINUTES).pullImage(...)} for a slow pull). A call that fails because nothing listens on
 * the socket fails with {@link Status.Code#UNAVAILABLE} and a description that starts with {@code
 * "containerd is not running at <socket>"}.
 *
 * <p>Thread-safety: safe for concurrent use; the stubs are immutable and may be shared. {@link
 * #close()} may be called from any thread, more than once; calls started after it fail with {@code
 * UNAVAILABLE}.
 */
public final class CriClient implements AutoCloseable {

  /** containerd's default CRI endpoint. */
  public static final String DEFAULT_ENDPOINT = "unix:///run/containerd/containerd.sock";

  /** The deadline of each call unless one is given: the kubelet's default request timeout. */
  public static final Duration DEFAULT_CALL_TIMEOUT = Duration.ofMinutes(2);

  /** Largest response accepted; the kubelet's limit too (a big ListContainers can near it). */
  static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

  private static final String NOT_RUNNING = "containerd is not running at ";

  private final String endpoint;
  private final Path socket;
  private final Duration callTimeout;
  private final EventLoopGroup eventLoop;
  private final ManagedChannel channel;
  private final RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime;
  private final ImageServiceGrpc.ImageServiceBlockingStub images;
  private final AtomicBoolean closed = new AtomicBoolean();

  private CriClient(String endpoint, Path socket, Duration callTimeout) {
    this.endpoint = endpoint;
    this.socket = socket;
    this.callTimeout = callTimeout;
    this.eventLoop =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("cri-client", true), EpollIoHandler.newFactory());
    try {
      this.channel =
          NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
              .channelType(EpollDomainSocketChannel.class, DomainSocketAddress.class)
              .eventLoopGroup(eventLoop)
              .usePlaintext()
              // the authority is meaningless on a socket file; containerd ignores it
              .overrideAuthority("localhost")
              .maxInboundMessageSize(MAX_MESSAGE_BYTES)
              .intercept(new DeadlineAndDiagnosis(socket, callTimeout))
              .build();
    } catch (RuntimeException e) {
      eventLoop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
    this.runtime = RuntimeServiceGrpc.newBlockingStub(channel);
    this.images = ImageServiceGrpc.newBlockingStub(channel);
  }

  /** Connects to {@code endpoint} with {@link #DEFAULT_CALL_TIMEOUT}. */
  public static CriClient connect(String endpoint) {
    return connect(endpoint, DEFAULT_CALL_TIMEOUT);
  }

  /**
   * Connects to a runtime's socket. The connection itself is made on the first call.
   *
   * @param endpoint {@code unix:///absolute/path}
   * @param callTimeout the deadline of each call that has none of its own; positive
   * @throws IllegalArgumentException when the endpoint is not a {@code unix://} absolute path
   * @throws CriUnavailableException when no socket exists at the endpoint's path
   * @throws IllegalStateException when Netty's epoll transport cannot load (not Linux)
   */
  public static CriClient connect(String endpoint, Duration callTimeout) {
    Objects.requireNonNull(callTimeout, "callTimeout");
    if (callTimeout.isNegative() || callTimeout.isZero()) {
      throw new IllegalArgumentException("callTimeout must be positive, not " + callTimeout);
    }
    Path socket = socketPath(endpoint);
    requireSocket(socket);
    if (!Epoll.isAvailable()) {
      throw new IllegalStateException(
          "CriClient needs Netty's native epoll transport (Linux), which did not load",
          Epoll.unavailabilityCause());
    }
    return new CriClient(endpoint, socket, callTimeout);
  }

  /**
   * The socket path of a CRI endpoint.
   *
   * @param endpoint {@code unix:///absolute/path}
   * @throws IllegalArgumentException when it is anything else (TCP, a relative path, no path)
   */
  public static Path socketPath(String endpoint) {
    Objects.requireNonNull(endpoint, "endpoint");
    String expected = "; expected unix:///absolute/path/to/runtime.sock, e.g. " + DEFAULT_ENDPOINT;
    URI uri;
    try {
      uri = new URI(endpoint.strip());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "CRI endpoint '" + endpoint + "' is not a URI" + expected, e);
    }
    if (!"unix".equals(uri.getScheme())) {
      throw new IllegalArgumentException(
          "CRI endpoint '"
              + endpoint
              + "' is not a Unix socket: only unix:// endpoints are supported"
              + expected);
    }
    String path = uri.getPath();
    if (uri.getRawAuthority() != null
        || path == null
        || !path.startsWith("/")
        || path.equals("/")) {
      throw new IllegalArgumentException(
          "CRI endpoint '" + endpoint + "' has no absolute socket path" + expected);
    }
    return Path.of(path).normalize();
  }

  private static void requireSocket(Path socket) {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(socket, BasicFileAttributes.class); // follows links
    } catch (IOException e) {
      throw new CriUnavailableException(
          socket, NOT_RUNNING + socket + ": the socket does not exist");
    }
    if (!attributes.isOther()) {
      throw new CriUnavailableException(
          socket, NOT_RUNNING + socket + ": that path is not a Unix socket");
    }
  }

  /** RuntimeService (pods, containers, exec); each call gets the default deadline. */
  public RuntimeServiceGrpc.RuntimeServiceBlockingStub runtime() {
    return runtime;
  }

  /** ImageService (list, status, pull, remove); each call gets the default deadline. */
  public ImageServiceGrpc.ImageServiceBlockingStub images() {
    return images;
  }

  /** The runtime's name and versions, asking as a CRI {@code v1} client. */
  public VersionResponse version() {
    return runtime.version(VersionRequest.newBuilder().setVersion("v1").build());
  }

  /** The endpoint as given. */
  public String endpoint() {
    return endpoint;
  }

  /** The socket the endpoint names. */
  public Path socket() {
    return socket;
  }

  /** The deadline of each call that sets none. */
  public Duration callTimeout() {
    return callTimeout;
  }

  /** Ends the channel (in-flight calls are cancelled) and its event-loop thread; idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    channel.shutdownNow();
    try {
      channel.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      eventLoop.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5_000);
    }
  }

  @Override
  public String toString() {
    return "CriClient[" + endpoint + "]";
  }

  /**
   * Gives each call the client's deadline unless it has one, and says plainly that the runtime is
   * not running when a call finds nobody at the socket. Stateless.
   */
  private static final class DeadlineAndDiagnosis implements ClientInterceptor {
    private final Path socket;
    private final long timeoutNanos;

    DeadlineAndDiagnosis(Path socket, Duration timeout) {
      this.socket = socket;
      this.timeoutNanos = timeout.toNanos();
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(
        MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      CallOptions withDeadline =
          options.getDeadline() == null
              ? options.withDeadlineAfter(timeoutNanos, TimeUnit.NANOSECONDS)
              : options;
      return new ForwardingClientCall.SimpleForwardingClientCall<>(
          next.newCall(method, withDeadline)) {
        @Override
        public void start(Listener<R> listener, Metadata headers) {
          super.start(
              new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                @Override
                public void onClose(Status status, Metadata trailers) {
                  super.onClose(diagnose(status), trailers);
                }
              },
              headers);
        }
      };
    }

    private Status diagnose(Status status) {
      if (status.getCode() != Status.Code.UNAVAILABLE
          || (status.getDescription() != null && status.getDescription().startsWith(NOT_RUNNING))) {
        return status;
      }
      String why =
          Files.exists(socket) ? "nothing answers on the socket" : "the socket does not exist";
      String detail = status.getDescription() == null ? "" : " (" + status.getDescription() + ")";
      return Status.UNAVAILABLE
          .withDescription(NOT_RUNNING + socket + ": " + why + detail)
          .withCause(status.getCause());
    }
  }
}
