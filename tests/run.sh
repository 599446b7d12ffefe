#!/bin/sh
# Run every test against the freshly built tools in $OMS_BIN: the C unit
# tests, then the bats suites.  Ends with the line "N passed, N failed".
#
# A program's own exit status counts as well as its "ok" lines: a unit-test
# binary that crashes or exits non-zero after its last "ok", or a bats run
# that stops short of its plan, is a failure of its own ("not ok" line
# added), never lost in the pipe to tee.
set -u
here=$(cd "$(dirname "$0")" && pwd)
suites=${OMS_SUITES:-$here}	# the directory of the .bats files (its own tests set it)
: "${OMS_BIN:?set OMS_BIN to the directory of the built tools}"
export OMS_BIN
log=$(mktemp)
st=$(mktemp)
trap 'rm -f "$log" "$st"' EXIT

# fail WHAT: one more failure, in the log and on the terminal
fail() {
	echo "not ok - $*" | tee -a "$log"
}

for t in "$OMS_BIN"/test-*; do
	[ -x "$t" ] || continue
	{ "$t"; echo $? > "$st"; } | tee -a "$log"
	rc=$(cat "$st")
	[ "$rc" -eq 0 ] || fail "$(basename "$t") exited with status $rc"
done

start=$(wc -l < "$log")
{ bats --tap "$suites"/*.bats; echo $? > "$st"; } | tee -a "$log"
rc=$(cat "$st")
# the plan line "1..N" against the results bats printed
plan=$(tail -n +"$((start + 1))" "$log" | sed -n 's/^1\.\.\([0-9]*\)$/\1/p' | head -n 1)
seen=$(tail -n +"$((start + 1))" "$log" | grep -c -e '^ok ' -e '^not ok ')
if [ -z "$plan" ]; then
	fail "bats printed no plan (exit status $rc)"
elif [ "$seen" -ne "$plan" ]; then
	fail "bats planned $plan tests and reported $seen (exit status $rc)"
elif [ "$rc" -ne 0 ] && ! tail -n +"$((start + 1))" "$log" | grep -q '^not ok '; then
	fail "bats exited with status $rc and no failed test"
fi

passed=$(grep -c '^ok ' "$log")
failed=$(grep -c '^not ok ' "$log")
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
