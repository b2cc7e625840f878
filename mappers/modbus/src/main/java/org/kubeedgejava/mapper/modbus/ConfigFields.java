package org.kubeedgejava.mapper.modbus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Locale;

/**
 * Reads typed fields out of a configData object. Numbers may arrive as JSON numbers (DMI packs them
 * as floats) or as numeric strings; booleans as JSON booleans or "true"/"false".
 */
final class ConfigFields {
  private final ObjectNode data;
  private final String what;

  ConfigFields(ObjectNode data, String what) {
    this.data = data;
    this.what = what;
  }

  boolean has(String field) {
    JsonNode v = data.get(field);
    return v != null && !v.isNull() && !(v.isTextual() && v.asText().isBlank());
  }

  String text(String field) {
    if (!has(field)) {
      throw missing(field);
    }
    return data.get(field).asText().trim();
  }

  String text(String field, String otherwise) {
    return has(field) ? text(field) : otherwise;
  }

  BigDecimal decimal(String field) {
    if (!has(field)) {
      throw missing(field);
    }
    JsonNode v = data.get(field);
    try {
      return v.isNumber() ? v.decimalValue() : new BigDecimal(v.asText().trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          what + ": " + field + " '" + v.asText() + "' is not a number");
    }
  }

  int integer(String field, int min, int max) {
    BigDecimal d = decimal(field);
    int value;
    try {
      value = d.intValueExact();
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(what + ": " + field + " " + d + " is not a whole number");
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          what + ": " + field + " " + value + " is out of range [" + min + ", " + max + "]");
    }
    return value;
  }

  int integer(String field, int min, int max, int otherwise) {
    return has(field) ? integer(field, min, max) : otherwise;
  }

  boolean bool(String field) {
    if (!has(field)) {
      return false;
    }
    JsonNode v = data.get(field);
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    return switch (v.asText().trim().toLowerCase(Locale.ROOT)) {
      case "true", "1" -> true;
      case "false", "0" -> false;
      default ->
          throw new IllegalArgumentException(
              what + ": " + field + " '" + v.asText() + "' is not a boolean");
    };
  }

  private IllegalArgumentException missing(String field) {
    return new IllegalArgumentException(what + ": configData needs " + field);
  }
}
