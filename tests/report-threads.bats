# oms-report reads one snapshot of the store per view; check reads a
# store of many orders in two threads, on two connections that see that
# one snapshot, and says exactly what the one-thread check says.
#
# OMS_CHECK_SPLIT sets how many orders a store needs for the threaded
# check: 1 here makes every store threaded (with a key range for every
# order or two), 1000000000 none.  OMS_READ_RACE commits its SQL from
# another connection while the connections begin their snapshot.
load helper
TEST_HOOKS=1	# every test here uses the hooks: the test build

ONE=1000000000

# The base store, tests/data/orders.csv and 40 orders K01..K40 with work
# under way at every stage, consistent: line 1 of each routed to DC1;
# line 2 released to DC1 (release R-Kxx) and, for every other order,
# confirmed shipped; K10 has a line of C3 (V1 has 10); every fifth order
# has an RMA and a refund, every seventh a hold.
many() {
	local i k
	base_store || return 1
	oms-import -q orders "$DATA/orders.csv" || return 1
	{
		echo "order_id,line_no,sku,qty,created_at"
		for i in $(seq -w 1 40); do
			echo "K$i,1,A1,3,2026-11-20T10:00:00Z"
			echo "K$i,2,B2,2,2026-11-20T10:00:00Z"
		done
		echo "K10,3,C3,20,2026-11-20T10:00:00Z"
	} > many.csv
	oms-import -q orders many.csv || return 1
	{
		for i in $(seq -w 1 40); do
			k=K$i
			echo "INSERT INTO line_node (order_id, line_no, node_id, routed) VALUES ('$k', 1, 'DC1', 1);"
			echo "INSERT INTO line_node (order_id, line_no, node_id, released) VALUES ('$k', 2, 'DC1', 1);"
			echo "INSERT INTO release (release_id, order_id, node_id, released_at, business_day, document)
			    VALUES ('R-$k', '$k', 'DC1', '2026-11-21T08:00:00Z', '2026-11-21', '{}');"
			if [ $((10#$i % 2)) -eq 0 ]; then
				echo "INSERT INTO release_line (release_id, line_no, order_id, qty, shipped) VALUES ('R-$k', 2, '$k', 2, 1);"
				echo "INSERT INTO confirmation (release_id, line_no, status, qty, at) VALUES ('R-$k', 2, 'shipped', 1, '2026-11-21T12:00:00Z');"
				echo "UPDATE order_line SET shipped = 1 WHERE order_id = '$k' AND line_no = 2;"
			else
				echo "INSERT INTO release_line (release_id, line_no, order_id, qty) VALUES ('R-$k', 2, '$k', 1);"
			fi
			if [ $((10#$i % 5)) -eq 0 ] && [ $((10#$i % 2)) -eq 0 ]; then
				echo "INSERT INTO rma (rma_id, order_id, channel, node_id, authorized_at) VALUES ('RMA-$k', '$k', 'store', 'ST1', '2026-11-22T00:00:00Z');"
				echo "INSERT INTO rma_line (rma_id, line_no, order_id, qty, reason) VALUES ('RMA-$k', 2, '$k', 1, 'x');"
				echo "INSERT INTO refund (order_id, line_no, rma_id, kind, amount, at) VALUES ('$k', 2, 'RMA-$k', 'return', 100, '2026-11-23T00:00:00Z');"
			fi
			if [ $((10#$i % 7)) -eq 0 ]; then
				echo "INSERT INTO order_hold (order_id, hold_type, held_at) VALUES ('$k', 'fraud', '2026-11-22T00:00:00Z');"
			fi
		done
	} | sqlite3 "$OMS_DB" || return 1
	# consistent, both ways
	OMS_CHECK_SPLIT=$ONE oms-report check && OMS_CHECK_SPLIT=1 oms-report check
}

# Every kind of violation check finds, at the lowest, middle and highest
# keys and between them, each a line of SQL (foreign keys off).
BREAKS=(
	"UPDATE order_line SET allocated = 7 WHERE order_id IN ('K01', 'K20', 'K21', 'K40') AND line_no = 1"
	"UPDATE order_line SET returned = 2 WHERE order_id IN ('K02', 'K39') AND line_no = 2"
	"UPDATE order_line SET backordered = 3 WHERE order_id IN ('K03', 'K38') AND line_no = 1"
	"UPDATE inventory SET on_hand = 1 WHERE node_id = 'DC1' AND sku = 'B2'"
	"UPDATE order_line SET allocated = 15 WHERE order_id = 'K10' AND line_no = 3; INSERT INTO order_hold (order_id, hold_type, held_at) VALUES ('K10', 'payment', '2026-11-22T00:00:00Z')"
	"INSERT INTO orders (order_id, created_at) VALUES ('A0', '2026-11-26T00:00:00Z'), ('K20a', '2026-11-26T00:00:00Z'), ('ZZ', '2026-11-26T00:00:00Z')"
	"INSERT INTO order_line (order_id, line_no, sku, qty) VALUES ('K15x', 1, 'A1', 1), ('ZZZ', 1, 'A1', 1)"
	"UPDATE order_line SET sku = 'GONE' WHERE order_id = 'K33' AND line_no = 1"
	"INSERT INTO line_node (order_id, line_no, node_id, routed) VALUES ('K30', 9, 'DC1', 1), ('K11', 1, 'GONE', 1)"
	"UPDATE release SET order_id = 'GONE' WHERE release_id = 'R-K12'"
	"UPDATE release SET node_id = 'GONE' WHERE release_id = 'R-K27'"
	"UPDATE release_line SET release_id = 'GONE' WHERE release_id = 'R-K08'"
	"INSERT INTO release_line (release_id, line_no, order_id, qty) VALUES ('R-K13', 9, 'K13', 1)"
	"UPDATE confirmation SET line_no = 7 WHERE release_id = 'R-K24'"
	"UPDATE rma SET order_id = 'A00' WHERE rma_id = 'RMA-K10'"
	"INSERT INTO rma_line (rma_id, line_no, order_id, qty, reason) VALUES ('RMA-K20', 9, 'K20', 1, 'x'), ('GONE', 1, 'K21', 1, 'x')"
	"INSERT INTO refund (order_id, kind, amount, at) VALUES ('K05x', 'appeasement', 1, '2026-11-22T00:00:00Z')"
	"INSERT INTO order_hold (order_id, hold_type, held_at) VALUES ('K35x', 'fraud', '2026-11-22T00:00:00Z')"
	"UPDATE line_node SET released = 2 WHERE order_id IN ('K05', 'K36') AND line_no = 2"
	"UPDATE release_line SET cancel_requested = 2 WHERE release_id IN ('R-K06', 'R-K31')"
	"DELETE FROM line_node WHERE order_id = 'K37' AND line_no = 2"
)

# What check says of a store but does not call a violation: work pending
# for the next oms-allocate (a count under routed work at DC1, more of C3
# allocated than V1 has), each a line of SQL.
PENDING=(
	"UPDATE inventory SET on_hand = 1 WHERE node_id = 'DC1' AND sku = 'A1'"
	"UPDATE order_line SET allocated = 15 WHERE order_id = 'K10' AND line_no = 3"
)

# check on $1 (a store) one-thread and threaded (OMS_CHECK_SPLIT $2 and
# 1): both exit ${3:-1} with the same output in every format, not empty.
same_both_ways() {
	local f one
	for f in csv jsonl json; do
		run -${3:-1} env OMS_CHECK_SPLIT=$ONE oms-report --db "$1" check --format $f
		one=$output
		[ -n "$one" ] || fail "no violation: $f"
		run -${3:-1} env OMS_CHECK_SPLIT="$2" oms-report --db "$1" check --format $f
		assert_equal "$output" "$one"
	done
}

@test "threaded check: each kind of violation alone, as the one-thread check says it" {
	many
	for sql in "${BREAKS[@]}"; do
		cp "$OMS_DB" broken.db
		sqlite3 broken.db "pragma foreign_keys = off; $sql"
		same_both_ways broken.db 1
	done
}

@test "threaded check: pending work, alone and at once, as the one-thread check says it (exit 0)" {
	many
	for sql in "${PENDING[@]}"; do
		cp "$OMS_DB" broken.db
		sqlite3 broken.db "$sql"
		same_both_ways broken.db 1 0
	done
	for sql in "${PENDING[@]}"; do
		sqlite3 "$OMS_DB" "$sql"
	done
	same_both_ways "$OMS_DB" 40 0
	run -0 env OMS_CHECK_SPLIT=1 oms-report check
	assert_output - <<'EOF'
check,subject,detail
pending_node_oversold,DC1/A1,reserved 40 exceeds on_hand 1 less safety_stock 0: the next oms-allocate takes back 39 routed
pending_sku_oversold,C3,allocated 15 exceeds the network's atp 10: the next oms-allocate re-plans it
EOF
}

@test "threaded check: every violation at once, by range of one and of several orders" {
	many
	for sql in "${BREAKS[@]}"; do
		sqlite3 "$OMS_DB" "pragma foreign_keys = off; $sql"
	done
	same_both_ways "$OMS_DB" 1
	same_both_ways "$OMS_DB" 40	# 49 orders: every second one a key
	# and every kind is there, at the lowest and highest keys
	run -1 env OMS_CHECK_SPLIT=1 oms-report check
	for kind in line_buckets line_returned line_backordered node_short sku_oversold \
	    order_lines foreign_key line_released cancel_requested; do
		assert_line --partial "$kind,"
	done
	assert_line --index 1 --partial "line_buckets,K01/1,"
	assert_line "order_lines,A0,order has no lines"
	assert_line "order_lines,ZZ,order has no lines"
	assert_line --partial "line_buckets,K40/1,"
	assert_line --partial "line_released,K37/2@DC1,"
}

@test "threaded check: a consistent store of many orders is consistent" {
	many
	run -0 --separate-stderr env OMS_CHECK_SPLIT=1 oms-report check
	assert_output "$CHECK_HEAD"
	assert_equal "$stderr" ""
}

# The race: safety stock up at DC1 (which this thread reads) and lines of the
# lowest and highest orders returned more than shipped.  Each time it
# changes the store (an UPDATE to the same values changes nothing, and
# SQLite writes nothing).
RACE="UPDATE inventory SET safety_stock = coalesce(safety_stock, 0) + 70 WHERE node_id = 'DC1' AND sku = 'A1';
UPDATE order_line SET returned = returned + 2 WHERE order_id IN ('K01', 'K40') AND line_no = 1"

# What the one-thread check says of the store after $1 races.
after_races() {
	local i
	cp "$OMS_DB" after.db
	for i in $(seq "$1"); do
		sqlite3 after.db "$RACE"
	done
	run -1 env OMS_CHECK_SPLIT=$ONE oms-report --db after.db check
	expected=$output
}

@test "one snapshot: a commit while the connections begin is seen by all of them, after a second try" {
	many
	after_races 1
	assert_line "pending_node_oversold,DC1/A1,reserved 40 exceeds on_hand 100 less safety_stock 70: the next oms-allocate takes back 10 routed"
	assert_line "line_returned,K01/1,returned 2 exceeds shipped 0"
	assert_line "line_returned,K40/1,returned 2 exceeds shipped 0"
	run -1 --separate-stderr env OMS_CHECK_SPLIT=1 OMS_READ_RACE="$RACE" oms-report -v check
	assert_equal "$output" "$expected"
	assert_equal "$(grep -c 'changed while its readers began; again' <<< "$stderr")" 1
	assert_equal "$(grep -c 'one reader' <<< "$stderr")" 0
	# the race did commit, once: the store is as after.db
	assert_equal "$(state)" "$(sqlite3 after.db .dump | grep -v -e '^INSERT INTO run ' -e "sqlite_sequence VALUES('run'")"
}

@test "one snapshot: a store that keeps changing is read by one connection" {
	many
	after_races 3
	assert_line "pending_node_oversold,DC1/A1,reserved 40 exceeds on_hand 100 less safety_stock 210: the next oms-allocate takes back 40 routed"
	assert_line "line_returned,K40/1,returned 6 exceeds shipped 0"
	run -1 --separate-stderr env OMS_CHECK_SPLIT=1 OMS_READ_RACE="$RACE" \
	    OMS_READ_RACE_TIMES=99 oms-report -v check
	assert_equal "$output" "$expected"
	assert_equal "$(grep -c 'changed while its readers began; again' <<< "$stderr")" 2
	assert_equal "$(grep -c 'keeps changing: one reader' <<< "$stderr")" 1
}

@test "one snapshot: a store of few orders is checked in one thread (no second connection)" {
	many
	before=$(state)
	run -0 --separate-stderr env -u OMS_CHECK_SPLIT OMS_READ_RACE="$RACE" oms-report -v check
	assert_output "$CHECK_HEAD"
	assert_equal "$(state)" "$before"
}

# 20000 orders P00001.. of one line of B2, each allocated past its qty:
# check has more to say of them than its output buffer (1 MiB) and a
# pipe hold, before it reads the stock and the orders after them.
many_bad_lines() {
	base_store || return 1
	{
		echo "order_id,line_no,sku,qty"
		for i in $(seq -w 1 20000); do echo "P$i,1,B2,1"; done
	} > p.csv
	oms-import -q orders p.csv &&
	sqlite3 "$OMS_DB" "UPDATE order_line SET allocated = 2"
}

@test "one snapshot: a writer that commits while a view runs changes nothing it reports" {
	many_bad_lines
	run -1 oms-report check
	expected=$output
	assert_line --index 20000 "line_buckets,P20000/1,allocated 2 + routed 0 + released 0 + shipped 0 + cancelled 0 exceed qty 1"
	assert_line --index 20001 "pending_sku_oversold,B2,allocated 40000 exceeds the network's atp 51: the next oms-allocate re-plans it"
	mkfifo out.fifo
	# one thread (held in the pass by order), and two (held after the passes)
	for split in $ONE 1; do
		rm -f run.db-wal run.db-shm
		cp "$OMS_DB" run.db
		OMS_CHECK_SPLIT=$split oms-report --db run.db check > out.fifo &
		pid=$!
		exec 5< out.fifo
		# until check is held writing to the full pipe
		for i in $(seq 300); do
			case $(cat /proc/$pid/wchan) in *pipe_write) break ;; esac
			sleep 0.1
		done
		sqlite3 run.db "UPDATE inventory SET on_hand = 0 WHERE node_id = 'DC1';
		    INSERT INTO orders (order_id, created_at) VALUES ('Q1', '2026-11-26T00:00:00Z')"
		got=$(cat <&5)
		exec 5<&-
		run -1 wait $pid
		assert_equal "$got" "$expected"
		# and the next check sees the change
		run -1 oms-report --db run.db check
		assert_line "pending_sku_oversold,B2,allocated 40000 exceeds the network's atp 1: the next oms-allocate re-plans it"
		assert_line "order_lines,Q1,order has no lines"
	done
}

# The lines and orders views of a store of more than OMS_VIEW_CHUNK
# orders (4096 by default) are read in ranges of that many orders by two
# threads, on connections that see one snapshot.

@test "lines and orders in ranges of orders, two threads: the same view, in every format and filter" {
	many
	sqlite3 "$OMS_DB" "UPDATE order_line SET backordered = 1, backorder_reason = 'no_stock'
	    WHERE order_id IN ('K03', 'K38') AND line_no = 1"
	for view in lines orders; do
		for args in "" "--format json" "--format jsonl" "--status shipped" \
		    "--status backordered --format json" "--channel web" "--node DC1 --format json" \
		    "--from 2026-11-20 --to 2026-11-20" "--status cancelled --format json" \
		    "--status cancelled" "--status shipped --status open --format jsonl" \
		    "--channel web --channel phone --node ST1 --node DC1" \
		    "lines: --sku A1" "lines: --sku A1 --sku C3 --format json" \
		    "lines: --order K40 --order K01 --order K10 --order O2 --format jsonl"; do
			# some are of lines only (orders has neither --sku nor --order)
			case $args in
			lines:*) [ $view = lines ] || continue; args=${args#lines: } ;;
			esac
			OMS_VIEW_CHUNK=$ONE oms-report $view $args > one
			for chunk in 1 2 7; do
				OMS_VIEW_CHUNK=$chunk oms-report $view $args > two
				cmp one two || fail "$view $args in ranges of $chunk orders differs"
			done
		done
	done
	# what was compared: every order and line, and the K orders with their holds
	OMS_VIEW_CHUNK=1 run -0 oms-report orders
	assert_equal "${#lines[@]}" "$(($(sqlite3 "$OMS_DB" "select count(*) from orders") + 1))"
	assert_line "K07,,web,open,2,5,3,0,0,1,1,0,0,0,2026-11-20T10:00:00Z,,5,fraud,DC1"
	assert_line "K38,,web,backordered,2,5,2,1,0,1,1,1,0,0,2026-11-20T10:00:00Z,,5,,DC1"
	assert_line "K40,,web,partially_shipped,2,5,2,0,0,1,1,1,0,0,2026-11-20T10:00:00Z,,5,,DC1"
	OMS_VIEW_CHUNK=1 run -0 oms-report lines --format json
	run -0 jq -r 'length' <<< "$output"
	assert_output "$(sqlite3 "$OMS_DB" "select count(*) from order_line")"
	OMS_VIEW_CHUNK=1 run -0 oms-report lines --order K10
	assert_line --index 3 --partial "K10,3,C3,20,"
	assert_equal "${#lines[@]}" 4
	# several orders, and lists of the other filters, read in ranges
	OMS_VIEW_CHUNK=1 run -0 oms-report lines --order K40 --order K01 --order K10
	assert_equal "$(cut -d, -f1,2 <<< "$output" | tr '\n' ' ')" \
	    "order_id,line_no K01,1 K01,2 K10,1 K10,2 K10,3 K40,1 K40,2 "
	OMS_VIEW_CHUNK=1 run -0 oms-report orders --status shipped --status backordered \
	    --channel web --channel phone
	assert_equal "$(cut -d, -f1,4 <<< "$output" | grep -c ',backordered$')" 2
	assert_equal "${#lines[@]}" "$(($(sqlite3 "$OMS_DB" "select count(*) from orders o where
	    channel in ('web', 'phone') and (order_id in ('K03', 'K38') or not exists (select 1
	    from order_line l where l.order_id = o.order_id and l.qty > l.shipped + l.cancelled))") + 1))"
}

@test "lines and orders in two threads: a commit while the connections begin is seen by both" {
	many
	sqlite3 "$OMS_DB" ".backup before.db"
	for view in lines orders; do
		rm -f "$OMS_DB-wal" "$OMS_DB-shm"	# the last race's, committed
		cp before.db "$OMS_DB"
		after_races 1
		OMS_VIEW_CHUNK=$ONE oms-report --db after.db $view --format jsonl > expected
		run -0 --separate-stderr env OMS_VIEW_CHUNK=2 OMS_READ_RACE="$RACE" \
		    oms-report -v $view --format jsonl
		assert_equal "$output" "$(cat expected)"
		assert_equal "$(grep -c 'changed while its readers began; again' <<< "$stderr")" 1
		# K01 and K40 (the race's), in ranges read by different threads
		assert_line --regexp '^\{"order_id":"K01",.*"returned":2,'
		assert_line --regexp '^\{"order_id":"K40",.*"returned":2,'
	done
	# and a store that keeps changing is read by this thread alone
	run -0 --separate-stderr env OMS_VIEW_CHUNK=2 OMS_READ_RACE="$RACE" \
	    OMS_READ_RACE_TIMES=99 oms-report -v lines
	assert_equal "$(grep -c 'keeps changing: one reader' <<< "$stderr")" 1
	assert_equal "$output" "$(OMS_VIEW_CHUNK=$ONE oms-report lines)"
}

@test "lines and orders in two threads to a full disk: 74, the error said" {
	[ -c /dev/full ] || skip "no /dev/full here"
	many
	for view in lines orders; do
		OMS_VIEW_CHUNK=1 run -74 oms-report $view -o /dev/full
		assert_output "oms-report: /dev/full: write error: No space left on device"
		OMS_VIEW_CHUNK=1 run -74 bash -c "oms-report $view > /dev/full"
		assert_output "oms-report: write error on standard output: No space left on device"
	done
}
