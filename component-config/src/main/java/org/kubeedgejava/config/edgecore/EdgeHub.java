package org.kubeedgejava.config.edgecore;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.Objects;

/**
 * The edge node's link to cloudcore ({@code modules.edgeHub}).
 *
 * @param enable default true
 * @param heartbeat seconds between keepalives to cloudcore (default 15)
 * @param messageQPS upstream message rate limit (default 30)
 * @param messageBurst upstream message burst (default 60)
 * @param projectID default {@code e632aba927ea4ac2b575ec1603d56f10}
 * @param tlsCaFile default {@code /etc/kubeedge/ca/rootCA.crt}
 * @param tlsCertFile default {@code /etc/kubeedge/certs/server.crt}
 * @param tlsPrivateKeyFile default {@code /etc/kubeedge/certs/server.key}
 * @param websocket the hub connection
 * @param token the join token ({@code keadm gettoken}); only needed until the node has a
 *     certificate (default empty)
 * @param httpServer cloudcore's certificate server (default {@code https://127.0.0.1:10002})
 * @param rotateCertificates whether the node renews its certificate (default true)
 * @param reconnect back-off between connection attempts (our extension)
 */
public record EdgeHub(
    @JsonProperty("enable") boolean enable,
    @JsonProperty("heartbeat") int heartbeat,
    @JsonProperty("messageQPS") int messageQPS,
    @JsonProperty("messageBurst") int messageBurst,
    @JsonProperty("projectID") String projectID,
    @JsonProperty("tlsCaFile") String tlsCaFile,
    @JsonProperty("tlsCertFile") String tlsCertFile,
    @JsonProperty("tlsPrivateKeyFile") String tlsPrivateKeyFile,
    @JsonProperty("websocket") EdgeHubWebSocket websocket,
    @JsonProperty("token") String token,
    @JsonProperty("httpServer") String httpServer,
    @JsonProperty("rotateCertificates") boolean rotateCertificates,
    @JsonProperty("reconnect") EdgeHubReconnect reconnect) {
  public EdgeHub {
    Objects.requireNonNull(projectID, "projectID");
    Objects.requireNonNull(tlsCaFile, "tlsCaFile");
    Objects.requireNonNull(tlsCertFile, "tlsCertFile");
    Objects.requireNonNull(tlsPrivateKeyFile, "tlsPrivateKeyFile");
    Objects.requireNonNull(websocket, "websocket");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(httpServer, "httpServer");
    Objects.requireNonNull(reconnect, "reconnect");
  }

  public static EdgeHub defaults() {
    return new EdgeHub(
        true,
        15,
        30,
        60,
        "e632aba927ea4ac2b575ec1603d56f10",
        "/etc/kubeedge/ca/rootCA.crt",
        "/etc/kubeedge/certs/server.crt",
        "/etc/kubeedge/certs/server.key",
        EdgeHubWebSocket.defaults(),
        "",
        "https://127.0.0.1:10002",
        true,
        EdgeHubReconnect.defaults());
  }

  /** {@link #heartbeat()} as a duration. */
  public Duration heartbeatInterval() {
    return Duration.ofSeconds(heartbeat);
  }

  EdgeHub withHeartbeat(int seconds) {
    return with(seconds, null, null, null, null, null, null);
  }

  EdgeHub withTls(String caFile, String certFile, String keyFile) {
    return with(null, caFile, certFile, keyFile, null, null, null);
  }

  EdgeHub withWebSocketServer(String hostPort) {
    return with(null, null, null, null, websocket.withServer(hostPort), null, null);
  }

  EdgeHub withToken(String newToken) {
    return with(null, null, null, null, null, Objects.requireNonNull(newToken, "token"), null);
  }

  EdgeHub withHttpServer(String url) {
    return with(null, null, null, null, null, null, Objects.requireNonNull(url, "httpServer"));
  }

  /** A copy with the given fields replaced; a null argument keeps the current value. */
  private EdgeHub with(
      Integer newHeartbeat,
      String caFile,
      String certFile,
      String keyFile,
      EdgeHubWebSocket newWebsocket,
      String newToken,
      String newHttpServer) {
    return new EdgeHub(
        enable,
        newHeartbeat != null ? newHeartbeat : heartbeat,
        messageQPS,
        messageBurst,
        projectID,
        caFile != null ? caFile : tlsCaFile,
        certFile != null ? certFile : tlsCertFile,
        keyFile != null ? keyFile : tlsPrivateKeyFile,
        newWebsocket != null ? newWebsocket : websocket,
        newToken != null ? newToken : token,
        newHttpServer != null ? newHttpServer : httpServer,
        rotateCertificates,
        reconnect);
  }
}
