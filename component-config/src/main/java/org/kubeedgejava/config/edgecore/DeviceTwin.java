package org.kubeedgejava.config.edgecore;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * Device state and the DMI server mappers talk to ({@code modules.deviceTwin}).
 *
 * @param enable default true
 * @param dmiSockPath the DMI gRPC socket (default {@code /etc/kubeedge/dmi.sock})
 */
public record DeviceTwin(
    @JsonProperty("enable") boolean enable, @JsonProperty("dmiSockPath") String dmiSockPath) {
  public DeviceTwin {
    Objects.requireNonNull(dmiSockPath, "dmiSockPath");
  }

  public static DeviceTwin defaults() {
    return new DeviceTwin(true, "/etc/kubeedge/dmi.sock");
  }
}
