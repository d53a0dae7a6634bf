#!/usr/bin/env bash
# Installs everything the console's build and tests need, skipping what is already there:
# Debian packages (Chromium, Postfix with SASL, swaks, brotli), the WASM target, the pinned
# wasm-bindgen CLI and the npm packages of end2end/ (Playwright, wasm-opt).
# Kannel (kannel, kannel-extras) is not installed here but by scripts/peers/kannel-up.sh, which
# installs it with a policy-rc.d that keeps Debian's kannel service (port 13000, all interfaces)
# from starting and disables its boot links; installed from here, that service would start.
# Usage: scripts/install-deps.sh [--build-only]   (--build-only: just what building needs)
source "$(dirname "$0")/lib.sh"

apt_install brotli ca-certificates
ensure_wasm_toolchain
ensure_node_packages
if [ "${1:-}" != "--build-only" ]; then
    apt_install chromium postfix sasl2-bin libsasl2-modules libsasl2-modules-db \
        swaks libnet-ssleay-perl openssl
fi
