#!/usr/bin/env bash
# The one test command (`npm test`, called by .ci/run): installs what is missing, then runs the
# type check, the linter, the layer rule, the unit and integration tests (real ptys through socat,
# real SQLite files) and the end-to-end tests (Debian Chromium through the browser host).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

step() { printf '\n== %s\n' "$*" >&2; }

step "type check (main, test)"
npx tsc -p tsconfig.json --noEmit
if [ -f renderer/tsconfig.json ]; then
  step "type check (renderer)"
  npx tsc -p renderer/tsconfig.json --noEmit
fi
if [ -f main/host/electron/tsconfig.json ]; then
  step "type check (electron shell)"
  npx tsc -p main/host/electron/tsconfig.json --noEmit
fi

step "lint"
npx eslint --max-warnings 0 .

step "layer rule (dependency-cruiser)"
npx depcruise main renderer --config .dependency-cruiser.cjs

step "unit tests"
npx vitest run --config vitest.config.ts test/unit/

# Integration tests drive real ptys, simulator processes and timers: one file at a time, so that a
# loaded 2-core machine does not starve their devices.
step "integration tests (real ptys, real SQLite files)"
npx vitest run --config vitest.config.ts test/integration/ --poolOptions.forks.singleFork=true

if ls test/e2e/*.test.ts >/dev/null 2>&1; then
  step "end-to-end tests (Chromium)"
  npx vitest run --config vitest.e2e.config.ts
fi
