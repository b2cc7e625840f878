#!/usr/bin/env bash
# A real local Kubernetes control plane on loopback, for tests and the quickstart:
# etcd, kube-apiserver, kube-controller-manager and kube-scheduler built by
# hack/build-k8s.sh from the official modules, with a PKI made by openssl.
#
#   hack/cluster.sh up       start it (a no-op if it already runs), wait for /readyz
#   hack/cluster.sh down     stop every process it started, by PID, and wait for them
#   hack/cluster.sh status   say what runs
#   hack/cluster.sh env      shell lines to eval: KUBECONFIG and PATH with kubectl first
#
# Settings (environment):
#   CLUSTER_DIR                         state, certificates, logs  [<repo>/_output/cluster]
#   CLUSTER_APISERVER_PORT              kube-apiserver https        [6443]
#   CLUSTER_ETCD_PORT, CLUSTER_ETCD_PEER_PORT                       [2379, 2380]
#   CLUSTER_KCM_PORT, CLUSTER_SCHEDULER_PORT  health/metrics ports  [10257, 10259]
#   CLUSTER_NODE_MONITOR_GRACE_PERIOD   node-lifecycle grace       [50s, upstream's default]
#   CLUSTER_NODE_MONITOR_PERIOD                                     [5s]
#   CLUSTER_NOT_READY_TOLERATION_SECONDS, CLUSTER_UNREACHABLE_TOLERATION_SECONDS  [300, 300]
#   CLUSTER_KUBELET_PREFERRED_ADDRESS_TYPES  [InternalIP,ExternalIP,Hostname]
#   CLUSTER_ETCD_UNSAFE_NO_FSYNC        true skips etcd's fsync: a throwaway test cluster [true]
#   CLUSTER_READY_TIMEOUT               seconds to wait for readiness [180]
set -euo pipefail

HACK="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HACK")"
source "$HACK/versions.sh"

DIR="${CLUSTER_DIR:-$REPO/_output/cluster}"
APISERVER_PORT="${CLUSTER_APISERVER_PORT:-6443}"
ETCD_PORT="${CLUSTER_ETCD_PORT:-2379}"
ETCD_PEER_PORT="${CLUSTER_ETCD_PEER_PORT:-2380}"
KCM_PORT="${CLUSTER_KCM_PORT:-10257}"
SCHEDULER_PORT="${CLUSTER_SCHEDULER_PORT:-10259}"
NODE_MONITOR_GRACE_PERIOD="${CLUSTER_NODE_MONITOR_GRACE_PERIOD:-50s}"
NODE_MONITOR_PERIOD="${CLUSTER_NODE_MONITOR_PERIOD:-5s}"
NOT_READY_TOLERATION="${CLUSTER_NOT_READY_TOLERATION_SECONDS:-300}"
UNREACHABLE_TOLERATION="${CLUSTER_UNREACHABLE_TOLERATION_SECONDS:-300}"
PREFERRED_ADDRESS_TYPES="${CLUSTER_KUBELET_PREFERRED_ADDRESS_TYPES:-InternalIP,ExternalIP,Hostname}"
ETCD_UNSAFE_NO_FSYNC="${CLUSTER_ETCD_UNSAFE_NO_FSYNC:-true}"
READY_TIMEOUT="${CLUSTER_READY_TIMEOUT:-180}"
COMPONENTS=(etcd kube-apiserver kube-controller-manager kube-scheduler) # start order

PKI="$DIR/pki"
LOGS="$DIR/logs"
RUN="$DIR/run"
KUBECONFIG_FILE="$DIR/admin.kubeconfig"

log() { echo "cluster: $*" >&2; }
die() { echo "cluster: error: $*" >&2; exit 1; }

# --- processes ------------------------------------------------------------

# pid_of NAME: the PID recorded for a component, if that process still runs the
# binary we started (guards against a recycled PID).
pid_of() {
  local f="$RUN/$1.pid" pid
  [[ -r "$f" ]] || return 1
  pid=$(<"$f")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$1" || return 1
  # the process must belong to this cluster directory
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$DIR" || return 1
  echo "$pid"
}

running_components() {
  local c
  for c in "${COMPONENTS[@]}"; do
    if pid_of "$c" >/dev/null; then echo "$c"; fi
  done
}

port_in_use() { # $1 = port on 127.0.0.1
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

start_component() { # $1 = name; rest = command line
  local name="$1"; shift
  mkdir -p "$LOGS" "$RUN"
  # own session: the component outlives this shell, and never gets our signals
  setsid "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
}

stop_component() { # $1 = name
  local name="$1" pid i
  pid=$(pid_of "$name") || { rm -f "$RUN/$name.pid"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do # 10 s for a graceful stop
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "$name (pid $pid) ignored SIGTERM for 10 s; sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -f "$RUN/$name.pid"
  log "stopped $name (pid $pid)"
}

# --- PKI --------------------------------------------------------------------

gen_cert() { # name CN O [SANs] : a P-256 key and a certificate signed by the cluster CA (or $CA_NAME)
  local name="$1" cn="$2" org="$3" sans="${4:-}" subj ext="$PKI/$1.ext" ca="${CA_NAME:-ca}"
  subj="/CN=$cn"
  [[ -n "$org" ]] && subj="/O=$org$subj"
  openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/$name.key" 2>/dev/null
  openssl req -new -key "$PKI/$name.key" -subj "$subj" -out "$PKI/$name.csr" 2>/dev/null
  {
    echo "basicConstraints=critical,CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [[ -n "$sans" ]]; then
      echo "extendedKeyUsage=serverAuth,clientAuth"
      echo "subjectAltName=$sans"
    else
      echo "extendedKeyUsage=clientAuth"
    fi
  } >"$ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/$ca.crt" -CAkey "$PKI/$ca.key" -CAcreateserial \
    -days 3650 -sha256 -extfile "$ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr" "$ext"
}

make_pki() {
  [[ -f "$PKI/.complete" ]] && return 0
  command -v openssl >/dev/null || die "openssl is missing: run hack/install-deps.sh"
  log "generating PKI in $PKI"
  rm -rf "$PKI" && mkdir -p "$PKI" && chmod 700 "$PKI"
  openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/ca.key" 2>/dev/null
  openssl req -x509 -new -key "$PKI/ca.key" -subj "/CN=kubeedge-java-local-ca" -days 3650 -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
    -out "$PKI/ca.crt" 2>/dev/null
  gen_cert apiserver kube-apiserver "" \
    "DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:127.0.0.1,IP:10.0.0.1"
  gen_cert apiserver-kubelet-client kube-apiserver-kubelet-client system:masters
  gen_cert admin kubernetes-admin system:masters
  gen_cert controller-manager system:kube-controller-manager ""
  gen_cert scheduler system:kube-scheduler ""
  # the aggregation layer's front proxy: its own CA, as kubeadm does
  openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/front-proxy-ca.key" 2>/dev/null
  openssl req -x509 -new -key "$PKI/front-proxy-ca.key" -subj "/CN=kubeedge-java-front-proxy-ca" -days 3650 -sha256 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
    -out "$PKI/front-proxy-ca.crt" 2>/dev/null
  CA_NAME=front-proxy-ca gen_cert front-proxy-client front-proxy-client ""
  openssl ecparam -name prime256v1 -genkey -noout -out "$PKI/sa.key" 2>/dev/null
  openssl ec -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  touch "$PKI/.complete"
}

write_kubeconfig() { # file user
  local file="$1" user="$2"
  cat >"$file" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: local
  cluster:
    certificate-authority: $PKI/ca.crt
    server: https://127.0.0.1:$APISERVER_PORT
users:
- name: $user
  user:
    client-certificate: $PKI/$user.crt
    client-key: $PKI/$user.key
contexts:
- name: local
  context: {cluster: local, user: $user}
current-context: local
EOF
}

# --- readiness --------------------------------------------------------------

wait_for() { # description url [client-cert-name]
  local what="$1" url="$2" cert="${3:-}" deadline=$((SECONDS + READY_TIMEOUT)) args=(-sk --max-time 2) out
  [[ -n "$cert" ]] && args+=(--cacert "$PKI/ca.crt" --cert "$PKI/$cert.crt" --key "$PKI/$cert.key")
  while ((SECONDS < deadline)); do
    out=$(curl "${args[@]}" "$url" 2>/dev/null || true)
    [[ "$out" == ok ]] && return 0
    check_alive
    sleep 0.5
  done
  die "$what not ready after ${READY_TIMEOUT}s ($url); logs: $LOGS"
}

check_alive() { # fail fast, with the log tail, when a started component died
  local c
  for c in "${COMPONENTS[@]}"; do
    # alive by its recorded PID: right after start the PID may still be the forked shell that is
    # about to exec setsid and the component, so its command line is not yet the component's
    if [[ -f "$RUN/$c.pid" ]] && ! kill -0 "$(cat "$RUN/$c.pid")" 2>/dev/null; then
      echo "cluster: error: $c exited during start-up; last lines of $LOGS/$c.log:" >&2
      tail -n 25 "$LOGS/$c.log" >&2 || true
      rm -f "$RUN/$c.pid"
      cmd_down >/dev/null 2>&1 || true
      exit 1
    fi
  done
}

# --- commands -----------------------------------------------------------------

cmd_up() {
  local running bin p
  mapfile -t running < <(running_components)
  if ((${#running[@]} == ${#COMPONENTS[@]})); then
    log "already up ($DIR); nothing to do"
    return 0
  fi
  if ((${#running[@]} > 0)); then
    log "partly up (${running[*]}); restarting the missing parts"
  fi

  bin="$("$HACK/build-k8s.sh")"
  mkdir -p "$DIR" "$LOGS" "$RUN"
  echo "$bin" >"$DIR/bin-dir"
  make_pki
  write_kubeconfig "$KUBECONFIG_FILE" admin
  write_kubeconfig "$DIR/controller-manager.kubeconfig" controller-manager
  write_kubeconfig "$DIR/scheduler.kubeconfig" scheduler

  if ! pid_of etcd >/dev/null; then
    for p in "$ETCD_PORT" "$ETCD_PEER_PORT"; do
      port_in_use "$p" && die "port $p is taken by another process (not this cluster); set CLUSTER_ETCD_PORT/CLUSTER_ETCD_PEER_PORT or stop it"
    done
    start_component etcd "$bin/etcd" \
      --name=default --data-dir="$DIR/etcd" \
      --listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
      --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
      --initial-cluster="default=http://127.0.0.1:$ETCD_PEER_PORT" \
      --unsafe-no-fsync="$ETCD_UNSAFE_NO_FSYNC" --log-level=warn
  fi
  # etcd's /health answers JSON, not "ok"
  local deadline=$((SECONDS + READY_TIMEOUT))
  until curl -s --max-time 2 "http://127.0.0.1:$ETCD_PORT/health" 2>/dev/null | grep -q '"health":"true"'; do
    check_alive
    ((SECONDS < deadline)) || die "etcd not healthy after ${READY_TIMEOUT}s; logs: $LOGS/etcd.log"
    sleep 0.2
  done

  if ! pid_of kube-apiserver >/dev/null; then
    port_in_use "$APISERVER_PORT" && die "port $APISERVER_PORT is taken by another process (not this cluster); set CLUSTER_APISERVER_PORT or stop it"
    start_component kube-apiserver "$bin/kube-apiserver" \
      --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
      --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$APISERVER_PORT" \
      --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
      --client-ca-file="$PKI/ca.crt" \
      --kubelet-client-certificate="$PKI/apiserver-kubelet-client.crt" --kubelet-client-key="$PKI/apiserver-kubelet-client.key" \
      --kubelet-preferred-address-types="$PREFERRED_ADDRESS_TYPES" \
      --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
      --service-account-issuer=https://kubernetes.default.svc.cluster.local \
      --service-cluster-ip-range=10.0.0.0/24 \
      --authorization-mode=Node,RBAC \
      --enable-admission-plugins=NodeRestriction \
      --default-not-ready-toleration-seconds="$NOT_READY_TOLERATION" \
      --default-unreachable-toleration-seconds="$UNREACHABLE_TOLERATION" \
      --requestheader-client-ca-file="$PKI/front-proxy-ca.crt" \
      --requestheader-allowed-names=front-proxy-client \
      --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
      --requestheader-extra-headers-prefix=X-Remote-Extra- \
      --proxy-client-cert-file="$PKI/front-proxy-client.crt" --proxy-client-key-file="$PKI/front-proxy-client.key" \
      --allow-privileged=true \
      --endpoint-reconciler-type=none
  fi
  wait_for kube-apiserver "https://127.0.0.1:$APISERVER_PORT/readyz" admin

  if ! pid_of kube-controller-manager >/dev/null; then
    port_in_use "$KCM_PORT" && die "port $KCM_PORT is taken by another process; set CLUSTER_KCM_PORT or stop it"
    start_component kube-controller-manager "$bin/kube-controller-manager" \
      --kubeconfig="$DIR/controller-manager.kubeconfig" \
      --authentication-kubeconfig="$DIR/controller-manager.kubeconfig" \
      --authorization-kubeconfig="$DIR/controller-manager.kubeconfig" \
      --bind-address=127.0.0.1 --secure-port="$KCM_PORT" \
      --service-account-private-key-file="$PKI/sa.key" --root-ca-file="$PKI/ca.crt" \
      --cluster-signing-cert-file="$PKI/ca.crt" --cluster-signing-key-file="$PKI/ca.key" \
      --use-service-account-credentials=true \
      --controllers='*' \
      --node-monitor-grace-period="$NODE_MONITOR_GRACE_PERIOD" \
      --node-monitor-period="$NODE_MONITOR_PERIOD" \
      --leader-elect=false
  fi
  if ! pid_of kube-scheduler >/dev/null; then
    port_in_use "$SCHEDULER_PORT" && die "port $SCHEDULER_PORT is taken by another process; set CLUSTER_SCHEDULER_PORT or stop it"
    start_component kube-scheduler "$bin/kube-scheduler" \
      --kubeconfig="$DIR/scheduler.kubeconfig" \
      --authentication-kubeconfig="$DIR/scheduler.kubeconfig" \
      --authorization-kubeconfig="$DIR/scheduler.kubeconfig" \
      --bind-address=127.0.0.1 --secure-port="$SCHEDULER_PORT" \
      --leader-elect=false
  fi
  wait_for kube-controller-manager "https://127.0.0.1:$KCM_PORT/healthz"
  wait_for kube-scheduler "https://127.0.0.1:$SCHEDULER_PORT/healthz"
  log "up: Kubernetes $KUBE_VERSION on https://127.0.0.1:$APISERVER_PORT (state and logs in $DIR)"
  log "use it: eval \"\$($HACK/cluster.sh env)\""
}

cmd_down() {
  local i
  if [[ -z "$(running_components)" ]]; then
    log "not running ($DIR)"
  fi
  for ((i = ${#COMPONENTS[@]} - 1; i >= 0; i--)); do # reverse start order
    stop_component "${COMPONENTS[i]}"
  done
}

cmd_status() {
  local c pid any=false
  for c in "${COMPONENTS[@]}"; do
    if pid=$(pid_of "$c"); then
      echo "$c: running (pid $pid)"
      any=true
    else
      echo "$c: stopped"
    fi
  done
  if $any; then
    echo "apiserver: https://127.0.0.1:$APISERVER_PORT  kubeconfig: $KUBECONFIG_FILE  logs: $LOGS"
  fi
  $any
}

cmd_env() {
  local bin
  if [[ -r "$DIR/bin-dir" ]]; then bin=$(<"$DIR/bin-dir"); else bin="$("$HACK/build-k8s.sh")"; fi
  echo "export KUBECONFIG='$KUBECONFIG_FILE'"
  echo "export PATH='$bin':\"\$PATH\""
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) cmd_env ;;
  -h | --help | help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' ;;
  *) echo "usage: $0 up|down|status|env   (--help for settings)" >&2; exit 2 ;;
esac
