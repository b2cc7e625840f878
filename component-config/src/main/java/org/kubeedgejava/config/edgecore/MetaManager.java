package org.kubeedgejava.config.edgecore;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The local store of what the cloud sent ({@code modules.metaManager}).
 *
 * @param enable default true
 */
public record MetaManager(@JsonProperty("enable") boolean enable) {
  public static MetaManager defaults() {
    return new MetaManager(true);
  }
}
