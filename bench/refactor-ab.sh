#!/usr/bin/env bash
# Same-run A/B benchmark of the refactor (issue 9): the pre-refactor binary (A, "before") and the
# refactored one (B, "after") on the same generated data, in one run, alternating A and B so that
# drift of the machine hits both:
#   import  `qilian import enterprises` of ROWS generated enterprises into a fresh database
#           (wall, peak RSS, CPU), as bench/import.sh
#   http    wrk -c CONNS on GET /api/v1/enterprises/{uscc} and GET /api/v1/health, both servers up
#           at once on copies of the same ROWS-enterprise database, as bench/http.sh
#   match   top-10 supply matching of DEMANDS demands over SUPPLIES supplies (bench/market_driver.c)
#   chain   snapshot build, cascade from the largest supplier and from a region, health of every
#           chain at ENTS enterprises / RELS relations (bench/chain_driver.c)
# Each driver is built from its own tree (the CMake source directory of the binary's build
# directory) and linked with that build's libqilian_core.a. Rounds alternate the order: AB, BA,
# AB, ... Every answer is also compared between A and B (imported rows, HTTP bodies, match
# rankings, cascades and critical lists).
# Prints a markdown report on stdout (also bench/out/refactor-ab-*/report.md, raw outputs beside
# it); progress on stderr.
#
# Usage: bench/refactor-ab.sh BEFORE_QILIAN AFTER_QILIAN
#   Each binary's directory must be its CMake build directory (libqilian_core.a,
#   CMakeFiles/qilian.dir/link.txt, CMakeCache.txt), or set BEFORE_BUILD / AFTER_BUILD, and
#   BEFORE_SRC / AFTER_SRC for the trees (default: CMAKE_HOME_DIRECTORY of each build).
#   Needs scripts/bootstrap --bench (wrk, time, sqlite3, curl, python3).
# Environment (sizes of record are the defaults):
#   STEPS ("import http match chain")
#   ROWS (1000000) SEED (42) RUNS (3)        import: rows, seed, runs per binary
#   DURATION (10s) REPEAT (3) CONNS (64)     http: wrk run length, rounds per binary and endpoint,
#   SERVER_THREADS (8) WRK_THREADS (2)         connections, `serve --threads`, wrk threads;
#   PORT (18490; B uses PORT+1) WARM (3s)      ports, warm-up per server
#   SUPPLIES (1000000) DEMANDS (1000)        match: data set (`gen listings --seed MSEED`), driver
#   MSEED (7) MATCH_RUNS (3)                   processes per binary (each builds its index, then
#                                              runs every demand)
#   ENTS (1000000) RELS (10000000) CSEED (7) chain: data set (`gen chain`), driver processes per
#   CHAIN_RUNS (3) CHAIN_REPEAT (5)            binary, rounds of each computation per process
#   REGION (the city with the most enterprises; "none" skips the region cascade)
#   GEN (BEFORE_QILIAN)   the binary that generates and loads the shared data (cached under
#                         bench/data/ab-*, keyed by size and seed; reloaded when its schema
#                         version changes). When AFTER's schema is newer, AFTER gets a migrated copy.
set -euo pipefail
usage="usage: bench/refactor-ab.sh BEFORE_QILIAN AFTER_QILIAN"
A=$(realpath "${1:?$usage}")
B=$(realpath "${2:?$usage}")
HERE=$(cd "$(dirname "$0")" && pwd)
STEPS=${STEPS:-import http match chain}
ROWS=${ROWS:-1000000}
SEED=${SEED:-42}
RUNS=${RUNS:-3}
DURATION=${DURATION:-10s}
REPEAT=${REPEAT:-3}
CONNS=${CONNS:-64}
SERVER_THREADS=${SERVER_THREADS:-8}
WRK_THREADS=${WRK_THREADS:-2}
PORT=${PORT:-18490}
WARM=${WARM:-3s}
SUPPLIES=${SUPPLIES:-1000000}
DEMANDS=${DEMANDS:-1000}
MSEED=${MSEED:-7}
MATCH_RUNS=${MATCH_RUNS:-3}
ENTS=${ENTS:-1000000}
RELS=${RELS:-10000000}
CSEED=${CSEED:-7}
CHAIN_RUNS=${CHAIN_RUNS:-3}
CHAIN_REPEAT=${CHAIN_REPEAT:-5}
REGION=${REGION:-}
GEN=$(realpath "${GEN:-$A}")

declare -A BIN BUILD SRC NAME
BIN[a]=$A BIN[b]=$B NAME[a]=before NAME[b]=after
BUILD[a]=$(realpath "${BEFORE_BUILD:-$(dirname "$A")}")
BUILD[b]=$(realpath "${AFTER_BUILD:-$(dirname "$B")}")
src_of() { sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$1/CMakeCache.txt" 2>/dev/null; }
SRC[a]=${BEFORE_SRC:-$(src_of "${BUILD[a]}")}
SRC[b]=${AFTER_SRC:-$(src_of "${BUILD[b]}")}

say() { echo "refactor-ab: $*" >&2; }
die() { say "$*"; exit 1; }
for tool in sqlite3 /usr/bin/time cc curl wrk python3; do
  command -v "$tool" >/dev/null || die "needs $tool (scripts/bootstrap --bench)"
done
for s in a b; do
  [ -x "${BIN[$s]}" ] || die "${BIN[$s]} is not an executable"
  [ -n "${SRC[$s]}" ] && [ -d "${SRC[$s]}/src" ] || die "no source tree for ${BIN[$s]} (set BEFORE_SRC / AFTER_SRC)"
done

OUT=$HERE/out/refactor-ab-$(date -u +%Y%m%dT%H%M%SZ)
DATA=$HERE/data
WORK=$DATA/ab-work # per-run copies and fresh databases, removed at the end
mkdir -p "$OUT" "$WORK"
# shellcheck source=bench/timed.sh
. "$HERE/timed.sh"
fresh() { rm -f "$1" "$1-wal" "$1-shm" "$1-journal"; }
order() { if [ $(($1 % 2)) = 1 ]; then echo "a b"; else echo "b a"; fi; } # AB, BA, AB, ...
check() { printf '%s\t%s\n' "$1" "$2" >>"$OUT/checks.tsv"; say "check: $1: $2"; }
step_start() { STEP_T0=$(date +%s); say "== $1 (load $(cut -d' ' -f1 /proc/loadavg))"; }
step_end() { printf '%s\t%s\n' "$1" $(($(date +%s) - STEP_T0)) >>"$OUT/steps.tsv"; }
T0=$(date +%s)

# Schema versions: the latest migration of a binary, and the version of a database.
schema_latest() {
  local d; d=$(mktemp -d)
  "$1" --db "$d/v.db" migrate | sed -n 's/^  "version": \([0-9]*\),*$/\1/p'
  rm -rf "$d"
}
db_version() { sqlite3 "$1" "SELECT coalesce(max(version),0) FROM schema_migrations" 2>/dev/null || echo 0; }
declare -A VER
VER[a]=$(schema_latest "$A") VER[b]=$(schema_latest "$B") VER[gen]=$(schema_latest "$GEN")
# The database a side runs on: the shared one, or, when that side's schema is newer, a migrated copy.
db_for() { # SIDE DB -> path
  local s=$1 db=$2
  if [ "$(db_version "$db")" -ge "${VER[$s]}" ]; then echo "$db"; return; fi
  local copy
  copy=$WORK/$(basename "$(dirname "$db")")-$s.db
  fresh "$copy"
  say "${NAME[$s]}'s schema is newer (${VER[$s]} > $(db_version "$db")): migrating a copy of $db"
  cp "$db" "$copy"
  "${BIN[$s]}" --db "$copy" migrate >/dev/null
  echo "$copy"
}
# A cached data directory is reused when it was loaded with the same schema version.
loaded() { # DIR DB
  [ -f "$1/load.done" ] && [ -f "$2" ] && [ "$(cat "$1/load.version" 2>/dev/null)" = "${VER[gen]}" ]
}
mark_loaded() { sqlite3 "$2" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null; echo "${VER[gen]}" >"$1/load.version"; date -u '+%Y-%m-%d %H:%M UTC' >"$1/load.done"; }

build_driver() { # NAME SIDE
  local link
  link=$(sed -e 's#^.* -o qilian ##' "${BUILD[$2]}/CMakeFiles/qilian.dir/link.txt")
  # shellcheck disable=SC2086
  (cd "${BUILD[$2]}" && cc -O2 -D_GNU_SOURCE -I"${SRC[$2]}/src" "${SRC[$2]}/bench/$1.c" -o "$OUT/$1-$2" $link) ||
    die "cannot build ${SRC[$2]}/bench/$1.c against ${BUILD[$2]}"
}

tree_meta() { # SIDE
  local s=$1 src=${SRC[$1]}
  echo "${NAME[$s]}_binary=${BIN[$s]}"
  echo "${NAME[$s]}_commit=$(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "${NAME[$s]}_dirty=$(git -C "$src" status --porcelain --untracked-files=no -- src bench 2>/dev/null | wc -l)"
  echo "${NAME[$s]}_built=$(date -u -r "${BIN[$s]}" '+%Y-%m-%d %H:%M UTC')"
  echo "${NAME[$s]}_type=$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p' "${BUILD[$s]}/CMakeCache.txt")"
  echo "${NAME[$s]}_schema=${VER[$s]}"
}
{
  tree_meta a; tree_meta b
  echo "gen=$GEN"
  echo "date=$(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $NCPU cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo) RAM, $(uname -sr)"
  echo "uptime_before=$(uptime | sed 's/^ *//')"
  echo "steps=$STEPS"
  echo "knobs=ROWS=$ROWS SEED=$SEED RUNS=$RUNS DURATION=$DURATION REPEAT=$REPEAT CONNS=$CONNS SERVER_THREADS=$SERVER_THREADS WRK_THREADS=$WRK_THREADS SUPPLIES=$SUPPLIES DEMANDS=$DEMANDS MSEED=$MSEED MATCH_RUNS=$MATCH_RUNS ENTS=$ENTS RELS=$RELS CSEED=$CSEED CHAIN_RUNS=$CHAIN_RUNS CHAIN_REPEAT=$CHAIN_REPEAT"
} >"$OUT/meta.txt"
: >"$OUT/checks.tsv"
: >"$OUT/steps.tsv"

QPID_a="" QPID_b=""
stop() {
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() { stop "$QPID_a"; stop "$QPID_b"; QPID_a="" QPID_b=""; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# The enterprises CSV of the import step (the HTTP database is built from it too).
ICSV=$DATA/ab-import/enterprises-$ROWS-s$SEED.csv
import_csv() {
  [ -f "$ICSV" ] && return 0
  mkdir -p "$(dirname "$ICSV")"
  say "generating $ROWS enterprises (seed $SEED) with $GEN"
  "$GEN" gen enterprises "$ROWS" --seed "$SEED" --output "$ICSV.tmp" >/dev/null
  mv "$ICSV.tmp" "$ICSV"
}
json_num() { sed -n "s/^ *\"$1\": \([0-9]*\).*/\1/p" "$2"; }
# The rows of a table without its timestamps, in id order: what an import wrote.
table_sum() { # DB TABLE
  local cols
  cols=$(sqlite3 "$1" "SELECT group_concat(name, ',') FROM pragma_table_info('$2') WHERE name NOT LIKE '%\_at' ESCAPE '\\'")
  sqlite3 "$1" "SELECT $cols FROM $2 ORDER BY id" | md5sum | cut -d' ' -f1
}

# ---------------------------------------------------------------------------------------------
step_import() {
  step_start import
  import_csv
  local dir=$OUT/import db=$WORK/import.db
  mkdir -p "$dir"
  cat "$ICSV" >/dev/null # in the page cache for both
  for r in $(seq "$RUNS"); do
    for s in $(order "$r"); do
      fresh "$db"
      say "import $r/$RUNS: ${NAME[$s]} (load $(cut -d' ' -f1 /proc/loadavg))"
      timed "$dir" "$s-$r" "${BIN[$s]}" --db "$db" import enterprises "$ICSV"
      [ "$(json_num inserted "$dir/$s-$r.out")" = "$ROWS" ] || die "${NAME[$s]} inserted $(json_num inserted "$dir/$s-$r.out"), expected $ROWS"
      if [ "$r" = 1 ]; then table_sum "$db" enterprises >"$dir/$s.sum"; fi
    done
  done
  fresh "$db"
  if [ "$(cat "$dir/a.sum")" = "$(cat "$dir/b.sum")" ]; then
    check "import: enterprises rows (all columns but *_at)" "same"
  else
    check "import: enterprises rows (all columns but *_at)" "DIFFER"
  fi
  step_end import
}

# ---------------------------------------------------------------------------------------------
sys_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }
pid_ticks() { [ -r "/proc/$1/stat" ] && sed 's/.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }' || echo 0; }
wait_http() {
  for _ in $(seq 600); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done
  die "nothing answers at $1"
}
# One wrk run; appends "endpoint side round rps p50 p90 p99 errors others cpu_us_per_req load" to runs.tsv.
wrk_once() { # SIDE ENDPOINT ROUND
  local s=$1 ep=$2 r=$3 dir=$OUT/http pid port b0 t0 s0 b1 t1 s1 wt load
  if [ "$s" = a ]; then pid=$QPID_a port=$PORT; else pid=$QPID_b port=$((PORT + 1)); fi
  local out=$dir/wrk-$ep-$s-$r.txt
  load=$(cut -d' ' -f1 /proc/loadavg)
  read -r b0 t0 < <(sys_ticks); s0=$(pid_ticks "$pid")
  if [ "$ep" = health ]; then
    /usr/bin/time -f "%U %S" -o "$dir/wrk.time" wrk -t"$WRK_THREADS" -c"$CONNS" -d"$DURATION" --latency \
      -s "$HERE/wrk-health.lua" "http://127.0.0.1:$port" >"$out"
  else
    /usr/bin/time -f "%U %S" -o "$dir/wrk.time" wrk -t"$WRK_THREADS" -c"$CONNS" -d"$DURATION" --latency \
      -s "$HERE/wrk-enterprise.lua" "http://127.0.0.1:$port" -- "$dir/usccs.txt" "${TOKEN[$s]}" >"$out"
  fi
  read -r b1 t1 < <(sys_ticks); s1=$(pid_ticks "$pid")
  wt=$(awk '{ printf "%.0f", ($1 + $2) * 100 }' "$dir/wrk.time")
  local line; line=$(grep '^BENCH ' "$out") || { cat "$out" >&2; die "wrk gave no result"; }
  val() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$line"; }
  awk -v ep="$ep" -v s="$s" -v r="$r" -v rps="$(val rps)" -v p50="$(val p50_us)" -v p90="$(val p90_us)" -v p99="$(val p99_us)" \
    -v err=$(( $(val errors_status) + $(val errors_other) )) -v req="$(val requests)" -v load="$load" \
    -v others="$(( (b1 - b0) - (s1 - s0) - wt ))" -v span="$((t1 - t0))" -v scpu="$((s1 - s0))" -v ncpu="$NCPU" 'BEGIN {
      o = others / (span / ncpu); if (o < 0) o = 0
      printf "%s\t%s\t%s\t%.1f\t%.3f\t%.3f\t%.3f\t%d\t%.2f\t%.2f\t%s\n", ep, s, r, rps, p50 / 1000, p90 / 1000, p99 / 1000, err, o,
        req ? scpu * 10000 / req : 0, load }' >>"$dir/runs.tsv"
  [ "$(tail -1 "$dir/runs.tsv" | cut -f8)" = 0 ] || say "warning: errors in $ep ${NAME[$s]} round $r"
}
declare -A TOKEN
step_http() {
  step_start http
  local dir=$OUT/http hd=$DATA/ab-http-$ROWS-s$SEED
  local hdb=$hd/enterprises.db
  mkdir -p "$dir" "$hd" "$WORK/noweb"
  if ! loaded "$hd" "$hdb"; then
    import_csv
    say "building $hdb ($ROWS enterprises and an operator admin) with $GEN"
    fresh "$hdb"; rm -f "$hd/load.done"
    "$GEN" --db "$hdb" import enterprises "$ICSV" >/dev/null
    local org
    org=$("$GEN" --db "$hdb" org add --name "基准测试运营方" --type operator | sed -n 's/^  "id": \([0-9]*\),*$/\1/p')
    "$GEN" --db "$hdb" user add --org "$org" --role admin --email bench@qilian.test --password bench-password-2026 >/dev/null
    mark_loaded "$hd" "$hdb"
  fi
  sqlite3 "$hdb" "SELECT uscc FROM enterprises ORDER BY random() LIMIT 20000" >"$dir/usccs.txt"
  for port in "$PORT" $((PORT + 1)); do # wrk must not measure someone else's server
    ! curl -s -o /dev/null "http://127.0.0.1:$port/" || die "port $port is taken (set PORT=)"
  done
  for s in a b; do # each server on its own copy of the same database (sessions are written to it)
    local db=$WORK/http-$s.db port=$PORT
    [ "$s" = b ] && port=$((PORT + 1))
    fresh "$db"; cp "$hdb" "$db"
    # wrk's connections all come from one address: lift the per-address cap where the binary has one.
    local cap=()
    "${BIN[$s]}" serve --help 2>&1 | grep -q -- --max-per-address && cap=(--max-per-address 0)
    "${BIN[$s]}" serve --db "$db" --listen "127.0.0.1:$port" --quiet --threads "$SERVER_THREADS" --web "$WORK/noweb" \
      "${cap[@]}" >"$dir/server-$s.log" 2>&1 &
    if [ "$s" = a ]; then QPID_a=$!; else QPID_b=$!; fi
  done
  for s in a b; do
    local port=$PORT
    [ "$s" = b ] && port=$((PORT + 1))
    wait_http "http://127.0.0.1:$port/api/v1/health"
    kill -0 "$([ "$s" = a ] && echo "$QPID_a" || echo "$QPID_b")" 2>/dev/null || die "${NAME[$s]}'s server exited: $(tail -3 "$dir/server-$s.log")"
    TOKEN[$s]=$(curl -sf -X POST -H 'Content-Type: application/json' \
      -d '{"email":"bench@qilian.test","password":"bench-password-2026"}' \
      "http://127.0.0.1:$port/api/v1/auth/login" | sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p')
    [ -n "${TOKEN[$s]}" ] || die "login on ${NAME[$s]} failed"
  done
  # Same answers: health, and 200 enterprises.
  local same=0 n=0
  for u in $(head -200 "$dir/usccs.txt"); do
    n=$((n + 1))
    cmp -s <(curl -sf -H "Authorization: Bearer ${TOKEN[a]}" "http://127.0.0.1:$PORT/api/v1/enterprises/$u") \
           <(curl -sf -H "Authorization: Bearer ${TOKEN[b]}" "http://127.0.0.1:$((PORT + 1))/api/v1/enterprises/$u") && same=$((same + 1))
  done
  check "http: GET /api/v1/enterprises/{uscc} bodies" "$([ "$same" = "$n" ] && echo same || echo DIFFER): $same of $n identical"
  curl -sf "http://127.0.0.1:$PORT/api/v1/health" >"$dir/health-a.json"
  curl -sf "http://127.0.0.1:$((PORT + 1))/api/v1/health" >"$dir/health-b.json"
  check "http: GET /api/v1/health body" "$(cmp -s "$dir/health-a.json" "$dir/health-b.json" && echo same || echo "DIFFER: $(cat "$dir/health-a.json") vs $(cat "$dir/health-b.json")")"
  for s in a b; do
    local port=$PORT
    [ "$s" = b ] && port=$((PORT + 1))
    say "http: warming ${NAME[$s]} ($WARM)"
    wrk -t"$WRK_THREADS" -c"$CONNS" -d"$WARM" -s "$HERE/wrk-enterprise.lua" "http://127.0.0.1:$port" -- "$dir/usccs.txt" "${TOKEN[$s]}" >/dev/null
  done
  : >"$dir/runs.tsv"
  for r in $(seq "$REPEAT"); do
    for ep in enterprise health; do
      for s in $(order "$r"); do
        say "http $r/$REPEAT: ${NAME[$s]} $ep -c$CONNS $DURATION (load $(cut -d' ' -f1 /proc/loadavg))"
        wrk_once "$s" "$ep" "$r"
      done
    done
  done
  stop "$QPID_a"; stop "$QPID_b"; QPID_a="" QPID_b=""
  rm -f "$WORK"/http-*.db* "$dir/wrk.time"
  step_end http
}

# ---------------------------------------------------------------------------------------------
step_match() {
  step_start match
  local dir=$OUT/match md=$DATA/ab-market-$SUPPLIES-$DEMANDS-s$MSEED
  local mdb=$md/market.db
  mkdir -p "$dir" "$md"
  build_driver market_driver a
  build_driver market_driver b
  if [ ! -f "$md/gen.done" ]; then
    say "generating $SUPPLIES supplies, $DEMANDS demands (seed $MSEED) with $GEN"
    rm -f "$md/load.done"
    "$GEN" gen listings "$SUPPLIES" --demands "$DEMANDS" --labelled 0 --seed "$MSEED" --output-dir "$md" >/dev/null
    touch "$md/gen.done"
  fi
  if ! loaded "$md" "$mdb"; then
    say "loading $mdb with $GEN (migrate, enterprises, segments, supplies, demands)"
    fresh "$mdb"; rm -f "$md/load.done"
    "$GEN" --db "$mdb" migrate >/dev/null
    for t in enterprises segments supplies demands; do
      timed "$md" "import-$t" "$GEN" --db "$mdb" import "$t" "$md/$t.csv" || die "loading $t failed"
    done
    mark_loaded "$md" "$mdb"
  fi
  declare -A db
  db[a]=$(db_for a "$mdb") db[b]=$(db_for b "$mdb")
  cat "${db[a]}" "${db[b]}" >/dev/null
  for r in $(seq "$MATCH_RUNS"); do
    for s in $(order "$r"); do
      say "match $r/$MATCH_RUNS: ${NAME[$s]} (load $(cut -d' ' -f1 /proc/loadavg))"
      timed "$dir" "$s-$r" "$OUT/market_driver-$s" match "${db[$s]}" "$md/demands.csv" "$DEMANDS" "$dir/$s-$r.tsv" 10 ||
        die "market_driver (${NAME[$s]}) failed"
    done
  done
  check "match: top-10 rankings and scores of $DEMANDS demands" \
    "$(cmp -s "$dir/a-1.tsv" "$dir/b-1.tsv" && echo same || echo "DIFFER ($(diff "$dir/a-1.tsv" "$dir/b-1.tsv" | grep -c '^<') of $(wc -l <"$dir/a-1.tsv") rows)")"
  step_end match
}

# ---------------------------------------------------------------------------------------------
step_chain() {
  step_start chain
  local dir=$OUT/chain cd=$DATA/ab-chain-$ENTS-$RELS-s$CSEED
  local cdb=$cd/chain.db
  mkdir -p "$dir" "$cd"
  build_driver chain_driver a
  build_driver chain_driver b
  if [ ! -f "$cd/gen.done" ]; then
    say "generating $ENTS enterprises, $RELS relations (seed $CSEED) with $GEN"
    rm -f "$cd/load.done"
    "$GEN" gen chain --enterprises "$ENTS" --relations "$RELS" --seed "$CSEED" --output-dir "$cd" >/dev/null
    touch "$cd/gen.done"
  fi
  if ! loaded "$cd" "$cdb"; then
    say "loading $cdb with $GEN (enterprises, segments, capabilities, relations)"
    fresh "$cdb"; rm -f "$cd/load.done"
    for t in enterprises segments capabilities relations; do
      timed "$cd" "import-$t" "$GEN" --db "$cdb" import "$t" "$cd/$t.csv" || die "loading $t failed"
    done
    mark_loaded "$cd" "$cdb"
  fi
  # As bench/chain.sh: the supplier with the most relations, the buyer with the most, the city with the
  # most enterprises (kept with the data: the GROUP BYs over RELS rows take a while).
  if [ ! -f "$cd/picks.txt" ] || [ "$cd/picks.txt" -ot "$cd/load.done" ]; then
    {
      echo "supplier=$(sqlite3 -separator ' ' "$cdb" "SELECT e.uscc, t.c FROM (SELECT supplier_id, count(*) c FROM relations
        GROUP BY 1 ORDER BY c DESC LIMIT 1) t JOIN enterprises e ON e.id = t.supplier_id")"
      echo "buyer=$(sqlite3 -separator ' ' "$cdb" "SELECT e.uscc, t.c FROM (SELECT buyer_id, count(*) c FROM relations
        GROUP BY 1 ORDER BY c DESC LIMIT 1) t JOIN enterprises e ON e.id = t.buyer_id")"
      echo "city=$(sqlite3 "$cdb" "SELECT substr(region,1,4) FROM enterprises GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")"
    } >"$cd/picks.tmp"
    mv "$cd/picks.tmp" "$cd/picks.txt"
  fi
  local sup buy reg
  sup=$(sed -n 's/^supplier=//p' "$cd/picks.txt")
  buy=$(sed -n 's/^buyer=//p' "$cd/picks.txt")
  reg=${REGION:-$(sed -n 's/^city=//p' "$cd/picks.txt")}
  [ "$reg" = none ] && reg=""
  {
    echo "supplier=$sup"
    echo "buyer=$buy"
    if [ -n "$reg" ]; then echo "region=$reg $(sqlite3 "$cdb" "SELECT count(*) FROM enterprises WHERE region LIKE '$reg%'")"; fi
  } >"$dir/picks.txt"
  declare -A db
  db[a]=$(db_for a "$cdb") db[b]=$(db_for b "$cdb")
  cat "${db[a]}" "${db[b]}" >/dev/null
  for r in $(seq "$CHAIN_RUNS"); do
    for s in $(order "$r"); do
      say "chain $r/$CHAIN_RUNS: ${NAME[$s]} (load $(cut -d' ' -f1 /proc/loadavg))"
      mkdir -p "$dir/dump-$s-$r"
      timed "$dir" "$s-$r" "$OUT/chain_driver-$s" "${db[$s]}" "${sup%% *}" "${buy%% *}" "$CHAIN_REPEAT" "$dir/dump-$s-$r" 0 "$reg" ||
        die "chain_driver (${NAME[$s]}) failed"
    done
  done
  local f what
  for f in cascade region-cascade critical; do
    [ -f "$dir/dump-a-1/qilian-$f.txt" ] || continue
    case $f in
      cascade) what="knocked-out enterprises with their tiers, cascade from the largest supplier" ;;
      region-cascade) what="knocked-out enterprises with their tiers, cascade from region $reg" ;;
      critical) what="critical enterprises per segment of the largest buyer" ;;
    esac
    check "chain: $what" "$(cmp -s <(sort "$dir/dump-a-1/qilian-$f.txt") <(sort "$dir/dump-b-1/qilian-$f.txt") &&
      echo "same ($(wc -l <"$dir/dump-a-1/qilian-$f.txt") lines)" || echo DIFFER)"
  done
  step_end chain
}

for st in $STEPS; do
  case $st in
    import|http|match|chain) "step_$st" ;;
    *) die "unknown step $st (import http match chain)" ;;
  esac
done
echo "uptime_after=$(uptime | sed 's/^ *//')" >>"$OUT/meta.txt"
echo "total_s=$(($(date +%s) - T0))" >>"$OUT/meta.txt"

python3 "$HERE/refactor-ab-report.py" "$OUT" | tee "$OUT/report.md"
say "report saved to $OUT/report.md"
