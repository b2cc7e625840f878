package org.kubeedgejava.edgecore.edgehub;

import java.time.Duration;
import java.util.Objects;

/**
 * What EdgeHub needs from edgecore.yaml, already defaulted and validated.
 *
 * @param host cloudcore's address
 * @param port cloudcore's websocket port (10000)
 * @param projectId the project path segment KubeEdge puts in the URL
 * @param nodeName this node
 * @param heartbeat keepalive period (15 s); the tunnel counts as dead after three silent periods
 * @param handshakeTimeout limit for TLS plus websocket handshake
 * @param maxFrameBytes largest message accepted from the cloud
 * @param initialBackoff first reconnect ceiling
 * @param maxBackoff reconnect ceiling cap (about 60 s)
 */
public record EdgeHubSettings(
    String host,
    int port,
    String projectId,
    String nodeName,
    Duration heartbeat,
    Duration handshakeTimeout,
    int maxFrameBytes,
    Duration initialBackoff,
    Duration maxBackoff) {
  public EdgeHubSettings {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(projectId, "projectId");
    Objects.requireNonNull(nodeName, "nodeName");
    if (heartbeat.isZero() || heartbeat.isNegative()) {
      throw new IllegalArgumentException("heartbeat must be positive");
    }
  }

  /** The URL KubeEdge's edge dials: {@code wss://<host>:<port>/<project>/<node>/events}. */
  public String url() {
    String h = host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    return "wss://" + h + ":" + port + "/" + projectId + "/" + nodeName + "/events";
  }
}
