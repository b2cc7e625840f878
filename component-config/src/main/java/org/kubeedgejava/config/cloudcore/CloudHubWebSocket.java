package org.kubeedgejava.config.cloudcore;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * The WebSocket hub edge nodes connect to ({@code modules.cloudHub.websocket}).
 *
 * @param enable default true; the only hub transport this implementation has
 * @param address IP to listen on (default {@code 0.0.0.0})
 * @param port default 10000
 * @param maxFrameBytes largest frame accepted from an edge node, in bytes (our extension; default 8
 *     MiB)
 */
public record CloudHubWebSocket(
    @JsonProperty("enable") boolean enable,
    @JsonProperty("address") String address,
    @JsonProperty("port") int port,
    @JsonProperty("maxFrameBytes") int maxFrameBytes) {
  public CloudHubWebSocket {
    Objects.requireNonNull(address, "address");
  }

  public static CloudHubWebSocket defaults() {
    return new CloudHubWebSocket(true, "0.0.0.0", 10000, 8 * 1024 * 1024);
  }

  CloudHubWebSocket withPort(int newPort) {
    return new CloudHubWebSocket(enable, address, newPort, maxFrameBytes);
  }
}
