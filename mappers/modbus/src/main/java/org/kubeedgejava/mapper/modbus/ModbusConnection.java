package org.kubeedgejava.mapper.modbus;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Locale;

/**
 * How to reach a Modbus device: the Device's protocol {@code configData}, with upstream's field
 * names. TCP: {@code ip}, {@code port} (default 502), {@code slaveID} (default 1). RTU: {@code
 * serialPort}, {@code baudRate} (default 9600), {@code dataBits} (8), {@code parity} (none; also
 * even, odd, or N/E/O), {@code stopBits} (1), {@code slaveID} (1). Optional in both: {@code
 * timeout}, the request timeout in ms (default 3000).
 */
sealed interface ModbusConnection {
  Duration DEFAULT_TIMEOUT = Duration.ofMillis(3000);

  int slaveId();

  Duration timeout();

  /** Modbus TCP to {@code ip:port}. */
  record Tcp(String ip, int port, int slaveId, Duration timeout) implements ModbusConnection {
    @Override
    public String toString() {
      return "tcp://" + ip + ":" + port + " unit " + slaveId;
    }
  }

  /** Modbus RTU over a serial port. {@code parity}: 0 none, 1 odd, 2 even (jSerialComm's). */
  record Rtu(
      String serialPort,
      int baudRate,
      int dataBits,
      int parity,
      int stopBits,
      int slaveId,
      Duration timeout)
      implements ModbusConnection {
    @Override
    public String toString() {
      return serialPort + " " + baudRate + " baud unit " + slaveId;
    }
  }

  /**
   * Reads a protocol configData.
   *
   * @throws IllegalArgumentException naming the missing or wrong field
   */
  static ModbusConnection parse(ObjectNode configData) {
    ConfigFields f = new ConfigFields(configData, "modbus protocol");
    int slave = f.integer("slaveID", 0, 255, 1);
    Duration timeout =
        f.has("timeout") ? Duration.ofMillis(f.integer("timeout", 1, 600_000)) : DEFAULT_TIMEOUT;
    boolean tcp = f.has("ip");
    boolean rtu = f.has("serialPort");
    if (tcp && rtu) {
      throw new IllegalArgumentException(
          "modbus protocol: configData has both ip (TCP) and serialPort (RTU); give one");
    }
    if (tcp) {
      return new Tcp(f.text("ip"), f.integer("port", 1, 65535, 502), slave, timeout);
    }
    if (rtu) {
      return new Rtu(
          f.text("serialPort"),
          f.integer("baudRate", 1, 4_000_000, 9600),
          f.integer("dataBits", 5, 8, 8),
          parity(f.text("parity", "none")),
          f.integer("stopBits", 1, 2, 1),
          slave,
          timeout);
    }
    throw new IllegalArgumentException(
        "modbus protocol: configData needs ip (Modbus TCP) or serialPort (Modbus RTU)");
  }

  private static int parity(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "none", "n" -> 0;
      case "odd", "o" -> 1;
      case "even", "e" -> 2;
      default ->
          throw new IllegalArgumentException(
              "modbus protocol: parity '" + text + "' is not none, even or odd");
    };
  }
}
