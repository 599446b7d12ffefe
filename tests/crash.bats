# Crash safety: a command killed at any moment leaves the store as it was
# before that command, and running it again completes the job (SPEC: "Bad
# input and faults").  The fault hook of lib/store.c (OMS_KILL_AFTER,
# OMS_KILL_AT) kills a command at chosen places; tests/reliability/crash.sh
# kills each mutating command at a few points of a run on an oms-gen store
# here (make torture runs it long).
load helper

setup_file() {
	local bin=$BATS_FILE_TMPDIR/bin

	# oms-gen, the bench generator, unless make built it
	if [ ! -x "$OMS_BIN/oms-gen" ]; then
		mkdir -p "$bin"
		cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -o "$bin/oms-gen" \
		    "$BATS_TEST_DIRNAME/bench/oms-gen.c" -lm || return 1
		export PATH=$bin:$PATH
	fi
	export CRASH_DIR=$BATS_FILE_TMPDIR/crash
}

# The whole store as SQL text, run log and all.
dump() {
	sqlite3 "$OMS_DB" .dump
}

orders_store() {
	base_store && oms-import -q rates "$DATA/rates.csv"
}

@test "fault hook: OMS_KILL_AFTER=N kills a command inside its SQL, and the store is as before, run log included" {
	test_hooks
	orders_store
	before=$(dump)
	run -137 env OMS_KILL_AFTER=1 oms-import orders "$DATA/orders.csv"
	assert_equal "$(dump)" "$before"
	run -137 env OMS_KILL_AFTER=4 oms-import orders "$DATA/orders.csv"
	assert_equal "$(dump)" "$before"
	# a count past the end: the run completes and says how long it was
	run -0 env OMS_KILL_AFTER=1000000000 oms-import -q orders "$DATA/orders.csv"
	assert_output --regexp '^oms-import: OMS_KILL_AFTER: [0-9]+ ticks, no kill$'
	run -0 sqlite3 "$OMS_DB" "select count(*) from orders"
	assert_output 3
}

# The hooks are compiled only into the test build (oms(7), "Test builds"):
# the shipped commands, which this test runs, read none of them.
@test "the shipped commands have no test hooks: OMS_KILL_*, OMS_READ_RACE and the chunk sizes change nothing" {
	orders_store
	run -0 env OMS_KILL_AFTER=1 OMS_KILL_AT=commit oms-import -q orders "$DATA/orders.csv"
	assert_output ""
	run -0 env OMS_KILL_AFTER=1000000000 OMS_KILL_AT=committed oms-import orders "$DATA/orders.csv"
	assert_output --partial "oms-import: orders: 4 records, 3 orders (0 inserted, 0 updated, 3 unchanged)"
	refute_output --partial OMS_KILL_AFTER
	run -0 sqlite3 "$OMS_DB" "select count(*) from orders; select count(*), min(exit_status) from run
	    where command = 'oms-import'"
	assert_output $'3\n6|0'
	# the race the test build commits while the readers begin: not here
	run -0 --separate-stderr env OMS_READ_RACE="CREATE TABLE race (x)" OMS_READ_RACE_TIMES=99 \
	    OMS_CHECK_SPLIT=1 OMS_VIEW_CHUNK=1 OMS_EVENT_CHUNK=1 oms-report -v check
	assert_output "$CHECK_HEAD"
	run -0 env OMS_READ_RACE="CREATE TABLE race (x)" oms-report kpi --format html -o page.html
	run -0 sqlite3 "$OMS_DB" "select count(*) from sqlite_master where name = 'race'"
	assert_output 0
	# and not one of their names is in a shipped binary
	run -1 grep -l -a -e OMS_KILL -e OMS_READ_RACE -e OMS_EVENT_CHUNK -e OMS_VIEW_CHUNK \
	    -e OMS_CHECK_SPLIT "$OMS_BIN"/oms-allocate "$OMS_BIN"/oms-import "$OMS_BIN"/oms-order \
	    "$OMS_BIN"/oms-release "$OMS_BIN"/oms-report "$OMS_BIN"/oms-return "$OMS_BIN"/oms-route
}

# Regression: the run row was written in a transaction of its own before
# the run's, so a killed run left a row that never ended.
@test "killed just before its COMMIT, a run leaves the store byte for byte as it was" {
	test_hooks
	orders_store
	before=$(dump)
	run -137 env OMS_KILL_AT=commit oms-import orders "$DATA/orders.csv"
	assert_equal "$(dump)" "$before"
	run -0 oms-report check
	assert_output "$CHECK_HEAD"
	run -0 oms-import -q orders "$DATA/orders.csv"
	run -0 sqlite3 "$OMS_DB" "select count(*) from orders; select count(*) from run where ended_at is null"
	assert_output $'3\n0'
}

# Regression: the run's end was written after its COMMIT, so a run killed
# (or meeting a busy store) between the two had committed its work but
# not said so.
@test "killed just after its COMMIT, a run is on record with its end and exit status" {
	test_hooks
	orders_store
	run -137 env OMS_KILL_AT=committed oms-import orders "$DATA/orders.csv"
	run -0 sqlite3 "$OMS_DB" "select command, exit_status, ended_at is not null,
	    json_extract(counts, '$.inserted') from run order by run_id desc limit 1;
	    select count(*) from orders"
	assert_output $'oms-import|0|1|4\n3'
	run -0 oms-report check
	assert_output "$CHECK_HEAD"
}

@test "killed while it creates a new store, at any of its ticks, a command leaves one the re-run completes" {
	local n=1

	test_hooks
	while :; do
		rm -f "$OMS_DB" "$OMS_DB-wal" "$OMS_DB-shm"
		run env OMS_KILL_AFTER=$n oms-import -q nodes "$DATA/nodes.csv"
		[ "$status" = 0 ] && break
		assert_equal "$status" 137
		run -0 oms-import -q nodes "$DATA/nodes.csv"
		run -0 sqlite3 "$OMS_DB" "pragma user_version; select count(*) from node;
		    select count(*), min(exit_status) from run"
		assert_output "$SCHEMA_VERSION"$'\n5\n1|0'
		n=$((n + 1))
		# a bound against a loop that never ends: a new store's schema
		# (share/schema) takes a few hundred ticks to write
		assert [ "$n" -lt 600 ]
	done
	assert_output --regexp '^oms-import: OMS_KILL_AFTER: [0-9]+ ticks, no kill$'
	assert [ "$n" -gt 3 ]
}

@test "a failed run keeps its run row, with its exit status, and nothing else" {
	orders_store
	oms-import -q orders "$DATA/orders.csv"
	before=$(state)
	printf 'order_id,line_no,sku,qty\nO9,1,A1,1\nO9,2,NOPE,1\n' > bad.csv
	run -65 oms-import -q orders bad.csv
	assert_equal "$(state)" "$before"
	run -0 sqlite3 "$OMS_DB" "select command, exit_status, ended_at is not null from run
	    order by run_id desc limit 1"
	assert_output "oms-import|65|1"
}

# One test a command: crash.sh kills it at the commit, just after it, at
# 3 points spread over its SQL and once after a random delay, on a store
# of 600 order lines; it checks every kill and re-run (see its header).
crash() {
	test_hooks
	run -0 env OMS_BIN="$OMS_TEST_BIN" bash "$BATS_TEST_DIRNAME/reliability/crash.sh" -n 600 -k 3 -t 1 -s 7 \
	    -d "$CRASH_DIR" "$1"
	assert_line --regexp "^crash: $1 +6 kill points \\([0-9]+ ticks, [0-9]+ ms\\): [0-9]+ left the store as before and a re-run did the job, [0-9]+ came after COMMIT.*all checks passed$"
}

@test "crash: oms-import orders killed at 6 points" { crash import-orders; }
@test "crash: oms-import --delta inventory killed at 6 points" { crash import-delta; }
@test "crash: oms-allocate killed at 6 points" { crash allocate; }
@test "crash: oms-route killed at 6 points" { crash route; }
@test "crash: oms-release killed at 6 points" { crash release; }
@test "crash: oms-release --confirm killed at 6 points" { crash confirm; }
@test "crash: oms-order apply killed at 6 points" { crash order; }
@test "crash: oms-return authorize killed at 6 points" { crash return-authorize; }
@test "crash: oms-return receive killed at 6 points" { crash return-receive; }
@test "crash: oms-return appease killed at 6 points" { crash return-appease; }
