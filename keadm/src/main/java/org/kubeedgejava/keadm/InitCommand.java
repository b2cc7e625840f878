package org.kubeedgejava.keadm;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.kubeedgejava.config.cloudcore.CloudCoreConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code keadm init}: installs the cloud side next to a Kubernetes cluster: namespace kubeedge, our
 * CRDs, cloudcore.yaml, and cloudcore itself (which creates the CA, its certificate and the join
 * token in Secrets on first start). Waits until cloudcore serves, then says where its logs are.
 */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description = "Install and start cloudcore next to a Kubernetes cluster.")
final class InitCommand implements Callable<Integer> {
  static final List<String> CRDS =
      List.of(
          "reliablesyncs.kubeedge.io_objectsyncs.yaml",
          "reliablesyncs.kubeedge.io_clusterobjectsyncs.yaml",
          "devices.kubeedge.io_devices.yaml",
          "devices.kubeedge.io_devicemodels.yaml");

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin CommonOptions common;

  @Option(
      names = "--advertise-address",
      required = true,
      split = ",",
      description =
          "IP addresses edge nodes reach cloudcore at (comma-separated); they go into cloudcore's certificate.")
  List<String> advertiseAddress;

  @Option(
      names = "--kube-config",
      description = "kubeconfig of the cluster (default: $KUBECONFIG, then ~/.kube/config).")
  Path kubeConfig;

  @Option(
      names = "--kubeedge-version",
      description =
          "Accepted for KubeEdge compatibility; kubeedge-java installs the build it is part of.")
  String kubeedgeVersion;

  @Option(
      names = "--dns-names",
      split = ",",
      defaultValue = "",
      description = "Extra DNS names for cloudcore's certificate.")
  List<String> dnsNames;

  @Option(
      names = "--websocket-port",
      defaultValue = "10000",
      description = "CloudHub websocket port (default: ${DEFAULT-VALUE}).")
  int websocketPort;

  @Option(
      names = "--https-port",
      defaultValue = "10002",
      description = "Join endpoint port (default: ${DEFAULT-VALUE}).")
  int httpsPort;

  @Option(
      names = "--monitor-address",
      defaultValue = "127.0.0.1:9091",
      description = "Prometheus /metrics address (default: ${DEFAULT-VALUE}).")
  String monitorAddress;

  @Option(
      names = "--wait",
      defaultValue = "90s",
      description = "How long to wait for cloudcore to serve (default: ${DEFAULT-VALUE}).")
  String wait;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Path kubeconfig = (kubeConfig != null ? kubeConfig : defaultKubeconfig()).toAbsolutePath();
    try (KubernetesClient kube = CommonOptions.kubeClient(kubeconfig)) {
      out.printf(
          "[init] Kubernetes %s at %s%n",
          kube.getKubernetesVersion().getGitVersion(), kube.getMasterUrl());
      if (kube.namespaces().withName("kubeedge").get() == null) {
        kube.namespaces()
            .resource(
                new NamespaceBuilder().withNewMetadata().withName("kubeedge").endMetadata().build())
            .create();
      }
      for (String crd : CRDS) {
        try (InputStream in = InitCommand.class.getResourceAsStream("/manifests/crds/" + crd)) {
          kube.load(in).serverSideApply();
        }
        out.printf(
            "[init] installed CRD %s%n",
            crd.substring(crd.indexOf('_') + 1, crd.length() - 5)
                + "."
                + crd.substring(0, crd.indexOf('_')));
      }
      CloudCoreConfig config =
          CloudCoreConfig.defaults()
              .withAdvertiseAddresses(advertiseAddress)
              .withDnsNames(dnsNames.stream().filter(s -> !s.isBlank()).toArray(String[]::new))
              .withKubeConfig(kubeconfig.toString())
              .withWebSocketPort(websocketPort)
              .withHttpsPort(httpsPort)
              .withMonitorBindAddress(monitorAddress);
      List<String> problems = config.validate();
      if (!problems.isEmpty()) {
        spec.commandLine()
            .getErr()
            .println("keadm init: invalid settings:\n  " + String.join("\n  ", problems));
        return 2;
      }
      Path file = common.configFile("cloudcore");
      Files.createDirectories(file.getParent());
      config.writeTo(file);
      out.printf("[init] wrote %s%n", file);
      Services services = common.services();
      services.start("cloudcore", List.of("--config", file.toString()));
      out.printf("[init] started cloudcore; logs: %s%n", services.logHint("cloudcore"));
      awaitServing(kube, Duration.parse("PT" + wait.toUpperCase(java.util.Locale.ROOT)), services);
      out.printf(
          "[init] cloudcore is serving: websocket %s:%d, join endpoint https://%s:%d%n",
          advertiseAddress.get(0), websocketPort, advertiseAddress.get(0), httpsPort);
      out.println("[init] next: `keadm gettoken` here, then `keadm join` on each edge node");
      return 0;
    }
  }

  private void awaitServing(KubernetesClient kube, Duration limit, Services services)
      throws Exception {
    long deadline = System.nanoTime() + limit.toNanos();
    while (System.nanoTime() < deadline) {
      Secret token = kube.secrets().inNamespace("kubeedge").withName("tokensecret").get();
      // cloudcore starts its metrics endpoint last, after the hub and the join endpoint
      if (token != null && metricsServing()) {
        return;
      }
      if (!services.isRunning("cloudcore")) {
        throw new IllegalStateException(
            "cloudcore stopped during start-up; see " + services.logHint("cloudcore"));
      }
      Thread.sleep(250); // polling another process's progress
    }
    throw new IllegalStateException(
        "cloudcore did not start serving within "
            + limit
            + "; see "
            + services.logHint("cloudcore"));
  }

  private boolean metricsServing() {
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build()) {
      HttpResponse<Void> response =
          http.send(
              HttpRequest.newBuilder(URI.create("http://" + monitorAddress + "/metrics"))
                  .timeout(Duration.ofSeconds(2))
                  .build(),
              HttpResponse.BodyHandlers.discarding());
      return response.statusCode() == 200;
    } catch (java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static Path defaultKubeconfig() {
    String env = System.getenv("KUBECONFIG");
    return env != null && !env.isBlank()
        ? Path.of(env.split(":")[0])
        : Path.of(System.getProperty("user.home"), ".kube", "config");
  }
}
