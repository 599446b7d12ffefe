# oms-order add and raise: customer care modifies an order in fulfilment
# (issue 20, "Modify an order in fulfilment").  Every case runs the real
# commands end to end: oms-import, oms-allocate, oms-route, oms-release
# and its --confirm; a refused change leaves the store as it was, and
# oms-report check passes after every change that went through.
load helper

given() {
	oms-import -q "$@" -
}

# Two warehouses and a store that offers pickup; three items, C3 inactive.
# After oms-allocate:
#   O1 (ship): line 1 A1 4 allocated, line 2 B2 2 allocated
#   O2 (pickup at ST1): line 1 B2 1 allocated (from ST1)
#   O3 (ship, ship-complete): line 1 A1 2 allocated, line 2 B2 1 allocated
care_store() {
	given nodes <<'EOF'
node_id,type,postal_code,lat,lon,can_pickup
DC1,warehouse,08817,40.52,-74.39,0
DC2,warehouse,60601,41.88,-87.62,0
ST1,store,10001,40.75,-73.99,1
EOF
	given items <<'EOF'
sku,unit_price,active
A1,19.99,1
B2,5.00,1
C3,7.50,0
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,10,2026-11-26T22:00:00Z
DC1,B2,5,2026-11-26T22:00:00Z
DC2,A1,2,2026-11-26T22:00:00Z
ST1,B2,3,2026-11-26T22:00:00Z
EOF
	oms-import -q rates "$DATA/rates.csv"
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon,method,pickup_node,ship_complete
O1,1,A1,4,2026-11-25T10:00:00Z,40.75,-73.99,ship,,0
O1,2,B2,2,2026-11-25T10:00:00Z,40.75,-73.99,ship,,0
O2,1,B2,1,2026-11-26T09:00:00Z,40.75,-73.99,pickup,ST1,0
O3,1,A1,2,2026-11-26T10:00:00Z,41.88,-87.62,ship,,1
O3,2,B2,1,2026-11-26T10:00:00Z,41.88,-87.62,ship,,1
EOF
	oms-allocate -q > /dev/null
}

# oms-release "$@" on business day 2026-11-27.
released() {
	oms-release -q --day 2026-11-27 "$@" > /dev/null
}

# oms-release --confirm of rows ORDER,NODE,LINE,STATUS,QTY on standard
# input, each for the latest release of ORDER at NODE.
confirmed() {
	local o n l st q

	confirms=$((${confirms:-0} + 1))
	echo release_id,line_no,status,qty > confirm-$confirms.csv
	while IFS=, read -r o n l st q; do
		echo "$(sqlite3 "$OMS_DB" "select max(release_id) from release
		    where order_id = '$o' and node_id = '$n'"),$l,$st,$q" >> confirm-$confirms.csv
	done
	oms-release -q --confirm confirm-$confirms.csv
}

# Every release line of order $1 confirmed shipped in full.
shipped_whole() {
	{
		echo release_id,line_no,status,qty
		sqlite3 -csv "$OMS_DB" "select rl.release_id, rl.line_no, 'shipped', rl.qty
		    from release_line rl join release r on r.release_id = rl.release_id
		    where r.order_id = '$1'"
	} | oms-release -q --confirm -
}

consistent() {
	run -0 oms-report check
	assert_output "$CHECK_HEAD"
}

LINES=order_id,line_no,sku,qty,status,open,backordered,allocated,routed,released,shipped,cancelled,returned,nodes

lines_of() {
	run -0 oms-report lines --order "$1"
	assert_output -
}

# The events of the changes under test: type and payload.
care_events() {
	sqlite3 "$OMS_DB" "select order_id, type, payload from event
	    where type in ('line.added', 'line.raised', 'line.swapped') order by seq"
}

# Run oms-order: exit 0, no standard output, the summary on standard error.
changes() {
	local want=$1

	shift
	run -0 --separate-stderr oms-order "$@"
	assert_output ""
	assert_equal "$stderr" "$want"
	consistent
}

# oms-order "$@" is refused as bad data with the message $1.
refused() {
	local want=$1

	shift
	run -65 --separate-stderr oms-order "$@"
	assert_output ""
	assert_equal "$stderr" "$want"
}

@test "the store these tests start from" {
	care_store
	run -0 oms-report lines
	assert_output - <<EOF
$LINES
O1,1,A1,4,allocated,0,0,4,0,0,0,0,0,
O1,2,B2,2,allocated,0,0,2,0,0,0,0,0,
O2,1,B2,1,allocated,0,0,1,0,0,0,0,0,
O3,1,A1,2,allocated,0,0,2,0,0,0,0,0,
O3,2,B2,1,allocated,0,0,1,0,0,0,0,0,
EOF
	consistent
}

# ---------------------------------------------------------------------
# add

@test "add: the next line number, the item's price, the first line's method; open, then allocated and routed" {
	care_store
	# B2: 5 at DC1, 2 to O1 and 1 to O3; 2 free
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected; 1 line added" \
	    add O1 B2 2 --by ann --reason "customer called"
	lines_of O1 <<EOF
$LINES
O1,1,A1,4,allocated,0,0,4,0,0,0,0,0,
O1,2,B2,2,allocated,0,0,2,0,0,0,0,0,
O1,3,B2,2,open,2,0,0,0,0,0,0,0,
EOF
	run -0 care_events
	assert_output 'O1|line.added|{"order_id":"O1","line_no":3,"sku":"B2","qty":2,"unit_price":5.00,"discount":0.00,"method":"ship","pickup_node":null,"by":"ann","reason":"customer called"}'
	# the 360-degree view has it
	run -0 oms-order show O1
	assert_line --index 5 '    {"line_no":3,"sku":"B2","qty":2,"unit_price":5.00,"discount":0.00,"method":"ship","pickup_node":null,"status":"open","open":2,"backordered":0,"backorder_reason":null,"allocated":0,"routed":0,"released":0,"shipped":0,"cancelled":0,"returned":0,"cancel_requested":0}'
	run -0 jq -r .order.status <<<"$output"
	assert_output open
	run -0 oms-allocate -q
	assert_output - <<'EOF'
order_id,line_no,sku,qty,allocated,backordered,reason
O1,3,B2,2,2,0,
EOF
	consistent
	run -0 oms-route -q --order O1
	assert_output - <<'EOF'
order_id,line_no,sku,qty,node_id,cost,transit_days,late
O1,1,A1,4,DC1,2.25,1,0
O1,2,B2,2,DC1,1.13,1,0
O1,3,B2,2,DC1,1.13,1,0
EOF
	lines_of O1 <<EOF
$LINES
O1,1,A1,4,routed,0,0,0,4,0,0,0,0,DC1
O1,2,B2,2,routed,0,0,0,2,0,0,0,0,DC1
O1,3,B2,2,routed,0,0,0,2,0,0,0,0,DC1
EOF
	consistent
}

@test "add with a price and a discount; a pickup order's new line is a pickup at the same store" {
	care_store
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected; 1 line added" \
	    add O2 B2 2 --price 4.50 --discount 9.00 --by ann
	lines_of O2 <<EOF
$LINES
O2,1,B2,1,allocated,0,0,1,0,0,0,0,0,
O2,2,B2,2,open,2,0,0,0,0,0,0,0,
EOF
	run -0 sqlite3 "$OMS_DB" "select line_no, sku, qty, unit_price, discount, method, pickup_node
	    from order_line where order_id = 'O2' order by line_no"
	assert_output - <<'EOF'
1|B2|1|500|0|pickup|ST1
2|B2|2|450|900|pickup|ST1
EOF
	run -0 care_events
	assert_output 'O2|line.added|{"order_id":"O2","line_no":2,"sku":"B2","qty":2,"unit_price":4.50,"discount":9.00,"method":"pickup","pickup_node":"ST1","by":"ann","reason":null}'
	# served from the store's own stock, like any pickup line
	run -0 oms-allocate -q
	assert_output - <<'EOF'
order_id,line_no,sku,qty,allocated,backordered,reason
O2,2,B2,2,2,0,
EOF
	run -0 oms-route -q --order O2
	assert_line --index 2 --partial "O2,2,B2,2,ST1,"
	consistent
}

@test "add is refused, exit 65, nothing changed: unknown order or sku, inactive item, bad qty, price or discount" {
	care_store
	before=$(state)
	refused 'oms-order: unknown order "O9"' add O9 B2 1
	refused 'oms-order: unknown sku "Z9"' add O1 Z9 1
	refused 'oms-order: cannot add sku "C3" to order "O1": the item is inactive' add O1 C3 1
	refused 'oms-order: qty must be a positive integer, got "0"' add O1 B2 0
	refused 'oms-order: qty must be a positive integer, got "two"' add O1 B2 two
	refused 'oms-order: unit_price must be an amount like 12.34 (at most 2 decimals), got "1.234"' \
	    add O1 B2 1 --price 1.234
	refused 'oms-order: unit_price must be an amount like 12.34 (at most 2 decimals), got "-1"' \
	    add O1 B2 1 --price=-1
	refused 'oms-order: discount must be an amount like 12.34 (at most 2 decimals), got "10%"' \
	    add O1 B2 1 --discount 10%
	# the cap is the item's price when none is given: 2 x 5.00
	refused "oms-order: discount 10.01 is more than the line's 2 x unit_price" \
	    add O1 B2 2 --discount 10.01
	refused "oms-order: discount 0.01 is more than the line's 2 x unit_price" \
	    add O1 B2 2 --price 0 --discount 0.01
	assert_equal "$(state)" "$before"
	# oms-import states the same rule in the same words
	run -65 --separate-stderr oms-import orders - <<'EOF'
order_id,line_no,sku,qty,discount
O7,1,B2,2,10.01
EOF
	assert_equal "${stderr_lines[0]}" "oms-import: -:2: discount 10.01 is more than the line's 2 x unit_price"
	assert_equal "$(state)" "$before"
}

@test "add is refused on an order cancelled whole, or complete; an order on hold gets its line and waits" {
	care_store
	oms-order -q cancel O2
	before=$(state)
	refused 'oms-order: cannot add to order "O2": it is cancelled (qty 1, 1 cancelled): create a new order' \
	    add O2 B2 1
	assert_equal "$(state)" "$before"
	# O1 shipped whole, bar one unit cancelled: complete
	oms-order -q cancel O1 2 1
	oms-route -q --order O1 > /dev/null
	released
	confirmed <<'EOF'
O1,DC1,1,shipped,4
O1,DC1,2,shipped,1
EOF
	before=$(state)
	refused 'oms-order: cannot add to order "O1": it is complete (qty 6, 5 shipped, 1 cancelled): create a new order' \
	    add O1 B2 1
	assert_equal "$(state)" "$before"
	# an order on hold takes the line; allocation serves it once unheld
	oms-order -q hold O3 fraud
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected; 1 line added" add O3 B2 1
	run -0 oms-allocate -q
	assert_output "order_id,line_no,sku,qty,allocated,backordered,reason"
	oms-order -q unhold O3 fraud
	run -0 oms-allocate -q
	assert_output - <<'EOF'
order_id,line_no,sku,qty,allocated,backordered,reason
O3,3,B2,1,1,0,
EOF
	consistent
}

@test "add: the next line number is one past the highest, cancelled lines included" {
	care_store
	given orders <<'EOF'
order_id,line_no,sku,qty,ship_lat,ship_lon
O4,2,A1,1,40.75,-73.99
O4,7,B2,1,40.75,-73.99
EOF
	oms-order -q cancel O4 7
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected; 1 line added" add O4 B2 1
	run -0 sqlite3 "$OMS_DB" "select line_no, sku, qty, cancelled from order_line where order_id = 'O4' order by line_no"
	assert_output - <<'EOF'
2|A1|1|0
7|B2|1|1
8|B2|1|0
EOF
}

@test "add to an order partly released: the new line is served by the next runs and released on its own" {
	care_store
	oms-route -q --order O1 > /dev/null
	released
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected; 1 line added" add O1 A1 1
	oms-allocate -q > /dev/null
	oms-route -q --order O1 > /dev/null
	lines_of O1 <<EOF
$LINES
O1,1,A1,4,released,0,0,0,0,4,0,0,0,DC1
O1,2,B2,2,released,0,0,0,0,2,0,0,0,DC1
O1,3,A1,1,routed,0,0,0,1,0,0,0,0,DC1
EOF
	run -0 oms-release -q --day 2026-11-27
	run -0 sqlite3 "$OMS_DB" "select release_id, line_no, qty from release_line order by release_id, line_no"
	assert_output - <<'EOF'
20261127-DC1-000001|1|4
20261127-DC1-000001|2|2
20261127-DC1-000002|3|1
EOF
	consistent
}

# ---------------------------------------------------------------------
# raise

@test "raise a line: the added units are open and the next allocation serves them" {
	care_store
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected; 2 units raised" \
	    raise O1 1 6 --by ann --reason "two more"
	lines_of O1 <<EOF
$LINES
O1,1,A1,6,open,2,0,4,0,0,0,0,0,
O1,2,B2,2,allocated,0,0,2,0,0,0,0,0,
EOF
	run -0 care_events
	assert_output 'O1|line.raised|{"line_no":1,"sku":"A1","qty":6,"previous":4,"by":"ann","reason":"two more"}'
	run -0 oms-allocate -q
	assert_output - <<'EOF'
order_id,line_no,sku,qty,allocated,backordered,reason
O1,1,A1,6,6,0,
EOF
	consistent
	# the discount stays the line's: spread over more units
	run -0 sqlite3 "$OMS_DB" "select qty, unit_price, discount from order_line where order_id = 'O1' and line_no = 1"
	assert_output "6|1999|0"
}

@test "raise a line partly released: only the new units are open; its released units stay" {
	care_store
	oms-route -q --order O1 > /dev/null
	released
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected; 1 unit raised" raise O1 1 5
	lines_of O1 <<EOF
$LINES
O1,1,A1,5,open,1,0,0,0,4,0,0,0,DC1
O1,2,B2,2,released,0,0,0,0,2,0,0,0,DC1
EOF
	oms-allocate -q > /dev/null
	oms-route -q --order O1 > /dev/null
	lines_of O1 <<EOF
$LINES
O1,1,A1,5,routed,0,0,0,1,4,0,0,0,DC1
O1,2,B2,2,released,0,0,0,0,2,0,0,0,DC1
EOF
	consistent
}

@test "raise a ship-complete order's line past the stock: allocation holds back the whole order" {
	care_store
	# A1: 12 in the network, 4 to O1, 2 to O3; O3/1 raised to 9 wants 3 more than is free
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected; 7 units raised" raise O3 1 9
	run -0 oms-allocate -q
	assert_output - <<'EOF'
order_id,line_no,sku,qty,allocated,backordered,reason
O3,1,A1,9,0,9,ship-complete order short
O3,2,B2,1,0,1,ship-complete order short
EOF
	consistent
	# lowered again to what is free, it is served whole
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected; 1 unit reduced" reduce O3 1 8
	run -0 oms-allocate -q
	assert_output - <<'EOF'
order_id,line_no,sku,qty,allocated,backordered,reason
O3,1,A1,8,8,0,
O3,2,B2,1,1,0,
EOF
	consistent
}

@test "raise is refused, exit 65, nothing changed: not more than the qty, a cancelled line, an inactive item, a complete order" {
	care_store
	before=$(state)
	refused 'oms-order: cannot raise order "O1" line 1 to 3: that is less than its qty 4 (use reduce)' \
	    raise O1 1 3
	refused 'oms-order: order "O1" has no line 7' raise O1 7 9
	refused 'oms-order: unknown order "O9"' raise O9 1 9
	refused 'oms-order: qty must be a positive integer, got "0"' raise O1 1 0
	# the qty it has: nothing to do, as reduce says
	run -0 oms-order raise O1 1 4
	assert_output - <<'EOF'
oms-order: warning: order "O1" line 1 already has qty 4; nothing changed
oms-order: 0 changes applied, 1 unchanged, 0 rejected; nothing changed
EOF
	assert_equal "$(state)" "$before"
	oms-order -q cancel O1 2
	before=$(state)
	refused 'oms-order: cannot raise order "O1" line 2: it is cancelled (qty 2, 2 cancelled): add a line' \
	    raise O1 2 3
	assert_equal "$(state)" "$before"
	# A1 made inactive: no more of it
	given items <<'EOF'
sku,unit_price,active
A1,19.99,0
EOF
	before=$(state)
	refused 'oms-order: cannot raise order "O1" line 1: its item "A1" is inactive' raise O1 1 5
	assert_equal "$(state)" "$before"
	# O3 shipped whole: complete
	oms-route -q --order O3 > /dev/null
	released
	shipped_whole O3
	before=$(state)
	refused 'oms-order: cannot raise order "O3" line 2: the order is complete (qty 3, 3 shipped): create a new order' \
	    raise O3 2 2
	assert_equal "$(state)" "$before"
}

# ---------------------------------------------------------------------
# streams, --dry-run, the command line

@test "add and raise as stream rows: all or nothing, every bad row named" {
	care_store
	cat > changes.csv <<'EOF'
order_id,line_no,action,qty,sku,unit_price,discount,reason
O1,,add,1,A1,,,
O1,,add,2,B2,4.00,1.00,
O1,1,raise,5,,,,
O1,3,add,1,B2,,,
O1,,add,1,,,,
O1,,add,,B2,,,
O1,,raise,5,,,,
O1,1,raise,,,,,
O1,1,raise,5,B2,,,
O1,1,cancel,1,,1.00,,
O2,,add,1,C3,,,
EOF
	before=$(state)
	run -65 --separate-stderr oms-order apply changes.csv --by ann
	assert_output ""
	assert_equal "$stderr" 'oms-order: changes.csv:5: line_no does not apply to add, got "3" (add takes the order'"'"'s next line number)
oms-order: changes.csv:6: add needs a sku
oms-order: changes.csv:7: add needs qty, the units of the new line
oms-order: changes.csv:8: raise needs a line_no
oms-order: changes.csv:9: raise needs qty, the line'"'"'s new quantity
oms-order: changes.csv:10: sku does not apply to raise, got "B2"
oms-order: changes.csv:11: unit_price does not apply to cancel, got "1.00"
oms-order: changes.csv:12: cannot add sku "C3" to order "O2": the item is inactive
oms-order: 8 bad changes; nothing applied (use --rejects FILE to apply the good ones)'
	assert_equal "$(state)" "$before"
}

@test "add and raise as stream rows with --rejects: each row sees the ones before" {
	care_store
	cat > changes.csv <<'EOF'
order_id,line_no,action,qty,sku,unit_price,discount,reason
O1,,add,1,A1,,,
O1,,add,2,B2,4.00,1.00,gift
O1,4,raise,3,,,,
O1,4,raise,1,,,,
O2,,add,1,Z9,,,
O1,,add,1,B2,,5.01,
EOF
	run -0 --separate-stderr oms-order apply --rejects rejects.csv --by ann --reason "ticket 7" changes.csv
	assert_output ""
	assert_equal "$stderr" 'oms-order: changes.csv:5: cannot raise order "O1" line 4 to 1: that is less than its qty 3 (use reduce)
oms-order: changes.csv:6: unknown sku "Z9"
oms-order: changes.csv:7: discount 5.01 is more than the line'"'"'s 1 x unit_price
oms-order: 3 changes applied, 0 unchanged, 3 rejected; 2 lines added; 1 unit raised'
	run -0 cat rejects.csv
	assert_output - <<'EOF'
order_id,line_no,action,qty,sku,unit_price,discount,reason,error
O1,4,raise,1,,,,,"cannot raise order ""O1"" line 4 to 1: that is less than its qty 3 (use reduce)"
O2,,add,1,Z9,,,,"unknown sku ""Z9"""
O1,,add,1,B2,,5.01,,discount 5.01 is more than the line's 1 x unit_price
EOF
	lines_of O1 <<EOF
$LINES
O1,1,A1,4,allocated,0,0,4,0,0,0,0,0,
O1,2,B2,2,allocated,0,0,2,0,0,0,0,0,
O1,3,A1,1,open,1,0,0,0,0,0,0,0,
O1,4,B2,3,open,3,0,0,0,0,0,0,0,
EOF
	run -0 care_events
	assert_output - <<'EOF'
O1|line.added|{"order_id":"O1","line_no":3,"sku":"A1","qty":1,"unit_price":19.99,"discount":0.00,"method":"ship","pickup_node":null,"by":"ann","reason":"ticket 7"}
O1|line.added|{"order_id":"O1","line_no":4,"sku":"B2","qty":2,"unit_price":4.00,"discount":1.00,"method":"ship","pickup_node":null,"by":"ann","reason":"gift"}
O1|line.raised|{"line_no":4,"sku":"B2","qty":3,"previous":2,"by":"ann","reason":"ticket 7"}
EOF
	run -0 sqlite3 "$OMS_DB" "select counts from run where command = 'oms-order'"
	assert_output '{"changes":6,"applied":3,"unchanged":0,"rejected":3,"cancelled":0,"cancel_requested":0,"reduced":0,"unrouted":0,"added":2,"raised":1,"swapped":0,"method_changed":0,"refunded":0.00,"adjusted":0.00,"spent":0.00}'
	consistent
}

@test "a JSON stream under oms-order add, and under oms-order raise" {
	care_store
	changes "oms-order: 2 changes applied, 0 unchanged, 0 rejected; 2 lines added" add - <<'EOF'
{"order_id": "O3", "sku": "B2", "qty": 1, "unit_price": "4.99"}
{"order_id": "O3", "sku": "A1", "qty": 2, "discount": 1.5}
EOF
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected; 3 units raised" raise - <<'EOF'
{"order_id": "O3", "line_no": 3, "qty": 4}
EOF
	run -0 sqlite3 "$OMS_DB" "select line_no, sku, qty, unit_price, discount from order_line
	    where order_id = 'O3' order by line_no"
	assert_output - <<'EOF'
1|A1|2|1999|0
2|B2|1|500|0
3|B2|4|499|0
4|A1|2|1999|150
EOF
}

@test "--dry-run adds and raises nothing; -v says what each did" {
	care_store
	before=$(state)
	run -0 oms-order --dry-run add O1 B2 1
	assert_output "oms-order: dry run, nothing written: 1 change applied, 0 unchanged, 0 rejected; 1 line added"
	run -0 oms-order --dry-run -v raise O1 1 7
	assert_output - <<'EOF'
oms-order: order "O1" line 1: qty 4 raised to 7, 3 more open
oms-order: dry run, nothing written: 1 change applied, 0 unchanged, 0 rejected; 3 units raised
EOF
	printf 'order_id,action,sku,qty\nO1,add,A1,1\nO1,add,B2,1\n' > adds.csv
	run -0 oms-order --dry-run -v apply adds.csv
	assert_output - <<'EOF'
oms-order: order "O1" line 3 added: 1 of A1, open
oms-order: order "O1" line 4 added: 1 of B2, open
oms-order: dry run, nothing written: 2 changes applied, 0 unchanged, 0 rejected; 2 lines added
EOF
	assert_equal "$(state)" "$before"
}

@test "add and raise on the command line: usage errors exit 64 and change nothing" {
	care_store
	before=$(state)
	run -64 --separate-stderr oms-order add O1 B2
	assert_equal "${stderr_lines[0]}" "oms-order: add takes order sku qty"
	run -64 --separate-stderr oms-order raise O1 1
	assert_equal "${stderr_lines[0]}" "oms-order: raise takes order line qty"
	run -64 --separate-stderr oms-order cancel O1 --price 1.00
	assert_equal "${stderr_lines[0]}" "oms-order: --price is for add and swap"
	run -64 --separate-stderr oms-order add --discount 1.00 - < /dev/null
	assert_equal "${stderr_lines[0]}" "oms-order: --price and --discount are for one add or swap on the command line; a stream gives unit_price and discount columns"
	run -64 --separate-stderr oms-order show O1 --price 1.00
	assert_equal "${stderr_lines[0]}" "oms-order: show, customer and credit only read: --dry-run, --input-format, --rejects, --by, --reason, --tender, --code, --ref, --ship-*, --price, --discount and --node do not apply"
	assert_equal "$(state)" "$before"
}

# ---------------------------------------------------------------------
# swap

# A2, another size of A1 at another price, in stock at DC2 only.
another_size() {
	given items <<'EOF'
sku,unit_price,active
A2,21.50,1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC2,A2,5,2026-11-26T22:00:00Z
EOF
}

@test "swap a routed line: its units back to open, the old stock free, the new item allocated and routed by the next runs" {
	care_store
	another_size
	oms-route -q --order O1 > /dev/null
	run -0 oms-report inventory --by sku
	assert_line --index 1 "A1,12,0,2,4,6,0"
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected; 1 line swapped" \
	    swap O1 1 A2 --by ann --reason "wrong size"
	lines_of O1 <<EOF
$LINES
O1,1,A2,4,open,4,0,0,0,0,0,0,0,
O1,2,B2,2,routed,0,0,0,2,0,0,0,0,DC1
EOF
	# an even swap: the line keeps its price
	run -0 care_events
	assert_output 'O1|line.swapped|{"line_no":1,"sku":"A2","previous_sku":"A1","qty":4,"unit_price":19.99,"previous_unit_price":19.99,"price_difference":0.00,"by":"ann","reason":"wrong size"}'
	run -0 sqlite3 "$OMS_DB" "select sku, unit_price from order_line where order_id = 'O1' and line_no = 1"
	assert_output "A2|1999"
	# A1's 4 routed units are free again; only O3's 2 stay allocated
	run -0 oms-report inventory --by sku
	assert_line --index 1 "A1,12,0,2,0,10,0"
	run -0 oms-allocate -q
	assert_output - <<'EOF'
order_id,line_no,sku,qty,allocated,backordered,reason
O1,1,A2,4,4,0,
EOF
	consistent
	run -0 oms-route -q --order O1
	assert_output - <<'EOF'
order_id,line_no,sku,qty,node_id,cost,transit_days,late
O1,1,A2,4,DC2,12.5,5,0
EOF
	lines_of O1 <<EOF
$LINES
O1,1,A2,4,routed,0,0,0,4,0,0,0,0,DC2
O1,2,B2,2,routed,0,0,0,2,0,0,0,0,DC1
EOF
	consistent
}

@test "swap with --price: the new unit price, the difference over the line's qty in the event, up or down" {
	care_store
	another_size
	# 2 x (21.50 - 19.99) = 3.02 more
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected; 1 line swapped" \
	    swap O3 1 A2 --price 21.50 --by bob
	# 2 x (4.25 - 5.00) = 1.50 less
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected; 1 line swapped" \
	    swap O1 2 A2 --price 4.25 --by bob --reason "price match"
	run -0 care_events
	assert_output - <<'EOF'
O3|line.swapped|{"line_no":1,"sku":"A2","previous_sku":"A1","qty":2,"unit_price":21.50,"previous_unit_price":19.99,"price_difference":3.02,"by":"bob","reason":null}
O1|line.swapped|{"line_no":2,"sku":"A2","previous_sku":"B2","qty":2,"unit_price":4.25,"previous_unit_price":5.00,"price_difference":-1.50,"by":"bob","reason":"price match"}
EOF
	run -0 sqlite3 "$OMS_DB" "select order_id, line_no, sku, unit_price, allocated from order_line
	    where sku = 'A2' order by order_id"
	assert_output - <<'EOF'
O1|2|A2|425|0
O3|1|A2|2150|0
EOF
	# DC2 has 5 of A2: O1 gets 2, O3 its 2
	run -0 oms-allocate -q
	assert_output - <<'EOF'
order_id,line_no,sku,qty,allocated,backordered,reason
O1,2,A2,2,2,0,
O3,1,A2,2,2,0,
EOF
	consistent
}

@test "swap of a pickup line: the new item is for the same store, served there or backordered" {
	care_store
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected; 1 line swapped" \
	    swap O2 1 A1
	run -0 sqlite3 "$OMS_DB" "select sku, method, pickup_node, allocated, ship_to_store
	    from order_line where order_id = 'O2'"
	assert_output "A1|pickup|ST1|0|0"
	# ST1 has no A1 and takes no shipments to store
	run -0 oms-allocate -q
	assert_output --partial "O2,1,A1,1,0,1,"
	consistent
}

@test "swap is refused, exit 65, nothing changed: unknown order, line or sku, inactive item, the same sku, a discount past the new price" {
	care_store
	another_size
	oms-order -q add O1 B2 2 --discount 9.00
	before=$(state)
	refused 'oms-order: unknown order "O9"' swap O9 1 A2
	refused 'oms-order: order "O1" has no line 7' swap O1 7 A2
	refused 'oms-order: unknown sku "Z9"' swap O1 1 Z9
	refused 'oms-order: cannot swap order "O1" line 1 to sku "C3": the item is inactive' swap O1 1 C3
	refused 'oms-order: cannot swap order "O1" line 1 to sku "A1": it is the line'"'"'s sku already' \
	    swap O1 1 A1
	refused 'oms-order: cannot swap order "O1" line 1 to sku "A1": it is the line'"'"'s sku already' \
	    swap O1 1 A1 --price 1.00
	refused 'oms-order: unit_price must be an amount like 12.34 (at most 2 decimals), got "-1"' \
	    swap O1 1 A2 --price=-1
	# line 3's discount 9.00 is within 2 x 5.00, not within 2 x 4.00
	refused "oms-order: discount 9.00 is more than the line's 2 x unit_price" \
	    swap O1 3 A2 --price 4.00
	assert_equal "$(state)" "$before"
}

@test "swap after release: the released units asked back, a new line for the new item; refused on a line cancelled or all shipped" {
	care_store
	another_size
	oms-order -q cancel O1 2
	oms-route -q --order O1 --order O3 > /dev/null
	released
	before=$(state)
	refused 'oms-order: cannot swap order "O1" line 2: it is cancelled (qty 2, 2 cancelled): add a line' \
	    swap O1 2 A2
	assert_equal "$(state)" "$before"
	# line 1's 4 units are out at DC1: asked back (the old work), and a new
	# line 3 of 4 A2 open (the new work), at the line's price
	run -0 --separate-stderr oms-order swap O1 1 A2 --by ann
	assert_equal "$stderr" "oms-order: 1 change applied, 0 unchanged, 0 rejected; 4 released units asked back from the nodes; 1 line swapped"
	run -0 sqlite3 "$OMS_DB" "select type, payload from event where seq > (select max(seq)
	    from event where type = 'release.created') order by seq"
	assert_output - <<'EOF'
line.cancelled|{"line_no":1,"sku":"A1","cancelled":0,"from_open":0,"from_allocated":0,"from_routed":0,"cancel_requested":4,"by":"ann","reason":null}
release.cancel_requested|{"release_id":"20261127-DC1-000001","node_id":"DC1","line_no":1,"sku":"A1","qty":4,"by":"ann","reason":null}
line.added|{"order_id":"O1","line_no":3,"sku":"A2","qty":4,"unit_price":19.99,"discount":0.00,"method":"ship","pickup_node":null,"replaces_line":1,"by":"ann","reason":null}
line.swapped|{"line_no":1,"new_line_no":3,"sku":"A2","previous_sku":"A1","qty":4,"unit_price":19.99,"previous_unit_price":19.99,"cancel_requested":4,"by":"ann","reason":null}
EOF
	# the next runs serve the new line from DC2's A2; the node's answer
	# cancels the old units and owes back what was paid for them (4 x 19.99)
	oms-allocate -q > /dev/null
	oms-route -q > /dev/null
	confirmed <<'EOF'
O1,DC1,1,cancelled,4
EOF
	run -0 oms-report lines --order O1
	assert_output - <<'EOF'
order_id,line_no,sku,qty,status,open,backordered,allocated,routed,released,shipped,cancelled,returned,nodes
O1,1,A1,4,cancelled,0,0,0,0,0,0,4,0,
O1,2,B2,2,cancelled,0,0,0,0,0,0,2,0,
O1,3,A2,4,routed,0,0,0,4,0,0,0,0,DC2
EOF
	run -0 sqlite3 "$OMS_DB" "select line_no, kind, amount from refund where order_id = 'O1' order by refund_id"
	assert_output - <<'EOF'
2|cancel|1000
1|cancel|7996
EOF
	# asked back already: nothing of line 1 is left to change
	before=$(state)
	refused 'oms-order: cannot swap order "O1" line 1: it is cancelled (qty 4, 4 cancelled): add a line' \
	    swap O1 1 B2
	shipped_whole O3
	before=$(state)
	refused 'oms-order: cannot swap order "O3" line 1: nothing of it is left to change (qty 2, 2 shipped): add a line' \
	    swap O3 1 A2
	assert_equal "$(state)" "$before"
	consistent
}

@test "swap as stream rows: all or nothing, every bad row named; with --rejects each row sees the ones before" {
	care_store
	another_size
	cat > changes.csv <<'EOF'
order_id,line_no,action,qty,sku,unit_price,discount,reason
O1,1,swap,,A2,,,
O1,2,swap,,A2,4.00,,match
O1,,swap,,A2,,,
O1,1,swap,,,,,
O1,1,swap,2,A2,,,
O1,1,swap,,B2,,1.00,
O1,1,swap,,A2,,,
EOF
	before=$(state)
	run -65 --separate-stderr oms-order apply changes.csv --by ann
	assert_output ""
	assert_equal "$stderr" 'oms-order: changes.csv:4: swap needs a line_no
oms-order: changes.csv:5: swap needs a sku, the line'"'"'s new item
oms-order: changes.csv:6: qty does not apply to swap, got "2"
oms-order: changes.csv:7: discount does not apply to swap, got "1.00"
oms-order: changes.csv:8: cannot swap order "O1" line 1 to sku "A2": it is the line'"'"'s sku already
oms-order: 5 bad changes; nothing applied (use --rejects FILE to apply the good ones)'
	assert_equal "$(state)" "$before"
	run -0 --separate-stderr oms-order apply --rejects rejects.csv --by ann changes.csv
	assert_equal "${stderr_lines[5]}" "oms-order: 2 changes applied, 0 unchanged, 5 rejected; 2 lines swapped"
	run -0 sqlite3 "$OMS_DB" "select line_no, sku, unit_price from order_line where order_id = 'O1'
	    order by line_no"
	assert_output - <<'EOF'
1|A2|1999
2|A2|400
EOF
	run -0 sqlite3 "$OMS_DB" "select counts from run where command = 'oms-order'
	    and exit_status = 0"
	assert_output '{"changes":7,"applied":2,"unchanged":0,"rejected":5,"cancelled":0,"cancel_requested":0,"reduced":0,"unrouted":0,"added":0,"raised":0,"swapped":2,"method_changed":0,"refunded":0.00,"adjusted":0.00,"spent":0.00}'
	consistent
	# a JSON stream under oms-order swap
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected; 1 line swapped" swap - <<'EOF'
{"order_id": "O3", "line_no": 2, "sku": "A2", "unit_price": "5.50"}
EOF
	run -0 sqlite3 "$OMS_DB" "select sku, unit_price from order_line where order_id = 'O3' and line_no = 2"
	assert_output "A2|550"
}

@test "--dry-run swaps nothing; -v says what it did; usage errors exit 64" {
	care_store
	another_size
	oms-route -q --order O1 > /dev/null
	before=$(state)
	run -0 oms-order --dry-run -v swap O1 1 A2 --price 20.99
	assert_output - <<'EOF'
oms-order: order "O1" line 1: A1 swapped for A2, price difference 4.00; 4 back to open (0 allocated, 4 routed)
oms-order: dry run, nothing written: 1 change applied, 0 unchanged, 0 rejected; 1 line swapped
EOF
	assert_equal "$(state)" "$before"
	run -64 --separate-stderr oms-order swap O1 1
	assert_equal "${stderr_lines[0]}" "oms-order: swap takes order line sku"
	run -64 --separate-stderr oms-order swap O1 1 A2 --discount 1.00
	assert_equal "${stderr_lines[0]}" "oms-order: --discount is for add"
	run -64 --separate-stderr oms-order raise O1 1 5 --price 1.00
	assert_equal "${stderr_lines[0]}" "oms-order: --price is for add and swap"
	assert_equal "$(state)" "$before"
}

# ---------------------------------------------------------------------
# method

# ST2, a store offering pickup and curbside that takes shipments for
# them, with no stock; LK1, a locker.
more_places() {
	given nodes <<'EOF'
node_id,type,postal_code,lat,lon,can_pickup,can_curbside,ship_to_store
ST2,store,10001,40.75,-73.99,1,1,1
LK1,locker,10001,40.75,-73.99,0,0,0
EOF
}

method_events() {
	sqlite3 "$OMS_DB" "select order_id, type, payload from event
	    where type = 'line.method_changed' order by seq"
}

@test "method ship to pickup at a store: its routed units back to open, then served from the store's stock" {
	care_store
	oms-route -q --order O1 > /dev/null
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected; 1 line handed over another way" \
	    method O1 2 pickup --node ST1 --by ann --reason "collects in town"
	lines_of O1 <<EOF
$LINES
O1,1,A1,4,routed,0,0,0,4,0,0,0,0,DC1
O1,2,B2,2,open,2,0,0,0,0,0,0,0,
EOF
	run -0 method_events
	assert_output 'O1|line.method_changed|{"line_no":2,"method":"pickup","pickup_node":"ST1","previous_method":"ship","previous_pickup_node":null,"by":"ann","reason":"collects in town"}'
	# ST1 has 3 of B2, 1 of them O2's
	run -0 oms-allocate -q
	assert_output - <<'EOF'
order_id,line_no,sku,qty,allocated,backordered,reason
O1,2,B2,2,2,0,
EOF
	run -0 oms-route -q --order O1
	assert_output - <<'EOF'
order_id,line_no,sku,qty,node_id,cost,transit_days,late
O1,2,B2,2,ST1,0,0,0
EOF
	consistent
	# and back to ship: the store's reservation goes, the network serves it
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected; 1 line handed over another way" \
	    method O1 2 ship --by ann
	run -0 sqlite3 "$OMS_DB" "select method, pickup_node, allocated from order_line
	    where order_id = 'O1' and line_no = 2"
	assert_output "ship||0"
	run -0 method_events
	assert_line --index 1 'O1|line.method_changed|{"line_no":2,"method":"ship","pickup_node":null,"previous_method":"pickup","previous_pickup_node":"ST1","by":"ann","reason":null}'
	run -0 oms-allocate -q
	assert_output - <<'EOF'
order_id,line_no,sku,qty,allocated,backordered,reason
O1,2,B2,2,2,0,
EOF
	run -0 oms-route -q --order O1
	assert_line --index 1 --partial "O1,2,B2,2,DC1,"
	consistent
}

@test "method curbside at a store without the stock: shipped to the store; back to ship clears it" {
	care_store
	more_places
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected; 1 line handed over another way" \
	    method O1 1 curbside --node ST2
	run -0 oms-allocate -q
	assert_output - <<'EOF'
order_id,line_no,sku,qty,allocated,backordered,reason
O1,1,A1,4,4,0,
EOF
	run -0 sqlite3 "$OMS_DB" "select method, pickup_node, ship_to_store from order_line
	    where order_id = 'O1' and line_no = 1"
	assert_output "curbside|ST2|1"
	consistent
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected; 1 line handed over another way" \
	    method O1 1 ship
	run -0 sqlite3 "$OMS_DB" "select method, pickup_node, ship_to_store, allocated from order_line
	    where order_id = 'O1' and line_no = 1"
	assert_output "ship||0|0"
	# a locker
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected; 1 line handed over another way" \
	    method O1 2 locker --node LK1
	run -0 sqlite3 "$OMS_DB" "select method, pickup_node from order_line
	    where order_id = 'O1' and line_no = 2"
	assert_output "locker|LK1"
}

@test "method is refused, exit 65, nothing changed: a node that cannot take it, --node missing or for ship, the same method, a released line" {
	care_store
	more_places
	before=$(state)
	refused 'oms-order: node "DC2" does not offer pickup' method O1 1 pickup --node DC2
	refused 'oms-order: node "ST1" does not offer curbside pickup' method O1 1 curbside --node ST1
	refused 'oms-order: node "DC1" is a warehouse, not a locker' method O1 1 locker --node DC1
	refused 'oms-order: node "ST2" is a store, not a locker' method O1 1 locker --node ST2
	refused 'oms-order: unknown node "ZZ"' method O1 1 pickup --node ZZ
	refused 'oms-order: a pickup line needs a pickup_node' method O1 1 pickup
	refused 'oms-order: pickup_node is only for pickup, curbside and locker lines' \
	    method O1 1 ship --node ST1
	refused 'oms-order: method must be one of ship, pickup, curbside, locker, got "drone"' \
	    method O1 1 drone
	refused 'oms-order: cannot change the method of order "O1" line 1: it is ship already' \
	    method O1 1 ship
	refused 'oms-order: cannot change the method of order "O2" line 1: it is pickup at ST1 already' \
	    method O2 1 pickup --node ST1
	refused 'oms-order: order "O1" has no line 7' method O1 7 ship
	assert_equal "$(state)" "$before"
	given nodes <<'EOF'
node_id,type,postal_code,lat,lon,can_pickup,active
ST2,store,10001,40.75,-73.99,1,0
EOF
	before=$(state)
	refused 'oms-order: node "ST2" is inactive' method O1 1 pickup --node ST2
	oms-route -q --order O1 > /dev/null
	released
	# released: the units asked back from DC1, a new line for the pickup
	run -0 --separate-stderr oms-order method O1 1 pickup --node ST1 --by ann
	assert_equal "$stderr" "oms-order: 1 change applied, 0 unchanged, 0 rejected; 4 released units asked back from the nodes; 1 line handed over another way"
	run -0 sqlite3 "$OMS_DB" "select type, payload from event where type in
	    ('line.added', 'line.method_changed') order by seq"
	assert_output - <<'EOF'
line.added|{"order_id":"O1","line_no":3,"sku":"A1","qty":4,"unit_price":19.99,"discount":0.00,"method":"pickup","pickup_node":"ST1","replaces_line":1,"by":"ann","reason":null}
line.method_changed|{"line_no":1,"new_line_no":3,"qty":4,"method":"pickup","pickup_node":"ST1","previous_method":"ship","previous_pickup_node":null,"cancel_requested":4,"by":"ann","reason":null}
EOF
	consistent
}

@test "method as stream rows (method, pickup_node), --dry-run, and usage errors" {
	care_store
	more_places
	cat > changes.csv <<'EOF'
order_id,line_no,action,method,pickup_node,sku
O1,1,method,pickup,ST2,
O1,2,method,ship,ST1,
O1,2,method,,,
O1,2,method,curbside,ST2,B2
O1,,method,ship,,
EOF
	before=$(state)
	run -65 --separate-stderr oms-order apply changes.csv
	assert_equal "$stderr" 'oms-order: changes.csv:3: pickup_node is only for pickup, curbside and locker lines
oms-order: changes.csv:4: method needs a method (ship, pickup, curbside or locker)
oms-order: changes.csv:5: sku does not apply to method, got "B2"
oms-order: changes.csv:6: method needs a line_no
oms-order: 4 bad changes; nothing applied (use --rejects FILE to apply the good ones)'
	assert_equal "$(state)" "$before"
	run -0 --separate-stderr oms-order apply --rejects rejects.csv changes.csv
	assert_equal "${stderr_lines[4]}" "oms-order: 1 change applied, 0 unchanged, 4 rejected; 1 line handed over another way"
	run -0 sqlite3 "$OMS_DB" "select counts from run where command = 'oms-order' and exit_status = 0"
	assert_output '{"changes":5,"applied":1,"unchanged":0,"rejected":4,"cancelled":0,"cancel_requested":0,"reduced":0,"unrouted":0,"added":0,"raised":0,"swapped":0,"method_changed":1,"refunded":0.00,"adjusted":0.00,"spent":0.00}'
	consistent
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected; 1 line handed over another way" method - <<'EOF'
{"order_id": "O1", "line_no": 2, "method": "locker", "pickup_node": "LK1"}
EOF
	before=$(state)
	run -0 oms-order --dry-run -v method O1 1 ship
	assert_output - <<'EOF'
oms-order: order "O1" line 1: ship, was pickup at ST2; 0 back to open (0 allocated, 0 routed)
oms-order: dry run, nothing written: 1 change applied, 0 unchanged, 0 rejected; 1 line handed over another way
EOF
	assert_equal "$(state)" "$before"
	run -64 --separate-stderr oms-order method O1 1
	assert_equal "${stderr_lines[0]}" "oms-order: method takes order line method"
	run -64 --separate-stderr oms-order swap O1 1 A1 --node ST1
	assert_equal "${stderr_lines[0]}" "oms-order: --node is for method"
	run -64 --separate-stderr oms-order method --node ST1 - < /dev/null
	assert_equal "${stderr_lines[0]}" "oms-order: --node is for one method change on the command line; a stream gives a pickup_node column"
	assert_equal "$(state)" "$before"
}
