package org.kubeedgejava.e2e.workload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.kubeedgejava.cri.CriClient;
import org.kubeedgejava.cri.v1.Container;
import org.kubeedgejava.cri.v1.ContainerFilter;
import org.kubeedgejava.cri.v1.ContainerStatus;
import org.kubeedgejava.cri.v1.ContainerStatusRequest;
import org.kubeedgejava.cri.v1.ExecSyncRequest;
import org.kubeedgejava.cri.v1.ExecSyncResponse;
import org.kubeedgejava.cri.v1.ListContainersRequest;
import org.kubeedgejava.cri.v1.ListPodSandboxRequest;
import org.kubeedgejava.cri.v1.PodSandbox;
import org.kubeedgejava.cri.v1.PodSandboxFilter;
import org.kubeedgejava.cri.v1.PodSandboxStatusRequest;
import org.kubeedgejava.cri.v1.RemovePodSandboxRequest;
import org.kubeedgejava.cri.v1.StopPodSandboxRequest;

/**
 * What containerd holds of the edge's pods, seen through CRI the way a node's admin would with
 * crictl: sandboxes and containers by the kubelet's labels, their state, exec into them.
 */
final class RuntimeView {
  static final String LABEL_NAMESPACE = "io.kubernetes.pod.namespace";
  static final String LABEL_UID = "io.kubernetes.pod.uid";

  private final CriClient cri;

  RuntimeView(CriClient cri) {
    this.cri = cri;
  }

  /** Every container of pods in {@code namespace}, running or not. */
  List<Container> containersIn(String namespace) {
    return containers(LABEL_NAMESPACE, namespace);
  }

  /** Every container of the pod with {@code uid}, running or not. */
  List<Container> containersOf(String uid) {
    return containers(LABEL_UID, uid);
  }

  /** Every sandbox of pods in {@code namespace}, ready or not. */
  List<PodSandbox> sandboxesIn(String namespace) {
    return sandboxes(LABEL_NAMESPACE, namespace);
  }

  /** Every sandbox of the pod with {@code uid}, ready or not. */
  List<PodSandbox> sandboxesOf(String uid) {
    return sandboxes(LABEL_UID, uid);
  }

  ContainerStatus status(String containerId) {
    return cri.runtime()
        .containerStatus(ContainerStatusRequest.newBuilder().setContainerId(containerId).build())
        .getStatus();
  }

  /** The IP the CNI gave the sandbox. */
  String sandboxIp(String sandboxId) {
    return cri.runtime()
        .podSandboxStatus(PodSandboxStatusRequest.newBuilder().setPodSandboxId(sandboxId).build())
        .getStatus()
        .getNetwork()
        .getIp();
  }

  /** Runs {@code command} in the container; its stdout, after checking that it exited 0. */
  String exec(String containerId, String... command) {
    ExecSyncResponse r =
        cri.runtime()
            .execSync(
                ExecSyncRequest.newBuilder()
                    .setContainerId(containerId)
                    .addAllCmd(List.of(command))
                    .setTimeout(10)
                    .build());
    assertThat(r.getExitCode())
        .as("exit code of %s (stderr: %s)", List.of(command), r.getStderr().toStringUtf8())
        .isZero();
    return r.getStdout().toString(StandardCharsets.UTF_8);
  }

  /**
   * What a reboot does to the pods of {@code namespace}: every sandbox stopped and removed, and
   * with it its containers.
   */
  void wipe(String namespace) {
    for (PodSandbox s : sandboxesIn(namespace)) {
      cri.runtime()
          .stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(s.getId()).build());
      cri.runtime()
          .removePodSandbox(
              RemovePodSandboxRequest.newBuilder().setPodSandboxId(s.getId()).build());
    }
  }

  private List<Container> containers(String label, String value) {
    return cri.runtime()
        .listContainers(
            ListContainersRequest.newBuilder()
                .setFilter(ContainerFilter.newBuilder().putLabelSelector(label, value))
                .build())
        .getContainersList();
  }

  private List<PodSandbox> sandboxes(String label, String value) {
    return cri.runtime()
        .listPodSandbox(
            ListPodSandboxRequest.newBuilder()
                .setFilter(PodSandboxFilter.newBuilder().putLabelSelector(label, value))
                .build())
        .getItemsList();
  }
}
