package org.kubeedgejava.mapper.modbus;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.kubeedgejava.mapper.Mapper;
import org.kubeedgejava.mapper.MapperConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code modbus-mapper}: registers with the local edgecore over DMI and runs the node's Modbus
 * devices until stopped (SIGTERM).
 */
@Command(
    name = "modbus-mapper",
    mixinStandardHelpOptions = true,
    versionProvider = ModbusMapperMain.ManifestVersion.class,
    description =
        "The KubeEdge Modbus mapper (Modbus TCP and RTU), speaking DMI v1beta1 to edgecore.")
public final class ModbusMapperMain implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(ModbusMapperMain.class);

  @Option(
      names = "--dmi-socket",
      defaultValue = "${env:MAPPER_DMI_SOCKET:-/etc/kubeedge/dmi.sock}",
      description = "edgecore's DMI socket (env MAPPER_DMI_SOCKET; default: ${DEFAULT-VALUE}).")
  String dmiSocket;

  @Option(
      names = "--socket",
      defaultValue = "${env:MAPPER_SOCKET:-/etc/kubeedge/modbus.sock}",
      description =
          "Where this mapper serves DeviceMapperService (env MAPPER_SOCKET; default: ${DEFAULT-VALUE}).")
  Path socket;

  @Option(
      names = "--name",
      defaultValue = "${env:MAPPER_NAME:-modbus}",
      description = "The name to register with (env MAPPER_NAME; default: ${DEFAULT-VALUE}).")
  String name;

  public static void main(String[] args) {
    System.exit(new CommandLine(new ModbusMapperMain()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    MapperConfig config =
        MapperConfig.defaults(name, ManifestVersion.version()).withSockets(socket, dmiSocket);
    Mapper mapper;
    try {
      mapper = Mapper.start(config, new ModbusDrivers());
    } catch (RuntimeException e) {
      System.err.println("modbus-mapper: " + e.getMessage());
      return 1;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("modbus-mapper stopping");
                  mapper.close();
                },
                "modbus-mapper-shutdown"));
    mapper.awaitTermination();
    return 0;
  }

  /** The version written into the jar manifest by the build. */
  static final class ManifestVersion implements CommandLine.IVersionProvider {
    static String version() {
      String v = ModbusMapperMain.class.getPackage().getImplementationVersion();
      return v == null ? "dev" : v;
    }

    @Override
    public String[] getVersion() {
      return new String[] {"modbus-mapper " + version()};
    }
  }
}
