package org.kubeedgejava.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.kubeedgejava.testing.ControlPlaneTest;
import org.kubeedgejava.testing.LocalControlPlane;
import org.kubeedgejava.testing.TestNamespace;

/** The local control plane is a real Kubernetes: API objects, CRDs, controllers and scheduler. */
@ControlPlaneTest
class ControlPlaneIT {

  @Test
  void storesAndServesConfigMaps(KubernetesClient client, TestNamespace ns) {
    client
        .configMaps()
        .inNamespace(ns.name())
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName("line3")
                .endMetadata()
                .withData(Map.of("threshold", "73.4"))
                .build())
        .create();

    ConfigMap read = client.configMaps().inNamespace(ns.name()).withName("line3").get();

    assertThat(read.getData()).containsEntry("threshold", "73.4");
    assertThat(read.getMetadata().getResourceVersion()).isNotBlank();
  }

  @Test
  void servesCustomResourcesOfANewlyInstalledDefinition(KubernetesClient client, TestNamespace ns) {
    String group = ns.name() + ".test.kubeedge-java.org"; // unique per test: CRDs are cluster-wide
    CustomResourceDefinition crd =
        new CustomResourceDefinitionBuilder()
            .withNewMetadata()
            .withName("widgets." + group)
            .endMetadata()
            .withNewSpec()
            .withGroup(group)
            .withScope("Namespaced")
            .withNewNames()
            .withKind("Widget")
            .withPlural("widgets")
            .withSingular("widget")
            .endNames()
            .addNewVersion()
            .withName("v1")
            .withServed(true)
            .withStorage(true)
            .withNewSchema()
            .withNewOpenAPIV3Schema()
            .withType("object")
            .addToProperties(
                "spec",
                new io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder()
                    .withType("object")
                    .addToProperties(
                        "size",
                        new io.fabric8.kubernetes.api.model.apiextensions.v1
                                .JSONSchemaPropsBuilder()
                            .withType("integer")
                            .build())
                    .build())
            .endOpenAPIV3Schema()
            .endSchema()
            .endVersion()
            .endSpec()
            .build();
    client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
    try {
      await("CRD established")
          .atMost(Duration.ofSeconds(30))
          .until(() -> {
            CustomResourceDefinition current =
                client
                    .apiextensions()
                    .v1()
                    .customResourceDefinitions()
                    .withName("widgets." + group)
                    .get();
            return current.getStatus() != null
                && current.getStatus().getConditions().stream()
                    .anyMatch(
                        c -> "Established".equals(c.getType()) && "True".equals(c.getStatus()));
          });
      ResourceDefinitionContext widgets =
          new ResourceDefinitionContext.Builder()
              .withGroup(group)
              .withVersion("v1")
              .withKind("Widget")
              .withPlural("widgets")
              .withNamespaced(true)
              .build();
      GenericKubernetesResource widget =
          new GenericKubernetesResourceBuilder()
              .withApiVersion(group + "/v1")
              .withKind("Widget")
              .withNewMetadata()
              .withName("w1")
              .endMetadata()
              .addToAdditionalProperties("spec", Map.of("size", 3))
              .build();

      client.genericKubernetesResources(widgets).inNamespace(ns.name()).resource(widget).create();

      GenericKubernetesResource read =
          client.genericKubernetesResources(widgets).inNamespace(ns.name()).withName("w1").get();
      assertThat(read.<Integer>get("spec", "size")).isEqualTo(3);
    } finally {
      client.apiextensions().v1().customResourceDefinitions().withName("widgets." + group).delete();
    }
  }

  @Test
  void controllerManagerAndSchedulerActOnADeployment(KubernetesClient client, TestNamespace ns) {
    Deployment deployment =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName("vision")
            .endMetadata()
            .withNewSpec()
            .withReplicas(1)
            .withNewSelector()
            .addToMatchLabels("app", "vision")
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .addToLabels("app", "vision")
            .endMetadata()
            .withNewSpec()
            // no node will ever match: the pod must stay Pending, whatever nodes later tests add
            .addToNodeSelector("kubeedge-java.test/no-such-node", "true")
            .addNewContainer()
            .withName("app")
            .withImage("registry.invalid/vision:1")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();

    client.apps().deployments().inNamespace(ns.name()).resource(deployment).create();

    // the deployment controller (kube-controller-manager) makes a ReplicaSet ...
    await("ReplicaSet from the deployment controller")
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> {
          List<ReplicaSet> sets =
              client.apps().replicaSets().inNamespace(ns.name()).list().getItems();
          assertThat(sets).hasSize(1);
          assertThat(sets.get(0).getMetadata().getOwnerReferences())
              .anySatisfy(owner -> assertThat(owner.getName()).isEqualTo("vision"));
        });
    // ... the replicaset controller a Pod, which the scheduler tried and could not place
    await("Pending pod the scheduler could not place")
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(() -> {
          List<Pod> pods = client.pods().inNamespace(ns.name()).list().getItems();
          assertThat(pods).hasSize(1);
          Pod pod = pods.get(0);
          assertThat(pod.getStatus().getPhase()).isEqualTo("Pending");
          assertThat(pod.getStatus().getConditions())
              .extracting(PodCondition::getType, PodCondition::getStatus, PodCondition::getReason)
              .contains(
                  org.assertj.core.groups.Tuple.tuple("PodScheduled", "False", "Unschedulable"));
        });
  }

  @Test
  void kubectlReportsThePinnedServerVersionAndReadiness(LocalControlPlane plane) {
    LocalControlPlane.ScriptResult version = plane.kubectl("version");
    LocalControlPlane.ScriptResult readyz = plane.kubectl("get", "--raw", "/readyz");

    assertThat(version.exitCode()).as(version.output()).isZero();
    assertThat(version.output()).contains("Server Version: " + plane.pinnedKubernetesVersion());
    assertThat(readyz.exitCode()).as(readyz.output()).isZero();
    assertThat(readyz.output().strip()).isEqualTo("ok");
  }
}
