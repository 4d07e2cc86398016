#!/usr/bin/env bash
# PostgreSQL for Mammoth: the Debian cluster on 127.0.0.1:5432, trust auth for
# user postgres over TCP, database "mammoth".
#   postgres.sh start    ensure it's up (leave it alone if it already answers)
#   postgres.sh status   exit 0 if it answers and the database exists
#   postgres.sh restart  stop then start the cluster (fault tests), wait for the port
#   postgres.sh stop     stop the Debian cluster
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PG_HOST=127.0.0.1
PG_PORT="${MAMMOTH_PG_PORT:-5432}"
PG_USER=postgres
PG_DB="${MAMMOTH_DB_NAME:-mammoth}"
PG_CLUSTER="${MAMMOTH_PG_CLUSTER:-main}"   # Debian cluster name
HBA_MARK="# mammoth: trust on loopback (added by scripts/infra/postgres.sh)"

psql_q() {
  psql -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" -w -X -q -t -A -v ON_ERROR_STOP=1 "$@" </dev/null
}

pg_version() {
  local v
  v="$(ls /etc/postgresql 2>/dev/null | sort -V | tail -1 || true)"
  if [[ -z "$v" ]]; then
    v="$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -1 || true)"
  fi
  printf '%s\n' "$v"
}

ensure_cluster_exists() {
  command -v pg_ctlcluster >/dev/null 2>&1 || need_apt postgresql
  local v
  v="$(pg_version)"
  [[ -n "$v" ]] || die "no PostgreSQL version found under /etc/postgresql or /usr/lib/postgresql"
  if [[ ! -f "/etc/postgresql/$v/$PG_CLUSTER/postgresql.conf" ]]; then
    log "creating Debian cluster $v/$PG_CLUSTER"
    pg_createcluster "$v" "$PG_CLUSTER" --port "$PG_PORT" >/dev/null
  fi
}

# Make 127.0.0.1 trust work (first matching pg_hba line wins, so we prepend).
# Only called when a password-less login as postgres fails.
ensure_trust_hba() {
  local v hba
  v="$(pg_version)"
  hba="/etc/postgresql/$v/$PG_CLUSTER/pg_hba.conf"
  [[ -f "$hba" ]] || return 1
  grep -qF "$HBA_MARK" "$hba" && return 0
  log "adding trust rules for 127.0.0.1 / local socket to $hba"
  local tmp
  tmp="$(mktemp)"
  {
    echo "$HBA_MARK"
    echo "local   all   all                  trust"
    echo "host    all   all   127.0.0.1/32   trust"
    echo
    cat "$hba"
  } >"$tmp"
  cat "$tmp" >"$hba"
  rm -f "$tmp"
}

# Loopback only: unless the cluster config already pins listen_addresses to
# 127.0.0.1, add a conf.d snippet that does (Debian's default 'localhost' also binds ::1).
ensure_loopback_only() {
  local v dir
  v="$(pg_version)"
  dir="/etc/postgresql/$v/$PG_CLUSTER"
  [[ -f "$dir/postgresql.conf" ]] || return 0
  if grep -Eqs "^[[:space:]]*listen_addresses[[:space:]]*=[[:space:]]*'127\.0\.0\.1'" \
      "$dir/postgresql.conf" "$dir"/conf.d/*.conf; then
    return 0
  fi
  mkdir -p "$dir/conf.d"
  log "pinning listen_addresses to 127.0.0.1 ($dir/conf.d/50-mammoth.conf)"
  printf "# added by scripts/infra/postgres.sh\nlisten_addresses = '127.0.0.1'\n" >"$dir/conf.d/50-mammoth.conf"
  chown postgres:postgres "$dir/conf.d/50-mammoth.conf" 2>/dev/null || true
}

cluster_ctl() {
  local v
  v="$(pg_version)"
  pg_ctlcluster --skip-systemctl-redirect "$v" "$PG_CLUSTER" "$@"
}

ensure_auth() {
  if psql_q -c 'select 1' >/dev/null 2>&1; then
    return 0
  fi
  log "cannot log in as $PG_USER@$PG_HOST without a password; fixing pg_hba.conf"
  ensure_trust_hba || die "no Debian cluster config to fix; the server on $PG_HOST:$PG_PORT refuses trust auth for $PG_USER"
  cluster_ctl reload || true
  for _ in $(seq 1 20); do
    psql_q -c 'select 1' >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  die "still cannot connect as $PG_USER to $PG_HOST:$PG_PORT"
}

ensure_db() {
  if [[ "$(psql_q -d postgres -c "select 1 from pg_database where datname = '$PG_DB'")" != 1 ]]; then
    log "creating database $PG_DB"
    psql_q -d postgres -c "create database \"$PG_DB\"" >/dev/null
  fi
}

start() {
  if port_open "$PG_HOST" "$PG_PORT"; then
    log "PostgreSQL already answers on $PG_HOST:$PG_PORT"
  else
    ensure_cluster_exists
    ensure_loopback_only
    log "starting Debian cluster $(pg_version)/$PG_CLUSTER"
    cluster_ctl start || true
    wait_for_port "$PG_HOST" "$PG_PORT" 60 || die "PostgreSQL did not come up on $PG_HOST:$PG_PORT (see /var/log/postgresql/)"
  fi
  command -v psql >/dev/null 2>&1 || need_apt postgresql-client
  ensure_auth
  # the port may answer a moment before the server accepts logins
  for _ in $(seq 1 60); do
    psql_q -d postgres -c 'select 1' >/dev/null 2>&1 && break
    sleep 0.5
  done
  ensure_db
  log "PostgreSQL ready: postgres://$PG_USER@$PG_HOST:$PG_PORT/$PG_DB"
}

stop() {
  if ! port_open "$PG_HOST" "$PG_PORT"; then
    log "PostgreSQL not running"
    return 0
  fi
  log "stopping Debian cluster $(pg_version)/$PG_CLUSTER"
  cluster_ctl stop -m fast
  wait_for_port_closed "$PG_HOST" "$PG_PORT" 30 || die "PostgreSQL still answers after stop"
}

status() {
  if ! port_open "$PG_HOST" "$PG_PORT"; then
    echo "postgres: down ($PG_HOST:$PG_PORT)"
    return 1
  fi
  if [[ "$(psql_q -d postgres -c "select 1 from pg_database where datname = '$PG_DB'" 2>/dev/null)" == 1 ]]; then
    echo "postgres: up ($PG_HOST:$PG_PORT, database $PG_DB present)"
  else
    echo "postgres: up ($PG_HOST:$PG_PORT) but database $PG_DB missing or login refused"
    return 1
  fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) status ;;
  *) echo "usage: $0 start|stop|restart|status" >&2; exit 2 ;;
esac
