package org.kubeedgejava.config.edgecore;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.Objects;

/**
 * The kubelet settings edged uses ({@code modules.edged.tailoredKubeletConfig}); a small subset of
 * upstream's.
 *
 * @param containerRuntimeEndpoint the CRI socket (default {@code
 *     unix:///run/containerd/containerd.sock})
 * @param maxPods most pods on the node (default 110)
 * @param nodeStatusUpdateFrequency a Go duration such as {@code 10s} (default)
 */
public record TailoredKubeletConfig(
    @JsonProperty("containerRuntimeEndpoint") String containerRuntimeEndpoint,
    @JsonProperty("maxPods") int maxPods,
    @JsonProperty("nodeStatusUpdateFrequency") String nodeStatusUpdateFrequency) {
  public TailoredKubeletConfig {
    Objects.requireNonNull(containerRuntimeEndpoint, "containerRuntimeEndpoint");
    Objects.requireNonNull(nodeStatusUpdateFrequency, "nodeStatusUpdateFrequency");
  }

  public static TailoredKubeletConfig defaults() {
    return new TailoredKubeletConfig("unix:///run/containerd/containerd.sock", 110, "10s");
  }

  /**
   * {@link #nodeStatusUpdateFrequency()} as a duration.
   *
   * @throws IllegalArgumentException if it is not a Go duration (a validated config always is)
   */
  public Duration nodeStatusUpdatePeriod() {
    return GoDuration.parse(nodeStatusUpdateFrequency);
  }

  TailoredKubeletConfig withContainerRuntimeEndpoint(String endpoint) {
    return new TailoredKubeletConfig(endpoint, maxPods, nodeStatusUpdateFrequency);
  }
}
