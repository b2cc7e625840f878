package org.kubeedgejava.bench.edgemark;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** {@code --name value} command-line options of the EdgeMark processes. */
final class Args {
  private final Map<String, String> values;

  private Args(Map<String, String> values) {
    this.values = values;
  }

  static Args parse(String[] args) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException(
            "expected --name value pairs, got: " + String.join(" ", args));
      }
      values.put(args[i].substring(2), args[i + 1]);
    }
    return new Args(values);
  }

  String string(String name) {
    String value = values.get(name);
    if (value == null) {
      throw new IllegalArgumentException("missing option --" + name);
    }
    return value;
  }

  String string(String name, String fallback) {
    return values.getOrDefault(name, fallback);
  }

  int integer(String name) {
    return Integer.parseInt(string(name));
  }

  int integer(String name, int fallback) {
    return values.containsKey(name) ? integer(name) : fallback;
  }

  Path path(String name) {
    return Path.of(string(name));
  }
}
