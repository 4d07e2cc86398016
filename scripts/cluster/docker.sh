#!/usr/bin/env bash
# One Docker engine per node host: Debian's dockerd (with the containerd it manages) inside the host's namespace, with its
# own data root, exec root, socket, pid file and cgroup parent. Containers use the host network, which is then the node
# host's namespace: an app that binds its host's address is reachable there and nowhere else. No bridge, no iptables.
#   docker.sh start HOST...   start each host's dockerd (in parallel) and wait until all answer
#   docker.sh stop HOST...    remove its containers, stop it, unmount what it left and remove its cgroups
#   docker.sh socket HOST     print the host's docker socket
#   docker.sh load TAR HOST...  docker load an image tarball (docker save format) into each host's engine
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
LOG_TAG=cluster-docker

docker_dir() { echo "$CLUSTER_DIR/$1/docker"; }
socket() { echo "$(docker_dir "$1")/docker.sock"; }
host_docker() {
  local host="$1"
  shift
  docker -H "unix://$(socket "$host")" "$@"
}

start_one() {
  local host="$1" dir
  dir="$(docker_dir "$host")"
  mkdir -p "$dir/data" "$dir/exec"
  cat >"$dir/daemon.json" <<JSON
{
  "data-root": "$dir/data",
  "exec-root": "$dir/exec",
  "pidfile": "$dir/docker.pid",
  "hosts": ["unix://$(socket "$host")"],
  "bridge": "none",
  "iptables": false,
  "ip-masq": false,
  "ip-forward": false,
  "cgroup-parent": "/$(host_ns "$host")",
  "log-opts": { "max-size": "10m", "max-file": "2" }
}
JSON
  spawn "$host" "dockerd-$host" dockerd --config-file "$dir/daemon.json"
}

start() {
  (($#)) || die "usage: docker.sh start HOST..."
  command -v dockerd >/dev/null 2>&1 || need_apt docker.io
  local host
  for host in "$@"; do start_one "$host"; done
  for host in "$@"; do
    wait_proc 60 "dockerd-$host" host_docker "$host" info
  done
  log "docker engines up on: $*"
}

# unmount_under DIR -> unmounts every mount point below DIR, deepest first (overlays and the engine's own bind mounts).
unmount_under() {
  local m
  awk -v d="$1/" 'index($2, d) == 1 || $2 == substr(d, 1, length(d) - 1) {print $2}' /proc/mounts | sort -r |
    while read -r m; do umount -l "$m" 2>/dev/null || true; done
}

stop_one() {
  local host="$1" ids
  if proc_pid "dockerd-$host" >/dev/null; then
    ids="$(timeout 20 docker -H "unix://$(socket "$host")" ps -aq 2>/dev/null || true)"
    # shellcheck disable=SC2086
    [[ -z "$ids" ]] || timeout 30 docker -H "unix://$(socket "$host")" rm -f $ids >/dev/null 2>&1 || true
  fi
  stop_proc "dockerd-$host" TERM 20
  unmount_under "$(docker_dir "$host")"
  local cg
  for cg in /sys/fs/cgroup/*/"$(host_ns "$host")" /sys/fs/cgroup/"$(host_ns "$host")"; do
    [[ -d "$cg" ]] && find "$cg" -depth -type d -exec rmdir {} \; 2>/dev/null || true
  done
}

stop() {
  local host pids=()
  for host in "$@"; do
    stop_one "$host" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || true; done
}

load() {
  local tar="${1:?usage: docker.sh load TAR HOST...}" host
  shift
  for host in "$@"; do host_docker "$host" load -q -i "$tar" >&2; done
}

case "${1:-}" in
  start) shift; start "$@" ;;
  stop) shift; stop "$@" ;;
  socket) socket "${2:?usage: docker.sh socket HOST}" ;;
  load) shift; load "$@" ;;
  *) echo "usage: $0 start HOST...|stop HOST...|socket HOST|load TAR HOST..." >&2; exit 2 ;;
esac
