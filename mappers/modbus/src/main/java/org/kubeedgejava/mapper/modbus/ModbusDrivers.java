package org.kubeedgejava.mapper.modbus;

import java.util.HashMap;
import java.util.Map;
import org.kubeedgejava.mapper.DeviceConfig;
import org.kubeedgejava.mapper.DeviceDriver;
import org.kubeedgejava.mapper.DriverFactory;
import org.kubeedgejava.mapper.PropertyConfig;

/**
 * The {@code modbus} protocol: validates a device's protocol and visitor configData (see {@link
 * ModbusConnection} and {@link ModbusVisitor}) and makes its {@link ModbusDriver}.
 *
 * <p>Threading: stateless; safe from any thread.
 */
public final class ModbusDrivers implements DriverFactory {
  /** The protocol name Devices use and the mapper registers with. */
  public static final String PROTOCOL = "modbus";

  @Override
  public String protocol() {
    return PROTOCOL;
  }

  @Override
  public DeviceDriver create(DeviceConfig device) {
    ModbusConnection connection = ModbusConnection.parse(device.protocol());
    Map<String, ModbusVisitor> visitors = new HashMap<>();
    for (PropertyConfig p : device.properties()) {
      try {
        visitors.put(p.name(), ModbusVisitor.parse(p.visitor()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("property " + p.name() + ": " + e.getMessage(), e);
      }
    }
    return new ModbusDriver(device.id(), connection, visitors);
  }
}
