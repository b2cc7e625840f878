package org.kubeedgejava.mapper;

/**
 * The device answered and refused one operation (for Modbus, an exception response such as "illegal
 * data address"). The device stays online; the property reports {@link #getMessage}.
 */
public final class DeviceException extends Exception {
  private final String code;

  /**
   * @param code a short protocol-specific code, e.g. {@code ILLEGAL_DATA_ADDRESS}
   * @param message what was refused and why, for the report and the log
   */
  public DeviceException(String code, String message) {
    super(message);
    this.code = code;
  }

  /** The protocol's own code for the refusal. */
  public String code() {
    return code;
  }
}
