package org.kubeedgejava.bench.devices;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.kubeedgejava.cloudcore.CloudCore;
import org.kubeedgejava.config.cloudcore.CloudCoreConfig;
import org.kubeedgejava.config.edgecore.DeviceTwin;
import org.kubeedgejava.config.edgecore.EdgeCoreConfig;
import org.kubeedgejava.config.edgecore.EdgeCoreModules;
import org.kubeedgejava.edgecore.EdgeCore;
import org.kubeedgejava.mapper.Backoff;
import org.kubeedgejava.mapper.Mapper;
import org.kubeedgejava.mapper.MapperConfig;
import org.kubeedgejava.mapper.modbus.ModbusDrivers;
import org.kubeedgejava.testing.FreePorts;
import org.kubeedgejava.testing.LocalMosquitto;
import org.kubeedgejava.testing.RepoRoot;
import org.kubeedgejava.testing.SimulatedPlc;

/**
 * The device path's latencies and throughput on one edge node, with the parts DeviceEndToEndIT
 * assembles: the control plane (separate processes, started by the script) with the device CRDs,
 * cloudcore and edgecore in this JVM over the real tunnel (edged disabled), Mosquitto as the node's
 * broker, the Modbus mapper over DMI and a pymodbus PLC.
 *
 * <ol>
 *   <li><b>report → status</b>: an app publishes {@code …/twin/update} with a new {@code actual}
 *       value (QoS 1) at a fixed rate; a watch on the Device records when {@code
 *       .status.twins[].reported.value} first shows it. Also when the edge's {@code
 *       …/twin/update/result} for it arrived (the edge has stored it).
 *   <li><b>desired → register</b>: a JSON patch of {@code spec.properties[0].desired.value}
 *       (fabric8, then a few with the kubectl binary); a Modbus client polling the PLC's register
 *       every 5 ms records when it holds the value.
 *   <li><b>sustained twin updates</b>: N devices without a mapper, each with its own publisher loop
 *       keeping at most W updates outstanding (an update is done when its {@code result} arrives);
 *       the rate of results, then whether every device's edge twin and cloud status end at its last
 *       published value.
 * </ol>
 *
 * <p>Usage: {@code DeviceTwinBench <kubeconfig> <kubectl>}; settings as system properties (see
 * {@code bench/device-twin.sh}). Times are {@link System#nanoTime} in this JVM: publisher, watcher,
 * patcher and prober share one clock.
 */
public final class DeviceTwinBench {
  private static final String NODE = "bench-devices";
  private static final String NS = "device-twin-bench";
  private static final String DEVICES = "devices.kubeedge.io/v1beta1";
  private static final String PLC_DEVICE = "plc-line3-temp";
  private static final int REGISTER = 100;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final KubernetesClient kube;
  private final Path kubeconfig;
  private final String kubectl;
  private final Path dir;
  private final PrometheusRegistry cloudMetrics = new PrometheusRegistry();
  private CloudCore cloud;
  private EdgeCore edge;
  private LocalMosquitto mqtt;
  private SimulatedPlc plc;
  private Mapper mapper;
  private MqttAsyncClient app;
  private MqttAsyncClient results;

  /** {@code …/twin/update/result} arrivals by event id: receive time, and whether it had a code. */
  private final Map<String, Long> resultAt = new ConcurrentHashMap<>();

  private final AtomicLong resultErrors = new AtomicLong();
  private volatile LoadRun load; // the throughput run's bookkeeping, while it runs

  private DeviceTwinBench(KubernetesClient kube, Path kubeconfig, String kubectl, Path dir) {
    this.kube = kube;
    this.kubeconfig = kubeconfig;
    this.kubectl = kubectl;
    this.dir = dir;
  }

  public static void main(String[] args) throws Exception {
    Path kubeconfig = Path.of(args[0]);
    String kubectl = args.length > 1 ? args[1] : "kubectl";
    Path dir = Files.createTempDirectory("device-twin-bench");
    try (KubernetesClient kube =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(kubeconfig.toFile()))
            .build()) {
      DeviceTwinBench bench = new DeviceTwinBench(kube, kubeconfig, kubectl, dir);
      try {
        bench.setUp();
        bench.reportToStatus(
            Integer.getInteger("reportWarmup", 30),
            Integer.getInteger("reportSamples", 200),
            Double.parseDouble(System.getProperty("reportRate", "5")));
        bench.desiredToRegister(
            Integer.getInteger("desiredWarmup", 5),
            Integer.getInteger("desiredSamples", 100),
            Integer.getInteger("kubectlSamples", 10));
        bench.sustained(
            Integer.getInteger("loadDevices", 50),
            Integer.getInteger("loadSeconds", 30),
            Integer.getInteger("loadWindow", 2));
      } finally {
        bench.tearDown();
      }
    }
    System.exit(0); // Paho and gRPC leave non-daemon threads behind
  }

  // ---------------------------------------------------------------- set-up

  private void setUp() throws Exception {
    installCrds();
    if (kube.namespaces().withName(NS).get() != null) {
      kube.namespaces().withName(NS).delete();
      waitFor("the old namespace gone", 120, () -> kube.namespaces().withName(NS).get() == null);
    }
    kube.namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build())
        .create();
    plc = SimulatedPlc.start(FreePorts.pick(1)[0], Map.of(REGISTER, 734), dir.resolve("plc.log"));
    mqtt = LocalMosquitto.start(dir.resolve("mosquitto"));
    int[] ports = FreePorts.pick(3);
    Clock clock = Clock.systemUTC();
    cloud =
        CloudCore.start(
            CloudCoreConfig.defaults()
                .withAdvertiseAddresses("127.0.0.1")
                .withKubeConfig(kubeconfig.toAbsolutePath().toString())
                .withWebSocketPort(ports[0])
                .withHttpsPort(ports[1])
                .withMonitorBindAddress("127.0.0.1:" + ports[2]),
            clock,
            cloudMetrics);
    EdgeCoreConfig base =
        EdgeCoreConfig.defaults()
            .withNodeName(NODE)
            .withCloudCore("127.0.0.1", ports[0], ports[1])
            .withToken(joinToken())
            .withTlsFiles(
                dir.resolve("edge/ca.crt").toString(),
                dir.resolve("edge/server.crt").toString(),
                dir.resolve("edge/server.key").toString())
            .withDataSource(dir.resolve("edge/edgecore.db").toString())
            .withHeartbeat(Duration.ofSeconds(2));
    EdgeCoreModules m = base.modules();
    base =
        base.withModules(
            new EdgeCoreModules(
                m.edged(),
                m.edgeHub(),
                m.eventBus(),
                m.metaManager(),
                new DeviceTwin(m.deviceTwin().enable(), dir.resolve("edge/dmi.sock").toString())));
    EdgeCoreConfig config =
        EdgeCoreConfig.loader()
            .withAssignments(
                base,
                List.of(
                    "modules.eventBus.mqttServerExternal=" + mqtt.url(),
                    "modules.edged.enable=false"));
    edge = EdgeCore.start(config, clock, new PrometheusRegistry());
    waitFor("the node's tunnel", 30, () -> cloud.sessions().get(NODE).isPresent());
    mapper =
        Mapper.start(
            MapperConfig.defaults("modbus", "bench")
                .withSockets(
                    dir.resolve("modbus.sock"), config.modules().deviceTwin().dmiSockPath())
                .withBackoff(
                    new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1)),
                    new Backoff(Duration.ofMillis(200), Duration.ofSeconds(2))),
            new ModbusDrivers());
    waitFor("the mapper registered over DMI", 15, mapper::registered);
    app = mqttClient("bench-app");
    results = mqttClient("bench-results");
    results.setCallback(new ResultListener());
    results
        .subscribe("$hw/events/device/" + NS + "/+/twin/update/result", 1)
        .waitForCompletion(10_000);
    create("DeviceModel", sensorModel());
    System.out.printf(
        "device-twin: node %s up (cloudcore, edgecore, mosquitto %s, modbus mapper, PLC :%d); load %s%n",
        NODE, mqtt.url(), plc.port(), load());
  }

  private MqttAsyncClient mqttClient(String id) throws Exception {
    MqttAsyncClient c =
        new MqttAsyncClient(mqtt.url(), id + "-" + System.nanoTime(), new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(true);
    o.setMaxInflight(1000);
    o.setKeepAliveInterval(30);
    c.connect(o).waitForCompletion(10_000);
    return c;
  }

  private void tearDown() {
    for (AutoCloseable part : new AutoCloseable[] {mapper, edge, cloud, mqtt, plc}) {
      if (part != null) {
        try {
          part.close();
        } catch (Exception e) {
          System.err.println("while stopping " + part + ": " + e);
        }
      }
    }
    try {
      kube.namespaces().withName(NS).delete();
      kube.nodes().withName(NODE).delete();
      kube.admissionRegistration()
          .v1()
          .mutatingWebhookConfigurations()
          .withName("kubeedge-java-partition-policy")
          .delete();
    } catch (RuntimeException e) {
      System.err.println("while cleaning up the cluster: " + e);
    }
  }

  private void installCrds() throws Exception {
    Path crds = RepoRoot.find().resolve("manifests/crds");
    List<Path> files;
    try (Stream<Path> list = Files.list(crds)) {
      files = list.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
    List<String> names = new ArrayList<>();
    for (Path file : files) {
      try (InputStream in = Files.newInputStream(file)) {
        kube.load(in).serverSideApply();
      }
      String f = file.getFileName().toString();
      names.add(
          f.substring(f.indexOf('_') + 1, f.length() - ".yaml".length())
              + "."
              + f.substring(0, f.indexOf('_')));
    }
    waitFor(
        "CRDs established",
        30,
        () ->
            names.stream()
                .allMatch(n -> {
                  CustomResourceDefinition crd =
                      kube.apiextensions().v1().customResourceDefinitions().withName(n).get();
                  return crd != null
                      && crd.getStatus() != null
                      && crd.getStatus().getConditions().stream()
                          .anyMatch(c ->
                              "Established".equals(c.getType()) && "True".equals(c.getStatus()));
                }));
  }

  private String joinToken() throws Exception {
    waitFor(
        "cloudcore's token secret",
        30,
        () -> kube.secrets().inNamespace("kubeedge").withName("tokensecret").get() != null);
    String data =
        kube.secrets()
            .inNamespace("kubeedge")
            .withName("tokensecret")
            .get()
            .getData()
            .get("tokendata");
    return new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- 1. report -> status

  private void reportToStatus(int warmup, int samples, double rate) throws Exception {
    String device = "report-0";
    create("Device", mqttDevice(device));
    awaitEdgeAccepts(device);
    int total = warmup + samples;
    long[] published = new long[total];
    AtomicLongArray seen = new AtomicLongArray(total);
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < total; i++) {
      index.put(Integer.toString(1000 + i), i);
    }
    Watch watch =
        kube.genericKubernetesResources(DEVICES, "Device")
            .inNamespace(NS)
            .withName(device)
            .watch(
                new Watcher<>() {
                  @Override
                  public void eventReceived(Action action, GenericKubernetesResource d) {
                    long now = System.nanoTime();
                    Integer i = index.get(reported(d));
                    if (i != null) {
                      seen.compareAndSet(i, 0, now);
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {}
                });
    Map<String, Double> before = counters();
    String loadBefore = load();
    long interval = (long) (1e9 / rate);
    long start = System.nanoTime();
    for (int i = 0; i < total; i++) {
      long due = start + i * interval;
      while (System.nanoTime() < due) {
        LockSupport.parkNanos(due - System.nanoTime());
      }
      published[i] = System.nanoTime();
      publishActual(device, "r-" + i, Integer.toString(1000 + i)).waitForCompletion(5_000);
    }
    long lastDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (seen.get(total - 1) == 0 && System.nanoTime() < lastDeadline) {
      TimeUnit.MILLISECONDS.sleep(50); // the last value shows up (it is never coalesced away)
    }
    TimeUnit.SECONDS.sleep(1);
    watch.close();
    Map<String, Double> after = counters();
    List<Long> toStatus = new ArrayList<>();
    List<Long> toEdge = new ArrayList<>();
    for (int i = warmup; i < total; i++) {
      if (seen.get(i) != 0) {
        toStatus.add(seen.get(i) - published[i]);
      }
      Long r = resultAt.get("r-" + i);
      if (r != null) {
        toEdge.add(r - published[i]);
      }
    }
    System.out.printf(
        "%n== 1. MQTT report -> Device .status (watch), %d samples at %.1f/s after %d warm-up; load %s -> %s%n",
        samples, rate, warmup, loadBefore, load());
    System.out.println("publish -> edge's twin/update/result received: " + stats(toEdge));
    System.out.println("publish -> watch event shows the value:        " + stats(toStatus));
    System.out.printf(
        "values seen in .status: %d of %d (%d coalesced away); cloud: reports %+.0f, status patches %+.0f, coalesced %+.0f, patch failures %+.0f%n",
        toStatus.size(),
        samples,
        samples - toStatus.size(),
        delta(before, after, "kubeedge_devicecontroller_reports"),
        delta(before, after, "kubeedge_devicecontroller_status_patches"),
        delta(before, after, "kubeedge_devicecontroller_reports_coalesced"),
        delta(before, after, "kubeedge_devicecontroller_status_patch_failures"));
  }

  // ---------------------------------------------------------------- 2. desired -> register

  private void desiredToRegister(int warmup, int samples, int kubectlSamples) throws Exception {
    create("DeviceModel", seed("modbus-temp-model.yaml"));
    GenericKubernetesResource device = seed("plc-line3-temp-tcp.yaml");
    @SuppressWarnings("unchecked")
    Map<String, Object> spec = (Map<String, Object>) device.getAdditionalProperties().get("spec");
    spec.put("nodeName", NODE);
    @SuppressWarnings("unchecked")
    Map<String, Object> config =
        (Map<String, Object>) ((Map<String, Object>) spec.get("protocol")).get("configData");
    config.put("port", plc.port());
    create("Device", device);
    try (ModbusProbe probe = new ModbusProbe("127.0.0.1", plc.port(), 1)) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (probe.readHolding(REGISTER) != 700) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the seed's desired 70 never reached the PLC");
        }
        TimeUnit.MILLISECONDS.sleep(50);
      }
      String loadBefore = load();
      List<Long> toRegister = new ArrayList<>();
      List<Long> patchCall = new ArrayList<>();
      int register = 500;
      for (int i = 0; i < warmup + samples; i++) {
        int target = register++;
        long t0 = System.nanoTime();
        kube.genericKubernetesResources(DEVICES, "Device")
            .inNamespace(NS)
            .withName(PLC_DEVICE)
            .patch(PatchContext.of(PatchType.JSON), desiredPatch(target));
        long t1 = System.nanoTime();
        long t2 = pollUntil(probe, target);
        if (i >= warmup) {
          patchCall.add(t1 - t0);
          toRegister.add(t2 - t0);
        }
        TimeUnit.MILLISECONDS.sleep(200); // paced: one change at a time
      }
      System.out.printf(
          "%n== 2. desired value patched -> PLC register holds it (Modbus poll every 5 ms), %d samples after %d warm-up; load %s -> %s%n",
          samples, warmup, loadBefore, load());
      System.out.println("fabric8 JSON patch call:               " + stats(patchCall));
      System.out.println("patch call start -> register written:  " + stats(toRegister));
      if (kubectlSamples > 0) {
        List<Long> kubectlRun = new ArrayList<>();
        List<Long> kubectlToRegister = new ArrayList<>();
        for (int i = 0; i < kubectlSamples; i++) {
          int target = register++;
          long t0 = System.nanoTime();
          Process p =
              new ProcessBuilder(
                      kubectl,
                      "--kubeconfig=" + kubeconfig,
                      "-n",
                      NS,
                      "patch",
                      "device",
                      PLC_DEVICE,
                      "--type=json",
                      "-p",
                      desiredPatch(target))
                  .redirectErrorStream(true)
                  .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                  .start();
          java.util.concurrent.CompletableFuture<Long> exited =
              p.onExit().thenApply(x -> System.nanoTime());
          long t2 = pollUntil(probe, target);
          long t1 = exited.get(30, TimeUnit.SECONDS);
          if (p.exitValue() != 0) {
            throw new IllegalStateException("kubectl patch failed");
          }
          kubectlRun.add(t1 - t0);
          kubectlToRegister.add(t2 - t0);
          TimeUnit.MILLISECONDS.sleep(200);
        }
        System.out.println("kubectl patch process, start to exit:  " + stats(kubectlRun));
        System.out.println("kubectl start -> register written:     " + stats(kubectlToRegister));
      }
    }
  }

  private static String desiredPatch(int register) {
    return "[{\"op\":\"replace\",\"path\":\"/spec/properties/0/desired/value\",\"value\":\""
        + BigDecimal.valueOf(register, 1).toPlainString()
        + "\"}]";
  }

  /** Reads the register every 5 ms until it holds {@code target}; the time of that read. */
  private static long pollUntil(ModbusProbe probe, int target) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (true) {
      int v = probe.readHolding(REGISTER);
      long now = System.nanoTime();
      if (v == target) {
        return now;
      }
      if (now > deadline) {
        throw new IllegalStateException("register " + REGISTER + " never became " + target);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  // ---------------------------------------------------------------- 3. sustained updates

  /** Bookkeeping of the throughput run. */
  private static final class LoadRun {
    final Semaphore[] window;
    final AtomicLong ok = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong lastResult = new AtomicLong();

    LoadRun(int devices, int w) {
      window = new Semaphore[devices];
      for (int i = 0; i < devices; i++) {
        window[i] = new Semaphore(w);
      }
    }
  }

  private void sustained(int devices, int seconds, int w) throws Exception {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < devices; i++) {
      names.add(String.format("load-%03d", i));
    }
    for (String n : names) {
      create("Device", mqttDevice(n));
    }
    for (String n : names) {
      awaitEdgeAccepts(n);
    }
    LoadRun run = new LoadRun(devices, w);
    load = run;
    long[] published = new long[devices];
    long[] timeouts = new long[devices];
    Map<String, Double> before = counters();
    String loadBefore = load();
    long start = System.nanoTime();
    long end = start + TimeUnit.SECONDS.toNanos(seconds);
    // once a second: what the edge has applied, what reached the cloud, what the cloud wrote
    List<String> timeline = java.util.Collections.synchronizedList(new ArrayList<>());
    Thread sampler =
        Thread.ofVirtual()
            .start(() -> {
              try {
                while (!Thread.currentThread().isInterrupted()) {
                  Map<String, Double> c = counters();
                  timeline.add(
                      String.format(
                          "t=%5.1fs edge results %6d | cloud reports %6.0f, status patches %6.0f",
                          (System.nanoTime() - start) / 1e9,
                          run.ok.get(),
                          delta(before, c, "kubeedge_devicecontroller_reports"),
                          delta(before, c, "kubeedge_devicecontroller_status_patches")));
                  TimeUnit.SECONDS.sleep(1);
                }
              } catch (InterruptedException e) {
                // done
              }
            });
    List<Thread> threads = new ArrayList<>();
    for (int d = 0; d < devices; d++) {
      int dev = d;
      threads.add(
          Thread.ofVirtual()
              .start(() -> {
                try {
                  long seq = 0;
                  while (System.nanoTime() < end) {
                    if (!run.window[dev].tryAcquire(5, TimeUnit.SECONDS)) {
                      timeouts[dev]++; // a result that never came: go on regardless
                    }
                    seq++;
                    publishActual(names.get(dev), "L" + dev + "-" + seq, Long.toString(seq));
                    published[dev] = seq;
                  }
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              }));
    }
    for (Thread t : threads) {
      t.join();
    }
    long publishedAll = Arrays.stream(published).sum();
    long publishEnd = System.nanoTime();
    String loadAfter = load();
    // every device's edge twin (SQLite) and cloud .status at its last published value: polled
    // from the end of publishing, each until it holds (up to 60 s)
    long edgeAt = 0;
    long cloudAt = 0;
    List<String> edgeWrong = List.of();
    List<String> cloudWrong = List.of();
    long deadline = publishEnd + TimeUnit.SECONDS.toNanos(60);
    while ((edgeAt == 0 || cloudAt == 0) && System.nanoTime() < deadline) {
      if (edgeAt == 0 && (edgeWrong = edgeMismatches(names, published)).isEmpty()) {
        edgeAt = System.nanoTime();
      }
      if (cloudAt == 0 && (cloudWrong = cloudMismatches(names, published)).isEmpty()) {
        cloudAt = System.nanoTime();
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
    // results still on their way (a result the edge could not publish never comes)
    long quiet = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (run.ok.get() + run.refused.get() < publishedAll && System.nanoTime() < quiet) {
      TimeUnit.MILLISECONDS.sleep(20);
    }
    long lastResult = run.lastResult.get();
    double elapsed = (lastResult - start) / 1e9;
    sampler.interrupt();
    Map<String, Double> after = counters();
    if (Boolean.getBoolean("loadTimeline")) {
      synchronized (timeline) {
        timeline.forEach(System.out::println);
      }
    }
    System.out.printf(
        "%n== 3. sustained twin updates: %d devices, %d s, at most %d outstanding per device (QoS 1); load %s -> %s%n",
        devices, seconds, w, loadBefore, loadAfter);
    System.out.printf(
        "published %d, results ok %d, refused %d, window time-outs (result never came) %d%n",
        publishedAll, run.ok.get(), run.refused.get(), Arrays.stream(timeouts).sum());
    System.out.printf(
        "edge applied %.0f updates/s (%d results in %.2f s, first publish to last result)%n",
        run.ok.get() / elapsed, run.ok.get(), elapsed);
    System.out.printf(
        "edge twin = last published value: %d of %d devices%s%n",
        devices - edgeWrong.size(),
        devices,
        edgeAt == 0
            ? " after 60 s; wrong: " + edgeWrong
            : String.format(", %.2f s after the last publish", (edgeAt - publishEnd) / 1e9));
    System.out.printf(
        "cloud .status = last published value: %d of %d devices%s%n",
        devices - cloudWrong.size(),
        devices,
        cloudAt == 0
            ? " after 60 s; wrong: " + cloudWrong
            : String.format(", %.2f s after the last publish", (cloudAt - publishEnd) / 1e9));
    System.out.printf(
        "cloud: reports %+.0f, status patches %+.0f, coalesced %+.0f, patch failures %+.0f%n",
        delta(before, after, "kubeedge_devicecontroller_reports"),
        delta(before, after, "kubeedge_devicecontroller_status_patches"),
        delta(before, after, "kubeedge_devicecontroller_reports_coalesced"),
        delta(before, after, "kubeedge_devicecontroller_status_patch_failures"));
    load = null;
  }

  private List<String> edgeMismatches(List<String> names, long[] last) throws Exception {
    List<String> wrong = new ArrayList<>();
    try (Connection db =
            DriverManager.getConnection(
                "jdbc:sqlite:" + dir.resolve("edge/edgecore.db") + "?open_mode=1");
        PreparedStatement ps =
            db.prepareStatement("SELECT actual FROM device_twin WHERE deviceid = ? AND name = ?")) {
      for (int i = 0; i < names.size(); i++) {
        ps.setString(1, NS + "/" + names.get(i));
        ps.setString(2, "temperature");
        try (ResultSet rs = ps.executeQuery()) {
          String v = rs.next() ? rs.getString(1) : null;
          if (!Long.toString(last[i]).equals(v)) {
            wrong.add(names.get(i) + "=" + v + "≠" + last[i]);
          }
        }
      }
    }
    return wrong;
  }

  private List<String> cloudMismatches(List<String> names, long[] last) {
    Map<String, String> shown = new HashMap<>();
    for (GenericKubernetesResource d :
        kube.genericKubernetesResources(DEVICES, "Device").inNamespace(NS).list().getItems()) {
      shown.put(d.getMetadata().getName(), reported(d));
    }
    List<String> wrong = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String v = shown.get(names.get(i));
      if (!Long.toString(last[i]).equals(v)) {
        wrong.add(names.get(i) + "=" + v + "≠" + last[i]);
      }
    }
    return wrong;
  }

  // ---------------------------------------------------------------- MQTT

  private IMqttDeliveryToken publishActual(String device, String eventId, String value)
      throws Exception {
    String payload =
        "{\"event_id\":\""
            + eventId
            + "\",\"timestamp\":"
            + System.currentTimeMillis()
            + ",\"twin\":{\"temperature\":{\"actual\":{\"value\":\""
            + value
            + "\"}}}}";
    MqttMessage m = new MqttMessage(payload.getBytes(StandardCharsets.UTF_8));
    m.setQos(1);
    return app.publish("$hw/events/device/" + NS + "/" + device + "/twin/update", m);
  }

  /** Publishes until the edge answers a twin/update for the device without an error code. */
  private void awaitEdgeAccepts(String device) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    for (int attempt = 0; ; attempt++) {
      String id = "probe-" + device + "-" + attempt;
      publishActual(device, id, "0").waitForCompletion(5_000);
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
      while (System.nanoTime() < until) {
        if (resultAt.containsKey(id)) {
          return;
        }
        TimeUnit.MILLISECONDS.sleep(10);
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the edge never accepted a twin/update for " + device);
      }
    }
  }

  private final class ResultListener implements MqttCallback {
    @Override
    public void messageArrived(String topic, MqttMessage message) throws Exception {
      long now = System.nanoTime();
      JsonNode n = JSON.readTree(message.getPayload());
      String id = n.path("event_id").asText("");
      boolean error = n.has("code");
      LoadRun run = load;
      if (run != null && id.startsWith("L")) {
        int dev = Integer.parseInt(id.substring(1, id.indexOf('-')));
        (error ? run.refused : run.ok).incrementAndGet();
        run.lastResult.set(now);
        run.window[dev].release();
        return;
      }
      if (error) {
        resultErrors.incrementAndGet();
        System.err.println("edge refused " + id + ": " + n.path("reason").asText());
        return;
      }
      resultAt.put(id, now);
    }

    @Override
    public void connectionLost(Throwable cause) {
      System.err.println("results subscriber lost the broker: " + cause);
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {}
  }

  // ---------------------------------------------------------------- objects

  private String sensorModel() {
    return "{\"apiVersion\":\""
        + DEVICES
        + "\",\"kind\":\"DeviceModel\",\"metadata\":{\"name\":\"bench-sensor\",\"namespace\":\""
        + NS
        + "\"},\"spec\":{\"protocol\":\"bench-mqtt\",\"properties\":[{\"name\":\"temperature\","
        + "\"type\":\"FLOAT\",\"accessMode\":\"ReadOnly\"}]}}";
  }

  /** A Device reported by an MQTT app: a protocol no mapper on the node serves. */
  private String mqttDevice(String name) {
    return "{\"apiVersion\":\""
        + DEVICES
        + "\",\"kind\":\"Device\",\"metadata\":{\"name\":\""
        + name
        + "\",\"namespace\":\""
        + NS
        + "\"},\"spec\":{\"deviceModelRef\":{\"name\":\"bench-sensor\"},\"nodeName\":\""
        + NODE
        + "\",\"protocol\":{\"protocolName\":\"bench-mqtt\"},"
        + "\"properties\":[{\"name\":\"temperature\"}]}}";
  }

  private void create(String kind, String json) {
    create(
        kind, kube.getKubernetesSerialization().unmarshal(json, GenericKubernetesResource.class));
  }

  private void create(String kind, GenericKubernetesResource object) {
    kube.genericKubernetesResources(DEVICES, kind).inNamespace(NS).resource(object).create();
  }

  private GenericKubernetesResource seed(String file) throws Exception {
    try (InputStream in =
        Files.newInputStream(RepoRoot.find().resolve("examples/seed").resolve(file))) {
      GenericKubernetesResource object =
          kube.getKubernetesSerialization().unmarshal(in, GenericKubernetesResource.class);
      object.getMetadata().setNamespace(NS);
      object.getAdditionalProperties().remove("status");
      return object;
    }
  }

  /** {@code .status.twins[temperature].reported.value}, or null. */
  private static String reported(GenericKubernetesResource d) {
    JsonNode status = JSON.valueToTree(d.getAdditionalProperties().get("status"));
    if (status == null) {
      return null;
    }
    for (JsonNode twin : status.path("twins")) {
      if ("temperature".equals(twin.path("propertyName").asText())) {
        JsonNode v = twin.path("reported").path("value");
        return v.isMissingNode() || v.isNull() ? null : v.asText();
      }
    }
    return null;
  }

  // ---------------------------------------------------------------- figures

  private Map<String, Double> counters() {
    Map<String, Double> out = new HashMap<>();
    for (MetricSnapshot s : cloudMetrics.scrape()) {
      if (s instanceof CounterSnapshot c) {
        double sum = 0;
        for (CounterSnapshot.CounterDataPointSnapshot p : c.getDataPoints()) {
          sum += p.getValue();
        }
        out.put(s.getMetadata().getName().replaceAll("_total$", ""), sum);
      }
    }
    return out;
  }

  private static double delta(Map<String, Double> before, Map<String, Double> after, String name) {
    return after.getOrDefault(name, 0.0) - before.getOrDefault(name, 0.0);
  }

  private static String stats(List<Long> nanos) {
    if (nanos.isEmpty()) {
      return "no samples";
    }
    long[] s = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
    return String.format(
        "n %d, p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms, min %.1f ms",
        s.length, pct(s, 50), pct(s, 90), pct(s, 99), s[s.length - 1] / 1e6, s[0] / 1e6);
  }

  /** Nearest-rank percentile, in ms. */
  private static double pct(long[] sorted, int p) {
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }

  private static String load() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (Exception e) {
      return "?";
    }
  }

  private interface Check {
    boolean ok() throws Exception;
  }

  private static void waitFor(String what, int seconds, Check check) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!check.ok()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("timed out waiting for " + what);
      }
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }
}
