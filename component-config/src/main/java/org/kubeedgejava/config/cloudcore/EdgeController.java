package org.kubeedgejava.config.cloudcore;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;
import java.util.Objects;

/**
 * The controller that syncs nodes and pods with edge nodes ({@code modules.edgeController}).
 *
 * @param enable default true
 * @param nodeUpdateFrequency seconds between node status updates (default 10)
 * @param edgeNodeLabelValue the value of label {@code node-role.kubernetes.io/edge} set on a node
 *     when it registers (our extension; default {@code "true"})
 */
public record EdgeController(
    @JsonProperty("enable") boolean enable,
    @JsonProperty("nodeUpdateFrequency") int nodeUpdateFrequency,
    @JsonProperty("edgeNodeLabelValue") String edgeNodeLabelValue) {
  /** The label every edge node carries. */
  public static final String EDGE_NODE_LABEL = "node-role.kubernetes.io/edge";

  public EdgeController {
    Objects.requireNonNull(edgeNodeLabelValue, "edgeNodeLabelValue");
  }

  public static EdgeController defaults() {
    return new EdgeController(true, 10, "true");
  }

  /** {@link #nodeUpdateFrequency()} as a duration. */
  public Duration nodeUpdatePeriod() {
    return Duration.ofSeconds(nodeUpdateFrequency);
  }
}
