package org.kubeedgejava.edgecore.nodestatus;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
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

  /** The first non-loopback IPv4 address of an interface that is up; empty when none. */
  static String detectIp() {
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nic.isUp() || nic.isLoopback()) {
          continue;
        }
        for (InetAddress a : Collections.list(nic.getInetAddresses())) {
          if (a instanceof Inet4Address && !a.isLoopbackAddress() && !a.isLinkLocalAddress()) {
            return a.getHostAddress();
          }
        }
      }
    } catch (SocketException e) {
      // no interfaces readable
    }
    return "";
  }
}
