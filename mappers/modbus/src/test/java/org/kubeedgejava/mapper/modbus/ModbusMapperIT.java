package org.kubeedgejava.mapper.modbus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.kubeedgejava.mapper.DmiObjects.device;
import static org.kubeedgejava.mapper.DmiObjects.json;
import static org.kubeedgejava.mapper.DmiObjects.model;
import static org.kubeedgejava.mapper.DmiObjects.property;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kubeedgejava.dmi.v1beta1.Device;
import org.kubeedgejava.dmi.v1beta1.DeviceModel;
import org.kubeedgejava.dmi.v1beta1.UpdateDeviceRequest;
import org.kubeedgejava.mapper.Backoff;
import org.kubeedgejava.mapper.FakeDeviceManager;
import org.kubeedgejava.mapper.Mapper;
import org.kubeedgejava.mapper.MapperConfig;

/**
 * The Modbus mapper against an independent Modbus TCP server (Debian's pymodbus, started by the
 * test) and an in-process edgecore; register contents are checked with an independent client
 * ({@code mbpoll}). Both come from {@code hack/install-deps.sh}.
 */
class ModbusMapperIT {
  private static final String NS = "factory";
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Path PYTHON = Path.of("/usr/bin/python3");

  @TempDir Path dir;
  private int port;
  private Process peer;
  private FakeDeviceManager edgecore;
  private Mapper mapper;

  @BeforeEach
  void setUp() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    startPeer();
    edgecore = new FakeDeviceManager(dir.resolve("dmi.sock"));
  }

  @AfterEach
  void tearDown() {
    if (mapper != null) {
      mapper.close();
    }
    edgecore.close();
    stopPeer();
  }

  @Test
  void readsScaledRegistersWritesDesiredValuesAndReportsModbusExceptions() {
    edgecore.with(List.of(thermometerModel()), List.of(thermometer(null), broken())).start();
    startMapper();

    await()
        .atMost(WAIT)
        .untilAsserted(() -> {
          assertThat(edgecore.lastReported(NS, "thermo", "temperature")).contains("73.4");
          assertThat(edgecore.lastReported(NS, "thermo", "running")).contains("true");
        });
    assertThat(edgecore.lastState(NS, "thermo")).contains("online");

    // register 5000 is past the peer's table: a Modbus exception, reported, not a reconnect
    await()
        .atMost(WAIT)
        .untilAsserted(() ->
            assertThat(
                    edgecore
                        .lastTwin(NS, "broken", "ghost")
                        .map(t -> t.getReported().getMetadataMap().get("error")))
                .hasValueSatisfying(e ->
                    assertThat(e)
                        .contains("Modbus exception 2 (ILLEGAL_DATA_ADDRESS)")
                        .contains("HoldingRegister 5000")));
    assertThat(edgecore.lastState(NS, "broken")).contains("online");

    // desired 70 at scale 0.1: the register holds 700, as another client reads it
    edgecore
        .mapper()
        .updateDevice(UpdateDeviceRequest.newBuilder().setDevice(thermometer("70")).build());
    await().atMost(WAIT).until(() -> mbpollHoldingRegister(100), v -> v.equals(Optional.of(700)));
    await()
        .atMost(WAIT)
        .until(
            () -> edgecore.lastReported(NS, "thermo", "temperature"),
            v -> v.equals(Optional.of("70")));

    // the device with the bad register stayed online throughout, and the good one reports on
    int reports = edgecore.statusReports().size();
    await().atMost(WAIT).until(() -> edgecore.statusReports().size() > reports + 4);
    assertThat(edgecore.lastState(NS, "broken")).contains("online");
  }

  @Test
  void goesOfflineWhenThePeerDiesAndOnlineWhenItIsBack() {
    edgecore.with(List.of(thermometerModel()), List.of(thermometer(null))).start();
    startMapper();
    await()
        .atMost(WAIT)
        .until(
            () -> edgecore.lastReported(NS, "thermo", "temperature"),
            v -> v.equals(Optional.of("73.4")));

    stopPeer(); // killed mid-poll
    await()
        .atMost(WAIT)
        .until(() -> edgecore.lastState(NS, "thermo"), s -> s.equals(Optional.of("offline")));

    int reports = edgecore.statusReports().size();
    startPeer();
    await()
        .atMost(WAIT)
        .until(() -> edgecore.lastState(NS, "thermo"), s -> s.equals(Optional.of("online")));
    await().atMost(WAIT).until(() -> edgecore.statusReports().size() > reports);
    assertThat(edgecore.lastReported(NS, "thermo", "temperature")).contains("73.4");
  }

  private void startMapper() {
    MapperConfig config =
        MapperConfig.defaults("modbus", "it")
            .withSockets(dir.resolve("modbus.sock"), edgecore.socket().toString())
            .withBackoff(
                new Backoff(Duration.ofMillis(50), Duration.ofMillis(500)),
                new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1)));
    mapper = Mapper.start(config, new ModbusDrivers());
  }

  private static DeviceModel thermometerModel() {
    Map<String, String> props = new LinkedHashMap<>();
    props.put("temperature", "float");
    props.put("running", "boolean");
    props.put("ghost", "int");
    return model(NS, "modbus-thermometer", props);
  }

  private ObjectNode tcp() {
    return json("ip", "127.0.0.1", "port", port, "slaveID", 1, "timeout", 1000);
  }

  private Device thermometer(String desired) {
    Device.Builder d = device(NS, "thermo", "modbus-thermometer", "modbus", tcp());
    d.getSpecBuilder()
        .addProperties(
            property(
                "temperature",
                "modbus",
                json("register", "HoldingRegister", "offset", 100, "limit", 1, "scale", 0.1),
                200,
                desired))
        .addProperties(
            property(
                "running",
                "modbus",
                json("register", "CoilRegister", "offset", 3, "limit", 1),
                200,
                null));
    return d.build();
  }

  private Device broken() {
    Device.Builder d = device(NS, "broken", "modbus-thermometer", "modbus", tcp());
    d.getSpecBuilder()
        .addProperties(
            property(
                "ghost",
                "modbus",
                json("register", "HoldingRegister", "offset", 5000, "limit", 1),
                200,
                null));
    return d.build();
  }

  private void startPeer() {
    try {
      Path script = dir.resolve("modbus_server.py");
      try (var in = getClass().getResourceAsStream("/modbus_server.py")) {
        Files.write(script, in.readAllBytes());
      }
      assertThat(PYTHON)
          .as("Debian's python3 with python3-pymodbus (hack/install-deps.sh)")
          .exists();
      peer =
          new ProcessBuilder(PYTHON.toString(), script.toString(), Integer.toString(port))
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("peer-" + System.nanoTime() + ".log").toFile())
              .start();
    } catch (IOException e) {
      throw new AssertionError("cannot start the pymodbus peer", e);
    }
    await()
        .atMost(WAIT)
        .ignoreExceptions()
        .until(() -> {
          assertThat(peer.isAlive()).as("pymodbus server running").isTrue();
          try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return true;
          }
        });
  }

  private void stopPeer() {
    if (peer != null && peer.isAlive()) {
      peer.destroyForcibly();
      try {
        peer.waitFor(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Holding register {@code address} as mbpoll (an independent Modbus client) reads it. */
  private Optional<Integer> mbpollHoldingRegister(int address) throws Exception {
    Process p =
        new ProcessBuilder(
                "mbpoll",
                "-m",
                "tcp",
                "-p",
                Integer.toString(port),
                "-a",
                "1",
                "-0",
                "-r",
                Integer.toString(address),
                "-c",
                "1",
                "-t",
                "4",
                "-1",
                "127.0.0.1")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(10, TimeUnit.SECONDS);
    Matcher m = Pattern.compile("\\[" + address + "]:\\s+(-?\\d+)").matcher(out);
    return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
  }
}
