package org.kubeedgejava.cloudcore.devicecontroller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.kubeedgejava.cloudcore.delivery.KubeJson;
import org.kubeedgejava.wire.Message;

class DeviceMessagesTest {
  private static final ObjectMapper JSON = KubeJson.MAPPER;
  private final Clock clock = Clock.fixed(Instant.ofEpochMilli(1747756800123L), ZoneOffset.UTC);

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  @Test
  void edgeResourcesAreReadAsTwinStateOrMembershipMessages() {
    assertThat(DeviceMessages.parse("device/factory/plc/twin/edge_updated"))
        .contains(new DeviceMessages.Upstream.TwinReport("factory", "plc"));
    assertThat(DeviceMessages.parse("device/factory/plc/state/update"))
        .contains(new DeviceMessages.Upstream.StateReport("factory", "plc"));
    assertThat(DeviceMessages.parse("membership/detail"))
        .contains(new DeviceMessages.Upstream.MembershipDetail());
    assertThat(DeviceMessages.parse("device/factory/plc/twin/update")).isEmpty();
    assertThat(DeviceMessages.parse("device//plc/twin/edge_updated")).isEmpty();
    assertThat(DeviceMessages.parse("factory/pod/plc")).isEmpty();
  }

  @Test
  void aTwinReportBecomesReportedAndObservedDesiredWithTheModelsType() throws Exception {
    JsonNode content =
        json(
            """
            {"event_id":"e1","timestamp":1747756800000,"twin":{"temperature":{
              "actual":{"value":"73.4","metadata":{"timestamp":1747756800000}},
              "expected":{"value":"70","metadata":{"timestamp":1747756700000}},
              "metadata":{"type":"string"}}}}
            """);

    DeviceReport report = DeviceMessages.twinReport(content, p -> Optional.of("float"), clock);

    DeviceReport.Twin twin = report.twins().get("temperature");
    assertThat(twin.reported())
        .isEqualTo(
            json(
                "{\"value\":\"73.4\",\"metadata\":{\"timestamp\":\"1747756800000\",\"type\":\"float\"}}"));
    assertThat(twin.observedDesired().path("value").asText()).isEqualTo("70");
    assertThat(twin.observedDesired().path("metadata").path("timestamp").asText())
        .isEqualTo("1747756700000");
  }

  @Test
  void aReadErrorTheEdgeReportsIsWrittenToReportedMetadataAndGoneWithTheNextGoodRead()
      throws Exception {
    String error = "Modbus exception 2 (ILLEGAL_DATA_ADDRESS) reading HoldingRegister 5000";
    JsonNode failing =
        json(
            "{\"twin\":{\"temperature\":{\"actual\":{\"value\":\"\",\"metadata\":"
                + "{\"timestamp\":1747756800000,\"error\":\""
                + error
                + "\"}}}}}");
    JsonNode good =
        json(
            "{\"twin\":{\"temperature\":{\"actual\":{\"value\":\"70\",\"metadata\":"
                + "{\"timestamp\":1747756801000}}}}}");

    String failedPatch =
        DeviceMessages.statusPatch(
            JSON.createObjectNode(),
            DeviceMessages.twinReport(failing, p -> Optional.of("float"), clock));
    JsonNode reported = json(failedPatch).path("status").path("twins").get(0).path("reported");
    assertThat(reported.path("metadata").path("error").asText()).isEqualTo(error);
    assertThat(reported.path("metadata").path("type").asText()).isEqualTo("float");

    String goodPatch =
        DeviceMessages.statusPatch(
            json(failedPatch).path("status"),
            DeviceMessages.twinReport(good, p -> Optional.of("float"), clock));
    JsonNode after = json(goodPatch).path("status").path("twins").get(0).path("reported");
    assertThat(after.path("value").asText()).isEqualTo("70");
    assertThat(after.path("metadata").has("error")).isFalse();
  }

  @Test
  void aTwinReportInAStringWithoutTimestampsIsStampedWithTheClock() {
    DeviceReport report =
        DeviceMessages.twinReport(
            TextNode.valueOf("{\"twin\":{\"temperature\":{\"actual\":{\"value\":\"1\"}}}}"),
            p -> Optional.empty(),
            clock);

    JsonNode reported = report.twins().get("temperature").reported();
    assertThat(reported.path("metadata").path("timestamp").asText()).isEqualTo("1747756800123");
    assertThat(reported.path("metadata").has("type")).isFalse();
    assertThat(report.twins().get("temperature").observedDesired()).isNull();
  }

  @Test
  void malformedTwinReportsAreRefusedWithAReason() {
    assertThatThrownBy(() ->
            DeviceMessages.twinReport(TextNode.valueOf("not json"), p -> Optional.empty(), clock))
        .isInstanceOf(DeviceMessages.MalformedReport.class)
        .hasMessageContaining("not JSON");
    assertThatThrownBy(
            () -> DeviceMessages.twinReport(json("{\"twin\": 3}"), p -> Optional.empty(), clock))
        .hasMessageContaining("'twin' object");
  }

  @Test
  void aStateReportIsReadFromItsJsonString() {
    DeviceReport report =
        DeviceMessages.stateReport(
            TextNode.valueOf(
                "{\"event_id\":\"\",\"timestamp\":1,\"state\":\"online\",\"lastOnlineTime\":\"2026-05-20T10:00:00Z\"}"));

    assertThat(report.state()).isEqualTo("online");
    assertThat(report.lastOnlineTime()).isEqualTo("2026-05-20T10:00:00Z");
    assertThat(DeviceMessages.stateReport(TextNode.valueOf("{\"State\":\"offline\"}")).state())
        .isEqualTo("offline");
    assertThatThrownBy(() -> DeviceMessages.stateReport(TextNode.valueOf("{}")))
        .isInstanceOf(DeviceMessages.MalformedReport.class);
  }

  @Test
  void theStatusPatchKeepsOtherTwinsAndReplacesReportedOnesByName() throws Exception {
    JsonNode current =
        json(
            """
            {"twins":[
              {"propertyName":"humidity","reported":{"value":"40"}},
              {"propertyName":"temperature","reported":{"value":"70"},
               "observedDesired":{"value":"70"}}],
             "state":"online"}
            """);
    DeviceReport report =
        DeviceReport.ofTwins(
                java.util.Map.of(
                    "temperature", new DeviceReport.Twin(json("{\"value\":\"73.4\"}"), null)))
            .merge(DeviceReport.ofState("offline", "2026-05-20T10:00:00Z"));

    JsonNode patch = json(DeviceMessages.statusPatch(current, report));

    assertThat(patch)
        .isEqualTo(
            json(
                """
                {"status":{"twins":[
                  {"propertyName":"humidity","reported":{"value":"40"}},
                  {"propertyName":"temperature","reported":{"value":"73.4"},
                   "observedDesired":{"value":"70"}}],
                 "state":"offline","lastOnlineTime":"2026-05-20T10:00:00Z"}}
                """));
  }

  @Test
  void aStateOnlyPatchLeavesTheTwinsAlone() throws Exception {
    JsonNode patch =
        json(DeviceMessages.statusPatch(JSON.missingNode(), DeviceReport.ofState("online", null)));

    assertThat(patch).isEqualTo(json("{\"status\":{\"state\":\"online\"}}"));
  }

  @Test
  void theMembershipHintNamesDevicesByNamespaceAndNameWithTheirDesiredValuesAndTypes()
      throws Exception {
    GenericKubernetesResource device =
        JSON.treeToValue(
            json(
                """
                {"apiVersion":"devices.kubeedge.io/v1beta1","kind":"Device",
                 "metadata":{"name":"plc-line3-temp","namespace":"factory"},
                 "spec":{"deviceModelRef":{"name":"modbus-temp-sensor"},"nodeName":"edge-pune-01",
                   "properties":[{"name":"temperature","desired":{"value":"70"}}]},
                 "status":{"state":"online"}}
                """),
            GenericKubernetesResource.class);
    GenericKubernetesResource model =
        JSON.treeToValue(
            json(
                """
                {"apiVersion":"devices.kubeedge.io/v1beta1","kind":"DeviceModel",
                 "metadata":{"name":"modbus-temp-sensor","namespace":"factory"},
                 "spec":{"properties":[{"name":"temperature","type":"FLOAT"}]}}
                """),
            GenericKubernetesResource.class);

    Message message =
        DeviceMessages.membership(
            clock, "edge-pune-01", List.of(device), List.of(), d -> Optional.of(model));

    assertThat(message.route().group()).isEqualTo("twin");
    assertThat(message.route().operation()).isEqualTo("update");
    assertThat(message.route().resource()).isEqualTo("node/edge-pune-01/membership");
    JsonNode added = message.content().path("added_devices").get(0);
    assertThat(added.path("id").asText()).isEqualTo("factory/plc-line3-temp");
    assertThat(added.path("state").asText()).isEqualTo("online");
    assertThat(added.path("twin").path("temperature").path("expected").path("value").asText())
        .isEqualTo("70");
    assertThat(added.path("twin").path("temperature").path("metadata").path("type").asText())
        .isEqualTo("float");
    assertThat(message.content().path("removed_devices")).isEmpty();
    assertThat(message.content().path("timestamp").asLong()).isEqualTo(1747756800123L);
    assertThat(DeviceMessages.nodeName(device)).isEqualTo("edge-pune-01");
    assertThat(DeviceMessages.modelName(device)).isEqualTo("modbus-temp-sensor");
  }
}
