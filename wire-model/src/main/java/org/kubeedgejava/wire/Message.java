package org.kubeedgejava.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.time.Clock;
import java.util.Objects;
import java.util.UUID;

/**
 * One cloud-edge message: {@link Header}, {@link Route} and a content that is a JSON object (a
 * Kubernetes object), a JSON string ({@code "OK"}, {@code "ping"}, or serialized JSON in a string
 * as some KubeEdge messages carry), or null. Content is a Jackson tree and must not be mutated
 * after the message is built.
 */
public record Message(Header header, Route route, JsonNode content) {
  /** The content of a successful acknowledgement. */
  public static final String ACK_OK = "OK";

  public Message {
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(route, "route");
    content = content == null ? NullNode.getInstance() : content;
  }

  /** A new message with a fresh random id, stamped with the clock's current time. */
  public static Message create(Clock clock, Route route, JsonNode content) {
    return new Message(new Header(newId(), "", clock.millis(), "", false), route, content);
  }

  /** A new message with a fresh id answering {@code request}: same route but for the operation. */
  public static Message answer(Clock clock, Message request, String operation, JsonNode content) {
    Route r = request.route();
    return new Message(
        new Header(newId(), request.header().id(), clock.millis(), "", false),
        new Route(r.source(), "", r.group(), operation, r.resource()),
        content);
  }

  /** The edge's acknowledgement of a durably stored downstream message: op response, "OK". */
  public static Message ack(Clock clock, Message request) {
    return answer(clock, request, Operations.RESPONSE, TextNode.valueOf(ACK_OK));
  }

  /** An error answer to {@code request} with a human-readable reason. */
  public static Message error(Clock clock, Message request, String reason) {
    return answer(clock, request, Operations.ERROR, TextNode.valueOf(reason));
  }

  public static String newId() {
    return UUID.randomUUID().toString();
  }

  public Message withResourceVersion(String resourceVersion) {
    Header h = header;
    return new Message(
        new Header(h.id(), h.parentId(), h.timestamp(), resourceVersion, h.sync()), route, content);
  }

  public Message withRoute(Route newRoute) {
    return new Message(header, newRoute, content);
  }

  /** The content as text when it is a JSON string, else empty string. */
  public String contentText() {
    return content.isTextual() ? content.textValue() : "";
  }

  /** Whether this message acknowledges another with content "OK". */
  public boolean isAck() {
    return Operations.RESPONSE.equals(route.operation())
        && header.isResponse()
        && ACK_OK.equals(contentText());
  }

  static JsonNodeFactory nodes() {
    return JsonNodeFactory.instance;
  }
}
