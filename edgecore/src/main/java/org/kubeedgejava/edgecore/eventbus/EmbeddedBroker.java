package org.kubeedgejava.edgecore.eventbus;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in MQTT broker of {@code eventBus.mqttMode} 0 and 1: Moquette (MQTT 3.1.1, which is
 * what KubeEdge's mappers speak) listening where {@code mqttServerInternal} says, by default {@code
 * tcp://127.0.0.1:1884}. Anonymous clients are allowed, as on upstream's built-in broker, so it
 * should stay on a loopback address (a warning says so otherwise). Sessions and queues are in
 * memory only: nothing is written to disk, and its data path points into edgecore's data directory
 * in case a later Moquette writes there anyway. Telemetry (on by default in Moquette) is off.
 *
 * <p>Only this class touches Moquette, so edgecore in mode 2 never loads a Moquette class.
 *
 * <p>Threading: Moquette runs its own Netty event loops; {@link #start} and {@link #close} are
 * called once each, from the thread that assembles edgecore.
 */
final class EmbeddedBroker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedBroker.class);

  /** Moquette's default is 8 KiB, too small for the twin documents of a device. */
  static final int MAX_MESSAGE_BYTES = 1 << 20;

  private final Server server;
  private final String url;

  private EmbeddedBroker(Server server, String url) {
    this.server = server;
    this.url = url;
  }

  /**
   * Starts the broker on the host and port of {@code url} ({@code tcp://host:port}).
   *
   * @param dataDir edgecore's data directory (that of its database)
   * @throws IllegalStateException when it cannot listen there (the port is taken, say)
   */
  static EmbeddedBroker start(String url, Path dataDir) {
    URI uri = URI.create(url);
    Properties p = new Properties();
    p.setProperty("host", uri.getHost());
    p.setProperty("port", Integer.toString(uri.getPort()));
    p.setProperty("allow_anonymous", "true");
    // MQTT 3.1.1 lets a clean-session client leave its id to the broker, and mosquitto_pub/_sub
    // 2.x do; Moquette refuses that unless told
    p.setProperty("allow_zero_byte_client_id", "true");
    p.setProperty("persistence_enabled", "false");
    p.setProperty("telemetry_enabled", "false");
    p.setProperty("data_path", dataDir.resolve("mqtt").toString());
    p.setProperty("netty.mqtt.message_size", Integer.toString(MAX_MESSAGE_BYTES));
    Server server = new Server();
    try {
      server.startServer(new MemoryConfig(p));
    } catch (IOException | RuntimeException e) {
      try {
        server.stopServer();
      } catch (RuntimeException alsoFailed) {
        e.addSuppressed(alsoFailed);
      }
      throw new IllegalStateException(
          "eventbus: cannot start the built-in MQTT broker on "
              + url
              + " (modules.eventBus.mqttServerInternal): "
              + reason(e),
          e);
    }
    if (!isLoopback(uri.getHost())) {
      log.warn(
          "eventbus: the built-in MQTT broker listens on {}, beyond this machine, and lets any"
              + " client in without a password",
          url);
    }
    log.info("eventbus: built-in MQTT broker listening on {}", url);
    return new EmbeddedBroker(server, url);
  }

  /** Moquette's message and, when it differs, the root cause's ("Address already in use"). */
  private static String reason(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == e || root.getMessage() == null
        ? String.valueOf(e.getMessage())
        : e.getMessage() + ": " + root.getMessage();
  }

  private static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  String url() {
    return url;
  }

  @Override
  public void close() {
    server.stopServer();
    log.info("eventbus: built-in MQTT broker on {} stopped", url);
  }
}
