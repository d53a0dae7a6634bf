#!/usr/bin/env bash
# kannel-up.sh — install (if needed), configure and (re)start a dedicated
# Kannel SMS gateway on 127.0.0.1 with Kannel's fake SMSC, as the SMS
# gateway for integration and browser tests (the console sends SMS through
# Kannel's HTTP sendsms interface; the fake SMSC logs every SMS it gets).
# Idempotent: safe to run repeatedly, also while the instance from a
# previous run is still up (it is stopped by its PID files first).
#
# Processes (run directly, not via Debian's kannel service; PID files and
# logs in $PEERS_DIR/kannel/):
#   bearerbox  admin HTTP 127.0.0.1:14000, smsbox link 127.0.0.1:14001,
#              fake SMSC listener 127.0.0.1:14010 (smsc-id "fakesmsc")
#   smsbox     sendsms HTTP 127.0.0.1:14013 (/cgi-bin/sendsms, GET only),
#              one sendsms user "console"
#   fakesmsc   /usr/lib/kannel/test/fakesmsc connected to the fake SMSC
#              port; at -v 0 it logs every SMS it receives to fakesmsc.log as
#              "... DEBUG: Got message N: <sender receiver type payload>"
# Debian's own kannel service (port 13000) is stopped if it runs and kept
# from starting: packages are installed with a policy-rc.d that denies
# kannel, and its boot links are disabled.
#
# Env vars read:
#   PEERS_DIR             state directory (default: <repo>/target/peers)
#   KANNEL_READY_TIMEOUT  seconds to wait for the gateway (default 20)
#   KANNEL_ADMIN_PORT, KANNEL_SMSBOX_PORT, KANNEL_SENDSMS_PORT, KANNEL_FAKESMSC_PORT
#                         the four ports (default 14000, 14001, 14013, 14010),
#                         e.g. to run a second checkout's peers beside this one
#   KANNEL_LOG_LEVEL      bearerbox/smsbox log-level, 0=debug .. 4=panic (default 1)
#
# Writes $PEERS_DIR/kannel.env (KEY=value lines) and
# $PEERS_DIR/kannel-password.txt (the sendsms password, no newline).
# Root is needed only to install the packages or to stop Debian's service.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"   # SCRIPT_DIR, REPO_ROOT, PEERS_DIR, log, die, alive, ...

READY_TIMEOUT=${KANNEL_READY_TIMEOUT:-20}
LOG_LEVEL=${KANNEL_LOG_LEVEL:-1}

HOST=127.0.0.1
ADMIN_PORT=${KANNEL_ADMIN_PORT:-14000}
SMSBOX_PORT=${KANNEL_SMSBOX_PORT:-14001}
SENDSMS_PORT=${KANNEL_SENDSMS_PORT:-14013}
FAKESMSC_PORT=${KANNEL_FAKESMSC_PORT:-14010}
SMSC_ID=fakesmsc
SENDSMS_USER=console
# Space, '&', '+' and a non-ASCII letter (UTF-8) on purpose: clients must
# percent-encode it (UTF-8 bytes; space as %20 or '+', '+' as %2B, '&' as %26).
SENDSMS_PASSWORD='sms pass&w0rd+é'
ADMIN_PASSWORD=peers-admin
# Concatenated SMS: longer texts are split into up to this many parts
# (Kannel's default of 1 silently truncates to one SMS).
MAX_MESSAGES=10

BEARERBOX_BIN=/usr/sbin/bearerbox
SMSBOX_BIN=/usr/sbin/smsbox
FAKESMSC_BIN=/usr/lib/kannel/test/fakesmsc
PACKAGES=(kannel kannel-extras curl)

trap 'die "unexpected failure at line $LINENO: $BASH_COMMAND"' ERR
# listening PORT: a TCP socket listens on exactly 127.0.0.1:PORT
listening() {
  local hex
  printf -v hex "%04X" "$1"
  grep -Eq "^ *[0-9]+: 0100007F:$hex 0+:0000 0A " /proc/net/tcp
}
# port_in_use PORT: any TCP listener on PORT, any address, IPv4 or IPv6
port_in_use() {
  local hex
  printf -v hex "%04X" "$1"
  grep -Eq "^ *[0-9]+: [0-9A-F]+:$hex 0+:0000 0A " /proc/net/tcp /proc/net/tcp6 2>/dev/null
}

for v in ADMIN_PORT SMSBOX_PORT SENDSMS_PORT FAKESMSC_PORT; do
  if ! [[ ${!v} =~ ^[0-9]{4,5}$ ]] || ((10#${!v} < 1024 || 10#${!v} > 65535)); then
    die "KANNEL_$v='${!v}' is not a port number in 1024..65535"
  fi
  case ${!v} in
    13000|13001|13002|13013)
      die "KANNEL_$v=${!v}: ports 13000/13001/13002/13013 belong to Debian's kannel service / Kannel defaults; use others";;
  esac
done
[[ $(printf '%s\n' "$ADMIN_PORT" "$SMSBOX_PORT" "$SENDSMS_PORT" "$FAKESMSC_PORT" | sort -u | wc -l) == 4 ]] \
  || die "the four Kannel ports must differ ($ADMIN_PORT $SMSBOX_PORT $SENDSMS_PORT $FAKESMSC_PORT)"
[[ $READY_TIMEOUT =~ ^[0-9]+$ ]] || die "KANNEL_READY_TIMEOUT must be whole seconds"
[[ $LOG_LEVEL =~ ^[0-4]$ ]] || die "KANNEL_LOG_LEVEL must be 0..4"

# Paths end up in kannel.conf (quoted) and kannel.env (unquoted): keep them simple.
make_peers_dir kannel.conf/kannel.env

# One kannel-up.sh at a time per PEERS_DIR (e.g. test suites started in parallel).
exec 9>"$PEERS_DIR/.kannel-up.lock"
flock -w $((READY_TIMEOUT + 60)) 9 || die "another kannel-up.sh for $PEERS_DIR is still running"

KDIR=$PEERS_DIR/kannel
CONF=$KDIR/kannel.conf
FAKESMSC_LOG=$KDIR/fakesmsc.log
ENV_FILE=$PEERS_DIR/kannel.env
PW_FILE=$PEERS_DIR/kannel-password.txt
ADMIN_URL=http://$HOST:$ADMIN_PORT
SENDSMS_URL=http://$HOST:$SENDSMS_PORT/cgi-bin/sendsms
# fakesmsc needs a message argument to stay connected with -m 0 (it never
# sends it); this one also identifies our fakesmsc (kannel-down.sh uses it).
FAKESMSC_MARKER="0 0 text kannel-peers:$CONF"

START_US=${EPOCHREALTIME/./}

# --------------------------------------------------------------------------
# 1. Packages (apt only when something is missing)
# --------------------------------------------------------------------------
missing_packages "${PACKAGES[@]}"
if ((${#MISSING_PACKAGES[@]})); then
  [[ $EUID -eq 0 ]] || die "packages missing (${MISSING_PACKAGES[*]}); run as root to install them"
  log "installing missing packages: ${MISSING_PACKAGES[*]}"
  # kannel's postinst starts Debian's service (bearerbox on *:13000, wapbox)
  # via invoke-rc.d unless policy-rc.d says no.  Deny exactly that, unless
  # the host already has a policy-rc.d (which then decides; see step 2).
  POLICY=/usr/sbin/policy-rc.d
  if [[ ! -e $POLICY ]]; then
    cat >"$POLICY" <<'EOP'
#!/bin/sh
# Temporary, from scripts/peers/kannel-up.sh (removed after apt-get install):
# keep Debian's kannel service from being started by the package scripts.
[ "$1" = kannel ] && exit 101
exit 0
EOP
    chmod 0755 "$POLICY"
    trap 'rm -f "$POLICY"' EXIT
  fi
  apt_install "${PACKAGES[@]}"
  if [[ $(trap -p EXIT) ]]; then rm -f "$POLICY"; trap - EXIT; fi
  # No boot-time start either (sysv links; on systemd hosts also the unit).
  update-rc.d kannel disable >/dev/null 2>&1 || log "warning: 'update-rc.d kannel disable' failed"
fi
for bin in "$BEARERBOX_BIN" "$SMSBOX_BIN" "$FAKESMSC_BIN"; do
  [[ -x $bin ]] || die "$bin missing although kannel/kannel-extras are installed"
done

# --------------------------------------------------------------------------
# 2. Debian's own kannel service must not run (it would use port 13000)
# --------------------------------------------------------------------------
DEB_CONF=/etc/kannel/kannel.conf
debian_kannel_pids() {
  local f pid n
  {
    for f in /run/kannel/kannel_*.pid /var/run/kannel/kannel_*.pid; do
      [[ -r $f ]] || continue
      pid=$(<"$f")
      if [[ $pid =~ ^[0-9]+$ ]] && alive "$pid" \
         && [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == /usr/sbin/run_kannel_box* ]]; then
        echo "$pid"
        pgrep -P "$pid" || true   # the box it supervises
      fi
    done
    # the boxes themselves (children of run_kannel_box), by their config file
    for n in run_kannel_box bearerbox wapbox smsbox; do
      for pid in $(pgrep -x "$n" || true); do
        if alive "$pid" && has_arg "$pid" "$DEB_CONF"; then echo "$pid"; fi
      done
    done
  } | sort -un
}
deb_pids=$(debian_kannel_pids)
if [[ -n $deb_pids ]]; then
  [[ $EUID -eq 0 ]] || die "Debian's kannel service is running (PIDs ${deb_pids//$'\n'/ }); run as root to stop it"
  log "stopping Debian's kannel service (PIDs ${deb_pids//$'\n'/ })"
  if [[ -x /etc/init.d/kannel ]]; then
    /etc/init.d/kannel stop >/dev/null 2>&1 || log "warning: /etc/init.d/kannel stop failed"
  fi
  # Whatever the init script left (e.g. an smsbox it does not know about).
  for pid in $(debian_kannel_pids); do kill -TERM "$pid" 2>/dev/null || true; done
  if ! wait_until_none 10 0.1 debian_kannel_pids; then
    for pid in $(debian_kannel_pids); do kill -KILL "$pid" 2>/dev/null || true; done
  fi
  deb_pids=$(debian_kannel_pids)
  [[ -z $deb_pids ]] || die "Debian's kannel service still running: ${deb_pids//$'\n'/ }"
  update-rc.d kannel disable >/dev/null 2>&1 || log "warning: 'update-rc.d kannel disable' failed"
fi
if port_in_use 13000; then
  log "warning: something (not ours) listens on port 13000 — see: ss -ltnp 'sport = :13000'"
fi

# --------------------------------------------------------------------------
# 3. Stop our previous instance (by its PID files), check the ports
# --------------------------------------------------------------------------
rm -f "$ENV_FILE"   # stale PIDs; rewritten once the new instance is ready
PEERS_DIR=$PEERS_DIR "$SCRIPT_DIR/kannel-down.sh"

for port in $ADMIN_PORT $SMSBOX_PORT $SENDSMS_PORT $FAKESMSC_PORT; do
  if port_in_use "$port"; then
    die "port $HOST:$port is in use by another process (see: ss -ltnp 'sport = :$port')"
  fi
done

# --------------------------------------------------------------------------
# 4. Configuration
# --------------------------------------------------------------------------
mkdir -p "$KDIR"
printf '%s' "$SENDSMS_PASSWORD" | update_file "$PW_FILE" 0644

update_file "$CONF" 0644 <<EOF
# Generated by scripts/peers/kannel-up.sh — do not edit, rerun the script.
# Loopback-only Kannel for tests: bearerbox + smsbox + fake SMSC.

group = core
admin-port = $ADMIN_PORT
admin-interface = $HOST
admin-password = "$ADMIN_PASSWORD"
admin-deny-ip = "*.*.*.*"
admin-allow-ip = "$HOST"
smsbox-port = $SMSBOX_PORT
smsbox-interface = $HOST
box-deny-ip = "*.*.*.*"
box-allow-ip = "$HOST"
log-file = "$KDIR/bearerbox.log"
log-level = $LOG_LEVEL
access-log = "$KDIR/bearerbox-access.log"
dlr-storage = internal

# The fake SMSC: bearerbox listens, fakesmsc connects and logs what it gets.
group = smsc
smsc = fake
smsc-id = $SMSC_ID
port = $FAKESMSC_PORT
our-host = $HOST
connect-allow-ip = "$HOST"

group = smsbox
bearerbox-host = $HOST
bearerbox-port = $SMSBOX_PORT
sendsms-port = $SENDSMS_PORT
sendsms-interface = $HOST
log-file = "$KDIR/smsbox.log"
log-level = $LOG_LEVEL
access-log = "$KDIR/smsbox-access.log"

# No default sender: requests without from= get 400
# "Sender missing and no global set, rejected".
group = sendsms-user
username = $SENDSMS_USER
password = "$SENDSMS_PASSWORD"
max-messages = $MAX_MESSAGES
concatenation = true
EOF

# --------------------------------------------------------------------------
# 5. Start and wait for readiness
# --------------------------------------------------------------------------
deadline=$((SECONDS + READY_TIMEOUT))
BEARERBOX_PID='' SMSBOX_PID='' FAKESMSC_PID=''   # set by start_bg

# start_bg NAME OUTFILE BIN ARGS...: run BIN detached (own session, stdin
# /dev/null, stdout+stderr appended to OUTFILE, no other inherited fds so a
# calling test harness's pipes are not held open); PID to $KDIR/NAME.pid.
start_bg() {
  local name=$1 out=$2 bin=$3 pid exe
  shift 3
  (
    for fd in "/proc/$BASHPID/fd/"*; do
      fd=${fd##*/}
      if ((fd > 2)); then eval "exec $fd>&-"; fi
    done
    # This subshell is no process group leader, so setsid does not fork and
    # $! below is the PID of BIN itself.
    exec setsid "$bin" "$@" </dev/null >>"$out" 2>&1
  ) &
  pid=$!
  # wait (bounded) for the exec, then make sure $! really is BIN
  while :; do
    exe=$(readlink "/proc/$pid/exe" 2>/dev/null || true)
    [[ $exe == "$bin" ]] && break
    alive "$pid" || { tail -n 20 "$out" >&2 || true; die "$name exited right after start (see $out)"; }
    ((SECONDS < deadline)) || die "$name (PID $pid) did not exec $bin"
    sleep 0.02   # polling interval of a bounded wait for exec
  done
  echo "$pid" >"$KDIR/$name.pid"
  printf -v "${name^^}_PID" '%s' "$pid"
}
# wait_for DESCRIPTION CMD...: poll CMD until it succeeds (bounded by the
# common deadline); fail early when one of our processes died.
wait_for() {
  local desc=$1 name
  shift
  until "$@"; do
    for name in bearerbox smsbox fakesmsc; do
      local pid
      pid=$(cat "$KDIR/$name.pid" 2>/dev/null || true)
      if [[ -n $pid ]] && ! alive "$pid"; then
        tail -n 20 "$KDIR/$name.log" "$KDIR/$name.stderr" 2>/dev/null >&2 || true
        die "$name (PID $pid) died while waiting for: $desc"
      fi
    done
    ((SECONDS < deadline)) || {
      tail -n 20 "$KDIR/bearerbox.log" "$KDIR/smsbox.log" "$FAKESMSC_LOG" 2>/dev/null >&2 || true
      die "timed out after ${READY_TIMEOUT}s waiting for: $desc"
    }
    sleep 0.05   # polling interval of a bounded readiness loop
  done
}
status_txt() { curl -s --max-time 2 "$ADMIN_URL/status.txt?password=$ADMIN_PASSWORD"; }
smsc_online() { status_txt | grep -Eq "^ +$SMSC_ID\[$SMSC_ID\] .*\(online "; }
smsbox_connected() { status_txt | grep -Eq '^ +smsbox:.*\(on-line '; }
# bare GET without credentials: smsbox answers 403 "Authorization failed for sendsms"
sendsms_answers() {
  [[ $(curl -s -o /dev/null -w '%{http_code}' --max-time 2 "$SENDSMS_URL" || true) == 403 ]]
}

log "starting bearerbox ($CONF)"
start_bg bearerbox "$KDIR/bearerbox.stderr" "$BEARERBOX_BIN" -v 4 "$CONF"
bearerbox_listening() { listening "$ADMIN_PORT" && listening "$SMSBOX_PORT" && listening "$FAKESMSC_PORT"; }
wait_for "bearerbox listening on $HOST:{$ADMIN_PORT,$SMSBOX_PORT,$FAKESMSC_PORT}" bearerbox_listening

log "starting fakesmsc and smsbox"
printf '\n--- kannel-up.sh: fakesmsc (re)started %s ---\n' "$(date '+%F %T')" >>"$FAKESMSC_LOG"
start_bg fakesmsc "$FAKESMSC_LOG" "$FAKESMSC_BIN" -H "$HOST" -r "$FAKESMSC_PORT" -m 0 -v 0 "$FAKESMSC_MARKER"
start_bg smsbox "$KDIR/smsbox.stderr" "$SMSBOX_BIN" -v 4 "$CONF"

wait_for "fake SMSC '$SMSC_ID' online (fakesmsc connected)" smsc_online
wait_for "smsbox connected to bearerbox" smsbox_connected
wait_for "sendsms answering on $SENDSMS_URL" sendsms_answers

# --------------------------------------------------------------------------
# 6. Environment file for the tests
# --------------------------------------------------------------------------
update_file "$ENV_FILE" 0644 <<EOF
KANNEL_HOST=$HOST
KANNEL_SENDSMS_URL=$SENDSMS_URL
KANNEL_USER=$SENDSMS_USER
KANNEL_PASSWORD_FILE=$PW_FILE
KANNEL_SMSC_ID=$SMSC_ID
KANNEL_FAKESMSC_LOG=$FAKESMSC_LOG
KANNEL_ADMIN_URL=$ADMIN_URL
KANNEL_ADMIN_PASSWORD=$ADMIN_PASSWORD
KANNEL_ADMIN_PORT=$ADMIN_PORT
KANNEL_SMSBOX_PORT=$SMSBOX_PORT
KANNEL_SENDSMS_PORT=$SENDSMS_PORT
KANNEL_FAKESMSC_PORT=$FAKESMSC_PORT
KANNEL_MAX_MESSAGES=$MAX_MESSAGES
KANNEL_CONFIG=$CONF
KANNEL_LOG_DIR=$KDIR
KANNEL_BEARERBOX_PID=$BEARERBOX_PID
KANNEL_SMSBOX_PID=$SMSBOX_PID
KANNEL_FAKESMSC_PID=$FAKESMSC_PID
EOF

log "Kannel up (sendsms $SENDSMS_URL, admin $ADMIN_URL, fake SMSC $HOST:$FAKESMSC_PORT) in $(seconds_since "$START_US")s; env: $ENV_FILE"
