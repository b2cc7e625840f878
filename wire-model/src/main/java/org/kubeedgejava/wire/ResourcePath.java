package org.kubeedgejava.wire;

import java.util.Objects;
import java.util.Optional;

/**
 * A resource string for one object, {@code <namespace>/<resType>/<name>}, as the edge sees it.
 * Inside the cloud the same object of node {@code n1} is {@code
 * node/n1/<namespace>/<resType>/<name>}; CloudHub trims that prefix on the way down ({@link
 * #toEdge}) and adds it on the way up ({@link #fromEdge}). Cluster-scoped objects use the namespace
 * {@value #CLUSTER_SCOPED}, e.g. {@code null/node/n1}.
 */
public record ResourcePath(String namespace, String type, String name) {
  /** The namespace token of cluster-scoped objects. */
  public static final String CLUSTER_SCOPED = "null";

  private static final String NODE_PREFIX = "node/";

  public ResourcePath {
    requireToken(namespace, "namespace");
    requireToken(type, "type");
    Objects.requireNonNull(name, "name");
    if (name.contains("/")) {
      throw new IllegalArgumentException("name contains '/': " + name);
    }
  }

  /** A path for a cluster-scoped object. */
  public static ResourcePath clusterScoped(String type, String name) {
    return new ResourcePath(CLUSTER_SCOPED, type, name);
  }

  /**
   * Parses {@code <namespace>/<resType>[/<name>]}. Empty when the string has fewer than two tokens
   * or more than three, or a token is empty.
   */
  public static Optional<ResourcePath> parse(String resource) {
    if (resource == null) {
      return Optional.empty();
    }
    String[] parts = resource.split("/", -1);
    if (parts.length < 2 || parts.length > 3) {
      return Optional.empty();
    }
    for (String part : parts) {
      if (part.isEmpty()) {
        return Optional.empty();
      }
    }
    return Optional.of(new ResourcePath(parts[0], parts[1], parts.length == 3 ? parts[2] : ""));
  }

  public boolean isClusterScoped() {
    return CLUSTER_SCOPED.equals(namespace);
  }

  /**
   * The edge form, {@code <namespace>/<type>/<name>} (without {@code /<name>} when it is empty).
   */
  @Override
  public String toString() {
    return name.isEmpty() ? namespace + "/" + type : namespace + "/" + type + "/" + name;
  }

  /**
   * The cloud form of this path for {@code node}: {@code node/<node>/<namespace>/<type>/<name>}.
   */
  public String inCloud(String node) {
    return fromEdge(node, toString());
  }

  /**
   * Trims a cloud resource string to what the edge sees: drops the leading {@code node/<node>/}.
   * Strings without that prefix are returned unchanged.
   */
  public static String toEdge(String cloudResource) {
    if (cloudResource.startsWith(NODE_PREFIX)) {
      int end = cloudResource.indexOf('/', NODE_PREFIX.length());
      if (end > NODE_PREFIX.length()) {
        return cloudResource.substring(end + 1);
      }
    }
    return cloudResource;
  }

  /** Prefixes an edge resource string with {@code node/<node>/} for routing inside the cloud. */
  public static String fromEdge(String node, String edgeResource) {
    requireToken(node, "node");
    return NODE_PREFIX + node + "/" + edgeResource;
  }

  /**
   * The node named in a cloud resource string: the token after the first {@code node} token that is
   * followed by a non-empty one.
   */
  public static Optional<String> nodeOf(String cloudResource) {
    String[] parts = cloudResource.split("/", -1);
    for (int i = 0; i + 1 < parts.length; i++) {
      if ("node".equals(parts[i]) && !parts[i + 1].isEmpty()) {
        return Optional.of(parts[i + 1]);
      }
    }
    return Optional.empty();
  }

  private static void requireToken(String token, String what) {
    Objects.requireNonNull(token, what);
    if (token.isEmpty() || token.contains("/")) {
      throw new IllegalArgumentException(
          what + " must be a non-empty token without '/': '" + token + "'");
    }
  }
}
