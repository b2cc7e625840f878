package org.kubeedgejava.edgecore.edged;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container's environment: envFrom, then env (value, $(VAR) expansion, valueFrom), from the edge
 * store.
 */
final class Environment {
  private static final Pattern REFERENCE = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  private Environment() {}

  static Map<String, String> of(PodView pod, JsonNode container, PodVolumes store)
      throws PodVolumes.MissingSource {
    Map<String, String> env = new LinkedHashMap<>();
    for (JsonNode from : container.path("envFrom")) {
      String prefix = from.path("prefix").asText("");
      if (from.has("configMapRef")) {
        data(store, pod, "configmap", from.path("configMapRef"), false)
            .ifPresent(d ->
                d.fields()
                    .forEachRemaining(e -> env.put(prefix + e.getKey(), e.getValue().asText())));
      }
      if (from.has("secretRef")) {
        data(store, pod, "secret", from.path("secretRef"), false)
            .ifPresent(d ->
                d.fields()
                    .forEachRemaining(
                        e -> env.put(prefix + e.getKey(), decode(e.getValue().asText()))));
      }
    }
    for (JsonNode e : container.path("env")) {
      String name = e.path("name").asText();
      if (e.has("valueFrom")) {
        JsonNode from = e.path("valueFrom");
        if (from.has("configMapKeyRef")) {
          JsonNode ref = from.path("configMapKeyRef");
          Optional<JsonNode> d = data(store, pod, "configmap", ref, true);
          String value =
              d.map(x -> x.path(ref.path("key").asText()))
                  .filter(JsonNode::isTextual)
                  .map(JsonNode::asText)
                  .orElse(null);
          if (value == null && !ref.path("optional").asBoolean(false)) {
            throw new PodVolumes.MissingSource(
                "configmap key "
                    + ref.path("name").asText()
                    + "/"
                    + ref.path("key").asText()
                    + " not found");
          }
          if (value != null) {
            env.put(name, value);
          }
        } else if (from.has("secretKeyRef")) {
          JsonNode ref = from.path("secretKeyRef");
          Optional<JsonNode> d = data(store, pod, "secret", ref, true);
          String value =
              d.map(x -> x.path(ref.path("key").asText()))
                  .filter(JsonNode::isTextual)
                  .map(j -> decode(j.asText()))
                  .orElse(null);
          if (value == null && !ref.path("optional").asBoolean(false)) {
            throw new PodVolumes.MissingSource(
                "secret key "
                    + ref.path("name").asText()
                    + "/"
                    + ref.path("key").asText()
                    + " not found");
          }
          if (value != null) {
            env.put(name, value);
          }
        } else if (from.has("fieldRef")) {
          env.put(
              name, PodVolumes.fieldValue(pod, from.path("fieldRef").path("fieldPath").asText()));
        }
      } else {
        env.put(name, expand(e.path("value").asText(""), env));
      }
    }
    return env;
  }

  static String expand(String value, Map<String, String> env) {
    Matcher m = REFERENCE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement = env.getOrDefault(m.group(1), m.group(0));
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString().replace("$$", "$");
  }

  private static Optional<JsonNode> data(
      PodVolumes store, PodView pod, String type, JsonNode ref, boolean keyLevel)
      throws PodVolumes.MissingSource {
    String name = ref.path("name").asText();
    Optional<JsonNode> object = store.object(pod.namespace(), type, name);
    if (object.isEmpty()) {
      if (ref.path("optional").asBoolean(false) || keyLevel) {
        return Optional.empty();
      }
      throw new PodVolumes.MissingSource(
          type + " " + pod.namespace() + "/" + name + " is not on this node");
    }
    return Optional.of(object.get().path("data"));
  }

  private static String decode(String base64) {
    return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
  }
}
