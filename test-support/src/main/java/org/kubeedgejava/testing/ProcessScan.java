package org.kubeedgejava.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Live processes whose command line mentions something (a directory of ours), from /proc. */
public final class ProcessScan {
  private ProcessScan() {}

  /** "pid: command line" of each live process whose command line contains {@code marker}. */
  public static List<String> mentioning(String marker) {
    List<String> found = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path proc : procs.filter(p -> p.getFileName().toString().matches("\\d+")).toList()) {
        try {
          String cmd =
              new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
                  .replace('\0', ' ')
                  .strip();
          if (cmd.contains(marker)) {
            found.add(proc.getFileName() + ": " + cmd);
          }
        } catch (IOException vanished) {
          // the process ended while we looked
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }
}
