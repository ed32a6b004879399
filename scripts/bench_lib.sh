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
