#!/usr/bin/env bash
# Experiment behind an HTTP finding in RESULTS.md: a bare libmicrohttpd server with qilian's daemon flags
# (src/http/server.c http_serve) answering the 33-byte health JSON, for several
# MHD_OPTION_CONNECTION_MEMORY_LIMIT values; prints req/s and the server's CPU µs per request.
# libmicrohttpd zeroes the part of the connection pool it shrinks/resets on every request, so the
# cost per request grows with the limit. Usage: bench/mhd-pool.sh   Environment: SIZES, DURATION (5s), PORT.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$HERE/out/mhd-pool
SIZES=${SIZES:-65536 32768 16384 65536 32768 16384}
DURATION=${DURATION:-5s}
PORT=${PORT:-18495}
mkdir -p "$OUT"
cat >"$OUT/m.c" <<'C'
#include <microhttpd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
static enum MHD_Result h(void *c, struct MHD_Connection *conn, const char *u, const char *m, const char *v,
			 const char *d, size_t *s, void **cc)
{
	(void)c; (void)u; (void)m; (void)v; (void)d; (void)s;
	if (!*cc) { *cc = (void *)1; return MHD_YES; }
	static const char body[] = "{\"status\":\"ok\",\"version\":\"0.1.0\"}";
	struct MHD_Response *r = MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_PERSISTENT);
	MHD_add_response_header(r, "Content-Type", "application/json; charset=utf-8");
	enum MHD_Result ok = MHD_queue_response(conn, 200, r);
	MHD_destroy_response(r);
	return ok;
}
int main(int argc, char **argv)
{
	if (argc != 3) return 2;
	struct MHD_Daemon *d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_TURBO |
		MHD_USE_SUPPRESS_DATE_NO_CLOCK, (unsigned short)atoi(argv[1]), NULL, NULL, h, NULL,
		MHD_OPTION_THREAD_POOL_SIZE, 2u, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)atol(argv[2]), MHD_OPTION_END);
	if (!d) return 1;
	pause();
}
C
cc -O2 "$OUT/m.c" -o "$OUT/m" -lmicrohttpd
P=""
trap '[ -n "$P" ] && kill "$P" 2>/dev/null; true' EXIT
echo "| CONNECTION_MEMORY_LIMIT | req/s | server CPU µs/req | load (1 min) |"
echo "| ---: | ---: | ---: | ---: |"
for mem in $SIZES; do
  "$OUT/m" "$PORT" "$mem" & P=$!
  sleep 0.3
  t0=$(sed 's/.*) //' "/proc/$P/stat" | awk '{ print $12 + $13 }')
  line=$(wrk -t2 -c64 -d"$DURATION" -s "$HERE/wrk-health.lua" "http://127.0.0.1:$PORT" | grep '^BENCH ')
  t1=$(sed 's/.*) //' "/proc/$P/stat" | awk '{ print $12 + $13 }')
  kill "$P"; wait "$P" 2>/dev/null || true; P=""
  n=$(sed 's/.*requests=\([0-9]*\).*/\1/' <<<"$line")
  rps=$(sed 's/.*rps=\([0-9.]*\).*/\1/' <<<"$line")
  echo "| $mem | $rps | $(awk "BEGIN { printf \"%.1f\", ($t1 - $t0) * 10000 / $n }") | $(cut -d' ' -f1 /proc/loadavg) |"
done
