package org.kubeedgejava.edgecore;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.kubeedgejava.config.StartupConfig;
import org.kubeedgejava.config.edgecore.EdgeCoreConfig;
import org.kubeedgejava.edgecore.certs.JoinException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code edgecore --config edgecore.yaml}: validates the whole file first, then starts. */
@Command(
    name = "edgecore",
    mixinStandardHelpOptions = true,
    versionProvider = EdgeCoreMain.ManifestVersion.class,
    description = "The edge side of kubeedge-java: the tunnel, the store, and the local modules.")
public final class EdgeCoreMain implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(EdgeCoreMain.class);

  @Option(
      names = "--config",
      defaultValue = "/etc/kubeedge/config/edgecore.yaml",
      description = "Configuration file (default: ${DEFAULT-VALUE}).")
  Path config;

  @Option(
      names = "--check",
      description = "Validate the configuration, report every problem, and exit.")
  boolean checkOnly;

  public static void main(String[] args) {
    System.exit(new CommandLine(new EdgeCoreMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Optional<EdgeCoreConfig> loaded =
        StartupConfig.load(EdgeCoreConfig.loader(), config, "edgecore", log::warn, System.err);
    if (loaded.isEmpty()) {
      return 2;
    }
    if (checkOnly) {
      System.out.println(config + ": valid");
      return 0;
    }
    EdgeCore core;
    try {
      core = EdgeCore.start(loaded.get(), Clock.systemUTC(), PrometheusRegistry.defaultRegistry);
    } catch (JoinException e) {
      System.err.println("edgecore: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("edgecore stopping");
                  core.close();
                  stopped.countDown();
                },
                "edgecore-shutdown"));
    stopped.await();
    return 0;
  }

  /** The version written into the jar manifest by the build. */
  static final class ManifestVersion implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = EdgeCoreMain.class.getPackage().getImplementationVersion();
      return new String[] {"edgecore " + (v == null ? "dev" : v)};
    }
  }
}
