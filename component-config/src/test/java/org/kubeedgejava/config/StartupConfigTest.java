package org.kubeedgejava.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kubeedgejava.config.cloudcore.CloudCoreConfig;

class StartupConfigTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final List<String> warnings = new ArrayList<>();

  @Test
  void anInvalidFileIsReportedViolationByViolationWithoutAStackTrace() throws Exception {
    Path file = dir.resolve("cloudcore.yaml");
    Files.writeString(
        file,
        "apiVersion: cloudcore.config.kubeedge.io/v1alpha1\nkind: CloudCore\nmodules:\n  cloudHub:\n    nodeLimit: -1\n");

    var result =
        StartupConfig.load(
            CloudCoreConfig.loader(),
            file,
            "cloudcore",
            warnings::add,
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(result).isEmpty();
    assertThat(err.toString(StandardCharsets.UTF_8))
        .startsWith("cloudcore: " + file + " is not valid:")
        .contains("advertiseAddress", "nodeLimit")
        .doesNotContain("Exception");
  }

  @Test
  void aValidFileLoadsAndItsUnknownFieldsBecomeWarnings() throws Exception {
    Path file = dir.resolve("cloudcore.yaml");
    Files.writeString(
        file,
        "apiVersion: cloudcore.config.kubeedge.io/v1alpha1\nkind: CloudCore\nmodules:\n  cloudHub:\n    advertiseAddress: [127.0.0.1]\n    bogus: 1\n");

    var result =
        StartupConfig.load(
            CloudCoreConfig.loader(),
            file,
            "cloudcore",
            warnings::add,
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(result).isPresent();
    assertThat(warnings).singleElement().asString().contains("bogus");
  }
}
