#!/usr/bin/env bash
# Docker engine for Mammoth (dockerd from Debian's docker.io, unix socket only).
#   docker.sh start    ensure `docker info` works; start dockerd in the background if not
#   docker.sh stop     stop dockerd (SIGTERM, then SIGKILL after 30s)
#   docker.sh status   exit 0 if `docker info` answers
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

DOCKER_SOCK=/var/run/docker.sock
DOCKER_ENGINE_PID=/var/run/docker.pid          # written by dockerd itself
CONTAINERD_PID=/var/run/docker/containerd/containerd.pid   # containerd managed by dockerd
DOCKER_DIR="$MAMMOTH_RUN_DIR/docker"
DOCKER_PIDFILE="$DOCKER_DIR/dockerd.pid"
DOCKER_LOG="$DOCKER_DIR/dockerd.log"
mkdir -p "$DOCKER_DIR"

docker_cli() {
  local c
  for c in /usr/local/bin/docker /usr/bin/docker; do
    [[ -x "$c" ]] && { printf '%s\n' "$c"; return 0; }
  done
  command -v docker 2>/dev/null
}

docker_ok() {
  local cli
  cli="$(docker_cli)" || return 1
  DOCKER_HOST="unix://$DOCKER_SOCK" timeout 15 "$cli" info >/dev/null 2>&1
}

# pid of a running dockerd: ours (pidfile) or the engine's own pidfile.
dockerd_pid() {
  local pid f
  for f in "$DOCKER_PIDFILE" "$DOCKER_ENGINE_PID"; do
    if pid="$(pidfile_pid "$f")" && pid_cmdline_has "$pid" dockerd; then
      printf '%s\n' "$pid"
      return 0
    fi
  done
  return 1
}

# After dockerd died hard (SIGKILL/OOM) it leaves pidfiles behind, and the containerd it
# supervised may still be shutting down (it gets SIGKILL on its parent's death).
# A new dockerd that finds containerd.pid with a live process tries to reuse it and
# then times out, so: wait for such an orphan to go, and drop stale pidfiles.
clean_stale_state() {
  if [[ -e "$DOCKER_ENGINE_PID" ]]; then
    log "removing stale $DOCKER_ENGINE_PID"
    rm -f "$DOCKER_ENGINE_PID"
  fi
  local cpid
  if cpid="$(pidfile_pid "$CONTAINERD_PID")" && pid_cmdline_has "$cpid" containerd; then
    log "waiting for orphaned containerd (pid $cpid) of the previous dockerd to exit"
    local deadline=$((SECONDS + 15))
    while ((SECONDS < deadline)) && pid_alive "$cpid"; do sleep 0.5; done
    if pid_alive "$cpid"; then
      log "orphaned containerd (pid $cpid) still running; SIGTERM"
      kill -TERM "$cpid" 2>/dev/null || true
      deadline=$((SECONDS + 15))
      while ((SECONDS < deadline)) && pid_alive "$cpid"; do sleep 0.5; done
      if pid_alive "$cpid"; then kill -KILL "$cpid" 2>/dev/null || true; fi
      sleep 0.5
    fi
  fi
  rm -f "$CONTAINERD_PID"
}

start() {
  if docker_ok; then
    log "docker engine already answers on $DOCKER_SOCK"
    return 0
  fi
  command -v dockerd >/dev/null 2>&1 || need_apt docker.io
  local pid
  if pid="$(dockerd_pid)"; then
    log "dockerd (pid $pid) is running but not answering yet; waiting"
  else
    clean_stale_state
    log "starting dockerd (log: $DOCKER_LOG)"
    # setsid: own session, so it survives the shell/CI job that started it.
    # bash writes its own pid then execs dockerd, so the pidfile holds dockerd's pid.
    setsid nohup bash -c 'echo $$ >"$0"; exec dockerd --host "unix://$1"' \
      "$DOCKER_PIDFILE" "$DOCKER_SOCK" >>"$DOCKER_LOG" 2>&1 </dev/null &
    disown || true
  fi
  local deadline=$((SECONDS + ${DOCKER_START_TIMEOUT:-60}))
  while ((SECONDS < deadline)); do
    if docker_ok; then
      log "docker engine ready (pid $(dockerd_pid || echo '?'))"
      return 0
    fi
    if [[ -s "$DOCKER_PIDFILE" ]] && ! dockerd_pid >/dev/null; then
      tail -n 30 "$DOCKER_LOG" >&2 || true
      die "dockerd exited during startup"
    fi
    sleep 1
  done
  tail -n 30 "$DOCKER_LOG" >&2 || true
  die "docker engine did not answer within ${DOCKER_START_TIMEOUT:-60}s"
}

stop() {
  local pid
  if ! pid="$(dockerd_pid)"; then
    log "dockerd not running"
    rm -f "$DOCKER_PIDFILE"
    return 0
  fi
  log "stopping dockerd (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 30))
  while ((SECONDS < deadline)) && pid_alive "$pid"; do sleep 0.5; done
  if pid_alive "$pid"; then
    log "dockerd did not exit in 30s; SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 1
  fi
  rm -f "$DOCKER_PIDFILE"
}

status() {
  if docker_ok; then
    echo "docker: up ($DOCKER_SOCK, dockerd pid $(dockerd_pid || echo '?'))"
  else
    echo "docker: down"
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
