package org.kubeedgejava.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The loader's contract, independent of the two kinds, on a small kind of its own. */
class ConfigLoaderTest {
  record Server(
      @JsonProperty("port") int port,
      @JsonProperty("tags") List<String> tags,
      @JsonProperty("labels") Map<String, String> labels) {}

  record Sample(@JsonProperty("name") String name, @JsonProperty("server") Server server) {}

  private static final Sample DEFAULTS =
      new Sample("default", new Server(80, List.of("a", "b"), Map.of("zone", "1")));

  private final ConfigLoader<Sample> loader =
      ConfigLoader.of(
          "sample.example.com/v1",
          "Sample",
          Sample.class,
          DEFAULTS,
          s -> {
            Violations v = new Violations();
            v.port("server.port", s.server().port());
            v.notEmpty("name", s.name());
            return v.toList();
          });

  @Test
  void fileIsLaidOverTheDefaultsMergingMappingsAndReplacingLists() {
    Sample s =
        loader
            .load(
                """
                apiVersion: sample.example.com/v1
                kind: Sample
                server:
                  tags: [c]
                  labels: {rack: "7"}
                """)
            .config();

    assertThat(s.name()).isEqualTo("default");
    assertThat(s.server().port()).isEqualTo(80);
    assertThat(s.server().tags()).containsExactly("c");
    assertThat(s.server().labels()).containsOnly(Map.entry("zone", "1"), Map.entry("rack", "7"));
  }

  @Test
  void keysInsideAMapAreDataNotUnknownFields() {
    LoadedConfig<Sample> loaded =
        loader.load(
            """
            apiVersion: sample.example.com/v1
            kind: Sample
            server:
              labels: {anything: goes}
              extra: {deep: {er: 1}}
            other: 1
            """);

    assertThat(loaded.warnings())
        .containsExactly("unknown field server.extra (ignored)", "unknown field other (ignored)");
  }

  @Test
  void emptyDocumentStillNeedsApiVersionAndKind() {
    assertThatThrownBy(() -> loader.load("# nothing here\n"))
        .isInstanceOf(InvalidConfigException.class)
        .hasMessage(
            "invalid Sample config (2 problems):\n"
                + "  - apiVersion: required, expected \"sample.example.com/v1\"\n"
                + "  - kind: required, expected \"Sample\"");
  }

  @Test
  void validationRunsAfterReadingAndReportsEveryRuleBroken() {
    assertThatThrownBy(() ->
            loader.load(
                """
                apiVersion: sample.example.com/v1
                kind: Sample
                name: ""
                server: {port: 0}
                """,
                "sample.yaml"))
        .isInstanceOf(InvalidConfigException.class)
        .satisfies(e -> {
          InvalidConfigException ice = (InvalidConfigException) e;
          assertThat(ice.source()).isEqualTo("sample.yaml");
          assertThat(ice.violations())
              .containsExactly(
                  "server.port: must be between 1 and 65535, got 0", "name: must not be empty");
        });
  }

  @Test
  void anExceptionWithoutViolationsCannotBeMade() {
    assertThatThrownBy(() -> new InvalidConfigException("x", new ArrayList<>()))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
