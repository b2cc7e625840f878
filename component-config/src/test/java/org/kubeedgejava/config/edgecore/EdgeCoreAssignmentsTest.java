package org.kubeedgejava.config.edgecore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.kubeedgejava.config.InvalidConfigException;

class EdgeCoreAssignmentsTest {
  private final EdgeCoreConfig base = EdgeCoreConfig.defaults().withNodeName("edge-1");

  @Test
  void setsNestedScalarsOfTheirOwnType() {
    EdgeCoreConfig c =
        EdgeCoreConfig.loader()
            .withAssignments(
                base,
                List.of(
                    "modules.eventBus.mqttServerExternal=tcp://127.0.0.1:18830",
                    "modules.eventBus.mqttQOS=1",
                    "modules.deviceTwin.enable=false"));
    assertThat(c.modules().eventBus().mqttServerExternal()).isEqualTo("tcp://127.0.0.1:18830");
    assertThat(c.modules().eventBus().mqttQOS()).isEqualTo(1);
    assertThat(c.modules().deviceTwin().enable()).isFalse();
    assertThat(c.nodeName()).isEqualTo("edge-1");
  }

  @Test
  void unknownPathsAndMissingEqualsAreAllReported() {
    assertThatThrownBy(() ->
            EdgeCoreConfig.loader()
                .withAssignments(
                    base, List.of("modules.eventBus.nope=1", "modules.eventBus", "modules=1")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("modules.eventBus.nope: no such setting")
        .hasMessageContaining("modules.eventBus: expected key=value")
        .hasMessageContaining("modules: no such setting");
  }

  @Test
  void aValueOfTheWrongTypeIsRefused() {
    assertThatThrownBy(() ->
            EdgeCoreConfig.loader()
                .withAssignments(base, List.of("modules.eventBus.mqttQOS=often")))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessageContaining("mqttQOS");
  }
}
