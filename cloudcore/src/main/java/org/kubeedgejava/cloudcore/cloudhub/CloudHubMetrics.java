package org.kubeedgejava.cloudcore.cloudhub;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.IntSupplier;

/**
 * CloudHub's Prometheus metrics. {@code kubeedge_cloudhub_active_connections} is the name operators
 * already alert on; the counters say why connections and frames were refused.
 */
public final class CloudHubMetrics {
  /** Reasons a connection is refused (label {@code reason}). */
  public enum Rejection {
    TLS_HANDSHAKE("tls_handshake"),
    BAD_REQUEST("bad_request"),
    IDENTITY_MISMATCH("identity_mismatch"),
    NODE_LIMIT("node_limit"),
    KEEPALIVE_TIMEOUT("keepalive_timeout");

    final String label;

    Rejection(String label) {
      this.label = label;
    }
  }

  private final IntSupplier activeSessions;
  private final Counter rejectedConnections;
  private final Counter badFrames;

  /** Registers the metrics; {@code activeSessions} is read at each scrape. */
  public CloudHubMetrics(PrometheusRegistry registry, IntSupplier activeSessions) {
    this.activeSessions = activeSessions;
    GaugeWithCallback.builder()
        .name("kubeedge_cloudhub_active_connections")
        .help("Edge nodes with an open tunnel to this cloudcore")
        .callback(callback -> callback.call(activeSessions.getAsInt()))
        .register(registry);
    rejectedConnections =
        Counter.builder()
            .name("kubeedge_cloudhub_rejected_connections_total")
            .help("Connections refused or dropped by CloudHub, by reason")
            .labelNames("reason")
            .register(registry);
    badFrames =
        Counter.builder()
            .name("kubeedge_cloudhub_bad_frames_total")
            .help("Websocket frames that were not valid messages, by reason")
            .labelNames("reason")
            .register(registry);
  }

  void rejected(Rejection reason) {
    rejectedConnections.labelValues(reason.label).inc();
  }

  void badFrame(String reason) {
    badFrames.labelValues(reason).inc();
  }

  public int activeConnections() {
    return activeSessions.getAsInt();
  }

  public double rejectedConnections(Rejection reason) {
    return rejectedConnections.labelValues(reason.label).get();
  }

  public double badFrames(String reason) {
    return badFrames.labelValues(reason).get();
  }
}
