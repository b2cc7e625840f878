package org.kubeedgejava.edgecore.nodestatus;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a Node object says about this machine: capacity from the running system, identity from
 * /etc/machine-id and the boot id, the OS from /etc/os-release, and the container runtime's version
 * as CRI reports it (supplied later by Edged).
 */
public record NodeFacts(
    String nodeName,
    String internalIp,
    int cpus,
    long memoryKiB,
    int maxPods,
    int kubeletPort,
    String machineId,
    String bootId,
    String kernelVersion,
    String osImage,
    String architecture,
    String kubeletVersion,
    Supplier<String> runtimeVersion,
    Map<String, String> extraLabels) {

  /** The Kubernetes version this build speaks, reported as the kubelet version. */
  public static final String KUBELET_VERSION = "v1.37.2-kubeedge-java";

  public String containerRuntimeVersion() {
    return runtimeVersion.get();
  }

  /** Facts read from this machine. */
  public static NodeFacts ofThisMachine(
      String nodeName,
      String configuredIp,
      int maxPods,
      Supplier<String> runtimeVersion,
      Map<String, String> labels) {
    return new NodeFacts(
        nodeName,
        configuredIp.isEmpty() ? detectIp() : configuredIp,
        Runtime.getRuntime().availableProcessors(),
        memTotalKiB(),
        maxPods,
        10350,
        read("/etc/machine-id"),
        read("/proc/sys/kernel/random/boot_id"),
        System.getProperty("os.version"),
        readOsImage(),
        arch(),
        KUBELET_VERSION,
        runtimeVersion,
        Map.copyOf(labels));
  }

  /** The node's IP: the configured one, else the first non-loopback IPv4 address. */
  public static String nodeIp(String configured) {
    return configured == null || configured.isEmpty() ? detectIp() : configured;
  }

  static String arch() {
    String a = System.getProperty("os.arch");
    return switch (a) {
      case "x86_64", "amd64" -> "amd64";
      case "aarch64", "arm64" -> "arm64";
      default -> a;
    };
  }

  private static long memTotalKiB() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | NumberFormatException e) {
      // fall through
    }
    return Runtime.getRuntime().maxMemory() / 1024;
  }

  private static String readOsImage() {
    try {
      for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
        if (line.startsWith("PRETTY_NAME=")) {
          return line.substring("PRETTY_NAME=".length()).replace("\"", "");
        }
      }
    } catch (IOException e) {
      // fall through
    }
    return "Linux";
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file)).strip();
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * The node's address as the kubelet chooses it: the IPv4 address of the interface holding the
   * default route; else the first non-loopback IPv4 address of an interface that is up; empty when
   * none. Not simply the first: the CNI bridge of the pods is an interface too, and once it exists
   * it may be listed first.
   */
  static String detectIp() {
    try {
      Optional<String> iface =
          defaultRouteInterface(Files.readAllLines(Path.of("/proc/net/route")));
      if (iface.isPresent()) {
        NetworkInterface nic = NetworkInterface.getByName(iface.get());
        if (nic != null && nic.isUp()) {
          Optional<String> ip = ipv4(nic);
          if (ip.isPresent()) {
            return ip.get();
          }
        }
      }
    } catch (IOException e) {
      // no routing table readable: fall through
    }
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (nic.isUp() && !nic.isLoopback()) {
          Optional<String> ip = ipv4(nic);
          if (ip.isPresent()) {
            return ip.get();
          }
        }
      }
    } catch (SocketException e) {
      // no interfaces readable
    }
    return "";
  }

  /** The interface of the IPv4 default route with the lowest metric, from /proc/net/route. */
  static Optional<String> defaultRouteInterface(List<String> procNetRoute) {
    String best = null;
    long bestMetric = Long.MAX_VALUE;
    for (String line : procNetRoute.stream().skip(1).toList()) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 8 || !"00000000".equals(f[1]) || !"00000000".equals(f[7])) {
        continue;
      }
      long metric;
      try {
        metric = Long.parseLong(f[6]);
      } catch (NumberFormatException e) {
        continue;
      }
      if (metric < bestMetric) {
        best = f[0];
        bestMetric = metric;
      }
    }
    return Optional.ofNullable(best);
  }

  private static Optional<String> ipv4(NetworkInterface nic) {
    for (InetAddress a : Collections.list(nic.getInetAddresses())) {
      if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
        return Optional.of(a.getHostAddress());
      }
    }
    return Optional.empty();
  }
}
