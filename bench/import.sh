#!/usr/bin/env bash
# Import benchmark: `qilian import enterprises` of N synthetic rows into a fresh
# database (create + migrate + full validation), then the same file again (the
# update path), next to sqlite3's `.import` of the same file into a fresh table.
# Prints a markdown table on stdout; progress goes to stderr.
#
# Usage: bench/import.sh path/to/qilian
# Environment: ROWS (default 1000000), SEED (42), RUNS (2), SCHEMA_FLOOR (1: also time
#   sqlite3 INSERT...SELECT into qilian's own enterprises schema, as a lower bound).
set -euo pipefail
Q=$(realpath "${1:?usage: bench/import.sh path/to/qilian}")
ROWS=${ROWS:-1000000}
SEED=${SEED:-42}
RUNS=${RUNS:-2}
SCHEMA_FLOOR=${SCHEMA_FLOOR:-1}
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=$HERE/data/import
mkdir -p "$DATA"
CSV=$DATA/enterprises-$ROWS.csv
for tool in sqlite3 /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "import.sh: needs $tool (scripts/bootstrap --bench)" >&2; exit 1; }
done

say() { echo "import.sh: $*" >&2; }
load1() { cut -d' ' -f1 /proc/loadavg; }
less() { awk "BEGIN { exit !($1 < $2) }"; }
NCPU=$(nproc)
sys_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9 }' /proc/stat; }
fresh() { rm -f "$1" "$1-wal" "$1-shm" "$1-journal"; }

# Runs a command under /usr/bin/time -v; sets WALL (s), RSS (MiB) and OTHERS (CPU cores used meanwhile
# by other processes: machine busy time minus the command's own user+system time); stdout to $OUT.
timed() {
  local tv=$DATA/time.txt b0 t0 b1 t1
  OUT=$DATA/out.txt
  read -r b0 t0 < <(sys_ticks)
  /usr/bin/time -v -o "$tv" "$@" >"$OUT" 2>"$DATA/err.txt" || { cat "$DATA/err.txt" "$tv" >&2; return 1; }
  read -r b1 t1 < <(sys_ticks)
  local own; own=$(awk -F': ' '/User time|System time/ { s += $2 } END { printf "%.0f", s * 100 }' "$tv")
  OTHERS=$(awk "BEGIN { o = (($b1 - $b0) - $own) / (($t1 - $t0) / $NCPU); printf \"%.2f\", o < 0 ? 0 : o }")
  WALL=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + p[i]; printf "%.2f", s }' "$tv")
  RSS=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$tv")
}
json_num() { sed -n "s/^ *\"$1\": \([0-9]*\).*/\1/p" "$OUT"; }

say "generating $ROWS rows (seed $SEED) into $CSV"
"$Q" gen enterprises "$ROWS" --seed "$SEED" --output "$CSV" >/dev/null
BYTES=$(stat -c %s "$CSV")

declare -a rows_md
add() { rows_md+=("| $1 | $2 | $3 | $4 | $5 | $OTHERS |"); }
best_q=""; best_s=""

QDB=$DATA/qilian.db
SDB=$DATA/sqlite3.db
for run in $(seq 1 "$RUNS"); do
  fresh "$QDB"
  l=$(load1); say "run $run: qilian import (fresh db), load $l"
  timed "$Q" --db "$QDB" import enterprises "$CSV"
  [ "$(json_num inserted)" = "$ROWS" ] || { say "qilian inserted $(json_num inserted), expected $ROWS"; cat "$OUT" >&2; exit 1; }
  add "qilian import, fresh db" "$run" "$WALL" "$RSS" "$l"
  if [ -z "$best_q" ] || less "$WALL" "$best_q"; then best_q=$WALL best_q_rss=$RSS; fi

  l=$(load1); say "run $run: qilian re-import (update path), load $l"
  timed "$Q" --db "$QDB" import enterprises "$CSV"
  [ "$(json_num updated)" = "$ROWS" ] || { say "qilian updated $(json_num updated), expected $ROWS"; cat "$OUT" >&2; exit 1; }
  add "qilian re-import, same file (update path)" "$run" "$WALL" "$RSS" "$l"

  fresh "$SDB"
  l=$(load1); say "run $run: sqlite3 .import, load $l"
  timed sqlite3 "$SDB" ".mode csv" ".import $CSV t"
  n=$(sqlite3 "$SDB" "SELECT count(*) FROM t")
  [ "$n" = "$ROWS" ] || { say "sqlite3 imported $n rows, expected $ROWS"; exit 1; }
  add "sqlite3 .import, fresh table" "$run" "$WALL" "$RSS" "$l"
  if [ -z "$best_s" ] || less "$WALL" "$best_s"; then best_s=$WALL best_s_rss=$RSS; fi
done

if [ "$SCHEMA_FLOOR" = 1 ]; then
  # Same rows through SQL only, into qilian's own enterprises table (CHECKs, unique USCC index), in one
  # statement, with the USCC index dropped and rebuilt as qilian's bulk path does: what SQLite itself
  # needs for this schema with no per-row application work.
  fresh "$DATA/floor.db"
  "$Q" --db "$DATA/floor.db" migrate >/dev/null
  cat >"$DATA/floor.sql" <<SQL
PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;
ATTACH '$SDB' AS s;
BEGIN;
DROP INDEX IF EXISTS enterprises_uscc;
INSERT INTO enterprises(uscc,name,region,industry,employees,revenue_wan,assets_wan,level,size,org_id,created_at,updated_at)
 SELECT uscc,name,region,industry,CAST(employees AS INTEGER),CAST(revenue_wan AS INTEGER),CAST(assets_wan AS INTEGER),level,
  CASE WHEN CAST(employees AS INTEGER)<20 THEN 'micro' WHEN CAST(employees AS INTEGER)<300 THEN 'small'
       WHEN CAST(employees AS INTEGER)<1000 THEN 'medium' ELSE 'large' END,
  NULL,'2026-01-01T00:00:00Z','2026-01-01T00:00:00Z' FROM s.t ORDER BY s.t.rowid;
CREATE UNIQUE INDEX enterprises_uscc ON enterprises(uscc);
COMMIT;
SQL
  l=$(load1); say "schema floor: sqlite3 INSERT...SELECT into qilian's schema, load $l"
  timed sqlite3 "$DATA/floor.db" ".read $DATA/floor.sql"
  add "reference: sqlite3 INSERT…SELECT into qilian's enterprises table, USCC index rebuilt after" 1 "$WALL" "$RSS" "$l"
fi

ratio=$(awk "BEGIN { printf \"%.2f\", $best_q / $best_s }")
echo "### Import of $ROWS enterprises ($(awk "BEGIN { printf \"%.1f\", $BYTES / 1048576 }") MiB CSV, seed $SEED)"
echo
echo "| case | run | wall s | peak RSS MiB | load (1 min, before) | others' CPU, cores |"
echo "| --- | ---: | ---: | ---: | ---: | ---: |"
printf '%s\n' "${rows_md[@]}"
echo
echo "Best fresh import: qilian ${best_q} s / ${best_q_rss} MiB vs sqlite3 .import ${best_s} s / ${best_s_rss} MiB:" \
     "**qilian/sqlite3 = ${ratio}×** (goal ≤ 2×). \"others' CPU\" is what other processes used during"
echo "the run, out of $NCPU cores."
rm -f "$DATA/out.txt" "$DATA/err.txt" "$DATA/time.txt"
