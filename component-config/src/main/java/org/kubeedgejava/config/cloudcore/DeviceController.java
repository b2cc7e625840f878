package org.kubeedgejava.config.cloudcore;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The controller for device CRDs ({@code modules.deviceController}).
 *
 * @param enable default true
 */
public record DeviceController(@JsonProperty("enable") boolean enable) {
  public static DeviceController defaults() {
    return new DeviceController(true);
  }
}
