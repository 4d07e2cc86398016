#!/usr/bin/env bash
# README command 1: bring up a one-machine Mammoth on a fresh machine and run its main job.
# Installs and starts PostgreSQL, Docker Engine and Kafka; builds Mammoth; starts the control plane, the projector
# a node daemon for this machine and the nginx companion; then deploys a test app built without any registry and calls
# it over HTTP, directly and through nginx.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/infra/lib.sh"
LOG_TAG=up
cd "$MAMMOTH_ROOT"
export PORT="${PORT:-8080}"
export CONTROL_PLANE_URL="http://127.0.0.1:$PORT"
export NGINX_LISTEN_PORT="${NGINX_LISTEN_PORT:-8088}"
export MAMMOTH_TOKEN_FILE="${MAMMOTH_TOKEN_FILE:-$MAMMOTH_RUN_DIR/secrets/admin.token}"

scripts/infra/up.sh
scripts/infra/nginx.sh install
scripts/build.sh
# Restart Mammoth's own processes so they run the build just made (deployed containers keep running).
scripts/mammoth.sh stop
scripts/mammoth.sh start
# The demo image is built once: a rebuild has a new digest, and an uploaded package version is immutable.
image="$MAMMOTH_RUN_DIR/images/hello-1.tar"
[[ -s "$image" ]] || scripts/images/build-test-image.sh mammoth-demo/hello:1 "$image" >&2
node dist/scripts/demo.js "$image" hello 2

cat <<MSG

Mammoth is up on this machine.
  token:     $MAMMOTH_TOKEN_FILE   (the admin token, root only: sign in to the console with it, or
             export MAMMOTH_TOKEN=\$(cat $MAMMOTH_TOKEN_FILE) for the CLI and curl -H "authorization: Bearer \$MAMMOTH_TOKEN")
  console:   $CONTROL_PLANE_URL/   (GraphiQL at $CONTROL_PLANE_URL/graphiql)
  CLI:       node dist/apps/cli/src/main.js --addr $CONTROL_PLANE_URL app ls   (npm link puts \`mammoth\` on PATH)
  GraphQL:   $CONTROL_PLANE_URL/graphql
  apps:      curl -H 'Host: hello' http://127.0.0.1:${NGINX_LISTEN_PORT:-8088}/   (or http://127.0.0.1:${NGINX_LISTEN_PORT:-8088}/apps/hello/)
  packages:  curl -H "authorization: Bearer \$MAMMOTH_TOKEN" -F file=@image.tar $CONTROL_PLANE_URL/packages
  logs:      $MAMMOTH_RUN_DIR/{control-plane,projector,node-daemon,nginx-companion}.log
  health:    $CONTROL_PLANE_URL/readyz; 127.0.0.1:${HEALTH_PORT_PROJECTOR:-8081}, :${HEALTH_PORT_NODE_DAEMON:-8082}, :${HEALTH_PORT_NGINX_COMPANION:-8083}/readyz (projector, node daemon, companion)
  metrics:   http://127.0.0.1:${PROMETHEUS_PORT:-9090}/ (Prometheus, scraping every process's /metrics; alerts: { alerts { name summary } })
  status:    scripts/mammoth.sh status
  stop:      scripts/mammoth.sh stop
MSG
