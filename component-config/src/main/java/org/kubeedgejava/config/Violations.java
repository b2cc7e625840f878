package org.kubeedgejava.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Collects the problems of one configuration so that all of them are reported at once, each as
 * {@code <path>: <problem>}. The checks return whether the value passed, so that a validator can
 * skip checks that depend on it.
 */
public final class Violations {
  private final List<String> found = new ArrayList<>();

  /** Records a problem with the field at {@code path}. */
  public void add(String path, String problem) {
    found.add(path + ": " + problem);
  }

  /** Records {@code problem} unless {@code ok}. */
  public boolean require(boolean ok, String path, String problem) {
    if (!ok) {
      add(path, problem);
    }
    return ok;
  }

  /** A TCP/UDP port to listen on or dial: 1..65535. */
  public boolean port(String path, int value) {
    return range(path, value, 1, 65535);
  }

  public boolean range(String path, long value, long min, long max) {
    return require(
        value >= min && value <= max,
        path,
        "must be between " + min + " and " + max + ", got " + value);
  }

  /** A count, size or duration that must be above zero. */
  public boolean positive(String path, long value) {
    return require(value > 0, path, "must be positive, got " + value);
  }

  public boolean notEmpty(String path, String value) {
    return require(!value.isBlank(), path, "must not be empty");
  }

  public boolean oneOf(String path, String value, Collection<String> allowed) {
    return require(
        allowed.contains(value), path, "must be one of " + allowed + ", got " + quote(value));
  }

  /** An IPv4 or IPv6 address literal (no host names). */
  public boolean ipAddress(String path, String value) {
    return require(Syntax.isIp(value), path, "must be an IP address, got " + quote(value));
  }

  /** An IP address literal that names one host: not the unspecified 0.0.0.0 or ::. */
  public boolean hostIp(String path, String value) {
    return ipAddress(path, value)
        && require(
            !Syntax.isUnspecifiedIp(value),
            path,
            "must be the address of a host, not the unspecified address " + value);
  }

  /**
   * A {@code host:port} as {@link HostPort#parse} reads it, with a port above zero.
   *
   * @param hostRequired whether an empty host (every local address) is refused
   */
  public boolean hostPort(String path, String value, boolean hostRequired) {
    String expected = hostRequired ? "host:port" : "host:port or :port";
    try {
      HostPort hp = HostPort.parse(value);
      if (hostRequired && hp.host().isEmpty()) {
        add(path, "must be host:port with a host, got " + quote(value));
        return false;
      }
      return require(hp.port() > 0, path, "port must be between 1 and 65535, got " + quote(value));
    } catch (IllegalArgumentException e) {
      add(path, "must be " + expected + " (" + e.getMessage() + "), got " + quote(value));
      return false;
    }
  }

  /** An absolute URL with one of the given schemes, a host, and no user info. */
  public boolean url(String path, String value, List<String> schemes) {
    String expected =
        "must be a URL with scheme "
            + (schemes.size() == 1
                ? schemes.get(0)
                : String.join(", ", schemes.subList(0, schemes.size() - 1))
                    + " or "
                    + schemes.get(schemes.size() - 1));
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      add(path, expected + ", got " + quote(value));
      return false;
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!schemes.contains(scheme)) {
      add(path, expected + ", got " + quote(value));
      return false;
    }
    if (uri.getHost() == null || uri.getHost().isEmpty() || uri.getUserInfo() != null) {
      add(path, expected + " and a host, got " + quote(value));
      return false;
    }
    return require(
        uri.getPort() == -1 || (uri.getPort() > 0 && uri.getPort() <= 65535),
        path,
        "port must be between 1 and 65535, got " + quote(value));
  }

  /** Kubernetes' DNS-1123 subdomain, the rule for node and most object names. */
  public boolean dns1123Subdomain(String path, String value) {
    return require(
        Syntax.isDns1123Subdomain(value),
        path,
        "must be a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', each dot-separated"
            + " part starting and ending with a letter or digit, at most 253 characters), got "
            + quote(value));
  }

  /** Kubernetes' DNS-1123 label, the rule for namespace names. */
  public boolean dns1123Label(String path, String value) {
    return require(
        Syntax.isDns1123Label(value),
        path,
        "must be a DNS-1123 label (lowercase letters, digits and '-', starting and ending with a"
            + " letter or digit, at most 63 characters), got "
            + quote(value));
  }

  /** A DNS name for a certificate: a host name, optionally with a leading {@code *.} wildcard. */
  public boolean dnsName(String path, String value) {
    String name = value.startsWith("*.") ? value.substring(2) : value;
    return require(Syntax.isHostname(name), path, "must be a DNS name, got " + quote(value));
  }

  /** A Kubernetes label key such as {@code node-role.kubernetes.io/edge}. */
  public boolean labelKey(String path, String value) {
    return require(
        Syntax.isLabelKey(value),
        path,
        "must be a label key ([prefix/]name, the name at most 63 letters, digits, '-', '_' or '.'"
            + " starting and ending with a letter or digit), got "
            + quote(value));
  }

  /** A Kubernetes label value: empty, or at most 63 letters, digits, '-', '_' or '.'. */
  public boolean labelValue(String path, String value) {
    return require(
        Syntax.isLabelValue(value),
        path,
        "must be a label value (empty, or at most 63 letters, digits, '-', '_' or '.' starting and"
            + " ending with a letter or digit), got "
            + quote(value));
  }

  /** A path on the local file system that starts at the root. */
  public boolean absolutePath(String path, String value) {
    return require(
        value.startsWith("/"), path, "must be an absolute file path, got " + quote(value));
  }

  /** The problems recorded so far, in order. */
  public List<String> toList() {
    return List.copyOf(found);
  }

  static String quote(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
