#!/usr/bin/env bash
# District contest load (issue 14; figures in docs/benchmarks.md): N contestants of the public
# (default 10,000) start within RAMP seconds (default 60), each answers a 20-question paper at a
# human pace (3–10 s per answer) and hands in; then the answer endpoint's throughput next to a
# bare axum handler measured in the same run. Once on SQLite, then on PostgreSQL.
# Usage: scripts/bench_contest.sh [contestants] [ramp seconds] [sqlite|postgres|both]
# (SW_BENCH_SKIP_BUILD=1 uses the release build already there.)
source "$(dirname "$0")/common.sh"
N=${1:-10000}
RAMP=${2:-60}
WHICH=${3:-both}
"$ROOT/scripts/setup.sh" --test

if [ -z "${SW_BENCH_SKIP_BUILD:-}" ]; then
  step "release build (server, WebAssembly bundle, load generator)"
  build_release
  cargo build --release -p server --example bench_contest
fi
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

source "$ROOT/scripts/bench_lib.sh"

# 60 single-choice questions for the papers to draw from.
{
  echo "题型,题干,选项A,选项B,选项C,选项D,答案,领域,难度"
  for i in $(seq 1 60); do echo "单选,第${i}题：下列做法正确的是？,做法甲${i},做法乙${i},做法丙${i},做法丁${i},B,GM,2"; done
} >"$WORK/questions.csv"

run_one() {
  local label=$1 url=$2
  step "$label: $N contestants within ${RAMP}s"
  local port bport key jar
  port=$(free_port); bport=$(free_port); key=$("$BIN" gen-key); jar="$WORK/jar-$label"
  export DATABASE_URL="$url" SW_DATA_KEY="$key" SW_LOG=warn SW_CONTEST_JOINS_PER_HOUR=1000000
  "$BIN" migrate >/dev/null
  "$BIN" seed-demo >/dev/null
  printf '%s\n' "bench trainer password" | "$BIN" admin create-user --role training_admin --name bench.trainer >/dev/null
  SW_BIND="127.0.0.1:$port" "$BIN" >"$WORK/server-$label.log" 2>&1 &
  local spid=$!
  PIDS+=("$spid")
  "$BIN" bench-baseline --bind "127.0.0.1:$bport" --size 64 >/dev/null 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
  local base="http://127.0.0.1:$port"
  curl -fsS -c "$jar" -b "$jar" -H 'accept: application/json' -d 'username=bench.trainer&password=bench trainer password' "$base/api/login" >/dev/null
  curl -fsS -c "$jar" -b "$jar" -H 'accept: application/json' -F "file=@$WORK/questions.csv" "$base/staff/questions/upload" | head -c 200
  echo
  local opens closes
  opens=$(TZ=Asia/Shanghai date -d '-1 hour' +%Y-%m-%dT%H:%M)
  closes=$(TZ=Asia/Shanghai date -d '+3 hours' +%Y-%m-%dT%H:%M)
  curl -fsS -c "$jar" -b "$jar" -H 'accept: application/json' \
    --data-urlencode "title=区安全生产知识竞赛（压测）" --data-urlencode "opens=$opens" --data-urlencode "closes=$closes" \
    -d 'time_limit_min=30&attempts_per_day=1&attempts_total=1&valid_percent=80&audience=public&review=1&privacy=masked' \
    -d 'pools[0][kind]=single&pools[0][count]=20&pools[0][points]=5' "$base/api/save_contest" >/dev/null
  local contest
  contest=$(curl -fsS -H 'accept: application/json' -X POST "$base/api/contest_list" | python3 -c 'import json,sys; print(max(c["id"] for c in json.load(sys.stdin)))')
  echo "contest $contest; server RSS before: $(awk '/VmRSS/ {print $2 " kB"}' "/proc/$spid/status")"
  "$CARGO_TARGET_DIR/release/examples/bench_contest" "$base" "$contest" "$N" "$RAMP" "http://127.0.0.1:$bport/"
  # The pages that read every attempt, once the 10,000 are in: first request, then again.
  echo "reading the results (time of the first request, then of a second one):"
  for i in 1 2; do
    curl -sS -o /dev/null -w "  staff statistics page   HTTP %{http_code} %{time_total} s  %{size_download} B\n" -b "$jar" "$base/staff/contests/$contest"
    curl -sS -o /dev/null -w "  statistics (API)        HTTP %{http_code} %{time_total} s  %{size_download} B\n" -b "$jar" -H 'accept: application/json' -d "id=$contest" "$base/api/contest_stats"
    curl -sS -o /dev/null -w "  public ranking page     HTTP %{http_code} %{time_total} s  %{size_download} B\n" -H 'accept-encoding: br' "$base/quiz/contest/$contest/ranking"
    curl -sS -o /dev/null -w "  ranking CSV (all rows)  HTTP %{http_code} %{time_total} s  %{size_download} B\n" -b "$jar" "$base/staff/contest-ranking.csv?id=$contest&by=person"
  done
  echo "server RSS after: $(awk '/VmRSS/ {print $2 " kB"}' "/proc/$spid/status"), peak $(awk '/VmHWM/ {print $2 " kB"}' "/proc/$spid/status")"
  echo "panics in the server log: $(grep -c panicked "$WORK/server-$label.log" || true); errors logged: $(grep -c ' ERROR ' "$WORK/server-$label.log" || true)"
  case $url in
    sqlite*) echo "database size: $(du -cb "$WORK"/bench.db* | tail -1 | cut -f1) bytes (with WAL)" ;;
    postgres*) echo "database size: $(psql "$url" -Atc 'select pg_database_size(current_database())') bytes" ;;
  esac
  kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null || true
}

bench_backends "$WHICH"
