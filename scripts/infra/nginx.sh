#!/usr/bin/env bash
# nginx for Mammoth's nginx companion: Debian's package, never its system service. Each companion runs its own nginx
# master under its own prefix (nginx -p <dir>), listening on 127.0.0.1 only; this script installs nginx and stops or
# reports such a master. Idempotent.
#   nginx.sh install        install Debian's nginx if missing (services are kept from starting); check the binary
#   nginx.sh stop DIR       gracefully stop the nginx master whose prefix is DIR (nginx -s quit), if one runs
#   nginx.sh status [DIR]   exit 0 if nginx is installed (and, with DIR, if a master of that prefix runs)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
LOG_TAG=nginx

NGINX_BIN="${NGINX_BIN:-/usr/sbin/nginx}"

install() {
  [[ -x "$NGINX_BIN" ]] || need_apt nginx
  [[ -x "$NGINX_BIN" ]] || die "$NGINX_BIN missing after installing nginx"
  # The package's own service would listen on 0.0.0.0:80; Mammoth never starts it (need_apt blocks the postinst start).
  log "nginx ready: $("$NGINX_BIN" -v 2>&1)"
}

# master_pid DIR -> pid of the running nginx master of prefix DIR.
master_pid() {
  local dir="$1" pid
  pid="$(pidfile_pid "$dir/logs/nginx.pid")" || return 1
  pid_cmdline_has "$pid" "nginx" && pid_cmdline_has "$pid" "$dir" || return 1
  printf '%s\n' "$pid"
}

stop() {
  local dir="${1:?usage: nginx.sh stop DIR}" pid
  dir="$(cd "$dir" 2>/dev/null && pwd -P)" || { log "no nginx prefix at $1"; return 0; }
  if ! pid="$(master_pid "$dir")"; then
    log "no nginx master running with prefix $dir"
    return 0
  fi
  log "stopping nginx master $pid (prefix $dir)"
  "$NGINX_BIN" -p "$dir" -e "$dir/logs/error.log" -c "$dir/conf/nginx.conf" -s quit 2>/dev/null || kill -QUIT "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 30))
  while ((SECONDS < deadline)) && pid_alive "$pid"; do sleep 0.2; done
  if pid_alive "$pid"; then
    log "nginx master $pid still running after 30s; SIGTERM"
    kill -TERM "$pid" 2>/dev/null || true
  fi
}

status() {
  if [[ ! -x "$NGINX_BIN" ]]; then
    echo "nginx: not installed"
    return 1
  fi
  if [[ -n "${1:-}" ]]; then
    local dir pid
    dir="$(cd "$1" 2>/dev/null && pwd -P)" || { echo "nginx: no prefix at $1"; return 1; }
    if pid="$(master_pid "$dir")"; then echo "nginx: master $pid running (prefix $dir)"; else echo "nginx: not running (prefix $dir)"; return 1; fi
  else
    echo "nginx: installed ($("$NGINX_BIN" -v 2>&1 | sed 's/^nginx version: //'))"
  fi
}

case "${1:-}" in
  install) install ;;
  stop) stop "${2:-}" ;;
  status) status "${2:-}" ;;
  *) echo "usage: $0 install|stop DIR|status [DIR]" >&2; exit 2 ;;
esac
