package org.kubeedgejava.config.edgecore;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/** The edgecore modules we implement ({@code modules}). */
public record EdgeCoreModules(
    @JsonProperty("edged") Edged edged,
    @JsonProperty("edgeHub") EdgeHub edgeHub,
    @JsonProperty("eventBus") EventBus eventBus,
    @JsonProperty("metaManager") MetaManager metaManager,
    @JsonProperty("deviceTwin") DeviceTwin deviceTwin) {
  public EdgeCoreModules {
    Objects.requireNonNull(edged, "edged");
    Objects.requireNonNull(edgeHub, "edgeHub");
    Objects.requireNonNull(eventBus, "eventBus");
    Objects.requireNonNull(metaManager, "metaManager");
    Objects.requireNonNull(deviceTwin, "deviceTwin");
  }

  public static EdgeCoreModules defaults() {
    return new EdgeCoreModules(
        Edged.defaults(),
        EdgeHub.defaults(),
        EventBus.defaults(),
        MetaManager.defaults(),
        DeviceTwin.defaults());
  }

  EdgeCoreModules withEdged(Edged newEdged) {
    return new EdgeCoreModules(newEdged, edgeHub, eventBus, metaManager, deviceTwin);
  }

  EdgeCoreModules withEdgeHub(EdgeHub newEdgeHub) {
    return new EdgeCoreModules(edged, newEdgeHub, eventBus, metaManager, deviceTwin);
  }
}
