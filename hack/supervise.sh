#!/usr/bin/env bash
# kubeedge-supervise PIDFILE LOGFILE -- COMMAND...
# Runs COMMAND, restarting it with back-off (1 s doubling to 30 s; reset after 60 s
# of uptime) whenever it exits, until this supervisor gets SIGTERM or SIGINT, which
# it passes on to COMMAND before exiting. Used by `keadm init/join` where systemd is
# not running; `keadm reset` stops it through PIDFILE.
set -uo pipefail
pidfile="$1" logfile="$2"
shift 2
[[ "${1:-}" == "--" ]] && shift
mkdir -p "$(dirname "$pidfile")" "$(dirname "$logfile")"
echo $$ >"$pidfile"
child=""
stopping=false
stop() {
  stopping=true
  if [[ -n "$child" ]]; then
    kill -TERM "$child" 2>/dev/null
    for _ in $(seq 1 150); do kill -0 "$child" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$child" 2>/dev/null
  fi
  rm -f "$pidfile"
  exit 0
}
trap stop TERM INT
delay=1
while ! $stopping; do
  started=$SECONDS
  echo "$(date -u +%FT%TZ) supervise: starting $*" >>"$logfile"
  "$@" >>"$logfile" 2>&1 &
  child=$!
  wait "$child"
  rc=$?
  child=""
  $stopping && break
  if ((SECONDS - started >= 60)); then delay=1; fi
  echo "$(date -u +%FT%TZ) supervise: exited with $rc; restarting in ${delay}s" >>"$logfile"
  sleep "$delay" &
  wait $!
  delay=$((delay * 2 > 30 ? 30 : delay * 2))
done
