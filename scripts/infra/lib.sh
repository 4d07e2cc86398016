#!/usr/bin/env bash
# Shared helpers for the Mammoth infrastructure scripts. Source it:
#   . "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# Everything here is non-interactive and idempotent.
set -euo pipefail

export DEBIAN_FRONTEND=noninteractive
export CI="${CI:-true}"
export NEEDRESTART_SUSPEND=1 NEEDRESTART_MODE=l

# Repo root = two levels above this file (scripts/infra/lib.sh).
MAMMOTH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)"
MAMMOTH_RUN_DIR="${MAMMOTH_RUN_DIR:-$MAMMOTH_ROOT/.run}"
mkdir -p "$MAMMOTH_RUN_DIR"
MAMMOTH_RUN_DIR="$(cd "$MAMMOTH_RUN_DIR" && pwd -P)"
export MAMMOTH_ROOT MAMMOTH_RUN_DIR

# log MSG... -> stderr, with time and the calling script's name.
log() {
  printf '[%s] [%s] %s\n' "$(date '+%H:%M:%S')" "${LOG_TAG:-$(basename "${0:-infra}" .sh)}" "$*" >&2
}

die() {
  log "ERROR: $*"
  exit 1
}

# port_open HOST PORT -> 0 if a TCP connect succeeds (pure bash /dev/tcp, 3s cap).
port_open() {
  local host="$1" port="$2"
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$host" "$port" >/dev/null 2>&1
}

# wait_for_port HOST PORT TIMEOUT_S -> 0 once the port accepts connections, 1 on timeout.
wait_for_port() {
  local host="$1" port="$2" timeout_s="${3:-30}"
  local deadline=$((SECONDS + timeout_s))
  while ((SECONDS < deadline)); do
    if port_open "$host" "$port"; then
      return 0
    fi
    sleep 0.5
  done
  port_open "$host" "$port"
}

# wait_for_port_closed HOST PORT TIMEOUT_S
wait_for_port_closed() {
  local host="$1" port="$2" timeout_s="${3:-30}"
  local deadline=$((SECONDS + timeout_s))
  while ((SECONDS < deadline)); do
    port_open "$host" "$port" || return 0
    sleep 0.5
  done
  ! port_open "$host" "$port"
}

# pid_alive PID -> 0 if a process with that id exists.
pid_alive() {
  [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null
}

# pidfile_pid FILE -> prints the pid stored in FILE if that process is alive.
pidfile_pid() {
  local f="$1" pid
  [[ -s "$f" ]] || return 1
  pid="$(tr -dc '0-9' <"$f")"
  pid_alive "$pid" || return 1
  printf '%s\n' "$pid"
}

# pid_cmdline_has PID WORD -> 0 if /proc/PID/cmdline contains WORD.
pid_cmdline_has() {
  local cmd
  cmd="$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null)" || return 1
  [[ "$cmd" == *"$2"* ]]
}

# is_installed PKG -> 0 if the Debian package is installed.
is_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

_MAMMOTH_APT_UPDATED="${_MAMMOTH_APT_UPDATED:-}"

# need_apt PKG... -> installs only the packages that are missing
# (runs apt-get update once, and only if something is missing).
# Services are kept from auto-starting during the install (policy-rc.d),
# so nothing ends up listening on 0.0.0.0 behind our back.
need_apt() {
  local missing=() p
  for p in "$@"; do
    is_installed "$p" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  [[ "$(id -u)" == 0 ]] || die "need root to install: ${missing[*]}"
  log "installing Debian packages: ${missing[*]}"
  if [[ -z "$_MAMMOTH_APT_UPDATED" ]]; then
    apt-get update -qq </dev/null >&2
    _MAMMOTH_APT_UPDATED=1
    export _MAMMOTH_APT_UPDATED
  fi
  local policy=/usr/sbin/policy-rc.d added_policy=
  if [[ ! -e "$policy" ]]; then
    printf '#!/bin/sh\n# added by mammoth need_apt: do not start services on install\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    added_policy=1
  fi
  local rc=0
  apt-get install -y -qq -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${missing[@]}" </dev/null >&2 || rc=$?
  if [[ -n "$added_policy" ]]; then rm -f "$policy"; fi
  ((rc == 0)) || die "apt-get install failed (rc=$rc) for: ${missing[*]}"
}

# create_join_token URL ADMIN_TOKEN_FILE OUT [LABELS] -> asks the control plane at URL (presenting the admin token) for a
# one-time node join token valid for an hour, whose node gets LABELS (k=v,k=v), and writes it to OUT (mode 0600, in a
# 0700 directory).
create_join_token() {
  local url="$1" admin="$2" out="$3" labels="${4:-}" answer
  mkdir -p "$(dirname "$out")" && chmod 700 "$(dirname "$out")"
  answer="$(curl -sf -m 30 -H 'content-type: application/json' -H "authorization: Bearer $(cat "$admin")" \
    --data-binary @- "$url/graphql" <<JSON
{"query": "mutation(\$labels: [LabelInput!]) { createJoinToken(ttlMs: 3600000, labels: \$labels) { secret } }",
 "variables": {"labels": $(node -e '
   const kv = process.argv[1].split(",").filter(Boolean);
   process.stdout.write(JSON.stringify(kv.map((l) => ({ key: l.split("=")[0], value: l.slice(l.indexOf("=") + 1) }))));
 ' "$labels")}}
JSON
)" || die "createJoinToken at $url failed"
  (umask 077 && printf '%s' "$answer" | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const r = JSON.parse(s);
      if (!r.data?.createJoinToken) { console.error(JSON.stringify(r.errors)); process.exit(1); }
      console.log(r.data.createJoinToken.secret);
    });' >"$out.tmp") || die "createJoinToken at $url refused"
  mv "$out.tmp" "$out"
}
