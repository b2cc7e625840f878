package org.kubeedgejava.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** The textual rules the validators share: IP literals, DNS and Kubernetes names. */
final class Syntax {
  private static final String DNS_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile(DNS_LABEL + "(\\." + DNS_LABEL + ")*");
  private static final Pattern DNS1123_LABEL = Pattern.compile(DNS_LABEL);
  private static final String HOST_LABEL = "[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?";
  private static final Pattern HOSTNAME = Pattern.compile(HOST_LABEL + "(\\." + HOST_LABEL + ")*");
  private static final Pattern LABEL_NAME =
      Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

  private Syntax() {}

  /** A dotted-quad IPv4 address, each part 0..255 (no shorthand forms such as {@code 10.1}). */
  static boolean isIpv4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String part : parts) {
      if (part.isEmpty()
          || part.length() > 3
          || !part.chars().allMatch(c -> c >= '0' && c <= '9')) {
        return false;
      }
      if (Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  /** An IPv6 address in any textual form, without brackets or zone. */
  static boolean isIpv6(String s) {
    if (s.indexOf(':') < 0 || !IPV6_CHARS.matcher(s).matches()) {
      return false;
    }
    // Only hex digits, ':' and '.', at least one ':': the JDK parses this as a literal and never
    // asks a resolver.
    try {
      InetAddress.getByName(s);
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  static boolean isIp(String s) {
    return isIpv4(s) || isIpv6(s);
  }

  /** The unspecified address, 0.0.0.0 or ::, which names no host. */
  static boolean isUnspecifiedIp(String s) {
    try {
      return isIp(s) && InetAddress.getByName(s).isAnyLocalAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** An RFC 1123 host name (letters of either case), at most 253 characters. */
  static boolean isHostname(String s) {
    return s.length() <= 253 && HOSTNAME.matcher(s).matches() && labelsFit(s);
  }

  /** Kubernetes' DNS-1123 subdomain: the rule for node names. */
  static boolean isDns1123Subdomain(String s) {
    return s.length() <= 253 && DNS1123_SUBDOMAIN.matcher(s).matches() && labelsFit(s);
  }

  /** Kubernetes' DNS-1123 label: the rule for namespace names. */
  static boolean isDns1123Label(String s) {
    return s.length() <= 63 && DNS1123_LABEL.matcher(s).matches();
  }

  /** A Kubernetes label key: an optional DNS-1123 subdomain prefix and '/', then a name. */
  static boolean isLabelKey(String s) {
    int slash = s.indexOf('/');
    String name = s;
    if (slash >= 0) {
      String prefix = s.substring(0, slash);
      name = s.substring(slash + 1);
      if (!isDns1123Subdomain(prefix)) {
        return false;
      }
    }
    return name.length() <= 63 && LABEL_NAME.matcher(name).matches();
  }

  /** A Kubernetes label value: empty, or a name of at most 63 characters. */
  static boolean isLabelValue(String s) {
    return s.isEmpty() || (s.length() <= 63 && LABEL_NAME.matcher(s).matches());
  }

  private static boolean labelsFit(String s) {
    for (String label : s.split("\\.")) {
      if (label.length() > 63) {
        return false;
      }
    }
    return true;
  }
}
