package org.kubeedgejava.bench.codec;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.kubeedgejava.wire.Header;
import org.kubeedgejava.wire.Message;
import org.kubeedgejava.wire.Operations;
import org.kubeedgejava.wire.Route;

/**
 * The messages the codec benchmark encodes and decodes, with fixed ids and timestamps so that their
 * encoded size is the same in every run: an edge keepalive, a Pod update as EdgeController sends it
 * (a Deployment's pod: one privileged container with env, resources, a probe and a camera device,
 * volumes, tolerations and status; the pod is about 4 KB of JSON), and the edge's acknowledgement
 * of that update.
 */
public final class SampleMessages {
  /** The kinds of message, as the benchmark's {@code kind} parameter names them. */
  public static final String KEEPALIVE = "keepalive";

  public static final String POD = "pod";
  public static final String ACK = "ack";

  private static final long TIMESTAMP = 1_795_996_800_123L; // 2026-11-24T00:00:00.123Z
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private SampleMessages() {}

  /** The message of {@code kind}: {@link #KEEPALIVE}, {@link #POD} or {@link #ACK}. */
  public static Message of(String kind) {
    return switch (kind) {
      case KEEPALIVE -> keepalive();
      case POD -> podUpdate();
      case ACK -> ack();
      default -> throw new IllegalArgumentException("unknown message kind: " + kind);
    };
  }

  /** What EdgeHub sends every heartbeat: op keepalive, content {@code "ping"}. */
  public static Message keepalive() {
    return new Message(
        new Header("1b4e28ba-2fa1-11d2-883f-0016d3cca427", "", TIMESTAMP, "", false),
        new Route("websocket", "", "resource", Operations.KEEPALIVE, "node"),
        TextNode.valueOf("ping"));
  }

  /** A pod update for edge node {@code edge-pune-01}, in cloud form, with its resourceVersion. */
  public static Message podUpdate() {
    return new Message(
        new Header("6fa459ea-ee8a-3ca4-894e-db77e160355e", "", TIMESTAMP, "4711", false),
        new Route(
            "edgecontroller",
            "",
            "resource",
            Operations.UPDATE,
            "node/edge-pune-01/factory/pod/line3-vision-7d9c5b6f4-x2k8q"),
        pod());
  }

  /** The edge's acknowledgement of {@link #podUpdate()}: op response, content {@code "OK"}. */
  public static Message ack() {
    Message request = podUpdate();
    return new Message(
        new Header(
            "9c5b94b1-35ad-49bb-b118-8e8fc24abf80",
            request.header().id(),
            TIMESTAMP + 7,
            "",
            false),
        new Route(
            "metamanager",
            "",
            request.route().group(),
            Operations.RESPONSE,
            request.route().resource()),
        TextNode.valueOf(Message.ACK_OK));
  }

  /**
   * The pod object of {@link #podUpdate()}, as the apiserver returns it (managed fields trimmed).
   */
  public static ObjectNode pod() {
    ObjectNode pod = JSON.objectNode();
    pod.put("apiVersion", "v1");
    pod.put("kind", "Pod");

    ObjectNode metadata = pod.putObject("metadata");
    metadata.put("name", "line3-vision-7d9c5b6f4-x2k8q");
    metadata.put("generateName", "line3-vision-7d9c5b6f4-");
    metadata.put("namespace", "factory");
    metadata.put("uid", "3f1c2a9e-8b7d-4e6f-a5c4-1d2e3f4a5b6c");
    metadata.put("resourceVersion", "4711");
    metadata.put("creationTimestamp", "2026-11-23T08:15:42Z");
    ObjectNode labels = metadata.putObject("labels");
    labels.put("app", "line3-vision");
    labels.put("app.kubernetes.io/name", "vision-inspector");
    labels.put("app.kubernetes.io/part-of", "line3");
    labels.put("app.kubernetes.io/version", "2.14.1");
    labels.put("pod-template-hash", "7d9c5b6f4");
    metadata
        .putObject("annotations")
        .put("kubectl.kubernetes.io/restartedAt", "2026-11-23T08:15:40Z");
    ObjectNode owner = metadata.putArray("ownerReferences").addObject();
    owner.put("apiVersion", "apps/v1");
    owner.put("kind", "ReplicaSet");
    owner.put("name", "line3-vision-7d9c5b6f4");
    owner.put("uid", "a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d");
    owner.put("controller", true);
    owner.put("blockOwnerDeletion", true);

    ObjectNode spec = pod.putObject("spec");
    ArrayNode containers = spec.putArray("containers");
    ObjectNode vision = containers.addObject();
    vision.put("name", "inspector");
    vision.put("image", "registry.example.com/line3/vision-inspector:2.14.1");
    vision.putArray("args").add("--camera=/dev/video0").add("--model=/models/defects-v7.onnx");
    ArrayNode env = vision.putArray("env");
    env(env, "LINE_ID", "line3");
    env(env, "PLANT", "pune");
    env(env, "MQTT_BROKER", "tcp://127.0.0.1:1883");
    env(env, "REJECT_THRESHOLD", "0.82");
    ObjectNode fieldRef = env.addObject().put("name", "NODE_NAME").putObject("valueFrom");
    fieldRef.putObject("fieldRef").put("apiVersion", "v1").put("fieldPath", "spec.nodeName");
    vision
        .putArray("ports")
        .addObject()
        .put("name", "metrics")
        .put("containerPort", 9102)
        .put("protocol", "TCP");
    ObjectNode resources = vision.putObject("resources");
    resources.putObject("limits").put("cpu", "1500m").put("memory", "768Mi");
    resources.putObject("requests").put("cpu", "500m").put("memory", "512Mi");
    ArrayNode mounts = vision.putArray("volumeMounts");
    mounts.addObject().put("name", "camera").put("mountPath", "/dev/video0");
    mounts.addObject().put("name", "models").put("mountPath", "/models").put("readOnly", true);
    mounts
        .addObject()
        .put("name", "kube-api-access-8xk2p")
        .put("mountPath", "/var/run/secrets/kubernetes.io/serviceaccount")
        .put("readOnly", true);
    probe(vision.putObject("livenessProbe"), "/healthz", 20);
    vision.putObject("securityContext").put("privileged", true);
    vision.put("terminationMessagePath", "/dev/termination-log");
    vision.put("terminationMessagePolicy", "File");
    vision.put("imagePullPolicy", "IfNotPresent");
    ArrayNode volumes = spec.putArray("volumes");
    volumes
        .addObject()
        .put("name", "camera")
        .putObject("hostPath")
        .put("path", "/dev/video0")
        .put("type", "CharDevice");
    volumes
        .addObject()
        .put("name", "models")
        .putObject("configMap")
        .put("name", "line3-models")
        .put("defaultMode", 420);
    ObjectNode projected =
        volumes.addObject().put("name", "kube-api-access-8xk2p").putObject("projected");
    ArrayNode sources = projected.putArray("sources");
    sources
        .addObject()
        .putObject("serviceAccountToken")
        .put("expirationSeconds", 3607)
        .put("path", "token");
    sources
        .addObject()
        .putObject("configMap")
        .put("name", "kube-root-ca.crt")
        .putArray("items")
        .addObject()
        .put("key", "ca.crt")
        .put("path", "ca.crt");
    projected.put("defaultMode", 420);
    spec.put("restartPolicy", "Always");
    spec.put("terminationGracePeriodSeconds", 30);
    spec.put("dnsPolicy", "ClusterFirst");
    spec.putObject("nodeSelector").put("node-role.kubernetes.io/edge", "");
    spec.put("serviceAccountName", "default");
    spec.put("nodeName", "edge-pune-01");
    spec.put("schedulerName", "default-scheduler");
    ArrayNode tolerations = spec.putArray("tolerations");
    tolerations
        .addObject()
        .put("key", "node-role.kubernetes.io/edge")
        .put("operator", "Exists")
        .put("effect", "NoSchedule");
    toleration(tolerations, "node.kubernetes.io/not-ready");
    toleration(tolerations, "node.kubernetes.io/unreachable");
    spec.put("priority", 0);
    spec.put("enableServiceLinks", true);
    spec.put("preemptionPolicy", "PreemptLowerPriority");

    ObjectNode status = pod.putObject("status");
    status.put("phase", "Running");
    ArrayNode conditions = status.putArray("conditions");
    for (String type :
        new String[] {"PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady"}) {
      conditions
          .addObject()
          .put("type", type)
          .put("status", "True")
          .putNull("lastProbeTime")
          .put("lastTransitionTime", "2026-11-23T08:15:51Z");
    }
    status.put("hostIP", "10.20.3.17");
    status.putArray("hostIPs").addObject().put("ip", "10.20.3.17");
    status.put("podIP", "10.244.7.23");
    status.putArray("podIPs").addObject().put("ip", "10.244.7.23");
    status.put("startTime", "2026-11-23T08:15:42Z");
    ArrayNode statuses = status.putArray("containerStatuses");
    containerStatus(
        statuses,
        "inspector",
        "registry.example.com/line3/vision-inspector:2.14.1",
        "sha256:4b2f6c1e9a7d8b3c5e0f2a4d6b8c1e3f5a7d9b2c4e6f8a0b1c3d5e7f9a2b4c6d");
    status.put("qosClass", "Burstable");
    return pod;
  }

  private static void env(ArrayNode env, String name, String value) {
    env.addObject().put("name", name).put("value", value);
  }

  private static void probe(ObjectNode probe, String path, int periodSeconds) {
    probe.putObject("httpGet").put("path", path).put("port", 9102).put("scheme", "HTTP");
    probe.put("initialDelaySeconds", 15);
    probe.put("timeoutSeconds", 2);
    probe.put("periodSeconds", periodSeconds);
    probe.put("successThreshold", 1);
    probe.put("failureThreshold", 3);
  }

  private static void toleration(ArrayNode tolerations, String key) {
    tolerations
        .addObject()
        .put("key", key)
        .put("operator", "Exists")
        .put("effect", "NoExecute")
        .put("tolerationSeconds", 300);
  }

  private static void containerStatus(
      ArrayNode statuses, String name, String image, String imageId) {
    ObjectNode s = statuses.addObject();
    s.put("name", name);
    s.putObject("state").putObject("running").put("startedAt", "2026-11-23T08:15:49Z");
    s.putObject("lastState");
    s.put("ready", true);
    s.put("restartCount", 0);
    s.put("image", image);
    s.put("imageID", image.substring(0, image.indexOf(':')) + "@" + imageId);
    s.put("containerID", "containerd://" + imageId.substring(7, 71));
    s.put("started", true);
  }
}
