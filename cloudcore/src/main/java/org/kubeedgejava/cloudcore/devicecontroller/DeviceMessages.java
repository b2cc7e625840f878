package org.kubeedgejava.cloudcore.devicecontroller;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Clock;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.kubeedgejava.cloudcore.delivery.KubeJson;
import org.kubeedgejava.wire.Groups;
import org.kubeedgejava.wire.Message;
import org.kubeedgejava.wire.Operations;
import org.kubeedgejava.wire.ResourcePath;
import org.kubeedgejava.wire.ResourceTypes;
import org.kubeedgejava.wire.Route;

/**
 * The device messages of {@code docs/devices.md}: reading the edge's twin and state reports,
 * turning them into a {@code Device.status} merge patch, and building the membership hint. Pure
 * functions; thread-safe.
 */
final class DeviceMessages {
  static final String SOURCE = "devicecontroller";
  static final String API_VERSION = "devices.kubeedge.io/v1beta1";

  private static final ObjectMapper JSON = KubeJson.MAPPER;

  private DeviceMessages() {}

  /** A report the edge sent that cannot be read. */
  static final class MalformedReport extends RuntimeException {
    MalformedReport(String message) {
      super(message);
    }
  }

  /** What an edge→cloud device resource names. */
  sealed interface Upstream {
    /** {@code device/<ns>/<name>/twin/edge_updated}. */
    record TwinReport(String namespace, String name) implements Upstream {}

    /** {@code device/<ns>/<name>/state/update}. */
    record StateReport(String namespace, String name) implements Upstream {}

    /** {@code membership/detail}. */
    record MembershipDetail() implements Upstream {}
  }

  /** Reads an edge resource ({@code device/...} or {@code membership/detail}). */
  static Optional<Upstream> parse(String edgeResource) {
    String[] p = edgeResource.split("/", -1);
    if (p.length == 2 && "membership".equals(p[0]) && "detail".equals(p[1])) {
      return Optional.of(new Upstream.MembershipDetail());
    }
    if (p.length != 5 || !"device".equals(p[0]) || p[1].isEmpty() || p[2].isEmpty()) {
      return Optional.empty();
    }
    if ("twin".equals(p[3]) && "edge_updated".equals(p[4])) {
      return Optional.of(new Upstream.TwinReport(p[1], p[2]));
    }
    if ("state".equals(p[3]) && "update".equals(p[4])) {
      return Optional.of(new Upstream.StateReport(p[1], p[2]));
    }
    return Optional.empty();
  }

  /**
   * A twin report's content ({@code {event_id, timestamp, twin: {<property>: MsgTwin}}}, as an
   * object or a JSON string) as status entries: {@code actual} becomes {@code reported}, {@code
   * expected} becomes {@code observedDesired}, each with its timestamp, the type {@code typeOf}
   * gives for the property (the DeviceModel's, lower case), else the type the edge sent, and the
   * {@code error} the edge sent (why the device's last read failed; ours, not upstream's).
   */
  static DeviceReport twinReport(
      JsonNode content, Function<String, Optional<String>> typeOf, Clock clock) {
    JsonNode body = object(content);
    JsonNode twins = body.path("twin");
    if (!twins.isObject()) {
      throw new MalformedReport("twin report without a 'twin' object");
    }
    String fallbackTime = Long.toString(clock.millis());
    Map<String, DeviceReport.Twin> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = twins.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode twin = e.getValue();
      if (!twin.isObject()) {
        throw new MalformedReport("twin '" + e.getKey() + "' is not an object");
      }
      String type =
          typeOf.apply(e.getKey()).orElse(text(twin.path("metadata").path("type")).orElse(null));
      out.put(
          e.getKey(),
          new DeviceReport.Twin(
              value(twin.path("actual"), type, fallbackTime),
              value(twin.path("expected"), type, fallbackTime)));
    }
    return DeviceReport.ofTwins(out);
  }

  /**
   * A state report's content (a JSON string, or an object: {@code {event_id, timestamp, state,
   * lastOnlineTime}}; {@code State} as the DMI path writes it is accepted too).
   */
  static DeviceReport stateReport(JsonNode content) {
    JsonNode body = object(content);
    Optional<String> state = text(body.path("state")).or(() -> text(body.path("State")));
    if (state.isEmpty()) {
      throw new MalformedReport("state report without a 'state'");
    }
    return DeviceReport.ofState(state.get(), text(body.path("lastOnlineTime")).orElse(null));
  }

  /**
   * The JSON merge patch of {@code Device.status} that writes {@code report}. A merge patch
   * replaces arrays whole, so {@code twins} is written in full: {@code current} (the status as the
   * API server has it) with the report's twins applied by property name.
   */
  static String statusPatch(JsonNode currentStatus, DeviceReport report) {
    ObjectNode status = JSON.createObjectNode();
    if (!report.twins().isEmpty()) {
      Map<String, ObjectNode> byName = new LinkedHashMap<>();
      for (JsonNode t : currentStatus.path("twins")) {
        if (t.path("propertyName").isTextual()) {
          byName.put(t.path("propertyName").textValue(), (ObjectNode) t.deepCopy());
        }
      }
      report
          .twins()
          .forEach((name, twin) -> {
            ObjectNode entry =
                byName.computeIfAbsent(name, n -> JSON.createObjectNode().put("propertyName", n));
            if (twin.reported() != null) {
              entry.set("reported", twin.reported());
            }
            if (twin.observedDesired() != null) {
              entry.set("observedDesired", twin.observedDesired());
            }
          });
      ArrayNode twins = status.putArray("twins");
      byName.values().forEach(twins::add);
    }
    if (report.state() != null) {
      status.put("state", report.state());
    }
    if (report.lastOnlineTime() != null) {
      status.put("lastOnlineTime", report.lastOnlineTime());
    }
    return JSON.createObjectNode().set("status", status).toString();
  }

  /**
   * The membership hint (group {@code twin}, resource {@code node/<node>/membership}, op update, no
   * acknowledgement) naming devices added to and removed from {@code node}.
   */
  static Message membership(
      Clock clock,
      String node,
      Collection<GenericKubernetesResource> added,
      Collection<GenericKubernetesResource> removed,
      Function<GenericKubernetesResource, Optional<GenericKubernetesResource>> modelOf) {
    ObjectNode content = JSON.createObjectNode();
    content.put("event_id", UUID.randomUUID().toString());
    content.put("timestamp", clock.millis());
    ArrayNode a = content.putArray("added_devices");
    added.forEach(d -> a.add(membershipDevice(d, modelOf.apply(d))));
    ArrayNode r = content.putArray("removed_devices");
    removed.forEach(d -> r.add(membershipDevice(d, modelOf.apply(d))));
    return Message.create(
        clock,
        new Route(
            SOURCE,
            "",
            Groups.TWIN,
            Operations.UPDATE,
            ResourcePath.fromEdge(node, ResourceTypes.MEMBERSHIP)),
        content);
  }

  /** Upstream's membership Device: {@code {id, name, description, state, last_online, twin}}. */
  static ObjectNode membershipDevice(
      GenericKubernetesResource device, Optional<GenericKubernetesResource> model) {
    JsonNode tree = JSON.valueToTree(device);
    ObjectNode out = JSON.createObjectNode();
    out.put("id", device.getMetadata().getNamespace() + "/" + device.getMetadata().getName());
    out.put("name", device.getMetadata().getName());
    out.put("description", "");
    text(tree.path("status").path("state")).ifPresent(s -> out.put("state", s));
    text(tree.path("status").path("lastOnlineTime")).ifPresent(s -> out.put("last_online", s));
    ObjectNode twin = out.putObject("twin");
    for (JsonNode p : tree.path("spec").path("properties")) {
      String name = p.path("name").asText("");
      if (name.isEmpty()) {
        continue;
      }
      ObjectNode t = twin.putObject(name);
      if (p.path("desired").path("value").isTextual()) {
        t.putObject("expected").put("value", p.path("desired").path("value").textValue());
      }
      t.put("optional", false);
      propertyType(model, name).ifPresent(type -> t.putObject("metadata").put("type", type));
    }
    return out;
  }

  /** The type of {@code property} in {@code model}'s spec, lower case ({@code FLOAT} → float). */
  static Optional<String> propertyType(Optional<GenericKubernetesResource> model, String property) {
    if (model.isEmpty()) {
      return Optional.empty();
    }
    for (JsonNode p : JSON.valueToTree(model.get()).path("spec").path("properties")) {
      if (property.equals(p.path("name").asText())) {
        return text(p.path("type")).map(t -> t.toLowerCase(Locale.ROOT));
      }
    }
    return Optional.empty();
  }

  /** {@code spec.nodeName} of a Device, or empty. */
  static String nodeName(GenericKubernetesResource device) {
    Object spec = device.getAdditionalProperties().get("spec");
    return spec instanceof Map<?, ?> m && m.get("nodeName") instanceof String s ? s : "";
  }

  /** {@code spec.deviceModelRef.name} of a Device, or empty. */
  static String modelName(GenericKubernetesResource device) {
    Object spec = device.getAdditionalProperties().get("spec");
    if (spec instanceof Map<?, ?> m
        && m.get("deviceModelRef") instanceof Map<?, ?> ref
        && ref.get("name") instanceof String s) {
      return s;
    }
    return "";
  }

  /** The Device's status as a tree (a missing node when it has none). */
  static JsonNode status(GenericKubernetesResource device) {
    return JSON.valueToTree(device).path("status");
  }

  private static JsonNode value(JsonNode value, String type, String fallbackTime) {
    if (!value.isObject() || value.path("value").isMissingNode() || value.path("value").isNull()) {
      return null;
    }
    ObjectNode out = JSON.createObjectNode();
    out.put("value", value.path("value").asText());
    ObjectNode meta = out.putObject("metadata");
    JsonNode ts = value.path("metadata").path("timestamp");
    meta.put("timestamp", ts.isValueNode() && !ts.isNull() ? ts.asText() : fallbackTime);
    if (type != null) {
      meta.put("type", type);
    }
    text(value.path("metadata").path("error")).ifPresent(error -> meta.put("error", error));
    return out;
  }

  private static JsonNode object(JsonNode content) {
    if (content.isTextual()) {
      try {
        JsonNode parsed = JSON.readTree(content.textValue());
        if (parsed != null && parsed.isObject()) {
          return parsed;
        }
      } catch (JsonProcessingException e) {
        throw new MalformedReport("content is a string but not JSON: " + e.getOriginalMessage());
      }
    }
    if (!content.isObject()) {
      throw new MalformedReport("content is neither a JSON object nor a JSON string holding one");
    }
    return content;
  }

  private static Optional<String> text(JsonNode node) {
    return node.isTextual() && !node.textValue().isEmpty()
        ? Optional.of(node.textValue())
        : Optional.empty();
  }
}
