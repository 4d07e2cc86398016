#!/usr/bin/env bash
# Brings up everything Mammoth needs locally / in CI. Idempotent: services that are
# already up are left alone; a second run changes nothing.
#   deps -> postgres -> docker -> kafka (fetch + start)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
LOG_TAG=up
here="$MAMMOTH_ROOT/scripts/infra"

"$here/deps.sh"
"$here/postgres.sh" start
"$here/docker.sh" start
"$here/kafka.sh" fetch
"$here/kafka.sh" start

log "status:"
{
  "$here/postgres.sh" status || true
  "$here/docker.sh" status || true
  "$here/kafka.sh" status || true
} | sed 's/^/  /' >&2
log "run dir: $MAMMOTH_RUN_DIR"
