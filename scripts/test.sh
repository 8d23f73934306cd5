#!/usr/bin/env bash
# The whole test suite from nothing: installs dependencies, installs and starts every real service the
# integration tests need (Kafka, Elasticsearch, OpenSearch, Ollama with a real small model; all on loopback,
# cached under $IRA_CACHE), then runs typecheck, lint, unit and integration tests. A missing service fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
export IRA_CACHE="${IRA_CACHE:-$HOME/.cache/ira}"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "dependencies"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

step "typecheck and lint"
npx tsc --noEmit -p .
npx eslint .

step "real services (install when missing, start on loopback)"
bash scripts/services.sh up
bash scripts/kcat.sh install   # kcat (Debian package) for the kcat connector tests
bash scripts/ollama.sh import-model
IRA_TEST_GGUF="$(bash scripts/fetch-model.sh)"
export IRA_TEST_GGUF

results="$(mktemp -d)"
step "unit tests"
unit_rc=0
npx jest --selectProjects unit --json --outputFile="$results/unit.json" || unit_rc=$?

step "integration tests (real Kafka, Elasticsearch, OpenSearch, Ollama)"
integration_rc=0
npx jest --selectProjects integration --runInBand --json --outputFile="$results/integration.json" || integration_rc=$?

if [ "${IRA_KEEP_SERVICES:-1}" = "0" ]; then bash scripts/services.sh down || true; fi

node -e '
  const fs = require("fs");
  let passed = 0, failed = 0, skipped = 0;
  for (const f of process.argv.slice(1)) {
    if (!fs.existsSync(f)) { failed++; continue; }
    const r = JSON.parse(fs.readFileSync(f, "utf8"));
    passed += r.numPassedTests; failed += r.numFailedTests + r.numRuntimeErrorTestSuites;
    skipped += r.numPendingTests + r.numTodoTests;
  }
  console.log(`\n${passed} passed, ${failed} failed, ${skipped} skipped`);
  // A skipped test is a test that did not run: the suite is not green with one.
  if (skipped > 0) { console.error("skipped tests are failures here: every test must run"); process.exit(1); }
' "$results/unit.json" "$results/integration.json" || summary_rc=$?

[ "$unit_rc" = 0 ] && [ "$integration_rc" = 0 ] && [ "${summary_rc:-0}" = 0 ]
