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
exec "$JAVA" "${JVM_FLAGS[@]}" -cp "$REPO/bench/target/bench.jar" \
  org.kubeedgejava.bench.codec.CodecBenchmarkReport \
  "${RUN[@]}" -t 1 -prof gc -jvmArgs "${JVM_FLAGS[*]}" "$@"
