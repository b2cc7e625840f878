package org.kubeedgejava.mapper;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.kubeedgejava.dmi.v1beta1.Twin;
import org.kubeedgejava.dmi.v1beta1.TwinProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one device: connects its driver, reads each property every collect cycle, reports each
 * property every report cycle, writes desired values, and reconnects with back-off after an I/O
 * failure.
 *
 * <p>Threading: everything that touches the driver or the mutable fields below runs on the device's
 * own single (virtual) thread, the {@code loop}; public methods only post work to it. A slow or
 * dead device therefore blocks only itself. {@link #twins} and {@link #state} are published for
 * {@code GetDevice} from that thread and safe to read from any.
 */
final class DeviceRunner {
  private static final Logger log = LoggerFactory.getLogger(DeviceRunner.class);
  private static final Duration STOP_WAIT = Duration.ofSeconds(5);

  private final DeviceConfig config;
  private final DeviceDriver driver;
  private final Reporter reporter;
  private final MapperConfig settings;
  private final RandomGenerator random;
  private final ScheduledExecutorService loop;

  // --- only touched on loop ---
  private final Map<String, PropertyState> properties = new HashMap<>();
  private final List<ScheduledFuture<?>> cycles = new ArrayList<>();
  private boolean connected;
  private int reconnectAttempt;
  private boolean stopped;
  private DeviceState lastReportedState;

  // --- published for readers on other threads ---
  private final Map<String, Twin> twins = new ConcurrentHashMap<>();
  private volatile DeviceState state = DeviceState.UNKNOWN;

  /** What the loop knows about one property. */
  private static final class PropertyState {
    final PropertyConfig config;
    String value; // last value read, as its wire string; null before the first read
    long readAt; // unix ms of that read
    String readError; // why the last read failed, null when it succeeded
    String desired; // the wanted value, null when none
    String written; // the last desired value written to the device
    String attempted; // the last desired value refused for good (bad value, ReadOnly, protocol)
    String desiredError;
    long desiredAt;

    PropertyState(PropertyConfig config) {
      this.config = config;
      this.desired = config.desired().orElse(null);
    }
  }

  /**
   * @param written the desired values a previous runner of this device already wrote, by property,
   *     so a restart does not write them again
   */
  DeviceRunner(
      DeviceConfig config,
      DeviceDriver driver,
      Reporter reporter,
      MapperConfig settings,
      RandomGenerator random,
      Map<String, String> written) {
    this.config = config;
    this.driver = driver;
    this.reporter = reporter;
    this.settings = settings;
    this.random = random;
    for (PropertyConfig p : config.properties()) {
      PropertyState s = new PropertyState(p);
      s.written = written.get(p.name());
      properties.put(p.name(), s);
    }
    this.loop =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("device-" + config.id()).factory());
  }

  DeviceConfig config() {
    return config;
  }

  DeviceState state() {
    return state;
  }

  /** The latest twin of each property that has one. */
  List<Twin> twins() {
    return List.copyOf(twins.values());
  }

  void start() {
    post(this::connect);
  }

  /** New desired values (property → value; a property absent has none). */
  void desire(Map<String, Optional<String>> desired) {
    post(() -> {
      desired.forEach((name, value) -> {
        PropertyState s = properties.get(name);
        if (s != null) {
          s.desired = value.orElse(null);
        }
      });
      if (connected) {
        applyDesired();
      }
    });
  }

  /** Sends the state again (edgecore restarted and forgot it). */
  void resendState() {
    post(() -> reportState(true));
  }

  /**
   * Stops the cycles, disconnects the driver and returns the desired values it wrote (for the
   * runner that replaces this one). Waits at most a few seconds for a device call in progress.
   */
  Map<String, String> stop() {
    var written = new java.util.concurrent.CompletableFuture<Map<String, String>>();
    try {
      loop.execute(() -> {
        stopped = true;
        cancelCycles();
        driver.disconnect();
        Map<String, String> out = new HashMap<>();
        properties.forEach((name, s) -> {
          if (s.written != null) {
            out.put(name, s.written);
          }
        });
        written.complete(out);
      });
      loop.shutdown();
      return written.get(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      log.warn("device {} did not stop within {}; abandoning it", config.id(), STOP_WAIT);
      loop.shutdownNow();
      return Map.of();
    }
  }

  private void post(Runnable task) {
    try {
      loop.execute(guarded(task));
    } catch (RejectedExecutionException stoppedAlready) {
      // the device was removed meanwhile
    }
  }

  private Runnable guarded(Runnable task) {
    return () -> {
      if (stopped) {
        return;
      }
      try {
        task.run();
      } catch (RuntimeException e) {
        log.error("device {}: unexpected error", config.id(), e);
      }
    };
  }

  private void schedule(Runnable task, Duration delay) {
    try {
      cycles.add(loop.schedule(guarded(task), delay.toMillis(), TimeUnit.MILLISECONDS));
    } catch (RejectedExecutionException stoppedAlready) {
      // removed
    }
  }

  private void connect() {
    try {
      driver.connect();
    } catch (IOException | RuntimeException e) {
      Duration wait = settings.reconnectBackoff().delay(reconnectAttempt++, random);
      log.warn(
          "device {}: cannot connect ({}); retrying in {} ms",
          config.id(),
          e.getMessage(),
          wait.toMillis());
      setState(DeviceState.OFFLINE);
      schedule(this::connect, wait);
      return;
    }
    log.info("device {}: online", config.id());
    connected = true;
    reconnectAttempt = 0;
    setState(DeviceState.ONLINE);
    applyDesired();
    for (PropertyState s : properties.values()) {
      if (!connected) {
        return; // a desired write found the device gone
      }
      cycles.add(
          loop.scheduleWithFixedDelay(
              guarded(() -> collect(s)),
              0,
              s.config.collectCycle().toMillis(),
              TimeUnit.MILLISECONDS));
      cycles.add(
          loop.scheduleAtFixedRate(
              guarded(() -> report(s)),
              s.config.reportCycle().toMillis(),
              s.config.reportCycle().toMillis(),
              TimeUnit.MILLISECONDS));
    }
  }

  /** The device stopped answering: drop everything and reconnect after a back-off. */
  private void lost(IOException cause) {
    if (!connected) {
      return;
    }
    connected = false;
    cancelCycles();
    driver.disconnect();
    Duration wait = settings.reconnectBackoff().delay(reconnectAttempt++, random);
    log.warn(
        "device {}: offline ({}); reconnecting in {} ms",
        config.id(),
        cause.getMessage(),
        wait.toMillis());
    setState(DeviceState.OFFLINE);
    schedule(this::connect, wait);
  }

  private void cancelCycles() {
    cycles.forEach(f -> f.cancel(false));
    cycles.clear();
  }

  private void collect(PropertyState s) {
    if (!connected) {
      return;
    }
    try {
      Object raw = driver.read(s.config);
      s.value = s.config.type().format(raw);
      s.readError = null;
    } catch (IOException e) {
      lost(e);
      return;
    } catch (DeviceException e) {
      readFailed(s, e.getMessage());
    } catch (RuntimeException e) {
      readFailed(s, "read failed: " + e);
    }
    s.readAt = settings.clock().millis();
    publish(s);
  }

  private void readFailed(PropertyState s, String why) {
    if (!why.equals(s.readError)) {
      log.warn("device {} property {}: {}", config.id(), s.config.name(), why);
    }
    s.readError = why;
  }

  private void report(PropertyState s) {
    Twin twin = twins.get(s.config.name());
    if (twin != null && connected) {
      reporter.status(config.namespace(), config.name(), List.of(twin));
    }
  }

  private void applyDesired() {
    for (PropertyState s : properties.values()) {
      if (!connected) {
        return;
      }
      String want = s.desired;
      if (want == null || want.equals(s.written) || want.equals(s.attempted)) {
        continue;
      }
      write(s, want);
    }
  }

  private void write(PropertyState s, String want) {
    s.desiredAt = settings.clock().millis();
    Object value;
    try {
      value = s.config.type().parseValue(want);
    } catch (IllegalArgumentException e) {
      refuse(s, want, "desired value rejected: " + e.getMessage());
      return;
    }
    if (s.config.accessMode() == AccessMode.READ_ONLY) {
      refuse(s, want, "desired value not written: property is ReadOnly");
      return;
    }
    try {
      driver.write(s.config, value);
    } catch (IOException e) {
      lost(e); // written again after the reconnect
      return;
    } catch (DeviceException e) {
      refuse(s, want, "desired value not written: " + e.getMessage());
      return;
    } catch (RuntimeException e) {
      refuse(s, want, "desired value not written: " + e);
      return;
    }
    log.info("device {} property {}: wrote desired value {}", config.id(), s.config.name(), want);
    s.written = want;
    s.attempted = null;
    s.desiredError = null;
    collect(s); // read back, so the twin converges now rather than next cycle
    report(s);
  }

  private void refuse(PropertyState s, String want, String why) {
    log.warn("device {} property {}: {}", config.id(), s.config.name(), why);
    s.attempted = want;
    s.desiredError = why;
    publish(s);
    report(s);
  }

  /** Builds the property's twin from what the loop knows and publishes it for reports. */
  private void publish(PropertyState s) {
    Twin.Builder twin = Twin.newBuilder().setPropertyName(s.config.name());
    if (s.value != null || s.readError != null) {
      TwinProperty.Builder reported =
          TwinProperty.newBuilder()
              .setValue(s.value == null ? "" : s.value)
              .putMetadata("timestamp", Long.toString(s.readAt))
              .putMetadata("type", s.config.modelType());
      if (s.readError != null) {
        reported.putMetadata("error", s.readError);
      }
      twin.setReported(reported);
    }
    if (s.desired != null) {
      TwinProperty.Builder observed =
          TwinProperty.newBuilder()
              .setValue(s.desired)
              .putMetadata("timestamp", Long.toString(Math.max(s.desiredAt, s.readAt)))
              .putMetadata("type", s.config.modelType());
      if (s.desiredError != null && s.desired.equals(s.attempted)) {
        observed.putMetadata("error", s.desiredError);
      }
      twin.setObservedDesired(observed);
    }
    if (twin.hasReported() || twin.hasObservedDesired()) {
      twins.put(s.config.name(), twin.build());
    }
  }

  private void setState(DeviceState next) {
    state = next;
    reportState(false);
  }

  private void reportState(boolean again) {
    DeviceState now = state;
    if (now == DeviceState.UNKNOWN || (!again && now == lastReportedState)) {
      return;
    }
    if (reporter.state(config.namespace(), config.name(), now.wire())) {
      lastReportedState = now;
    }
  }
}
