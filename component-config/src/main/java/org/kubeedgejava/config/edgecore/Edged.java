package org.kubeedgejava.config.edgecore;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The node agent, KubeEdge's trimmed kubelet ({@code modules.edged}).
 *
 * @param enable default true
 * @param hostnameOverride the node name; required, a DNS-1123 subdomain
 * @param nodeIP the node's IP; empty means detect it (default)
 * @param registerNodeNamespace default {@code default}
 * @param podSandboxImage default {@code kubeedge/pause:3.6}
 * @param rootDirectory default {@code /var/lib/kubelet}
 * @param nodeLabels extra labels set on the node when it registers (default none)
 * @param tailoredKubeletConfig kubelet settings
 */
public record Edged(
    @JsonProperty("enable") boolean enable,
    @JsonProperty("hostnameOverride") String hostnameOverride,
    @JsonProperty("nodeIP") String nodeIP,
    @JsonProperty("registerNodeNamespace") String registerNodeNamespace,
    @JsonProperty("podSandboxImage") String podSandboxImage,
    @JsonProperty("rootDirectory") String rootDirectory,
    @JsonProperty("nodeLabels") Map<String, String> nodeLabels,
    @JsonProperty("tailoredKubeletConfig") TailoredKubeletConfig tailoredKubeletConfig) {
  public Edged {
    Objects.requireNonNull(hostnameOverride, "hostnameOverride");
    Objects.requireNonNull(nodeIP, "nodeIP");
    Objects.requireNonNull(registerNodeNamespace, "registerNodeNamespace");
    Objects.requireNonNull(podSandboxImage, "podSandboxImage");
    Objects.requireNonNull(rootDirectory, "rootDirectory");
    Objects.requireNonNull(tailoredKubeletConfig, "tailoredKubeletConfig");
    nodeLabels = copy(nodeLabels);
  }

  public static Edged defaults() {
    return new Edged(
        true,
        "",
        "",
        "default",
        "kubeedge/pause:3.6",
        "/var/lib/kubelet",
        Map.of(),
        TailoredKubeletConfig.defaults());
  }

  Edged withNode(String name, String ip, Map<String, String> labels) {
    return new Edged(
        enable,
        name,
        ip,
        registerNodeNamespace,
        podSandboxImage,
        rootDirectory,
        labels,
        tailoredKubeletConfig);
  }

  /** A copy keeping pods' volumes and logs under {@code dir}. */
  public Edged withRootDirectory(String dir) {
    return new Edged(
        enable,
        hostnameOverride,
        nodeIP,
        registerNodeNamespace,
        podSandboxImage,
        dir,
        nodeLabels,
        tailoredKubeletConfig);
  }

  /** Where pod logs go: /var/log/pods beside the default root, else {@code <root>/pod-logs}. */
  public String podLogDirectory() {
    return "/var/lib/kubelet".equals(rootDirectory) ? "/var/log/pods" : rootDirectory + "/pod-logs";
  }

  Edged withTailoredKubeletConfig(TailoredKubeletConfig kubelet) {
    return new Edged(
        enable,
        hostnameOverride,
        nodeIP,
        registerNodeNamespace,
        podSandboxImage,
        rootDirectory,
        nodeLabels,
        kubelet);
  }

  /** An unmodifiable copy that keeps the given order, so that written YAML keeps it too. */
  private static Map<String, String> copy(Map<String, String> labels) {
    Map<String, String> out = new LinkedHashMap<>();
    labels.forEach(
        (k, v) -> out.put(Objects.requireNonNull(k, "label key"), Objects.requireNonNull(v, k)));
    return Collections.unmodifiableMap(out);
  }
}
