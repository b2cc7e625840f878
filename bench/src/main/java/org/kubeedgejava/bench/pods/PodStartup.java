package org.kubeedgejava.bench.pods;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Pod startup latency on one edge node, as the API server shows it: a Deployment of N replicas is
 * created, and each pod's latency is the time from that create call to the first watch event in
 * which the pod is Running and Ready (client clock, nanosecond timer). Also the edgecore process's
 * resident memory ({@code VmRSS}) idle, and after the pods settle.
 *
 * <p>Usage: {@code PodStartup <kubeconfig> <edge node> <edgecore pid file> <replicas...>}; each
 * replica count is a separate round (Deployment created, measured, deleted, containers gone).
 */
public final class PodStartup {
  private PodStartup() {}

  public static void main(String[] args) throws Exception {
    Path kubeconfig = Path.of(args[0]);
    String node = args[1];
    Path edgecorePid = Path.of(args[2]);
    int[] rounds = Arrays.stream(args, 3, args.length).mapToInt(Integer::parseInt).toArray();
    try (KubernetesClient kube =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(kubeconfig.toFile()))
            .build()) {
      String ns = "pod-startup";
      if (kube.namespaces().withName(ns).get() == null) {
        kube.namespaces()
            .resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
            .create();
      }
      TimeUnit.SECONDS.sleep(
          20); // settle after start-up before the idle reading (a benchmark, not a test)
      System.out.printf("edgecore RSS idle: %.1f MiB%n", rssMiB(edgecorePid));
      for (int replicas : rounds) {
        round(kube, ns, node, replicas, edgecorePid);
      }
    }
  }

  private static void round(
      KubernetesClient kube, String ns, String node, int replicas, Path edgecorePid)
      throws Exception {
    Map<String, Long> latencyNanos = new ConcurrentHashMap<>();
    long[] start = new long[1];
    Watch watch =
        kube.pods()
            .inNamespace(ns)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, Pod pod) {
                    if (start[0] != 0 && runningAndReady(pod)) {
                      latencyNanos.putIfAbsent(
                          pod.getMetadata().getName(), System.nanoTime() - start[0]);
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
    Deployment deployment =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName("startup")
            .endMetadata()
            .withNewSpec()
            .withReplicas(replicas)
            .withNewSelector()
            .addToMatchLabels("app", "startup")
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .addToLabels("app", "startup")
            .endMetadata()
            .withNewSpec()
            .addToNodeSelector("kubernetes.io/hostname", node)
            .withTerminationGracePeriodSeconds(1L)
            .addNewContainer()
            .withName("app")
            .withImage("docker.io/kubeedge-java/busybox:1.35")
            .withImagePullPolicy("IfNotPresent")
            .withCommand("sleep", "86400")
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build();
    start[0] = System.nanoTime();
    kube.apps().deployments().inNamespace(ns).resource(deployment).create();
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (latencyNanos.size() < replicas && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(100); // polling the watch's results
    }
    watch.close();
    long[] sorted = latencyNanos.values().stream().mapToLong(Long::longValue).sorted().toArray();
    System.out.printf(
        "replicas %d: running %d; Deployment created -> pod Running and Ready: p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms%n",
        replicas,
        sorted.length,
        pct(sorted, 50),
        pct(sorted, 90),
        pct(sorted, 99),
        sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6);
    TimeUnit.SECONDS.sleep(
        20); // let edgecore settle with the pods running before reading its memory
    System.out.printf("edgecore RSS with %d pods: %.1f MiB%n", replicas, rssMiB(edgecorePid));
    kube.apps().deployments().inNamespace(ns).withName("startup").delete();
    long gone = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (!kube.pods().inNamespace(ns).list().getItems().isEmpty() && System.nanoTime() < gone) {
      TimeUnit.SECONDS.sleep(1);
    }
  }

  static boolean runningAndReady(Pod pod) {
    return pod.getStatus() != null
        && "Running".equals(pod.getStatus().getPhase())
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  static double pct(long[] sorted, int p) {
    if (sorted.length == 0) {
      return 0;
    }
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }

  /** VmRSS of edgecore's JVM: the java child of the supervisor whose pid the file holds. */
  static double rssMiB(Path supervisorPidFile) throws Exception {
    long supervisor = Long.parseLong(Files.readString(supervisorPidFile).strip());
    long pid =
        ProcessHandle.of(supervisor)
            .orElseThrow()
            .children()
            .filter(p -> p.info().command().map(c -> c.endsWith("java")).orElse(false))
            .findFirst()
            .orElseThrow()
            .pid();
    for (String line : Files.readAllLines(new File("/proc/" + pid + "/status").toPath())) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
      }
    }
    return -1;
  }
}
