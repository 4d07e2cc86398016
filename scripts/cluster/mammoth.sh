#!/usr/bin/env bash
# Mammoth's own processes on the cluster's hosts, from the build in dist/:
#   cp1, cp2    a control plane each, on its host's address (the relay and the failure detector fail over through PostgreSQL);
#               both keep package blobs in one data dir, as two machines would on a shared volume
#   cp2         also the projector
#   node<i>     a node daemon talking to its host's own dockerd, registering its host's address; it enrols with a one-time
#               join token (which gives it the label host=node<i>) and then presents its own credential, never the admin token
#   edge        the nginx companion and its nginx, listening on the edge's address
# Every client gets both control planes (CONTROL_PLANE_URL=a,b) and all three brokers; the database is the service address.
# Other settings in the environment (NODE_LOST_AFTER_MS, HEARTBEAT_INTERVAL_MS, ...) reach every process.
#   mammoth.sh start N   start them and wait until both control planes answer, N nodes are registered and nginx answers
#   mammoth.sh stop      stop them (containers keep running until their host's dockerd stops)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
LOG_TAG=cluster-mammoth
cd "$MAMMOTH_ROOT"

DIST="$MAMMOTH_ROOT/dist/apps"
# The admin token bootstrapped for this cluster (mode 0600 in a 0700 dir); every process and client presents it.
TOKEN_FILE="$CLUSTER_DIR/secrets/admin.token"

daemon_env() {
  echo "KAFKA_BROKERS=$(kafka_brokers)"
}

common_env() {
  echo "DATABASE_URL=$(database_url)" "$(daemon_env)" KAFKA_REPLICATION_FACTOR=3 KAFKA_MIN_INSYNC_REPLICAS=2 \
    "MAMMOTH_TOKEN_FILE=$TOKEN_FILE"
}

gql() {
  curl -sf -m 5 -H 'content-type: application/json' -H "authorization: Bearer $(cat "$TOKEN_FILE")" \
    -d "{\"query\": \"$2\"}" "http://$(host_addr "$1"):$CP_PORT/graphql"
}

registered_nodes() {
  local n="$1" got
  got="$(gql cp1 '{ nodes { id } }' | grep -o '"id":"node[0-9]*"' | wc -l)"
  ((got >= n))
}

start() {
  local n="${1:?usage: mammoth.sh start N}" cp i
  [[ -f "$DIST/control-plane/src/main.js" ]] || die "not built: run scripts/build.sh"
  mkdir -p "$CLUSTER_DIR/cp-data"
  if [[ ! -s "$TOKEN_FILE" ]]; then
    # shellcheck disable=SC2046
    in_host cp1 env $(common_env) LOG_LEVEL=warn node "$DIST/control-plane/src/main.js" bootstrap-token --out "$TOKEN_FILE" \
      >/dev/null || die "bootstrap-token failed"
  fi
  for cp in cp1 cp2; do
    # shellcheck disable=SC2046
    spawn "$cp" "control-plane-$cp" env $(common_env) PORT="$CP_PORT" HOST="$(host_addr "$cp")" \
      MAMMOTH_DATA_DIR="$CLUSTER_DIR/cp-data" node "$DIST/control-plane/src/main.js"
  done
  for cp in cp1 cp2; do wait_proc 90 "control-plane-$cp" gql "$cp" '{ apps { name } }'; done
  # shellcheck disable=SC2046
  spawn cp2 projector env $(common_env) node "$DIST/projector/src/main.js"
  for ((i = 1; i <= n; i++)); do
    local data="$CLUSTER_DIR/node$i/daemon"
    [[ -s "$data/secrets/credential" ]] ||
      create_join_token "http://$(host_addr cp1):$CP_PORT" "$TOKEN_FILE" "$data/secrets/join-token" "host=node$i"
    # env -u: the admin token of the environment (cluster.env) must not reach a node daemon.
    # shellcheck disable=SC2046
    spawn "node$i" "node-daemon-node$i" env -u MAMMOTH_TOKEN_FILE -u MAMMOTH_TOKEN $(daemon_env) \
      CONTROL_PLANE_URL="$(control_plane_urls)" NODE_ID="node$i" NODE_ADDRESS="$(host_addr "node$i")" \
      NODE_LABELS="host=node$i" NODE_DATA_DIR="$data" MAMMOTH_JOIN_TOKEN_FILE="$data/secrets/join-token" \
      DOCKER_SOCKET="$CLUSTER_DIR/node$i/docker/docker.sock" node "$DIST/node-daemon/src/main.js"
  done
  spawn edge nginx-companion env CONTROL_PLANE_URL="$(control_plane_urls)" MAMMOTH_TOKEN_FILE="$TOKEN_FILE" \
    NGINX_LISTEN_HOST="$(host_addr edge)" \
    NGINX_LISTEN_PORT="$EDGE_PORT" NGINX_RUN_DIR="$CLUSTER_DIR/edge/nginx" NGINX_STOP_ON_EXIT=true \
    node "$DIST/nginx-companion/src/main.js"
  wait_until 90 "$n node daemons registered" registered_nodes "$n"
  wait_proc 60 nginx-companion port_open "$(host_addr edge)" "$EDGE_PORT"
  log "mammoth up: control planes $(control_plane_urls), $n nodes, edge http://$(host_addr edge):$EDGE_PORT"
}

stop() {
  local name pids=()
  for name in nginx-companion $(cd "$CLUSTER_DIR/pids" 2>/dev/null && ls node-daemon-*.pid projector.pid control-plane-*.pid 2>/dev/null | sed 's/\.pid$//'); do
    stop_proc "$name" TERM 15 &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || true; done
}

case "${1:-}" in
  start) start "${2:-}" ;;
  stop) stop ;;
  *) echo "usage: $0 start N|stop" >&2; exit 2 ;;
esac
