package org.kubeedgejava.config.edgecore;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * The MQTT bridge to devices and mappers ({@code modules.eventBus}).
 *
 * @param enable default true
 * @param mqttQOS 0, 1 or 2 (default 0)
 * @param mqttServerInternal the built-in broker's URL (default {@code tcp://127.0.0.1:1884})
 * @param mqttServerExternal the external broker's URL (default {@code tcp://127.0.0.1:1883})
 * @param mqttMode 0 internal broker only, 1 both, 2 external only (default)
 */
public record EventBus(
    @JsonProperty("enable") boolean enable,
    @JsonProperty("mqttQOS") int mqttQOS,
    @JsonProperty("mqttServerInternal") String mqttServerInternal,
    @JsonProperty("mqttServerExternal") String mqttServerExternal,
    @JsonProperty("mqttMode") int mqttMode) {
  public static final int MQTT_MODE_INTERNAL = 0;
  public static final int MQTT_MODE_BOTH = 1;
  public static final int MQTT_MODE_EXTERNAL = 2;

  public EventBus {
    Objects.requireNonNull(mqttServerInternal, "mqttServerInternal");
    Objects.requireNonNull(mqttServerExternal, "mqttServerExternal");
  }

  public static EventBus defaults() {
    return new EventBus(
        true, 0, "tcp://127.0.0.1:1884", "tcp://127.0.0.1:1883", MQTT_MODE_EXTERNAL);
  }
}
