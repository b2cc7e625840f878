package org.kubeedgejava.edgecore.edged;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.kubeedgejava.cri.CriClient;
import org.kubeedgejava.cri.v1.ListPodSandboxRequest;
import org.kubeedgejava.cri.v1.PodSandbox;
import org.kubeedgejava.edgecore.metamanager.MetaManager;
import org.kubeedgejava.edgecore.metamanager.MetaStore;
import org.kubeedgejava.edgecore.metamanager.UpstreamOutbox;
import org.kubeedgejava.wire.Groups;
import org.kubeedgejava.wire.Message;
import org.kubeedgejava.wire.Operations;
import org.kubeedgejava.wire.Route;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Edged: runs this node's pods on containerd through CRI, from the edge store alone. On start it
 * rebuilds every pod from the store — no cloud round trip — so a restart of edgecore, or a reboot
 * that wiped every container, brings the pods back while the WAN is down. Then it follows
 * MetaManager's changes and re-syncs every pod each second (restarts, probes, status). Status goes
 * up through the outbox, coalesced per pod; a pod the cloud deleted is stopped gracefully and its
 * deletion confirmed.
 *
 * <p>Threading: one scheduler thread ticks; each pod has its own worker, run on a virtual thread,
 * never two passes of the same pod at once, and at most {@link #syncSlots} sync passes at once.
 */
public final class Edged implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Edged.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final MetaStore store;
  private final CriClient cri;
  private final PodVolumes volumes;
  private final UpstreamOutbox outbox;
  private final Clock clock;
  private final String logRoot;
  private final String nodeIp;
  private final Map<String, Worker> workers = new ConcurrentHashMap<>();
  private final ScheduledExecutorService ticker =
      Executors.newSingleThreadScheduledExecutor(
          Thread.ofPlatform().name("edged-tick").daemon().factory());
  private final ExecutorService passes =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("edged-pod-", 0).factory());

  /**
   * Sync passes that run at once (twice the cores, at least 2). A pass of a running pod takes a few
   * milliseconds, but a new pod's pass makes its sandbox (CNI) and containers; when 100 pods arrive
   * together, letting them all ask containerd at once made every pod wait for nearly all the others
   * (p50 close to p99), while a bounded number finishes pods in arrival order.
   */
  private final Semaphore syncSlots =
      new Semaphore(Math.max(2, 2 * Runtime.getRuntime().availableProcessors()), true);

  /** A pod's worker and its single-flight guard. */
  private static final class Worker {
    final PodWorker pod;
    final AtomicBoolean busy = new AtomicBoolean();
    volatile String lastStatus = "";
    volatile boolean gone;

    Worker(PodWorker pod) {
      this.pod = pod;
    }
  }

  public Edged(
      MetaStore store,
      CriClient cri,
      java.nio.file.Path podsRoot,
      UpstreamOutbox outbox,
      Clock clock,
      String logRoot,
      String nodeIp) {
    this.store = store;
    this.cri = cri;
    this.volumes = new PodVolumes(podsRoot, store);
    this.outbox = outbox;
    this.clock = clock;
    this.logRoot = logRoot;
    this.nodeIp = nodeIp;
  }

  /** Rebuilds the pods in the store and starts the sync loop. */
  public void start(Duration period) {
    int n = 0;
    for (MetaStore.Entry e : store.listByType("pod")) {
      upsert(new PodView(parse(e.value())));
      n++;
    }
    log.info("edged: {} pods from the edge store", n);
    ticker.scheduleWithFixedDelay(this::tick, 0, period.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** MetaManager listener: pod changes from the cloud. */
  public void onChange(MetaManager.Change change) {
    if ("pod".equals(change.path().type())) {
      if (change.object() == null) {
        Worker w = workers.get(change.path().namespace() + "/" + change.path().name());
        if (w != null) {
          w.gone = true;
        }
      } else {
        upsert(new PodView(change.object()));
      }
    }
  }

  /** The runtime's version for the Node object, e.g. {@code containerd://1.6.20}. */
  public String runtimeVersion() {
    try {
      var v = cri.version();
      return v.getRuntimeName() + "://" + v.getRuntimeVersion();
    } catch (RuntimeException e) {
      return "containerd://unknown";
    }
  }

  private void upsert(PodView pod) {
    workers.compute(
        pod.key(),
        (k, existing) -> {
          if (existing != null && existing.pod.pod().uid().equals(pod.uid())) {
            existing.pod.update(pod);
            return existing;
          }
          if (existing != null) {
            existing.gone = true; // replaced by a pod with the same name: the old one goes first
            passes.execute(() -> finish(existing, false));
          }
          return new Worker(new PodWorker(pod, cri, volumes, clock, logRoot, nodeIp));
        });
    kick(pod.key());
  }

  private void tick() {
    try {
      workers.keySet().forEach(this::kick);
      removeOrphans();
    } catch (RuntimeException e) {
      log.warn("edged tick failed: {}", e.toString());
    }
  }

  private void kick(String key) {
    Worker w = workers.get(key);
    if (w == null || !w.busy.compareAndSet(false, true)) {
      return;
    }
    passes.execute(() -> {
      try {
        PodView pod = w.pod.pod();
        if (w.gone) {
          finish(w, false);
        } else if (pod.terminating()) {
          finish(w, true);
        } else {
          ObjectNode status;
          syncSlots.acquire();
          try {
            status = w.pod.sync();
          } finally {
            syncSlots.release();
          }
          if (report(pod, w, status)) {
            // something changed (a sandbox or container just started): look again soon rather
            // than at the next tick, so the status converges in tens of milliseconds
            ticker.schedule(() -> kick(key), 100, TimeUnit.MILLISECONDS);
          }
        }
      } catch (StatusRuntimeException e) {
        log.warn("pod {}: containerd: {}", key, e.getStatus());
      } catch (RuntimeException e) {
        log.error("pod {}: sync failed", key, e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt(); // shutting down
      } finally {
        w.busy.set(false);
      }
    });
  }

  private void finish(Worker w, boolean confirm) {
    PodView pod = w.pod.pod();
    log.info("pod {}: stopping (grace {} s)", pod.key(), pod.gracePeriodSeconds());
    w.pod.terminate(pod.uid(), pod.gracePeriodSeconds());
    workers.remove(pod.key(), w);
    if (confirm) {
      ObjectNode content = JSON.createObjectNode();
      content
          .putObject("metadata")
          .put("name", pod.name())
          .put("namespace", pod.namespace())
          .put("uid", pod.uid());
      outbox.submit(
          Message.create(
              clock,
              new Route(
                  "edged",
                  "",
                  Groups.RESOURCE,
                  Operations.DELETE,
                  pod.namespace() + "/pod/" + pod.name()),
              content),
          "pod-delete/" + pod.key());
      outbox.flush();
    }
  }

  /** Queues the pod's status if it changed; returns whether it did. */
  private boolean report(PodView pod, Worker w, ObjectNode status) {
    String text = status.toString();
    if (text.equals(w.lastStatus)) {
      return false;
    }
    w.lastStatus = text;
    ObjectNode patch = JSON.createObjectNode();
    patch.set("status", replacingIpLists(status));
    outbox.submit(
        Message.create(
            clock,
            new Route(
                "edged",
                "",
                Groups.RESOURCE,
                Operations.PATCH,
                pod.namespace() + "/podpatch/" + pod.name()),
            TextNode.valueOf(patch.toString())),
        "pod-status/" + pod.key());
    passes.execute(outbox::flush);
    return true;
  }

  /**
   * The status as the strategic-merge patch the cloud applies: podIPs and hostIPs merge by {@code
   * ip} there, so the new list must say it replaces the old one — else a pod whose sandbox was
   * re-created with another IP (after a reboot) would list both, which the API server refuses.
   */
  static ObjectNode replacingIpLists(ObjectNode status) {
    ObjectNode out = status.deepCopy();
    for (String list : new String[] {"podIPs", "hostIPs"}) {
      if (out.get(list) instanceof ArrayNode ips) {
        ips.addObject().put("$patch", "replace");
      }
    }
    return out;
  }

  /** Sandboxes of ours whose pod is no longer in the store (deleted while edgecore was down). */
  private void removeOrphans() {
    Set<String> known = new HashSet<>();
    workers.values().forEach(w -> known.add(w.pod.pod().uid()));
    List<PodSandbox> orphans = new ArrayList<>();
    for (PodSandbox s :
        cri.runtime().listPodSandbox(ListPodSandboxRequest.getDefaultInstance()).getItemsList()) {
      String uid = s.getLabelsMap().get(PodWorker.LABEL_UID);
      if (uid != null && !known.contains(uid)) {
        orphans.add(s);
      }
    }
    if (orphans.isEmpty()) {
      return;
    }
    Set<String> stored = new HashSet<>();
    for (MetaStore.Entry e : store.listByType("pod")) {
      stored.add(new PodView(parse(e.value())).uid());
    }
    for (PodSandbox s : orphans) {
      String uid = s.getLabelsMap().get(PodWorker.LABEL_UID);
      if (!stored.contains(uid)) {
        log.info(
            "removing sandbox {} of pod uid {}, which is no longer on this node",
            PodWorker.shortId(s.getId()),
            uid);
        new PodWorker(new PodView(JSON.createObjectNode()), cri, volumes, clock, logRoot, nodeIp)
            .terminate(uid, 0);
      }
    }
  }

  /** Pods this node runs now, by namespace/name. */
  public Set<String> pods() {
    return Set.copyOf(workers.keySet());
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException("unreadable pod in the edge store", e);
    }
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    passes.shutdownNow();
  }
}
