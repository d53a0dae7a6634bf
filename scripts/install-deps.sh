#!/usr/bin/env bash
# Installs everything the console's build and tests need, skipping what is already there:
# Debian packages (Chromium, Postfix with SASL, swaks, brotli), the WASM target, the pinned
# wasm-bindgen CLI and the npm packages of end2end/ (Playwright, wasm-opt).
# Usage: scripts/install-deps.sh [--build-only]   (--build-only: just what building needs)
source "$(dirname "$0")/lib.sh"

apt_install brotli ca-certificates
ensure_wasm_toolchain
ensure_node_packages
if [ "${1:-}" != "--build-only" ]; then
    apt_install chromium postfix sasl2-bin libsasl2-modules libsasl2-modules-db \
        swaks libnet-ssleay-perl openssl
fi
