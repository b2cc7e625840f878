package org.kubeedgejava.keadm;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code keadm}: installs and removes kubeedge-java on the cloud side ({@code init}, {@code
 * gettoken}) and the edge side ({@code join}), and resets either ({@code reset}).
 */
@Command(
    name = "keadm",
    mixinStandardHelpOptions = true,
    versionProvider = Keadm.ManifestVersion.class,
    description =
        "Installs kubeedge-java: cloudcore next to a Kubernetes cluster, edgecore on edge nodes.",
    subcommands = {
      InitCommand.class,
      GetTokenCommand.class,
      JoinCommand.class,
      ResetCommand.class,
      VersionCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Keadm implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(newCommandLine().execute(args));
  }

  static CommandLine newCommandLine() {
    return new CommandLine(new Keadm());
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The version written into the jar manifest by the build. */
  static final class ManifestVersion implements CommandLine.IVersionProvider {
    static String version() {
      String v = Keadm.class.getPackage().getImplementationVersion();
      return v == null ? "dev" : v;
    }

    @Override
    public String[] getVersion() {
      return new String[] {"keadm " + version()};
    }
  }
}
