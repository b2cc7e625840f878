package org.kubeedgejava.bench.codec;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.kubeedgejava.wire.MessageCodec;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs {@link MessageCodecBenchmark} with the JMH options given on the command line (the same as
 * {@code java -jar bench.jar}'s) and then prints one table: per benchmark and message kind the
 * frame size, operations per second with JMH's 99.9% error, the implied MB/s (10^6 bytes of frame
 * per second) and, when run with {@code -prof gc}, bytes allocated per operation.
 */
public final class CodecBenchmarkReport {
  private static final List<String> KINDS =
      List.of(SampleMessages.KEEPALIVE, SampleMessages.POD, SampleMessages.ACK);

  private CodecBenchmarkReport() {}

  public static void main(String[] args) throws Exception {
    Options options =
        new OptionsBuilder()
            .parent(new CommandLineOptions(args))
            .include(MessageCodecBenchmark.class.getName().replace(".", "\\.") + "\\.")
            .build();
    Collection<RunResult> results = new Runner(options).run();
    System.out.println();
    System.out.print(table(results));
  }

  /** The summary table, as Markdown. */
  static String table(Collection<RunResult> results) {
    MessageCodec codec = new MessageCodec();
    List<RunResult> sorted = new ArrayList<>(results);
    sorted.sort(
        Comparator.comparing((RunResult r) -> r.getParams().getBenchmark())
            .thenComparing(r -> KINDS.indexOf(r.getParams().getParam("kind"))));
    StringBuilder out = new StringBuilder();
    out.append("| benchmark | message | frame bytes | ops/s | MB/s | alloc B/op |\n");
    out.append("|---|---|---:|---:|---:|---:|\n");
    for (RunResult r : sorted) {
      String benchmark = r.getParams().getBenchmark();
      String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
      String kind = r.getParams().getParam("kind");
      int bytes = codec.encode(SampleMessages.of(kind)).length;
      Result<?> primary = r.getPrimaryResult();
      double opsPerSecond = primary.getScore();
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %d | %,.0f ± %,.0f | %,.1f | %s |%n",
              method,
              kind,
              bytes,
              opsPerSecond,
              primary.getScoreError(),
              opsPerSecond * bytes / 1e6,
              allocation(r.getSecondaryResults())));
    }
    return out.toString();
  }

  private static String allocation(Map<String, Result> secondary) {
    for (Map.Entry<String, Result> e : secondary.entrySet()) {
      if (e.getKey().endsWith("gc.alloc.rate.norm")) {
        return String.format(Locale.ROOT, "%,.0f", e.getValue().getScore());
      }
    }
    return "n/a (no -prof gc)";
  }
}
