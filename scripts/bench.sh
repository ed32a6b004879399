#!/usr/bin/env bash
# Benchmarks for docs/benchmarks.md: release bundle sizes, and home-page server-rendering
# throughput/latency under wrk on loopback next to a bare axum handler measured in the same run.
# Usage: scripts/bench.sh [seconds per load run, default 15]
source "$(dirname "$0")/common.sh"
DURATION=${1:-15}
"$ROOT/scripts/setup.sh"
apt_install wrk brotli

step "release build"
build_release

step "bundle sizes (bytes: raw / gzip -9 / brotli -q 11)"
for f in target/site/pkg/safewhistle.wasm target/site/pkg/safewhistle.js target/site/pkg/safewhistle.css; do
  raw=$(stat -c %s "$f"); gz=$(gzip -9 -c "$f" | wc -c); br=$(brotli -q 11 -c "$f" | wc -c)
  printf '%-40s %9d %9d %9d\n' "$f" "$raw" "$gz" "$br"
done

source "$ROOT/scripts/bench_lib.sh"
PORT=$(free_port)
# As in run.sh (and for deployments): return freed large blocks to the system.
export MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD_:-131072}
# The report benchmark posts everything from one address: lift the per-client limits for it.
export SW_REPORT_SUBMITS_PER_HOUR=100000000 SW_CASE_LOOKUPS_PER_HOUR=100000000
SW_DATA_KEY=$("$BIN" gen-key) DATABASE_URL="sqlite://$WORK/bench.db" "$BIN" migrate >/dev/null
SW_DATA_KEY=$("$BIN" gen-key) DATABASE_URL="sqlite://$WORK/bench.db" "$BIN" seed-demo >/dev/null
SW_DATA_KEY=$("$BIN" gen-key) DATABASE_URL="sqlite://$WORK/bench.db" SW_BIND="127.0.0.1:$PORT" SW_LOG=warn "$BIN" >"$WORK/server.log" 2>&1 &
PIDS+=($!); SPID=$!
BPORT=$(free_port)
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
HOME_BYTES=$(curl -fsS "http://127.0.0.1:$PORT/" | wc -c)
"$BIN" bench-baseline --bind "127.0.0.1:$BPORT" --size "$HOME_BYTES" &
PIDS+=($!)
sleep 1
echo "home page: $HOME_BYTES bytes uncompressed"
rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$1/status"; }
echo "server RSS before load: $(rss $SPID)"
load() {
  step "wrk -t2 -c32 -d${DURATION}s --latency: $1"
  wrk -t2 -c32 -d"${DURATION}s" --latency "$2" | grep -E "Requests/sec|Transfer/sec|50%|90%|99%|Non-2xx|Socket errors"
}
load "SafeWhistle home (SSR)" "http://127.0.0.1:$PORT/"
echo "server RSS after run 1: $(rss $SPID)"
load "bare axum handler" "http://127.0.0.1:$BPORT/"
load "SafeWhistle home (SSR), again (memory should stay flat)" "http://127.0.0.1:$PORT/"
echo "server RSS after run 2: $(rss $SPID)"

step "every public page at 64 connections (issue 11): wrk -t2 -c64 -d8s each, one after the other"
for page in / /report/new /report /lookup; do
  echo "$page"
  wrk -t2 -c64 -d8s "http://127.0.0.1:$PORT$page" | grep -E "Requests/sec|Non-2xx|Socket errors" || true
done
echo "panics in the server log so far: $(grep -c panicked "$WORK/server.log" || true)"

step "memory under hostile uploads (issue 10): 10 bombs, 10 largest accepted images, 20 valid reports at once"
python3 "$ROOT/scripts/hostile_memory.py" "http://127.0.0.1:$PORT" "$SPID"

step "public tip-off: submissions with three ~1 MB photos, sustained submissions, lookups"
cargo build --release -p server --example bench_reports
"$CARGO_TARGET_DIR/release/examples/bench_reports" "http://127.0.0.1:$PORT" "$DURATION" 4 >"$WORK/reports.log" 2>&1 &
BPID=$!
for _ in $(seq 1 600); do grep -q SUSTAINED_START "$WORK/reports.log" && break; sleep 0.5; done
echo "home page while reports are being submitted:"
wrk -t1 -c8 -d"$((DURATION - 2))s" --latency "http://127.0.0.1:$PORT/" | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors"
wait $BPID || true
grep -v SUSTAINED "$WORK/reports.log"
echo "server RSS after the report runs: $(rss $SPID)"

step "staff workflow: 20,000 cases in the database"
bulk_cases "$WORK/bench.db" 20000
BENCH_INTAKE_PASSWORD="bench-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '%s\n' "$BENCH_INTAKE_PASSWORD" | DATABASE_URL="sqlite://$WORK/bench.db" SW_DATA_KEY=$("$BIN" gen-key) \
  "$BIN" admin create-user --role intake_officer --name bench.intake >/dev/null
cargo build --release -p server --example bench_workflow
"$CARGO_TARGET_DIR/release/examples/bench_workflow" "http://127.0.0.1:$PORT" bench.intake "$BENCH_INTAKE_PASSWORD"
echo "server RSS after the workflow runs: $(rss $SPID)"
echo "audit log rows: $(sqlite3 "$WORK/bench.db" 'select count(*) from audit_log')"
START=$(date +%s%N)
DATABASE_URL="sqlite://$WORK/bench.db" SW_DATA_KEY=$("$BIN" gen-key) "$BIN" audit verify
echo "audit verify: $(( ($(date +%s%N) - START) / 1000000 )) ms"
