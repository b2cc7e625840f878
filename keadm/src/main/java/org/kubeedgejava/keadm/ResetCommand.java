package org.kubeedgejava.keadm;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import org.kubeedgejava.config.edgecore.EdgeCoreConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code keadm reset}: undoes init or join on this machine. Stops cloudcore and/or edgecore
 * (whichever keadm started here), removes the files keadm wrote (configuration, CA and
 * certificates, the edge store), and on the cloud side the kubeedge namespace with its Secrets. The
 * CRDs stay: deleting them would delete every Device in the cluster.
 */
@Command(
    name = "reset",
    mixinStandardHelpOptions = true,
    description = "Stop and remove what keadm init or join set up here.")
final class ResetCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin CommonOptions common;

  @Option(
      names = "--kube-config",
      description = "kubeconfig, to remove the kubeedge namespace on the cloud side.")
  Path kubeConfig;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Services services = common.services();
    boolean cloud = Files.exists(common.configFile("cloudcore")) || services.isRunning("cloudcore");
    boolean edge = Files.exists(common.configFile("edgecore")) || services.isRunning("edgecore");
    if (!cloud && !edge) {
      out.println("[reset] nothing of kubeedge-java is installed under " + common.configDir);
      return 0;
    }
    if (edge) {
      if (services.stop("edgecore")) {
        out.println("[reset] stopped edgecore");
      }
      Path file = common.configFile("edgecore");
      if (Files.exists(file)) {
        String db = EdgeCoreConfig.load(file).config().database().dataSource();
        deleteIfExists(Path.of(db), out);
        deleteIfExists(Path.of(db + "-wal"), out);
        deleteIfExists(Path.of(db + "-shm"), out);
      }
      deleteIfExists(file, out);
    }
    if (cloud) {
      if (services.stop("cloudcore")) {
        out.println("[reset] stopped cloudcore");
      }
      if (kubeConfig != null || System.getenv("KUBECONFIG") != null) {
        try (KubernetesClient kube = CommonOptions.kubeClient(kubeConfig)) {
          kube.admissionRegistration()
              .v1()
              .mutatingWebhookConfigurations()
              .withName("kubeedge-java-partition-policy")
              .delete();
          kube.namespaces().withName("kubeedge").delete();
          out.println(
              "[reset] deleted namespace kubeedge (CA, certificate and token secrets) and the partition-policy webhook");
        }
      } else {
        out.println("[reset] no --kube-config: left namespace kubeedge in the cluster");
      }
      deleteIfExists(common.configFile("cloudcore"), out);
    }
    deleteTree(common.configDir.resolve("ca"), out);
    deleteTree(common.configDir.resolve("certs"), out);
    deleteTree(common.runDir(), out);
    return 0;
  }

  private static void deleteIfExists(Path file, PrintWriter out) throws IOException {
    if (Files.deleteIfExists(file)) {
      out.println("[reset] removed " + file);
    }
  }

  private static void deleteTree(Path dir, PrintWriter out) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      List<Path> all = walk.sorted(Comparator.reverseOrder()).toList();
      for (Path p : all) {
        Files.deleteIfExists(p);
      }
    }
    out.println("[reset] removed " + dir);
  }
}
