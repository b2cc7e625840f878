package org.kubeedgejava.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns Jackson's reading failures into one-line messages with the field path and line. */
final class LoadErrors {
  private static final YAMLFactory YAML = new YAMLFactory();
  // SnakeYAML's marks read " in 'reader', line 3, column 8:" (1-based); the last is the problem's.
  private static final Pattern MARK = Pattern.compile(" in '[^']*', line (\\d+), column (\\d+):");

  private LoadErrors() {}

  /** A YAML syntax error: where, and SnakeYAML's description without its source excerpts. */
  static String syntax(JacksonException e) {
    String original = e.getOriginalMessage() == null ? "" : e.getOriginalMessage();
    int line = e.getLocation() == null ? -1 : e.getLocation().getLineNr();
    int column = e.getLocation() == null ? -1 : e.getLocation().getColumnNr();
    Matcher m = MARK.matcher(original);
    while (m.find()) {
      line = Integer.parseInt(m.group(1));
      column = Integer.parseInt(m.group(2));
    }
    List<String> problem = new ArrayList<>();
    for (String l : original.split("\n")) {
      // keep the description lines; drop the marks and the indented excerpt with its caret
      if (!l.isBlank() && !l.startsWith(" ") && !l.startsWith("\t")) {
        problem.add(l.strip());
      }
    }
    String where = line > 0 ? " at line " + line + (column > 0 ? ", column " + column : "") : "";
    return "YAML syntax error" + where + ": " + String.join("; ", problem);
  }

  /** A value of the wrong type (or out of range) in the merged document. */
  static String binding(JacksonException e, JsonNode merged, String yaml) {
    List<JsonMappingException.Reference> refs =
        e instanceof JsonMappingException m ? m.getPath() : List.of();
    StringBuilder dotted = new StringBuilder();
    StringBuilder pointer = new StringBuilder();
    for (JsonMappingException.Reference r : refs) {
      if (r.getFieldName() != null) {
        dotted.append(dotted.isEmpty() ? "" : ".").append(r.getFieldName());
        pointer.append('/').append(r.getFieldName().replace("~", "~0").replace("/", "~1"));
      } else if (r.getIndex() >= 0) {
        dotted.append('[').append(r.getIndex()).append(']');
        pointer.append('/').append(r.getIndex());
      }
    }
    JsonNode actual = merged.at(pointer.toString());
    String got = describe(actual);
    String problem;
    if (e.getCause() instanceof InputCoercionException) {
      problem = "number " + got + " is out of range";
    } else if (e instanceof MismatchedInputException mi && mi.getTargetType() != null) {
      problem = "expected " + expected(mi.getTargetType()) + ", got " + got;
    } else {
      problem = "invalid value " + got + " (" + firstLine(e.getOriginalMessage()) + ")";
    }
    String path = dotted.isEmpty() ? "(document)" : dotted.toString();
    return path + ": " + problem + at(yaml, pointer.toString());
  }

  /** What a value is, for messages: quoted text, the number, or the kind of node. */
  static String describe(JsonNode node) {
    if (node == null || node.isMissingNode()) {
      return "nothing";
    }
    if (node.isTextual()) {
      return Violations.quote(node.asText());
    }
    if (node.isObject()) {
      return "a mapping";
    }
    if (node.isArray()) {
      return "a list";
    }
    return node.toString();
  }

  /** {@code " (line N)"} for the field at {@code pointer} in the YAML text, or "" if not found. */
  static String at(String yaml, String pointer) {
    int line = lineOf(yaml, JsonPointer.compile(pointer));
    return line > 0 ? " (line " + line + ")" : "";
  }

  private static int lineOf(String yaml, JsonPointer target) {
    for (JsonPointer p = target; p != null && !p.matches(); p = p.head()) {
      int line = find(yaml, p);
      if (line > 0) {
        return line;
      }
    }
    return -1;
  }

  private static int find(String yaml, JsonPointer target) {
    try (JsonParser p = YAML.createParser(yaml)) {
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        if (t != JsonToken.END_OBJECT
            && t != JsonToken.END_ARRAY
            && p.getParsingContext().pathAsPointer().equals(target)) {
          return p.currentTokenLocation().getLineNr();
        }
      }
    } catch (IOException e) {
      // the text was parsed once already; without a line the message is still complete
    }
    return -1;
  }

  private static String expected(Class<?> type) {
    if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
      return "an integer";
    }
    if (type == boolean.class || type == Boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (Collection.class.isAssignableFrom(type) || type.isArray()) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(type) || type.isRecord()) {
      return "a mapping";
    }
    return type.getSimpleName();
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
