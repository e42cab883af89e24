#!/usr/bin/env bash
# Runs every Go test once (no cache) with -v, then prints one summary line
# "tests: N passed, N failed, N skipped" and the list of skipped tests.
#
# Under `make test` (ORDERWIRE_REQUIRE_SERVICES=1) a skipped test is a failure: every test,
# the DynamoDB Local and emulator ones included, must really run.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
log="$root/.test-services/go-test.log"
mkdir -p "$(dirname "$log")"

status=0
go test -count=1 -v "$@" ./... 2>&1 | tee "$log" || status=$?

passed=$(grep -cE '^\s*--- PASS' "$log" || true)
failed=$(grep -cE '^\s*--- FAIL' "$log" || true)
skipped=$(grep -cE '^\s*--- SKIP' "$log" || true)
echo
echo "conformance suite runs:"
grep -E '^\s+--- (PASS|FAIL|SKIP): TestConformance/[^/ ]+ ' "$log" | sed 's/^ */  /' || true
if [ "$skipped" -gt 0 ]; then
  echo "skipped tests:"
  grep -E '^\s*--- SKIP' -A1 "$log" | sed 's/^/  /'
  if [ "${ORDERWIRE_REQUIRE_SERVICES:-}" = 1 ]; then
    echo "go-test: tests were skipped although every service was required" >&2
    status=1
  fi
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
