package org.kubeedgejava.edgecore.edged;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Read-only accessors over a Pod's JSON, as the edge stores it. */
record PodView(JsonNode json) {
  String namespace() {
    return json.path("metadata").path("namespace").asText("default");
  }

  String name() {
    return json.path("metadata").path("name").asText();
  }

  String uid() {
    return json.path("metadata").path("uid").asText();
  }

  String key() {
    return namespace() + "/" + name();
  }

  JsonNode spec() {
    return json.path("spec");
  }

  boolean terminating() {
    return json.path("metadata").hasNonNull("deletionTimestamp");
  }

  long gracePeriodSeconds() {
    JsonNode meta = json.path("metadata").path("deletionGracePeriodSeconds");
    if (meta.isNumber()) {
      return meta.asLong();
    }
    return spec().path("terminationGracePeriodSeconds").asLong(30);
  }

  boolean hostNetwork() {
    return spec().path("hostNetwork").asBoolean(false);
  }

  String restartPolicy() {
    return spec().path("restartPolicy").asText("Always");
  }

  List<JsonNode> containers() {
    List<JsonNode> out = new ArrayList<>();
    spec().path("containers").forEach(out::add);
    return out;
  }

  JsonNode container(String name) {
    for (JsonNode c : spec().path("containers")) {
      if (name.equals(c.path("name").asText())) {
        return c;
      }
    }
    return null;
  }

  /**
   * Where the pod's logs go: /var/log/pods/&lt;ns&gt;_&lt;name&gt;_&lt;uid&gt;, as the kubelet lays
   * them out.
   */
  String logDirectory(String logRoot) {
    return logRoot + "/" + namespace() + "_" + name() + "_" + uid();
  }
}
