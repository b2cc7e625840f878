package org.kubeedgejava.mapper;

import java.io.IOException;

/**
 * One device's connection, as a protocol sees it. Made by {@link DriverFactory#create}; the SDK
 * calls {@link #connect} before the first read and again after every {@link #disconnect}.
 *
 * <p>Threading: every method of one driver is called from that device's own thread, one call at a
 * time, so a driver needs no locking. Different devices' drivers run on different threads.
 *
 * <p>Errors: an {@link IOException} (connection refused or lost, timeout) means the device cannot
 * be reached: the SDK marks it offline, calls {@link #disconnect} and reconnects with back-off. A
 * {@link DeviceException} means the device answered and refused this one operation: the property
 * reports the error and the device stays online.
 */
public interface DeviceDriver {

  /** Opens the connection to the device. */
  void connect() throws IOException;

  /**
   * Reads {@code property}: a {@link Number}, {@link Boolean} or {@link String}; the SDK converts
   * it to the property's {@link PropertyType}.
   */
  Object read(PropertyConfig property) throws IOException, DeviceException;

  /**
   * Writes {@code value}, already converted to the property's type ({@link Long} for INT, {@link
   * Float}, {@link Double}, {@link Boolean} or {@link String}).
   */
  void write(PropertyConfig property, Object value) throws IOException, DeviceException;

  /** Drops the connection, quietly; the driver may be {@link #connect connected} again later. */
  void disconnect();
}
