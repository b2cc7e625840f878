#!/usr/bin/env bash
# The README's test command (`make test`): installs what the tests need, builds the
# local control plane if its cache is cold, starts it, runs every unit test, fuzz
# regression, integration and end-to-end test, and stops the control plane again
# unless it was already running before.
set -euo pipefail
HACK="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HACK")"
cd "$REPO"

step() { printf '\n==> %s\n' "$*"; }

step "system packages"
"$HACK/install-deps.sh"

step "control plane binaries"
"$HACK/build-k8s.sh" >/dev/null

was_up=false
if "$HACK/cluster.sh" status >/dev/null 2>&1; then was_up=true; fi
stop_cluster() {
  if ! $was_up; then
    step "stopping the control plane started for the tests"
    "$HACK/cluster.sh" down || true
  fi
}
trap stop_cluster EXIT

step "control plane"
"$HACK/cluster.sh" up

step "build and tests (unit: *Test, integration and end-to-end: *IT)"
"$HACK/mvn.sh" -B -ntp verify "$@"
