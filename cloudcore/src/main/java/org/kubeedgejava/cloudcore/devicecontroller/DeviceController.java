package org.kubeedgejava.cloudcore.devicecontroller;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.kubeedgejava.cloudcore.cloudhub.NodeSession;
import org.kubeedgejava.cloudcore.cloudhub.SessionListener;
import org.kubeedgejava.cloudcore.cloudhub.SessionRegistry;
import org.kubeedgejava.cloudcore.delivery.ObjectMessages;
import org.kubeedgejava.cloudcore.delivery.ReliableDelivery;
import org.kubeedgejava.cloudcore.devicecontroller.DeviceControllerMetrics.Rejection;
import org.kubeedgejava.cloudcore.devicecontroller.DeviceMessages.MalformedReport;
import org.kubeedgejava.cloudcore.devicecontroller.DeviceMessages.Upstream;
import org.kubeedgejava.wire.Groups;
import org.kubeedgejava.wire.Message;
import org.kubeedgejava.wire.Operations;
import org.kubeedgejava.wire.ResourcePath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * KubeEdge's DeviceController ({@code docs/devices.md}).
 *
 * <p>Downstream: informers on Devices and DeviceModels. A Device goes to the node in {@code
 * spec.nodeName} (insert, update, delete; a move is a delete to the old node and an insert to the
 * new one), preceded by its DeviceModel, and followed by the membership hint (group {@code twin},
 * no acknowledgement). A DeviceModel goes to every node with a Device referencing it. Changes that
 * touch only {@code status} (our own patches) are not sent: the spec's {@code generation} did not
 * move. Object messages go through {@link ReliableDelivery}, so the resync after a reconnect covers
 * them too.
 *
 * <p>Upstream: twin and state reports from a node about its own devices (a Device whose {@code
 * spec.nodeName} is that node; anything else is refused, logged and counted) become {@code
 * Device.status} merge patches through the status subresource, at most one in flight per device
 * ({@link StatusCoalescer}). {@code membership/detail} is answered with a membership message
 * listing every device of the node as added.
 *
 * <p>A Device whose DeviceModel does not exist is delivered all the same (the model is delivered
 * when it is created) and gets a Warning Event {@code DeviceModelNotFound} ({@link
 * ModelNotFoundEvents}).
 *
 * <p>Threading: informer callbacks run on fabric8's informer threads; {@link #onMessage} runs on
 * the node's serial executor and never blocks (cache lookups and an in-memory hand-off); status
 * patches run on this controller's virtual threads, retries are scheduled on one {@code
 * devicecontroller-retry} thread; {@link #onConnected} (an event loop) starts a virtual thread.
 */
public final class DeviceController implements SessionListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeviceController.class);

  static final ResourceDefinitionContext DEVICES = context("Device", "devices");
  static final ResourceDefinitionContext MODELS = context("DeviceModel", "devicemodels");

  private final KubernetesClient kube;
  private final ReliableDelivery delivery;
  private final SessionRegistry sessions;
  private final Clock clock;
  private final DeviceControllerMetrics metrics;
  private final ExecutorService writers =
      Executors.newThreadPerTaskExecutor(
          Thread.ofVirtual().name("devicecontroller-status-", 0).factory());
  private final ScheduledExecutorService retries =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("devicecontroller-retry").daemon().factory());
  private final StatusCoalescer coalescer;
  private final ModelNotFoundEvents missingModels;

  /** Device key → the status our last patch returned, with its resourceVersion. */
  private final Map<String, GenericKubernetesResource> lastWritten = new ConcurrentHashMap<>();

  private volatile SharedIndexInformer<GenericKubernetesResource> models;
  private volatile SharedIndexInformer<GenericKubernetesResource> devices;
  private volatile boolean closed;
  private volatile Thread starter;

  public DeviceController(
      KubernetesClient kube,
      ReliableDelivery delivery,
      SessionRegistry sessions,
      Clock clock,
      PrometheusRegistry registry) {
    this.kube = kube;
    this.delivery = delivery;
    this.sessions = sessions;
    this.clock = clock;
    this.metrics = new DeviceControllerMetrics(registry);
    this.coalescer =
        new StatusCoalescer(
            this::writeStatus,
            writers,
            (delay, task) -> retries.schedule(task, delay.toMillis(), TimeUnit.MILLISECONDS),
            metrics);
    this.missingModels = new ModelNotFoundEvents(kube, clock, writers);
  }

  /**
   * Whether an edge message is the DeviceController's: source {@code twin}, or a resource (edge
   * form) under {@code device/} or {@code membership}.
   */
  public static boolean handles(Message message) {
    String resource = ResourcePath.toEdge(message.route().resource());
    return Groups.TWIN.equals(message.route().source())
        || resource.startsWith("device/")
        || resource.startsWith("membership");
  }

  /**
   * Starts the informers (DeviceModels first, so a Device's model is known when the Device is first
   * seen) on a virtual thread and returns without waiting: when the CRDs are not installed yet, it
   * tries again every 5 s and the rest of cloudcore runs meanwhile.
   */
  public void start() {
    starter = Thread.ofVirtual().name("devicecontroller-start").start(this::startInformers);
  }

  private void startInformers() {
    while (!closed) {
      SharedIndexInformer<GenericKubernetesResource> m = null;
      SharedIndexInformer<GenericKubernetesResource> d = null;
      try {
        m = kube.genericKubernetesResources(MODELS).inAnyNamespace().runnableInformer(0);
        m.addEventHandler(new ModelHandler());
        models = m;
        m.run();
        d = kube.genericKubernetesResources(DEVICES).inAnyNamespace().runnableInformer(0);
        d.addEventHandler(new DeviceHandler());
        devices = d;
        d.run();
        log.info(
            "devicecontroller watching {} devices and {} device models",
            d.getStore().list().size(),
            m.getStore().list().size());
        return;
      } catch (RuntimeException e) {
        if (closed) {
          return;
        }
        log.warn(
            "devicecontroller: cannot watch devices ({}); trying again in 5 s (are the device CRDs"
                + " installed?)",
            e.toString());
        if (d != null) {
          d.close();
        }
        if (m != null) {
          m.close();
        }
        devices = null;
        models = null;
        try {
          Thread.sleep(5000);
        } catch (InterruptedException ie) {
          return;
        }
      }
    }
  }

  // ---------------------------------------------------------------------------------- upstream

  /**
   * Handles one message from {@code node} (resource in cloud form) that {@link #handles} accepted;
   * answers through {@code reply}. Never blocks.
   */
  public void onMessage(String node, Message message, Consumer<Message> reply) {
    String resource = ResourcePath.toEdge(message.route().resource());
    Optional<Upstream> parsed = DeviceMessages.parse(resource);
    if (parsed.isEmpty()) {
      metrics.rejected(Rejection.UNKNOWN_RESOURCE);
      log.debug("node {}: nothing handles device message {} {}", node, message.route(), resource);
      return;
    }
    try {
      switch (parsed.get()) {
        case Upstream.TwinReport(String ns, String name) ->
            owned(node, ns, name)
                .ifPresent(device ->
                    accept(
                        ns,
                        name,
                        DeviceMessages.twinReport(
                            message.content(),
                            property -> DeviceMessages.propertyType(modelOf(device), property),
                            clock)));
        case Upstream.StateReport(String ns, String name) ->
            owned(node, ns, name)
                .ifPresent(
                    device -> accept(ns, name, DeviceMessages.stateReport(message.content())));
        case Upstream.MembershipDetail() -> {
          if (devices != null) {
            reply.accept(
                DeviceMessages.membership(clock, node, devicesOn(node), List.of(), this::modelOf));
          }
        }
      }
    } catch (MalformedReport e) {
      metrics.rejected(Rejection.MALFORMED);
      log.warn("node {}: malformed report on {}: {}; dropped", node, resource, e.getMessage());
    }
  }

  private void accept(String ns, String name, DeviceReport report) {
    metrics.accepted();
    coalescer.offer(ns + "/" + name, report);
  }

  /** The Device {@code ns/name} when it exists and is {@code node}'s; else logs and counts. */
  private Optional<GenericKubernetesResource> owned(String node, String ns, String name) {
    GenericKubernetesResource device =
        devices == null ? null : devices.getStore().getByKey(ns + "/" + name);
    if (device == null) {
      metrics.rejected(Rejection.UNKNOWN_DEVICE);
      log.info("node {} reported on device {}/{}, which does not exist; dropped", node, ns, name);
      return Optional.empty();
    }
    String owner = DeviceMessages.nodeName(device);
    if (!node.equals(owner)) {
      metrics.rejected(Rejection.NOT_OWNER);
      log.warn(
          "node {} reported on device {}/{}, which belongs to node '{}'; refused",
          node,
          ns,
          name,
          owner);
      return Optional.empty();
    }
    return Optional.of(device);
  }

  /** Writes one merged report; runs on a {@code devicecontroller-status} virtual thread. */
  private StatusCoalescer.Outcome writeStatus(String key, DeviceReport report) {
    GenericKubernetesResource cached = devices.getStore().getByKey(key);
    if (cached == null) {
      log.info("device {} was deleted before its status was written; report dropped", key);
      lastWritten.remove(key);
      return StatusCoalescer.Outcome.GONE;
    }
    GenericKubernetesResource ours = lastWritten.get(key);
    GenericKubernetesResource base =
        ours != null
                && Objects.equals(ours.getMetadata().getUid(), cached.getMetadata().getUid())
                && newer(
                    ours.getMetadata().getResourceVersion(),
                    cached.getMetadata().getResourceVersion())
            ? ours
            : cached;
    JsonNode current = DeviceMessages.status(base);
    String[] parts = key.split("/", 2);
    try {
      GenericKubernetesResource written =
          kube.genericKubernetesResources(DEVICES)
              .inNamespace(parts[0])
              .withName(parts[1])
              .subresource("status")
              .patch(
                  PatchContext.of(PatchType.JSON_MERGE),
                  DeviceMessages.statusPatch(current, report));
      lastWritten.put(key, written);
      return StatusCoalescer.Outcome.WRITTEN;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 404) {
        log.info("device {} is gone; report dropped", key);
        lastWritten.remove(key);
        return StatusCoalescer.Outcome.GONE;
      }
      log.warn("status of device {}: patch failed ({}); retrying", key, e.getMessage());
      return StatusCoalescer.Outcome.FAILED;
    }
  }

  private static boolean newer(String a, String b) {
    try {
      return Long.parseLong(a) > Long.parseLong(b);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  // -------------------------------------------------------------------------------- downstream

  /**
   * A node that (re)connects is offered its device models and devices again (coalesced by delivery;
   * an edge that has them acknowledges cheaply), as the EdgeController does for pods.
   */
  @Override
  public void onConnected(NodeSession session) {
    if (devices == null || !devices.hasSynced()) {
      return;
    }
    Thread.ofVirtual()
        .name("devicecontroller-resend-" + session.nodeId())
        .start(() -> {
          List<GenericKubernetesResource> mine = devicesOn(session.nodeId());
          Set<String> sentModels = new LinkedHashSet<>();
          for (GenericKubernetesResource device : mine) {
            modelOf(device)
                .filter(m -> sentModels.add(key(m)))
                .ifPresent(m -> deliver(session.nodeId(), Operations.UPDATE, m));
            deliver(session.nodeId(), Operations.UPDATE, device);
          }
        });
  }

  @Override
  public void onDisconnected(NodeSession session) {}

  private void deliver(String node, String operation, GenericKubernetesResource object) {
    delivery.deliver(
        node,
        ObjectMessages.refOf(object),
        ObjectMessages.forObject(clock, DeviceMessages.SOURCE, node, operation, object));
  }

  /** The membership hint: sent if the node is connected, never queued (no acknowledgement). */
  private void membership(
      String node, List<GenericKubernetesResource> added, List<GenericKubernetesResource> removed) {
    sessions
        .get(node)
        .filter(NodeSession::isOpen)
        .ifPresent(
            s -> s.send(DeviceMessages.membership(clock, node, added, removed, this::modelOf)));
  }

  private Optional<GenericKubernetesResource> modelOf(GenericKubernetesResource device) {
    String model = DeviceMessages.modelName(device);
    if (model.isEmpty() || models == null) {
      return Optional.empty();
    }
    GenericKubernetesResource found =
        models.getStore().getByKey(device.getMetadata().getNamespace() + "/" + model);
    if (found != null) {
      typed(found, "DeviceModel");
    }
    return Optional.ofNullable(found);
  }

  private List<GenericKubernetesResource> devicesOn(String node) {
    return devices.getStore().list().stream()
        .filter(d -> node.equals(DeviceMessages.nodeName(d)))
        .peek(d -> typed(d, "Device"))
        .toList();
  }

  /** The nodes with a Device referencing {@code model}. */
  private Set<String> nodesUsing(GenericKubernetesResource model) {
    Set<String> nodes = new LinkedHashSet<>();
    for (GenericKubernetesResource d : devices.getStore().list()) {
      if (uses(d, model) && !DeviceMessages.nodeName(d).isEmpty()) {
        nodes.add(DeviceMessages.nodeName(d));
      }
    }
    return nodes;
  }

  private static boolean uses(GenericKubernetesResource device, GenericKubernetesResource model) {
    return Objects.equals(device.getMetadata().getNamespace(), model.getMetadata().getNamespace())
        && DeviceMessages.modelName(device).equals(model.getMetadata().getName());
  }

  /**
   * Records an Event when {@code device}'s DeviceModel does not exist (once per Device and model).
   * The Device is delivered all the same: apply order is not guaranteed, and the model follows when
   * it is created.
   */
  private void checkModel(GenericKubernetesResource device) {
    String model = DeviceMessages.modelName(device);
    if (!model.isEmpty() && models != null && modelOf(device).isEmpty()) {
      missingModels.deviceWithoutModel(device, model);
    }
  }

  /** Tells {@code node} to drop the model of {@code device} when no other Device there uses it. */
  private void releaseModel(String node, GenericKubernetesResource device) {
    modelOf(device)
        .filter(m -> !nodesUsing(m).contains(node))
        .ifPresent(m -> deliver(node, Operations.DELETE, m));
  }

  private final class DeviceHandler implements ResourceEventHandler<GenericKubernetesResource> {
    @Override
    public void onAdd(GenericKubernetesResource device) {
      typed(device, "Device");
      checkModel(device);
      String node = DeviceMessages.nodeName(device);
      if (node.isEmpty()) {
        return;
      }
      modelOf(device).ifPresent(m -> deliver(node, Operations.INSERT, m));
      deliver(node, Operations.INSERT, device);
      membership(node, List.of(device), List.of());
    }

    @Override
    public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource device) {
      typed(old, "Device");
      typed(device, "Device");
      if (Objects.equals(
          old.getMetadata().getResourceVersion(), device.getMetadata().getResourceVersion())) {
        return; // a resync of the informer
      }
      if (!DeviceMessages.modelName(old).equals(DeviceMessages.modelName(device))) {
        checkModel(device);
      }
      String from = DeviceMessages.nodeName(old);
      String to = DeviceMessages.nodeName(device);
      if (!from.equals(to)) {
        if (!from.isEmpty()) {
          deliver(from, Operations.DELETE, old);
          membership(from, List.of(), List.of(old));
          releaseModel(from, old);
        }
        onAdd(device);
        return;
      }
      if (to.isEmpty() || !specChanged(old, device)) {
        return; // only the status moved (our own patches): nothing for the edge
      }
      if (!DeviceMessages.modelName(old).equals(DeviceMessages.modelName(device))) {
        modelOf(device).ifPresent(m -> deliver(to, Operations.INSERT, m));
        releaseModel(to, old);
      }
      deliver(to, Operations.UPDATE, device);
    }

    @Override
    public void onDelete(GenericKubernetesResource device, boolean finalStateUnknown) {
      typed(device, "Device");
      lastWritten.remove(key(device));
      missingModels.deviceDeleted(device);
      String node = DeviceMessages.nodeName(device);
      if (node.isEmpty()) {
        return;
      }
      deliver(node, Operations.DELETE, device);
      membership(node, List.of(), List.of(device));
      releaseModel(node, device);
    }
  }

  private static boolean specChanged(GenericKubernetesResource old, GenericKubernetesResource now) {
    return !Objects.equals(old.getMetadata().getGeneration(), now.getMetadata().getGeneration())
        || !Objects.equals(old.getMetadata().getLabels(), now.getMetadata().getLabels())
        || !Objects.equals(old.getMetadata().getAnnotations(), now.getMetadata().getAnnotations())
        || !Objects.equals(
            old.getMetadata().getDeletionTimestamp(), now.getMetadata().getDeletionTimestamp());
  }

  private final class ModelHandler implements ResourceEventHandler<GenericKubernetesResource> {
    @Override
    public void onAdd(GenericKubernetesResource model) {
      fanOut(model, Operations.INSERT);
    }

    @Override
    public void onUpdate(GenericKubernetesResource old, GenericKubernetesResource model) {
      if (!Objects.equals(
          old.getMetadata().getResourceVersion(), model.getMetadata().getResourceVersion())) {
        fanOut(model, Operations.UPDATE);
      }
    }

    @Override
    public void onDelete(GenericKubernetesResource model, boolean finalStateUnknown) {
      fanOut(model, Operations.DELETE);
    }

    private void fanOut(GenericKubernetesResource model, String operation) {
      typed(model, "DeviceModel");
      if (devices == null || !devices.hasSynced()) {
        return; // the device informer's first list sends each model with its devices
      }
      for (String node : nodesUsing(model)) {
        deliver(node, operation, model);
      }
    }
  }

  /** Sets apiVersion and kind when the API server left them out (they name the ObjectSyncs). */
  private static void typed(GenericKubernetesResource object, String kind) {
    if (object.getKind() == null) {
      object.setApiVersion(DeviceMessages.API_VERSION);
      object.setKind(kind);
    }
  }

  private static String key(GenericKubernetesResource object) {
    return object.getMetadata().getNamespace() + "/" + object.getMetadata().getName();
  }

  private static ResourceDefinitionContext context(String kind, String plural) {
    return new ResourceDefinitionContext.Builder()
        .withGroup("devices.kubeedge.io")
        .withVersion("v1beta1")
        .withKind(kind)
        .withPlural(plural)
        .withNamespaced(true)
        .build();
  }

  @Override
  public void close() {
    closed = true;
    if (starter != null) {
      starter.interrupt();
    }
    if (devices != null) {
      devices.close();
    }
    if (models != null) {
      models.close();
    }
    retries.shutdownNow();
    writers.shutdown();
  }
}
