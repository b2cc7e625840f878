package org.kubeedgejava.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.kubeedgejava.testing.FreePorts;
import org.kubeedgejava.testing.LocalControlPlane;
import org.kubeedgejava.testing.ProcessScan;

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
    int[] ports = FreePorts.pick(5);
    return new LocalControlPlane.Layout(
        clusterDir, ports[0], ports[1], ports[2], ports[3], ports[4]);
  }

  /** PIDs of live processes (other than shells running the script) that mention {@code marker}. */
  private static List<Long> pidsOf(Path marker) {
    return ProcessScan.mentioning(marker.toString()).stream()
        .filter(line -> !line.substring(line.indexOf(": ") + 2).startsWith("bash "))
        .map(line -> Long.parseLong(line.substring(0, line.indexOf(':'))))
        .sorted()
        .toList();
  }
}
