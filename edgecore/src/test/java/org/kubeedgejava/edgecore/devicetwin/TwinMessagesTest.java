package org.kubeedgejava.edgecore.devicetwin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class TwinMessagesTest {
  private final Clock clock = Clock.fixed(Instant.ofEpochMilli(1_700_000_000_000L), ZoneOffset.UTC);

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void readsExpectedAndActualValuesOfATwinUpdate() throws Exception {
    var update =
        TwinMessages.parseTwinUpdate(
            bytes(
                "{\"event_id\":\"e1\",\"timestamp\":1,\"twin\":{\"temp\":{\"actual\":{\"value\":\"21\"}},"
                    + "\"mode\":{\"expected\":{\"value\":\"eco\"}}}}"));

    assertThat(update.eventId()).isEqualTo("e1");
    assertThat(update.twin().get("temp").actual()).hasValue("21");
    assertThat(update.twin().get("temp").expected()).isEmpty();
    assertThat(update.twin().get("mode").expected()).hasValue("eco");
  }

  @Test
  void malformedPayloadsAreRefusedWithAReason() {
    assertThatThrownBy(() -> TwinMessages.parseTwinUpdate(bytes("{not json")))
        .isInstanceOf(TwinMessages.BadPayload.class)
        .hasMessageContaining("not valid JSON");
    assertThatThrownBy(() -> TwinMessages.parseTwinUpdate(bytes("[1]")))
        .hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> TwinMessages.parseTwinUpdate(bytes("{\"twin\":{}}")))
        .hasMessageContaining("\"twin\"");
    assertThatThrownBy(
            () -> TwinMessages.parseTwinUpdate(bytes("{\"twin\":{\"t\":{\"actual\":{}}}}")))
        .hasMessageContaining("actual has no string \"value\"");
    assertThatThrownBy(() ->
            TwinMessages.parseTwinUpdate(
                bytes("{\"twin\":{\"t\":{\"actual\":{\"value\":\"" + "x".repeat(600) + "\"}}}}")))
        .hasMessageContaining("too long");
    assertThatThrownBy(() -> TwinMessages.parseState(bytes("{\"state\":1}")))
        .hasMessageContaining("\"state\"");
  }

  @Test
  void writesUpstreamsMsgTwinFormat() {
    Twin t =
        Twin.empty("temp", "int")
            .applyCloudDesired("20", 3, PropertyType.INT, clock)
            .twin()
            .applyReported("19", clock);

    String json = TwinMessages.twins("e1", clock.millis(), List.of(t)).toString();

    assertThat(json)
        .isEqualTo(
            "{\"event_id\":\"e1\",\"timestamp\":1700000000000,\"twin\":{\"temp\":{"
                + "\"expected\":{\"value\":\"20\",\"metadata\":{\"timestamp\":1700000000000}},"
                + "\"actual\":{\"value\":\"19\",\"metadata\":{\"timestamp\":1700000000000}},"
                + "\"optional\":true,\"metadata\":{\"type\":\"int\"},"
                + "\"expected_version\":{\"cloud\":3,\"edge\":0},"
                + "\"actual_version\":{\"cloud\":0,\"edge\":1}}}}");
  }

  @Test
  void aReadErrorTravelsInTheActualValuesMetadata() {
    Twin neverRead = Twin.empty("temp", "int").applyReport(null, "exception 2", clock);
    Twin lastGood =
        Twin.empty("temp", "int").applyReported("19", clock).applyReport("19", "timeout", clock);

    assertThat(TwinMessages.msgTwin(neverRead).path("actual").toString())
        .isEqualTo(
            "{\"value\":\"\",\"metadata\":{\"timestamp\":1700000000000,\"error\":\"exception 2\"}}");
    assertThat(TwinMessages.msgTwin(lastGood).path("actual").path("value").asText())
        .isEqualTo("19");
    assertThat(
            TwinMessages.msgTwin(lastGood).path("actual").path("metadata").path("error").asText())
        .isEqualTo("timeout");
    assertThat(
            TwinMessages.msgTwin(lastGood.applyReported("20", clock))
                .path("actual")
                .path("metadata")
                .has("error"))
        .isFalse();
  }

  @Test
  void aDeltaListsOnlyPropertiesAwayFromTheirDesiredValue() {
    Twin reached = Twin.empty("a", "").applyLocalDesired("1", clock).applyReported("1", clock);
    Twin away = Twin.empty("b", "").applyLocalDesired("2", clock).applyReported("1", clock);

    assertThat(TwinMessages.delta("e", 0, List.of(reached))).isEmpty();
    assertThat(
            TwinMessages.delta("e", 0, List.of(reached, away))
                .orElseThrow()
                .path("delta")
                .toString())
        .isEqualTo("{\"b\":\"2\"}");
  }

  @Test
  void theStateReportIsAJsonString() {
    assertThat(TwinMessages.stateReport("e", 5, "online", "2026-11-24T10:00:00Z"))
        .isEqualTo(
            "{\"event_id\":\"e\",\"timestamp\":5,\"state\":\"online\",\"lastOnlineTime\":\"2026-11-24T10:00:00Z\"}");
  }
}
