# Concurrency: commands running at once on one store never oversell and
# never lose an update; one that cannot get the store within its
# --busy-timeout exits 75 having changed nothing (SPEC: "Bad input and
# faults").  tests/reliability/concurrency.sh runs nine workers at once
# (make torture runs it long).
load helper

@test "nine commands at once (imports, deltas, allocate, route, release, confirm, order changes, returns), again and again, with small busy timeouts: nothing oversold, lost or half applied" {
	run -0 bash "$BATS_TEST_DIRNAME/reliability/concurrency.sh" -r 12 -s 1 \
	    -d "$BATS_TEST_TMPDIR/concurrency"
	assert_output --regexp '^concurrency: 12 rounds, (9[6-9]|10[0-8]) commands by 9 workers at once, [0-9]+ exited 75 \(busy\): all checks passed$'
}

# Regression: the run row was written before the run took the store's
# lock, so a run that then found the store busy left a row that never
# ended.
@test "a command that finds the store busy exits 75 and leaves nothing behind, not even a run row" {
	base_store
	before=$(sqlite3 "$OMS_DB" .dump)
	hold_lock 2
	run -75 oms-import --busy-timeout 50 orders "$DATA/orders.csv"
	assert_output "oms-import: $OMS_DB: store is busy (another oms command holds it); try again later"
	run -75 oms-allocate --busy-timeout 0 -o alloc.csv
	assert [ ! -e alloc.csv ]
	release_lock
	assert_equal "$(sqlite3 "$OMS_DB" .dump)" "$before"
	run -0 sqlite3 "$OMS_DB" "select count(*) from run where ended_at is null"
	assert_output 0
}

# The run's end used to be written after its COMMIT, in a write of its
# own that could meet a busy store: the run had done its work yet exited
# 75, and a retry did it again (the first test caught it: an authorised
# return, a delta file and an unhold applied by runs that exited 75).
# Now the end is written in the run's transaction.
@test "every run that commits has its end and exit status on record" {
	base_store
	oms-import -q orders "$DATA/orders.csv"
	oms-allocate -q -o /dev/null
	oms-order -q hold O1 fraud
	run -0 sqlite3 "$OMS_DB" "select command, exit_status, ended_at is not null from run"
	assert_output - <<'EOF'
oms-import|0|1
oms-import|0|1
oms-import|0|1
oms-import|0|1
oms-allocate|0|1
oms-order|0|1
EOF
}

@test "--busy-timeout is in every command's --help and man page, and in oms(7)" {
	local c n=0

	for c in "$BATS_TEST_DIRNAME"/../cmd/oms-*.c; do
		c=$(basename "$c" .c)
		run -0 "$c" --help
		assert_output --partial "--busy-timeout ms"
		run -0 grep -c 'Fl -busy-timeout' "$BATS_TEST_DIRNAME/../man/$c.1"
		n=$((n + 1))
	done
	assert [ "$n" -ge 7 ]
	run -0 grep -c 'Fl -busy-timeout' "$BATS_TEST_DIRNAME/../man/oms.7"
}
