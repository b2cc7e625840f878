package org.kubeedgejava.wire;

import java.util.Objects;

/**
 * A message header as on KubeEdge's wire: {@code msg_id}, {@code parent_msg_id} (the id of the
 * message this one answers; empty when none), {@code timestamp} in milliseconds since the epoch,
 * {@code resourceversion} (the Kubernetes resourceVersion of the object in the content; empty when
 * none) and {@code sync}.
 */
public record Header(
    String id, String parentId, long timestamp, String resourceVersion, boolean sync) {
  public Header {
    Objects.requireNonNull(id, "id");
    parentId = parentId == null ? "" : parentId;
    resourceVersion = resourceVersion == null ? "" : resourceVersion;
  }

  /** Whether this message answers another one. */
  public boolean isResponse() {
    return !parentId.isEmpty();
  }
}
