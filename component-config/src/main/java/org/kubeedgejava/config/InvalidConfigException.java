package org.kubeedgejava.config;

import java.util.List;
import java.util.Objects;

/**
 * A configuration that cannot be used: unreadable YAML, the wrong {@code apiVersion} or {@code
 * kind}, a value of the wrong type, or values that break the rules of the kind. {@link
 * #violations()} lists every problem found, each led by the path of the field it concerns (for
 * example {@code modules.cloudHub.websocket.port: must be between 1 and 65535, got 0}).
 */
public final class InvalidConfigException extends RuntimeException {
  private final String source;
  private final List<String> violations;

  /**
   * @param source what was read, for the message: a file name or a description such as {@code
   *     CloudCore config}
   * @param violations at least one problem
   */
  public InvalidConfigException(String source, List<String> violations) {
    super(message(source, violations));
    this.source = source;
    this.violations = List.copyOf(violations);
  }

  /** What was read: a file name or a description of the text. */
  public String source() {
    return source;
  }

  /** Every problem found, in the order found; never empty. */
  public List<String> violations() {
    return violations;
  }

  private static String message(String source, List<String> violations) {
    Objects.requireNonNull(source, "source");
    if (violations.isEmpty()) {
      throw new IllegalArgumentException("an invalid config needs at least one violation");
    }
    if (violations.size() == 1) {
      return "invalid " + source + ": " + violations.get(0);
    }
    StringBuilder sb =
        new StringBuilder("invalid ")
            .append(source)
            .append(" (")
            .append(violations.size())
            .append(" problems):");
    violations.forEach(v -> sb.append("\n  - ").append(v));
    return sb.toString();
  }
}
