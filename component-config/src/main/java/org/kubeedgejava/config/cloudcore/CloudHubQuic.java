package org.kubeedgejava.config.cloudcore;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * Upstream's QUIC hub ({@code modules.cloudHub.quic}). Read so that upstream files load, but it
 * must stay disabled: KubeEdge's gQUIC lane is not interoperable, so this implementation has none.
 *
 * @param enable must be false (default)
 * @param address default {@code 0.0.0.0}
 * @param port default 10001
 * @param maxIncomingStreams default 10000
 */
public record CloudHubQuic(
    @JsonProperty("enable") boolean enable,
    @JsonProperty("address") String address,
    @JsonProperty("port") int port,
    @JsonProperty("maxIncomingStreams") int maxIncomingStreams) {
  public CloudHubQuic {
    Objects.requireNonNull(address, "address");
  }

  public static CloudHubQuic defaults() {
    return new CloudHubQuic(false, "0.0.0.0", 10001, 10000);
  }
}
