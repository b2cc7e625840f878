package org.kubeedgejava.mapper;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;

/**
 * A DeviceModel property's {@code type}, which says how its value reads as a string on the wire.
 * The Java value of each type: INT → {@link Long}, FLOAT → {@link Float}, DOUBLE → {@link Double},
 * BOOLEAN → {@link Boolean}, STRING → {@link String}.
 */
public enum PropertyType {
  INT,
  FLOAT,
  DOUBLE,
  BOOLEAN,
  STRING;

  /**
   * The type named {@code text}, any case ({@code float} as the seed writes it); empty means
   * STRING.
   *
   * @throws IllegalArgumentException for a type this SDK does not convert (BYTES, STREAM, typos)
   */
  public static PropertyType parse(String text) {
    String t = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
    if (t.isEmpty()) {
      return STRING;
    }
    for (PropertyType type : values()) {
      if (type.name().equals(t)) {
        return type;
      }
    }
    throw new IllegalArgumentException(
        "property type '" + text + "' is not supported (INT, FLOAT, DOUBLE, BOOLEAN, STRING)");
  }

  /**
   * A driver's value as this type's Java value: numbers are narrowed or rounded (half up for INT),
   * numbers become booleans by being non-zero, strings are parsed.
   *
   * @throws IllegalArgumentException when {@code value} cannot be this type
   */
  public Object coerce(Object value) {
    if (value == null) {
      throw new IllegalArgumentException("no value");
    }
    if (value instanceof String s) {
      return parseValue(s);
    }
    return switch (this) {
      case STRING -> value instanceof Number n ? format(decimal(n)) : String.valueOf(value);
      case BOOLEAN -> {
        if (value instanceof Boolean b) {
          yield b;
        }
        yield decimal(number(value)).signum() != 0;
      }
      case INT -> decimal(number(value)).setScale(0, RoundingMode.HALF_UP).longValueExact();
      case FLOAT -> number(value).floatValue();
      case DOUBLE -> number(value).doubleValue();
    };
  }

  /**
   * The wire string of {@code value} (any value {@link #coerce} accepts): shortest form, no
   * trailing zeros ({@code 73.4}, {@code 70}), booleans as {@code true}/{@code false}.
   */
  public String format(Object value) {
    Object v = coerce(value);
    return switch (this) {
      case FLOAT -> format(new BigDecimal(Float.toString((Float) v)));
      case DOUBLE -> format(new BigDecimal(Double.toString((Double) v)));
      default -> String.valueOf(v);
    };
  }

  /**
   * Parses a wire string (a desired value) as this type.
   *
   * @throws IllegalArgumentException saying which value is not of which type
   */
  public Object parseValue(String text) {
    String t = text.trim();
    try {
      return switch (this) {
        case STRING -> text;
        case BOOLEAN -> {
          String lower = t.toLowerCase(Locale.ROOT);
          if (lower.equals("true") || lower.equals("1")) {
            yield Boolean.TRUE;
          }
          if (lower.equals("false") || lower.equals("0")) {
            yield Boolean.FALSE;
          }
          throw new NumberFormatException();
        }
        case INT -> new BigDecimal(t).longValueExact();
        case FLOAT -> finite(Float.parseFloat(t));
        case DOUBLE -> finite(Double.parseDouble(t));
      };
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException("'" + text + "' is not a valid " + this + " value");
    }
  }

  private static Float finite(float f) {
    if (!Float.isFinite(f)) {
      throw new NumberFormatException();
    }
    return f;
  }

  private static Double finite(double d) {
    if (!Double.isFinite(d)) {
      throw new NumberFormatException();
    }
    return d;
  }

  private static Number number(Object value) {
    if (value instanceof Number n) {
      return n;
    }
    if (value instanceof Boolean b) {
      return b ? 1 : 0;
    }
    throw new IllegalArgumentException(
        "a " + value.getClass().getSimpleName() + " is not a number");
  }

  private static BigDecimal decimal(Number n) {
    if (n instanceof BigDecimal d) {
      return d;
    }
    if (n instanceof Double || n instanceof Float) {
      return new BigDecimal(n.toString());
    }
    return BigDecimal.valueOf(n.longValue());
  }

  private static String format(BigDecimal d) {
    return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
  }
}
