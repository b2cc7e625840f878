package org.kubeedgejava.bench.pods;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
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
import java.util.stream.Stream;

/**
 * Pod startup latency on one edge node, as the API server shows it: a Deployment of N replicas is
 * created, and each pod's latency is the time from that create call to the first watch event in
 * which the pod is Running and Ready (client clock, nanosecond timer). Also the edgecore process's
 * resident memory ({@code VmRSS}) idle, and after the pods settle.
 *
 * <p>Usage: {@code PodStartup <kubeconfig> <edge node> <edgecore pid file> <round...>}; each round
 * is measured, then its pods are deleted and gone before the next. A round {@code N} is a burst:
 * one Deployment of N replicas. A round {@code N@R} is N bare pods created at a steady R per
 * second, as Kubernetes' density test does; each pod's latency runs from its own create call.
 *
 * <p>Per pod the watch also gives when the pod first appeared (created by the ReplicaSet
 * controller) and when it was first seen bound to the node (scheduled), so each burst is split into
 * phases: Deployment to pod created (kube-controller-manager), created to scheduled
 * (kube-scheduler), scheduled to Running and Ready (cloudcore, the tunnel, edgecore, containerd and
 * the status back), and created to Running and Ready (the pod startup SLI of Kubernetes' density
 * SLO, which starts at the pod's creation).
 */
public final class PodStartup {
  private PodStartup() {}

  public static void main(String[] args) throws Exception {
    Path kubeconfig = Path.of(args[0]);
    String node = args[1];
    Path edgecorePid = Path.of(args[2]);
    String[] rounds = Arrays.copyOfRange(args, 3, args.length);
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
      for (String round : rounds) {
        if (round.contains("@")) {
          String[] nr = round.split("@");
          steady(kube, ns, node, Integer.parseInt(nr[0]), Double.parseDouble(nr[1]), edgecorePid);
        } else {
          round(kube, ns, node, Integer.parseInt(round), edgecorePid);
        }
      }
    }
  }

  private static void round(
      KubernetesClient kube, String ns, String node, int replicas, Path edgecorePid)
      throws Exception {
    Seen seen = new Seen();
    Watch watch = kube.pods().inNamespace(ns).watch(seen);
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
            .withSpec(podSpec(node))
            .endTemplate()
            .endSpec()
            .build();
    long start = System.nanoTime();
    kube.apps().deployments().inNamespace(ns).resource(deployment).create();
    seen.awaitRunning(replicas);
    watch.close();
    writeTimes(String.valueOf(replicas), seen);
    Map<String, Long> created = seen.created;
    Map<String, Long> scheduled = seen.scheduled;
    Map<String, Long> running = seen.running;
    System.out.printf(
        "replicas %d: running %d; Deployment created -> pod Running and Ready: %s%n",
        replicas, running.size(), stats(running.values().stream().map(t -> t - start)));
    System.out.printf(
        "  phases: Deployment -> pod created %s; created -> scheduled %s;%n"
            + "  scheduled -> Running and Ready %s;%n"
            + "  pod created -> Running and Ready (the density SLI) %s%n",
        stats(created.values().stream().map(t -> t - start)),
        stats(
            created.keySet().stream()
                .filter(scheduled::containsKey)
                .map(k -> scheduled.get(k) - created.get(k))),
        stats(
            scheduled.keySet().stream()
                .filter(running::containsKey)
                .map(k -> running.get(k) - scheduled.get(k))),
        stats(
            created.keySet().stream()
                .filter(running::containsKey)
                .map(k -> running.get(k) - created.get(k))));
    TimeUnit.SECONDS.sleep(
        20); // let edgecore settle with the pods running before reading its memory
    System.out.printf("edgecore RSS with %d pods: %.1f MiB%n", replicas, rssMiB(edgecorePid));
    kube.apps().deployments().inNamespace(ns).withName("startup").delete();
    long gone = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (!kube.pods().inNamespace(ns).list().getItems().isEmpty() && System.nanoTime() < gone) {
      TimeUnit.SECONDS.sleep(1);
    }
  }

  /** N bare pods created at {@code perSecond}; each pod's latency runs from its create call. */
  private static void steady(
      KubernetesClient kube, String ns, String node, int pods, double perSecond, Path edgecorePid)
      throws Exception {
    Seen seen = new Seen();
    Watch watch = kube.pods().inNamespace(ns).watch(seen);
    Map<String, Long> createCall = new ConcurrentHashMap<>();
    long t0 = System.nanoTime();
    long interval = (long) (1e9 / perSecond);
    for (int i = 0; i < pods; i++) {
      long due = t0 + i * interval;
      long wait = due - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait); // pacing the creations (a benchmark, not a test)
      }
      String name = "steady-" + i;
      createCall.put(name, System.nanoTime());
      kube.pods()
          .inNamespace(ns)
          .resource(
              new PodBuilder()
                  .withNewMetadata()
                  .withName(name)
                  .addToLabels("app", "steady")
                  .endMetadata()
                  .withSpec(podSpec(node))
                  .build())
          .create();
    }
    double createSeconds = (System.nanoTime() - t0) / 1e9;
    seen.awaitRunning(pods);
    watch.close();
    writeTimes(pods + "@" + perSecond, seen);
    Map<String, Long> running = seen.running;
    System.out.printf(
        "steady %d pods at %.1f/s (created in %.1f s): running %d; pod create call -> Running and Ready: %s%n",
        pods,
        perSecond,
        createSeconds,
        running.size(),
        stats(
            createCall.keySet().stream()
                .filter(running::containsKey)
                .map(k -> running.get(k) - createCall.get(k))));
    TimeUnit.SECONDS.sleep(
        20); // let edgecore settle with the pods running before reading its memory
    System.out.printf("edgecore RSS with %d pods: %.1f MiB%n", pods, rssMiB(edgecorePid));
    kube.pods().inNamespace(ns).withLabel("app", "steady").delete();
    long gone = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
    while (!kube.pods().inNamespace(ns).list().getItems().isEmpty() && System.nanoTime() < gone) {
      TimeUnit.SECONDS.sleep(1);
    }
  }

  static PodSpec podSpec(String node) {
    return new PodSpecBuilder()
        .addToNodeSelector("kubernetes.io/hostname", node)
        .withTerminationGracePeriodSeconds(1L)
        .addNewContainer()
        .withName("app")
        .withImage("docker.io/kubeedge-java/busybox:1.35")
        .withImagePullPolicy("IfNotPresent")
        .withCommand("sleep", "86400")
        .endContainer()
        .build();
  }

  /**
   * Writes one line per pod: name, then wall-clock milliseconds (epoch) of created, scheduled and
   * Running and Ready, to line up with the components' logs.
   */
  static void writeTimes(String round, Seen seen) throws java.io.IOException {
    long nanoToEpochMs = System.currentTimeMillis() * 1_000_000 - System.nanoTime();
    StringBuilder out = new StringBuilder("pod\tcreated_ms\tscheduled_ms\trunning_ms\n");
    for (String pod : new java.util.TreeSet<>(seen.created.keySet())) {
      out.append(pod);
      for (Map<String, Long> m : java.util.List.of(seen.created, seen.scheduled, seen.running)) {
        Long t = m.get(pod);
        out.append('\t').append(t == null ? "" : String.valueOf((t + nanoToEpochMs) / 1_000_000));
      }
      out.append('\n');
    }
    Path file = Path.of("bench", "target", "pod-startup-" + round + ".tsv");
    Files.createDirectories(file.getParent());
    Files.writeString(file, out);
  }

  /** When each pod was first seen: at all, bound to a node, Running and Ready (nanoTime). */
  private static final class Seen implements Watcher<Pod> {
    final Map<String, Long> created = new ConcurrentHashMap<>();
    final Map<String, Long> scheduled = new ConcurrentHashMap<>();
    final Map<String, Long> running = new ConcurrentHashMap<>();

    @Override
    public void eventReceived(Action action, Pod pod) {
      long now = System.nanoTime();
      String name = pod.getMetadata().getName();
      if (action == Action.DELETED) {
        return;
      }
      created.putIfAbsent(name, now);
      if (pod.getSpec().getNodeName() != null) {
        scheduled.putIfAbsent(name, now);
      }
      if (runningAndReady(pod)) {
        running.putIfAbsent(name, now);
      }
    }

    @Override
    public void onClose(WatcherException cause) {}

    void awaitRunning(int pods) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
      while (running.size() < pods && System.nanoTime() < deadline) {
        TimeUnit.MILLISECONDS.sleep(100); // polling the watch's results
      }
    }
  }

  /** p50 / p90 / p99 / max in ms, of nanosecond durations. */
  static String stats(Stream<Long> nanos) {
    long[] sorted = nanos.mapToLong(Long::longValue).sorted().toArray();
    return String.format(
        "p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms (n=%d)",
        pct(sorted, 50),
        pct(sorted, 90),
        pct(sorted, 99),
        sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6,
        sorted.length);
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
