# oms-report: the orders, backorders and releases views, the filters of
# lines, runs by date, events --follow, and examples/notify.sh.
load helper

VIEWS=$DATA/report-views

# The base store, tests/data/report-views/orders.csv and the work under
# way on it (state.sql): one order in each status.
orders_book() {
	base_store &&
	oms-import -q orders "$VIEWS/orders.csv" &&
	sqlite3 "$OMS_DB" < "$VIEWS/state.sql"
}

# A store carried by the real commands through allocation, routing,
# release and confirmation: tests/data's network and orders, with the
# customers, postal codes and rates the router needs.
shipped_store() {
	base_store &&
	oms-import -q customers "$DATA/customers.csv" &&
	oms-import -q postal "$DATA/postal.csv" &&
	oms-import -q rates "$DATA/rates.csv" &&
	oms-import -q orders "$DATA/orders.csv" &&
	oms-allocate -q -o /dev/null &&
	oms-route -q --day 2026-11-26 -o /dev/null &&
	oms-release -q --day 2026-11-26 -o releases.csv
}

# ---------------------------------------------------------------------
# orders

@test "orders: one row per order, every column, the status from its lines" {
	orders_book
	run -0 oms-report orders
	assert_output - <<'EOF'
order_id,customer_id,channel,status,lines,units,open,backordered,allocated,routed,released,shipped,cancelled,returned,created_at,promise_date,priority,holds,nodes
P1,C1,web,backordered,2,3,1,1,0,0,0,2,0,0,2026-11-20T08:00:00Z,2026-11-25T00:00:00Z,5,,DC1
P2,C1,web,partially_shipped,1,3,0,0,0,0,2,1,0,0,2026-11-21T23:59:59Z,2026-11-26T00:00:00Z,4,,DC1
P3,C2,store,shipped,1,1,0,0,0,0,0,1,0,0,2026-11-22T00:00:00Z,,5,,ST2
P4,C3,phone,cancelled,1,2,0,0,0,0,0,0,2,0,2026-11-23T12:00:00Z,,5,,
P5,C2,phone,open,2,2,1,0,1,0,0,0,0,0,2026-11-24T12:00:00Z,2026-11-28T00:00:00Z,2,,
P6,=cmd,web,allocated,1,1,0,0,1,0,0,0,0,0,2026-11-25T09:00:00Z,,5,address;fraud,
P7,C4,marketplace,routed,1,2,0,0,0,2,0,0,0,0,2026-11-26T10:00:00Z,2026-11-29T00:00:00Z,1,,DC1;ST1
P8,C1,web,released,1,1,0,0,0,0,1,0,0,0,2026-11-26T11:00:00Z,,5,,ST1
EOF
	run -0 oms-report check
	assert_output "$CHECK_HEAD"
}

@test "orders: an order with a cancelled line and a shipped one is shipped; all cancelled is cancelled" {
	orders_book
	sqlite3 "$OMS_DB" "update order_line set allocated = 0, cancelled = 1 where order_id = 'P5' and line_no = 2;
	    update order_line set shipped = 1 where order_id = 'P5' and line_no = 1"
	run -0 oms-report orders --channel phone
	assert_output - <<'EOF'
order_id,customer_id,channel,status,lines,units,open,backordered,allocated,routed,released,shipped,cancelled,returned,created_at,promise_date,priority,holds,nodes
P4,C3,phone,cancelled,1,2,0,0,0,0,0,0,2,0,2026-11-23T12:00:00Z,,5,,
P5,C2,phone,shipped,2,2,0,0,0,0,0,1,1,0,2026-11-24T12:00:00Z,2026-11-28T00:00:00Z,2,,
EOF
}

@test "orders --status, --channel, --node, --from/--to filter, and combine" {
	orders_book
	run -0 oms-report orders --status backordered --format jsonl
	assert_output '{"order_id":"P1","customer_id":"C1","channel":"web","status":"backordered","lines":2,"units":3,"open":1,"backordered":1,"allocated":0,"routed":0,"released":0,"shipped":2,"cancelled":0,"returned":0,"created_at":"2026-11-20T08:00:00Z","promise_date":"2026-11-25T00:00:00Z","priority":5,"holds":null,"nodes":"DC1"}'
	oms-report orders --channel web --format csv | cut -d, -f1 > got
	printf 'order_id\nP1\nP2\nP6\nP8\n' | diff -u - got
	# a node once worked counts: P3 shipped from ST2
	oms-report orders --node ST2 | cut -d, -f1 > got
	printf 'order_id\nP3\n' | diff -u - got
	oms-report orders --node ST1 | cut -d, -f1 > got
	printf 'order_id\nP7\nP8\n' | diff -u - got
	# both days included, whole UTC days: P2 at 23:59:59, P3 at midnight
	oms-report orders --from 2026-11-21 --to 2026-11-22 | cut -d, -f1 > got
	printf 'order_id\nP2\nP3\n' | diff -u - got
	oms-report orders --from 2026-11-26 | cut -d, -f1 > got
	printf 'order_id\nP7\nP8\n' | diff -u - got
	oms-report orders --to 2026-11-20 | cut -d, -f1 > got
	printf 'order_id\nP1\n' | diff -u - got
	oms-report orders --channel web --node DC1 --from 2026-11-21 | cut -d, -f1 > got
	printf 'order_id\nP2\n' | diff -u - got
	run -0 oms-report orders --status shipped --channel web
	assert_output "order_id,customer_id,channel,status,lines,units,open,backordered,allocated,routed,released,shipped,cancelled,returned,created_at,promise_date,priority,holds,nodes"
}

@test "orders: --format json, --safe-csv, an empty store" {
	run -66 oms-report --db "$BATS_TEST_TMPDIR/none.db" orders
	assert_output 'oms-report: '"$BATS_TEST_TMPDIR"'/none.db: no store here (import something first, or use --db)'
	orders_book
	oms-report orders --format json > got.json
	run -0 jq -c '.[5] | [.customer_id, .lines, .holds, .nodes, .promise_date]' got.json
	assert_output '["=cmd",1,"address;fraud",null,null]'
	run -0 oms-report orders --safe-csv --status allocated
	assert_line --index 1 "P6,\"'=cmd\",web,allocated,1,1,0,0,1,0,0,0,0,0,2026-11-25T09:00:00Z,,5,address;fraud,"
	sqlite3 "$OMS_DB" "delete from order_hold; delete from line_node; delete from order_line; delete from orders"
	run -0 oms-report orders --format json
	assert_output "[]"
}

# ---------------------------------------------------------------------
# lines: the new filters

@test "lines --channel, --node, --from/--to filter, and combine with --status" {
	orders_book
	oms-report lines --channel phone | cut -d, -f1,2 > got
	printf 'order_id,line_no\nP4,1\nP5,1\nP5,2\n' | diff -u - got
	oms-report lines --node DC1 | cut -d, -f1,2 > got
	printf 'order_id,line_no\nP1,1\nP2,1\nP7,1\n' | diff -u - got
	oms-report lines --from 2026-11-24 --to 2026-11-25 | cut -d, -f1,2 > got
	printf 'order_id,line_no\nP5,1\nP5,2\nP6,1\n' | diff -u - got
	oms-report lines --channel web --status shipped | cut -d, -f1,2,5 > got
	printf 'order_id,line_no,status\nP1,1,shipped\n' | diff -u - got
	run -0 oms-report lines --node ST1 --channel marketplace
	assert_output - <<'EOF'
order_id,line_no,sku,qty,status,open,backordered,allocated,routed,released,shipped,cancelled,returned,nodes
P7,1,A1,2,routed,0,0,0,2,0,0,0,0,DC1;ST1
EOF
}

# E1 (3 A1), E2 (1 B2) and E3 (2 A1) routed to DC1 and released there by
# the commands; DC1 ships 1 of E1 and shorts the rest of E1 and all of
# E3, which allocation and routing (DC1 evacuated) send to ST1.  Both
# keep a line_node row at DC1 (E3's with nothing routed, released or
# shipped there).
shorted_store() {
	base_store &&
	oms-import -q rates "$DATA/rates.csv" &&
	oms-import -q postal "$DATA/postal.csv" &&
	printf 'order_id,line_no,sku,qty,ship_postal_code\nE1,1,A1,3,10001\nE2,1,B2,1,10001\nE3,1,A1,2,10001\n' > e.csv &&
	oms-import -q orders e.csv &&
	oms-allocate -q -o /dev/null &&
	oms-route -q --day 2026-11-26 -o /dev/null &&
	oms-release -q --day 2026-11-26 -o rel.csv &&
	{
		echo release_id,line_no,status,qty
		echo 20261126-DC1-000001,1,shipped,1
		echo 20261126-DC1-000001,1,short,2
		echo 20261126-DC1-000003,1,short,2
	} > c.csv &&
	oms-release -q --confirm c.csv &&
	oms-allocate -q -o /dev/null &&
	oms-route -q --day 2026-11-26 --evacuate DC1 -o /dev/null
}

@test "lines and orders --node: a line shorted at a node and routed elsewhere is no longer there" {
	test_hooks
	shorted_store
	run -0 sqlite3 "$OMS_DB" "select order_id, node_id, routed, released, shipped from line_node order by 1, 2"
	assert_output - <<'EOF'
E1|DC1|0|0|1
E1|ST1|2|0|0
E2|DC1|0|1|0
E3|DC1|0|0|0
E3|ST1|2|0|0
EOF
	# in one thread, and in ranges of one order read by two
	for chunk in 1000000000 1; do
		export OMS_VIEW_CHUNK=$chunk
		# E1 shipped from DC1, E2 is released there; E3 was only shorted there
		run -0 oms-report lines --node DC1
		assert_output - <<'EOF'
order_id,line_no,sku,qty,status,open,backordered,allocated,routed,released,shipped,cancelled,returned,nodes
E1,1,A1,3,routed,0,0,0,2,0,1,0,0,DC1;ST1
E2,1,B2,1,released,0,0,0,0,1,0,0,0,DC1
EOF
		run -0 oms-report lines --node ST1
		assert_output - <<'EOF'
order_id,line_no,sku,qty,status,open,backordered,allocated,routed,released,shipped,cancelled,returned,nodes
E1,1,A1,3,routed,0,0,0,2,0,1,0,0,DC1;ST1
E3,1,A1,2,routed,0,0,0,2,0,0,0,0,ST1
EOF
		oms-report orders --node DC1 | cut -d, -f1,4,19 > got
		printf 'order_id,status,nodes\nE1,partially_shipped,DC1;ST1\nE2,released,DC1\n' | diff -u - got
		oms-report orders | cut -d, -f1,19 > got
		printf 'order_id,nodes\nE1,DC1;ST1\nE2,DC1\nE3,ST1\n' | diff -u - got
	done
}

# Every filter that is a list takes all its values, on every view that has
# it; the lists and the other filters must all match.
@test "list filters: --order, --node, --sku, --channel, --status and --type take every value given" {
	test_hooks
	orders_book
	for chunk in 1000000000 1; do
		export OMS_VIEW_CHUNK=$chunk
		# in key order, each once, whatever order they come in
		oms-report lines --order P7 --order P1 --order P7 | cut -d, -f1,2 > got
		printf 'order_id,line_no\nP1,1\nP1,2\nP7,1\n' | diff -u - got
		oms-report lines --order P5 --order NOPE --sku B2 | cut -d, -f1,2 > got
		printf 'order_id,line_no\nP5,1\n' | diff -u - got
		oms-report lines --node ST2 --node ST1 | cut -d, -f1,2 > got
		printf 'order_id,line_no\nP3,1\nP7,1\nP8,1\n' | diff -u - got
		oms-report orders --node ST2 --node ST1 | cut -d, -f1 > got
		printf 'order_id\nP3\nP7\nP8\n' | diff -u - got
		oms-report lines --sku B2 --sku C3 | cut -d, -f1,2 > got
		printf 'order_id,line_no\nP1,2\nP4,1\nP5,1\nP8,1\n' | diff -u - got
		oms-report lines --status open --status shipped --channel phone --channel store |
		    cut -d, -f1,2,5 > got
		printf 'order_id,line_no,status\nP3,1,shipped\nP5,1,open\n' | diff -u - got
		oms-report orders --status routed --status released --status open | cut -d, -f1 > got
		printf 'order_id\nP5\nP7\nP8\n' | diff -u - got
		oms-report orders --channel marketplace --channel phone | cut -d, -f1 > got
		printf 'order_id\nP4\nP5\nP7\n' | diff -u - got
	done
	oms-report inventory --node ST1 --node DC1 --sku B2 --sku A1 | cut -d, -f1,2 > got
	printf 'node_id,sku\nDC1,A1\nDC1,B2\nST1,A1\nST1,B2\n' | diff -u - got
	oms-report inventory --by sku --sku C3 --sku A1 | cut -d, -f1 > got
	printf 'sku\nA1\nC3\n' | diff -u - got
	sqlite3 "$OMS_DB" "update order_line set backordered = 1, backorder_reason = 'no stock'
	    where order_id in ('P5', 'P8') and line_no = 1"
	oms-report backorders --channel phone --channel store --channel web --sku B2 | cut -d, -f1 > got
	printf 'order_id\nP1\nP5\nP8\n' | diff -u - got
	oms-report backorders --channel phone --channel marketplace | cut -d, -f1 > got
	printf 'order_id\nP5\n' | diff -u - got
	oms-report kpi --channel phone --channel store | cut -d, -f1,2 > got
	printf 'channel,orders\nphone,2\nstore,1\nall,3\n' | diff -u - got
	run -0 oms-report events --type import.nodes --type import.items --format csv
	assert_equal "$(cut -d, -f4 <<< "$output" | tr '\n' ' ')" "type import.nodes import.items "
}

@test "list filters: releases --node and eoq --sku take every value" {
	shipped_store
	oms-report releases --node ST1 --node V1 | cut -d, -f1,2 > got
	printf 'node_id,day\nST1,2026-11-26\nV1,2026-11-26\n' | diff -u - got
	oms-report eoq --sku C3 --sku A1 --today 2026-11-27 | cut -d, -f1 > got
	printf 'sku\nA1\nC3\n' | diff -u - got
}

@test "usage: a filter a view does not have, or a one-value option given twice, is refused (64)" {
	orders_book
	run -64 oms-report orders --sku A1
	assert_output 'oms-report: --sku does not apply to orders'
	run -64 oms-report backorders --node DC1
	assert_output 'oms-report: --node does not apply to backorders'
	run -64 oms-report inventory --by sku --node DC1
	assert_output 'oms-report: --node does not apply to inventory --by sku'
	run -64 oms-report kpi --today 2026-11-27
	assert_output 'oms-report: --today does not apply to kpi'
	run -0 oms-report kpi --format html --today 2026-11-27 --sku A1 -o page.html
	run -64 oms-report check --status open
	assert_output 'oms-report: --status does not apply to check'
	run -64 oms-report lines --from 2026-11-20 --from 2026-11-21
	assert_output 'oms-report: --from given twice: it takes one value'
	run -64 oms-report backorders --today 2026-11-20 --today 2026-11-21
	assert_output 'oms-report: --today given twice: it takes one value'
	run -64 oms-report lines --status open --status pending
	assert_output 'oms-report: --status takes backordered, open, allocated, routed, released, shipped or cancelled, got "pending"'
}

@test "usage: bad dates, --from after --to, a status the view does not have (64)" {
	orders_book
	run -64 oms-report orders --from 2026-11-31
	assert_output 'oms-report: --from takes a date YYYY-MM-DD, got "2026-11-31"'
	run -64 oms-report lines --to 2026-11-27T10:00:00Z
	assert_output 'oms-report: --to takes a date YYYY-MM-DD, got "2026-11-27T10:00:00Z"'
	run -64 oms-report backorders --today yesterday
	assert_output 'oms-report: --today takes a date YYYY-MM-DD, got "yesterday"'
	run -64 oms-report releases --from 2026-11-27 --to 2026-11-26
	assert_output 'oms-report: --from 2026-11-27 is after --to 2026-11-26'
	run -64 oms-report orders --status partially
	assert_output 'oms-report: --status takes cancelled, backordered, shipped, partially_shipped, open, allocated, routed or released, got "partially"'
	run -64 oms-report lines --status partially_shipped
	assert_output 'oms-report: --status takes backordered, open, allocated, routed, released, shipped or cancelled, got "partially_shipped"'
}

# ---------------------------------------------------------------------
# backorders

@test "backorders: a version 5 store's lines dated from the event log, else from the order's creation; oldest first" {
	orders_book
	# backorders written by hand, with their events, into a store as
	# version 5 had it (without order_line.backordered_at, nor node's
	# address of version 7)
	sqlite3 "$OMS_DB" "$UNDO_LAST_MILE"
	sqlite3 "$OMS_DB" <<'EOF'
ALTER TABLE order_line DROP COLUMN backordered_at;
ALTER TABLE node DROP COLUMN address1;
ALTER TABLE node DROP COLUMN city;
ALTER TABLE node DROP COLUMN region;
ALTER TABLE line_node DROP COLUMN transit_days;
ALTER TABLE shipment DROP COLUMN transit_days;
PRAGMA user_version = 5;
update order_line set backordered = 1, backorder_reason = 'no stock' where order_id = 'P5' and line_no = 1;
update order_line set backordered = 1, backorder_reason = 'store has none' where order_id = 'P8';
update line_node set released = 0 where order_id = 'P8';
-- P1/2: backordered, served, backordered again: the age counts from the
-- second time; events of other lines and types do not count
insert into event (at, order_id, type, payload) values
 ('2026-11-20T09:00:00Z', 'P1', 'line.backordered', '{"line_no":2,"sku":"B2","allocated":0,"backordered":1,"reason":"no stock","previous":0}'),
 ('2026-11-21T09:00:00Z', 'P1', 'line.allocated', '{"line_no":2,"sku":"B2","allocated":1,"backordered":0,"reason":null,"previous":0}'),
 ('2026-11-22T09:00:00Z', 'P1', 'line.deallocated', '{"line_no":2,"sku":"B2","allocated":0,"backordered":1,"reason":"no stock","previous":1}'),
 ('2026-11-23T09:00:00Z', 'P1', 'line.backordered', '{"line_no":2,"sku":"B2","allocated":0,"backordered":1,"reason":"no stock","previous":0}'),
 ('2026-11-19T09:00:00Z', 'P1', 'line.backordered', '{"line_no":1,"sku":"A1","allocated":0,"backordered":2,"reason":"no stock","previous":0}'),
 ('2026-11-18T09:00:00Z', 'P1', 'line.shipped', '{"line_no":2,"sku":"B2","qty":1}'),
 ('2026-11-26T22:00:00Z', 'P8', 'line.backordered', '{"line_no":1,"sku":"B2","allocated":0,"backordered":1,"reason":"store has none","previous":0}');
EOF
	# the migration to version 6 dates them from the log
	oms-import -q nodes "$DATA/nodes.csv"
	run -0 sqlite3 "$OMS_DB" "pragma user_version"
	assert_output "$SCHEMA_VERSION"
	run -0 oms-report backorders --today 2026-11-27
	assert_output - <<'EOF'
order_id,line_no,sku,backordered,reason,backordered_at,age_days,priority,promise_date,created_at,channel,customer_id,days_past_promise,expected_at,supply_id
P1,2,B2,1,no stock,2026-11-22T09:00:00Z,5,5,2026-11-25T00:00:00Z,2026-11-20T08:00:00Z,web,C1,2,,
P5,1,B2,1,no stock,2026-11-24T12:00:00Z,3,2,2026-11-28T00:00:00Z,2026-11-24T12:00:00Z,phone,C2,,,
P8,1,B2,1,store has none,2026-11-26T22:00:00Z,1,5,,2026-11-26T11:00:00Z,web,C1,,,
EOF
	# never below 0; the filters
	run -0 oms-report backorders --today 2026-11-01 --channel web --from 2026-11-26 --format jsonl
	assert_output '{"order_id":"P8","line_no":1,"sku":"B2","backordered":1,"reason":"store has none","backordered_at":"2026-11-26T22:00:00Z","age_days":0,"priority":5,"promise_date":null,"created_at":"2026-11-26T11:00:00Z","channel":"web","customer_id":"C1","days_past_promise":null,"expected_at":null,"supply_id":null}'
	oms-report backorders --sku B2 --to 2026-11-24 | cut -d, -f1 > got
	printf 'order_id\nP1\nP5\n' | diff -u - got
}

# The age of a backorder is the store's; what the customer was told is
# the promise date: a line backordered yesterday on an order promised 11
# days ago is 1 day old and 11 days past its promise.  Not past: no
# promise, a promise today (due, not late) or later.  (V1's 10 C3 go to
# B5, promised first.)
@test "backorders: days past the promise date beside the backorder's age, on --today" {
	base_store
	{
		echo order_id,line_no,sku,qty,created_at,promise_date,ship_lat,ship_lon
		echo B1,1,C3,20,2026-11-10T08:00:00Z,2026-11-16,0,0
		echo B2,1,C3,20,2026-11-10T09:00:00Z,2026-11-27,0,0
		echo B3,1,C3,20,2026-11-10T10:00:00Z,2026-11-30,0,0
		echo B4,1,C3,20,2026-11-10T11:00:00Z,,0,0
		echo B5,1,C3,20,2026-11-10T12:00:00Z,2026-10-01T18:00:00-06:00,0,0
	} > b.csv
	oms-import -q orders b.csv
	oms-allocate -q -o /dev/null
	sqlite3 "$OMS_DB" "update order_line set backordered_at = '2026-11-26T23:00:00Z'"
	run -0 oms-report backorders --today 2026-11-27
	assert_output - <<'EOF'
order_id,line_no,sku,backordered,reason,backordered_at,age_days,priority,promise_date,created_at,channel,customer_id,days_past_promise,expected_at,supply_id
B1,1,C3,20,no stock in the network,2026-11-26T23:00:00Z,1,5,2026-11-16T00:00:00Z,2026-11-10T08:00:00Z,web,,11,,
B2,1,C3,20,no stock in the network,2026-11-26T23:00:00Z,1,5,2026-11-27T00:00:00Z,2026-11-10T09:00:00Z,web,,,,
B3,1,C3,20,no stock in the network,2026-11-26T23:00:00Z,1,5,2026-11-30T00:00:00Z,2026-11-10T10:00:00Z,web,,,,
B4,1,C3,20,no stock in the network,2026-11-26T23:00:00Z,1,5,,2026-11-10T11:00:00Z,web,,,,
B5,1,C3,10,no stock in the network,2026-11-26T23:00:00Z,1,5,2026-10-02T00:00:00Z,2026-11-10T12:00:00Z,web,,56,,
EOF
	run -0 oms-report backorders --today 2026-11-28 --format json
	run -0 jq -c 'map([.order_id, .age_days, .days_past_promise])' <<< "$output"
	assert_output '[["B1",2,12],["B2",2,1],["B3",2,null],["B4",2,null],["B5",2,57]]'
}

@test "backorders: what oms-allocate backorders is dated by its run, and aged from today by default" {
	base_store
	printf 'order_id,line_no,sku,qty,created_at,ship_lat,ship_lon\nQ1,1,C3,50,2026-01-02T00:00:00Z,0,0\n' | oms-import -q orders -
	oms-allocate -q -o /dev/null
	at=$(sqlite3 "$OMS_DB" "select at from event where type = 'line.allocated' and order_id = 'Q1'")
	[ -n "$at" ]
	run -0 oms-report backorders
	assert_output - <<EOF
order_id,line_no,sku,backordered,reason,backordered_at,age_days,priority,promise_date,created_at,channel,customer_id,days_past_promise,expected_at,supply_id
Q1,1,C3,40,$(sqlite3 "$OMS_DB" "select backorder_reason from order_line"),$at,0,5,,2026-01-02T00:00:00Z,web,,,,
EOF
}

# ---------------------------------------------------------------------
# releases

@test "releases: per node and business day against capacity, shipped and outstanding" {
	shipped_store
	printf 'release_id,line_no,status,qty,carrier,tracking\n20261126-DC1-000001,1,shipped,2,UPS,1Z1\n' |
	    oms-release -q --confirm -
	printf 'order_id,line_no,sku,qty,created_at,ship_postal_code\nO4,1,A1,1,2026-11-26T12:00:00Z,10001\n' | oms-import -q orders -
	oms-allocate -q -o /dev/null
	oms-route -q --day 2026-11-27 -o /dev/null
	oms-release -q --day 2026-11-27 -o /dev/null
	run -0 oms-report releases
	assert_output - <<'EOF'
node_id,day,releases,lines,units,shipped,outstanding,capacity_per_day,utilisation
DC1,2026-11-26,1,2,3,2,1,1000,0.001
DC1,2026-11-27,1,1,1,0,1,1000,0.001
ST1,2026-11-26,1,1,1,0,1,40,0.025
V1,2026-11-26,1,1,1,0,1,,
EOF
	run -0 oms-report releases --node DC1 --from 2026-11-27 --format jsonl
	assert_output '{"node_id":"DC1","day":"2026-11-27","releases":1,"lines":1,"units":1,"shipped":0,"outstanding":1,"capacity_per_day":1000,"utilisation":0.001}'
	oms-report releases --to 2026-11-26 | cut -d, -f1,2 > got
	printf 'node_id,day\nDC1,2026-11-26\nST1,2026-11-26\nV1,2026-11-26\n' | diff -u - got
}

@test "releases: a full day is 1.000, an unlimited or zero capacity has no utilisation" {
	shipped_store
	sqlite3 "$OMS_DB" "update node set capacity_per_day = 1 where node_id = 'DC1';
	    update node set capacity_per_day = 0 where node_id = 'ST1'"
	run -0 oms-report releases --format csv
	assert_output - <<'EOF'
node_id,day,releases,lines,units,shipped,outstanding,capacity_per_day,utilisation
DC1,2026-11-26,1,2,3,0,3,1,1.000
ST1,2026-11-26,1,1,1,0,1,0,
V1,2026-11-26,1,1,1,0,1,,
EOF
}

# ---------------------------------------------------------------------
# events --follow

# A follower left running by a failed test must not keep bats waiting.
teardown() {
	if [ -n "${pid:-}" ]; then
		kill "$pid" 2> /dev/null || true
	fi
}

# Wait up to 10 s for file $1 to have $2 lines.
wait_lines() {
	local i

	for i in $(seq 100); do
		[ "$(wc -l < "$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	echo "$1 has $(wc -l < "$1") lines, not $2" >&2
	return 1
}

@test "events --follow: new events appear as they are written; SIGTERM and SIGINT end it with 0" {
	base_store
	oms-report events --follow --interval 0.1 --since 5 > follow.out 2> follow.err &
	pid=$!
	wait_lines follow.out 2
	oms-import -q orders "$DATA/orders.csv"	# a writer is not kept waiting
	wait_lines follow.out 5
	kill -TERM "$pid"
	wait "$pid"	# exit status 0, or the test fails (not run: its subshell is not the parent)
	sed -E 's/"at":"[^"]*"/"at":"TIME"/' follow.out > got
	diff -u - got <<'EOF'
{"seq":6,"at":"TIME","order_id":null,"type":"inventory.snapshot","payload":{"node_id":"ST1","sku":"B2","on_hand":3,"safety_stock":2,"as_of":"2026-11-26T22:00:00Z"}}
{"seq":7,"at":"TIME","order_id":null,"type":"inventory.snapshot","payload":{"node_id":"V1","sku":"C3","on_hand":10,"as_of":"2026-11-26T22:00:00Z"}}
{"seq":8,"at":"TIME","order_id":"O1","type":"order.created","payload":{"order_id":"O1","channel":"web","lines":2,"units":3}}
{"seq":9,"at":"TIME","order_id":"O2","type":"order.created","payload":{"order_id":"O2","channel":"store","lines":1,"units":1}}
{"seq":10,"at":"TIME","order_id":"O3","type":"order.created","payload":{"order_id":"O3","channel":"phone","lines":1,"units":1}}
EOF
	[ ! -s follow.err ]
	# CSV, a type filter, SIGINT
	oms-report events --follow --interval 0.1 --format csv --type order.updated > follow.csv &
	pid=$!
	wait_lines follow.csv 1
	sed 's/,web,/,phone,/; s/,store,/,web,/' "$DATA/orders.csv" | oms-import -q orders -
	wait_lines follow.csv 3
	kill -INT "$pid"
	wait "$pid"	# exit status 0, or the test fails (not run: its subshell is not the parent)
	run -0 cut -d, -f1,3,4 follow.csv
	assert_output - <<'EOF'
seq,order_id,type
11,O1,order.updated
12,O2,order.updated
EOF
}

@test "events --follow: holds no lock between looks, and ends quietly when its reader goes" {
	base_store
	oms-report events --follow --interval 0.1 > follow.out &
	pid=$!
	wait_lines follow.out 7
	# a writer, and a checkpoint that needs every reader to have let go
	# of the log: the follower holds nothing between its looks
	run -0 sqlite3 "$OMS_DB" ".timeout 2000" "insert into event (at, type) values ('2026-11-27T00:00:00Z', 'test.one')" "pragma wal_checkpoint(truncate)"
	assert_output "0|0|0"
	wait_lines follow.out 8
	run -0 tail -n 1 follow.out
	assert_output --partial '"type":"test.one"'
	kill -TERM "$pid"
	wait "$pid"
	# the reader of the pipe goes after 2 lines: the stream ends with it, no message
	run -0 --separate-stderr bash -c 'set -o pipefail; timeout 10 oms-report events --follow --interval 0.1 | head -n 2 > /dev/null'
	assert_equal "$stderr" ""
}

@test "events --follow: only for events, only to standard output, not as one JSON array (64)" {
	base_store
	run -64 oms-report lines --follow
	assert_output 'oms-report: --follow is for events, written to standard output as a stream (--format jsonl or csv)'
	run -64 oms-report events --follow --format json
	assert_output 'oms-report: --follow is for events, written to standard output as a stream (--format jsonl or csv)'
	run -64 oms-report events --follow -o out.jsonl
	assert_output 'oms-report: --follow is for events, written to standard output as a stream (--format jsonl or csv)'
	run -64 oms-report events --follow --interval 0
	assert_output 'oms-report: --interval takes seconds from 0.01 to 3600, got "0"'
	run -64 oms-report events --interval 2
	assert_output 'oms-report: --interval is for --follow'
}

# ---------------------------------------------------------------------
# runs

@test "runs: who ran each command of the pipeline, when, its counts and exit status; --from/--to" {
	export USER=cron
	shipped_store
	printf 'release_id,line_no,status,qty\nNOPE,1,shipped,1\n' | oms-release -q --confirm - 2> /dev/null || true
	run -0 oms-report runs --format jsonl
	run -0 jq -r '[.run_id, .command, .user, .exit_status, (.counts | length > 0), (.ended_at >= .started_at)] | @tsv' <<< "$output"
	assert_output - <<'EOF'
1	oms-import	cron	0	true	true
2	oms-import	cron	0	true	true
3	oms-import	cron	0	true	true
4	oms-import	cron	0	true	true
5	oms-import	cron	0	true	true
6	oms-import	cron	0	true	true
7	oms-import	cron	0	true	true
8	oms-allocate	cron	0	true	true
9	oms-route	cron	0	true	true
10	oms-release	cron	0	true	true
11	oms-release	cron	65	true	true
EOF
	run -0 oms-report runs --format jsonl
	assert_line --index 10 --partial '"argv":"oms-release -q --confirm -"'
	today=$(date -u +%Y-%m-%d)
	run -0 oms-report runs --from "$today" --to "$today" --format csv
	assert_equal "${#lines[@]}" 12
	run -0 oms-report runs --to 2026-01-01
	assert_output "run_id,command,argv,user,started_at,ended_at,exit_status,counts"
}

# ---------------------------------------------------------------------
# examples/notify.sh

@test "notify.sh: one e-mail per shipped order, with items and tracking; a second run prints nothing new" {
	shipped_store
	printf 'release_id,line_no,status,qty,carrier,tracking,at\n%s\n%s\n%s\n' \
	    '20261126-DC1-000001,1,shipped,2,UPS,1Z111,2026-11-27T10:00:00Z' \
	    '20261126-DC1-000001,2,shipped,1,UPS,1Z111,2026-11-27T10:00:00Z' \
	    '20261126-ST1-000001,1,picked_up,1,,,2026-11-27T11:00:00Z' |
	    oms-release -q --confirm -
	run -0 --separate-stderr "$TESTS/../examples/notify.sh" cursor
	assert_output - <<'EOF'
To: ann@example.com
Subject: Your order O1 has shipped

Hello Ann Lee,

your order O1 is on its way:

  2 x A1
  1 x B2

UPS tracking number 1Z111

Thank you for shopping with us.
.
EOF
	[ "$(cat cursor)" -gt 0 ]
	run -0 --separate-stderr "$TESTS/../examples/notify.sh" cursor
	assert_output ""
	# the vendor ships later: only that is new; O3's customer has no
	# e-mail address, which is said on standard error
	printf 'release_id,line_no,status,qty,carrier,tracking\n20261126-V1-000001,1,shipped,1,FedEx,7700\n' |
	    oms-release -q --confirm -
	sqlite3 "$OMS_DB" "update customer set email = 'cy@example.com' where customer_id = 'C3'"
	printf 'order_id,line_no,sku,qty,customer_id,ship_postal_code\nO9,1,A1,1,C9,10001\n' | oms-import -q orders -
	oms-allocate -q -o /dev/null && oms-route -q --day 2026-11-27 -o /dev/null
	oms-release -q --day 2026-11-27 -o /dev/null
	printf 'release_id,line_no,status,qty\n20261127-DC1-000001,1,shipped,1\n' |
	    oms-release -q --confirm -
	run -0 --separate-stderr "$TESTS/../examples/notify.sh" cursor
	assert_output - <<'MAIL'
To: cy@example.com
Subject: Your order O3 has shipped

Hello Cy "The Couch" Ng,

your order O3 is on its way:

  1 x C3

FedEx tracking number 7700

Thank you for shopping with us.
.
MAIL
	assert_equal "$stderr" 'notify: order O9: customer "C9" has no e-mail address; not notified of line.shipped'
	run -0 --separate-stderr "$TESTS/../examples/notify.sh" cursor
	assert_output ""
}
