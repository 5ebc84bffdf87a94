#!/usr/bin/env bash
# HTTP benchmark: wrk against qilian's GET /api/v1/health (anonymous) and
# GET /api/v1/enterprises/{uscc} (Bearer token, rotating over many USCCs of a
# ROWS-enterprise database), at each connection count, for a few --threads
# values, next to nginx serving static JSON files of the same byte size.
# Prints markdown tables on stdout; progress goes to stderr.
#
# Usage: bench/http.sh path/to/qilian
# Environment: ROWS (enterprises in the database, default 1000000), THREADS ("2 4 8":
#   qilian --threads values to try), CONNS ("64 256"), DURATION (15s), WRK_THREADS (2),
#   PORT (18480; nginx uses PORT+1), REPEAT (1: qilian/nginx run pairs per cell in the final phase,
#   alternating; the median req/s of each is reported).
set -euo pipefail
Q=$(realpath "${1:?usage: bench/http.sh path/to/qilian}")
ROWS=${ROWS:-1000000}
THREADS=${THREADS:-2 4 8}
CONNS=${CONNS:-64 256}
DURATION=${DURATION:-15s}
WRK_THREADS=${WRK_THREADS:-2}
PORT=${PORT:-18480}
NPORT=$((PORT + 1))
REPEAT=${REPEAT:-1}
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=$HERE/data/http
mkdir -p "$DATA"
for tool in wrk nginx sqlite3 curl; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] ||
    { echo "http.sh: needs $tool (scripts/bootstrap --bench)" >&2; exit 1; }
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

say() { echo "http.sh: $*" >&2; }
load1() { cut -d' ' -f1 /proc/loadavg; }
NCPU=$(nproc)
# CPU ticks: busy and total of the machine (/proc/stat), and of a process tree (pid plus children).
sys_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }
tree_ticks() {
  local t=0 p
  for p in "$@" $(for q in "$@"; do pgrep -P "$q" || true; done); do
    [ -r "/proc/$p/stat" ] && t=$((t + $(sed 's/.*) //' "/proc/$p/stat" | awk '{ print $12 + $13 }')))
  done
  echo "$t"
}

QPID="" NPID=""
stop() {
  local pid=$1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() { stop "$QPID"; stop "$NPID"; QPID="" NPID=""; }
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_http() { # url
  for _ in $(seq 100); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done
  say "nothing answers at $1"; return 1
}

# --- the database: ROWS enterprises plus an operator admin to log in with -----------------
DB=$DATA/enterprises-$ROWS.db
if [ ! -f "$DB" ] || [ "$Q" -nt "$DB" ]; then
  say "building $DB ($ROWS enterprises)"
  rm -f "$DB" "$DB-wal" "$DB-shm" "$DB.tmp" "$DB.tmp-wal" "$DB.tmp-shm"
  "$Q" gen enterprises "$ROWS" --seed 7 --output "$DATA/enterprises.csv" >/dev/null
  "$Q" --db "$DB.tmp" import enterprises "$DATA/enterprises.csv" >/dev/null
  org=$("$Q" --db "$DB.tmp" org add --name "基准测试运营方" --type operator | sed -n 's/^  "id": \([0-9]*\),*$/\1/p')
  "$Q" --db "$DB.tmp" user add --org "$org" --role admin --email bench@qilian.test --password bench-password-2026 >/dev/null
  sqlite3 "$DB.tmp" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
  mv "$DB.tmp" "$DB"; rm -f "$DB.tmp-wal" "$DB.tmp-shm" "$DATA/enterprises.csv"
fi
sqlite3 "$DB" "SELECT uscc FROM enterprises ORDER BY random() LIMIT 20000" >"$DATA/usccs.txt"

start_qilian() { # threads
  stop "$QPID"
  # wrk opens all its connections from one address: lift the per-address cap (64 by default) where
  # the binary has it, or -c256 would be mostly refused.
  local cap=()
  "$Q" serve --help 2>&1 | grep -q -- --max-per-address && cap=(--max-per-address 0)
  "$Q" serve --db "$DB" --listen "127.0.0.1:$PORT" --quiet --threads "$1" --web "$DATA/noweb" "${cap[@]}" \
    >"$DATA/qilian.log" 2>&1 &
  QPID=$!
  wait_http "http://127.0.0.1:$PORT/api/v1/health"
}
login() {
  curl -sf -X POST -H 'Content-Type: application/json' \
    -d '{"email":"bench@qilian.test","password":"bench-password-2026"}' \
    "http://127.0.0.1:$PORT/api/v1/auth/login" | sed -n 's/.*"token":"\([0-9a-f]*\)".*/\1/p'
}

# --- static twins for nginx: the same bytes as qilian's answers --------------------------
mkdir -p "$DATA/noweb" "$DATA/www" "$DATA/nginx/tmp"
start_qilian 4
TOKEN=$(login)
[ -n "$TOKEN" ] || { say "login failed"; exit 1; }
curl -sf "http://127.0.0.1:$PORT/api/v1/health" >"$DATA/www/health.json"
# The enterprise twin is a real answer whose size is closest to the mean of 200 sampled answers.
best="" bestd=""
sizes=()
for u in $(head -200 "$DATA/usccs.txt"); do
  curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/enterprises/$u" >"$DATA/one.json"
  sizes+=("$(stat -c %s "$DATA/one.json") $u")
done
mean=$(printf '%s\n' "${sizes[@]}" | awk '{ s += $1 } END { printf "%.0f", s / NR }')
pick=$(printf '%s\n' "${sizes[@]}" | awk -v m="$mean" '{ d = $1 - m; if (d < 0) d = -d; if (best == "" || d < bd) { bd = d; best = $2 } } END { print best }')
curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/v1/enterprises/$pick" >"$DATA/www/enterprise.json"
HSIZE=$(stat -c %s "$DATA/www/health.json")
ESIZE=$(stat -c %s "$DATA/www/enterprise.json")
say "health answer $HSIZE B; enterprise answers average $mean B, twin $ESIZE B"

# --- one wrk run: sets RPS P50 P90 P99 (ms) ---------------------------------------------
# OTHERS: CPU (in cores) used during the run by processes other than wrk and the server under test.
wrk_once() { # url endpoint conns server-pid
  local url=$1 ep=$2 c=$3 spid=$4 out=$DATA/wrk.txt
  local b0 t0 s0 b1 t1 s1 wt
  read -r b0 t0 < <(sys_ticks); s0=$(tree_ticks "$spid")
  if [ "$ep" = health ]; then
    /usr/bin/time -f "%U %S" -o "$DATA/wrk.time" \
      wrk -t"$WRK_THREADS" -c"$c" -d"$DURATION" --latency -s "$HERE/wrk-health.lua" "$url" >"$out"
  else
    /usr/bin/time -f "%U %S" -o "$DATA/wrk.time" \
      wrk -t"$WRK_THREADS" -c"$c" -d"$DURATION" --latency -s "$HERE/wrk-enterprise.lua" "$url" \
      -- "$DATA/usccs.txt" "$TOKEN" >"$out"
  fi
  read -r b1 t1 < <(sys_ticks); s1=$(tree_ticks "$spid")
  wt=$(awk '{ printf "%.0f", ($1 + $2) * 100 }' "$DATA/wrk.time")
  OTHERS=$(awk "BEGIN { o = (($b1 - $b0) - ($s1 - $s0) - $wt) / (($t1 - $t0) / $NCPU); printf \"%.2f\", o < 0 ? 0 : o }")
  SCPU=$(( s1 - s0 ))
  local line; line=$(grep '^BENCH ' "$out") || { cat "$out" >&2; return 1; }
  val() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$line"; }
  RPS=$(val rps) ERRS=$(( $(val errors_status) + $(val errors_other) ))
  CPUREQ=$(awk "BEGIN { printf \"%.1f\", $SCPU * 10000 / $(val requests) }") # server CPU µs per request
  P50=$(awk "BEGIN { printf \"%.2f\", $(val p50_us) / 1000 }")
  P90=$(awk "BEGIN { printf \"%.2f\", $(val p90_us) / 1000 }")
  P99=$(awk "BEGIN { printf \"%.2f\", $(val p99_us) / 1000 }")
  [ "$ERRS" = 0 ] || say "warning: $ERRS errors in $url $ep -c$c"
}
median() { # lines "rps ..." -> the line with the median rps
  printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"
}
median_cpu() { # the same lines -> median of the last field (server CPU µs per request)
  printf '%s\n' "$@" | awk '{ print $NF }' | sort -n | sed -n "$(( ($# + 1) / 2 ))p"
}

warm() { # seconds
  wrk -t"$WRK_THREADS" -c64 -d"$1" -s "$HERE/wrk-enterprise.lua" "$url_q" -- "$DATA/usccs.txt" "$TOKEN" >/dev/null
}
endpoint_path() { [ "$1" = health ] && echo "GET /api/v1/health" || echo "GET /api/v1/enterprises/{uscc}"; }

# --- 1. sweep qilian --threads -------------------------------------------------------------
declare -A best_rps best_n
detail=()
url_q="http://127.0.0.1:$PORT"
url_n="http://127.0.0.1:$NPORT"
for n in $THREADS; do
  start_qilian "$n"
  TOKEN=$(login)
  warm 3s # the page cache and every worker's SQLite cache
  for ep in health enterprise; do
    for c in $CONNS; do
      say "sweep: qilian --threads $n: $ep -c$c (load $(load1))"
      LOAD=$(load1); wrk_once "$url_q" "$ep" "$c" "$QPID"
      detail+=("| 1 sweep | qilian --threads $n | $ep | $c | $RPS | $P50 | $P90 | $P99 | $ERRS | $LOAD | $OTHERS | $CPUREQ |")
      k="$ep/$c"
      if [ -z "${best_rps[$k]:-}" ] || awk "BEGIN { exit !($RPS > ${best_rps[$k]}) }"; then
        best_rps[$k]=$RPS best_n[$k]=$n
      fi
    done
  done
done

# --- 2. qilian with the best --threads and nginx, back to back, per cell --------------------
sed -e "s|@PREFIX@|$DATA/nginx|g" -e "s|@PORT@|$NPORT|g" -e "s|@ROOT@|$DATA/www|g" \
  "$HERE/nginx.conf.in" >"$DATA/nginx/nginx.conf"
"$NGINX" -p "$DATA/nginx" -c "$DATA/nginx/nginx.conf" -g 'daemon off;' 2>"$DATA/nginx/stderr.log" &
NPID=$!
wait_http "$url_n/api/v1/health"
[ "$(curl -sf "$url_n/api/v1/enterprises/x" | wc -c)" = "$ESIZE" ] || { say "nginx twin has the wrong size"; exit 1; }
summary=()
running=""
for ep in health enterprise; do
  for c in $CONNS; do
    n=${best_n[$ep/$c]}
    if [ "$running" != "$n" ]; then start_qilian "$n"; TOKEN=$(login); warm 3s; running=$n; fi
    qruns=() nruns=()
    for r in $(seq "$REPEAT"); do # alternate, so both servers see the same background load
      say "final $r/$REPEAT: qilian --threads $n: $ep -c$c (load $(load1))"
      l=$(load1); wrk_once "$url_q" "$ep" "$c" "$QPID"; qruns+=("$RPS $P50 $P90 $P99 $ERRS $l $OTHERS $CPUREQ")
      say "final $r/$REPEAT: nginx: $ep -c$c (load $(load1))"
      l=$(load1); wrk_once "$url_n" "$ep" "$c" "$NPID"; nruns+=("$RPS $P50 $P90 $P99 $ERRS $l $OTHERS $CPUREQ")
    done
    size=$([ "$ep" = health ] && echo "$HSIZE" || echo "$ESIZE")
    for x in "${qruns[@]}"; do detail+=("| 2 final | qilian --threads $n | $ep | $c | ${x// / | } |"); done
    for x in "${nruns[@]}"; do detail+=("| 2 final | nginx (static $size B) | $ep | $c | ${x// / | } |"); done
    read -r -a q < <(median "${qruns[@]}")
    read -r RPS P50 P90 P99 ERRS LOAD OTHERS CPUREQ < <(median "${nruns[@]}")
    qcpu=$(median_cpu "${qruns[@]}") ncpu=$(median_cpu "${nruns[@]}")
    ratio=$(awk "BEGIN { printf \"%.0f %%\", 100 * ${q[0]} / $RPS }")
    cratio=$(awk "BEGIN { printf \"%.0f %%\", 100 * $ncpu / $qcpu }")
    summary+=("| $(endpoint_path "$ep") | $c | $n | ${q[0]} | ${q[1]} / ${q[2]} / ${q[3]} | $RPS | $P50 / $P90 / $P99 | **$ratio** | $qcpu / $ncpu | $cratio | ${q[6]} / $OTHERS |")
  done
done
stop "$QPID"; QPID=""
stop "$NPID"; NPID=""

echo "### HTTP: wrk -t$WRK_THREADS -d$DURATION --latency, $ROWS-enterprise database, qilian --quiet"
echo
echo "| endpoint | conns | qilian --threads | qilian req/s | qilian p50 / p90 / p99 ms | nginx req/s | nginx p50 / p90 / p99 ms | qilian/nginx req/s | server CPU µs/req qilian / nginx | nginx/qilian CPU per req | others' CPU, cores (qilian / nginx run) |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
printf '%s\n' "${summary[@]}"
echo
echo "Goal: qilian ≥ 50 % of nginx. Answer sizes: health $HSIZE B; enterprise mean $mean B over 200 USCCs"
echo "(nginx serves a real $ESIZE B answer for every USCC). qilian's --threads per row is the best of the sweep"
echo "($THREADS); each row's qilian and nginx runs are back to back. \"others' CPU\" is what processes other"
echo "than wrk and the server used during the run (out of $NCPU cores); \"server CPU µs/req\" is the server's own"
echo "user+system CPU time (all threads/workers) per answered request, which depends little on background load. Final figures are the median of $REPEAT alternating qilian/nginx runs. All runs:"
echo
echo "| phase | server | endpoint | conns | req/s | p50 ms | p90 ms | p99 ms | errors | load (1 min, before) | others' CPU, cores | server CPU µs/req |"
echo "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
printf '%s\n' "${detail[@]}"
rm -f "$DATA/wrk.txt" "$DATA/one.json" "$DATA/wrk.time"
