package org.kubeedgejava.cri;

import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.kubeedgejava.cri.v1.Image;
import org.kubeedgejava.cri.v1.ImageServiceGrpc;
import org.kubeedgejava.cri.v1.ImageStatusRequest;
import org.kubeedgejava.cri.v1.ImageStatusResponse;
import org.kubeedgejava.cri.v1.ListContainersRequest;
import org.kubeedgejava.cri.v1.ListContainersResponse;
import org.kubeedgejava.cri.v1.RuntimeServiceGrpc;
import org.kubeedgejava.cri.v1.VersionRequest;
import org.kubeedgejava.cri.v1.VersionResponse;

/**
 * A tiny CRI runtime on a real Unix socket, for testing the client without containerd: Version
 * answers "fake-runtime", ImageStatus knows one image, ListContainers never answers (for deadline
 * tests). Thread-safety: gRPC calls the services on its event loop; they keep no state.
 */
final class FakeRuntimeServer implements AutoCloseable {
  static final String KNOWN_IMAGE = "docker.io/kubeedge-java/busybox:1.35";

  private final EventLoopGroup group;
  private final Server server;

  private FakeRuntimeServer(EventLoopGroup group, Server server) {
    this.group = group;
    this.server = server;
  }

  static FakeRuntimeServer start(Path socket) {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    Server server =
        NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
            .channelType(EpollServerDomainSocketChannel.class)
            .bossEventLoopGroup(group)
            .workerEventLoopGroup(group)
            .addService(new Runtime())
            .addService(new Images())
            .build();
    try {
      server.start();
    } catch (IOException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw new UncheckedIOException(e);
    }
    return new FakeRuntimeServer(group, server);
  }

  /** Stops serving and removes the socket, as a runtime that exits does; idempotent. */
  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(5_000);
  }

  private static final class Runtime extends RuntimeServiceGrpc.RuntimeServiceImplBase {
    @Override
    public void version(VersionRequest request, StreamObserver<VersionResponse> response) {
      response.onNext(
          VersionResponse.newBuilder()
              .setVersion(request.getVersion())
              .setRuntimeName("fake-runtime")
              .setRuntimeVersion("0.0.1")
              .setRuntimeApiVersion("v1")
              .build());
      response.onCompleted();
    }

    @Override
    public void listContainers(
        ListContainersRequest request, StreamObserver<ListContainersResponse> response) {
      // never answers: the client's deadline has to end the call
    }
  }

  private static final class Images extends ImageServiceGrpc.ImageServiceImplBase {
    @Override
    public void imageStatus(
        ImageStatusRequest request, StreamObserver<ImageStatusResponse> response) {
      ImageStatusResponse.Builder answer = ImageStatusResponse.newBuilder();
      if (request.getImage().getImage().equals(KNOWN_IMAGE)) {
        answer.setImage(
            Image.newBuilder().setId("sha256:1234").addRepoTags(KNOWN_IMAGE).setSize(1024));
      }
      response.onNext(answer.build());
      response.onCompleted();
    }
  }
}
