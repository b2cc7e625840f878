package org.kubeedgejava.config.cloudcore;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.kubeedgejava.config.ConfigLoader;
import org.kubeedgejava.config.InvalidConfigException;
import org.kubeedgejava.config.LoadedConfig;

/**
 * {@code cloudcore.yaml}: the subset of upstream's {@code CloudCore} configuration this
 * implementation uses, with upstream's names, nesting and defaults (ours where upstream has none).
 *
 * <p>Read with {@link #load(Path)} or {@link #fromYaml(String)}; build one for keadm from {@link
 * #defaults()} and the {@code with…} methods, e.g. {@code
 * CloudCoreConfig.defaults().withAdvertiseAddresses("10.0.0.5").withKubeConfig("/root/.kube/config")},
 * then {@link #writeTo(Path)}.
 */
public record CloudCoreConfig(
    @JsonProperty("commonConfig") CommonConfig commonConfig,
    @JsonProperty("kubeAPIConfig") KubeAPIConfig kubeAPIConfig,
    @JsonProperty("modules") CloudCoreModules modules) {
  public static final String API_VERSION = "cloudcore.config.kubeedge.io/v1alpha1";
  public static final String KIND = "CloudCore";

  public CloudCoreConfig {
    Objects.requireNonNull(commonConfig, "commonConfig");
    Objects.requireNonNull(kubeAPIConfig, "kubeAPIConfig");
    Objects.requireNonNull(modules, "modules");
  }

  /**
   * Every field at its default. Not valid on its own: {@code modules.cloudHub.advertiseAddress}
   * must be set.
   */
  public static CloudCoreConfig defaults() {
    return new CloudCoreConfig(
        CommonConfig.defaults(), KubeAPIConfig.defaults(), CloudCoreModules.defaults());
  }

  /** The loader for this kind: reading, validating and writing. */
  public static ConfigLoader<CloudCoreConfig> loader() {
    return Loader.INSTANCE;
  }

  /**
   * Reads and validates {@code cloudcore.yaml}.
   *
   * @throws IOException if the file cannot be read
   * @throws InvalidConfigException if it is not a valid CloudCore configuration
   */
  public static LoadedConfig<CloudCoreConfig> load(Path file) throws IOException {
    return loader().load(file);
  }

  /**
   * Reads and validates a CloudCore configuration from YAML text.
   *
   * @throws InvalidConfigException if it is not a valid CloudCore configuration
   */
  public static LoadedConfig<CloudCoreConfig> fromYaml(String yaml) {
    return loader().load(yaml);
  }

  /** This configuration as YAML, every field spelled out; reads back to an equal one. */
  public String toYaml() {
    return loader().toYaml(this);
  }

  /**
   * Validates this configuration and writes it to {@code file} (atomically, owner-only).
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

  /** Shorthand for {@code modules().cloudHub()}. */
  public CloudHub cloudHub() {
    return modules.cloudHub();
  }

  /** Sets the IPs edge nodes reach cloudcore at ({@code modules.cloudHub.advertiseAddress}). */
  public CloudCoreConfig withAdvertiseAddresses(String... ips) {
    return withAdvertiseAddresses(Arrays.asList(ips));
  }

  /** Sets the IPs edge nodes reach cloudcore at ({@code modules.cloudHub.advertiseAddress}). */
  public CloudCoreConfig withAdvertiseAddresses(List<String> ips) {
    return withCloudHub(cloudHub().withAddresses(ips, cloudHub().dnsNames()));
  }

  /** Sets extra DNS names for the server certificate ({@code modules.cloudHub.dnsNames}). */
  public CloudCoreConfig withDnsNames(String... names) {
    return withCloudHub(cloudHub().withAddresses(cloudHub().advertiseAddress(), List.of(names)));
  }

  /** Sets the kubeconfig path ({@code kubeAPIConfig.kubeConfig}). */
  public CloudCoreConfig withKubeConfig(String path) {
    return withKubeAPIConfig(kubeAPIConfig.withKubeConfig(path));
  }

  /** Sets the API server URL, overriding the kubeconfig's ({@code kubeAPIConfig.master}). */
  public CloudCoreConfig withKubeMaster(String url) {
    return withKubeAPIConfig(kubeAPIConfig.withMaster(url));
  }

  /** Sets the WebSocket hub port ({@code modules.cloudHub.websocket.port}). */
  public CloudCoreConfig withWebSocketPort(int port) {
    return withCloudHub(
        cloudHub().withListeners(cloudHub().websocket().withPort(port), cloudHub().https()));
  }

  /** Sets the certificate server port ({@code modules.cloudHub.https.port}). */
  public CloudCoreConfig withHttpsPort(int port) {
    return withCloudHub(
        cloudHub().withListeners(cloudHub().websocket(), cloudHub().https().withPort(port)));
  }

  /** Sets the CA certificate and key and the server certificate and key files. */
  public CloudCoreConfig withTlsFiles(
      String caFile, String caKeyFile, String certFile, String privateKeyFile) {
    return withCloudHub(cloudHub().withTls(caFile, caKeyFile, certFile, privateKeyFile));
  }

  /** Sets the metrics listener ({@code commonConfig.monitorServer.bindAddress}). */
  public CloudCoreConfig withMonitorBindAddress(String hostPort) {
    return new CloudCoreConfig(
        new CommonConfig(new MonitorServer(hostPort)), kubeAPIConfig, modules);
  }

  /**
   * Sets how many days after expiry a node certificate may still renew itself ({@code
   * modules.cloudHub.expiredCertificateGracePeriod}; 0 disables).
   */
  public CloudCoreConfig withExpiredCertificateGracePeriod(int days) {
    return withCloudHub(cloudHub().withExpiredCertificateGracePeriod(days));
  }

  /** Sets the most edge nodes connected at once ({@code modules.cloudHub.nodeLimit}). */
  public CloudCoreConfig withNodeLimit(int nodeLimit) {
    return withCloudHub(cloudHub().withNodeLimit(nodeLimit));
  }

  public CloudCoreConfig withKubeAPIConfig(KubeAPIConfig kubeAPI) {
    return new CloudCoreConfig(commonConfig, kubeAPI, modules);
  }

  public CloudCoreConfig withCloudHub(CloudHub cloudHub) {
    return withModules(modules.withCloudHub(cloudHub));
  }

  public CloudCoreConfig withModules(CloudCoreModules newModules) {
    return new CloudCoreConfig(commonConfig, kubeAPIConfig, newModules);
  }

  private static final class Loader {
    static final ConfigLoader<CloudCoreConfig> INSTANCE =
        ConfigLoader.of(
            API_VERSION, KIND, CloudCoreConfig.class, defaults(), CloudCoreValidation::validate);
  }
}
