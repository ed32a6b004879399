#!/usr/bin/env bash
# Installs everything the portal needs to build on a fresh Debian machine; with --test also what
# the tests need. Every step is skipped when its tool is already there at the right version.
source "$(dirname "$0")/common.sh"
want_test=0
[ "${1:-}" = "--test" ] && want_test=1

step "toolchain: $SW_TOOLCHAIN"
if [ "$SW_TOOLCHAIN" = debian ]; then
  apt_install rustc-web cargo-web rust-web-src rust-web-llvm lld-22
fi
command -v node >/dev/null 2>&1 || apt_install nodejs npm
# brotli: the release build recompresses the split loader (build_release in common.sh).
apt_install brotli
if [ $want_test = 1 ]; then
  apt_install chromium postgresql sqlite3
fi
cargo --version
rustc --version

CARGO_LEPTOS_VERSION=0.3.11
if ! cargo leptos --version 2>/dev/null | grep -q "$CARGO_LEPTOS_VERSION"; then
  step "installing cargo-leptos $CARGO_LEPTOS_VERSION without download support (one-time, about 9 minutes on 2 cores)"
  CARGO_PROFILE_DEV_DEBUG=0 cargo install --debug --locked --features no_downloads cargo-leptos --version "$CARGO_LEPTOS_VERSION"
fi

WB_VERSION=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if ! wasm-bindgen --version 2>/dev/null | grep -q " $WB_VERSION$"; then
  step "installing wasm-bindgen-cli $WB_VERSION (one-time, about 7 minutes on 2 cores)"
  # --locked fails on a yanked dependency of this release; the unlocked install works.
  CARGO_PROFILE_RELEASE_LTO=false cargo install wasm-bindgen-cli --version "$WB_VERSION"
fi

step "npm packages (binaryen's wasm-opt; Playwright and axe-core for tests; no browser download)"
if [ ! -x end2end/node_modules/.bin/wasm-opt ] || [ end2end/package-lock.json -nt end2end/node_modules/.package-lock.json ]; then
  (cd end2end && npm ci --no-audit --no-fund)
fi
step "setup done"
