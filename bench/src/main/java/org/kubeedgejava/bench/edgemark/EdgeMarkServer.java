package org.kubeedgejava.bench.edgemark;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.kubeedgejava.cloudcore.cloudhub.CloudHubMetrics;
import org.kubeedgejava.cloudcore.cloudhub.CloudHubMetrics.Rejection;
import org.kubeedgejava.cloudcore.cloudhub.CloudHubServer;
import org.kubeedgejava.cloudcore.cloudhub.CloudHubSettings;
import org.kubeedgejava.cloudcore.cloudhub.NodeSession;
import org.kubeedgejava.cloudcore.cloudhub.SessionListener;
import org.kubeedgejava.cloudcore.cloudhub.SessionRegistry;
import org.kubeedgejava.transport.EventLoops;
import org.kubeedgejava.wire.Message;
import org.kubeedgejava.wire.MessageCodec;
import org.kubeedgejava.wire.Operations;
import org.kubeedgejava.wire.Route;

/**
 * The cloud side of EdgeMark: one real {@link CloudHubServer} with its {@link SessionRegistry},
 * {@link CloudHubMetrics} and an upstream handler, alone in this JVM so that the heap and RSS
 * measured are the hub's. The simulated nodes run in another process ({@link EdgeMarkFleet}).
 *
 * <p>What it measures, in order:
 *
 * <ol>
 *   <li>baseline: used heap after full GCs, direct memory and RSS, with the hub listening and no
 *       connection yet;
 *   <li>ramp: sessions in the registry until all N nodes are connected (or no new one for 60 s);
 *   <li>memory with N sessions, the same way; (heap − baseline heap) / sessions is the heap per
 *       session;
 *   <li>hold of at least {@code --hold-seconds} (60): the nodes keep their 15 s keepalives, and the
 *       hub sends {@code --messages-per-node} (5) × N small messages to random nodes through {@link
 *       NodeSession#send}, evenly spread over the hold; each node answers at once with a response
 *       ({@code parent_msg_id} = the message's id) and the upstream handler records the downstream
 *       round trip: send call to arrival of the answer;
 *   <li>sessions held after the hold, memory again, and the report.
 * </ol>
 *
 * <p>Usage: {@code EdgeMarkServer --pki DIR --nodes N --port-file FILE --done-file FILE
 * [--hold-seconds 60] [--messages-per-node 5] [--io-threads max(2, cores)]}. Writes the hub's port
 * to the port file once it listens, prints progress and a Markdown report on stdout, then creates
 * the done file and exits once the nodes are gone (at most 30 s later).
 */
public final class EdgeMarkServer {
  private static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(30); // cloudcore's default
  private static final Duration RAMP_STALL = Duration.ofSeconds(60);
  private static final Duration ANSWER_GRACE = Duration.ofSeconds(10);

  private final int nodes;
  private final Clock clock = Clock.systemUTC();
  private final SessionRegistry registry;
  private final CloudHubMetrics metrics;
  private final Latencies roundTrips;
  private final ConcurrentMap<String, Long> inFlight = new ConcurrentHashMap<>(4096);
  private final AtomicInteger connects = new AtomicInteger();
  private final AtomicInteger disconnects = new AtomicInteger();
  private final LongAdder upstream = new LongAdder();
  private final LongAdder answers = new LongAdder();
  private final LongAdder sendFailures = new LongAdder();
  private final LongAdder noSession = new LongAdder();
  private final List<String> report = new ArrayList<>();

  private EdgeMarkServer(int nodes, int messages) {
    this.nodes = nodes;
    this.registry = new SessionRegistry(nodes);
    this.metrics = new CloudHubMetrics(new PrometheusRegistry(), registry::size);
    this.roundTrips = new Latencies(messages);
    registry.addListener(
        new SessionListener() {
          @Override
          public void onConnected(NodeSession session) {
            connects.incrementAndGet();
          }

          @Override
          public void onDisconnected(NodeSession session) {
            disconnects.incrementAndGet();
          }
        });
  }

  public static void main(String[] args) throws Exception {
    Args a = Args.parse(args);
    int nodes = a.integer("nodes");
    int perNode = a.integer("messages-per-node", 5);
    EdgeMarkServer server = new EdgeMarkServer(nodes, nodes * perNode);
    server.run(
        a.path("pki"),
        a.path("port-file"),
        a.path("done-file"),
        Duration.ofSeconds(a.integer("hold-seconds", 60)),
        perNode,
        a.integer("io-threads", Math.max(2, Runtime.getRuntime().availableProcessors())));
    System.exit(0);
  }

  /** Upstream: counts everything, and times the answers to our messages. */
  private void onUpstream(NodeSession session, Message message) {
    long now = System.nanoTime();
    upstream.increment();
    if (Operations.RESPONSE.equals(message.route().operation())) {
      Long sentAt = inFlight.remove(message.header().parentId());
      if (sentAt != null) {
        roundTrips.record(now - sentAt);
        answers.increment();
      }
    }
  }

  private void run(
      Path pki, Path portFile, Path doneFile, Duration hold, int perNode, int ioThreads)
      throws Exception {
    say(
        "edgemark hub: N=%d, %d I/O threads (%s), GC %s, max heap %s, JVM flags %s",
        nodes,
        ioThreads,
        EventLoops.nativeTransport() ? "epoll" : "nio",
        gcNames(),
        MemorySnapshot.mib(Runtime.getRuntime().maxMemory()),
        ManagementFactory.getRuntimeMXBean().getInputArguments());
    CloudHubServer hub =
        new CloudHubServer(
            new CloudHubSettings(
                "127.0.0.1", 0, KEEPALIVE_TIMEOUT, MessageCodec.DEFAULT_MAX_FRAME_BYTES, nodes),
            EdgeMarkPki.serverIdentity(pki),
            registry,
            metrics,
            this::onUpstream,
            clock,
            ioThreads);
    InetSocketAddress address = hub.start();

    MemorySnapshot baseline = MemorySnapshot.afterGc();
    say(
        "baseline (listening, no connection): heap %s, direct %s, RSS %s",
        MemorySnapshot.mib(baseline.heapBytes()),
        MemorySnapshot.mib(baseline.directBytes()),
        MemorySnapshot.mib(baseline.rssBytes()));
    Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
    Files.writeString(tmp, Integer.toString(address.getPort()), StandardCharsets.US_ASCII);
    Files.move(tmp, portFile, StandardCopyOption.ATOMIC_MOVE);

    long rampCpu = cpuNanos();
    double rampSeconds = awaitRamp();
    rampCpu = cpuNanos() - rampCpu;
    int afterRamp = registry.size();
    MemorySnapshot ramped = MemorySnapshot.afterGc();
    say("after ramp: %d sessions; %s", afterRamp, perSession(baseline, ramped, afterRamp));

    long holdStart = System.nanoTime();
    long holdCpu = cpuNanos();
    int sent = sendDownstream(holdStart, hold, perNode);
    sleepUntil(holdStart + hold.toNanos());
    long graceEnd = System.nanoTime() + ANSWER_GRACE.toNanos();
    while (!inFlight.isEmpty() && System.nanoTime() < graceEnd) {
      Thread.sleep(100);
    }
    double heldSeconds = (System.nanoTime() - holdStart) / 1e9;
    holdCpu = cpuNanos() - holdCpu;
    int afterHold = registry.size();
    MemorySnapshot held = MemorySnapshot.afterGc();
    say(
        "after hold of %.0f s: %d sessions; %s",
        heldSeconds, afterHold, perSession(baseline, held, afterHold));

    double[] rtt = roundTrips.millis(50, 99, 100);
    row("nodes (N)", "%d", nodes);
    row(
        "sessions after ramp",
        "%d (ramp %.1f s, %.0f sessions/s)",
        afterRamp,
        rampSeconds,
        afterRamp / rampSeconds);
    row("sessions after hold", "%d (hold %.0f s)", afterHold, heldSeconds);
    row(
        "hub CPU time during ramp",
        "%.1f s (%.2f ms per session)",
        rampCpu / 1e9,
        afterRamp == 0 ? Double.NaN : rampCpu / 1e6 / afterRamp);
    row(
        "hub CPU time during hold",
        "%.1f s in %.0f s (%.0f%% of one core)",
        holdCpu / 1e9,
        heldSeconds,
        100 * holdCpu / 1e9 / heldSeconds);
    row("sessions opened / closed (hub listener)", "%d / %d", connects.get(), disconnects.get());
    row("connections refused or dropped (hub metrics)", "%s", rejections());
    row("heap before any connection", "%s", MemorySnapshot.mib(baseline.heapBytes()));
    row(
        "heap with N sessions, after ramp",
        "%s → %s",
        MemorySnapshot.mib(ramped.heapBytes()),
        perSessionBytes(ramped.heapBytes() - baseline.heapBytes(), afterRamp));
    row(
        "heap with N sessions, after hold",
        "%s → %s",
        MemorySnapshot.mib(held.heapBytes()),
        perSessionBytes(held.heapBytes() - baseline.heapBytes(), afterHold));
    row(
        "direct memory before / after hold",
        "%s / %s → %s",
        MemorySnapshot.mib(baseline.directBytes()),
        MemorySnapshot.mib(held.directBytes()),
        perSessionBytes(held.directBytes() - baseline.directBytes(), afterHold));
    row(
        "RSS before / after hold",
        "%s / %s → %s",
        MemorySnapshot.mib(baseline.rssBytes()),
        MemorySnapshot.mib(held.rssBytes()),
        perSessionBytes(held.rssBytes() - baseline.rssBytes(), afterHold));
    row(
        "downstream messages sent / answered",
        "%d / %d (send failures %d, node not connected %d)",
        sent,
        answers.sum(),
        sendFailures.sum(),
        noSession.sum());
    row(
        "downstream round trip p50 / p99 / max",
        "%.2f / %.2f / %.2f ms (n=%d)",
        rtt[0],
        rtt[1],
        rtt[2],
        roundTrips.count());
    row("upstream messages (all, keepalives excluded)", "%d", upstream.sum());
    long perSessionHeap =
        afterHold == 0 ? Long.MAX_VALUE : (held.heapBytes() - baseline.heapBytes()) / afterHold;
    row(
        "target: N sessions at ≤ 100 KB (100,000 B) heap each",
        "%s",
        afterHold == nodes && perSessionHeap <= 100_000 ? "met" : "NOT met");

    System.out.println();
    System.out.println("| EdgeMark, N=" + nodes + " | result |");
    System.out.println("|---|---|");
    report.forEach(System.out::println);
    System.out.flush();
    Files.writeString(doneFile, "done\n", StandardCharsets.US_ASCII);
    // the harness now stops the fleet; close once its nodes have gone, or after 30 s
    long closeBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (registry.size() > 0 && System.nanoTime() < closeBy) {
      Thread.sleep(100);
    }
    hub.close();
  }

  /** Waits until every node has a session, or no new session arrived for {@link #RAMP_STALL}. */
  private double awaitRamp() throws InterruptedException {
    long start = 0;
    long lastProgress = System.nanoTime();
    long lastPrint = 0;
    int seen = 0;
    while (registry.size() < nodes) {
      Thread.sleep(100);
      long now = System.nanoTime();
      if (start == 0 && connects.get() > 0) {
        start = now;
      }
      int opened = connects.get();
      if (opened != seen) {
        seen = opened;
        lastProgress = now;
      } else if (start != 0 && now - lastProgress > RAMP_STALL.toNanos()) {
        say("ramp stalled: no new session for %d s", RAMP_STALL.toSeconds());
        break;
      }
      if (start != 0 && now - lastPrint > TimeUnit.SECONDS.toNanos(5)) {
        lastPrint = now;
        say("ramp: %d sessions after %.0f s", registry.size(), (now - start) / 1e9);
      }
    }
    return start == 0 ? Double.NaN : (System.nanoTime() - start) / 1e9;
  }

  /** Sends messages × N small updates to random nodes, evenly over the hold but its last 5 s. */
  private int sendDownstream(long holdStart, Duration hold, int perNode) {
    int total = nodes * perNode;
    long spread = Math.max(hold.minusSeconds(5).toNanos(), TimeUnit.SECONDS.toNanos(1));
    SplittableRandom random = new SplittableRandom(42);
    long lastPrint = holdStart;
    say(
        "hold: %d s, sending %d messages (%.0f/s) to random nodes",
        hold.toSeconds(), total, total / (spread / 1e9));
    for (int i = 0; i < total; i++) {
      sleepUntil(holdStart + spread * i / total);
      String node = NodeNames.of(random.nextInt(nodes));
      Optional<NodeSession> session = registry.get(node);
      if (session.isEmpty()) {
        noSession.increment();
        continue;
      }
      ObjectNode content = JsonNodeFactory.instance.objectNode();
      content.put("seq", i);
      long sentAt = System.nanoTime();
      content.put("sentAtNanos", sentAt);
      Message message =
          Message.create(
              clock,
              new Route(
                  "edgecontroller",
                  "",
                  "resource",
                  Operations.UPDATE,
                  "node/" + node + "/edgemark/configmap/probe-" + i),
              content);
      String id = message.header().id();
      inFlight.put(id, sentAt);
      session
          .get()
          .send(message)
          .whenComplete((ok, error) -> {
            if (error != null && inFlight.remove(id) != null) {
              sendFailures.increment();
            }
          });
      if (sentAt - lastPrint > TimeUnit.SECONDS.toNanos(10)) {
        lastPrint = sentAt;
        say("hold: %d sessions, %d sent, %d answered", registry.size(), i + 1, answers.sum());
      }
    }
    return total - (int) noSession.sum();
  }

  private String rejections() {
    StringBuilder out = new StringBuilder();
    for (Rejection r : Rejection.values()) {
      double n = metrics.rejectedConnections(r);
      if (n > 0) {
        out.append(out.isEmpty() ? "" : ", ")
            .append(r.name().toLowerCase(Locale.ROOT))
            .append(' ')
            .append((long) n);
      }
    }
    double spoofed = metrics.badFrames("spoofed_source");
    if (spoofed > 0) {
      out.append(out.isEmpty() ? "" : ", ")
          .append("frames dropped as spoofed_source ")
          .append((long) spoofed);
    }
    return out.isEmpty() ? "none" : out.toString();
  }

  private static String perSession(MemorySnapshot base, MemorySnapshot now, int sessions) {
    return String.format(
        Locale.ROOT,
        "heap %s (%s), direct %s, RSS %s (%s)",
        MemorySnapshot.mib(now.heapBytes()),
        perSessionBytes(now.heapBytes() - base.heapBytes(), sessions),
        MemorySnapshot.mib(now.directBytes()),
        MemorySnapshot.mib(now.rssBytes()),
        perSessionBytes(now.rssBytes() - base.rssBytes(), sessions));
  }

  private static String perSessionBytes(long bytes, int sessions) {
    if (sessions == 0) {
      return "n/a per session";
    }
    long each = bytes / sessions;
    return String.format(Locale.ROOT, "%,d B (%.1f KiB) per session", each, each / 1024.0);
  }

  private static void sleepUntil(long deadline) {
    for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
      LockSupport.parkNanos(left);
    }
  }

  private void row(String metric, String format, Object... values) {
    report.add("| " + metric + " | " + String.format(Locale.ROOT, format, values) + " |");
  }

  /** CPU time this process has used so far, all threads. */
  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private static String gcNames() {
    List<String> names = new ArrayList<>();
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      names.add(gc.getName());
    }
    return String.join(" + ", names);
  }

  private static void say(String format, Object... values) {
    System.out.printf(
        Locale.ROOT,
        "[%tT] %s%n",
        System.currentTimeMillis(),
        String.format(Locale.ROOT, format, values));
  }
}
