package org.kubeedgejava.edgecore.devicetwin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PropertyTypeTest {
  @Test
  void typeNamesAreCaseInsensitive() {
    assertThat(PropertyType.of("int")).isEqualTo(PropertyType.INT);
    assertThat(PropertyType.of("Boolean")).isEqualTo(PropertyType.BOOLEAN);
    assertThat(PropertyType.of("DOUBLE")).isEqualTo(PropertyType.DOUBLE);
    assertThat(PropertyType.of("bytes")).isEqualTo(PropertyType.UNCHECKED);
    assertThat(PropertyType.of(null)).isEqualTo(PropertyType.UNCHECKED);
  }

  @Test
  void valuesThatDoNotParseAreRefusedWithAReason() {
    assertThat(PropertyType.INT.problem("42")).isEmpty();
    assertThat(PropertyType.INT.problem("-7")).isEmpty();
    assertThat(PropertyType.INT.problem("4.2")).hasValue("\"4.2\" is not a valid int value");
    assertThat(PropertyType.FLOAT.problem("4.2")).isEmpty();
    assertThat(PropertyType.DOUBLE.problem("1e3")).isEmpty();
    assertThat(PropertyType.DOUBLE.problem("NaN?")).isPresent();
    assertThat(PropertyType.BOOLEAN.problem("TRUE")).isEmpty();
    assertThat(PropertyType.BOOLEAN.problem("yes")).isPresent();
    assertThat(PropertyType.STRING.problem("anything")).isEmpty();
  }
}
