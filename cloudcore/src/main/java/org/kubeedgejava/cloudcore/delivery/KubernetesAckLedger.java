package org.kubeedgejava.cloudcore.delivery;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.kubeedgejava.wire.ResourcePath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link AckLedger} in the API server, as KubeEdge keeps it: an ObjectSync (namespaced objects)
 * or ClusterObjectSync (cluster-scoped) named {@code <node>.<object uid>}, spec {@code
 * {objectAPIVersion, objectKind, objectName}}, status {@code objectResourceVersion}; deleted when
 * the node acknowledges the object's deletion. Writes are asynchronous and coalesced per record, so
 * a burst of acknowledgements costs one write per object; reads list by the node label we add.
 */
public final class KubernetesAckLedger implements AckLedger, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KubernetesAckLedger.class);

  static final String GROUP = "reliablesyncs.kubeedge.io";
  static final String NODE_LABEL = "reliablesyncs.kubeedge.io/node";
  static final ResourceDefinitionContext OBJECT_SYNCS = context("ObjectSync", "objectsyncs", true);
  static final ResourceDefinitionContext CLUSTER_OBJECT_SYNCS =
      context("ClusterObjectSync", "clusterobjectsyncs", false);

  private record Write(String node, ObjectRef ref, String resourceVersion, boolean deleted) {}

  private final KubernetesClient kube;
  private final Map<String, Write> pending = new LinkedHashMap<>(); // guarded by this
  private final ExecutorService writer =
      Executors.newSingleThreadExecutor(Thread.ofVirtual().name("ack-ledger").factory());
  private boolean draining; // guarded by this
  private volatile boolean closed;

  public KubernetesAckLedger(KubernetesClient kube) {
    this.kube = kube;
  }

  private static ResourceDefinitionContext context(String kind, String plural, boolean namespaced) {
    return new ResourceDefinitionContext.Builder()
        .withGroup(GROUP)
        .withVersion("v1alpha1")
        .withKind(kind)
        .withPlural(plural)
        .withNamespaced(namespaced)
        .build();
  }

  /**
   * The record's name: {@code <node>.<uid>}, or {@code <node>.<name>} for objects without a UID.
   */
  static String recordName(String node, ObjectRef ref) {
    return node + "." + (ref.uid().isEmpty() ? ref.path().name() : ref.uid());
  }

  @Override
  public void acknowledged(String node, ObjectRef ref, String resourceVersion, boolean deleted) {
    synchronized (this) {
      pending.put(node + "/" + ref.key(), new Write(node, ref, resourceVersion, deleted));
      if (draining) {
        return;
      }
      draining = true;
    }
    writer.execute(this::drain);
  }

  /** Blocks until every recorded acknowledgement is written (for shutdown and tests). */
  public void flush() {
    try {
      writer.submit(() -> {}).get();
      synchronized (this) {
        if (!pending.isEmpty()) {
          writer.submit(this::drain).get();
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private void drain() {
    while (!closed) {
      Write next;
      synchronized (this) {
        var it = pending.values().iterator();
        if (!it.hasNext()) {
          draining = false;
          return;
        }
        next = it.next();
        it.remove();
      }
      try {
        write(next);
      } catch (KubernetesClientException e) {
        if (closed) {
          return; // shutting down while the API server refuses: give up, do not retry forever
        }
        log.warn(
            "cannot record the acknowledgement of {} by {}: {}; will retry",
            next.ref().key(),
            next.node(),
            e.getMessage());
        synchronized (this) {
          pending.putIfAbsent(next.node() + "/" + next.ref().key(), next);
        }
        sleepQuietly();
      }
    }
  }

  private void write(Write w) {
    ResourcePath path = w.ref().path();
    boolean cluster = path.isClusterScoped();
    var resources = kube.genericKubernetesResources(cluster ? CLUSTER_OBJECT_SYNCS : OBJECT_SYNCS);
    var scoped = cluster ? resources : resources.inNamespace(path.namespace());
    String name = recordName(w.node(), w.ref());
    if (w.deleted()) {
      scoped.withName(name).delete();
      return;
    }
    if (scoped.withName(name).get() == null) {
      GenericKubernetesResource record =
          new GenericKubernetesResourceBuilder()
              .withApiVersion(GROUP + "/v1alpha1")
              .withKind(cluster ? "ClusterObjectSync" : "ObjectSync")
              .withNewMetadata()
              .withName(name)
              .withNamespace(cluster ? null : path.namespace())
              .addToLabels(NODE_LABEL, w.node())
              .endMetadata()
              .addToAdditionalProperties(
                  "spec",
                  Map.of(
                      "objectAPIVersion",
                      w.ref().apiVersion(),
                      "objectKind",
                      w.ref().kind(),
                      "objectName",
                      path.name()))
              .build();
      try {
        scoped.resource(record).create();
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409) {
          throw e;
        }
      }
    }
    scoped
        .withName(name)
        .subresource("status")
        .patch(
            PatchContext.of(PatchType.JSON_MERGE),
            "{\"status\":{\"objectResourceVersion\":\"" + w.resourceVersion() + "\"}}");
  }

  @Override
  public List<Entry> entries(String node) {
    List<Entry> out = new ArrayList<>();
    for (boolean cluster : new boolean[] {false, true}) {
      var list =
          (cluster
                  ? kube.genericKubernetesResources(CLUSTER_OBJECT_SYNCS)
                  : kube.genericKubernetesResources(OBJECT_SYNCS).inAnyNamespace())
              .withLabel(NODE_LABEL, node)
              .list()
              .getItems();
      for (GenericKubernetesResource r : list) {
        String apiVersion = r.get("spec", "objectAPIVersion");
        String kind = r.get("spec", "objectKind");
        String objectName = r.get("spec", "objectName");
        String rv = r.get("status", "objectResourceVersion");
        String uid = r.getMetadata().getName().substring(node.length() + 1);
        String ns = cluster ? ResourcePath.CLUSTER_SCOPED : r.getMetadata().getNamespace();
        ObjectRef ref =
            new ObjectRef(
                apiVersion,
                kind,
                new ResourcePath(ns, kind.toLowerCase(java.util.Locale.ROOT), objectName),
                uid);
        out.add(new Entry(node, ref, rv == null ? "0" : rv));
      }
    }
    return out;
  }

  private static void sleepQuietly() {
    try {
      Thread.sleep(1000); // back off before retrying a failed API write (not test synchronisation)
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Lets the writes in progress finish for up to 5 s, then stops: a write that keeps failing is
   * abandoned rather than retried after cloudcore closed its API client.
   */
  @Override
  public void close() {
    writer.shutdown();
    try {
      if (!writer.awaitTermination(5, TimeUnit.SECONDS)) {
        closed = true;
        writer.shutdownNow();
        if (!writer.awaitTermination(5, TimeUnit.SECONDS)) {
          log.warn("the acknowledgement writer did not stop");
        }
      }
    } catch (InterruptedException e) {
      closed = true;
      writer.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }
}
