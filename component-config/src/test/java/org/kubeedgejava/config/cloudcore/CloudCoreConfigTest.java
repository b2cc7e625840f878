package org.kubeedgejava.config.cloudcore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.LIST;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kubeedgejava.config.InvalidConfigException;
import org.kubeedgejava.config.LoadedConfig;

class CloudCoreConfigTest {
  private static final String HEADER =
      """
      apiVersion: cloudcore.config.kubeedge.io/v1alpha1
      kind: CloudCore
      """;

  @TempDir Path dir;

  @Test
  void defaultsAreUpstreamsWithOurExtensions() {
    CloudCoreConfig c = CloudCoreConfig.defaults();

    assertThat(c.kubeAPIConfig())
        .isEqualTo(new KubeAPIConfig("", "application/json", 100, 200, ""));
    assertThat(c.commonConfig().monitorServer().bindAddress()).isEqualTo("127.0.0.1:9091");
    CloudHub hub = c.cloudHub();
    assertThat(hub.enable()).isTrue();
    assertThat(hub.advertiseAddress()).isEmpty();
    assertThat(hub.dnsNames()).isEmpty();
    assertThat(hub.nodeLimit()).isEqualTo(1000);
    assertThat(hub.keepalive()).isEqualTo(Duration.ofSeconds(30));
    assertThat(hub.tokenRefreshPeriod()).isEqualTo(Duration.ofHours(12));
    assertThat(hub.edgeCertValidity()).isEqualTo(Duration.ofDays(365));
    assertThat(hub.expiredCertificateGrace()).isEqualTo(Duration.ofDays(365));
    assertThat(hub.tlsCAFile()).isEqualTo("/etc/kubeedge/ca/rootCA.crt");
    assertThat(hub.tlsCAKeyFile()).isEqualTo("/etc/kubeedge/ca/rootCA.key");
    assertThat(hub.tlsCertFile()).isEqualTo("/etc/kubeedge/certs/server.crt");
    assertThat(hub.tlsPrivateKeyFile()).isEqualTo("/etc/kubeedge/certs/server.key");
    assertThat(hub.websocket()).isEqualTo(new CloudHubWebSocket(true, "0.0.0.0", 10000, 8388608));
    assertThat(hub.https()).isEqualTo(new CloudHubHttps(true, "0.0.0.0", 10002));
    assertThat(hub.quic()).isEqualTo(new CloudHubQuic(false, "0.0.0.0", 10001, 10000));
    assertThat(c.modules().edgeController()).isEqualTo(new EdgeController(true, 10, "true"));
    assertThat(c.modules().edgeController().nodeUpdatePeriod()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.modules().deviceController().enable()).isTrue();
    assertThat(c.modules().syncController().enable()).isTrue();
  }

  @Test
  void defaultsAloneLackOnlyTheAdvertiseAddress() {
    assertThat(CloudCoreConfig.defaults().validate())
        .containsExactly("modules.cloudHub.advertiseAddress: at least one IP address is required");
  }

  @Test
  void minimalFileTakesDefaultsForEverythingItLeavesOut() {
    LoadedConfig<CloudCoreConfig> loaded =
        CloudCoreConfig.fromYaml(
            HEADER
                + """
                modules:
                  cloudHub:
                    advertiseAddress: [10.0.0.5]
                """);

    assertThat(loaded.warnings()).isEmpty();
    assertThat(loaded.config())
        .isEqualTo(CloudCoreConfig.defaults().withAdvertiseAddresses("10.0.0.5"));
  }

  @Test
  void nullFieldsKeepTheirDefaultsAsUpstreamReadsThem() {
    CloudCoreConfig c =
        CloudCoreConfig.fromYaml(
                HEADER
                    + """
                    kubeAPIConfig:
                    modules:
                      cloudHub:
                        advertiseAddress: [10.0.0.5]
                        websocket:
                          port: ~
                    """)
            .config();

    assertThat(c.kubeAPIConfig()).isEqualTo(KubeAPIConfig.defaults());
    assertThat(c.cloudHub().websocket().port()).isEqualTo(10000);
  }

  @Test
  void upstreamFileLoadsAndWarnsAboutEachFieldWeDoNotKnow() throws IOException {
    LoadedConfig<CloudCoreConfig> loaded = CloudCoreConfig.loader().load(resource());

    CloudCoreConfig c = loaded.config();
    assertThat(c.kubeAPIConfig())
        .isEqualTo(
            new KubeAPIConfig(
                "", "application/vnd.kubernetes.protobuf", 5000, 10000, "/root/.kube/config"));
    assertThat(c.commonConfig().monitorServer().hostPort().port()).isEqualTo(9091);
    assertThat(c.cloudHub().advertiseAddress()).containsExactly("192.168.1.10", "10.0.0.5");
    assertThat(c.cloudHub().dnsNames()).containsExactly("cloudcore.example.com");
    assertThat(c.cloudHub().websocket().maxFrameBytes()).isEqualTo(8388608);
    assertThat(loaded.warnings())
        .containsExactlyInAnyOrder(
            "unknown field commonConfig.tunnelPort (ignored)",
            "unknown field commonConfig.monitorServer.enableProfiling (ignored)",
            "unknown field modules.cloudHub.unixsocket (ignored)",
            "unknown field modules.cloudHub.writeTimeout (ignored)",
            "unknown field modules.cloudHub.authorization (ignored)",
            "unknown field modules.cloudStream (ignored)",
            "unknown field modules.deviceController.buffer (ignored)",
            "unknown field modules.deviceController.load (ignored)",
            "unknown field modules.dynamicController (ignored)",
            "unknown field modules.edgeController.buffer (ignored)",
            "unknown field modules.edgeController.load (ignored)",
            "unknown field modules.iptablesManager (ignored)",
            "unknown field modules.router (ignored)",
            "unknown field modules.taskManager (ignored)",
            "unknown field featureGates (ignored)");
  }

  @Test
  void everyViolationIsReportedAtOnce() {
    String yaml =
        HEADER
            + """
            kubeAPIConfig:
              qps: 0
            commonConfig:
              monitorServer:
                bindAddress: localhost
            modules:
              cloudHub:
                advertiseAddress: [10.0.0.5, cloud.example.com]
                keepaliveInterval: -1
                websocket:
                  port: 70000
                https:
                  port: 0
              edgeController:
                nodeUpdateFrequency: 0
            """;

    assertThatThrownBy(() -> CloudCoreConfig.fromYaml(yaml))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("invalid CloudCore config (7 problems):")
        .extracting(e -> ((InvalidConfigException) e).violations(), LIST)
        .containsExactly(
            "kubeAPIConfig.qps: must be positive, got 0",
            "commonConfig.monitorServer.bindAddress: must be host:port or :port (missing ':port'),"
                + " got \"localhost\"",
            "modules.cloudHub.advertiseAddress[1]: must be an IP address, got \"cloud.example.com\"",
            "modules.cloudHub.keepaliveInterval: must be positive, got -1",
            "modules.cloudHub.websocket.port: must be between 1 and 65535, got 70000",
            "modules.cloudHub.https.port: must be between 1 and 65535, got 0",
            "modules.edgeController.nodeUpdateFrequency: must be positive, got 0");
  }

  @Test
  void expiredCertificateGracePeriodIsZeroToTenYears() {
    String yaml =
        HEADER
            + """
            modules:
              cloudHub:
                advertiseAddress: [10.0.0.5]
                expiredCertificateGracePeriod: %d
            """;

    assertThat(CloudCoreConfig.fromYaml(yaml.formatted(0)).config().cloudHub())
        .extracting(CloudHub::expiredCertificateGrace)
        .isEqualTo(Duration.ZERO);
    assertThat(CloudCoreConfig.fromYaml(yaml.formatted(730)).config().cloudHub())
        .extracting(CloudHub::expiredCertificateGrace)
        .isEqualTo(Duration.ofDays(730));
    assertThatThrownBy(() -> CloudCoreConfig.fromYaml(yaml.formatted(-1)))
        .isInstanceOf(InvalidConfigException.class)
        .extracting(e -> ((InvalidConfigException) e).violations(), LIST)
        .containsExactly(
            "modules.cloudHub.expiredCertificateGracePeriod: must be between 0 and 3650, got -1");
    assertThat(
            CloudCoreConfig.defaults()
                .withAdvertiseAddresses("10.0.0.5")
                .withExpiredCertificateGracePeriod(4000)
                .validate())
        .containsExactly(
            "modules.cloudHub.expiredCertificateGracePeriod: must be between 0 and 3650, got"
                + " 4000");
  }

  @Test
  void advertiseAddressIsRequiredOnlyWhileCloudHubIsEnabled() {
    assertThatThrownBy(() -> CloudCoreConfig.fromYaml(HEADER))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(
            "invalid CloudCore config: modules.cloudHub.advertiseAddress: at least one IP address"
                + " is required");

    CloudCoreConfig noHub =
        CloudCoreConfig.fromYaml(HEADER + "modules: {cloudHub: {enable: false}}").config();
    assertThat(noHub.cloudHub().enable()).isFalse();
  }

  @Test
  void enablingQuicIsRejected() {
    String yaml =
        HEADER
            + """
            modules:
              cloudHub:
                advertiseAddress: [10.0.0.5]
                quic:
                  enable: true
            """;

    assertThatThrownBy(() -> CloudCoreConfig.fromYaml(yaml))
        .isInstanceOf(InvalidConfigException.class)
        .extracting(e -> ((InvalidConfigException) e).violations(), LIST)
        .containsExactly(
            "modules.cloudHub.quic.enable: QUIC is not supported: KubeEdge's gQUIC lane is not"
                + " interoperable; use websocket");
  }

  @Test
  void httpsOnTheWebSocketPortIsRejected() {
    CloudCoreConfig c =
        CloudCoreConfig.defaults().withAdvertiseAddresses("10.0.0.5").withHttpsPort(10000);

    assertThat(c.validate())
        .containsExactly("modules.cloudHub.https.port: 10000 is already the websocket port");
  }

  @Test
  void wrongApiVersionIsRejected() {
    String yaml =
        """
        apiVersion: cloudcore.config.kubeedge.io/v1beta1
        kind: CloudCore
        """;

    assertThatThrownBy(() -> CloudCoreConfig.fromYaml(yaml))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(
            "invalid CloudCore config: apiVersion: expected"
                + " \"cloudcore.config.kubeedge.io/v1alpha1\", got"
                + " \"cloudcore.config.kubeedge.io/v1beta1\" (line 1)");
  }

  @Test
  void edgeCoreFileIsRejectedForItsKindAndApiVersion() {
    String yaml =
        """
        apiVersion: edgecore.config.kubeedge.io/v1alpha2
        kind: EdgeCore
        """;

    assertThatThrownBy(() -> CloudCoreConfig.fromYaml(yaml))
        .isInstanceOf(InvalidConfigException.class)
        .extracting(e -> ((InvalidConfigException) e).violations(), LIST)
        .containsExactly(
            "apiVersion: expected \"cloudcore.config.kubeedge.io/v1alpha1\", got"
                + " \"edgecore.config.kubeedge.io/v1alpha2\" (line 1)",
            "kind: expected \"CloudCore\", got \"EdgeCore\" (line 2)");
  }

  @Test
  void missingKindIsRejected() {
    assertThatThrownBy(
            () -> CloudCoreConfig.fromYaml("apiVersion: cloudcore.config.kubeedge.io/v1alpha1\n"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage("invalid CloudCore config: kind: required, expected \"CloudCore\"");
  }

  @Test
  void yamlSyntaxErrorNamesTheLine() {
    String yaml =
        HEADER
            + """
            modules:
              cloudHub:
                advertiseAddress: [10.0.0.5
                nodeLimit: 10
            """;

    assertThatThrownBy(() -> CloudCoreConfig.fromYaml(yaml))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageStartingWith("invalid CloudCore config: YAML syntax error at line 6, column")
        .hasMessageContaining("flow sequence");
  }

  @Test
  void valueOfTheWrongTypeNamesThePathAndLine() {
    String yaml =
        HEADER
            + """
            modules:
              cloudHub:
                advertiseAddress: [10.0.0.5]
                websocket:
                  port: "abc"
            """;

    assertThatThrownBy(() -> CloudCoreConfig.fromYaml(yaml))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(
            "invalid CloudCore config: modules.cloudHub.websocket.port: expected an integer, got"
                + " \"abc\" (line 7)");
  }

  @Test
  void scalarWhereAListBelongsNamesThePath() {
    String yaml =
        HEADER
            + """
            modules:
              cloudHub:
                advertiseAddress:
                  first: 10.0.0.5
            """;

    assertThatThrownBy(() -> CloudCoreConfig.fromYaml(yaml))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(
            "invalid CloudCore config: modules.cloudHub.advertiseAddress: expected a list, got a"
                + " mapping (line 5)");
  }

  @Test
  void writtenYamlLoadsBackEqual() {
    CloudCoreConfig original =
        CloudCoreConfig.defaults()
            .withAdvertiseAddresses("10.0.0.5", "fd00::5")
            .withDnsNames("cloudcore.example.com", "*.edge.example.com")
            .withKubeConfig("/root/.kube/config")
            .withKubeMaster("https://10.0.0.1:6443")
            .withWebSocketPort(30000)
            .withHttpsPort(30002)
            .withTlsFiles("/pki/ca.crt", "/pki/ca.key", "/pki/cloud.crt", "/pki/cloud.key")
            .withMonitorBindAddress("0.0.0.0:9091")
            .withNodeLimit(5000);

    String yaml = original.toYaml();
    LoadedConfig<CloudCoreConfig> loaded = CloudCoreConfig.fromYaml(yaml);

    assertThat(yaml)
        .startsWith(
            "apiVersion: cloudcore.config.kubeedge.io/v1alpha1\nkind: CloudCore\ncommonConfig:\n");
    assertThat(loaded.config()).isEqualTo(original);
    assertThat(loaded.warnings()).isEmpty();
  }

  @Test
  void writeToWritesAnOwnerOnlyFileThatLoadsBack() throws IOException {
    CloudCoreConfig c = CloudCoreConfig.defaults().withAdvertiseAddresses("10.0.0.5");
    Path file = dir.resolve("config/cloudcore.yaml");

    c.writeTo(file);

    assertThat(CloudCoreConfig.load(file).config()).isEqualTo(c);
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
          .isEqualTo("rw-------");
    }
    try (var files = Files.list(file.getParent())) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void writeToRefusesAnInvalidConfigAndWritesNothing() {
    Path file = dir.resolve("cloudcore.yaml");

    assertThatThrownBy(() -> CloudCoreConfig.defaults().writeTo(file))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("modules.cloudHub.advertiseAddress");
    assertThat(file).doesNotExist();
  }

  @Test
  void unreadableFileIsAnIoErrorNotAConfigError() {
    assertThatThrownBy(() -> CloudCoreConfig.load(dir.resolve("missing.yaml")))
        .isInstanceOf(IOException.class);
  }

  @Test
  void loadedListsCannotBeModified() {
    CloudCoreConfig c = CloudCoreConfig.defaults().withAdvertiseAddresses(List.of("10.0.0.5"));

    assertThatThrownBy(() -> c.cloudHub().advertiseAddress().add("10.0.0.6"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  private Path resource() throws IOException {
    Path file = dir.resolve("cloudcore.yaml");
    try (InputStream in = getClass().getResourceAsStream("upstream-cloudcore.yaml")) {
      Files.writeString(file, new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    return file;
  }
}
