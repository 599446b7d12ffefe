# Shared by every bats file: tools from $OMS_BIN, a fresh store per test.
bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

TESTS=$(cd "$(dirname "${BATS_TEST_FILENAME}")" && pwd)
DATA=$TESTS/data
EXAMPLES=$TESTS/../examples/data
# What oms-report check prints when every invariant holds: its header.
CHECK_HEAD=check,subject,detail
# The schema version this oms writes: one migration per file of share/schema.
SCHEMA_VERSION=$(ls "$TESTS"/../share/schema/[0-9]*.sql | wc -l)
# SQL that takes a store of the latest version back to 8 (share/schema/014-hold-rules.sql,
# 013-channel-policy.sql, 012-exchanges.sql, 011-care-money.sql, 010-ship-to-store.sql and 009-last-mile.sql
# undone, the refund and receipt tables left as they are, which 009, 011 and 012 rebuild
# alike), for
# the tests that make a store of an older version out of a new one.
UNDO_LAST_MILE="DROP TABLE reservation; DROP INDEX inventory_by_sku;
DROP TABLE supply_peg; DROP TABLE supply;
DROP TABLE sourcing_rule; DROP TABLE node_group; DROP TABLE rule_version;
ALTER TABLE item DROP COLUMN item_class;
CREATE TABLE n14 (node_id TEXT PRIMARY KEY NOT NULL, type TEXT NOT NULL CHECK (type IN
	('warehouse','store','dark_store','3pl','vendor','locker')),
	name TEXT NOT NULL DEFAULT '', postal_code TEXT NOT NULL DEFAULT '',
	country TEXT NOT NULL DEFAULT 'US', lat REAL, lon REAL,
	can_ship INTEGER NOT NULL DEFAULT 1, can_pickup INTEGER NOT NULL DEFAULT 0,
	can_curbside INTEGER NOT NULL DEFAULT 0, accepts_returns INTEGER NOT NULL DEFAULT 0,
	capacity_per_day INTEGER CHECK (capacity_per_day >= 0),
	handling_cost REAL NOT NULL DEFAULT 0,
	processing_days INTEGER NOT NULL DEFAULT 1 CHECK (processing_days >= 0),
	safety_stock INTEGER NOT NULL DEFAULT 0 CHECK (safety_stock >= 0),
	active INTEGER NOT NULL DEFAULT 1, address1 TEXT NOT NULL DEFAULT '',
	city TEXT NOT NULL DEFAULT '', region TEXT NOT NULL DEFAULT '',
	pickup_hold_days INTEGER NOT NULL DEFAULT 7 CHECK (pickup_hold_days >= 1),
	ship_to_store INTEGER NOT NULL DEFAULT 0, confirm_hours INTEGER CHECK (confirm_hours >= 1))
	WITHOUT ROWID;
INSERT INTO n14 SELECT node_id, type, name, postal_code, country, lat, lon, can_ship,
	can_pickup, can_curbside, accepts_returns, capacity_per_day, handling_cost,
	processing_days, safety_stock, active, address1, city, region, pickup_hold_days,
	ship_to_store, confirm_hours FROM node;
DROP TABLE node; ALTER TABLE n14 RENAME TO node;
DROP TABLE charge; DROP TABLE exchange; DROP TABLE hold_rule; ALTER TABLE customer DROP COLUMN flagged;
ALTER TABLE orders DROP COLUMN bill_country; ALTER TABLE order_hold DROP COLUMN rule_id;
DROP TABLE channel_policy; DROP INDEX order_hold_not_freed;
ALTER TABLE order_hold DROP COLUMN stock_freed_at;
DROP TABLE store_credit; DROP TABLE change_ref;
ALTER TABLE release_line DROP COLUMN cancel_tender;
ALTER TABLE item DROP COLUMN ship_to_store;
ALTER TABLE order_line DROP COLUMN ship_to_store;
DROP INDEX collection_open; DROP TABLE collection; DROP TABLE tracking_update;
DROP TABLE sent_once;
ALTER TABLE shipment DROP COLUMN delivered_at;
ALTER TABLE node DROP COLUMN pickup_hold_days; ALTER TABLE node DROP COLUMN ship_to_store;
ALTER TABLE node DROP COLUMN confirm_hours;
ALTER TABLE release_line DROP COLUMN collected; ALTER TABLE release_line DROP COLUMN delivered;
ALTER TABLE release_line DROP COLUMN ready; ALTER TABLE release_line DROP COLUMN location;
CREATE TABLE c8 (seq INTEGER PRIMARY KEY, release_id TEXT NOT NULL, line_no INTEGER NOT NULL,
	status TEXT NOT NULL CHECK (status = 'shipped' OR status = 'picked_up' OR
	status = 'short' OR status = 'cancelled'), qty INTEGER NOT NULL CHECK (qty >= 1),
	carrier TEXT NOT NULL DEFAULT '', tracking TEXT NOT NULL DEFAULT '', at TEXT NOT NULL,
	run_id INTEGER,
	FOREIGN KEY (release_id, line_no) REFERENCES release_line (release_id, line_no));
INSERT INTO c8 SELECT seq, release_id, line_no, status, qty, carrier, tracking, at, run_id
	FROM confirmation;
DROP TABLE confirmation; ALTER TABLE c8 RENAME TO confirmation;
CREATE INDEX confirmation_by_release ON confirmation (release_id, line_no);"

# The test build of the commands: the same sources compiled with the test
# hooks (OMS_KILL_*, OMS_READ_RACE, OMS_*_CHUNK, OMS_CHECK_SPLIT; oms(7),
# "Test builds"), which the shipped commands in $OMS_BIN do not have.
# make check (or make test-build) builds it beside them, in ../test-bin.
OMS_TEST_BIN=${OMS_TEST_BIN:-$OMS_BIN/../test-bin}

# A test of a hook calls test_hooks first: the commands it runs are then
# the test build.  A suite whose every test uses the hooks sets
# TEST_HOOKS=1 instead, after loading this file.
test_hooks() {
	if [ ! -x "$OMS_TEST_BIN/oms-import" ]; then
		echo "no test build of oms in $OMS_TEST_BIN (make test-build builds it)" >&2
		return 1
	fi
	PATH=$OMS_TEST_BIN:$PATH
}

setup() {
	PATH=$OMS_BIN:$PATH
	if [ -n "${TEST_HOOKS:-}" ]; then
		test_hooks || return 1
	fi
	export OMS_DB=$BATS_TEST_TMPDIR/oms.db
	cd "$BATS_TEST_TMPDIR" || return 1
}

# The store's state: every table but the run log, as SQL text.
state() {
	sqlite3 "$OMS_DB" .dump | grep -v -e '^INSERT INTO run ' -e "sqlite_sequence VALUES('run'"
}

# A small network and catalogue most tests start from.
base_store() {
	oms-import -q nodes "$DATA/nodes.csv" &&
	oms-import -q items "$DATA/items.csv" &&
	oms-import -q inventory "$DATA/inventory.csv"
}

# Hold the store's write lock for $1 seconds in the background, and
# return once it is held.  The holder is left to finish on its own;
# release_lock waits for it.
hold_lock() {
	local i

	(echo ".timeout 5000"; echo "BEGIN IMMEDIATE;"; sleep "$1"; echo "COMMIT;") |
	    sqlite3 "$OMS_DB" > /dev/null 2>&1 3>&- &
	holder=$!
	for i in $(seq 50); do
		sqlite3 "$OMS_DB" "BEGIN IMMEDIATE; ROLLBACK;" > /dev/null 2>&1 || return 0
		sleep 0.1
	done
	echo "could not see the lock taken" >&2
	return 1
}

release_lock() {
	wait "$holder"
}

# A small disk, for tests of a full one: a tmpfs of $2 KiB mounted on the
# directory $1 (made here), unmounted by teardown.  Mounting needs root;
# where it is not allowed the test is skipped.
small_disk() {
	mkdir -p "$1" || return 1
	if ! mount -t tmpfs -o "size=${2}k" tmpfs "$1" 2> /dev/null; then
		skip "cannot mount a tmpfs here (it needs root)"
	fi
	small_disks+=("$(cd "$1" && pwd)")
}

# Fill the file system of directory $1, but for $2 KiB, with $1/fill.
fill_disk() {
	local avail

	avail=$(df -k --output=avail "$1" | tail -n 1)
	[ "$avail" -gt "$2" ] || return 0
	dd if=/dev/zero of="$1/fill" bs=1k count=$((avail - $2)) status=none 2> /dev/null
	return 0
}

teardown() {
	local d

	for d in ${small_disks[@]+"${small_disks[@]}"}; do
		umount "$d" 2> /dev/null || umount -l "$d"
	done
}
