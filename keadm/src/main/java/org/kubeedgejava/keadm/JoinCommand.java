package org.kubeedgejava.keadm;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.kubeedgejava.config.edgecore.EdgeCoreConfig;
import org.kubeedgejava.edgecore.certs.CertificateBootstrap;
import org.kubeedgejava.edgecore.certs.JoinException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code keadm join}: makes this machine an edge node. Fetches the CA and trusts it only if it
 * matches the token; obtains the node certificate with the token; writes edgecore.yaml; starts
 * edgecore. A bad, expired or foreign token stops it before anything is written.
 */
@Command(
    name = "join",
    mixinStandardHelpOptions = true,
    description = "Join this machine to a cloudcore as an edge node.")
final class JoinCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin CommonOptions common;

  @Option(
      names = {"-e", "--cloudcore-ipport"},
      required = true,
      description = "cloudcore's websocket address, HOST:PORT (port usually 10000).")
  String cloudcoreIpPort;

  @Option(
      names = {"-t", "--token"},
      required = true,
      description = "The join token from `keadm gettoken`.")
  String token;

  @Option(
      names = {"-i", "--edgenode-name"},
      description = "This node's name (default: the host name, lower-cased).")
  String nodeName;

  @Option(
      names = {"-s", "--certport"},
      defaultValue = "10002",
      description = "cloudcore's join endpoint port (default: ${DEFAULT-VALUE}).")
  int certPort;

  @Option(
      names = "--kubeedge-version",
      description =
          "Accepted for KubeEdge compatibility; kubeedge-java installs the build it is part of.")
  String kubeedgeVersion;

  @Option(
      names = {"-p", "--remote-runtime-endpoint"},
      defaultValue = "unix:///run/containerd/containerd.sock",
      description = "CRI endpoint of the container runtime (default: ${DEFAULT-VALUE}).")
  String runtimeEndpoint;

  @Option(
      names = {"-l", "--labels"},
      split = ",",
      description = "Extra node labels, key=value, comma-separated.")
  List<String> labels;

  @Option(
      names = "--data-dir",
      defaultValue = "/var/lib/kubeedge",
      description = "Where edgecore keeps its store (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--kubelet-root-dir",
      defaultValue = "/var/lib/kubelet",
      description =
          "Where edged keeps pod volumes (default: ${DEFAULT-VALUE}; pod logs then go to /var/log/pods).")
  Path kubeletRootDir;

  @Option(
      names = "--heartbeat",
      defaultValue = "15",
      description = "Seconds between keepalives (default: ${DEFAULT-VALUE}).")
  int heartbeat;

  @Option(
      names = "--set",
      split = ",",
      paramLabel = "KEY=VALUE",
      description =
          "Set edgecore.yaml values, e.g. --set modules.eventBus.mqttServerExternal=tcp://127.0.0.1:1883"
              + " (dotted path of field names; repeat or separate with commas).")
  List<String> settings;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int colon = cloudcoreIpPort.lastIndexOf(':');
    if (colon <= 0 || !cloudcoreIpPort.substring(colon + 1).matches("\\d{1,5}")) {
      err.println("keadm join: --cloudcore-ipport must be HOST:PORT, got " + cloudcoreIpPort);
      return 2;
    }
    String host = cloudcoreIpPort.substring(0, colon);
    int port = Integer.parseInt(cloudcoreIpPort.substring(colon + 1));
    String node =
        nodeName != null
            ? nodeName
            : java.net.InetAddress.getLocalHost().getHostName().toLowerCase(java.util.Locale.ROOT);
    Path caFile = common.configDir.resolve("ca/rootCA.crt");
    Path certFile = common.configDir.resolve("certs/server.crt");
    Path keyFile = common.configDir.resolve("certs/server.key");
    URI https =
        URI.create("https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + certPort);

    EdgeCoreConfig config =
        EdgeCoreConfig.defaults()
            .withNodeName(node)
            .withCloudCore(host, port, certPort)
            .withTlsFiles(caFile.toString(), certFile.toString(), keyFile.toString())
            .withDataSource(dataDir.resolve("edgecore.db").toString())
            .withContainerRuntimeEndpoint(runtimeEndpoint)
            .withHeartbeat(Duration.ofSeconds(heartbeat))
            .withNodeLabels(parseLabels());
    config = config.withEdged(config.edged().withRootDirectory(kubeletRootDir.toString()));
    List<String> assignments = new java.util.ArrayList<>();
    if (!common.configDir.equals(Path.of("/etc/kubeedge"))) {
      // the mappers' DMI socket lives with the rest of this node's files
      assignments.add("modules.deviceTwin.dmiSockPath=" + common.configDir.resolve("dmi.sock"));
    }
    if (settings != null) {
      assignments.addAll(settings);
    }
    try {
      config = EdgeCoreConfig.loader().withAssignments(config, assignments);
    } catch (org.kubeedgejava.config.InvalidConfigException e) {
      err.println("keadm join: " + e.getMessage());
      return 2;
    }
    List<String> problems = config.validate();
    if (!problems.isEmpty()) {
      err.println("keadm join: invalid settings:\n  " + String.join("\n  ", problems));
      return 2;
    }
    Services services = common.services();
    if (services.isRunning("edgecore")) {
      err.println("keadm join: edgecore already runs here; run `keadm reset` first");
      return 1;
    }

    CertificateBootstrap bootstrap =
        new CertificateBootstrap(
            https,
            node,
            new CertificateBootstrap.IdentityFiles(caFile, certFile, keyFile),
            Clock.systemUTC(),
            Duration.ofSeconds(15));
    X509Certificate cert;
    try {
      cert = bootstrap.join(token);
    } catch (JoinException e) {
      err.println("keadm join: " + e.getMessage());
      return 1;
    }
    out.printf(
        "[join] trusted cloudcore's CA (hash matches the token) and obtained the certificate for node %s, valid until %s%n",
        node, cert.getNotAfter().toInstant());
    Path file = common.configFile("edgecore");
    Files.createDirectories(file.getParent());
    Files.createDirectories(dataDir);
    config.writeTo(file);
    out.printf("[join] wrote %s%n", file);
    services.start("edgecore", List.of("--config", file.toString()));
    out.printf("[join] started edgecore; logs: %s%n", services.logHint("edgecore"));
    return 0;
  }

  private Map<String, String> parseLabels() {
    Map<String, String> out = new LinkedHashMap<>();
    if (labels != null) {
      for (String label : labels) {
        int eq = label.indexOf('=');
        if (eq <= 0) {
          throw new CommandLine.ParameterException(
              spec.commandLine(), "--labels takes key=value pairs, got " + label);
        }
        out.put(label.substring(0, eq), label.substring(eq + 1));
      }
    }
    return out;
  }
}
