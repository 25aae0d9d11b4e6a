#!/usr/bin/env bash
# Brings up, idempotently, the 3-node MariaDB Galera cluster the cluster tests run against
# (test/cluster/galera-*.cluster-test.ts): the machine's own MariaDB binaries, one datadir, socket
# and port per node, on 127.0.0.1 ports 3307, 3308 and 3309, root with an empty password.
# It never touches the main server (port 3306, /var/lib/mysql). Run as root on Debian; installs
# galera-4 and rsync when missing. A second run, with the cluster up, does nothing and takes about
# a second. The cluster is left running; `galera-up.sh stop` stops it (data kept),
# `galera-up.sh reset` stops it and deletes its data.
#
# Ports: node N (1..3) listens for SQL on 3306+N, for group communication on 4560+N, for
# incremental state transfer on 4570+N and for full state transfer (rsync) on 4443+N.
set -euo pipefail

BASE=${ATHANOR_GALERA_DIR:-/var/tmp/athanor-galera}
NODES=(1 2 3)
MARIADBD=/usr/sbin/mariadbd
PROVIDER=/usr/lib/galera/libgalera_smm.so

log() { echo "galera-up: $*"; }

sql_port() { echo $((3306 + $1)); }
gcomm_port() { echo $((4560 + $1)); }

client() { # node, then mariadb client arguments
  local node=$1; shift
  mariadb --protocol=TCP -h 127.0.0.1 -P "$(sql_port "$node")" -uroot --connect-timeout=2 -N -B "$@"
}

node_status() { # prints "<wsrep_ready> <wsrep_cluster_size> <wsrep_local_state_comment>" or nothing
  client "$1" -e "SELECT MAX(IF(VARIABLE_NAME='WSREP_READY',VARIABLE_VALUE,NULL)),
    MAX(IF(VARIABLE_NAME='WSREP_CLUSTER_SIZE',VARIABLE_VALUE,NULL)),
    MAX(IF(VARIABLE_NAME='WSREP_LOCAL_STATE_COMMENT',VARIABLE_VALUE,NULL))
    FROM information_schema.GLOBAL_STATUS" 2>/dev/null || true
}

node_ready() { [[ "$(node_status "$1")" == ON* ]]; }

all_up() {
  local node
  for node in "${NODES[@]}"; do
    [[ "$(node_status "$node")" == "ON	${#NODES[@]}	Synced" ]] || return 1
  done
}

install_packages() {
  local missing=()
  [ -e "$PROVIDER" ] || missing+=(galera-4)
  command -v rsync >/dev/null || missing+=(rsync)
  [ -x "$MARIADBD" ] || missing+=(mariadb-server)
  command -v mariadb >/dev/null || missing+=(mariadb-client)
  if [ ${#missing[@]} -gt 0 ]; then
    log "installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

write_config() { # node
  local n=$1 dir=$BASE/node$1 addresses="" other
  for other in "${NODES[@]}"; do addresses+="${addresses:+,}127.0.0.1:$(gcomm_port "$other")"; done
  mkdir -p "$dir/data" "$dir/run"
  cat >"$dir/my.cnf" <<EOF
[client]
port = $(sql_port "$n")
socket = $dir/run/mysqld.sock

[mysqld]
user = $RUN_AS
datadir = $dir/data
socket = $dir/run/mysqld.sock
pid-file = $dir/run/mysqld.pid
log-error = $dir/error.log
port = $(sql_port "$n")
bind-address = 127.0.0.1
tmpdir = $dir/run
# Small: three nodes beside the main server on a shared machine.
innodb_buffer_pool_size = 32M
innodb_log_file_size = 16M
innodb_log_buffer_size = 4M
key_buffer_size = 1M
performance_schema = OFF
max_connections = 200
# What Galera requires.
binlog_format = ROW
default_storage_engine = InnoDB
innodb_autoinc_lock_mode = 2
innodb_flush_log_at_trx_commit = 0
wsrep_on = ON
wsrep_provider = $PROVIDER
wsrep_cluster_name = athanor_galera
wsrep_cluster_address = gcomm://$addresses
wsrep_node_name = node$n
wsrep_node_address = 127.0.0.1:$(gcomm_port "$n")
wsrep_sst_method = rsync
wsrep_sst_receive_address = 127.0.0.1:$((4443 + n))
wsrep_provider_options = "gmcast.listen_addr=tcp://127.0.0.1:$(gcomm_port "$n");ist.recv_addr=127.0.0.1:$((4570 + n));gcache.size=64M"
wsrep_slave_threads = 2
EOF
  chown -R "$RUN_AS": "$dir"
}

init_datadir() { # node
  local dir=$BASE/node$1
  if [ ! -d "$dir/data/mysql" ]; then
    log "node$1: initialising $dir/data"
    mariadb-install-db --defaults-file="$dir/my.cnf" --auth-root-authentication-method=normal \
      --skip-test-db --wsrep-on=OFF >"$dir/install.log" 2>&1 \
      || { cat "$dir/install.log" >&2; return 1; }
  fi
}

start_node() { # node, extra mariadbd arguments
  local n=$1; shift
  local dir=$BASE/node$n
  log "node$n: starting on port $(sql_port "$n") $*"
  setsid nohup "$MARIADBD" --defaults-file="$dir/my.cnf" "$@" >>"$dir/error.log" 2>&1 </dev/null 9>&- &
  echo $! >"$dir/launcher.pid"
}

wait_ready() { # node, seconds
  local n=$1 i
  for ((i = 0; i < $2 * 2; i++)); do
    if node_ready "$n"; then return 0; fi
    if ! kill -0 "$(cat "$BASE/node$n/launcher.pid")" 2>/dev/null; then
      log "node$n exited; the end of $BASE/node$n/error.log:"; tail -n 30 "$BASE/node$n/error.log" >&2
      return 1
    fi
    sleep 0.5
  done
  log "node$n not ready after $2 s"; tail -n 30 "$BASE/node$n/error.log" >&2
  return 1
}

node_running() { # a mariadbd of this node is alive (ready or not)
  local pidfile=$BASE/node$1/run/mysqld.pid
  [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null
}

stop_all() {
  local n pid
  for n in "${NODES[@]}"; do
    if node_running "$n"; then
      pid=$(cat "$BASE/node$n/run/mysqld.pid")
      log "node$n: stopping (pid $pid)"
      kill "$pid"
      while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done
    fi
  done
}

up() {
  if all_up; then log "cluster already up (ports 3307-3309)"; return 0; fi
  install_packages
  if id mysql >/dev/null 2>&1; then RUN_AS=mysql; else RUN_AS=root; fi
  mkdir -p "$BASE"
  local n any_ready=""
  for n in "${NODES[@]}"; do
    write_config "$n"
    init_datadir "$n"
    if node_ready "$n"; then any_ready=$n; fi
  done
  for n in "${NODES[@]}"; do # a node that is alive but not ready: stop it and start it cleanly
    if ! node_ready "$n" && node_running "$n"; then
      log "node$n: running but not ready, restarting"
      kill "$(cat "$BASE/node$n/run/mysqld.pid")"; sleep 2
    fi
  done
  if [ -z "$any_ready" ]; then
    # No node is up: bootstrap a new cluster from node 1. Every node is down, so node 1 is as
    # safe to bootstrap from as any (this is a test cluster: a joiner ahead of it is resynced).
    local grastate=$BASE/node1/data/grastate.dat
    if [ -f "$grastate" ]; then sed -i 's/^safe_to_bootstrap: 0/safe_to_bootstrap: 1/' "$grastate"; fi
    start_node 1 --wsrep-new-cluster
    wait_ready 1 60
    any_ready=1
  fi
  for n in "${NODES[@]}"; do
    if ! node_ready "$n"; then
      start_node "$n"
      wait_ready "$n" 120
    fi
  done
  local i
  for ((i = 0; i < 60; i++)); do
    if all_up; then log "cluster up: 3 nodes synced on ports 3307-3309"; return 0; fi
    sleep 0.5
  done
  log "cluster did not reach 3 synced nodes:"; for n in "${NODES[@]}"; do log "node$n: $(node_status "$n")"; done
  return 1
}

mkdir -p "$BASE"
exec 9>"$BASE/.lock"
flock 9 # two runs at once (two test commands) must not start the nodes twice
case "${1:-up}" in
  up) up ;;
  stop) stop_all ;;
  reset) stop_all; rm -rf "${BASE:?}"/node* ;;
  *) echo "usage: $0 [up|stop|reset]" >&2; exit 2 ;;
esac
