package org.kubeedgejava.cloudcore.edgecontroller;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.kubeedgejava.cloudcore.cloudhub.NodeSession;
import org.kubeedgejava.cloudcore.cloudhub.SessionListener;
import org.kubeedgejava.cloudcore.delivery.ObjectMessages;
import org.kubeedgejava.cloudcore.delivery.ReliableDelivery;
import org.kubeedgejava.wire.Operations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 2 of the message flow: watches edge nodes, the pods bound to them and the ConfigMaps and
 * Secrets those pods use, and delivers each change reliably to the nodes that need it — a ConfigMap
 * or Secret only to nodes running a pod that references it, never to every node.
 */
public final class DownstreamController implements SessionListener, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DownstreamController.class);
  static final String SOURCE = "edgecontroller";

  private final KubernetesClient kube;
  private final ReliableDelivery delivery;
  private final Clock clock;
  private final List<SharedIndexInformer<?>> informers = new ArrayList<>();

  /** "<ns>/configmap/<name>" or "<ns>/secret/<name>" → nodes whose pods use it. */
  private final Map<String, Set<String>> usedBy = new ConcurrentHashMap<>();

  /** pod key → the references it had, to clean up. */
  private final Map<String, Set<String>> podRefs = new ConcurrentHashMap<>();

  private SharedIndexInformer<Node> nodes;
  private SharedIndexInformer<Pod> pods;
  private SharedIndexInformer<ConfigMap> configMaps;
  private SharedIndexInformer<Secret> secrets;

  public DownstreamController(KubernetesClient kube, ReliableDelivery delivery, Clock clock) {
    this.kube = kube;
    this.delivery = delivery;
    this.clock = clock;
  }

  /** Starts the informers; returns once their caches are filled. */
  public void start() {
    nodes = kube.nodes().withLabel(EdgeNodes.EDGE_LABEL).inform(new NodeHandler());
    informers.add(nodes);
    configMaps = kube.configMaps().inAnyNamespace().inform(new ReferencedHandler<>("configmap"));
    informers.add(configMaps);
    secrets = kube.secrets().inAnyNamespace().inform(new ReferencedHandler<>("secret"));
    informers.add(secrets);
    pods = kube.pods().inAnyNamespace().withoutField("spec.nodeName", "").inform(new PodHandler());
    informers.add(pods);
    log.info(
        "edgecontroller watching {} edge nodes and {} bound pods",
        nodes.getStore().list().size(),
        pods.getStore().list().size());
  }

  /**
   * A node that (re)connects gets every pod bound to it and what they use, offered again: an edge
   * whose store was wiped (a re-join, a replaced disk) converges, and one that has everything
   * answers each with a cheap "already have it" acknowledgement. Deliveries coalesce per object.
   */
  @Override
  public void onConnected(NodeSession session) {
    if (pods == null) {
      return;
    }
    Thread.ofVirtual()
        .name("edgecontroller-resend-" + session.nodeId())
        .start(() -> {
          PodHandler handler = new PodHandler();
          for (Pod pod : podsOn(session.nodeId())) {
            handler.changed(pod, Operations.UPDATE);
          }
        });
  }

  @Override
  public void onDisconnected(NodeSession session) {}

  public boolean isEdgeNode(String name) {
    return nodes != null && nodes.getStore().getByKey(name) != null;
  }

  /** Whether edge node {@code name} carries label {@code key=value} (from the informer cache). */
  public boolean edgeNodeLabelled(String name, String key, String value) {
    Node node = nodes == null ? null : nodes.getStore().getByKey(name);
    return node != null
        && node.getMetadata().getLabels() != null
        && value.equals(node.getMetadata().getLabels().get(key));
  }

  /** Pod {@code namespace/name} as the informer cache holds it, if it does. */
  public Optional<Pod> cachedPod(String namespace, String name) {
    return Optional.ofNullable(pods.getStore().getByKey(namespace + "/" + name));
  }

  /** The pods bound to {@code node}, from the informer cache. */
  public List<Pod> podsOn(String node) {
    return pods.getStore().list().stream()
        .filter(p -> node.equals(p.getSpec().getNodeName()))
        .toList();
  }

  private void deliver(String node, String operation, HasMetadata object) {
    delivery.deliver(
        node,
        ObjectMessages.refOf(object),
        ObjectMessages.forObject(clock, SOURCE, node, operation, object));
  }

  private final class PodHandler implements ResourceEventHandler<Pod> {
    @Override
    public void onAdd(Pod pod) {
      changed(pod, Operations.INSERT);
    }

    @Override
    public void onUpdate(Pod old, Pod pod) {
      if (!Objects.equals(
          old.getMetadata().getResourceVersion(), pod.getMetadata().getResourceVersion())) {
        changed(pod, Operations.UPDATE);
      }
    }

    @Override
    public void onDelete(Pod pod, boolean finalStateUnknown) {
      String node = pod.getSpec().getNodeName();
      forget(pod);
      if (isEdgeNode(node)) {
        deliver(node, Operations.DELETE, pod);
      }
    }

    private void changed(Pod pod, String operation) {
      String node = pod.getSpec().getNodeName();
      if (!isEdgeNode(node)) {
        return;
      }
      // what the pod needs goes first, so the edge has it when it starts the pod
      Set<String> refs = references(pod);
      podRefs.put(key(pod), refs);
      for (String ref : refs) {
        usedBy.computeIfAbsent(ref, k -> ConcurrentHashMap.newKeySet()).add(node);
        sendReferenced(ref, node); // coalesced by delivery; a node that has it acknowledges cheaply
      }
      deliver(node, operation, pod);
    }
  }

  private void forget(Pod pod) {
    Set<String> refs = podRefs.remove(key(pod));
    if (refs == null) {
      return;
    }
    String node = pod.getSpec().getNodeName();
    for (String ref : refs) {
      boolean stillUsed =
          podRefs.entrySet().stream()
              .anyMatch(e -> e.getValue().contains(ref) && podNode(e.getKey()).equals(node));
      if (!stillUsed) {
        Set<String> nodesUsing = usedBy.get(ref);
        if (nodesUsing != null) {
          nodesUsing.remove(node);
        }
      }
    }
  }

  private String podNode(String podKey) {
    Pod p = pods.getStore().getByKey(podKey);
    return p == null ? "" : p.getSpec().getNodeName();
  }

  private void sendReferenced(String ref, String node) {
    String[] parts = ref.split("/", 3);
    HasMetadata object =
        "configmap".equals(parts[1])
            ? configMaps.getStore().getByKey(parts[0] + "/" + parts[2])
            : secrets.getStore().getByKey(parts[0] + "/" + parts[2]);
    if (object != null) {
      deliver(node, Operations.UPDATE, object);
    }
  }

  private final class NodeHandler implements ResourceEventHandler<Node> {
    @Override
    public void onAdd(Node node) {
      // pods bound before the node carried the label (or before cloudcore started)
      if (pods != null) {
        podsOn(node.getMetadata().getName())
            .forEach(p -> new PodHandler().changed(p, Operations.INSERT));
      }
    }

    @Override
    public void onUpdate(Node old, Node node) {}

    @Override
    public void onDelete(Node node, boolean finalStateUnknown) {
      log.info("edge node {} deleted", node.getMetadata().getName());
    }
  }

  private final class ReferencedHandler<T extends HasMetadata> implements ResourceEventHandler<T> {
    private final String type;

    ReferencedHandler(String type) {
      this.type = type;
    }

    @Override
    public void onAdd(T object) {
      fanOut(object, Operations.UPDATE);
    }

    @Override
    public void onUpdate(T old, T object) {
      if (!Objects.equals(
          old.getMetadata().getResourceVersion(), object.getMetadata().getResourceVersion())) {
        fanOut(object, Operations.UPDATE);
      }
    }

    @Override
    public void onDelete(T object, boolean finalStateUnknown) {
      fanOut(object, Operations.DELETE);
    }

    private void fanOut(T object, String operation) {
      Set<String> nodesUsing =
          usedBy.get(
              object.getMetadata().getNamespace()
                  + "/"
                  + type
                  + "/"
                  + object.getMetadata().getName());
      if (nodesUsing != null) {
        for (String node : Set.copyOf(nodesUsing)) {
          deliver(node, operation, object);
        }
      }
    }
  }

  /**
   * The ConfigMaps and Secrets a pod uses, as {@code <ns>/configmap/<name>} and {@code
   * <ns>/secret/<name>}.
   */
  static Set<String> references(Pod pod) {
    String ns = pod.getMetadata().getNamespace();
    Set<String> refs = new HashSet<>();
    for (Volume v : nullSafe(pod.getSpec().getVolumes())) {
      if (v.getConfigMap() != null) {
        refs.add(ns + "/configmap/" + v.getConfigMap().getName());
      }
      if (v.getSecret() != null) {
        refs.add(ns + "/secret/" + v.getSecret().getSecretName());
      }
      if (v.getProjected() != null) {
        for (VolumeProjection p : nullSafe(v.getProjected().getSources())) {
          if (p.getConfigMap() != null) {
            refs.add(ns + "/configmap/" + p.getConfigMap().getName());
          }
          if (p.getSecret() != null) {
            refs.add(ns + "/secret/" + p.getSecret().getName());
          }
        }
      }
    }
    List<Container> containers = new ArrayList<>(nullSafe(pod.getSpec().getContainers()));
    containers.addAll(nullSafe(pod.getSpec().getInitContainers()));
    for (Container c : containers) {
      for (EnvVar e : nullSafe(c.getEnv())) {
        if (e.getValueFrom() != null && e.getValueFrom().getConfigMapKeyRef() != null) {
          refs.add(ns + "/configmap/" + e.getValueFrom().getConfigMapKeyRef().getName());
        }
        if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
          refs.add(ns + "/secret/" + e.getValueFrom().getSecretKeyRef().getName());
        }
      }
      for (EnvFromSource e : nullSafe(c.getEnvFrom())) {
        if (e.getConfigMapRef() != null) {
          refs.add(ns + "/configmap/" + e.getConfigMapRef().getName());
        }
        if (e.getSecretRef() != null) {
          refs.add(ns + "/secret/" + e.getSecretRef().getName());
        }
      }
    }
    nullSafe(pod.getSpec().getImagePullSecrets())
        .forEach(s -> refs.add(ns + "/secret/" + s.getName()));
    refs.removeIf(r -> r.endsWith("/null"));
    return refs;
  }

  private static <T> List<T> nullSafe(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static String key(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  @Override
  public void close() {
    informers.forEach(SharedIndexInformer::close);
  }
}
