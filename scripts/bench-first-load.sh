#!/usr/bin/env bash
# First-load benchmark of the Messaging Setup console (release build).
#
# Starts target/release/messaging-console on a free 127.0.0.1 port with a throw-away database,
# then runs end2end/bench/first-load.mjs against it, which prints:
#   - the page HTML and every asset it references (CSS, JS, WASM, icon): bytes raw, gzip and
#     brotli as served, the brotli total, and PASS/OVER against the 250 KB budget;
#   - the time from navigation start to a hydrated, usable form in headless Chromium
#     (min/median/max over BENCH_RUNS loads, each in a fresh browser context).
# Timings are printed, never asserted. Exits non-zero when the brotli total is over budget or
# the benchmark fails. The SMS Gateway page (its own bundle) is measured too, for the record
# only. The console it started is stopped by PID on exit.
#
# Needs: the release build (scripts/build-site.sh --release; this script does not build),
# end2end/node_modules (npm ci in end2end/), and /usr/bin/chromium.
# Env: BENCH_RUNS (default 10), BENCH_BUDGET_BYTES (default 250000), BENCH_CHROMIUM.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BINARY="${REPO_ROOT}/target/release/messaging-console"
SITE_ROOT="${REPO_ROOT}/target/site"
BENCH_JS="${REPO_ROOT}/end2end/bench/first-load.mjs"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bench-first-load: %s\n' "$*" >&2; exit 2; }

[ -x "${BINARY}" ] || die "${BINARY} is missing: build it with scripts/build-site.sh --release"
[ -f "${SITE_ROOT}/pkg/console_bg.wasm" ] || die "${SITE_ROOT}/pkg is missing: build it with scripts/build-site.sh --release"
[ -d "${REPO_ROOT}/end2end/node_modules/@playwright/test" ] \
    || die "end2end/node_modules is missing: run (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci)"
command -v node >/dev/null || die "node is not installed"

work_dir="$(mktemp -d "${TMPDIR:-/tmp}/bench-first-load.XXXXXX")"
server_pid=""
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
    if [ -n "${server_pid}" ] && kill -0 "${server_pid}" 2>/dev/null; then
        kill "${server_pid}" 2>/dev/null || true
        wait "${server_pid}" 2>/dev/null || true
    fi
    rm -rf "${work_dir}"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A free loopback port: bind to port 0 and let the kernel pick one.
port="$(node -e "const s = require('net').createServer(); s.listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); });")"
url="http://127.0.0.1:${port}/messaging/smtp"
login_url="http://127.0.0.1:${port}/login"

log "starting the console on 127.0.0.1:${port} (database in ${work_dir})"
CONSOLE_LISTEN="127.0.0.1:${port}" \
CONSOLE_DATABASE="${work_dir}/console.sqlite3" \
CONSOLE_SITE_ROOT="${SITE_ROOT}" \
    "${BINARY}" >"${work_dir}/console.log" 2>&1 &
server_pid=$!

# Wait (bounded) until it answers.
for _ in $(seq 1 100); do
    if ! kill -0 "${server_pid}" 2>/dev/null; then
        cat "${work_dir}/console.log" >&2
        die "the console exited before answering"
    fi
    if node -e "require('http').get(process.argv[1], r => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))" "${login_url}"; then
        break
    fi
    sleep 0.2
done
node -e "require('http').get(process.argv[1], r => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))" "${login_url}" \
    || { cat "${work_dir}/console.log" >&2; die "the console did not answer at ${login_url} within 20 s"; }

# The pages need a signed-in administrator: create the first one through the setup link the
# console printed, and measure with the session it gets.
log "creating the first administrator through the printed setup link"
session="$(node "${REPO_ROOT}/end2end/bench/first-admin.mjs" "${work_dir}/console.log" "http://127.0.0.1:${port}")" \
    || { cat "${work_dir}/console.log" >&2; die "could not create the first administrator"; }
export BENCH_SESSION="${session}"

log "measuring ${url}"
status=0
BENCH_URL="${url}" node "${BENCH_JS}" || status=$?

# The SMS Gateway page has a bundle of its own, reached from the SMTP Server page. Its size is
# printed for the record; the budget above is the console's first load, the SMTP Server page.
sms_url="http://127.0.0.1:${port}/messaging/sms"
log "measuring ${sms_url} (informational)"
BENCH_URL="${sms_url}" BENCH_RUNS=3 node "${BENCH_JS}" || true
exit "${status}"
