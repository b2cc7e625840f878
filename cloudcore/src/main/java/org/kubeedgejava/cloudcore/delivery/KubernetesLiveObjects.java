package org.kubeedgejava.cloudcore.delivery;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Optional;

/** {@link LiveObjects} read straight from the API server, for any kind. */
public final class KubernetesLiveObjects implements LiveObjects {
  private final KubernetesClient kube;

  public KubernetesLiveObjects(KubernetesClient kube) {
    this.kube = kube;
  }

  @Override
  public Optional<HasMetadata> get(ObjectRef ref) {
    var resources = kube.genericKubernetesResources(ref.apiVersion(), ref.kind());
    var found =
        ref.path().isClusterScoped()
            ? resources.withName(ref.path().name()).get()
            : resources.inNamespace(ref.path().namespace()).withName(ref.path().name()).get();
    return Optional.ofNullable(found);
  }
}
