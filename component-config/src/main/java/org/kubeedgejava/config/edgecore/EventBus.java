package org.kubeedgejava.config.edgecore;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Objects;

/**
 * The MQTT bridge to devices and mappers ({@code modules.eventBus}).
 *
 * @param enable default true
 * @param mqttQOS 0, 1 or 2 (default 0)
 * @param mqttServerInternal where the built-in broker listens in modes 0 and 1 (default {@code
 *     tcp://127.0.0.1:1884}): plain {@code tcp} with an explicit port
 * @param mqttServerExternal the external broker's URL in modes 1 and 2 (default {@code
 *     tcp://127.0.0.1:1883}, {@code tcp}, {@code ssl} or {@code tls})
 * @param mqttMode 0 the built-in broker only, 1 both brokers (they must differ), 2 the external
 *     broker only (default)
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
