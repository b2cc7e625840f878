package org.kubeedgejava.e2e;

import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.kubeedgejava.config.cloudcore.CloudCoreConfig;
import org.kubeedgejava.config.edgecore.DeviceTwin;
import org.kubeedgejava.config.edgecore.EdgeCoreConfig;
import org.kubeedgejava.config.edgecore.EdgeCoreModules;
import org.kubeedgejava.testing.LocalControlPlane;

/**
 * Configurations for a cloudcore and an edgecore run in the test JVM against a control plane, as
 * {@code keadm init} and {@code keadm join} would write them, on ports and in a directory of the
 * test's own. Tests add what they need (a container runtime, a kubelet root) to the result.
 */
public final class InProcessNodes {
  private InProcessNodes() {}

  /**
   * cloudcore on 127.0.0.1: websocket {@code ports[0]}, join endpoint {@code ports[1]}, metrics
   * {@code ports[2]}.
   */
  public static CloudCoreConfig cloudConfig(LocalControlPlane plane, int[] ports) {
    return CloudCoreConfig.defaults()
        .withAdvertiseAddresses("127.0.0.1")
        .withKubeConfig(plane.kubeconfig().toString())
        .withWebSocketPort(ports[0])
        .withHttpsPort(ports[1])
        .withMonitorBindAddress("127.0.0.1:" + ports[2]);
  }

  /**
   * Installs every CRD in {@code manifests/crds} (ObjectSyncs, Devices, DeviceModels), as {@code
   * keadm init} does, and waits until each is established; a no-op when they already are.
   */
  public static void installCrds(KubernetesClient kube, LocalControlPlane plane) {
    List<Path> files;
    try (Stream<Path> list = Files.list(plane.repoRoot().resolve("manifests/crds"))) {
      files = list.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (Path file : files) {
      try (InputStream in = Files.newInputStream(file)) {
        kube.load(in).serverSideApply();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    await("CRDs established")
        .atMost(Duration.ofSeconds(30))
        .until(() ->
            files.stream()
                .allMatch(f -> {
                  String name = crdName(f);
                  CustomResourceDefinition crd =
                      kube.apiextensions().v1().customResourceDefinitions().withName(name).get();
                  return crd != null
                      && crd.getStatus() != null
                      && crd.getStatus().getConditions().stream()
                          .anyMatch(c ->
                              "Established".equals(c.getType()) && "True".equals(c.getStatus()));
                }));
  }

  /** {@code <group>_<plural>.yaml} → {@code <plural>.<group>}. */
  private static String crdName(Path file) {
    String f = file.getFileName().toString();
    return f.substring(f.indexOf('_') + 1, f.length() - ".yaml".length())
        + "."
        + f.substring(0, f.indexOf('_'));
  }

  /** The join token cloudcore keeps in Secret kubeedge/tokensecret. */
  public static String joinToken(KubernetesClient kube) {
    String data =
        kube.secrets()
            .inNamespace("kubeedge")
            .withName("tokensecret")
            .get()
            .getData()
            .get("tokendata");
    return new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8);
  }

  /**
   * edgecore for {@code node} joining the cloudcore of {@link #cloudConfig} with {@code token}; its
   * certificates and store in {@code dir}; a 2 s heartbeat.
   */
  public static EdgeCoreConfig edgeConfig(String node, int[] ports, String token, Path dir) {
    EdgeCoreConfig config =
        EdgeCoreConfig.defaults()
            .withNodeName(node)
            .withCloudCore("127.0.0.1", ports[0], ports[1])
            .withToken(token)
            .withTlsFiles(
                dir.resolve("ca.crt").toString(),
                dir.resolve("server.crt").toString(),
                dir.resolve("server.key").toString())
            .withDataSource(dir.resolve("edgecore.db").toString())
            .withHeartbeat(Duration.ofSeconds(2));
    // each in-process node its own DMI socket, not the shared /etc/kubeedge/dmi.sock
    return config.withModules(dmiSocketIn(config.modules(), dir));
  }

  private static EdgeCoreModules dmiSocketIn(EdgeCoreModules m, Path dir) {
    return new EdgeCoreModules(
        m.edged(),
        m.edgeHub(),
        m.eventBus(),
        m.metaManager(),
        new DeviceTwin(m.deviceTwin().enable(), dir.resolve("dmi.sock").toString()));
  }

  /**
   * Removes what an in-process node leaves in the shared cluster: its Node (when {@code node} is
   * not null), so later tests' pods are not scheduled to a node that is gone, and cloudcore's
   * partition-policy webhook, which outlives cloudcore on purpose (failurePolicy Ignore).
   */
  public static void forget(KubernetesClient kube, String node) {
    if (node != null) {
      kube.nodes().withName(node).delete();
    }
    kube.admissionRegistration()
        .v1()
        .mutatingWebhookConfigurations()
        .withName(org.kubeedgejava.cloudcore.admission.WebhookRegistration.NAME)
        .delete();
  }
}
