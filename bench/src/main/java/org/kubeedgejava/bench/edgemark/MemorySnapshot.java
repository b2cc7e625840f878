package org.kubeedgejava.bench.edgemark;

import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * This process's memory at one moment, taken after full garbage collections: used Java heap (live
 * objects), direct memory (NIO direct buffers plus Netty's own untracked-by-the-JDK direct
 * allocations) and resident set size ({@code VmRSS} of {@code /proc/self/status}).
 *
 * @param heapBytes used heap after {@code System.gc()}
 * @param directBytes direct buffer memory in use
 * @param rssBytes resident set size, or -1 where {@code /proc} has none
 */
record MemorySnapshot(long heapBytes, long directBytes, long rssBytes) {
  /** Runs three full collections, 300 ms apart, then measures. */
  static MemorySnapshot afterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(300);
    }
    return new MemorySnapshot(heapUsed(), directMemoryUsed(), residentSetSize());
  }

  private static long heapUsed() {
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static long directMemoryUsed() {
    long direct = 0;
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if (pool.getName().equals("direct")) {
        direct += pool.getMemoryUsed();
      }
    }
    long netty = PlatformDependent.usedDirectMemory(); // -1 when Netty does not count its own
    return direct + Math.max(0, netty);
  }

  static long residentSetSize() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      // not Linux
    }
    return -1;
  }

  static String mib(long bytes) {
    return bytes < 0 ? "n/a" : String.format("%.1f MiB", bytes / 1048576.0);
  }
}
