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
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"   # SCRIPT_DIR, REPO_ROOT, PEERS_DIR, log, die, ...

if [[ -d $PEERS_DIR ]]; then PEERS_DIR=$(cd "$PEERS_DIR" && pwd -P); fi
CONF_DIR=$PEERS_DIR/postfix/etc

[[ $EUID -eq 0 ]] || die "must run as root"
command -v postfix >/dev/null || { log "postfix not installed; nothing to do"; exit 0; }

stopped=
if [[ -f $CONF_DIR/main.cf && -f $CONF_DIR/master.cf ]] \
   && postfix -c "$CONF_DIR" status >/dev/null 2>&1; then
  # Returns once the master is gone (force-kills its process group after 5 s).
  postfix -c "$CONF_DIR" stop
  stopped=1
fi

if [[ -n $(postfix_orphaned_masters "$CONF_DIR") ]]; then
  stop_postfix_orphans "$CONF_DIR"
  stopped=1
fi

[[ -z $(postfix_orphaned_masters "$CONF_DIR") ]] || die "Postfix ($CONF_DIR) still running"
if [[ -n $stopped ]]; then log "stopped Postfix ($CONF_DIR)"
else log "Postfix ($CONF_DIR) is not running"; fi
