package org.kubeedgejava.keadm;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** Options every keadm command shares: where files go, and how to reach the cluster. */
final class CommonOptions {
  @Option(
      names = "--config-dir",
      defaultValue = "/etc/kubeedge",
      description = "Directory for configuration, CA and certificates (default: ${DEFAULT-VALUE}).")
  Path configDir;

  @Option(
      names = "--log-dir",
      defaultValue = "/var/log/kubeedge",
      description =
          "Directory for component logs when systemd is not running (default: ${DEFAULT-VALUE}).")
  Path logDir;

  Path configFile(String component) {
    return configDir.resolve("config").resolve(component + ".yaml");
  }

  Path runDir() {
    return configDir.resolve("run");
  }

  Services services() {
    String binDir = System.getProperty("kubeedge.bin.dir");
    if (binDir == null) {
      throw new IllegalStateException(
          "kubeedge.bin.dir is not set: run keadm through its launcher (_output/bin/keadm)");
    }
    return new Services(
        new Services.Layout(Path.of(binDir), runDir(), logDir), Services.systemdRunning());
  }

  /**
   * A client for {@code kubeconfig}, or $KUBECONFIG, or ~/.kube/config; fails clearly when none.
   */
  static KubernetesClient kubeClient(Path kubeconfig) {
    Path file = kubeconfig;
    if (file == null) {
      String env = System.getenv("KUBECONFIG");
      file =
          env != null && !env.isBlank()
              ? Path.of(env.split(File.pathSeparator)[0])
              : Path.of(System.getProperty("user.home"), ".kube", "config");
    }
    if (!Files.isReadable(file)) {
      throw new IllegalArgumentException(
          "no kubeconfig at " + file + ": pass --kube-config=<path>");
    }
    return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(file.toFile())).build();
  }
}
