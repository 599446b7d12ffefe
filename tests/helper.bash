# Shared by every bats file: tools from $OMS_BIN, a fresh store per test.
bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

TESTS=$(cd "$(dirname "${BATS_TEST_FILENAME}")" && pwd)
DATA=$TESTS/data
EXAMPLES=$TESTS/../examples/data
SHARED=$TESTS/../../shared/data
# The schema version this oms writes: one migration per file of share/schema.
SCHEMA_VERSION=$(ls "$TESTS"/../share/schema/[0-9]*.sql | wc -l)

setup() {
	PATH=$OMS_BIN:$PATH
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
