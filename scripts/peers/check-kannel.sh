#!/usr/bin/env bash
# check-kannel.sh — prove the test Kannel from kannel-up.sh works, with curl
# against its HTTP sendsms interface (GET, parameters URL-encoded) and the
# fake SMSC's log: a Latin text arrives with exactly that receiver and text;
# Greek + Cyrillic text (coding=2, charset=UTF-8) arrives as UCS-2 and
# decodes back to exactly the text sent; a text with '+', '&', '%' and a
# newline arrives intact; a long text arrives as a concatenated SMS; wrong
# credentials, bad/missing parameters and form POSTs get Kannel's documented
# refusals, and nothing refused reaches the SMSC.  Only talks to 127.0.0.1.
# Exits non-zero on any failure.
#
# fakesmsc.log lines look like
#   2026-01-01 12:00:00 [PID] [0] DEBUG: Got message N: <SENDER RECEIVER TYPE PAYLOAD>
# TYPE "text": PAYLOAD is the raw text (a newline in it ends the line, the
#   rest follows as the next "Got message" line — fakesmsc's line protocol);
# TYPE "ucs-2": PAYLOAD is URL-encoded UTF-16BE ('+' = byte 0x20);
# TYPE "data": PAYLOAD is URL-encoded bytes;
# TYPE "udh": "udh URLENC-UDH data PAYLOAD", one line per part of a concatenated
#   SMS (UDH 05 00 03 REF TOTAL SEQ); PAYLOAD is URL-encoded text, or URL-encoded
#   UTF-16BE for a UCS-2 SMS (the line does not say which).
#
# Env vars read:
#   PEERS_DIR             state directory (default: <repo>/target/peers)
#   KANNEL_ENV            env file to use (default: $PEERS_DIR/kannel.env)
#   KANNEL_CHECK_TIMEOUT  seconds to wait for SMS to reach fakesmsc (default 20)
#   CHECK_VERBOSE=1       print every request and answer
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"   # PEERS_DIR, load_env_file, ok, bad, ...

KANNEL_ENV=${KANNEL_ENV:-$PEERS_DIR/kannel.env}
TIMEOUT=${KANNEL_CHECK_TIMEOUT:-20}
VERBOSE=${CHECK_VERBOSE:-0}

[[ -r $KANNEL_ENV ]] || { echo "missing $KANNEL_ENV — run kannel-up.sh first" >&2; exit 1; }
require_commands curl iconv

load_env_file "$KANNEL_ENV"

PASSWORD=$(<"$KANNEL_PASSWORD_FILE")
LOG=$KANNEL_FAKESMSC_LOG
TO=+441234567890
FROM=ConsoleChk
start_check_run   # RUN_ID, WORK
# for texts that must fit one UCS-2 SMS (70 characters)
SHORT_ID=$(printf '%x%04x' "$(date +%s)" "$RANDOM")
# Only log lines written after this point count.
LOG_START=$(stat -c %s "$LOG")

# sendsms NAME KEY=VALUE...: GET sendsms with each pair URL-encoded by curl;
# sets CODE and BODY, transcript in $WORK/NAME.log
sendsms() {
  local name=$1 kv args=()
  shift
  for kv in "$@"; do args+=(--data-urlencode "$kv"); done
  CODE=$(curl -sS -G --max-time 10 -o "$WORK/$name.body" -w '%{http_code}' \
           "${args[@]}" "$KANNEL_SENDSMS_URL" 2>"$WORK/$name.err") || CODE=000
  BODY=$(cat "$WORK/$name.body" 2>/dev/null || true)
  { printf 'GET %s\n' "$KANNEL_SENDSMS_URL"; printf '  %q\n' "$@"
    printf '=> HTTP %s: %s\n' "$CODE" "$BODY"; cat "$WORK/$name.err"; } >"$WORK/$name.log"
  [[ $VERBOSE == 1 ]] && sed "s/^/[$name] /" "$WORK/$name.log"
  return 0
}
# expect_answer NAME DESCRIPTION CODE BODY: the last sendsms answered exactly so
expect_answer() {
  if [[ $CODE == "$3" && $BODY == "$4" ]]; then ok "$2: HTTP $3 \"$4\""
  else bad "$2: expected HTTP $3 \"$4\", got HTTP $CODE \"$BODY\"" "$WORK/$1.log"; fi
}
AUTH=("user=$KANNEL_USER" "pass=$PASSWORD")

# --- fakesmsc log parsing ---------------------------------------------------
# records: the <...> part of each "Got message" line written since LOG_START
records() {
  tail -c +$((LOG_START + 1)) "$LOG" | sed -n 's/^.* DEBUG: Got message [0-9]*: <\(.*\)>$/\1/p'
}
# urldecode STRING: the bytes behind Kannel's URL encoding ('+' is a space)
urldecode() {
  local s=${1//+/ }
  s=${s//\\/\\\\}
  printf '%b' "${s//%/\\x}"
}
# decode TYPE PAYLOAD: the payload as UTF-8 text (trailing newlines kept)
decode() {
  local out
  case $1 in
    text)  out=$2x ;;
    data)  out=$(urldecode "$2"; printf x) ;;
    ucs-2) out=$(urldecode "$2" | iconv -f UTF-16BE -t UTF-8 2>/dev/null; printf x) ;;
    *)     return 1 ;;
  esac
  printf '%s' "${out%x}"
}
# has_record LINE: a record is exactly LINE
has_record() { records | grep -qxF -- "$1"; }
# has_text TYPE TEXT: a record "FROM TO TYPE payload" decodes to exactly TEXT
has_text() {
  local rec prefix="$FROM $TO $1 " got
  while IFS= read -r rec; do
    [[ $rec == "$prefix"* ]] || continue
    got=$(decode "$1" "${rec#"$prefix"}"; printf x)
    [[ ${got%x} == "$2" ]] && return 0
  done < <(records)
  return 1
}
# has_split_text LINE1 LINE2: "FROM TO text LINE1" directly followed by "LINE2"
# (a text-type SMS with one newline, as fakesmsc shows it)
has_split_text() {
  local rec prev=
  while IFS= read -r rec; do
    [[ $prev == "$FROM $TO text $1" && $rec == "$2" ]] && return 0
    prev=$rec
  done < <(records)
  return 1
}
# has_concat TEXT [ucs-2]: parts "FROM TO udh 05 00 03 REF TOTAL SEQ data payload"
# with one REF, all TOTAL parts present, join in SEQ order to exactly TEXT
# (payloads decoded as UTF-16BE with ucs-2)
has_concat() {
  local coding=${2:-} rec rest udh type payload hex ref total seq key got
  local -A part=() totals=()
  while IFS= read -r rec; do
    [[ $rec == "$FROM $TO udh "* ]] || continue
    rest=${rec#"$FROM $TO udh "}
    udh=${rest%% *}; rest=${rest#* }
    type=${rest%% *}; payload=${rest#* }
    hex=$(urldecode "$udh" | od -An -tx1 | tr -d ' \n')
    [[ $hex =~ ^050003([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$ ]] || continue
    ref=${BASH_REMATCH[1]} total=$((16#${BASH_REMATCH[2]})) seq=$((16#${BASH_REMATCH[3]}))
    [[ $type == data ]] || continue
    if [[ $coding == ucs-2 ]]; then type=ucs-2
    elif [[ $payload == *%00* ]]; then continue   # UTF-16 bytes: a UCS-2 part
    fi
    got=$(decode "$type" "$payload"; printf x)
    part[$ref/$seq]=${got%x}
    totals[$ref]=$total
  done < <(records)
  for ref in "${!totals[@]}"; do
    got=
    for ((seq = 1; seq <= totals[$ref]; seq++)); do
      key=$ref/$seq
      [[ -v "part[$key]" ]] || continue 2
      got+=${part[$key]}
    done
    [[ $got == "$1" ]] && { CONCAT_PARTS=${totals[$ref]}; return 0; }
  done
  return 1
}
# await DESCRIPTION CMD...: poll CMD until it succeeds, bounded by $TIMEOUT
await() {
  local desc=$1 deadline=$((SECONDS + TIMEOUT))
  shift
  until "$@"; do
    if ((SECONDS >= deadline)); then
      records | tail -n 20 >"$WORK/records.txt"
      bad "$desc (not in $LOG after ${TIMEOUT}s; last records below)" "$WORK/records.txt"
      return 0
    fi
    sleep 0.1   # polling interval of a bounded wait for asynchronous delivery
  done
  ok "$desc"
}

echo "Checking Kannel sendsms $KANNEL_SENDSMS_URL (fake SMSC '$KANNEL_SMSC_ID', log $LOG), run $RUN_ID"

# --- gateway status -----------------------------------------------------------
status=$(curl -s --max-time 5 "$KANNEL_ADMIN_URL/status.txt?password=$KANNEL_ADMIN_PASSWORD" || true)
if grep -Eq "^ +$KANNEL_SMSC_ID\[$KANNEL_SMSC_ID\] .*\(online " <<<"$status"; then
  ok "admin status: SMSC '$KANNEL_SMSC_ID' online"
else printf '%s\n' "$status" >"$WORK/status.txt"; bad "admin status: SMSC '$KANNEL_SMSC_ID' not online" "$WORK/status.txt"; fi

# --- accepted messages (all sent first, then awaited in the log) --------------
LATIN="Hello from the console check $RUN_ID-latin"
sendsms latin "${AUTH[@]}" "to=$TO" "from=$FROM" "text=$LATIN"
expect_answer latin "Latin text accepted" 202 "0: Accepted for delivery"

ACCENTS="Grüße aus Köln, café à 5 € $RUN_ID-accents"
sendsms accents "${AUTH[@]}" "to=$TO" "from=$FROM" "text=$ACCENTS" "charset=UTF-8"
expect_answer accents "accented Latin text (coding 0, charset=UTF-8) accepted" 202 "0: Accepted for delivery"

NONLATIN="Καλημέρα κόσμε — Здравствуй, мир $RUN_ID-ucs2"
sendsms ucs2 "${AUTH[@]}" "to=$TO" "from=$FROM" "text=$NONLATIN" "coding=2" "charset=UTF-8"
expect_answer ucs2 "Greek/Cyrillic text (coding=2, charset=UTF-8) accepted" 202 "0: Accepted for delivery"

SPECIAL1="a+b & c%d 100% %41 ?x=1#y $RUN_ID-special"
SPECIAL2="second line $RUN_ID-special"
SPECIAL=$SPECIAL1$'\n'$SPECIAL2
sendsms special "${AUTH[@]}" "to=$TO" "from=$FROM" "text=$SPECIAL"
expect_answer special "text with + & % and a newline accepted" 202 "0: Accepted for delivery"
SPECIALU="a+b & c%d 100% ?#ü"$'\n'"2nd line $SHORT_ID"
sendsms specialu "${AUTH[@]}" "to=$TO" "from=$FROM" "text=$SPECIALU" "coding=2" "charset=UTF-8"
expect_answer specialu "+ & % newline text as UCS-2 (coding=2) accepted" 202 "0: Accepted for delivery"

LONG="Long message $RUN_ID-long:"
while ((${#LONG} < 200)); do LONG+=" 0123456789"; done
sendsms long "${AUTH[@]}" "to=$TO" "from=$FROM" "text=$LONG"
expect_answer long "${#LONG}-character text accepted" 202 "0: Accepted for delivery"
# (counted without ${#...}, which counts bytes in the C locale)
LONGU="Μακρύ μήνυμα $RUN_ID-longucs2:"
for _ in 1 2 3 4 5 6 7 8; do LONGU+=" αβγδεζηθ"; done
LONGU_CHARS=$(printf '%s' "$LONGU" | iconv -f UTF-8 -t UTF-32BE | wc -c)
LONGU_CHARS=$((LONGU_CHARS / 4))
sendsms longu "${AUTH[@]}" "to=$TO" "from=$FROM" "text=$LONGU" "coding=2" "charset=UTF-8"
expect_answer longu "$LONGU_CHARS-character Greek text (coding=2) accepted" 202 "0: Accepted for delivery"

# Form-style encoding of the password (space as '+'), query written by hand.
FORMTEXT="form encoded password $RUN_ID-form"
code=$(curl -s --max-time 10 -o "$WORK/form.body" -w '%{http_code}' \
  "$KANNEL_SENDSMS_URL?user=$KANNEL_USER&pass=sms+pass%26w0rd%2B%C3%A9&to=%2B${TO#+}&from=$FROM&text=${FORMTEXT// /+}" || true)
if [[ $PASSWORD == 'sms pass&w0rd+é' && $code == 202 ]]; then ok "password with space sent as '+' (form style) accepted"
elif [[ $PASSWORD != 'sms pass&w0rd+é' ]]; then ok "form-style password check skipped (password changed)"
else bad "form-style password: HTTP $code $(cat "$WORK/form.body")"; fi

# --- refusals -------------------------------------------------------------
WRONG="must not be delivered $RUN_ID-refused"
sendsms wrongpw "user=$KANNEL_USER" "pass=${PASSWORD}x" "to=$TO" "from=$FROM" "text=$WRONG"
expect_answer wrongpw "wrong password refused" 403 "Authorization failed for sendsms"
sendsms wronguser "user=nobody" "pass=$PASSWORD" "to=$TO" "from=$FROM" "text=$WRONG"
expect_answer wronguser "unknown user refused" 403 "Authorization failed for sendsms"
sendsms latin1pw "${AUTH[@]:0:1}" "pass=$(iconv -f UTF-8 -t ISO-8859-1 <<<"$PASSWORD" | tr -d '\n')" "to=$TO" "from=$FROM" "text=$WRONG"
expect_answer latin1pw "password sent as ISO-8859-1 bytes refused" 403 "Authorization failed for sendsms"
sendsms badnum "${AUTH[@]}" "to=not-a-number" "from=$FROM" "text=$WRONG"
expect_answer badnum "receiver with letters refused" 400 "Number(s) has/have been denied by white- and/or black-lists."
sendsms emptyto "${AUTH[@]}" "to=" "from=$FROM" "text=$WRONG"
expect_answer emptyto "empty receiver refused" 400 "Empty receiver number not allowed, rejected"
sendsms noto "${AUTH[@]}" "from=$FROM" "text=$WRONG"
expect_answer noto "missing receiver refused" 400 "Missing receiver number, rejected"
sendsms nofrom "${AUTH[@]}" "to=$TO" "text=$WRONG"
expect_answer nofrom "missing sender refused" 400 "Sender missing and no global set, rejected"
CODE=$(curl -s --max-time 10 -o "$WORK/post.body" -w '%{http_code}' "$KANNEL_SENDSMS_URL" \
  --data-urlencode "user=$KANNEL_USER" --data-urlencode "pass=$PASSWORD" --data-urlencode "to=$TO" \
  --data-urlencode "from=$FROM" --data-urlencode "text=$WRONG" || true)
BODY=$(cat "$WORK/post.body")
expect_answer post "form POST (application/x-www-form-urlencoded) refused" 400 "Invalid content-type"

# --- what reached the fake SMSC ---------------------------------------------
await "Latin text reached fakesmsc: receiver $TO, text exact" has_record "$FROM $TO text $LATIN"
await "accented Latin text reached fakesmsc unchanged (type text, UTF-8)" has_text text "$ACCENTS"
await "Greek/Cyrillic text reached fakesmsc as ucs-2, decodes to exactly the text sent" has_text ucs-2 "$NONLATIN"
await "+ & % text reached fakesmsc intact, newline splits it into two log lines" has_split_text "$SPECIAL1" "$SPECIAL2"
await "+ & % newline text as UCS-2 decodes exactly (newline included)" has_text ucs-2 "$SPECIALU"
CONCAT_PARTS=0
await "${#LONG}-character text reached fakesmsc as a concatenated SMS, parts join exactly" has_concat "$LONG"
if ((CONCAT_PARTS == 2)); then ok "${#LONG}-character text was split into 2 parts"
else bad "${#LONG}-character text: $CONCAT_PARTS parts instead of 2"; fi
CONCAT_PARTS=0
await "$LONGU_CHARS-character Greek text reached fakesmsc as a concatenated UCS-2 SMS, parts join exactly" \
  has_concat "$LONGU" ucs-2
if ((CONCAT_PARTS == 2)); then ok "$LONGU_CHARS-character UCS-2 text was split into 2 parts"
else bad "$LONGU_CHARS-character UCS-2 text: $CONCAT_PARTS parts instead of 2"; fi
await "form-style password message reached fakesmsc" has_record "$FROM $TO text $FORMTEXT"
# Everything accepted above has arrived, so refused requests had their chance.
if records | grep -qF -- "$RUN_ID-refused"; then bad "a refused request reached the fake SMSC"
else ok "no refused request reached the fake SMSC"; fi

finish_checks "run $RUN_ID, log $LOG"
