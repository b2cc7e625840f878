package org.kubeedgejava.keadm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Starts and stops cloudcore and edgecore: as systemd units where systemd runs, otherwise as a
 * background process under {@code kubeedge-supervise}, which restarts it when it exits. Either way
 * the component survives keadm's exit, and {@link #stop} leaves nothing of it running.
 */
final class Services {
  /** Where one component's files go. */
  record Layout(Path binDir, Path runDir, Path logDir) {
    Path pidFile(String name) {
      return runDir.resolve(name + ".pid");
    }

    Path logFile(String name) {
      return logDir.resolve(name + ".log");
    }
  }

  private final Layout layout;
  private final boolean systemd;

  Services(Layout layout, boolean systemd) {
    this.layout = layout;
    this.systemd = systemd;
  }

  /** Whether systemd is the init system here. */
  static boolean systemdRunning() {
    return Files.isDirectory(Path.of("/run/systemd/system"));
  }

  /** Where to read the component's logs, for the user. */
  String logHint(String name) {
    return systemd ? "journalctl -u " + name : layout.logFile(name).toString();
  }

  /** Starts {@code name} running {@code args} (the launcher in the bin directory is prepended). */
  void start(String name, List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(layout.binDir().resolve(name).toString());
    command.addAll(args);
    if (systemd) {
      Path unit = Path.of("/etc/systemd/system", name + ".service");
      Files.writeString(
          unit,
          "[Unit]\nDescription=kubeedge-java "
              + name
              + "\nAfter=network-online.target\n\n"
              + "[Service]\nExecStart="
              + String.join(" ", command)
              + "\nRestart=always\nRestartSec=5\n"
              + "LimitNOFILE=1048576\n\n[Install]\nWantedBy=multi-user.target\n");
      run(List.of("systemctl", "daemon-reload"));
      run(List.of("systemctl", "enable", "--now", name));
      return;
    }
    if (isRunning(name)) {
      throw new IllegalStateException(
          name
              + " is already running (pid file "
              + layout.pidFile(name)
              + "); run `keadm reset` first");
    }
    Files.createDirectories(layout.runDir());
    Files.createDirectories(layout.logDir());
    List<String> supervised = new ArrayList<>();
    supervised.add("setsid");
    supervised.add(layout.binDir().resolve("kubeedge-supervise").toString());
    supervised.add(layout.pidFile(name).toString());
    supervised.add(layout.logFile(name).toString());
    supervised.add("--");
    supervised.addAll(command);
    new ProcessBuilder(supervised)
        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectErrorStream(true)
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (supervisorPid(name).isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new IOException(
            "the supervisor of " + name + " did not start; see " + layout.logFile(name));
      }
      Thread.sleep(50); // polling a pid file written by another process
    }
  }

  boolean isRunning(String name) throws IOException, InterruptedException {
    if (systemd) {
      return run(List.of("systemctl", "is-active", "--quiet", name)) == 0;
    }
    return supervisorPid(name).isPresent();
  }

  /** Stops {@code name} and waits until nothing of it runs; true if something was running. */
  boolean stop(String name) throws IOException, InterruptedException {
    if (systemd) {
      Path unit = Path.of("/etc/systemd/system", name + ".service");
      if (!Files.exists(unit)) {
        return false;
      }
      run(List.of("systemctl", "disable", "--now", name));
      Files.deleteIfExists(unit);
      run(List.of("systemctl", "daemon-reload"));
      return true;
    }
    Optional<ProcessHandle> supervisor = supervisorPid(name).flatMap(ProcessHandle::of);
    if (supervisor.isEmpty()) {
      Files.deleteIfExists(layout.pidFile(name));
      return false;
    }
    List<ProcessHandle> tree = new ArrayList<>(supervisor.get().descendants().toList());
    supervisor.get().destroy(); // SIGTERM: the supervisor stops its child, then exits
    awaitExit(supervisor.get(), Duration.ofSeconds(20));
    for (ProcessHandle p : tree) {
      if (p.isAlive()) {
        p.destroyForcibly();
        awaitExit(p, Duration.ofSeconds(5));
      }
    }
    Files.deleteIfExists(layout.pidFile(name));
    return true;
  }

  private Optional<Long> supervisorPid(String name) throws IOException {
    Path file = layout.pidFile(name);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    String text = Files.readString(file).strip();
    if (!text.matches("\\d+")) {
      return Optional.empty();
    }
    long pid = Long.parseLong(text);
    return ProcessHandle.of(pid)
        .filter(ProcessHandle::isAlive)
        .filter(p -> p.info().commandLine().map(c -> c.contains("kubeedge-supervise")).orElse(true))
        .map(p -> pid);
  }

  private static void awaitExit(ProcessHandle p, Duration limit) throws InterruptedException {
    try {
      p.onExit().get(limit.toMillis(), TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      p.destroyForcibly();
    }
  }

  private static int run(List<String> command) throws IOException, InterruptedException {
    return new ProcessBuilder(command).inheritIO().start().waitFor();
  }
}
