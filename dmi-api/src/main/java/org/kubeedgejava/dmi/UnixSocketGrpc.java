package org.kubeedgejava.dmi;

import io.grpc.BindableService;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * gRPC over a Unix domain socket, the DMI transport: edgecore serves DeviceManagerService on its
 * socket and each mapper serves DeviceMapperService on its own.
 *
 * <p>Threading: each server and channel owns one epoll event-loop thread for socket I/O; service
 * methods run on the executor given to {@link #serve}, never on the event loop.
 */
public final class UnixSocketGrpc {
  /** Largest message accepted either way; a node's whole device list fits in it. */
  public static final int MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

  private UnixSocketGrpc() {}

  /** A running server; {@link #close} stops it and removes its socket file. */
  public record Serving(Server server, Path socket, EventLoopGroup eventLoop)
      implements AutoCloseable {
    @Override
    public void close() {
      server.shutdown();
      try {
        if (!server.awaitTermination(2, TimeUnit.SECONDS)) {
          server.shutdownNow();
        }
      } catch (InterruptedException e) {
        server.shutdownNow();
        Thread.currentThread().interrupt();
      } finally {
        eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        try {
          Files.deleteIfExists(socket);
        } catch (IOException ignored) {
          // a leftover socket file is removed by the next serve()
        }
      }
    }
  }

  /**
   * Serves {@code services} on {@code socket}. A stale socket file left by a crashed process is
   * removed first; the directory is created; the socket is made readable and writable by its owner
   * and group only.
   *
   * @throws UncheckedIOException when the socket cannot be bound (for example the directory is not
   *     writable)
   */
  public static Serving serve(Path socket, Executor executor, List<BindableService> services) {
    requireEpoll();
    Path absolute = socket.toAbsolutePath();
    EventLoopGroup loop =
        new MultiThreadIoEventLoopGroup(
            1,
            new DefaultThreadFactory("grpc-uds-" + absolute.getFileName(), true),
            EpollIoHandler.newFactory());
    try {
      Files.createDirectories(absolute.getParent());
      Files.deleteIfExists(absolute);
      NettyServerBuilder builder =
          NettyServerBuilder.forAddress(new DomainSocketAddress(absolute.toString()))
              .channelType(EpollServerDomainSocketChannel.class)
              .bossEventLoopGroup(loop)
              .workerEventLoopGroup(loop)
              .executor(executor)
              .maxInboundMessageSize(MAX_MESSAGE_BYTES);
      services.forEach(builder::addService);
      Server server = builder.build().start();
      try {
        Files.setPosixFilePermissions(absolute, PosixFilePermissions.fromString("rw-rw----"));
      } catch (UnsupportedOperationException | IOException ignored) {
        // not a POSIX file system: keep the default mode
      }
      return new Serving(server, absolute, loop);
    } catch (IOException e) {
      loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw new UncheckedIOException("cannot serve gRPC on " + absolute + ": " + e.getMessage(), e);
    }
  }

  /** A channel and the event loop it owns; {@link #close} releases both. */
  public record Channel(ManagedChannel channel, EventLoopGroup eventLoop) implements AutoCloseable {
    @Override
    public void close() {
      channel.shutdownNow();
      try {
        channel.awaitTermination(2, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      eventLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  /**
   * A channel to the gRPC server on {@code socket}; it connects on the first call, so the server
   * may start later. {@code address} may be a plain path or a {@code unix://} URI.
   */
  public static Channel connect(String address) {
    requireEpoll();
    String path = address.startsWith("unix://") ? address.substring("unix://".length()) : address;
    EventLoopGroup loop =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory("grpc-uds-client", true), EpollIoHandler.newFactory());
    try {
      ManagedChannel channel =
          NettyChannelBuilder.forAddress(new DomainSocketAddress(path))
              .channelType(EpollDomainSocketChannel.class, DomainSocketAddress.class)
              .eventLoopGroup(loop)
              .usePlaintext()
              .overrideAuthority("localhost")
              .maxInboundMessageSize(MAX_MESSAGE_BYTES)
              .build();
      return new Channel(channel, loop);
    } catch (RuntimeException e) {
      loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw e;
    }
  }

  private static void requireEpoll() {
    if (!Epoll.isAvailable()) {
      throw new IllegalStateException(
          "DMI needs Netty's native epoll transport (Linux), which did not load",
          Epoll.unavailabilityCause());
    }
  }
}
