package org.kubeedgejava.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * Reads, defaults, validates and writes one kind of component configuration file, such as {@code
 * cloudcore.yaml}.
 *
 * <p>Reading follows upstream's rule: the file is laid over the kind's defaults, so a field the
 * file leaves out, or sets to null, keeps its default; mappings merge field by field and lists and
 * scalars replace. Fields this implementation does not know are left out and reported as warnings.
 * A wrong {@code apiVersion} or {@code kind}, a YAML syntax error or a value of the wrong type
 * stops the read with an {@link InvalidConfigException} naming the path and line; the result is
 * then validated, and every rule it breaks is reported together.
 *
 * <p>Writing gives YAML with {@code apiVersion} and {@code kind} first and every field spelled out,
 * which reads back to an equal configuration.
 *
 * @param <T> the record type of the configuration
 */
public final class ConfigLoader<T> {
  private static final YAMLMapper MAPPER =
      YAMLMapper.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          // unknown fields are found by findUnknown() below and reported as warnings
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .withCoercionConfig(
              LogicalType.Integer,
              c ->
                  c.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                      .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
          .withCoercionConfig(
              LogicalType.Boolean,
              c ->
                  c.setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                      .setCoercion(CoercionInputShape.EmptyString, CoercionAction.Fail))
          .defaultSetterInfo(JsonSetter.Value.forContentNulls(Nulls.FAIL))
          .build();

  private final String apiVersion;
  private final String kind;
  private final Class<T> type;
  private final ObjectNode defaults;
  private final Function<? super T, ? extends List<String>> validator;

  private ConfigLoader(
      String apiVersion,
      String kind,
      Class<T> type,
      T defaults,
      Function<? super T, ? extends List<String>> validator) {
    this.apiVersion = Objects.requireNonNull(apiVersion, "apiVersion");
    this.kind = Objects.requireNonNull(kind, "kind");
    this.type = Objects.requireNonNull(type, "type");
    this.defaults = MAPPER.valueToTree(Objects.requireNonNull(defaults, "defaults"));
    this.validator = Objects.requireNonNull(validator, "validator");
  }

  /**
   * A loader for one kind.
   *
   * @param type a record whose components carry the YAML names in {@link JsonProperty}
   * @param defaults the value of every field a file leaves out
   * @param validator every rule the configuration breaks, as {@code <path>: <problem>}; empty when
   *     valid
   */
  public static <T> ConfigLoader<T> of(
      String apiVersion,
      String kind,
      Class<T> type,
      T defaults,
      Function<? super T, ? extends List<String>> validator) {
    return new ConfigLoader<>(apiVersion, kind, type, defaults, validator);
  }

  public String apiVersion() {
    return apiVersion;
  }

  public String kind() {
    return kind;
  }

  /**
   * Reads and validates a configuration file.
   *
   * @throws IOException if the file cannot be read
   * @throws InvalidConfigException if its content is not a valid configuration of this kind
   */
  public LoadedConfig<T> load(Path file) throws IOException {
    return load(Files.readString(file, StandardCharsets.UTF_8), kind + " config " + file);
  }

  /**
   * Reads and validates a configuration from YAML text.
   *
   * @throws InvalidConfigException if the text is not a valid configuration of this kind
   */
  public LoadedConfig<T> load(String yaml) {
    return load(yaml, kind + " config");
  }

  /**
   * Reads and validates a configuration from YAML text.
   *
   * @param source what the text is, for messages, e.g. a file name
   * @throws InvalidConfigException if the text is not a valid configuration of this kind
   */
  public LoadedConfig<T> load(String yaml, String source) {
    Objects.requireNonNull(yaml, "yaml");
    Objects.requireNonNull(source, "source");
    JsonNode root;
    try {
      root = MAPPER.readTree(yaml);
    } catch (JacksonException e) {
      throw new InvalidConfigException(source, List.of(LoadErrors.syntax(e)));
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      root = MAPPER.createObjectNode();
    }
    if (!(root instanceof ObjectNode document)) {
      throw new InvalidConfigException(
          source,
          List.of("the document must be a mapping of fields, got " + LoadErrors.describe(root)));
    }
    List<String> header = new ArrayList<>();
    checkHeader(document, "apiVersion", apiVersion, yaml, header);
    checkHeader(document, "kind", kind, yaml, header);
    if (!header.isEmpty()) {
      throw new InvalidConfigException(source, header);
    }

    ObjectNode body = document.deepCopy();
    body.remove(List.of("apiVersion", "kind"));
    List<String> warnings = new ArrayList<>();
    findUnknown(body, type, "", warnings);
    JsonNode merged = overlay(defaults, body);
    T config;
    try {
      config = MAPPER.treeToValue(merged, type);
    } catch (JacksonException e) {
      throw new InvalidConfigException(source, List.of(LoadErrors.binding(e, merged, yaml)));
    }
    requireValid(config, source);
    return new LoadedConfig<>(config, warnings);
  }

  /** Every rule {@code config} breaks, as {@code <path>: <problem>}; empty when it is valid. */
  public List<String> validate(T config) {
    return List.copyOf(validator.apply(Objects.requireNonNull(config, "config")));
  }

  /**
   * Returns {@code config} if valid.
   *
   * @throws InvalidConfigException listing every rule it breaks
   */
  public T requireValid(T config, String source) {
    List<String> violations = validate(config);
    if (!violations.isEmpty()) {
      throw new InvalidConfigException(source, violations);
    }
    return config;
  }

  /**
   * {@code config} with {@code key=value} assignments applied, as {@code keadm join --set} takes
   * them: the key is a dotted path of field names ({@code modules.eventBus.mqttServerExternal}),
   * the value a YAML scalar ({@code 10}, {@code true}, {@code tcp://127.0.0.1:1883}). The result is
   * validated like a file.
   *
   * @throws InvalidConfigException naming every assignment that is malformed or names no field, or
   *     every rule the result breaks
   */
  public T withAssignments(T config, List<String> assignments) {
    ObjectNode tree = MAPPER.valueToTree(Objects.requireNonNull(config, "config"));
    List<String> problems = new ArrayList<>();
    for (String assignment : assignments) {
      int eq = assignment.indexOf('=');
      if (eq <= 0) {
        problems.add(assignment + ": expected key=value");
        continue;
      }
      String key = assignment.substring(0, eq).trim();
      String[] path = key.split("\\.");
      ObjectNode parent = tree;
      for (int i = 0; i < path.length - 1 && parent != null; i++) {
        parent = parent.get(path[i]) instanceof ObjectNode child ? child : null;
      }
      String field = path[path.length - 1];
      if (parent == null || !parent.has(field) || parent.get(field).isContainerNode()) {
        problems.add(key + ": no such setting (a dotted path to a single value is expected)");
        continue;
      }
      JsonNode value;
      try {
        value = MAPPER.readTree(assignment.substring(eq + 1));
      } catch (JacksonException e) {
        problems.add(key + ": cannot read the value: " + e.getOriginalMessage());
        continue;
      }
      parent.set(
          field,
          value == null || value.isMissingNode() ? MAPPER.getNodeFactory().textNode("") : value);
    }
    if (!problems.isEmpty()) {
      throw new InvalidConfigException(kind + " settings", problems);
    }
    T result;
    try {
      result = MAPPER.treeToValue(tree, type);
    } catch (JacksonException e) {
      throw new InvalidConfigException(
          kind + " settings", List.of(LoadErrors.binding(e, tree, tree.toString())));
    }
    return requireValid(result, kind + " settings");
  }

  /** The configuration as YAML: {@code apiVersion} and {@code kind}, then every field. */
  public String toYaml(T config) {
    Objects.requireNonNull(config, "config");
    ObjectNode root = MAPPER.createObjectNode();
    root.put("apiVersion", apiVersion);
    root.put("kind", kind);
    root.setAll((ObjectNode) MAPPER.valueToTree(config));
    try {
      return MAPPER.writeValueAsString(root);
    } catch (JacksonException e) {
      throw new UncheckedIOException("cannot write " + kind + " config as YAML", e);
    }
  }

  /**
   * Validates {@code config} and writes it to {@code file}, replacing it atomically. The file is
   * readable by its owner only (it may hold a join token); missing parent directories are created.
   *
   * @throws InvalidConfigException if the configuration is not valid; nothing is written then
   * @throws IOException if the file cannot be written
   */
  public void write(T config, Path file) throws IOException {
    requireValid(config, kind + " config for " + file);
    Path target = file.toAbsolutePath();
    Path dir = target.getParent();
    Files.createDirectories(dir);
    boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    Path temp =
        posix
            ? Files.createTempFile(
                dir,
                "." + target.getFileName(),
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
            : Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    try {
      Files.writeString(temp, toYaml(config), StandardCharsets.UTF_8);
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void checkHeader(
      ObjectNode document, String field, String expected, String yaml, List<String> problems) {
    JsonNode value = document.get(field);
    if (value == null || value.isNull()) {
      problems.add(field + ": required, expected " + Violations.quote(expected));
    } else if (!value.isTextual() || !value.asText().equals(expected)) {
      problems.add(
          field
              + ": expected "
              + Violations.quote(expected)
              + ", got "
              + LoadErrors.describe(value)
              + LoadErrors.at(yaml, "/" + field));
    }
  }

  /** The file laid over the defaults: mappings merge, everything else replaces, null keeps. */
  static JsonNode overlay(JsonNode base, JsonNode top) {
    if (top == null || top.isNull()) {
      return base;
    }
    if (base instanceof ObjectNode b && top instanceof ObjectNode t) {
      ObjectNode out = b.deepCopy();
      t.properties().forEach(e -> out.set(e.getKey(), overlay(out.get(e.getKey()), e.getValue())));
      return out;
    }
    return top;
  }

  /** Walks the file along the record types and reports every field no component declares. */
  private static void findUnknown(JsonNode node, Class<?> type, String path, List<String> out) {
    if (!node.isObject() || !type.isRecord()) {
      return;
    }
    for (var field : node.properties()) {
      String child = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
      Class<?> fieldType = knownField(type, field.getKey());
      if (fieldType == null) {
        out.add("unknown field " + child + " (ignored)");
      } else {
        findUnknown(field.getValue(), fieldType, child, out);
      }
    }
  }

  private static Class<?> knownField(Class<?> record, String name) {
    for (RecordComponent c : record.getRecordComponents()) {
      JsonProperty p = c.getAccessor().getAnnotation(JsonProperty.class);
      String yamlName = p != null && !p.value().isEmpty() ? p.value() : c.getName();
      if (yamlName.equals(name)) {
        return c.getType();
      }
    }
    return null;
  }
}
