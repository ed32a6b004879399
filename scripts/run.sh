#!/usr/bin/env bash
# Builds and runs the portal on http://127.0.0.1:3000 with an embedded SQLite database and demo
# data. Installs what is missing on a fresh Debian machine first.
source "$(dirname "$0")/common.sh"
"$ROOT/scripts/setup.sh"

step "release build: server and WebAssembly bundle (cargo-leptos)"
cargo leptos build --release "${LIB_ARGS[@]}"

export DATABASE_URL=${DATABASE_URL:-sqlite://data/safewhistle.db}
step "database migrations and demo data ($DATABASE_URL)"
"$BIN" migrate
mkdir -p data
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
exec "$BIN"
