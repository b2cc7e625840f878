#!/usr/bin/env bash
# MessageCodecBenchmark (JMH): encode and decode throughput of the wire codec for a keepalive, a
# ~4 KB Pod update and an ack, with allocation per operation (-prof gc). Builds the bench module,
# runs one fork on this 2-core machine and prints JMH's output, then a summary table (Markdown).
# Usage: bench/codec.sh [more JMH options, e.g. -p kind=pod]
#   JMH_RUN="-f 1 -wi 3 -i 5 -w 2s -r 3s" (the default) sets forks, iterations and their times;
#   BENCH_SKIP_BUILD=1 runs what is already built.
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$REPO/hack/lib/java.sh"
JAVA="$(find_java21)/bin/java"
if [[ "${BENCH_SKIP_BUILD:-}" != 1 ]]; then
  "$REPO/hack/mvn.sh" -B -ntp -q -DskipTests -DskipITs -pl bench -am package
fi
JVM_FLAGS=(-Xms1g -Xmx1g -XX:+UseG1GC)
read -r -a RUN <<<"${JMH_RUN:--f 1 -wi 3 -i 5 -w 2s -r 3s}"
"$JAVA" -version 2>&1 | head -1
echo "load average (1/5/15 min) before: $(cut -d' ' -f1-3 /proc/loadavg)"
busy_start="$(awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat)" # whole machine, 1/100 s
"$JAVA" "${JVM_FLAGS[@]}" -cp "$REPO/bench/target/bench.jar" \
  org.kubeedgejava.bench.codec.CodecBenchmarkReport \
  "${RUN[@]}" -t 1 -prof gc -jvmArgs "${JVM_FLAGS[*]}" "$@"
echo "load average (1/5/15 min) after: $(cut -d' ' -f1-3 /proc/loadavg)"
# CPU other processes used meanwhile (the JMH JVMs are this shell's children): contention from
# other work on the machine lowers the scores
times_file="$(mktemp)"
times >"$times_file" # a builtin: must run in this shell, not a pipeline's subshell
tail -n 1 "$times_file" | awk -v b0="$busy_start" -v b1="$(awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat)" '
  function secs(t) { split(t, p, "m"); return p[1] * 60 + p[2] }
  { mine = secs($1) + secs($2); printf "CPU time: JMH %.0f s, other processes %.0f s\n", mine, (b1 - b0) / 100 - mine }'
rm -f "$times_file"
