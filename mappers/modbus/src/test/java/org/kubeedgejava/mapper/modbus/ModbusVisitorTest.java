package org.kubeedgejava.mapper.modbus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.kubeedgejava.mapper.DmiObjects.json;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.kubeedgejava.mapper.PropertyType;

class ModbusVisitorTest {

  @Test
  void readsUpstreamVisitorFields() {
    ModbusVisitor v =
        ModbusVisitor.parse(
            json(
                "register",
                "HoldingRegister",
                "offset",
                100,
                "limit",
                2,
                "scale",
                0.1,
                "isSwap",
                true,
                "isRegisterSwap",
                "false"));
    assertThat(v.register()).isEqualTo(RegisterType.HOLDING);
    assertThat(v.offset()).isEqualTo(100);
    assertThat(v.limit()).isEqualTo(2);
    assertThat(v.scale()).isEqualByComparingTo("0.1");
    assertThat(v.isSwap()).isTrue();
    assertThat(v.isRegisterSwap()).isFalse();
    ModbusVisitor defaults = ModbusVisitor.parse(json("register", "coilregister", "offset", 3));
    assertThat(defaults.register()).isEqualTo(RegisterType.COIL);
    assertThat(defaults.limit()).isEqualTo(1);
    assertThat(defaults.scale()).isEqualByComparingTo("1");
  }

  @Test
  void aHoldingRegisterOf734AtScaleOneTenthReadsAsFloat73Point4() {
    ModbusVisitor v =
        ModbusVisitor.parse(json("register", "HoldingRegister", "offset", 100, "scale", 0.1));
    BigDecimal value = v.decode(new byte[] {0x02, (byte) 0xDE}); // 734
    assertThat(PropertyType.FLOAT.format(value)).isEqualTo("73.4");
  }

  @Test
  void writesInvertTheScale() {
    ModbusVisitor v =
        ModbusVisitor.parse(json("register", "HoldingRegister", "offset", 100, "scale", 0.1));
    assertThat(v.encode(new BigDecimal("70"))).containsExactly(0x02, 0xBC); // 700
    assertThat(v.encode(new BigDecimal("-1.5"))).containsExactly(0xFF, 0xF1); // -15
  }

  @Test
  void registersAreSignedAndSwapsApplyBothWays() {
    ModbusVisitor plain = ModbusVisitor.parse(json("register", "InputRegister", "offset", 0));
    assertThat(plain.decode(new byte[] {(byte) 0xFF, (byte) 0xFE})).isEqualByComparingTo("-2");

    ModbusVisitor swapped =
        ModbusVisitor.parse(
            json(
                "register",
                "HoldingRegister",
                "offset",
                0,
                "limit",
                2,
                "isSwap",
                true,
                "isRegisterSwap",
                true));
    // 0x00010203 with low word first and each word's bytes swapped
    byte[] wire = {0x03, 0x02, 0x01, 0x00};
    assertThat(swapped.decode(wire)).isEqualByComparingTo(Long.toString(0x00010203L));
    assertThat(swapped.encode(BigDecimal.valueOf(0x00010203L))).containsExactly(wire);
  }

  @Test
  void refusesVisitorsItCannotUse() {
    assertThatThrownBy(() -> ModbusVisitor.parse(json("register", "Holding", "offset", 1)))
        .hasMessageContaining("register 'Holding' is not CoilRegister");
    assertThatThrownBy(() -> ModbusVisitor.parse(json("register", "HoldingRegister")))
        .hasMessageContaining("needs offset");
    assertThatThrownBy(
            () -> ModbusVisitor.parse(json("register", "HoldingRegister", "offset", 70000)))
        .hasMessageContaining("out of range");
    assertThatThrownBy(
            () -> ModbusVisitor.parse(json("register", "HoldingRegister", "offset", 1, "limit", 3)))
        .hasMessageContaining("limit 3");
    assertThatThrownBy(
            () -> ModbusVisitor.parse(json("register", "HoldingRegister", "offset", 1, "scale", 0)))
        .hasMessageContaining("scale must not be 0");
  }

  @Test
  void refusesToWriteAValueThatDoesNotFit() {
    ModbusVisitor v =
        ModbusVisitor.parse(json("register", "HoldingRegister", "offset", 0, "scale", 0.1));
    assertThatThrownBy(() -> v.encode(new BigDecimal("7000"))).hasMessageContaining("16 bits");
  }
}
