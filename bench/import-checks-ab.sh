#!/usr/bin/env bash
# A/B experiment behind a finding in RESULTS.md: the same `qilian import` into (A) the database as
# `qilian migrate` makes it and (B) the same database with the enterprises CHECK (x IN (...)) lists
# rewritten as OR chains (PRAGMA writable_schema). SQLite evaluates a 3+ element IN list through an
# ephemeral index that it builds again on every execution of the INSERT, i.e. for every row.
# Usage: bench/import-checks-ab.sh path/to/qilian   Environment: ROWS (1000000), RUNS (2).
set -euo pipefail
Q=$(realpath "${1:?usage: bench/import-checks-ab.sh path/to/qilian}")
ROWS=${ROWS:-1000000}
RUNS=${RUNS:-2}
DATA=$(cd "$(dirname "$0")" && pwd)/data/checks-ab
mkdir -p "$DATA"
fresh() { rm -f "$1" "$1-wal" "$1-shm"; }
"$Q" gen enterprises "$ROWS" --seed 42 --output "$DATA/e.csv" >/dev/null
fresh "$DATA/a0.db"; "$Q" --db "$DATA/a0.db" migrate >/dev/null
sqlite3 "$DATA/a0.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
cp "$DATA/a0.db" "$DATA/b0.db"
sqlite3 "$DATA/b0.db" >/dev/null <<'SQL'
PRAGMA writable_schema=ON;
UPDATE sqlite_schema SET sql=replace(replace(sql,
 'CHECK (level IN (''none'',''innovative'',''provincial'',''little_giant''))',
 'CHECK (level=''none'' OR level=''innovative'' OR level=''provincial'' OR level=''little_giant'')'),
 'CHECK (size IN (''large'',''medium'',''small'',''micro''))',
 'CHECK (size=''large'' OR size=''medium'' OR size=''small'' OR size=''micro'')') WHERE name='enterprises';
PRAGMA writable_schema=OFF;
SQL
a_in=$(sqlite3 "$DATA/a0.db" "SELECT sql FROM sqlite_schema WHERE name='enterprises'" | { grep -o " IN (" || true; } | wc -l)
b_in=$(sqlite3 "$DATA/b0.db" "SELECT sql FROM sqlite_schema WHERE name='enterprises'" | { grep -o " IN (" || true; } | wc -l)
[ "$(sqlite3 "$DATA/b0.db" "PRAGMA integrity_check")" = ok ] || { echo "rewritten schema is broken" >&2; exit 1; }
echo "| schema of enterprises | IN lists in CHECKs | run | qilian import s | load (1 min) |"
echo "| --- | ---: | ---: | ---: | ---: |"
for run in $(seq "$RUNS"); do
  for v in a b; do
    fresh "$DATA/$v.db"; cp "$DATA/${v}0.db" "$DATA/$v.db"
    l=$(cut -d' ' -f1 /proc/loadavg)
    s=$( { /usr/bin/time -f %e "$Q" --db "$DATA/$v.db" import enterprises "$DATA/e.csv" >/dev/null; } 2>&1 | tail -1)
    if [ $v = a ]; then echo "| as migrated | $a_in | $run | $s | $l |"; else echo "| CHECK IN → OR | $b_in | $run | $s | $l |"; fi
  done
done
