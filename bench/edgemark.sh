#!/usr/bin/env bash
# EdgeMark: how many edge-node sessions one CloudHub holds, at what memory, and how fast it gets a
# message to a node and back. One JVM runs the real CloudHubServer alone (so its heap and RSS are
# the hub's); another runs N real EdgeHubClients with their own node certificates on loopback.
# Prints the hub's report (Markdown) and the fleet's last status; logs go to bench/target/edgemark-N/.
#
# Usage: bench/edgemark.sh N          (e.g. 1000 or 10000)
# Settings (environment): EDGEMARK_RATE=500 connections/s, EDGEMARK_HOLD=60 s,
#   EDGEMARK_MESSAGES_PER_NODE=5, EDGEMARK_REPLY=edge|ack, EDGEMARK_PKI_DIR (certificate cache,
#   default ${TMPDIR:-/tmp}/kubeedge-java-edgemark-pki), BENCH_SKIP_BUILD=1 (run what is built),
#   EDGEMARK_SERVER_JVM / EDGEMARK_FLEET_JVM (JVM flags, defaults below).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:?usage: bench/edgemark.sh N (number of simulated edge nodes)}"
[[ "$N" =~ ^[1-9][0-9]*$ ]] || { echo "N must be a positive integer, got $N" >&2; exit 2; }
source "$REPO/hack/lib/java.sh"
JAVA="$(find_java21)/bin/java"
JAR="$REPO/bench/target/bench.jar"
PKI="${EDGEMARK_PKI_DIR:-${TMPDIR:-/tmp}/kubeedge-java-edgemark-pki}"
OUT="$REPO/bench/target/edgemark-$N"
read -r -a SERVER_JVM <<<"${EDGEMARK_SERVER_JVM:--Xms256m -Xmx2g -XX:+UseG1GC}"
read -r -a FLEET_JVM <<<"${EDGEMARK_FLEET_JVM:--Xms1g -Xmx4g -XX:+UseG1GC}"
COMMON_JVM=(-XX:+ExitOnOutOfMemoryError --enable-native-access=ALL-UNNAMED
  -Dlogback.configurationFile=edgemark-logback.xml)

# each process holds one socket per node: raise the open-file limit as far as allowed (in a
# container without CAP_SYS_RESOURCE that is the hard limit, e.g. 20000: enough for N=10000)
ulimit -n 1048576 2>/dev/null || ulimit -n "$(ulimit -Hn)"
echo "edgemark: N=$N, ramp ${EDGEMARK_RATE:-500}/s (at most 256 handshakes pending)," \
  "hold ${EDGEMARK_HOLD:-60} s, open-file limit $(ulimit -n)," \
  "ephemeral ports $(tr '\t' '-' </proc/sys/net/ipv4/ip_local_port_range)"

if [[ "${BENCH_SKIP_BUILD:-}" != 1 ]]; then
  "$REPO/hack/mvn.sh" -B -ntp -q -DskipTests -DskipITs -pl bench -am package
fi
rm -rf "$OUT"
mkdir -p "$OUT"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)" # other work on the machine skews CPU-bound figures

busy_ticks() { awk '/^cpu /{print $2+$3+$4+$7+$8}' /proc/stat; } # whole machine, 1/100 s
proc_ticks() { awk '{print $14+$15}' "/proc/$1/stat" 2>/dev/null || echo 0; }

server_pid="" fleet_pid="" tail_pid=""
stop() { # $1 = pid: SIGTERM, then SIGKILL after 15 s
  local pid="$1" i
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  stop "$fleet_pid"
  stop "$server_pid"
  stop "$tail_pid"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$JAVA" -Xmx1g -cp "$JAR" org.kubeedgejava.bench.edgemark.EdgeMarkPki --dir "$PKI" --nodes "$N"

busy_start="$(busy_ticks)" wall_start="$(date +%s.%N)"
"$JAVA" "${SERVER_JVM[@]}" "${COMMON_JVM[@]}" -Xlog:gc:file="$OUT/hub-gc.log" -cp "$JAR" \
  org.kubeedgejava.bench.edgemark.EdgeMarkServer --pki "$PKI" --nodes "$N" \
  --port-file "$OUT/port" --done-file "$OUT/done" --hold-seconds "${EDGEMARK_HOLD:-60}" \
  --messages-per-node "${EDGEMARK_MESSAGES_PER_NODE:-5}" \
  >"$OUT/hub.out" 2>"$OUT/hub.log" &
server_pid=$!
for ((i = 0; i < 600; i++)); do
  [[ -s "$OUT/port" ]] && break
  kill -0 "$server_pid" 2>/dev/null || { cat "$OUT/hub.out" "$OUT/hub.log" >&2; echo "edgemark: the hub died" >&2; exit 1; }
  sleep 0.1
done
[[ -s "$OUT/port" ]] || { echo "edgemark: the hub wrote no port within 60 s" >&2; exit 1; }
port="$(cat "$OUT/port")"

"$JAVA" "${FLEET_JVM[@]}" "${COMMON_JVM[@]}" -Xlog:gc:file="$OUT/fleet-gc.log" -cp "$JAR" \
  org.kubeedgejava.bench.edgemark.EdgeMarkFleet --host 127.0.0.1 --port "$port" --pki "$PKI" \
  --nodes "$N" --rate "${EDGEMARK_RATE:-500}" --reply "${EDGEMARK_REPLY:-edge}" \
  >"$OUT/fleet.out" 2>"$OUT/fleet.log" &
fleet_pid=$!

# the hub's progress as it comes; once it has reported, stop the fleet (whose last status line
# is then still about connected nodes) and let the hub exit
tail -n +1 -f --pid="$server_pid" "$OUT/hub.out" &
tail_pid=$!
while kill -0 "$server_pid" 2>/dev/null && [[ ! -e "$OUT/done" ]]; do
  sleep 0.5
done
# how much CPU went to the hub, the fleet and everything else on the machine meanwhile: other
# work competing for the 2 cores slows the ramp and stretches the latency tail
cpu_line="$(awk -v b0="$busy_start" -v b1="$(busy_ticks)" -v h="$(proc_ticks "$server_pid")" \
  -v f="$(proc_ticks "$fleet_pid")" -v w0="$wall_start" -v w1="$(date +%s.%N)" -v cores="$(nproc)" \
  'BEGIN {printf "hub %.0f s, fleet %.0f s, other processes %.0f s, of %.0f s wall x %d cores", h/100, f/100, (b1-b0-h-f)/100, w1-w0, cores}')"
stop "$fleet_pid"
fleet_pid=""
status=0
wait "$server_pid" || status=$?
server_pid=""
wait "$tail_pid" || true
tail_pid=""
echo
echo "fleet: $(tail -n 1 "$OUT/fleet.out")"
echo "CPU time from hub start to report: $cpu_line"
echo "load average (1/5/15 min) before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "fleet log warnings: $(grep -c WARN "$OUT/fleet.log" || true), hub log warnings: $(grep -c WARN "$OUT/hub.log" || true) (in $OUT)"
exit "$status"
