#!/usr/bin/env bash
# check-postfix.sh — prove the test Postfix from postfix-up.sh works, with
# swaks (plus one raw SMTPUTF8 dialogue via bash /dev/tcp, which swaks
# cannot do): plain port without STARTTLS/AUTH, implicit TLS verified
# against the test CA, STARTTLS + AUTH PLAIN/LOGIN, wrong password -> 535,
# foreign recipient domains rejected, every accepted message lands in the
# Maildir.  Only talks to 127.0.0.1.  Exits non-zero on any failure.
#
# Env vars read:
#   PEERS_DIR     state directory (default: <repo>/target/peers)
#   POSTFIX_ENV   env file to use (default: $PEERS_DIR/postfix.env)
#   CHECK_VERBOSE=1  print every swaks transcript
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"   # PEERS_DIR, load_env_file, ok, bad, ...

POSTFIX_ENV=${POSTFIX_ENV:-$PEERS_DIR/postfix.env}
VERBOSE=${CHECK_VERBOSE:-0}

[[ -r $POSTFIX_ENV ]] || { echo "missing $POSTFIX_ENV — run postfix-up.sh first" >&2; exit 1; }
require_commands swaks

load_env_file "$POSTFIX_ENV"

PASSWORD=$(<"$POSTFIX_PASSWORD_FILE")
H=$POSTFIX_HOST
D=$POSTFIX_RCPT_DOMAIN
CA=$POSTFIX_CA_PEM
start_check_run   # RUN_ID, WORK

declare -a DELIVERED=()

# sw NAME ARGS... : run swaks, transcript in $WORK/NAME.log, return its rc
sw() {
  local name=$1; shift
  local rc=0
  swaks --server "$H" --ehlo check.console.test --from "checker@$D" \
    --timeout 20 --header "X-Check-Run: $RUN_ID" "$@" >"$WORK/$name.log" 2>&1 || rc=$?
  [[ $VERBOSE == 1 ]] && sed "s/^/[$name] /" "$WORK/$name.log"
  return $rc
}
# has NAME ERE : transcript contains a line matching ERE
has() { grep -Eq -- "$2" "$WORK/$1.log"; }

# expect_sent NAME DESCRIPTION TOKEN ARGS... : swaks must succeed; remember token
expect_sent() {
  local name=$1 desc=$2 token=$3; shift 3
  if sw "$name" --header "Subject: $desc $token" --body "check token $token" "$@"; then
    ok "$desc"; DELIVERED+=("$token")
  else
    bad "$desc (swaks rc=$?)" "$WORK/$name.log"
  fi
}
# expect_reject NAME DESCRIPTION ERE ARGS... : swaks must fail with a reply matching ERE
expect_reject() {
  local name=$1 desc=$2 ere=$3; shift 3
  local rc=0
  sw "$name" --body "must not be delivered" "$@" || rc=$?
  if ((rc != 0)) && has "$name" "$ere"; then ok "$desc"; else bad "$desc (rc=$rc)" "$WORK/$name.log"; fi
}

TLS_VERIFY=(--tls-verify --tls-ca-path "$CA" --tls-sni "$POSTFIX_TLS_NAME")
AUTH=(--auth-user "$POSTFIX_USER" --auth-password "$PASSWORD")

echo "Checking Postfix on $H (ports plain=$POSTFIX_PLAIN_PORT tls=$POSTFIX_TLS_PORT starttls=$POSTFIX_STARTTLS_PORT), run $RUN_ID"

# --- 2525: plain -----------------------------------------------------------
t=$RUN_ID-plain
if sw plain --port "$POSTFIX_PLAIN_PORT" --to "plain-$t@$D" \
     --header "Subject: plain $t" --body "check token $t"; then
  ok "2525 plain SMTP delivery accepted"; DELIVERED+=("$t")
else
  bad "2525 plain SMTP delivery (rc=$?)" "$WORK/plain.log"
fi
if has plain '^<-  250[- ]' && ! has plain '^<-  250[- ]STARTTLS'; then
  ok "2525 EHLO does not offer STARTTLS"
else bad "2525 EHLO offers STARTTLS (or no EHLO reply)" "$WORK/plain.log"; fi
if has plain '^<-  250[- ]' && ! has plain '^<-  250[- ]AUTH'; then
  ok "2525 EHLO does not offer AUTH"
else bad "2525 EHLO offers AUTH" "$WORK/plain.log"; fi

expect_reject foreign "2525 recipient outside $D rejected at RCPT (55x)" \
  '^<\*\* +55[04] ' --port "$POSTFIX_PLAIN_PORT" --to "someone@example.net" --quit-after RCPT

# UTF-8 headers/body (no SMTPUTF8 needed for that) via swaks
t=$RUN_ID-utf8body
expect_sent utf8body "2525 UTF-8 subject/body accepted" "$t" \
  --port "$POSTFIX_PLAIN_PORT" --to "utf8-$t@$D" --header "X-Check: Grüße, ✓ €"

# --- 2465: implicit TLS -----------------------------------------------------
t=$RUN_ID-tls
expect_sent tls "2465 implicit TLS, certificate verified against test CA" "$t" \
  --port "$POSTFIX_TLS_PORT" --tls-on-connect "${TLS_VERIFY[@]}" --to "tls-$t@$D"
if has tls '^=== TLS started' && has tls '^<~  220 '; then ok "2465 banner only after TLS handshake"
else bad "2465 transcript does not show TLS before banner" "$WORK/tls.log"; fi
# Verification is really enforced: a trust store without our CA must fail.
rc=0; sw tlsbadca --port "$POSTFIX_TLS_PORT" --tls-on-connect --tls-verify \
  --tls-ca-path "$TLS_WRONGNAME_CERT" --to "x@$D" --quit-after TLS || rc=$?
if ((rc != 0)); then ok "2465 TLS verification fails against a foreign trust anchor"
else bad "2465 TLS verify passed with wrong CA" "$WORK/tlsbadca.log"; fi

# --- 2587: STARTTLS + AUTH --------------------------------------------------
rc=0; sw subehlo --port "$POSTFIX_STARTTLS_PORT" --quit-after EHLO || rc=$?
if ((rc == 0)) && has subehlo '^<-  250[- ]STARTTLS' && ! has subehlo '^<-  250[- ]AUTH'; then
  ok "2587 offers STARTTLS and no AUTH before TLS"
else bad "2587 EHLO before TLS wrong (rc=$rc)" "$WORK/subehlo.log"; fi

for mech in PLAIN LOGIN; do
  t=$RUN_ID-auth$mech
  expect_sent "auth$mech" "2587 STARTTLS + AUTH $mech as $POSTFIX_USER" "$t" \
    --port "$POSTFIX_STARTTLS_PORT" --tls "${TLS_VERIFY[@]}" --auth "$mech" "${AUTH[@]}" --to "auth-$t@$D"
  if has "auth$mech" '^<~  250[- ]AUTH .*PLAIN' && has "auth$mech" '^<~  250[- ]AUTH .*LOGIN' \
     && has "auth$mech" '^<~  235 '; then
    ok "2587 AUTH $mech: 235 after TLS, PLAIN+LOGIN advertised"
  else bad "2587 AUTH $mech transcript" "$WORK/auth$mech.log"; fi
done

expect_reject badpw "2587 wrong password rejected with 535" '^<~\*  *535 ' \
  --port "$POSTFIX_STARTTLS_PORT" --tls "${TLS_VERIFY[@]}" --auth PLAIN \
  --auth-user "$POSTFIX_USER" --auth-password "${PASSWORD}x" --to "x@$D"

expect_reject noauth "2587 unauthenticated sender rejected at RCPT (55x)" '^<~\* +55[04] ' \
  --port "$POSTFIX_STARTTLS_PORT" --tls "${TLS_VERIFY[@]}" --to "x@$D" --quit-after RCPT

expect_reject notls "2587 MAIL without STARTTLS refused (530)" '^<\*\* +530 ' \
  --port "$POSTFIX_STARTTLS_PORT" --to "x@$D" --quit-after RCPT

expect_reject authforeign "2587 authenticated relay to outside $D rejected (55x)" '^<~\* +55[04] ' \
  --port "$POSTFIX_STARTTLS_PORT" --tls "${TLS_VERIFY[@]}" --auth PLAIN "${AUTH[@]}" \
  --to "someone@example.net" --quit-after RCPT

# --- SMTPUTF8 (raw dialogue; swaks has no MAIL FROM parameters) ---------------
t=$RUN_ID-smtputf8
u8log=$WORK/smtputf8.log
smtputf8_dialogue() {
  local fd code line
  exec {fd}<>"/dev/tcp/$H/$POSTFIX_PLAIN_PORT"
  reply() { # reply EXPECTED_CODE
    while IFS= read -r -t 10 -u "$fd" line; do
      line=${line%$'\r'}; printf '<- %s\n' "$line" >>"$u8log"
      [[ $line =~ ^([0-9]{3})\  ]] && { code=${BASH_REMATCH[1]}; [[ $code == "$1" ]]; return; }
    done
    return 1
  }
  send() { printf -- '-> %s\n' "$1" >>"$u8log"; printf '%s\r\n' "$1" >&"$fd"; }
  reply 220 &&
  send "EHLO check.console.test" && reply 250 &&
  grep -q '^<- 250[- ]SMTPUTF8' "$u8log" &&
  send "MAIL FROM:<prüfer@$D> SMTPUTF8" && reply 250 &&
  send "RCPT TO:<empfänger-$t@$D>" && reply 250 &&
  send "DATA" && reply 354 &&
  send "From: Prüfer <prüfer@$D>" && send "To: <empfänger-$t@$D>" &&
  send "Subject: Grüße aus Köln $t" && send "MIME-Version: 1.0" &&
  send "Content-Type: text/plain; charset=utf-8" && send "" &&
  send "Käsebrötchen ✓ $t" && send "." && reply 250 &&
  send "QUIT" && reply 221
  local rc=$?
  exec {fd}>&-
  return $rc
}
if smtputf8_dialogue; then ok "2525 SMTPUTF8 message (UTF-8 envelope + headers) accepted"; DELIVERED+=("$t")
else bad "2525 SMTPUTF8 dialogue" "$u8log"; fi

# --- Test certificates for negative TLS tests (offline, openssl) -------------
v() { openssl verify -CAfile "$CA" "$@" >"$WORK/verify.log" 2>&1; }
keymatch() { [[ $(openssl x509 -in "$1" -noout -pubkey) == $(openssl pkey -in "$2" -pubout) ]]; }
srv=$(dirname "$CA")/server.pem
if v -verify_hostname "$POSTFIX_TLS_NAME" "$srv" && v -verify_ip 127.0.0.1 "$srv" && v -verify_hostname mail.console.test "$srv"
then ok "server.pem valid for $POSTFIX_TLS_NAME, 127.0.0.1, mail.console.test"; else bad "server.pem verification" "$WORK/verify.log"; fi
if ! v "$TLS_EXPIRED_CERT" && grep -q 'certificate has expired' "$WORK/verify.log" \
   && v -no_check_time "$TLS_EXPIRED_CERT" && keymatch "$TLS_EXPIRED_CERT" "$TLS_EXPIRED_KEY"
then ok "expired.pem: signed by test CA, expired, key matches"; else bad "expired.pem not as expected" "$WORK/verify.log"; fi
if ! v -verify_hostname "$POSTFIX_TLS_NAME" "$TLS_WRONGNAME_CERT" && v -verify_hostname other.invalid "$TLS_WRONGNAME_CERT" \
   && keymatch "$TLS_WRONGNAME_CERT" "$TLS_WRONGNAME_KEY"
then ok "wrongname.pem: signed by test CA, valid only for other.invalid, key matches"; else bad "wrongname.pem not as expected" "$WORK/verify.log"; fi

# --- Maildir: every accepted message must be delivered -----------------------
newdir=$POSTFIX_MAILDIR/new
for token in "${DELIVERED[@]}"; do
  found=
  deadline=$((SECONDS + 20))
  while :; do
    found=$(grep -rlF -- "$token" "$newdir" 2>/dev/null | head -n1 || true)
    [[ -n $found ]] && break
    ((SECONDS < deadline)) || break
    sleep 0.2   # polling interval of a bounded wait for asynchronous delivery
  done
  if [[ -n $found ]]; then ok "delivered to Maildir: $token"
  else bad "not in $newdir after 20s: $token (see $POSTFIX_LOG)"; fi
done
# The UTF-8 headers must arrive byte-identical.
if grep -rqF -- "Subject: Grüße aus Köln $RUN_ID-smtputf8" "$newdir"; then ok "UTF-8 subject intact in Maildir"
else bad "UTF-8 subject not intact in Maildir"; fi
# Nothing from this run that was supposed to be rejected got delivered.
if grep -rlF -- "$RUN_ID" "$newdir" | xargs -r grep -lF "must not be delivered" | grep -q .; then
  bad "a message that should have been rejected was delivered"
else ok "no rejected message delivered"; fi

finish_checks "run $RUN_ID, Maildir $POSTFIX_MAILDIR"
