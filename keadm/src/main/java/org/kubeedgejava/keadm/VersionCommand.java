package org.kubeedgejava.keadm;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code keadm version}: this build's version, and the Java runtime it runs on. */
@Command(
    name = "version",
    mixinStandardHelpOptions = true,
    description = "Prints the version of keadm.")
final class VersionCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    PrintWriter out = spec.commandLine().getOut();
    out.printf("keadm version: %s%n", Keadm.ManifestVersion.version());
    out.printf("java: %s (%s)%n", Runtime.version(), System.getProperty("java.vendor"));
    out.flush();
  }
}
