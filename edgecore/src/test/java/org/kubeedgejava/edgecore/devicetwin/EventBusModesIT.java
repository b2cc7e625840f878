package org.kubeedgejava.edgecore.devicetwin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kubeedgejava.edgecore.eventbus.EventBus;
import org.kubeedgejava.edgecore.metamanager.MetaManager;
import org.kubeedgejava.edgecore.metamanager.MetaStore;
import org.kubeedgejava.edgecore.metamanager.UpstreamOutbox;
import org.kubeedgejava.testing.FreePorts;
import org.kubeedgejava.testing.LocalMosquitto;
import org.kubeedgejava.wire.Message;
import org.kubeedgejava.wire.MessageCodec;
import org.kubeedgejava.wire.Route;

/**
 * {@code eventBus.mqttMode} 0 and 1 as edgecore wires them (DeviceTwin, EventBus and the built-in
 * Moquette broker), with mappers played by independent MQTT clients: Paho, and Mosquitto's own
 * {@code mosquitto_pub}/{@code mosquitto_sub}. Mode 0 runs without any Mosquitto. Mode 2 is checked
 * in a separate JVM for never loading a Moquette class.
 */
class EventBusModesIT {
  private static final String ID = "default/thermo";
  private static final String PREFIX = "$hw/events/device/" + ID;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private final Clock clock = Clock.systemUTC();
  private final List<AutoCloseable> open = new ArrayList<>();
  private MetaStore store;
  private MetaManager meta;
  private DeviceTwin twin;

  @AfterEach
  void stop() {
    for (AutoCloseable c : open.reversed()) {
      try {
        c.close();
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void modeZeroServesMappersOnTheBuiltInBrokerWithoutMosquitto() throws Exception {
    String internal = "tcp://127.0.0.1:" + FreePorts.pick(1)[0];
    EventBus bus = startEdge(config(0, internal, "tcp://127.0.0.1:1"));
    await().until(bus::isConnected);
    Mapper mapper = new Mapper(internal, "mapper-internal");

    mapper.publish(
        PREFIX + "/twin/update",
        "{\"event_id\":\"e1\",\"twin\":{\"temp\":{\"actual\":{\"value\":\"21\"}}}}");

    JsonNode result = mapper.await(PREFIX + "/twin/update/result");
    assertThat(result.path("event_id").asText()).isEqualTo("e1");
    JsonNode document = mapper.await(PREFIX + "/twin/update/document");
    assertThat(document.at("/twin/temp/current/actual/value").asText()).isEqualTo("21");
    assertThat(twin.twinsOf(ID).get().get("temp").actual()).isEqualTo("21");
    // persistence is off: the broker leaves no files in edgecore's data directory
    assertThat(Files.exists(dir.resolve("mqtt"))).isFalse();
  }

  @Test
  void mosquittosOwnClientsGetTheResultFromTheBuiltInBroker() throws Exception {
    int port = FreePorts.pick(1)[0];
    EventBus bus = startEdge(config(0, "tcp://127.0.0.1:" + port, "tcp://127.0.0.1:1"));
    await().until(bus::isConnected);
    // mosquitto_sub prints the one result it waits for and exits; -d shows when it is subscribed
    // (line-buffered by stdbuf, as its output is a file)
    Path out = dir.resolve("sub.out");
    Process sub =
        new ProcessBuilder(
                "stdbuf",
                "-oL",
                "mosquitto_sub",
                "-V",
                "mqttv311",
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "-q",
                "1",
                "-C",
                "1",
                "-W",
                "20",
                "-d",
                "-t",
                PREFIX + "/twin/update/result")
            .redirectErrorStream(true)
            .redirectOutput(out.toFile())
            .start();
    open.add(sub::destroyForcibly);
    await()
        .alias("mosquitto_sub subscribed")
        .failFast(() -> !sub.isAlive())
        .until(() -> Files.readString(out).contains("SUBACK"));

    Process pub =
        new ProcessBuilder(
                "mosquitto_pub",
                "-V",
                "mqttv311",
                "-h",
                "127.0.0.1",
                "-p",
                Integer.toString(port),
                "-q",
                "1",
                "-t",
                PREFIX + "/twin/update",
                "-m",
                "{\"event_id\":\"cli-1\",\"twin\":{\"temp\":{\"actual\":{\"value\":\"19\"}}}}")
            .redirectErrorStream(true)
            .start();
    assertThat(pub.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(pub.exitValue()).isZero();

    assertThat(sub.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(sub.exitValue()).as(Files.readString(out)).isZero();
    String json =
        Files.readAllLines(out).stream().filter(l -> l.startsWith("{")).findFirst().orElseThrow();
    assertThat(JSON.readTree(json).path("event_id").asText()).isEqualTo("cli-1");
    assertThat(twin.twinsOf(ID).get().get("temp").actual()).isEqualTo("19");
  }

  @Test
  void modeOneAnswersMappersOnEitherBrokerAndPublishesDeltasToBoth() throws Exception {
    LocalMosquitto mosquitto = LocalMosquitto.start(dir.resolve("mosquitto"));
    open.add(mosquitto);
    String internal = "tcp://127.0.0.1:" + FreePorts.pick(1)[0];
    EventBus bus = startEdge(config(1, internal, mosquitto.url()));
    await().until(bus::isConnected);
    Mapper onMosquitto = new Mapper(mosquitto.url(), "mapper-external");
    Mapper onBuiltIn = new Mapper(internal, "mapper-internal");

    onMosquitto.publish(
        PREFIX + "/twin/update",
        "{\"event_id\":\"ext\",\"twin\":{\"temp\":{\"actual\":{\"value\":\"20\"}}}}");
    assertThat(onMosquitto.await(PREFIX + "/twin/update/result").path("event_id").asText())
        .isEqualTo("ext");
    onBuiltIn.publish(
        PREFIX + "/twin/update",
        "{\"event_id\":\"int\",\"twin\":{\"temp\":{\"actual\":{\"value\":\"22\"}}}}");
    await()
        .until(() ->
            onBuiltIn
                .received(PREFIX + "/twin/update/result")
                .anyMatch(r -> r.path("event_id").asText().equals("int")));
    assertThat(twin.twinsOf(ID).get().get("temp").actual()).isEqualTo("22");

    // a desired value from the cloud reaches a mapper on either broker
    meta.onCloudMessage(cloudObject("default/device/thermo", device("30", 3, "3")));
    for (Mapper m : List.of(onMosquitto, onBuiltIn)) {
      await()
          .until(() ->
              m.received(PREFIX + "/twin/update/delta")
                  .anyMatch(d -> d.at("/delta/temp").asText().equals("30")));
    }
  }

  @Test
  void aTakenPortStopsTheStartWithTheReason() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      String internal = "tcp://127.0.0.1:" + taken.getLocalPort();
      assertThatThrownBy(() -> startEdge(config(0, internal, "tcp://127.0.0.1:1")))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("cannot start the built-in MQTT broker on " + internal)
          .hasMessageContaining("mqttServerInternal")
          .hasMessageContaining("Address already in use");
    }
  }

  @Test
  void modeTwoLoadsNoMoquetteClass() throws Exception {
    LocalMosquitto mosquitto = LocalMosquitto.start(dir.resolve("mosquitto"));
    open.add(mosquitto);

    List<String> external = probe(2, "tcp://127.0.0.1:1", mosquitto.url());
    assertThat(external).noneMatch(l -> l.contains("io.moquette"));
    // the check sees Moquette when it is loaded
    List<String> internal = probe(0, "tcp://127.0.0.1:" + FreePorts.pick(1)[0], mosquitto.url());
    assertThat(internal).anyMatch(l -> l.contains("io.moquette.broker.Server "));
  }

  /** Runs {@link EventBusProbe} in a fresh JVM; returns the classes it loaded. */
  private List<String> probe(int mode, String internal, String external) throws Exception {
    Path work = Files.createDirectories(dir.resolve("probe-" + mode));
    Path classes = work.resolve("classes.log");
    Path output = work.resolve("output.log");
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process p =
        new ProcessBuilder(
                java,
                "-XX:+UseSerialGC",
                "--enable-native-access=ALL-UNNAMED",
                "-Xlog:class+load=info:file=" + classes,
                "-cp",
                System.getProperty("java.class.path"),
                EventBusProbe.class.getName(),
                Integer.toString(mode),
                internal,
                external,
                work.toString())
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("the probe did not finish: " + Files.readString(output));
    }
    assertThat(p.exitValue()).as(Files.readString(output)).isZero();
    assertThat(Files.readString(output)).contains("probe: connected");
    try (Stream<String> lines = Files.lines(classes)) {
      return lines.toList();
    }
  }

  private static org.kubeedgejava.config.edgecore.EventBus config(
      int mode, String internal, String external) {
    return new org.kubeedgejava.config.edgecore.EventBus(true, 0, internal, external, mode);
  }

  /** DeviceTwin with the thermometer's model and device, and the bus of {@code config}. */
  private EventBus startEdge(org.kubeedgejava.config.edgecore.EventBus config) throws Exception {
    store = MetaStore.open(dir.resolve("edgecore.db"));
    open.add(store);
    UpstreamOutbox outbox =
        new UpstreamOutbox(store, new MessageCodec(), m -> CompletableFuture.completedFuture(null));
    meta = new MetaManager(store, m -> {}, clock);
    twin =
        DeviceTwin.start(
            DeviceTwin.Settings.defaults("edge-1", dir.resolve("dmi/dmi.sock")),
            store,
            dir.resolve("edgecore.db"),
            outbox,
            () -> true,
            clock);
    open.add(twin);
    meta.addListener(twin::onMetaChange);
    meta.onCloudMessage(
        cloudObject(
            "default/devicemodel/thermo-model",
            "{\"apiVersion\":\"devices.kubeedge.io/v1beta1\",\"kind\":\"DeviceModel\","
                + "\"metadata\":{\"name\":\"thermo-model\",\"namespace\":\"default\","
                + "\"resourceVersion\":\"1\"},\"spec\":{\"protocol\":\"modbus\",\"properties\":"
                + "[{\"name\":\"temp\",\"type\":\"INT\",\"accessMode\":\"ReadWrite\"}]}}"));
    meta.onCloudMessage(cloudObject("default/device/thermo", device("25", 2, "2")));
    await().until(() -> "25".equals(twin.twinsOf(ID).get().get("temp").expected()));
    EventBus bus = EventBus.start(config, dir, twin, m -> {}, clock);
    open.add(bus);
    return bus;
  }

  private static String device(String desired, long generation, String resourceVersion) {
    return "{\"apiVersion\":\"devices.kubeedge.io/v1beta1\",\"kind\":\"Device\","
        + "\"metadata\":{\"name\":\"thermo\",\"namespace\":\"default\",\"generation\":"
        + generation
        + ",\"resourceVersion\":\""
        + resourceVersion
        + "\"},\"spec\":{\"deviceModelRef\":{\"name\":\"thermo-model\"},\"nodeName\":\"edge-1\","
        + "\"protocol\":{\"protocolName\":\"modbus\",\"configData\":{\"ip\":\"10.0.0.9\","
        + "\"port\":502}},\"properties\":[{\"name\":\"temp\",\"desired\":{\"value\":\""
        + desired
        + "\"},\"reportCycle\":1000,\"visitors\":{\"protocolName\":\"modbus\","
        + "\"configData\":{\"register\":\"HoldingRegister\",\"offset\":2}}}]}}";
  }

  private Message cloudObject(String resource, String json) throws IOException {
    return Message.create(
        clock,
        new Route("edgecontroller", "", "resource", "insert", resource),
        JSON.readTree(json));
  }

  /** A KubeEdge-style mapper's MQTT side: a Paho client subscribed to its device's topics. */
  private final class Mapper {
    private final MqttClient client;
    private final ConcurrentLinkedQueue<String[]> received = new ConcurrentLinkedQueue<>();

    Mapper(String url, String clientId) throws Exception {
      client = new MqttClient(url, clientId, new MemoryPersistence());
      MqttConnectOptions o = new MqttConnectOptions();
      o.setCleanSession(true);
      client.connect(o);
      client.subscribe(
          PREFIX + "/#",
          1,
          (topic, m) ->
              received.add(
                  new String[] {topic, new String(m.getPayload(), StandardCharsets.UTF_8)}));
      open.add(() -> {
        if (client.isConnected()) {
          client.disconnect();
        }
        client.close();
      });
    }

    void publish(String topic, String payload) throws Exception {
      client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
    }

    Stream<JsonNode> received(String topic) {
      return received.stream().filter(m -> m[0].equals(topic)).map(m -> read(m[1]));
    }

    JsonNode await(String topic) {
      return org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> received(topic).reduce((a, b) -> b).orElse(null), n -> n != null);
    }

    private static JsonNode read(String s) {
      try {
        return JSON.readTree(s);
      } catch (IOException e) {
        throw new AssertionError(e);
      }
    }
  }
}
