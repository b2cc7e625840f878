package org.kubeedgejava.e2e.devices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.kubeedgejava.cloudcore.CloudCore;
import org.kubeedgejava.cloudcore.delivery.KubeJson;
import org.kubeedgejava.config.edgecore.EdgeCoreConfig;
import org.kubeedgejava.e2e.InProcessNodes;
import org.kubeedgejava.edgecore.EdgeCore;
import org.kubeedgejava.mapper.Backoff;
import org.kubeedgejava.mapper.Mapper;
import org.kubeedgejava.mapper.MapperConfig;
import org.kubeedgejava.mapper.modbus.ModbusDrivers;
import org.kubeedgejava.testing.ControlPlaneTest;
import org.kubeedgejava.testing.FreePorts;
import org.kubeedgejava.testing.LocalControlPlane;
import org.kubeedgejava.testing.LocalMosquitto;
import org.kubeedgejava.testing.SimulatedPlc;
import org.kubeedgejava.testing.TestNamespace;
import org.kubeedgejava.testing.TunnelCut;

/**
 * The device path end to end, with every part real: the control plane with the device CRDs,
 * cloudcore and edgecore (in this JVM, talking over the real tunnel), Mosquitto as the node's
 * broker, the Modbus mapper over DMI, and a PLC we did not write (pymodbus) read and written by a
 * client we did not write (mbpoll). The seed's DeviceModel and its Device over Modbus TCP: the
 * desired value reaches the PLC's register, the register's value reaches {@code .status.twins}, and
 * with the tunnel cut the node keeps twinning locally over MQTT and reports the latest value once
 * the tunnel is back. Bad input on the same parts: a register out of the PLC's range shows the
 * Modbus exception in the Device's status while the device stays online and the mapper serves the
 * other devices; a mapper that dies leaves the node Ready and takes its device offline until a new
 * mapper brings it back (last, since the tests share the mapper).
 */
@ControlPlaneTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DeviceEndToEndIT {
  private static final String NODE = "edge-devices-e2e";
  private static final String DEVICES = "devices.kubeedge.io/v1beta1";
  private static final String DEVICE = "plc-line3-temp";
  private static final int REGISTER = 100;

  /** The acceptance's bound for a change to cross cloud, tunnel, edge, mapper and PLC. */
  private static final Duration FIVE_SECONDS = Duration.ofSeconds(5);

  private static KubernetesClient kube;
  private static Path dir;
  private static int[] ports;
  private static CloudCore cloud;
  private static EdgeCore edge;
  private static LocalMosquitto mqtt;
  private static SimulatedPlc plc;
  private static Mapper mapper;
  private static String dmiSocket;

  @BeforeAll
  static void start(KubernetesClient client, LocalControlPlane plane) throws Exception {
    kube = client;
    dir = Files.createTempDirectory("device-e2e");
    InProcessNodes.installCrds(kube, plane);
    plc = SimulatedPlc.start(FreePorts.pick(1)[0], Map.of(REGISTER, 734), dir.resolve("plc.log"));
    mqtt = LocalMosquitto.start(dir.resolve("mosquitto"));
    ports = FreePorts.pick(3);
    Clock clock = Clock.systemUTC();
    cloud =
        CloudCore.start(InProcessNodes.cloudConfig(plane, ports), clock, new PrometheusRegistry());
    EdgeCoreConfig config =
        EdgeCoreConfig.loader()
            .withAssignments(
                InProcessNodes.edgeConfig(
                    NODE, ports, InProcessNodes.joinToken(kube), dir.resolve("edge")),
                List.of(
                    "modules.eventBus.mqttServerExternal=" + mqtt.url(),
                    // devices only: no container runtime in this test
                    "modules.edged.enable=false"));
    edge = EdgeCore.start(config, clock, new PrometheusRegistry());
    await("the node's tunnel")
        .atMost(Duration.ofSeconds(30))
        .until(() -> cloud.sessions().get(NODE).isPresent());
    dmiSocket = config.modules().deviceTwin().dmiSockPath();
    mapper = startMapper();
  }

  private static Mapper startMapper() {
    Mapper started =
        Mapper.start(
            MapperConfig.defaults("modbus", "e2e")
                .withSockets(dir.resolve("modbus.sock"), dmiSocket)
                .withBackoff(
                    new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1)),
                    new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2))),
            new ModbusDrivers());
    await("the mapper registered over DMI")
        .atMost(Duration.ofSeconds(15))
        .until(started::registered);
    return started;
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable part : new AutoCloseable[] {mapper, edge, cloud, mqtt, plc}) {
      if (part != null) {
        try {
          part.close();
        } catch (Exception e) {
          System.err.println("while stopping " + part + ": " + e);
        }
      }
    }
    if (dir != null) {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      } catch (java.io.IOException e) {
        System.err.println("cannot remove " + dir + ": " + e);
      }
    }
    InProcessNodes.forget(kube, NODE);
  }

  @Test
  @Order(1)
  void aRegisterOutOfThePlcsRangeShowsTheModbusExceptionWhileTheDeviceStaysOnline(TestNamespace ns)
      throws Exception {
    createSeedModel(ns);
    // offset 5000: the simulated PLC has holding registers 0..999 only
    createDevice(plcDevice(ns, "plc-line3-out-of-range", 5000, false));
    // a neighbour on a register that exists, served by the same mapper at the same time
    createDevice(plcDevice(ns, "plc-line3-neighbour", REGISTER, false));

    await("the Modbus exception in .status.twins[].reported.metadata.error")
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> reportedTwin(ns, "plc-line3-out-of-range").path("metadata").path("error"),
            e -> e.asText().contains("ILLEGAL_DATA_ADDRESS"));
    await("the device stays online: the PLC answered, it refused the address")
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> statusOf(ns, "plc-line3-out-of-range").path("state").asText(), "online"::equals);
    await("the neighbour's value in .status.twins")
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> reportedTwin(ns, "plc-line3-neighbour").path("value").asText(),
            v -> !v.isEmpty());
    assertThat(reportedTwin(ns, "plc-line3-neighbour").path("metadata").has("error")).isFalse();
    assertThat(mapper.registered()).as("the mapper did not crash").isTrue();
    assertThat(edge.hub().isConnected()).isTrue();
  }

  @Test
  @Order(2)
  void aModbusPlcIsTwinnedThroughTheCloudAndLocallyWhileTheTunnelIsCut(TestNamespace ns)
      throws Exception {
    kube.genericKubernetesResources(DEVICES, "DeviceModel")
        .inNamespace(ns.name())
        .resource(seed("modbus-temp-model.yaml", ns.name()))
        .create();
    GenericKubernetesResource device = seed("plc-line3-temp-tcp.yaml", ns.name());
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) device.getAdditionalProperties().get("spec");
    spec.put("nodeName", NODE);
    @SuppressWarnings("unchecked")
    Map<String, Object> config =
        (Map<String, Object>) ((Map<String, Object>) spec.get("protocol")).get("configData");
    config.put("port", plc.port());
    kube.genericKubernetesResources(DEVICES, "Device")
        .inNamespace(ns.name())
        .resource(device)
        .create();

    // the seed's Device wants 70: the PLC's register gets 700 (scale 0.1) and the twin converges
    await("the Device's desired 70 written to the PLC")
        .atMost(FIVE_SECONDS)
        .until(() -> plc.holdingRegister(REGISTER), v -> v.equals(Optional.of(700)));
    await("reported 70 in .status.twins")
        .atMost(FIVE_SECONDS)
        .until(() -> reported(ns), v -> v.equals(Optional.of("70")));

    // kubectl patch of the desired value: the register follows, read by an independent client
    patchDesired(ns, "65");
    await("desired 65 written")
        .atMost(FIVE_SECONDS)
        .until(() -> plc.holdingRegister(REGISTER), v -> v.equals(Optional.of(650)));
    await("reported 65")
        .atMost(FIVE_SECONDS)
        .until(() -> reported(ns), v -> v.equals(Optional.of("65")));
    patchDesired(ns, "70");
    await("desired 70 written")
        .atMost(FIVE_SECONDS)
        .until(() -> plc.holdingRegister(REGISTER), v -> v.equals(Optional.of(700)));

    // the PLC's own program moves the value (a sensor would): 734 reads as 73.4 in the cloud,
    // next to the desired 70 — the seed's picture
    plc.writeHoldingRegister(REGISTER, 734);
    await("reported 73.4 in .status.twins")
        .atMost(FIVE_SECONDS)
        .until(() -> reported(ns), v -> v.equals(Optional.of("73.4")));

    try (TunnelCut outage = TunnelCut.dropTcpPort(ports[0])) {
      // offline for real: the node's EdgeHub has given the tunnel up (missed heartbeats)
      await("the edge notices the outage")
          .atMost(Duration.ofSeconds(30))
          .until(() -> !edge.hub().isConnected());
      // a local app sets a new desired value over MQTT: no cloud round trip needed
      mosquittoPub(
          "$hw/events/device/" + ns.name() + "/" + DEVICE + "/twin/update",
          "{\"event_id\":\"local-1\",\"timestamp\":"
              + System.currentTimeMillis()
              + ",\"twin\":{\"temperature\":{\"expected\":{\"value\":\"60\"}}}}");
      await("the locally desired 60 written to the PLC while the tunnel is cut")
          .atMost(FIVE_SECONDS)
          .until(() -> plc.holdingRegister(REGISTER), v -> v.equals(Optional.of(600)));
      await("the edge twin follows the PLC")
          .atMost(FIVE_SECONDS)
          .until(() -> edgeActual(ns), v -> v.equals(Optional.of("60")));
      plc.writeHoldingRegister(REGISTER, 611);
      await("the mapper's reports keep updating the edge twin")
          .atMost(FIVE_SECONDS)
          .until(() -> edgeActual(ns), v -> v.equals(Optional.of("61.1")));
      assertThat(reported(ns)).as("the cloud cannot have heard while cut").contains("73.4");
    }

    await("after reconnect the cloud shows the latest reported value")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> reported(ns), v -> v.equals(Optional.of("61.1")));
    assertThat(statusOf(ns).path("state").asText()).isEqualTo("online");

    // removing the Device stops the mapper polling the PLC
    kube.genericKubernetesResources(DEVICES, "Device")
        .inNamespace(ns.name())
        .withName(DEVICE)
        .delete();
    await("the mapper dropped the device")
        .atMost(Duration.ofSeconds(15))
        .until(() -> mapper.device(ns.name(), DEVICE).isEmpty());
  }

  @Test
  @Order(3)
  void whenTheMapperDiesTheNodeStaysReadyAndTheDeviceGoesOfflineUntilANewMapperComes(
      TestNamespace ns) throws Exception {
    createSeedModel(ns);
    createDevice(plcDevice(ns, DEVICE, REGISTER, true));
    await("the device online with a reported value")
        .atMost(Duration.ofSeconds(10))
        .until(() ->
            "online".equals(statusOf(ns, DEVICE).path("state").asText())
                && reported(ns).isPresent());
    assertThat(nodeReady()).isTrue();

    mapper.close();
    // edgecore's silence detection: 3x the report cycle, at least 30 s, checked every 5 s. The
    // node's own Ready condition must not notice at all.
    await("the node stays Ready while the mapper is gone")
        .during(Duration.ofSeconds(30))
        .atMost(Duration.ofSeconds(35))
        .pollInterval(Duration.ofSeconds(1))
        .until(DeviceEndToEndIT::nodeReady);
    await("the device offline in .status.state")
        .atMost(Duration.ofSeconds(15))
        .until(() -> statusOf(ns, DEVICE).path("state").asText(), "offline"::equals);
    assertThat(nodeReady()).isTrue();

    mapper = startMapper();
    await("a new mapper brings the device back online")
        .atMost(Duration.ofSeconds(15))
        .until(() -> statusOf(ns, DEVICE).path("state").asText(), "online"::equals);
    assertThat(nodeReady()).isTrue();
  }

  /** Whether the Node's Ready condition is True. */
  private static boolean nodeReady() {
    var node = kube.nodes().withName(NODE).get();
    return node != null
        && node.getStatus() != null
        && node.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static void createSeedModel(TestNamespace ns) throws Exception {
    kube.genericKubernetesResources(DEVICES, "DeviceModel")
        .inNamespace(ns.name())
        .resource(seed("modbus-temp-model.yaml", ns.name()))
        .create();
  }

  private static void createDevice(GenericKubernetesResource device) {
    kube.genericKubernetesResources(DEVICES, "Device")
        .inNamespace(device.getMetadata().getNamespace())
        .resource(device)
        .create();
  }

  /**
   * The seed's Modbus TCP Device as {@code name}, on this test's node and PLC, its temperature at
   * holding register {@code offset}, with or without the seed's desired value.
   */
  @SuppressWarnings("unchecked")
  private static GenericKubernetesResource plcDevice(
      TestNamespace ns, String name, int offset, boolean desired) throws Exception {
    GenericKubernetesResource device = seed("plc-line3-temp-tcp.yaml", ns.name());
    device.getMetadata().setName(name);
    Map<String, Object> spec = (Map<String, Object>) device.getAdditionalProperties().get("spec");
    spec.put("nodeName", NODE);
    ((Map<String, Object>) ((Map<String, Object>) spec.get("protocol")).get("configData"))
        .put("port", plc.port());
    Map<String, Object> property = ((List<Map<String, Object>>) spec.get("properties")).getFirst();
    ((Map<String, Object>) ((Map<String, Object>) property.get("visitors")).get("configData"))
        .put("offset", offset);
    if (!desired) {
      property.remove("desired");
    }
    return device;
  }

  private static GenericKubernetesResource seed(String file, String namespace) throws Exception {
    try (InputStream in =
        Files.newInputStream(
            org.kubeedgejava.testing.RepoRoot.find().resolve("examples/seed").resolve(file))) {
      GenericKubernetesResource object =
          kube.getKubernetesSerialization().unmarshal(in, GenericKubernetesResource.class);
      object.getMetadata().setNamespace(namespace);
      object.getAdditionalProperties().remove("status");
      return object;
    }
  }

  private static void patchDesired(TestNamespace ns, String value) {
    kube.genericKubernetesResources(DEVICES, "Device")
        .inNamespace(ns.name())
        .withName(DEVICE)
        .patch(
            PatchContext.of(PatchType.JSON),
            "[{\"op\":\"replace\",\"path\":\"/spec/properties/0/desired/value\",\"value\":\""
                + value
                + "\"}]");
  }

  private static JsonNode statusOf(TestNamespace ns) {
    return statusOf(ns, DEVICE);
  }

  private static JsonNode statusOf(TestNamespace ns, String name) {
    GenericKubernetesResource d =
        kube.genericKubernetesResources(DEVICES, "Device")
            .inNamespace(ns.name())
            .withName(name)
            .get();
    return d == null
        ? KubeJson.MAPPER.createObjectNode()
        : KubeJson.MAPPER.valueToTree(d.getAdditionalProperties().get("status"));
  }

  /** {@code .status.twins[temperature].reported.value} of the Device, as kubectl would show it. */
  private static Optional<String> reported(TestNamespace ns) {
    for (JsonNode twin : statusOf(ns).path("twins")) {
      if ("temperature".equals(twin.path("propertyName").asText())) {
        String v = twin.path("reported").path("value").asText("");
        return v.isEmpty() ? Optional.empty() : Optional.of(v);
      }
    }
    return Optional.empty();
  }

  /** {@code .status.twins[temperature].reported} of Device {@code name} (missing when none). */
  private static JsonNode reportedTwin(TestNamespace ns, String name) {
    for (JsonNode twin : statusOf(ns, name).path("twins")) {
      if ("temperature".equals(twin.path("propertyName").asText())) {
        return twin.path("reported");
      }
    }
    return KubeJson.MAPPER.missingNode();
  }

  /** The edge's own twin (upstream's device_twin table in edgecore's SQLite file). */
  private static Optional<String> edgeActual(TestNamespace ns) throws Exception {
    try (Connection db =
            DriverManager.getConnection(
                "jdbc:sqlite:" + dir.resolve("edge/edgecore.db") + "?open_mode=1");
        PreparedStatement ps =
            db.prepareStatement("SELECT actual FROM device_twin WHERE deviceid = ? AND name = ?")) {
      ps.setString(1, ns.name() + "/" + DEVICE);
      ps.setString(2, "temperature");
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.ofNullable(rs.getString(1)) : Optional.empty();
      }
    }
  }

  /** Publishes as an app on the node would, with Mosquitto's own client. */
  private static void mosquittoPub(String topic, String payload) throws Exception {
    Process p =
        new ProcessBuilder(
                "mosquitto_pub",
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(mqtt.port()),
                "-q",
                "1",
                "-t",
                topic,
                "-m",
                payload)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("mosquitto_pub: " + out).isZero();
  }
}
