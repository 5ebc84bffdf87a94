#!/usr/bin/env bash
# Shared resources and bookings (issue 12): catalogue latency by words and by free window over
# RESOURCES resources, and booking throughput with CONCURRENCY clients on 50 capacity-2 resources,
# with the capacity invariant checked on the rows afterwards. The measuring is in bench/sharing.mjs
# (see its head). About a minute at the defaults. Prints a markdown table; raw JSON to bench/out/.
#
# Usage: bench/sharing.sh [QILIAN]     (default build/qilian)
# Environment: RESOURCES (2000), QUERIES (30), BOOKINGS (2000), CONCURRENCY (32).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
BIN=$(realpath "${1:-$ROOT/build/qilian}")
DATA=$HERE/data/sharing
OUT=$HERE/out/sharing-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$DATA" "$OUT"
"$ROOT/scripts/demo-data" "$BIN" "$DATA/demo.db" >/dev/null
node "$HERE/sharing.mjs" "$BIN" "$DATA/demo.db" "$ROOT/web" >"$OUT/report.txt"
head -n -1 "$OUT/report.txt"
tail -n 1 "$OUT/report.txt" >"$OUT/result.json"
echo "sharing.sh: raw results in $OUT" >&2
