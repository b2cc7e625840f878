package org.kubeedgejava.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the root of the checkout, where {@code hack/cluster.sh} lives. */
public final class RepoRoot {
  private RepoRoot() {}

  /**
   * The system property {@code kubeedge.repo.root} (set by the build for every forked test JVM),
   * else the nearest parent of the working directory that holds {@code hack/cluster.sh}.
   */
  public static Path find() {
    String property = System.getProperty("kubeedge.repo.root");
    if (property != null && !property.isBlank()) {
      Path root = Path.of(property).toAbsolutePath().normalize();
      if (Files.isRegularFile(root.resolve("hack/cluster.sh"))) {
        return root;
      }
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("hack/cluster.sh"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "cannot find the repository root (hack/cluster.sh) from "
            + Path.of("").toAbsolutePath()
            + "; set -Dkubeedge.repo.root");
  }
}
