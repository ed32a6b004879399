#!/usr/bin/env bash
# Runs every test on a fresh Debian machine: installs what is missing, then
#  1. unit and integration tests (cargo test) against SQLite and a throwaway PostgreSQL cluster,
#  2. the release build (server + WebAssembly bundle) with cargo-leptos,
#  3. Playwright end-to-end tests in Debian's Chromium, with JavaScript off and hydrated,
#     against the release server on a fresh SQLite database.
source "$(dirname "$0")/common.sh"
"$ROOT/scripts/setup.sh" --test

WORK=$(mktemp -d)
chmod 755 "$WORK"   # the postgres user must reach the cluster directory inside
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  "$ROOT/scripts/pg.sh" stop "$WORK/pg" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

step "starting a throwaway PostgreSQL cluster"
SW_TEST_POSTGRES_URL=$("$ROOT/scripts/pg.sh" start "$WORK/pg")
export SW_TEST_POSTGRES_URL
echo "PostgreSQL at $SW_TEST_POSTGRES_URL"

step "unit and integration tests (SQLite and PostgreSQL)"
# One test at a time: less CPU contention on 2 cores (the rare SSR stall of issue 11 is timing-dependent).
cargo test --workspace --locked -- --test-threads=1

step "release build: server and WebAssembly bundle (cargo-leptos)"
build_release

step "end-to-end tests (Playwright in Debian's Chromium; JavaScript off, then hydrated)"
PORT=$(free_port)
export DATABASE_URL="sqlite://$WORK/e2e/safewhistle.db"
export SW_BIND="127.0.0.1:$PORT"
export SW_DATA_KEY=$("$BIN" gen-key)
export SW_E2E_ADMIN=e2e.admin
export SW_E2E_ADMIN_PASSWORD="e2e-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export SW_E2E_INTAKE=e2e.intake
export SW_E2E_INTAKE_PASSWORD="e2e-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
for who in HANDLER REWARD1 REWARD2 TRAINER WORKER DAILY1 DAILY2 MANAGER1 MANAGER2 STAFF1 STAFF2; do
  export "SW_E2E_${who}=e2e.$(echo "$who" | tr 'A-Z' 'a-z')"
  export "SW_E2E_${who}_PASSWORD=e2e-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
done
# Some report tests set a case's state directly; the workflow test tampers with the audit log.
export SW_E2E_DB="$WORK/e2e/safewhistle.db"
# Without JavaScript the server waits instead of a proof of work; keep that short in tests.
export SW_NOJS_DELAY_MS=300
# Every browser test posts from 127.0.0.1; the per-client limit itself is tested in the integration tests.
export SW_REPORT_SUBMITS_PER_HOUR=1000
"$BIN" migrate
# Reference data (departments, towns/streets) and throwaway demo accounts.
"$BIN" seed-demo >/dev/null
printf '%s\n' "$SW_E2E_ADMIN_PASSWORD" | "$BIN" admin create-user --role admin --name "$SW_E2E_ADMIN" --display-name "端到端管理员"
printf '%s\n' "$SW_E2E_INTAKE_PASSWORD" | "$BIN" admin create-user --role intake_officer --name "$SW_E2E_INTAKE" --display-name "端到端受理员"
printf '%s\n' "$SW_E2E_HANDLER_PASSWORD" | "$BIN" admin create-user --role department_handler --department YJJ --name "$SW_E2E_HANDLER" --display-name "端到端承办人"
printf '%s\n' "$SW_E2E_REWARD1_PASSWORD" | "$BIN" admin create-user --role reward_officer --name "$SW_E2E_REWARD1" --display-name "端到端奖励认定人"
printf '%s\n' "$SW_E2E_REWARD2_PASSWORD" | "$BIN" admin create-user --role reward_officer --name "$SW_E2E_REWARD2" --display-name "端到端奖励复核人"
printf '%s\n' "$SW_E2E_TRAINER_PASSWORD" | "$BIN" admin create-user --role training_admin --name "$SW_E2E_TRAINER" --display-name "端到端培训管理员"
# An employee of the demo enterprise (for the employees' contest and the unit rankings).
printf '%s\n' "$SW_E2E_WORKER_PASSWORD" | "$BIN" admin create-user --role employee --enterprise 91340100MA2NL0H014 --name "$SW_E2E_WORKER" --display-name "端到端职工"
# Two more, one per browser project, for the daily challenge (each day's questions are answered once).
printf '%s\n' "$SW_E2E_DAILY1_PASSWORD" | "$BIN" admin create-user --role employee --enterprise 91340100MA2NL0H014 --name "$SW_E2E_DAILY1" --display-name "端到端职工甲"
printf '%s\n' "$SW_E2E_DAILY2_PASSWORD" | "$BIN" admin create-user --role employee --enterprise 91340100MA2NL0H014 --name "$SW_E2E_DAILY2" --display-name "端到端职工乙"
# Two enterprises with a safety manager each, one per browser project (training records).
sqlite3 "$SW_E2E_DB" "insert into enterprises (name, credit_code, created_at) values ('端到端企业甲', 'E2E00000000000000A', 0), ('端到端企业乙', 'E2E00000000000000B', 0)"
printf '%s\n' "$SW_E2E_MANAGER1_PASSWORD" | "$BIN" admin create-user --role enterprise_manager --enterprise E2E00000000000000A --name "$SW_E2E_MANAGER1" --display-name "端到端安全管理员甲"
printf '%s\n' "$SW_E2E_MANAGER2_PASSWORD" | "$BIN" admin create-user --role enterprise_manager --enterprise E2E00000000000000B --name "$SW_E2E_MANAGER2" --display-name "端到端安全管理员乙"
printf '%s\n' "$SW_E2E_STAFF1_PASSWORD" | "$BIN" admin create-user --role employee --enterprise E2E00000000000000A --name "$SW_E2E_STAFF1" --display-name "端到端员工甲"
printf '%s\n' "$SW_E2E_STAFF2_PASSWORD" | "$BIN" admin create-user --role employee --enterprise E2E00000000000000B --name "$SW_E2E_STAFF2" --display-name "端到端员工乙"
"$BIN" >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do
  curl -fsS "http://$SW_BIND/healthz" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fsS "http://$SW_BIND/healthz" >/dev/null || { cat "$WORK/server.log"; exit 1; }
export SW_BASE_URL="http://$SW_BIND"
if ! (cd end2end && npx playwright test); then
  echo "--- server log ---"; tail -n 50 "$WORK/server.log"
  exit 1
fi

step "all tests passed"
