package org.kubeedgejava.edgecore.devicetwin;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Optional;

/**
 * The value types of a DeviceModel property ({@code spec.properties[].type}). Twin values travel as
 * strings; the type says how to read them, and a value that does not read is refused. Types we do
 * not check (BYTES, STREAM, an unknown or missing type) accept any string.
 */
enum PropertyType {
  INT,
  FLOAT,
  DOUBLE,
  BOOLEAN,
  STRING,
  UNCHECKED;

  /** The type named {@code name}, case-insensitively; {@link #UNCHECKED} for anything else. */
  static PropertyType of(String name) {
    if (name == null) {
      return UNCHECKED;
    }
    return switch (name.trim().toUpperCase(Locale.ROOT)) {
      case "INT", "INTEGER" -> INT;
      case "FLOAT" -> FLOAT;
      case "DOUBLE" -> DOUBLE;
      case "BOOLEAN", "BOOL" -> BOOLEAN;
      case "STRING" -> STRING;
      default -> UNCHECKED;
    };
  }

  /** Why {@code value} is not a valid value of this type; empty when it is. */
  Optional<String> problem(String value) {
    if (value == null) {
      return Optional.of("no value");
    }
    boolean ok =
        switch (this) {
          case INT -> isInteger(value);
          case FLOAT, DOUBLE -> isDecimal(value);
          case BOOLEAN -> value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false");
          case STRING, UNCHECKED -> true;
        };
    return ok
        ? Optional.empty()
        : Optional.of(
            "\"" + value + "\" is not a valid " + name().toLowerCase(Locale.ROOT) + " value");
  }

  private static boolean isInteger(String value) {
    try {
      Long.parseLong(value.trim());
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static boolean isDecimal(String value) {
    try {
      new BigDecimal(value.trim());
      return true;
    } catch (NumberFormatException e) {
      return false;
    }
  }
}
