#!/usr/bin/env bash
# Builds the console: the browser bundle (WASM + JS glue + CSS, precompressed) into
# target/site, and the server binary. `--release` builds what admins run (size-optimised WASM
# through wasm-opt, optimised server); without it, a quicker debug build.
# Reads: nothing but its flag. Needs: scripts/install-deps.sh to have run (or does its part).
source "$(dirname "$0")/lib.sh"

profile="debug"
[ "${1:-}" = "--release" ] && profile="release"

ensure_wasm_toolchain
ensure_node_packages
apt_install brotli

site="${REPO_ROOT}/target/site"
pkg="${site}/pkg"
mkdir -p "${pkg}"
cd "${REPO_ROOT}"

if [ "${profile}" = "release" ]; then
    wasm_profile="wasm-release"
    wasm_dir="wasm-release"
    server_flags=(--release)
else
    wasm_profile="dev"
    wasm_dir="debug"
    server_flags=()
fi

# One bundle per page (the feature names the page, the second word its output name), so the
# first load of a page carries only its own code. Each is a separate cargo build: features
# would otherwise be unified into one bundle with both pages.
for bundle in "smtp-page console" "sms-page console-sms"; do
    read -r feature name <<<"${bundle}"
    log "building the browser bundle ${name} (${wasm_profile})"
    cargo build -p frontend --lib --target wasm32-unknown-unknown --profile "${wasm_profile}" \
        --features "${feature}"
    wasm-bindgen --target web --no-typescript --out-dir "${pkg}" --out-name "${name}" \
        "target/wasm32-unknown-unknown/${wasm_dir}/frontend.wasm"
    if [ "${profile}" = "release" ]; then
        log "optimising ${name} with wasm-opt $(wasm-opt --version | awk '{print $3}')"
        # The features rustc enables by default for wasm32-unknown-unknown.
        wasm-opt -Oz --strip-debug --strip-producers \
            --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
            --enable-mutable-globals --enable-reference-types --enable-multivalue \
            "${pkg}/${name}_bg.wasm" -o "${pkg}/${name}_bg.wasm"
    fi
done

cp style/console.css "${pkg}/console.css"
cp -r public/. "${site}/"

log "precompressing the bundle (brotli, gzip)"
for file in "${pkg}"/*.js "${pkg}"/*.wasm "${pkg}"/console.css; do
    gzip -9 -k -f "${file}"
    brotli -q 11 -k -f "${file}"
done

log "building the server (${profile})"
cargo build -p server --bin messaging-console "${server_flags[@]}"
log "built: target/${profile}/messaging-console, site in target/site"
