#!/usr/bin/env bash
# Brings up, idempotently, the two servers that require TLS for the TLS tests
# (test/cluster/tls.cluster-test.ts), beside the local ones and never touching them:
#   - MariaDB on 127.0.0.1:3316 (and 127.0.0.2:3316), --require-secure-transport=ON;
#   - PostgreSQL on 127.0.0.1:5442 (and 127.0.0.2:5442), ssl=on, pg_hba with hostssl lines only;
# each with its own datadir, socket and port under $ATHANOR_TLS_DIR (default /var/tmp/athanor-tls),
# and the certificates they and the tests use, made with openssl in $ATHANOR_TLS_DIR/certs:
#   ca.pem        the CA that signed the server's and the client's certificates;
#   server.pem    the servers' certificate, for DNS:localhost and IP:127.0.0.1 only (not 127.0.0.2,
#                 the address the tests use as a host name the certificate does not carry);
#   client.pem, client.key   a client certificate, CN=athanor_client;
#   client-encrypted.key     its key, encrypted with the passphrase athanor-passphrase;
#   other-ca.pem  a CA that signed nothing here (the wrong CA).
# Users: root (no password, over TLS from 127.0.0.1) and athanor_client, who must also present a
# client certificate signed by ca.pem (MariaDB: REQUIRE X509; PostgreSQL: `cert` authentication).
# Both servers have a database named athanor.
#
# Run as root on Debian, with the machine's own MariaDB and PostgreSQL binaries; it installs
# nothing, and names the package missing (openssl, mariadb-server, postgresql). A second run,
# with both up, only checks (about a second). `tls-up.sh stop` stops both (data kept),
# `tls-up.sh reset` stops them and deletes everything, certificates included.
set -euo pipefail

BASE=${ATHANOR_TLS_DIR:-/var/tmp/athanor-tls}
CERTS=$BASE/certs
MARIA_PORT=3316
PG_PORT=5442
MARIADBD=/usr/sbin/mariadbd
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
DAYS=3650

say() { echo "tls-up: $*"; }

check_packages() {
  local missing=()
  command -v openssl >/dev/null || missing+=(openssl)
  [ -x "$MARIADBD" ] && command -v mariadb-install-db >/dev/null || missing+=(mariadb-server)
  command -v mariadb >/dev/null || missing+=(mariadb-client)
  [ -n "$PG_BIN" ] && [ -x "$PG_BIN/initdb" ] || missing+=(postgresql)
  command -v psql >/dev/null || missing+=(postgresql-client)
  if [ ${#missing[@]} -gt 0 ]; then
    say "missing: ${missing[*]} (apt-get install ${missing[*]})"
    exit 1
  fi
}

# --- certificates ----------------------------------------------------------------------------
make_certs() {
  if [ -s "$CERTS/client-encrypted.key" ] && openssl x509 -checkend $((30 * 86400)) -noout -in "$CERTS/server.pem" >/dev/null 2>&1; then
    return 0
  fi
  say "making certificates in $CERTS"
  rm -rf "$CERTS" && mkdir -p "$CERTS"
  local tmp=$CERTS/tmp && mkdir -p "$tmp"
  # A CA, and a second one that signs nothing here.
  for ca in ca other-ca; do
    openssl req -x509 -newkey rsa:2048 -nodes -days $DAYS -subj "/CN=athanor test $ca" \
      -keyout "$tmp/$ca.key" -out "$CERTS/$ca.pem" 2>/dev/null
  done
  # The servers': the names a client may check, nothing else.
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$CERTS/server.key" -out "$tmp/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' >"$tmp/server.ext"
  openssl x509 -req -in "$tmp/server.csr" -CA "$CERTS/ca.pem" -CAkey "$tmp/ca.key" -CAcreateserial \
    -days $DAYS -extfile "$tmp/server.ext" -out "$CERTS/server.pem" 2>/dev/null
  # The client's: its CN is the PostgreSQL user `cert` authentication maps it to.
  openssl req -newkey rsa:2048 -nodes -subj "/CN=athanor_client" -keyout "$CERTS/client.key" -out "$tmp/client.csr" 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\n' >"$tmp/client.ext"
  openssl x509 -req -in "$tmp/client.csr" -CA "$CERTS/ca.pem" -CAkey "$tmp/ca.key" -CAcreateserial \
    -days $DAYS -extfile "$tmp/client.ext" -out "$CERTS/client.pem" 2>/dev/null
  # The same key, encrypted: for a passphrase.
  openssl pkey -in "$CERTS/client.key" -aes256 -passout pass:athanor-passphrase -out "$CERTS/client-encrypted.key"
  rm -rf "$tmp" "$CERTS/ca.srl"
  chmod 644 "$CERTS"/*.pem && chmod 600 "$CERTS"/*.key
  # The servers' certificates changed: a running server still has the old ones.
  stop_all
}

# Each server reads its own copy, owned by its user (PostgreSQL refuses a key others can read).
install_server_certs() { # dir, owner
  install -d -o "$2" -m 700 "$1/tls"
  install -o "$2" -m 644 "$CERTS/ca.pem" "$CERTS/server.pem" "$1/tls/"
  install -o "$2" -m 600 "$CERTS/server.key" "$1/tls/"
}

# --- MariaDB -------------------------------------------------------------------------------
MARIA=$BASE/mariadb
maria_sql() { mariadb --socket="$MARIA/run/mysqld.sock" -uroot -N -B --connect-timeout=2 "$@"; }
maria_ready() { [ "$(maria_sql -e "SELECT @@require_secure_transport" 2>/dev/null)" = 1 ]; }
maria_running() { [ -s "$MARIA/run/mysqld.pid" ] && kill -0 "$(cat "$MARIA/run/mysqld.pid")" 2>/dev/null; }

maria_up() {
  if maria_ready; then say "mariadb on $MARIA_PORT: up"; return 0; fi
  local run_as=root
  if id mysql >/dev/null 2>&1; then run_as=mysql; fi
  mkdir -p "$MARIA/data" "$MARIA/run"
  install_server_certs "$MARIA" "$run_as"
  cat >"$MARIA/my.cnf" <<EOF
[mysqld]
user = $run_as
datadir = $MARIA/data
socket = $MARIA/run/mysqld.sock
pid-file = $MARIA/run/mysqld.pid
log-error = $MARIA/error.log
port = $MARIA_PORT
bind-address = 127.0.0.1,127.0.0.2
tmpdir = $MARIA/run
skip-name-resolve = OFF
ssl-ca = $MARIA/tls/ca.pem
ssl-cert = $MARIA/tls/server.pem
ssl-key = $MARIA/tls/server.key
require-secure-transport = ON
# Small: a throwaway server beside the main one on a shared machine.
innodb_buffer_pool_size = 16M
innodb_log_file_size = 8M
key_buffer_size = 1M
performance_schema = OFF
max_connections = 50
EOF
  chown -R "$run_as": "$MARIA"
  if [ ! -d "$MARIA/data/mysql" ]; then
    say "mariadb: initialising $MARIA/data"
    mariadb-install-db --defaults-file="$MARIA/my.cnf" --auth-root-authentication-method=normal \
      --skip-test-db >"$MARIA/install.log" 2>&1 || { cat "$MARIA/install.log" >&2; return 1; }
  fi
  if maria_running; then kill "$(cat "$MARIA/run/mysqld.pid")"; sleep 1; fi
  say "mariadb: starting on port $MARIA_PORT"
  setsid nohup "$MARIADBD" --defaults-file="$MARIA/my.cnf" >>"$MARIA/error.log" 2>&1 </dev/null 9>&- &
  local i
  for ((i = 0; i < 60; i++)); do maria_ready && break; sleep 0.5; done
  maria_ready || { say "mariadb did not start; the end of $MARIA/error.log:"; tail -n 20 "$MARIA/error.log" >&2; return 1; }
  # root@localhost matches TCP from 127.0.0.1 too (names are resolved); the client needs a certificate.
  maria_sql -e "CREATE DATABASE IF NOT EXISTS athanor;
    CREATE USER IF NOT EXISTS 'athanor_client'@'%' REQUIRE X509;
    GRANT ALL ON athanor.* TO 'athanor_client'@'%';"
  say "mariadb on $MARIA_PORT: up"
}

# --- PostgreSQL ----------------------------------------------------------------------------
PG=$BASE/postgresql
as_postgres() { runuser -u postgres -- "$@"; }
pg_sql() { psql -h "$PG/run" -p $PG_PORT -U postgres -d postgres -XAtqc "$1"; }
pg_ready() { [ "$(pg_sql "show ssl" 2>/dev/null)" = on ]; }

pg_up() {
  if pg_ready; then say "postgresql on $PG_PORT: up"; return 0; fi
  install -d -o postgres -g postgres -m 700 "$PG" "$PG/run"
  if [ ! -f "$PG/data/PG_VERSION" ]; then
    say "postgresql: initialising $PG/data"
    as_postgres "$PG_BIN/initdb" -D "$PG/data" -U postgres --auth=trust --no-sync -E UTF8 --locale=C.UTF-8 >"$PG/initdb.log" 2>&1 \
      || { cat "$PG/initdb.log" >&2; return 1; }
  fi
  install_server_certs "$PG" postgres
  as_postgres tee "$PG/data/postgresql.auto.conf" >/dev/null <<EOF
port = $PG_PORT
listen_addresses = '127.0.0.1,127.0.0.2'
unix_socket_directories = '$PG/run'
ssl = on
ssl_ca_file = '$PG/tls/ca.pem'
ssl_cert_file = '$PG/tls/server.pem'
ssl_key_file = '$PG/tls/server.key'
max_connections = 50
shared_buffers = 16MB
fsync = off
EOF
  # TCP only with TLS (hostssl), no hostnossl or host line: a plain connection finds no entry.
  as_postgres tee "$PG/data/pg_hba.conf" >/dev/null <<EOF
local   all  all                           trust
hostssl all  athanor_client  127.0.0.0/8   cert
hostssl all  all             127.0.0.0/8   trust
EOF
  if [ -f "$PG/data/postmaster.pid" ]; then as_postgres "$PG_BIN/pg_ctl" -D "$PG/data" -m fast stop >/dev/null 2>&1 || true; fi
  say "postgresql: starting on port $PG_PORT"
  as_postgres "$PG_BIN/pg_ctl" -D "$PG/data" -l "$PG/server.log" -w -t 30 start >/dev/null 9>&- \
    || { say "postgresql did not start; the end of $PG/server.log:"; tail -n 20 "$PG/server.log" >&2; return 1; }
  pg_ready || { say "postgresql answers without ssl=on; see $PG/server.log"; return 1; }
  [ "$(pg_sql "select 1 from pg_roles where rolname = 'athanor_client'")" = 1 ] || pg_sql "create role athanor_client login" >/dev/null
  [ "$(pg_sql "select 1 from pg_database where datname = 'athanor'")" = 1 ] || pg_sql "create database athanor owner athanor_client" >/dev/null
  say "postgresql on $PG_PORT: up"
}

stop_all() {
  if [ -s "$MARIA/run/mysqld.pid" ] && kill -0 "$(cat "$MARIA/run/mysqld.pid")" 2>/dev/null; then
    local pid
    pid=$(cat "$MARIA/run/mysqld.pid")
    say "mariadb: stopping (pid $pid)"
    kill "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
  fi
  if [ -f "$PG/data/postmaster.pid" ]; then
    say "postgresql: stopping"
    as_postgres "$PG_BIN/pg_ctl" -D "$PG/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
}

check_packages
mkdir -p "$BASE"
chmod 755 "$BASE"
exec 9>"$BASE/.lock"
flock 9 # two runs at once (the cluster suite's and a test's own) must not start a server twice
case "${1:-up}" in
  up) make_certs; maria_up; pg_up ;;
  stop) stop_all ;;
  reset) stop_all; rm -rf "${BASE:?}"/mariadb "${BASE:?}"/postgresql "${BASE:?}"/certs ;;
  *) echo "usage: $0 [up|stop|reset]" >&2; exit 2 ;;
esac
