package org.kubeedgejava.config.cloudcore;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/** Settings shared by all cloudcore modules ({@code commonConfig}). */
public record CommonConfig(@JsonProperty("monitorServer") MonitorServer monitorServer) {
  public CommonConfig {
    Objects.requireNonNull(monitorServer, "monitorServer");
  }

  public static CommonConfig defaults() {
    return new CommonConfig(MonitorServer.defaults());
  }
}
