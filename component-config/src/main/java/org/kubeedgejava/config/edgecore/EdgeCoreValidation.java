package org.kubeedgejava.config.edgecore;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.kubeedgejava.config.Violations;

/** The rules an {@link EdgeCoreConfig} must keep; every broken one is reported. */
final class EdgeCoreValidation {
  // keadm gettoken prints <sha256 of the CA certificate, hex>.<JWT header>.<payload>.<signature>
  private static final Pattern TOKEN = Pattern.compile("[0-9a-fA-F]{64}(\\.[A-Za-z0-9_=-]+){3}");
  private static final List<String> MQTT_SCHEMES = List.of("tcp", "ssl", "tls");

  private EdgeCoreValidation() {}

  static List<String> validate(EdgeCoreConfig c) {
    Violations v = new Violations();
    database(c.database(), v);
    EdgeCoreModules m = c.modules();
    // the node name is the node's identity for edgehub too, so it is checked even without edged
    String name = m.edged().hostnameOverride();
    if (name.isEmpty()) {
      v.add("modules.edged.hostnameOverride", "required: the name of this node");
    } else {
      v.dns1123Subdomain("modules.edged.hostnameOverride", name);
    }
    if (m.edgeHub().enable()) {
      edgeHub(m.edgeHub(), v);
    }
    if (m.edged().enable()) {
      edged(m.edged(), v);
    }
    if (m.eventBus().enable()) {
      eventBus(m.eventBus(), v);
    }
    if (m.deviceTwin().enable()) {
      v.absolutePath("modules.deviceTwin.dmiSockPath", m.deviceTwin().dmiSockPath());
    }
    return v.toList();
  }

  private static void database(Database d, Violations v) {
    v.oneOf("database.driverName", d.driverName(), List.of(Database.SQLITE3));
    v.notEmpty("database.aliasName", d.aliasName());
    v.notEmpty("database.dataSource", d.dataSource());
  }

  private static void edgeHub(EdgeHub h, Violations v) {
    String p = "modules.edgeHub.";
    v.positive(p + "heartbeat", h.heartbeat());
    v.positive(p + "messageQPS", h.messageQPS());
    v.positive(p + "messageBurst", h.messageBurst());
    v.notEmpty(p + "projectID", h.projectID());
    v.notEmpty(p + "tlsCaFile", h.tlsCaFile());
    v.notEmpty(p + "tlsCertFile", h.tlsCertFile());
    v.notEmpty(p + "tlsPrivateKeyFile", h.tlsPrivateKeyFile());
    v.url(p + "httpServer", h.httpServer(), List.of("https"));
    if (!h.token().isEmpty()) {
      // never echo the token: it is a secret
      v.require(
          TOKEN.matcher(h.token()).matches(),
          p + "token",
          "must be a join token as 'keadm gettoken' prints it (<CA hash>.<JWT>)");
    }

    EdgeHubWebSocket ws = h.websocket();
    if (v.require(
        ws.enable(),
        p + "websocket.enable",
        "must be true: WebSocket is the only hub transport this implementation has")) {
      v.hostPort(p + "websocket.server", ws.server(), true);
      v.positive(p + "websocket.handshakeTimeout", ws.handshakeTimeout());
      v.positive(p + "websocket.readDeadline", ws.readDeadline());
      v.positive(p + "websocket.writeDeadline", ws.writeDeadline());
    }

    EdgeHubReconnect r = h.reconnect();
    boolean initialOk = v.positive(p + "reconnect.initialBackoff", r.initialBackoff());
    boolean maxOk = v.positive(p + "reconnect.maxBackoff", r.maxBackoff());
    if (initialOk && maxOk) {
      v.require(
          r.initialBackoff() <= r.maxBackoff(),
          p + "reconnect.initialBackoff",
          "must not exceed maxBackoff (" + r.maxBackoff() + "), got " + r.initialBackoff());
    }
  }

  private static void edged(Edged e, Violations v) {
    String p = "modules.edged.";
    if (!e.nodeIP().isEmpty()) {
      v.hostIp(p + "nodeIP", e.nodeIP());
    }
    v.dns1123Label(p + "registerNodeNamespace", e.registerNodeNamespace());
    v.notEmpty(p + "podSandboxImage", e.podSandboxImage());
    v.absolutePath(p + "rootDirectory", e.rootDirectory());
    for (Map.Entry<String, String> label : e.nodeLabels().entrySet()) {
      String path = p + "nodeLabels[\"" + label.getKey() + "\"]";
      v.labelKey(path, label.getKey());
      v.labelValue(path, label.getValue());
    }

    TailoredKubeletConfig k = e.tailoredKubeletConfig();
    String kp = p + "tailoredKubeletConfig.";
    String endpoint = k.containerRuntimeEndpoint();
    v.require(
        endpoint.startsWith("unix:///") && endpoint.length() > "unix:///".length(),
        kp + "containerRuntimeEndpoint",
        "must be a unix:// socket URL such as unix:///run/containerd/containerd.sock, got \""
            + endpoint
            + "\"");
    v.positive(kp + "maxPods", k.maxPods());
    try {
      v.require(
          GoDuration.parse(k.nodeStatusUpdateFrequency()).isPositive(),
          kp + "nodeStatusUpdateFrequency",
          "must be positive, got \"" + k.nodeStatusUpdateFrequency() + "\"");
    } catch (IllegalArgumentException | ArithmeticException ex) {
      v.add(
          kp + "nodeStatusUpdateFrequency",
          "must be a duration such as 10s or 1m30s, got \"" + k.nodeStatusUpdateFrequency() + "\"");
    }
  }

  private static void eventBus(EventBus b, Violations v) {
    String p = "modules.eventBus.";
    v.range(p + "mqttMode", b.mqttMode(), 0, 2);
    v.range(p + "mqttQOS", b.mqttQOS(), 0, 2);
    boolean externalOk =
        b.mqttMode() != EventBus.MQTT_MODE_INTERNAL
            && v.url(p + "mqttServerExternal", b.mqttServerExternal(), MQTT_SCHEMES);
    if (b.mqttMode() == EventBus.MQTT_MODE_EXTERNAL) {
      return;
    }
    // the built-in broker listens where this URL says: plain MQTT, an explicit port
    String internalPath = p + "mqttServerInternal";
    if (!v.url(internalPath, b.mqttServerInternal(), List.of("tcp"))) {
      return;
    }
    URI internal = URI.create(b.mqttServerInternal());
    if (!v.require(
        internal.getPort() > 0,
        internalPath,
        "must name the port the built-in broker listens on, got \""
            + b.mqttServerInternal()
            + "\"")) {
      return;
    }
    if (b.mqttMode() == EventBus.MQTT_MODE_BOTH && externalOk) {
      URI external = URI.create(b.mqttServerExternal());
      int externalPort = external.getPort() == -1 ? 1883 : external.getPort();
      v.require(
          !(internal.getHost().equalsIgnoreCase(external.getHost())
              && internal.getPort() == externalPort),
          internalPath,
          "must differ from mqttServerExternal in mqttMode 1 (both brokers), got \""
              + b.mqttServerInternal()
              + "\" for both");
    }
  }
}
