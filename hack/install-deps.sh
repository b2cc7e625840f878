#!/usr/bin/env bash
# Installs the system packages kubeedge-java needs, from Debian's archive.
# Idempotent: installs only what is missing and runs `apt-get update` only then.
# Services are not started by the packages (policy-rc.d): the project's own
# scripts start containerd and mosquitto where and when they need them.
set -euo pipefail

PACKAGES=(
  containerd runc containernetworking-plugins # edge container runtime (CRI v1) and CNI bridge
  mosquitto mosquitto-clients                 # edge MQTT broker, and mosquitto_sub/pub for poking at it
  openssl                                     # control-plane PKI
  iptables iproute2 socat conntrack           # network namespaces and fault injection
  sqlite3                                     # inspecting the edge store
  python3-pymodbus python3-serial python3-serial-asyncio mbpoll  # independent Modbus peers (pymodbus's server imports pyserial)
  busybox-static                              # base of the locally built OCI images
  curl unzip ca-certificates procps psmisc    # the Maven wrapper and the scripts
)

missing=()
for p in "${PACKAGES[@]}"; do
  if [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)" != "install ok installed" ]]; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#PACKAGES[@]} system packages present"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run as root, or: sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
policy=/usr/sbin/policy-rc.d
made_policy=false
if [[ ! -e $policy ]]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && made_policy=true
fi
cleanup() { if $made_policy; then rm -f "$policy"; fi; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
