package org.kubeedgejava.edgecore.devicetwin;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Upstream's DeviceTwin payloads (docs/devices.md): reading what mappers and applications publish
 * on the MQTT topics, and writing {@code MsgTwin}, results, documents, deltas and the reports for
 * the cloud. Values are strings on the wire. Stateless.
 */
final class TwinMessages {
  static final ObjectMapper JSON = new ObjectMapper();

  /** Upstream's limits on property names and values. */
  static final int MAX_KEY_BYTES = 128;

  static final int MAX_VALUE_BYTES = 512;

  private TwinMessages() {}

  /** A payload that cannot be accepted: answered with {@code code} 400 and this reason. */
  static final class BadPayload extends Exception {
    BadPayload(String reason) {
      super(reason);
    }
  }

  /** One property of a {@code twin/update}: the new expected and/or actual value. */
  record PropertyUpdate(Optional<String> expected, Optional<String> actual) {}

  /** A parsed {@code twin/update}. */
  record TwinUpdate(String eventId, Map<String, PropertyUpdate> twin) {}

  /**
   * Reads a {@code twin/update}: {@code {event_id, timestamp, twin: {<p>: {expected?, actual?}}}}.
   */
  static TwinUpdate parseTwinUpdate(byte[] payload) throws BadPayload {
    JsonNode root = parseObject(payload);
    JsonNode twin = root.path("twin");
    if (!twin.isObject() || twin.isEmpty()) {
      throw new BadPayload("the payload has no \"twin\" object with at least one property");
    }
    Map<String, PropertyUpdate> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : twin.properties()) {
      String key = e.getKey();
      if (key.isEmpty() || key.getBytes(StandardCharsets.UTF_8).length >= MAX_KEY_BYTES) {
        throw new BadPayload("property name \"" + key + "\" is empty or too long");
      }
      if (!e.getValue().isObject()) {
        throw new BadPayload("twin \"" + key + "\" is not an object");
      }
      Optional<String> expected = value(key, "expected", e.getValue().get("expected"));
      Optional<String> actual = value(key, "actual", e.getValue().get("actual"));
      if (expected.isEmpty() && actual.isEmpty()) {
        throw new BadPayload("twin \"" + key + "\" has neither an expected nor an actual value");
      }
      out.put(key, new PropertyUpdate(expected, actual));
    }
    return new TwinUpdate(root.path("event_id").asText(""), out);
  }

  /** Reads a {@code state/update}: {@code {event_id, timestamp, state}}. */
  static String parseState(byte[] payload) throws BadPayload {
    JsonNode root = parseObject(payload);
    JsonNode state = root.has("state") ? root.get("state") : root.path("State");
    if (!state.isTextual() || state.textValue().isBlank()) {
      throw new BadPayload("the payload has no \"state\" string");
    }
    return state.textValue();
  }

  /** The event id of any JSON payload, or "" (for answers to requests we could not read). */
  static String eventId(byte[] payload) {
    try {
      return JSON.readTree(payload).path("event_id").asText("");
    } catch (java.io.IOException | RuntimeException e) {
      return "";
    }
  }

  static JsonNode parseObject(byte[] payload) throws BadPayload {
    JsonNode root;
    try {
      root = JSON.readTree(payload);
    } catch (JacksonException e) {
      throw new BadPayload("the payload is not valid JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw new BadPayload("the payload cannot be read: " + e.getMessage());
    }
    if (root == null || !root.isObject()) {
      throw new BadPayload("the payload is not a JSON object");
    }
    return root;
  }

  private static Optional<String> value(String key, String which, JsonNode node) throws BadPayload {
    if (node == null || node.isNull()) {
      return Optional.empty();
    }
    JsonNode v = node.isObject() ? node.get("value") : null;
    if (v == null || !(v.isTextual() || v.isNumber() || v.isBoolean())) {
      throw new BadPayload("twin \"" + key + "\": " + which + " has no string \"value\"");
    }
    String text = v.asText();
    if (text.getBytes(StandardCharsets.UTF_8).length >= MAX_VALUE_BYTES) {
      throw new BadPayload("twin \"" + key + "\": " + which + " value is too long");
    }
    return Optional.of(text);
  }

  static ObjectNode base(String eventId, long timestamp) {
    ObjectNode n = JSON.createObjectNode();
    n.put("event_id", eventId);
    n.put("timestamp", timestamp);
    return n;
  }

  /** {@code {event_id, timestamp, code, reason}}: a refusal. */
  static ObjectNode error(String eventId, long timestamp, int code, String reason) {
    ObjectNode n = base(eventId, timestamp);
    n.put("code", code);
    n.put("reason", reason);
    return n;
  }

  /**
   * Upstream's MsgTwin for one property; {@code actual.metadata.error} (ours) says why the device's
   * last read failed, the value being the last good one ("" when there was none).
   */
  static ObjectNode msgTwin(Twin t) {
    ObjectNode n = JSON.createObjectNode();
    if (t.expected() != null) {
      n.set("expected", valueWithMeta(t.expected(), t.expectedTimestamp()));
    }
    if (t.actual() != null || !t.actualError().isEmpty()) {
      ObjectNode actual = valueWithMeta(t.actual() == null ? "" : t.actual(), t.actualTimestamp());
      if (!t.actualError().isEmpty()) {
        ((ObjectNode) actual.get("metadata")).put("error", t.actualError());
      }
      n.set("actual", actual);
    }
    n.put("optional", t.optional());
    ObjectNode metadata = n.putObject("metadata");
    metadata.put("type", t.attrType());
    if (!t.note().isEmpty()) {
      metadata.put("note", t.note());
    }
    n.set("expected_version", t.expectedVersion().toJson());
    n.set("actual_version", t.actualVersion().toJson());
    return n;
  }

  /** {@code {event_id, timestamp, twin: {<p>: MsgTwin}}}: twin results and cloud reports. */
  static ObjectNode twins(String eventId, long timestamp, Collection<Twin> twins) {
    ObjectNode n = base(eventId, timestamp);
    ObjectNode t = n.putObject("twin");
    for (Twin twin : twins) {
      t.set(twin.name(), msgTwin(twin));
    }
    return n;
  }

  /** {@code {event_id, timestamp, twin: {<p>: {last, current}}}} for the changed properties. */
  static ObjectNode document(String eventId, long timestamp, Map<String, Twin[]> lastAndCurrent) {
    ObjectNode n = base(eventId, timestamp);
    ObjectNode t = n.putObject("twin");
    for (Map.Entry<String, Twin[]> e : lastAndCurrent.entrySet()) {
      ObjectNode pair = t.putObject(e.getKey());
      Twin last = e.getValue()[0];
      if (last == null) {
        pair.putNull("last");
      } else {
        pair.set("last", msgTwin(last));
      }
      pair.set("current", msgTwin(e.getValue()[1]));
    }
    return n;
  }

  /**
   * {@code {event_id, timestamp, twin: {<p>: MsgTwin}, delta: {<p>: expected}}} over the properties
   * whose expected value differs from the actual one; empty when there are none.
   */
  static Optional<ObjectNode> delta(String eventId, long timestamp, Collection<Twin> twins) {
    ObjectNode n = base(eventId, timestamp);
    ObjectNode t = n.putObject("twin");
    ObjectNode delta = n.putObject("delta");
    for (Twin twin : twins) {
      t.set(twin.name(), msgTwin(twin));
      if (twin.hasDelta()) {
        delta.put(twin.name(), twin.expected());
      }
    }
    return delta.isEmpty() ? Optional.empty() : Optional.of(n);
  }

  /**
   * The state report for the cloud: a JSON string {@code {event_id, timestamp, state,
   * lastOnlineTime}}.
   */
  static String stateReport(String eventId, long timestamp, String state, String lastOnline) {
    ObjectNode n = base(eventId, timestamp);
    n.put("state", state);
    n.put("lastOnlineTime", lastOnline == null ? "" : lastOnline);
    return n.toString();
  }

  private static ObjectNode valueWithMeta(String value, long timestamp) {
    ObjectNode n = JSON.createObjectNode();
    n.put("value", value);
    n.putObject("metadata").put("timestamp", timestamp);
    return n;
  }
}
