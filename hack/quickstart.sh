#!/usr/bin/env bash
# The README's run command (`make quickstart`): installs what is missing, builds
# kubeedge-java, and starts the local Kubernetes control plane with the components
# that exist so far. Each step prints its elapsed time; a failing step says which,
# shows the tail of its log, and where the full log is. `make down` stops it all.
set -euo pipefail
HACK="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HACK")"
cd "$REPO"
LOGDIR="$REPO/_output/quickstart"
mkdir -p "$LOGDIR"
T0=$SECONDS

step() { # name command...  : runs a step with its output in $LOGDIR/<n>-<slug>.log
  local name="$1" slug log s=$SECONDS; shift
  slug=$(echo "$name" | tr 'A-Z ' 'a-z-' | tr -cd 'a-z0-9-')
  log="$LOGDIR/$slug.log"
  printf '==> %-44s' "$name"
  if "$@" >"$log" 2>&1; then
    printf ' ok  (%3ds, total %3ds)\n' $((SECONDS - s)) $((SECONDS - T0))
  else
    printf ' FAILED after %ds\n' $((SECONDS - s))
    echo "---- last lines of $log ----"
    tail -n 30 "$log"
    echo "---- full log: $log"
    exit 1
  fi
}

step "Install system packages" "$HACK/install-deps.sh"
step "Build the Kubernetes control plane (cached)" "$HACK/build-k8s.sh"
step "Build kubeedge-java" make -s build
step "Start the control plane" "$HACK/cluster.sh" up

eval "$("$HACK/cluster.sh" env)"
echo
echo "kubeedge-java $("$REPO/_output/bin/keadm" version | head -n1 | sed 's/.*: //') — local control plane is up:"
kubectl version 2>/dev/null | sed 's/^/  /'
echo "  readyz: $(kubectl get --raw /readyz)"
kubectl get nodes -L node-role.kubernetes.io/edge 2>&1 | sed 's/^/  /'
cat <<EOT

Next:
  eval "\$(hack/cluster.sh env)"      # kubectl against the local cluster
  kubectl get ns
  _output/bin/keadm --help
  make down                           # stop everything
Logs: $LOGDIR and $REPO/_output/cluster/logs
EOT
