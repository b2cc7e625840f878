#!/usr/bin/env bash
# The README's run command (`make quickstart`): the seed's tutorial, end to end, on this
# machine, with real parts. It installs what is missing, builds kubeedge-java, starts the
# local Kubernetes control plane and a private containerd, runs `keadm init`, `keadm
# gettoken` and `keadm join` for the edge node edge-pune-01, deploys the seed's workload,
# starts a simulated PLC (pymodbus, an independent Modbus TCP server), deploys the Modbus
# mapper as a DaemonSet on the edge node, applies the seed's DeviceModel and Device, and
# prints what the seed prints.
#
#   hack/quickstart.sh          (make quickstart) bring it all up; a second run checks and
#                               reuses what already runs
#   hack/quickstart.sh down     (make down) stop and remove everything it started
#   hack/quickstart.sh status   what runs
#
# Each step prints its elapsed time; a failing step says which, shows the tail of its log
# and where the full log is. Everything lives under $QUICKSTART_DIR.
#
# Settings (environment):
#   QUICKSTART_DIR            state, configuration and logs   [<repo>/_output/quickstart]
#   QUICKSTART_NODE           the edge node's name            [edge-pune-01]
#   QUICKSTART_HUB_PORT       cloudcore's websocket port      [10000]
#   QUICKSTART_HTTPS_PORT     cloudcore's join endpoint port  [10002]
#   QUICKSTART_MONITOR_PORT   cloudcore's /metrics port       [9091]
#   QUICKSTART_MQTT_PORT      the edge's Mosquitto            [1883]
#   QUICKSTART_PLC_PORT       the simulated PLC (Modbus TCP)  [5020]
#   QUICKSTART_SKIP_BUILD     1: use the launchers already in _output/bin (the e2e test does)
#   CLUSTER_*, CONTAINERD_*   passed on to hack/cluster.sh and hack/containerd.sh
set -euo pipefail
HACK="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HACK")"
cd "$REPO"

QS="${QUICKSTART_DIR:-$REPO/_output/quickstart}"
NODE="${QUICKSTART_NODE:-edge-pune-01}"
HUB_PORT="${QUICKSTART_HUB_PORT:-10000}"
HTTPS_PORT="${QUICKSTART_HTTPS_PORT:-10002}"
MONITOR_PORT="${QUICKSTART_MONITOR_PORT:-9091}"
MQTT_PORT="${QUICKSTART_MQTT_PORT:-1883}"
PLC_PORT="${QUICKSTART_PLC_PORT:-5020}"
export CONTAINERD_DIR="${CONTAINERD_DIR:-$QS/containerd}"
BIN="$REPO/_output/bin"
LOGDIR="$QS/logs"
CLOUD_DIR="$QS/cloud"
EDGE_DIR="$QS/edge"
T0=$SECONDS

step() { # name command...  : runs a step with its output in $LOGDIR/<slug>.log
  local name="$1" slug log s=$SECONDS; shift
  slug=$(echo "$name" | tr 'A-Z ' 'a-z-' | tr -cd 'a-z0-9-')
  log="$LOGDIR/$slug.log"
  printf '==> %-52s' "$name"
  if "$@" >"$log" 2>&1; then
    printf ' ok  (%3ds, total %3ds)\n' $((SECONDS - s)) $((SECONDS - T0))
  else
    printf ' FAILED after %ds\n' $((SECONDS - s))
    echo "---- last lines of $log ----"
    tail -n 30 "$log"
    echo "---- full log: $log; component logs: $LOGDIR/"
    exit 1
  fi
}

skip() { # name reason  : a step that has nothing to do on this run
  printf '==> %-52s %s\n' "$1" "$2"
}

kube() { kubectl "$@"; } # the pinned kubectl, first on PATH after `cluster.sh env`

pid_alive() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

wait_for() { # seconds description command...
  local limit=$1 what=$2; shift 2
  local end=$((SECONDS + limit))
  until "$@" >/dev/null 2>&1; do
    if ((SECONDS >= end)); then
      echo "timed out after ${limit}s waiting for $what" >&2
      "$@" || true
      return 1
    fi
    sleep 1
  done
  echo "$what: ok"
}

start_mosquitto() {
  if pid_alive "$QS/mosquitto.pid"; then
    echo "Mosquitto already runs (pid $(cat "$QS/mosquitto.pid"))"
    return 0
  fi
  mkdir -p "$QS/mosquitto"
  cat >"$QS/mosquitto/mosquitto.conf" <<EOF
listener $MQTT_PORT 127.0.0.1
allow_anonymous true
persistence false
log_dest file $LOGDIR/mosquitto.log
EOF
  /usr/sbin/mosquitto -c "$QS/mosquitto/mosquitto.conf" -d
  wait_for 10 "Mosquitto on 127.0.0.1:$MQTT_PORT" bash -c "ss -ltn | grep -q '127.0.0.1:$MQTT_PORT '"
  pgrep -n -f "mosquitto -c $QS/mosquitto/mosquitto.conf" >"$QS/mosquitto.pid"
}

start_plc() {
  if pid_alive "$QS/plc.pid"; then
    echo "the simulated PLC already runs (pid $(cat "$QS/plc.pid"))"
    return 0
  fi
  # holding register 100 = 734: 73.4 °C at the DeviceModel's scale of 0.1
  setsid /usr/bin/python3 "$HACK/plc-sim.py" --port "$PLC_PORT" --set 100=734 \
    >"$LOGDIR/plc-sim.log" 2>&1 </dev/null &
  echo $! >"$QS/plc.pid"
  wait_for 15 "simulated PLC on 127.0.0.1:$PLC_PORT" bash -c "ss -ltn | grep -q '127.0.0.1:$PLC_PORT '"
}

keadm_init() {
  if pid_alive "$CLOUD_DIR/run/cloudcore.pid"; then
    echo "cloudcore already runs"
    return 0
  fi
  "$BIN/keadm" init --advertise-address=127.0.0.1 --kube-config="$KUBECONFIG" \
    --config-dir "$CLOUD_DIR" --log-dir "$LOGDIR" \
    --websocket-port "$HUB_PORT" --https-port "$HTTPS_PORT" \
    --monitor-address "127.0.0.1:$MONITOR_PORT"
}

keadm_join() {
  if pid_alive "$EDGE_DIR/etc/run/edgecore.pid"; then
    echo "edgecore already runs"
    return 0
  fi
  local token
  token="$("$BIN/keadm" gettoken --kube-config="$KUBECONFIG")"
  eval "$("$HACK/containerd.sh" env)"
  "$BIN/keadm" join --cloudcore-ipport="127.0.0.1:$HUB_PORT" --certport="$HTTPS_PORT" \
    --token="$token" --edgenode-name="$NODE" \
    --config-dir "$EDGE_DIR/etc" --data-dir "$EDGE_DIR/data" --log-dir "$LOGDIR" \
    --kubelet-root-dir "$EDGE_DIR/kubelet" --remote-runtime-endpoint "$CONTAINER_RUNTIME_ENDPOINT" \
    --set "modules.eventBus.mqttServerExternal=tcp://127.0.0.1:$MQTT_PORT"
}

wait_node() {
  wait_for 60 "node $NODE registered" kubectl get node "$NODE"
  kube wait "node/$NODE" --for=condition=Ready --timeout=60s
}

deploy_workload() {
  kube create namespace factory --dry-run=client -o yaml | kube apply -f -
  kube apply -f examples/seed/line3-vision.yaml
  kube -n factory rollout status deployment/line3-vision --timeout=120s
}

deploy_mapper() {
  # the same DaemonSet, with this edge node's configuration directory (where its DMI socket is)
  sed -e "s#/etc/kubeedge#$EDGE_DIR/etc#g" examples/seed/modbus-mapper-daemonset.yaml >"$QS/modbus-mapper-daemonset.yaml"
  kube create namespace kubeedge --dry-run=client -o yaml | kube apply -f -
  kube apply -f "$QS/modbus-mapper-daemonset.yaml"
  kube -n kubeedge rollout status daemonset/modbus-mapper --timeout=120s
}

apply_device() {
  kube apply -f examples/seed/modbus-temp-model.yaml
  sed -e "s#port: 5020#port: $PLC_PORT#" examples/seed/plc-line3-temp-tcp.yaml |
    sed -e "s#nodeName: edge-pune-01#nodeName: $NODE#" >"$QS/plc-line3-temp.yaml"
  kube apply -f "$QS/plc-line3-temp.yaml"
  wait_for 60 "the device's reported twin" bash -c \
    "kubectl -n factory get device plc-line3-temp -o jsonpath='{.status.twins[0].reported.value}' | grep -q ."
}

up() {
  mkdir -p "$LOGDIR"
  step "Install system packages" "$HACK/install-deps.sh"
  step "Build the Kubernetes control plane (cached)" "$HACK/build-k8s.sh"
  if [[ "${QUICKSTART_SKIP_BUILD:-}" != 1 ]]; then
    step "Build kubeedge-java" make -s build
  fi
  step "Start the control plane" "$HACK/cluster.sh" up
  eval "$("$HACK/cluster.sh" env)"
  step "Start containerd (private to $QS)" "$HACK/containerd.sh" up
  step "Build and import the sample images" "$HACK/images.sh"
  step "Build and import the Modbus mapper's image" "$HACK/images.sh" mapper
  if pid_alive "$QS/mosquitto.pid"; then
    skip "Start Mosquitto on 127.0.0.1:$MQTT_PORT" "already running"
  else
    step "Start Mosquitto on 127.0.0.1:$MQTT_PORT" start_mosquitto
  fi
  unstick_kubeedge_namespace
  if pid_alive "$CLOUD_DIR/run/cloudcore.pid"; then
    skip "keadm init (cloudcore)" "already running"
    step "Wait for cloudcore to serve" wait_for 120 "cloudcore's join endpoint on :$HTTPS_PORT" \
      curl -skf -o /dev/null "https://127.0.0.1:$HTTPS_PORT/ca.crt"
  else
    step "keadm init (cloudcore)" keadm_init
  fi
  if pid_alive "$EDGE_DIR/etc/run/edgecore.pid"; then
    skip "keadm gettoken + keadm join $NODE" "already running"
  else
    step "keadm gettoken + keadm join $NODE" keadm_join
  fi
  step "Wait for $NODE to be Ready" wait_node
  step "Deploy the seed's workload (line3-vision)" deploy_workload
  if pid_alive "$QS/plc.pid"; then
    skip "Start the simulated PLC on 127.0.0.1:$PLC_PORT" "already running"
  else
    step "Start the simulated PLC on 127.0.0.1:$PLC_PORT" start_plc
  fi
  step "Deploy the Modbus mapper (DaemonSet)" deploy_mapper
  step "Apply the seed's DeviceModel and Device" apply_device

  echo
  echo "\$ kubectl get nodes -L node-role.kubernetes.io/edge"
  kube get nodes -L node-role.kubernetes.io/edge
  echo
  echo "\$ kubectl -n factory get pods -o wide"
  kube -n factory get pods -o wide
  echo
  echo "\$ kubectl -n factory get devices"
  kube -n factory get devices
  echo
  echo "\$ kubectl -n factory get device plc-line3-temp -o jsonpath='{.status.twins}'"
  kube -n factory get device plc-line3-temp -o jsonpath='{.status.twins}'
  echo
  cat <<EOT

Up in $((SECONDS - T0)) s. Poke at it:
  eval "\$(hack/cluster.sh env)"                         # kubectl against the local cluster
  kubectl -n factory patch device plc-line3-temp --type=json \\
    -p '[{"op":"replace","path":"/spec/properties/0/desired/value","value":"65"}]'
  mbpoll -m tcp -a 1 -r 101 -c 1 -t 4 -1 -p $PLC_PORT 127.0.0.1    # the PLC's register: 650
  mosquitto_sub -p $MQTT_PORT -v -t '\$hw/events/device/#'        # the edge's twin traffic
  sqlite3 $EDGE_DIR/data/edgecore.db 'select deviceid,name,expected,actual from device_twin'
Logs: $LOGDIR/ (cloudcore.log, edgecore.log, mosquitto.log, plc-sim.log, one per step)
Stop everything: make down
EOT
}

# Pods of the tutorial's namespaces bound to a node that no longer exists: no kubelet will ever
# confirm their deletion, so they are removed from the API without it (the node is gone anyway).
forget_orphan_pods() {
  local ns
  for ns in factory kubeedge; do
    kubectl -n "$ns" get pods -o jsonpath='{range .items[*]}{.metadata.name} {.spec.nodeName}{"\n"}{end}' 2>/dev/null |
      while read -r pod node; do
        [[ -n "$pod" ]] || continue
        if [[ -n "$node" ]] && ! kubectl get node "$node" >/dev/null 2>&1; then
          kubectl -n "$ns" delete pod "$pod" --force --grace-period=0 >/dev/null 2>&1 || true
        fi
      done
  done
}

# A kubeedge namespace left Terminating by an earlier `keadm reset` whose edge node was gone:
# with cloudcore stopped, nothing can confirm its pods' deletion, and cloudcore waits for the
# namespace to go before it starts. Its pods are removed from the API without confirmation.
unstick_kubeedge_namespace() {
  if [[ "$(kubectl get namespace kubeedge -o jsonpath='{.status.phase}' 2>/dev/null)" == Terminating ]]; then
    kubectl -n kubeedge delete pods --all --force --grace-period=0 >/dev/null 2>&1 || true
  fi
}

down() {
  local kc=()
  if "$HACK/cluster.sh" status >/dev/null 2>&1; then
    eval "$("$HACK/cluster.sh" env)"
    kc=(--kube-config="$KUBECONFIG")
  fi
  if ((${#kc[@]})); then
    # the tutorial's objects go first, while the edge node still runs and can confirm that its
    # pods are gone; pods left on a node that is gone would hold their namespaces in Terminating
    kubectl delete -f examples/seed/modbus-temp-model.yaml -f "$QS/plc-line3-temp.yaml" \
      --ignore-not-found --wait=false >/dev/null 2>&1 || true
    kubectl delete namespace factory --ignore-not-found --timeout=60s >/dev/null 2>&1 || true
    kubectl -n kubeedge delete daemonset modbus-mapper --ignore-not-found --cascade=foreground \
      --timeout=60s >/dev/null 2>&1 || true
  fi
  if [[ -x "$BIN/keadm" ]]; then
    [[ -d "$EDGE_DIR/etc" ]] && "$BIN/keadm" reset --config-dir "$EDGE_DIR/etc" --log-dir "$LOGDIR" || true
    if ((${#kc[@]})); then
      kubectl delete node "$NODE" --ignore-not-found >/dev/null 2>&1 || true
      # whatever is still bound to the node that is gone can never be confirmed by it
      forget_orphan_pods
    fi
    [[ -d "$CLOUD_DIR" ]] && "$BIN/keadm" reset --config-dir "$CLOUD_DIR" --log-dir "$LOGDIR" "${kc[@]}" || true
  fi
  for f in plc mosquitto; do
    if pid_alive "$QS/$f.pid"; then
      kill "$(cat "$QS/$f.pid")" 2>/dev/null || true
    fi
    rm -f "$QS/$f.pid"
  done
  "$HACK/containerd.sh" down || true
  "$HACK/cluster.sh" down || true
  echo "quickstart: stopped; logs kept in $LOGDIR"
}

status() {
  "$HACK/cluster.sh" status || true
  "$HACK/containerd.sh" status || true
  for f in mosquitto plc; do
    if pid_alive "$QS/$f.pid"; then echo "$f: running"; else echo "$f: stopped"; fi
  done
}

case "${1:-up}" in
  up) up ;;
  down) down ;;
  status) status ;;
  -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' ;;
  *) echo "usage: $0 [up|down|status]" >&2; exit 2 ;;
esac
