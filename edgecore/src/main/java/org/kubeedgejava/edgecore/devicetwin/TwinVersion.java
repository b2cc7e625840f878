package org.kubeedgejava.edgecore.devicetwin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Upstream's twin version, {@code {cloud, edge}}: {@code cloud} is the Device generation last
 * applied, {@code edge} counts the edge's own writes. Versions, never timestamps, decide which
 * desired value wins (docs/devices.md, "Who wins").
 */
record TwinVersion(long cloud, long edge) {
  static final TwinVersion ZERO = new TwinVersion(0, 0);

  TwinVersion withCloud(long generation) {
    return new TwinVersion(generation, edge);
  }

  TwinVersion bumpEdge() {
    return new TwinVersion(cloud, edge + 1);
  }

  ObjectNode toJson() {
    ObjectNode n = JsonNodeFactory.instance.objectNode();
    n.put("cloud", cloud);
    n.put("edge", edge);
    return n;
  }

  /** Reads {@code {cloud, edge}}; missing or malformed parts read as 0. */
  static TwinVersion fromJson(JsonNode n) {
    if (n == null || !n.isObject()) {
      return ZERO;
    }
    return new TwinVersion(n.path("cloud").asLong(0), n.path("edge").asLong(0));
  }
}
