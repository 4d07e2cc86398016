#!/usr/bin/env bash
# README command 2: the whole test suite on a fresh machine. Installs and starts the real PostgreSQL, Docker Engine
# and Kafka, builds Mammoth, then runs the unit, integration and end-to-end tiers.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/infra/lib.sh"
LOG_TAG=test
cd "$MAMMOTH_ROOT"

scripts/infra/up.sh
scripts/build.sh
log "typecheck (tests included)"
npx --no-install tsc -p tsconfig.json --noEmit
log "lint and format"
npm run --silent lint

mkdir -p "$MAMMOTH_RUN_DIR/jest"
status=0
for tier in unit int e2e; do
  log "jest: $tier"
  extra=()
  [[ "$tier" != unit ]] && extra+=(--runInBand)
  npx --no-install jest --selectProjects "$tier" --ci "${extra[@]}" --json --outputFile="$MAMMOTH_RUN_DIR/jest/$tier.json" || status=1
done

node -e '
  const fs = require("fs");
  let passed = 0, failed = 0;
  for (const t of ["unit", "int", "e2e"]) {
    const f = process.argv[1] + "/" + t + ".json";
    if (!fs.existsSync(f)) { failed++; console.log(`${t}: no results`); continue; }
    const r = JSON.parse(fs.readFileSync(f, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
    console.log(`${t}: ${r.numPassedTests} passed, ${r.numFailedTests} failed in ${r.numTotalTestSuites} suites`);
  }
  console.log(`${passed} passed, ${failed} failed`);
' "$MAMMOTH_RUN_DIR/jest"
exit "$status"
