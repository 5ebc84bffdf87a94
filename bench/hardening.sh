#!/usr/bin/env bash
# Issue 8, before and after in one run: the server's peak RSS under parallel 100 MB uploads to
# /api/v1/enterprises/import (anonymous, and authorised ones the importer rejects at line 1), and
# the latency of normal requests (GET /api/v1/health, and GET /api/v1/enterprises with a token,
# each on a new connection) under 4,000 slow connections sending one header byte a second, from
# one address and spread over 100. Loopback only; about four minutes. The measuring is in
# bench/hardening.mjs (see its head). Prints markdown tables; raw JSON goes to bench/out/.
#
# Usage: bench/hardening.sh BEFORE_QILIAN AFTER_QILIAN
#   e.g. git worktree add /work/wt/before 4d44c448 && cmake -S /work/wt/before -B build-before &&
#        cmake --build build-before -j2 && bench/hardening.sh build-before/qilian build/qilian
# Environment: SLOW_CONNECTIONS (4000), SLOW_SECONDS (25: measuring time under attack, after a
#   6 s ramp-up and a 5 s quiet baseline), UPLOADS (10), UPLOAD_MB (100).
set -euo pipefail
BEFORE=$(realpath "${1:?usage: bench/hardening.sh BEFORE_QILIAN AFTER_QILIAN}")
AFTER=$(realpath "${2:?usage: bench/hardening.sh BEFORE_QILIAN AFTER_QILIAN}")
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
DATA=$HERE/data/hardening
OUT=$HERE/out/hardening-$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$DATA" "$OUT"
say() { echo "hardening.sh: $*" >&2; }

# Thousands of sockets on each side (the server, and the attacking child process).
hard=$(ulimit -Hn)
[ "$hard" = unlimited ] && hard=65536
ulimit -n "$((hard < 65536 ? hard : 65536))"
[ "$(ulimit -n)" -ge 9000 ] || { say "ulimit -n is $(ulimit -n): need 9000 for 4,000 connections"; exit 1; }

[ -f "$DATA/demo.db" ] || "$ROOT/scripts/demo-data" "$AFTER" "$DATA/demo.db" >/dev/null
for side in before after; do
  bin=$BEFORE
  [ $side = after ] && bin=$AFTER
  say "$side: $bin"
  node "$HERE/hardening.mjs" "$bin" "$DATA/demo.db" "$ROOT/web" >"$OUT/$side.json"
done
node "$HERE/hardening.mjs" report "$OUT/before.json" "$OUT/after.json" | tee "$OUT/report.md"
say "raw results in $OUT"
