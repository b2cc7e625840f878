#!/usr/bin/env bash
# Pod startup latency and edgecore memory on one edge node: starts the local control plane and the
# private containerd (if not running), installs cloudcore and edgecore with keadm (launchers as
# built, on ports of their own, files under a temporary directory), then runs PodStartup for
# Deployments of 10 and 100 replicas (image preloaded), prints the figures and removes everything
# it installed (component logs are kept in bench/target/pod-startup-logs).
# Usage: bench/pod-startup.sh [round...]   (default: 10 100); a round N is a Deployment of N
# replicas created at once, a round N@R is N bare pods created at R per second (PodStartup).
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO"
ROUNDS=("${@:-10 100}")
# shellcheck disable=SC2206
ROUNDS=(${ROUNDS[*]})
source hack/lib/java.sh
JAVA="$(find_java21)/bin/java"
work="$(mktemp -d)"
cleanup() {
  mkdir -p bench/target/pod-startup-logs
  cp "$work"/cloud/log/*.log "$work"/edge/log/*.log bench/target/pod-startup-logs/ 2>/dev/null || true
  _output/bin/keadm reset --config-dir "$work/edge" --log-dir "$work/edge/log" >/dev/null 2>&1 || true
  _output/bin/keadm reset --config-dir "$work/cloud" --log-dir "$work/cloud/log" --kube-config "$KUBECONFIG" >/dev/null 2>&1 || true
  "$KUBECTL" delete node bench-edge --ignore-not-found >/dev/null 2>&1 || true
  "$KUBECTL" delete ns pod-startup --ignore-not-found --wait=false >/dev/null 2>&1 || true
  rm -rf "$work"
}
hack/cluster.sh up >/dev/null
eval "$(hack/cluster.sh env)"
KUBECTL="$(cat _output/cluster/bin-dir)/kubectl"
trap cleanup EXIT
hack/containerd.sh up >/dev/null
hack/images.sh >/dev/null
eval "$(hack/containerd.sh env)"
[[ "${BENCH_SKIP_BUILD:-}" == 1 ]] || { hack/mvn.sh -B -ntp -q -DskipTests -DskipITs -Dspotless.check.skip=true package -pl bench -am; hack/make-launchers.sh >/dev/null; }
read -r ws https mon < <(python3 -c 'import socket
s=[socket.socket() for _ in range(3)]
[x.bind(("127.0.0.1",0)) for x in s]
print(*[x.getsockname()[1] for x in s])')
_output/bin/keadm init --advertise-address=127.0.0.1 --config-dir "$work/cloud" --log-dir "$work/cloud/log" \
  --websocket-port "$ws" --https-port "$https" --monitor-address "127.0.0.1:$mon" >/dev/null
token="$(_output/bin/keadm gettoken)"
_output/bin/keadm join --cloudcore-ipport="127.0.0.1:$ws" --certport="$https" --token="$token" --edgenode-name=bench-edge \
  --config-dir "$work/edge" --log-dir "$work/edge/log" --data-dir "$work/edge/data" --kubelet-root-dir "$work/edge/kubelet" \
  --remote-runtime-endpoint="$CONTAINER_RUNTIME_ENDPOINT" >/dev/null
until "$KUBECTL" get node bench-edge 2>/dev/null | grep -q ' Ready'; do sleep 0.5; done
echo "pod-startup: edge node Ready; edgecore flags: $(grep -o 'flags=(.*)' _output/bin/edgecore | head -1)"
"$JAVA" --enable-native-access=ALL-UNNAMED -cp "bench/target/bench.jar:bench/target/lib/*" \
  -Dlogback.configurationFile=edgemark-logback.xml \
  org.kubeedgejava.bench.pods.PodStartup "$KUBECONFIG" bench-edge "$work/edge/run/edgecore.pid" "${ROUNDS[@]}"
