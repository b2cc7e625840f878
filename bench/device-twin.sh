#!/usr/bin/env bash
# The device path's latencies and throughput on one edge node (docs/benchmarks.md, "Device twin
# path"): starts the local control plane if it is not running, then DeviceTwinBench runs cloudcore,
# edgecore (edged off), the Modbus mapper and the benchmark clients in one JVM, with Mosquitto and a
# pymodbus PLC as processes of their own, and prints the figures. It removes what it created in the
# cluster (namespace device-twin-bench, node bench-devices); the control plane keeps running.
#
# Usage: bench/device-twin.sh
# Settings (environment): DEVICE_TWIN_OPTS, system properties for the harness, e.g.
#   "-DreportSamples=200 -DreportRate=5 -DreportWarmup=30 -DdesiredSamples=100 -DdesiredWarmup=5
#    -DkubectlSamples=10 -DloadDevices=50 -DloadSeconds=30 -DloadWindow=2" (the defaults);
#   BENCH_SKIP_BUILD=1 runs what is built; DEVICE_TWIN_LOG_LEVEL (WARN) for the components' logs;
#   -DloadTimeline=true prints the throughput run second by second.
# Needs mosquitto, mbpoll and python3-pymodbus (hack/install-deps.sh).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
source hack/lib/java.sh
JAVA="$(find_java21)/bin/java"
[[ "${BENCH_SKIP_BUILD:-}" == 1 ]] ||
  hack/mvn.sh -B -ntp -q -DskipTests -DskipITs -Dspotless.check.skip=true package -pl bench -am
hack/cluster.sh up >/dev/null
eval "$(hack/cluster.sh env)"
KUBECTL="$(cat _output/cluster/bin-dir)/kubectl"
echo "device-twin: $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
# shellcheck disable=SC2086
"$JAVA" -Xms256m -Xmx1g -XX:+UseG1GC \
  --enable-native-access=ALL-UNNAMED -Dlogback.configurationFile=device-twin-logback.xml \
  ${DEVICE_TWIN_OPTS:-} -cp "bench/target/bench.jar:bench/target/lib/*" \
  org.kubeedgejava.bench.devices.DeviceTwinBench "$KUBECONFIG" "$KUBECTL"
