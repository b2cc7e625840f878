package org.kubeedgejava.config.cloudcore;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The hub edge nodes connect to ({@code modules.cloudHub}).
 *
 * @param enable default true
 * @param advertiseAddress the IPs edge nodes reach cloudcore at; they also go into the server
 *     certificate. Required when enabled (default empty)
 * @param dnsNames extra DNS names for the server certificate (default empty)
 * @param nodeLimit most edge nodes connected at once (default 1000)
 * @param keepaliveInterval seconds without a keepalive after which a node's session is closed
 *     (default 30)
 * @param tokenRefreshDuration hours between join-token refreshes (default 12)
 * @param edgeCertSigningDuration days an edge certificate is valid (default 365)
 * @param expiredCertificateGracePeriod days after its expiry that a node certificate may still buy
 *     a new one at the join endpoint ({@code /edge.crt}), so that a node offline for longer than
 *     its certificate's life (a parked truck, a cut-off site) renews by itself on its return
 *     instead of needing a new token and {@code keadm join} on site (default 365; 0 disables; at
 *     most 3650). The trade-off: a stolen node key stays useful for renewal for this much longer
 *     after the certificate expired. What limits it: the certificate must still verify with the
 *     cluster's CA, the request must be for the node the certificate names, the Node object must
 *     still exist (deleting the node revokes this path), and the websocket hub itself never accepts
 *     an expired certificate. Set it to the longest offline period you expect, or 0 to require a
 *     fresh join token after expiry
 * @param tlsCAFile default {@code /etc/kubeedge/ca/rootCA.crt}
 * @param tlsCAKeyFile default {@code /etc/kubeedge/ca/rootCA.key}
 * @param tlsCertFile default {@code /etc/kubeedge/certs/server.crt}
 * @param tlsPrivateKeyFile default {@code /etc/kubeedge/certs/server.key}
 */
public record CloudHub(
    @JsonProperty("enable") boolean enable,
    @JsonProperty("advertiseAddress") List<String> advertiseAddress,
    @JsonProperty("dnsNames") List<String> dnsNames,
    @JsonProperty("nodeLimit") int nodeLimit,
    @JsonProperty("keepaliveInterval") int keepaliveInterval,
    @JsonProperty("tokenRefreshDuration") int tokenRefreshDuration,
    @JsonProperty("edgeCertSigningDuration") int edgeCertSigningDuration,
    @JsonProperty("expiredCertificateGracePeriod") int expiredCertificateGracePeriod,
    @JsonProperty("tlsCAFile") String tlsCAFile,
    @JsonProperty("tlsCAKeyFile") String tlsCAKeyFile,
    @JsonProperty("tlsCertFile") String tlsCertFile,
    @JsonProperty("tlsPrivateKeyFile") String tlsPrivateKeyFile,
    @JsonProperty("websocket") CloudHubWebSocket websocket,
    @JsonProperty("https") CloudHubHttps https,
    @JsonProperty("quic") CloudHubQuic quic) {
  public CloudHub {
    advertiseAddress = List.copyOf(advertiseAddress);
    dnsNames = List.copyOf(dnsNames);
    Objects.requireNonNull(tlsCAFile, "tlsCAFile");
    Objects.requireNonNull(tlsCAKeyFile, "tlsCAKeyFile");
    Objects.requireNonNull(tlsCertFile, "tlsCertFile");
    Objects.requireNonNull(tlsPrivateKeyFile, "tlsPrivateKeyFile");
    Objects.requireNonNull(websocket, "websocket");
    Objects.requireNonNull(https, "https");
    Objects.requireNonNull(quic, "quic");
  }

  public static CloudHub defaults() {
    return new CloudHub(
        true,
        List.of(),
        List.of(),
        1000,
        30,
        12,
        365,
        365,
        "/etc/kubeedge/ca/rootCA.crt",
        "/etc/kubeedge/ca/rootCA.key",
        "/etc/kubeedge/certs/server.crt",
        "/etc/kubeedge/certs/server.key",
        CloudHubWebSocket.defaults(),
        CloudHubHttps.defaults(),
        CloudHubQuic.defaults());
  }

  /** {@link #keepaliveInterval()} as a duration. */
  public Duration keepalive() {
    return Duration.ofSeconds(keepaliveInterval);
  }

  /** {@link #tokenRefreshDuration()} as a duration. */
  public Duration tokenRefreshPeriod() {
    return Duration.ofHours(tokenRefreshDuration);
  }

  /** {@link #edgeCertSigningDuration()} as a duration. */
  public Duration edgeCertValidity() {
    return Duration.ofDays(edgeCertSigningDuration);
  }

  /** {@link #expiredCertificateGracePeriod()} as a duration; zero when disabled. */
  public Duration expiredCertificateGrace() {
    return Duration.ofDays(expiredCertificateGracePeriod);
  }

  CloudHub withExpiredCertificateGracePeriod(int days) {
    return new CloudHub(
        enable,
        advertiseAddress,
        dnsNames,
        nodeLimit,
        keepaliveInterval,
        tokenRefreshDuration,
        edgeCertSigningDuration,
        days,
        tlsCAFile,
        tlsCAKeyFile,
        tlsCertFile,
        tlsPrivateKeyFile,
        websocket,
        https,
        quic);
  }

  CloudHub withAddresses(List<String> advertise, List<String> dns) {
    return new CloudHub(
        enable,
        advertise,
        dns,
        nodeLimit,
        keepaliveInterval,
        tokenRefreshDuration,
        edgeCertSigningDuration,
        expiredCertificateGracePeriod,
        tlsCAFile,
        tlsCAKeyFile,
        tlsCertFile,
        tlsPrivateKeyFile,
        websocket,
        https,
        quic);
  }

  CloudHub withTls(String caFile, String caKeyFile, String certFile, String keyFile) {
    return new CloudHub(
        enable,
        advertiseAddress,
        dnsNames,
        nodeLimit,
        keepaliveInterval,
        tokenRefreshDuration,
        edgeCertSigningDuration,
        expiredCertificateGracePeriod,
        caFile,
        caKeyFile,
        certFile,
        keyFile,
        websocket,
        https,
        quic);
  }

  CloudHub withListeners(CloudHubWebSocket ws, CloudHubHttps httpsServer) {
    return new CloudHub(
        enable,
        advertiseAddress,
        dnsNames,
        nodeLimit,
        keepaliveInterval,
        tokenRefreshDuration,
        edgeCertSigningDuration,
        expiredCertificateGracePeriod,
        tlsCAFile,
        tlsCAKeyFile,
        tlsCertFile,
        tlsPrivateKeyFile,
        ws,
        httpsServer,
        quic);
  }

  CloudHub withNodeLimit(int limit) {
    return new CloudHub(
        enable,
        advertiseAddress,
        dnsNames,
        limit,
        keepaliveInterval,
        tokenRefreshDuration,
        edgeCertSigningDuration,
        expiredCertificateGracePeriod,
        tlsCAFile,
        tlsCAKeyFile,
        tlsCertFile,
        tlsPrivateKeyFile,
        websocket,
        https,
        quic);
  }
}
