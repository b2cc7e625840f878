package org.kubeedgejava.edgecore.devicetwin;

import static org.awaitility.Awaitility.await;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.kubeedgejava.edgecore.eventbus.EventBus;
import org.kubeedgejava.edgecore.metamanager.MetaStore;
import org.kubeedgejava.edgecore.metamanager.UpstreamOutbox;
import org.kubeedgejava.wire.MessageCodec;

/**
 * Starts DeviceTwin and the EventBus of one {@code mqttMode} the way edgecore does, in a JVM of its
 * own, waits until the bus is connected, and prints what it costs: heap used after a GC, resident
 * memory, loaded classes, metaspace. {@link EventBusModesIT} runs it with class-load logging to see
 * which classes a mode loads.
 *
 * <p>Arguments: {@code <mode> <internal URL> <external URL> <work dir>}.
 */
final class EventBusProbe {
  private EventBusProbe() {}

  public static void main(String[] args) throws Exception {
    int mode = Integer.parseInt(args[0]);
    Path work = Path.of(args[3]);
    Clock clock = Clock.systemUTC();
    var config = new org.kubeedgejava.config.edgecore.EventBus(true, 0, args[1], args[2], mode);
    try (MetaStore store = MetaStore.open(work.resolve("edgecore.db"));
        DeviceTwin twin =
            DeviceTwin.start(
                DeviceTwin.Settings.defaults("edge-1", work.resolve("dmi/dmi.sock")),
                store,
                work.resolve("edgecore.db"),
                new UpstreamOutbox(
                    store, new MessageCodec(), m -> CompletableFuture.completedFuture(null)),
                () -> false,
                clock);
        EventBus bus = EventBus.start(config, work, twin, m -> {}, clock)) {
      await().atMost(Duration.ofSeconds(30)).until(bus::isConnected);
      System.out.println("probe: connected in mode " + mode);
      System.gc();
      Runtime rt = Runtime.getRuntime();
      long metaspace =
          ManagementFactory.getMemoryPoolMXBeans().stream()
              .filter(p -> p.getName().equals("Metaspace"))
              .mapToLong(p -> p.getUsage().getUsed())
              .sum();
      String rss =
          Files.readAllLines(Path.of("/proc/self/status")).stream()
              .filter(l -> l.startsWith("VmRSS:"))
              .findFirst()
              .orElse("VmRSS: ?");
      System.out.printf(
          "probe: heap used %d KiB, %s, %d classes loaded, metaspace %d KiB, %d threads%n",
          (rt.totalMemory() - rt.freeMemory()) / 1024,
          rss.replaceAll("\\s+", " "),
          ManagementFactory.getClassLoadingMXBean().getLoadedClassCount(),
          metaspace / 1024,
          Thread.activeCount());
    }
    System.exit(0);
  }
}
