#!/usr/bin/env bash
# A/B of the finance transfer load (issue 11) for the finance-perf work: runs bench/finance_load.mjs
# (finance-proof's load: 8 clients, one issuer's tree) against each given binary in turn, ROUNDS
# times alternating, each run on a fresh copy of the same demo database, and prints one line per
# run (transfers/s, p50/p90/p99/max, server CPU µs per transfer, load average, the WAL file's size
# when the load ends).
# Usage: bench/finance-perf.sh DEMO_DB BINARY...   (env CLIENTS 8, DURATION 8, THREADS 8, ROUNDS 3,
#   PORT 18531, GEN=node|c: the load generator, bench/finance_load.mjs (default) or
#   bench/finance_load.c (the same load in C, built here with cc -ljansson, so that the generator
#   takes less of the server's CPU); LOAD=path of finance_load.mjs for GEN=node)
set -euo pipefail
DB=$(realpath "${1:?usage: bench/finance-perf.sh DEMO_DB BINARY...}"); shift
HERE=$(cd "$(dirname "$0")" && pwd)
CLIENTS=${CLIENTS:-8} DURATION=${DURATION:-8} THREADS=${THREADS:-8} ROUNDS=${ROUNDS:-3} PORT=${PORT:-18531}
OUT=$(mktemp -d)
LOAD=${LOAD:-$HERE/finance_load.mjs}
if [ ! -f "$LOAD" ]; then git -C "$HERE" show finance-proof:bench/finance_load.mjs >"$OUT/finance_load.mjs"; LOAD=$OUT/finance_load.mjs; fi
mkdir -p "$OUT/noweb"
GEN=${GEN:-node}
if [ "$GEN" = c ]; then cc -O2 -pthread "$HERE/finance_load.c" -o "$OUT/finance_load" -ljansson; fi
for r in $(seq "$ROUNDS"); do
  for Q in "$@"; do
    cp "$DB" "$OUT/load.db"; rm -f "$OUT/load.db-wal" "$OUT/load.db-shm"
    "$Q" serve --db "$OUT/load.db" --listen "127.0.0.1:$PORT" --quiet --threads "$THREADS" --web "$OUT/noweb" \
      --max-per-address 0 >"$OUT/serve.log" 2>&1 &
    QPID=$!
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/api/v1/health" >/dev/null && break; sleep 0.1; done
    la0=$(cut -d' ' -f1 /proc/loadavg)
    c0=$(awk '{ print $14 + $15 }' "/proc/$QPID/stat"); w0=$(awk "/^wchar/ { print \$2 }" "/proc/$QPID/io")
    if [ "$GEN" = c ]; then
      res=$(CLIENTS=$CLIENTS LOAD_SECONDS=$DURATION "$OUT/finance_load" "127.0.0.1:$PORT")
    else
      res=$(CLIENTS=$CLIENTS LOAD_SECONDS=$DURATION node "$LOAD" "http://127.0.0.1:$PORT")
    fi
    c1=$(awk '{ print $14 + $15 }' "/proc/$QPID/stat"); w1=$(awk "/^wchar/ { print \$2 }" "/proc/$QPID/io")
    la="$la0–$(cut -d' ' -f1 /proc/loadavg)"
    wal=$(( $(stat -c %s "$OUT/load.db-wal" 2>/dev/null || echo 0) / 1048576 ))
    kill "$QPID"; wait "$QPID" 2>/dev/null || true
    v=$("$Q" --db "$OUT/load.db" finance verify >/dev/null 2>&1 && echo ok || echo FAILED)
    node -e 'const r=JSON.parse(process.argv[1]);console.log(`${process.argv[2]} round ${process.argv[3]}: ${r.per_second}/s (${r.transfers}), p50 ${r.p50_ms} p90 ${r.p90_ms} p99 ${r.p99_ms} max ${r.max_ms} ms, errors ${r.errors}, cpu ${(Number(process.argv[4])*10000/r.transfers).toFixed(0)} µs/transfer, ${(Number(process.argv[7])/1024/r.transfers).toFixed(0)} KiB written/transfer, load ${process.argv[5]}, WAL ${process.argv[8]} MiB, verify ${process.argv[6]}${r.generator_cpu_us ? `, generator ${(r.generator_cpu_us/r.transfers).toFixed(0)} µs/transfer` : ""}`)' \
      "$res" "$(basename "$Q")" "$r" "$((c1 - c0))" "$la" "$v" "$((w1 - w0))" "$wal"
  done
done
rm -rf "$OUT"
