package org.kubeedgejava.e2e.partition;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A healthy node that only heartbeats (a Ready condition and a renewed Lease), so the control plane
 * does not take an edge node's outage for a partition of the whole zone: with every node of a zone
 * down, Kubernetes' node lifecycle controller suspends evictions, and the test could not show that
 * upstream would have evicted.
 */
final class WitnessNode implements AutoCloseable {
  private final KubernetesClient kube;
  private final String name;
  private final ScheduledExecutorService beat =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("witness-node").daemon().factory());

  WitnessNode(KubernetesClient kube, String name) {
    this.kube = kube;
    this.name = name;
    kube.nodes()
        .resource(
            new NodeBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .addNewTaint()
                .withKey("kubeedge-java.io/witness")
                .withEffect("NoSchedule")
                .endTaint()
                .endSpec()
                .build())
        .create();
    beat.scheduleWithFixedDelay(this::heartbeat, 0, 2, TimeUnit.SECONDS);
  }

  private void heartbeat() {
    try {
      String now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
      kube.nodes()
          .withName(name)
          .subresource("status")
          .patch(
              PatchContext.of(PatchType.STRATEGIC_MERGE),
              "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"Witness\",\"lastHeartbeatTime\":\""
                  + now
                  + "\",\"lastTransitionTime\":\""
                  + now
                  + "\"}]}}");
      kube.leases()
          .inNamespace("kube-node-lease")
          .resource(
              new LeaseBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .withNamespace("kube-node-lease")
                  .endMetadata()
                  .withNewSpec()
                  .withHolderIdentity(name)
                  .withLeaseDurationSeconds(40)
                  .withRenewTime(ZonedDateTime.now(ZoneOffset.UTC))
                  .endSpec()
                  .build())
          .serverSideApply();
    } catch (RuntimeException e) {
      // the next beat retries
    }
  }

  @Override
  public void close() {
    beat.shutdownNow();
    kube.nodes().withName(name).delete();
  }
}
