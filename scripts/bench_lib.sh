# Shared by the benchmark scripts (sourced after common.sh): a work directory removed on exit
# with every process started in PIDS and the PostgreSQL cluster stopped, and a run of the
# script's `run_one LABEL DATABASE_URL` on SQLite, PostgreSQL or both.
PIDS=()
WORK=$(mktemp -d)
chmod 755 "$WORK"
bench_cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  "$ROOT/scripts/pg.sh" stop "$WORK/pg" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap bench_cleanup EXIT

# bench_backends sqlite|postgres|both
bench_backends() {
  if [ "$1" != postgres ]; then
    run_one sqlite "sqlite://$WORK/bench.db"
  fi
  if [ "$1" != sqlite ]; then
    local admin
    admin=$("$ROOT/scripts/pg.sh" start "$WORK/pg")
    psql "$admin" -qc 'create database bench' >/dev/null
    run_one postgres "${admin%/*}/bench"
  fi
}

# bulk_cases SQLITE_FILE N: N cases straight into SQLite (varied type, sector, town, status,
# deadline), for the staff queue's benchmarks.
bulk_cases() {
  sqlite3 "$1" "
with recursive n(i) as (select 1 union all select i + 1 from n where i < $2)
insert into reports (case_number, access_hash, report_type, sector_id, town_id, address, description,
  anonymous, status, received_at, due_at, updated_at)
select printf('AQB%09d', i), 'x',
  case i % 4 when 0 then 'major_hazard' when 1 then 'general_hazard' when 2 then 'violation' else 'other' end,
  (select min(id) from sectors) + i % 23, (select min(id) from towns) + i % 6,
  '城关街道工业路 ' || i || ' 号', case i % 5 when 0 then '车间消防通道堵塞，灭火器过期。' else '罐区报警器关闭，夜间动火作业。' end,
  1, case i % 3 when 0 then 'submitted' when 1 then 'verifying' else 'closed' end,
  strftime('%s', 'now') - i * 600, strftime('%s', 'now') + (i % 40 - 10) * 86400, strftime('%s', 'now')
from n;"
}
