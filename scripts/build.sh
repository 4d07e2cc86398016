#!/usr/bin/env bash
# Installs the npm packages (from the lock file) when they are missing or stale, then compiles to dist/ and bundles
# the web console into dist/console.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/infra/lib.sh"
LOG_TAG=build
cd "$MAMMOTH_ROOT"
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  log "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund </dev/null >"$MAMMOTH_RUN_DIR/npm-ci.log" 2>&1 || { tail -40 "$MAMMOTH_RUN_DIR/npm-ci.log" >&2; die "npm ci failed"; }
fi
log "compiling TypeScript"
rm -rf dist
npx --no-install tsc -p tsconfig.build.json
npx --no-install tsc-alias -p tsconfig.build.json
log "type-checking and bundling the web console"
npx --no-install tsc -p apps/console/tsconfig.json
npx --no-install vite build --config apps/console/vite.config.mts --logLevel warn
chmod +x dist/apps/cli/src/main.js
