#!/usr/bin/env bash
# A private containerd for tests and the edge agent: its own config, root, state, socket
# and CNI network under one directory, so it never touches a system containerd. (Two paths
# are hard-wired in containerd 1.6 and libcni and shared with any other instance: shim
# sockets in /run/containerd/s/, named by a hash of this socket's path, and the CNI result
# cache in /var/lib/cni/results/. Both stay empty once this instance's pods are removed.)
#
#   hack/containerd.sh up       start it (a no-op if it already runs), wait for the CRI plugin
#   hack/containerd.sh down     kill its containers, stop it and its shims, by PID; leave nothing
#   hack/containerd.sh status   say what runs
#   hack/containerd.sh env      shell lines to eval: CONTAINERD_ADDRESS, CONTAINERD_NAMESPACE,
#                               CONTAINER_RUNTIME_ENDPOINT (for ctr, crictl and CriClient)
#
# Needs root, and containerd, runc and the CNI plugins (hack/install-deps.sh).
#
# Settings (environment):
#   CONTAINERD_DIR            config, root, state, socket, logs  [<repo>/_output/containerd]
#   CONTAINERD_SNAPSHOTTER    overlayfs or native      [overlayfs if an overlay mount works in the dir]
#   CONTAINERD_SANDBOX_IMAGE  the pause image (hack/images.sh)  [docker.io/kubeedge-java/pause:3.10]
#   CONTAINERD_CNI_BIN_DIR    CNI plugin binaries               [/usr/lib/cni]
#   CONTAINERD_CNI_SUBNET     pod subnet of the bridge network  [a free 10.N.0.0/16, N in 88..119]
#   CONTAINERD_CNI_BRIDGE     Linux bridge the pods attach to   [kej<6 hex of a hash of the dir>]
#   (The bridge and subnet are chosen on the first `up` of a directory and kept in
#   <dir>/cni/network, so checkouts side by side on one host never share a bridge or hand
#   out the same pod IPs; `status` shows them.)
#   CONTAINERD_READY_TIMEOUT  seconds to wait for readiness     [60]
set -euo pipefail

HACK="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(dirname "$HACK")"

DIR="${CONTAINERD_DIR:-$REPO/_output/containerd}"
DIR="$(realpath -m "$DIR")"
SANDBOX_IMAGE="${CONTAINERD_SANDBOX_IMAGE:-docker.io/kubeedge-java/pause:3.10}"
CNI_BIN_DIR="${CONTAINERD_CNI_BIN_DIR:-/usr/lib/cni}"
READY_TIMEOUT="${CONTAINERD_READY_TIMEOUT:-60}"

SOCK="$DIR/containerd.sock"
CONFIG="$DIR/config.toml"
ROOT="$DIR/root"
STATE="$DIR/state"
LOGS="$DIR/logs"
RUN="$DIR/run"
CNI_CONF_DIR="$DIR/cni/net.d"
CNI_IPAM_DIR="$DIR/cni/ipam"
PID_FILE="$RUN/containerd.pid"

log() { echo "containerd: $*" >&2; }
die() { echo "containerd: error: $*" >&2; exit 1; }

ctr_() { ctr --address "$SOCK" "$@"; }

# --- processes ------------------------------------------------------------

# pid_of_containerd: the recorded PID, if that process still is containerd with our config
# (guards against a recycled PID and against another instance).
pid_of_containerd() {
  local pid cmd
  [[ -r "$PID_FILE" ]] || return 1
  pid=$(<"$PID_FILE")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$pid/cmdline") || return 1
  [[ "$cmd" == containerd\ * && "$cmd" == *"--config $CONFIG"* ]] || return 1
  echo "$pid"
}

# shim_pids: the containerd-shim-runc-v2 processes serving this instance (they outlive
# containerd by design, and name our socket in their command line).
shim_pids() {
  local f pid cmd
  for f in /proc/[0-9]*/cmdline; do
    pid=${f#/proc/}; pid=${pid%/cmdline}
    cmd=$(tr '\0' ' ' 2>/dev/null <"$f") || continue
    [[ "$cmd" == *containerd-shim* && "$cmd" == *"-address $SOCK "* ]] && echo "$pid"
  done
  return 0
}

ready() { # the API answers and the CRI plugin loaded
  [[ -S "$SOCK" ]] || return 1
  ctr_ version >/dev/null 2>&1 || return 1
  ctr_ plugins ls 2>/dev/null | grep -Eq '^io\.containerd\.grpc\.v1[[:space:]]+cri[[:space:]].*[[:space:]]ok[[:space:]]*$'
}

wait_gone() { # pids...: up to 10 s
  local i pid alive
  for ((i = 0; i < 100; i++)); do
    alive=false
    for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=true; done
    $alive || return 0
    sleep 0.1
  done
  return 1
}

# --- environment checks ----------------------------------------------------

# overlay_works: can this kernel mount overlayfs with the upper dir on the filesystem of $DIR?
# (not so on overlay-on-overlay, some tmpfs and most unprivileged containers)
overlay_works() {
  local t ok=1
  t=$(mktemp -d "$DIR/.overlay-probe.XXXXXX")
  mkdir -p "$t/lower" "$t/upper" "$t/work" "$t/merged"
  echo probe >"$t/lower/f"
  if mount -t overlay overlay -o "lowerdir=$t/lower,upperdir=$t/upper,workdir=$t/work" "$t/merged" 2>/dev/null; then
    [[ "$(cat "$t/merged/f" 2>/dev/null)" == probe ]] && ok=0
    umount "$t/merged" 2>/dev/null || umount -l "$t/merged" 2>/dev/null || true
  fi
  rm -rf "$t"
  return $ok
}

apparmor_enabled() {
  [[ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" == Y ]]
}

# has_cap_sys_resource: without it (some sandboxed VMs and containers drop it) nobody here may
# lower an oom_score_adj, and runc fails to start a pod's pause container with the -998 the
# CRI plugin asks for, unless restrict_oom_score_adj caps requests at containerd's own score
has_cap_sys_resource() {
  local eff
  eff=$(awk '/^CapEff:/ {print $2}' /proc/self/status)
  (((16#$eff >> 24) & 1))
}

cgroup_mode() {
  if [[ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" == cgroup2fs ]]; then echo v2
  elif [[ -d /sys/fs/cgroup/unified ]]; then echo hybrid
  else echo v1; fi
}

# --- configuration ----------------------------------------------------------

# choose_network: sets CNI_BRIDGE and CNI_SUBNET. The settings win; else what this directory
# chose before; else a bridge named after a hash of the directory and the first /16 in
# 10.88-10.119 (starting at a place given by the hash) that no route on this host uses yet.
choose_network() {
  local f="$DIR/cni/network" hash start i n bridge="" subnet=""
  if [[ -r "$f" ]]; then
    bridge=$(sed -n 's/^bridge=//p' "$f")
    subnet=$(sed -n 's/^subnet=//p' "$f")
    # another instance may have taken this directory's subnet while it was down (its bridge
    # gone): two bridges routing one /16 make pod IPs unreachable, so choose again
    if [[ -n "$subnet" && -z "${CONTAINERD_CNI_SUBNET:-}" ]] &&
      ip -4 route show "$subnet" 2>/dev/null | grep -v " dev $bridge " | grep -q .; then
      echo "containerd: $subnet is now routed on another interface; choosing another subnet" >&2
      subnet=""
      ip link delete "$bridge" 2>/dev/null || true # it would keep the old gateway address
    fi
  fi
  if [[ -z "$bridge" || -z "$subnet" ]]; then
    hash=$(printf '%s' "$DIR" | sha256sum | cut -c1-8)
    bridge="kej${hash:0:6}"
    start=$((16#${hash:6:2} % 32))
    for ((i = 0; i < 32; i++)); do
      n=$((88 + (start + i) % 32))
      if ! ip -4 route show 2>/dev/null | grep -q "^10\.$n\."; then
        subnet="10.$n.0.0/16"
        break
      fi
    done
    [[ -n "$subnet" ]] || die "every 10.88-10.119 /16 is routed on this host; set CONTAINERD_CNI_SUBNET"
    mkdir -p "$DIR/cni"
    printf 'bridge=%s\nsubnet=%s\n' "$bridge" "$subnet" >"$f"
  fi
  CNI_BRIDGE="${CONTAINERD_CNI_BRIDGE:-$bridge}"
  CNI_SUBNET="${CONTAINERD_CNI_SUBNET:-$subnet}"
  ((${#CNI_BRIDGE} <= 15)) || die "bridge name $CNI_BRIDGE is longer than 15 characters"
}

write_config() { # snapshotter
  local snapshotter="$1" disable_apparmor=false restrict_oom=false
  apparmor_enabled || disable_apparmor=true
  has_cap_sys_resource || restrict_oom=true
  cat >"$CONFIG" <<EOF
# Written by hack/containerd.sh; rewritten on every start.
version = 2
root = "$ROOT"
state = "$STATE"
oom_score = 0
disabled_plugins = [
  "io.containerd.snapshotter.v1.aufs",
  "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper",
  "io.containerd.snapshotter.v1.zfs",
  "io.containerd.tracing.processor.v1.otlp",
  "io.containerd.internal.v1.tracing",
]

[grpc]
  address = "$SOCK"

[ttrpc]
  address = "$SOCK.ttrpc"

[debug]
  address = ""
  level = "info"

[metrics]
  address = ""

[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = "$DIR/opt"

  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "$SANDBOX_IMAGE"
    disable_apparmor = $disable_apparmor
    restrict_oom_score_adj = $restrict_oom
    enable_selinux = false
    # the streaming server (exec/attach/port-forward URLs): loopback, a free port
    stream_server_address = "127.0.0.1"
    stream_server_port = "0"
    # pod network namespaces under this instance's state dir, not /var/run/netns
    netns_mounts_under_state_dir = true
    systemd_cgroup = false
    tolerate_missing_hugetlb_controller = true
    disable_hugetlb_controller = true

    [plugins."io.containerd.grpc.v1.cri".containerd]
      snapshotter = "$snapshotter"
      default_runtime_name = "runc"

      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"

        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
          # cgroupfs driver; runc's state under this instance, not /run/containerd/runc
          SystemdCgroup = false
          Root = "$STATE/runc"

    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "$CNI_BIN_DIR"
      conf_dir = "$CNI_CONF_DIR"
      max_conf_num = 1

    [plugins."io.containerd.grpc.v1.cri".registry]
      config_path = ""
EOF
}

write_cni_config() {
  mkdir -p "$CNI_CONF_DIR" "$CNI_IPAM_DIR"
  cat >"$CNI_CONF_DIR/10-kubeedge-java.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "kubeedge-java",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "$CNI_BRIDGE",
      "isGateway": true,
      "ipMasq": true,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "dataDir": "$CNI_IPAM_DIR",
        "ranges": [[{"subnet": "$CNI_SUBNET"}]],
        "routes": [{"dst": "0.0.0.0/0"}]
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}},
    {"type": "loopback"}
  ]
}
EOF
}

# --- commands -----------------------------------------------------------------

check_prerequisites() {
  [[ $(id -u) -eq 0 ]] || die "containerd needs root (it mounts, makes namespaces and cgroups)"
  local c
  for c in containerd ctr runc containerd-shim-runc-v2; do
    command -v "$c" >/dev/null || die "$c is missing: run hack/install-deps.sh"
  done
  for c in bridge host-local portmap loopback; do
    [[ -x "$CNI_BIN_DIR/$c" ]] || die "CNI plugin $CNI_BIN_DIR/$c is missing: run hack/install-deps.sh"
  done
  # sun_path holds 108 bytes; leave room for the ".ttrpc" socket next to it
  ((${#SOCK} + 6 < 108)) || die "socket path $SOCK is too long for a Unix socket; use a shorter CONTAINERD_DIR"
}

cmd_up() {
  local pid snapshotter deadline
  if pid=$(pid_of_containerd) && ready; then
    log "already up (pid $pid, $SOCK); nothing to do"
    return 0
  fi
  check_prerequisites
  if pid=$(pid_of_containerd); then
    log "pid $pid runs but does not answer; restarting it"
    cmd_down
  fi
  mkdir -p "$DIR" "$ROOT" "$STATE" "$LOGS" "$RUN" "$DIR/opt"

  snapshotter="${CONTAINERD_SNAPSHOTTER:-}"
  if [[ -z "$snapshotter" ]]; then
    if overlay_works; then snapshotter=overlayfs; else snapshotter=native; fi
  fi
  [[ "$snapshotter" == overlayfs || "$snapshotter" == native ]] ||
    die "CONTAINERD_SNAPSHOTTER must be overlayfs or native, not $snapshotter"
  choose_network
  write_config "$snapshotter"
  write_cni_config
  rm -f "$SOCK" "$SOCK.ttrpc"

  # own session: it outlives this shell and never gets our signals
  setsid containerd --config "$CONFIG" >>"$LOGS/containerd.log" 2>&1 </dev/null &
  echo $! >"$PID_FILE"

  deadline=$((SECONDS + READY_TIMEOUT))
  until ready; do
    # (not pid_of_containerd: the child may not have exec'd containerd yet)
    if [[ "$(ps -o stat= -p "$(<"$PID_FILE")" 2>/dev/null)" == "" || "$(ps -o stat= -p "$(<"$PID_FILE")")" == Z* ]]; then
      echo "containerd: error: containerd exited during start-up; last lines of $LOGS/containerd.log:" >&2
      tail -n 25 "$LOGS/containerd.log" >&2 || true
      rm -f "$PID_FILE"
      exit 1
    fi
    if ((SECONDS >= deadline)); then
      echo "containerd: error: not ready after ${READY_TIMEOUT}s; last lines of $LOGS/containerd.log:" >&2
      tail -n 25 "$LOGS/containerd.log" >&2 || true
      cmd_down >/dev/null 2>&1 || true
      exit 1
    fi
    sleep 0.1
  done
  log "up: $(ctr_ version 2>/dev/null | awk '/Server:/{s=1} s&&/Version:/{print "containerd " $2; exit}') on $SOCK" \
    "(snapshotter $snapshotter, cgroups $(cgroup_mode), apparmor $(apparmor_enabled && echo on || echo off)," \
    "CAP_SYS_RESOURCE $(has_cap_sys_resource && echo yes || echo 'no: oom_score_adj restricted')," \
    "pods on bridge $CNI_BRIDGE in $CNI_SUBNET;" \
    "state and logs in $DIR)"
  log "use it: eval \"\$($HACK/containerd.sh env)\""
}

# kill_tasks: SIGKILL every task (container process tree) in every namespace and delete it,
# so the shims exit on their own and no container process outlives containerd.
kill_tasks() {
  local ns task i
  for ns in $(ctr_ namespaces ls -q 2>/dev/null); do
    for task in $(ctr_ -n "$ns" tasks ls -q 2>/dev/null); do
      ctr_ -n "$ns" tasks kill --all --signal SIGKILL "$task" >/dev/null 2>&1 || true
    done
    for task in $(ctr_ -n "$ns" tasks ls -q 2>/dev/null); do
      for ((i = 0; i < 50; i++)); do
        ctr_ -n "$ns" tasks ls 2>/dev/null | awk -v t="$task" '$1 == t {print $3}' | grep -qx RUNNING || break
        sleep 0.1
      done
      ctr_ -n "$ns" tasks delete --force "$task" >/dev/null 2>&1 || true
    done
  done
}

# kill_runc_containers: containers runc still knows in this instance's runc root, e.g. when
# containerd died before it could delete its tasks. Killing their shims instead would
# orphan the container processes to init.
kill_runc_containers() {
  local root id
  for root in "$STATE"/runc/*/; do
    [[ -d "$root" ]] || continue
    for id in $(runc --root "$root" list -q 2>/dev/null); do
      runc --root "$root" delete --force "$id" >/dev/null 2>&1 || true
      log "killed leftover container $id"
    done
  done
}

# unmount_leftovers: whatever is still mounted under $DIR (container rootfs, sandbox /dev/shm,
# pod network namespaces) once no process of this instance is left.
unmount_leftovers() {
  local m
  while read -r m; do
    umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true
  done < <(awk -v d="$DIR/" 'index($5, d) == 1 {print $5}' /proc/self/mountinfo | sort -r)
}

# remove_bridge: the Linux bridge the CNI config of this instance names, once no pod uses it
remove_bridge() {
  local bridge
  bridge=$(sed -n 's/^ *"bridge": "\(.*\)",$/\1/p' "$CNI_CONF_DIR/10-kubeedge-java.conflist" 2>/dev/null)
  [[ -n "$bridge" && -d "/sys/class/net/$bridge/bridge" ]] || return 0
  if [[ -z "$(ls "/sys/class/net/$bridge/brif" 2>/dev/null)" ]]; then
    ip link delete "$bridge" type bridge 2>/dev/null && log "removed bridge $bridge"
  fi
  return 0
}

cmd_down() {
  local pid shims
  if pid=$(pid_of_containerd); then
    kill_tasks
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_gone "$pid"; then
      log "containerd (pid $pid) ignored SIGTERM for 10 s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      wait_gone "$pid" || true
    fi
    log "stopped containerd (pid $pid)"
  else
    log "not running ($DIR)"
  fi
  rm -f "$PID_FILE"
  kill_runc_containers
  mapfile -t shims < <(shim_pids)
  if ((${#shims[@]} > 0)); then
    # their containers are gone by now, so nothing gets orphaned
    kill -TERM "${shims[@]}" 2>/dev/null || true
    if ! wait_gone "${shims[@]}"; then
      kill -KILL "${shims[@]}" 2>/dev/null || true
      wait_gone "${shims[@]}" || true
    fi
    log "stopped ${#shims[@]} leftover shim(s)"
  fi
  unmount_leftovers
  remove_bridge
  rm -f "$SOCK" "$SOCK.ttrpc"
}

cmd_status() {
  local pid n
  if pid=$(pid_of_containerd); then
    if ready; then echo "containerd: running (pid $pid)"; else echo "containerd: starting or broken (pid $pid)"; fi
    n=$(shim_pids | wc -l)
    echo "shims: $n  socket: $SOCK  config: $CONFIG  logs: $LOGS"
    [[ -r "$CONFIG" ]] && grep -m1 'snapshotter = ' "$CONFIG" | sed 's/^ */snapshotter: /; s/snapshotter = //; s/"//g'
    [[ -r "$DIR/cni/network" ]] && echo "network: $(tr '\n' ' ' <"$DIR/cni/network")"
    return 0
  fi
  echo "containerd: stopped"
  n=$(shim_pids | wc -l)
  ((n == 0)) || echo "shims: $n left over (hack/containerd.sh down kills them)"
  return 1
}

cmd_env() {
  echo "export CONTAINERD_ADDRESS='$SOCK'"
  echo "export CONTAINERD_NAMESPACE=k8s.io"
  echo "export CONTAINER_RUNTIME_ENDPOINT='unix://$SOCK'"
  echo "export IMAGE_SERVICE_ENDPOINT='unix://$SOCK'"
}

case "${1:-}" in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  env) cmd_env ;;
  -h | --help | help) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' ;;
  *) echo "usage: $0 up|down|status|env   (--help for settings)" >&2; exit 2 ;;
esac
