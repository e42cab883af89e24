#!/usr/bin/env bash
# Runs every Go fuzz target briefly (FUZZTIME each, default 20000 executions, a few seconds
# here) on top of its checked-in seed corpus. `go test -fuzz` takes one target of one package
# at a time, so this lists them. A crash fails the run and leaves the failing input under the
# package's testdata/fuzz/.
#
# The budget is a count, not a duration: with a duration, Go 1.26's fuzz coordinator can
# report a spurious "context deadline exceeded" at the deadline (go.dev/issue/75804, fixed
# in Go 1.27).
set -euo pipefail
fuzztime="${FUZZTIME:-20000x}"
count=0
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  targets=$(grep -hoE '^func (Fuzz[A-Za-z0-9_]+)\(f \*testing\.F\)' "$dir"/*_test.go 2>/dev/null \
    | sed -E 's/^func (Fuzz[A-Za-z0-9_]+).*/\1/' | sort -u || true)
  for target in $targets; do
    echo "fuzz: $pkg $target ($fuzztime)"
    go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" -fuzzminimizetime 2s "$pkg"
    count=$((count + 1))
  done
done
echo "fuzz: $count targets ran for $fuzztime each without a failure"
