package org.kubeedgejava.cloudcore.delivery;

import java.util.List;

/**
 * Where acknowledged versions are recorded, so that what a node holds survives a cloudcore restart:
 * in production the ObjectSync and ClusterObjectSync objects in the API server ({@link
 * KubernetesAckLedger}).
 */
public interface AckLedger {
  /** What a node acknowledged for one object. */
  record Entry(String node, ObjectRef ref, String resourceVersion) {}

  /** Records that {@code node} committed {@code ref} at {@code resourceVersion}, or deleted it. */
  void acknowledged(String node, ObjectRef ref, String resourceVersion, boolean deleted);

  /** Everything {@code node} has acknowledged and still holds. */
  List<Entry> entries(String node);
}
