#!/usr/bin/env bash
# Builds the release console and starts it on the embedded default: an SQLite file
# (data/console.sqlite3, created on first start) and a key file beside it. Prints the URL.
# Every CONSOLE_* variable of the README is honoured; Ctrl-C stops the console.
source "$(dirname "$0")/lib.sh"

"${REPO_ROOT}/scripts/install-deps.sh" --build-only
"${REPO_ROOT}/scripts/build-site.sh" --release
cd "${REPO_ROOT}"
export CONSOLE_SITE_ROOT="${CONSOLE_SITE_ROOT:-${REPO_ROOT}/target/site}"
exec "${REPO_ROOT}/target/release/messaging-console"
