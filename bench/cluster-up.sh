#!/usr/bin/env bash
# Times `hack/cluster.sh up` with a warm binary cache: N cycles of up/down on an
# instance of its own (temporary directory, ports 16443/12379/12380/20257/20259),
# the first cycle with a fresh PKI, the rest reusing it. Prints one line per run
# and a summary. Usage: bench/cluster-up.sh [N=5]
set -euo pipefail
REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
N="${1:-5}"
dir="$(mktemp -d)"
trap 'CLUSTER_DIR="$dir/c" "$REPO/hack/cluster.sh" down >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
export CLUSTER_DIR="$dir/c" CLUSTER_APISERVER_PORT=16443 CLUSTER_ETCD_PORT=12379 CLUSTER_ETCD_PEER_PORT=12380 \
  CLUSTER_KCM_PORT=20257 CLUSTER_SCHEDULER_PORT=20259
"$REPO/hack/build-k8s.sh" >/dev/null # warm cache: not timed
times=()
for ((i = 1; i <= N; i++)); do
  s=$(date +%s.%N)
  "$REPO/hack/cluster.sh" up >/dev/null 2>&1
  e=$(date +%s.%N)
  t=$(awk -v s="$s" -v e="$e" 'BEGIN {printf "%.2f", e - s}')
  times+=("$t")
  echo "run $i: up in ${t}s $([[ $i == 1 ]] && echo '(fresh PKI and etcd)' || echo '(existing PKI and etcd data)')"
  "$REPO/hack/cluster.sh" down >/dev/null 2>&1
done
printf '%s\n' "${times[@]:1}" | sort -n | awk '{a[NR]=$1} END {if (NR) printf "warm restarts: n=%d min=%.2fs median=%.2fs max=%.2fs\n", NR, a[1], a[int((NR+1)/2)], a[NR]}'
