package org.kubeedgejava.cloudcore.delivery;

import java.util.Objects;
import org.kubeedgejava.wire.ResourcePath;

/**
 * The Kubernetes object a downstream message carries: what the ObjectSync records name, and the
 * edge resource path the message is keyed by ({@code <ns>/<type>/<name>}).
 */
public record ObjectRef(String apiVersion, String kind, ResourcePath path, String uid) {
  public ObjectRef {
    Objects.requireNonNull(apiVersion, "apiVersion");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(path, "path");
    uid = uid == null ? "" : uid;
  }

  /** The coalescing key: one pending message per object per node. */
  public String key() {
    return path.toString();
  }
}
