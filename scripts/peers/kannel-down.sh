#!/usr/bin/env bash
# kannel-down.sh — stop the test Kannel started by kannel-up.sh: smsbox,
# bearerbox and fakesmsc, by the PIDs in $PEERS_DIR/kannel/*.pid (SIGTERM,
# SIGKILL after 10 s).  A PID is only signalled after checking that it is
# still that binary running with our config (PIDs get reused).  Idempotent:
# does nothing if nothing runs or it was never set up.  Keeps config and
# logs (fakesmsc.log included).  If the state directory was deleted while
# Kannel ran (e.g. cargo clean), our processes are found by their command
# line (the config path) and stopped by PID.  Debian's kannel service is
# never touched here.
#
# Env vars read:
#   PEERS_DIR  state directory (default: <repo>/target/peers)
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"   # SCRIPT_DIR, REPO_ROOT, PEERS_DIR, log, die, alive, ...

if [[ -d $PEERS_DIR ]]; then PEERS_DIR=$(cd "$PEERS_DIR" && pwd -P); fi
KDIR=$PEERS_DIR/kannel
CONF=$KDIR/kannel.conf
# Same marker as in kannel-up.sh (fakesmsc's never-sent message argument).
FAKESMSC_MARKER="0 0 text kannel-peers:$CONF"

bin_of() {
  case $1 in
    bearerbox) echo /usr/sbin/bearerbox ;;
    smsbox)    echo /usr/sbin/smsbox ;;
    fakesmsc)  echo /usr/lib/kannel/test/fakesmsc ;;
  esac
}
# is_ours NAME PID: PID is alive, runs NAME's binary (also if the package was
# upgraded meanwhile: "... (deleted)") and has our config / marker in argv
is_ours() {
  local name=$1 pid=$2 bin exe marker=$CONF
  [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" || return 1
  bin=$(bin_of "$name")
  exe=$(readlink "/proc/$pid/exe" 2>/dev/null) || return 1
  [[ $exe == "$bin" || $exe == "$bin (deleted)" ]] || return 1
  [[ $name != fakesmsc ]] || marker=$FAKESMSC_MARKER
  has_arg "$pid" "$marker"
}
# our_pids NAME: from the PID file, plus orphans found by command line
our_pids() {
  local name=$1 pid
  {
    pid=$(cat "$KDIR/$name.pid" 2>/dev/null || true)
    if [[ -n $pid ]] && is_ours "$name" "$pid"; then echo "$pid"; fi
    for pid in $(pgrep -x "$name" || true); do
      if is_ours "$name" "$pid"; then echo "$pid"; fi
    done
  } | sort -un
}

stopped=()
# fakesmsc usually exits by itself when bearerbox closes the connection.
fakesmsc_pids=$(our_pids fakesmsc)
# smsbox first (no new sendsms requests), then bearerbox (hands what it has
# queued to fakesmsc while shutting down), fakesmsc last.
for name in smsbox bearerbox fakesmsc; do
  pids=$(our_pids "$name")
  if [[ -n $pids ]]; then
    for pid in $pids; do kill -TERM "$pid" 2>/dev/null || true; done
    if ! wait_until_none 10 0.05 our_pids "$name"; then
      for pid in $(our_pids "$name"); do
        log "$name PID $pid ignored SIGTERM for 10s, sending SIGKILL"
        kill -KILL "$pid" 2>/dev/null || true
      done
      wait_until_none 5 0.1 our_pids "$name" || true
    fi
    left=$(our_pids "$name")
    [[ -z $left ]] || die "$name (${left//$'\n'/ }) still running"
    stopped+=("$name(${pids//$'\n'/ })")
  elif [[ $name == fakesmsc && -n $fakesmsc_pids ]]; then
    stopped+=("fakesmsc(${fakesmsc_pids//$'\n'/ }, exited with bearerbox)")
  fi
  rm -f "$KDIR/$name.pid"
done

if ((${#stopped[@]})); then log "stopped ${stopped[*]}"
else log "Kannel ($CONF) is not running"; fi
