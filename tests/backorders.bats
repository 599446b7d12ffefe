# oms-report backorders: when each line's backorder began, as oms-allocate,
# oms-route and oms-order keep it in order_line.backordered_at (schema
# version 6), through a line's whole life: backordered, served, backordered
# again, less backordered, taken away by an order change, backordered by
# routing.  The network of tests/route.bats (tests/data/route): one order
# O1 shipping to 0,0, A and B stocked at N1 only.
load helper

ROUTE=$DATA/route
BACKORDERS=order_id,line_no,sku,backordered,reason,backordered_at,age_days,priority,promise_date,created_at,channel,customer_id,days_past_promise,expected_at,supply_id

setup_network() {
	oms-import -q nodes "$ROUTE/nodes.csv" &&
	oms-import -q items "$ROUTE/items.csv" &&
	oms-import -q rates "$ROUTE/rates.csv"
}

# Stock at N1, by the CSV rows "sku,on_hand" (a snapshot) on standard input.
stock() {
	{ echo node_id,sku,on_hand,as_of; sed 's/^/N1,/; s/$/,2026-11-01T00:00:00Z/'; } |
	    oms-import -q inventory -
}

# Stock arriving at N1 (or leaving it): sku, delta.
delta() {
	printf 'node_id,sku,delta,reason\nN1,%s,%s,count\n' "$1" "$2" | oms-import -q inventory --delta -
}

# The last run happened at $1: its time, its events' and the backorders it
# began, which carry its time (the store's clock cannot be set; the
# commands stamp the time they run at).  A writer that stamped anything
# else is not moved, and the views below show it.
at() {
	sqlite3 "$OMS_DB" "UPDATE order_line SET backordered_at = '$1'
	    WHERE backordered_at = (SELECT started_at FROM run ORDER BY run_id DESC LIMIT 1);
	  UPDATE event SET at = '$1' WHERE run_id = (SELECT max(run_id) FROM run);
	  UPDATE run SET started_at = '$1' WHERE run_id = (SELECT max(run_id) FROM run)"
}

# oms-report backorders --today $1 is exactly the CSV on standard input
# (after the header), and the store is consistent.
backorders_are() {
	run -0 oms-report backorders --today "$1"
	assert_output "$BACKORDERS"$'\n'"$(cat)"
	run -0 oms-report check
	assert_output "$CHECK_HEAD"
}

# Each backordered line's backordered_at, and what the event log says:
# the first of its allocation events with backordered > 0 after the last
# with 0 (the rule oms-report used until schema version 6).
from_log() {
	sqlite3 "$OMS_DB" "SELECT l.order_id, l.line_no, l.backordered_at, (
	    SELECT e.at FROM event e
	    WHERE e.order_id = l.order_id AND e.payload ->> 'line_no' = l.line_no
	      AND e.type IN ('line.allocated', 'line.deallocated', 'line.backordered')
	      AND e.payload ->> 'backordered' > 0
	      AND NOT EXISTS (SELECT 1 FROM event z WHERE z.order_id = e.order_id
	        AND z.payload ->> 'line_no' = l.line_no AND z.seq > e.seq
	        AND z.type IN ('line.allocated', 'line.deallocated', 'line.backordered')
	        AND z.payload ->> 'backordered' = 0)
	    ORDER BY e.seq LIMIT 1)
	  FROM order_line l WHERE l.backordered > 0 ORDER BY 1, 2"
}

@test "backordered_at: set when a backorder begins, kept while it goes on, gone when it ends, by allocate, route and order changes" {
	setup_network
	stock <<<'A,2'
	printf 'order_id,line_no,sku,qty,created_at,ship_lat,ship_lon\nO1,1,A,3,2026-10-30T08:00:00Z,0,0\nO1,2,B,1,2026-10-30T08:00:00Z,0,0\n' |
	    oms-import -q orders -

	# 2 of 3 A and no B: both lines backordered, by the run that did it
	# (the whole store: the one-pass write-back)
	oms-allocate -q -o /dev/null
	run -0 sqlite3 "$OMS_DB" "select order_id, line_no, backordered, backordered_at = (select max(started_at) from run)
	    from order_line order by 1, 2"
	assert_output $'O1|1|1|1\nO1|2|1|1'
	at 2026-11-02T09:00:00Z
	backorders_are 2026-11-05 <<'EOF'
O1,1,A,1,no stock in the network,2026-11-02T09:00:00Z,3,5,,2026-10-30T08:00:00Z,web,,,,
O1,2,B,1,no stock in the network,2026-11-02T09:00:00Z,3,5,,2026-10-30T08:00:00Z,web,,,,
EOF

	# stock arrives: line 1 served, no longer backordered; line 2 untouched
	delta A 1
	oms-allocate -q -o /dev/null
	at 2026-11-03T09:00:00Z
	run -0 sqlite3 "$OMS_DB" "select line_no, backordered, quote(backordered_at) from order_line order by 1"
	assert_output $'1|0|NULL\n2|1|\'2026-11-02T09:00:00Z\''
	backorders_are 2026-11-05 <<'EOF'
O1,2,B,1,no stock in the network,2026-11-02T09:00:00Z,3,5,,2026-10-30T08:00:00Z,web,,,,
EOF

	# stock counted lower: line 1 backordered again, from this run on (an
	# allocation of one order: line by line)
	stock <<<'A,1'
	oms-allocate -q --order O1 -o /dev/null
	at 2026-11-04T09:00:00Z
	backorders_are 2026-11-05 <<'EOF'
O1,2,B,1,no stock in the network,2026-11-02T09:00:00Z,3,5,,2026-10-30T08:00:00Z,web,,,,
O1,1,A,2,no stock in the network,2026-11-04T09:00:00Z,1,5,,2026-10-30T08:00:00Z,web,,,,
EOF

	# one more arrives: less backordered, the same backorder
	delta A 1
	oms-allocate -q -o /dev/null
	at 2026-11-05T09:00:00Z
	backorders_are 2026-11-05 <<'EOF'
O1,2,B,1,no stock in the network,2026-11-02T09:00:00Z,3,5,,2026-10-30T08:00:00Z,web,,,,
O1,1,A,1,no stock in the network,2026-11-04T09:00:00Z,1,5,,2026-10-30T08:00:00Z,web,,,,
EOF
	# so far the column and the event log agree, line by line
	run -0 from_log
	assert_output $'O1|1|2026-11-04T09:00:00Z|2026-11-04T09:00:00Z\nO1|2|2026-11-02T09:00:00Z|2026-11-02T09:00:00Z'

	# an order change takes the backordered unit away: the backorder ends
	oms-order -q reduce O1 1 2
	at 2026-11-06T09:00:00Z
	run -0 sqlite3 "$OMS_DB" "select qty, backordered, quote(backordered_at) from order_line where line_no = 1"
	assert_output '2|0|NULL'
	backorders_are 2026-11-06 <<'EOF'
O1,2,B,1,no stock in the network,2026-11-02T09:00:00Z,4,5,,2026-10-30T08:00:00Z,web,,,,
EOF

	# and one backordered later is a new backorder, from then on.  (The
	# event log alone cannot tell: the order change writes no
	# "backordered", so its rule still dates it from 2026-11-04.)
	stock <<<'A,1'
	oms-allocate -q -o /dev/null
	at 2026-11-07T09:00:00Z
	backorders_are 2026-11-08 <<'EOF'
O1,2,B,1,no stock in the network,2026-11-02T09:00:00Z,6,5,,2026-10-30T08:00:00Z,web,,,,
O1,1,A,1,no stock in the network,2026-11-07T09:00:00Z,1,5,,2026-10-30T08:00:00Z,web,,,,
EOF
	run -0 from_log
	assert_output $'O1|1|2026-11-07T09:00:00Z|2026-11-04T09:00:00Z\nO1|2|2026-11-02T09:00:00Z|2026-11-02T09:00:00Z'

	# B arrives for line 2: served
	delta B 1
	oms-allocate -q -o /dev/null
	at 2026-11-08T09:00:00Z
	backorders_are 2026-11-08 <<'EOF'
O1,1,A,1,no stock in the network,2026-11-07T09:00:00Z,1,5,,2026-10-30T08:00:00Z,web,,,,
EOF

	# and gone again before routing: oms-route backorders line 2 (a new
	# backorder, its run's); line 1's allocated unit is routed, its
	# backorder goes on as it was
	delta B -1
	oms-route -q -o /dev/null
	run -0 sqlite3 "$OMS_DB" "select line_no, allocated, backordered, backordered_at = (select max(started_at) from run)
	    from order_line order by 1"
	assert_output $'1|0|1|0\n2|0|1|1'
	at 2026-11-09T09:00:00Z
	backorders_are 2026-11-10 <<'EOF'
O1,1,A,1,no stock in the network,2026-11-07T09:00:00Z,3,5,,2026-10-30T08:00:00Z,web,,,,
O1,2,B,1,no stock left at an eligible node when routed,2026-11-09T09:00:00Z,1,5,,2026-10-30T08:00:00Z,web,,,,
EOF
	run -0 sqlite3 "$OMS_DB" "select type, payload ->> 'backordered' from event where seq = (select max(seq) from event where order_id = 'O1' and payload ->> 'line_no' = 2)"
	assert_output 'line.backordered|1'
}

@test "backordered_at: a store from version 5 is dated from its event log, as the commands date it" {
	setup_network
	stock <<<'A,2'
	printf 'order_id,line_no,sku,qty,created_at,ship_lat,ship_lon\nO1,1,A,3,2026-10-30T08:00:00Z,0,0\nO1,2,B,1,2026-10-30T08:00:00Z,0,0\nO2,1,A,1,2026-10-31T08:00:00Z,0,0\n' |
	    oms-import -q orders -
	oms-allocate -q -o /dev/null
	at 2026-11-02T09:00:00Z
	delta A 1
	oms-allocate -q -o /dev/null
	at 2026-11-03T09:00:00Z
	stock <<<'A,1'
	oms-allocate -q -o /dev/null
	at 2026-11-04T09:00:00Z
	delta A 1
	oms-allocate -q -o /dev/null
	at 2026-11-05T09:00:00Z
	delta B 1
	oms-allocate -q -o /dev/null
	at 2026-11-06T09:00:00Z
	delta B -1
	oms-route -q -o /dev/null
	at 2026-11-07T09:00:00Z
	written=$(oms-report backorders --today 2026-11-10)
	# some of each, or this test proves nothing: one line backordered
	# twice, one by routing, one since its first allocation
	assert_equal "$written" "$BACKORDERS
O2,1,A,1,no stock in the network,2026-11-02T09:00:00Z,8,5,,2026-10-31T08:00:00Z,web,,,,
O1,1,A,1,no stock in the network,2026-11-04T09:00:00Z,6,5,,2026-10-30T08:00:00Z,web,,,,
O1,2,B,1,no stock left at an eligible node when routed,2026-11-07T09:00:00Z,3,5,,2026-10-30T08:00:00Z,web,,",,
	# back to version 5; one payload edited by hand into something not JSON
	# is skipped (read, it would end the backorder of line 1 of O1)
	sqlite3 "$OMS_DB" "$UNDO_LAST_MILE"
	sqlite3 "$OMS_DB" "ALTER TABLE order_line DROP COLUMN backordered_at;
	    ALTER TABLE line_node DROP COLUMN transit_days; ALTER TABLE shipment DROP COLUMN transit_days;
	    ALTER TABLE node DROP COLUMN address1; ALTER TABLE node DROP COLUMN city;
	    ALTER TABLE node DROP COLUMN region;
	    PRAGMA user_version = 5;
	    INSERT INTO event (at, order_id, type, payload)
	    VALUES ('2026-11-05T10:00:00Z', 'O1', 'line.allocated', '{\"line_no\":1,\"backordered\":0');"
	run -70 oms-report backorders
	assert_output "oms-report: $OMS_DB: store has schema version 5 and this oms reads version $SCHEMA_VERSION: upgrade it, as a user who may write it, with \"oms-allocate --dry-run -q --db $OMS_DB > /dev/null\" (it writes nothing but the upgrade)"
	run -0 oms-import -v nodes "$ROUTE/nodes.csv"
	assert_line "oms-import: $OMS_DB: schema migrated from version 5 to $SCHEMA_VERSION"
	run -0 oms-report backorders --today 2026-11-10
	assert_output "$written"
	# nothing dated where nothing is backordered
	run -0 sqlite3 "$OMS_DB" "select count(*) from order_line where backordered = 0 and backordered_at is not null"
	assert_output 0
}
