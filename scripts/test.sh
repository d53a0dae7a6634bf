#!/usr/bin/env bash
# Runs every test of the console, installing and starting what they need first:
#   1. formatting and lints (cargo fmt, clippy for the server and the WASM build),
#   2. unit and integration tests (cargo test), against a real Postfix on loopback,
#   3. the release build and the browser tests (Playwright + Debian's Chromium),
#   4. the first-load benchmark, which prints sizes and time to a usable page.
# Idempotent: safe to run again; installs only what is missing.
source "$(dirname "$0")/lib.sh"
cd "${REPO_ROOT}"

"${REPO_ROOT}/scripts/install-deps.sh"
"${REPO_ROOT}/scripts/peers/postfix-up.sh"

log "checking formatting and lints"
cargo fmt --all -- --check
cargo clippy -p model -p messaging -p server --all-targets -- -D warnings
cargo clippy -p frontend --target wasm32-unknown-unknown -- -D warnings

log "unit and integration tests"
cargo test -p model -p messaging -p server

log "release build"
"${REPO_ROOT}/scripts/build-site.sh" --release

log "browser tests"
(cd end2end && npx playwright test)

log "first-load benchmark"
"${REPO_ROOT}/scripts/bench-first-load.sh"
