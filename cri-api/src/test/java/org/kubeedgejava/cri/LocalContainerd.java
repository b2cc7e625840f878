package org.kubeedgejava.cri;

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
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The private containerd of {@code hack/containerd.sh}, holding the images of {@code
 * hack/images.sh}.
 *
 * <p>{@link #shared()} is the one instance of a test JVM: the first caller starts it (a no-op when
 * it already runs) and imports the images; if this JVM started it, a shutdown hook stops it again.
 * {@link #isolated} is a second instance with its own directory and bridge, for tests of the script
 * itself.
 *
 * <p>Thread-safety: instances are immutable; {@link #shared()} is synchronized.
 */
final class LocalContainerd {
  private static final Duration UP_TIMEOUT = Duration.ofMinutes(3);
  private static final Pattern SUBNET = Pattern.compile("\"subnet\"\\s*:\\s*\"([^\"]+)\"");

  private static LocalContainerd shared; // guarded by LocalContainerd.class

  private final Path repoRoot;
  private final Path dir;
  private final Map<String, String> environment;

  private LocalContainerd(Path repoRoot, Path dir, Map<String, String> environment) {
    this.repoRoot = repoRoot;
    this.dir = dir;
    this.environment = Map.copyOf(environment);
  }

  /**
   * The instance in {@code $CONTAINERD_DIR} (default {@code <repo>/_output/containerd}), up and
   * holding the test images. The scripts see this JVM's environment, so {@code CONTAINERD_*}
   * settings (snapshotter, subnet, ...) apply.
   */
  static synchronized LocalContainerd shared() {
    if (shared == null) {
      Path root = repoRoot();
      String configured = System.getenv("CONTAINERD_DIR");
      Path dir =
          configured == null || configured.isBlank()
              ? root.resolve("_output/containerd")
              : Path.of(configured).toAbsolutePath().normalize();
      LocalContainerd containerd = new LocalContainerd(root, dir, Map.of());
      boolean wasUp = containerd.status().exitCode() == 0;
      containerd.up();
      if (!wasUp) {
        Runtime.getRuntime()
            .addShutdownHook(new Thread(containerd::downQuietly, "containerd-down"));
      }
      containerd.importImages();
      shared = containerd;
    }
    return shared;
  }

  /**
   * Another instance in {@code dir}; not started. The script gives it a bridge and subnet of its
   * own.
   */
  static LocalContainerd isolated(Path dir) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CONTAINERD_DIR", dir.toString());
    env.put("CONTAINERD_CNI_BRIDGE", "");
    env.put("CONTAINERD_CNI_SUBNET", "");
    return new LocalContainerd(repoRoot(), dir, env);
  }

  /** Runs {@code hack/containerd.sh up}; returns what it printed. */
  String up() {
    return check(run(UP_TIMEOUT, "containerd.sh", "up"), "containerd.sh up");
  }

  /** Runs {@code hack/containerd.sh down}; returns what it printed. */
  String down() {
    return check(run(Duration.ofMinutes(1), "containerd.sh", "down"), "containerd.sh down");
  }

  /** Runs {@code hack/containerd.sh status}, whatever its exit code. */
  ScriptResult status() {
    return run(Duration.ofSeconds(30), "containerd.sh", "status");
  }

  /** Runs {@code hack/images.sh}: builds what changed, imports what is missing. */
  String importImages() {
    return check(run(UP_TIMEOUT, "images.sh"), "images.sh");
  }

  Path dir() {
    return dir;
  }

  Path socket() {
    return dir.resolve("containerd.sock");
  }

  String endpoint() {
    return "unix://" + socket();
  }

  /** The pod subnet of the bridge network, from the CNI config {@code up} wrote. */
  String podSubnet() {
    Path conflist = dir.resolve("cni/net.d/10-kubeedge-java.conflist");
    try {
      Matcher m = SUBNET.matcher(Files.readString(conflist));
      if (!m.find()) {
        throw new IllegalStateException("no subnet in " + conflist);
      }
      return m.group(1);
    } catch (IOException e) {
      throw new UncheckedIOException("containerd never started in " + dir, e);
    }
  }

  /** A new client of this instance; the caller closes it. */
  CriClient newClient() {
    return CriClient.connect(endpoint(), Duration.ofMinutes(1));
  }

  private void downQuietly() {
    run(Duration.ofMinutes(1), "containerd.sh", "down");
  }

  private static String check(ScriptResult result, String what) {
    if (result.exitCode() != 0) {
      throw new IllegalStateException(
          "hack/" + what + " failed (exit " + result.exitCode() + "):\n" + result.output());
    }
    return result.output();
  }

  private ScriptResult run(Duration timeout, String script, String... args) {
    List<String> command = new ArrayList<>();
    command.add("bash");
    command.add(repoRoot.resolve("hack").resolve(script).toString());
    command.addAll(List.of(args));
    try {
      Path out = Files.createTempFile("kubeedge-java-containerd", ".log");
      try {
        ProcessBuilder builder =
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          throw new IllegalStateException(
              String.join(" ", command) + " did not finish in " + timeout);
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

  /** The checkout's root: {@code -Dkubeedge.repo.root} (set by the build), else a parent dir. */
  static Path repoRoot() {
    String property = System.getProperty("kubeedge.repo.root");
    if (property != null && !property.isBlank()) {
      Path root = Path.of(property).toAbsolutePath().normalize();
      if (Files.isRegularFile(root.resolve("hack/containerd.sh"))) {
        return root;
      }
    }
    for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
      if (Files.isRegularFile(d.resolve("hack/containerd.sh"))) {
        return d;
      }
    }
    throw new IllegalStateException("cannot find hack/containerd.sh; set -Dkubeedge.repo.root");
  }

  /** Exit code and combined output of a finished script. */
  record ScriptResult(int exitCode, String output) {}
}
