package org.kubeedgejava.config.cloudcore;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The controller that resends what edge nodes missed ({@code modules.syncController}).
 *
 * @param enable default true
 */
public record SyncController(@JsonProperty("enable") boolean enable) {
  public static SyncController defaults() {
    return new SyncController(true);
  }
}
