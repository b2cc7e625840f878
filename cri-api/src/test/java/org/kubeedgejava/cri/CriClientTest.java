package org.kubeedgejava.cri;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kubeedgejava.cri.v1.ImageSpec;
import org.kubeedgejava.cri.v1.ImageStatusRequest;
import org.kubeedgejava.cri.v1.ImageStatusResponse;
import org.kubeedgejava.cri.v1.ListContainersRequest;

final class CriClientTest {

  @TempDir Path dir;

  private Path socket;
  private FakeRuntimeServer server;

  @BeforeEach
  void startFakeRuntime() {
    socket = dir.resolve("runtime.sock");
    server = FakeRuntimeServer.start(socket);
  }

  @AfterEach
  void stopFakeRuntime() {
    server.close();
  }

  @Test
  void refusesATcpEndpointSayingOnlyUnixSocketsWork() {
    assertThatThrownBy(() -> CriClient.connect("tcp://127.0.0.1:10010"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'tcp://127.0.0.1:10010' is not a Unix socket")
        .hasMessageContaining("expected unix:///absolute/path");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "unix://",
        "unix:///",
        "unix:relative.sock",
        "unix://host/run/containerd.sock",
        "/run/containerd/containerd.sock",
        "http://localhost/run/containerd.sock",
        ""
      })
  void refusesEndpointsThatAreNotAnAbsoluteUnixSocketPath(String endpoint) {
    assertThatThrownBy(() -> CriClient.socketPath(endpoint))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("CRI endpoint '" + endpoint + "'")
        .hasMessageContaining(CriClient.DEFAULT_ENDPOINT);
  }

  @Test
  void readsTheSocketPathOfAUnixEndpoint() {
    assertThat(CriClient.socketPath(CriClient.DEFAULT_ENDPOINT))
        .isEqualTo(Path.of("/run/containerd/containerd.sock"));
    assertThat(CriClient.socketPath("unix:///run/./crio/../crio/crio.sock"))
        .isEqualTo(Path.of("/run/crio/crio.sock"));
  }

  @Test
  void refusesToConnectWhenNoSocketExistsNamingIt() {
    Path missing = dir.resolve("containerd.sock");
    assertThatThrownBy(() -> CriClient.connect("unix://" + missing))
        .isInstanceOf(CriUnavailableException.class)
        .hasMessage("containerd is not running at " + missing + ": the socket does not exist")
        .extracting(e -> ((CriUnavailableException) e).socket())
        .isEqualTo(missing);
  }

  @Test
  void refusesToConnectToAFileThatIsNotASocket() throws Exception {
    Path file = Files.writeString(dir.resolve("containerd.sock"), "not a socket");
    assertThatThrownBy(() -> CriClient.connect("unix://" + file))
        .isInstanceOf(CriUnavailableException.class)
        .hasMessage("containerd is not running at " + file + ": that path is not a Unix socket");
  }

  @Test
  void refusesANonPositiveCallTimeout() {
    assertThatThrownBy(() -> CriClient.connect(CriClient.DEFAULT_ENDPOINT, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("callTimeout must be positive");
  }

  @Test
  void callsTheRuntimeAndImageServicesOverTheSocket() throws Exception {
    try (CriClient client = CriClient.connect("unix://" + socket)) {
      assertThat(client.version().getRuntimeName()).isEqualTo("fake-runtime");
      assertThat(client.version().getVersion()).isEqualTo("v1");

      ImageStatusResponse known =
          client.images().imageStatus(imageStatus(FakeRuntimeServer.KNOWN_IMAGE));
      assertThat(known.hasImage()).isTrue();
      assertThat(known.getImage().getRepoTagsList()).containsExactly(FakeRuntimeServer.KNOWN_IMAGE);
      assertThat(client.images().imageStatus(imageStatus("nope:1")).hasImage()).isFalse();
      assertThat(client.socket()).isEqualTo(socket);
      assertThat(client.endpoint()).isEqualTo("unix://" + socket);
    }
  }

  @Test
  void givesEveryCallItsOwnDeadline() throws Exception {
    Duration timeout = Duration.ofMillis(300);
    try (CriClient client = CriClient.connect("unix://" + socket, timeout)) {
      long start = System.nanoTime();
      assertThatThrownBy(
              () -> client.runtime().listContainers(ListContainersRequest.getDefaultInstance()))
          .isInstanceOf(StatusRuntimeException.class)
          .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
          .isEqualTo(Status.Code.DEADLINE_EXCEEDED);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(timeout);
      // more than one timeout after the stub was made, a new call still has its full deadline
      assertThat(client.version().getRuntimeName()).isEqualTo("fake-runtime");
    }
  }

  @Test
  void saysContainerdIsNotRunningWhenTheRuntimeHasGone() throws Exception {
    try (CriClient client = CriClient.connect("unix://" + socket)) {
      assertThat(client.version().getRuntimeName()).isEqualTo("fake-runtime");
      server.close();
      Files.deleteIfExists(socket);

      assertThatThrownBy(client::version)
          .isInstanceOf(StatusRuntimeException.class)
          .satisfies(e -> {
            Status status = ((StatusRuntimeException) e).getStatus();
            assertThat(status.getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(status.getDescription())
                .startsWith("containerd is not running at " + socket);
          });
    }
  }

  @Test
  void closeIsIdempotentAndEndsTheEventLoopThread() throws Exception {
    CriClient client = CriClient.connect("unix://" + socket);
    assertThat(client.version().getRuntimeName()).isEqualTo("fake-runtime");
    assertThat(clientThreads()).isPositive();

    client.close();
    client.close();

    assertThatThrownBy(client::version)
        .isInstanceOf(StatusRuntimeException.class)
        .extracting(e -> ((StatusRuntimeException) e).getStatus().getCode())
        .isEqualTo(Status.Code.UNAVAILABLE);
    await().atMost(Duration.ofSeconds(5)).until(() -> clientThreads() == 0);
  }

  private static long clientThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("cri-client"))
        .count();
  }

  private static ImageStatusRequest imageStatus(String image) {
    return ImageStatusRequest.newBuilder().setImage(ImageSpec.newBuilder().setImage(image)).build();
  }
}
