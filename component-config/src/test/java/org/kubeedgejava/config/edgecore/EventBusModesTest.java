package org.kubeedgejava.config.edgecore;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.kubeedgejava.config.InvalidConfigException;

/**
 * {@code modules.eventBus.mqttMode}: which broker URLs each mode needs, and how they are checked.
 */
class EventBusModesTest {
  private final EdgeCoreConfig base = EdgeCoreConfig.defaults().withNodeName("edge-1");

  /** The violations of {@code base} with the assignments; empty when it is valid. */
  private List<String> problems(String... assignments) {
    try {
      EdgeCoreConfig c = EdgeCoreConfig.loader().withAssignments(base, List.of(assignments));
      return c.validate();
    } catch (InvalidConfigException e) {
      return e.violations();
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2})
  void everyModeIsAcceptedWithTheDefaultUrls(int mode) {
    assertThat(problems("modules.eventBus.mqttMode=" + mode)).isEmpty();
  }

  @Test
  void theDefaultIsTheExternalBrokerOnly() {
    EventBus bus = EdgeCoreConfig.defaults().modules().eventBus();
    assertThat(bus.mqttMode()).isEqualTo(EventBus.MQTT_MODE_EXTERNAL);
    assertThat(bus.mqttServerExternal()).isEqualTo("tcp://127.0.0.1:1883");
    assertThat(bus.mqttServerInternal()).isEqualTo("tcp://127.0.0.1:1884");
  }

  @ParameterizedTest
  @ValueSource(ints = {-1, 3})
  void modesOutsideZeroToTwoAreRefused(int mode) {
    assertThat(problems("modules.eventBus.mqttMode=" + mode))
        .containsExactly("modules.eventBus.mqttMode: must be between 0 and 2, got " + mode);
  }

  @Test
  void eachModeChecksOnlyTheUrlsItUses() {
    assertThat(
            problems(
                "modules.eventBus.mqttMode=0", "modules.eventBus.mqttServerExternal=not a url"))
        .isEmpty();
    assertThat(
            problems(
                "modules.eventBus.mqttMode=2", "modules.eventBus.mqttServerInternal=not a url"))
        .isEmpty();
    assertThat(
            problems(
                "modules.eventBus.mqttMode=1",
                "modules.eventBus.mqttServerInternal=http://127.0.0.1:1884",
                "modules.eventBus.mqttServerExternal=mqtt://127.0.0.1:1883"))
        .containsExactly(
            "modules.eventBus.mqttServerExternal: must be a URL with scheme tcp, ssl or tls, got"
                + " \"mqtt://127.0.0.1:1883\"",
            "modules.eventBus.mqttServerInternal: must be a URL with scheme tcp, got"
                + " \"http://127.0.0.1:1884\"");
  }

  @Test
  void theBuiltInBrokerServesPlainTcpOnAnExplicitPort() {
    assertThat(
            problems(
                "modules.eventBus.mqttMode=0",
                "modules.eventBus.mqttServerInternal=ssl://127.0.0.1:8883"))
        .containsExactly(
            "modules.eventBus.mqttServerInternal: must be a URL with scheme tcp, got"
                + " \"ssl://127.0.0.1:8883\"");
    assertThat(
            problems(
                "modules.eventBus.mqttMode=0",
                "modules.eventBus.mqttServerInternal=tcp://127.0.0.1"))
        .containsExactly(
            "modules.eventBus.mqttServerInternal: must name the port the built-in broker listens"
                + " on, got \"tcp://127.0.0.1\"");
    assertThat(
            problems(
                "modules.eventBus.mqttMode=0",
                "modules.eventBus.mqttServerInternal=tcp://127.0.0.1:70000"))
        .containsExactly(
            "modules.eventBus.mqttServerInternal: port must be between 1 and 65535, got"
                + " \"tcp://127.0.0.1:70000\"");
  }

  @Test
  void inModeOneTheTwoBrokersMustDiffer() {
    assertThat(
            problems(
                "modules.eventBus.mqttMode=1",
                "modules.eventBus.mqttServerInternal=tcp://127.0.0.1:1883",
                "modules.eventBus.mqttServerExternal=tcp://127.0.0.1"))
        .containsExactly(
            "modules.eventBus.mqttServerInternal: must differ from mqttServerExternal in mqttMode"
                + " 1 (both brokers), got \"tcp://127.0.0.1:1883\" for both");
    // the same URLs are fine when only one broker is used
    assertThat(
            problems(
                "modules.eventBus.mqttMode=0",
                "modules.eventBus.mqttServerInternal=tcp://127.0.0.1:1883"))
        .isEmpty();
  }
}
