package org.kubeedgejava.cloudcore.devicecontroller;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ModelNotFoundEventsTest {
  @Test
  void theEventNameIsTheSameForADeviceAndModelPairAndAValidName() {
    String name = ModelNotFoundEvents.eventName("plc-line3-temp", "uid-1", "modbus-temp-sensor");

    assertThat(name)
        .isEqualTo(ModelNotFoundEvents.eventName("plc-line3-temp", "uid-1", "modbus-temp-sensor"))
        .isNotEqualTo(ModelNotFoundEvents.eventName("plc-line3-temp", "uid-1", "other-model"))
        .isNotEqualTo(
            ModelNotFoundEvents.eventName("plc-line3-temp", "uid-2", "modbus-temp-sensor"))
        .matches("plc-line3-temp\\.[0-9a-f]{16}");
    assertThat(ModelNotFoundEvents.eventName("d".repeat(253), "u", "m")).hasSizeLessThan(254);
  }

  @Test
  void theMessageNamesTheModelTheNamespaceAndWhatHappensMeanwhile() {
    assertThat(ModelNotFoundEvents.message("factory", "modbus-temp-sensor", "edge-pune-01"))
        .startsWith("DeviceModel modbus-temp-sensor not found in namespace factory.")
        .contains("delivered to node edge-pune-01")
        .contains("desired.metadata.type")
        .contains("delivered when it is created");
    assertThat(ModelNotFoundEvents.message("factory", "m", "")).contains("on no node");
  }
}
