package org.kubeedgejava.edgecore.edged;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.kubeedgejava.edgecore.metamanager.MetaStore;

/**
 * A pod's volumes on this node's disk, under {@code <root>/<pod uid>/volumes/<name>}: configMap,
 * secret and projected volumes are written from the edge store (so they work with the cloud
 * unreachable), emptyDir is a directory, hostPath is the host's. ConfigMap and Secret contents are
 * swapped in atomically, the way the kubelet does it: the files are symlinks into {@code ..data},
 * itself a symlink re-pointed at a freshly written directory, so a container never sees half an
 * update.
 */
final class PodVolumes {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A volume's content is missing from the store (a ConfigMap or Secret the cloud never sent). */
  static final class MissingSource extends Exception {
    MissingSource(String message) {
      super(message);
    }
  }

  private final Path root;
  private final MetaStore store;

  PodVolumes(Path root, MetaStore store) {
    this.root = root;
    this.store = store;
  }

  /** Prepares every volume of {@code pod}; returns volume name → host path. */
  Map<String, Path> prepare(PodView pod) throws IOException, MissingSource {
    Map<String, Path> paths = new LinkedHashMap<>();
    for (JsonNode v : pod.spec().path("volumes")) {
      String name = v.path("name").asText();
      Path dir = root.resolve(pod.uid()).resolve("volumes").resolve(name);
      if (v.has("hostPath")) {
        Path host = Path.of(v.path("hostPath").path("path").asText());
        String type = v.path("hostPath").path("type").asText("");
        if ("DirectoryOrCreate".equals(type)) {
          Files.createDirectories(host);
        }
        paths.put(name, host);
      } else if (v.has("emptyDir")) {
        Files.createDirectories(dir);
        paths.put(name, dir);
      } else if (v.has("configMap")) {
        JsonNode src = v.path("configMap");
        Map<String, byte[]> files =
            configMapFiles(
                pod.namespace(),
                src.path("name").asText(),
                src.path("items"),
                src.path("optional").asBoolean(false));
        publish(dir, files);
        paths.put(name, dir);
      } else if (v.has("secret")) {
        JsonNode src = v.path("secret");
        Map<String, byte[]> files =
            secretFiles(
                pod.namespace(),
                src.path("secretName").asText(),
                src.path("items"),
                src.path("optional").asBoolean(false));
        publish(dir, files);
        paths.put(name, dir);
      } else if (v.has("projected")) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        for (JsonNode s : v.path("projected").path("sources")) {
          if (s.has("configMap")) {
            files.putAll(
                configMapFiles(
                    pod.namespace(),
                    s.path("configMap").path("name").asText(),
                    s.path("configMap").path("items"),
                    s.path("configMap").path("optional").asBoolean(false)));
          } else if (s.has("secret")) {
            files.putAll(
                secretFiles(
                    pod.namespace(),
                    s.path("secret").path("name").asText(),
                    s.path("secret").path("items"),
                    s.path("secret").path("optional").asBoolean(false)));
          } else if (s.has("downwardAPI")) {
            for (JsonNode item : s.path("downwardAPI").path("items")) {
              String field = item.path("fieldRef").path("fieldPath").asText();
              files.put(
                  item.path("path").asText(),
                  fieldValue(pod, field).getBytes(StandardCharsets.UTF_8));
            }
          } else if (s.has("serviceAccountToken")) {
            // tokens are minted by the API server's TokenRequest; not issued to edge pods yet
            files.put(s.path("serviceAccountToken").path("path").asText("token"), new byte[0]);
          }
        }
        publish(dir, files);
        paths.put(name, dir);
      } else {
        Files.createDirectories(
            dir); // unsupported kinds get an empty directory rather than a failed pod
        paths.put(name, dir);
      }
    }
    return paths;
  }

  /** Removes everything of the pod under the root. */
  void cleanup(String uid) throws IOException {
    Path dir = root.resolve(uid);
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  static String fieldValue(PodView pod, String fieldPath) {
    return switch (fieldPath) {
      case "metadata.name" -> pod.name();
      case "metadata.namespace" -> pod.namespace();
      case "metadata.uid" -> pod.uid();
      case "spec.nodeName" -> pod.spec().path("nodeName").asText();
      case "spec.serviceAccountName" -> pod.spec().path("serviceAccountName").asText();
      default -> "";
    };
  }

  Optional<JsonNode> object(String namespace, String type, String name) {
    return store.get(namespace + "/" + type + "/" + name).map(PodVolumes::parse);
  }

  private Map<String, byte[]> configMapFiles(
      String ns, String name, JsonNode items, boolean optional) throws MissingSource {
    Optional<JsonNode> cm = object(ns, "configmap", name);
    if (cm.isEmpty()) {
      if (optional) {
        return Map.of();
      }
      throw new MissingSource("configmap " + ns + "/" + name + " is not on this node");
    }
    Map<String, byte[]> all = new LinkedHashMap<>();
    cm.get()
        .path("data")
        .fields()
        .forEachRemaining(
            e -> all.put(e.getKey(), e.getValue().asText().getBytes(StandardCharsets.UTF_8)));
    cm.get()
        .path("binaryData")
        .fields()
        .forEachRemaining(
            e -> all.put(e.getKey(), Base64.getDecoder().decode(e.getValue().asText())));
    return select(all, items);
  }

  private Map<String, byte[]> secretFiles(String ns, String name, JsonNode items, boolean optional)
      throws MissingSource {
    Optional<JsonNode> secret = object(ns, "secret", name);
    if (secret.isEmpty()) {
      if (optional) {
        return Map.of();
      }
      throw new MissingSource("secret " + ns + "/" + name + " is not on this node");
    }
    Map<String, byte[]> all = new LinkedHashMap<>();
    secret
        .get()
        .path("data")
        .fields()
        .forEachRemaining(
            e -> all.put(e.getKey(), Base64.getDecoder().decode(e.getValue().asText())));
    secret
        .get()
        .path("stringData")
        .fields()
        .forEachRemaining(
            e -> all.put(e.getKey(), e.getValue().asText().getBytes(StandardCharsets.UTF_8)));
    return select(all, items);
  }

  private static Map<String, byte[]> select(Map<String, byte[]> all, JsonNode items) {
    if (!items.isArray() || items.isEmpty()) {
      return all;
    }
    Map<String, byte[]> out = new LinkedHashMap<>();
    for (JsonNode item : items) {
      byte[] value = all.get(item.path("key").asText());
      if (value != null) {
        out.put(item.path("path").asText(), value);
      }
    }
    return out;
  }

  /** Writes {@code files} into a new timestamped directory and swaps it in atomically. */
  private static void publish(Path dir, Map<String, byte[]> files) throws IOException {
    Files.createDirectories(dir);
    Path current = dir.resolve("..data");
    if (Files.isSymbolicLink(current)) {
      Path target = dir.resolve(Files.readSymbolicLink(current));
      if (sameContent(target, files)) {
        return;
      }
    }
    Path fresh = Files.createTempDirectory(dir, "..v");
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      Path file = fresh.resolve(f.getKey());
      Files.createDirectories(file.getParent());
      Files.write(file, f.getValue());
    }
    Path link = dir.resolve("..data_tmp");
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, fresh.getFileName());
    Path old = Files.isSymbolicLink(current) ? dir.resolve(Files.readSymbolicLink(current)) : null;
    Files.move(link, current, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    for (String key : files.keySet()) {
      String top = key.contains("/") ? key.substring(0, key.indexOf('/')) : key;
      Path entry = dir.resolve(top);
      if (!Files.isSymbolicLink(entry)) {
        Files.deleteIfExists(entry);
        Files.createSymbolicLink(entry, Path.of("..data").resolve(top));
      }
    }
    if (old != null && !old.equals(fresh)) {
      try (Stream<Path> walk = Files.walk(old)) {
        for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private static boolean sameContent(Path dir, Map<String, byte[]> files) throws IOException {
    for (Map.Entry<String, byte[]> f : files.entrySet()) {
      Path file = dir.resolve(f.getKey());
      if (!Files.exists(file) || !java.util.Arrays.equals(Files.readAllBytes(file), f.getValue())) {
        return false;
      }
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).count() == files.size();
    }
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException("unreadable object in the edge store", e);
    }
  }
}
