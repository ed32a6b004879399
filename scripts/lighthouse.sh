#!/usr/bin/env bash
# Lighthouse on the public pages (issue 12; figures in docs/benchmarks.md): npm `lighthouse`
# (pinned below) in Debian's Chromium, headless, its default mobile emulation with simulated
# throttling (slow 4G, 4x CPU), against the release build on loopback with a fresh SQLite database
# and the demo data. Nothing leaves the machine. Each page is run RUNS times and the run with the
# median performance score is reported, with the audits it did not pass.
# Usage: scripts/lighthouse.sh [runs per page, default 3] [path ...]
# (SW_BENCH_SKIP_BUILD=1 uses the release build already there; SW_LH_KEEP=DIR keeps the JSON reports.)
source "$(dirname "$0")/common.sh"
RUNS=${1:-3}
shift || true
PAGES=("$@")
[ ${#PAGES[@]} -gt 0 ] || PAGES=(/ /report /report/new /lookup /quiz)
LIGHTHOUSE_VERSION=12.8.2
"$ROOT/scripts/setup.sh" --test
LH_DIR="$HOME/.cache/safewhistle/lighthouse-$LIGHTHOUSE_VERSION"
if [ ! -x "$LH_DIR/node_modules/.bin/lighthouse" ]; then
  step "npm: lighthouse $LIGHTHOUSE_VERSION (one-time, outside the repository)"
  mkdir -p "$LH_DIR"
  (cd "$LH_DIR" && echo '{"private": true}' >package.json \
    && npm install --no-audit --no-fund --save-exact "lighthouse@$LIGHTHOUSE_VERSION")
fi
if [ -z "${SW_BENCH_SKIP_BUILD:-}" ]; then
  step "release build"
  build_release
fi
source "$ROOT/scripts/bench_lib.sh"

step "server: SQLite, demo data"
export SW_DATA_KEY DATABASE_URL="sqlite://$WORK/lh.db"
SW_DATA_KEY=$("$BIN" gen-key)
"$BIN" migrate >/dev/null
"$BIN" seed-demo >/dev/null
PORT=$(free_port)
SW_BIND="127.0.0.1:$PORT" SW_LOG=warn "$BIN" >"$WORK/server.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.2; done

step "lighthouse $LIGHTHOUSE_VERSION, $RUNS run(s) per page"
for page in "${PAGES[@]}"; do
  reports=()
  for i in $(seq 1 "$RUNS"); do
    out="$WORK/lh$(echo "$page" | tr '/' '_')-$i.json"
    # A run now and then fails to record its trace (NO_NAVSTART); it is tried again, twice at most.
    for _ in 1 2 3; do
      "$LH_DIR/node_modules/.bin/lighthouse" "http://127.0.0.1:$PORT$page" --quiet \
        --chrome-path=/usr/bin/chromium --chrome-flags="--headless=new --no-sandbox --disable-gpu" \
        --only-categories=performance,accessibility,best-practices,seo \
        --output=json --output-path="$out" >/dev/null 2>&1 || true
      [ -s "$out" ] && node -e 'process.exit(require(process.argv[1]).runtimeError ? 1 : 0)' "$out" && break
      rm -f "$out"
    done
    [ -s "$out" ] && reports+=("$out")
  done
  [ ${#reports[@]} -gt 0 ] || { echo "$page: no Lighthouse run succeeded" >&2; exit 1; }
  [ -z "${SW_LH_KEEP:-}" ] || { mkdir -p "$SW_LH_KEEP" && cp "${reports[@]}" "$SW_LH_KEEP/"; }
  node - "$page" "${reports[@]}" <<'EOF'
const [page, ...files] = process.argv.slice(2);
const runs = files.map(f => require(f)).sort((a, b) => a.categories.performance.score - b.categories.performance.score);
const r = runs[Math.floor((runs.length - 1) / 2)];
const c = r.categories, a = r.audits;
const score = k => Math.round(c[k].score * 100);
const perf = runs.map(x => Math.round(x.categories.performance.score * 100)).join('/');
console.log(`${page}  performance ${score('performance')} (runs ${perf})  accessibility ${score('accessibility')}  ` +
  `best practices ${score('best-practices')}  SEO ${score('seo')}`);
console.log('    ' + [['FCP', 'first-contentful-paint'], ['LCP', 'largest-contentful-paint'], ['TBT', 'total-blocking-time'],
  ['SI', 'speed-index'], ['TTI', 'interactive'], ['CLS', 'cumulative-layout-shift']]
  .map(([n, k]) => `${n} ${a[k].displayValue}`).join('  '));
for (const [k, v] of Object.entries(a))
  if (v.score !== null && v.score < 0.9 && !['informative', 'notApplicable', 'manual'].includes(v.scoreDisplayMode))
    console.log(`    not passed: ${k} (${v.score})${v.displayValue ? ' ' + v.displayValue : ''}`);
EOF
done
