# The store: created with its schema on first use, found by --db, $OMS_DB
# or ./oms.db, never touched when it is not ours or too new, busy past the
# timeout, the run log, events in the same transaction as their change.
load helper


@test "first use creates the store with its schema, its latest version, in WAL mode" {
	[ ! -e "$OMS_DB" ]
	run -0 oms-import -q nodes "$DATA/nodes.csv"
	run -0 sqlite3 "$OMS_DB" "pragma user_version; pragma journal_mode"
	assert_output - <<EOF
$SCHEMA_VERSION
wal
EOF
	run -0 sqlite3 "$OMS_DB" "select name from sqlite_schema where type = 'table' order by name"
	assert_output - <<'EOF'
change_ref
channel_policy
charge
collection
confirmation
customer
delta_file
event
exchange
hold_rule
inventory
item
line_node
node
node_group
order_hold
order_line
orders
postal
rate
receipt
refund
release
release_line
reservation
rma
rma_line
rule_version
run
sent_once
shipment
sourcing_rule
store_credit
supply
supply_peg
tracking_update
EOF
}

@test "a usage error creates no store" {
	run -64 oms-import
	[ ! -e "$OMS_DB" ]
	run -64 oms-import widgets
	[ ! -e "$OMS_DB" ]
}

# (it used to leave a new, empty store behind: issue 17, item 16)
@test "a run that fails, or a dry run, leaves no store where there was none" {
	mkdir new
	run -66 oms-import items missing.csv
	printf 'sku,unit_price\nA1,x\n' > bad.csv
	run -65 oms-import --db new/oms.db items bad.csv
	run -65 oms-import --db new/oms.db --rejects rejects.csv --max-rejects 0 items bad.csv
	run -0 oms-import --db new/oms.db --dry-run -q nodes "$DATA/nodes.csv"
	run -0 oms-allocate --db new/oms.db --dry-run -q
	run -0 ls -A . new
	assert_output - <<'EOF'
.:
bad.csv
new

new:
EOF
	# a store that was there stays, with the failed run's log row
	run -0 oms-import -q nodes "$DATA/nodes.csv"
	run -66 oms-import items missing.csv
	run -0 sqlite3 "$OMS_DB" "select count(*) from item; select exit_status from run"
	assert_output - <<'EOF'
0
0
66
EOF
	# and so does an empty file, which a command takes for a new store
	: > new/oms.db
	run -66 oms-import --db new/oms.db items missing.csv
	run -0 sqlite3 new/oms.db "select exit_status from run"
	assert_output 66
}

@test "a run that made the store and fails removes it; a command that waited for it exits 75 and writes nothing" {
	mkfifo in
	# the first run makes the store and holds it while it reads its input
	oms-import orders - < in > first.out 2>&1 &
	first=$!
	exec 5> in
	# (in WAL mode, past the schema's creation: in its run's transaction)
	for i in $(seq 100); do
		[ -e "$OMS_DB-wal" ] && ! sqlite3 "$OMS_DB" "BEGIN IMMEDIATE; ROLLBACK;" > /dev/null 2>&1 && break
		sleep 0.1
	done
	# the second opens the store and waits for the lock
	oms-import -q nodes "$DATA/nodes.csv" > second.out 2>&1 5>&- &
	second=$!
	for i in $(seq 100); do
		ls -l /proc/$second/fd 2> /dev/null | grep -q " $OMS_DB\$" && break
		sleep 0.1
	done
	printf 'order_id,line_no,sku,qty\nO1,1,NOPE,1\n' >&5
	exec 5>&-
	rc=0 && wait $first || rc=$?
	assert_equal $rc 65
	rc=0 && wait $second || rc=$?
	assert_equal $rc 75
	run -0 cat first.out second.out
	assert_output - <<EOF
oms-import: -:2: sku "NOPE" is not a known item (import items first)
oms-import: 1 bad record; nothing imported (use --rejects FILE to import the good ones)
oms-import: $OMS_DB: the store was removed while this command waited for it (the run that made it failed); try again
EOF
	[ ! -e "$OMS_DB" ] && [ ! -e "$OMS_DB-wal" ] && [ ! -e "$OMS_DB-shm" ]
	# again: it makes a store of its own
	run -0 oms-import -q nodes "$DATA/nodes.csv"
	run -0 sqlite3 "$OMS_DB" "select count(*) from node"
	assert_output 5
}

@test "--db PATH comes before \$OMS_DB" {
	mkdir work && cd work
	export OMS_DB=$PWD/env.db
	run -0 oms-import -q --db given.db nodes "$DATA/nodes.csv"
	[ -e given.db ]
	[ ! -e env.db ]
	[ ! -e oms.db ]
	run -0 oms-report --db given.db inventory
	run -66 oms-report inventory
	assert_output "oms-report: $OMS_DB: no store here (import something first, or use --db)"
}

@test "\$OMS_DB comes before ./oms.db" {
	mkdir work && cd work
	export OMS_DB=$PWD/env.db
	run -0 oms-import -q nodes "$DATA/nodes.csv"
	[ -e env.db ]
	[ ! -e oms.db ]
	run -0 sqlite3 env.db "select count(*) from node"
	assert_output 5
}

@test "./oms.db when neither --db nor \$OMS_DB is given (an empty \$OMS_DB counts as none)" {
	mkdir work && cd work
	unset OMS_DB
	run -0 oms-import -q nodes "$DATA/nodes.csv"
	[ -e oms.db ]
	run -0 oms-report inventory
	OMS_DB= run -0 oms-import -q items "$DATA/items.csv"
	run -0 sqlite3 oms.db "select count(*) from item"
	assert_output 3
}

@test "a file that is not a SQLite database: exit 74, the file unchanged" {
	printf 'node_id,type\nthis is a CSV file, not a store\n' > "$OMS_DB"
	cp "$OMS_DB" orig
	run -74 oms-import nodes "$DATA/nodes.csv"
	assert_output "oms-import: $OMS_DB: not an oms store (file is not a SQLite database)"
	cmp "$OMS_DB" orig
	run -74 oms-report inventory
	assert_output "oms-report: $OMS_DB: not an oms store (file is not a SQLite database)"
	cmp "$OMS_DB" orig
	[ ! -e "$OMS_DB-wal" ] && [ ! -e "$OMS_DB-journal" ]
}

@test "a SQLite database that is not an oms store: refused, unchanged" {
	sqlite3 "$OMS_DB" "create table accounts (id integer primary key, owner text);
	    insert into accounts (owner) values ('someone else')"
	cp "$OMS_DB" orig
	run -74 oms-import nodes "$DATA/nodes.csv"
	assert_output "oms-import: $OMS_DB: a SQLite database, but not an oms store; refusing to touch it"
	cmp "$OMS_DB" orig
	run -74 oms-report inventory
	assert_output "oms-report: $OMS_DB: not an oms store (a SQLite database without the oms schema)"
	cmp "$OMS_DB" orig
	run -0 sqlite3 "$OMS_DB" "pragma journal_mode; select name from sqlite_schema"
	assert_output - <<'EOF'
delete
accounts
EOF
}

@test "a store from a newer schema version: refused with both versions named, exit 70, not modified" {
	oms-import -q nodes "$DATA/nodes.csv"
	sqlite3 "$OMS_DB" "pragma user_version = 99"
	cp "$OMS_DB" orig
	before=$(state)
	run -70 oms-import items "$DATA/items.csv"
	assert_output "oms-import: $OMS_DB: store has schema version 99, newer than this oms understands ($SCHEMA_VERSION); upgrade oms"
	cmp "$OMS_DB" orig
	assert_equal "$(state)" "$before"
	run -0 sqlite3 "$OMS_DB" "select count(*) from run"
	assert_output 1
	run -70 oms-report check
	assert_output "oms-report: $OMS_DB: store has schema version 99, newer than this oms understands ($SCHEMA_VERSION); upgrade oms"
	cmp "$OMS_DB" orig
}

@test "a directory where the store should be: exit 74" {
	mkdir store.d
	run -74 oms-import --db store.d nodes "$DATA/nodes.csv"
	assert_output "oms-import: store.d: is a directory, not a store"
	run -74 oms-report --db store.d inventory
	assert_output "oms-report: store.d: is a directory, not a store"
}

@test "store busy past --busy-timeout: exit 75, nothing written" {
	oms-import -q nodes "$DATA/nodes.csv"
	before=$(state)
	hold_lock 3
	run -75 oms-import --busy-timeout 200 items "$DATA/items.csv"
	assert_output "oms-import: $OMS_DB: store is busy (another oms command holds it); try again later"
	# readers never wait for a writer
	run -0 oms-report --busy-timeout 200 inventory
	release_lock
	assert_equal "$(state)" "$before"
	run -0 sqlite3 "$OMS_DB" "select count(*) from item; select count(*) from run"
	assert_output - <<'EOF'
0
1
EOF
}

@test "store busy for less than --busy-timeout: the writer waits, then runs" {
	oms-import -q nodes "$DATA/nodes.csv"
	hold_lock 1
	run -0 oms-import -q --busy-timeout 20000 items "$DATA/items.csv"
	release_lock
	run -0 sqlite3 "$OMS_DB" "select count(*) from item"
	assert_output 3
}

@test "the run log records every run that reached the store, with its exit status" {
	cp "$DATA/nodes.csv" "$DATA/items.csv" .
	printf 'sku,unit_price\nZ1,x\n' > bad.csv
	oms-import -q nodes nodes.csv
	run -65 oms-import -q items bad.csv
	run -66 oms-import -q items missing.csv
	run -0 oms-import -q --dry-run items items.csv
	run -64 oms-import -q --delta items items.csv
	run -0 oms-import -q items items.csv
	run -0 sqlite3 "$OMS_DB" "select run_id, command, argv, exit_status, ended_at >= started_at,
	    json_extract(counts, '$.records') from run order by run_id"
	assert_output - <<'EOF'
1|oms-import|oms-import -q nodes nodes.csv|0|1|5
2|oms-import|oms-import -q items bad.csv|65|1|1
3|oms-import|oms-import -q items missing.csv|66|1|0
4|oms-import|oms-import -q items items.csv|0|1|3
EOF
}

@test "events are appended with their change: none after a failed or a dry run" {
	oms-import -q nodes "$DATA/nodes.csv"
	printf 'sku,unit_price\nZ1,1\nZ2,x\n' > bad.csv
	run -65 oms-import -q items bad.csv
	run -0 oms-import -q --dry-run items "$DATA/items.csv"
	run -0 sqlite3 "$OMS_DB" "select seq, run_id, type from event"
	assert_output "1|1|import.nodes"
	run -0 oms-import -q items "$DATA/items.csv"
	run -0 oms-import -q inventory "$DATA/inventory.csv"
	run -0 sqlite3 "$OMS_DB" "select run_id, type, count(*) from event group by run_id, type order by run_id"
	assert_output - <<'EOF'
1|import.nodes|1
3|import.items|1
4|inventory.snapshot|5
EOF
	# every event of a run carries the run's time
	run -0 sqlite3 "$OMS_DB" "select count(*) from event e join run r using (run_id) where e.at <> r.started_at"
	assert_output 0
}

@test "a failed run leaves no trace but its run log row" {
	base_store
	before=$(state)
	printf 'order_id,line_no,sku,qty\nO1,1,A1,1\nO2,1,NOPE,1\n' > orders.csv
	run -65 oms-import -q orders orders.csv
	assert_equal "$(state)" "$before"
	run -0 sqlite3 "$OMS_DB" "select exit_status from run order by run_id desc limit 1"
	assert_output 65
}

@test "a version 1 store is migrated to the latest version by the next mutating command, its data kept" {
	sqlite3 "$OMS_DB" < "$TESTS/../share/schema/001-initial.sql"
	sqlite3 "$OMS_DB" "pragma user_version = 1; insert into node (node_id, type) values ('W1', 'warehouse')"
	run -70 oms-report inventory
	assert_output "oms-report: $OMS_DB: store has schema version 1 and this oms reads version $SCHEMA_VERSION: upgrade it, as a user who may write it, with \"oms-allocate --dry-run -q --db $OMS_DB > /dev/null\" (it writes nothing but the upgrade)"
	run -0 oms-import -v nodes "$DATA/nodes.csv"
	assert_line "oms-import: $OMS_DB: schema migrated from version 1 to $SCHEMA_VERSION"
	run -0 sqlite3 "$OMS_DB" "pragma user_version; select node_id from node where node_id = 'W1'; select count(shipping_charge) from orders"
	assert_output - <<EOF
$SCHEMA_VERSION
W1
0
EOF
	run -0 oms-report check
}

@test "an older store: oms-report names the command that upgrades it, ready to paste, and that command upgrades it and writes nothing else" {
	export OMS_DB="$BATS_TEST_TMPDIR/it's a store.db"
	sqlite3 "$OMS_DB" < "$TESTS/../share/schema/001-initial.sql"
	sqlite3 "$OMS_DB" "pragma user_version = 1; insert into node (node_id, type) values ('W1', 'warehouse')"
	run -70 oms-report inventory
	assert_output "oms-report: $OMS_DB: store has schema version 1 and this oms reads version $SCHEMA_VERSION: upgrade it, as a user who may write it, with \"oms-allocate --dry-run -q --db '$BATS_TEST_TMPDIR/it'\\''s a store.db' > /dev/null\" (it writes nothing but the upgrade)"
	cmd=$(sed -n 's/.* with "\(.*\)" (it writes nothing but the upgrade)$/\1/p' <<< "$output")
	cd /
	run -0 env -u OMS_DB sh -c "$cmd"
	assert_output ""
	run -0 sqlite3 "$OMS_DB" "pragma user_version; select count(*) from run; select count(*) from event; select node_id from node"
	assert_output - <<EOF
$SCHEMA_VERSION
0
0
W1
EOF
	run -0 oms-report inventory
}

@test "a version 2 store is migrated to the latest version: confirmations keep their rows, and their status check" {
	base_store
	oms-import -q rates "$DATA/rates.csv"
	oms-import -q postal "$DATA/postal.csv"
	oms-import -q orders "$DATA/orders.csv"
	oms-allocate -q > /dev/null
	oms-route -q > /dev/null
	oms-release -q > released.csv
	awk -F, 'BEGIN { print "release_id,line_no,status,qty" }
	    NR > 1 { print $1 "," $4 "," ($7 == "pickup" || $7 == "curbside" ? "picked_up" : "shipped") "," $6 }' \
	    released.csv > confirmed.csv
	oms-release -q --confirm confirmed.csv
	# Back to version 2: its confirmation table, as 002-fulfilment.sql made
	# it, and nothing of 005-kpi-facts.sql, 006-backordered-at.sql or
	# 007-node-address.sql or 008-transit-days.sql.
	sqlite3 "$OMS_DB" "$UNDO_LAST_MILE"
	sqlite3 "$OMS_DB" <<'EOF'
BEGIN;
ALTER TABLE node DROP COLUMN address1;
ALTER TABLE node DROP COLUMN city;
ALTER TABLE node DROP COLUMN region;
ALTER TABLE order_line DROP COLUMN backordered_at;
DROP TABLE shipment;
ALTER TABLE order_line DROP COLUMN ever_backordered;
ALTER TABLE line_node DROP COLUMN transit_days;
ALTER TABLE line_node DROP COLUMN shipped;
ALTER TABLE line_node DROP COLUMN cost_cents;
CREATE TABLE c2 (
	seq INTEGER PRIMARY KEY, release_id TEXT NOT NULL, line_no INTEGER NOT NULL,
	status TEXT NOT NULL CHECK (status IN ('shipped','picked_up','short','cancelled')),
	qty INTEGER NOT NULL CHECK (qty >= 1), carrier TEXT NOT NULL DEFAULT '',
	tracking TEXT NOT NULL DEFAULT '', at TEXT NOT NULL, run_id INTEGER,
	FOREIGN KEY (release_id, line_no) REFERENCES release_line (release_id, line_no));
INSERT INTO c2 SELECT * FROM confirmation;
DROP TABLE confirmation;
ALTER TABLE c2 RENAME TO confirmation;
CREATE INDEX confirmation_by_release ON confirmation (release_id, line_no);
PRAGMA user_version = 2;
COMMIT;
EOF
	rows=$(sqlite3 "$OMS_DB" "select * from confirmation order by seq")
	[ "$(echo "$rows" | wc -l)" -eq 4 ]
	run -0 oms-allocate -v
	assert_line "oms-allocate: $OMS_DB: schema migrated from version 2 to $SCHEMA_VERSION"
	run -0 sqlite3 "$OMS_DB" "pragma user_version"
	assert_output "$SCHEMA_VERSION"
	# the rows kept, with the columns of version 9 empty
	assert_equal "$(sqlite3 "$OMS_DB" "select seq, release_id, line_no, status, qty, carrier,
	    tracking, at, run_id from confirmation order by seq")" "$rows"
	run -0 sqlite3 "$OMS_DB" "select count(*) from confirmation where location || code || bay || vehicle <> ''"
	assert_output 0
	run -0 sqlite3 "$OMS_DB" "select sql from sqlite_schema where name = 'confirmation'"
	assert_output --partial "status = 'shipped' OR"
	run -0 sqlite3 "$OMS_DB" "select count(*) from sqlite_schema where name = 'confirmation_by_release'"
	assert_output 1
	run -19 sqlite3 "$OMS_DB" "insert into confirmation (release_id, line_no, status, qty, at)
	    select release_id, line_no, 'lost', 1, 'x' from release_line limit 1"
	assert_output --partial "CHECK constraint failed"
	run -0 oms-report check
	assert_output "$CHECK_HEAD"
}

@test "a version 3 store is migrated to the latest version: the event log indexed by type, which events --type uses" {
	base_store
	oms-import -q orders "$DATA/orders.csv"
	oms-allocate -q > /dev/null
	before=$(oms-report events --type line.allocated)
	kpi=$(oms-report kpi)
	# back to version 3: no index on event.type, nothing of 005, 006, 007 or 008
	sqlite3 "$OMS_DB" "$UNDO_LAST_MILE"
	sqlite3 "$OMS_DB" "DROP INDEX event_by_type; DROP TABLE shipment;
	    ALTER TABLE node DROP COLUMN address1; ALTER TABLE node DROP COLUMN city;
	    ALTER TABLE node DROP COLUMN region;
	    ALTER TABLE order_line DROP COLUMN backordered_at;
	    ALTER TABLE order_line DROP COLUMN ever_backordered;
	    ALTER TABLE line_node DROP COLUMN transit_days;
	    ALTER TABLE line_node DROP COLUMN shipped; ALTER TABLE line_node DROP COLUMN cost_cents;
	    PRAGMA user_version = 3"
	run -70 oms-report events
	assert_output "oms-report: $OMS_DB: store has schema version 3 and this oms reads version $SCHEMA_VERSION: upgrade it, as a user who may write it, with \"oms-allocate --dry-run -q --db $OMS_DB > /dev/null\" (it writes nothing but the upgrade)"
	run -0 oms-allocate -v -o /dev/null
	assert_line "oms-allocate: $OMS_DB: schema migrated from version 3 to $SCHEMA_VERSION"
	run -0 sqlite3 "$OMS_DB" "pragma user_version; select sql from sqlite_schema where name = 'event_by_type'"
	assert_output - <<EOF
$SCHEMA_VERSION
CREATE INDEX event_by_type ON event (type)
EOF
	# the query of events --type reads the index
	run -0 sqlite3 "$OMS_DB" "EXPLAIN QUERY PLAN SELECT seq, at, order_id, type, payload FROM event
	    WHERE seq > 0 AND type = 'line.allocated' ORDER BY seq"
	assert_output --partial "USING INDEX event_by_type (type=? AND rowid>?)"
	# same answers as before (a re-allocation adds no event when nothing changed)
	run -0 oms-report events --type line.allocated
	assert_output "$before"
	run -0 oms-report kpi
	assert_output "$kpi"
}

@test "a version 4 store is migrated to the latest version: lines ever backordered, routing costs, where lines shipped from and ship times filled in as the commands now write them" {
	base_store
	oms-import -q rates "$DATA/rates.csv"
	oms-import -q postal "$DATA/postal.csv"
	oms-import -q orders "$DATA/orders.csv"
	# more than the network has: backordered in part
	printf 'order_id,line_no,sku,qty,ship_postal_code\nO4,1,A1,200,10001\nO4,2,B2,60,10001\n' > more.csv
	oms-import -q orders more.csv
	oms-allocate -q > /dev/null
	oms-route -q > /dev/null
	oms-release -q > released.csv
	# the first release line shorted, the rest shipped
	awk -F, 'BEGIN { print "release_id,line_no,status,qty" }
	    NR == 2 { print $1 "," $4 ",short," $6; next }
	    NR > 1 { print $1 "," $4 ",shipped," $6 }' released.csv > confirmed.csv
	oms-release -q --confirm confirmed.csv
	# what allocate, route and confirm wrote: some of each, or this test proves nothing
	facts="select order_id, line_no from order_line where ever_backordered order by 1, 2;
	    select order_id, line_no, node_id, shipped, cost_cents, transit_days from line_node
	    order by 1, 2, 3;
	    select * from shipment order by 1, 2"
	written=$(sqlite3 "$OMS_DB" "$facts")
	run -0 sqlite3 "$OMS_DB" "select count(*) from order_line where ever_backordered;
	    select count(*), count(distinct order_id), sum(cost_cents > 0), sum(shipped > 0),
	    count(transit_days) from line_node;
	    select count(*) from (select 1 from line_node group by order_id, line_no having count(*) > 1);
	    select count(*), count(distinct order_id), count(transit_days) from shipment"
	assert_output - <<'EOF'
2
8|4|8|7|8
2
4|3|4
EOF
	kpi=$(oms-report kpi)
	backorders=$(oms-report backorders --today 2026-11-27)
	[ "$(echo "$backorders" | wc -l)" -gt 1 ]
	# back to version 4
	sqlite3 "$OMS_DB" "$UNDO_LAST_MILE"
	sqlite3 "$OMS_DB" "DROP TABLE shipment; ALTER TABLE order_line DROP COLUMN ever_backordered;
	    ALTER TABLE node DROP COLUMN address1; ALTER TABLE node DROP COLUMN city;
	    ALTER TABLE node DROP COLUMN region;
	    ALTER TABLE order_line DROP COLUMN backordered_at;
	    ALTER TABLE line_node DROP COLUMN transit_days;
	    ALTER TABLE line_node DROP COLUMN shipped; ALTER TABLE line_node DROP COLUMN cost_cents;
	    PRAGMA user_version = 4"
	run -70 oms-report kpi
	assert_output "oms-report: $OMS_DB: store has schema version 4 and this oms reads version $SCHEMA_VERSION: upgrade it, as a user who may write it, with \"oms-allocate --dry-run -q --db $OMS_DB > /dev/null\" (it writes nothing but the upgrade)"
	# (not oms-allocate: it would backorder the shorted line again)
	run -0 oms-import -v nodes "$DATA/nodes.csv"
	assert_line "oms-import: $OMS_DB: schema migrated from version 4 to $SCHEMA_VERSION"
	assert_equal "$(sqlite3 "$OMS_DB" "$facts")" "$written"
	run -0 oms-report kpi
	assert_output "$kpi"
	run -0 oms-report backorders --today 2026-11-27
	assert_output "$backorders"
	run -0 oms-report check
	assert_output "$CHECK_HEAD"
}

@test "a version 6 store is migrated to the latest version: its nodes kept, with an empty street address; its releases still resend" {
	base_store
	oms-import -q rates "$DATA/rates.csv"
	oms-import -q postal "$DATA/postal.csv"
	oms-import -q orders "$DATA/orders.csv"
	oms-allocate -q > /dev/null
	oms-route -q > /dev/null
	oms-release -q --format jsonl > released.jsonl
	nodes=$(sqlite3 "$OMS_DB" "select node_id, type, name, postal_code from node order by 1")
	# back to version 6: no node address, no transit days
	sqlite3 "$OMS_DB" "$UNDO_LAST_MILE"
	sqlite3 "$OMS_DB" "ALTER TABLE node DROP COLUMN address1; ALTER TABLE node DROP COLUMN city;
	    ALTER TABLE node DROP COLUMN region; ALTER TABLE line_node DROP COLUMN transit_days;
	    ALTER TABLE shipment DROP COLUMN transit_days; PRAGMA user_version = 6"
	run -70 oms-report lines
	assert_output "oms-report: $OMS_DB: store has schema version 6 and this oms reads version $SCHEMA_VERSION: upgrade it, as a user who may write it, with \"oms-allocate --dry-run -q --db $OMS_DB > /dev/null\" (it writes nothing but the upgrade)"
	run -0 oms-allocate -v -o /dev/null
	assert_line "oms-allocate: $OMS_DB: schema migrated from version 6 to $SCHEMA_VERSION"
	assert_equal "$(sqlite3 "$OMS_DB" "select node_id, type, name, postal_code from node order by 1")" "$nodes"
	run -0 sqlite3 "$OMS_DB" "select count(*) from node where address1 = '' and city = '' and region = ''"
	assert_output 5
	run -0 oms-release --format jsonl $(jq -r '"--resend=" + .release_id' released.jsonl)
	assert_output "$(cat released.jsonl)"
	run -0 oms-report check
	assert_output "$CHECK_HEAD"
}

@test "check --deep: a corrupted index the plain check cannot see is found (exit 1), the file left as it was" {
	base_store
	oms-import -q orders "$DATA/orders.csv"
	run -0 oms-report check --deep
	assert_output "$CHECK_HEAD"
	# one byte of a key in the last cell of the event index's root page
	root=$(sqlite3 "$OMS_DB" "select rootpage from sqlite_schema where name = 'event_by_order'")
	size=$(sqlite3 "$OMS_DB" "pragma page_size")
	printf 'Z' | dd of="$OMS_DB" bs=1 seek=$((root * size - 3)) conv=notrunc 2>/dev/null
	sum=$(cksum < "$OMS_DB")
	run -0 oms-report check
	assert_output "$CHECK_HEAD"
	run -1 oms-report check --deep
	assert_line --index 0 "check,subject,detail"
	assert_line --index 1 --regexp '^integrity,store,row [0-9]+ missing from index event_by_order$'
	assert_equal "$(cksum < "$OMS_DB")" "$sum"
}

@test "a page of a table overwritten: reports stop with exit 74 and SQLite's reason" {
	base_store
	oms-import -q orders "$DATA/orders.csv"
	root=$(sqlite3 "$OMS_DB" "select rootpage from sqlite_schema where name = 'order_line'")
	size=$(sqlite3 "$OMS_DB" "pragma page_size")
	printf '\377\377\377\377\377\377\377\377' |
	    dd of="$OMS_DB" bs=1 seek=$(((root - 1) * size + 8)) conv=notrunc 2>/dev/null
	run -74 oms-report lines
	assert_output --partial "database disk image is malformed"
	run -74 oms-report check --deep
	assert_output --partial "database disk image is malformed"
}
