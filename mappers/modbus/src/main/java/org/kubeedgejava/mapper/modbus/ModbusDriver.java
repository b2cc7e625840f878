package org.kubeedgejava.mapper.modbus;

import com.digitalpetri.modbus.ExceptionCode;
import com.digitalpetri.modbus.FunctionCode;
import com.digitalpetri.modbus.client.ModbusClient;
import com.digitalpetri.modbus.client.ModbusRtuClient;
import com.digitalpetri.modbus.client.ModbusTcpClient;
import com.digitalpetri.modbus.exceptions.ModbusException;
import com.digitalpetri.modbus.exceptions.ModbusResponseException;
import com.digitalpetri.modbus.pdu.ReadCoilsRequest;
import com.digitalpetri.modbus.pdu.ReadDiscreteInputsRequest;
import com.digitalpetri.modbus.pdu.ReadHoldingRegistersRequest;
import com.digitalpetri.modbus.pdu.ReadInputRegistersRequest;
import com.digitalpetri.modbus.pdu.WriteMultipleRegistersRequest;
import com.digitalpetri.modbus.pdu.WriteSingleCoilRequest;
import com.digitalpetri.modbus.pdu.WriteSingleRegisterRequest;
import com.digitalpetri.modbus.serial.client.SerialPortClientTransport;
import com.digitalpetri.modbus.tcp.client.NettyTcpClientTransport;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.Map;
import org.kubeedgejava.mapper.DeviceDriver;
import org.kubeedgejava.mapper.DeviceException;
import org.kubeedgejava.mapper.PropertyConfig;
import org.kubeedgejava.mapper.PropertyType;

/**
 * One Modbus device, over TCP or RTU, through digitalpetri's blocking client calls.
 *
 * <p>Errors: a Modbus exception response (illegal data address, …) is a {@link DeviceException}
 * whose code is the exception's name, so the device stays online; a timeout, a refused or lost
 * connection is an {@link IOException}, so the SDK reconnects.
 *
 * <p>Threading: confined to its device's thread (see {@link DeviceDriver}); the client's own Netty
 * threads only complete its futures.
 */
final class ModbusDriver implements DeviceDriver {
  private final String device;
  private final ModbusConnection connection;
  private final Map<String, ModbusVisitor> visitors;
  private ModbusClient client; // null while disconnected

  ModbusDriver(String device, ModbusConnection connection, Map<String, ModbusVisitor> visitors) {
    this.device = device;
    this.connection = connection;
    this.visitors = Map.copyOf(visitors);
  }

  @Override
  public void connect() throws IOException {
    disconnect();
    ModbusClient c =
        switch (connection) {
          case ModbusConnection.Tcp tcp ->
              ModbusTcpClient.create(
                  NettyTcpClientTransport.create(cfg -> {
                    cfg.setHostname(tcp.ip());
                    cfg.setPort(tcp.port());
                    cfg.setConnectTimeout(tcp.timeout());
                    // reconnects are the SDK's, with back-off
                    cfg.setConnectPersistent(false);
                  }),
                  cfg -> cfg.setRequestTimeout(tcp.timeout()));
          case ModbusConnection.Rtu rtu ->
              ModbusRtuClient.create(
                  SerialPortClientTransport.create(cfg -> {
                    cfg.setSerialPort(rtu.serialPort());
                    cfg.setBaudRate(rtu.baudRate());
                    cfg.setDataBits(rtu.dataBits());
                    cfg.setParity(rtu.parity());
                    cfg.setStopBits(rtu.stopBits());
                  }),
                  cfg -> cfg.setRequestTimeout(rtu.timeout()));
        };
    try {
      c.connect();
    } catch (ModbusException | RuntimeException e) {
      quietlyDisconnect(c);
      throw new IOException("cannot connect to " + connection + ": " + message(e), e);
    }
    client = c;
  }

  @Override
  public Object read(PropertyConfig property) throws IOException, DeviceException {
    ModbusVisitor v = visitor(property);
    ModbusClient c = connected();
    int unit = connection.slaveId();
    try {
      return switch (v.register()) {
        case COIL ->
            firstBit(c.readCoils(unit, new ReadCoilsRequest(v.offset(), v.limit())).coils());
        case DISCRETE_INPUT ->
            firstBit(
                c.readDiscreteInputs(unit, new ReadDiscreteInputsRequest(v.offset(), v.limit()))
                    .inputs());
        case HOLDING ->
            v.decode(
                c.readHoldingRegisters(unit, new ReadHoldingRegistersRequest(v.offset(), v.limit()))
                    .registers());
        case INPUT ->
            v.decode(
                c.readInputRegisters(unit, new ReadInputRegistersRequest(v.offset(), v.limit()))
                    .registers());
      };
    } catch (ModbusResponseException e) {
      throw refused(e, "reading", v);
    } catch (ModbusException e) {
      throw lost(e);
    }
  }

  @Override
  public void write(PropertyConfig property, Object value) throws IOException, DeviceException {
    ModbusVisitor v = visitor(property);
    if (!v.register().writable) {
      throw new DeviceException(
          "READ_ONLY_REGISTER", v.register().wire + " " + v.offset() + " cannot be written");
    }
    ModbusClient c = connected();
    int unit = connection.slaveId();
    try {
      if (v.register() == RegisterType.COIL) {
        boolean on = (Boolean) PropertyType.BOOLEAN.coerce(value);
        c.writeSingleCoil(unit, new WriteSingleCoilRequest(v.offset(), on));
        return;
      }
      byte[] registers;
      try {
        registers = v.encode(decimal(value));
      } catch (IllegalArgumentException e) {
        throw new DeviceException("VALUE_OUT_OF_RANGE", e.getMessage());
      }
      if (v.limit() == 1) {
        int word = ((registers[0] & 0xFF) << 8) | (registers[1] & 0xFF);
        c.writeSingleRegister(unit, new WriteSingleRegisterRequest(v.offset(), word));
      } else {
        c.writeMultipleRegisters(
            unit, new WriteMultipleRegistersRequest(v.offset(), v.limit(), registers));
      }
    } catch (ModbusResponseException e) {
      throw refused(e, "writing", v);
    } catch (ModbusException e) {
      throw lost(e);
    }
  }

  @Override
  public void disconnect() {
    if (client != null) {
      quietlyDisconnect(client);
      client = null;
    }
  }

  private ModbusVisitor visitor(PropertyConfig property) {
    ModbusVisitor v = visitors.get(property.name());
    if (v == null) {
      throw new IllegalStateException("no visitor for property " + property.name());
    }
    return v;
  }

  private ModbusClient connected() throws IOException {
    if (client == null) {
      throw new IOException("not connected to " + connection);
    }
    return client;
  }

  private static Boolean firstBit(byte[] bits) {
    return bits.length > 0 && (bits[0] & 1) != 0;
  }

  private static BigDecimal decimal(Object value) {
    return switch (value) {
      case Boolean b -> b ? BigDecimal.ONE : BigDecimal.ZERO;
      case Float f -> new BigDecimal(Float.toString(f));
      case Double d -> new BigDecimal(Double.toString(d));
      case Number n -> BigDecimal.valueOf(n.longValue());
      default -> new BigDecimal(value.toString().trim());
    };
  }

  private DeviceException refused(ModbusResponseException e, String doing, ModbusVisitor v) {
    String code =
        ExceptionCode.from(e.getExceptionCode())
            .map(Enum::name)
            .orElse("EXCEPTION_" + e.getExceptionCode());
    String function =
        FunctionCode.from(e.getFunctionCode())
            .map(Enum::name)
            .orElse(Integer.toString(e.getFunctionCode()));
    return new DeviceException(
        code,
        "Modbus exception "
            + e.getExceptionCode()
            + " ("
            + code
            + ") "
            + doing
            + " "
            + v.register().wire
            + " "
            + v.offset()
            + " (limit "
            + v.limit()
            + ", "
            + function
            + ") of "
            + device);
  }

  private IOException lost(ModbusException e) {
    return new IOException(connection + ": " + message(e), e);
  }

  private static String message(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getMessage() == null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private static void quietlyDisconnect(ModbusClient c) {
    try {
      c.disconnect();
    } catch (ModbusException | RuntimeException ignored) {
      // already gone
    }
  }
}
