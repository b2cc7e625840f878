package org.kubeedgejava.mapper.modbus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.kubeedgejava.mapper.DmiObjects.json;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.kubeedgejava.dmi.CustomizedValues;

/** RTU is configuration-only here: this machine has no serial port to open. */
class ModbusConnectionTest {

  @Test
  void readsTcpConfigData() {
    assertThat(ModbusConnection.parse(json("ip", "10.0.0.7", "port", 1502, "slaveID", 3)))
        .isEqualTo(new ModbusConnection.Tcp("10.0.0.7", 1502, 3, ModbusConnection.DEFAULT_TIMEOUT));
    assertThat(ModbusConnection.parse(json("ip", "10.0.0.7")))
        .isEqualTo(new ModbusConnection.Tcp("10.0.0.7", 502, 1, ModbusConnection.DEFAULT_TIMEOUT));
  }

  @Test
  void readsTheSeedsRtuConfigDataAsDmiPacksIt() {
    // the seed's Device: slaveID 1, serialPort /dev/ttyUSB0, baudRate 9600, numbers as floats
    var packed =
        CustomizedValues.fromJson(
            json("slaveID", 1, "serialPort", "/dev/ttyUSB0", "baudRate", 9600));
    assertThat(ModbusConnection.parse(CustomizedValues.toJson(packed)))
        .isEqualTo(
            new ModbusConnection.Rtu(
                "/dev/ttyUSB0", 9600, 8, 0, 1, 1, ModbusConnection.DEFAULT_TIMEOUT));
    assertThat(
            ModbusConnection.parse(
                json(
                    "serialPort",
                    "/dev/ttyS1",
                    "baudRate",
                    "19200",
                    "dataBits",
                    7,
                    "parity",
                    "Even",
                    "stopBits",
                    2,
                    "slaveID",
                    9,
                    "timeout",
                    250)))
        .isEqualTo(
            new ModbusConnection.Rtu("/dev/ttyS1", 19200, 7, 2, 2, 9, Duration.ofMillis(250)));
  }

  @Test
  void refusesConfigDataThatIsNeitherOrBothOrWrong() {
    assertThatThrownBy(() -> ModbusConnection.parse(json("slaveID", 1)))
        .hasMessageContaining("needs ip (Modbus TCP) or serialPort (Modbus RTU)");
    assertThatThrownBy(() -> ModbusConnection.parse(json("ip", "a", "serialPort", "/dev/x")))
        .hasMessageContaining("both");
    assertThatThrownBy(() -> ModbusConnection.parse(json("ip", "a", "port", 70000)))
        .hasMessageContaining("port 70000 is out of range");
    assertThatThrownBy(() -> ModbusConnection.parse(json("ip", "a", "port", "five")))
        .hasMessageContaining("port 'five' is not a number");
    assertThatThrownBy(() -> ModbusConnection.parse(json("serialPort", "/dev/x", "parity", "mark")))
        .hasMessageContaining("parity 'mark'");
  }
}
