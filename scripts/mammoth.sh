#!/usr/bin/env bash
# Starts or stops Mammoth's own processes on this machine (infrastructure is scripts/infra/up.sh).
#   mammoth.sh start    control-plane, projector, one node daemon for this machine and the nginx companion, in the background
#   mammoth.sh stop     stops them (containers of deployed apps keep running, as on a real cluster)
#   mammoth.sh status
# Env: PORT (control plane, 8080), DATABASE_URL, KAFKA_BROKERS, MAMMOTH_TOPIC_PREFIX, NODE_ID, NODE_PORT_RANGE,
#      NGINX_LISTEN_PORT (the one port every app answers on through nginx, 8088).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/infra/lib.sh"
LOG_TAG=mammoth
cd "$MAMMOTH_ROOT"
export PORT="${PORT:-8080}"
export CONTROL_PLANE_URL="${CONTROL_PLANE_URL:-http://127.0.0.1:$PORT}"
export NGINX_LISTEN_PORT="${NGINX_LISTEN_PORT:-8088}"
export NGINX_RUN_DIR="${NGINX_RUN_DIR:-$MAMMOTH_RUN_DIR/nginx-companion}"
PROCS=(control-plane projector node-daemon nginx-companion)

start_one() {
  local name="$1" pidfile="$MAMMOTH_RUN_DIR/$1.pid" pid
  if pid="$(pidfile_pid "$pidfile")"; then
    log "$name already running (pid $pid)"
    return 0
  fi
  nohup setsid node "dist/apps/$name/src/main.js" </dev/null >>"$MAMMOTH_RUN_DIR/$name.log" 2>&1 &
  echo $! >"$pidfile"
  log "$name started (pid $!, log $MAMMOTH_RUN_DIR/$name.log)"
}

stop_one() {
  local name="$1" pidfile="$MAMMOTH_RUN_DIR/$1.pid" pid
  pid="$(pidfile_pid "$pidfile")" || { rm -f "$pidfile"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do pid_alive "$pid" || break; sleep 0.1; done
  pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
  rm -f "$pidfile"
  log "$name stopped"
}

case "${1:-}" in
  start)
    [[ -f dist/apps/control-plane/src/main.js ]] || die "not built: run scripts/build.sh"
    start_one control-plane
    wait_for_port 127.0.0.1 "$PORT" 60 || { tail -30 "$MAMMOTH_RUN_DIR/control-plane.log" >&2; die "control plane did not come up"; }
    start_one projector
    start_one node-daemon
    start_one nginx-companion
    ;;
  stop)
    for p in nginx-companion node-daemon projector control-plane; do stop_one "$p"; done
    # The companion leaves nginx serving across its own restarts; stopping Mammoth stops nginx too.
    scripts/infra/nginx.sh stop "$NGINX_RUN_DIR" || true
    ;;
  status)
    for p in "${PROCS[@]}"; do
      if pid="$(pidfile_pid "$MAMMOTH_RUN_DIR/$p.pid")"; then echo "$p: running (pid $pid)"; else echo "$p: stopped"; fi
    done
    ;;
  *) die "usage: mammoth.sh start|stop|status" ;;
esac
