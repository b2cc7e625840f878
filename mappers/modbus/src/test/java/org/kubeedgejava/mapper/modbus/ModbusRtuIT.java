package org.kubeedgejava.mapper.modbus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.kubeedgejava.mapper.DmiObjects.device;
import static org.kubeedgejava.mapper.DmiObjects.json;
import static org.kubeedgejava.mapper.DmiObjects.model;
import static org.kubeedgejava.mapper.DmiObjects.property;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
 * The Modbus mapper over Modbus RTU against an independent serial peer: Debian's pymodbus serial
 * server on one end of a pseudo-terminal pair made by {@code socat}, the mapper (jSerialComm) on
 * the other, an in-process edgecore over DMI. The peer prints every holding register written to it,
 * and {@code mbpoll} (an independent RTU client) reads the register once the mapper has let go of
 * the line. socat, mbpoll and python3-pymodbus come from {@code hack/install-deps.sh}.
 */
class ModbusRtuIT {
  private static final String NS = "factory";
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Path PYTHON = Path.of("/usr/bin/python3");

  @TempDir Path dir;
  private Path plcEnd;
  private Path mapperEnd;
  private Path peerLog;
  private Process line;
  private Process peer;
  private FakeDeviceManager edgecore;
  private Mapper mapper;

  @BeforeEach
  void setUp() throws IOException {
    plcEnd = dir.resolve("plc");
    mapperEnd = dir.resolve("mapper");
    startLine();
    startPeer();
    edgecore = new FakeDeviceManager(dir.resolve("dmi.sock"));
  }

  @AfterEach
  void tearDown() {
    if (mapper != null) {
      mapper.close();
    }
    if (edgecore != null) {
      edgecore.close();
    }
    stop(peer);
    stop(line); // SIGTERM: socat removes its links
  }

  @Test
  void readsTheSeedsScaledHoldingRegisterOverRtuAndWritesTheDesiredValueToIt() throws Exception {
    edgecore.with(List.of(sensorModel()), List.of(seedDevice(null))).start();
    startMapper();

    await()
        .atMost(WAIT)
        .until(
            () -> edgecore.lastReported(NS, "plc-line3-temp", "temperature"),
            v -> v.equals(Optional.of("73.4")));
    assertThat(edgecore.lastState(NS, "plc-line3-temp")).contains("online");

    // desired 70 at scale 0.1: the peer's register 100 is written with 700, then read back
    edgecore
        .mapper()
        .updateDevice(UpdateDeviceRequest.newBuilder().setDevice(seedDevice("70")).build());
    await()
        .atMost(WAIT)
        .until(() -> Files.readAllLines(peerLog), lines -> lines.contains("holding 100 = 700"));
    await()
        .atMost(WAIT)
        .until(
            () -> edgecore.lastReported(NS, "plc-line3-temp", "temperature"),
            v -> v.equals(Optional.of("70")));
    assertThat(Files.readAllLines(peerLog))
        .as("the only register write the peer saw")
        .filteredOn(l -> l.startsWith("holding "))
        .containsExactly("holding 100 = 700");

    // the mapper lets go of the serial line; another RTU client finds 700 in the register
    mapper.close();
    mapper = null;
    await().atMost(WAIT).until(() -> mbpollHoldingRegister(100), v -> v.equals(Optional.of(700)));
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

  private static DeviceModel sensorModel() {
    return model(NS, "modbus-temp-sensor", Map.of("temperature", "float"));
  }

  /** The seed's plc-line3-temp, on this test's end of the line, with the line spelt out. */
  private Device seedDevice(String desired) {
    Device.Builder d =
        device(
            NS,
            "plc-line3-temp",
            "modbus-temp-sensor",
            "modbus",
            json(
                "slaveID", 1,
                "serialPort", mapperEnd.toString(),
                "baudRate", 9600,
                "dataBits", 8,
                "parity", "N",
                "stopBits", 1));
    d.getSpecBuilder()
        .addProperties(
            property(
                "temperature",
                "modbus",
                json("register", "HoldingRegister", "offset", 100, "limit", 1, "scale", 0.1),
                200,
                desired));
    return d.build();
  }

  /** A pseudo-terminal pair: the peer opens {@link #plcEnd}, the mapper {@link #mapperEnd}. */
  private void startLine() throws IOException {
    line =
        new ProcessBuilder(
                "socat",
                "-d",
                "-d",
                "pty,raw,echo=0,link=" + plcEnd,
                "pty,raw,echo=0,link=" + mapperEnd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("socat.log").toFile())
            .start();
    await()
        .atMost(WAIT)
        .untilAsserted(() -> {
          assertThat(line.isAlive()).as("socat running").isTrue();
          assertThat(plcEnd).exists();
          assertThat(mapperEnd).exists();
        });
  }

  private void startPeer() throws IOException {
    assertThat(PYTHON).as("Debian's python3 with python3-pymodbus (hack/install-deps.sh)").exists();
    Path script = dir.resolve("modbus_rtu_server.py");
    try (var in = getClass().getResourceAsStream("/modbus_rtu_server.py")) {
      Files.write(script, in.readAllBytes());
    }
    peerLog = dir.resolve("peer.log");
    peer =
        new ProcessBuilder(PYTHON.toString(), script.toString(), plcEnd.toString())
            .redirectErrorStream(true)
            .redirectOutput(peerLog.toFile())
            .start();
    await()
        .atMost(WAIT)
        .untilAsserted(() -> {
          assertThat(peer.isAlive()).as("pymodbus serial server running").isTrue();
          assertThat(Files.readAllLines(peerLog)).contains("serving " + plcEnd);
        });
  }

  private static void stop(Process p) {
    if (p == null) {
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Holding register {@code address} as mbpoll (an independent RTU client) reads it. */
  private Optional<Integer> mbpollHoldingRegister(int address) throws Exception {
    Process p =
        new ProcessBuilder(
                "mbpoll",
                "-m",
                "rtu",
                "-b",
                "9600",
                "-d",
                "8",
                "-P",
                "none",
                "-s",
                "1",
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
                mapperEnd.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(10, TimeUnit.SECONDS);
    Matcher m = Pattern.compile("\\[" + address + "]:\\s+(-?\\d+)").matcher(out);
    return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
  }
}
