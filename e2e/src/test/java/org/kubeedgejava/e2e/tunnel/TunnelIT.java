package org.kubeedgejava.e2e.tunnel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.TextNode;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kubeedgejava.cloudcore.cloudhub.CloudHubMetrics;
import org.kubeedgejava.cloudcore.cloudhub.CloudHubMetrics.Rejection;
import org.kubeedgejava.cloudcore.cloudhub.CloudHubServer;
import org.kubeedgejava.cloudcore.cloudhub.CloudHubSettings;
import org.kubeedgejava.cloudcore.cloudhub.NodeSession;
import org.kubeedgejava.cloudcore.cloudhub.SessionRegistry;
import org.kubeedgejava.edgecore.edgehub.Backoff;
import org.kubeedgejava.edgecore.edgehub.EdgeHubClient;
import org.kubeedgejava.edgecore.edgehub.EdgeHubSettings;
import org.kubeedgejava.testing.TestPki;
import org.kubeedgejava.transport.TlsIdentity;
import org.kubeedgejava.wire.Message;
import org.kubeedgejava.wire.MessageCodec;
import org.kubeedgejava.wire.Route;

/**
 * CloudHub and EdgeHub over real mutual-TLS websockets on loopback: the happy path, and every kind
 * of bad peer, each refused, counted, and without disturbing other nodes.
 */
class TunnelIT {
  private static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(2);

  private final TestPki pki = new TestPki();
  private final Clock clock = Clock.systemUTC();
  private final PrometheusRegistry prometheus = new PrometheusRegistry();
  private final SessionRegistry sessions = new SessionRegistry(100);
  private final CloudHubMetrics metrics = new CloudHubMetrics(prometheus, sessions::size);
  private final List<Message> upstream = new CopyOnWriteArrayList<>();
  private final List<AutoCloseable> toClose = new CopyOnWriteArrayList<>();
  private CloudHubServer hub;
  private int port;

  TunnelIT() throws Exception {}

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : toClose.reversed()) {
      c.close();
    }
  }

  private void startHub(int wantedPort, int maxFrameBytes) throws Exception {
    hub =
        new CloudHubServer(
            new CloudHubSettings("127.0.0.1", wantedPort, KEEPALIVE_TIMEOUT, maxFrameBytes, 100),
            pki.server,
            sessions,
            metrics,
            (session, message) -> upstream.add(message),
            clock,
            1);
    port = hub.start().getPort();
    toClose.add(hub);
  }

  private EdgeHubClient edgeHub(String nodeName, TlsIdentity identity, List<Message> received) {
    EdgeHubSettings settings =
        new EdgeHubSettings(
            "127.0.0.1",
            port,
            "e632aba927ea4ac2b575ec1603d56f10",
            nodeName,
            Duration.ofMillis(500),
            Duration.ofSeconds(5),
            MessageCodec.DEFAULT_MAX_FRAME_BYTES,
            Duration.ofMillis(50),
            Duration.ofMillis(300));
    EdgeHubClient client =
        new EdgeHubClient(
            settings,
            () -> identity,
            received::add,
            new Backoff(settings.initialBackoff(), settings.maxBackoff(), new SplittableRandom(1)),
            clock,
            new PrometheusRegistry());
    toClose.add(client);
    client.start();
    return client;
  }

  /** A bare JDK websocket client with a given identity and node_id header, for misbehaving. */
  private CompletableFuture<WebSocket> rawClient(
      TlsIdentity identity, String nodeId, WebSocket.Listener listener) throws Exception {
    HttpClient http = HttpClient.newBuilder().sslContext(TestPki.sslContext(identity)).build();
    toClose.add(http::shutdownNow);
    return http.newWebSocketBuilder()
        .header("node_id", nodeId)
        .header("project_id", "p")
        .header("ConnectionUse", "msg")
        .buildAsync(URI.create("wss://127.0.0.1:" + port + "/p/" + nodeId + "/events"), listener);
  }

  @Test
  void edgeHubConnectsAndMessagesFlowBothWays() throws Exception {
    startHub(0, MessageCodec.DEFAULT_MAX_FRAME_BYTES);
    List<Message> atEdge = new CopyOnWriteArrayList<>();
    EdgeHubClient edge = edgeHub("edge-a", pki.node("edge-a"), atEdge);

    await().atMost(Duration.ofSeconds(10)).until(() -> metrics.activeConnections() == 1);
    NodeSession session = sessions.get("edge-a").orElseThrow();

    session
        .send(
            Message.create(
                clock,
                new Route("edgecontroller", "", "resource", "update", "node/edge-a/factory/pod/p1"),
                null))
        .get();
    await().atMost(Duration.ofSeconds(5)).until(() -> !atEdge.isEmpty());
    assertThat(atEdge.get(0).route().resource()).isEqualTo("factory/pod/p1");

    edge.send(
            Message.create(
                clock, new Route("edged", "", "resource", "update", "factory/podstatus/p1"), null))
        .get();
    await().atMost(Duration.ofSeconds(5)).until(() -> !upstream.isEmpty());
    assertThat(upstream.get(0).route().resource()).isEqualTo("node/edge-a/factory/podstatus/p1");
    assertThat(upstream).noneMatch(m -> m.route().operation().equals("keepalive"));
  }

  @Test
  void aCertificateForAnotherNodeIsRefused() throws Exception {
    startHub(0, MessageCodec.DEFAULT_MAX_FRAME_BYTES);
    edgeHub("edge-b", pki.node("edge-a"), new CopyOnWriteArrayList<>()); // claims b, proves a

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> metrics.rejectedConnections(Rejection.IDENTITY_MISMATCH) >= 1);
    assertThat(sessions.size()).isZero();
  }

  @Test
  void aCertificateFromAForeignCaFailsTheTlsHandshake() throws Exception {
    startHub(0, MessageCodec.DEFAULT_MAX_FRAME_BYTES);
    TlsIdentity foreign = new TestPki().node("edge-a");
    TlsIdentity trustingOurCa =
        new TlsIdentity(foreign.key(), foreign.certificate(), pki.ca.certificate());
    edgeHub("edge-a", trustingOurCa, new CopyOnWriteArrayList<>());

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> metrics.rejectedConnections(Rejection.TLS_HANDSHAKE) >= 1);
    assertThat(sessions.size()).isZero();
  }

  @Test
  void malformedJsonIsAnsweredWithAnErrorAndTheSessionStays() throws Exception {
    startHub(0, MessageCodec.DEFAULT_MAX_FRAME_BYTES);
    Recorder recorder = new Recorder();
    WebSocket ws = rawClient(pki.node("edge-a"), "edge-a", recorder).get();
    await().atMost(Duration.ofSeconds(5)).until(() -> sessions.get("edge-a").isPresent());

    ws.sendText("{\"header\": {\"msg_id\": ", true).get();

    await().atMost(Duration.ofSeconds(5)).until(() -> !recorder.texts.isEmpty());
    Message error = new MessageCodec().decode(recorder.texts.get(0));
    assertThat(error.route().operation()).isEqualTo("error");
    assertThat(error.contentText()).contains("not_json");
    assertThat(metrics.badFrames("not_json")).isEqualTo(1);
    assertThat(sessions.get("edge-a")).isPresent();
    ws.sendText(
            new MessageCodec()
                .encodeToString(
                    Message.create(
                        clock,
                        new Route("edged", "", "resource", "update", "ns/podstatus/p"),
                        TextNode.valueOf("x"))),
            true)
        .get();
    await().atMost(Duration.ofSeconds(5)).until(() -> upstream.size() == 1);
  }

  @Test
  void aNodeCannotPassItselfOffAsACloudModuleButMayAnswerOne() throws Exception {
    startHub(0, MessageCodec.DEFAULT_MAX_FRAME_BYTES);
    WebSocket ws = rawClient(pki.node("edge-a"), "edge-a", new Recorder()).get();
    await().atMost(Duration.ofSeconds(5)).until(() -> sessions.get("edge-a").isPresent());
    MessageCodec codec = new MessageCodec();
    Message spoof =
        Message.create(
            clock, new Route("edgecontroller", "", "resource", "update", "default/pod/p"), null);
    Message answer = Message.ack(clock, spoof);

    ws.sendText(codec.encodeToString(spoof), true).get();
    ws.sendText(codec.encodeToString(answer), true).get();

    await().atMost(Duration.ofSeconds(5)).until(() -> upstream.size() == 1);
    assertThat(upstream.get(0).isAck()).isTrue();
    assertThat(metrics.badFrames("spoofed_source")).isEqualTo(1);
  }

  @Test
  void anOversizedFrameClosesTheConnectionWithMessageTooBig() throws Exception {
    startHub(0, 4096);
    Recorder recorder = new Recorder();
    WebSocket ws = rawClient(pki.node("edge-a"), "edge-a", recorder).get();
    await().atMost(Duration.ofSeconds(5)).until(() -> sessions.get("edge-a").isPresent());

    ws.sendText("x".repeat(10_000), true);

    await().atMost(Duration.ofSeconds(5)).until(() -> recorder.closeCode.isDone());
    assertThat(recorder.closeCode.get()).isEqualTo(1009);
    assertThat(metrics.badFrames("oversized")).isEqualTo(1);
    await().atMost(Duration.ofSeconds(5)).until(() -> sessions.get("edge-a").isEmpty());
  }

  @Test
  void garbageBytesAreRefusedWithoutDisturbingOtherNodes() throws Exception {
    startHub(0, MessageCodec.DEFAULT_MAX_FRAME_BYTES);
    edgeHub("edge-good", pki.node("edge-good"), new CopyOnWriteArrayList<>());
    await().atMost(Duration.ofSeconds(10)).until(() -> sessions.get("edge-good").isPresent());
    NodeSession good = sessions.get("edge-good").orElseThrow();

    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port));
      OutputStream out = socket.getOutputStream();
      byte[] junk = new byte[4096];
      new SplittableRandom(3).nextBytes(junk);
      out.write(junk);
      out.flush();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> metrics.rejectedConnections(Rejection.TLS_HANDSHAKE) >= 1);
    }

    assertThat(sessions.get("edge-good")).containsSame(good);
    assertThat(good.isOpen()).isTrue();
  }

  @Test
  void aPeerThatFallsSilentIsDroppedAfterTheKeepaliveTimeout() throws Exception {
    startHub(0, MessageCodec.DEFAULT_MAX_FRAME_BYTES);
    Recorder recorder = new Recorder();
    rawClient(pki.node("edge-silent"), "edge-silent", recorder)
        .get(); // connects, then never speaks
    await().atMost(Duration.ofSeconds(5)).until(() -> sessions.get("edge-silent").isPresent());

    await()
        .atMost(KEEPALIVE_TIMEOUT.multipliedBy(4))
        .until(() -> sessions.get("edge-silent").isEmpty());
    assertThat(metrics.rejectedConnections(Rejection.KEEPALIVE_TIMEOUT)).isEqualTo(1);
  }

  @Test
  void aReconnectingNodeReplacesItsOldSession() throws Exception {
    startHub(0, MessageCodec.DEFAULT_MAX_FRAME_BYTES);
    TlsIdentity id = pki.node("edge-a");
    Recorder first = new Recorder();
    rawClient(id, "edge-a", first).get();
    await().atMost(Duration.ofSeconds(5)).until(() -> sessions.get("edge-a").isPresent());
    NodeSession old = sessions.get("edge-a").orElseThrow();

    rawClient(id, "edge-a", new Recorder()).get();

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> sessions.get("edge-a").filter(s -> s != old).isPresent());
    await().atMost(Duration.ofSeconds(5)).until(() -> first.closeCode.isDone());
    assertThat(sessions.size()).isEqualTo(1);
    assertThat(metrics.activeConnections()).isEqualTo(1);
  }

  @Test
  void edgeHubReconnectsWhenTheHubComesBack() throws Exception {
    startHub(0, MessageCodec.DEFAULT_MAX_FRAME_BYTES);
    EdgeHubClient edge = edgeHub("edge-a", pki.node("edge-a"), new CopyOnWriteArrayList<>());
    await().atMost(Duration.ofSeconds(10)).until(edge::isConnected);
    int samePort = port;

    hub.close();
    toClose.remove(hub);
    await().atMost(Duration.ofSeconds(10)).until(() -> !edge.isConnected());
    startHub(samePort, MessageCodec.DEFAULT_MAX_FRAME_BYTES);

    await().atMost(Duration.ofSeconds(10)).until(edge::isConnected);
    assertThat(edge.reconnectCount()).isGreaterThanOrEqualTo(1);
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> sessions.get("edge-a").filter(NodeSession::isOpen).isPresent());
  }

  /** Records what a JDK websocket client receives. */
  static final class Recorder implements WebSocket.Listener {
    final List<String> texts = new CopyOnWriteArrayList<>();
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        texts.add(partial.toString());
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closeCode.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      closeCode.complete(-1);
    }
  }
}
