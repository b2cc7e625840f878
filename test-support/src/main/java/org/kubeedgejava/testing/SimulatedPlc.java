package org.kubeedgejava.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Modbus TCP PLC that shares no code with kubeedge-java: {@code hack/plc-sim.py} (Debian's
 * pymodbus) as the server, and {@code mbpoll} as an independent client that reads and writes its
 * holding registers the way an engineer on site would. Addresses are zero-based, as Modbus PDUs
 * carry them.
 */
public final class SimulatedPlc implements AutoCloseable {
  private static final Path PYTHON = Path.of("/usr/bin/python3");

  private final int port;
  private final Path log;
  private final Process process;

  private SimulatedPlc(int port, Path log, Process process) {
    this.port = port;
    this.log = log;
    this.process = process;
  }

  /**
   * Starts the PLC on 127.0.0.1:{@code port}, unit 1, with {@code holding} preloaded, and waits
   * until it accepts connections.
   */
  public static SimulatedPlc start(int port, Map<Integer, Integer> holding, Path log) {
    List<String> command =
        new ArrayList<>(
            List.of(
                PYTHON.toString(),
                RepoRoot.find().resolve("hack/plc-sim.py").toString(),
                "--port",
                Integer.toString(port)));
    holding.forEach((address, value) -> command.addAll(List.of("--set", address + "=" + value)));
    Process p;
    try {
      p =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
    } catch (IOException e) {
      throw new IllegalStateException(
          "cannot start hack/plc-sim.py (needs /usr/bin/python3 with python3-pymodbus,"
              + " hack/install-deps.sh): "
              + e.getMessage(),
          e);
    }
    SimulatedPlc plc = new SimulatedPlc(port, log, p);
    Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
    while (!plc.accepting()) {
      if (!p.isAlive() || Instant.now().isAfter(deadline)) {
        plc.close();
        throw new IllegalStateException("the simulated PLC did not start; see " + log);
      }
      try {
        p.waitFor(50, TimeUnit.MILLISECONDS); // polls the port (and notices an early exit)
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    return plc;
  }

  public int port() {
    return port;
  }

  private boolean accepting() {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Holding register {@code address} as mbpoll reads it; empty when the read fails. */
  public Optional<Integer> holdingRegister(int address) {
    String out = mbpoll(List.of("-r", Integer.toString(address), "-c", "1", "-1"), List.of());
    Matcher m = Pattern.compile("\\[" + address + "]:\\s+(-?\\d+)").matcher(out);
    return m.find() ? Optional.of(Integer.parseInt(m.group(1))) : Optional.empty();
  }

  /** Writes holding register {@code address} with mbpoll, as the PLC's own program would. */
  public void writeHoldingRegister(int address, int value) {
    String out = mbpoll(List.of("-r", Integer.toString(address)), List.of(Integer.toString(value)));
    if (!out.contains("Written 1 references")) {
      throw new IllegalStateException("mbpoll could not write register " + address + ": " + out);
    }
  }

  /** {@code mbpoll [options] host [values to write]}. */
  private String mbpoll(List<String> options, List<String> values) {
    List<String> command =
        new ArrayList<>(
            List.of(
                "mbpoll", "-m", "tcp", "-p", Integer.toString(port), "-a", "1", "-0", "-t", "4"));
    command.addAll(options);
    command.add("127.0.0.1");
    command.addAll(values);
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException("cannot run mbpoll (hack/install-deps.sh)", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    return "simulated PLC on 127.0.0.1:" + port + " (log " + log + ")";
  }
}
