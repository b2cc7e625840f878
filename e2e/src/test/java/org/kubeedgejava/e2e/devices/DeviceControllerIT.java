package org.kubeedgejava.e2e.devices;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.kubeedgejava.cloudcore.CloudCore;
import org.kubeedgejava.cloudcore.delivery.KubeJson;
import org.kubeedgejava.cloudcore.delivery.KubernetesLiveObjects;
import org.kubeedgejava.cloudcore.delivery.ObjectMessages;
import org.kubeedgejava.e2e.InProcessNodes;
import org.kubeedgejava.security.CertificateAuthority;
import org.kubeedgejava.security.NodeKeys;
import org.kubeedgejava.testing.ControlPlaneTest;
import org.kubeedgejava.testing.FreePorts;
import org.kubeedgejava.testing.LocalControlPlane;
import org.kubeedgejava.testing.TestNamespace;
import org.kubeedgejava.transport.TlsIdentity;
import org.kubeedgejava.wire.Message;

/**
 * The DeviceController end to end: the seed's DeviceModel and Device on the real control plane with
 * the CRDs installed, cloudcore in this JVM, and fake edge nodes on the real CloudHub websocket —
 * objects reach the node in the right order, reports become {@code Device.status}, and a node may
 * only report about its own devices.
 */
@ControlPlaneTest
class DeviceControllerIT {
  private static final String NODE = "edge-pune-01";
  private static final String OTHER_NODE = "edge-pune-02";
  private static final ObjectMapper JSON = KubeJson.MAPPER;
  private static final String DEVICES = "devices.kubeedge.io/v1beta1";

  private static KubernetesClient kube;
  private static LocalControlPlane plane;
  private static CloudCore cloud;
  private static int[] ports;
  private final Clock clock = Clock.systemUTC();
  private FakeEdge edge;
  private FakeEdge other;

  @BeforeAll
  static void startCloud(KubernetesClient client, LocalControlPlane controlPlane) throws Exception {
    kube = client;
    plane = controlPlane;
    InProcessNodes.installCrds(kube, plane);
    ports = FreePorts.pick(3);
    cloud =
        CloudCore.start(
            InProcessNodes.cloudConfig(plane, ports), Clock.systemUTC(), new PrometheusRegistry());
  }

  @AfterAll
  static void stopCloud() {
    if (cloud != null) {
      cloud.close();
    }
    InProcessNodes.forget(kube, null);
  }

  @BeforeEach
  void connectEdges() throws Exception {
    edge = new FakeEdge(NODE, identity(NODE), ports[0]);
    other = new FakeEdge(OTHER_NODE, identity(OTHER_NODE), ports[0]);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() ->
            cloud.sessions().get(NODE).isPresent() && cloud.sessions().get(OTHER_NODE).isPresent());
  }

  @AfterEach
  void disconnectEdges() {
    edge.close();
    other.close();
  }

  /** A node certificate from cloudcore's CA (Secret kubeedge/casecret), as the join would give. */
  private static TlsIdentity identity(String node) throws Exception {
    var secret = kube.secrets().inNamespace("kubeedge").withName("casecret").get();
    CertificateAuthority ca =
        CertificateAuthority.fromDer(
            Base64.getDecoder().decode(secret.getData().get("cadata")),
            Base64.getDecoder().decode(secret.getData().get("cakeydata")));
    KeyPair keys = NodeKeys.newP256KeyPair();
    X509Certificate cert =
        ca.signNodeCsr(
            Clock.systemUTC(), NodeKeys.nodeCsr(keys, node), node, Duration.ofDays(1), false);
    return new TlsIdentity(keys.getPrivate(), cert, ca.certificate());
  }

  /** A seed manifest, moved into the test's namespace. */
  private static GenericKubernetesResource seed(String file, String namespace) throws Exception {
    try (InputStream in =
        Files.newInputStream(plane.repoRoot().resolve("examples/seed").resolve(file))) {
      GenericKubernetesResource object =
          kube.getKubernetesSerialization().unmarshal(in, GenericKubernetesResource.class);
      object.getMetadata().setNamespace(namespace);
      object.getAdditionalProperties().remove("status"); // written by cloudcore, not on create
      return object;
    }
  }

  private static GenericKubernetesResource applySeed(String namespace) throws Exception {
    kube.genericKubernetesResources(DEVICES, "DeviceModel")
        .inNamespace(namespace)
        .resource(seed("modbus-temp-model.yaml", namespace))
        .create();
    return kube.genericKubernetesResources(DEVICES, "Device")
        .inNamespace(namespace)
        .resource(seed("plc-line3-temp.yaml", namespace))
        .create();
  }

  private List<Message> receivedAbout(FakeEdge at, String namespace, String type) {
    return at.received().stream()
        .filter(m -> m.route().resource().startsWith(namespace + "/" + type + "/"))
        .toList();
  }

  private static ObjectNode twinReport(String value) {
    ObjectNode content =
        JSON.createObjectNode().put("event_id", "e").put("timestamp", System.currentTimeMillis());
    ObjectNode twin = content.putObject("twin").putObject("temperature");
    twin.putObject("actual")
        .put("value", value)
        .putObject("metadata")
        .put("timestamp", System.currentTimeMillis());
    twin.putObject("expected")
        .put("value", "70")
        .putObject("metadata")
        .put("timestamp", System.currentTimeMillis());
    twin.putObject("metadata").put("type", "float");
    return content;
  }

  private String kubectl(String... args) {
    LocalControlPlane.ScriptResult result = plane.kubectl(args);
    assertThat(result.exitCode()).as(result.output()).isZero();
    return result.output();
  }

  private String reportedValue(String namespace) {
    return kubectl(
            "get",
            "device",
            "plc-line3-temp",
            "-n",
            namespace,
            "-o",
            "jsonpath={.status.twins[0].reported.value}")
        .strip();
  }

  @Test
  void theSeedsModelAndDeviceReachTheirNodeModelFirstAndAreAcknowledged(TestNamespace ns)
      throws Exception {
    GenericKubernetesResource device = applySeed(ns.name());

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !receivedAbout(edge, ns.name(), "device").isEmpty());
    List<Message> all = edge.received();
    Message model = receivedAbout(edge, ns.name(), "devicemodel").getFirst();
    Message sent = receivedAbout(edge, ns.name(), "device").getFirst();
    assertThat(all.indexOf(model)).isLessThan(all.indexOf(sent));
    assertThat(model.route().operation()).isEqualTo("insert");
    assertThat(model.content().path("spec").path("properties").get(0).path("type").asText())
        .isEqualTo("FLOAT");
    assertThat(sent.route().operation()).isEqualTo("insert");
    assertThat(sent.route().resource()).isEqualTo(ns.name() + "/device/plc-line3-temp");
    assertThat(sent.header().resourceVersion())
        .isEqualTo(device.getMetadata().getResourceVersion());
    assertThat(
            sent.content()
                .path("spec")
                .path("protocol")
                .path("configData")
                .path("serialPort")
                .asText())
        .isEqualTo("/dev/ttyUSB0");
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() ->
            edge.received().stream()
                .anyMatch(m ->
                    m.route().group().equals("twin")
                        && m.route().resource().equals("membership")
                        && m.content()
                            .path("added_devices")
                            .toString()
                            .contains(ns.name() + "/plc-line3-temp")));
    assertThat(other.received()).noneMatch(m -> m.route().resource().startsWith(ns.name() + "/"));

    // acknowledged into the ledger, and readable by the resync after a reconnect
    await("ObjectSync of the device")
        .atMost(Duration.ofSeconds(10))
        .until(() ->
            kube
                .genericKubernetesResources("reliablesyncs.kubeedge.io/v1alpha1", "ObjectSync")
                .inNamespace(ns.name())
                .list()
                .getItems()
                .stream()
                .map(o -> JSON.valueToTree(o).path("spec").path("objectKind").asText())
                .toList()
                .containsAll(List.of("Device", "DeviceModel")));
    assertThat(new KubernetesLiveObjects(kube).get(ObjectMessages.refOf(device)))
        .hasValueSatisfying(live ->
            assertThat(live.getMetadata().getUid()).isEqualTo(device.getMetadata().getUid()));
  }

  @Test
  void aDeviceWhoseModelIsMissingIsDeliveredWithAWarningEventAndTheModelFollowsWhenCreated(
      TestNamespace ns) throws Exception {
    GenericKubernetesResource device =
        kube.genericKubernetesResources(DEVICES, "Device")
            .inNamespace(ns.name())
            .resource(seed("plc-line3-temp.yaml", ns.name()))
            .create();

    await("the device reaches its node without its model")
        .atMost(Duration.ofSeconds(10))
        .until(() -> !receivedAbout(edge, ns.name(), "device").isEmpty());
    assertThat(receivedAbout(edge, ns.name(), "devicemodel")).isEmpty();
    Event warning =
        await("the DeviceModelNotFound event")
            .atMost(Duration.ofSeconds(10))
            .until(() -> modelNotFoundEvents(ns.name()), events -> events.size() == 1)
            .getFirst();
    assertThat(warning.getType()).isEqualTo("Warning");
    assertThat(warning.getInvolvedObject().getKind()).isEqualTo("Device");
    assertThat(warning.getInvolvedObject().getUid()).isEqualTo(device.getMetadata().getUid());
    assertThat(warning.getMessage())
        .contains("DeviceModel modbus-temp-sensor not found in namespace " + ns.name())
        .contains("delivered to node " + NODE);
    assertThat(kubectl("describe", "device", "plc-line3-temp", "-n", ns.name()))
        .contains("DeviceModelNotFound");

    // later changes of the Device (a report's status patch, a new label) record nothing new
    edge.sendTwin("device/" + ns.name() + "/plc-line3-temp/twin/edge_updated", twinReport("73.4"))
        .get();
    await().atMost(Duration.ofSeconds(5)).until(() -> "73.4".equals(reportedValue(ns.name())));
    kube.genericKubernetesResources(DEVICES, "Device")
        .inNamespace(ns.name())
        .withName("plc-line3-temp")
        .edit(d -> {
          d.getMetadata().setLabels(java.util.Map.of("line", "3"));
          return d;
        });
    await("the label change reaches the node")
        .atMost(Duration.ofSeconds(10))
        .until(() -> receivedAbout(edge, ns.name(), "device").size() == 2);

    // the model arrives late: it is delivered to the node of the device that references it
    kube.genericKubernetesResources(DEVICES, "DeviceModel")
        .inNamespace(ns.name())
        .resource(seed("modbus-temp-model.yaml", ns.name()))
        .create();
    Message model =
        await("the model reaches the node")
            .atMost(Duration.ofSeconds(10))
            .until(() -> receivedAbout(edge, ns.name(), "devicemodel"), m -> !m.isEmpty())
            .getFirst();
    assertThat(model.route().operation()).isEqualTo("insert");
    assertThat(model.route().resource()).isEqualTo(ns.name() + "/devicemodel/modbus-temp-sensor");
    assertThat(modelNotFoundEvents(ns.name()))
        .singleElement()
        .satisfies(e -> assertThat(e.getCount()).isEqualTo(1));
  }

  private static List<Event> modelNotFoundEvents(String namespace) {
    return kube.v1().events().inNamespace(namespace).list().getItems().stream()
        .filter(e -> "DeviceModelNotFound".equals(e.getReason()))
        .toList();
  }

  @Test
  void twinAndStateReportsBecomeTheDevicesStatus(TestNamespace ns) throws Exception {
    applySeed(ns.name());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !receivedAbout(edge, ns.name(), "device").isEmpty());

    long sent = System.nanoTime();
    edge.sendTwin("device/" + ns.name() + "/plc-line3-temp/twin/edge_updated", twinReport("73.4"))
        .get();
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(20))
        .until(() ->
            "73.4"
                .equals(
                    statusOf(ns.name())
                        .path("twins")
                        .path(0)
                        .path("reported")
                        .path("value")
                        .asText()));
    System.out.printf(
        "twin report → status visible in %d ms%n", (System.nanoTime() - sent) / 1_000_000);
    assertThat(reportedValue(ns.name())).isEqualTo("73.4");
    JsonNode twin = statusOf(ns.name()).path("twins").path(0);
    assertThat(twin.path("propertyName").asText()).isEqualTo("temperature");
    assertThat(twin.path("reported").path("metadata").path("type").asText()).isEqualTo("float");
    assertThat(twin.path("reported").path("metadata").path("timestamp").asText()).matches("\\d+");
    assertThat(twin.path("observedDesired").path("value").asText()).isEqualTo("70");

    edge.sendTwin(
            "device/" + ns.name() + "/plc-line3-temp/state/update",
            TextNode.valueOf(
                "{\"event_id\":\"s\",\"timestamp\":1,\"state\":\"online\",\"lastOnlineTime\":\"2026-05-20T10:00:00Z\"}"))
        .get();
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() -> "online".equals(statusOf(ns.name()).path("state").asText()));
    assertThat(statusOf(ns.name()).path("lastOnlineTime").asText())
        .isEqualTo("2026-05-20T10:00:00Z");
    assertThat(statusOf(ns.name()).path("twins").path(0).path("reported").path("value").asText())
        .isEqualTo("73.4");
    // our status patches do not bounce back to the edge as device updates
    assertThat(receivedAbout(edge, ns.name(), "device")).hasSize(1);
  }

  @Test
  void aNodeCannotReportAboutAnotherNodesDeviceNorAnUnknownOne(TestNamespace ns) throws Exception {
    applySeed(ns.name());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !receivedAbout(edge, ns.name(), "device").isEmpty());
    double notOwner =
        metric("kubeedge_devicecontroller_rejected_reports_total{reason=\"not_owner\"}");
    double unknown =
        metric("kubeedge_devicecontroller_rejected_reports_total{reason=\"unknown_device\"}");

    other
        .sendTwin("device/" + ns.name() + "/plc-line3-temp/twin/edge_updated", twinReport("99.9"))
        .get();
    other
        .sendTwin("device/" + ns.name() + "/no-such-device/twin/edge_updated", twinReport("1"))
        .get();

    await()
        .atMost(Duration.ofSeconds(5))
        .until(() ->
            metric("kubeedge_devicecontroller_rejected_reports_total{reason=\"not_owner\"}")
                    == notOwner + 1
                && metric(
                        "kubeedge_devicecontroller_rejected_reports_total{reason=\"unknown_device\"}")
                    == unknown + 1);
    // the refusal happens before anything is queued: nothing was or will be patched
    assertThat(statusOf(ns.name()).path("twins").isMissingNode()).isTrue();
    edge.sendTwin("device/" + ns.name() + "/plc-line3-temp/twin/edge_updated", twinReport("73.4"))
        .get();
    await().atMost(Duration.ofSeconds(5)).until(() -> "73.4".equals(reportedValue(ns.name())));
  }

  @Test
  void aChangedDesiredValueReachesTheNodeAsADeviceUpdate(TestNamespace ns) throws Exception {
    applySeed(ns.name());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !receivedAbout(edge, ns.name(), "device").isEmpty());

    kube.genericKubernetesResources(DEVICES, "Device")
        .inNamespace(ns.name())
        .withName("plc-line3-temp")
        .patch(
            PatchContext.of(PatchType.JSON),
            "[{\"op\":\"replace\",\"path\":\"/spec/properties/0/desired/value\",\"value\":\"75\"}]");

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() ->
            receivedAbout(edge, ns.name(), "device").stream()
                .anyMatch(m ->
                    m.route().operation().equals("update")
                        && m.content()
                            .path("spec")
                            .path("properties")
                            .get(0)
                            .path("desired")
                            .path("value")
                            .asText()
                            .equals("75")));
  }

  @Test
  void aDeletedDeviceIsDeletedAtItsNodeAndItsModelWithIt(TestNamespace ns) throws Exception {
    applySeed(ns.name());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !receivedAbout(edge, ns.name(), "device").isEmpty());

    kube.genericKubernetesResources(DEVICES, "Device")
        .inNamespace(ns.name())
        .withName("plc-line3-temp")
        .delete();

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() ->
            receivedAbout(edge, ns.name(), "device").stream()
                    .anyMatch(m -> m.route().operation().equals("delete"))
                && receivedAbout(edge, ns.name(), "devicemodel").stream()
                    .anyMatch(m -> m.route().operation().equals("delete")));
    await()
        .atMost(Duration.ofSeconds(5))
        .until(() ->
            edge.received().stream()
                .anyMatch(m ->
                    m.route().resource().equals("membership")
                        && m.content()
                            .path("removed_devices")
                            .toString()
                            .contains(ns.name() + "/plc-line3-temp")));
  }

  @Test
  void aBurstOfReportsIsWrittenInFewPatchesEndingWithTheLastValue(TestNamespace ns)
      throws Exception {
    applySeed(ns.name());
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> !receivedAbout(edge, ns.name(), "device").isEmpty());
    double patchesBefore = metric("kubeedge_devicecontroller_status_patches_total");
    double reportsBefore = metric("kubeedge_devicecontroller_reports_total");

    for (int i = 1; i <= 200; i++) {
      edge.sendTwin(
          "device/" + ns.name() + "/plc-line3-temp/twin/edge_updated",
          twinReport(Integer.toString(i)));
    }

    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> metric("kubeedge_devicecontroller_reports_total") == reportsBefore + 200);
    await().atMost(Duration.ofSeconds(10)).until(() -> "200".equals(reportedValue(ns.name())));
    double patches = metric("kubeedge_devicecontroller_status_patches_total") - patchesBefore;
    System.out.printf("200 reports → %.0f status patches%n", patches);
    assertThat(patches).isBetween(1.0, 100.0);
    assertThat(metric("kubeedge_devicecontroller_reports_coalesced_total")).isPositive();
  }

  @Test
  void kubectlExplainsDevicesAndListsThemWithTheirNodeModelAndState() throws Exception {
    if (kube.namespaces().withName("factory").get() == null) {
      kube.namespaces()
          .resource(
              new NamespaceBuilder().withNewMetadata().withName("factory").endMetadata().build())
          .create();
    }
    String model = plane.repoRoot().resolve("examples/seed/modbus-temp-model.yaml").toString();
    String device = plane.repoRoot().resolve("examples/seed/plc-line3-temp.yaml").toString();
    try {
      kubectl("apply", "-f", model, "-f", device); // the seed's files, unchanged
      kubectl(
          "apply",
          "--dry-run=server",
          "-f",
          plane.repoRoot().resolve("examples/seed/plc-line3-temp-tcp.yaml").toString());

      String explain = kubectl("explain", "device.spec");
      assertThat(explain)
          .contains(
              "deviceModelRef",
              "nodeName",
              "protocol",
              "properties",
              "The edge node the device is attached to");
      assertThat(kubectl("explain", "device.status.twins"))
          .contains("reported", "observedDesired", "propertyName");

      String list = kubectl("get", "devices", "-n", "factory");
      assertThat(list.lines().findFirst().orElseThrow())
          .containsSubsequence("NAME", "NODE", "MODEL", "STATE", "LAST ONLINE", "AGE");
      assertThat(list).containsPattern("plc-line3-temp\\s+edge-pune-01\\s+modbus-temp-sensor");
    } finally {
      kubectl("delete", "--ignore-not-found", "-f", device, "-f", model);
    }
  }

  private static JsonNode statusOf(String namespace) {
    GenericKubernetesResource device =
        kube.genericKubernetesResources(DEVICES, "Device")
            .inNamespace(namespace)
            .withName("plc-line3-temp")
            .get();
    return JSON.valueToTree(device).path("status");
  }

  /** A sample of cloudcore's /metrics, 0 when absent. */
  private static double metric(String sample) throws Exception {
    try (HttpClient http = HttpClient.newHttpClient()) {
      String body =
          http.send(
                  HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + ports[2] + "/metrics"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(body);
      return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
  }
}
