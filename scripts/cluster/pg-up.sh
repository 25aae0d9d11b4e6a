#!/usr/bin/env bash
# The PostgreSQL cluster of the cluster tests, beside the local primary (127.0.0.1:5432):
#   - a streaming replica (hot standby) on 127.0.0.1:5433, data in /var/tmp/athanor-pg-replica;
#   - PgBouncer on 127.0.0.1:6432 in transaction pooling mode, in front of the primary.
# Idempotent: what is up is left alone, so a second run only checks (a second or two). Run as
# root on a Debian machine whose PostgreSQL 15 primary is the preinstalled one; installs
# pgbouncer with apt-get when it is missing. The primary is never restarted: the only changes
# made to it are a pg_hba line for replication connections from 127.0.0.1 and wal_keep_size
# (below), then a reload.
set -euo pipefail

PRIMARY_PORT=5432
REPLICA_PORT=5433
BOUNCER_PORT=6432
REPLICA_DIR=/var/tmp/athanor-pg-replica
BOUNCER_DIR=/var/tmp/athanor-pgbouncer
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)

# From / : postgres may not enter the caller's directory (a CI clone under a private mktemp -d).
as_postgres() { (cd / && runuser -u postgres -- "$@"); }
psql_at() { psql -h 127.0.0.1 -p "$1" -U postgres -d postgres -XAtqc "$2"; }
say() { echo "pg-up: $*"; }

psql_at "$PRIMARY_PORT" "select 1" >/dev/null || { say "the primary on 127.0.0.1:$PRIMARY_PORT does not answer"; exit 1; }

# --- replication access on the primary (wal_level and max_wal_senders are Debian's defaults).
if [ "$(psql_at "$PRIMARY_PORT" "show wal_level")" = minimal ]; then
  say "the primary runs with wal_level=minimal: a replica needs 'replica' (and a restart, left to you)"; exit 1
fi
HBA=$(psql_at "$PRIMARY_PORT" "show hba_file")
if ! grep -Eq '^host[[:space:]]+replication[[:space:]]+all[[:space:]]+127\.0\.0\.1/32' "$HBA"; then
  say "allowing replication connections from 127.0.0.1 in $HBA (reload, no restart)"
  echo "host replication all 127.0.0.1/32 trust # athanor cluster tests (scripts/cluster/pg-up.sh)" >>"$HBA"
  psql_at "$PRIMARY_PORT" "select pg_reload_conf()" >/dev/null
  sleep 1
fi

# A new replica asks for the WAL from its base backup on. Without a slot (a stopped replica must
# not fill the primary's disk) the primary may recycle that WAL before the replica connects:
# other clients' writes, a CREATE DATABASE (a checkpoint, its template WAL-logged) in those
# seconds, and the replica never streams ("requested WAL segment ... has already been removed",
# seen while test suites ran beside it). wal_keep_size keeps the last 256 MB: bounded, and enough.
if [ "$(psql_at "$PRIMARY_PORT" "select setting::bigint >= 256 from pg_settings where name = 'wal_keep_size'")" != t ]; then
  say "keeping the last 256 MB of WAL on the primary (wal_keep_size), for a replica made while others write"
  psql_at "$PRIMARY_PORT" "alter system set wal_keep_size = '256MB'" >/dev/null
  psql_at "$PRIMARY_PORT" "select pg_reload_conf()" >/dev/null
fi

# --- the replica.
replica_streaming() {
  [ "$(psql_at "$REPLICA_PORT" "select pg_is_in_recovery() and exists (select 1 from pg_stat_wal_receiver where status = 'streaming')" 2>/dev/null)" = t ]
}
wait_streaming() {
  for _ in $(seq 1 "$1"); do replica_streaming && return 0; sleep 1; done
  return 1
}
start_replica() {
  as_postgres "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" -l "$REPLICA_DIR/replica.log" -w -t 30 start >/dev/null || true
}
make_replica() {
  say "making the replica: pg_basebackup of the primary into $REPLICA_DIR"
  if [ -f "$REPLICA_DIR/postmaster.pid" ]; then as_postgres "$PG_BIN/pg_ctl" -D "$REPLICA_DIR" -m immediate stop >/dev/null 2>&1 || true; fi
  rm -rf "$REPLICA_DIR"
  install -d -o postgres -g postgres -m 700 "$REPLICA_DIR"
  as_postgres pg_basebackup -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$REPLICA_DIR" -R -X stream -c fast
  # Debian keeps the primary's configuration in /etc: the copy has none of its own.
  as_postgres tee "$REPLICA_DIR/postgresql.conf" >/dev/null <<EOF
port = $REPLICA_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '/var/run/postgresql'
hot_standby = on
hba_file = '$REPLICA_DIR/pg_hba.conf'
max_connections = 100
EOF
  printf 'local all all trust\nhost all all 127.0.0.1/32 trust\n' | as_postgres tee "$REPLICA_DIR/pg_hba.conf" >/dev/null
  start_replica
}
if replica_streaming; then
  say "replica on $REPLICA_PORT: streaming"
else
  # Stopped (a reboot): start it. If it cannot catch up (the WAL it needs is gone, no slot
  # keeps it: a stopped replica must not fill the primary's disk), make it again.
  made=no
  if [ -f "$REPLICA_DIR/standby.signal" ]; then start_replica; wait_streaming 15 || made=again; else made=new; fi
  if [ "$made" != no ]; then make_replica; wait_streaming 30 || { say "the replica does not stream; see $REPLICA_DIR/replica.log"; exit 1; }; fi
  say "replica on $REPLICA_PORT: streaming"
fi

# --- PgBouncer, transaction pooling, in front of the primary.
if ! command -v pgbouncer >/dev/null && [ ! -x /usr/sbin/pgbouncer ]; then
  say "installing pgbouncer"
  DEBIAN_FRONTEND=noninteractive apt-get install -y pgbouncer >/dev/null || { apt-get update >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y pgbouncer >/dev/null; }
fi
BOUNCER=$(command -v pgbouncer || echo /usr/sbin/pgbouncer)
bouncer_up() { [ "$(psql_at "$BOUNCER_PORT" "select 1" 2>/dev/null)" = 1 ]; }
if bouncer_up; then
  say "pgbouncer on $BOUNCER_PORT: up"
else
  install -d -o postgres -g postgres -m 700 "$BOUNCER_DIR"
  # default_pool_size = 4: several server connections, so that a client's transactions do land
  # on different ones (the behaviour the tests must see). The admin console (database
  # 'pgbouncer', user postgres) shows the pools: psql -p 6432 -U postgres pgbouncer -c 'show pools'.
  as_postgres tee "$BOUNCER_DIR/pgbouncer.ini" >/dev/null <<EOF
[databases]
* = host=127.0.0.1 port=$PRIMARY_PORT

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BOUNCER_PORT
unix_socket_dir =
auth_type = trust
auth_file = $BOUNCER_DIR/userlist.txt
admin_users = postgres
pool_mode = transaction
default_pool_size = 4
max_client_conn = 200
ignore_startup_parameters = extra_float_digits
logfile = $BOUNCER_DIR/pgbouncer.log
pidfile = $BOUNCER_DIR/pgbouncer.pid
EOF
  echo '"postgres" ""' | as_postgres tee "$BOUNCER_DIR/userlist.txt" >/dev/null
  as_postgres "$BOUNCER" -d "$BOUNCER_DIR/pgbouncer.ini"
  for _ in $(seq 1 20); do bouncer_up && break; sleep 0.5; done
  bouncer_up || { say "pgbouncer did not start; see $BOUNCER_DIR/pgbouncer.log"; exit 1; }
  say "pgbouncer on $BOUNCER_PORT: up ($(pgbouncer --version | head -1), pool_mode=transaction)"
fi
