package org.kubeedgejava.edgecore.devicetwin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kubeedgejava.dmi.UnixSocketGrpc;
import org.kubeedgejava.dmi.v1beta1.DeviceManagerServiceGrpc;
import org.kubeedgejava.dmi.v1beta1.DeviceMapperServiceGrpc;
import org.kubeedgejava.dmi.v1beta1.DeviceStatus;
import org.kubeedgejava.dmi.v1beta1.MapperInfo;
import org.kubeedgejava.dmi.v1beta1.MapperRegisterRequest;
import org.kubeedgejava.dmi.v1beta1.MapperRegisterResponse;
import org.kubeedgejava.dmi.v1beta1.ReportDeviceStatesRequest;
import org.kubeedgejava.dmi.v1beta1.ReportDeviceStatusRequest;
import org.kubeedgejava.dmi.v1beta1.TwinProperty;
import org.kubeedgejava.dmi.v1beta1.UpdateDeviceRequest;
import org.kubeedgejava.dmi.v1beta1.UpdateDeviceResponse;
import org.kubeedgejava.edgecore.eventbus.EventBus;
import org.kubeedgejava.edgecore.metamanager.MetaManager;
import org.kubeedgejava.edgecore.metamanager.MetaStore;
import org.kubeedgejava.edgecore.metamanager.UpstreamOutbox;
import org.kubeedgejava.testing.LocalMosquitto;
import org.kubeedgejava.wire.Message;
import org.kubeedgejava.wire.MessageCodec;
import org.kubeedgejava.wire.Route;

/**
 * DeviceTwin and EventBus wired as edgecore wires them, against a real Mosquitto, a fake cloud (a
 * sink for the outbox) and a fake mapper (a real DeviceMapperService on a temp socket).
 */
class DeviceTwinIT {
  private static final String ID = "default/thermo";
  private static final String PREFIX = "$hw/events/device/" + ID;

  @TempDir Path dir;
  private final Clock clock = Clock.systemUTC();
  private final List<Message> cloud = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<String[]> mqtt = new ConcurrentLinkedQueue<>();
  private volatile boolean tunnelUp = true;
  private LocalMosquitto broker;
  private MetaStore store;
  private MetaManager meta;
  private DeviceTwin twin;
  private EventBus bus;
  private MqttClient app;

  @BeforeEach
  void start() throws Exception {
    broker = LocalMosquitto.start(dir.resolve("mosquitto"));
    startEdge();
    app = new MqttClient(broker.url(), "test-app", new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(true);
    app.connect(o);
    app.subscribe(
        "$hw/events/#",
        1,
        (topic, m) ->
            mqtt.add(new String[] {topic, new String(m.getPayload(), StandardCharsets.UTF_8)}));
    meta.onCloudMessage(
        cloudObject(
            "default/devicemodel/thermo-model",
            "{\"apiVersion\":\"devices.kubeedge.io/v1beta1\",\"kind\":\"DeviceModel\","
                + "\"metadata\":{\"name\":\"thermo-model\",\"namespace\":\"default\",\"resourceVersion\":\"1\"},"
                + "\"spec\":{\"protocol\":\"modbus\",\"properties\":[{\"name\":\"temp\",\"type\":\"INT\","
                + "\"accessMode\":\"ReadWrite\"}]}}"));
    meta.onCloudMessage(cloudObject("default/device/thermo", device("25", 2, "2")));
    await().until(() -> "25".equals(twin.twinsOf(ID).get().get("temp").expected()));
  }

  private void startEdge() {
    store = MetaStore.open(dir.resolve("edgecore.db"));
    UpstreamOutbox outbox = new UpstreamOutbox(store, new MessageCodec(), this::toCloud);
    meta = new MetaManager(store, m -> {}, clock);
    twin =
        DeviceTwin.start(
            DeviceTwin.Settings.defaults("edge-1", dir.resolve("dmi/dmi.sock"))
                .withMinSilence(Duration.ofSeconds(30), Duration.ofMillis(200)),
            store,
            dir.resolve("edgecore.db"),
            outbox,
            () -> tunnelUp,
            clock);
    meta.addListener(twin::onMetaChange);
    bus = EventBus.start(broker.url(), twin, m -> {}, clock);
    await().until(bus::isConnected);
  }

  private void stopEdge() {
    bus.close();
    twin.close();
    store.close();
  }

  @AfterEach
  void stop() throws Exception {
    if (app != null && app.isConnected()) {
      app.disconnect();
    }
    stopEdge();
    broker.close();
  }

  private CompletableFuture<Void> toCloud(Message m) {
    if (!tunnelUp) {
      return CompletableFuture.failedFuture(new IllegalStateException("offline"));
    }
    cloud.add(m);
    return CompletableFuture.completedFuture(null);
  }

  private static String device(String desired, long generation, String resourceVersion) {
    return "{\"apiVersion\":\"devices.kubeedge.io/v1beta1\",\"kind\":\"Device\","
        + "\"metadata\":{\"name\":\"thermo\",\"namespace\":\"default\",\"generation\":"
        + generation
        + ",\"resourceVersion\":\""
        + resourceVersion
        + "\"},\"spec\":{\"deviceModelRef\":{\"name\":\"thermo-model\"},\"nodeName\":\"edge-1\","
        + "\"protocol\":{\"protocolName\":\"modbus\",\"configData\":{\"ip\":\"10.0.0.9\",\"port\":502}},"
        + "\"properties\":[{\"name\":\"temp\",\"desired\":{\"value\":\""
        + desired
        + "\"},\"reportCycle\":1000,\"visitors\":{\"protocolName\":\"modbus\","
        + "\"configData\":{\"register\":\"HoldingRegister\",\"offset\":2}}}]}}";
  }

  private Message cloudObject(String resource, String json) throws Exception {
    return Message.create(
        clock,
        new Route("edgecontroller", "", "resource", "insert", resource),
        TwinMessages.JSON.readTree(json));
  }

  private void publish(String suffix, String payload) throws Exception {
    app.publish(PREFIX + suffix, payload.getBytes(StandardCharsets.UTF_8), 1, false);
  }

  private JsonNode awaitMqtt(String topic) {
    return await()
        .until(
            () ->
                mqtt.stream()
                    .filter(m -> m[0].equals(topic))
                    .reduce((a, b) -> b)
                    .map(m -> read(m[1]))
                    .orElse(null),
            n -> n != null);
  }

  private static JsonNode read(String s) {
    try {
      return TwinMessages.JSON.readTree(s);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private JsonNode awaitCloud(String resource, java.util.function.Predicate<JsonNode> p) {
    return await()
        .until(
            () ->
                cloud.stream()
                    .filter(m -> m.route().resource().equals(resource))
                    .map(Message::content)
                    .filter(p)
                    .findFirst()
                    .orElse(null),
            n -> n != null);
  }

  @Test
  void anActualValueOverMqttIsStoredPublishedAsDocumentAndDeltaAndReportedToTheCloud()
      throws Exception {
    publish(
        "/twin/update",
        "{\"event_id\":\"e1\",\"twin\":{\"temp\":{\"actual\":{\"value\":\"21\"}}}}");

    JsonNode document = awaitMqtt(PREFIX + "/twin/update/document");
    assertThat(document.at("/twin/temp/current/actual/value").asText()).isEqualTo("21");
    JsonNode delta = awaitMqtt(PREFIX + "/twin/update/delta");
    assertThat(delta.at("/delta/temp").asText()).isEqualTo("25");
    JsonNode report =
        awaitCloud(
            "device/default/thermo/twin/edge_updated",
            c -> "21".equals(c.at("/twin/temp/actual/value").asText()));
    assertThat(report.at("/twin/temp/expected/value").asText()).isEqualTo("25");
    assertThat(report.at("/twin/temp/expected_version/cloud").asLong()).isEqualTo(2);
    assertThat(report.at("/twin/temp/metadata/type").asText()).isEqualTo("int");
    Message m =
        cloud.stream()
            .filter(x -> x.route().resource().endsWith("/twin/edge_updated"))
            .findFirst()
            .orElseThrow();
    assertThat(m.route().source()).isEqualTo("twin");
    assertThat(m.route().group()).isEqualTo("twin");
    assertThat(m.route().operation()).isEqualTo("update");
    assertThat(twin.twinsOf(ID).get().get("temp").actual()).isEqualTo("21");
  }

  @Test
  void malformedJsonIsAnsweredWith400AndNothingIsStored() throws Exception {
    publish("/twin/update", "{\"event_id\":\"bad\", \"twin\": {");

    JsonNode result = awaitMqtt(PREFIX + "/twin/update/result");
    assertThat(result.path("code").asInt()).isEqualTo(400);
    assertThat(result.path("reason").asText()).contains("not valid JSON");
    assertThat(twin.twinsOf(ID).get().get("temp").actual()).isNull();

    publish(
        "/twin/update",
        "{\"event_id\":\"e2\",\"twin\":{\"temp\":{\"actual\":{\"value\":\"warm\"}}}}");
    await()
        .until(() ->
            mqtt.stream()
                .anyMatch(
                    m -> m[0].endsWith("/twin/update/result") && m[1].contains("not a valid int")));
    assertThat(twin.twinsOf(ID).get().get("temp").actual()).isNull();
  }

  @Test
  void aLocalDesiredValueReachesTheRegisteredMapperAsUpdateDevice() throws Exception {
    ConcurrentLinkedQueue<UpdateDeviceRequest> updates = new ConcurrentLinkedQueue<>();
    try (FakeMapper mapper = new FakeMapper(dir.resolve("modbus.sock"), updates);
        UnixSocketGrpc.Channel edge =
            UnixSocketGrpc.connect(dir.resolve("dmi/dmi.sock").toString())) {
      MapperRegisterResponse registered = mapper.register(edge);
      assertThat(registered.getDeviceListList()).hasSize(1);
      var dev = registered.getDeviceList(0);
      assertThat(dev.getSpec().getDeviceModelReference()).isEqualTo("thermo-model");
      assertThat(dev.getSpec().getProperties(0).getDesired().getValue()).isEqualTo("25");
      assertThat(dev.getSpec().getProtocol().getConfigData().getDataMap())
          .containsKeys("ip", "port");
      assertThat(registered.getModelList(0).getSpec().getProperties(0).getType()).isEqualTo("INT");

      publish(
          "/twin/update",
          "{\"event_id\":\"e3\",\"twin\":{\"temp\":{\"expected\":{\"value\":\"30\"}}}}");

      await()
          .until(() ->
              updates.stream()
                  .anyMatch(u ->
                      u.getDevice()
                          .getSpec()
                          .getProperties(0)
                          .getDesired()
                          .getValue()
                          .equals("30")));
      assertThat(awaitMqtt(PREFIX + "/twin/update/delta").at("/delta/temp").asText())
          .isEqualTo("30");
      // a resync of the unchanged Device (same generation) does not undo the local write
      meta.onCloudMessage(cloudObject("default/device/thermo", device("25", 2, "3")));
      assertThat(twin.twinsOf(ID).get().get("temp").expected()).isEqualTo("30");
      // a newer generation from the cloud wins
      meta.onCloudMessage(cloudObject("default/device/thermo", device("27", 3, "4")));
      await()
          .until(() ->
              updates.stream()
                  .anyMatch(u ->
                      u.getDevice()
                          .getSpec()
                          .getProperties(0)
                          .getDesired()
                          .getValue()
                          .equals("27")));
    }
  }

  @Test
  void aCloudDesiredValueOfTheWrongTypeIsNotPushedAndNoted() throws Exception {
    meta.onCloudMessage(cloudObject("default/device/thermo", device("hot", 3, "3")));

    await().until(() -> !twin.twinsOf(ID).get().get("temp").note().isEmpty());
    Twin t = twin.twinsOf(ID).get().get("temp");
    assertThat(t.expected()).isEqualTo("25");
    assertThat(t.note()).contains("\"hot\" is not a valid int");
  }

  @Test
  void reportsOverDmiUpdateTwinsAndUnknownDevicesAreNotFound() throws Exception {
    try (UnixSocketGrpc.Channel edge =
        UnixSocketGrpc.connect(dir.resolve("dmi/dmi.sock").toString())) {
      var stub = DeviceManagerServiceGrpc.newBlockingStub(edge.channel());
      stub.reportDeviceStatus(
          ReportDeviceStatusRequest.newBuilder()
              .setDeviceNamespace("default")
              .setDeviceName("thermo")
              .setReportedDevice(
                  DeviceStatus.newBuilder()
                      .addTwins(
                          org.kubeedgejava.dmi.v1beta1.Twin.newBuilder()
                              .setPropertyName("temp")
                              .setReported(TwinProperty.newBuilder().setValue("23"))))
              .build());
      stub.reportDeviceStates(
          ReportDeviceStatesRequest.newBuilder()
              .setDeviceNamespace("default")
              .setDeviceName("thermo")
              .setState("online")
              .build());

      assertThat(twin.twinsOf(ID).get().get("temp").actual()).isEqualTo("23");
      JsonNode state =
          awaitCloud(
              "device/default/thermo/state/update",
              c -> c.isTextual() && c.asText().contains("online"));
      assertThat(read(state.asText()).path("lastOnlineTime").asText()).isNotEmpty();
      assertThatThrownBy(() ->
              stub.reportDeviceStates(
                  ReportDeviceStatesRequest.newBuilder()
                      .setDeviceNamespace("default")
                      .setDeviceName("ghost")
                      .setState("online")
                      .build()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }
  }

  @Test
  void aMappersReadErrorIsKeptReportedToTheCloudAndClearedByTheNextGoodRead() throws Exception {
    String error = "Modbus exception 2 (ILLEGAL_DATA_ADDRESS) reading HoldingRegister 5000";
    try (UnixSocketGrpc.Channel edge =
        UnixSocketGrpc.connect(dir.resolve("dmi/dmi.sock").toString())) {
      var stub = DeviceManagerServiceGrpc.newBlockingStub(edge.channel());
      // never read successfully: the mapper sends an empty value with the error
      stub.reportDeviceStatus(
          report(TwinProperty.newBuilder().setValue("").putMetadata("error", error)));

      Twin failed = twin.twinsOf(ID).get().get("temp");
      assertThat(failed.actual()).isNull();
      assertThat(failed.actualError()).isEqualTo(error);
      awaitCloud(
          "device/default/thermo/twin/edge_updated",
          c ->
              error.equals(
                  c.path("twin")
                      .path("temp")
                      .path("actual")
                      .path("metadata")
                      .path("error")
                      .asText()));

      stub.reportDeviceStatus(report(TwinProperty.newBuilder().setValue("23")));

      Twin recovered = twin.twinsOf(ID).get().get("temp");
      assertThat(recovered.actual()).isEqualTo("23");
      assertThat(recovered.actualError()).isEmpty();
      awaitCloud(
          "device/default/thermo/twin/edge_updated",
          c ->
              "23".equals(c.path("twin").path("temp").path("actual").path("value").asText())
                  && !c.path("twin").path("temp").path("actual").path("metadata").has("error"));
    }
  }

  private static ReportDeviceStatusRequest report(TwinProperty.Builder reported) {
    return ReportDeviceStatusRequest.newBuilder()
        .setDeviceNamespace("default")
        .setDeviceName("thermo")
        .setReportedDevice(
            DeviceStatus.newBuilder()
                .addTwins(
                    org.kubeedgejava.dmi.v1beta1.Twin.newBuilder()
                        .setPropertyName("temp")
                        .setReported(reported)))
        .build();
  }

  @Test
  void whenTheMapperDiesItsDevicesGoOffline() throws Exception {
    ConcurrentLinkedQueue<UpdateDeviceRequest> updates = new ConcurrentLinkedQueue<>();
    FakeMapper mapper = new FakeMapper(dir.resolve("modbus.sock"), updates);
    try (UnixSocketGrpc.Channel edge =
        UnixSocketGrpc.connect(dir.resolve("dmi/dmi.sock").toString())) {
      mapper.register(edge);
      DeviceManagerServiceGrpc.newBlockingStub(edge.channel())
          .reportDeviceStates(
              ReportDeviceStatesRequest.newBuilder()
                  .setDeviceNamespace("default")
                  .setDeviceName("thermo")
                  .setState("online")
                  .build());
      assertThat(twin.stateOf(ID).get()).isEqualTo("online");

      mapper.close();
      publish("/twin/update", "{\"twin\":{\"temp\":{\"expected\":{\"value\":\"31\"}}}}");

      await().until(() -> "offline".equals(twin.stateOf(ID).get()));
      awaitCloud("device/default/thermo/state/update", c -> c.asText().contains("offline"));
    }
  }

  @Test
  void afterARestartWithoutTheCloudTheTwinsAreRebuiltFromSqlite() throws Exception {
    publish(
        "/twin/update",
        "{\"twin\":{\"temp\":{\"actual\":{\"value\":\"22\"},\"expected\":{\"value\":\"24\"}}}}");
    await().until(() -> "22".equals(twin.twinsOf(ID).get().get("temp").actual()));

    stopEdge();
    tunnelUp = false;
    cloud.clear();
    startEdge();

    Map<String, Twin> twins = twin.twinsOf(ID).get(5, TimeUnit.SECONDS);
    assertThat(twins.get("temp").actual()).isEqualTo("22");
    assertThat(twins.get("temp").expected()).isEqualTo("24");
    assertThat(twins.get("temp").expectedVersion()).isEqualTo(new TwinVersion(2, 1));
    // on connect every device's twin is reported again
    tunnelUp = true;
    twin.onCloudConnected();
    awaitCloud(
        "device/default/thermo/twin/edge_updated",
        c -> "22".equals(c.at("/twin/temp/actual/value").asText()));
  }

  /** A mapper: serves DeviceMapperService on its socket and records UpdateDevice calls. */
  private static final class FakeMapper extends DeviceMapperServiceGrpc.DeviceMapperServiceImplBase
      implements AutoCloseable {
    private final Path socket;
    private final ConcurrentLinkedQueue<UpdateDeviceRequest> updates;
    private final java.util.concurrent.ExecutorService executor =
        Executors.newSingleThreadExecutor();
    private final UnixSocketGrpc.Serving serving;

    FakeMapper(Path socket, ConcurrentLinkedQueue<UpdateDeviceRequest> updates) {
      this.socket = socket;
      this.updates = updates;
      this.serving = UnixSocketGrpc.serve(socket, executor, List.of(this));
    }

    MapperRegisterResponse register(UnixSocketGrpc.Channel edge) {
      return DeviceManagerServiceGrpc.newBlockingStub(edge.channel())
          .mapperRegister(
              MapperRegisterRequest.newBuilder()
                  .setWithData(true)
                  .setMapper(
                      MapperInfo.newBuilder()
                          .setName("fake-modbus")
                          .setProtocol("modbus")
                          .setAddress(ByteString.copyFromUtf8(socket.toString())))
                  .build());
    }

    @Override
    public void updateDevice(
        UpdateDeviceRequest request, StreamObserver<UpdateDeviceResponse> out) {
      updates.add(request);
      out.onNext(UpdateDeviceResponse.getDefaultInstance());
      out.onCompleted();
    }

    @Override
    public void close() {
      serving.close();
      executor.shutdownNow();
    }
  }
}
