#!/usr/bin/env bash
# Installs the Debian packages Mammoth's infrastructure needs (only the missing
# ones) and checks the toolchains that must already be on the machine.
# Idempotent: a second run installs nothing.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# chromium: the console's browser test drives Debian's build (playwright-core never downloads one).
# prometheus: scrapes Mammoth's /metrics (scripts/infra/prometheus.sh runs it, never the package's service).
pkgs=(ca-certificates curl netcat-openbsd busybox-static docker.io nginx wrk supervisor chromium prometheus)
if port_open 127.0.0.1 5432; then
  log "a PostgreSQL server already answers on 127.0.0.1:5432; not installing postgresql"
else
  pkgs+=(postgresql)
fi
need_apt "${pkgs[@]}"

# nginx must not sit on 0.0.0.0:80 just because the package got installed:
# we never start it here (policy-rc.d blocks the postinst start).

problems=()

if command -v node >/dev/null 2>&1; then
  node_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  if ((node_major < 20)); then
    problems+=("node >= 20 required, found $(node -v 2>/dev/null)")
  fi
else
  problems+=("node (>= 20) not found on PATH")
fi

if command -v java >/dev/null 2>&1; then
  java_ver="$(java -version 2>&1 | awk -F'"' '/version/ {print $2; exit}')"
  java_major="${java_ver%%.*}"
  [[ "$java_major" == 1 ]] && java_major="$(cut -d. -f2 <<<"$java_ver")"
  if ! [[ "$java_major" =~ ^[0-9]+$ ]] || ((java_major < 17)); then
    problems+=("java 17 required, found '${java_ver:-unknown}'")
  fi
else
  problems+=("java (17) not found on PATH")
fi

if ! command -v mvn >/dev/null 2>&1; then
  problems+=("mvn (Maven 3) not found on PATH")
fi

if ((${#problems[@]})); then
  for p in "${problems[@]}"; do log "MISSING: $p"; done
  die "toolchain check failed; these are expected to come with the machine, not installed by this script"
fi

log "deps ok: node $(node -v), java ${java_ver}, $(mvn -v 2>/dev/null | head -1 | sed 's/\x1b\[[0-9;]*m//g'), docker $(docker --version 2>/dev/null | awk '{print $3}' | tr -d ,)"
