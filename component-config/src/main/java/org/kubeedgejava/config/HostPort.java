package org.kubeedgejava.config;

import java.util.Objects;

/**
 * A {@code host:port} pair as the YAML writes it: {@code 127.0.0.1:9091}, {@code
 * cloud.example.com:10000}, {@code [fd00::1]:10000}. An empty host ({@code :9091}) means every
 * local address, as for Go's listeners.
 *
 * @param host an IP literal (IPv6 without brackets), a host name, or empty
 * @param port 0..65535
 */
public record HostPort(String host, int port) {
  public HostPort {
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
    }
  }

  /**
   * Parses {@code host:port}; an IPv6 host must be in brackets.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static HostPort parse(String text) {
    Objects.requireNonNull(text, "text");
    String host;
    String port;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
        throw new IllegalArgumentException("expected [IPv6]:port");
      }
      host = text.substring(1, close);
      port = text.substring(close + 2);
      if (!Syntax.isIpv6(host)) {
        throw new IllegalArgumentException("'" + host + "' in brackets is not an IPv6 address");
      }
    } else {
      int colon = text.lastIndexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("missing ':port'");
      }
      host = text.substring(0, colon);
      port = text.substring(colon + 1);
      if (host.indexOf(':') >= 0) {
        throw new IllegalArgumentException(
            "an IPv6 host must be in brackets, e.g. [fd00::1]:10000");
      }
      if (!host.isEmpty() && !Syntax.isIpv4(host) && !Syntax.isHostname(host)) {
        throw new IllegalArgumentException(
            "'" + host + "' is neither an IP address nor a host name");
      }
    }
    if (port.isEmpty()
        || port.length() > 5
        || !port.chars().allMatch(c -> c >= '0' && c <= '9')
        || Integer.parseInt(port) > 65535) {
      throw new IllegalArgumentException("'" + port + "' is not a port number (0..65535)");
    }
    return new HostPort(host, Integer.parseInt(port));
  }

  /** Formats a host and port, putting an IPv6 host in brackets. */
  public static String format(String host, int port) {
    return new HostPort(host, port).toString();
  }

  /** {@code host:port}, with an IPv6 host in brackets. */
  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
