package org.kubeedgejava.mapper;

/**
 * A protocol: its name (the Device's {@code spec.protocol.protocolName}, also the name the mapper
 * registers with) and how to make a driver for one device.
 */
public interface DriverFactory {

  /** The protocol name, e.g. {@code modbus}. */
  String protocol();

  /**
   * Validates {@code device}'s protocol and visitor configuration and returns its driver, not yet
   * connected. Does no I/O.
   *
   * @throws IllegalArgumentException naming what is wrong with the configuration; the device is
   *     then refused and never started
   */
  DeviceDriver create(DeviceConfig device);
}
