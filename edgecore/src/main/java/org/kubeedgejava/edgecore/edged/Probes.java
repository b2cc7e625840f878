package org.kubeedgejava.edgecore.edged;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.StatusRuntimeException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import org.kubeedgejava.cri.v1.ContainerStatus;
import org.kubeedgejava.cri.v1.ExecSyncRequest;

/**
 * One container's startup, liveness and readiness probes (exec, httpGet, tcpSocket) with the
 * kubelet's semantics: initialDelaySeconds, periodSeconds, timeoutSeconds, successThreshold and
 * failureThreshold; liveness and readiness wait for startup to succeed. Probes run during the
 * worker's sync passes, each at most once per period.
 */
final class Probes {
  /** Made on the first httpGet probe: a client costs a selector thread and its classes. */
  private static final class Http {
    static final HttpClient CLIENT =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  }

  private static final class State {
    Instant lastRun = Instant.MIN;
    int successes;
    int failures;
    boolean passing;
  }

  private final State startup = new State();
  private final State liveness = new State();
  private final State readiness = new State();
  private boolean started;

  void reset() {
    for (State s : new State[] {startup, liveness, readiness}) {
      s.lastRun = Instant.MIN;
      s.successes = 0;
      s.failures = 0;
      s.passing = false;
    }
    started = false;
  }

  boolean started() {
    return started;
  }

  /**
   * Runs the startup and liveness probes if due; true when liveness has failed enough to restart.
   */
  boolean livenessFailed(PodWorker worker, PodView pod, JsonNode spec, ContainerStatus status) {
    if (!startedCheck(worker, pod, spec, status, "")) {
      return false;
    }
    JsonNode probe = spec.path("livenessProbe");
    if (probe.isMissingNode()) {
      return false;
    }
    run(worker, pod, probe, liveness, status, "");
    return liveness.failures >= probe.path("failureThreshold").asInt(3);
  }

  /** Runs the readiness probe if due; whether the container is ready. */
  boolean ready(
      PodWorker worker, PodView pod, JsonNode spec, ContainerStatus status, String podIp) {
    if (!startedCheck(worker, pod, spec, status, podIp)) {
      return false;
    }
    JsonNode probe = spec.path("readinessProbe");
    if (probe.isMissingNode()) {
      return true;
    }
    run(worker, pod, probe, readiness, status, podIp);
    return readiness.passing;
  }

  private boolean startedCheck(
      PodWorker worker, PodView pod, JsonNode spec, ContainerStatus status, String podIp) {
    if (started) {
      return true;
    }
    JsonNode probe = spec.path("startupProbe");
    if (probe.isMissingNode()) {
      started = true;
      return true;
    }
    run(worker, pod, probe, startup, status, podIp);
    started = startup.passing;
    return started;
  }

  private void run(
      PodWorker worker,
      PodView pod,
      JsonNode probe,
      State state,
      ContainerStatus status,
      String podIp) {
    Instant now = Instant.now();
    Instant startedAt = Instant.ofEpochSecond(0, status.getStartedAt());
    if (now.isBefore(startedAt.plusSeconds(probe.path("initialDelaySeconds").asLong(0)))) {
      return;
    }
    if (now.isBefore(state.lastRun.plusSeconds(probe.path("periodSeconds").asLong(10)))) {
      return;
    }
    state.lastRun = now;
    boolean ok = probeOnce(worker, pod, probe, status, podIp);
    if (ok) {
      state.failures = 0;
      state.successes++;
      if (state.successes >= probe.path("successThreshold").asInt(1)) {
        state.passing = true;
      }
    } else {
      state.successes = 0;
      state.failures++;
      if (state.failures >= probe.path("failureThreshold").asInt(3)) {
        state.passing = false;
      }
    }
  }

  static boolean probeOnce(
      PodWorker worker, PodView pod, JsonNode probe, ContainerStatus status, String podIp) {
    Duration timeout = Duration.ofSeconds(Math.max(1, probe.path("timeoutSeconds").asLong(1)));
    try {
      if (probe.has("exec")) {
        ExecSyncRequest.Builder exec =
            ExecSyncRequest.newBuilder()
                .setContainerId(status.getId())
                .setTimeout(timeout.toSeconds());
        probe.path("exec").path("command").forEach(c -> exec.addCmd(c.asText()));
        return worker.cri().runtime().execSync(exec.build()).getExitCode() == 0;
      }
      String host = podIp.isEmpty() ? "127.0.0.1" : podIp;
      if (probe.has("httpGet")) {
        JsonNode get = probe.path("httpGet");
        int port = port(pod, get.path("port"));
        String scheme = get.path("scheme").asText("HTTP").toLowerCase(java.util.Locale.ROOT);
        String h = get.path("host").asText(host);
        URI uri = URI.create(scheme + "://" + h + ":" + port + get.path("path").asText("/"));
        HttpResponse<Void> r =
            Http.CLIENT.send(
                HttpRequest.newBuilder(uri).timeout(timeout).build(),
                HttpResponse.BodyHandlers.discarding());
        return r.statusCode() >= 200 && r.statusCode() < 400;
      }
      if (probe.has("tcpSocket")) {
        int port = port(pod, probe.path("tcpSocket").path("port"));
        try (Socket s = new Socket()) {
          s.connect(
              new InetSocketAddress(probe.path("tcpSocket").path("host").asText(host), port),
              (int) timeout.toMillis());
          return true;
        }
      }
      return true;
    } catch (StatusRuntimeException | java.io.IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** A probe port: a number, or the name of a container port. */
  private static int port(PodView pod, JsonNode port) {
    if (port.isInt() || port.asText().matches("\\d+")) {
      return port.asInt();
    }
    for (JsonNode c : pod.containers()) {
      for (JsonNode p : c.path("ports")) {
        if (port.asText().equals(p.path("name").asText())) {
          return p.path("containerPort").asInt();
        }
      }
    }
    return 0;
  }
}
