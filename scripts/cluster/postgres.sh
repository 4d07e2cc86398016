#!/usr/bin/env bash
# PostgreSQL on two database hosts, from Debian's binaries: a primary created with initdb under the run dir, and a
# streaming-replication standby made from it with pg_basebackup -R (a physical replication slot keeps the WAL it needs).
# Replication is synchronous by default (CLUSTER_PG_SYNC=on): a commit returns once the standby has flushed it, so promoting
# the standby loses no committed event. Trade-off: while the standby is down, commits wait.
#
# Clients use the service address $DB_SERVICE_ADDR (DATABASE_URL), which is always on the primary's host: both servers
# listen on their own address and on the service address (ip_nonlocal_bind in the database hosts), and only the primary's
# host carries it. node-postgres has no multi-host connection string, and Mammoth opens connections in many places (pools,
# the relay's and the failure detector's lock sessions, LISTEN sessions, migrations); a moving service address makes
# every one of them follow a promotion without any client knowing, as Patroni's vip-manager or keepalived do.
#
#   postgres.sh start     initdb + start the primary on db1, base backup + start the standby on db2, wait for streaming
#   postgres.sh promote   fail over: fence the primary (stop it; standby.signal so it can only come back as a standby),
#                         `pg_ctl promote` the standby, move the service address to it and announce it (gratuitous ARP)
#   postgres.sh stop      stop both servers (fast)
#   postgres.sh status    which host is primary, and replication state
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
LOG_TAG=cluster-postgres

PG_BIN="${CLUSTER_PG_BIN:-/usr/lib/postgresql/$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -1)/bin}"
PG_SYNC="${CLUSTER_PG_SYNC:-on}"
ROLE_FILE="$CLUSTER_DIR/db.primary"

data_dir() { echo "$CLUSTER_DIR/$1/pgdata"; }
as_postgres() { setpriv --reuid=postgres --regid=postgres --init-groups -- "$@"; }
psql_on() {
  local host="$1"
  shift
  "$PG_BIN/psql" -h "$(host_addr "$host")" -p "$PG_PORT" -U postgres -w -X -q -t -A -v ON_ERROR_STOP=1 "$@" </dev/null
}
primary() { if [[ -s "$ROLE_FILE" ]]; then cat "$ROLE_FILE"; else echo db1; fi; }
other() { if [[ "$1" == db1 ]]; then echo db2; else echo db1; fi; }

# run_server HOST [-c NAME=VALUE...] -> starts postgres for HOST's data dir in HOST's namespace.
run_server() {
  local host="$1"
  shift
  # shellcheck disable=SC2016
  spawn "$host" "postgres-$host" setpriv --reuid=postgres --regid=postgres --init-groups -- \
    "$PG_BIN/postgres" -D "$(data_dir "$host")" -c "listen_addresses=$(host_addr "$host"),$DB_SERVICE_ADDR" \
    -c "port=$PG_PORT" -c "unix_socket_directories=$CLUSTER_DIR/$host" -c "cluster_name=$host" "$@"
}

ready() { "$PG_BIN/pg_isready" -q -h "$(host_addr "$1")" -p "$PG_PORT" -U postgres; }

init_primary() {
  local dir
  dir="$(data_dir db1)"
  install -d -o postgres -g postgres -m 700 "$CLUSTER_DIR/db1" "$CLUSTER_DIR/db2"
  as_postgres "$PG_BIN/initdb" -D "$dir" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >/dev/null
  cat >>"$dir/postgresql.conf" <<CONF
# added by scripts/cluster/postgres.sh (host settings are given on the postgres command line, so a base backup can move)
shared_buffers = 32MB
max_connections = 200
wal_level = replica
max_wal_senders = 5
max_replication_slots = 5
hot_standby = on
wal_log_hints = on
CONF
  {
    echo "# scripts/cluster/postgres.sh: trust within the cluster's own /24 only"
    echo "local all all trust"
    echo "host all all $CLUSTER_NET.0/24 trust"
    echo "host replication all $CLUSTER_NET.0/24 trust"
  } >"$dir/pg_hba.conf"
}

# garp HOST -> announces that the service address is now at HOST (unsolicited ARP), so peers drop the old mapping at once.
garp() {
  in_host "$1" arping -q -U -c 2 -w 2 -I eth0 "$DB_SERVICE_ADDR" || true
}

start() {
  command -v setpriv >/dev/null 2>&1 || need_apt util-linux
  [[ -x "$PG_BIN/initdb" ]] || need_apt postgresql
  command -v arping >/dev/null 2>&1 || need_apt iputils-arping
  local h
  for h in db1 db2; do in_host "$h" sysctl -qw net.ipv4.ip_nonlocal_bind=1; done
  init_primary
  local sync=()
  [[ "$PG_SYNC" == on ]] && sync=(-c "synchronous_standby_names=db2")
  run_server db1 "${sync[@]}"
  ip -n "$(host_ns db1)" addr add "$DB_SERVICE_ADDR/32" dev eth0
  wait_proc 60 postgres-db1 ready db1
  echo db1 >"$ROLE_FILE"
  # The standby is cloned from the primary's own address (not the service address), through a slot named after it.
  as_postgres "$PG_BIN/pg_basebackup" -h "$(host_addr db1)" -p "$PG_PORT" -U postgres -D "$(data_dir db2)" \
    -R -C -S db2 -X stream --checkpoint=fast --no-sync
  run_server db2
  wait_proc 60 postgres-db2 ready db2
  wait_until 30 "streaming replication db1 -> db2" streaming db1 db2
  psql_on db1 -d postgres -c 'CREATE DATABASE mammoth' >/dev/null
  log "postgres: primary db1 $(host_addr db1), standby db2 $(host_addr db2) ($PG_SYNC sync), service $DB_SERVICE_ADDR"
}

streaming() {
  [[ "$(psql_on "$1" -d postgres -c "SELECT count(*) FROM pg_stat_replication WHERE application_name = '$2' AND state = 'streaming'")" == 1 ]]
}

promote() {
  local old new pid
  old="$(primary)"
  new="$(other "$old")"
  proc_pid "postgres-$new" >/dev/null || die "the standby on $new is not running"
  log "promoting $new; fencing the old primary $old"
  # Fence first: the old primary must not take another write, and must not come back as a primary.
  if pid="$(proc_pid "postgres-$old")"; then stop_proc "postgres-$old" INT 30; fi
  as_postgres touch "$(data_dir "$old")/standby.signal"
  ip -n "$(host_ns "$old")" addr del "$DB_SERVICE_ADDR/32" dev eth0 2>/dev/null || true
  as_postgres "$PG_BIN/pg_ctl" promote -w -t 60 -D "$(data_dir "$new")" >/dev/null
  [[ "$(psql_on "$new" -d postgres -c 'SELECT pg_is_in_recovery()')" == f ]] || die "$new is still in recovery"
  ip -n "$(host_ns "$new")" addr add "$DB_SERVICE_ADDR/32" dev eth0
  garp "$new"
  echo "$new" >"$ROLE_FILE"
  log "primary is now $new ($(host_addr "$new")); service address $DB_SERVICE_ADDR moved there; $old is fenced"
}

stop() {
  stop_proc postgres-db2 INT 30 &
  stop_proc postgres-db1 INT 30 &
  wait
}

status() {
  local h state
  for h in db1 db2; do
    if ! ready "$h"; then
      echo "$h: down"
      continue
    fi
    state="$(psql_on "$h" -d postgres -c "SELECT CASE WHEN pg_is_in_recovery() THEN 'standby' ELSE 'primary' END")"
    echo "$h: $state ($(host_addr "$h"):$PG_PORT)$([[ "$(primary)" == "$h" ]] && echo ", service $DB_SERVICE_ADDR")"
  done
}

case "${1:-}" in
  start) start ;;
  promote) promote ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|promote|stop|status" >&2; exit 2 ;;
esac
