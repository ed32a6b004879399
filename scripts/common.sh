# Shared settings for the project scripts (sourced, not run).
# Chooses the Rust toolchain: a rustup toolchain that already has the wasm32 standard library is
# used as it is; otherwise Debian's rustc-web toolchain builds std for wasm32 (-Zbuild-std), see
# ../shared/toolchain.md and docs/decisions.md.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# One target dir outside the clone: fresh clones (CI) reuse earlier builds; cargo still rebuilds
# whatever changed.
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cache/safewhistle/target}
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export LEPTOS_OUTPUT_NAME=safewhistle
export CARGO_TERM_PROGRESS_WHEN=never

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

step_start=$(date +%s)
step() {
  local now; now=$(date +%s)
  echo ""
  echo "==> [$(date +%H:%M:%S), +$((now - step_start))s] $*"
}

if command -v rustup >/dev/null 2>&1 && rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  SW_TOOLCHAIN=rustup
  LIB_ARGS=()
else
  SW_TOOLCHAIN=debian
  # Debian's cargo/rustc (1.96) first; tools installed by `cargo install` stay reachable.
  export PATH="/usr/bin:$HOME/.cargo/bin:$PATH"
  export RUSTC_BOOTSTRAP=1
  LIB_ARGS=(--lib-cargo-args=-Zbuild-std=std,panic_abort)
fi
# No file/line/column records for panics in the WebAssembly (issue 12, D32): every `t!` and signal
# access is #[track_caller], and their ~2,900 locations and source paths took about 65 KB of the
# bundle's data, which cannot be split out of the main module. A nightly flag (hence
# RUSTC_BOOTSTRAP, also with a rustup toolchain); the getrandom cfg of .cargo/config.toml is
# repeated because this variable may replace it.
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS='--cfg getrandom_backend="wasm_js" -Zlocation-detail=none'
export PATH="$ROOT/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
# In debian mode /usr/bin must still win over rustup's proxies for cargo/rustc.
if [ "$SW_TOOLCHAIN" = debian ]; then export PATH="/usr/bin:$PATH"; fi

BIN="$CARGO_TARGET_DIR/release/safewhistle"
export LEPTOS_SITE_ROOT="$ROOT/target/site"

# The release build every script runs: server and WebAssembly, split per page (D38), the files
# precompressed (D37), then each page's small chunks packed into one file and the split loader
# written for that (D44; it needs `brotli`, which setup.sh installs).
build_release() {
  cargo leptos build --release --precompress --split "${LIB_ARGS[@]}"
  python3 "$ROOT/scripts/pack_split.py" "$LEPTOS_SITE_ROOT/pkg"
}

apt_install() {
  local missing=()
  for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    step "installing Debian packages: ${missing[*]} (one-time)"
    $SUDO apt-get update -q
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
