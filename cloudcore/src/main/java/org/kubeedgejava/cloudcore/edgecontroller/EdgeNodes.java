package org.kubeedgejava.cloudcore.edgecontroller;

import io.fabric8.kubernetes.api.model.Node;
import java.util.Map;

/** What makes a node an edge node: the label {@value #EDGE_LABEL}, whatever its value. */
public final class EdgeNodes {
  public static final String EDGE_LABEL = "node-role.kubernetes.io/edge";
  public static final String AGENT_LABEL = "node-role.kubernetes.io/agent";

  private EdgeNodes() {}

  public static boolean isEdge(Node node) {
    Map<String, String> labels = node.getMetadata().getLabels();
    return labels != null && labels.containsKey(EDGE_LABEL);
  }
}
