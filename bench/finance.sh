#!/usr/bin/env bash
# Finance benchmark (issue 11): transfers per second through the HTTP API with CLIENTS (8)
# concurrent clients all working one issuer's tree (bench/finance_load.mjs: contention on one
# certificate, not independent accounts), with p50/p90/p99 latency; and `qilian finance verify`
# on CERTS x LEAVES (1000 x 1000 = 1,000,000) live pieces (bench/finance_driver.c generates them:
# certificates through the domain, the split trees by direct SQL). Both start from the demo
# database (scripts/demo-data). Prints a markdown report (also bench/out/finance-*/report.md);
# progress on stderr.
#
# Usage: bench/finance.sh path/to/qilian
#   The binary's build directory must hold libqilian_core.a and CMakeFiles/qilian.dir/link.txt.
# Environment: CLIENTS (8) DURATION (10 s) THREADS (server threads, 8) CERTS (1000) LEAVES (1000)
#   VERIFY_RUNS (3) PORT (18431) BUILD (dir of the qilian binary) SKIP_VERIFY=1 / SKIP_LOAD=1
set -euo pipefail
Q=$(realpath "${1:?usage: bench/finance.sh path/to/qilian}")
BUILD=$(realpath "${BUILD:-$(dirname "$Q")}")
CLIENTS=${CLIENTS:-8} DURATION=${DURATION:-10} THREADS=${THREADS:-8} CERTS=${CERTS:-1000} LEAVES=${LEAVES:-1000}
VERIFY_RUNS=${VERIFY_RUNS:-3} PORT=${PORT:-18431}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
OUT=$HERE/out/finance-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT"
say() { echo "finance.sh: $*" >&2; }
QPID=""
cleanup() { [ -n "$QPID" ] && kill "$QPID" 2>/dev/null; wait 2>/dev/null || true; }
trap cleanup EXIT
[ -f "$BUILD/libqilian_core.a" ] && [ -f "$BUILD/CMakeFiles/qilian.dir/link.txt" ] ||
  { say "$BUILD has no libqilian_core.a / CMakeFiles/qilian.dir/link.txt (set BUILD=)"; exit 1; }

say "building bench/finance_driver.c into $OUT"
link=$(sed -e 's#^.* -o qilian ##' "$BUILD/CMakeFiles/qilian.dir/link.txt")
# shellcheck disable=SC2086
(cd "$BUILD" && cc -O2 -D_GNU_SOURCE -I"$ROOT/src" "$HERE/finance_driver.c" -o "$OUT/finance_driver" $link)

say "demo database"
"$ROOT/scripts/demo-data" "$Q" "$OUT/demo.db" >/dev/null
load=$(cut -d' ' -f1 /proc/loadavg)
{
  echo "## Finance (资金链, \`bench/finance.sh\`)"
  echo
  echo "$(date -u +%Y-%m-%d\ %H:%M) UTC, commit $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, load average $load at the start."
  echo
} >"$OUT/report.md"

if [ -z "${SKIP_LOAD:-}" ]; then
  cp "$OUT/demo.db" "$OUT/load.db"
  mkdir -p "$OUT/noweb"
  "$Q" serve --db "$OUT/load.db" --listen "127.0.0.1:$PORT" --quiet --threads "$THREADS" --web "$OUT/noweb" \
    --max-per-address 0 >"$OUT/serve.log" 2>&1 &
  QPID=$!
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null && break; sleep 0.1; done
  say "transfer load: $CLIENTS clients, ${DURATION}s, $THREADS server threads"
  CLIENTS=$CLIENTS LOAD_SECONDS=$DURATION node "$HERE/finance_load.mjs" "http://127.0.0.1:$PORT" >"$OUT/load.json" &
  LPID=$!
  # CPU of the server during the run (ticks of 10 ms), to say what a transfer costs it.
  c0=$(awk '{ print $14 + $15 }' "/proc/$QPID/stat")
  wait "$LPID"
  c1=$(awk '{ print $14 + $15 }' "/proc/$QPID/stat")
  kill "$QPID"; wait "$QPID" 2>/dev/null || true; QPID=""
  "$Q" --db "$OUT/load.db" finance verify >"$OUT/load-verify.json"
  node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    const cpu = Number(process.argv[2]) * 10;
    console.log("### Transfers through the API, " + r.clients + " clients on one issuer\x27s tree");
    console.log();
    console.log("| transfers | seconds | transfers/s | p50 ms | p90 ms | p99 ms | max ms | errors | server CPU per transfer |");
    console.log("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    console.log(`| ${r.transfers} | ${r.seconds.toFixed(1)} | **${r.per_second}** | ${r.p50_ms} | ${r.p90_ms} | **${r.p99_ms}** | ${r.max_ms} | ${r.errors} | ${(cpu * 1000 / r.transfers).toFixed(0)} µs (includes the warm-up second) |`);
    console.log();
    console.log(`Goals: ≥ 3,000 transfers/s (${r.per_second >= 3000 ? "met" : "**not met**"}), p99 ≤ 20 ms (${r.p99_ms <= 20 ? "met" : "**not met**"}). \`finance verify\` after the run: ok.`);
    console.log();
  ' "$OUT/load.json" "$((c1 - c0))" >>"$OUT/report.md"
fi

if [ -z "${SKIP_VERIFY:-}" ]; then
  cp "$OUT/demo.db" "$OUT/verify.db"
  say "generating $CERTS x $LEAVES pieces"
  "$OUT/finance_driver" gen "$OUT/verify.db" "$CERTS" "$LEAVES" >"$OUT/gen.json"
  sqlite3 "$OUT/verify.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
  live=$(sqlite3 "$OUT/verify.db" "SELECT count(*) FROM finance_pieces WHERE state NOT IN ('split','transferred')")
  all=$(sqlite3 "$OUT/verify.db" "SELECT count(*) FROM finance_pieces")
  times=()
  for i in $(seq "$VERIFY_RUNS"); do
    say "finance verify, run $i"
    /usr/bin/time -f '%e %U %S %M' -o "$OUT/verify-$i.time" "$Q" --db "$OUT/verify.db" finance verify >"$OUT/verify-$i.json"
    times+=("$(cat "$OUT/verify-$i.time")")
  done
  {
    echo "### \`qilian finance verify\` on $live live pieces ($all piece rows)"
    echo
    echo "Generated: $(cat "$OUT/gen.json")"
    echo
    echo "| run | wall s | user s | sys s | peak RSS KiB |"
    echo "|---:|---:|---:|---:|---:|"
    i=1; for t in "${times[@]}"; do read -r e u s m <<<"$t"; echo "| $i | $e | $u | $s | $m |"; i=$((i + 1)); done
    best=$(printf '%s\n' "${times[@]}" | sort -n | head -1 | cut -d' ' -f1)
    echo
    echo "Best $best s; goal ≤ 3 s: $(awk "BEGIN { print ($best <= 3) ? \"met\" : \"**not met**\" }"). Answer: \`$(head -c 300 "$OUT/verify-1.json" | tr -d '\n ')\`"
    echo
  } >>"$OUT/report.md"
fi
cat "$OUT/report.md"
