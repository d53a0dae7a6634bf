#!/usr/bin/env bash
# Runs every test of the console, installing and starting what they need first:
#   1. formatting and lints (cargo fmt, clippy for the server and the WASM build),
#   2. unit and integration tests (cargo test), against a real Postfix and a real Kannel (with
#      its fake SMSC) on loopback,
#   3. the release build and the browser tests (Playwright + Debian's Chromium),
#   4. the first-load benchmark, which prints sizes and time to a usable page.
# Idempotent: safe to run again; installs only what is missing.
source "$(dirname "$0")/lib.sh"
cd "${REPO_ROOT}"

"${REPO_ROOT}/scripts/install-deps.sh"
"${REPO_ROOT}/scripts/peers/postfix-up.sh"
# Installs kannel and kannel-extras itself when missing, keeping Debian's own kannel service
# from starting; stop it with scripts/peers/kannel-down.sh.
"${REPO_ROOT}/scripts/peers/kannel-up.sh"

log "checking formatting and lints"
cargo fmt --all -- --check
cargo clippy -p model -p messaging -p server --all-targets -- -D warnings
# Once per page bundle: code only one bundle uses must be clean in both.
for page in smtp-page sms-page; do
    cargo clippy -p frontend --target wasm32-unknown-unknown --features "${page}" -- -D warnings
done

logs="${REPO_ROOT}/target/test-logs"
mkdir -p "${logs}"

log "unit and integration tests"
cargo test -p model -p messaging -p server -p app --features app/ssr 2>&1 | tee "${logs}/cargo-test.log"

log "release build"
"${REPO_ROOT}/scripts/build-site.sh" --release

log "browser tests"
(cd end2end && npx playwright test) 2>&1 | tee "${logs}/playwright.log"

log "first-load benchmark"
"${REPO_ROOT}/scripts/bench-first-load.sh"

# One closing line for every test run above (each step already stopped the script on failure).
cargo_passed=$(grep -o 'test result: ok\. [0-9]* passed' "${logs}/cargo-test.log" \
    | awk '{sum += $4} END {print sum + 0}')
browser_passed=$(grep -oE '^ *[0-9]+ passed' "${logs}/playwright.log" | awk '{print $1}' | tail -n 1)
echo "cargo: ${cargo_passed} passed, 0 failed"
echo "browser: ${browser_passed:-0} passed, 0 failed"
echo "tests: $((cargo_passed + ${browser_passed:-0})) passed, 0 failed"
