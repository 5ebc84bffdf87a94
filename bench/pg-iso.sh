#!/usr/bin/env bash
# PostgreSQL write isolation, old default against new (issue 10): the mixed market workload of
# bench/pg.sh (bench/wrk-mixed.lua: login, keyed supply publish, match, keyed quote) on one
# `qilian serve` on a private PostgreSQL primary, QILIAN_PG_WRITES=lock (READ COMMITTED under
# the database's write lock, the old default) against serializable (the new default), alternating
# lock/serializable ROUNDS times at each of CONNS connections, a fresh server and 400 fresh
# demands per cell. Per cell: req/s, p50/p99, answers by status, the server's CPU time
# (user+sys from /proc/PID/stat) per request, requests the server ran again after a
# serialisation conflict (its log), and transactions rolled back (pg_stat_database).
# Markdown on stdout. Run under `flock /tmp/qilian-bench.lock`.
#
# Usage: bench/pg-iso.sh path/to/qilian
# Environment: CONNS ("64 256") DURATION (10s) ROUNDS (2) THREADS (4) WRK_THREADS (2)
set -euo pipefail
Q=$(realpath "${1:?usage: bench/pg-iso.sh path/to/qilian}")
CONNS=${CONNS:-64 256}
DURATION=${DURATION:-10s}
ROUNDS=${ROUNDS:-2}
THREADS=${THREADS:-4}
WRK_THREADS=${WRK_THREADS:-2}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
CLU=$ROOT/tests/cluster/pg-cluster.sh
OUT=$HERE/out/pg-iso-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$OUT/noweb"
chmod 711 "$OUT"
say() { echo "pg-iso.sh: $*" >&2; }
spid=
cleanup() { [ -n "$spid" ] && kill -TERM "$spid" 2>/dev/null; wait 2>/dev/null; "$CLU" stop "$OUT/pg" >/dev/null 2>&1 || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_http() { for _ in $(seq 300); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done; say "nothing at $1"; return 1; }

PG_SETTINGS=$'fsync = on\nfull_page_writes = on\nsynchronous_commit = off\nshared_buffers = 512MB\nmax_connections = 200' \
  "$CLU" start "$OUT/pg" --no-standby >/dev/null
# shellcheck source=/dev/null
. "$OUT/pg/env"
DB=$PRIMARY_URL
pgq() { psql -XtAq -v ON_ERROR_STOP=1 "$DB" -c "$1"; }
"$Q" --db "$DB" migrate >/dev/null
"$Q" gen enterprises 20000 --seed 7 --output "$OUT/ent.csv" >/dev/null
"$Q" --db "$DB" import enterprises "$OUT/ent.csv" >/dev/null
NSUP=16
"$Q" gen enterprises $((NSUP + 1)) --seed 990 --output "$OUT/actors.csv" >/dev/null
op=$("$Q" --db "$DB" org add --name "基准测试运营方" --type operator | sed -n 's/^  "id": \([0-9]*\),*$/\1/p')
"$Q" --db "$DB" user add --org "$op" --role admin --email bench@qilian.test --password bench-password-2026 >/dev/null
for i in $(seq $((NSUP + 1))); do
  org=$("$Q" --db "$DB" org add --name "基准组织$i" --type "$([ $i = $((NSUP + 1)) ] && echo large || echo sme)" | sed -n 's/^  "id": \([0-9]*\),*$/\1/p')
  "$Q" --db "$DB" user add --org "$org" --role admin --email "bench$i@qilian.test" --password bench-password-2026 >/dev/null
  { head -1 "$OUT/actors.csv"; sed -n "$((i + 1))p" "$OUT/actors.csv"; } >"$OUT/actor$i.csv"
  "$Q" --db "$DB" import enterprises "$OUT/actor$i.csv" --org "$org" >/dev/null
done
BUYER=$(sed -n "$((NSUP + 2))p" "$OUT/actors.csv" | cut -d, -f1)
pgq "VACUUM ANALYZE" >/dev/null

login() { curl -sf -X POST -H 'Content-Type: application/json' -d "{\"email\":\"$2\",\"password\":\"bench-password-2026\"}" \
  "$1/api/v1/auth/login" | sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p'; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
rollbacks() { pgq "SELECT xact_rollback FROM pg_stat_database WHERE datname=current_database()"; }
TCK=$(getconf CLK_TCK)

rows=()
for c in $CONNS; do
  for r in $(seq "$ROUNDS"); do
    for mode in lock serializable; do
      p=$(free_port) log=$OUT/serve-$mode-$c-$r.log
      QILIAN_PG_WRITES=$mode "$Q" serve --db "$DB" --listen "127.0.0.1:$p" --threads "$THREADS" --max-per-address 0 \
        --web "$OUT/noweb" >"$log" 2>&1 &
      spid=$!
      URL=http://127.0.0.1:$p
      wait_http "$URL/api/v1/health"
      for i in $(seq $NSUP); do
        echo "$(login "$URL" "bench$i@qilian.test") $(sed -n "$((i + 1))p" "$OUT/actors.csv" | cut -d, -f1) bench$i@qilian.test"
      done >"$OUT/suppliers.txt"
      RUNID=r$(date +%s%N | tail -c 9)
      { echo "uscc,title,description,chain,segment,quantity,unit,budget_fen,deadline,region,certifications"
        for i in $(seq 400); do echo "$BUYER,基准需求$RUNID-$i 扁线永磁同步电机,峰值功率150kW,,,100,台,,,,"; done; } >"$OUT/demands.csv"
      "$Q" --db "$DB" import demands "$OUT/demands.csv" >/dev/null
      pgq "SELECT id FROM demands WHERE title LIKE '基准需求$RUNID-%'" >"$OUT/demands.txt"
      load=$(cut -d' ' -f1 /proc/loadavg)
      say "$mode -c$c round $r (load $load)"
      t0=$(cpu_ticks "$spid") rb0=$(rollbacks) n0=$(grep -c 'serialisation conflict' "$log" || true)
      wrk -t"$WRK_THREADS" -c"$c" -d"$DURATION" --timeout 10s --latency -s "$HERE/wrk-mixed.lua" "$URL" -- \
        "$OUT/suppliers.txt" "$OUT/demands.txt" bench@qilian.test bench-password-2026 "$WRK_THREADS" "$RUNID" >"$OUT/wrk.txt"
      t1=$(cpu_ticks "$spid") rb1=$(rollbacks) n1=$(grep -c 'serialisation conflict' "$log" || true)
      kill -TERM "$spid"; wait "$spid" 2>/dev/null || true; spid=
      line=$(grep '^BENCH ' "$OUT/wrk.txt") || { cat "$OUT/wrk.txt" >&2; exit 1; }
      val() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$line"; }
      reqs=$(val requests) rps=$(val rps)
      mix=$(sed -n 's/^MIXED //p' "$OUT/wrk.txt")
      cpu_us=$(awk "BEGIN { printf \"%.0f\", ($t1 - $t0) * 1e6 / $TCK / ($reqs > 0 ? $reqs : 1) }")
      rows+=("| $mode | $c | $r | $rps | $(awk "BEGIN { printf \"%.1f\", $(val p50_us) / 1000 }") | $(awk "BEGIN { printf \"%.1f\", $(val p99_us) / 1000 }") | $cpu_us | $((n1 - n0)) | $((rb1 - rb0)) | $mix | $load |")
    done
  done
done
echo "Machine: $(nproc) cores, PostgreSQL $(pgq 'SHOW server_version') (fsync on, synchronous_commit off), one server --threads $THREADS, wrk -t$WRK_THREADS, $DURATION per cell."
echo ""
echo "| QILIAN_PG_WRITES | conns | round | req/s | p50 ms | p99 ms | server CPU µs/req | requests run again | rollbacks | answers by status | load |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |"
printf '%s\n' "${rows[@]}"
