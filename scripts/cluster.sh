#!/usr/bin/env bash
# A whole Mammoth cluster of many hosts on one machine: each host is a Linux network namespace on one bridge, in a private
# /24 (MAMMOTH_CLUSTER_NET, default 10.213.<40+index>). Run as root.
#   cluster.sh up [N]      N node hosts (default 3), each with its own dockerd and node daemon; three Kafka brokers (one
#                          KRaft quorum, replication factor 3, min.insync.replicas 2); two control planes; a PostgreSQL
#                          primary and a synchronous streaming standby behind a service address; an edge host with nginx
#                          and its companion; one projector. Tears down whatever an earlier up left first, so a second up
#                          (or an up after a half-failed one) starts clean. Prints where everything is.
#   cluster.sh down        stops everything and removes exactly what up made (namespaces, links, bridge, FORWARD rule, data)
#   cluster.sh status      what runs where
#   cluster.sh env         the cluster's addresses as shell assignments (also in .run/cluster-<i>/cluster.env)
#   cluster.sh promote     database failover: fence the primary, promote the standby, move the service address to it
#   cluster.sh exec HOST CMD...   run a command in a host's namespace (e.g. exec node1 docker -H unix://... ps)
#   cluster.sh kill PROC   SIGKILL one of the cluster's processes, as a crash would (PROC as named in logs/: control-plane-cp1,
#                          projector, node-daemon-node2, kafka3, postgres-db1, dockerd-node1, nginx-companion)
#   cluster.sh load TAR    docker load an image tarball into every node host's engine
# MAMMOTH_CLUSTER_INDEX (0-99) runs a separate cluster per index (names mammoth-<i>-*), e.g. one per checkout.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/cluster/lib.sh"
LOG_TAG=cluster
here="$MAMMOTH_ROOT/scripts/cluster"
[[ "$(id -u)" == 0 ]] || die "run as root: the cluster's hosts are network namespaces"

# lock -> one up or down at a time per cluster index.
lock() {
  exec 9>"$MAMMOTH_RUN_DIR/cluster-$CLUSTER_INDEX.lock"
  flock -w 300 9 || die "another cluster.sh up or down holds $MAMMOTH_RUN_DIR/cluster-$CLUSTER_INDEX.lock"
}

node_hosts() {
  local n="${1:-$(cluster_node_count)}" i
  for ((i = 1; i <= n; i++)); do echo "node$i"; done
}

# node_hosts_present -> every node host this cluster may have started, whatever N was (for down after a failed up).
node_hosts_present() {
  {
    node_hosts
    ip netns list | awk '{print $1}' | sed -n "s/^$CLUSTER_NS_PREFIX\(node[0-9]*\)$/\1/p"
    ls "$CLUSTER_DIR" 2>/dev/null | grep -E '^node[0-9]+$' || true
  } | sort -u
}

down() {
  "$here/mammoth.sh" stop
  # shellcheck disable=SC2046
  "$here/docker.sh" stop $(node_hosts_present) &
  "$here/kafka.sh" stop &
  "$here/postgres.sh" stop &
  wait
  # Whatever is still running in a host (a half-started process, a container) goes with its host.
  local ns pid
  for ns in $(ip netns list | awk '{print $1}' | grep "^$CLUSTER_NS_PREFIX" || true); do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
  done
  sleep 0.5
  awk -v d="$CLUSTER_DIR/" 'index($2, d) == 1 {print $2}' /proc/mounts | sort -r | while read -r m; do umount -l "$m" || true; done
  "$here/net.sh" down
  if [[ -d "$CLUSTER_DIR" ]]; then
    find "$CLUSTER_DIR" -mindepth 1 -maxdepth 1 ! -name logs -exec rm -rf {} +
  fi
  log "cluster $CLUSTER_INDEX is down (logs kept in $CLUSTER_DIR/logs)"
}

write_env() {
  local n="$1" i
  {
    echo "CLUSTER_INDEX=$CLUSTER_INDEX"
    echo "CLUSTER_NET=$CLUSTER_NET.0/24"
    echo "CLUSTER_NODES=$n"
    echo "CONTROL_PLANE_URL=$(control_plane_urls)"
    echo "KAFKA_BROKERS=$(kafka_brokers)"
    echo "DATABASE_URL=$(database_url)"
    echo "DB_PRIMARY_URL=postgres://postgres@$(host_addr db1):$PG_PORT/mammoth"
    echo "DB_STANDBY_URL=postgres://postgres@$(host_addr db2):$PG_PORT/mammoth"
    echo "EDGE_URL=http://$(host_addr edge):$EDGE_PORT"
    for ((i = 1; i <= n; i++)); do
      echo "NODE${i}_ADDRESS=$(host_addr "node$i")"
      echo "NODE${i}_DOCKER_HOST=unix://$("$here/docker.sh" socket "node$i")"
    done
    echo "RUN_DIR=$CLUSTER_DIR"
    echo "MAMMOTH_TOKEN_FILE=$CLUSTER_DIR/secrets/admin.token"
  } >"$CLUSTER_DIR/cluster.env"
}

print_summary() {
  local n="$1" i
  cat <<MSG

Mammoth cluster $CLUSTER_INDEX is up ($CLUSTER_NET.0/24 on bridge $CLUSTER_BRIDGE, hosts are namespaces $CLUSTER_NS_PREFIX*):
  control planes  http://$(host_addr cp1):$CP_PORT/graphql   http://$(host_addr cp2):$CP_PORT/graphql   (cp2 also runs the projector)
  kafka           $(kafka_brokers)   (KRaft quorum, replication 3, min.insync.replicas 2)
  postgres        primary db1 $(host_addr db1):$PG_PORT, standby db2 $(host_addr db2):$PG_PORT, service address $(database_url)
  edge (nginx)    curl -H 'Host: <app>' http://$(host_addr edge):$EDGE_PORT/
MSG
  for ((i = 1; i <= n; i++)); do
    echo "  node$i           $(host_addr "node$i")   dockerd unix://$("$here/docker.sh" socket "node$i")"
  done
  cat <<MSG
  settings        $CLUSTER_DIR/cluster.env        logs  $CLUSTER_DIR/logs/
  admin token     $CLUSTER_DIR/secrets/admin.token (present it as Authorization: Bearer <token>)
  failover        scripts/cluster.sh promote      stop  scripts/cluster.sh down
MSG
}

up() {
  local n="${1:-3}" started=$SECONDS
  [[ "$n" =~ ^[0-9]+$ ]] && ((n >= 1 && n <= 99)) || die "N must be a number of node hosts from 1 to 99, got '$n'"
  "$MAMMOTH_ROOT/scripts/infra/deps.sh"
  need_apt iproute2 util-linux iputils-arping
  "$MAMMOTH_ROOT/scripts/infra/nginx.sh" install
  "$MAMMOTH_ROOT/scripts/infra/kafka.sh" fetch
  [[ -f "$MAMMOTH_ROOT/dist/apps/control-plane/src/main.js" ]] || "$MAMMOTH_ROOT/scripts/build.sh"
  down
  rm -rf "$CLUSTER_DIR"
  mkdir -p "$CLUSTER_DIR"
  echo "$n" >"$CLUSTER_DIR/nodes"
  "$here/net.sh" up "$n"
  local pids=() p
  # shellcheck disable=SC2046
  "$here/docker.sh" start $(node_hosts "$n") &
  pids+=($!)
  "$here/kafka.sh" start &
  pids+=($!)
  "$here/postgres.sh" start &
  pids+=($!)
  local failed=0
  for p in "${pids[@]}"; do wait "$p" || failed=1; done
  ((failed == 0)) || die "the cluster's infrastructure did not come up (logs in $CLUSTER_DIR/logs); 'cluster.sh down' cleans up"
  "$here/mammoth.sh" start "$n"
  write_env "$n"
  print_summary "$n"
  log "up in $((SECONDS - started)) s"
}

status() {
  local host
  [[ -s "$CLUSTER_DIR/nodes" ]] || { echo "cluster $CLUSTER_INDEX: down"; return 1; }
  echo "cluster $CLUSTER_INDEX ($CLUSTER_NET.0/24), $(cluster_node_count) node hosts:"
  for host in $(cluster_hosts); do
    local procs
    procs="$(for pid in $(ip netns pids "$(host_ns "$host")" 2>/dev/null); do cat "/proc/$pid/comm" 2>/dev/null; done | sort | uniq -c | awk '{printf "%s%s ", $2, ($1 > 1 ? "(" $1 ")" : "")}')"
    printf '  %-7s %-15s %s\n' "$host" "$(host_addr "$host")" "${procs:-(nothing running)}"
  done
  "$here/kafka.sh" status | sed 's/^/  /'
  "$here/postgres.sh" status | sed 's/^/  /'
}

case "${1:-}" in
  up) lock; up "${2:-3}" ;;
  down) lock; down ;;
  status) status ;;
  env) cat "$CLUSTER_DIR/cluster.env" ;;
  promote) "$here/postgres.sh" promote ;;
  exec) shift; host="${1:?usage: cluster.sh exec HOST CMD...}"; shift; in_host "$host" "$@" ;;
  kill)
    proc_pid "${2:?usage: cluster.sh kill PROC}" >/dev/null || die "no process $2 is running in cluster $CLUSTER_INDEX"
    stop_proc "$2" KILL 10
    ;;
  # shellcheck disable=SC2046
  load) "$here/docker.sh" load "${2:?usage: cluster.sh load TAR}" $(node_hosts) ;;
  *) echo "usage: $0 up [N]|down|status|env|promote|exec HOST CMD...|kill PROC|load TAR" >&2; exit 2 ;;
esac
