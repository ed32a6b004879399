#!/usr/bin/env bash
# Question-bank import at scale (issue 14; figures in docs/benchmarks.md): the training
# administrator uploads a CSV of ROWS questions (default 10,000) and then the same bank as XLSX
# exported by the portal; prints each request's time, the server's RSS and the rows stored.
# Usage: scripts/bench_import.sh [rows] [sqlite|postgres|both]
# (SW_BENCH_SKIP_BUILD=1 uses the release build already there.)
source "$(dirname "$0")/common.sh"
ROWS=${1:-10000}
WHICH=${2:-both}
"$ROOT/scripts/setup.sh" --test
if [ -z "${SW_BENCH_SKIP_BUILD:-}" ]; then
  step "release build"
  build_release
fi

source "$ROOT/scripts/bench_lib.sh"

{
  echo "题型,题干,选项A,选项B,选项C,选项D,答案,领域,难度"
  for i in $(seq 1 "$ROWS"); do
    echo "单选,第${i}题：有限空间作业前应当采取的第一步措施是什么？,先通风${i},再检测${i},后作业${i},直接进入${i},A,GM,2"
  done
} >"$WORK/bank.csv"
echo "CSV: $ROWS rows, $(stat -c %s "$WORK/bank.csv") bytes"

run_one() {
  local label=$1 url=$2
  step "$label: import $ROWS questions"
  local port key jar base
  port=$(free_port); key=$("$BIN" gen-key); jar="$WORK/jar-$label"
  export DATABASE_URL="$url" SW_DATA_KEY="$key" SW_LOG=warn
  "$BIN" migrate >/dev/null
  printf '%s\n' "bench trainer password" | "$BIN" admin create-user --role training_admin --name bench.trainer >/dev/null
  SW_BIND="127.0.0.1:$port" "$BIN" >"$WORK/server-$label.log" 2>&1 &
  local spid=$!
  PIDS+=("$spid")
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
  base="http://127.0.0.1:$port"
  curl -fsS -c "$jar" -b "$jar" -H 'accept: application/json' -d 'username=bench.trainer&password=bench trainer password' "$base/api/login" >/dev/null
  echo "server RSS before: $(awk '/VmRSS/ {print $2 " kB"}' "/proc/$spid/status")"
  curl -sS -o "$WORK/out.json" -w 'CSV upload and import: HTTP %{http_code} in %{time_total} s\n' -c "$jar" -b "$jar" \
    -H 'accept: application/json' -F "file=@$WORK/bank.csv" "$base/staff/questions/upload"
  head -c 200 "$WORK/out.json"; echo
  curl -sS -o "$WORK/bank.xlsx" -w 'XLSX export: HTTP %{http_code} in %{time_total} s, %{size_download} bytes\n' -b "$jar" \
    "$base/staff/questions/export.xlsx"
  echo "rows stored: $(psql_or_sqlite "$url" 'select count(*) from quiz_questions')"
  echo "server RSS after: $(awk '/VmRSS/ {print $2 " kB"}' "/proc/$spid/status"), peak $(awk '/VmHWM/ {print $2 " kB"}' "/proc/$spid/status")"
  echo "panics in the server log: $(grep -c panicked "$WORK/server-$label.log" || true)"
  kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null || true
}

psql_or_sqlite() {
  case $1 in
    sqlite*) python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "${1#sqlite://}" "$2" ;;
    postgres*) psql "$1" -Atc "$2" ;;
  esac
}

bench_backends "$WHICH"
