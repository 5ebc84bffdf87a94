#!/usr/bin/env bash
# PostgreSQL reads and import, two binaries in one run (issue 10's goals, bench/pg.sh's cells):
#   1. GET one enterprise (bench/wrk-enterprise.lua, 20,000 USCCs in turn, a Bearer session) on
#      one server over SQLite and one over the PostgreSQL primary (TCP on loopback, as bench/pg.sh;
#      libpq sets TCP_NODELAY itself), OLD and NEW alternating cell by cell, ROUNDS times; then NEW
#      over the server's unix socket (pg1-unix) for comparison. Each cell: req/s, p50/p99, the
#      server's CPU (user+sys from /proc) per request, PostgreSQL's backends' CPU per request, load.
#   2. Import of ROWS enterprises (`qilian import enterprises`, NEW) against psql's \copy of the same
#      CSV into a table of the same shape, IMPORT_RUNS times alternating, each into a new database
#      after a CHECKPOINT: \copy into the table with its unique USCC index (bench/pg.sh's
#      reference), and \copy into the table without it followed by CREATE UNIQUE INDEX (what the
#      import's bulk path does), and \copy into a bare table (no checks, no index: the floor
#      docs/architecture.md compares with). Seconds, user+sys of the qilian process, medians.
# Usage: bench/pg-get-ab.sh OLD_QILIAN NEW_QILIAN   (wrap it in flock /tmp/qilian-bench.lock)
# Environment: ROWS (1000000) CONNS ("64 256") DURATION (10s) THREADS (4) WRK_THREADS (2)
#   ROUNDS (2) IMPORT_RUNS (3) SKIP ("": get, import)
set -euo pipefail
OLD=$(realpath "${1:?usage: bench/pg-get-ab.sh OLD NEW}") NEW=$(realpath "${2:?usage: bench/pg-get-ab.sh OLD NEW}")
ROWS=${ROWS:-1000000} CONNS=${CONNS:-64 256} DURATION=${DURATION:-10s} THREADS=${THREADS:-4}
WRK_THREADS=${WRK_THREADS:-2} ROUNDS=${ROUNDS:-2} IMPORT_RUNS=${IMPORT_RUNS:-3} SKIP=${SKIP:-}
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
CLU=$ROOT/tests/cluster/pg-cluster.sh
OUT=$HERE/out/pg-ab-$(date -u +%Y%m%dT%H%M%SZ)
DATA=$HERE/data/pg
mkdir -p "$OUT/noweb" "$DATA"
chmod 711 "$OUT"
say() { echo "pg-get-ab: $*" >&2; }
skip() { [[ " $SKIP " == *" $1 "* ]]; }
spid=
stop_server() { [ -n "$spid" ] && { kill -TERM "$spid" 2>/dev/null || true; wait "$spid" 2>/dev/null || true; }; spid=; }
cleanup() { stop_server; "$CLU" stop "$OUT/pg" >/dev/null 2>&1 || true; }
trap cleanup EXIT
trap 'exit 130' INT TERM
free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
wait_http() { for _ in $(seq 300); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done; say "nothing at $1"; return 1; }
report=()
out() { report+=("$*"); }
ticks=$(getconf CLK_TCK)
cpu_of() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; } # user+sys ticks
pg_cpu() { # user+sys ticks of the primary's backends (children of the postmaster)
  local pm t=0 p
  pm=$(head -1 "$OUT/pg/primary/postmaster.pid")
  for p in $(ps -o pid= --ppid "$pm"); do t=$((t + $(cpu_of "$p"))); done
  echo "$t"
}

say "PostgreSQL primary (no standby)"
PG_SETTINGS=$'fsync = on\nfull_page_writes = on\nsynchronous_commit = off\nshared_buffers = 1GB\nmax_connections = 400' \
  "$CLU" start "$OUT/pg" --no-standby >/dev/null
# shellcheck source=/dev/null
. "$OUT/pg/env"
BASE=${PRIMARY_URL%/*}
pgq() { psql -XtAq -v ON_ERROR_STOP=1 "$1" -c "$2"; }
newdb() { pgq "$BASE/postgres" "DROP DATABASE IF EXISTS $1" && pgq "$BASE/postgres" "CREATE DATABASE $1" && echo "$BASE/$1"; }
out "Machine: $(nproc) cores, load before the run $(cut -d' ' -f1-3 /proc/loadavg); OLD $(basename "$(dirname "$(dirname "$OLD")")")/$(basename "$OLD"), NEW $NEW"
out "PostgreSQL $(pgq "$BASE/postgres" 'SHOW server_version'), fsync on, synchronous_commit off, shared_buffers 1GB."
out ""

CSV=$DATA/enterprises-$ROWS.csv
[ -f "$CSV" ] || { say "generating $ROWS enterprises"; "$NEW" gen enterprises "$ROWS" --seed 7 --output "$CSV" >/dev/null; }

if ! skip get; then
  SDB=$OUT/ent.db
  say "SQLite and PostgreSQL imports of $ROWS enterprises (the GET data)"
  "$NEW" --db "$SDB" import enterprises "$CSV" >/dev/null
  PDB=$(newdb ent)
  "$NEW" --db "$PDB" migrate >/dev/null
  "$NEW" --db "$PDB" import enterprises "$CSV" >/dev/null
  for db in "$SDB" "$PDB"; do
    op=$("$NEW" --db "$db" org add --name "基准测试运营方" --type operator | sed -n 's/^  "id": \([0-9]*\),*$/\1/p')
    "$NEW" --db "$db" user add --org "$op" --role admin --email bench@qilian.test --password bench-password-2026 >/dev/null
  done
  sqlite3 "$SDB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
  sqlite3 "$SDB" "SELECT uscc FROM enterprises ORDER BY random() LIMIT 20000" >"$OUT/usccs.txt"
  pgq "$PDB" "VACUUM ANALYZE" >/dev/null
  UNIX_URL="postgresql://postgres@/ent?host=$OUT/pg&port=$PRIMARY_PORT"
  rows=()
  declare -A sum n
  cell() { # label binary db conns
    local label=$1 bin=$2 db=$3 c=$4 p tok f=$OUT/wrk.txt c0 c1 g0 g1
    stop_server
    p=$(free_port)
    "$bin" serve --db "$db" --listen "127.0.0.1:$p" --threads "$THREADS" --max-per-address 0 --quiet \
      --web "$OUT/noweb" 2>>"$OUT/serve.log" &
    spid=$!
    wait_http "http://127.0.0.1:$p/api/v1/health"
    tok=$(curl -sf -X POST -H 'Content-Type: application/json' -d '{"email":"bench@qilian.test","password":"bench-password-2026"}' \
      "http://127.0.0.1:$p/api/v1/auth/login" | sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p')
    [ -n "$tok" ] || { say "login failed ($label)"; exit 1; }
    wrk -t"$WRK_THREADS" -c"$c" -d3s -s "$HERE/wrk-enterprise.lua" "http://127.0.0.1:$p" -- "$OUT/usccs.txt" "$tok" >/dev/null
    c0=$(cpu_of "$spid") g0=$(pg_cpu)
    local load; load=$(cut -d' ' -f1 /proc/loadavg)
    wrk -t"$WRK_THREADS" -c"$c" -d"$DURATION" --timeout 10s --latency -s "$HERE/wrk-enterprise.lua" \
      "http://127.0.0.1:$p" -- "$OUT/usccs.txt" "$tok" >"$f"
    c1=$(cpu_of "$spid") g1=$(pg_cpu)
    local line; line=$(grep '^BENCH ' "$f") || { cat "$f" >&2; exit 1; }
    val() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$line"; }
    local rps errs reqs
    rps=$(val rps) errs=$(($(val errors_status) + $(val errors_other)))
    reqs=$(awk "BEGIN { printf \"%d\", $rps * ${DURATION%s} }")
    rows+=("| $label | $c | $rps | $(awk "BEGIN { printf \"%.1f\", $(val p50_us) / 1000 }") | $(awk "BEGIN { printf \"%.1f\", $(val p99_us) / 1000 }") | $errs | $(awk "BEGIN { printf \"%.0f\", 1e6 * ($c1 - $c0) / $ticks / $reqs }") | $(awk "BEGIN { printf \"%.0f\", 1e6 * ($g1 - $g0) / $ticks / $reqs }") | $load |")
    sum[$label/$c]=$(awk "BEGIN { print ${sum[$label/$c]:-0} + $rps }")
    n[$label/$c]=$((${n[$label/$c]:-0} + 1))
    say "$label -c$c: $rps req/s (load $load)"
  }
  for r in $(seq "$ROUNDS"); do
    for c in $CONNS; do
      cell sqlite1-old "$OLD" "$SDB" "$c"
      cell pg1-old "$OLD" "$PDB" "$c"
      cell sqlite1-new "$NEW" "$SDB" "$c"
      cell pg1-new "$NEW" "$PDB" "$c"
    done
  done
  for c in $CONNS; do cell pg1-unix-new "$NEW" "$UNIX_URL" "$c"; done
  stop_server
  out "### GET one enterprise ($DURATION per cell, wrk -t$WRK_THREADS, --threads $THREADS, $ROUNDS rounds alternating)"
  out ""
  out "| config | conns | req/s | p50 ms | p99 ms | errors | server CPU µs/req | PostgreSQL CPU µs/req | load (1 min) |"
  out "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for r in "${rows[@]}"; do out "$r"; done
  out ""
  out "| conns | pg1-old / sqlite1-old | pg1-new / sqlite1-new | pg1-unix-new / sqlite1-new | pg1-new / pg1-old |"
  out "| ---: | ---: | ---: | ---: | ---: |"
  for c in $CONNS; do
    m() { awk "BEGIN { print ${sum[$1/$c]} / ${n[$1/$c]} }"; }
    so=$(m sqlite1-old) sn=$(m sqlite1-new) po=$(m pg1-old) pn=$(m pg1-new) pu=$(m pg1-unix-new)
    out "| $c | $(awk "BEGIN { printf \"%.0f %%\", 100 * $po / $so }") | $(awk "BEGIN { printf \"%.0f %%\", 100 * $pn / $sn }") | $(awk "BEGIN { printf \"%.0f %%\", 100 * $pu / $sn }") | $(awk "BEGIN { printf \"%.2f×\", $pn / $po }") |"
  done
  out ""
fi

if ! skip import; then
  median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }
  t_imp=() t_cpu=() t_cidx=() t_cnoidx=() t_bare=()
  tm() { /usr/bin/time -f '%e %U %S' -o "$OUT/time.txt" "$@" >"$OUT/last.out" 2>"$OUT/last.err" || { cat "$OUT/last.err" >&2; exit 1; }; cat "$OUT/time.txt"; }
  out "### Import of $ROWS enterprises against COPY ($IMPORT_RUNS runs alternating, each into a new database after a CHECKPOINT)"
  out ""
  out "| run | qilian import s | qilian user+sys s | \\copy with the USCC index s | \\copy, then CREATE UNIQUE INDEX s | \\copy into a bare table s | load (1 min) |"
  out "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  for r in $(seq "$IMPORT_RUNS"); do
    IDB=$(newdb imp)
    "$NEW" --db "$IDB" migrate >/dev/null
    CDB=$(newdb copyref)
    "$NEW" --db "$CDB" migrate >/dev/null
    pgq "$CDB" "CREATE TABLE copy_ref (LIKE enterprises INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES INCLUDING IDENTITY);
      ALTER TABLE copy_ref ALTER size SET DEFAULT 'small', ALTER created_at SET DEFAULT '2026-01-01T00:00:00Z',
        ALTER updated_at SET DEFAULT '2026-01-01T00:00:00Z';
      CREATE TABLE copy_noidx (LIKE copy_ref INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY);
      CREATE TABLE copy_bare (LIKE copy_ref INCLUDING DEFAULTS INCLUDING IDENTITY)"
    load=$(cut -d' ' -f1 /proc/loadavg)
    pgq "$BASE/postgres" CHECKPOINT
    read -r e u s <<<"$(tm "$NEW" --db "$IDB" import enterprises "$CSV")"
    t_imp+=("$e") t_cpu+=("$(awk "BEGIN { print $u + $s }")")
    pgq "$BASE/postgres" CHECKPOINT
    read -r ci _ <<<"$(tm psql -XtAq -v ON_ERROR_STOP=1 "$CDB" -c "\\copy copy_ref(uscc,name,region,industry,employees,revenue_wan,assets_wan,level) FROM '$CSV' WITH (FORMAT csv, HEADER true)")"
    pgq "$BASE/postgres" CHECKPOINT
    read -r cn _ <<<"$(tm psql -XtAq -v ON_ERROR_STOP=1 "$CDB" -c "\\copy copy_noidx(uscc,name,region,industry,employees,revenue_wan,assets_wan,level) FROM '$CSV' WITH (FORMAT csv, HEADER true)" -c "CREATE UNIQUE INDEX copy_noidx_uscc ON copy_noidx(uscc)")"
    pgq "$BASE/postgres" CHECKPOINT
    read -r cb _ <<<"$(tm psql -XtAq -v ON_ERROR_STOP=1 "$CDB" -c "\\copy copy_bare(uscc,name,region,industry,employees,revenue_wan,assets_wan,level) FROM '$CSV' WITH (FORMAT csv, HEADER true)")"
    t_cidx+=("$ci") t_cnoidx+=("$cn") t_bare+=("$cb")
    [ "$(pgq "$IDB" 'SELECT count(*) FROM enterprises')" = "$ROWS" ] || { say "import: wrong row count"; exit 1; }
    out "| $r | $e | ${t_cpu[-1]} | $ci | $cn | $cb | $load |"
  done
  mi=$(median "${t_imp[@]}") mc=$(median "${t_cidx[@]}") mn=$(median "${t_cnoidx[@]}") mb=$(median "${t_bare[@]}")
  out "| median | $mi | $(median "${t_cpu[@]}") | $mc | $mn | $mb | |"
  out ""
  out "Import / COPY (medians): $(awk "BEGIN { printf \"%.2f×\", $mi / $mc }") against \\copy with the index, $(awk "BEGIN { printf \"%.2f×\", $mi / $mn }") against \\copy then the index, $(awk "BEGIN { printf \"%.2f×\", $mi / $mb }") against \\copy into a bare table."
  out ""
fi
printf '%s\n' "${report[@]}" | tee "$OUT/report.md"
