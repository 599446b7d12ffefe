# oms-report: inventory by node and by sku, order lines and their status,
# the invariant check, the event feed, the run log, formats and errors.
load helper

# The base store and tests/data/orders.csv, with work under way as the
# later commands will record it: O1/1 routed to DC1, O2/1 released to ST1,
# O1/2 shipped, O3/1 allocated against the network.  Every invariant holds.
book() {
	base_store &&
	oms-import -q orders "$DATA/orders.csv" &&
	sqlite3 "$OMS_DB" <<'EOF'
insert into line_node (order_id, line_no, node_id, routed) values ('O1', 1, 'DC1', 2);
insert into line_node (order_id, line_no, node_id, released) values ('O2', 1, 'ST1', 1);
update order_line set shipped = 1 where order_id = 'O1' and line_no = 2;
update order_line set allocated = 1 where order_id = 'O3' and line_no = 1;
EOF
}

# oms-report, each time in the output masked as TIME.
masked() {
	set -o pipefail
	oms-report "$@" | sed -E 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/TIME/g'
}

# ---------------------------------------------------------------------
# inventory

@test "inventory: per node and sku, safety stock from the override else the node, reserved, atp" {
	book
	run -0 oms-report inventory
	assert_output - <<'EOF'
node_id,sku,on_hand,safety_stock,reserved,atp,reserved_pickup,reserved_ship
DC1,A1,100,0,2,98,0,2
DC1,B2,50,0,0,50,0,0
ST1,A1,5,1,1,3,1,0
ST1,B2,3,2,0,1,0,0
V1,C3,10,0,0,10,0,0
EOF
}

@test "inventory: the node's default safety stock follows the node, the override stays" {
	book
	sed 's/^ST1,store,Manhattan store,10001,40.75,-73.99,1,1,40,3.00,1$/ST1,store,Manhattan store,10001,40.75,-73.99,1,1,40,3.00,3/' \
	    "$DATA/nodes.csv" > nodes.csv
	oms-import -q nodes nodes.csv
	run -0 oms-report inventory --node ST1
	assert_output - <<'EOF'
node_id,sku,on_hand,safety_stock,reserved,atp,reserved_pickup,reserved_ship
ST1,A1,5,3,1,1,1,0
ST1,B2,3,2,0,1,0,0
EOF
}

@test "inventory: atp never goes below 0" {
	book
	sqlite3 "$OMS_DB" "update inventory set on_hand = 2 where node_id = 'DC1' and sku = 'A1'"
	run -0 oms-report inventory --node DC1 --sku A1
	assert_output - <<'EOF'
node_id,sku,on_hand,safety_stock,reserved,atp,reserved_pickup,reserved_ship
DC1,A1,2,0,2,0,0,2
EOF
}

@test "inventory: shipped units are not reserved" {
	book
	sqlite3 "$OMS_DB" "update line_node set released = 2, routed = 0 where order_id = 'O1' and line_no = 1"
	run -0 oms-report inventory --node DC1 --sku A1
	assert_line --index 1 "DC1,A1,100,0,2,98,0,2"
	sqlite3 "$OMS_DB" "update line_node set released = 0 where order_id = 'O1' and line_no = 1;
	    update order_line set shipped = 2 where order_id = 'O1' and line_no = 1;
	    update inventory set on_hand = 98 where node_id = 'DC1' and sku = 'A1'"
	run -0 oms-report inventory --node DC1 --sku A1
	assert_line --index 1 "DC1,A1,98,0,0,98,0,0"
}

@test "inventory --node, --sku keep one node's or one sku's rows" {
	book
	run -0 oms-report inventory --node ST1
	assert_output - <<'EOF'
node_id,sku,on_hand,safety_stock,reserved,atp,reserved_pickup,reserved_ship
ST1,A1,5,1,1,3,1,0
ST1,B2,3,2,0,1,0,0
EOF
	run -0 oms-report inventory --sku A1
	assert_output - <<'EOF'
node_id,sku,on_hand,safety_stock,reserved,atp,reserved_pickup,reserved_ship
DC1,A1,100,0,2,98,0,2
ST1,A1,5,1,1,3,1,0
EOF
	run -0 oms-report inventory --node NOPE
	assert_output "node_id,sku,on_hand,safety_stock,reserved,atp,reserved_pickup,reserved_ship"
}

@test "inventory --by sku: network totals, allocated, atp less allocations" {
	book
	run -0 oms-report inventory --by sku
	assert_output - <<'EOF'
sku,on_hand,safety_stock,allocated,reserved,atp,unusable
A1,105,1,0,3,101,0
B2,53,2,0,0,51,0
C3,10,0,1,0,9,0
EOF
	run -0 oms-report inventory --by sku --sku C3
	assert_output - <<'EOF'
sku,on_hand,safety_stock,allocated,reserved,atp,unusable
C3,10,0,1,0,9,0
EOF
}

@test "inventory --by sku: an inactive node's stock is unusable, not in the totals" {
	book
	sqlite3 "$OMS_DB" "update node set active = 0 where node_id = 'ST1'"
	run -0 oms-report inventory --by sku
	assert_output - <<'EOF'
sku,on_hand,safety_stock,allocated,reserved,atp,unusable
A1,100,0,0,2,98,5
B2,50,0,0,0,50,3
C3,10,0,1,0,9,0
EOF
}

# Allocation's rule of who may draw on a node's stock (alloc_serves): a
# vendor ships only its own items (V1 is C3's vendor, not A1's; V2 no
# one's), a store that neither ships nor hands over serves no line (ST3),
# one that only hands over serves its pickups (ST4), an inactive node
# nobody (DC2).  Usable A1: DC1 100 + ST1 5 + ST4 2 (safety 1 at ST1):
# atp 106; unusable: V1 7 + V2 4 + ST3 6 = 17.  Allocation gives exactly
# the atp: 104 to the ship line (the pool), 2 to the pickup at ST4.
@test "inventory --by sku: stock no line may use is unusable, as allocation decides" {
	base_store
	printf 'node_id,type,can_ship,can_pickup,can_curbside\nV2,vendor,1,0,0\nST3,store,0,0,0\nST4,store,0,1,0\nDC2,warehouse,1,0,0\n' > n.csv
	oms-import -q nodes n.csv
	printf 'node_id,sku,on_hand\nV1,A1,7\nV2,A1,4\nST3,A1,6\nST4,A1,2\nDC2,B2,9\n' > i.csv
	oms-import -q inventory i.csv
	sqlite3 "$OMS_DB" "update node set active = 0 where node_id = 'DC2'"
	run -0 oms-report inventory --by sku --format jsonl
	assert_output - <<'EOF'
{"sku":"A1","on_hand":107,"safety_stock":1,"allocated":0,"reserved":0,"atp":106,"unusable":17}
{"sku":"B2","on_hand":53,"safety_stock":2,"allocated":0,"reserved":0,"atp":51,"unusable":9}
{"sku":"C3","on_hand":10,"safety_stock":0,"allocated":0,"reserved":0,"atp":10,"unusable":0}
EOF
	printf 'order_id,line_no,sku,qty,method,pickup_node,ship_lat,ship_lon\nX1,1,A1,500,ship,,0,0\nX2,1,A1,5,pickup,ST4,,\n' > o.csv
	oms-import -q orders o.csv
	run -0 oms-allocate -q
	assert_output - <<'EOF'
order_id,line_no,sku,qty,allocated,backordered,reason
X1,1,A1,500,104,396,no stock in the network
X2,1,A1,5,2,3,no stock at the pickup store
EOF
	run -0 oms-report inventory --by sku --sku A1
	assert_output - <<'EOF'
sku,on_hand,safety_stock,allocated,reserved,atp,unusable
A1,107,1,106,0,0,17
EOF
	# the per-node view still lists every node's stock as it is
	oms-report inventory --sku A1 | cut -d, -f1,3 > got
	printf 'node_id,on_hand\nDC1,100\nST1,5\nST3,6\nST4,2\nV1,7\nV2,4\n' | diff -u - got
}

@test "inventory --by sku: atp is never below 0, and a sku stocked nowhere still shows" {
	book
	printf 'sku,unit_price\nD4,3\n' > items.csv
	oms-import -q items items.csv
	printf 'order_id,line_no,sku,qty\nX1,1,D4,2\nX2,1,C3,12\n' > orders.csv
	oms-import -q orders orders.csv
	sqlite3 "$OMS_DB" "update order_line set allocated = qty where order_id in ('X1', 'X2')"
	run -0 oms-report inventory --by sku
	assert_output - <<'EOF'
sku,on_hand,safety_stock,allocated,reserved,atp,unusable
A1,105,1,0,3,101,0
B2,53,2,0,0,51,0
C3,10,0,13,0,0,0
D4,0,0,2,0,0,0
EOF
}

@test "inventory --by sku: allocations in a store with no inventory at all" {
	oms-import -q nodes "$DATA/nodes.csv"
	oms-import -q items "$DATA/items.csv"
	run -0 oms-report inventory --by sku
	assert_output "sku,on_hand,safety_stock,allocated,reserved,atp,unusable"
	printf 'order_id,line_no,sku,qty\nX1,1,B2,2\n' > orders.csv
	oms-import -q orders orders.csv
	sqlite3 "$OMS_DB" "update order_line set allocated = 2"
	run -0 oms-report inventory --by sku
	assert_output - <<'EOF'
sku,on_hand,safety_stock,allocated,reserved,atp,unusable
B2,0,0,2,0,0,0
EOF
	# what the next oms-allocate takes back: pending, not a violation
	run -0 oms-report check
	assert_output - <<'EOF'
check,subject,detail
pending_sku_oversold,B2,allocated 2 exceeds the network's atp 0: the next oms-allocate re-plans it
EOF
}

# ---------------------------------------------------------------------
# lines

@test "lines: every column" {
	book
	run -0 oms-report lines
	assert_output - <<'EOF'
order_id,line_no,sku,qty,status,open,backordered,allocated,routed,released,shipped,cancelled,returned,nodes
O1,1,A1,2,routed,0,0,0,2,0,0,0,0,DC1
O1,2,B2,1,shipped,0,0,0,0,0,1,0,0,
O2,1,A1,1,released,0,0,0,0,1,0,0,0,ST1
O3,1,C3,1,allocated,0,0,1,0,0,0,0,0,
EOF
}

@test "lines: the status is the earliest stage that still holds units" {
	base_store
	oms-import -q orders "$DATA/lines.csv"
	sqlite3 "$OMS_DB" <<'EOF'
update order_line set backordered = 3, backorder_reason = 'no stock' where line_no = 2;
update order_line set allocated = 3 where line_no = 3;
insert into line_node (order_id, line_no, node_id, routed) values ('S1', 4, 'DC1', 3);
insert into line_node (order_id, line_no, node_id, released) values ('S1', 5, 'DC1', 3);
update order_line set shipped = 3 where line_no = 6;
update order_line set cancelled = 3 where line_no = 7;
update order_line set shipped = 2 where line_no = 8;
insert into line_node (order_id, line_no, node_id, routed) values ('S1', 8, 'DC1', 1);
update order_line set allocated = 1 where line_no = 9;
insert into line_node (order_id, line_no, node_id, routed) values ('S1', 10, 'DC1', 1);
insert into line_node (order_id, line_no, node_id, released) values ('S1', 10, 'ST1', 2);
update order_line set cancelled = 1, shipped = 2, returned = 1 where line_no = 11;
update order_line set backordered = 1, allocated = 1 where line_no = 12;
EOF
	run -0 oms-report lines
	assert_output - <<'EOF'
order_id,line_no,sku,qty,status,open,backordered,allocated,routed,released,shipped,cancelled,returned,nodes
S1,1,A1,3,open,3,0,0,0,0,0,0,0,
S1,2,A1,3,backordered,3,3,0,0,0,0,0,0,
S1,3,A1,3,allocated,0,0,3,0,0,0,0,0,
S1,4,A1,3,routed,0,0,0,3,0,0,0,0,DC1
S1,5,A1,3,released,0,0,0,0,3,0,0,0,DC1
S1,6,B2,3,shipped,0,0,0,0,0,3,0,0,
S1,7,A1,3,cancelled,0,0,0,0,0,0,3,0,
S1,8,A1,3,routed,0,0,0,1,0,2,0,0,DC1
S1,9,A1,3,open,2,0,1,0,0,0,0,0,
S1,10,A1,3,routed,0,0,0,1,2,0,0,0,DC1;ST1
S1,11,B2,3,shipped,0,0,0,0,0,2,1,1,
S1,12,A1,3,backordered,2,1,1,0,0,0,0,0,
EOF
	run -0 oms-report check
	assert_output "$CHECK_HEAD"
}

@test "lines --status, --order, --sku filter, and combine" {
	base_store
	oms-import -q orders "$DATA/lines.csv"
	oms-import -q orders "$DATA/orders.csv"
	sqlite3 "$OMS_DB" <<'EOF'
update order_line set backordered = 3 where order_id = 'S1' and line_no = 2;
insert into line_node (order_id, line_no, node_id, routed) values ('S1', 4, 'DC1', 3);
update order_line set shipped = 2 where order_id = 'S1' and line_no = 8;
insert into line_node (order_id, line_no, node_id, routed) values ('S1', 8, 'DC1', 1);
update order_line set shipped = 3 where order_id = 'S1' and line_no = 6;
EOF
	run -0 oms-report lines --status routed
	assert_output - <<'EOF'
order_id,line_no,sku,qty,status,open,backordered,allocated,routed,released,shipped,cancelled,returned,nodes
S1,4,A1,3,routed,0,0,0,3,0,0,0,0,DC1
S1,8,A1,3,routed,0,0,0,1,0,2,0,0,DC1
EOF
	# open does not list backordered lines
	run -0 oms-report lines --status open --order S1 --sku A1
	assert_output - <<'EOF'
order_id,line_no,sku,qty,status,open,backordered,allocated,routed,released,shipped,cancelled,returned,nodes
S1,1,A1,3,open,3,0,0,0,0,0,0,0,
S1,3,A1,3,open,3,0,0,0,0,0,0,0,
S1,5,A1,3,open,3,0,0,0,0,0,0,0,
S1,7,A1,3,open,3,0,0,0,0,0,0,0,
S1,9,A1,3,open,3,0,0,0,0,0,0,0,
S1,10,A1,3,open,3,0,0,0,0,0,0,0,
S1,12,A1,3,open,3,0,0,0,0,0,0,0,
EOF
	run -0 oms-report lines --status backordered
	assert_output - <<'EOF'
order_id,line_no,sku,qty,status,open,backordered,allocated,routed,released,shipped,cancelled,returned,nodes
S1,2,A1,3,backordered,3,3,0,0,0,0,0,0,
EOF
	run -0 oms-report lines --order O1
	assert_output - <<'EOF'
order_id,line_no,sku,qty,status,open,backordered,allocated,routed,released,shipped,cancelled,returned,nodes
O1,1,A1,2,open,2,0,0,0,0,0,0,0,
O1,2,B2,1,open,1,0,0,0,0,0,0,0,
EOF
	run -0 oms-report lines --sku B2
	assert_output - <<'EOF'
order_id,line_no,sku,qty,status,open,backordered,allocated,routed,released,shipped,cancelled,returned,nodes
O1,2,B2,1,open,1,0,0,0,0,0,0,0,
S1,6,B2,3,shipped,0,0,0,0,0,3,0,0,
S1,11,B2,3,open,3,0,0,0,0,0,0,0,
EOF
	run -0 oms-report lines --status cancelled
	assert_output "order_id,line_no,sku,qty,status,open,backordered,allocated,routed,released,shipped,cancelled,returned,nodes"
}

# ---------------------------------------------------------------------
# check

@test "check: a consistent store prints its header alone and exits 0" {
	book
	run -0 --separate-stderr oms-report check
	assert_output "$CHECK_HEAD"
	assert_equal "$stderr" ""
	run -0 oms-report check --format json
	assert_output "[]"
}

@test "check: an empty store is consistent" {
	oms-import -q nodes "$DATA/nodes.csv"
	run -0 oms-report check
	assert_output "$CHECK_HEAD"
}

@test "check: buckets that add up to more than qty" {
	book
	sqlite3 "$OMS_DB" "update order_line set allocated = 3 where order_id = 'O3'"
	run -1 oms-report check
	assert_output - <<'EOF'
check,subject,detail
line_buckets,O3/1,allocated 3 + routed 0 + released 0 + shipped 0 + cancelled 0 exceed qty 1
EOF
}

@test "check: routed and released count in the buckets" {
	book
	sqlite3 "$OMS_DB" "insert into line_node (order_id, line_no, node_id, released) values ('O1', 1, 'ST1', 1)"
	run -1 oms-report check
	assert_output - <<'EOF'
check,subject,detail
line_buckets,O1/1,allocated 0 + routed 2 + released 1 + shipped 0 + cancelled 0 exceed qty 2
EOF
}

@test "check: returned more than shipped" {
	book
	sqlite3 "$OMS_DB" "update order_line set returned = 2 where order_id = 'O1' and line_no = 2"
	run -1 oms-report check
	assert_output - <<'EOF'
check,subject,detail
line_returned,O1/2,returned 2 exceeds shipped 1
EOF
}

@test "check: backordered more than open" {
	book
	sqlite3 "$OMS_DB" "update order_line set backordered = 1 where order_id = 'O3'"
	run -1 oms-report check
	assert_output - <<'EOF'
check,subject,detail
line_backordered,O3/1,backordered 1 exceeds open 0
EOF
}

@test "check: routed work past on_hand less safety stock at a node is pending work, not a violation" {
	book
	printf 'order_id,line_no,sku,qty,method,pickup_node\nX1,1,B2,2,pickup,ST1\n' > orders.csv
	oms-import -q orders orders.csv
	sqlite3 "$OMS_DB" "insert into line_node (order_id, line_no, node_id, routed) values ('X1', 1, 'ST1', 2)"
	run -0 oms-report check
	assert_output - <<'EOF'
check,subject,detail
pending_node_oversold,ST1/B2,reserved 2 exceeds on_hand 3 less safety_stock 2: the next oms-allocate takes back 1 routed
EOF
	oms-allocate -q > /dev/null
	run -0 oms-report check
	assert_output "$CHECK_HEAD"
}

@test "check: released work past on_hand is a short (exit 1); within on_hand, from the safety stock, it is not" {
	book
	# O2 has 1 of A1 released at ST1 (safety stock 1)
	sqlite3 "$OMS_DB" "update inventory set on_hand = 1 where node_id = 'ST1' and sku = 'A1'"
	run -0 --separate-stderr oms-report check
	assert_output "$CHECK_HEAD"
	assert_equal "$stderr" ""
	sqlite3 "$OMS_DB" "update inventory set on_hand = 0 where node_id = 'ST1' and sku = 'A1'"
	run -1 --separate-stderr oms-report check
	assert_output - <<'EOF'
check,subject,detail
node_short,ST1/A1,released 1 exceeds on_hand 0: the node will confirm 1 short
EOF
	assert_equal "$stderr" ""
	# oms-allocate never takes released work back: the short stays
	oms-allocate -q > /dev/null
	run -1 oms-report check
	assert_line "node_short,ST1/A1,released 1 exceeds on_hand 0: the node will confirm 1 short"
}

@test "check: what orders on hold keep past the network's atp is a violation, the rest pending" {
	book
	# O3 has 1 of C3 allocated; V1, its only node, counts none now
	sqlite3 "$OMS_DB" "update inventory set on_hand = 0 where node_id = 'V1' and sku = 'C3'"
	run -0 oms-report check
	assert_output - <<'EOF'
check,subject,detail
pending_sku_oversold,C3,allocated 1 exceeds the network's atp 0: the next oms-allocate re-plans it
EOF
	# on hold, O3 keeps its unit: oms-allocate will not take it back
	oms-order -q hold O3 payment
	run -1 oms-report check
	assert_output - <<'EOF'
check,subject,detail
sku_oversold,C3,allocated 1 exceeds the network's atp 0; orders on hold keep 1 of it
EOF
	oms-allocate -q > /dev/null
	run -1 oms-report check
	oms-order -q unhold O3 payment
	run -0 oms-report check
	assert_line --index 1 --partial "pending_sku_oversold,C3,"
	oms-allocate -q > /dev/null
	run -0 oms-report check
	assert_output "$CHECK_HEAD"
}

@test "check: stock below its safety level with nothing reserved is not an oversell" {
	book
	sqlite3 "$OMS_DB" "update inventory set on_hand = 1 where node_id = 'ST1' and sku = 'B2'"
	run -0 oms-report check
	assert_output "$CHECK_HEAD"
}

@test "check: allocated more than the network's atp" {
	book
	printf 'order_id,line_no,sku,qty\nX2,1,C3,10\n' > orders.csv
	oms-import -q orders orders.csv
	sqlite3 "$OMS_DB" "update order_line set allocated = 10 where order_id = 'X2'"
	run -0 oms-report check
	assert_output - <<'EOF'
check,subject,detail
pending_sku_oversold,C3,allocated 11 exceeds the network's atp 10: the next oms-allocate re-plans it
EOF
	sqlite3 "$OMS_DB" "update order_line set allocated = 9 where order_id = 'X2'"
	run -0 oms-report check
}

@test "check: an order without lines" {
	book
	sqlite3 "$OMS_DB" "insert into orders (order_id, created_at) values ('X3', '2026-11-26T00:00:00Z')"
	run -1 oms-report check
	assert_output - <<'EOF'
check,subject,detail
order_lines,X3,order has no lines
EOF
}

@test "check: a foreign key that does not hold" {
	book
	sqlite3 "$OMS_DB" "pragma foreign_keys = off; update order_line set sku = 'GONE' where order_id = 'O1' and line_no = 2"
	run -1 oms-report check
	assert_output - <<'EOF'
check,subject,detail
foreign_key,order_line row ?,refers to a missing item
EOF
}

@test "check: a line of no order, or picked up at no node" {
	book
	sqlite3 "$OMS_DB" "pragma foreign_keys = off;
	    insert into order_line (order_id, line_no, sku, qty) values ('GONE', 1, 'A1', 1)"
	run -1 oms-report check
	assert_output - <<'EOF'
check,subject,detail
foreign_key,order_line row ?,refers to a missing orders
EOF
	sqlite3 "$OMS_DB" "delete from order_line where order_id = 'GONE'"
	run -0 oms-report check
	sqlite3 "$OMS_DB" "pragma foreign_keys = off; update order_line set method = 'pickup',
	    pickup_node = 'GONE' where order_id = 'O3'"
	run -1 oms-report check
	assert_output - <<'EOF'
check,subject,detail
foreign_key,order_line row ?,refers to a missing node
EOF
}

@test "check: a foreign key of a table the check leaves to SQLite" {
	book
	sqlite3 "$OMS_DB" "pragma foreign_keys = off; insert into inventory (node_id, sku, on_hand,
	    as_of) values ('DC1', 'GONE', 1, '2026-11-26T00:00:00Z')"
	run -1 oms-report check
	assert_output - <<'EOF'
check,subject,detail
foreign_key,inventory row ?,refers to a missing item
EOF
}

@test "check: only active nodes' stock counts against what is allocated" {
	book
	sqlite3 "$OMS_DB" "update node set active = 0 where node_id = 'V1'"
	run -0 oms-report check
	assert_output - <<'EOF'
check,subject,detail
pending_sku_oversold,C3,allocated 1 exceeds the network's atp 0: the next oms-allocate re-plans it
EOF
}

@test "check: the largest line number, and line_node rows of it with no line or node" {
	book
	sqlite3 "$OMS_DB" "pragma foreign_keys = off;
	    insert into order_line (order_id, line_no, sku, qty) values ('O1', 9223372036854775807, 'A1', 1);
	    insert into line_node (order_id, line_no, node_id, routed) values ('O1', 9223372036854775807, 'DC1', 5);
	    insert into line_node (order_id, line_no, node_id, released) values ('O2', 9223372036854775807, 'GONE', 5)"
	run -1 oms-report check
	assert_output - <<'EOF'
check,subject,detail
line_buckets,O1/9223372036854775807,allocated 0 + routed 5 + released 0 + shipped 0 + cancelled 0 exceed qty 1
foreign_key,line_node row ?,refers to a missing order_line
foreign_key,line_node row ?,refers to a missing node
EOF
}

@test "check: every violation is listed, in any format" {
	book
	sqlite3 "$OMS_DB" "update order_line set returned = 2 where order_id = 'O1' and line_no = 2;
	    insert into orders (order_id, created_at) values ('X3', '2026-11-26T00:00:00Z')"
	run -1 oms-report check --format jsonl
	assert_output - <<'EOF'
{"check":"line_returned","subject":"O1/2","detail":"returned 2 exceeds shipped 1"}
{"check":"order_lines","subject":"X3","detail":"order has no lines"}
EOF
}

# ---------------------------------------------------------------------
# events and runs

@test "events: JSON Lines by default, --since and --type filter" {
	base_store
	oms-import -q orders "$DATA/orders.csv"
	run -0 masked events --since 8
	assert_output - <<'EOF'
{"seq":9,"at":"TIME","order_id":"O2","type":"order.created","payload":{"order_id":"O2","channel":"store","lines":1,"units":1}}
{"seq":10,"at":"TIME","order_id":"O3","type":"order.created","payload":{"order_id":"O3","channel":"phone","lines":1,"units":1}}
EOF
	run -0 masked events --type import.items
	assert_output - <<'EOF'
{"seq":2,"at":"TIME","order_id":null,"type":"import.items","payload":{"inserted":3,"updated":0,"unchanged":0}}
EOF
	run -0 masked events --since 2 --type inventory.snapshot --format csv
	assert_output - <<'EOF'
seq,at,order_id,type,payload
3,TIME,,inventory.snapshot,"{""node_id"":""DC1"",""sku"":""A1"",""on_hand"":100,""as_of"":""TIME""}"
4,TIME,,inventory.snapshot,"{""node_id"":""DC1"",""sku"":""B2"",""on_hand"":50,""as_of"":""TIME""}"
5,TIME,,inventory.snapshot,"{""node_id"":""ST1"",""sku"":""A1"",""on_hand"":5,""as_of"":""TIME""}"
6,TIME,,inventory.snapshot,"{""node_id"":""ST1"",""sku"":""B2"",""on_hand"":3,""safety_stock"":2,""as_of"":""TIME""}"
7,TIME,,inventory.snapshot,"{""node_id"":""V1"",""sku"":""C3"",""on_hand"":10,""as_of"":""TIME""}"
EOF
	run -0 oms-report events --since 10
	assert_output ""
	run -0 oms-report events --type no.such.type --format csv
	assert_output "seq,at,order_id,type,payload"
}

@test "events: a long feed read in two threads is the same feed, in every format and filter" {
	test_hooks
	base_store
	oms-import -q orders "$DATA/orders.csv"
	oms-allocate -q -o /dev/null
	run -0 sqlite3 "$OMS_DB" "select max(seq) > 12 from event"
	assert_output 1
	# OMS_EVENT_CHUNK: how many seqs a thread reads at a time (65536 by
	# default: the threads start only on a feed longer than that)
	for args in "" "--format csv" "--format json" "--since 3" "--type order.created" \
	    "--type order.created --format json" "--type no.such --format json" \
	    "--type no.such --format csv"; do
		oms-report events $args > one
		for chunk in 1 2 5; do
			OMS_EVENT_CHUNK=$chunk oms-report events $args > two
			cmp one two || fail "events $args with chunks of $chunk differ"
		done
	done
	run -0 cat one
	assert_output "seq,at,order_id,type,payload"
	oms-report events --format json > one
	run -0 jq -r 'length' one
	assert_output "$(sqlite3 "$OMS_DB" "select count(*) from event")"
}

@test "events: a long feed read in two threads to a full disk: 74, the error said" {
	test_hooks
	[ -c /dev/full ] || skip "no /dev/full here"
	base_store
	oms-import -q orders "$DATA/orders.csv"
	OMS_EVENT_CHUNK=1 run -74 oms-report events -o /dev/full
	assert_output "oms-report: /dev/full: write error: No space left on device"
	OMS_EVENT_CHUNK=1 run -74 bash -c 'oms-report events > /dev/full'
	assert_output "oms-report: write error on standard output: No space left on device"
}

@test "events: the time is the run's, UTC" {
	base_store
	run -0 oms-report events --since 6 --format csv
	assert_line --index 1 --regexp '^7,[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z,,inventory.snapshot,'
	run -0 sqlite3 "$OMS_DB" "select count(distinct at) from event where run_id = 3"
	assert_output 1
}

@test "runs: one row per run, with its exit status and counts" {
	cp "$DATA/nodes.csv" "$DATA/items.csv" .
	printf 'sku,unit_price\nZ1,x\n' > bad.csv
	export USER=tester
	oms-import -q nodes nodes.csv
	oms-import -q items items.csv
	oms-import -q items bad.csv || true
	oms-import -q --dry-run items items.csv
	run -0 masked runs
	assert_output - <<'EOF'
run_id,command,argv,user,started_at,ended_at,exit_status,counts
1,oms-import,oms-import -q nodes nodes.csv,tester,TIME,TIME,0,"{""kind"":""nodes"",""records"":5,""inserted"":5,""updated"":0,""unchanged"":0,""rejected"":0,""stale"":0}"
2,oms-import,oms-import -q items items.csv,tester,TIME,TIME,0,"{""kind"":""items"",""records"":3,""inserted"":3,""updated"":0,""unchanged"":0,""rejected"":0,""stale"":0}"
3,oms-import,oms-import -q items bad.csv,tester,TIME,TIME,65,"{""kind"":""items"",""records"":1,""inserted"":0,""updated"":0,""unchanged"":0,""rejected"":1,""stale"":0}"
EOF
	run -0 masked runs --format jsonl
	assert_line --index 2 '{"run_id":3,"command":"oms-import","argv":"oms-import -q items bad.csv","user":"tester","started_at":"TIME","ended_at":"TIME","exit_status":65,"counts":{"kind":"items","records":1,"inserted":0,"updated":0,"unchanged":0,"rejected":1,"stale":0}}'
}

@test "runs: a run in progress (or killed) has no end and no exit status" {
	oms-import -q nodes "$DATA/nodes.csv"
	sqlite3 "$OMS_DB" "insert into run (command, argv, user, started_at) values ('oms-import', 'oms-import orders big.csv', 'cron', '2026-11-27T01:30:00Z')"
	run -0 oms-report runs --format jsonl
	assert_line --index 1 '{"run_id":2,"command":"oms-import","argv":"oms-import orders big.csv","user":"cron","started_at":"2026-11-27T01:30:00Z","ended_at":null,"exit_status":null,"counts":{}}'
}

# ---------------------------------------------------------------------
# formats and output

@test "--format csv, jsonl, json: the same rows (golden files)" {
	book
	run -0 oms-report inventory --format csv
	diff -u "$DATA/report-inventory.csv" - <<< "$output"
	oms-report inventory --format jsonl > got.jsonl
	diff -u "$DATA/report-inventory.jsonl" got.jsonl
	oms-report --format json inventory > got.json
	diff -u "$DATA/report-inventory.json" got.json
	oms-report inventory > got.csv
	diff -u "$DATA/report-inventory.csv" got.csv
}

@test "--format json: numbers are numbers, an empty value is null, an empty view is []" {
	book
	run -0 oms-report lines --format json --order O1
	assert_output - <<'EOF'
[
{"order_id":"O1","line_no":1,"sku":"A1","qty":2,"status":"routed","open":0,"backordered":0,"allocated":0,"routed":2,"released":0,"shipped":0,"cancelled":0,"returned":0,"nodes":"DC1"},
{"order_id":"O1","line_no":2,"sku":"B2","qty":1,"status":"shipped","open":0,"backordered":0,"allocated":0,"routed":0,"released":0,"shipped":1,"cancelled":0,"returned":0,"nodes":null}
]
EOF
	run -0 oms-report lines --format json --order NOPE
	assert_output "[]"
	run -0 oms-report lines --format jsonl --order NOPE
	assert_output ""
}

@test "--format csv: fields with commas, quotes and line breaks are quoted" {
	base_store
	printf 'order_id,line_no,sku,qty\n"O,1",1,A1,1\n"O""2",1,A1,1\n' > orders.csv
	oms-import -q orders orders.csv
	run -0 oms-report lines
	assert_output - <<'EOF'
order_id,line_no,sku,qty,status,open,backordered,allocated,routed,released,shipped,cancelled,returned,nodes
"O""2",1,A1,1,open,1,0,0,0,0,0,0,0,
"O,1",1,A1,1,open,1,0,0,0,0,0,0,0,
EOF
}

@test "-o FILE: the report goes to the file, nothing to standard output" {
	book
	run -0 oms-report -o inv.csv inventory
	assert_output ""
	diff -u "$DATA/report-inventory.csv" inv.csv
	run -0 oms-report inventory --output inv.json --format json
	diff -u "$DATA/report-inventory.json" inv.json
	# no temporary file left beside it
	run -0 ls -A
	refute_output --partial ".tmp"
}

@test "-o FILE: check's violations are written too, with exit 1" {
	book
	sqlite3 "$OMS_DB" "update order_line set returned = 2 where order_id = 'O1' and line_no = 2"
	run -1 oms-report check -o check.csv
	assert_output ""
	run -0 cat check.csv
	assert_output - <<'EOF'
check,subject,detail
line_returned,O1/2,returned 2 exceeds shipped 1
EOF
}

@test "-o FILE: a file that cannot be created is exit 73" {
	book
	run -73 oms-report -o nodir/inv.csv inventory
	assert_output "oms-report: nodir/inv.csv: cannot create: No such file or directory"
}

@test "reports never change the store" {
	book
	before=$(sqlite3 "$OMS_DB" .dump)
	for v in inventory lines check events runs; do
		oms-report "$v" > /dev/null
	done
	oms-report inventory --by sku > /dev/null
	assert_equal "$(sqlite3 "$OMS_DB" .dump)" "$before"
}

# ---------------------------------------------------------------------
# errors

@test "usage: no view, an unknown view, two views (64)" {
	book
	run -64 oms-report
	assert_line --index 0 "oms-report: which view? (inventory, orders, lines, backorders, releases, picklist, collections, check, events, runs, kpi, eoq, alerts, rules, groups)"
	assert_line --index 1 --partial "usage: oms-report "
	run -64 oms-report ordres
	assert_line --index 0 'oms-report: unknown view "ordres"'
	run -64 oms-report inventory lines
	assert_line --index 0 "oms-report: one view at a time"
}

@test "usage: bad option values (64)" {
	book
	run -64 oms-report lines --status pending
	assert_output 'oms-report: --status takes backordered, open, allocated, routed, released, shipped or cancelled, got "pending"'
	run -64 oms-report events --since last
	assert_output 'oms-report: --since takes an event sequence number, got "last"'
	run -64 oms-report events --since -1
	assert_output 'oms-report: --since takes an event sequence number, got "-1"'
	run -64 oms-report inventory --by region
	assert_output 'oms-report: --by takes sku or node, got "region"'
	run -64 oms-report inventory --format xml
	assert_line --index 0 'oms-report: --format must be csv, jsonl or json, got "xml"'
	run -64 oms-report inventory --frobnicate
	assert_line --index 0 "oms-report: unrecognized option '--frobnicate'"
}

@test "usage: options of mutating commands are refused (64)" {
	book
	run -64 oms-report --dry-run inventory
	assert_output "oms-report: --dry-run and --input-format do not apply to reports"
	run -64 oms-report --input-format csv inventory
	assert_output "oms-report: --dry-run and --input-format do not apply to reports"
}

@test "--help and --version" {
	run -0 --separate-stderr oms-report --help
	assert_line --index 0 --partial "usage: oms-report "
	assert_equal "$stderr" ""
	run -0 oms-report --version
	assert_output "oms-report (oms) 0.1.0"
}

@test "no store: exit 66, and none is created" {
	run -66 oms-report inventory
	assert_output "oms-report: $OMS_DB: no store here (import something first, or use --db)"
	[ ! -e "$OMS_DB" ]
	run -66 oms-report --db elsewhere.db runs
	assert_output "oms-report: elsewhere.db: no store here (import something first, or use --db)"
	[ ! -e elsewhere.db ]
}
