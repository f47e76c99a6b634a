#!/bin/sh
# tests/run.sh: run the whole suite with kyua (the test command of
# README.md, via "make check").  Prints the failing cases in full, then
# "N passed, M failed" on a line of its own; exits 1 on any failure.
cd "$(dirname "$0")" || exit 1
results=$(mktemp "${TMPDIR:-/tmp}/kvm-kyua.XXXXXX") || exit 1
rm -f "$results"
kyua test --results-file="$results" -k Kyuafile "$@"
kyua report --results-file="$results" --verbose \
    --results-filter=broken,failed > "$results.failed" 2>&1
if grep -q '^===> ' "$results.failed" &&
    ! grep -q 'Test cases: .* 0 broken, 0 failed' "$results.failed"; then
	cat "$results.failed"
fi
summary=$(kyua report --results-file="$results" | grep '^Test cases:')
rm -f "$results" "$results.failed"
echo "$summary"
# Test cases: T total, S skipped, X expected failures, B broken, F failed
# shellcheck disable=SC2046
set -- $(echo "$summary" | tr -cs '0-9' ' ')
total=$1 skipped=$2 xfail=$3 broken=$4 failed=$5
if [ -z "$total" ]; then
	echo "0 passed, 1 failed"
	exit 1
fi
passed=$((total - skipped - xfail - broken - failed))
bad=$((broken + failed))
if [ "$skipped" -gt 0 ]; then
	echo "$passed passed, $bad failed, $skipped skipped"
else
	echo "$passed passed, $bad failed"
fi
[ "$bad" -eq 0 ]
