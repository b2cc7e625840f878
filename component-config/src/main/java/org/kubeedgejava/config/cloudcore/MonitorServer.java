package org.kubeedgejava.config.cloudcore;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;
import org.kubeedgejava.config.HostPort;

/**
 * The Prometheus metrics listener ({@code commonConfig.monitorServer}).
 *
 * @param bindAddress {@code host:port} to listen on (default {@code 127.0.0.1:9091})
 */
public record MonitorServer(@JsonProperty("bindAddress") String bindAddress) {
  public MonitorServer {
    Objects.requireNonNull(bindAddress, "bindAddress");
  }

  public static MonitorServer defaults() {
    return new MonitorServer("127.0.0.1:9091");
  }

  /**
   * The bind address, parsed.
   *
   * @throws IllegalArgumentException if it is not {@code host:port} (a validated config always is)
   */
  public HostPort hostPort() {
    return HostPort.parse(bindAddress);
  }
}
