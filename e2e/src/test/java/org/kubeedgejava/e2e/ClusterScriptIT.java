package org.kubeedgejava.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kubeedgejava.testing.LocalControlPlane;

/**
 * hack/cluster.sh on an instance of its own (own directory, own ports), beside the shared one: a
 * second {@code up} changes nothing, and {@code down} leaves no process of that instance behind.
 */
class ClusterScriptIT {
  @TempDir Path dir;
  private LocalControlPlane plane;

  @AfterEach
  void stopWhateverIsLeft() {
    if (plane != null) {
      plane.down();
    }
  }

  @Test
  void secondUpIsANoOpAndDownLeavesNoProcessBehind() throws IOException {
    plane = LocalControlPlane.isolated(layout(dir.resolve("cluster")));
    plane.up();
    List<Long> pids = pidsOf(dir);
    assertThat(pids).as("etcd, apiserver, controller-manager, scheduler").hasSize(4);
    assertThat(plane.status()).contains("kube-apiserver: running", "etcd: running");

    String second = plane.up();

    assertThat(second).contains("already up");
    assertThat(pidsOf(dir)).as("the same processes, no second cluster").isEqualTo(pids);

    plane.down();

    assertThat(pidsOf(dir))
        .as("processes still running with %s in their command line", dir)
        .isEmpty();
    assertThat(plane.status()).contains("kube-apiserver: stopped", "etcd: stopped");
  }

  @Test
  void upRefusesAPortHeldBySomethingElse() throws IOException {
    try (ServerSocket squatter = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      LocalControlPlane.Layout layout = layout(dir.resolve("cluster"));
      plane =
          LocalControlPlane.isolated(
              new LocalControlPlane.Layout(
                  layout.dir(),
                  layout.apiserverPort(),
                  squatter.getLocalPort(), // etcd's client port is taken
                  layout.etcdPeerPort(),
                  layout.controllerManagerPort(),
                  layout.schedulerPort()));

      assertThatThrownBy(plane::up)
          .hasMessageContaining("port " + squatter.getLocalPort() + " is taken");
      assertThat(pidsOf(dir)).isEmpty();
    }
  }

  private static LocalControlPlane.Layout layout(Path clusterDir) throws IOException {
    int[] ports = freePorts(5);
    return new LocalControlPlane.Layout(
        clusterDir, ports[0], ports[1], ports[2], ports[3], ports[4]);
  }

  private static int[] freePorts(int count) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        sockets.add(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
      }
      return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
  }

  /** PIDs of live processes whose command line mentions {@code marker}. */
  private static List<Long> pidsOf(Path marker) throws IOException {
    String needle = marker.toString();
    List<Long> pids = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          String cmdline =
              new String(Files.readAllBytes(proc.resolve("cmdline"))).replace('\0', ' ');
          if (cmdline.contains(needle) && !cmdline.startsWith("bash ")) {
            pids.add(Long.parseLong(proc.getFileName().toString()));
          }
        } catch (IOException vanished) {
          // the process ended while we looked
        }
      }
    }
    pids.sort(null);
    return pids;
  }
}
