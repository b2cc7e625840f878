package org.kubeedgejava.cloudcore.delivery;

import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.kubeedgejava.wire.ResourcePath;

/**
 * The ledger against an API server that refuses every write (as one without the ObjectSync CRDs
 * does): it retries while open, and stops once closed.
 */
class KubernetesAckLedgerTest {
  private final AtomicInteger requests = new AtomicInteger();
  private HttpServer apiServer;

  @AfterEach
  void stopServer() {
    if (apiServer != null) {
      apiServer.stop(0);
    }
  }

  @Test
  void closingStopsRetryingAWriteTheApiServerKeepsRefusing() throws Exception {
    apiServer = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    apiServer.createContext(
        "/",
        exchange -> {
          requests.incrementAndGet();
          exchange.sendResponseHeaders(404, -1);
          exchange.close();
        });
    apiServer.start();
    try (KubernetesClient kube =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder()
                    .withMasterUrl("http://127.0.0.1:" + apiServer.getAddress().getPort())
                    .withRequestRetryBackoffLimit(0)
                    .build())
            .build()) {
      KubernetesAckLedger ledger = new KubernetesAckLedger(kube);
      ledger.acknowledged(
          "edge-1",
          new ObjectRef("v1", "ConfigMap", new ResourcePath("factory", "configmap", "a"), "u1"),
          "7",
          false);
      await("the write retried").atMost(Duration.ofSeconds(10)).until(() -> requests.get() >= 4);

      ledger.close();

      // close interrupts the writer; a request it had already handed to the HTTP client may
      // still arrive, but no retry follows (it used to retry every second, forever)
      int afterClose = requests.get();
      await("no retry after close")
          .during(Duration.ofMillis(2500))
          .atMost(Duration.ofSeconds(4))
          .until(() -> requests.get() <= afterClose + 1);
    }
  }
}
