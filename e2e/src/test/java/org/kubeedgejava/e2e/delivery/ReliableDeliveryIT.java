package org.kubeedgejava.e2e.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kubeedgejava.cloudcore.cloudhub.CloudHubMetrics;
import org.kubeedgejava.cloudcore.cloudhub.CloudHubServer;
import org.kubeedgejava.cloudcore.cloudhub.CloudHubSettings;
import org.kubeedgejava.cloudcore.cloudhub.SessionRegistry;
import org.kubeedgejava.cloudcore.delivery.KubernetesAckLedger;
import org.kubeedgejava.cloudcore.delivery.KubernetesLiveObjects;
import org.kubeedgejava.cloudcore.delivery.ObjectMessages;
import org.kubeedgejava.cloudcore.delivery.ReliableDelivery;
import org.kubeedgejava.cloudcore.delivery.SyncController;
import org.kubeedgejava.e2e.InProcessNodes;
import org.kubeedgejava.edgecore.edgehub.Backoff;
import org.kubeedgejava.edgecore.edgehub.EdgeHubClient;
import org.kubeedgejava.edgecore.edgehub.EdgeHubSettings;
import org.kubeedgejava.edgecore.metamanager.MetaManager;
import org.kubeedgejava.edgecore.metamanager.MetaStore;
import org.kubeedgejava.testing.ControlPlaneTest;
import org.kubeedgejava.testing.LocalControlPlane;
import org.kubeedgejava.testing.TestNamespace;
import org.kubeedgejava.testing.TestPki;
import org.kubeedgejava.transport.TlsIdentity;
import org.kubeedgejava.wire.Message;
import org.kubeedgejava.wire.MessageCodec;

/**
 * Reliable delivery against the real API server: object messages are committed on the edge and
 * acknowledged, the acknowledged versions land in ObjectSync objects, and after an outage the node
 * receives exactly what changed meanwhile — updates and deletes — and nothing else.
 */
@ControlPlaneTest
class ReliableDeliveryIT {
  private static final String NODE = "edge-rd";

  @TempDir Path dir;
  private final Clock clock = Clock.systemUTC();
  private final TestPki pki = new TestPki();
  private final List<Message> atEdge = new CopyOnWriteArrayList<>();
  private SessionRegistry sessions;
  private CloudHubServer hub;
  private KubernetesAckLedger ledger;
  private ReliableDelivery delivery;
  private SyncController sync;
  private MetaStore store;
  private EdgeHubClient edge;
  private TlsIdentity edgeIdentity;
  private int hubPort;

  ReliableDeliveryIT() throws Exception {}

  @BeforeEach
  void start(KubernetesClient kube, LocalControlPlane plane) throws Exception {
    InProcessNodes.installCrds(kube, plane);
    sessions = new SessionRegistry(10);
    ledger = new KubernetesAckLedger(kube);
    delivery = new ReliableDelivery(sessions, ledger, clock, 64, Duration.ofSeconds(1));
    sync = new SyncController(ledger, new KubernetesLiveObjects(kube), delivery, clock);
    sessions.addListener(sync);
    hub =
        new CloudHubServer(
            new CloudHubSettings(
                "127.0.0.1", 0, Duration.ofSeconds(30), MessageCodec.DEFAULT_MAX_FRAME_BYTES, 10),
            pki.server,
            sessions,
            new CloudHubMetrics(new PrometheusRegistry(), sessions::size),
            (session, message) -> delivery.onAck(session.nodeId(), message),
            clock,
            1);
    hubPort = hub.start().getPort();
    store = MetaStore.open(dir.resolve("edgecore.db"));
    edgeIdentity = pki.node(NODE);
  }

  @AfterEach
  void stop() {
    if (edge != null) {
      edge.close();
    }
    hub.close();
    sync.close();
    delivery.close();
    ledger.close();
    store.close();
  }

  private void connectEdge() {
    EdgeHubSettings settings =
        new EdgeHubSettings(
            "127.0.0.1",
            hubPort,
            "p",
            NODE,
            Duration.ofSeconds(1),
            Duration.ofSeconds(5),
            MessageCodec.DEFAULT_MAX_FRAME_BYTES,
            Duration.ofMillis(50),
            Duration.ofMillis(500));
    MetaManager[] meta = new MetaManager[1];
    edge =
        new EdgeHubClient(
            settings,
            () -> edgeIdentity,
            message -> {
              atEdge.add(message);
              meta[0].onCloudMessage(message);
            },
            new Backoff(settings.initialBackoff(), settings.maxBackoff(), new SplittableRandom(1)),
            clock,
            new PrometheusRegistry());
    meta[0] = new MetaManager(store, edge::send, clock);
    edge.start();
    await().atMost(Duration.ofSeconds(10)).until(edge::isConnected);
  }

  private ConfigMap create(KubernetesClient kube, TestNamespace ns, String name, String value) {
    return kube.configMaps()
        .inNamespace(ns.name())
        .resource(
            new ConfigMapBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withData(Map.of("v", value))
                .build())
        .create();
  }

  private void deliver(ConfigMap cm, String op) {
    delivery.deliver(
        NODE,
        ObjectMessages.refOf(cm),
        ObjectMessages.forObject(clock, "edgecontroller", NODE, op, cm));
  }

  private String stored(TestNamespace ns, String name) {
    return store.get(ns.name() + "/configmap/" + name).orElse(null);
  }

  @Test
  void afterAnOutageTheNodeGetsExactlyWhatChangedIncludingDeletes(
      KubernetesClient kube, TestNamespace ns) throws Exception {
    connectEdge();
    ConfigMap a = create(kube, ns, "a", "1");
    ConfigMap b = create(kube, ns, "b", "1");
    ConfigMap c = create(kube, ns, "c", "1");
    deliver(a, "insert");
    deliver(b, "insert");
    deliver(c, "insert");
    await().atMost(Duration.ofSeconds(10)).until(() -> delivery.pending(NODE) == 0);
    assertThat(stored(ns, "a")).contains("\"v\":\"1\"");
    ledger.flush();
    assertThat(
            kube.genericKubernetesResources("reliablesyncs.kubeedge.io/v1alpha1", "ObjectSync")
                .inNamespace(ns.name())
                .list()
                .getItems())
        .hasSize(3)
        .allSatisfy(r -> assertThat(r.<String>get("status", "objectResourceVersion")).isNotBlank());

    edge.close(); // the node goes away
    await().atMost(Duration.ofSeconds(10)).until(() -> sessions.get(NODE).isEmpty());
    ConfigMap a2 =
        kube.configMaps()
            .inNamespace(ns.name())
            .withName("a")
            .edit(cm -> {
              cm.getData().put("v", "2");
              return cm;
            });
    kube.configMaps().inNamespace(ns.name()).withName("b").delete();
    atEdge.clear();

    connectEdge(); // it comes back: resync from the ObjectSyncs

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> {
          assertThat(stored(ns, "a")).contains("\"v\":\"2\"");
          assertThat(stored(ns, "b")).isNull();
          assertThat(delivery.pending(NODE)).isZero();
        });
    assertThat(atEdge)
        .extracting(m -> m.route().operation() + " " + m.route().resource())
        .containsExactlyInAnyOrder(
            "update " + ns.name() + "/configmap/a", "delete " + ns.name() + "/configmap/b");
    assertThat(store.lastVersion(ns.name() + "/configmap/a"))
        .contains(a2.getMetadata().getResourceVersion());
    ledger.flush();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() ->
            assertThat(
                    kube.genericKubernetesResources(
                            "reliablesyncs.kubeedge.io/v1alpha1", "ObjectSync")
                        .inNamespace(ns.name())
                        .list()
                        .getItems())
                .extracting(r -> r.<String>get("spec", "objectName"))
                .containsExactlyInAnyOrder("a", "c"));
    assertThat(stored(ns, "c")).contains("\"v\":\"1\"");
  }

  @Test
  void messagesForAnOfflineNodeWaitCoalescedAndArriveOnConnect(
      KubernetesClient kube, TestNamespace ns) throws Exception {
    ConfigMap a = create(kube, ns, "a", "1");
    deliver(a, "insert");
    for (int i = 2; i <= 5; i++) {
      String value = Integer.toString(i);
      deliver(
          kube.configMaps()
              .inNamespace(ns.name())
              .withName("a")
              .edit(cm -> {
                cm.getData().put("v", value);
                return cm;
              }),
          "update");
    }

    connectEdge();

    await().atMost(Duration.ofSeconds(10)).until(() -> delivery.pending(NODE) == 0);
    assertThat(stored(ns, "a")).contains("\"v\":\"5\"");
    assertThat(atEdge).hasSize(1);
  }
}
