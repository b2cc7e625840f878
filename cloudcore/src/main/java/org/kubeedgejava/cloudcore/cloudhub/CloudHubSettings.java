package org.kubeedgejava.cloudcore.cloudhub;

import java.time.Duration;
import java.util.Objects;

/**
 * What the hub needs from cloudcore.yaml, already defaulted and validated.
 *
 * @param bindAddress address to listen on, e.g. {@code 0.0.0.0}
 * @param port websocket port (10000; 0 picks a free one, for tests)
 * @param keepaliveTimeout a session that sends nothing for this long is dropped (30 s)
 * @param maxFrameBytes largest websocket message accepted
 * @param nodeLimit most sessions held at once; more are refused
 */
public record CloudHubSettings(
    String bindAddress, int port, Duration keepaliveTimeout, int maxFrameBytes, int nodeLimit) {
  public CloudHubSettings {
    Objects.requireNonNull(bindAddress, "bindAddress");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (keepaliveTimeout.isNegative() || keepaliveTimeout.isZero()) {
      throw new IllegalArgumentException("keepaliveTimeout must be positive: " + keepaliveTimeout);
    }
    if (maxFrameBytes < 1024 || nodeLimit < 1) {
      throw new IllegalArgumentException("maxFrameBytes >= 1024 and nodeLimit >= 1 required");
    }
  }
}
