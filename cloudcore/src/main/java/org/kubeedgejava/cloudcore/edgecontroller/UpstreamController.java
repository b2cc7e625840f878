package org.kubeedgejava.cloudcore.edgecontroller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.kubeedgejava.cloudcore.cloudhub.NodeSession;
import org.kubeedgejava.cloudcore.delivery.KubeJson;
import org.kubeedgejava.wire.Message;
import org.kubeedgejava.wire.Operations;
import org.kubeedgejava.wire.ResourcePath;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Step 6 of the message flow: applies what an edge node reports, and only about itself — its own
 * Node and Lease, and pods bound to it (KubeEdge checks this only with authorization enabled; here
 * it is always on). Registration and queries are answered with {@code response} messages whose
 * content is {@code {"Object": ..., "Err": ...}}, as KubeEdge's edges expect.
 */
public final class UpstreamController {
  private static final Logger log = LoggerFactory.getLogger(UpstreamController.class);
  private static final ObjectMapper JSON = KubeJson.MAPPER;

  private final KubernetesClient kube;
  private final DownstreamController downstream;
  private final Clock clock;
  private final String edgeLabelValue;

  public UpstreamController(
      KubernetesClient kube, DownstreamController downstream, Clock clock, String edgeLabelValue) {
    this.kube = kube;
    this.downstream = downstream;
    this.clock = clock;
    this.edgeLabelValue = edgeLabelValue;
  }

  /**
   * Handles one message from {@code session}'s node (resource in cloud form); answers through
   * {@code reply}.
   */
  public void onMessage(NodeSession session, Message message, Consumer<Message> reply) {
    String node = session.nodeId();
    Optional<ResourcePath> parsed =
        ResourcePath.parse(ResourcePath.toEdge(message.route().resource()));
    if (parsed.isEmpty()) {
      log.debug("node {}: no handler for resource {}", node, message.route().resource());
      return;
    }
    ResourcePath path = parsed.get();
    String op = message.route().operation();
    try {
      switch (path.type()) {
        case "node" -> registerNode(node, path, message, reply);
        case "nodestatus", "nodepatch" -> patchNodeStatus(node, path, message);
        case "lease" -> renewLease(node, path, message, reply);
        case "podpatch", "podstatus" -> patchPodStatus(node, path, message);
        case "pod" -> {
          if (Operations.DELETE.equals(op)) {
            confirmPodDeletion(node, path, message);
          }
        }
        case "configmap", "secret" -> {
          if (Operations.QUERY.equals(op)) {
            answerQuery(node, path, message, reply);
          }
        }
        default -> log.debug("node {}: nothing handles {} {}", node, op, path);
      }
    } catch (KubernetesClientException e) {
      log.warn("node {}: {} {} failed: {}", node, op, path, e.getMessage());
      if (Operations.INSERT.equals(op)
          || Operations.QUERY.equals(op)
          || Operations.UPDATE.equals(op)) {
        reply.accept(result(message, null, e.getMessage()));
      }
    } catch (NotAllowed e) {
      log.warn("node {} refused: {}", node, e.getMessage());
      reply.accept(result(message, null, e.getMessage()));
    }
  }

  private void registerNode(
      String node, ResourcePath path, Message message, Consumer<Message> reply) {
    requireSelf(node, path.name(), "register node");
    if (!Operations.INSERT.equals(message.route().operation())
        && !Operations.UPDATE.equals(message.route().operation())) {
      return;
    }
    Node reported = JSON.convertValue(message.content(), Node.class);
    Map<String, String> labels =
        new HashMap<>(
            reported.getMetadata().getLabels() == null
                ? Map.of()
                : reported.getMetadata().getLabels());
    labels.put(EdgeNodes.EDGE_LABEL, edgeLabelValue);
    labels.put(EdgeNodes.AGENT_LABEL, "");
    reported.getMetadata().setLabels(labels);
    reported.getMetadata().setResourceVersion(null);
    reported.getMetadata().setUid(null);
    Node existing = kube.nodes().withName(node).get();
    Node stored;
    if (existing == null) {
      stored = kube.nodes().resource(reported).create();
      log.info("registered edge node {}", node);
    } else {
      Map<String, String> merged =
          new HashMap<>(
              existing.getMetadata().getLabels() == null
                  ? Map.of()
                  : existing.getMetadata().getLabels());
      merged.putAll(labels);
      existing.getMetadata().setLabels(merged);
      stored = kube.nodes().resource(existing).update();
      log.info("edge node {} re-registered", node);
    }
    if (reported.getStatus() != null) {
      // a patch, not an update: the node lifecycle controller writes this Node too (taints)
      String patch =
          JSON.createObjectNode().set("status", JSON.valueToTree(reported.getStatus())).toString();
      stored =
          kube.nodes()
              .withName(node)
              .subresource("status")
              .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), patch);
    }
    reply.accept(result(message, stored, null));
  }

  private void patchNodeStatus(String node, ResourcePath path, Message message) {
    requireSelf(node, path.name(), "update the status of node");
    JsonNode status =
        message.content().isTextual() ? readTree(message.content().textValue()) : message.content();
    // nodepatch carries a strategic-merge patch of the Node; nodestatus carries {UID, Status}
    JsonNode patch =
        status.has("Status") ? JSON.createObjectNode().set("status", status.get("Status")) : status;
    kube.nodes()
        .withName(node)
        .subresource("status")
        .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), patch.toString());
  }

  private void renewLease(
      String node, ResourcePath path, Message message, Consumer<Message> reply) {
    requireSelf(node, path.name(), "renew the lease of node");
    if (!"kube-node-lease".equals(path.namespace())) {
      throw new NotAllowed("leases live in kube-node-lease, not " + path.namespace());
    }
    Lease lease = JSON.convertValue(message.content(), Lease.class);
    lease.getMetadata().setNamespace("kube-node-lease");
    lease.getMetadata().setName(node);
    lease.getMetadata().setResourceVersion(null);
    Lease existing = kube.leases().inNamespace("kube-node-lease").withName(node).get();
    Lease stored;
    if (existing == null) {
      stored = kube.leases().inNamespace("kube-node-lease").resource(lease).create();
    } else {
      existing.setSpec(lease.getSpec());
      stored = kube.leases().inNamespace("kube-node-lease").resource(existing).update();
    }
    if (!Operations.PATCH.equals(message.route().operation())) {
      reply.accept(result(message, stored, null));
    }
  }

  private void patchPodStatus(String node, ResourcePath path, Message message) {
    Pod pod = requirePodOn(node, path, true);
    JsonNode content =
        message.content().isTextual() ? readTree(message.content().textValue()) : message.content();
    JsonNode patch =
        content.has("status") ? content : JSON.createObjectNode().set("status", content);
    kube.pods()
        .inNamespace(path.namespace())
        .withName(pod.getMetadata().getName())
        .subresource("status")
        .patch(PatchContext.of(PatchType.STRATEGIC_MERGE), patch.toString());
  }

  private void confirmPodDeletion(String node, ResourcePath path, Message message) {
    if (kube.pods().inNamespace(path.namespace()).withName(path.name()).get() == null) {
      log.debug("node {} confirmed deletion of {}, which is already gone", node, path);
      return; // a repeated confirmation: the goal is reached
    }
    Pod pod = requirePodOn(node, path, false);
    String uid =
        message
            .content()
            .path("metadata")
            .path("uid")
            .asText(message.content().path("Preconditions").path("UID").asText(""));
    if (!uid.isEmpty() && !uid.equals(pod.getMetadata().getUid())) {
      log.debug("node {} confirmed deletion of an older {}; ignored", node, path);
      return;
    }
    kube.pods().inNamespace(path.namespace()).withName(path.name()).withGracePeriod(0).delete();
    log.info(
        "node {} confirmed that pod {}/{} is gone; deleted", node, path.namespace(), path.name());
  }

  private void answerQuery(
      String node, ResourcePath path, Message message, Consumer<Message> reply) {
    boolean used =
        downstream.podsOn(node).stream()
            .anyMatch(p ->
                DownstreamController.references(p)
                    .contains(path.namespace() + "/" + path.type() + "/" + path.name()));
    if (!used) {
      throw new NotAllowed(
          "no pod on node "
              + node
              + " uses "
              + path.type()
              + " "
              + path.namespace()
              + "/"
              + path.name());
    }
    HasMetadata object =
        "configmap".equals(path.type())
            ? kube.configMaps().inNamespace(path.namespace()).withName(path.name()).get()
            : kube.secrets().inNamespace(path.namespace()).withName(path.name()).get();
    reply.accept(
        result(
            message,
            object,
            object == null ? path.type() + " " + path.name() + " not found" : null));
  }

  /**
   * The pod, checked to be bound to {@code node}. With {@code cacheWillDo} the informer cache
   * answers for a pod it holds bound to this node (a pod's node never changes once bound), so a
   * status report costs one API call, not two: a node's reports are applied one after another, and
   * with 100 pods starting at once each GET delayed the reports behind it. A deletion confirmation
   * reads the live pod (its uid decides what is deleted).
   */
  private Pod requirePodOn(String node, ResourcePath path, boolean cacheWillDo) {
    if (cacheWillDo) {
      Optional<Pod> cached = downstream.cachedPod(path.namespace(), path.name());
      if (cached.isPresent() && node.equals(cached.get().getSpec().getNodeName())) {
        return cached.get();
      }
    }
    Pod pod = kube.pods().inNamespace(path.namespace()).withName(path.name()).get();
    if (pod == null) {
      throw new NotAllowed("pod " + path.namespace() + "/" + path.name() + " does not exist");
    }
    if (!node.equals(pod.getSpec().getNodeName())) {
      throw new NotAllowed(
          "pod " + path.namespace() + "/" + path.name() + " is not bound to node " + node);
    }
    return pod;
  }

  private static void requireSelf(String node, String named, String what) {
    if (!node.equals(named)) {
      throw new NotAllowed("node " + node + " may not " + what + " " + named);
    }
  }

  private Message result(Message request, Object object, String error) {
    ObjectNode content = JSON.createObjectNode();
    content.set("Object", object == null ? JSON.nullNode() : JSON.valueToTree(object));
    content.set("Err", error == null ? JSON.nullNode() : JSON.getNodeFactory().textNode(error));
    return Message.answer(clock, request, Operations.RESPONSE, content);
  }

  private static JsonNode readTree(String text) {
    try {
      return JSON.readTree(text);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new NotAllowed("content is not JSON: " + e.getOriginalMessage());
    }
  }

  /** A node asked for something about another node, or something malformed. */
  static final class NotAllowed extends RuntimeException {
    NotAllowed(String message) {
      super(message);
    }
  }
}
