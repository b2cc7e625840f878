package org.kubeedgejava.edgecore.devicetwin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.grpc.Status;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.kubeedgejava.dmi.UnixSocketGrpc;
import org.kubeedgejava.dmi.v1beta1.MapperRegisterRequest;
import org.kubeedgejava.dmi.v1beta1.MapperRegisterResponse;
import org.kubeedgejava.dmi.v1beta1.ReportDeviceStatesRequest;
import org.kubeedgejava.dmi.v1beta1.ReportDeviceStatusRequest;
import org.kubeedgejava.edgecore.metamanager.MetaManager;
import org.kubeedgejava.edgecore.metamanager.MetaStore;
import org.kubeedgejava.edgecore.metamanager.UpstreamOutbox;
import org.kubeedgejava.wire.Groups;
import org.kubeedgejava.wire.Message;
import org.kubeedgejava.wire.Operations;
import org.kubeedgejava.wire.ResourceTypes;
import org.kubeedgejava.wire.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's device state (docs/devices.md): desired values from the cloud's Devices and from local
 * MQTT writes, reported values and states from mappers (DMI) and from MQTT, kept in the {@code
 * device}/{@code device_twin} tables and reported to the cloud through the durable outbox. Desired
 * values reach the mapper of the device's protocol as DMI {@code UpdateDevice} and are published as
 * a delta on MQTT. Versions decide which desired value wins, never clocks.
 *
 * <p>Devices and models come from MetaManager's store (committed cloud objects): on start the twins
 * are rebuilt from it and from the device tables, so everything works offline.
 *
 * <p>Threading: all state is owned by one thread, {@code devicetwin}; every entry point (EdgeHub's
 * listener thread, the MQTT callback thread, the DMI server's executor) only queues work there. DMI
 * calls to mappers run on a second thread, {@code devicetwin-dmi}, and outbox flushes on a third,
 * {@code devicetwin-upstream}, so neither a slow mapper nor a slow tunnel blocks anyone.
 */
public final class DeviceTwin implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeviceTwin.class);
  static final String SOURCE = "twin";
  static final String ONLINE = "online";
  static final String OFFLINE = "offline";

  /**
   * @param nodeName this node
   * @param dmiSocket where the DMI server listens
   * @param minSilence the shortest silence after which a mapper is taken as dead (30 s)
   * @param livenessCheck how often silences are checked
   * @param dmiPerSecond DMI calls allowed per second (after the burst)
   * @param dmiBurst DMI calls allowed at once (100, as upstream)
   * @param dmiDeadline the deadline of each call to a mapper
   */
  public record Settings(
      String nodeName,
      Path dmiSocket,
      Duration minSilence,
      Duration livenessCheck,
      double dmiPerSecond,
      int dmiBurst,
      Duration dmiDeadline) {
    public Settings {
      Objects.requireNonNull(nodeName, "nodeName");
      Objects.requireNonNull(dmiSocket, "dmiSocket");
    }

    public static Settings defaults(String nodeName, Path dmiSocket) {
      return new Settings(
          nodeName,
          dmiSocket,
          Duration.ofSeconds(30),
          Duration.ofSeconds(5),
          10,
          100,
          Duration.ofSeconds(5));
    }

    public Settings withMinSilence(Duration silence, Duration check) {
      return new Settings(nodeName, dmiSocket, silence, check, dmiPerSecond, dmiBurst, dmiDeadline);
    }
  }

  /** Where DeviceTwin publishes MQTT messages (EventBus); may drop them while disconnected. */
  public interface Publisher {
    Publisher NONE = (topic, payload) -> {};

    void publish(String topic, JsonNode payload);
  }

  /** A device as DeviceTwin holds it. Owned by the devicetwin thread. */
  private static final class Dev {
    final String id;
    final String namespace;
    final String name;
    JsonNode object; // the cloud Device, null when only the device tables know it
    String description = "";
    String state = "";
    String lastOnline = "";
    boolean offlineByEdge; // we marked it offline because its mapper went silent or failed
    Map<String, Twin> twins = new LinkedHashMap<>();

    Dev(String id) {
      this.id = id;
      int slash = id.indexOf('/');
      this.namespace = id.substring(0, slash);
      this.name = id.substring(slash + 1);
    }

    String protocol() {
      return object == null
          ? ""
          : object.path("spec").path("protocol").path("protocolName").asText("");
    }

    String modelKey() {
      return object == null
          ? ""
          : namespace + "/" + object.path("spec").path("deviceModelRef").path("name").asText("");
    }

    long maxReportCycleMillis() {
      long max = 0;
      if (object != null) {
        for (JsonNode p : object.path("spec").path("properties")) {
          max = Math.max(max, p.path("reportCycle").asLong(0));
        }
      }
      return max;
    }
  }

  /** A registered mapper. Owned by the devicetwin thread. */
  private static final class Mapper {
    final MapperClient client;
    long lastSeenMillis;
    long reportCycleMillis;
    boolean dead;

    Mapper(MapperClient client, long now) {
      this.client = client;
      this.lastSeenMillis = now;
    }
  }

  private final Settings settings;
  private final MetaStore meta;
  private final TwinStore store;
  private final UpstreamOutbox outbox;
  private final BooleanSupplier connected;
  private final Clock clock;
  private final ScheduledExecutorService thread;
  private final ScheduledExecutorService dmiClientThread;
  private final ScheduledExecutorService upstreamThread;
  private final AtomicBoolean flushQueued = new AtomicBoolean();
  private volatile Publisher publisher = Publisher.NONE;
  private UnixSocketGrpc.Serving dmi;
  private java.util.concurrent.ExecutorService dmiServerExecutor;

  private final Map<String, Dev> devices = new LinkedHashMap<>();
  private final Map<String, JsonNode> models = new HashMap<>();
  private final Map<String, Mapper> mappers = new HashMap<>();

  private DeviceTwin(
      Settings settings,
      MetaStore meta,
      TwinStore store,
      UpstreamOutbox outbox,
      BooleanSupplier connected,
      Clock clock) {
    this.settings = settings;
    this.meta = meta;
    this.store = store;
    this.outbox = outbox;
    this.connected = connected;
    this.clock = clock;
    this.thread = single("devicetwin");
    this.dmiClientThread = single("devicetwin-dmi");
    this.upstreamThread = single("devicetwin-upstream");
  }

  private static ScheduledExecutorService single(String name) {
    return Executors.newSingleThreadScheduledExecutor(
        Thread.ofPlatform().name(name).daemon().factory());
  }

  /**
   * Rebuilds the twins from {@code meta} and the device tables in {@code dbFile}, then serves DMI
   * on {@link Settings#dmiSocket()}.
   *
   * @param connected whether the tunnel is up (the outbox is flushed after a report only then)
   * @throws java.io.UncheckedIOException when the DMI socket cannot be bound
   */
  public static DeviceTwin start(
      Settings settings,
      MetaStore meta,
      Path dbFile,
      UpstreamOutbox outbox,
      BooleanSupplier connected,
      Clock clock) {
    TwinStore store = TwinStore.open(dbFile);
    DeviceTwin twin = new DeviceTwin(settings, meta, store, outbox, connected, clock);
    try {
      twin.call(
              () -> {
                twin.rebuild();
                return null;
              })
          .get(60, TimeUnit.SECONDS);
      twin.dmiServerExecutor =
          Executors.newFixedThreadPool(
              2, Thread.ofPlatform().name("dmi-server-", 0).daemon().factory());
      twin.dmi =
          UnixSocketGrpc.serve(
              settings.dmiSocket(),
              twin.dmiServerExecutor,
              List.of(
                  new DmiServer(
                      twin.new Handler(),
                      new TokenBucket(settings.dmiPerSecond(), settings.dmiBurst(), clock))));
    } catch (Exception e) {
      twin.close();
      if (e instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException("devicetwin did not start: " + e, e);
    }
    long check = settings.livenessCheck().toMillis();
    twin.thread.scheduleWithFixedDelay(twin::checkMappers, check, check, TimeUnit.MILLISECONDS);
    log.info(
        "devicetwin: {} devices rebuilt from the store; DMI on {}",
        twin.devices.size(),
        settings.dmiSocket());
    return twin;
  }

  /** Sets where MQTT messages go (EventBus starts after DeviceTwin). */
  public void attach(Publisher p) {
    this.publisher = p;
  }

  // ---------------------------------------------------------------- entry points (any thread)

  /** A committed MetaManager change; only devices and device models concern us. */
  public void onMetaChange(MetaManager.Change change) {
    String type = change.path().type();
    if (ResourceTypes.DEVICE.equals(type) || ResourceTypes.DEVICE_MODEL.equals(type)) {
      run(() -> applyChange(change));
    }
  }

  /** A cloud message of group {@code twin}: membership changes, taken as a hint to resync. */
  public void onCloudMessage(Message message) {
    if (ResourceTypes.MEMBERSHIP.equals(message.route().resource())) {
      run(() -> {
        reconcileWithMeta();
        JsonNode content = message.content();
        if (content.isObject()) {
          publisher.publish(nodeTopic("/membership/updated"), content);
        }
      });
    } else {
      log.debug(
          "devicetwin ignores {} {}", message.route().operation(), message.route().resource());
    }
  }

  /** The tunnel is up: report the twin and state of every device again. */
  public void onCloudConnected() {
    run(() -> {
      for (Dev d : devices.values()) {
        submitTwins(d);
        if (!d.state.isEmpty()) {
          submitState(d);
        }
      }
      flushSoon();
    });
  }

  /** MQTT {@code $hw/events/device/<id>/twin/update}. */
  public void twinUpdate(String deviceId, byte[] payload) {
    run(() -> localTwinUpdate(deviceId, payload));
  }

  /** MQTT {@code $hw/events/device/<id>/twin/get}. */
  public void twinGet(String deviceId, byte[] payload) {
    run(() -> {
      String topic = deviceTopic(deviceId, "/twin/get/result");
      String eventId = TwinMessages.eventId(payload);
      Dev d = devices.get(deviceId);
      if (d == null) {
        publisher.publish(
            topic, TwinMessages.error(eventId, clock.millis(), 404, unknown(deviceId)));
        return;
      }
      publisher.publish(topic, TwinMessages.twins(eventId, clock.millis(), d.twins.values()));
    });
  }

  /** MQTT {@code $hw/events/device/<id>/state/update}. */
  public void stateUpdate(String deviceId, byte[] payload) {
    run(() -> {
      String topic = deviceTopic(deviceId, "/state/update/result");
      String eventId = TwinMessages.eventId(payload);
      String state;
      try {
        state = TwinMessages.parseState(payload);
      } catch (TwinMessages.BadPayload e) {
        publisher.publish(topic, TwinMessages.error(eventId, clock.millis(), 400, e.getMessage()));
        return;
      }
      Dev d = devices.get(deviceId);
      if (d == null) {
        publisher.publish(
            topic, TwinMessages.error(eventId, clock.millis(), 404, unknown(deviceId)));
        return;
      }
      setState(d, state, false);
      ObjectNode result = TwinMessages.base(eventId, clock.millis());
      result.putObject("device").put("state", d.state).put("last_online", d.lastOnline);
      publisher.publish(topic, result);
    });
  }

  /** MQTT {@code $hw/events/node/<node>/membership/get}. */
  public void membershipGet(byte[] payload) {
    run(() -> {
      ObjectNode result = TwinMessages.base(TwinMessages.eventId(payload), clock.millis());
      ArrayNode list = result.putArray("devices");
      for (Dev d : devices.values()) {
        ObjectNode n = list.addObject();
        n.put("id", d.id);
        n.put("name", d.name);
        n.put("description", d.description);
        n.put("state", d.state);
        n.put("last_online", d.lastOnline);
        ObjectNode twin = n.putObject("twin");
        d.twins.values().forEach(t -> twin.set(t.name(), TwinMessages.msgTwin(t)));
      }
      publisher.publish(nodeTopic("/membership/get/result"), result);
    });
  }

  // ---------------------------------------------------------------- test access

  /** The twins of {@code deviceId} as they are now (empty map for an unknown device). */
  CompletableFuture<Map<String, Twin>> twinsOf(String deviceId) {
    return call(() -> {
      Dev d = devices.get(deviceId);
      return d == null ? Map.of() : Map.copyOf(d.twins);
    });
  }

  /** The state of {@code deviceId} ("" when none was reported, null for an unknown device). */
  CompletableFuture<String> stateOf(String deviceId) {
    return call(() -> {
      Dev d = devices.get(deviceId);
      return d == null ? null : d.state;
    });
  }

  // ---------------------------------------------------------------- on the devicetwin thread

  private void rebuild() {
    for (MetaStore.Entry e : meta.listByType(ResourceTypes.DEVICE_MODEL)) {
      readJson(e.value()).ifPresent(m -> models.put(keyOf(m), m));
    }
    Map<String, TwinStore.Stored> stored = store.loadAll();
    for (TwinStore.Stored s : stored.values()) {
      if (s.id().indexOf('/') < 1) {
        continue;
      }
      Dev d = new Dev(s.id());
      d.description = nullToEmpty(s.description());
      d.state = nullToEmpty(s.state());
      d.lastOnline = nullToEmpty(s.lastOnline());
      d.twins = new LinkedHashMap<>(s.twins());
      devices.put(d.id, d);
    }
    reconcileWithMeta();
  }

  /** Makes the devices those of {@code meta}: adds and updates them, drops the others. */
  private void reconcileWithMeta() {
    Set<String> seen = new HashSet<>();
    for (MetaStore.Entry e : meta.listByType(ResourceTypes.DEVICE)) {
      Optional<JsonNode> object = readJson(e.value());
      if (object.isEmpty() || !isForThisNode(object.get())) {
        continue;
      }
      String id = keyOf(object.get());
      seen.add(id);
      Dev d = devices.get(id);
      if (d == null || d.object == null || !d.object.equals(object.get())) {
        applyDevice(object.get());
      }
    }
    for (String id : List.copyOf(devices.keySet())) {
      if (!seen.contains(id)) {
        removeDevice(id);
      }
    }
  }

  private boolean isForThisNode(JsonNode device) {
    String node = device.path("spec").path("nodeName").asText("");
    return node.isEmpty() || node.equals(settings.nodeName());
  }

  private void applyChange(MetaManager.Change change) {
    String id = change.path().namespace() + "/" + change.path().name();
    boolean delete = Operations.DELETE.equals(change.operation()) || change.object() == null;
    if (ResourceTypes.DEVICE_MODEL.equals(change.path().type())) {
      if (delete) {
        models.remove(id);
        forMappers(m -> m.client.removeModel(change.path().namespace(), change.path().name()));
      } else {
        boolean known = models.containsKey(id);
        models.put(id, change.object());
        var model = DmiConversions.model(change.object());
        forMappers(m -> {
          if (known) {
            m.client.updateModel(model);
          } else {
            m.client.createModel(model);
          }
        });
        // types may have changed: re-read the devices of this model
        for (Dev d : List.copyOf(devices.values())) {
          if (d.object != null && d.modelKey().equals(id)) {
            applyDevice(d.object);
          }
        }
      }
      return;
    }
    if (delete || !isForThisNode(change.object())) {
      removeDevice(id);
    } else {
      applyDevice(change.object());
    }
  }

  private void forMappers(java.util.function.Consumer<Mapper> action) {
    for (Mapper m : mappers.values()) {
      action.accept(m);
    }
  }

  /** A cloud Device was inserted or updated (or read at start). */
  private void applyDevice(JsonNode object) {
    String id = keyOf(object);
    Dev d = devices.get(id);
    boolean isNew = d == null || d.object == null;
    String oldProtocol = d == null ? "" : d.protocol();
    if (d == null) {
      d = new Dev(id);
      devices.put(id, d);
    }
    d.object = object;
    d.description = object.path("metadata").path("annotations").path("description").asText("");
    long generation = Math.max(1, object.path("metadata").path("generation").asLong(1));
    Map<String, PropertyType> types = typesOf(d);
    Map<String, Twin> next = new LinkedHashMap<>();
    Map<String, Twin[]> changed = new LinkedHashMap<>();
    for (JsonNode p : object.path("spec").path("properties")) {
      String name = p.path("name").asText("");
      if (name.isEmpty()) {
        continue;
      }
      PropertyType type = types.getOrDefault(name, PropertyType.UNCHECKED);
      Twin before = d.twins.get(name);
      Twin t =
          (before == null ? Twin.empty(name, typeName(d, name)) : before)
              .withAttrType(typeName(d, name));
      JsonNode desired = p.path("desired").path("value");
      if (desired.isValueNode() && !desired.isNull()) {
        Twin.Applied applied = t.applyCloudDesired(desired.asText(), generation, type, clock);
        if (applied.outcome() == Twin.Outcome.REFUSED) {
          log.warn(
              "device {} property {}: {}; not pushed to the mapper",
              id,
              name,
              applied.twin().note());
        } else if (applied.outcome() == Twin.Outcome.CHANGED) {
          changed.put(name, new Twin[] {before, applied.twin()});
        }
        t = applied.twin();
      }
      next.put(name, t);
    }
    d.twins = next;
    save(d);
    Mapper old = oldProtocol.isEmpty() ? null : mappers.get(oldProtocol);
    if (!isNew && old != null && !oldProtocol.equals(d.protocol())) {
      old.client.removeDevice(d.namespace, d.name);
    }
    Mapper mapper = mappers.get(d.protocol());
    if (mapper != null) {
      var dmiDevice = toDmi(d);
      if (isNew || !oldProtocol.equals(d.protocol())) {
        JsonNode model = models.get(d.modelKey());
        if (model != null) {
          mapper.client.createModel(DmiConversions.model(model));
        }
        mapper.client.registerDevice(dmiDevice);
      } else {
        mapper.client.updateDevice(dmiDevice);
      }
    }
    if (!changed.isEmpty()) {
      String eventId = Message.newId();
      publisher.publish(
          deviceTopic(id, "/twin/update/document"),
          TwinMessages.document(eventId, clock.millis(), changed));
      publishDelta(d, eventId);
      submitTwins(d);
      flushSoon();
    }
  }

  private void removeDevice(String id) {
    Dev d = devices.remove(id);
    store.remove(id);
    if (d != null) {
      Mapper m = mappers.get(d.protocol());
      if (m != null) {
        m.client.removeDevice(d.namespace, d.name);
      }
    }
  }

  private void localTwinUpdate(String deviceId, byte[] payload) {
    String resultTopic = deviceTopic(deviceId, "/twin/update/result");
    String eventId = TwinMessages.eventId(payload);
    TwinMessages.TwinUpdate update;
    try {
      update = TwinMessages.parseTwinUpdate(payload);
    } catch (TwinMessages.BadPayload e) {
      publisher.publish(
          resultTopic, TwinMessages.error(eventId, clock.millis(), 400, e.getMessage()));
      return;
    }
    Dev d = devices.get(deviceId);
    if (d == null) {
      publisher.publish(
          resultTopic, TwinMessages.error(eventId, clock.millis(), 404, unknown(deviceId)));
      return;
    }
    Map<String, PropertyType> types = typesOf(d);
    for (var e : update.twin().entrySet()) {
      String name = e.getKey();
      if (!d.twins.containsKey(name)) {
        publisher.publish(
            resultTopic,
            TwinMessages.error(
                eventId,
                clock.millis(),
                400,
                "device " + deviceId + " has no property \"" + name + "\""));
        return;
      }
      PropertyType type = types.getOrDefault(name, PropertyType.UNCHECKED);
      for (Optional<String> v : List.of(e.getValue().expected(), e.getValue().actual())) {
        Optional<String> problem = v.flatMap(type::problem);
        if (problem.isPresent()) {
          publisher.publish(
              resultTopic,
              TwinMessages.error(
                  eventId, clock.millis(), 400, "property \"" + name + "\": " + problem.get()));
          return;
        }
      }
    }
    Map<String, Twin[]> changed = new LinkedHashMap<>();
    boolean desiredChanged = false;
    for (var e : update.twin().entrySet()) {
      Twin before = d.twins.get(e.getKey());
      Twin t = before;
      if (e.getValue().expected().isPresent()) {
        t = t.applyLocalDesired(e.getValue().expected().get(), clock);
        desiredChanged = true;
      }
      if (e.getValue().actual().isPresent()) {
        t = t.applyReported(e.getValue().actual().get(), clock);
      }
      d.twins.put(t.name(), t);
      changed.put(t.name(), new Twin[] {before, t});
    }
    save(d);
    List<Twin> updated = changed.values().stream().map(pair -> pair[1]).toList();
    publisher.publish(resultTopic, TwinMessages.twins(update.eventId(), clock.millis(), updated));
    afterTwinChange(d, changed);
    if (desiredChanged) {
      Mapper m = mappers.get(d.protocol());
      if (m != null && d.object != null) {
        m.client.updateDevice(toDmi(d));
      }
    }
  }

  private void afterTwinChange(Dev d, Map<String, Twin[]> changed) {
    String eventId = Message.newId();
    publisher.publish(
        deviceTopic(d.id, "/twin/update/document"),
        TwinMessages.document(eventId, clock.millis(), changed));
    publishDelta(d, eventId);
    submitTwins(d);
    flushSoon();
  }

  private void publishDelta(Dev d, String eventId) {
    TwinMessages.delta(eventId, clock.millis(), d.twins.values())
        .ifPresent(delta -> publisher.publish(deviceTopic(d.id, "/twin/update/delta"), delta));
  }

  private void reportStatus(ReportDeviceStatusRequest request) throws io.grpc.StatusException {
    String id = request.getDeviceNamespace() + "/" + request.getDeviceName();
    Dev d = devices.get(id);
    if (d == null) {
      throw Status.NOT_FOUND.withDescription(unknown(id)).asException();
    }
    Mapper m = mappers.get(d.protocol());
    if (m != null) {
      m.lastSeenMillis = clock.millis();
      m.reportCycleMillis =
          Math.max(m.reportCycleMillis, request.getReportedDevice().getReportCycle());
      m.dead = false;
    }
    if (d.offlineByEdge) {
      setState(d, ONLINE, false);
    }
    Map<String, PropertyType> types = typesOf(d);
    Map<String, Twin[]> changed = new LinkedHashMap<>();
    for (var reported : request.getReportedDevice().getTwinsList()) {
      String name = reported.getPropertyName();
      Twin before = d.twins.get(name);
      if (before == null || !reported.hasReported()) {
        continue;
      }
      String value = reported.getReported().getValue();
      String error = reported.getReported().getMetadataMap().getOrDefault("error", "");
      String actual = before.actual();
      // a failed read carries the last good value, or "" when there was none: nothing to check
      if (error.isEmpty() || !value.isEmpty()) {
        Optional<String> problem = types.getOrDefault(name, PropertyType.UNCHECKED).problem(value);
        if (problem.isPresent()) {
          log.warn("device {} property {}: reported {}; ignored", id, name, problem.get());
          if (error.isEmpty()) {
            continue;
          }
        } else {
          actual = value;
        }
      }
      if (Objects.equals(actual, before.actual()) && error.equals(before.actualError())) {
        continue;
      }
      Twin t = before.applyReport(actual, error, clock);
      d.twins.put(name, t);
      changed.put(name, new Twin[] {before, t});
    }
    if (!changed.isEmpty()) {
      save(d);
      afterTwinChange(d, changed);
    }
  }

  private void reportStates(ReportDeviceStatesRequest request) throws io.grpc.StatusException {
    String id = request.getDeviceNamespace() + "/" + request.getDeviceName();
    Dev d = devices.get(id);
    if (d == null) {
      throw Status.NOT_FOUND.withDescription(unknown(id)).asException();
    }
    if (request.getState().isBlank()) {
      throw Status.INVALID_ARGUMENT.withDescription("no state given for " + id).asException();
    }
    Mapper m = mappers.get(d.protocol());
    if (m != null) {
      m.lastSeenMillis = clock.millis();
      m.dead = false;
    }
    setState(d, request.getState(), false);
  }

  private MapperRegisterResponse register(MapperRegisterRequest request) {
    var info = request.getMapper();
    String protocol = info.getProtocol();
    String address = info.getAddress().toString(StandardCharsets.UTF_8);
    if (protocol.isBlank() || address.isBlank()) {
      throw Status.INVALID_ARGUMENT
          .withDescription("MapperRegister needs mapper.protocol and mapper.address")
          .asRuntimeException();
    }
    Mapper previous = mappers.remove(protocol);
    if (previous != null) {
      previous.client.close();
    }
    MapperClient client =
        new MapperClient(
            protocol,
            address,
            dmiClientThread,
            settings.dmiDeadline(),
            reason -> run(() -> mapperFailed(protocol, reason)),
            () -> {});
    mappers.put(protocol, new Mapper(client, clock.millis()));
    log.info(
        "mapper {} ({} {}) registered for protocol {} at {}",
        info.getName(),
        info.getVersion(),
        info.getApiVersion(),
        protocol,
        address);
    MapperRegisterResponse.Builder response = MapperRegisterResponse.newBuilder();
    if (request.getWithData()) {
      Set<String> modelKeys = new HashSet<>();
      for (Dev d : devices.values()) {
        if (d.object != null && protocol.equals(d.protocol())) {
          response.addDeviceList(toDmi(d));
          modelKeys.add(d.modelKey());
        }
      }
      for (String key : modelKeys) {
        JsonNode model = models.get(key);
        if (model != null) {
          response.addModelList(DmiConversions.model(model));
        }
      }
    }
    return response.build();
  }

  private void mapperFailed(String protocol, String reason) {
    Mapper m = mappers.get(protocol);
    if (m == null) {
      return;
    }
    markOffline(protocol, m, "a DMI call failed (" + reason + ")");
  }

  private void checkMappers() {
    long now = clock.millis();
    for (var e : mappers.entrySet()) {
      Mapper m = e.getValue();
      long cycle = m.reportCycleMillis;
      boolean serves = false;
      for (Dev d : devices.values()) {
        if (e.getKey().equals(d.protocol())) {
          cycle = Math.max(cycle, d.maxReportCycleMillis());
          serves = true;
        }
      }
      if (!serves) {
        // a mapper with no device of this node has nothing to report: silence is not death
        m.lastSeenMillis = now;
        continue;
      }
      long silence = Math.max(settings.minSilence().toMillis(), 3 * cycle);
      if (!m.dead && now - m.lastSeenMillis > silence) {
        markOffline(
            e.getKey(),
            m,
            "no report for " + Duration.ofMillis(now - m.lastSeenMillis).toSeconds() + " s");
      }
    }
  }

  private void markOffline(String protocol, Mapper m, String why) {
    if (!m.dead) {
      log.warn("mapper for protocol {} seems dead: {}; its devices are offline", protocol, why);
    }
    m.dead = true;
    for (Dev d : devices.values()) {
      if (protocol.equals(d.protocol()) && !OFFLINE.equals(d.state)) {
        setState(d, OFFLINE, true);
      }
    }
  }

  private void setState(Dev d, String state, boolean byEdge) {
    d.offlineByEdge = byEdge;
    if (state.equals(d.state)) {
      return;
    }
    d.state = state;
    if (ONLINE.equalsIgnoreCase(state)) {
      d.lastOnline = Instant.ofEpochMilli(clock.millis()).toString();
    }
    save(d);
    submitState(d);
    flushSoon();
  }

  private void submitTwins(Dev d) {
    ObjectNode content = TwinMessages.twins(Message.newId(), clock.millis(), d.twins.values());
    Message m =
        Message.create(
            clock,
            new Route(
                SOURCE,
                "",
                Groups.TWIN,
                Operations.UPDATE,
                "device/" + d.id + "/twin/edge_updated"),
            content);
    outbox.submit(m, "twin/" + d.id);
  }

  private void submitState(Dev d) {
    Message m =
        Message.create(
            clock,
            new Route(
                SOURCE, "", Groups.TWIN, Operations.UPDATE, "device/" + d.id + "/state/update"),
            TextNode.valueOf(
                TwinMessages.stateReport(Message.newId(), clock.millis(), d.state, d.lastOnline)));
    outbox.submit(m, "state/" + d.id);
  }

  private void flushSoon() {
    if (connected.getAsBoolean() && flushQueued.compareAndSet(false, true)) {
      try {
        upstreamThread.execute(() -> {
          flushQueued.set(false);
          outbox.flush();
        });
      } catch (RejectedExecutionException e) {
        flushQueued.set(false);
      }
    }
  }

  private void save(Dev d) {
    store.save(new TwinStore.Stored(d.id, d.name, d.description, d.state, d.lastOnline, d.twins));
  }

  private org.kubeedgejava.dmi.v1beta1.Device toDmi(Dev d) {
    return DmiConversions.device(
        d.object,
        name -> {
          Twin t = d.twins.get(name);
          return t == null ? null : t.expected();
        });
  }

  private Map<String, PropertyType> typesOf(Dev d) {
    Map<String, PropertyType> out = new HashMap<>();
    declaredTypes(d).forEach((name, type) -> out.put(name, PropertyType.of(type)));
    return out;
  }

  private String typeName(Dev d, String property) {
    return declaredTypes(d).getOrDefault(property, "").toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Property name → type as written: the DeviceModel's; while the model has not arrived (apply
   * order is not guaranteed), the Device's {@code desired.metadata.type}, else STRING, as the
   * mapper SDK does.
   */
  private Map<String, String> declaredTypes(Dev d) {
    Map<String, String> out = new HashMap<>();
    JsonNode model = models.get(d.modelKey());
    if (model != null) {
      for (JsonNode p : model.path("spec").path("properties")) {
        out.put(p.path("name").asText(""), p.path("type").asText(""));
      }
    } else if (d.object != null) {
      for (JsonNode p : d.object.path("spec").path("properties")) {
        String type = p.path("desired").path("metadata").path("type").asText("");
        out.put(p.path("name").asText(""), type.isBlank() ? "STRING" : type);
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- helpers

  private String deviceTopic(String deviceId, String suffix) {
    return "$hw/events/device/" + deviceId + suffix;
  }

  private String nodeTopic(String suffix) {
    return "$hw/events/node/" + settings.nodeName() + suffix;
  }

  private static String unknown(String id) {
    return "device " + id + " is not on this node";
  }

  private static String keyOf(JsonNode object) {
    JsonNode meta = object.path("metadata");
    return meta.path("namespace").asText("default") + "/" + meta.path("name").asText("");
  }

  private static String nullToEmpty(String s) {
    return s == null ? "" : s;
  }

  private static Optional<JsonNode> readJson(String json) {
    try {
      JsonNode n = TwinMessages.JSON.readTree(json);
      return n != null && n.isObject() ? Optional.of(n) : Optional.empty();
    } catch (IOException e) {
      log.warn("devicetwin: an unreadable object in the store: {}", e.getMessage());
      return Optional.empty();
    }
  }

  private void run(Runnable work) {
    try {
      thread.execute(() -> {
        try {
          work.run();
        } catch (RuntimeException e) {
          log.error("devicetwin failed", e);
        }
      });
    } catch (RejectedExecutionException e) {
      log.debug("devicetwin is stopped; dropped an event");
    }
  }

  private <T> CompletableFuture<T> call(Callable<T> work) {
    CompletableFuture<T> f = new CompletableFuture<>();
    try {
      thread.execute(() -> {
        try {
          f.complete(work.call());
        } catch (Exception e) {
          f.completeExceptionally(e);
        }
      });
    } catch (RejectedExecutionException e) {
      f.completeExceptionally(e);
    }
    return f;
  }

  /** DMI server requests, answered on the devicetwin thread. */
  private final class Handler implements DmiServer.Handler {
    @Override
    public CompletableFuture<MapperRegisterResponse> register(MapperRegisterRequest request) {
      return call(() -> DeviceTwin.this.register(request));
    }

    @Override
    public CompletableFuture<Void> reportStatus(ReportDeviceStatusRequest request) {
      return call(() -> {
        DeviceTwin.this.reportStatus(request);
        return null;
      });
    }

    @Override
    public CompletableFuture<Void> reportStates(ReportDeviceStatesRequest request) {
      return call(() -> {
        DeviceTwin.this.reportStates(request);
        return null;
      });
    }
  }

  @Override
  public void close() {
    if (dmi != null) {
      dmi.close();
    }
    if (dmiServerExecutor != null) {
      dmiServerExecutor.shutdownNow();
    }
    thread.shutdown();
    try {
      thread.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    thread.shutdownNow();
    for (Mapper m : new ArrayList<>(mappers.values())) {
      m.client.close();
    }
    dmiClientThread.shutdownNow();
    upstreamThread.shutdownNow();
    store.close();
  }
}
