package org.kubeedgejava.mapper;

/** A device's connection state as reported to edgecore ({@code ReportDeviceStates}). */
public enum DeviceState {
  UNKNOWN("unknown"),
  ONLINE("online"),
  OFFLINE("offline");

  private final String wire;

  DeviceState(String wire) {
    this.wire = wire;
  }

  /** The state's name on the wire. */
  public String wire() {
    return wire;
  }
}
