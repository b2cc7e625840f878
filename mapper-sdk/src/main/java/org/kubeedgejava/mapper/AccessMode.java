package org.kubeedgejava.mapper;

import java.util.Locale;

/** A DeviceModel property's {@code accessMode}: whether desired values may be written. */
public enum AccessMode {
  READ_WRITE,
  READ_ONLY;

  /**
   * {@code ReadWrite} or {@code ReadOnly}, any case; empty means ReadWrite (upstream's default).
   */
  public static AccessMode parse(String text) {
    String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    return switch (t) {
      case "", "readwrite" -> READ_WRITE;
      case "readonly" -> READ_ONLY;
      default ->
          throw new IllegalArgumentException(
              "accessMode '" + text + "' is neither ReadWrite nor ReadOnly");
    };
  }
}
