package org.kubeedgejava.mapper;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import org.kubeedgejava.dmi.v1beta1.Device;
import org.kubeedgejava.dmi.v1beta1.DeviceModel;
import org.kubeedgejava.dmi.v1beta1.DeviceStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The devices and models edgecore gave this mapper, and a {@link DeviceRunner} for each device.
 *
 * <p>A device whose configuration changes (protocol, visitors, cycles, its model) gets a new
 * runner; one whose desired values alone change keeps its runner and connection and is told the new
 * values.
 *
 * <p>Threading: all methods are synchronized (gRPC calls from edgecore and the registration loop
 * arrive on different threads); runners do their work on their own threads, so holding the lock
 * costs at most a runner's stop.
 */
final class DeviceCatalog {
  private static final Logger log = LoggerFactory.getLogger(DeviceCatalog.class);

  private final DriverFactory factory;
  private final Reporter reporter;
  private final MapperConfig settings;
  private final RandomGenerator random;

  private final Map<String, DeviceModel> models = new HashMap<>(); // by namespace/name
  private final Map<String, Device> devices = new HashMap<>(); // by namespace/name
  private final Map<String, DeviceRunner> runners = new HashMap<>(); // by namespace/name

  DeviceCatalog(
      DriverFactory factory, Reporter reporter, MapperConfig settings, RandomGenerator random) {
    this.factory = factory;
    this.reporter = reporter;
    this.settings = settings;
    this.random = random;
  }

  private static String key(String namespace, String name) {
    return namespace + "/" + name;
  }

  /**
   * Adds or updates a device and (re)starts it.
   *
   * @throws IllegalArgumentException when its configuration is invalid; nothing changes then
   */
  synchronized void putDevice(Device device) {
    if (device.getName().isEmpty()) {
      throw new IllegalArgumentException("the device has no name");
    }
    String protocol = device.getSpec().getProtocol().getProtocolName();
    if (!protocol.isEmpty() && !protocol.equals(factory.protocol())) {
      throw new IllegalArgumentException(
          "device "
              + key(device.getNamespace(), device.getName())
              + " uses protocol "
              + protocol
              + "; this mapper serves "
              + factory.protocol());
    }
    DeviceConfig config = DeviceConfigs.of(device, model(device));
    DeviceDriver driver = factory.create(config);
    String key = config.id();
    devices.put(key, device);
    DeviceRunner running = runners.get(key);
    if (running != null && running.config().withoutDesired().equals(config.withoutDesired())) {
      Map<String, Optional<String>> desired = new HashMap<>();
      config.properties().forEach(p -> desired.put(p.name(), p.desired()));
      running.desire(desired);
      return;
    }
    Map<String, String> written = running == null ? Map.of() : running.stop();
    DeviceRunner runner = new DeviceRunner(config, driver, reporter, settings, random, written);
    runners.put(key, runner);
    log.info(
        "device {}: {} with {} properties",
        key,
        running == null ? "started" : "restarted",
        config.properties().size());
    runner.start();
  }

  synchronized void removeDevice(String namespace, String name) {
    String key = key(namespace, name);
    devices.remove(key);
    DeviceRunner runner = runners.remove(key);
    if (runner != null) {
      runner.stop();
      log.info("device {}: removed", key);
    }
  }

  /** Adds or updates a model and restarts the devices that use it. */
  synchronized void putModel(DeviceModel model) {
    String key = key(model.getNamespace(), model.getName());
    DeviceModel before = models.put(key, model);
    if (!model.equals(before)) {
      restartUsersOf(model.getNamespace(), model.getName());
    }
  }

  synchronized void removeModel(String namespace, String name) {
    if (models.remove(key(namespace, name)) != null) {
      restartUsersOf(namespace, name);
    }
  }

  /**
   * Makes the catalog exactly what edgecore sent on registration: models and devices not in the
   * lists are removed, the rest put. A device with a bad configuration is logged and skipped.
   */
  synchronized void replaceAll(List<DeviceModel> newModels, List<Device> newDevices) {
    models.clear();
    newModels.forEach(m -> models.put(key(m.getNamespace(), m.getName()), m));
    Set<String> keep = new HashSet<>();
    for (Device d : newDevices) {
      keep.add(key(d.getNamespace(), d.getName()));
      try {
        putDevice(d);
      } catch (IllegalArgumentException e) {
        log.error("edgecore sent a device this mapper cannot run: {}", e.getMessage());
      }
    }
    for (String key : new ArrayList<>(devices.keySet())) {
      if (!keep.contains(key)) {
        Device d = devices.get(key);
        removeDevice(d.getNamespace(), d.getName());
      }
    }
    runners.values().forEach(DeviceRunner::resendState);
  }

  /** The device as edgecore gave it, with the mapper's latest twins and state as its status. */
  synchronized Optional<Device> device(String namespace, String name) {
    String key = key(namespace, name);
    Device device = devices.get(key);
    if (device == null) {
      return Optional.empty();
    }
    DeviceRunner runner = runners.get(key);
    if (runner == null) {
      return Optional.of(device);
    }
    return Optional.of(
        device.toBuilder()
            .setStatus(DeviceStatus.newBuilder().addAllTwins(runner.twins()))
            .build());
  }

  /** The state of a running device. */
  synchronized Optional<DeviceState> state(String namespace, String name) {
    return Optional.ofNullable(runners.get(key(namespace, name))).map(DeviceRunner::state);
  }

  synchronized void stopAll() {
    runners.values().forEach(DeviceRunner::stop);
    runners.clear();
  }

  private Optional<DeviceModel> model(Device device) {
    return Optional.ofNullable(
        models.get(key(device.getNamespace(), device.getSpec().getDeviceModelReference())));
  }

  private void restartUsersOf(String namespace, String model) {
    for (Device d : new ArrayList<>(devices.values())) {
      if (d.getNamespace().equals(namespace)
          && d.getSpec().getDeviceModelReference().equals(model)) {
        try {
          putDevice(d);
        } catch (IllegalArgumentException e) {
          log.error("model {}/{} changed: {}", namespace, model, e.getMessage());
        }
      }
    }
  }
}
