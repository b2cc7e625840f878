package org.kubeedgejava.config.edgecore;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.Objects;

/**
 * The WebSocket connection to cloudcore's hub ({@code modules.edgeHub.websocket}).
 *
 * @param enable default true; the only hub transport this implementation has
 * @param server cloudcore's hub as {@code host:port} (default {@code 127.0.0.1:10000})
 * @param handshakeTimeout seconds (default 30)
 * @param readDeadline seconds (default 15)
 * @param writeDeadline seconds (default 15)
 */
public record EdgeHubWebSocket(
    @JsonProperty("enable") boolean enable,
    @JsonProperty("server") String server,
    @JsonProperty("handshakeTimeout") int handshakeTimeout,
    @JsonProperty("readDeadline") int readDeadline,
    @JsonProperty("writeDeadline") int writeDeadline) {
  public EdgeHubWebSocket {
    Objects.requireNonNull(server, "server");
  }

  public static EdgeHubWebSocket defaults() {
    return new EdgeHubWebSocket(true, "127.0.0.1:10000", 30, 15, 15);
  }

  /** {@link #handshakeTimeout()} as a duration. */
  public Duration handshakeTimeLimit() {
    return Duration.ofSeconds(handshakeTimeout);
  }

  /** {@link #readDeadline()} as a duration. */
  public Duration readTimeLimit() {
    return Duration.ofSeconds(readDeadline);
  }

  /** {@link #writeDeadline()} as a duration. */
  public Duration writeTimeLimit() {
    return Duration.ofSeconds(writeDeadline);
  }

  EdgeHubWebSocket withServer(String hostPort) {
    return new EdgeHubWebSocket(enable, hostPort, handshakeTimeout, readDeadline, writeDeadline);
  }
}
