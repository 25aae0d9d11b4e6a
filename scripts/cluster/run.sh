#!/usr/bin/env bash
# The cluster tests (`npm run test:cluster`): brings up every cluster this machine runs for them
# (each scripts/cluster/*-up.sh starts its own, idempotently, on ports of its own), then runs
# test/cluster/*.cluster-test.ts. They stay out of `npm test`, whose glob is test/*/*.test.ts.
set -euo pipefail
cd "$(dirname "$0")/../.."
shopt -s nullglob
for up in scripts/cluster/*-up.sh; do
  echo "== $up"
  bash "$up"
done
tests=(test/cluster/*.cluster-test.ts)
if [ ${#tests[@]} -eq 0 ]; then echo "== no cluster tests"; exit 0; fi
node --import tsx --import ./test/support/check-expiry.ts --test --test-concurrency=1 --test-reporter=spec "${tests[@]}"
