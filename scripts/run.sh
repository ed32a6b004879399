#!/usr/bin/env bash
# Builds and runs the portal on http://127.0.0.1:3000 with an embedded SQLite database and demo
# data. Installs what is missing on a fresh Debian machine first.
source "$(dirname "$0")/common.sh"
"$ROOT/scripts/setup.sh"

step "release build: server and WebAssembly bundle (cargo-leptos)"
build_release

export DATABASE_URL=${DATABASE_URL:-sqlite://data/safewhistle.db}
mkdir -p data
if [ -z "${SW_DATA_KEY:-}" ] && [ -z "${SW_DATA_KEY_FILE:-}" ]; then
  if [ ! -f data/data.key ]; then
    step "creating the data encryption key data/data.key (keep it out of database backups; losing it loses the encrypted fields)"
    (umask 077; "$BIN" gen-key > data/data.key)
  fi
  export SW_DATA_KEY_FILE="$ROOT/data/data.key"
fi
step "database migrations and demo data ($DATABASE_URL)"
"$BIN" migrate
if out=$("$BIN" seed-demo); then
  echo "$out"
  if grep -q "demo accounts" <<<"$out"; then
    (umask 077; echo "$out" > data/demo-accounts.txt)
  elif [ -f data/demo-accounts.txt ]; then
    cat data/demo-accounts.txt
  fi
else
  echo "(demo data not loaded: the database holds real accounts)"
fi

step "starting SafeWhistle"
echo "Open http://${SW_BIND:-127.0.0.1:3000} in a browser (Ctrl-C stops the server)."
# glibc keeps freed large blocks (uploads, decoded photos) in its heap once its dynamic mmap
# threshold has grown: RSS rose to ~550 MB under report load. A fixed threshold returns them
# (measured: ~34 MB, flat; docs/benchmarks.md). Deployments should set the same.
export MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD_:-131072}
exec "$BIN"
