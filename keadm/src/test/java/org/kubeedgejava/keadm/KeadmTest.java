package org.kubeedgejava.keadm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class KeadmTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Keadm.newCommandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    return cli.execute(args);
  }

  @Test
  void helpListsTheSubcommands() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("Usage: keadm", "version");
  }

  @Test
  void versionPrintsTheJavaRuntime() {
    assertThat(run("version")).isZero();
    assertThat(out.toString()).contains("keadm version:", "java: " + Runtime.version());
  }

  @Test
  void unknownSubcommandFailsWithUsage() {
    assertThat(run("frobnicate")).isNotZero();
    assertThat(err.toString()).contains("Unmatched argument", "frobnicate");
  }
}
