package org.kubeedgejava.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kubeedgejava.testing.LocalControlPlane.ScriptResult;

/**
 * The private containerd of {@code hack/containerd.sh}, holding the images of {@code
 * hack/images.sh}. Clients connect to {@link #endpoint()} with {@code CriClient.connect} (this
 * module does not depend on cri-api, whose tests use this class).
 *
 * <p>{@link #shared()} is the one instance of a test JVM: the first caller starts it (a no-op when
 * it already runs) and imports the images; if this JVM started it, a shutdown hook stops it again.
 * {@link #isolated} is a second instance with its own directory and bridge, for tests of the script
 * itself.
 *
 * <p>Thread-safety: instances are immutable; {@link #shared()} is synchronized.
 */
public final class LocalContainerd {
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
  public static synchronized LocalContainerd shared() {
    if (shared == null) {
      Path root = RepoRoot.find();
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
  public static LocalContainerd isolated(Path dir) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("CONTAINERD_DIR", dir.toString());
    env.put("CONTAINERD_CNI_BRIDGE", "");
    env.put("CONTAINERD_CNI_SUBNET", "");
    return new LocalContainerd(RepoRoot.find(), dir, env);
  }

  /** Runs {@code hack/containerd.sh up}; returns what it printed. */
  public String up() {
    return check(run(UP_TIMEOUT, "containerd.sh", "up"), "containerd.sh up");
  }

  /** Runs {@code hack/containerd.sh down}; returns what it printed. */
  public String down() {
    return check(run(Duration.ofMinutes(1), "containerd.sh", "down"), "containerd.sh down");
  }

  /** Runs {@code hack/containerd.sh status}, whatever its exit code. */
  public ScriptResult status() {
    return run(Duration.ofSeconds(30), "containerd.sh", "status");
  }

  /** Runs {@code hack/images.sh}: builds what changed, imports what is missing. */
  public String importImages() {
    return check(run(UP_TIMEOUT, "images.sh"), "images.sh");
  }

  public Path dir() {
    return dir;
  }

  public Path socket() {
    return dir.resolve("containerd.sock");
  }

  /** The CRI endpoint, {@code unix://<dir>/containerd.sock}. */
  public String endpoint() {
    return "unix://" + socket();
  }

  /** The pod subnet of the bridge network, from the CNI config {@code up} wrote. */
  public String podSubnet() {
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
    List<String> command =
        new java.util.ArrayList<>(
            List.of("bash", repoRoot.resolve("hack").resolve(script).toString()));
    command.addAll(List.of(args));
    return LocalControlPlane.Processes.run(command, environment, timeout);
  }
}
