package org.kubeedgejava.edgecore.nodestatus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.kubeedgejava.edgecore.edgehub.EdgeHubClient;
import org.kubeedgejava.wire.Groups;
import org.kubeedgejava.wire.Message;
import org.kubeedgejava.wire.Operations;
import org.kubeedgejava.wire.ResourcePath;
import org.kubeedgejava.wire.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's life in the cloud, as a kubelet's: registers the Node when the tunnel comes up (and
 * again after every reconnect, which is idempotent), then reports its status every {@code
 * statusPeriod} and renews its Lease in kube-node-lease every {@code leasePeriod}. Nothing is
 * queued while the tunnel is down: stale heartbeats help nobody.
 *
 * <p>Threading: one scheduler thread; the {@link #onConnected}/{@link #onDisconnected} callbacks
 * only (re)schedule.
 */
public final class NodeAgent implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NodeAgent.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final Duration LEASE_DURATION = Duration.ofSeconds(40);

  private final EdgeHubClient hub;
  private final NodeFacts facts;
  private final Clock clock;
  private final Duration statusPeriod;
  private final Duration leasePeriod;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("node-agent").daemon().factory());
  private ScheduledFuture<?> heartbeat; // guarded by this
  private volatile boolean registered;

  public NodeAgent(
      EdgeHubClient hub,
      NodeFacts facts,
      Clock clock,
      Duration statusPeriod,
      Duration leasePeriod) {
    this.hub = hub;
    this.facts = facts;
    this.clock = clock;
    this.statusPeriod = statusPeriod;
    this.leasePeriod = leasePeriod;
  }

  public boolean registered() {
    return registered;
  }

  public synchronized void onConnected() {
    registered = false;
    cancel();
    heartbeat =
        timer.scheduleWithFixedDelay(
            this::tick,
            0,
            Math.min(statusPeriod.toMillis(), leasePeriod.toMillis()),
            TimeUnit.MILLISECONDS);
  }

  public synchronized void onDisconnected() {
    cancel();
  }

  private void cancel() {
    if (heartbeat != null) {
      heartbeat.cancel(false);
      heartbeat = null;
    }
  }

  private Instant lastStatus = Instant.EPOCH;
  private Instant lastLease = Instant.EPOCH;

  private void tick() {
    try {
      if (!hub.isConnected()) {
        return;
      }
      Instant now = clock.instant();
      if (!registered) {
        register();
        lastStatus = now;
      }
      if (!now.isBefore(lastLease.plus(leasePeriod))) {
        renewLease(now);
        lastLease = now;
      }
      if (!now.isBefore(lastStatus.plus(statusPeriod))) {
        reportStatus(now);
        lastStatus = now;
      }
    } catch (RuntimeException e) {
      log.warn("node heartbeat failed: {}", e.toString());
    }
  }

  private void register() {
    Message request =
        message(
            Operations.INSERT,
            ResourcePath.clusterScoped("node", facts.nodeName()),
            node(clock.instant()));
    try {
      Message answer = hub.request(request, Duration.ofSeconds(30)).get(35, TimeUnit.SECONDS);
      JsonNode err = answer.content().path("Err");
      if (!err.isMissingNode() && !err.isNull()) {
        log.warn("cloudcore refused to register node {}: {}", facts.nodeName(), err.asText());
        return;
      }
      registered = true;
      log.info("node {} registered with the cloud", facts.nodeName());
    } catch (Exception e) {
      log.warn("registering node {} failed: {}; retrying", facts.nodeName(), e.toString());
    }
  }

  private void reportStatus(Instant now) {
    ObjectNode patch = JSON.createObjectNode();
    patch.set("status", status(now));
    hub.send(
        message(
            Operations.PATCH,
            ResourcePath.clusterScoped("nodepatch", facts.nodeName()),
            TextNode.valueOf(patch.toString())));
  }

  private void renewLease(Instant now) {
    ObjectNode lease = JSON.createObjectNode();
    lease.put("apiVersion", "coordination.k8s.io/v1");
    lease.put("kind", "Lease");
    lease.putObject("metadata").put("name", facts.nodeName()).put("namespace", "kube-node-lease");
    lease
        .putObject("spec")
        .put("holderIdentity", facts.nodeName())
        .put("leaseDurationSeconds", LEASE_DURATION.toSeconds())
        .put("renewTime", micro(now));
    hub.send(
        message(
            Operations.UPDATE,
            new ResourcePath("kube-node-lease", "lease", facts.nodeName()),
            lease));
  }

  private Message message(String operation, ResourcePath path, JsonNode content) {
    return Message.create(
        clock, new Route("edged", "", Groups.RESOURCE, operation, path.toString()), content);
  }

  /** The Node object this node registers with. */
  ObjectNode node(Instant now) {
    ObjectNode node = JSON.createObjectNode();
    node.put("apiVersion", "v1");
    node.put("kind", "Node");
    ObjectNode meta = node.putObject("metadata");
    meta.put("name", facts.nodeName());
    ObjectNode labels = meta.putObject("labels");
    labels.put("kubernetes.io/hostname", facts.nodeName());
    labels.put("kubernetes.io/os", "linux");
    labels.put("kubernetes.io/arch", facts.architecture());
    for (Map.Entry<String, String> e : facts.extraLabels().entrySet()) {
      labels.put(e.getKey(), e.getValue());
    }
    node.putObject("spec");
    node.set("status", status(now));
    return node;
  }

  private ObjectNode status(Instant now) {
    ObjectNode status = JSON.createObjectNode();
    ObjectNode capacity = status.putObject("capacity");
    capacity.put("cpu", Integer.toString(facts.cpus()));
    capacity.put("memory", facts.memoryKiB() + "Ki");
    capacity.put("pods", Integer.toString(facts.maxPods()));
    status.set("allocatable", capacity.deepCopy());
    ArrayNode conditions = status.putArray("conditions");
    String t = seconds(now);
    conditions.add(condition("Ready", "True", "EdgeReady", "edge node is ready", t));
    conditions.add(
        condition(
            "MemoryPressure",
            "False",
            "EdgeHasSufficientMemory",
            "edge node has sufficient memory",
            t));
    conditions.add(
        condition(
            "DiskPressure", "False", "EdgeHasNoDiskPressure", "edge node has no disk pressure", t));
    conditions.add(
        condition(
            "PIDPressure", "False", "EdgeHasSufficientPID", "edge node has sufficient PID", t));
    ArrayNode addresses = status.putArray("addresses");
    if (!facts.internalIp().isEmpty()) {
      addresses.addObject().put("type", "InternalIP").put("address", facts.internalIp());
    }
    addresses.addObject().put("type", "Hostname").put("address", facts.nodeName());
    status
        .putObject("daemonEndpoints")
        .putObject("kubeletEndpoint")
        .put("Port", facts.kubeletPort());
    ObjectNode info = status.putObject("nodeInfo");
    info.put("machineID", facts.machineId());
    info.put("systemUUID", facts.machineId());
    info.put("bootID", facts.bootId());
    info.put("kernelVersion", facts.kernelVersion());
    info.put("osImage", facts.osImage());
    info.put("containerRuntimeVersion", facts.containerRuntimeVersion());
    info.put("kubeletVersion", facts.kubeletVersion());
    info.put("kubeProxyVersion", "");
    info.put("operatingSystem", "linux");
    info.put("architecture", facts.architecture());
    return status;
  }

  private static ObjectNode condition(
      String type, String value, String reason, String message, String time) {
    ObjectNode c = JSON.createObjectNode();
    c.put("type", type).put("status", value).put("reason", reason).put("message", message);
    c.put("lastHeartbeatTime", time).put("lastTransitionTime", time);
    return c;
  }

  private static String seconds(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static String micro(Instant t) {
    return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSX")
        .withZone(java.time.ZoneOffset.UTC)
        .format(t.truncatedTo(ChronoUnit.MICROS));
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
