package org.kubeedgejava.config.edgecore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.LIST;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kubeedgejava.config.InvalidConfigException;
import org.kubeedgejava.config.LoadedConfig;

class EdgeCoreConfigTest {
  private static final String HEADER =
      """
      apiVersion: edgecore.config.kubeedge.io/v1alpha2
      kind: EdgeCore
      """;
  private static final String TOKEN =
      "3f2a1c9e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a1f"
          + ".eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9"
          + ".eyJleHAiOjE3NDc4NDMyMDB9"
          + ".c2lnbmF0dXJl";

  @TempDir Path dir;

  @Test
  void defaultsAreUpstreamsWithOurExtensions() {
    EdgeCoreConfig c = EdgeCoreConfig.defaults();

    assertThat(c.database())
        .isEqualTo(new Database("sqlite3", "default", "/var/lib/kubeedge/edgecore.db"));
    EdgeHub hub = c.edgeHub();
    assertThat(hub.enable()).isTrue();
    assertThat(hub.heartbeatInterval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(hub.projectID()).isEqualTo("e632aba927ea4ac2b575ec1603d56f10");
    assertThat(hub.messageQPS()).isEqualTo(30);
    assertThat(hub.messageBurst()).isEqualTo(60);
    assertThat(hub.tlsCaFile()).isEqualTo("/etc/kubeedge/ca/rootCA.crt");
    assertThat(hub.tlsCertFile()).isEqualTo("/etc/kubeedge/certs/server.crt");
    assertThat(hub.tlsPrivateKeyFile()).isEqualTo("/etc/kubeedge/certs/server.key");
    assertThat(hub.rotateCertificates()).isTrue();
    assertThat(hub.token()).isEmpty();
    assertThat(hub.httpServer()).isEqualTo("https://127.0.0.1:10002");
    assertThat(hub.websocket())
        .isEqualTo(new EdgeHubWebSocket(true, "127.0.0.1:10000", 30, 15, 15));
    assertThat(hub.websocket().handshakeTimeLimit()).isEqualTo(Duration.ofSeconds(30));
    assertThat(hub.reconnect()).isEqualTo(new EdgeHubReconnect(1, 60));
    Edged edged = c.edged();
    assertThat(edged.enable()).isTrue();
    assertThat(c.nodeName()).isEmpty();
    assertThat(edged.nodeIP()).isEmpty();
    assertThat(edged.registerNodeNamespace()).isEqualTo("default");
    assertThat(edged.podSandboxImage()).isEqualTo("kubeedge/pause:3.6");
    assertThat(edged.rootDirectory()).isEqualTo("/var/lib/kubelet");
    assertThat(edged.nodeLabels()).isEmpty();
    assertThat(edged.tailoredKubeletConfig())
        .isEqualTo(new TailoredKubeletConfig("unix:///run/containerd/containerd.sock", 110, "10s"));
    assertThat(edged.tailoredKubeletConfig().nodeStatusUpdatePeriod())
        .isEqualTo(Duration.ofSeconds(10));
    assertThat(c.modules().metaManager().enable()).isTrue();
    assertThat(c.modules().eventBus())
        .isEqualTo(new EventBus(true, 0, "tcp://127.0.0.1:1884", "tcp://127.0.0.1:1883", 2));
    assertThat(c.modules().deviceTwin()).isEqualTo(new DeviceTwin(true, "/etc/kubeedge/dmi.sock"));
  }

  @Test
  void defaultsAloneLackOnlyTheNodeName() {
    assertThat(EdgeCoreConfig.defaults().validate())
        .containsExactly("modules.edged.hostnameOverride: required: the name of this node");
  }

  @Test
  void minimalFileNeedsOnlyTheNodeName() {
    LoadedConfig<EdgeCoreConfig> loaded =
        EdgeCoreConfig.fromYaml(
            HEADER
                + """
                modules:
                  edged:
                    hostnameOverride: edge-1
                """);

    assertThat(loaded.warnings()).isEmpty();
    assertThat(loaded.config()).isEqualTo(EdgeCoreConfig.defaults().withNodeName("edge-1"));
  }

  @Test
  void upstreamFileLoadsAndWarnsAboutEachFieldWeDoNotKnow() throws IOException {
    LoadedConfig<EdgeCoreConfig> loaded = EdgeCoreConfig.load(resource("upstream-edgecore.yaml"));

    EdgeCoreConfig c = loaded.config();
    assertThat(c.nodeName()).isEqualTo("factory-line-3");
    assertThat(c.edged().nodeIP()).isEqualTo("192.168.1.23");
    assertThat(c.edged().nodeLabels()).containsExactly(Map.entry("site", "plant-a"));
    assertThat(c.edgeHub().websocket().server()).isEqualTo("192.168.1.10:10000");
    assertThat(c.edgeHub().httpServer()).isEqualTo("https://192.168.1.10:10002");
    assertThat(c.edgeHub().reconnect()).isEqualTo(EdgeHubReconnect.defaults());
    assertThat(loaded.warnings())
        .containsExactlyInAnyOrder(
            "unknown field modules.dbTest (ignored)",
            "unknown field modules.edgeHub.quic (ignored)",
            "unknown field modules.edgeStream (ignored)",
            "unknown field modules.edged.maxContainerCount (ignored)",
            "unknown field modules.edged.maxPerPodContainerCount (ignored)",
            "unknown field modules.edged.minimumGCAge (ignored)",
            "unknown field modules.edged.registerSchedulable (ignored)",
            "unknown field modules.edged.reportEvent (ignored)",
            "unknown field modules.edged.tailoredKubeletConfig.address (ignored)",
            "unknown field modules.edged.tailoredKubeletConfig.cgroupDriver (ignored)",
            "unknown field modules.edged.tailoredKubeletConfig.clusterDomain (ignored)",
            "unknown field modules.edged.tailoredKubeletConfig.readOnlyPort (ignored)",
            "unknown field modules.eventBus.eventBusTLS (ignored)",
            "unknown field modules.eventBus.mqttRetain (ignored)",
            "unknown field modules.eventBus.mqttSessionQueueSize (ignored)",
            "unknown field modules.metaManager.contextSendGroup (ignored)",
            "unknown field modules.metaManager.metaServer (ignored)",
            "unknown field modules.serviceBus (ignored)");
  }

  @Test
  void everyViolationIsReportedAtOnce() {
    String yaml =
        HEADER
            + """
            database:
              dataSource: ""
            modules:
              edgeHub:
                heartbeat: 0
                httpServer: http://10.0.0.5:10002
                token: not-a-token
                websocket:
                  server: 10.0.0.5
                reconnect:
                  initialBackoff: 90
                  maxBackoff: 60
              edged:
                hostnameOverride: Edge_1
                tailoredKubeletConfig:
                  nodeStatusUpdateFrequency: ten seconds
              eventBus:
                mqttQOS: 3
            """;

    assertThatThrownBy(() -> EdgeCoreConfig.fromYaml(yaml))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("invalid EdgeCore config (9 problems):")
        .hasMessageNotContaining("not-a-token")
        .extracting(e -> ((InvalidConfigException) e).violations(), LIST)
        .containsExactly(
            "database.dataSource: must not be empty",
            "modules.edged.hostnameOverride: must be a DNS-1123 subdomain (lowercase letters,"
                + " digits, '-' and '.', each dot-separated part starting and ending with a letter"
                + " or digit, at most 253 characters), got \"Edge_1\"",
            "modules.edgeHub.heartbeat: must be positive, got 0",
            "modules.edgeHub.httpServer: must be a URL with scheme https, got \"http://10.0.0.5:10002\"",
            "modules.edgeHub.token: must be a join token as 'keadm gettoken' prints it (<CA"
                + " hash>.<JWT>)",
            "modules.edgeHub.websocket.server: must be host:port (missing ':port'), got"
                + " \"10.0.0.5\"",
            "modules.edgeHub.reconnect.initialBackoff: must not exceed maxBackoff (60), got 90",
            "modules.edged.tailoredKubeletConfig.nodeStatusUpdateFrequency: must be a duration"
                + " such as 10s or 1m30s, got \"ten seconds\"",
            "modules.eventBus.mqttQOS: must be between 0 and 2, got 3");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "edge-1",
        "a",
        "0",
        "factory.line-3.plant-a",
        "node-with-exactly-sixty-three-characters-in-its-first-label-123"
      })
  void validNodeNamesAreAccepted(String name) {
    assertThat(EdgeCoreConfig.defaults().withNodeName(name).validate()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Edge-1",
        "edge_1",
        "-edge",
        "edge-",
        "edge..1",
        "edge.-1",
        ".edge",
        "edge 1",
        "node-with-sixty-four-characters-in-its-first-label-which-is-1234",
      })
  void invalidNodeNamesAreRejected(String name) {
    assertThat(EdgeCoreConfig.defaults().withNodeName(name).validate())
        .singleElement()
        .asString()
        .startsWith("modules.edged.hostnameOverride: must be a DNS-1123 subdomain");
  }

  @Test
  void nodeNamesLongerThan253CharactersAreRejected() {
    String label = "a".repeat(63);
    String name253 = String.join(".", label, label, label, "a".repeat(61));

    assertThat(EdgeCoreConfig.defaults().withNodeName(name253).validate()).isEmpty();
    assertThat(EdgeCoreConfig.defaults().withNodeName(name253 + "a").validate()).hasSize(1);
  }

  @Test
  void wrongApiVersionIsRejected() {
    String yaml =
        """
        apiVersion: edgecore.config.kubeedge.io/v1alpha1
        kind: EdgeCore
        modules: {edged: {hostnameOverride: edge-1}}
        """;

    assertThatThrownBy(() -> EdgeCoreConfig.fromYaml(yaml))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(
            "invalid EdgeCore config: apiVersion: expected"
                + " \"edgecore.config.kubeedge.io/v1alpha2\", got"
                + " \"edgecore.config.kubeedge.io/v1alpha1\" (line 1)");
  }

  @Test
  void wrongKindIsRejected() {
    String yaml =
        """
        apiVersion: edgecore.config.kubeedge.io/v1alpha2
        kind: EdgeSite
        """;

    assertThatThrownBy(() -> EdgeCoreConfig.fromYaml(yaml))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(
            "invalid EdgeCore config: kind: expected \"EdgeCore\", got \"EdgeSite\" (line 2)");
  }

  @Test
  void yamlSyntaxErrorNamesTheLine() throws IOException {
    Path file = dir.resolve("edgecore.yaml");
    Files.writeString(
        file,
        HEADER
            + """
            modules:
              edged:
                hostnameOverride: edge-1
               nodeIP: 10.0.0.7
            """);

    assertThatThrownBy(() -> EdgeCoreConfig.load(file))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith(
            "invalid EdgeCore config " + file + ": YAML syntax error at line 6, column");
  }

  @Test
  void valueOfTheWrongTypeNamesThePathAndLine() {
    String yaml =
        HEADER
            + """
            modules:
              edged:
                hostnameOverride: edge-1
              edgeHub:
                heartbeat: often
            """;

    assertThatThrownBy(() -> EdgeCoreConfig.fromYaml(yaml))
        .isInstanceOf(InvalidConfigException.class)
        .extracting(e -> ((InvalidConfigException) e).violations(), LIST)
        .containsExactly("modules.edgeHub.heartbeat: expected an integer, got \"often\" (line 7)");
  }

  @Test
  void writtenYamlLoadsBackEqual() {
    EdgeCoreConfig original =
        EdgeCoreConfig.defaults()
            .withNodeName("edge-1")
            .withNodeIP("192.168.1.23")
            .withNodeLabels(Map.of("site", "plant-a", "example.com/line", "3"))
            .withCloudCore("10.0.0.5", 30000, 30002)
            .withToken(TOKEN)
            .withTlsFiles("/pki/ca.crt", "/pki/edge.crt", "/pki/edge.key")
            .withDataSource("/data/edgecore.db")
            .withHeartbeat(Duration.ofSeconds(20))
            .withContainerRuntimeEndpoint("unix:///run/crio/crio.sock");

    String yaml = original.toYaml();
    LoadedConfig<EdgeCoreConfig> loaded = EdgeCoreConfig.fromYaml(yaml);

    assertThat(yaml)
        .startsWith(
            "apiVersion: edgecore.config.kubeedge.io/v1alpha2\nkind: EdgeCore\ndatabase:\n");
    assertThat(loaded.config()).isEqualTo(original);
    assertThat(loaded.warnings()).isEmpty();
  }

  @Test
  void withCloudCorePointsTheHubAndCertificateServerAtOneHost() {
    EdgeCoreConfig v4 = EdgeCoreConfig.defaults().withCloudCore("10.0.0.5", 10000, 10002);
    EdgeCoreConfig v6 = EdgeCoreConfig.defaults().withCloudCore("fd00::5", 10000, 10002);

    assertThat(v4.edgeHub().websocket().server()).isEqualTo("10.0.0.5:10000");
    assertThat(v4.edgeHub().httpServer()).isEqualTo("https://10.0.0.5:10002");
    assertThat(v6.edgeHub().websocket().server()).isEqualTo("[fd00::5]:10000");
    assertThat(v6.edgeHub().httpServer()).isEqualTo("https://[fd00::5]:10002");
    assertThat(v6.withNodeName("edge-1").validate()).isEmpty();
  }

  @Test
  void heartbeatMustBeWholeSeconds() {
    assertThatThrownBy(() -> EdgeCoreConfig.defaults().withHeartbeat(Duration.ofMillis(1500)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("whole number of seconds");
  }

  @Test
  void reconnectCeilingDoublesFromInitialUpToMax() {
    EdgeHubReconnect r = new EdgeHubReconnect(1, 60);

    assertThat(r.ceiling(0)).isEqualTo(Duration.ofSeconds(1));
    assertThat(r.ceiling(1)).isEqualTo(Duration.ofSeconds(2));
    assertThat(r.ceiling(5)).isEqualTo(Duration.ofSeconds(32));
    assertThat(r.ceiling(6)).isEqualTo(Duration.ofSeconds(60));
    assertThat(r.ceiling(1000)).isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void labelsOfTheNodeMustBeKubernetesLabels() {
    EdgeCoreConfig c =
        EdgeCoreConfig.defaults()
            .withNodeName("edge-1")
            .withNodeLabels(Map.of("bad key!", "ok", "zone", "not ok!"));

    assertThat(c.validate())
        .containsExactlyInAnyOrder(
            "modules.edged.nodeLabels[\"bad key!\"]: must be a label key ([prefix/]name, the name"
                + " at most 63 letters, digits, '-', '_' or '.' starting and ending with a letter"
                + " or digit), got \"bad key!\"",
            "modules.edged.nodeLabels[\"zone\"]: must be a label value (empty, or at most 63"
                + " letters, digits, '-', '_' or '.' starting and ending with a letter or digit),"
                + " got \"not ok!\"");
  }

  @Test
  void goDurationsParseAsKubeletWritesThem() {
    assertThat(GoDuration.parse("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(GoDuration.parse("1m30s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(GoDuration.parse("1.5h")).isEqualTo(Duration.ofMinutes(90));
    assertThat(GoDuration.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(GoDuration.parse("0")).isEqualTo(Duration.ZERO);
    assertThat(GoDuration.parse("-2s")).isEqualTo(Duration.ofSeconds(-2));
    assertThatThrownBy(() -> GoDuration.parse("10")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GoDuration.parse("")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GoDuration.parse("1d")).isInstanceOf(IllegalArgumentException.class);
  }

  private Path resource(String name) throws IOException {
    Path file = dir.resolve(name);
    try (InputStream in = getClass().getResourceAsStream(name)) {
      Files.writeString(file, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    return file;
  }
}
