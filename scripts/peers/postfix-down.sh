#!/usr/bin/env bash
# postfix-down.sh — stop the dedicated test Postfix instance started by
# postfix-up.sh (via `postfix -c <its config dir> stop`).  Idempotent: does
# nothing if it is not running or was never set up.  Keeps all state
# (certificates, Maildir, queue, log) so a later postfix-up.sh is fast.
# If the state directory was deleted while Postfix ran (e.g. cargo clean),
# the instance's master is found by MAIL_CONFIG=<config dir> and stopped by PID.
#
# Env vars read:
#   PEERS_DIR  state directory (default: <repo>/target/peers)
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO_ROOT=$(git -C "$SCRIPT_DIR" rev-parse --show-toplevel)
PEERS_DIR=${PEERS_DIR:-$REPO_ROOT/target/peers}
if [[ -d $PEERS_DIR ]]; then PEERS_DIR=$(cd "$PEERS_DIR" && pwd -P); fi
CONF_DIR=$PEERS_DIR/postfix/etc

log() { printf '[postfix-down] %s\n' "$*" >&2; }
die() { printf '[postfix-down] ERROR: %s\n' "$*" >&2; exit 1; }

# Same as in postfix-up.sh: masters of this instance `postfix -c` cannot see.
orphaned_masters() {
  local master_bin pid
  master_bin=$(postconf -dh daemon_directory)/master
  # pgrep only lists candidates; each is verified by executable and env.
  for pid in $(pgrep -x master || true); do
    [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == "$master_bin"* ]] || continue
    grep -qzxF "MAIL_CONFIG=$CONF_DIR" "/proc/$pid/environ" 2>/dev/null && echo "$pid"
  done
  return 0
}

[[ $EUID -eq 0 ]] || die "must run as root"
command -v postfix >/dev/null || { log "postfix not installed; nothing to do"; exit 0; }

stopped=
if [[ -f $CONF_DIR/main.cf && -f $CONF_DIR/master.cf ]] \
   && postfix -c "$CONF_DIR" status >/dev/null 2>&1; then
  # Returns once the master is gone (force-kills its process group after 5 s).
  postfix -c "$CONF_DIR" stop
  stopped=1
fi

pids=$(orphaned_masters)
if [[ -n $pids ]]; then
  for pid in $pids; do
    log "stopping orphaned master PID $pid of this instance"
    kill -TERM "$pid" 2>/dev/null || true
  done
  deadline=$((SECONDS + 10))
  while [[ -n $(orphaned_masters) ]]; do
    if ((SECONDS >= deadline)); then
      for pid in $(orphaned_masters); do kill -KILL -- "-$pid" 2>/dev/null || true; done
      break
    fi
    sleep 0.1   # polling interval of a bounded wait for process exit
  done
  stopped=1
fi

[[ -z $(orphaned_masters) ]] || die "Postfix ($CONF_DIR) still running"
if [[ -n $stopped ]]; then log "stopped Postfix ($CONF_DIR)"
else log "Postfix ($CONF_DIR) is not running"; fi
