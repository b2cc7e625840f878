package org.kubeedgejava.config.cloudcore;

import java.util.List;
import org.kubeedgejava.config.Violations;

/** The rules a {@link CloudCoreConfig} must keep; every broken one is reported. */
final class CloudCoreValidation {
  private CloudCoreValidation() {}

  static List<String> validate(CloudCoreConfig c) {
    Violations v = new Violations();
    kubeApi(c.kubeAPIConfig(), v);
    v.hostPort(
        "commonConfig.monitorServer.bindAddress",
        c.commonConfig().monitorServer().bindAddress(),
        false);
    CloudHub hub = c.modules().cloudHub();
    if (hub.enable()) {
      cloudHub(hub, v);
    }
    EdgeController ec = c.modules().edgeController();
    if (ec.enable()) {
      v.positive("modules.edgeController.nodeUpdateFrequency", ec.nodeUpdateFrequency());
      v.labelValue("modules.edgeController.edgeNodeLabelValue", ec.edgeNodeLabelValue());
    }
    return v.toList();
  }

  private static void kubeApi(KubeAPIConfig k, Violations v) {
    if (!k.master().isEmpty()) {
      v.url("kubeAPIConfig.master", k.master(), List.of("https", "http"));
    }
    v.oneOf(
        "kubeAPIConfig.contentType",
        k.contentType(),
        List.of(KubeAPIConfig.CONTENT_TYPE_JSON, KubeAPIConfig.CONTENT_TYPE_PROTOBUF));
    v.positive("kubeAPIConfig.qps", k.qps());
    v.positive("kubeAPIConfig.burst", k.burst());
  }

  private static void cloudHub(CloudHub hub, Violations v) {
    String p = "modules.cloudHub.";
    if (hub.advertiseAddress().isEmpty()) {
      v.add(p + "advertiseAddress", "at least one IP address is required");
    }
    for (int i = 0; i < hub.advertiseAddress().size(); i++) {
      v.hostIp(p + "advertiseAddress[" + i + "]", hub.advertiseAddress().get(i));
    }
    for (int i = 0; i < hub.dnsNames().size(); i++) {
      v.dnsName(p + "dnsNames[" + i + "]", hub.dnsNames().get(i));
    }
    v.positive(p + "nodeLimit", hub.nodeLimit());
    v.positive(p + "keepaliveInterval", hub.keepaliveInterval());
    v.positive(p + "tokenRefreshDuration", hub.tokenRefreshDuration());
    v.positive(p + "edgeCertSigningDuration", hub.edgeCertSigningDuration());
    v.range(p + "expiredCertificateGracePeriod", hub.expiredCertificateGracePeriod(), 0, 3650);
    v.notEmpty(p + "tlsCAFile", hub.tlsCAFile());
    v.notEmpty(p + "tlsCAKeyFile", hub.tlsCAKeyFile());
    v.notEmpty(p + "tlsCertFile", hub.tlsCertFile());
    v.notEmpty(p + "tlsPrivateKeyFile", hub.tlsPrivateKeyFile());

    CloudHubWebSocket ws = hub.websocket();
    if (v.require(
        ws.enable(),
        p + "websocket.enable",
        "must be true: WebSocket is the only hub transport this implementation has")) {
      v.ipAddress(p + "websocket.address", ws.address());
      v.port(p + "websocket.port", ws.port());
      v.positive(p + "websocket.maxFrameBytes", ws.maxFrameBytes());
    }
    CloudHubHttps https = hub.https();
    if (https.enable()) {
      v.ipAddress(p + "https.address", https.address());
      if (v.port(p + "https.port", https.port()) && ws.enable()) {
        v.require(
            https.port() != ws.port() || !overlap(https.address(), ws.address()),
            p + "https.port",
            https.port() + " is already the websocket port");
      }
    }
    v.require(
        !hub.quic().enable(),
        p + "quic.enable",
        "QUIC is not supported: KubeEdge's gQUIC lane is not interoperable; use websocket");
  }

  /** Whether two listen addresses can clash: equal, or either is a wildcard. */
  private static boolean overlap(String a, String b) {
    return a.equals(b) || isWildcard(a) || isWildcard(b);
  }

  private static boolean isWildcard(String ip) {
    return "0.0.0.0".equals(ip) || "::".equals(ip);
  }
}
