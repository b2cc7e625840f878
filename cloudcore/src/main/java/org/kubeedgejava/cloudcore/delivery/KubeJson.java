package org.kubeedgejava.cloudcore.delivery;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/**
 * The JSON mapper for Kubernetes objects, configured by fabric8 (its modules for MicroTime and
 * Quantity, its polymorphic kinds) so objects convert to and from message content losslessly.
 */
public final class KubeJson {
  public static final ObjectMapper MAPPER = new ObjectMapper();

  static {
    new KubernetesSerialization(MAPPER, true);
  }

  private KubeJson() {}
}
