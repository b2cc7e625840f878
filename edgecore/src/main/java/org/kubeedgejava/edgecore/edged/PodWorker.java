package org.kubeedgejava.edgecore.edged;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.kubeedgejava.cri.CriClient;
import org.kubeedgejava.cri.v1.Container;
import org.kubeedgejava.cri.v1.ContainerConfig;
import org.kubeedgejava.cri.v1.ContainerFilter;
import org.kubeedgejava.cri.v1.ContainerMetadata;
import org.kubeedgejava.cri.v1.ContainerState;
import org.kubeedgejava.cri.v1.ContainerStatus;
import org.kubeedgejava.cri.v1.ContainerStatusRequest;
import org.kubeedgejava.cri.v1.CreateContainerRequest;
import org.kubeedgejava.cri.v1.ImageSpec;
import org.kubeedgejava.cri.v1.ImageStatusRequest;
import org.kubeedgejava.cri.v1.KeyValue;
import org.kubeedgejava.cri.v1.LinuxContainerConfig;
import org.kubeedgejava.cri.v1.LinuxContainerResources;
import org.kubeedgejava.cri.v1.LinuxPodSandboxConfig;
import org.kubeedgejava.cri.v1.LinuxSandboxSecurityContext;
import org.kubeedgejava.cri.v1.ListContainersRequest;
import org.kubeedgejava.cri.v1.ListPodSandboxRequest;
import org.kubeedgejava.cri.v1.Mount;
import org.kubeedgejava.cri.v1.NamespaceMode;
import org.kubeedgejava.cri.v1.NamespaceOption;
import org.kubeedgejava.cri.v1.PodSandbox;
import org.kubeedgejava.cri.v1.PodSandboxConfig;
import org.kubeedgejava.cri.v1.PodSandboxFilter;
import org.kubeedgejava.cri.v1.PodSandboxMetadata;
import org.kubeedgejava.cri.v1.PodSandboxState;
import org.kubeedgejava.cri.v1.PodSandboxStatusRequest;
import org.kubeedgejava.cri.v1.PortMapping;
import org.kubeedgejava.cri.v1.Protocol;
import org.kubeedgejava.cri.v1.PullImageRequest;
import org.kubeedgejava.cri.v1.RemoveContainerRequest;
import org.kubeedgejava.cri.v1.RemovePodSandboxRequest;
import org.kubeedgejava.cri.v1.RunPodSandboxRequest;
import org.kubeedgejava.cri.v1.StartContainerRequest;
import org.kubeedgejava.cri.v1.StopContainerRequest;
import org.kubeedgejava.cri.v1.StopPodSandboxRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 5 of the message flow for one pod: makes containerd match the pod in the edge store —
 * sandbox, image, containers, restarts with kubelet-like back-off (10 s doubling to 5 min, reset
 * after 10 min of running), graceful termination — and computes the pod's status. Everything needed
 * is in the store and containerd, so it works the same with the cloud unreachable, and after a
 * reboot that wiped every container.
 *
 * <p>Threading: {@link #sync} and {@link #terminate} run on the pod's serial executor only.
 */
final class PodWorker {
  private static final Logger log = LoggerFactory.getLogger(PodWorker.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String LABEL_NAME = "io.kubernetes.pod.name";
  static final String LABEL_NAMESPACE = "io.kubernetes.pod.namespace";
  static final String LABEL_UID = "io.kubernetes.pod.uid";
  static final String LABEL_CONTAINER = "io.kubernetes.container.name";
  static final String ANNOTATION_RESTARTS = "io.kubernetes.container.restartCount";
  static final Duration INITIAL_BACKOFF = Duration.ofSeconds(10);
  static final Duration MAX_BACKOFF = Duration.ofMinutes(5);

  /** Per-container memory across passes. */
  private static final class Track {
    Duration backoff = INITIAL_BACKOFF;
    Instant nextStart = Instant.MIN;
    String waitingReason = "ContainerCreating";
    String waitingMessage = "";
    final Probes probes = new Probes();
    String previousId = ""; // the instance before the current one, exited: its status is final
    ContainerStatus previous;
  }

  private final CriClient cri;
  private final PodVolumes volumes;
  private final Clock clock;
  private final String logRoot;
  private final String nodeIp;
  private final Map<String, Track> tracks = new HashMap<>();
  private final Map<String, Transition> transitions = new HashMap<>();
  private volatile PodView pod;
  private Instant startTime;

  PodWorker(
      PodView pod, CriClient cri, PodVolumes volumes, Clock clock, String logRoot, String nodeIp) {
    this.pod = pod;
    this.cri = cri;
    this.volumes = volumes;
    this.clock = clock;
    this.logRoot = logRoot;
    this.nodeIp = nodeIp;
  }

  void update(PodView newer) {
    pod = newer;
  }

  PodView pod() {
    return pod;
  }

  /** One reconcile pass; returns the pod status to report. */
  ObjectNode sync() {
    PodView p = pod;
    if (startTime == null) {
      startTime = clock.instant();
    }
    Map<String, java.nio.file.Path> volumePaths;
    try {
      volumePaths = volumes.prepare(p);
    } catch (PodVolumes.MissingSource e) {
      p.containers()
          .forEach(
              c -> waiting(c.path("name").asText(), "CreateContainerConfigError", e.getMessage()));
      return status(p, null, List.of(), Map.of());
    } catch (IOException e) {
      p.containers()
          .forEach(c ->
              waiting(
                  c.path("name").asText(),
                  "CreateContainerConfigError",
                  "volumes: " + e.getMessage()));
      return status(p, null, List.of(), Map.of());
    }
    PodSandbox sandbox = ensureSandbox(p);
    if (sandbox == null) {
      return status(p, null, List.of(), Map.of());
    }
    List<Container> containers =
        cri.runtime()
            .listContainers(
                ListContainersRequest.newBuilder()
                    .setFilter(ContainerFilter.newBuilder().setPodSandboxId(sandbox.getId()))
                    .build())
            .getContainersList();
    Map<String, List<Container>> byName = new HashMap<>();
    for (Container c : containers) {
      byName.computeIfAbsent(c.getMetadata().getName(), k -> new ArrayList<>()).add(c);
    }
    List<ContainerStatus> latest = new ArrayList<>();
    Map<String, ContainerStatus> previous = new HashMap<>();
    for (JsonNode spec : p.containers()) {
      String name = spec.path("name").asText();
      List<Container> instances = new ArrayList<>(byName.getOrDefault(name, List.of()));
      instances.sort(Comparator.comparingLong(Container::getCreatedAt).reversed());
      Optional<ContainerStatus> status =
          reconcileContainer(p, sandbox, spec, instances, volumePaths);
      status.ifPresent(latest::add);
      previousInstance(name, instances, status).ifPresent(s -> previous.put(name, s));
      // keep the latest instance and the one before it (for lastState and logs)
      for (int i = 2; i < instances.size(); i++) {
        removeQuietly(instances.get(i).getId());
      }
    }
    return status(p, sandbox, latest, previous);
  }

  /**
   * The exited instance before {@code current} (newest first in {@code instances}), for the
   * container's lastState — how a restart after a liveness kill or a crash shows up.
   */
  private Optional<ContainerStatus> previousInstance(
      String name, List<Container> instances, Optional<ContainerStatus> current) {
    String currentId = current.map(ContainerStatus::getId).orElse("");
    Track track = tracks.computeIfAbsent(name, k -> new Track());
    for (Container c : instances) {
      if (c.getId().equals(currentId)) {
        continue;
      }
      if (!c.getId().equals(track.previousId)) {
        ContainerStatus s = containerStatus(c.getId());
        if (s == null || s.getState() != ContainerState.CONTAINER_EXITED) {
          return Optional.empty();
        }
        track.previousId = c.getId();
        track.previous = s;
      }
      return Optional.of(track.previous);
    }
    return Optional.empty();
  }

  private PodSandbox ensureSandbox(PodView p) {
    List<PodSandbox> sandboxes =
        cri.runtime()
            .listPodSandbox(
                ListPodSandboxRequest.newBuilder()
                    .setFilter(PodSandboxFilter.newBuilder().putLabelSelector(LABEL_UID, p.uid()))
                    .build())
            .getItemsList();
    Optional<PodSandbox> ready =
        sandboxes.stream()
            .filter(s -> s.getState() == PodSandboxState.SANDBOX_READY)
            .max(Comparator.comparingLong(PodSandbox::getCreatedAt));
    if (ready.isPresent()) {
      return ready.get();
    }
    for (PodSandbox dead : sandboxes) {
      stopAndRemoveSandbox(dead.getId());
    }
    try {
      String id =
          cri.runtime()
              .runPodSandbox(
                  RunPodSandboxRequest.newBuilder()
                      .setConfig(sandboxConfig(p, sandboxes.size()))
                      .build())
              .getPodSandboxId();
      log.info("pod {}: sandbox {} started", p.key(), shortId(id));
      return cri.runtime()
          .listPodSandbox(
              ListPodSandboxRequest.newBuilder()
                  .setFilter(PodSandboxFilter.newBuilder().setId(id))
                  .build())
          .getItems(0);
    } catch (StatusRuntimeException e) {
      log.warn("pod {}: cannot start its sandbox: {}", p.key(), e.getStatus());
      p.containers()
          .forEach(c ->
              waiting(
                  c.path("name").asText(),
                  "ContainerCreating",
                  "sandbox: " + e.getStatus().getDescription()));
      return null;
    }
  }

  PodSandboxConfig sandboxConfig(PodView p, int attempt) {
    // A hostNetwork pod shares the host's UTS namespace too, so it gets no hostname of its own
    // (as the kubelet does): runc refuses to set one without a private UTS namespace.
    PodSandboxConfig.Builder config =
        PodSandboxConfig.newBuilder()
            .setMetadata(
                PodSandboxMetadata.newBuilder()
                    .setName(p.name())
                    .setNamespace(p.namespace())
                    .setUid(p.uid())
                    .setAttempt(attempt))
            .setHostname(p.hostNetwork() ? "" : p.spec().path("hostname").asText(p.name()))
            .setLogDirectory(p.logDirectory(logRoot))
            .putLabels(LABEL_NAME, p.name())
            .putLabels(LABEL_NAMESPACE, p.namespace())
            .putLabels(LABEL_UID, p.uid())
            .setLinux(
                LinuxPodSandboxConfig.newBuilder()
                    .setSecurityContext(
                        LinuxSandboxSecurityContext.newBuilder()
                            .setNamespaceOptions(
                                NamespaceOption.newBuilder()
                                    .setNetwork(
                                        p.hostNetwork() ? NamespaceMode.NODE : NamespaceMode.POD)
                                    .setPid(NamespaceMode.CONTAINER)
                                    .setIpc(NamespaceMode.POD))));
    p.json()
        .path("metadata")
        .path("labels")
        .fields()
        .forEachRemaining(e -> config.putLabels(e.getKey(), e.getValue().asText()));
    for (JsonNode c : p.containers()) {
      for (JsonNode port : c.path("ports")) {
        if (port.path("hostPort").asInt(0) > 0) {
          config.addPortMappings(
              PortMapping.newBuilder()
                  .setProtocol(
                      "UDP".equals(port.path("protocol").asText()) ? Protocol.UDP : Protocol.TCP)
                  .setContainerPort(port.path("containerPort").asInt())
                  .setHostPort(port.path("hostPort").asInt())
                  .setHostIp(port.path("hostIP").asText("")));
        }
      }
    }
    return config.build();
  }

  private Optional<ContainerStatus> reconcileContainer(
      PodView p,
      PodSandbox sandbox,
      JsonNode spec,
      List<Container> instances,
      Map<String, Path> volumePaths) {
    String name = spec.path("name").asText();
    Track track = tracks.computeIfAbsent(name, k -> new Track());
    Container latest = instances.isEmpty() ? null : instances.get(0);
    ContainerStatus status = latest == null ? null : containerStatus(latest.getId());
    if (status != null && status.getState() == ContainerState.CONTAINER_RUNNING) {
      if (track.probes.livenessFailed(this, p, spec, status)) {
        log.info("pod {}: container {} failed its liveness probe; restarting it", p.key(), name);
        stopContainer(
            status.getId(),
            spec.path("lifecycle").isMissingNode()
                ? p.gracePeriodSeconds()
                : p.gracePeriodSeconds());
        status = containerStatus(latest.getId());
      } else {
        return Optional.of(status);
      }
    }
    if (status != null && status.getState() == ContainerState.CONTAINER_CREATED) {
      startContainer(p, name, status.getId());
      return Optional.ofNullable(containerStatus(status.getId()));
    }
    int restarts = status == null ? 0 : restartCount(status) + 1;
    if (status != null && status.getState() == ContainerState.CONTAINER_EXITED) {
      if (!shouldRestart(p.restartPolicy(), status.getExitCode())) {
        return Optional.of(status);
      }
      Duration ran = Duration.ofNanos(status.getFinishedAt() - status.getStartedAt());
      if (ran.compareTo(Duration.ofMinutes(10)) >= 0) {
        track.backoff = INITIAL_BACKOFF;
        track.nextStart = Instant.MIN;
      }
      Instant now = clock.instant();
      if (now.isBefore(track.nextStart)) {
        track.waitingReason = "CrashLoopBackOff";
        track.waitingMessage =
            "back-off " + track.backoff.toSeconds() + "s restarting failed container=" + name;
        return Optional.of(status);
      }
      track.nextStart = now.plus(track.backoff);
      track.backoff =
          track.backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
              ? MAX_BACKOFF
              : track.backoff.multipliedBy(2);
    }
    // create and start a new instance
    String image = spec.path("image").asText();
    if (!ensureImage(p, name, image, spec.path("imagePullPolicy").asText(""))) {
      return Optional.ofNullable(status);
    }
    ContainerConfig config;
    try {
      config = containerConfig(p, spec, restarts, volumePaths);
    } catch (PodVolumes.MissingSource e) {
      waiting(name, "CreateContainerConfigError", e.getMessage());
      return Optional.ofNullable(status);
    }
    try {
      String id =
          cri.runtime()
              .createContainer(
                  CreateContainerRequest.newBuilder()
                      .setPodSandboxId(sandbox.getId())
                      .setConfig(config)
                      .setSandboxConfig(sandboxConfig(p, sandbox.getMetadata().getAttempt()))
                      .build())
              .getContainerId();
      startContainer(p, name, id);
      track.probes.reset();
      return Optional.ofNullable(containerStatus(id));
    } catch (StatusRuntimeException e) {
      waiting(name, "CreateContainerError", e.getStatus().getDescription());
      log.warn("pod {}: cannot create container {}: {}", p.key(), name, e.getStatus());
      return Optional.ofNullable(status);
    }
  }

  private void startContainer(PodView p, String name, String id) {
    try {
      cri.runtime().startContainer(StartContainerRequest.newBuilder().setContainerId(id).build());
      log.info("pod {}: container {} started ({})", p.key(), name, shortId(id));
    } catch (StatusRuntimeException e) {
      waiting(name, "RunContainerError", e.getStatus().getDescription());
      log.warn("pod {}: cannot start container {}: {}", p.key(), name, e.getStatus());
    }
  }

  static boolean shouldRestart(String policy, int exitCode) {
    return switch (policy) {
      case "Never" -> false;
      case "OnFailure" -> exitCode != 0;
      default -> true;
    };
  }

  private boolean ensureImage(PodView p, String container, String image, String policy) {
    boolean always =
        "Always".equals(policy)
            || (policy.isEmpty() && (image.endsWith(":latest") || !image.contains(":")));
    try {
      boolean present =
          cri.images()
              .imageStatus(
                  ImageStatusRequest.newBuilder()
                      .setImage(ImageSpec.newBuilder().setImage(image))
                      .build())
              .hasImage();
      if (present && !always) {
        return true;
      }
      if ("Never".equals(policy)) {
        waiting(
            container,
            "ErrImageNeverPull",
            "image " + image + " is not present and imagePullPolicy is Never");
        return false;
      }
      cri.images()
          .pullImage(
              PullImageRequest.newBuilder()
                  .setImage(ImageSpec.newBuilder().setImage(image))
                  .build());
      return true;
    } catch (StatusRuntimeException e) {
      waiting(container, "ErrImagePull", e.getStatus().getDescription());
      log.warn("pod {}: cannot pull {}: {}", p.key(), image, e.getStatus().getDescription());
      return false;
    }
  }

  ContainerConfig containerConfig(
      PodView p, JsonNode spec, int restarts, Map<String, Path> volumePaths)
      throws PodVolumes.MissingSource {
    String name = spec.path("name").asText();
    ContainerConfig.Builder config =
        ContainerConfig.newBuilder()
            .setMetadata(ContainerMetadata.newBuilder().setName(name).setAttempt(restarts))
            .setImage(ImageSpec.newBuilder().setImage(spec.path("image").asText()))
            .setWorkingDir(spec.path("workingDir").asText(""))
            .setLogPath(name + "/" + restarts + ".log")
            .putLabels(LABEL_NAME, p.name())
            .putLabels(LABEL_NAMESPACE, p.namespace())
            .putLabels(LABEL_UID, p.uid())
            .putLabels(LABEL_CONTAINER, name)
            .putAnnotations(ANNOTATION_RESTARTS, Integer.toString(restarts));
    spec.path("command").forEach(c -> config.addCommand(c.asText()));
    spec.path("args").forEach(a -> config.addArgs(a.asText()));
    for (Map.Entry<String, String> env : Environment.of(p, spec, volumes).entrySet()) {
      config.addEnvs(KeyValue.newBuilder().setKey(env.getKey()).setValue(env.getValue()));
    }
    for (JsonNode m : spec.path("volumeMounts")) {
      Path host = volumePaths.get(m.path("name").asText());
      if (host == null) {
        continue;
      }
      String sub = m.path("subPath").asText("");
      config.addMounts(
          Mount.newBuilder()
              .setContainerPath(m.path("mountPath").asText())
              .setHostPath((sub.isEmpty() ? host : host.resolve(sub)).toString())
              .setReadonly(m.path("readOnly").asBoolean(false)));
    }
    config.setLinux(
        LinuxContainerConfig.newBuilder().setResources(resources(spec.path("resources"))));
    return config.build();
  }

  static LinuxContainerResources resources(JsonNode resources) {
    LinuxContainerResources.Builder r = LinuxContainerResources.newBuilder();
    long cpuLimit = Quantities.milliCpu(resources.path("limits").path("cpu").asText(""));
    long cpuRequest = Quantities.milliCpu(resources.path("requests").path("cpu").asText(""));
    if (cpuRequest == 0) {
      cpuRequest = cpuLimit;
    }
    r.setCpuShares(cpuRequest == 0 ? 2 : Math.max(2, cpuRequest * 1024 / 1000));
    if (cpuLimit > 0) {
      r.setCpuPeriod(100_000).setCpuQuota(cpuLimit * 100);
    }
    long memory = Quantities.bytes(resources.path("limits").path("memory").asText(""));
    if (memory > 0) {
      r.setMemoryLimitInBytes(memory);
    }
    return r.build();
  }

  /** Stops everything of the pod, gracefully, and removes it from containerd and disk. */
  void terminate(String uid, long graceSeconds) {
    List<PodSandbox> sandboxes =
        cri.runtime()
            .listPodSandbox(
                ListPodSandboxRequest.newBuilder()
                    .setFilter(PodSandboxFilter.newBuilder().putLabelSelector(LABEL_UID, uid))
                    .build())
            .getItemsList();
    for (PodSandbox s : sandboxes) {
      List<Container> containers =
          cri.runtime()
              .listContainers(
                  ListContainersRequest.newBuilder()
                      .setFilter(ContainerFilter.newBuilder().setPodSandboxId(s.getId()))
                      .build())
              .getContainersList();
      containers.parallelStream().forEach(c -> stopContainer(c.getId(), graceSeconds));
      stopAndRemoveSandbox(s.getId());
    }
    try {
      volumes.cleanup(uid);
    } catch (IOException e) {
      log.warn("cannot remove the volumes of pod {}: {}", uid, e.getMessage());
    }
  }

  private void stopContainer(String id, long graceSeconds) {
    try {
      // containerd sends SIGTERM, waits the timeout, then SIGKILL
      cri.runtime()
          .stopContainer(
              StopContainerRequest.newBuilder()
                  .setContainerId(id)
                  .setTimeout(graceSeconds)
                  .build());
    } catch (StatusRuntimeException e) {
      log.debug("stop container {}: {}", shortId(id), e.getStatus());
    }
  }

  private void stopAndRemoveSandbox(String id) {
    try {
      cri.runtime().stopPodSandbox(StopPodSandboxRequest.newBuilder().setPodSandboxId(id).build());
      cri.runtime()
          .removePodSandbox(RemovePodSandboxRequest.newBuilder().setPodSandboxId(id).build());
    } catch (StatusRuntimeException e) {
      log.warn("cannot remove sandbox {}: {}", shortId(id), e.getStatus());
    }
  }

  private void removeQuietly(String id) {
    try {
      cri.runtime().removeContainer(RemoveContainerRequest.newBuilder().setContainerId(id).build());
    } catch (StatusRuntimeException e) {
      log.debug("remove container {}: {}", shortId(id), e.getStatus());
    }
  }

  private ContainerStatus containerStatus(String id) {
    try {
      return cri.runtime()
          .containerStatus(ContainerStatusRequest.newBuilder().setContainerId(id).build())
          .getStatus();
    } catch (StatusRuntimeException e) {
      return null;
    }
  }

  CriClient cri() {
    return cri;
  }

  String podIp(PodSandbox sandbox) {
    if (pod.hostNetwork()) {
      return nodeIp;
    }
    try {
      return cri.runtime()
          .podSandboxStatus(
              PodSandboxStatusRequest.newBuilder().setPodSandboxId(sandbox.getId()).build())
          .getStatus()
          .getNetwork()
          .getIp();
    } catch (StatusRuntimeException e) {
      return "";
    }
  }

  private void waiting(String container, String reason, String message) {
    Track t = tracks.computeIfAbsent(container, k -> new Track());
    t.waitingReason = reason;
    t.waitingMessage = message == null ? "" : message;
  }

  static int restartCount(ContainerStatus s) {
    try {
      return Integer.parseInt(s.getAnnotationsOrDefault(ANNOTATION_RESTARTS, "0"));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The pod status the kubelet would report, from what containerd says. */
  private ObjectNode status(
      PodView p,
      PodSandbox sandbox,
      List<ContainerStatus> latest,
      Map<String, ContainerStatus> previous) {
    ObjectNode status = JSON.createObjectNode();
    String podIp = sandbox == null ? "" : podIp(sandbox);
    Map<String, ContainerStatus> byName = new HashMap<>();
    latest.forEach(s -> byName.put(s.getMetadata().getName(), s));
    ArrayNode statuses = JSON.createArrayNode();
    int running = 0;
    int succeeded = 0;
    int failed = 0;
    int waitingCount = 0;
    boolean allReady = true;
    for (JsonNode spec : p.containers()) {
      String name = spec.path("name").asText();
      Track track = tracks.computeIfAbsent(name, k -> new Track());
      ContainerStatus s = byName.get(name);
      ObjectNode cs = statuses.addObject();
      cs.put("name", name);
      cs.put("image", spec.path("image").asText());
      cs.put("imageID", s == null ? "" : s.getImageRef());
      cs.put("restartCount", s == null ? 0 : restartCount(s));
      ObjectNode state = cs.putObject("state");
      boolean ready = false;
      if (s == null
          || (s.getState() == ContainerState.CONTAINER_EXITED
              && "CrashLoopBackOff".equals(track.waitingReason)
              && shouldRestart(p.restartPolicy(), s.getExitCode()))) {
        state
            .putObject("waiting")
            .put("reason", track.waitingReason)
            .put("message", track.waitingMessage);
        waitingCount++;
        if (s != null) {
          cs.putObject("lastState").set("terminated", terminated(s));
          cs.put("containerID", "containerd://" + s.getId());
        }
        cs.put("started", false);
      } else {
        cs.put("containerID", "containerd://" + s.getId());
        ContainerStatus before = previous.get(name);
        if (before != null) {
          cs.putObject("lastState").set("terminated", terminated(before));
        }
        if (s.getState() == ContainerState.CONTAINER_RUNNING) {
          state.putObject("running").put("startedAt", time(s.getStartedAt()));
          running++;
          ready = track.probes.ready(this, p, spec, s, podIp);
          cs.put("started", track.probes.started());
        } else if (s.getState() == ContainerState.CONTAINER_EXITED) {
          state.set("terminated", terminated(s));
          if (s.getExitCode() == 0) {
            succeeded++;
          } else {
            failed++;
          }
          cs.put("started", false);
        } else {
          state.putObject("waiting").put("reason", "ContainerCreating");
          waitingCount++;
          cs.put("started", false);
        }
      }
      cs.put("ready", ready);
      allReady &= ready;
    }
    int total = p.containers().size();
    String phase;
    if (total > 0 && succeeded + failed == total) {
      phase =
          switch (p.restartPolicy()) {
            case "Never" -> failed > 0 ? "Failed" : "Succeeded";
            case "OnFailure" -> failed > 0 ? "Running" : "Succeeded";
            default -> "Running";
          };
    } else if (running > 0 || succeeded + failed > 0) {
      phase = "Running";
    } else {
      phase = "Pending";
    }
    status.put("phase", phase);
    ArrayNode conditions = status.putArray("conditions");
    conditions.add(condition("PodReadyToStartContainers", sandbox != null));
    conditions.add(condition("Initialized", true));
    conditions.add(condition("ContainersReady", allReady && total > 0));
    conditions.add(condition("Ready", allReady && total > 0));
    conditions.add(condition("PodScheduled", true));
    if (!nodeIp.isEmpty()) {
      status.put("hostIP", nodeIp);
      status.putArray("hostIPs").addObject().put("ip", nodeIp);
    }
    if (!podIp.isEmpty()) {
      status.put("podIP", podIp);
      status.putArray("podIPs").addObject().put("ip", podIp);
    }
    status.put("startTime", time(startTime));
    status.set("containerStatuses", statuses);
    return status;
  }

  private static ObjectNode terminated(ContainerStatus s) {
    ObjectNode t = JSON.createObjectNode();
    t.put("exitCode", s.getExitCode());
    t.put(
        "reason",
        s.getReason().isEmpty() ? (s.getExitCode() == 0 ? "Completed" : "Error") : s.getReason());
    if (!s.getMessage().isEmpty()) {
      t.put("message", s.getMessage());
    }
    t.put("startedAt", time(s.getStartedAt()));
    t.put("finishedAt", time(s.getFinishedAt()));
    t.put("containerID", "containerd://" + s.getId());
    return t;
  }

  /** A condition whose lastTransitionTime moves only when its value changes. */
  private ObjectNode condition(String type, boolean value) {
    Transition last = transitions.get(type);
    if (last == null || last.value() != value) {
      last = new Transition(value, time(clock.instant()));
      transitions.put(type, last);
    }
    ObjectNode c = JSON.createObjectNode();
    c.put("type", type).put("status", value ? "True" : "False").putNull("lastProbeTime");
    c.put("lastTransitionTime", last.at());
    return c;
  }

  private record Transition(boolean value, String at) {}

  static String time(long nanos) {
    return nanos <= 0 ? null : time(Instant.ofEpochSecond(0, nanos));
  }

  static String time(Instant t) {
    return t == null ? null : t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
  }

  static String shortId(String id) {
    return id.length() > 12 ? id.substring(0, 12) : id;
  }
}
