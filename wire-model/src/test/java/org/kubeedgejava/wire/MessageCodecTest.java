package org.kubeedgejava.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.kubeedgejava.wire.MalformedMessageException.Reason;

class MessageCodecTest {
  private final MessageCodec codec = new MessageCodec(4096);
  private final Clock clock = Clock.fixed(Instant.ofEpochMilli(1_747_756_800_123L), ZoneOffset.UTC);

  @Test
  void decodesAFrameAsKubeEdgeWritesIt() throws Exception {
    String frame =
        """
        {"header":{"msg_id":"5c2f1d3e-0000-4000-8000-000000000001","parent_msg_id":"","timestamp":1747756800123,
        "resourceversion":"4711","sync":false},"route":{"source":"edgecontroller","group":"resource",
        "operation":"update","resource":"factory/pod/line3-vision"},"content":{"kind":"Pod","metadata":{"name":"line3-vision"}}}
        """;

    Message m = codec.decode(frame);

    assertThat(m.header().id()).isEqualTo("5c2f1d3e-0000-4000-8000-000000000001");
    assertThat(m.header().isResponse()).isFalse();
    assertThat(m.header().timestamp()).isEqualTo(1_747_756_800_123L);
    assertThat(m.header().resourceVersion()).isEqualTo("4711");
    assertThat(m.route())
        .isEqualTo(
            new Route("edgecontroller", "", "resource", "update", "factory/pod/line3-vision"));
    assertThat(m.content().path("metadata").path("name").asText()).isEqualTo("line3-vision");
  }

  @Test
  void encodesWithGoFieldNamesAndOmitsEmptyOptionalFields() {
    Message ping =
        Message.create(
            clock,
            new Route("websocket", "", "resource", Operations.KEEPALIVE, "node"),
            TextNode.valueOf("ping"));

    String json = codec.encodeToString(ping);

    assertThat(json)
        .isEqualTo(
            "{\"header\":{\"msg_id\":\""
                + ping.header().id()
                + "\",\"timestamp\":1747756800123},"
                + "\"route\":{\"source\":\"websocket\",\"group\":\"resource\",\"operation\":\"keepalive\",\"resource\":\"node\"},"
                + "\"content\":\"ping\"}");
  }

  @Test
  void roundTripsEveryField() throws Exception {
    ObjectNode pod = codec.mapper().createObjectNode();
    pod.putObject("metadata").put("name", "p").put("uid", "u-1");
    Message original =
        new Message(
            new Header("id-1", "parent-1", 42L, "99", true),
            new Route("edgecontroller", "edgehub", "resource", "insert", "ns/pod/p"),
            pod);

    Message decoded = codec.decode(codec.encode(original));

    assertThat(decoded).isEqualTo(original);
  }

  @Test
  void ackAnswersTheRequestWithOkAndItsId() throws Exception {
    Message request =
        Message.create(
                clock,
                new Route("edgecontroller", "", "resource", "update", "ns/configmap/c"),
                null)
            .withResourceVersion("12");

    Message ack = codec.decode(codec.encode(Message.ack(clock, request)));

    assertThat(ack.isAck()).isTrue();
    assertThat(ack.header().parentId()).isEqualTo(request.header().id());
    assertThat(ack.route().operation()).isEqualTo(Operations.RESPONSE);
    assertThat(ack.route().resource()).isEqualTo("ns/configmap/c");
    assertThat(ack.content()).isEqualTo(TextNode.valueOf("OK"));
  }

  @Test
  void absentContentDecodesAsJsonNull() throws Exception {
    Message m = codec.decode("{\"header\":{\"msg_id\":\"a\"},\"route\":{\"operation\":\"query\"}}");

    assertThat(m.content().isNull()).isTrue();
    assertThat(m.route().resource()).isEmpty();
  }

  @Test
  void refusesAFrameOverTheLimitBeforeParsingIt() {
    byte[] big = new byte[4097];

    assertThatThrownBy(() -> codec.decode(big))
        .isInstanceOf(MalformedMessageException.class)
        .satisfies(
            e -> assertThat(((MalformedMessageException) e).reason()).isEqualTo(Reason.OVERSIZED))
        .hasMessageContaining("4097 bytes");
  }

  @Test
  void refusesGarbageBytesAsNotJson() {
    byte[] garbage = {(byte) 0xff, (byte) 0xfe, 0x00, 0x7b};

    assertThat(reasonOf(garbage)).isEqualTo(Reason.NOT_JSON);
  }

  @Test
  void refusesTruncatedJson() {
    assertThat(
            reasonOf(
                "{\"header\":{\"msg_id\":\"a\"},\"route\":{\"operation\":\"q\""
                    .getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(Reason.NOT_JSON);
  }

  @Test
  void refusesTrailingDataAfterTheMessage() {
    assertThat(
            reasonOf(
                "{\"header\":{\"msg_id\":\"a\"},\"route\":{\"operation\":\"q\"}} {}"
                    .getBytes(StandardCharsets.UTF_8)))
        .isEqualTo(Reason.NOT_JSON);
  }

  @Test
  void refusesDeeplyNestedContent() {
    String deep = "[".repeat(500) + "]".repeat(500);
    String frame =
        "{\"header\":{\"msg_id\":\"a\"},\"route\":{\"operation\":\"q\"},\"content\":" + deep + "}";

    assertThat(reasonOf(frame.getBytes(StandardCharsets.UTF_8))).isEqualTo(Reason.NOT_JSON);
  }

  @Test
  void refusesJsonThatIsNotAMessage() {
    assertThat(reasonOf("[1,2]")).isEqualTo(Reason.INVALID);
    assertThat(reasonOf("\"just a string\"")).isEqualTo(Reason.INVALID);
    assertThat(reasonOf("{\"route\":{\"operation\":\"q\"}}")).isEqualTo(Reason.INVALID);
    assertThat(reasonOf("{\"header\":{\"msg_id\":\"a\"},\"route\":{}}")).isEqualTo(Reason.INVALID);
    assertThat(reasonOf("{\"header\":{\"msg_id\":7},\"route\":{\"operation\":\"q\"}}"))
        .isEqualTo(Reason.INVALID);
    assertThat(
            reasonOf(
                "{\"header\":{\"msg_id\":\"a\",\"timestamp\":\"now\"},\"route\":{\"operation\":\"q\"}}"))
        .isEqualTo(Reason.INVALID);
    assertThat(
            reasonOf(
                "{\"header\":{\"msg_id\":\"a\",\"timestamp\":1.5},\"route\":{\"operation\":\"q\"}}"))
        .isEqualTo(Reason.INVALID);
    assertThat(
            reasonOf(
                "{\"header\":{\"msg_id\":\"a\",\"sync\":\"yes\"},\"route\":{\"operation\":\"q\"}}"))
        .isEqualTo(Reason.INVALID);
  }

  @Test
  void acceptsStringContentHoldingSerializedJson() throws Exception {
    Message m =
        codec.decode(
            "{\"header\":{\"msg_id\":\"a\"},\"route\":{\"operation\":\"update\"},\"content\":\"{\\\"state\\\":\\\"online\\\"}\"}");

    JsonNode inner = codec.mapper().readTree(m.contentText());
    assertThat(inner.path("state").asText()).isEqualTo("online");
  }

  private Reason reasonOf(String frame) {
    return reasonOf(frame.getBytes(StandardCharsets.UTF_8));
  }

  private Reason reasonOf(byte[] frame) {
    try {
      codec.decode(frame);
    } catch (MalformedMessageException e) {
      return e.reason();
    }
    throw new AssertionError("decoded without error: " + new String(frame, StandardCharsets.UTF_8));
  }
}
