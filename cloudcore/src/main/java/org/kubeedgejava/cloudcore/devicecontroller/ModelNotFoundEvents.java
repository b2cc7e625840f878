package org.kubeedgejava.cloudcore.devicecontroller;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a Device whose DeviceModel does not exist visible: a Kubernetes Event on the Device (type
 * Warning, reason {@value #REASON}), recorded once per Device and model. The Event's name is
 * derived from the Device's uid and the model's name, so a cloudcore restart (whose informers see
 * every Device again) finds it already there and records nothing new.
 *
 * <p>Thread-safe; {@link #deviceWithoutModel} never blocks (the API call runs on {@code writes}).
 */
final class ModelNotFoundEvents {
  private static final Logger log = LoggerFactory.getLogger(ModelNotFoundEvents.class);
  static final String REASON = "DeviceModelNotFound";
  static final String COMPONENT = "devicecontroller";

  private final KubernetesClient kube;
  private final Clock clock;
  private final Executor writes;

  /** {@code <device uid>/<model>} pairs recorded (or being recorded). */
  private final Set<String> recorded = ConcurrentHashMap.newKeySet();

  ModelNotFoundEvents(KubernetesClient kube, Clock clock, Executor writes) {
    this.kube = kube;
    this.clock = clock;
    this.writes = writes;
  }

  /** {@code device} references {@code model}, which does not exist in its namespace. */
  void deviceWithoutModel(GenericKubernetesResource device, String model) {
    String pair = device.getMetadata().getUid() + "/" + model;
    if (!recorded.add(pair)) {
      return;
    }
    String ns = device.getMetadata().getNamespace();
    String name = device.getMetadata().getName();
    String node = DeviceMessages.nodeName(device);
    log.warn("device {}/{} references DeviceModel {}, which does not exist", ns, name, model);
    try {
      writes.execute(() -> {
        if (!create(event(device, model, node))) {
          recorded.remove(pair); // try again when the Device is seen next
        }
      });
    } catch (RejectedExecutionException closed) {
      recorded.remove(pair);
    }
  }

  /** The Device is gone: its pairs are forgotten. */
  void deviceDeleted(GenericKubernetesResource device) {
    String prefix = device.getMetadata().getUid() + "/";
    recorded.removeIf(pair -> pair.startsWith(prefix));
  }

  /** Message of the Event for a Device on {@code node} ("" when none) without {@code model}. */
  static String message(String namespace, String model, String node) {
    return "DeviceModel "
        + model
        + " not found in namespace "
        + namespace
        + ". Meanwhile the Device is "
        + (node.isEmpty() ? "on no node (spec.nodeName is empty)" : "delivered to node " + node)
        + " and its properties are typed from spec.properties[].desired.metadata.type (else"
        + " string); the model is delivered when it is created, and the device restarts with its"
        + " types.";
  }

  /** {@code <device>.<16 hex digits of sha-256(uid/model)>}, a valid Event name. */
  static String eventName(String device, String uid, String model) {
    String suffix = sha256(uid + "/" + model).substring(0, 16);
    String prefix = device.length() > 236 ? device.substring(0, 236) : device;
    return prefix + "." + suffix;
  }

  private Event event(GenericKubernetesResource device, String model, String node) {
    String ns = device.getMetadata().getNamespace();
    String now = Instant.ofEpochSecond(clock.instant().getEpochSecond()).toString();
    return new EventBuilder()
        .withNewMetadata()
        .withNamespace(ns)
        .withName(eventName(device.getMetadata().getName(), device.getMetadata().getUid(), model))
        .endMetadata()
        .withNewInvolvedObject()
        .withApiVersion(DeviceMessages.API_VERSION)
        .withKind("Device")
        .withNamespace(ns)
        .withName(device.getMetadata().getName())
        .withUid(device.getMetadata().getUid())
        .withResourceVersion(device.getMetadata().getResourceVersion())
        .endInvolvedObject()
        .withType("Warning")
        .withReason(REASON)
        .withMessage(message(ns, model, node))
        .withNewSource()
        .withComponent(COMPONENT)
        .endSource()
        .withFirstTimestamp(now)
        .withLastTimestamp(now)
        .withCount(1)
        .build();
  }

  /** Whether the Event exists now (created, or recorded before). */
  private boolean create(Event event) {
    try {
      kube.v1().events().inNamespace(event.getMetadata().getNamespace()).resource(event).create();
      return true;
    } catch (KubernetesClientException e) {
      if (e.getCode() == 409) {
        return true; // recorded before (e.g. by a cloudcore that ran earlier)
      }
      log.warn(
          "cannot record Event {} on device {}/{}: {}",
          REASON,
          event.getInvolvedObject().getNamespace(),
          event.getInvolvedObject().getName(),
          e.getMessage());
      return false;
    }
  }

  private static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always there", e);
    }
  }
}
