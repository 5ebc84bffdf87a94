#!/usr/bin/env bash
# PostgreSQL benchmark (issue 10), one run on one machine:
#   1. import of ROWS enterprises into PostgreSQL with `qilian import enterprises`, against
#      PostgreSQL's own COPY of the same CSV into a table of the same shape (identity, checks,
#      the unique USCC index); the SQLite import of the same file for reference;
#   2. GET one enterprise (wrk, rotating over 20,000 USCCs) and a mixed market workload
#      (bench/wrk-mixed.lua: login, supply publish, match, quote) at each of CONNS connections:
#      SQLite with one server, PostgreSQL with one server, with two servers behind haproxy, and
#      with two servers reading from a streaming standby (--read-db);
#   3. index builds: the match index (`qilian match index`) over LISTINGS generated supplies and
#      the chain snapshot (`qilian chain graph`) over CHAIN_ENTERPRISES / CHAIN_RELATIONS, each
#      from SQLite and from PostgreSQL (the same data, moved with `qilian store copy`).
# PostgreSQL runs in a private primary + standby (tests/cluster/pg-cluster.sh) with fsync on and
# synchronous_commit off (the durability of SQLite's WAL with synchronous=NORMAL: a crash of the
# machine may lose the last commits, never corrupt). Markdown on stdout (also OUT/report.md).
#
# Usage: bench/pg.sh path/to/qilian
# Environment: ROWS (1000000) CONNS ("64 256") DURATION (10s) THREADS (4: --threads per server)
#   WRK_THREADS (2) LISTINGS (200000) CHAIN_ENTERPRISES (100000) CHAIN_RELATIONS (1000000)
#   RUNS (3: index builds, median) SKIP ("": any of import http index)
set -euo pipefail
Q=$(realpath "${1:?usage: bench/pg.sh path/to/qilian}")
ROWS=${ROWS:-1000000}
CONNS=${CONNS:-64 256}
DURATION=${DURATION:-10s}
THREADS=${THREADS:-4}
WRK_THREADS=${WRK_THREADS:-2}
LISTINGS=${LISTINGS:-200000}
CHAIN_ENTERPRISES=${CHAIN_ENTERPRISES:-100000}
CHAIN_RELATIONS=${CHAIN_RELATIONS:-1000000}
RUNS=${RUNS:-3}
SKIP=${SKIP:-}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
CLU=$ROOT/tests/cluster/pg-cluster.sh
OUT=$HERE/out/pg-$(date -u +%Y%m%dT%H%M%SZ)
DATA=$HERE/data/pg
mkdir -p "$OUT" "$DATA"
chmod 711 "$OUT"
for tool in wrk haproxy psql curl sqlite3 /usr/bin/time; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "pg.sh: needs $tool" >&2; exit 1; }
done
say() { echo "pg.sh: $*" >&2; }
skip() { [[ " $SKIP " == *" $1 "* ]]; }
pids=()
stop_all() {
  for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  pids=()
}
cleanup() { stop_all; "$CLU" stop "$OUT/pg" >/dev/null 2>&1 || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_http() { for _ in $(seq 300); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done; say "nothing at $1"; return 1; }
secs() { /usr/bin/time -f %e -o "$OUT/time.txt" "$@" >"$OUT/last.out" 2>"$OUT/last.err" || { cat "$OUT/last.err" >&2; return 1; }; cat "$OUT/time.txt"; }
report=()
out() { report+=("$*"); }

say "PostgreSQL primary + standby"
PG_SETTINGS=$'fsync = on\nfull_page_writes = on\nsynchronous_commit = off\nshared_buffers = 1GB\nmax_connections = 400' \
  "$CLU" start "$OUT/pg" >/dev/null
# shellcheck source=/dev/null
. "$OUT/pg/env"
BASE=${PRIMARY_URL%/*} SBASE=${STANDBY_URL%/*}
pgq() { psql -XtAq -v ON_ERROR_STOP=1 "$1" -c "$2"; }
newdb() { pgq "$BASE/postgres" "CREATE DATABASE $1"; echo "$BASE/$1"; }
# The standby has replayed everything committed so far. With synchronous_commit off a commit waits
# in the WAL buffers for the WAL writer (wal_writer_delay, 200 ms) and the write position that `lag`
# counts from does not include it yet: so first wait that long (without it, reads on the standby
# right after fresh_demands' import found no demand now and then: 404s in the pg2r mixed cell).
lag_zero() {
  sleep 0.3
  for _ in $(seq 600); do [ "$("$CLU" lag "$OUT/pg")" = 0 ] && return 0; sleep 0.2; done
}

out "Machine: $(nproc) cores ($(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)), load before the run $(cut -d' ' -f1-3 /proc/loadavg);"
out "PostgreSQL $(pgq "$BASE/postgres" 'SHOW server_version'), fsync on, synchronous_commit off, shared_buffers 1GB; SQLite $(sqlite3 --version | cut -d' ' -f1) WAL, synchronous=NORMAL."
out ""

# ---- 1. data and the import ------------------------------------------------------------
CSV=$DATA/enterprises-$ROWS.csv
[ -f "$CSV" ] || { say "generating $ROWS enterprises"; "$Q" gen enterprises "$ROWS" --seed 7 --output "$CSV" >/dev/null; }
SDB=$OUT/ent.db
say "SQLite import of $ROWS enterprises"
t_sqlite=$(secs "$Q" --db "$SDB" import enterprises "$CSV")
PDB=$(newdb ent)
"$Q" --db "$PDB" migrate >/dev/null
if ! skip import; then
  say "PostgreSQL import of $ROWS enterprises (qilian import)"
  t_pg=$(secs "$Q" --db "$PDB" import enterprises "$CSV")
  CDB=$(newdb copyref)
  "$Q" --db "$CDB" migrate >/dev/null
  pgq "$CDB" "CREATE TABLE copy_ref (LIKE enterprises INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES INCLUDING IDENTITY);
    ALTER TABLE copy_ref ALTER size SET DEFAULT 'small', ALTER created_at SET DEFAULT '2026-01-01T00:00:00Z',
      ALTER updated_at SET DEFAULT '2026-01-01T00:00:00Z'"
  say "PostgreSQL COPY of the same CSV"
  t_copy=$(secs psql -XtAq -v ON_ERROR_STOP=1 "$CDB" -c "\\copy copy_ref(uscc,name,region,industry,employees,revenue_wan,assets_wan,level) FROM '$CSV' WITH (FORMAT csv, HEADER true)")
  n_pg=$(pgq "$PDB" "SELECT count(*) FROM enterprises") n_copy=$(pgq "$CDB" "SELECT count(*) FROM copy_ref")
  out "### Import of $ROWS enterprises"
  out ""
  out "| load | rows | seconds | vs COPY |"
  out "| --- | ---: | ---: | ---: |"
  out "| PostgreSQL COPY into a table of the same shape (psql \`\\copy\`) | $n_copy | $t_copy | 1.00× |"
  out "| \`qilian import enterprises\` into PostgreSQL | $n_pg | $t_pg | $(awk "BEGIN { printf \"%.2f×\", $t_pg / $t_copy }") |"
  out "| \`qilian import enterprises\` into SQLite (reference) | $ROWS | $t_sqlite | $(awk "BEGIN { printf \"%.2f×\", $t_sqlite / $t_copy }") |"
  out ""
  pgq "$BASE/postgres" "DROP DATABASE copyref"
else
  "$Q" store copy --from "$SDB" --to "$PDB" --quiet >/dev/null
fi
# The bench operator, and the market's actors for the mixed workload (the same on both databases).
NSUP=16 # supplier organisations, each with its user and enterprise; one buyer after them
"$Q" gen enterprises $((NSUP + 1)) --seed 990 --output "$OUT/actors.csv" >/dev/null
setup_market() { # db
  local db=$1 op i org
  op=$("$Q" --db "$db" org add --name "基准测试运营方" --type operator | sed -n 's/^  "id": \([0-9]*\),*$/\1/p')
  "$Q" --db "$db" user add --org "$op" --role admin --email bench@qilian.test --password bench-password-2026 >/dev/null
  for i in $(seq $((NSUP + 1))); do
    org=$("$Q" --db "$db" org add --name "基准组织$i" --type "$([ $i = $((NSUP + 1)) ] && echo large || echo sme)" | sed -n 's/^  "id": \([0-9]*\),*$/\1/p')
    "$Q" --db "$db" user add --org "$org" --role admin --email "bench$i@qilian.test" --password bench-password-2026 >/dev/null
    { head -1 "$OUT/actors.csv"; sed -n "$((i + 1))p" "$OUT/actors.csv"; } >"$OUT/actor$i.csv"
    "$Q" --db "$db" import enterprises "$OUT/actor$i.csv" --org "$org" >/dev/null
  done
}
setup_market "$SDB"
setup_market "$PDB"
BUYER=$(sed -n "$((NSUP + 2))p" "$OUT/actors.csv" | cut -d, -f1)
sqlite3 "$SDB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
sqlite3 "$SDB" "SELECT uscc FROM enterprises ORDER BY random() LIMIT 20000" >"$OUT/usccs.txt"
pgq "$PDB" "VACUUM ANALYZE" >/dev/null
lag_zero

# ---- 2. HTTP: GET one enterprise and the mixed workload ---------------------------------
login() { # url email
  curl -sf -X POST -H 'Content-Type: application/json' -d "{\"email\":\"$2\",\"password\":\"bench-password-2026\"}" \
    "$1/api/v1/auth/login" | sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p'
}
start_servers() { # config: sqlite1 | pg1 | pg2 | pg2r ; sets URL
  stop_all
  local db=$PDB n=1 extra=() p
  case $1 in sqlite1) db=$SDB ;; pg2) n=2 ;; pg2r) n=2 extra=(--read-db "$SBASE/ent" --primary-after-write 1) ;; esac
  local ports=()
  for _ in $(seq $n); do
    p=$(free_port)
    "$Q" serve --db "$db" "${extra[@]}" --listen "127.0.0.1:$p" --threads "$THREADS" --max-per-address 0 --trust-proxy \
      --quiet --web "$OUT/noweb" 2>>"$OUT/serve-$1.log" &
    pids+=($!)
    ports+=("$p")
    wait_http "http://127.0.0.1:$p/api/v1/health"
  done
  URL=http://127.0.0.1:${ports[0]}
  if [ $n = 2 ]; then
    local lb; lb=$(free_port)
    sed -e "s/@PORT@/$lb/; s/@A@/${ports[0]}/; s/@B@/${ports[1]}/; s#@DIR@#$OUT#g" "$ROOT/tests/cluster/haproxy.cfg.in" |
      sed -e 's/maxconn 512/maxconn 2048/' >"$OUT/haproxy.cfg"
    haproxy -f "$OUT/haproxy.cfg" -db >"$OUT/haproxy.log" 2>&1 &
    pids+=($!)
    URL=http://127.0.0.1:$lb
    wait_http "$URL/api/v1/health"
  fi
  for i in $(seq $NSUP); do
    echo "$(login "$URL" "bench$i@qilian.test") $(sed -n "$((i + 1))p" "$OUT/actors.csv" | cut -d, -f1) bench$i@qilian.test"
  done >"$OUT/suppliers.txt"
  TOKEN=$(login "$URL" bench@qilian.test)
  [ -n "$TOKEN" ] || { say "login failed on $1"; exit 1; }
}
fresh_demands() { # config run: 400 open demands of the buyer, their ids in OUT/demands.txt
  local db=$PDB; [ "$1" = sqlite1 ] && db=$SDB
  { echo "uscc,title,description,chain,segment,quantity,unit,budget_fen,deadline,region,certifications"
    for i in $(seq 400); do echo "$BUYER,基准需求$2-$i 扁线永磁同步电机,峰值功率150kW,,,100,台,,,,"; done; } >"$OUT/demands.csv"
  "$Q" --db "$db" import demands "$OUT/demands.csv" >/dev/null
  lag_zero # the standby has them before anyone reads them there
  if [ "$1" = sqlite1 ]; then sqlite3 "$SDB" "SELECT id FROM demands WHERE title LIKE '基准需求$2-%'"
  else pgq "$PDB" "SELECT id FROM demands WHERE title LIKE '基准需求$2-%'"; fi >"$OUT/demands.txt"
}
wrk_run() { # kind conns ; sets RPS P50 P99 ERRS
  local f=$OUT/wrk.txt
  if [ "$1" = get ]; then
    wrk -t"$WRK_THREADS" -c"$2" -d"$DURATION" --timeout 10s --latency -s "$HERE/wrk-enterprise.lua" "$URL" -- "$OUT/usccs.txt" "$TOKEN" >"$f"
  else
    wrk -t"$WRK_THREADS" -c"$2" -d"$DURATION" --timeout 10s --latency -s "$HERE/wrk-mixed.lua" "$URL" -- \
      "$OUT/suppliers.txt" "$OUT/demands.txt" bench@qilian.test bench-password-2026 "$WRK_THREADS" "$RUNID" >"$f"
  fi
  local line; line=$(grep '^BENCH ' "$f") || { cat "$f" >&2; return 1; }
  val() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$line"; }
  RPS=$(val rps) ERRS=$(($(val errors_status) + $(val errors_other)))
  MIX=$(sed -n 's/^MIXED //p' "$f")
  P50=$(awk "BEGIN { printf \"%.1f\", $(val p50_us) / 1000 }") P99=$(awk "BEGIN { printf \"%.1f\", $(val p99_us) / 1000 }")
}
declare -A rps
if ! skip http; then
  mkdir -p "$OUT/noweb"
  rows=()
  for cfg in sqlite1 pg1 pg2 pg2r; do
    start_servers "$cfg"
    wrk -t2 -c64 -d3s -s "$HERE/wrk-enterprise.lua" "$URL" -- "$OUT/usccs.txt" "$TOKEN" >/dev/null # warm caches
    for kind in get mixed; do
      for c in $CONNS; do
        RUNID=r$(date +%s%N | tail -c 9)
        [ "$kind" = mixed ] && fresh_demands "$cfg" "$RUNID"
        say "$cfg $kind -c$c (load $(cut -d' ' -f1 /proc/loadavg))"
        wrk_run "$kind" "$c"
        rps[$cfg/$kind/$c]=$RPS
        rows+=("| $kind | $cfg | $c | $RPS | $P50 | $P99 | $ERRS | ${MIX:-} |")
      done
    done
  done
  stop_all
  out "### HTTP: GET one enterprise, and the mixed workload ($DURATION per cell, wrk -t$WRK_THREADS, --threads $THREADS per server)"
  out ""
  out "Configurations: **sqlite1** one server on SQLite; **pg1** one server on the PostgreSQL primary;"
  out "**pg2** two servers on the primary behind haproxy; **pg2r** the same two reading from the"
  out "streaming standby (\`--read-db\`, \`--primary-after-write 1\`). Mixed: per 50 requests 1 login"
  out "(16 accounts in turn), 15 keyed supply publishes, 20 matches, 14 keyed quotes. Errors: non-2xx"
  out "answers and socket errors."
  out ""
  out "| workload | config | conns | req/s | p50 ms | p99 ms | errors | mixed: answers by status |"
  out "| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |"
  for r in "${rows[@]}"; do out "$r"; done
  out ""
  out "| workload | conns | pg1 / sqlite1 | pg2 / sqlite1 | pg2r / sqlite1 |"
  out "| --- | ---: | ---: | ---: | ---: |"
  for kind in get mixed; do
    for c in $CONNS; do
      s=${rps[sqlite1/$kind/$c]}
      out "| $kind | $c | $(awk "BEGIN { printf \"%.0f %%\", 100 * ${rps[pg1/$kind/$c]} / $s }") | $(awk "BEGIN { printf \"%.0f %%\", 100 * ${rps[pg2/$kind/$c]} / $s }") | $(awk "BEGIN { printf \"%.0f %%\", 100 * ${rps[pg2r/$kind/$c]} / $s }") |"
    done
  done
  out ""
fi

# ---- 3. index builds from SQLite and from PostgreSQL -------------------------------------
median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }
build_ms() { # db command... -> the median build_ms of RUNS runs (each process builds from scratch)
  local db=$1 v=() i; shift
  for i in $(seq "$RUNS"); do
    "$Q" --db "$db" "$@" >"$OUT/idx.json"
    v+=("$(node -e 'const j=JSON.parse(require("fs").readFileSync(process.argv[1]));const f=(o)=>o&&typeof o==="object"?(o.build_ms??Object.values(o).map(f).find((x)=>x!==undefined)):undefined;console.log(f(j))' "$OUT/idx.json")")
  done
  median "${v[@]}" | awk '{ printf "%.0f\n", $1 }'
}
if ! skip index; then
  L=$DATA/listings-$LISTINGS
  if [ ! -f "$L/done" ]; then
    mkdir -p "$L"
    say "generating $LISTINGS listings"
    "$Q" gen listings "$LISTINGS" --seed 7 --output-dir "$L" >/dev/null && touch "$L/done"
  fi
  LDB=$OUT/listings.db
  for t in enterprises segments supplies demands; do "$Q" --db "$LDB" import "$t" "$L/$t.csv" >/dev/null; done
  LPG=$(newdb listings)
  say "store copy of the listings into PostgreSQL"
  t_lcopy=$(secs "$Q" store copy --from "$LDB" --to "$LPG" --quiet)
  C=$DATA/chain-$CHAIN_ENTERPRISES-$CHAIN_RELATIONS
  if [ ! -f "$C/done" ]; then
    mkdir -p "$C"
    say "generating a chain map of $CHAIN_ENTERPRISES enterprises, $CHAIN_RELATIONS relations"
    "$Q" gen chain --enterprises "$CHAIN_ENTERPRISES" --relations "$CHAIN_RELATIONS" --seed 7 --output-dir "$C" >/dev/null && touch "$C/done"
  fi
  GDB=$OUT/chain.db
  for t in enterprises segments capabilities relations; do "$Q" --db "$GDB" import "$t" "$C/$t.csv" >/dev/null; done
  GPG=$(newdb chainmap)
  say "store copy of the chain map into PostgreSQL"
  t_gcopy=$(secs "$Q" store copy --from "$GDB" --to "$GPG" --quiet)
  pgq "$LPG" "VACUUM ANALYZE" >/dev/null
  pgq "$GPG" "VACUUM ANALYZE" >/dev/null
  say "index builds"
  m_s=$(build_ms "$LDB" match index) m_p=$(build_ms "$LPG" match index)
  g_s=$(build_ms "$GDB" chain graph) g_p=$(build_ms "$GPG" chain graph)
  out "### Index builds from SQLite and from PostgreSQL (median of $RUNS, each a new process)"
  out ""
  out "| index | data | from SQLite ms | from PostgreSQL ms | PostgreSQL / SQLite |"
  out "| --- | --- | ---: | ---: | ---: |"
  out "| match index (\`qilian match index\`) | $LISTINGS supplies + demands | $m_s | $m_p | $(awk "BEGIN { printf \"%.2f×\", $m_p / $m_s }") |"
  out "| chain snapshot (\`qilian chain graph\`) | $CHAIN_ENTERPRISES enterprises, $CHAIN_RELATIONS relations | $g_s | $g_p | $(awk "BEGIN { printf \"%.2f×\", $g_p / $g_s }") |"
  out ""
  out "\`qilian store copy\` from SQLite into PostgreSQL, verified: the listings in $t_lcopy s, the chain map in $t_gcopy s."
  out ""
fi
printf '%s\n' "${report[@]}" | tee "$OUT/report.md"
