#!/bin/sh
# Run every test against the freshly built tools in $OMS_BIN: the C unit
# tests, then the bats suites.  Ends with the line "N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${OMS_BIN:?set OMS_BIN to the directory of the built tools}"
export OMS_BIN
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for t in "$OMS_BIN"/test-*; do
	[ -x "$t" ] || continue
	"$t" | tee -a "$log"
done
bats --tap "$here"/*.bats | tee -a "$log"

passed=$(grep -c '^ok ' "$log")
failed=$(grep -c '^not ok ' "$log")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
