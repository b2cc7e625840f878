package org.kubeedgejava.config.cloudcore;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * The HTTPS server that hands out the CA and signs edge certificates ({@code
 * modules.cloudHub.https}).
 *
 * @param enable default true
 * @param address IP to listen on (default {@code 0.0.0.0})
 * @param port default 10002
 */
public record CloudHubHttps(
    @JsonProperty("enable") boolean enable,
    @JsonProperty("address") String address,
    @JsonProperty("port") int port) {
  public CloudHubHttps {
    Objects.requireNonNull(address, "address");
  }

  public static CloudHubHttps defaults() {
    return new CloudHubHttps(true, "0.0.0.0", 10002);
  }

  CloudHubHttps withPort(int newPort) {
    return new CloudHubHttps(enable, address, newPort);
  }
}
