package org.kubeedgejava.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * A private Mosquitto broker for a test: {@code /usr/sbin/mosquitto -c <generated conf>} on a free
 * 127.0.0.1 port, persistence off, anonymous clients allowed, its log in the given directory.
 * {@link #close} stops it. {@link #stop} and {@link #restart} simulate a broker outage on the same
 * port.
 *
 * <p>Thread-safety: not thread-safe; one test owns an instance.
 */
public final class LocalMosquitto implements AutoCloseable {
  private static final Path BINARY = Path.of("/usr/sbin/mosquitto");
  private static final Duration UP_TIMEOUT = Duration.ofSeconds(10);

  private final Path dir;
  private final int port;
  private Process process;

  private LocalMosquitto(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** Starts a broker with its config and log in {@code dir}. */
  public static LocalMosquitto start(Path dir) {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(
          BINARY + " is not installed (hack/install-deps.sh installs mosquitto)");
    }
    LocalMosquitto m = new LocalMosquitto(dir, FreePorts.pick(1)[0]);
    m.launch();
    return m;
  }

  /** {@code tcp://127.0.0.1:<port>}. */
  public String url() {
    return "tcp://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** Stops the broker (clients see the connection drop); {@link #restart} brings it back. */
  public void stop() {
    if (process != null) {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
  }

  /** Starts the broker again on the same port. */
  public void restart() {
    stop();
    launch();
  }

  private void launch() {
    try {
      Files.createDirectories(dir);
      Path conf = dir.resolve("mosquitto.conf");
      Files.writeString(
          conf,
          String.join(
              "\n",
              "listener " + port + " 127.0.0.1",
              "allow_anonymous true",
              "persistence false",
              "log_dest stdout",
              ""));
      process =
          new ProcessBuilder(BINARY.toString(), "-c", conf.toString())
              .redirectErrorStream(true)
              .redirectOutput(
                  ProcessBuilder.Redirect.appendTo(dir.resolve("mosquitto.log").toFile()))
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start mosquitto in " + dir, e);
    }
    Instant deadline = Instant.now().plus(UP_TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "mosquitto exited with "
                + process.exitValue()
                + "; see "
                + dir.resolve("mosquitto.log"));
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        try {
          process.waitFor(50, TimeUnit.MILLISECONDS); // polls the port, not a synchronisation sleep
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
    stop();
    throw new IllegalStateException(
        "mosquitto did not listen on port " + port + " within " + UP_TIMEOUT);
  }

  @Override
  public void close() {
    stop();
  }
}
