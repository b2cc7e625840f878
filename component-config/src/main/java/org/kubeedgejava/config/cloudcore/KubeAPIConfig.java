package org.kubeedgejava.config.cloudcore;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * How cloudcore reaches the Kubernetes API server ({@code kubeAPIConfig}).
 *
 * @param master the API server URL; overrides the kubeconfig's when set (default empty)
 * @param contentType {@code application/json} (default) or {@code
 *     application/vnd.kubernetes.protobuf}
 * @param qps client-side request rate limit (default 100)
 * @param burst client-side burst (default 200)
 * @param kubeConfig path of a kubeconfig file; empty means in-cluster configuration (default)
 */
public record KubeAPIConfig(
    @JsonProperty("master") String master,
    @JsonProperty("contentType") String contentType,
    @JsonProperty("qps") int qps,
    @JsonProperty("burst") int burst,
    @JsonProperty("kubeConfig") String kubeConfig) {
  public static final String CONTENT_TYPE_JSON = "application/json";
  public static final String CONTENT_TYPE_PROTOBUF = "application/vnd.kubernetes.protobuf";

  public KubeAPIConfig {
    Objects.requireNonNull(master, "master");
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(kubeConfig, "kubeConfig");
  }

  public static KubeAPIConfig defaults() {
    return new KubeAPIConfig("", CONTENT_TYPE_JSON, 100, 200, "");
  }

  KubeAPIConfig withKubeConfig(String path) {
    return new KubeAPIConfig(master, contentType, qps, burst, path);
  }

  KubeAPIConfig withMaster(String url) {
    return new KubeAPIConfig(url, contentType, qps, burst, kubeConfig);
  }
}
