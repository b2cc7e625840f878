package org.kubeedgejava.mapper.modbus;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Where a property lives on the device: a visitor {@code configData} with upstream's field names.
 *
 * <p>{@code register} is the table, {@code offset} the zero-based address, {@code limit} how many
 * coils or registers (1, 2 or 4 registers: a 16-, 32- or 64-bit signed integer, big-endian), {@code
 * scale} what the integer is multiplied by (0.1: 734 reads as 73.4; writes divide), {@code isSwap}
 * swaps the two bytes of each register, {@code isRegisterSwap} reverses the register order (low
 * word first).
 */
record ModbusVisitor(
    RegisterType register,
    int offset,
    int limit,
    BigDecimal scale,
    boolean isSwap,
    boolean isRegisterSwap) {

  /**
   * @throws IllegalArgumentException naming the missing or wrong field
   */
  static ModbusVisitor parse(ObjectNode configData) {
    ConfigFields f = new ConfigFields(configData, "modbus visitor");
    RegisterType register = RegisterType.parse(f.text("register"));
    int offset = f.integer("offset", 0, 65535);
    int limit = f.integer("limit", 1, register.bits ? 2000 : 4, 1);
    if (!register.bits && limit == 3) {
      throw new IllegalArgumentException(
          "modbus visitor: limit 3 is not a number size; use 1, 2 or 4 registers");
    }
    if (offset + limit > 65536) {
      throw new IllegalArgumentException("modbus visitor: offset + limit is past address 65535");
    }
    BigDecimal scale = f.has("scale") ? f.decimal("scale") : BigDecimal.ONE;
    if (scale.signum() == 0) {
      throw new IllegalArgumentException("modbus visitor: scale must not be 0");
    }
    return new ModbusVisitor(
        register, offset, limit, scale, f.bool("isSwap"), f.bool("isRegisterSwap"));
  }

  /** The number a register read means: the signed integer in {@code bytes}, times the scale. */
  BigDecimal decode(byte[] bytes) {
    byte[] b = ordered(bytes);
    long raw = 0;
    for (byte x : b) {
      raw = (raw << 8) | (x & 0xFF);
    }
    int bits = b.length * 8;
    if (bits < 64 && (raw & (1L << (bits - 1))) != 0) {
      raw -= 1L << bits; // sign-extend
    }
    return BigDecimal.valueOf(raw).multiply(scale);
  }

  /**
   * The register bytes that hold {@code value}: divided by the scale, rounded half up.
   *
   * @throws IllegalArgumentException when the result does not fit in {@code limit} registers
   */
  byte[] encode(BigDecimal value) {
    BigDecimal scaled = value.divide(scale, 0, RoundingMode.HALF_UP);
    int bits = limit * 16;
    long raw;
    try {
      raw = scaled.longValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(value + " does not fit in " + bits + " bits");
    }
    if (bits < 64 && (raw < -(1L << (bits - 1)) || raw >= (1L << bits))) {
      throw new IllegalArgumentException(
          value + " is " + raw + " in registers, which does not fit in " + bits + " bits");
    }
    byte[] b = new byte[limit * 2];
    for (int i = b.length - 1; i >= 0; i--) {
      b[i] = (byte) raw;
      raw >>= 8;
    }
    return ordered(b);
  }

  /** Applies the swaps; each is its own inverse, so reading and writing use the same. */
  private byte[] ordered(byte[] in) {
    byte[] b = in.clone();
    int registers = b.length / 2;
    if (isRegisterSwap) {
      for (int i = 0; i < registers / 2; i++) {
        int j = registers - 1 - i;
        byte hi = b[2 * i];
        byte lo = b[2 * i + 1];
        b[2 * i] = b[2 * j];
        b[2 * i + 1] = b[2 * j + 1];
        b[2 * j] = hi;
        b[2 * j + 1] = lo;
      }
    }
    if (isSwap) {
      for (int i = 0; i < registers; i++) {
        byte hi = b[2 * i];
        b[2 * i] = b[2 * i + 1];
        b[2 * i + 1] = hi;
      }
    }
    return b;
  }
}
