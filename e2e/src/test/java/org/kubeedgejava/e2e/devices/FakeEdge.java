package org.kubeedgejava.e2e.devices;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.kubeedgejava.testing.TestPki;
import org.kubeedgejava.transport.TlsIdentity;
import org.kubeedgejava.wire.Groups;
import org.kubeedgejava.wire.MalformedMessageException;
import org.kubeedgejava.wire.Message;
import org.kubeedgejava.wire.MessageCodec;
import org.kubeedgejava.wire.Operations;
import org.kubeedgejava.wire.Route;

/**
 * An edge node reduced to its tunnel: a JDK websocket client with a node certificate that records
 * what the cloud sends, acknowledges object messages as MetaManager would after storing them, sends
 * a keepalive every 2 s, and sends whatever the test tells it to.
 *
 * <p>Threading: the JDK client's listener thread records and acknowledges; {@link #send} may be
 * called from any thread (sends are chained, as the JDK websocket allows one at a time).
 */
final class FakeEdge implements AutoCloseable {
  private final Clock clock = Clock.systemUTC();
  private final MessageCodec codec = new MessageCodec();
  private final List<Message> received = new CopyOnWriteArrayList<>();
  private final HttpClient http;
  private final WebSocket socket;
  private final ScheduledExecutorService keepalive =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("fake-edge-keepalive").daemon().factory());
  private CompletableFuture<?> sending = CompletableFuture.completedFuture(null); // guarded by this

  FakeEdge(String node, TlsIdentity identity, int port) throws Exception {
    http = HttpClient.newBuilder().sslContext(TestPki.sslContext(identity)).build();
    socket =
        http.newWebSocketBuilder()
            .header("node_id", node)
            .header("project_id", "e632aba927ea4ac2b575ec1603d56f10")
            .header("ConnectionUse", "msg")
            .buildAsync(
                URI.create(
                    "wss://127.0.0.1:"
                        + port
                        + "/e632aba927ea4ac2b575ec1603d56f10/"
                        + node
                        + "/events"),
                new Listener())
            .get();
    keepalive.scheduleAtFixedRate(
        () ->
            send(
                Message.create(
                    clock,
                    new Route("websocket", "", Groups.RESOURCE, Operations.KEEPALIVE, "node"),
                    TextNode.valueOf("ping"))),
        0,
        2,
        TimeUnit.SECONDS);
  }

  /** Everything the cloud sent, in order. */
  List<Message> received() {
    return received;
  }

  synchronized CompletableFuture<?> send(Message message) {
    String text = codec.encodeToString(message);
    sending = sending.handle((v, t) -> null).thenCompose(v -> socket.sendText(text, true));
    return sending;
  }

  /** A message from the device twin module ({@code source twin, group twin}). */
  CompletableFuture<?> sendTwin(String resource, JsonNode content) {
    return send(
        Message.create(
            clock, new Route("twin", "", Groups.TWIN, Operations.UPDATE, resource), content));
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        Message message;
        try {
          message = codec.decode(partial.toString());
        } catch (MalformedMessageException e) {
          throw new IllegalStateException("the cloud sent a malformed frame", e);
        }
        partial.setLength(0);
        received.add(message);
        if (Groups.RESOURCE.equals(message.route().group())) {
          send(Message.ack(clock, message));
        }
      }
      ws.request(1);
      return null;
    }
  }

  @Override
  public void close() {
    keepalive.shutdownNow();
    socket.abort();
    http.shutdownNow();
  }
}
