package org.kubeedgejava.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A network outage for one TCP port, as a WAN cut looks to both ends: iptables rules in INPUT drop
 * every packet to and from the port (no RST, no FIN), so established connections go silent rather
 * than closed and only keepalives notice. {@link #close} removes the rules. Needs root and {@code
 * iptables} (hack/install-deps.sh).
 */
public final class TunnelCut implements AutoCloseable {
  private final int port;
  private boolean active;

  private TunnelCut(int port) {
    this.port = port;
  }

  /** Drops all traffic to and from TCP {@code port} on this host until {@link #close}. */
  public static TunnelCut dropTcpPort(int port) {
    TunnelCut cut = new TunnelCut(port);
    cut.rules("-I", true);
    cut.active = true;
    return cut;
  }

  /** Restores the traffic; idempotent. */
  @Override
  public void close() {
    if (active) {
      rules("-D", false);
      active = false;
    }
  }

  private void rules(String action, boolean mustSucceed) {
    for (String direction : List.of("--dport", "--sport")) {
      List<String> command =
          new ArrayList<>(
              List.of(
                  "iptables",
                  "-w",
                  action,
                  "INPUT",
                  "-p",
                  "tcp",
                  direction,
                  Integer.toString(port),
                  "-j",
                  "DROP"));
      try {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new IllegalStateException(String.join(" ", command) + " did not finish in 10 s");
        }
        if (mustSucceed && p.exitValue() != 0) {
          throw new IllegalStateException(String.join(" ", command) + " failed: " + out.strip());
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot run iptables: " + e.getMessage(), e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while running iptables", e);
      }
    }
  }
}
