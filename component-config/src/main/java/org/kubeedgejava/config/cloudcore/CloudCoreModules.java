package org.kubeedgejava.config.cloudcore;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/** The cloudcore modules we implement ({@code modules}). */
public record CloudCoreModules(
    @JsonProperty("cloudHub") CloudHub cloudHub,
    @JsonProperty("edgeController") EdgeController edgeController,
    @JsonProperty("deviceController") DeviceController deviceController,
    @JsonProperty("syncController") SyncController syncController) {
  public CloudCoreModules {
    Objects.requireNonNull(cloudHub, "cloudHub");
    Objects.requireNonNull(edgeController, "edgeController");
    Objects.requireNonNull(deviceController, "deviceController");
    Objects.requireNonNull(syncController, "syncController");
  }

  public static CloudCoreModules defaults() {
    return new CloudCoreModules(
        CloudHub.defaults(),
        EdgeController.defaults(),
        DeviceController.defaults(),
        SyncController.defaults());
  }

  CloudCoreModules withCloudHub(CloudHub hub) {
    return new CloudCoreModules(hub, edgeController, deviceController, syncController);
  }
}
