# oms-order: customer care on orders.  Every change runs end to end on a
# store built by the real oms-import and oms-allocate, and where a case
# needs routed, released or shipped units, by the real oms-route,
# oms-release and oms-release --confirm (see routed below); the line buckets,
# the stock and the events are checked after it, and oms-report check
# passes after every change that went through.
load helper

given() {
	oms-import -q "$@" -
}

# Two warehouses, two items, three orders; after oms-allocate:
#   O1 (C1): line 1 A1 4 allocated, line 2 B2 2 allocated
#   O2 (C1): line 1 A1 3 allocated
#   O3 (C2): line 1 A1 8: 5 allocated, 3 backordered
orders_store() {
	given nodes <<'EOF'
node_id,type,postal_code,lat,lon
DC1,warehouse,08817,40.52,-74.39
DC2,warehouse,60601,41.88,-87.62
EOF
	given items <<'EOF'
sku,unit_price
A1,19.99
B2,5.00
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,10,2026-11-26T22:00:00Z
DC1,B2,5,2026-11-26T22:00:00Z
DC2,A1,2,2026-11-26T22:00:00Z
EOF
	given customers <<'EOF'
customer_id,name,email,tier
C1,Ann Lee,ann@example.com,gold
C2,Bo Diaz,bo@example.com,
EOF
	# O1 has coordinates, O2 and O3 postal codes, which the postal table places
	oms-import -q postal "$DATA/postal.csv"
	given orders <<'EOF'
order_id,line_no,sku,qty,channel,customer_id,created_at,ship_name,ship_city,ship_postal_code,ship_lat,ship_lon,unit_price
O1,1,A1,4,web,C1,2026-11-25T10:00:00Z,Ann Lee,New York,10001,40.75,-73.99,19.99
O1,2,B2,2,web,C1,2026-11-25T10:00:00Z,Ann Lee,New York,10001,40.75,-73.99,5.00
O2,1,A1,3,phone,C1,2026-11-26T09:00:00Z,Ann Lee,New York,10001,,,19.99
O3,1,A1,8,web,C2,2026-11-26T10:00:00Z,Bo Diaz,Chicago,60601,,,19.99
EOF
	oms-allocate -q > /dev/null
}

# The rest of the pipeline, the real commands.  The rate card lets
# oms-route price every order.  Routing them all: O1 and O2 from DC1; O3
# split, 2 from DC2 (in Chicago, like O3) and 3 from DC1.

# oms-route "$@" (all orders, or --order ID ...).
routed() {
	if [ ! -e .routing ]; then
		oms-import -q rates "$DATA/rates.csv" && : > .routing || return 1
	fi
	oms-route -q "$@" > /dev/null
}

# oms-release "$@" on business day 2026-11-27: release ids 20261127-NODE-NNNNNN.
released() {
	oms-release -q --day 2026-11-27 "$@" > /dev/null
}

# The id of the (latest) release of ORDER at NODE, read back from the store.
release_of() {
	sqlite3 "$OMS_DB" "select max(release_id) from release
	    where order_id = '$1' and node_id = '$2'"
}

# oms-release --confirm of the rows on standard input:
#   ORDER,NODE,LINE,STATUS,QTY[,CARRIER,TRACKING,AT]
# each row sent for the latest release of ORDER at NODE.
confirmed() {
	local o n l st q rest

	confirms=$((${confirms:-0} + 1))
	echo release_id,line_no,status,qty,carrier,tracking,at > confirm-$confirms.csv
	while IFS=, read -r o n l st q rest; do
		echo "$(release_of "$o" "$n"),$l,$st,$q,${rest:-,,}" >> confirm-$confirms.csv
	done
	oms-release -q --confirm confirm-$confirms.csv
}

# N more units of SKU found at NODE (an inventory delta), then oms-allocate.
restocked() {
	deltas=$((${deltas:-0} + 1))
	printf 'node_id,sku,delta,reason\n%s,%s,%s,found\n' "$1" "$2" "$3" > delta-$deltas.csv
	oms-import -q --delta inventory delta-$deltas.csv && oms-allocate -q > /dev/null
}

consistent() {
	run -0 oms-report check
	assert_output "$CHECK_HEAD"
}

lines_are() {
	run -0 oms-report lines
	assert_output -
}

network_is() {
	# the columns up to atp (unusable, stock no line may use, is report.bats')
	run -0 bash -c 'set -o pipefail; oms-report inventory --by sku | cut -d, -f1-6'
	assert_output -
}

# The events oms-order appended (not import, allocation, routing, releases
# and their confirmations): type and payload.
order_events() {
	sqlite3 "$OMS_DB" "select order_id, type, payload from event
	    where type not in ('order.created', 'line.allocated', 'line.backordered',
	    'line.deallocated', 'line.routed', 'release.created', 'line.shipped',
	    'line.short') and order_id is not null order by seq"
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

# oms-order "$@" is a usage error: exit 64, the message, then the usage.
usage_fails() {
	local want=$1

	shift
	run -64 --separate-stderr oms-order "$@"
	assert_output ""
	assert_equal "${stderr_lines[0]}" "$want"
	assert_equal "${stderr_lines[1]}" "usage: oms-order [-hqv] [--busy-timeout ms] [--db path] [--format format]"
}

LINES=order_id,line_no,sku,qty,status,open,backordered,allocated,routed,released,shipped,cancelled,returned,nodes
SKUS=sku,on_hand,safety_stock,allocated,reserved,atp

@test "the store these tests start from" {
	orders_store
	lines_are <<EOF
$LINES
O1,1,A1,4,allocated,0,0,4,0,0,0,0,0,
O1,2,B2,2,allocated,0,0,2,0,0,0,0,0,
O2,1,A1,3,allocated,0,0,3,0,0,0,0,0,
O3,1,A1,8,backordered,3,3,5,0,0,0,0,0,
EOF
	network_is <<EOF
$SKUS
A1,12,0,12,0,0
B2,5,0,2,0,3
EOF
	consistent
}

# ---------------------------------------------------------------------
# cancel

@test "cancel a whole allocated order: its stock goes back and the next allocation uses it" {
	orders_store
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected; 6 units cancelled; 89.96 owed back for cancelled units" \
	    cancel O1 --by ann --reason "customer changed her mind"
	lines_are <<EOF
$LINES
O1,1,A1,4,cancelled,0,0,0,0,0,0,4,0,
O1,2,B2,2,cancelled,0,0,0,0,0,0,2,0,
O2,1,A1,3,allocated,0,0,3,0,0,0,0,0,
O3,1,A1,8,backordered,3,3,5,0,0,0,0,0,
EOF
	network_is <<EOF
$SKUS
A1,12,0,8,0,4
B2,5,0,0,0,5
EOF
	# what was paid comes back, line by line: 4 x 19.99 = 79.96 and
	# 2 x 5.00 = 10.00 (no discount, no shipping charge to refund)
	run -0 order_events
	assert_output - <<'EOF'
O1|order.cancelled|{"lines":[{"line_no":1,"sku":"A1","cancelled":4,"from_open":0,"from_allocated":4,"from_routed":0,"cancel_requested":0},{"line_no":2,"sku":"B2","cancelled":2,"from_open":0,"from_allocated":2,"from_routed":0,"cancel_requested":0}],"cancelled":6,"cancel_requested":0,"shipped":0,"by":"ann","reason":"customer changed her mind"}
O1|refund.issued|{"refund_id":1,"kind":"cancel","rma_id":null,"line_no":1,"amount":79.96,"merchandise":79.96,"restocking_fee":0.00,"shipping":0.00,"reason":"customer changed her mind","tender":"original"}
O1|refund.issued|{"refund_id":2,"kind":"cancel","rma_id":null,"line_no":2,"amount":10.00,"merchandise":10.00,"restocking_fee":0.00,"shipping":0.00,"reason":"customer changed her mind","tender":"original"}
EOF
	# the freed units go to the backordered order
	run -0 oms-allocate -q
	assert_output - <<'EOF'
order_id,line_no,sku,qty,allocated,backordered,reason
O3,1,A1,8,8,0,
EOF
	consistent
}

@test "cancel part of a line: open (backordered) units first, then allocated ones" {
	orders_store
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected; 4 units cancelled; 79.96 owed back for cancelled units" \
	    cancel O3 1 4 --by ann
	lines_are <<EOF
$LINES
O1,1,A1,4,allocated,0,0,4,0,0,0,0,0,
O1,2,B2,2,allocated,0,0,2,0,0,0,0,0,
O2,1,A1,3,allocated,0,0,3,0,0,0,0,0,
O3,1,A1,8,allocated,0,0,4,0,0,0,4,0,
EOF
	network_is <<EOF
$SKUS
A1,12,0,11,0,1
B2,5,0,2,0,3
EOF
	run -0 sqlite3 "$OMS_DB" "select backorder_reason is null from order_line where order_id = 'O3'"
	assert_output 1
	# 4 x 19.99 = 79.96 owed back; no --reason: "cancelled"
	run -0 order_events
	assert_output - <<'EOF'
O3|line.cancelled|{"line_no":1,"sku":"A1","cancelled":4,"from_open":3,"from_allocated":1,"from_routed":0,"cancel_requested":0,"by":"ann","reason":null}
O3|refund.issued|{"refund_id":1,"kind":"cancel","rma_id":null,"line_no":1,"amount":79.96,"merchandise":79.96,"restocking_fee":0.00,"shipping":0.00,"reason":"cancelled","tender":"original"}
EOF
	# a line with no qty: the rest of it
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected; 4 units cancelled; 79.96 owed back for cancelled units" \
	    cancel O3 1
	run -0 oms-report lines --order O3
	assert_line --index 1 "O3,1,A1,8,cancelled,0,0,0,0,0,0,8,0,"
}

@test "cancel a routed line: the node's reservation goes back" {
	orders_store
	routed --order O1
	run -0 oms-report inventory --node DC1 --sku A1
	assert_line --index 1 "DC1,A1,10,0,4,6,0,4"
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected; 3 units cancelled; 59.97 owed back for cancelled units" \
	    cancel O1 1 3
	run -0 oms-report lines --order O1
	assert_line --index 1 "O1,1,A1,4,routed,0,0,0,1,0,0,3,0,DC1"
	run -0 oms-report inventory --node DC1 --sku A1
	assert_line --index 1 "DC1,A1,10,0,1,9,0,1"
	# the last routed unit: the line has nothing left at the node
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected; 1 unit cancelled; 19.99 owed back for cancelled units" \
	    cancel O1 1
	run -0 oms-report lines --order O1
	assert_line --index 1 "O1,1,A1,4,cancelled,0,0,0,0,0,0,4,0,"
	run -0 sqlite3 "$OMS_DB" "select line_no, node_id, routed from line_node"
	assert_output "2|DC1|2"
}

@test "cancel a released line: a cancel request to its node; the units stay released" {
	orders_store
	# O1/1 released whole to DC1; 2 came back short, were found there
	# again, allocated and routed: 2 routed, 2 released
	routed --order O1
	released
	confirmed <<<"O1,DC1,1,short,2"
	restocked DC1 A1 2
	routed --order O1
	run -0 oms-report lines --order O1
	assert_line --index 1 "O1,1,A1,4,routed,0,0,0,2,2,0,0,0,DC1"
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected; 2 units cancelled; 2 released units asked back from the nodes; 39.98 owed back for cancelled units" \
	    cancel O1 1 --by ann --reason "wrong size"
	run -0 oms-report lines --order O1
	assert_line --index 1 "O1,1,A1,4,released,0,0,0,0,2,0,2,0,DC1"
	run -0 sqlite3 "$OMS_DB" "select release_id, line_no, qty, short, cancel_requested from release_line"
	assert_output - <<'EOF'
20261127-DC1-000001|1|4|2|2
20261127-DC1-000001|2|2|0|0
EOF
	# still reserved at the node until it answers
	run -0 oms-report inventory --node DC1 --sku A1
	assert_line --index 1 "DC1,A1,10,0,2,8,0,2"
	run -0 order_events
	assert_output - <<'EOF'
O1|line.cancelled|{"line_no":1,"sku":"A1","cancelled":2,"from_open":0,"from_allocated":0,"from_routed":2,"cancel_requested":2,"by":"ann","reason":"wrong size"}
O1|refund.issued|{"refund_id":1,"kind":"cancel","rma_id":null,"line_no":1,"amount":39.98,"merchandise":39.98,"restocking_fee":0.00,"shipping":0.00,"reason":"wrong size","tender":"original"}
O1|release.cancel_requested|{"release_id":"20261127-DC1-000001","node_id":"DC1","line_no":1,"sku":"A1","qty":2,"by":"ann","reason":"wrong size"}
EOF
	# asked already: the line is cancelled as far as it can be
	before=$(state)
	run -0 oms-order cancel O1 1
	assert_output - <<'EOF'
oms-order: warning: order "O1" line 1 is already cancelled (qty 4, 2 cancelled, 2 awaiting cancellation at the node); nothing changed
oms-order: 0 changes applied, 1 unchanged, 0 rejected; nothing changed
EOF
	run -65 oms-order cancel O1 1 1
	assert_output 'oms-order: cannot cancel order "O1" line 1: nothing left to cancel (qty 4, 2 cancelled, 2 awaiting cancellation at the node)'
	assert_equal "$(state)" "$before"
}

@test "one cancel takes open, allocated, routed, then asks for released units, in that order" {
	orders_store
	# O3/1 routed 2 from DC2 and 3 from DC1; DC2's released; then 2 more
	# units found at DC1 are allocated to it: qty 8 = 1 open + 2 allocated
	# + 3 routed + 2 released
	routed
	released --node DC2
	restocked DC1 A1 2
	run -0 oms-report lines --order O3
	assert_line --index 1 "O3,1,A1,8,backordered,1,1,2,3,2,0,0,0,DC1;DC2"
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected; 6 units cancelled; 2 released units asked back from the nodes; 119.94 owed back for cancelled units" \
	    cancel O3 1 8 --by ann
	run -0 oms-report lines --order O3
	assert_line --index 1 "O3,1,A1,8,released,0,0,0,0,2,0,6,0,DC2"
	run -0 order_events
	assert_output - <<'EOF'
O3|line.cancelled|{"line_no":1,"sku":"A1","cancelled":6,"from_open":1,"from_allocated":2,"from_routed":3,"cancel_requested":2,"by":"ann","reason":null}
O3|refund.issued|{"refund_id":1,"kind":"cancel","rma_id":null,"line_no":1,"amount":119.94,"merchandise":119.94,"restocking_fee":0.00,"shipping":0.00,"reason":"cancelled","tender":"original"}
O3|release.cancel_requested|{"release_id":"20261127-DC2-000001","node_id":"DC2","line_no":1,"sku":"A1","qty":2,"by":"ann","reason":null}
EOF
}

@test "shipped units are never cancelled; cancelling an order cancels what has not shipped" {
	orders_store
	routed --order O1
	released
	confirmed <<<"O1,DC1,1,shipped,4,UPS,1Z1,2026-11-27T15:00:00Z"
	run -0 oms-report lines --order O1
	assert_line --index 1 "O1,1,A1,4,shipped,0,0,0,0,0,4,0,0,DC1"
	before=$(state)
	run -65 oms-order cancel O1 1
	assert_output 'oms-order: cannot cancel order "O1" line 1: nothing left to cancel (qty 4, 4 shipped); shipped units cannot be cancelled'
	run -65 oms-order cancel O1 1 2
	assert_output 'oms-order: cannot cancel order "O1" line 1: nothing left to cancel (qty 4, 4 shipped); shipped units cannot be cancelled'
	assert_equal "$(state)" "$before"
	# the order: line 2 (released, not shipped) is asked back from DC1, line
	# 1 stays shipped; DC1 answers, and line 2 is cancelled
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected; 2 released units asked back from the nodes" \
	    cancel O1 --by ann
	run -0 oms-report lines --order O1
	assert_output - <<EOF
$LINES
O1,1,A1,4,shipped,0,0,0,0,0,4,0,0,DC1
O1,2,B2,2,released,0,0,0,0,2,0,0,0,DC1
EOF
	# cancelled at DC1: nothing of line 2 is there any more
	confirmed <<<"O1,DC1,2,cancelled,2,,,2026-11-27T16:00:00Z"
	run -0 oms-report lines --order O1
	assert_output - <<EOF
$LINES
O1,1,A1,4,shipped,0,0,0,0,0,4,0,0,DC1
O1,2,B2,2,cancelled,0,0,0,0,0,0,2,0,
EOF
	run -0 order_events
	assert_output - <<'EOF'
O1|order.cancelled|{"lines":[{"line_no":2,"sku":"B2","cancelled":0,"from_open":0,"from_allocated":0,"from_routed":0,"cancel_requested":2}],"cancelled":0,"cancel_requested":2,"shipped":4,"by":"ann","reason":null}
O1|release.cancel_requested|{"release_id":"20261127-DC1-000001","node_id":"DC1","line_no":2,"sku":"B2","qty":2,"by":"ann","reason":null}
O1|line.cancelled|{"release_id":"20261127-DC1-000001","line_no":2,"node_id":"DC1","sku":"B2","qty":2,"carrier":"","tracking":"","at":"2026-11-27T16:00:00Z"}
O1|refund.issued|{"refund_id":1,"kind":"cancel","rma_id":null,"line_no":2,"amount":10.00,"merchandise":10.00,"restocking_fee":0.00,"shipping":0.00,"reason":"cancelled","tender":"original"}
EOF
	# a second run finds nothing to do
	before=$(state)
	run -0 oms-order cancel O1
	assert_output - <<'EOF'
oms-order: warning: order "O1" is already cancelled (qty 6, 4 shipped, 2 cancelled); nothing changed
oms-order: 0 changes applied, 1 unchanged, 0 rejected; nothing changed
EOF
	assert_equal "$(state)" "$before"
	# an order that has shipped whole cannot be cancelled
	routed --order O2
	released
	confirmed <<<"O2,DC1,1,shipped,3"
	before=$(state)
	run -65 oms-order cancel O2
	assert_output 'oms-order: cannot cancel order "O2": nothing left to cancel (qty 3, 3 shipped); shipped units cannot be cancelled'
	assert_equal "$(state)" "$before"
}

@test "cancelling more than a line can give, or what is not there, changes nothing" {
	orders_store
	routed --order O1
	released
	confirmed <<<"O1,DC1,1,shipped,1"
	before=$(state)
	run -65 oms-order cancel O1 1 4
	assert_output 'oms-order: cannot cancel 4 of order "O1" line 1: only 3 can be (qty 4, 1 shipped); shipped units cannot be cancelled'
	run -65 oms-order cancel O9
	assert_output 'oms-order: unknown order "O9"'
	run -65 oms-order cancel O1 7
	assert_output 'oms-order: order "O1" has no line 7'
	run -65 oms-order cancel O1 1 0
	assert_output 'oms-order: qty must be a positive integer, got "0"'
	run -65 oms-order cancel O1 x
	assert_output 'oms-order: line_no must be a positive integer, got "x"'
	assert_equal "$(state)" "$before"
}

# ---------------------------------------------------------------------
# hold, unhold

@test "hold and unhold: a held order keeps its stock but gets no more until it is released" {
	orders_store
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected" \
	    hold O3 fraud --by ann --reason "card flagged"
	run -0 sqlite3 "$OMS_DB" "select order_id, hold_type, reason, held_by from order_hold"
	assert_output "O3|fraud|card flagged|ann"
	# new stock arrives: the held order's backorder is not served
	oms-import -q inventory --delta - <<'EOF'
node_id,sku,delta
DC1,A1,3
EOF
	run -0 oms-allocate -q
	assert_output "order_id,line_no,sku,qty,allocated,backordered,reason"
	run -0 oms-report lines --order O3
	assert_line --index 1 "O3,1,A1,8,backordered,3,3,5,0,0,0,0,0,"
	# a second hold of another type, then both lifted
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected" hold O3 payment --by bo
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected" unhold O3 fraud --by bo \
	    --reason "customer called"
	run -0 oms-allocate -q
	assert_output "order_id,line_no,sku,qty,allocated,backordered,reason"
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected" unhold O3 payment --by bo
	run -0 oms-allocate -q
	assert_output - <<'EOF'
order_id,line_no,sku,qty,allocated,backordered,reason
O3,1,A1,8,8,0,
EOF
	run -0 order_events
	output=$(printf '%s\n' "$output" | fixed_times)
	assert_output - <<'EOF'
O3|order.held|{"hold_type":"fraud","by":"ann","reason":"card flagged"}
O3|order.held|{"hold_type":"payment","by":"bo","reason":null}
O3|order.unheld|{"hold_type":"fraud","held_by":"ann","held_at":"TIME","by":"bo","reason":"customer called"}
O3|order.unheld|{"hold_type":"payment","held_by":"bo","held_at":"TIME","by":"bo","reason":null}
EOF
}

@test "holding twice or lifting a hold that is not there is a warning, and changes nothing" {
	orders_store
	oms-order -q hold O2 address --by ann
	at=$(sqlite3 "$OMS_DB" "select held_at from order_hold")
	before=$(state)
	changes "oms-order: warning: order \"O2\" is already on address hold (since $at, by ann); nothing changed
oms-order: 0 changes applied, 1 unchanged, 0 rejected; nothing changed" hold O2 address --by bo
	changes 'oms-order: warning: order "O2" has no customer hold; nothing changed
oms-order: 0 changes applied, 1 unchanged, 0 rejected; nothing changed' unhold O2 customer
	assert_equal "$(state)" "$before"
	run -65 oms-order hold O2 vip
	assert_output 'oms-order: hold_type must be fraud, payment, address, customer or sourcing, got "vip"'
	usage_fails "oms-order: hold takes order type" hold O2
	assert_equal "$(state)" "$before"
}

# ---------------------------------------------------------------------
# reduce, priority

@test "reduce a line: the units removed come from open, then allocated" {
	orders_store
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected; 2 units reduced" \
	    reduce O3 1 6 --by ann
	run -0 oms-report lines --order O3
	assert_line --index 1 "O3,1,A1,6,backordered,1,1,5,0,0,0,0,0,"
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected; 3 units reduced" \
	    reduce O3 1 3 --by ann --reason "only three wanted"
	run -0 oms-report lines --order O3
	assert_line --index 1 "O3,1,A1,3,allocated,0,0,3,0,0,0,0,0,"
	network_is <<EOF
$SKUS
A1,12,0,10,0,2
B2,5,0,2,0,3
EOF
	run -0 order_events
	assert_output - <<'EOF'
O3|line.reduced|{"line_no":1,"sku":"A1","from_open":2,"from_allocated":0,"from_routed":0,"qty":6,"previous":8,"by":"ann","reason":null}
O3|line.reduced|{"line_no":1,"sku":"A1","from_open":1,"from_allocated":2,"from_routed":0,"qty":3,"previous":6,"by":"ann","reason":"only three wanted"}
EOF
}

@test "reduce never goes below what is released, shipped or cancelled, nor raises a quantity" {
	orders_store
	# O1/1 released whole to DC1: 1 shipped, 2 short; 2 found there again,
	# allocated and routed; then 1 cancelled
	routed --order O1
	released
	confirmed <<'EOF'
O1,DC1,1,shipped,1
O1,DC1,1,short,2
EOF
	restocked DC1 A1 2
	routed --order O1
	oms-order -q cancel O1 1 1
	run -0 oms-report lines --order O1
	assert_line --index 1 "O1,1,A1,4,routed,0,0,0,1,1,1,1,0,DC1"
	before=$(state)
	run -65 oms-order reduce O1 1 2
	assert_output 'oms-order: cannot reduce order "O1" line 1 to 2: 3 of its units are released, shipped or cancelled (1 released, 1 shipped, 1 cancelled)'
	run -65 oms-order reduce O1 1 5
	assert_output 'oms-order: cannot reduce order "O1" line 1 to 5: that is more than its qty 4'
	run -0 oms-order reduce O1 1 4
	assert_output - <<'EOF'
oms-order: warning: order "O1" line 1 already has qty 4; nothing changed
oms-order: 0 changes applied, 1 unchanged, 0 rejected; nothing changed
EOF
	assert_equal "$(state)" "$before"
	# down to what is kept: the routed unit goes
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected; 1 unit reduced" reduce O1 1 3
	run -0 oms-report lines --order O1
	assert_line --index 1 "O1,1,A1,3,released,0,0,0,0,1,1,1,0,DC1"
}

@test "priority: raised, the order takes the scarce stock on the next allocation" {
	orders_store
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected" priority O3 1 --by ann \
	    --reason "vip"
	run -0 oms-allocate -q
	assert_output - <<'EOF'
order_id,line_no,sku,qty,allocated,backordered,reason
O3,1,A1,8,8,0,
O2,1,A1,3,0,3,no stock in the network
EOF
	run -0 order_events
	assert_output 'O3|order.priority_changed|{"priority":1,"previous":5,"by":"ann","reason":"vip"}'
	run -0 oms-order priority O3 1
	assert_output - <<'EOF'
oms-order: warning: order "O3" already has priority 1; nothing changed
oms-order: 0 changes applied, 1 unchanged, 0 rejected; nothing changed
EOF
	run -65 oms-order priority O3 0
	assert_output 'oms-order: priority must be a positive integer (1 is most urgent), got "0"'
}

# ---------------------------------------------------------------------
# address

@test "address: routed ship lines go back to allocated, released units stay, old coordinates go" {
	orders_store
	# O1 released whole to DC1; 3 of line 1 and both of line 2 came back
	# short, were found there again, allocated and routed: line 1 has 3
	# routed and 1 released, line 2 2 routed
	routed --order O1
	released
	confirmed <<'EOF'
O1,DC1,1,short,3
O1,DC1,2,short,2
EOF
	restocked DC1 A1 3
	restocked DC1 B2 2
	routed --order O1
	lines_are <<EOF
$LINES
O1,1,A1,4,routed,0,0,0,3,1,0,0,0,DC1
O1,2,B2,2,routed,0,0,0,2,0,0,0,0,DC1
O2,1,A1,3,allocated,0,0,3,0,0,0,0,0,
O3,1,A1,8,backordered,3,3,5,0,0,0,0,0,
EOF
	run -0 --separate-stderr oms-order address O1 --ship-postal-code 60601 --ship-city Chicago \
	    --by ann --reason "moved"
	assert_output ""
	assert_equal "$stderr" 'oms-order: warning: order "O1": 1 released unit keeps the old address: tell the node
oms-order: 1 change applied, 0 unchanged, 0 rejected; 5 units to route again'
	consistent
	lines_are <<EOF
$LINES
O1,1,A1,4,allocated,0,0,3,0,1,0,0,0,DC1
O1,2,B2,2,allocated,0,0,2,0,0,0,0,0,
O2,1,A1,3,allocated,0,0,3,0,0,0,0,0,
O3,1,A1,8,backordered,3,3,5,0,0,0,0,0,
EOF
	run -0 sqlite3 "$OMS_DB" "select ship_name, ship_city, ship_postal_code, ship_lat is null, ship_lon is null from orders where order_id = 'O1'"
	assert_output "Ann Lee|Chicago|60601|1|1"
	run -0 order_events
	assert_output 'O1|order.address_changed|{"ship_city":"Chicago","ship_postal_code":"60601","ship_lat":null,"ship_lon":null,"previous":{"ship_city":"New York","ship_postal_code":"10001","ship_lat":40.75,"ship_lon":-73.99},"unrouted":[{"line_no":1,"node_id":"DC1","qty":3},{"line_no":2,"node_id":"DC1","qty":2}],"released_kept":1,"by":"ann","reason":"moved"}'
}

@test "address: a new name keeps the coordinates; new coordinates are checked like oms-import's" {
	orders_store
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected" address O1 --ship-name "Ann Lee-Ng"
	run -0 sqlite3 "$OMS_DB" "select ship_name, ship_lat, ship_lon from orders where order_id = 'O1'"
	assert_output "Ann Lee-Ng|40.75|-73.99"
	before=$(state)
	run -65 oms-order address O1 --ship-lat 91 --ship-lon 0
	assert_output 'oms-order: ship_lat must be a latitude between -90 and 90, got "91"'
	run -65 oms-order address O1 --ship-lat 41.88
	assert_output 'oms-order: ship_lat and ship_lon go together: give both or neither'
	run -65 oms-order address O1
	assert_output 'oms-order: an address change needs at least one ship_* value'
	run -0 oms-order address O1 --ship-name "Ann Lee-Ng"
	assert_output - <<'EOF'
oms-order: warning: order "O1" already ships to that address; nothing changed
oms-order: 0 changes applied, 1 unchanged, 0 rejected; nothing changed
EOF
	assert_equal "$(state)" "$before"
	changes "oms-order: 1 change applied, 0 unchanged, 0 rejected" address O1 \
	    --ship-lat 41.88 --ship-lon -87.62
	run -0 sqlite3 "$OMS_DB" "select ship_lat, ship_lon from orders where order_id = 'O1'"
	assert_output "41.88|-87.62"
}

# ---------------------------------------------------------------------
# streams

@test "a stream with one bad row applies nothing and names the row" {
	orders_store
	cat > changes.csv <<'EOF'
order_id,line_no,action,qty,hold_type,priority,reason
O1,,hold,,payment,,card declined
O1,2,cancel,3,,,
O2,,priority,,,2,
O3,1,reduce,7,,,
EOF
	before=$(state)
	run -65 --separate-stderr oms-order apply changes.csv --by ann
	assert_equal "$stderr" 'oms-order: changes.csv:3: cannot cancel 3 of order "O1" line 2: only 2 can be (qty 2)
oms-order: 1 bad change; nothing applied (use --rejects FILE to apply the good ones)'
	assert_equal "$(state)" "$before"
}

@test "a stream with --rejects applies the good rows and keeps the bad ones, each seeing the rows before" {
	orders_store
	cat > changes.csv <<'EOF'
order_id,line_no,action,qty,hold_type,priority,reason
O1,,hold,,payment,,card declined
O1,2,cancel,1,,,
O1,2,cancel,2,,,twice
O2,,priority,,,2,
O3,1,reduce,7,,,
O9,,unhold,,fraud,,
O2,1,hold,,fraud,,
EOF
	run -0 --separate-stderr oms-order apply --rejects rejects.csv --by ann --reason "ticket 42" changes.csv
	assert_output ""
	assert_equal "$stderr" 'oms-order: changes.csv:4: cannot cancel 2 of order "O1" line 2: only 1 can be (qty 2, 1 cancelled)
oms-order: changes.csv:7: unknown order "O9"
oms-order: changes.csv:8: line_no does not apply to hold, got "1" (it is on the whole order)
oms-order: 4 changes applied, 0 unchanged, 3 rejected; 1 unit cancelled; 1 unit reduced; 5.00 owed back for cancelled units'
	run -0 cat rejects.csv
	assert_output - <<'EOF'
order_id,line_no,action,qty,hold_type,priority,reason,error
O1,2,cancel,2,,,twice,"cannot cancel 2 of order ""O1"" line 2: only 1 can be (qty 2, 1 cancelled)"
O9,,unhold,,fraud,,,"unknown order ""O9"""
O2,1,hold,,fraud,,,"line_no does not apply to hold, got ""1"" (it is on the whole order)"
EOF
	run -0 order_events
	assert_output - <<'EOF'
O1|order.held|{"hold_type":"payment","by":"ann","reason":"card declined"}
O1|line.cancelled|{"line_no":2,"sku":"B2","cancelled":1,"from_open":0,"from_allocated":1,"from_routed":0,"cancel_requested":0,"by":"ann","reason":"ticket 42"}
O1|refund.issued|{"refund_id":1,"kind":"cancel","rma_id":null,"line_no":2,"amount":5.00,"merchandise":5.00,"restocking_fee":0.00,"shipping":0.00,"reason":"ticket 42","tender":"original"}
O2|order.priority_changed|{"priority":2,"previous":5,"by":"ann","reason":"ticket 42"}
O3|line.reduced|{"line_no":1,"sku":"A1","from_open":1,"from_allocated":0,"from_routed":0,"qty":7,"previous":8,"by":"ann","reason":"ticket 42"}
EOF
	consistent
}

@test "oms-report | jq | oms-order cancel: the backordered part of every backordered line" {
	orders_store
	oms-report lines --status backordered --format jsonl |
	    jq -c '{order_id, line_no, qty: .backordered}' |
	    oms-order -q cancel --by ann --reason "out of stock"
	consistent
	run -0 oms-report lines --order O3
	assert_line --index 1 "O3,1,A1,8,allocated,0,0,5,0,0,0,3,0,"
	# rows for one action may say it, or not; another action is bad data
	before=$(state)
	run -65 --separate-stderr oms-order cancel - <<'EOF'
order_id,action
O2,hold
EOF
	assert_equal "$stderr" 'oms-order: -:2: action must be cancel here (oms-order cancel), got "hold"
oms-order: 1 bad change; nothing applied (use --rejects FILE to apply the good ones)'
	assert_equal "$(state)" "$before"
}

@test "a JSON stream of every kind of change, and its address columns" {
	orders_store
	cat > changes.jsonl <<'EOF'
{"order_id": "O2", "action": "address", "ship_address1": "9 Elm Rd", "ship_city": "Newark", "ship_postal_code": "07102"}
{"order_id": "O2", "action": "hold", "hold_type": "customer"}
{"order_id": "O2", "action": "unhold", "hold_type": "customer", "reason": "sorted out"}
{"order_id": "O2", "line_no": 1, "action": "reduce", "qty": 2}
{"order_id": "O2", "line_no": 1, "action": "cancel", "qty": 1}
{"order_id": "O2", "action": "priority", "priority": 3}
EOF
	changes "oms-order: 6 changes applied, 0 unchanged, 0 rejected; 1 unit cancelled; 1 unit reduced; 19.99 owed back for cancelled units" \
	    apply --by ann changes.jsonl
	run -0 oms-report lines --order O2
	assert_line --index 1 "O2,1,A1,2,allocated,0,0,1,0,0,0,1,0,"
	run -0 sqlite3 "$OMS_DB" "select priority, ship_address1, ship_city, ship_postal_code from orders where order_id = 'O2'"
	assert_output "3|9 Elm Rd|Newark|07102"
	run -0 sqlite3 "$OMS_DB" "select type from event where order_id = 'O2' and seq > (select max(seq) from event where type = 'line.allocated') order by seq"
	assert_output - <<'EOF'
order.address_changed
order.held
order.unheld
line.reduced
line.cancelled
refund.issued
order.priority_changed
EOF
}

@test "bad change rows: every one reported with its line, nothing applied" {
	orders_store
	cat > bad.csv <<'EOF'
order_id,line_no,action,qty,hold_type,priority,reason,ship_lat,ship_lon
,1,cancel,,,,,,
O1,,refund,,,,,,
O1,,cancel,2,,,,,
O1,,hold,,,,,,
O1,,priority,,,,,,
O1,,reduce,3,,,,,
O1,1,reduce,,,,,,
O1,,address,,,,,45,
O1,,priority,1,,2,,,
EOF
	before=$(state)
	run -65 --separate-stderr oms-order apply bad.csv
	assert_equal "$stderr" 'oms-order: bad.csv:2: order_id is empty
oms-order: bad.csv:3: action must be cancel, hold, unhold, address, reduce, priority, add, raise, swap, method, adjust or spend, got "refund"
oms-order: bad.csv:4: qty needs a line_no: an order is cancelled whole
oms-order: bad.csv:5: hold_type is empty (fraud, payment, address, customer or sourcing)
oms-order: bad.csv:6: priority is empty (1 is most urgent)
oms-order: bad.csv:7: reduce needs a line_no
oms-order: bad.csv:8: reduce needs qty, the line'"'"'s new quantity
oms-order: bad.csv:9: ship_lat and ship_lon go together: give both or neither
oms-order: bad.csv:10: qty does not apply to priority, got "1"
oms-order: 9 bad changes; nothing applied (use --rejects FILE to apply the good ones)'
	assert_equal "$(state)" "$before"
	run -65 --separate-stderr oms-order apply - <<'EOF'
order_id,line_no
O1,1
EOF
	assert_equal "$stderr" 'oms-order: -:1: missing required column "action"'
	run -66 oms-order apply missing.csv
	assert_equal "$(state)" "$before"
}

@test "hostile rows: control characters, huge or odd numbers, long keys, nested JSON are refused; SQL stays data" {
	orders_store
	long=$(printf 'X%.0s' $(seq 250))
	printf 'order_id,line_no,action,qty,ship_lat,ship_lon\n"O\001",,cancel,,,\nO1,99999999999,cancel,,,\nO1,1,cancel,1e3,,\nO1,,address,,nan,1\nO1,,address,,1,inf\n%s,,hold,,,\nO1;DROP TABLE orders,,cancel,,,\n' "$long" > hostile.csv
	before=$(state)
	run -65 --separate-stderr oms-order apply hostile.csv
	assert_equal "$stderr" 'oms-order: hostile.csv:2: order_id holds a control character, got "O\x01"
oms-order: hostile.csv:3: line_no must be a positive integer, got "99999999999"
oms-order: hostile.csv:4: qty must be a positive integer, got "1e3"
oms-order: hostile.csv:5: ship_lat must be a latitude between -90 and 90, got "nan"
oms-order: hostile.csv:6: ship_lon must be a longitude between -180 and 180, got "inf"
oms-order: hostile.csv:7: order_id is too long (250 bytes; at most 200)
oms-order: hostile.csv:8: unknown order "O1;DROP TABLE orders"
oms-order: 7 bad changes; nothing applied (use --rejects FILE to apply the good ones)'
	run -65 --separate-stderr oms-order apply - <<'EOF'
{"order_id": ["O1"], "action": "cancel"}
{"order_id": "O1", "action": {"a": 1}}
EOF
	assert_equal "$stderr" 'oms-order: -:1: a value is an object or array where a single value belongs
oms-order: -:2: a value is an object or array where a single value belongs
oms-order: 2 bad changes; nothing applied (use --rejects FILE to apply the good ones)'
	run -65 oms-order show "O1' OR '1'='1"
	assert_output "oms-order: unknown order \"O1' OR '1'='1\""
	assert_equal "$(state)" "$before"
}

@test "--dry-run applies nothing; who and why default to the login name and nothing" {
	orders_store
	before=$(state)
	run -0 oms-order --dry-run cancel O1
	assert_output "oms-order: dry run, nothing written: 1 change applied, 0 unchanged, 0 rejected; 6 units cancelled; 89.96 owed back for cancelled units"
	# -v: what each line gave, stage by stage
	# O3/1: 3 open, 3 routed from DC1, 2 released from DC2
	routed
	released --node DC2
	before=$(state)
	run -0 oms-order -v --dry-run cancel O3
	assert_output - <<'EOF'
oms-order: order "O3" line 1: 2 asked back from DC2 (release 20261127-DC2-000001)
oms-order: order "O3" line 1: 6 cancelled (3 open, 0 allocated, 3 routed), the rest asked back
oms-order: dry run, nothing written: 1 change applied, 0 unchanged, 0 rejected; 6 units cancelled; 2 released units asked back from the nodes; 119.94 owed back for cancelled units
EOF
	assert_equal "$(state)" "$before"
	LOGNAME=carol oms-order -q hold O1 customer
	run -0 sqlite3 "$OMS_DB" "select held_by, reason from order_hold"
	assert_output "carol|"
	run -0 order_events
	assert_output 'O1|order.held|{"hold_type":"customer","by":"carol","reason":null}'
}

# ---------------------------------------------------------------------
# the 360-degree view

# Times of this run in the view, made fixed.
fixed_times() {
	sed -E 's/20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z/TIME/g'
}

@test "show: one order as JSON, every section, events oldest first" {
	orders_store
	oms-order -q cancel O3 1 2 --by ann
	oms-order -q hold O3 fraud --by ann --reason "card flagged"
	run -0 oms-order show O3
	output=$(printf '%s\n' "$output" | fixed_times)
	assert_output - <<'EOF'
{
  "order": {"order_id":"O3","channel":"web","customer_id":"C2","created_at":"TIME","priority":5,"promise_date":null,"ship_name":"Bo Diaz","ship_address1":"","ship_city":"Chicago","ship_region":"","ship_postal_code":"60601","ship_country":"US","ship_lat":null,"ship_lon":null,"ship_complete":false,"shipping_charge":0.00,"held":true,"status":"backordered"},
  "lines": [
    {"line_no":1,"sku":"A1","qty":8,"unit_price":19.99,"discount":0.00,"method":"ship","pickup_node":null,"status":"backordered","open":1,"backordered":1,"backorder_reason":"no stock in the network","allocated":5,"routed":0,"released":0,"shipped":0,"cancelled":2,"returned":0,"cancel_requested":0}
  ],
  "allocations": [
    {"line_no":1,"sku":"A1","allocated":5,"backordered":1,"backorder_reason":"no stock in the network"}
  ],
  "routing": [],
  "releases": [],
  "shipments": [],
  "returns": [],
  "receipts": [],
  "refunds": [
    {"refund_id":1,"kind":"cancel","line_no":1,"rma_id":null,"amount":39.98,"merchandise":39.98,"restocking_fee":0.00,"shipping":0.00,"reason":"cancelled","tender":"original","at":"TIME"}
  ],
  "appeasements": [],
  "adjustments": [],
  "exchanges": [],
  "holds": [
    {"hold_type":"fraud","reason":"card flagged","held_by":"ann","held_at":"TIME"}
  ],
  "events": [
    {"seq":10,"at":"TIME","type":"order.created","payload":{"order_id":"O3","channel":"web","lines":1,"units":8}},
    {"seq":14,"at":"TIME","type":"line.allocated","payload":{"line_no":1,"sku":"A1","allocated":5,"backordered":3,"reason":"no stock in the network","previous":0}},
    {"seq":15,"at":"TIME","type":"line.backordered","payload":{"line_no":1,"sku":"A1","allocated":5,"backordered":3,"reason":"no stock in the network","previous":0}},
    {"seq":16,"at":"TIME","type":"line.cancelled","payload":{"line_no":1,"sku":"A1","cancelled":2,"from_open":2,"from_allocated":0,"from_routed":0,"cancel_requested":0,"by":"ann","reason":null}},
    {"seq":17,"at":"TIME","type":"refund.issued","payload":{"refund_id":1,"kind":"cancel","rma_id":null,"line_no":1,"amount":39.98,"merchandise":39.98,"restocking_fee":0.00,"shipping":0.00,"reason":"cancelled","tender":"original"}},
    {"seq":18,"at":"TIME","type":"order.held","payload":{"hold_type":"fraud","by":"ann","reason":"card flagged"}}
  ]
}
EOF
	# it is JSON
	run -0 jq -r '.lines[0].status' <<<"$(oms-order show O3)"
	assert_output backordered
	run -65 oms-order show O9
	assert_output 'oms-order: unknown order "O9"'
}

@test "show --format csv: one row per record" {
	orders_store
	run -0 oms-order show O2 --format csv
	output=$(printf '%s\n' "$output" | fixed_times)
	assert_output - <<'EOF'
order_id,record,line_no,ref,node_id,qty,status,at,data
O2,order,,,,,allocated,TIME,"{""order_id"":""O2"",""channel"":""phone"",""customer_id"":""C1"",""created_at"":""TIME"",""priority"":5,""promise_date"":null,""ship_name"":""Ann Lee"",""ship_address1"":"""",""ship_city"":""New York"",""ship_region"":"""",""ship_postal_code"":""10001"",""ship_country"":""US"",""ship_lat"":null,""ship_lon"":null,""ship_complete"":false,""shipping_charge"":0.00,""held"":false,""status"":""allocated""}"
O2,line,1,,,3,allocated,,"{""line_no"":1,""sku"":""A1"",""qty"":3,""unit_price"":19.99,""discount"":0.00,""method"":""ship"",""pickup_node"":null,""status"":""allocated"",""open"":0,""backordered"":0,""backorder_reason"":null,""allocated"":3,""routed"":0,""released"":0,""shipped"":0,""cancelled"":0,""returned"":0,""cancel_requested"":0}"
O2,allocation,1,,,3,,,"{""line_no"":1,""sku"":""A1"",""allocated"":3,""backordered"":0,""backorder_reason"":null}"
O2,event,,9,,,order.created,TIME,"{""seq"":9,""at"":""TIME"",""type"":""order.created"",""payload"":{""order_id"":""O2"",""channel"":""phone"",""lines"":1,""units"":3}}"
O2,event,,13,,,line.allocated,TIME,"{""seq"":13,""at"":""TIME"",""type"":""line.allocated"",""payload"":{""line_no"":1,""sku"":""A1"",""allocated"":3,""backordered"":0,""reason"":null,""previous"":0}}"
EOF
	run -0 oms-order show O2 --format jsonl
	assert_equal "${#lines[@]}" 5
	run -0 jq -r 'select(.record == "line") | .data.status' <<<"$output"
	assert_output allocated
}

# Releases, confirmations, returns, receipts and refunds made by the real
# oms-route, oms-release, oms-release --confirm and oms-return: the view
# reads them all.
@test "show: releases, shipments with tracking, returns, receipts, refunds and appeasements" {
	orders_store
	routed --order O1
	released
	confirmed <<<"O1,DC1,1,shipped,3,UPS,1Z999,2026-11-27T15:00:00Z"
	printf 'order_id,line_no,qty,reason,channel,node_id\nO1,1,1,too small,mail,DC1\n' |
	    oms-return -q authorize --at 2026-11-28T09:00:00Z - > authorized.out
	printf 'rma_id,line_no,qty,condition\nRMA-O1-1,1,1,new\n' |
	    oms-return -q receive --at 2026-11-29T10:00:00Z - > received.out
	printf 'order_id,amount,reason\nO1,5.00,late delivery\n' |
	    oms-return -q appease --at 2026-11-29T11:00:00Z - > appeased.out
	consistent
	run -0 jq -c '.releases, .shipments, .returns, .receipts, .refunds, .appeasements, .routing' <<<"$(oms-order show O1)"
	# released_at is the time of the oms-release run
	output=$(printf '%s\n' "$output" | sed -E 's/"released_at":"[0-9-]{10}T[0-9:]{8}Z"/"released_at":"TIME"/g')
	assert_output - <<'EOF'
[{"release_id":"20261127-DC1-000001","node_id":"DC1","released_at":"TIME","business_day":"2026-11-27","line_no":1,"qty":4,"shipped":3,"short":0,"cancelled":0,"cancel_requested":0},{"release_id":"20261127-DC1-000001","node_id":"DC1","released_at":"TIME","business_day":"2026-11-27","line_no":2,"qty":2,"shipped":0,"short":0,"cancelled":0,"cancel_requested":0}]
[{"release_id":"20261127-DC1-000001","node_id":"DC1","line_no":1,"status":"shipped","qty":3,"carrier":"UPS","tracking":"1Z999","at":"2026-11-27T15:00:00Z"}]
[{"rma_id":"RMA-O1-1","channel":"mail","node_id":"DC1","authorized_at":"2026-11-28T09:00:00Z","line_no":1,"qty":1,"received":1,"reason":"too small"}]
[{"rma_id":"RMA-O1-1","line_no":1,"qty":1,"condition":"new","disposition":"restock","node_id":"DC1","at":"2026-11-29T10:00:00Z"}]
[{"refund_id":1,"kind":"return","line_no":1,"rma_id":"RMA-O1-1","amount":19.99,"merchandise":19.99,"restocking_fee":0,"shipping":0,"reason":"too small","tender":"original","at":"2026-11-29T10:00:00Z"}]
[{"refund_id":2,"line_no":null,"amount":5,"reason":"late delivery","tender":"original","at":"2026-11-29T11:00:00Z"}]
[{"line_no":1,"node_id":"DC1","routed":0,"released":1},{"line_no":2,"node_id":"DC1","routed":0,"released":2}]
EOF
	run -0 jq -c '.lines[] | [.status, .released, .shipped, .returned]' <<<"$(oms-order show O1)"
	assert_output - <<'EOF'
["released",1,3,1]
["released",2,0,0]
EOF
	run -0 oms-order show O1 --format csv
	assert_line --index 4 --partial 'O1,route,1,,DC1,0,,,'
	assert_line --index 5 --partial 'O1,route,2,,DC1,0,,,'
	assert_line --index 6 --partial 'O1,release,1,20261127-DC1-000001,DC1,4,,'
	assert_line --index 7 --partial 'O1,release,2,20261127-DC1-000001,DC1,2,,'
	assert_line --index 8 --partial 'O1,shipment,1,20261127-DC1-000001,DC1,3,shipped,2026-11-27T15:00:00Z,'
	assert_line --index 9 --partial 'O1,return,1,RMA-O1-1,DC1,1,,2026-11-28T09:00:00Z,'
	assert_line --index 10 --partial 'O1,receipt,1,RMA-O1-1,DC1,1,new,2026-11-29T10:00:00Z,'
	assert_line --index 11 --partial 'O1,refund,1,1,,,,2026-11-29T10:00:00Z,'
	assert_line --index 12 --partial 'O1,appeasement,,2,,,,2026-11-29T11:00:00Z,'
	# the events of every step, oldest first
	run -0 sh -c 'oms-order show O1 --format csv | grep ^O1,event, | cut -d, -f7'
	assert_output - <<'EOF'
order.created
line.allocated
line.allocated
line.routed
line.routed
release.created
line.shipped
rma.authorized
line.returned
refund.issued
refund.issued
EOF
}

@test "customer: every order of one customer, oldest first" {
	orders_store
	run -0 oms-order customer C1
	run -0 jq -c '[.customer.name, .customer.tier, [.orders[].order.order_id], [.orders[].lines | length]]' <<<"$output"
	assert_output '["Ann Lee","gold",["O1","O2"],[2,1]]'
	run -0 oms-order customer C1 --format csv
	assert_line --index 1 --partial 'customer,,C1,,,,,"{""customer_id"":""C1"",""name"":""Ann Lee""'
	run -0 sh -c 'oms-order customer C1 --format csv | cut -d, -f1,2 | uniq'
	assert_output - <<'EOF'
order_id,record
,customer
O1,order
O1,line
O1,allocation
O1,event
O2,order
O2,line
O2,allocation
O2,event
EOF
	# orders may name a customer the store has no record of
	given orders <<'EOF'
order_id,line_no,sku,qty,customer_id,created_at
O4,1,B2,1,C9,2026-11-20T08:00:00Z
EOF
	run -0 jq -c '[.customer, [.orders[].order.order_id]]' <<<"$(oms-order customer C9)"
	assert_output '[{"customer_id":"C9","name":null,"email":null,"phone":null,"tier":null,"store_credit":0},["O4"]]'
	run -65 oms-order customer C404
	assert_output 'oms-order: unknown customer "C404"'
	# a customer with no orders has an empty list
	given customers <<'EOF'
customer_id,name
C5,New Person
EOF
	run -0 oms-order customer C5
	assert_output - <<'EOF'
{
  "customer": {"customer_id":"C5","name":"New Person","email":"","phone":"","tier":"","store_credit":0.00},
  "orders": []
}
EOF
}

# ---------------------------------------------------------------------
# the command line

@test "usage errors exit 64 and change nothing" {
	orders_store
	before=$(state)
	usage_fails "oms-order: what to do? (show, customer, credit, cancel, hold, unhold, address, reduce, priority, add, raise, swap, method, adjust, spend, apply, expire-backorders)"
	usage_fails 'oms-order: unknown command "refund"' refund O1
	usage_fails "oms-order: cancel takes order [line [qty]]" cancel O1 1 2 3
	usage_fails "oms-order: reduce takes order line qty" reduce O1 1
	usage_fails "oms-order: which one? (an order id, or a customer id)" show
	usage_fails "oms-order: show, customer and credit only read: --dry-run, --input-format, --rejects, --by, --reason, --tender, --code, --ref, --ship-*, --price, --discount and --node do not apply" show O1 --dry-run
	usage_fails "oms-order: changes write no records: --format, -o and --safe-csv do not apply (see oms-order show)" cancel O1 --format csv
	usage_fails "oms-order: --rejects and --input-format are for a stream of changes" cancel O1 --rejects r.csv
	usage_fails "oms-order: --ship-* are for address" hold O1 fraud --ship-city X
	usage_fails "oms-order: --ship-* are for one address change on the command line; a stream gives ship_* columns" apply --ship-city X
	assert_equal "$(state)" "$before"
	run -0 oms-order --help
	assert_line --index 0 "usage: oms-order [-hqv] [--busy-timeout ms] [--db path] [--format format]"
	run -0 oms-order --version
	assert_output "oms-order (oms) 0.1.0"
}

@test "a busy store: exit 75, nothing changed" {
	orders_store
	before=$(state)
	hold_lock 3
	run -75 oms-order --busy-timeout 200 cancel O1
	assert_output "oms-order: $OMS_DB: store is busy (another oms command holds it); try again later"
	release_lock
	assert_equal "$(state)" "$before"
}

# (issue 17, item 16: method=SHIP was refused while booleans ignore case)
@test "a change's action and hold_type in any case, as booleans: stored in lowercase" {
	orders_store
	run -0 oms-order -q apply - <<'EOF2'
order_id,action,hold_type
O2,HOLD,Fraud
EOF2
	run -0 oms-order -q hold O1 PAYMENT
	run -0 oms-order -q cancel - <<'EOF2'
order_id,action,line_no,qty
O3,Cancel,1,1
EOF2
	run -0 sqlite3 "$OMS_DB" "select order_id, hold_type from order_hold order by order_id; select cancelled from order_line where order_id = 'O3'"
	assert_output - <<'EOF2'
O1|payment
O2|fraud
1
EOF2
	run -65 oms-order -q cancel - <<'EOF2'
order_id,action,line_no,qty
O3,Hold,1,1
EOF2
	assert_line --index 0 'oms-order: -:2: action must be cancel here (oms-order cancel), got "Hold"'
}

@test "a key is checked as oms-import checks it: leading or trailing spaces are refused with the same words" {
	orders_store
	before=$(state)
	printf 'order_id,action,priority\n O1,priority,1\nO1 ,priority,1\n' > spaced.csv
	run -65 --separate-stderr oms-order apply spaced.csv
	assert_equal "$stderr" 'oms-order: spaced.csv:2: order_id has leading or trailing spaces, got " O1"
oms-order: spaced.csv:3: order_id has leading or trailing spaces, got "O1 "
oms-order: 2 bad changes; nothing applied (use --rejects FILE to apply the good ones)'
	run -65 --separate-stderr oms-order priority ' O1' 1
	assert_equal "$stderr" 'oms-order: order_id has leading or trailing spaces, got " O1"'
	assert_equal "$(state)" "$before"
}
