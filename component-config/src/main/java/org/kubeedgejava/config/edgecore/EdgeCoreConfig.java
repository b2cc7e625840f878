package org.kubeedgejava.config.edgecore;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.kubeedgejava.config.ConfigLoader;
import org.kubeedgejava.config.HostPort;
import org.kubeedgejava.config.InvalidConfigException;
import org.kubeedgejava.config.LoadedConfig;

/**
 * {@code edgecore.yaml}: the subset of upstream's {@code EdgeCore} configuration this
 * implementation uses, with upstream's names, nesting and defaults (ours where upstream has none).
 *
 * <p>Read with {@link #load(Path)} or {@link #fromYaml(String)}; build one for keadm from {@link
 * #defaults()} and the {@code with…} methods, e.g. {@code
 * EdgeCoreConfig.defaults().withNodeName("edge-1").withCloudCore("10.0.0.5", 10000,
 * 10002).withToken(token)}, then {@link #writeTo(Path)}.
 */
public record EdgeCoreConfig(
    @JsonProperty("database") Database database, @JsonProperty("modules") EdgeCoreModules modules) {
  public static final String API_VERSION = "edgecore.config.kubeedge.io/v1alpha2";
  public static final String KIND = "EdgeCore";

  public EdgeCoreConfig {
    Objects.requireNonNull(database, "database");
    Objects.requireNonNull(modules, "modules");
  }

  /**
   * Every field at its default. Not valid on its own: the node name ({@code
   * modules.edged.hostnameOverride}) must be set.
   */
  public static EdgeCoreConfig defaults() {
    return new EdgeCoreConfig(Database.defaults(), EdgeCoreModules.defaults());
  }

  /** The loader for this kind: reading, validating and writing. */
  public static ConfigLoader<EdgeCoreConfig> loader() {
    return Loader.INSTANCE;
  }

  /**
   * Reads and validates {@code edgecore.yaml}.
   *
   * @throws IOException if the file cannot be read
   * @throws InvalidConfigException if it is not a valid EdgeCore configuration
   */
  public static LoadedConfig<EdgeCoreConfig> load(Path file) throws IOException {
    return loader().load(file);
  }

  /**
   * Reads and validates an EdgeCore configuration from YAML text.
   *
   * @throws InvalidConfigException if it is not a valid EdgeCore configuration
   */
  public static LoadedConfig<EdgeCoreConfig> fromYaml(String yaml) {
    return loader().load(yaml);
  }

  /** This configuration as YAML, every field spelled out; reads back to an equal one. */
  public String toYaml() {
    return loader().toYaml(this);
  }

  /**
   * Validates this configuration and writes it to {@code file} (atomically, owner-only, since it
   * may hold the join token).
   *
   * @throws InvalidConfigException if it is not valid; nothing is written then
   */
  public void writeTo(Path file) throws IOException {
    loader().write(this, file);
  }

  /** Every rule this configuration breaks, as {@code <path>: <problem>}; empty when valid. */
  public List<String> validate() {
    return loader().validate(this);
  }

  /** The node name, {@code modules.edged.hostnameOverride}. */
  public String nodeName() {
    return modules.edged().hostnameOverride();
  }

  /** Shorthand for {@code modules().edgeHub()}. */
  public EdgeHub edgeHub() {
    return modules.edgeHub();
  }

  /** Shorthand for {@code modules().edged()}. */
  public Edged edged() {
    return modules.edged();
  }

  /** Sets the node name ({@code modules.edged.hostnameOverride}). */
  public EdgeCoreConfig withNodeName(String nodeName) {
    Edged e = edged();
    return withEdged(e.withNode(nodeName, e.nodeIP(), e.nodeLabels()));
  }

  /** Sets the node's IP ({@code modules.edged.nodeIP}); empty means detect it. */
  public EdgeCoreConfig withNodeIP(String ip) {
    Edged e = edged();
    return withEdged(e.withNode(e.hostnameOverride(), ip, e.nodeLabels()));
  }

  /** Sets the extra labels of the node ({@code modules.edged.nodeLabels}). */
  public EdgeCoreConfig withNodeLabels(Map<String, String> labels) {
    Edged e = edged();
    return withEdged(e.withNode(e.hostnameOverride(), e.nodeIP(), labels));
  }

  /** Sets the CRI socket ({@code modules.edged.tailoredKubeletConfig.containerRuntimeEndpoint}). */
  public EdgeCoreConfig withContainerRuntimeEndpoint(String endpoint) {
    Edged e = edged();
    return withEdged(
        e.withTailoredKubeletConfig(
            e.tailoredKubeletConfig().withContainerRuntimeEndpoint(endpoint)));
  }

  /**
   * Points the node at cloudcore: the hub at {@code host:websocketPort} and the certificate server
   * at {@code https://host:httpsPort}. An IPv6 host is bracketed.
   */
  public EdgeCoreConfig withCloudCore(String host, int websocketPort, int httpsPort) {
    Objects.requireNonNull(host, "host");
    return withWebSocketServer(HostPort.format(host, websocketPort))
        .withHttpServer("https://" + HostPort.format(host, httpsPort));
  }

  /** Sets cloudcore's hub, {@code host:port} ({@code modules.edgeHub.websocket.server}). */
  public EdgeCoreConfig withWebSocketServer(String hostPort) {
    return withEdgeHub(edgeHub().withWebSocketServer(hostPort));
  }

  /** Sets cloudcore's certificate server URL ({@code modules.edgeHub.httpServer}). */
  public EdgeCoreConfig withHttpServer(String url) {
    return withEdgeHub(edgeHub().withHttpServer(url));
  }

  /** Sets the join token ({@code modules.edgeHub.token}). */
  public EdgeCoreConfig withToken(String token) {
    return withEdgeHub(edgeHub().withToken(token));
  }

  /** Sets the CA certificate and the node's certificate and key files. */
  public EdgeCoreConfig withTlsFiles(String caFile, String certFile, String privateKeyFile) {
    return withEdgeHub(
        edgeHub()
            .withTls(
                Objects.requireNonNull(caFile, "caFile"),
                Objects.requireNonNull(certFile, "certFile"),
                Objects.requireNonNull(privateKeyFile, "privateKeyFile")));
  }

  /**
   * Sets the keepalive interval ({@code modules.edgeHub.heartbeat}, whole seconds).
   *
   * @throws IllegalArgumentException if it is not a whole number of seconds
   */
  public EdgeCoreConfig withHeartbeat(Duration interval) {
    if (interval.toNanosPart() != 0 || interval.getSeconds() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "heartbeat must be a whole number of seconds, got " + interval);
    }
    return withEdgeHub(edgeHub().withHeartbeat((int) interval.getSeconds()));
  }

  /** Sets the SQLite file ({@code database.dataSource}). */
  public EdgeCoreConfig withDataSource(String dataSource) {
    return new EdgeCoreConfig(
        new Database(database.driverName(), database.aliasName(), dataSource), modules);
  }

  public EdgeCoreConfig withDatabase(Database newDatabase) {
    return new EdgeCoreConfig(newDatabase, modules);
  }

  public EdgeCoreConfig withEdgeHub(EdgeHub edgeHub) {
    return withModules(modules.withEdgeHub(edgeHub));
  }

  public EdgeCoreConfig withEdged(Edged edged) {
    return withModules(modules.withEdged(edged));
  }

  public EdgeCoreConfig withModules(EdgeCoreModules newModules) {
    return new EdgeCoreConfig(database, newModules);
  }

  private static final class Loader {
    static final ConfigLoader<EdgeCoreConfig> INSTANCE =
        ConfigLoader.of(
            API_VERSION, KIND, EdgeCoreConfig.class, defaults(), EdgeCoreValidation::validate);
  }
}
