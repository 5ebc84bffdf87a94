#!/usr/bin/env bash
# `qilian finance verify` on one database with several binaries, alternating (A/B/A/B), ROUNDS (3)
# times; prints a markdown table row per run: wall, user and system seconds, peak RSS, the load
# average at the start and the exit status. Make the database with bench/finance.sh (SKIP_LOAD=1:
# it leaves bench/out/finance-*/verify.db) and run this under `flock /tmp/qilian-bench.lock`.
#
# Usage: bench/finance-verify-ab.sh DB QILIAN_A QILIAN_B [...]
set -euo pipefail
DB=${1:?usage: bench/finance-verify-ab.sh DB QILIAN_A QILIAN_B [...]}
shift
ROUNDS=${ROUNDS:-3}
t=$(mktemp)
trap 'rm -f "$t"' EXIT
echo "| round | binary | wall s | user s | sys s | peak RSS MiB | load average (1, 5, 15 min) | exit |"
echo "|---:|---|---:|---:|---:|---:|---|---:|"
for round in $(seq "$ROUNDS"); do
  for q in "$@"; do
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    rc=0
    /usr/bin/time -f '%e %U %S %M' -o "$t" "$q" --db "$DB" finance verify >/dev/null 2>&1 || rc=$?
    read -r e u s m <"$t"
    echo "| $round | $q | $e | $u | $s | $(awk "BEGIN { printf \"%.1f\", $m / 1024 }") | $load | $rc |"
  done
done
