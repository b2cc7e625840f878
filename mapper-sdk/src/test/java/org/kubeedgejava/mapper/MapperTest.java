package org.kubeedgejava.mapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.kubeedgejava.mapper.DmiObjects.device;
import static org.kubeedgejava.mapper.DmiObjects.json;
import static org.kubeedgejava.mapper.DmiObjects.model;
import static org.kubeedgejava.mapper.DmiObjects.property;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kubeedgejava.dmi.v1beta1.Device;
import org.kubeedgejava.dmi.v1beta1.DeviceModel;
import org.kubeedgejava.dmi.v1beta1.GetDeviceRequest;
import org.kubeedgejava.dmi.v1beta1.MapperInfo;
import org.kubeedgejava.dmi.v1beta1.RegisterDeviceRequest;
import org.kubeedgejava.dmi.v1beta1.RemoveDeviceRequest;
import org.kubeedgejava.dmi.v1beta1.Twin;
import org.kubeedgejava.dmi.v1beta1.UpdateDeviceRequest;

class MapperTest {
  private static final String NS = "factory";
  private static final Instant NOW = Instant.ofEpochMilli(1_747_756_800_123L);
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;
  private final FakeDrivers drivers = new FakeDrivers();
  private FakeDeviceManager edgecore;
  private Mapper mapper;

  @BeforeEach
  void setUp() {
    edgecore = new FakeDeviceManager(dir.resolve("dmi.sock"));
  }

  @AfterEach
  void tearDown() {
    if (mapper != null) {
      mapper.close();
    }
    edgecore.close();
  }

  private Mapper startMapper() {
    MapperConfig config =
        MapperConfig.defaults("fake-mapper", "1.2.3")
            .withSockets(dir.resolve("fake.sock"), edgecore.socket().toString())
            .withBackoff(
                new Backoff(Duration.ofMillis(20), Duration.ofMillis(100)),
                new Backoff(Duration.ofMillis(50), Duration.ofMillis(200)))
            .withClock(Clock.fixed(NOW, ZoneOffset.UTC));
    mapper = Mapper.start(config, drivers);
    return mapper;
  }

  private static DeviceModel sensorModel() {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("temperature", "float");
    props.put("counter", "INT");
    props.put("enabled", "boolean");
    props.put("label", "STRING");
    props.put("serial", "int:ReadOnly");
    return model(NS, "sensor", props);
  }

  private static Device sensor(String name, String host, String temperatureDesired) {
    return device(NS, name, "sensor", "fake", json("host", host))
        .setSpec(
            device(NS, name, "sensor", "fake", json("host", host)).getSpec().toBuilder()
                .addProperties(
                    property("temperature", "fake", json("address", "t"), 50, temperatureDesired))
                .addProperties(property("counter", "fake", json("address", "c"), 50, null))
                .addProperties(property("enabled", "fake", json("address", "e"), 50, null))
                .addProperties(property("label", "fake", json("address", "l"), 50, null)))
        .build();
  }

  @Test
  void registersWithEdgecoreAndStartsTheDevicesItGetsBack() {
    drivers.plc("plc1").values.putAll(Map.of("t", 73.4, "c", 42, "e", 1, "l", "line 3"));
    edgecore.with(List.of(sensorModel()), List.of(sensor("temp-1", "plc1", null))).start();

    startMapper();

    await().atMost(WAIT).until(() -> mapper.registered());
    MapperInfo info = edgecore.registrations().getFirst().getMapper();
    assertThat(edgecore.registrations().getFirst().getWithData()).isTrue();
    assertThat(info.getName()).isEqualTo("fake-mapper");
    assertThat(info.getVersion()).isEqualTo("1.2.3");
    assertThat(info.getApiVersion()).isEqualTo("v1beta1");
    assertThat(info.getProtocol()).isEqualTo("fake");
    assertThat(info.getAddress().toStringUtf8()).isEqualTo(dir.resolve("fake.sock").toString());
    assertThat(info.getState()).isEqualTo("ok");
    await().atMost(WAIT).until(() -> edgecore.lastState(NS, "temp-1").orElse(""), "online"::equals);
  }

  @Test
  void reportsEachPropertyAsAStringOfItsModelType() {
    drivers.plc("plc1").values.putAll(Map.of("t", 73.4, "c", 42L, "e", 1, "l", "line 3"));
    edgecore.with(List.of(sensorModel()), List.of(sensor("temp-1", "plc1", null))).start();
    startMapper();

    await()
        .atMost(WAIT)
        .untilAsserted(() -> {
          assertThat(edgecore.lastReported(NS, "temp-1", "temperature")).contains("73.4");
          assertThat(edgecore.lastReported(NS, "temp-1", "counter")).contains("42");
          assertThat(edgecore.lastReported(NS, "temp-1", "enabled")).contains("true");
          assertThat(edgecore.lastReported(NS, "temp-1", "label")).contains("line 3");
        });
    Twin twin = edgecore.lastTwin(NS, "temp-1", "temperature").orElseThrow();
    assertThat(twin.getReported().getMetadataMap())
        .containsEntry("type", "float")
        .containsEntry("timestamp", Long.toString(NOW.toEpochMilli()))
        .doesNotContainKey("error");
  }

  @Test
  void waitsForEdgecoreAndRegistersAgainAfterItRestarts() {
    drivers.plc("plc1").values.putAll(Map.of("t", 20.5, "c", 1, "e", 0, "l", "x"));
    edgecore.with(List.of(sensorModel()), List.of(sensor("temp-1", "plc1", null)));
    startMapper(); // edgecore is not there yet

    edgecore.start();
    await().atMost(WAIT).until(() -> mapper.registered());
    await()
        .atMost(WAIT)
        .until(() -> edgecore.lastReported(NS, "temp-1", "temperature").isPresent());

    edgecore.stop();
    await().atMost(WAIT).until(() -> !mapper.registered());
    edgecore.start();

    await().atMost(WAIT).until(() -> edgecore.registrations().size() >= 2);
    await().atMost(WAIT).until(() -> mapper.registered());
  }

  @Test
  void writesADesiredValueThenReadsItBack() {
    FakeDrivers.FakePlc plc = drivers.plc("plc1");
    plc.values.putAll(Map.of("t", 73.4, "c", 1, "e", 0, "l", "x"));
    edgecore.with(List.of(sensorModel()), List.of(sensor("temp-1", "plc1", "70"))).start();
    startMapper();

    await()
        .atMost(WAIT)
        .until(
            () -> edgecore.lastReported(NS, "temp-1", "temperature"),
            r -> r.equals(java.util.Optional.of("70")));
    assertThat(plc.writes).containsExactly(70.0f);
    Twin twin = edgecore.lastTwin(NS, "temp-1", "temperature").orElseThrow();
    assertThat(twin.getObservedDesired().getValue()).isEqualTo("70");
    assertThat(twin.getObservedDesired().getMetadataMap()).doesNotContainKey("error");

    // a new desired value arrives as UpdateDevice; the running connection is kept
    int connects = plc.connects.get();
    edgecore
        .mapper()
        .updateDevice(
            UpdateDeviceRequest.newBuilder().setDevice(sensor("temp-1", "plc1", "65.5")).build());

    await()
        .atMost(WAIT)
        .until(
            () -> edgecore.lastReported(NS, "temp-1", "temperature"),
            r -> r.equals(java.util.Optional.of("65.5")));
    assertThat(plc.writes).containsExactly(70.0f, 65.5f);
    assertThat(plc.connects.get()).isEqualTo(connects);
  }

  @Test
  void refusesADesiredValueThatIsNotOfThePropertyType() {
    FakeDrivers.FakePlc plc = drivers.plc("plc1");
    plc.values.putAll(Map.of("t", 73.4, "c", 1, "e", 0, "l", "x"));
    edgecore.with(List.of(sensorModel()), List.of(sensor("temp-1", "plc1", "warm"))).start();
    startMapper();

    await()
        .atMost(WAIT)
        .untilAsserted(() ->
            assertThat(
                    edgecore
                        .lastTwin(NS, "temp-1", "temperature")
                        .map(t -> t.getObservedDesired().getMetadataMap().get("error")))
                .hasValueSatisfying(e -> assertThat(e).contains("'warm' is not a valid FLOAT")));
    assertThat(plc.writes).isEmpty();
    assertThat(edgecore.lastState(NS, "temp-1")).contains("online");
    // the device goes on reporting what it reads
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(edgecore.lastReported(NS, "temp-1", "temperature")).contains("73.4"));
  }

  @Test
  void neverWritesAReadOnlyProperty() {
    FakeDrivers.FakePlc plc = drivers.plc("plc1");
    plc.values.put("s", 12345);
    Device device =
        device(NS, "temp-1", "sensor", "fake", json("host", "plc1"))
            .setSpec(
                device(NS, "temp-1", "sensor", "fake", json("host", "plc1")).getSpec().toBuilder()
                    .addProperties(property("serial", "fake", json("address", "s"), 50, "1")))
            .build();
    edgecore.with(List.of(sensorModel()), List.of(device)).start();
    startMapper();

    await()
        .atMost(WAIT)
        .untilAsserted(() ->
            assertThat(
                    edgecore
                        .lastTwin(NS, "temp-1", "serial")
                        .map(t -> t.getObservedDesired().getMetadataMap().get("error")))
                .hasValueSatisfying(e -> assertThat(e).contains("ReadOnly")));
    assertThat(plc.writes).isEmpty();
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(edgecore.lastReported(NS, "temp-1", "serial")).contains("12345"));
  }

  @Test
  void aDeviceThatFailsGoesOfflineAndComesBackWhileOthersKeepReporting() {
    FakeDrivers.FakePlc flaky = drivers.plc("flaky");
    FakeDrivers.FakePlc steady = drivers.plc("steady");
    flaky.values.putAll(Map.of("t", 1.5, "c", 1, "e", 0, "l", "x"));
    steady.values.putAll(Map.of("t", 2.5, "c", 1, "e", 0, "l", "x"));
    edgecore
        .with(
            List.of(sensorModel()),
            List.of(sensor("flaky", "flaky", null), sensor("steady", "steady", null)))
        .start();
    startMapper();
    await().atMost(WAIT).until(() -> edgecore.lastState(NS, "flaky").orElse(""), "online"::equals);

    flaky.down = true;
    await().atMost(WAIT).until(() -> edgecore.lastState(NS, "flaky").orElse(""), "offline"::equals);
    assertThat(mapper.deviceState(NS, "flaky")).contains(DeviceState.OFFLINE);
    // it keeps trying, with back-off
    await().atMost(WAIT).until(() -> flaky.connects.get() >= 3);

    // meanwhile the other device reports what changes
    steady.values.put("t", 3.5);
    await()
        .atMost(WAIT)
        .until(
            () -> edgecore.lastReported(NS, "steady", "temperature"),
            r -> r.equals(java.util.Optional.of("3.5")));
    assertThat(edgecore.lastState(NS, "steady")).contains("online");

    flaky.values.put("t", 4.5);
    flaky.down = false;
    await().atMost(WAIT).until(() -> edgecore.lastState(NS, "flaky").orElse(""), "online"::equals);
    await()
        .atMost(WAIT)
        .until(
            () -> edgecore.lastReported(NS, "flaky", "temperature"),
            r -> r.equals(java.util.Optional.of("4.5")));
  }

  @Test
  void aRefusedReadIsReportedAndTheDeviceStaysOnline() {
    FakeDrivers.FakePlc plc = drivers.plc("plc1");
    plc.values.putAll(Map.of("t", 73.4, "c", 1, "e", 0, "l", "x"));
    plc.refused.add("c");
    edgecore.with(List.of(sensorModel()), List.of(sensor("temp-1", "plc1", null))).start();
    startMapper();

    await()
        .atMost(WAIT)
        .untilAsserted(() ->
            assertThat(
                    edgecore
                        .lastTwin(NS, "temp-1", "counter")
                        .map(t -> t.getReported().getMetadataMap().get("error")))
                .contains("address c refused"));
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> assertThat(edgecore.lastReported(NS, "temp-1", "temperature")).contains("73.4"));
    assertThat(edgecore.lastState(NS, "temp-1")).contains("online");
    assertThat(plc.connects.get()).isEqualTo(1);
  }

  @Test
  void servesDeviceMapperServiceToEdgecore() {
    drivers.plc("plc1").values.putAll(Map.of("t", 73.4, "c", 1, "e", 0, "l", "x"));
    edgecore.with(List.of(sensorModel()), List.of()).start();
    startMapper();
    await().atMost(WAIT).until(() -> mapper.registered());

    // an invalid device is refused with the reason, and not started
    Device noHost = device(NS, "broken", "sensor", "fake", json("port", 1)).build();
    assertThatThrownBy(() ->
            edgecore
                .mapper()
                .registerDevice(RegisterDeviceRequest.newBuilder().setDevice(noHost).build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
              assertThat(e.getStatus().getDescription()).contains("needs host");
            });
    assertThat(mapper.deviceState(NS, "broken")).isEmpty();

    edgecore
        .mapper()
        .registerDevice(
            RegisterDeviceRequest.newBuilder().setDevice(sensor("temp-1", "plc1", null)).build());
    await()
        .atMost(WAIT)
        .untilAsserted(() ->
            assertThat(
                    edgecore
                        .mapper()
                        .getDevice(
                            GetDeviceRequest.newBuilder()
                                .setDeviceNamespace(NS)
                                .setDeviceName("temp-1")
                                .build())
                        .getDevice()
                        .getStatus()
                        .getTwinsList())
                .anySatisfy(t -> {
                  assertThat(t.getPropertyName()).isEqualTo("temperature");
                  assertThat(t.getReported().getValue()).isEqualTo("73.4");
                }));

    edgecore
        .mapper()
        .removeDevice(
            RemoveDeviceRequest.newBuilder()
                .setDeviceNamespace(NS)
                .setDeviceName("temp-1")
                .build());
    assertThat(mapper.deviceState(NS, "temp-1")).isEmpty();
    assertThatThrownBy(() ->
            edgecore
                .mapper()
                .getDevice(
                    GetDeviceRequest.newBuilder()
                        .setDeviceNamespace(NS)
                        .setDeviceName("temp-1")
                        .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }
}
