package org.kubeedgejava.cloudcore;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.kubeedgejava.config.StartupConfig;
import org.kubeedgejava.config.cloudcore.CloudCoreConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code cloudcore --config cloudcore.yaml}: validates the whole file first, then starts. */
@Command(
    name = "cloudcore",
    mixinStandardHelpOptions = true,
    versionProvider = CloudCoreMain.ManifestVersion.class,
    description =
        "The cloud side of kubeedge-java: CloudHub and the controllers, next to a kube-apiserver.")
public final class CloudCoreMain implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(CloudCoreMain.class);

  @Option(
      names = "--config",
      defaultValue = "/etc/kubeedge/config/cloudcore.yaml",
      description = "Configuration file (default: ${DEFAULT-VALUE}).")
  Path config;

  @Option(
      names = "--check",
      description = "Validate the configuration, report every problem, and exit.")
  boolean checkOnly;

  public static void main(String[] args) {
    System.exit(new CommandLine(new CloudCoreMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Optional<CloudCoreConfig> loaded =
        StartupConfig.load(CloudCoreConfig.loader(), config, "cloudcore", log::warn, System.err);
    if (loaded.isEmpty()) {
      return 2;
    }
    if (checkOnly) {
      System.out.println(config + ": valid");
      return 0;
    }
    CloudCore core =
        CloudCore.start(loaded.get(), Clock.systemUTC(), PrometheusRegistry.defaultRegistry);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("cloudcore stopping");
                  core.close();
                  stopped.countDown();
                },
                "cloudcore-shutdown"));
    log.info("cloudcore started");
    stopped.await();
    return 0;
  }

  /** The version written into the jar manifest by the build. */
  static final class ManifestVersion implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = CloudCoreMain.class.getPackage().getImplementationVersion();
      return new String[] {"cloudcore " + (v == null ? "dev" : v)};
    }
  }
}
