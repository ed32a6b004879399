#!/usr/bin/env bash
# Training records at district scale (issue 15; figures in docs/benchmarks.md): ENTERPRISES
# enterprises (default 2,000, in 10 towns, 100 villages and every sector) of 50 employees each
# (100,000, hired from 2015 to today), ten on-site sessions each this year attended by all their
# employees (1,000,000 attendance rows), generated in SQL. Then, as one enterprise's safety
# manager, the compliance of that enterprise, and as the training administrator the district
# overview (server function and page with Accept-Encoding: br), each timed RUNS times (default
# 20); the district's compliance and records files (CSV, XLSX); the server's RSS before and after.
# Usage: scripts/bench_training.sh [enterprises] [sqlite|postgres|both]
# (SW_BENCH_SKIP_BUILD=1 uses the release build already there.)
source "$(dirname "$0")/common.sh"
ENTERPRISES=${1:-2000}
WHICH=${2:-both}
RUNS=${RUNS:-20}
"$ROOT/scripts/setup.sh" --test
if [ -z "${SW_BENCH_SKIP_BUILD:-}" ]; then
  step "release build"
  build_release
fi

source "$ROOT/scripts/bench_lib.sh"

EMPLOYEES=$((ENTERPRISES * 50))
SESSIONS=$((ENTERPRISES * 10))
TODAY=$(( ($(date +%s) + 8 * 3600) / 86400 ))
JAN1=$(( $(date -u -d "$(date -u -d @$(( $(date +%s) + 8 * 3600 )) +%Y)-01-01" +%s) / 86400 ))
SPAN=$(( TODAY - JAN1 + 1 ))
YEAR=$(date -u -d @$(( $(date +%s) + 8 * 3600 )) +%Y)

# Portable SQL (SQLite and PostgreSQL): counters from a recursive query. Enterprise ids are
# 1..ENTERPRISES in a fresh database; employee i works for enterprise (i-1)/50+1.
generate_sql() {
  cat <<SQL
insert into towns (code, name_zh, name_en, kind, created_at)
  with recursive n(i) as (select 1 union all select i + 1 from n where i < 10)
  select 'BT' || i, '测试镇' || i, 'Bench town ' || i, 'town', 0 from n;
insert into villages (code, name_zh, name_en, town_id, kind, created_at)
  with recursive n(i) as (select 1 union all select i + 1 from n where i < 100)
  select 'BV' || i, '测试村' || i, 'Bench village ' || i, (i - 1) / 10 + 1, 'village', 0 from n;
insert into enterprises (name, credit_code, high_risk, town_id, village_id, sector_id, created_at)
  with recursive n(i) as (select 1 union all select i + 1 from n where i < $ENTERPRISES)
  select 'Bench enterprise ' || i, 'BENCH' || i, case when i % 10 = 0 then 1 else 0 end,
         ((i - 1) % 100) / 10 + 1, (i - 1) % 100 + 1,
         (select min(id) from sectors) + i % (select count(*) from sectors), 0 from n;
insert into training_employees (enterprise_id, name, category, hired_on, contact, active, created_at, updated_at)
  with recursive n(i) as (select 1 union all select i + 1 from n where i < $EMPLOYEES)
  select (i - 1) / 50 + 1, 'Employee ' || i,
         case i % 10 when 0 then 'principal' when 1 then 'safety_manager' when 2 then 'special_operation' else 'other' end,
         16436 + (i * 7) % ($TODAY - 16436 + 1), '', 1, 0, 0 from n;
insert into training_sessions (enterprise_id, title, audience, phase, minutes, held_on, trainer, material, created_by, created_at)
  with recursive n(i) as (select 1 union all select i + 1 from n where i < $SESSIONS)
  select (i - 1) / 10 + 1, 'Session ' || i, 'all', 'refresher', 90, $JAN1 + (i * 37) % $SPAN, 'Trainer', '', (select min(id) from users), 0 from n;
insert into training_attendance (session_id, employee_id, enterprise_id, held_on, minutes)
  select s.id, e.id, e.enterprise_id, s.held_on, s.minutes from training_sessions s
  join training_employees e on e.enterprise_id = s.enterprise_id;
insert into training_year_minutes (employee_id, year, minutes)
  select employee_id, $YEAR, sum(minutes) from training_attendance group by employee_id;
SQL
}

psql_or_sqlite() {
  case $1 in
    sqlite*) python3 -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()[0])' "${1#sqlite://}" "$2" ;;
    postgres*) psql "$1" -Atc "$2" ;;
  esac
}

# time_it LABEL URL [curl args…]: RUNS requests; min, median, p95 and max in ms.
time_it() {
  local label=$1 url=$2; shift 2
  local t=()
  for _ in $(seq 1 "$RUNS"); do
    t+=("$(curl -sS -o "$WORK/body" -w '%{time_total}' -b "$WORK/jar" "$@" "$url")")
  done
  printf '%s\n' "${t[@]}" | sort -n | awk -v label="$label" -v bytes="$(stat -c %s "$WORK/body")" '
    { v[NR] = $1 * 1000 } END {
      p95 = v[int(NR * 0.95 + 0.5)]; if (p95 == "") p95 = v[NR];
      printf "%-48s min %7.1f  median %7.1f  p95 %7.1f  max %7.1f ms  (%d bytes)\n", label, v[1], v[int((NR + 1) / 2)], p95, v[NR], bytes }'
}

run_one() {
  local label=$1 url=$2
  step "$label: $ENTERPRISES enterprises, $EMPLOYEES employees, $((EMPLOYEES * 10)) attendance rows"
  local port key base spid
  port=$(free_port); key=$("$BIN" gen-key)
  export DATABASE_URL="$url" SW_DATA_KEY="$key" SW_LOG=warn
  "$BIN" migrate >/dev/null
  # The sessions' recorder (a training administrator; created before the enterprises exist).
  printf '%s\n' "bench trainer password" | "$BIN" admin create-user --role training_admin --name bench.trainer >/dev/null
  local started=$SECONDS
  case $url in
    sqlite*) generate_sql | python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.executescript(sys.stdin.read()); c.commit()' "${url#sqlite://}" ;;
    postgres*) generate_sql | psql -q "$url" -v ON_ERROR_STOP=1 >/dev/null; psql -q "$url" -c 'analyze' >/dev/null ;;
  esac
  echo "generated in $((SECONDS - started)) s: $(psql_or_sqlite "$url" 'select count(*) from training_attendance') attendance rows"
  printf '%s\n' "bench manager password" | "$BIN" admin create-user --role enterprise_manager --enterprise BENCH1 --name bench.manager >/dev/null
  SW_BIND="127.0.0.1:$port" "$BIN" >"$WORK/server-$label.log" 2>&1 &
  spid=$!
  PIDS+=("$spid")
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.2; done
  base="http://127.0.0.1:$port"
  rm -f "$WORK/jar"
  curl -fsS -c "$WORK/jar" -b "$WORK/jar" -H 'accept: application/json' -d 'username=bench.manager&password=bench manager password' "$base/api/login" >/dev/null
  echo "server RSS before: $(awk '/VmRSS/ {print $2 " kB"}' "/proc/$spid/status") (anonymous $(awk '/RssAnon/ {print $2 " kB"}' "/proc/$spid/status"))"
  time_it "compliance of one enterprise (server function)" "$base/api/training_compliance" -H 'accept: application/json' -X POST
  time_it "compliance page (Accept-Encoding: br)" "$base/training/enterprise/compliance" -H 'accept-encoding: br'
  # The district overview, as the training administrator.
  rm -f "$WORK/jar-admin"
  curl -fsS -c "$WORK/jar-admin" -b "$WORK/jar-admin" -H 'accept: application/json' -d 'username=bench.trainer&password=bench trainer password' "$base/api/login" >/dev/null
  cp "$WORK/jar-admin" "$WORK/jar"
  time_it "district overview (server function)" "$base/api/training_district" -H 'accept: application/json' -X POST
  time_it "district overview page (Accept-Encoding: br)" "$base/staff/training" -H 'accept-encoding: br'
  # The district's compliance files (one line per employee), streamed: time, size, lines, and the
  # server's peak RSS before and after (VmHWM is the process's high-water mark).
  echo "peak RSS before the files: $(awk '/VmHWM/ {print $2 " kB"}' "/proc/$spid/status")"
  for ext in csv xlsx; do
    curl -sS -o "$WORK/district.$ext" -b "$WORK/jar" -w "district file .$ext: HTTP %{http_code}, %{time_total} s, %{size_download} bytes\n" "$base/staff/training/compliance.$ext"
    echo "  peak RSS after .$ext: $(awk '/VmHWM/ {print $2 " kB"}' "/proc/$spid/status")"
  done
  echo "  lines in the CSV (with the header): $(wc -l < "$WORK/district.csv")"
  # The district's training records (one line per person and training: 1,000,000 here), the same way.
  for ext in csv xlsx; do
    curl -sS -o "$WORK/records.$ext" -b "$WORK/jar" -w "district records .$ext: HTTP %{http_code}, %{time_total} s, %{size_download} bytes\n" "$base/staff/training/records.$ext"
    echo "  peak RSS after records .$ext: $(awk '/VmHWM/ {print $2 " kB"}' "/proc/$spid/status"); anonymous now $(awk '/RssAnon/ {print $2 " kB"}' "/proc/$spid/status")"
  done
  echo "  lines in the records CSV (with the header): $(wc -l < "$WORK/records.csv")"
  # RssAnon is the server's own memory; VmRSS also counts the pages of the SQLite file it maps.
  echo "server RSS after: $(awk '/VmRSS/ {print $2 " kB"}' "/proc/$spid/status") (anonymous $(awk '/RssAnon/ {print $2 " kB"}' "/proc/$spid/status")), peak $(awk '/VmHWM/ {print $2 " kB"}' "/proc/$spid/status")"
  echo "panics in the server log: $(grep -c panicked "$WORK/server-$label.log" || true)"
  kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null || true
}

bench_backends "$WHICH"
