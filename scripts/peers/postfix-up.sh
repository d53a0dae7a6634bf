#!/usr/bin/env bash
# postfix-up.sh — install (if needed), configure and (re)start a dedicated
# Postfix instance on 127.0.0.1 that serves as the test MTA for integration
# and browser tests.  Idempotent: safe to run repeatedly, also while the
# instance from a previous run is still up (it is stopped cleanly first).
#
# Listeners (127.0.0.1 only):
#   2525  plain SMTP, no STARTTLS, no AUTH
#   2465  implicit TLS (wrapper mode), no AUTH
#   2587  STARTTLS required, then SASL AUTH (PLAIN, LOGIN) required to send
# Mail for *@console.test goes into one Maildir ($PEERS_DIR/maildir);
# every other recipient domain is rejected at RCPT; nothing is ever relayed.
#
# Env vars read:
#   PEERS_DIR              state directory (default: <repo>/target/peers)
#   POSTFIX_READY_TIMEOUT  seconds to wait for the three listeners (default 30)
#   POSTFIX_PLAIN_PORT, POSTFIX_TLS_PORT, POSTFIX_STARTTLS_PORT
#                          the three ports (default 2525, 2465, 2587), e.g. to run a second
#                          checkout's peers beside this one
#
# Writes $PEERS_DIR/postfix.env (KEY=value lines) for the tests.
# Must run as root (Postfix needs it).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO_ROOT=$(git -C "$SCRIPT_DIR" rev-parse --show-toplevel)
PEERS_DIR=${PEERS_DIR:-$REPO_ROOT/target/peers}
READY_TIMEOUT=${POSTFIX_READY_TIMEOUT:-30}

HOST=127.0.0.1
PLAIN_PORT=${POSTFIX_PLAIN_PORT:-2525}
TLS_PORT=${POSTFIX_TLS_PORT:-2465}
STARTTLS_PORT=${POSTFIX_STARTTLS_PORT:-2587}
MYHOSTNAME=mail.console.test
RCPT_DOMAIN=console.test
TLS_NAME=localhost
SASL_LOGIN=relay-user
SASL_REALM=console.test
SASL_USER=$SASL_LOGIN@$SASL_REALM
# Space, colon, double quote and a non-ASCII letter (UTF-8) on purpose.
SASL_PASSWORD='S3cret pass:w0rd"é'
# Owner of delivered mail (virtual(8) refuses root); files are 0600.
MAIL_UID=$(id -u nobody)
MAIL_GID=$(getent group nogroup | cut -d: -f3)

# libnet-ssleay-perl: swaks needs it for TLS (only a Recommends of swaks).
PACKAGES=(postfix sasl2-bin libsasl2-modules libsasl2-modules-db swaks libnet-ssleay-perl openssl)

log() { printf '[postfix-up] %s\n' "$*" >&2; }
die() { printf '[postfix-up] ERROR: %s\n' "$*" >&2; exit 1; }
# update_file DST MODE OWNER: install stdin as DST, but leave DST (and its
# mtime) alone when the content is unchanged.  Postfix refuses to read a
# main.cf modified within the last second ("let it cool down", up to ~2 s),
# so rewriting an identical file would slow every rerun down.
update_file() {
  local dst=$1 mode=$2 owner=$3 tmp
  tmp=$(mktemp "$dst.XXXXXX")
  cat >"$tmp"
  chmod "$mode" "$tmp"
  chown "$owner" "$tmp"
  if cmp -s "$tmp" "$dst" 2>/dev/null; then
    rm -f "$tmp"
    chmod "$mode" "$dst"; chown "$owner" "$dst"
  else
    mv -f "$tmp" "$dst"
  fi
}
# quiet CMD...: run CMD, show its output only if it fails
quiet() {
  local out
  if ! out=$("$@" 2>&1); then
    printf '%s\n' "$out" >&2
    die "command failed: $*"
  fi
}

# PIDs of Postfix master processes of THIS instance (MAIL_CONFIG=$CONF_DIR)
# that `postfix -c` can no longer see, e.g. because target/ was deleted
# (cargo clean) while the instance was running.
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
stop_orphaned_masters() {
  local pids pid deadline
  pids=$(orphaned_masters)
  [[ -n $pids ]] || return 0
  for pid in $pids; do
    log "stopping orphaned master PID $pid of this instance (config dir gone)"
    kill -TERM "$pid" 2>/dev/null || true
  done
  deadline=$((SECONDS + 10))
  while [[ -n $(orphaned_masters) ]]; do
    if ((SECONDS >= deadline)); then
      # same escalation as `postfix stop`: kill the master's process group
      for pid in $(orphaned_masters); do kill -KILL -- "-$pid" 2>/dev/null || true; done
      break
    fi
    sleep 0.1   # polling interval of a bounded wait for process exit
  done
}

[[ $EUID -eq 0 ]] || die "must run as root (Postfix master/smtpd need it)"
mkdir -p "$PEERS_DIR"
PEERS_DIR=$(cd "$PEERS_DIR" && pwd -P)
# Paths end up unquoted in main.cf and postfix.env: keep them simple.
[[ $PEERS_DIR =~ ^/[A-Za-z0-9_./+@-]+$ ]] \
  || die "PEERS_DIR '$PEERS_DIR' contains characters unsafe for main.cf/postfix.env"

PF_DIR=$PEERS_DIR/postfix
CONF_DIR=$PF_DIR/etc
QUEUE_DIR=$PF_DIR/spool
DATA_DIR=$PF_DIR/data
LOG_DIR=$PF_DIR/log
LOG_FILE=$LOG_DIR/postfix.log
SASL_DIR=$PF_DIR/sasl
SASLDB=$SASL_DIR/sasldb2
TLS_DIR=$PEERS_DIR/tls
MAILDIR=$PEERS_DIR/maildir
ENV_FILE=$PEERS_DIR/postfix.env
PW_FILE=$PEERS_DIR/postfix-password.txt

# Unix sockets live under $QUEUE_DIR/{private,public}; sun_path is 108 bytes.
(( ${#QUEUE_DIR} < 80 )) || die "queue directory path too long for unix sockets: $QUEUE_DIR"

START_US=${EPOCHREALTIME/./}

# --------------------------------------------------------------------------
# 1. Packages (apt only when something is missing)
# --------------------------------------------------------------------------
missing=()
for p in "${PACKAGES[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing missing packages: ${missing[*]}"
  # Keep the package from configuring (and starting) a system MTA on port 25.
  echo 'postfix postfix/main_mailer_type select No configuration' | debconf-set-selections
  export DEBIAN_FRONTEND=noninteractive
  apt-get update
  apt-get install -y --no-install-recommends "${PACKAGES[@]}"
fi

# --------------------------------------------------------------------------
# 2. Stop an instance left over from a previous run (before touching config)
# --------------------------------------------------------------------------
if [[ -f $CONF_DIR/main.cf && -f $CONF_DIR/master.cf ]] \
   && postfix -c "$CONF_DIR" status >/dev/null 2>&1; then
  log "stopping running instance"
  postfix -c "$CONF_DIR" stop
fi
stop_orphaned_masters

port_busy() { (exec 3<>"/dev/tcp/$HOST/$1") 2>/dev/null; }
for port in $PLAIN_PORT $TLS_PORT $STARTTLS_PORT; do
  if port_busy "$port"; then
    die "port $HOST:$port is in use by another process (see: ss -ltnp 'sport = :$port')"
  fi
done

# --------------------------------------------------------------------------
# 3. TLS material (generated only when missing or not matching the CA)
# --------------------------------------------------------------------------
mkdir -p "$TLS_DIR"
chmod 0755 "$TLS_DIR"
CA_WORK=$TLS_DIR/.ca
CA_CNF=$CA_WORK/openssl.cnf

write_ca_cnf() {
  mkdir -p "$CA_WORK/newcerts"
  [[ -f $CA_WORK/index.txt ]] || : >"$CA_WORK/index.txt"
  cat >"$CA_CNF" <<EOF
# Generated by scripts/peers/postfix-up.sh (test CA, do not use elsewhere)
[ ca ]
default_ca = test_ca

[ test_ca ]
dir              = $CA_WORK
database         = \$dir/index.txt
new_certs_dir    = \$dir/newcerts
serial           = \$dir/serial
certificate      = $TLS_DIR/ca.pem
private_key      = $TLS_DIR/ca.key
default_md       = sha256
policy           = policy_any
unique_subject   = no
copy_extensions  = none
email_in_dn      = no

[ policy_any ]
commonName       = supplied

[ req ]
distinguished_name = req_dn
prompt             = no
[ req_dn ]
CN = unused

[ ext_ca ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash

EOF
}

utc() { date -u -d "$1" +%Y%m%d%H%M%SZ; }

# sign_leaf NAME CN SAN STARTDATE ENDDATE
sign_leaf() {
  local name=$1 cn=$2 san=$3 start=$4 end=$5
  log "generating TLS certificate $name.pem ($san)"
  quiet openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$TLS_DIR/$name.key"
  quiet openssl req -new -config "$CA_CNF" -key "$TLS_DIR/$name.key" \
    -subj "/CN=$cn" -out "$CA_WORK/$name.csr"
  cat >"$CA_WORK/$name.ext" <<EOF
[ ext_server ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature, keyEncipherment
extendedKeyUsage       = serverAuth
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid
subjectAltName         = $san
EOF
  quiet openssl ca -batch -config "$CA_CNF" -rand_serial -notext \
    -extfile "$CA_WORK/$name.ext" -extensions ext_server \
    -startdate "$start" -enddate "$end" \
    -in "$CA_WORK/$name.csr" -out "$TLS_DIR/$name.pem"
  chmod 0600 "$TLS_DIR/$name.key"
  chmod 0644 "$TLS_DIR/$name.pem"
}

# leaf_ok NAME [extra openssl verify args]: exists and chains to our CA
leaf_ok() {
  local name=$1; shift
  [[ -s $TLS_DIR/$name.pem && -s $TLS_DIR/$name.key ]] || return 1
  openssl verify -CAfile "$TLS_DIR/ca.pem" "$@" "$TLS_DIR/$name.pem" >/dev/null 2>&1 || return 1
  # key must match the certificate
  [[ $(openssl x509 -in "$TLS_DIR/$name.pem" -noout -pubkey) == \
     $(openssl pkey -in "$TLS_DIR/$name.key" -pubout) ]]
}

write_ca_cnf
if ! [[ -s $TLS_DIR/ca.pem && -s $TLS_DIR/ca.key ]] \
   || ! openssl x509 -in "$TLS_DIR/ca.pem" -noout -checkend 2592000 >/dev/null; then
  log "generating test CA"
  rm -f "$TLS_DIR"/{server,expired,wrongname}.{pem,key}
  : >"$CA_WORK/index.txt"
  quiet openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$TLS_DIR/ca.key"
  chmod 0600 "$TLS_DIR/ca.key"
  quiet openssl req -new -config "$CA_CNF" -key "$TLS_DIR/ca.key" \
    -subj "/CN=console.test test CA" -out "$CA_WORK/ca.csr"
  # Self-signed via 'openssl ca' so notBefore can be back-dated: the CA is
  # then valid over the whole lifetime of expired.pem as well.
  quiet openssl ca -batch -selfsign -config "$CA_CNF" -keyfile "$TLS_DIR/ca.key" \
    -rand_serial -notext -extensions ext_ca \
    -startdate 20200101000000Z -enddate "$(utc '+3650 days')" \
    -in "$CA_WORK/ca.csr" -out "$TLS_DIR/ca.pem"
  chmod 0644 "$TLS_DIR/ca.pem"
fi

if ! leaf_ok server -verify_hostname "$TLS_NAME" \
   || ! openssl x509 -in "$TLS_DIR/server.pem" -noout -checkend 2592000 >/dev/null; then
  sign_leaf server "$MYHOSTNAME" \
    "DNS:localhost,DNS:$MYHOSTNAME,IP:127.0.0.1,IP:::1" \
    "$(utc '-1 day')" "$(utc '+3650 days')"
fi
# Expired: valid 2020-01-01 .. 2021-01-01 (OpenSSL 3.0's 'x509 -req' has no
# -not_before/-not_after, 'openssl ca -startdate/-enddate' does the job).
if ! leaf_ok expired -no_check_time \
   || openssl x509 -in "$TLS_DIR/expired.pem" -noout -checkend 0 >/dev/null; then
  sign_leaf expired "$MYHOSTNAME" \
    "DNS:localhost,DNS:$MYHOSTNAME,IP:127.0.0.1,IP:::1" \
    20200101000000Z 20210101000000Z
fi
if ! leaf_ok wrongname -verify_hostname other.invalid; then
  sign_leaf wrongname other.invalid "DNS:other.invalid" \
    "$(utc '-1 day')" "$(utc '+3650 days')"
fi

# --------------------------------------------------------------------------
# 4. Directories, Maildir, SASL database
# --------------------------------------------------------------------------
# smtpd/virtual run unprivileged and must traverse these paths.
for d in "$PEERS_DIR" "$PF_DIR"; do mkdir -p "$d"; chmod 0755 "$d"; done
dir=$PEERS_DIR
while [[ $dir != / ]]; do
  dir=$(dirname "$dir")
  perm=$(stat -c %A "$dir")
  [[ ${perm:9:1} == x || ${perm:9:1} == t ]] \
    || die "$dir is not traversable by others; Postfix (user postfix/nobody) cannot reach $PEERS_DIR"
done

install -d -o root -g root -m 0755 "$CONF_DIR" "$QUEUE_DIR" "$LOG_DIR"
install -d -o root -g postfix -m 0750 "$SASL_DIR" "$CONF_DIR/sasl"
install -d -o "$MAIL_UID" -g "$MAIL_GID" -m 0755 \
  "$MAILDIR" "$MAILDIR/new" "$MAILDIR/cur" "$MAILDIR/tmp"
# Existing messages (from older runs) stay; they are owned by $MAIL_UID.

# Recreate the sasldb from scratch so it holds exactly one user.
tmpdb=$SASL_DIR/sasldb2.new
rm -f "$tmpdb"
printf '%s' "$SASL_PASSWORD" | saslpasswd2 -p -c -f "$tmpdb" -u "$SASL_REALM" "$SASL_LOGIN"
chown root:postfix "$tmpdb"
chmod 0640 "$tmpdb"
mv -f "$tmpdb" "$SASLDB"

# Cyrus SASL application config (found via cyrus_sasl_config_path below).
update_file "$CONF_DIR/sasl/smtpd.conf" 0640 root:postfix <<EOF
pwcheck_method: auxprop
auxprop_plugin: sasldb
sasldb_path: $SASLDB
mech_list: PLAIN LOGIN
EOF

# --------------------------------------------------------------------------
# 5. Postfix configuration (dedicated instance: postfix -c $CONF_DIR)
# --------------------------------------------------------------------------
update_file "$CONF_DIR/main.cf" 0644 root:root <<EOF
# Generated by scripts/peers/postfix-up.sh — do not edit, rerun the script.
# Dedicated loopback-only test MTA instance.
compatibility_level = 3.6
config_directory = $CONF_DIR
queue_directory = $QUEUE_DIR
data_directory = $DATA_DIR
syslog_name = postfix-peers
maillog_file = $LOG_FILE
maillog_file_prefixes = /var, /dev/stdout, $LOG_DIR

myhostname = $MYHOSTNAME
mydomain = $RCPT_DOMAIN
myorigin = \$myhostname
smtpd_banner = \$myhostname ESMTP test MTA
inet_interfaces = $HOST
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
biff = no
append_dot_mydomain = no

# Never deliver locally, never relay anywhere.
mydestination =
relay_domains =
relayhost =
default_transport = error:outbound mail disabled in test MTA
relay_transport = error:relaying disabled in test MTA
local_transport = error:local delivery disabled in test MTA
alias_maps =
alias_database =
local_recipient_maps =
smtpd_relay_restrictions = reject_unauth_destination
smtpd_recipient_restrictions =

# Everything for @$RCPT_DOMAIN lands in one Maildir (trailing slash = Maildir).
virtual_mailbox_domains = $RCPT_DOMAIN
virtual_mailbox_base = $PEERS_DIR
virtual_mailbox_maps = static:maildir/
virtual_uid_maps = static:$MAIL_UID
virtual_gid_maps = static:$MAIL_GID
virtual_minimum_uid = 100
virtual_mailbox_limit = 0
message_size_limit = 52428800

# SMTPUTF8 stays at the default (yes).
# No DNS, no artificial delays for tests.
smtpd_peername_lookup = no
smtpd_error_sleep_time = 0s
in_flow_delay = 0s
delay_warning_time = 0h

# TLS (the per-port security level is set in master.cf)
smtpd_tls_security_level = none
smtpd_tls_cert_file = $TLS_DIR/server.pem
smtpd_tls_key_file = $TLS_DIR/server.key
smtpd_tls_loglevel = 1
smtpd_tls_received_header = yes
smtpd_tls_session_cache_database = btree:\${data_directory}/smtpd_scache
smtp_tls_security_level = none

# SASL (enabled only on the submission port in master.cf)
smtpd_sasl_auth_enable = no
smtpd_sasl_type = cyrus
smtpd_sasl_path = smtpd
cyrus_sasl_config_path = $CONF_DIR/sasl
smtpd_sasl_local_domain = $SASL_REALM
smtpd_sasl_security_options = noanonymous
smtpd_sasl_tls_security_options = noanonymous
broken_sasl_auth_clients = no
EOF

update_file "$CONF_DIR/master.cf" 0644 root:root <<EOF
# Generated by scripts/peers/postfix-up.sh — do not edit, rerun the script.
# No chroot anywhere (postfix start does not prepare one); no smtp/lmtp/local
# client services at all, so nothing can ever be delivered off this host.
# service        type  private unpriv  chroot  wakeup  maxproc command + args
$HOST:$PLAIN_PORT inet n       -       n       -       -       smtpd
  -o syslog_name=postfix-peers/plain
  -o smtpd_tls_security_level=none
  -o smtpd_sasl_auth_enable=no
$HOST:$TLS_PORT inet n       -       n       -       -       smtpd
  -o syslog_name=postfix-peers/smtps
  -o smtpd_tls_wrappermode=yes
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=no
$HOST:$STARTTLS_PORT inet n       -       n       -       -       smtpd
  -o syslog_name=postfix-peers/submission
  -o smtpd_tls_security_level=encrypt
  -o smtpd_tls_auth_only=yes
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_recipient_restrictions=permit_sasl_authenticated,reject
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
proxywrite unix -       -       n       -       1       proxymap
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
EOF


# --------------------------------------------------------------------------
# 6. Start and wait for readiness
# --------------------------------------------------------------------------
log "starting Postfix ($CONF_DIR)"
# 'start' runs the integrity check first ('postfix check'), which also
# creates missing queue/data directories with the right owners.
postfix -c "$CONF_DIR" start

banner_plain() {
  # shellcheck disable=SC2016  # $1/$2 expand in the inner shell
  timeout 3 bash -c '
    exec 3<>"/dev/tcp/$1/$2" || exit 1
    IFS= read -r -t 2 line <&3 || exit 1
    printf "QUIT\r\n" >&3
    [[ $line == 220\ * ]]' _ "$HOST" "$1" 2>/dev/null
}
banner_tls() {
  printf 'QUIT\r\n' | timeout 5 openssl s_client -quiet -connect "$HOST:$1" \
    -servername "$TLS_NAME" -CAfile "$TLS_DIR/ca.pem" -verify_return_error \
    -verify_hostname "$TLS_NAME" 2>/dev/null | grep -q '^220 '
}

deadline=$((SECONDS + READY_TIMEOUT))
for check in "banner_plain $PLAIN_PORT" "banner_plain $STARTTLS_PORT" "banner_tls $TLS_PORT"; do
  until $check; do
    ((SECONDS < deadline)) || {
      tail -n 30 "$LOG_FILE" >&2 || true
      die "timed out after ${READY_TIMEOUT}s waiting for: $check"
    }
    sleep 0.1   # polling interval of a bounded readiness loop
  done
done

# --------------------------------------------------------------------------
# 7. Environment file for the tests
# --------------------------------------------------------------------------
printf '%s' "$SASL_PASSWORD" | update_file "$PW_FILE" 0644 root:root

update_file "$ENV_FILE" 0644 root:root <<EOF
POSTFIX_HOST=$HOST
POSTFIX_PLAIN_PORT=$PLAIN_PORT
POSTFIX_TLS_PORT=$TLS_PORT
POSTFIX_STARTTLS_PORT=$STARTTLS_PORT
POSTFIX_USER=$SASL_USER
POSTFIX_PASSWORD_FILE=$PW_FILE
POSTFIX_CA_PEM=$TLS_DIR/ca.pem
POSTFIX_MAILDIR=$MAILDIR
POSTFIX_TLS_NAME=$TLS_NAME
POSTFIX_RCPT_DOMAIN=$RCPT_DOMAIN
POSTFIX_LOG=$LOG_FILE
POSTFIX_CONFIG_DIR=$CONF_DIR
TLS_EXPIRED_CERT=$TLS_DIR/expired.pem
TLS_EXPIRED_KEY=$TLS_DIR/expired.key
TLS_WRONGNAME_CERT=$TLS_DIR/wrongname.pem
TLS_WRONGNAME_KEY=$TLS_DIR/wrongname.key
EOF

elapsed_ms=$(( (${EPOCHREALTIME/./} - START_US) / 1000 ))
elapsed=$(printf '%d.%03d' $((elapsed_ms / 1000)) $((elapsed_ms % 1000)))
log "Postfix up on $HOST:{$PLAIN_PORT,$TLS_PORT,$STARTTLS_PORT} in ${elapsed}s; env: $ENV_FILE"
