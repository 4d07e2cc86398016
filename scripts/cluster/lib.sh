#!/usr/bin/env bash
# Shared helpers for the many-hosts cluster (scripts/cluster.sh). Source it after scripts/infra/lib.sh:
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# A cluster is a set of Linux network namespaces ("hosts") on one bridge in a private /24. Every name it creates starts with
# `mammoth-`, and carries the cluster index, so several checkouts can each run one cluster and `down` removes only its own.
#   MAMMOTH_CLUSTER_INDEX  0-99 (default 0): names mammoth-<i>-<host>, bridge mammoth-br<i>, links mammoth-<i><code>
#   MAMMOTH_CLUSTER_NET    the /24's first three octets (default 10.213.<40+i>)
. "$(dirname "${BASH_SOURCE[0]}")/../infra/lib.sh"

CLUSTER_INDEX="${MAMMOTH_CLUSTER_INDEX:-0}"
[[ "$CLUSTER_INDEX" =~ ^[0-9]{1,2}$ ]] || die "MAMMOTH_CLUSTER_INDEX must be a number from 0 to 99, got '$CLUSTER_INDEX'"
CLUSTER_INDEX=$((10#$CLUSTER_INDEX))
CLUSTER_NET="${MAMMOTH_CLUSTER_NET:-10.213.$((40 + CLUSTER_INDEX))}"
[[ "$CLUSTER_NET" =~ ^(10\.[0-9]{1,3}|192\.168|172\.(1[6-9]|2[0-9]|3[01]))\.[0-9]{1,3}$ ]] ||
  die "MAMMOTH_CLUSTER_NET must be the first three octets of an RFC 1918 /24 (e.g. 10.213.40), got '$CLUSTER_NET'"
CLUSTER_DIR="$MAMMOTH_RUN_DIR/cluster-$CLUSTER_INDEX"
CLUSTER_BRIDGE="mammoth-br$CLUSTER_INDEX"
CLUSTER_RULE_COMMENT="mammoth-cluster-$CLUSTER_INDEX"
CLUSTER_NS_PREFIX="mammoth-$CLUSTER_INDEX-"
# Fixed ports: each host has its own address, so these never meet another checkout's loopback ports.
CP_PORT=8080
EDGE_PORT=8088
KAFKA_PORT=9092
KAFKA_CONTROLLER_PORT=9093
PG_PORT=5432
# The database's service address: it follows the primary (see scripts/cluster/postgres.sh promote).
DB_SERVICE_ADDR="$CLUSTER_NET.20"
export CLUSTER_INDEX CLUSTER_NET CLUSTER_DIR

# cluster_node_count -> the N of the running (or last) `up`, 3 if none.
cluster_node_count() {
  if [[ -s "$CLUSTER_DIR/nodes" ]]; then cat "$CLUSTER_DIR/nodes"; else echo 3; fi
}

# cluster_hosts [N] -> every host name of a cluster of N node hosts, one per line.
cluster_hosts() {
  local n="${1:-$(cluster_node_count)}" i
  printf '%s\n' cp1 cp2 db1 db2 kafka1 kafka2 kafka3 edge
  for ((i = 1; i <= n; i++)); do echo "node$i"; done
}

# host_addr HOST -> the host's address in the cluster's /24 (bridge is the root namespace's end).
host_addr() {
  case "$1" in
    bridge) echo "$CLUSTER_NET.1" ;;
    cp[12]) echo "$CLUSTER_NET.$((10 + ${1#cp}))" ;;
    db[12]) echo "$CLUSTER_NET.$((20 + ${1#db}))" ;;
    kafka[123]) echo "$CLUSTER_NET.$((30 + ${1#kafka}))" ;;
    edge) echo "$CLUSTER_NET.41" ;;
    node[0-9] | node[0-9][0-9]) echo "$CLUSTER_NET.$((100 + ${1#node}))" ;;
    *) die "no such cluster host: $1" ;;
  esac
}

# host_ns HOST -> the host's network namespace name.
host_ns() {
  echo "$CLUSTER_NS_PREFIX$1"
}

# host_link HOST -> the root-namespace end of the host's veth pair (at most 15 characters: mammoth-<i><code>).
host_link() {
  local code
  case "$1" in
    cp* | db* | kafka* | node*) code="${1:0:1}${1//[!0-9]/}" ;;
    edge) code=e ;;
    *) die "no such cluster host: $1" ;;
  esac
  echo "mammoth-$CLUSTER_INDEX$code"
}

# in_host HOST CMD... -> runs CMD in the host's network namespace (only the network: /sys and mounts stay the machine's,
# which dockerd needs for cgroups and overlay mounts).
in_host() {
  local host="$1"
  shift
  nsenter --net="/run/netns/$(host_ns "$host")" -- "$@"
}

# spawn HOST NAME CMD... -> starts CMD in the background in the host's namespace, in its own session; its pid goes to
# pids/NAME.pid and its output to logs/NAME.log.
spawn() {
  local host="$1" name="$2"
  shift 2
  mkdir -p "$CLUSTER_DIR/pids" "$CLUSTER_DIR/logs"
  local pidfile="$CLUSTER_DIR/pids/$name.pid"
  # nsenter execs bash, bash records its pid and execs CMD: the pid file holds CMD's pid.
  # (fd 9 is cluster.sh's lock: a long-lived process must not inherit it, or the next up would wait for it forever.)
  setsid nohup nsenter --net="/run/netns/$(host_ns "$host")" -- bash -c 'echo $$ >"$0"; exec "$@"' "$pidfile" "$@" \
    >>"$CLUSTER_DIR/logs/$name.log" 2>&1 </dev/null 9>&- &
  disown || true
  local i
  for i in $(seq 1 50); do [[ -s "$pidfile" ]] && return 0; sleep 0.1; done
  die "$name did not start (see $CLUSTER_DIR/logs/$name.log)"
}

# proc_pid NAME -> the pid of a process spawn started, if it is still alive.
proc_pid() {
  pidfile_pid "$CLUSTER_DIR/pids/$1.pid"
}

# stop_proc NAME [SIGNAL] [TIMEOUT_S] -> signals a spawned process (TERM), waits, then SIGKILLs it.
stop_proc() {
  local name="$1" sig="${2:-TERM}" timeout_s="${3:-15}" pid
  pid="$(proc_pid "$name")" || { rm -f "$CLUSTER_DIR/pids/$name.pid"; return 0; }
  kill "-$sig" "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + timeout_s))
  while ((SECONDS < deadline)) && pid_alive "$pid"; do sleep 0.2; done
  if pid_alive "$pid"; then
    log "$name (pid $pid) still running after ${timeout_s}s; SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$CLUSTER_DIR/pids/$name.pid"
}

# wait_until TIMEOUT_S WHAT CMD... -> runs CMD every half second until it succeeds; dies naming WHAT on timeout.
wait_until() {
  local timeout_s="$1" what="$2"
  shift 2
  local deadline=$((SECONDS + timeout_s))
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || die "$what: not ready within ${timeout_s}s"
    sleep 0.5
  done
}

# wait_proc TIMEOUT_S NAME CMD... -> waits like wait_until for the spawned process NAME to be ready, but gives up at once,
# showing the end of its log, if it exits.
wait_proc() {
  local timeout_s="$1" name="$2"
  shift 2
  local deadline=$((SECONDS + timeout_s)) logfile="$CLUSTER_DIR/logs/$name.log"
  until "$@" >/dev/null 2>&1; do
    if ! proc_pid "$name" >/dev/null; then
      tail -n 20 "$logfile" >&2 || true
      die "$name exited while starting (log $logfile)"
    fi
    ((SECONDS < deadline)) || die "$name: not ready within ${timeout_s}s (log $logfile)"
    sleep 0.5
  done
}

# kafka_brokers -> the bootstrap list of the three brokers.
kafka_brokers() {
  echo "$(host_addr kafka1):$KAFKA_PORT,$(host_addr kafka2):$KAFKA_PORT,$(host_addr kafka3):$KAFKA_PORT"
}

# control_plane_urls -> both control planes, as the comma-separated CONTROL_PLANE_URL clients fail over along.
control_plane_urls() {
  echo "http://$(host_addr cp1):$CP_PORT,http://$(host_addr cp2):$CP_PORT"
}

# database_url -> Mammoth's DATABASE_URL: the service address, which always points at the primary.
database_url() {
  echo "postgres://postgres@$DB_SERVICE_ADDR:$PG_PORT/mammoth"
}
