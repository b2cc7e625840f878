package org.kubeedgejava.cloudcore.delivery;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Map;
import java.util.Optional;

/**
 * {@link LiveObjects} read straight from the API server, for any kind. The kinds cloudcore's
 * controllers send that are not built into Kubernetes (Devices and DeviceModels) are named here, so
 * a resync reads them without a discovery round trip; other kinds are found by discovery.
 */
public final class KubernetesLiveObjects implements LiveObjects {
  /** {@code <apiVersion>/<kind>} → how to reach it. */
  private static final Map<String, ResourceDefinitionContext> KNOWN =
      Map.of(
          "devices.kubeedge.io/v1beta1/Device",
          custom("devices.kubeedge.io", "v1beta1", "Device", "devices"),
          "devices.kubeedge.io/v1beta1/DeviceModel",
          custom("devices.kubeedge.io", "v1beta1", "DeviceModel", "devicemodels"));

  private final KubernetesClient kube;

  public KubernetesLiveObjects(KubernetesClient kube) {
    this.kube = kube;
  }

  @Override
  public Optional<HasMetadata> get(ObjectRef ref) {
    ResourceDefinitionContext known = KNOWN.get(ref.apiVersion() + "/" + ref.kind());
    MixedOperation<
            GenericKubernetesResource,
            GenericKubernetesResourceList,
            Resource<GenericKubernetesResource>>
        resources =
            known != null
                ? kube.genericKubernetesResources(known)
                : kube.genericKubernetesResources(ref.apiVersion(), ref.kind());
    var found =
        ref.path().isClusterScoped()
            ? resources.withName(ref.path().name()).get()
            : resources.inNamespace(ref.path().namespace()).withName(ref.path().name()).get();
    return Optional.ofNullable(found);
  }

  private static ResourceDefinitionContext custom(
      String group, String version, String kind, String plural) {
    return new ResourceDefinitionContext.Builder()
        .withGroup(group)
        .withVersion(version)
        .withKind(kind)
        .withPlural(plural)
        .withNamespaced(true)
        .build();
  }
}
