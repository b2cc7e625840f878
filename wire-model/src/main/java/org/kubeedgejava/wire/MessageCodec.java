package org.kubeedgejava.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.kubeedgejava.wire.MalformedMessageException.Reason;

/**
 * Encodes and decodes {@link Message}s as KubeEdge's websocket lane does: one JSON object per
 * frame, {@code {"header":{...},"route":{...},"content":...}}, with the field names and omissions
 * of Go's encoding ({@code parent_msg_id}, {@code resourceversion}, {@code sync} and {@code
 * destination} left out when empty).
 *
 * <p>Decoding is strict where routing depends on it and lenient elsewhere: a frame larger than the
 * limit, that is not one JSON object, whose header or route has a field of the wrong type, or that
 * lacks {@code header.msg_id} or {@code route.operation} is refused with a {@link
 * MalformedMessageException}; unknown fields are ignored. Nesting depth is bounded, so a hostile
 * frame cannot exhaust the stack.
 *
 * <p>Immutable and thread-safe; one instance serves every connection.
 */
public final class MessageCodec {
  /** Default frame limit: 8 MiB, above the largest Kubernetes object etcd stores (1.5 MiB). */
  public static final int DEFAULT_MAX_FRAME_BYTES = 8 << 20;

  private static final int MAX_NESTING_DEPTH = 100;

  private final int maxFrameBytes;
  private final ObjectMapper mapper;

  public MessageCodec(int maxFrameBytes) {
    if (maxFrameBytes < 64) {
      throw new IllegalArgumentException("maxFrameBytes must be at least 64: " + maxFrameBytes);
    }
    this.maxFrameBytes = maxFrameBytes;
    JsonFactory factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder()
                    .maxNestingDepth(MAX_NESTING_DEPTH)
                    .maxStringLength(maxFrameBytes)
                    .build())
            .build();
    this.mapper =
        JsonMapper.builder(factory)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            // numbers in content pass through exactly as sent: no float rounding, no Infinity
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
            .build();
  }

  public MessageCodec() {
    this(DEFAULT_MAX_FRAME_BYTES);
  }

  public int maxFrameBytes() {
    return maxFrameBytes;
  }

  /** The JSON mapper this codec uses, for building content trees. */
  public ObjectMapper mapper() {
    return mapper;
  }

  /** Encodes one message as UTF-8 JSON. */
  public byte[] encode(Message message) {
    try (ByteArrayBuilder buffer = new ByteArrayBuilder(256);
        JsonGenerator g = mapper.createGenerator(buffer)) {
      Header h = message.header();
      Route r = message.route();
      g.writeStartObject();
      g.writeObjectFieldStart("header");
      g.writeStringField("msg_id", h.id());
      if (!h.parentId().isEmpty()) {
        g.writeStringField("parent_msg_id", h.parentId());
      }
      g.writeNumberField("timestamp", h.timestamp());
      if (!h.resourceVersion().isEmpty()) {
        g.writeStringField("resourceversion", h.resourceVersion());
      }
      if (h.sync()) {
        g.writeBooleanField("sync", true);
      }
      g.writeEndObject();
      g.writeObjectFieldStart("route");
      g.writeStringField("source", r.source());
      if (!r.destination().isEmpty()) {
        g.writeStringField("destination", r.destination());
      }
      g.writeStringField("group", r.group());
      g.writeStringField("operation", r.operation());
      g.writeStringField("resource", r.resource());
      g.writeEndObject();
      g.writeFieldName("content");
      mapper.writeTree(g, message.content());
      g.writeEndObject();
      g.flush();
      return buffer.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode message " + message.header().id(), e);
    }
  }

  /** Encodes one message as a JSON string (for text websocket frames). */
  public String encodeToString(Message message) {
    return new String(encode(message), StandardCharsets.UTF_8);
  }

  public Message decode(byte[] frame) throws MalformedMessageException {
    return decode(frame, 0, frame.length);
  }

  /** Decodes one frame of {@code length} bytes at {@code offset}. */
  public Message decode(byte[] frame, int offset, int length) throws MalformedMessageException {
    if (length > maxFrameBytes) {
      throw new MalformedMessageException(
          Reason.OVERSIZED, "frame of " + length + " bytes exceeds the limit of " + maxFrameBytes);
    }
    JsonNode root;
    try {
      root = mapper.readTree(frame, offset, length);
    } catch (JsonProcessingException e) {
      throw new MalformedMessageException(
          Reason.NOT_JSON, "not a JSON document: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new MalformedMessageException(
          Reason.NOT_JSON, "unreadable frame: " + e.getMessage(), e);
    }
    return fromTree(root);
  }

  public Message decode(String frame) throws MalformedMessageException {
    return decode(frame.getBytes(StandardCharsets.UTF_8));
  }

  private static Message fromTree(JsonNode root) throws MalformedMessageException {
    if (root == null || !root.isObject()) {
      throw invalid(
          "a message is a JSON object, got " + (root == null ? "nothing" : root.getNodeType()));
    }
    JsonNode header = objectField(root, "header");
    JsonNode route = objectField(root, "route");
    String id = stringField(header, "header.msg_id");
    if (id.isEmpty()) {
      throw invalid("header.msg_id is missing");
    }
    String operation = stringField(route, "route.operation");
    if (operation.isEmpty()) {
      throw invalid("route.operation is missing");
    }
    JsonNode timestamp = header.get("timestamp");
    long millis = 0;
    if (timestamp != null && !timestamp.isNull()) {
      if (!timestamp.isIntegralNumber() || !timestamp.canConvertToLong()) {
        throw invalid(
            "header.timestamp must be an integer (milliseconds), got " + timestamp.getNodeType());
      }
      millis = timestamp.longValue();
    }
    JsonNode sync = header.get("sync");
    if (sync != null && !sync.isNull() && !sync.isBoolean()) {
      throw invalid("header.sync must be a boolean, got " + sync.getNodeType());
    }
    Header h =
        new Header(
            id,
            stringField(header, "header.parent_msg_id"),
            millis,
            stringField(header, "header.resourceversion"),
            sync != null && sync.booleanValue());
    Route r =
        new Route(
            stringField(route, "route.source"),
            stringField(route, "route.destination"),
            stringField(route, "route.group"),
            operation,
            stringField(route, "route.resource"));
    return new Message(h, r, root.get("content"));
  }

  private static JsonNode objectField(JsonNode parent, String name)
      throws MalformedMessageException {
    JsonNode node = parent.get(name);
    if (node == null || !node.isObject()) {
      throw invalid(
          name + " must be a JSON object, got " + (node == null ? "nothing" : node.getNodeType()));
    }
    return node;
  }

  private static String stringField(JsonNode parent, String path) throws MalformedMessageException {
    JsonNode node = parent.get(path.substring(path.indexOf('.') + 1));
    if (node == null || node.isNull()) {
      return "";
    }
    if (!node.isTextual()) {
      throw invalid(path + " must be a string, got " + node.getNodeType());
    }
    return node.textValue();
  }

  private static MalformedMessageException invalid(String message) {
    return new MalformedMessageException(Reason.INVALID, message);
  }
}
