package org.kubeedgejava.cloudcore.devicecontroller;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What an edge reported about one device and is not yet in {@code Device.status}: twins by property
 * name, the state and the last-online time (null when not reported). Immutable; {@link #merge}
 * makes the union of two reports, the newer winning per field.
 *
 * @param twins property name → what was reported about it
 * @param state the device's state, or null
 * @param lastOnlineTime when the device was last online, or null
 */
record DeviceReport(Map<String, Twin> twins, String state, String lastOnlineTime) {

  /**
   * One property's status entry: {@code reported} and {@code observedDesired} are {@code {value,
   * metadata}} objects as {@code Device.status.twins[]} holds them, null when not reported.
   */
  record Twin(JsonNode reported, JsonNode observedDesired) {
    Twin merge(Twin newer) {
      return new Twin(
          newer.reported != null ? newer.reported : reported,
          newer.observedDesired != null ? newer.observedDesired : observedDesired);
    }
  }

  DeviceReport {
    twins = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(twins)));
  }

  static DeviceReport ofTwins(Map<String, Twin> twins) {
    return new DeviceReport(twins, null, null);
  }

  static DeviceReport ofState(String state, String lastOnlineTime) {
    return new DeviceReport(Map.of(), state, lastOnlineTime);
  }

  /** This report with {@code newer} applied over it. */
  DeviceReport merge(DeviceReport newer) {
    Map<String, Twin> merged = new LinkedHashMap<>(twins);
    newer.twins.forEach((name, twin) -> merged.merge(name, twin, Twin::merge));
    return new DeviceReport(
        merged,
        newer.state != null ? newer.state : state,
        newer.lastOnlineTime != null ? newer.lastOnlineTime : lastOnlineTime);
  }
}
