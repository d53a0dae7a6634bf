# Shared helpers for the scripts in this folder. Sourced, not run.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# Pinned: the wasm-bindgen CLI must match the `wasm-bindgen` crate exactly (see Cargo.toml).
WASM_BINDGEN_VERSION="0.2.130"
# Binaryen's wasm-opt from npm; Debian's older wasm-opt produces a WASM that fails to hydrate.
BINARYEN_VERSION="132.0.0"
PLAYWRIGHT_VERSION="1.65.0"

log() { printf '==> %s\n' "$*" >&2; }

# Runs apt-get install for the packages that are not installed yet; nothing when all are.
apt_install() {
    local missing=()
    for package in "$@"; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$package")
    done
    [ "${#missing[@]}" -eq 0 ] && return 0
    log "installing Debian packages: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    # Postfix must not ask questions or open port 25 on its own.
    echo "postfix postfix/main_mailer_type select No configuration" | $sudo debconf-set-selections
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
        "${missing[@]}"
}

# Rust pieces of the browser build: the WASM target and the matching wasm-bindgen CLI.
ensure_wasm_toolchain() {
    if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
        log "adding the wasm32-unknown-unknown target"
        rustup target add wasm32-unknown-unknown
    fi
    if ! wasm-bindgen --version 2>/dev/null | grep -q " ${WASM_BINDGEN_VERSION}\$"; then
        log "installing wasm-bindgen-cli ${WASM_BINDGEN_VERSION} (a few minutes, once)"
        # Without --locked: its lockfile names a crate version the registry no longer has.
        cargo install wasm-bindgen-cli --version "${WASM_BINDGEN_VERSION}" --force
    fi
}

# npm packages of end2end/ (wasm-opt, Playwright), installed from its lockfile.
ensure_node_packages() {
    local dir="${REPO_ROOT}/end2end"
    if [ ! -x "${dir}/node_modules/.bin/wasm-opt" ] || [ ! -d "${dir}/node_modules/@playwright/test" ] \
        || [ "${dir}/package-lock.json" -nt "${dir}/node_modules/.package-lock.json" ]; then
        log "installing npm packages in end2end/"
        (cd "${dir}" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
    fi
    export PATH="${dir}/node_modules/.bin:${PATH}"
}
