package org.kubeedgejava.mapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class PropertyTypeTest {

  @Test
  void namesAreReadInAnyCaseAndEmptyMeansString() {
    assertThat(PropertyType.parse("float")).isEqualTo(PropertyType.FLOAT);
    assertThat(PropertyType.parse("Boolean")).isEqualTo(PropertyType.BOOLEAN);
    assertThat(PropertyType.parse("INT")).isEqualTo(PropertyType.INT);
    assertThat(PropertyType.parse("")).isEqualTo(PropertyType.STRING);
    assertThatThrownBy(() -> PropertyType.parse("stream"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'stream' is not supported");
  }

  @Test
  void formatsNumbersInTheirShortestForm() {
    assertThat(PropertyType.FLOAT.format(new BigDecimal("73.4"))).isEqualTo("73.4");
    assertThat(PropertyType.FLOAT.format(734 * 0.1)).isEqualTo("73.4");
    assertThat(PropertyType.FLOAT.format(70)).isEqualTo("70");
    assertThat(PropertyType.DOUBLE.format(0.1 + 0.2)).isEqualTo("0.30000000000000004");
    assertThat(PropertyType.INT.format(new BigDecimal("41.5"))).isEqualTo("42");
    assertThat(PropertyType.INT.format(-7)).isEqualTo("-7");
    assertThat(PropertyType.BOOLEAN.format(0)).isEqualTo("false");
    assertThat(PropertyType.BOOLEAN.format(true)).isEqualTo("true");
    assertThat(PropertyType.STRING.format(new BigDecimal("1.50"))).isEqualTo("1.5");
  }

  @Test
  void parsesDesiredValuesToTheirJavaType() {
    assertThat(PropertyType.FLOAT.parseValue("70")).isEqualTo(70.0f);
    assertThat(PropertyType.DOUBLE.parseValue(" 1.25 ")).isEqualTo(1.25);
    assertThat(PropertyType.INT.parseValue("12")).isEqualTo(12L);
    assertThat(PropertyType.BOOLEAN.parseValue("TRUE")).isEqualTo(true);
    assertThat(PropertyType.BOOLEAN.parseValue("0")).isEqualTo(false);
    assertThat(PropertyType.STRING.parseValue("a b")).isEqualTo("a b");
  }

  @Test
  void refusesDesiredValuesThatAreNotOfTheType() {
    assertThatThrownBy(() -> PropertyType.FLOAT.parseValue("warm"))
        .hasMessage("'warm' is not a valid FLOAT value");
    assertThatThrownBy(() -> PropertyType.FLOAT.parseValue("NaN"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PropertyType.INT.parseValue("1.5"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PropertyType.BOOLEAN.parseValue("yes"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
