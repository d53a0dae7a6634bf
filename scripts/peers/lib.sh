# shellcheck shell=bash
# lib.sh — helpers shared by the test-peer scripts in this folder
# (postfix-up/down.sh, kannel-up/down.sh, check-postfix.sh, check-kannel.sh).
# Sourced, not run: each script sets `set -euo pipefail` and then does
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
#
# Sets, on sourcing:
#   SCRIPT_DIR  this folder (physical path)
#   REPO_ROOT   the checkout this folder belongs to
#   PEERS_DIR   state directory: $PEERS_DIR from the environment, else <repo>/target/peers
# and defines:
#   log, die                      messages on stderr, tagged with the script's name
#   update_file                   install stdin as a file, only when its content changed
#   missing_packages, apt_install Debian packages
#   make_peers_dir                create and canonicalise $PEERS_DIR
#   seconds_since                 elapsed time for the "... up in 1.234s" line
#   alive, has_arg                looks at a process by PID (/proc)
#   wait_until_none               bounded wait until a PID-listing command lists none
#   postfix_orphaned_masters, stop_postfix_orphans
#                                 masters of one Postfix instance that `postfix -c` lost
#   load_env_file                 read a KEY=value file written by an *-up.sh script
#   require_commands              check-*.sh: tools the checks need
#   start_check_run, ok, bad, finish_checks
#                                 check-*.sh: run id, scratch dir, PASS/FAIL tally

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO_ROOT=$(git -C "$SCRIPT_DIR" rev-parse --show-toplevel)
PEERS_DIR=${PEERS_DIR:-$REPO_ROOT/target/peers}

# --------------------------------------------------------------------------
# Messages
# --------------------------------------------------------------------------
# The tag is the name of the script that was run, e.g. "[postfix-up]".
LOG_TAG=${BASH_SOURCE[-1]##*/}
LOG_TAG=${LOG_TAG%.sh}
log() { printf '[%s] %s\n' "$LOG_TAG" "$*" >&2; }
die() { printf '[%s] ERROR: %s\n' "$LOG_TAG" "$*" >&2; exit 1; }

# --------------------------------------------------------------------------
# Files and packages (the *-up.sh scripts)
# --------------------------------------------------------------------------
# update_file DST MODE [OWNER]: install stdin as DST with MODE (and OWNER, for
# chown, when given), but leave DST (and its mtime) alone when the content is
# unchanged.  Postfix refuses to read a main.cf modified within the last
# second ("let it cool down", up to ~2 s), so rewriting an identical file
# would slow every rerun down.
update_file() {
  local dst=$1 mode=$2 owner=${3:-} tmp
  tmp=$(mktemp "$dst.XXXXXX")
  cat >"$tmp"
  chmod "$mode" "$tmp"
  [[ -z $owner ]] || chown "$owner" "$tmp"
  if cmp -s "$tmp" "$dst" 2>/dev/null; then
    rm -f "$tmp"
    chmod "$mode" "$dst"
    [[ -z $owner ]] || chown "$owner" "$dst"
  else
    mv -f "$tmp" "$dst"
  fi
}

# missing_packages PKG...: set the array MISSING_PACKAGES to those of PKG...
# that dpkg does not list as installed (empty when all are).
missing_packages() {
  local p status
  MISSING_PACKAGES=()
  for p in "$@"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    [[ $status == "install ok installed" ]] || MISSING_PACKAGES+=("$p")
  done
}

# apt_install PKG...: apt-get update, then install PKG... without questions
# and without recommended packages (DEBIAN_FRONTEND stays exported).
apt_install() {
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends "$@"
}

# seconds_since START_US: the time since START_US (microseconds, as in
# ${EPOCHREALTIME/./}) in seconds with three decimals, e.g. 1.234
seconds_since() {
  local ms=$(( (${EPOCHREALTIME/./} - $1) / 1000 ))
  printf '%d.%03d' $((ms / 1000)) $((ms % 1000))
}

# make_peers_dir FILES: create $PEERS_DIR and make it its physical absolute
# path; die if that path has characters unsafe for FILES (the generated
# files it ends up in, named in the message).
make_peers_dir() {
  mkdir -p "$PEERS_DIR"
  PEERS_DIR=$(cd "$PEERS_DIR" && pwd -P)
  [[ $PEERS_DIR =~ ^/[A-Za-z0-9_./+@-]+$ ]] \
    || die "PEERS_DIR '$PEERS_DIR' contains characters unsafe for $1"
}

# --------------------------------------------------------------------------
# Processes
# --------------------------------------------------------------------------
# alive PID: process exists and is not a zombie
alive() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  stat=${stat##*) }
  [[ ${stat%% *} != Z ]]
}
# has_arg PID ARG: one of PID's argv elements is exactly ARG
has_arg() { tr '\0' '\n' <"/proc/$1/cmdline" 2>/dev/null | grep -qxF -- "$2"; }

# wait_until_none SECONDS INTERVAL CMD...: run CMD (which prints PIDs) every
# INTERVAL seconds until it prints nothing; status 1 if it still prints
# PIDs after SECONDS.
wait_until_none() {
  local deadline=$((SECONDS + $1)) interval=$2
  shift 2
  while [[ -n $("$@") ]]; do
    ((SECONDS < deadline)) || return 1
    sleep "$interval"   # polling interval of a bounded wait for process exit
  done
}

# postfix_orphaned_masters CONF_DIR: PIDs of Postfix master processes of the
# instance with that config dir (MAIL_CONFIG=CONF_DIR) that `postfix -c` can
# no longer see, e.g. because target/ was deleted (cargo clean) while the
# instance was running.
postfix_orphaned_masters() {
  local conf_dir=$1 master_bin pid
  master_bin=$(postconf -dh daemon_directory)/master
  # pgrep only lists candidates; each is verified by executable and env.
  for pid in $(pgrep -x master || true); do
    [[ $(readlink "/proc/$pid/exe" 2>/dev/null) == "$master_bin"* ]] || continue
    grep -qzxF "MAIL_CONFIG=$conf_dir" "/proc/$pid/environ" 2>/dev/null && echo "$pid"
  done
  return 0
}
# stop_postfix_orphans CONF_DIR [NOTE]: SIGTERM each of those masters (logged,
# with NOTE in parentheses if given); after 10 s the same escalation as
# `postfix stop`: SIGKILL to the master's process group.
stop_postfix_orphans() {
  local conf_dir=$1 note=${2:+ ($2)} pids pid
  pids=$(postfix_orphaned_masters "$conf_dir")
  [[ -n $pids ]] || return 0
  for pid in $pids; do
    log "stopping orphaned master PID $pid of this instance$note"
    kill -TERM "$pid" 2>/dev/null || true
  done
  if ! wait_until_none 10 0.1 postfix_orphaned_masters "$conf_dir"; then
    for pid in $(postfix_orphaned_masters "$conf_dir"); do kill -KILL -- "-$pid" 2>/dev/null || true; done
  fi
}

# --------------------------------------------------------------------------
# The check-*.sh scripts
# --------------------------------------------------------------------------
# load_env_file FILE: set a shell variable for each KEY=value line of FILE,
# parsed the way a simple line parser would (no quoting; empty lines and
# #-comments skipped); exit 1 on any other line.
load_env_file() {
  local file=$1 line key val
  while IFS= read -r line || [[ -n $line ]]; do
    [[ -z $line || $line == \#* ]] && continue
    key=${line%%=*} val=${line#*=}
    [[ $key =~ ^[A-Z_][A-Z0-9_]*$ ]] || { echo "bad line in $file: $line" >&2; exit 1; }
    printf -v "$key" '%s' "$val"
  done <"$file"
}

# require_commands CMD...: exit 1 unless every CMD is installed
require_commands() {
  local cmd
  for cmd in "$@"; do
    command -v "$cmd" >/dev/null || { echo "$cmd not installed" >&2; exit 1; }
  done
}

# start_check_run: RUN_ID (unique per run; marks what this run sends) and
# WORK (a scratch directory, removed on exit)
start_check_run() {
  # shellcheck disable=SC2034  # RUN_ID is for the sourcing check script
  RUN_ID=chk$(date +%s)x$$x$RANDOM
  WORK=$(mktemp -d)
  trap 'rm -rf "$WORK"' EXIT
}

CHECKS_PASSED=0
CHECKS_FAILED=()
# ok DESCRIPTION: a passed check
ok() { CHECKS_PASSED=$((CHECKS_PASSED + 1)); printf '  PASS  %s\n' "$1"; }
# bad DESCRIPTION [FILE]: a failed check, with FILE (e.g. a transcript) indented below it
bad() {
  CHECKS_FAILED+=("$1")
  printf '  FAIL  %s\n' "$1"
  [[ -z ${2:-} ]] || sed 's/^/        | /' "$2"
}
# finish_checks DETAILS: print the tally (DETAILS in parentheses) and exit 1
# if any check failed
finish_checks() {
  echo
  echo "Summary: $CHECKS_PASSED passed, ${#CHECKS_FAILED[@]} failed ($1)"
  if ((${#CHECKS_FAILED[@]})); then
    printf '  failed: %s\n' "${CHECKS_FAILED[@]}"
    exit 1
  fi
}
