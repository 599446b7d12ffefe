# Stock on its way (oms(7), "Stock on its way"): oms-import supply and its
# receipts (--received), oms-allocate pegging backordered lines to open
# supply in the order of service, late and cut supply, the backorders
# view's expected date, and EOQ on the inventory position.  A network of
# two warehouses (DC1, DC2) and a store (ST1) that does not ship; item A1,
# none on hand.
load helper

given() {
	oms-import -q "$@" -
}

network() {
	given nodes <<'EOF'
node_id,type,lat,lon,can_ship,can_pickup
DC1,warehouse,0,0,1,0
DC2,warehouse,0,0,1,0
ST1,store,0,0,0,1
EOF
	given items <<'EOF'
sku,holding_rate,unit_cost,ordering_cost,lead_time_days
A1,0.25,4,20,10
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,0,2026-11-26T22:00:00Z
EOF
}

# Two orders of A1, 3 each: O2 more urgent (priority 1) though later.
two_orders() {
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,ship_lat,ship_lon
O1,1,A1,3,2026-11-25T10:00:00Z,5,0,0
O2,1,A1,3,2026-11-25T11:00:00Z,1,0,0
EOF
}

SUPPLY='supply_id,node_id,sku,qty,expected_at,kind'
HEAD=order_id,line_no,sku,qty,allocated,backordered,reason

supply_is() {
	run -0 sqlite3 "$OMS_DB" "select supply_id, node_id, sku, qty, expected_at, kind,
	    received, status from supply order by supply_id"
	assert_output -
}

pegs_are() {
	run -0 sqlite3 "$OMS_DB" "select supply_id, order_id, line_no, qty from supply_peg
	    order by supply_id, order_id, line_no"
	assert_output -
}

# Each line: allocated, backordered, reason.
lines_are() {
	run -0 sqlite3 "$OMS_DB" "select order_id, line_no, allocated, backordered,
	    coalesce(backorder_reason, '') from order_line order by order_id, line_no"
	assert_output -
}

# The backorders view: order, line, backordered, reason, expected_at, supply_id.
waiting_are() {
	run -0 bash -c 'set -o pipefail; oms-report backorders --today 2026-11-27 |
	    cut -d, -f1,2,4,5,14,15'
	assert_output -
}

events_of() {
	sqlite3 "$OMS_DB" "select coalesce(order_id, ''), type, payload from event
	    where type in ($1) order by seq"
}

consistent() {
	run -0 oms-report check
	assert_output "$CHECK_HEAD"
}

@test "supply: imported and upserted by supply_id, inserted, updated, unchanged" {
	network
	run -0 oms-import supply - <<EOF
$SUPPLY
PO1,DC1,A1,4,2026-12-10,purchase_order
T1,DC2,A1,5,2026-12-20T12:00:00Z,transfer
EOF
	assert_output "oms-import: supply: 2 records, 2 inserted, 0 updated, 0 unchanged, 0 rejected"
	run -0 oms-import supply - <<EOF
$SUPPLY
PO1,DC1,A1,4,2026-12-10,purchase_order
T1,DC2,A1,6,2026-12-20T12:00:00Z,in_transit
I1,DC1,A1,2,2026-12-01T08:00:00Z,
EOF
	assert_output "oms-import: supply: 3 records, 1 inserted, 1 updated, 1 unchanged, 0 rejected"
	supply_is <<'EOF'
I1|DC1|A1|2|2026-12-01T08:00:00Z|purchase_order|0|open
PO1|DC1|A1|4|2026-12-10T00:00:00Z|purchase_order|0|open
T1|DC2|A1|6|2026-12-20T12:00:00Z|in_transit|0|open
EOF
}

@test "supply: a bad row is refused (65), nothing written" {
	network
	before=$(state)
	run -65 oms-import supply - <<EOF
$SUPPLY
PO1,DC9,A1,4,2026-12-10,purchase_order
PO2,DC1,A1,4,2026-12-10,boat
PO3,DC1,A1,-1,2026-12-10,transfer
PO4,DC1,A1,1,soon,transfer
EOF
	assert_output - <<'EOF'
oms-import: -:2: node_id "DC9" is not a known node (import nodes first)
oms-import: -:3: kind must be one of purchase_order, transfer, in_transit, got "boat"
oms-import: -:4: qty must be a non-negative integer, got "-1"
oms-import: -:5: expected_at must be an ISO 8601 date or time like 2026-11-27 or 2026-11-27T14:30:00Z, got "soon"
oms-import: 4 bad records; nothing imported (use --rejects FILE to import the good ones)
EOF
	assert_equal "$(state)" "$before"
}

@test "supply: backordered lines take it in the order of service, the earliest first; stable on a re-run" {
	network
	given supply <<EOF
$SUPPLY
PO1,DC1,A1,4,2026-12-10,purchase_order
T1,DC2,A1,5,2026-12-20T12:00:00Z,transfer
EOF
	two_orders
	run -0 --separate-stderr oms-allocate
	assert_output - <<EOF
$HEAD
O2,1,A1,3,0,3,no stock in the network
O1,1,A1,3,0,3,no stock in the network
EOF
	assert_equal "$stderr" "oms-allocate: 2 lines changed: 0 allocated in full, 0 partly, 2 backordered; 0 units allocated, 6 units backordered; 0 units taken back; 6 units of 2 lines pegged to supply on its way"
	# O2 first: PO1's 3 of 4; O1 the last of PO1 and 2 of T1
	pegs_are <<'EOF'
PO1|O1|1|1
PO1|O2|1|3
T1|O1|1|2
EOF
	lines_are <<'EOF'
O1|1|0|3|awaiting supply
O2|1|0|3|awaiting supply
EOF
	waiting_are <<'EOF'
order_id,line_no,backordered,reason,expected_at,supply_id
O1,1,3,awaiting supply,2026-12-20T12:00:00Z,T1
O2,1,3,awaiting supply,2026-12-10T00:00:00Z,PO1
EOF
	run -0 events_of "'line.expected'"
	assert_output - <<'EOF'
O2|line.expected|{"order_id":"O2","line_no":1,"supply_id":"PO1","expected_at":"2026-12-10T00:00:00Z","previous":null,"pegged":3}
O1|line.expected|{"order_id":"O1","line_no":1,"supply_id":"T1","expected_at":"2026-12-20T12:00:00Z","previous":null,"pegged":3}
EOF
	consistent
	before=$(state)
	run -0 --separate-stderr oms-allocate
	assert_output "$HEAD"
	assert_equal "$stderr" "oms-allocate: 0 lines changed: 0 allocated in full, 0 partly, 0 backordered; 0 units allocated, 0 units backordered; 0 units taken back; nothing changed"
	assert_equal "$(state)" "$before"
	run -0 sqlite3 "$OMS_DB" "select json_extract(counts, '$.units_pegged') from run
	    where command = 'oms-allocate' order by run_id"
	assert_output 6
}

@test "supply: a line that gets stock lets go of its pegs, the latest expected first" {
	network
	given supply <<EOF
$SUPPLY
PO1,DC1,A1,4,2026-12-10,purchase_order
T1,DC2,A1,5,2026-12-20T12:00:00Z,transfer
EOF
	two_orders
	oms-allocate -q >/dev/null
	# 2 on hand at DC2: O2 first gets them, and lets go of 2 of PO1
	printf 'node_id,sku,delta\nDC2,A1,2\n' | oms-import -q inventory --delta -
	run -0 --separate-stderr oms-allocate
	assert_output - <<EOF
$HEAD
O2,1,A1,3,2,1,no stock in the network
EOF
	assert_equal "$stderr" "oms-allocate: 1 line changed: 0 allocated in full, 1 partly, 0 backordered; 2 units allocated, 1 unit backordered; 0 units taken back; 2 pegged units let go"
	pegs_are <<'EOF'
PO1|O1|1|1
PO1|O2|1|1
T1|O1|1|2
EOF
	lines_are <<'EOF'
O1|1|0|3|awaiting supply
O2|1|2|1|awaiting supply
EOF
	consistent
}

@test "supply: at a node whose stock could not serve the line, it is not taken" {
	network
	given supply <<EOF
$SUPPLY
S1,ST1,A1,10,2026-12-01,transfer
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,method,pickup_node,ship_lat,ship_lon
O1,1,A1,2,2026-11-25T10:00:00Z,ship,,0,0
O2,1,A1,2,2026-11-25T11:00:00Z,pickup,ST1,,
EOF
	run -0 --separate-stderr oms-allocate
	# ST1 does not ship: only the pickup at ST1 waits for it
	pegs_are <<'EOF'
S1|O2|1|2
EOF
	lines_are <<'EOF'
O1|1|0|2|no stock in the network
O2|1|0|2|awaiting supply
EOF
	consistent
}

@test "supply: received, the units on hand once, the pegged lines allocated first in the order of service" {
	network
	given supply <<EOF
$SUPPLY
PO1,DC1,A1,4,2026-12-10,purchase_order
EOF
	two_orders
	oms-allocate -q >/dev/null
	printf 'supply_id,qty,received_at\nPO1,4,2026-12-09T10:00:00Z\n' >"$BATS_TEST_TMPDIR/r1.csv"
	run -0 oms-import supply --received "$BATS_TEST_TMPDIR/r1.csv"
	assert_output "oms-import: supply (receipts): 1 record, 0 inserted, 1 updated, 0 unchanged, 0 rejected"
	run -0 sqlite3 "$OMS_DB" "select node_id, sku, on_hand from inventory"
	assert_output "DC1|A1|4"
	supply_is <<'EOF'
PO1|DC1|A1|4|2026-12-10T00:00:00Z|purchase_order|4|received
EOF
	pegs_are </dev/null
	lines_are <<'EOF'
O1|1|1|2|no stock in the network
O2|1|3|0|
EOF
	run -0 events_of "'line.allocated', 'supply.received'"
	assert_output - <<'EOF'
O2|line.allocated|{"line_no":1,"sku":"A1","allocated":3,"backordered":0,"reason":null,"previous":0,"supply_id":"PO1"}
O1|line.allocated|{"line_no":1,"sku":"A1","allocated":1,"backordered":2,"reason":"no stock in the network","previous":0,"supply_id":"PO1"}
|supply.received|{"supply_id":"PO1","node_id":"DC1","sku":"A1","qty":4,"received":4,"received_at":"2026-12-09T10:00:00Z","on_hand":4,"counted_already":false,"allocated":4}
EOF
	consistent
	# the same file again: refused, nothing counted twice
	before=$(state)
	run -65 oms-import supply --received "$BATS_TEST_TMPDIR/r1.csv"
	assert_line --index 0 "oms-import: $BATS_TEST_TMPDIR/r1.csv:2: receiving 4 units of supply PO1: only 0 open (qty 4, 4 received)"
	assert_line --index 1 --regexp "^oms-import: $BATS_TEST_TMPDIR/r1.csv: already applied in run [0-9]+ \(use --force to apply it again\)$"
	assert_equal "$(state)" "$before"
	# allocation keeps what the receipt gave
	run -0 --separate-stderr oms-allocate
	assert_output "$HEAD"
	consistent
}

@test "supply: a receipts file applied twice counts once; more than is open is refused" {
	network
	given supply <<EOF
$SUPPLY
PO1,DC1,A1,10,2026-12-10,purchase_order
EOF
	printf 'supply_id,qty,received_at\nPO1,4,2026-12-09T10:00:00Z\n' >"$BATS_TEST_TMPDIR/r.csv"
	oms-import -q supply --received "$BATS_TEST_TMPDIR/r.csv"
	before=$(state)
	run -65 oms-import supply --received "$BATS_TEST_TMPDIR/r.csv"
	assert_output --regexp "^oms-import: $BATS_TEST_TMPDIR/r.csv: already applied in run [0-9]+ \(use --force to apply it again\)$"
	assert_equal "$(state)" "$before"
	run -65 oms-import supply --received - <<'EOF'
supply_id,qty,received_at
PO1,7,2026-12-09T11:00:00Z
PO9,1,2026-12-09T11:00:00Z
EOF
	assert_output - <<'EOF'
oms-import: -:2: receiving 7 units of supply PO1: only 6 open (qty 10, 4 received)
oms-import: -:3: supply_id "PO9" is not a known supply (import supply first)
oms-import: 2 bad records; nothing imported (use --rejects FILE to import the good ones)
EOF
	assert_equal "$(state)" "$before"
	run -0 sqlite3 "$OMS_DB" "select on_hand from inventory; select received, status from supply"
	assert_output $'4\n4|open'
	# qty below what was received: refused
	run -65 oms-import supply - <<EOF
$SUPPLY
PO1,DC1,A1,3,2026-12-10,purchase_order
EOF
	assert_line --index 0 "oms-import: -:2: qty 3 of supply PO1 is below the 4 units received"
	assert_equal "$(state)" "$before"
}

@test "supply: a snapshot counted after the receipt is not counted twice; one counted before is added to" {
	network
	given supply <<EOF
$SUPPLY
PO1,DC1,A1,10,2026-12-10,purchase_order
EOF
	# the count of 2026-12-09T12:00 has the units received at 10:00 already
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,6,2026-12-09T12:00:00Z
EOF
	given supply --received <<'EOF'
supply_id,qty,received_at
PO1,6,2026-12-09T10:00:00Z
EOF
	run -0 sqlite3 "$OMS_DB" "select on_hand from inventory"
	assert_output 6
	# received after the count: added
	given supply --received <<'EOF'
supply_id,qty,received_at
PO1,3,2026-12-09T13:00:00Z
EOF
	run -0 sqlite3 "$OMS_DB" "select on_hand from inventory; select received from supply"
	assert_output $'9\n9'
	# the next full snapshot replaces on_hand, as always
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,8,2026-12-10T06:00:00Z
EOF
	run -0 sqlite3 "$OMS_DB" "select on_hand from inventory"
	assert_output 8
}

@test "supply: late, the pegged lines get the new date, an event each and one supply.late" {
	network
	given supply <<EOF
$SUPPLY
PO1,DC1,A1,6,2026-12-10,purchase_order
EOF
	two_orders
	oms-allocate -q >/dev/null
	run -0 oms-import supply - <<EOF
$SUPPLY
PO1,DC1,A1,6,2026-12-18,purchase_order
EOF
	waiting_are <<'EOF'
order_id,line_no,backordered,reason,expected_at,supply_id
O1,1,3,awaiting supply,2026-12-18T00:00:00Z,PO1
O2,1,3,awaiting supply,2026-12-18T00:00:00Z,PO1
EOF
	run -0 events_of "'supply.late'"
	assert_output '|supply.late|{"supply_id":"PO1","node_id":"DC1","sku":"A1","expected_at":"2026-12-18T00:00:00Z","previous":"2026-12-10T00:00:00Z","lines":2}'
	run -0 sqlite3 "$OMS_DB" "select order_id, payload from event where type = 'line.expected'
	    and payload ->> 'previous' is not null order by seq"
	assert_output - <<'EOF'
O2|{"order_id":"O2","line_no":1,"supply_id":"PO1","expected_at":"2026-12-18T00:00:00Z","previous":"2026-12-10T00:00:00Z"}
O1|{"order_id":"O1","line_no":1,"supply_id":"PO1","expected_at":"2026-12-18T00:00:00Z","previous":"2026-12-10T00:00:00Z"}
EOF
	consistent
}

@test "supply: cut, the pegs beyond what is left let go, the last in the order of service first" {
	network
	given supply <<EOF
$SUPPLY
PO1,DC1,A1,6,2026-12-10,purchase_order
EOF
	two_orders
	oms-allocate -q >/dev/null
	run -0 oms-import supply - <<EOF
$SUPPLY
PO1,DC1,A1,2,2026-12-10,purchase_order
EOF
	# O1 (last) lets go of its 3, O2 of 1
	pegs_are <<'EOF'
PO1|O2|1|2
EOF
	lines_are <<'EOF'
O1|1|0|3|no stock in the network
O2|1|0|3|awaiting supply
EOF
	run -0 events_of "'supply.cut', 'line.expected'"
	assert_line --index 2 'O1|line.expected|{"order_id":"O1","line_no":1,"supply_id":null,"expected_at":null,"previous":"2026-12-10T00:00:00Z"}'
	assert_line --index 3 '|supply.cut|{"supply_id":"PO1","node_id":"DC1","sku":"A1","qty":2,"previous":6,"released":4}'
	consistent
	# cut to 0: every peg let go
	run -0 oms-import supply - <<EOF
$SUPPLY
PO1,DC1,A1,0,2026-12-10,purchase_order
EOF
	pegs_are </dev/null
	supply_is <<'EOF'
PO1|DC1|A1|0|2026-12-10T00:00:00Z|purchase_order|0|cut
EOF
	# a re-run pegs nothing to cut supply
	run -0 --separate-stderr oms-allocate
	pegs_are </dev/null
	consistent
}

@test "eoq: the inventory position counts stock on order, less what is backordered" {
	network
	given supply <<EOF
$SUPPLY
PO1,DC1,A1,40,2026-12-10,purchase_order
EOF
	two_orders
	oms-allocate -q >/dev/null
	# 6 ordered on 2026-11-25: a reorder point of 30.62 that 0 on hand is
	# under, but 40 on order less the 6 backordered is not
	run -0 bash -c "oms-report eoq --days 3 --today 2026-11-27 | cut -d, -f1,14-18"
	assert_output - <<'EOF'
sku,reorder_point,on_hand,reorder_now,on_order,position
A1,30.62,0,0,40,34
EOF
}

@test "supply: not at a node the line's sourcing rule does not allow" {
	network
	given supply <<EOF
$SUPPLY
PO1,DC1,A1,10,2026-12-01,purchase_order
T1,DC2,A1,10,2026-12-20,transfer
EOF
	# a rule for every line: group G2 (DC2) only (the rules' tables as
	# oms-import rules writes them)
	sqlite3 "$OMS_DB" "INSERT INTO rule_version VALUES (1, '2026-11-27T00:00:00Z', NULL, 'x');
	    INSERT INTO node_group VALUES (1, 'G2', 'DC2');
	    INSERT INTO sourcing_rule (version, seq, rule_id, tiers) VALUES (1, 1, 'R1', 'G2')"
	two_orders
	run -0 --separate-stderr oms-allocate
	# PO1 comes earlier, but at DC1: both wait for T1
	pegs_are <<'EOF'
T1|O1|1|3
T1|O2|1|3
EOF
	consistent
}
