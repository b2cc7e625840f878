package org.kubeedgejava.edgecore.edged;

import java.math.BigDecimal;

/**
 * Kubernetes resource quantities ({@code 1500m}, {@code 1.5}, {@code 1Gi}, {@code 500M}) as
 * numbers.
 */
final class Quantities {
  private Quantities() {}

  /** CPU in millicores: "1500m" → 1500, "1.5" → 1500, "2" → 2000. */
  static long milliCpu(String q) {
    if (q == null || q.isBlank()) {
      return 0;
    }
    q = q.strip();
    if (q.endsWith("m")) {
      return new BigDecimal(q.substring(0, q.length() - 1)).longValue();
    }
    return new BigDecimal(q).movePointRight(3).longValue();
  }

  /** Memory in bytes: binary (Ki, Mi, Gi, Ti) and decimal (k, M, G, T) suffixes, or plain bytes. */
  static long bytes(String q) {
    if (q == null || q.isBlank()) {
      return 0;
    }
    q = q.strip();
    String[][] units = {
      {"Ki", "1024"}, {"Mi", "1048576"}, {"Gi", "1073741824"}, {"Ti", "1099511627776"},
      {"k", "1000"}, {"M", "1000000"}, {"G", "1000000000"}, {"T", "1000000000000"}
    };
    for (String[] u : units) {
      if (q.endsWith(u[0])) {
        return new BigDecimal(q.substring(0, q.length() - u[0].length()))
            .multiply(new BigDecimal(u[1]))
            .longValue();
      }
    }
    return new BigDecimal(q).longValue();
  }
}
