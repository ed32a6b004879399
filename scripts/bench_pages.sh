#!/usr/bin/env bash
# Server rendering side by side (issue 12; figures in docs/benchmarks.md), in one run on one
# machine: a bare axum handler (`safewhistle bench-baseline`, a static page of the home page's
# size), a Leptos hello-world through the same leptos_axum (`safewhistle bench-hello`), and the
# portal's home page, `/report`, `/report/new` and the staff queue with 20,000 cases — each without
# and with `Accept-Encoding: br`, `wrk -t2 -c32 --latency`, one after the other. Then the server's
# RSS once it is idle again (10 s, and 65 s: after the database pool has closed its idle
# connections).
# Usage: scripts/bench_pages.sh [seconds per load run, default 10]
# (SW_BENCH_SKIP_BUILD=1 uses the release build already there.)
source "$(dirname "$0")/common.sh"
DURATION=${1:-10}
"$ROOT/scripts/setup.sh"
apt_install wrk sqlite3
if [ -z "${SW_BENCH_SKIP_BUILD:-}" ]; then
  step "release build"
  build_release
fi
source "$ROOT/scripts/bench_lib.sh"

step "server: SQLite, demo data, 20,000 cases, one intake officer"
# As in run.sh (and for deployments): return freed large blocks to the system.
export MALLOC_MMAP_THRESHOLD_=${MALLOC_MMAP_THRESHOLD_:-131072}
export SW_DATA_KEY DATABASE_URL="sqlite://$WORK/bench.db"
SW_DATA_KEY=$("$BIN" gen-key)
"$BIN" migrate >/dev/null
"$BIN" seed-demo >/dev/null
bulk_cases "$WORK/bench.db" 20000
PASSWORD="bench-$(head -c 8 /dev/urandom | od -An -tx1 | tr -d ' \n')"
printf '%s\n' "$PASSWORD" | "$BIN" admin create-user --role intake_officer --name bench.pages >/dev/null
PORT=$(free_port)
SW_BIND="127.0.0.1:$PORT" SW_LOG=warn "$BIN" >"$WORK/server.log" 2>&1 &
SPID=$!; PIDS+=("$SPID")
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fsS -c "$WORK/jar" -H 'accept: application/json' \
  --data-urlencode username=bench.pages --data-urlencode "password=$PASSWORD" --data-urlencode totp_code= \
  "http://127.0.0.1:$PORT/api/login" >/dev/null
COOKIE=$(awk '$6 == "sw_session" {print "sw_session=" $7}' "$WORK/jar")
[ -n "$COOKIE" ] || { echo "login failed: no session cookie" >&2; exit 1; }

HOME_BYTES=$(curl -fsS "http://127.0.0.1:$PORT/" | wc -c)
BPORT=$(free_port); HPORT=$(free_port)
"$BIN" bench-baseline --bind "127.0.0.1:$BPORT" --size "$HOME_BYTES" >/dev/null &
PIDS+=($!)
"$BIN" bench-hello --bind "127.0.0.1:$HPORT" >/dev/null &
PIDS+=($!)
for p in "$BPORT" "$HPORT"; do
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$p/" >/dev/null 2>&1 && break; sleep 0.1; done
done
# Resident memory, and its two parts: the process's own (anonymous) memory, and file pages: the
# program's code and each SQLite connection's map of the database file (shared with the kernel's
# page cache, but counted once per connection). Pss shares each page among the processes using it.
rss() {
  awk '/^(VmRSS|RssAnon|RssFile):/ {printf "%s %.1f MB  ", $1, $2 / 1024}' "/proc/$1/status"
  awk '/^Pss:/ {printf "Pss: %.1f MB", $2 / 1024}' "/proc/$1/smaps_rollup"
}
echo "server RSS before load: $(rss "$SPID")"

TARGETS=(
  "bare axum handler|http://127.0.0.1:$BPORT/|"
  "Leptos hello-world|http://127.0.0.1:$HPORT/|"
  "home /|http://127.0.0.1:$PORT/|"
  "/report|http://127.0.0.1:$PORT/report|"
  "/report/new|http://127.0.0.1:$PORT/report/new|"
  "staff queue, 20,000 cases|http://127.0.0.1:$PORT/staff/reports|$COOKIE"
)
# ms from wrk's latency figure (it prints us, ms or s).
to_ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.2f", v}'; }
step "wrk -t2 -c32 -d${DURATION}s --latency, one target at a time"
printf '| %-28s | %-9s | %9s | %10s | %8s | %8s | %s\n' target encoding bytes "req/s" "p50 ms" "p99 ms" "errors"
for t in "${TARGETS[@]}"; do
  IFS='|' read -r label url cookie <<<"$t"
  for enc in identity br; do
    args=(-H "Accept-Encoding: $enc")
    [ -n "$cookie" ] && args+=(-H "Cookie: $cookie")
    bytes=$(curl -fsS "${args[@]}" "$url" | wc -c)
    out=$(wrk -t2 -c32 -d"${DURATION}s" --latency "${args[@]}" "$url")
    rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
    p50=$(awk '$1 == "50%" {print $2}' <<<"$out" | to_ms)
    p99=$(awk '$1 == "99%" {print $2}' <<<"$out" | to_ms)
    errs=$(grep -E "Non-2xx|Socket errors" <<<"$out" | tr -s ' ' | paste -sd';' || true)
    printf '| %-28s | %-9s | %9s | %10s | %8s | %8s | %s\n' "$label" "$enc" "$bytes" "$rps" "$p50" "$p99" "${errs:-none}"
  done
done
echo "panics in the server log: $(grep -c panicked "$WORK/server.log" || true)"
echo "server RSS right after the runs: $(rss "$SPID")"
sleep 10
echo "server RSS idle (10 s later): $(rss "$SPID")"
# The pool closes connections unused for 10 s (down to one), checking every 10 s.
sleep 55
echo "server RSS idle (65 s later): $(rss "$SPID")"
