#!/usr/bin/env bash
# A throw-away PostgreSQL 15 primary with a streaming hot standby on loopback, for the cluster
# test and bench/pg.sh. Run as root (CI) the servers run as the `postgres` user (initdb refuses
# root), in a directory of their own under DIR; as any other user they run as that user.
#
#   tests/cluster/pg-cluster.sh start DIR [--no-standby]
#       creates DIR/primary (and DIR/standby from pg_basebackup -R), starts both on free ports
#       with their sockets in DIR, creates the database `qilian`, and writes DIR/env:
#         PRIMARY_URL=postgresql://postgres@127.0.0.1:PORT/qilian
#         STANDBY_URL=postgresql://postgres@127.0.0.1:PORT2/qilian   (unless --no-standby)
#         PRIMARY_PORT=… STANDBY_PORT=… PG_BIN=…
#   tests/cluster/pg-cluster.sh lag DIR       bytes of WAL the standby has not replayed yet
#   tests/cluster/pg-cluster.sh psql DIR primary|standby [psql args]
#   tests/cluster/pg-cluster.sh stop DIR      pg_ctl -m fast on both, then removes DIR
#
# Settings are those of a test machine: fsync off (the servers under test are killed, never
# PostgreSQL), small shared buffers; synchronous_commit stays on so an acknowledged commit is
# in the primary's WAL. PG_SETTINGS (postgresql.conf lines) overrides them.
set -euo pipefail
PG_BIN=${PG_BIN:-$(ls -d /usr/lib/postgresql/15/bin 2>/dev/null || dirname "$(command -v initdb)")}
cmd=${1:?usage: pg-cluster.sh start|stop|lag|psql DIR}
DIR=${2:?usage: pg-cluster.sh $cmd DIR}

as_pg() { # runs a shell command line as the database user
  if [ "$(id -u)" = 0 ]; then su postgres -s /bin/sh -c "$1"; else sh -c "$1"; fi
}

free_port() {
  node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

start_one() { # name port
  as_pg "'$PG_BIN/pg_ctl' -D '$DIR/$1' -l '$DIR/$1.log' -o '-p $2' -w -t 60 start" >/dev/null
}

case $cmd in
start)
  standby=1
  [ "${3:-}" = --no-standby ] && standby=0
  mkdir -p "$DIR"
  chmod 755 "$DIR"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$DIR"
  p1=$(free_port)
  as_pg "'$PG_BIN/initdb' -D '$DIR/primary' -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >'$DIR/initdb.log' 2>&1"
  as_pg "cat >>'$DIR/primary/postgresql.conf'" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$DIR'
wal_level = replica
max_wal_senders = 8
max_replication_slots = 4
hot_standby = on
hot_standby_feedback = on
wal_keep_size = 256MB
max_connections = 400
shared_buffers = 128MB
fsync = off
full_page_writes = off
log_min_messages = warning
log_min_error_statement = error
CONF
  # Extra settings (PG_SETTINGS, lines of postgresql.conf) override the ones above: bench/pg.sh
  # runs with fsync on and synchronous_commit off, as SQLite's WAL with synchronous=NORMAL.
  [ -n "${PG_SETTINGS:-}" ] && printf '%s\n' "$PG_SETTINGS" | as_pg "cat >>'$DIR/primary/postgresql.conf'"
  as_pg "cat >'$DIR/primary/pg_hba.conf'" <<HBA
local all all trust
host all all 127.0.0.1/32 trust
local replication all trust
host replication all 127.0.0.1/32 trust
HBA
  start_one primary "$p1"
  as_pg "'$PG_BIN/createdb' -h '$DIR' -p $p1 -U postgres qilian"
  {
    echo "PG_BIN=$PG_BIN"
    echo "PRIMARY_PORT=$p1"
    echo "PRIMARY_URL=postgresql://postgres@127.0.0.1:$p1/qilian"
  } >"$DIR/env"
  if [ $standby = 1 ]; then
    p2=$(free_port)
    as_pg "'$PG_BIN/pg_basebackup' -h 127.0.0.1 -p $p1 -U postgres -D '$DIR/standby' -R -X stream -c fast"
    # The copy carries the primary's settings; only the port differs (given on the command line).
    start_one standby "$p2"
    {
      echo "STANDBY_PORT=$p2"
      echo "STANDBY_URL=postgresql://postgres@127.0.0.1:$p2/qilian"
    } >>"$DIR/env"
    # Streaming, not just started: the primary lists the standby as a WAL sender.
    for _ in $(seq 100); do
      n=$(as_pg "'$PG_BIN/psql' -h '$DIR' -p $p1 -U postgres -d qilian -Atc \"SELECT count(*) FROM pg_stat_replication WHERE state='streaming'\"")
      [ "$n" = 1 ] && break
      sleep 0.1
    done
    [ "$n" = 1 ] || { echo "pg-cluster.sh: the standby is not streaming" >&2; cat "$DIR/standby.log" >&2; exit 1; }
  fi
  cat "$DIR/env"
  ;;
lag)
  . "$DIR/env"
  as_pg "'$PG_BIN/psql' -h '$DIR' -p $PRIMARY_PORT -U postgres -d qilian -Atc \"SELECT coalesce(sum(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)),0)::bigint FROM pg_stat_replication\""
  ;;
psql)
  . "$DIR/env"
  which=${3:?primary or standby}
  shift 3
  port=$PRIMARY_PORT
  [ "$which" = standby ] && port=$STANDBY_PORT
  args=""
  for a in "$@"; do args="$args '$(printf %s "$a" | sed "s/'/'\\\\''/g")'"; done
  as_pg "'$PG_BIN/psql' -h '$DIR' -p $port -U postgres -d qilian -X -v ON_ERROR_STOP=1 $args"
  ;;
stop)
  for n in standby primary; do
    [ -f "$DIR/$n/postmaster.pid" ] && as_pg "'$PG_BIN/pg_ctl' -D '$DIR/$n' -m fast -w stop" >/dev/null 2>&1 || true
  done
  rm -rf "$DIR"
  ;;
*)
  echo "pg-cluster.sh: unknown command $cmd" >&2
  exit 2
  ;;
esac
