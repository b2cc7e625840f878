#!/usr/bin/env bash
# Builds the local control plane from the official Go modules pinned in
# hack/k8s (kube-apiserver, kube-controller-manager, kube-scheduler, kubectl)
# and hack/etcd (etcd), into a cache shared by every checkout:
#   ~/.cache/kubeedge-java/k8s-<KUBE_VERSION>-etcd-<ETCD_VERSION>-<hash>/bin
# A build is reused until the pinned versions (or the go.mod/go.sum files) change.
# Prints the bin directory on stdout; progress goes to stderr.
set -euo pipefail
HACK="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$HACK/versions.sh"

command -v go >/dev/null || { echo "build-k8s: the Go toolchain is needed (go 1.26+): apt-get install golang-go, or see go.dev" >&2; exit 1; }

hash=$(cat "$HACK"/k8s/go.mod "$HACK"/k8s/go.sum "$HACK"/etcd/go.mod "$HACK"/etcd/go.sum | sha256sum | cut -c1-12)
dest="$KJ_CACHE_ROOT/k8s-$KUBE_VERSION-etcd-$ETCD_VERSION-$hash"
bin="$dest/bin"
stamp="$dest/.complete"
tools=(etcd kube-apiserver kube-controller-manager kube-scheduler kubectl)

if [[ -f "$stamp" ]]; then
  ok=true
  for t in "${tools[@]}"; do [[ -x "$bin/$t" ]] || ok=false; done
  if $ok; then echo "$bin"; exit 0; fi
fi

mkdir -p "$dest"
exec 9>"$dest/.lock"
flock 9 # two builds at once (two test modules, two terminals) wait for each other
if [[ -f "$stamp" ]]; then echo "$bin"; exit 0; fi

start=$(date +%s)
major="${KUBE_VERSION#v}"; major="${major%%.*}"
minor="${KUBE_VERSION#v*.}"; minor="${minor%%.*}"
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$KUBE_VERSION -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done

tmp="$dest/bin.tmp"
rm -rf "$tmp" && mkdir -p "$tmp"
echo "build-k8s: building Kubernetes $KUBE_VERSION control plane into $bin (first time only; ~15 min on 2 cores)" >&2
(cd "$HACK/k8s" && CGO_ENABLED=0 go build -mod=mod -trimpath -ldflags "$ldflags" -o "$tmp/" \
  k8s.io/kubernetes/cmd/kube-apiserver \
  k8s.io/kubernetes/cmd/kube-controller-manager \
  k8s.io/kubernetes/cmd/kube-scheduler \
  k8s.io/kubernetes/cmd/kubectl) >&2
echo "build-k8s: building etcd $ETCD_VERSION" >&2
(cd "$HACK/etcd" && CGO_ENABLED=0 go build -mod=mod -trimpath -ldflags "-s -w" -o "$tmp/etcd" go.etcd.io/etcd/server/v3) >&2

rm -rf "$bin" && mv "$tmp" "$bin"
echo "kube=$KUBE_VERSION etcd=$ETCD_VERSION seconds=$(($(date +%s) - start))" >"$stamp"
echo "build-k8s: done in $(($(date +%s) - start)) s" >&2
echo "$bin"
