package org.kubeedgejava.testing;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler)
 * run by {@code hack/cluster.sh}.
 *
 * <p>{@link #shared()} is the one control plane of a test run: the first caller in any JVM starts
 * it (a no-op when it already runs), and it stays up across test classes and Maven modules; the
 * test command stops it at the end. {@link #isolated} makes a second, independent instance with its
 * own directory and ports, for tests of the script itself.
 *
 * <p>Thread-safety: instances are immutable; {@link #shared()} is synchronized.
 */
public final class LocalControlPlane {

  /** Ports and directory of one control plane instance. */
  public record Layout(
      Path dir,
      int apiserverPort,
      int etcdPort,
      int etcdPeerPort,
      int controllerManagerPort,
      int schedulerPort) {

    /** Environment variables understood by {@code hack/cluster.sh}. */
    Map<String, String> environment() {
      Map<String, String> env = new LinkedHashMap<>();
      env.put("CLUSTER_DIR", dir.toString());
      env.put("CLUSTER_APISERVER_PORT", Integer.toString(apiserverPort));
      env.put("CLUSTER_ETCD_PORT", Integer.toString(etcdPort));
      env.put("CLUSTER_ETCD_PEER_PORT", Integer.toString(etcdPeerPort));
      env.put("CLUSTER_KCM_PORT", Integer.toString(controllerManagerPort));
      env.put("CLUSTER_SCHEDULER_PORT", Integer.toString(schedulerPort));
      return env;
    }
  }

  private static final Duration UP_TIMEOUT = Duration.ofMinutes(30); // includes a first build

  private static LocalControlPlane shared; // guarded by LocalControlPlane.class

  private final Path repoRoot;
  private final Map<String, String> environment;
  private final Path kubeconfig;

  private LocalControlPlane(Path repoRoot, Map<String, String> environment, Path kubeconfig) {
    this.repoRoot = repoRoot;
    this.environment = Map.copyOf(environment);
    this.kubeconfig = kubeconfig;
  }

  /** The control plane shared by every test of this run; started on first use. */
  public static synchronized LocalControlPlane shared() {
    if (shared == null) {
      Path root = RepoRoot.find();
      LocalControlPlane plane =
          new LocalControlPlane(
              root, Map.of(), root.resolve("_output/cluster/admin.kubeconfig").toAbsolutePath());
      plane.up();
      shared = plane;
    }
    return shared;
  }

  /** A separate instance in its own directory and ports; not started. */
  public static LocalControlPlane isolated(Layout layout) {
    return isolated(layout, Map.of());
  }

  /**
   * A separate instance with extra {@code hack/cluster.sh} settings, e.g. {@code
   * CLUSTER_NODE_MONITOR_GRACE_PERIOD}; not started.
   */
  public static LocalControlPlane isolated(Layout layout, Map<String, String> settings) {
    Map<String, String> env = new LinkedHashMap<>(layout.environment());
    env.putAll(settings);
    return new LocalControlPlane(RepoRoot.find(), env, layout.dir().resolve("admin.kubeconfig"));
  }

  /** Runs {@code hack/cluster.sh up}; returns what it printed. */
  public String up() {
    return script(UP_TIMEOUT, "up");
  }

  /** Runs {@code hack/cluster.sh down}; returns what it printed. */
  public String down() {
    return script(Duration.ofMinutes(2), "down");
  }

  /** Runs {@code hack/cluster.sh status}; returns what it printed, whatever the exit code. */
  public String status() {
    return run(Duration.ofSeconds(30), "status").output();
  }

  public Path kubeconfig() {
    return kubeconfig;
  }

  public Path repoRoot() {
    return repoRoot;
  }

  /** A new client with admin rights; the caller closes it. */
  public KubernetesClient newClient() {
    if (!Files.isReadable(kubeconfig)) {
      throw new IllegalStateException(
          "no kubeconfig at " + kubeconfig + ": is the control plane up?");
    }
    Config config = Config.fromKubeconfig(kubeconfig.toFile());
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** Runs the pinned kubectl against this control plane. */
  public ScriptResult kubectl(String... args) {
    List<String> command = new ArrayList<>();
    command.add(binDir().resolve("kubectl").toString());
    command.add("--kubeconfig=" + kubeconfig);
    command.addAll(List.of(args));
    return Processes.run(command, Map.of(), Duration.ofMinutes(1));
  }

  /** The Kubernetes release pinned in {@code hack/versions.sh}, e.g. {@code v1.37.2}. */
  public String pinnedKubernetesVersion() {
    try {
      return Files.readAllLines(repoRoot.resolve("hack/versions.sh")).stream()
          .filter(line -> line.startsWith("KUBE_VERSION="))
          .map(line -> line.substring("KUBE_VERSION=".length()).replace("\"", "").strip())
          .findFirst()
          .orElseThrow(() -> new IllegalStateException("no KUBE_VERSION in hack/versions.sh"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The directory holding the built control-plane binaries. */
  public Path binDir() {
    Path dir =
        environment.containsKey("CLUSTER_DIR")
            ? Path.of(environment.get("CLUSTER_DIR"))
            : repoRoot.resolve("_output/cluster");
    try {
      return Path.of(Files.readString(dir.resolve("bin-dir")).strip());
    } catch (IOException e) {
      throw new UncheckedIOException("control plane never started in " + dir, e);
    }
  }

  private String script(Duration timeout, String verb) {
    ScriptResult result = run(timeout, verb);
    if (result.exitCode() != 0) {
      throw new IllegalStateException(
          "hack/cluster.sh "
              + verb
              + " failed (exit "
              + result.exitCode()
              + "):\n"
              + result.output());
    }
    return result.output();
  }

  private ScriptResult run(Duration timeout, String verb) {
    List<String> command = List.of("bash", repoRoot.resolve("hack/cluster.sh").toString(), verb);
    return Processes.run(command, environment, timeout);
  }

  /** Exit code and combined output of a finished command. */
  public record ScriptResult(int exitCode, String output) {}

  static final class Processes {
    private Processes() {}

    static ScriptResult run(List<String> command, Map<String, String> env, Duration timeout) {
      try {
        Path out = Files.createTempFile("kubeedge-java-cmd", ".log");
        try {
          ProcessBuilder builder =
              new ProcessBuilder(command)
                  .redirectErrorStream(true)
                  .redirectOutput(out.toFile())
                  .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
          builder.environment().putAll(env);
          Process process = builder.start();
          if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(
                String.join(" ", command)
                    + " did not finish in "
                    + timeout
                    + ":\n"
                    + Files.readString(out));
          }
          return new ScriptResult(process.exitValue(), Files.readString(out));
        } finally {
          Files.deleteIfExists(out);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot run " + command, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while running " + command, e);
      }
    }
  }
}
