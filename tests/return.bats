# oms-return: authorise, receive, refund, appease.  Each case starts from
# a small store (tests/data/return) whose orders were imported, allocated
# by the real oms-allocate, routed by oms-route, released by oms-release
# and confirmed shipped by oms-release --confirm; after every step the stock,
# the line buckets and the money are checked, and oms-report check passes.
load helper

R=$DATA/return
HDR=rma_id,order_id,line_no,sku,qty,amount,reason,channel,node_id,condition,disposition,merchandise,restocking_fee,shipping,refund_id
LINES=order_id,line_no,sku,qty,status,open,backordered,allocated,routed,released,shipped,cancelled,returned,nodes

# The real pipeline after oms-allocate: oms-route routes R1 (only DC1 has
# its stock) and oms-release releases it there on 1 October, as release
# 20261001-DC1-000001; R2 stays allocated.
route_and_release() {
	oms-import -q rates "$DATA/rates.csv" &&
	oms-route -q --order R1 > /dev/null &&
	oms-release -q --day 2026-10-01 -o release.out &&
	[ "$(sqlite3 "$OMS_DB" "select group_concat(release_id) from release")" = 20261001-DC1-000001 ]
}

# Ship QTY units of line LINE of ORDER at time AT with oms-release --confirm:
# the confirmation row of the line's release (read back from the store),
# status shipped, a tracking number of its own so that a line may ship in
# several parcels.
ship() {
	local order=$1 line=$2 qty=$3 at=$4 rel

	rel=$(sqlite3 "$OMS_DB" "select release_id from release_line
	    where order_id = '$order' and line_no = $line")
	shipments=$((${shipments:-0} + 1))
	printf 'release_id,line_no,status,qty,carrier,tracking,at\n%s,%s,shipped,%s,UPS,1Z%03d,%s\n' \
	    "$rel" "$line" "$qty" "$shipments" "$at" > ship-$shipments.csv
	oms-release -q --confirm ship-$shipments.csv
}

# The network, two orders allocated, R1 routed and released to DC1 and
# shipped whole on 5 November (unless "unshipped").
#   R1 line 1: 3 x A1 at 20.00 less 1.00 discount = 59.00
#   R1 line 2: 2 x B2 at 5.00 = 10.00; shipping 6.99 for the 5 units
#   R2 line 1: 1 x B2 at 5.00 less 0.50, allocated, not shipped
returns_store() {
	oms-import -q nodes "$R/nodes.csv"
	oms-import -q items "$R/items.csv"
	oms-import -q inventory "$R/inventory.csv"
	oms-import -q orders "$R/orders.csv"
	oms-allocate -q > allocate.out
	route_and_release
	if [ "${1-}" != unshipped ]; then
		ship R1 1 3 2026-11-05T10:00:00Z
		ship R1 2 2 2026-11-05T10:00:00Z
	fi
}

# oms-report check finds nothing wrong.
consistent() {
	run -0 oms-report check
	assert_output "$CHECK_HEAD"
}

lines_are() {
	run -0 oms-report lines
	assert_output -
}

# on_hand of every inventory row: node|sku|on_hand
stock_is() {
	run -0 sqlite3 "$OMS_DB" "select node_id, sku, on_hand from inventory order by 1, 2"
	assert_output -
}

# Every refund: order|line|rma|kind|amount|merchandise|fee|shipping|reason
refunds_are() {
	run -0 sqlite3 "$OMS_DB" "select order_id, quote(line_no), quote(rma_id), kind, amount,
	    merchandise, restocking_fee, shipping, reason from refund order by refund_id"
	assert_output -
}

# Events of the returns, oldest first: order|type|payload
return_events() {
	sqlite3 "$OMS_DB" "select order_id, type, payload from event where type in
	    ('rma.authorized', 'line.returned', 'refund.issued') or
	    (type = 'inventory.delta' and payload like '%\"return\"%') order by seq"
}

# Authorise (--at 2026-11-20) the CSV rows on standard input; exit 0.
authorized() {
	printf 'order_id,line_no,qty,reason,channel,node_id\n' > auth.csv
	cat >> auth.csv
	oms-return -q authorize --at 2026-11-20 "$@" auth.csv > authorized.out
}

# Receive (--at 2026-11-21) the CSV rows on standard input; exit 0.
received() {
	printf 'rma_id,line_no,qty,condition,node_id\n' > recv.csv
	cat >> recv.csv
	oms-return -q receive --at 2026-11-21 "$@" recv.csv > received.out
}

# ---------------------------------------------------------------------
# authorise

@test "authorize: one RMA per order and channel, its lines emitted; nothing moves yet" {
	returns_store
	cat > auth.csv <<'EOF'
order_id,line_no,qty,reason,channel,node_id
R1,1,1,defective,store,ST1
R1,2,2,changed_mind,mail,
EOF
	run -0 --separate-stderr oms-return authorize --at 2026-11-20 auth.csv
	assert_output - <<EOF
$HDR
RMA-R1-1,R1,1,A1,1,,defective,store,ST1,,,,,,
RMA-R1-2,R1,2,B2,2,,changed_mind,mail,,,,,,,
EOF
	assert_equal "$stderr" "oms-return: 2 lines authorised (3 units) in 2 RMAs, 0 rejected"
	run -0 sqlite3 "$OMS_DB" "select rma_id, order_id, channel, quote(node_id), authorized_at
	    from rma order by 1; select rma_id, line_no, order_id, qty, received, reason
	    from rma_line order by 1, 2"
	assert_output - <<'EOF'
RMA-R1-1|R1|store|'ST1'|2026-11-20T00:00:00Z
RMA-R1-2|R1|mail|NULL|2026-11-20T00:00:00Z
RMA-R1-1|1|R1|1|0|defective
RMA-R1-2|2|R1|2|0|changed_mind
EOF
	run -0 return_events
	assert_output - <<'EOF'
R1|rma.authorized|{"rma_id":"RMA-R1-1","channel":"store","node_id":"ST1","lines":[{"line_no":1,"sku":"A1","qty":1,"reason":"defective"}]}
R1|rma.authorized|{"rma_id":"RMA-R1-2","channel":"mail","node_id":null,"lines":[{"line_no":2,"sku":"B2","qty":2,"reason":"changed_mind"}]}
EOF
	# an authorisation moves no stock, no units and no money
	lines_are <<EOF
$LINES
R1,1,A1,3,shipped,0,0,0,0,0,3,0,0,DC1
R1,2,B2,2,shipped,0,0,0,0,0,2,0,0,DC1
R2,1,B2,1,allocated,0,0,1,0,0,0,0,0,
EOF
	stock_is <<'EOF'
DC1|A1|7
DC1|B2|8
EOF
	refunds_are <<<""
	consistent
	# the next authorisation of the order gets the next number
	printf 'order_id,line_no,qty,reason\nR1,1,1,too small\n' > more.csv
	run -0 oms-return -q authorize --at 2026-11-20 more.csv
	assert_output - <<EOF
$HDR
RMA-R1-3,R1,1,A1,1,,too small,mail,,,,,,,
EOF
}

@test "authorize: the return window runs from the latest shipment; --window widens it" {
	returns_store unshipped
	ship R1 1 1 2026-10-01T12:00:00Z
	ship R1 1 2 2026-10-02T12:00:00Z
	printf 'order_id,line_no,qty,reason\nR1,1,1,changed_mind\n' > auth.csv
	# 30 days after the latest shipment, to the second: still in time
	run -0 oms-return -q --dry-run authorize --at 2026-11-01T12:00:00Z auth.csv
	assert_line --index 1 "RMA-R1-1,R1,1,A1,1,,changed_mind,mail,,,,,,,"
	before=$(state)
	run -65 oms-return authorize --at 2026-11-01T12:00:01Z auth.csv
	assert_output - <<'EOF'
oms-return: auth.csv:2: line 1 of order "R1" shipped 2026-10-02T12:00:00Z: past the 30-day return window, which closed 2026-11-01T12:00:00Z
oms-return: 1 bad record; nothing done (use --rejects FILE to apply the good ones)
EOF
	assert_equal "$(state)" "$before"
	run -0 oms-return -q authorize --at 2026-11-20 --window 60 auth.csv
	assert_line --index 1 "RMA-R1-1,R1,1,A1,1,,changed_mind,mail,,,,,,,"
	consistent
}

@test "authorize: never more than shipped less returned and already authorised" {
	returns_store unshipped
	ship R1 1 2 2026-11-05T10:00:00Z
	printf 'order_id,line_no,qty,reason\nR1,1,3,defective\nR2,1,1,defective\nR9,1,1,x\nR1,7,1,x\n' > auth.csv
	before=$(state)
	run -65 oms-return authorize --at 2026-11-20 auth.csv
	assert_output - <<'EOF'
oms-return: auth.csv:2: qty 3 is more than the 2 units of line 1 of order "R1" that can still be returned (shipped 2, returned 0, authorised and not yet received 0)
oms-return: auth.csv:3: line 1 of order "R2" has not shipped: nothing to return
oms-return: auth.csv:4: unknown order "R9"
oms-return: auth.csv:5: order "R1" has no line 7
oms-return: 4 bad records; nothing done (use --rejects FILE to apply the good ones)
EOF
	assert_equal "$(state)" "$before"
	authorized <<'EOF'
R1,1,2,defective,mail,DC1
EOF
	# authorised units not yet back count against what is left
	printf 'order_id,line_no,qty,reason\nR1,1,1,defective\n' > again.csv
	before=$(state)
	run -65 oms-return authorize --at 2026-11-20 again.csv
	assert_line --index 0 'oms-return: again.csv:2: qty 1 is more than the 0 units of line 1 of order "R1" that can still be returned (shipped 2, returned 0, authorised and not yet received 2)'
	assert_equal "$(state)" "$before"
	# once they are back, they still count: returned units cannot come back twice
	received <<'EOF'
RMA-R1-1,1,2,new,
EOF
	run -65 oms-return authorize --at 2026-11-20 again.csv
	assert_line --index 0 'oms-return: again.csv:2: qty 1 is more than the 0 units of line 1 of order "R1" that can still be returned (shipped 2, returned 2, authorised and not yet received 0)'
	lines_are <<EOF
$LINES
R1,1,A1,3,released,0,0,0,0,1,2,0,2,DC1
R1,2,B2,2,released,0,0,0,0,2,0,0,0,DC1
R2,1,B2,1,allocated,0,0,1,0,0,0,0,0,
EOF
	consistent
}

@test "authorize: the channel and the receiving node must fit, and the node must take returns" {
	returns_store
	cat > auth.csv <<'EOF'
order_id,line_no,qty,reason,channel,node_id
R1,1,1,defective,store,
R1,1,1,defective,store,ST2
R1,1,1,defective,store,ST3
R1,1,1,defective,store,DC1
R1,1,1,defective,locker,ST1
R1,1,1,defective,post,
R1,1,1,defective,mail,NOPE
R1,1,0,defective,mail,
R1,x,1,defective,mail,
R1,2,1,,mail,
,2,1,defective,mail,
EOF
	before=$(state)
	run -65 --separate-stderr oms-return authorize --at 2026-11-20 auth.csv
	assert_output ""
	assert_equal "$stderr" 'oms-return: auth.csv:2: a return in store needs node_id: the store that takes it back
oms-return: auth.csv:3: node "ST2" does not accept returns
oms-return: auth.csv:4: node "ST3" is not active
oms-return: auth.csv:5: node "DC1" is a warehouse, not a store
oms-return: auth.csv:6: node "ST1" is a store, not a locker
oms-return: auth.csv:7: channel must be store, mail, locker or dropoff, got "post"
oms-return: auth.csv:8: node_id "NOPE" is not a known node
oms-return: auth.csv:9: qty must be a positive integer, got "0"
oms-return: auth.csv:10: line_no must be a positive integer, got "x"
oms-return: auth.csv:11: reason is empty
oms-return: auth.csv:12: order_id is empty
oms-return: 11 bad records; nothing done (use --rejects FILE to apply the good ones)'
	assert_equal "$(state)" "$before"
	# a locker that takes returns, and drop-off with no node named
	authorized <<'EOF'
R1,1,1,defective,locker,LK1
R1,2,1,wrong_item,dropoff,
EOF
	run -0 sqlite3 "$OMS_DB" "select rma_id, channel, quote(node_id) from rma order by 1"
	assert_output - <<'EOF'
RMA-R1-1|locker|'LK1'
RMA-R1-2|dropoff|NULL
EOF
}

# ---------------------------------------------------------------------
# receive and refund

@test "receive in store: the store is restocked, the refund paid, a backorder there fills" {
	returns_store
	# a pickup order at ST1, which has no A1: backordered
	printf 'order_id,line_no,sku,qty,method,pickup_node,created_at\nP1,1,A1,1,pickup,ST1,2026-11-20\n' |
	    oms-import -q orders -
	run -0 oms-allocate -q
	assert_output - <<'EOF'
order_id,line_no,sku,qty,allocated,backordered,reason
P1,1,A1,1,0,1,no stock at the pickup store
EOF
	authorized <<'EOF'
R1,1,1,defective,store,ST1
EOF
	printf 'rma_id,line_no,qty,condition\nRMA-R1-1,1,1,new\n' > recv.csv
	run -0 --separate-stderr oms-return receive --at 2026-11-21 recv.csv
	# 20.00 less a third of the 1.00 discount (0.33), plus a fifth of the
	# 6.99 shipping (1.39): the item was defective
	assert_output - <<EOF
$HDR
RMA-R1-1,R1,1,A1,1,21.06,defective,store,ST1,new,restock,19.67,0.00,1.39,1
EOF
	assert_equal "$stderr" "oms-return: 1 line received (1 unit: 1 restocked, 0 damaged); 1 refund, 21.06 in all; 0 rejected"
	stock_is <<'EOF'
DC1|A1|7
DC1|B2|8
ST1|A1|1
EOF
	run -0 sqlite3 "$OMS_DB" "select rma_id, line_no, qty, condition, disposition, node_id, at
	    from receipt; select received from rma_line"
	assert_output - <<'EOF'
RMA-R1-1|1|1|new|restock|ST1|2026-11-21T00:00:00Z
1
EOF
	refunds_are <<'EOF'
R1|1|'RMA-R1-1'|return|2106|1967|0|139|defective
EOF
	run -0 return_events
	assert_output - <<'EOF'
R1|rma.authorized|{"rma_id":"RMA-R1-1","channel":"store","node_id":"ST1","lines":[{"line_no":1,"sku":"A1","qty":1,"reason":"defective"}]}
R1|line.returned|{"rma_id":"RMA-R1-1","line_no":1,"sku":"A1","qty":1,"condition":"new","disposition":"restock","node_id":"ST1"}
|inventory.delta|{"node_id":"ST1","sku":"A1","delta":1,"on_hand":1,"reason":"return","rma_id":"RMA-R1-1"}
R1|refund.issued|{"refund_id":1,"kind":"return","rma_id":"RMA-R1-1","line_no":1,"amount":21.06,"merchandise":19.67,"restocking_fee":0.00,"shipping":1.39,"reason":"defective","tender":"original"}
EOF
	consistent
	# the returned unit is the store's again: the backorder fills
	run -0 oms-allocate -q
	assert_output - <<'EOF'
order_id,line_no,sku,qty,allocated,backordered,reason
P1,1,A1,1,1,0,
EOF
	lines_are <<EOF
$LINES
P1,1,A1,1,allocated,0,0,1,0,0,0,0,0,
R1,1,A1,3,shipped,0,0,0,0,0,3,0,1,DC1
R1,2,B2,2,shipped,0,0,0,0,0,2,0,0,DC1
R2,1,B2,1,allocated,0,0,1,0,0,0,0,0,
EOF
	consistent
}

@test "receive by mail: opened pays a restocking fee, damaged is kept off the shelf" {
	returns_store
	authorized <<'EOF'
R1,2,2,changed_mind,mail,
EOF
	cat > recv.csv <<'EOF'
rma_id,line_no,qty,condition,node_id
RMA-R1-1,2,1,opened,DC1
RMA-R1-1,2,1,damaged,DC1
EOF
	run -0 oms-return -q receive --at 2026-11-21 recv.csv
	# not the seller's fault: no shipping back; opened 10%, damaged 25%
	assert_output - <<EOF
$HDR
RMA-R1-1,R1,2,B2,1,4.50,changed_mind,mail,DC1,opened,restock,5.00,0.50,0.00,1
RMA-R1-1,R1,2,B2,1,3.75,changed_mind,mail,DC1,damaged,damaged,5.00,1.25,0.00,2
EOF
	stock_is <<'EOF'
DC1|A1|7
DC1|B2|9
EOF
	run -0 sqlite3 "$OMS_DB" "select condition, disposition from receipt order by seq"
	assert_output - <<'EOF'
opened|restock
damaged|damaged
EOF
	lines_are <<EOF
$LINES
R1,1,A1,3,shipped,0,0,0,0,0,3,0,0,DC1
R1,2,B2,2,shipped,0,0,0,0,0,2,0,2,DC1
R2,1,B2,1,allocated,0,0,1,0,0,0,0,0,
EOF
	consistent
}

@test "receive: --fee-* set the restocking fees; a seller's fault pays none and refunds shipping" {
	returns_store
	authorized <<'EOF'
R1,2,1,changed_mind,mail,DC1
R1,1,1,wrong_item,mail,DC1
EOF
	cat > recv.csv <<'EOF'
rma_id,line_no,qty,condition
RMA-R1-1,2,1,opened
RMA-R1-1,1,1,damaged
EOF
	run -0 oms-return -q receive --at 2026-11-21 --fee-opened 12.5 --fee-damaged 100 recv.csv
	assert_output - <<EOF
$HDR
RMA-R1-1,R1,2,B2,1,4.37,changed_mind,mail,DC1,opened,restock,5.00,0.63,0.00,1
RMA-R1-1,R1,1,A1,1,21.06,wrong_item,mail,DC1,damaged,damaged,19.67,0.00,1.39,2
EOF
	consistent
}

@test "partial returns: unit by unit, the refunds add up to exactly what was paid" {
	returns_store
	authorized <<'EOF'
R1,1,2,defective,mail,DC1
R1,2,1,defective,mail,DC1
EOF
	received <<'EOF'
RMA-R1-1,1,1,new,
EOF
	lines_are <<EOF
$LINES
R1,1,A1,3,shipped,0,0,0,0,0,3,0,1,DC1
R1,2,B2,2,shipped,0,0,0,0,0,2,0,0,DC1
R2,1,B2,1,allocated,0,0,1,0,0,0,0,0,
EOF
	run -0 sqlite3 "$OMS_DB" "select line_no, qty, received from rma_line order by 1"
	assert_output - <<'EOF'
1|2|1
2|1|0
EOF
	received <<'EOF'
RMA-R1-1,1,1,opened,
RMA-R1-1,2,1,new,
EOF
	authorized <<'EOF'
R1,1,1,defective,mail,DC1
R1,2,1,defective,mail,DC1
EOF
	received <<'EOF'
RMA-R1-2,1,1,new,
RMA-R1-2,2,1,new,
EOF
	# line 1: 59.00 + 4.19 of the shipping; line 2: 10.00 + 2.80
	refunds_are <<'EOF'
R1|1|'RMA-R1-1'|return|2106|1967|0|139|defective
R1|1|'RMA-R1-1'|return|2107|1967|0|140|defective
R1|2|'RMA-R1-1'|return|640|500|0|140|defective
R1|1|'RMA-R1-2'|return|2106|1966|0|140|defective
R1|2|'RMA-R1-2'|return|640|500|0|140|defective
EOF
	run -0 sqlite3 "$OMS_DB" "select line_no, sum(amount) from refund group by 1; select sum(amount) from refund"
	assert_output - <<'EOF'
1|6319
2|1280
7599
EOF
	lines_are <<EOF
$LINES
R1,1,A1,3,shipped,0,0,0,0,0,3,0,3,DC1
R1,2,B2,2,shipped,0,0,0,0,0,2,0,2,DC1
R2,1,B2,1,allocated,0,0,1,0,0,0,0,0,
EOF
	stock_is <<'EOF'
DC1|A1|10
DC1|B2|10
EOF
	consistent
	# everything came back: a goodwill credit has nothing kept to go on
	printf 'order_id,amount,reason\nR1,0.01,sorry\n' > app.csv
	before=$(state)
	run -65 oms-return appease app.csv
	assert_line --index 0 'oms-return: app.csv:2: nothing to appease on order "R1": none of its units shipped and kept (ordered 5, cancelled 0, shipped 5, returned 5)'
	assert_equal "$(state)" "$before"
}

@test "receive: twice the same receipt, or more than authorised, is refused" {
	returns_store
	authorized <<'EOF'
R1,1,2,defective,mail,DC1
EOF
	printf 'rma_id,line_no,qty,condition\nRMA-R1-1,1,3,new\n' > over.csv
	before=$(state)
	run -65 oms-return receive --at 2026-11-21 over.csv
	assert_output - <<'EOF'
oms-return: over.csv:2: qty 3 is more than the 2 units of line 1 of RMA "RMA-R1-1" still expected (authorised 2, received 0)
oms-return: 1 bad record; nothing done (use --rejects FILE to apply the good ones)
EOF
	assert_equal "$(state)" "$before"
	printf 'rma_id,line_no,qty,condition\nRMA-R1-1,1,2,new\n' > recv.csv
	run -0 oms-return -q receive --at 2026-11-21 recv.csv
	before=$(state)
	run -65 oms-return receive --at 2026-11-22 recv.csv
	assert_output - <<'EOF'
oms-return: recv.csv:2: line 1 of RMA "RMA-R1-1" was already received in full (2 units)
oms-return: 1 bad record; nothing done (use --rejects FILE to apply the good ones)
EOF
	assert_equal "$(state)" "$before"
	printf 'rma_id,line_no,qty,condition\nRMA-R9-1,1,1,new\nRMA-R1-1,2,1,new\nRMA-R1-1,1,1,mint\n' > bad.csv
	run -65 oms-return receive bad.csv
	assert_output - <<'EOF'
oms-return: bad.csv:2: unknown RMA "RMA-R9-1"
oms-return: bad.csv:3: RMA "RMA-R1-1" has no line 2
oms-return: bad.csv:4: condition must be new, opened, damaged or wrong_item, got "mint"
oms-return: 3 bad records; nothing done (use --rejects FILE to apply the good ones)
EOF
	assert_equal "$(state)" "$before"
	stock_is <<'EOF'
DC1|A1|9
DC1|B2|8
EOF
	consistent
}

@test "receive: the node is the RMA's unless named, and must take returns" {
	returns_store
	authorized <<'EOF'
R1,1,1,changed_mind,mail,
R1,2,1,changed_mind,store,ST1
EOF
	printf 'rma_id,line_no,qty,condition,node_id\nRMA-R1-1,1,1,new,\nRMA-R1-2,2,1,new,ST2\n' > bad.csv
	before=$(state)
	run -65 oms-return receive bad.csv
	assert_output - <<'EOF'
oms-return: bad.csv:2: node_id is empty and RMA "RMA-R1-1" names no receiving node: say where it was received
oms-return: bad.csv:3: node "ST2" does not accept returns
oms-return: 2 bad records; nothing done (use --rejects FILE to apply the good ones)
EOF
	assert_equal "$(state)" "$before"
	# brought to another store than authorised: restocked where it is
	received <<'EOF'
RMA-R1-1,1,1,new,ST1
RMA-R1-2,2,1,new,DC1
EOF
	stock_is <<'EOF'
DC1|A1|7
DC1|B2|9
ST1|A1|1
EOF
	# handed in at a locker: the node that takes it out must be named
	authorized <<'EOF'
R1,1,1,changed_mind,locker,LK1
EOF
	printf 'rma_id,line_no,qty,condition,node_id\nRMA-R1-3,1,1,opened,\n' > locker.csv
	before=$(state)
	run -65 oms-return receive locker.csv
	assert_line --index 0 'oms-return: locker.csv:2: node "LK1" is a locker, which receives no stock: name the node that received the goods in node_id'
	assert_equal "$(state)" "$before"
	sed -i 's/,$/,DC1/' locker.csv
	run -0 oms-return -q receive --at 2026-11-21 locker.csv
	assert_output - <<EOF
$HDR
RMA-R1-3,R1,1,A1,1,17.70,changed_mind,locker,DC1,opened,restock,19.67,1.97,0.00,3
EOF
	stock_is <<'EOF'
DC1|A1|8
DC1|B2|9
ST1|A1|1
EOF
	lines_are <<EOF
$LINES
R1,1,A1,3,shipped,0,0,0,0,0,3,0,2,DC1
R1,2,B2,2,shipped,0,0,0,0,0,2,0,1,DC1
R2,1,B2,1,allocated,0,0,1,0,0,0,0,0,
EOF
	consistent
}

# ---------------------------------------------------------------------
# appease

@test "appease: an amount or a percent, on a line or the order, within what is left" {
	returns_store
	cat > app.csv <<'EOF'
order_id,line_no,amount,percent,reason
R1,1,,10,late delivery
R1,,5.00,,goodwill
R1,2,,100,sorry
EOF
	run -0 --separate-stderr oms-return appease app.csv
	# 10% of line 1's 63.19 (59.00 and its 4.19 of the shipping); all of
	# line 2's 12.80 (10.00 and 2.80)
	assert_output - <<EOF
$HDR
,R1,1,A1,,6.32,late delivery,,,,,,,,1
,R1,,,,5.00,goodwill,,,,,,,,2
,R1,2,B2,,12.80,sorry,,,,,,,,3
EOF
	assert_equal "$stderr" "oms-return: 3 appeasements, 24.12 in all; 0 rejected"
	refunds_are <<'EOF'
R1|1|NULL|appeasement|632|0|0|0|late delivery
R1|NULL|NULL|appeasement|500|0|0|0|goodwill
R1|2|NULL|appeasement|1280|0|0|0|sorry
EOF
	run -0 return_events
	assert_output - <<'EOF'
R1|refund.issued|{"refund_id":1,"kind":"appeasement","rma_id":null,"line_no":1,"amount":6.32,"reason":"late delivery","tender":"original"}
R1|refund.issued|{"refund_id":2,"kind":"appeasement","rma_id":null,"line_no":null,"amount":5.00,"reason":"goodwill","tender":"original"}
R1|refund.issued|{"refund_id":3,"kind":"appeasement","rma_id":null,"line_no":2,"amount":12.80,"reason":"sorry","tender":"original"}
EOF
	consistent
}

@test "appease: past the cap, or malformed, nothing is credited" {
	returns_store
	printf 'order_id,line_no,amount,reason\nR1,2,12.00,broken box\n' | oms-return -q appease - > appeased.out
	cat > app.csv <<'EOF'
order_id,line_no,amount,percent,reason
R1,2,0.81,,still broken
R1,,64.00,,sorry
R1,,,100,sorry
R1,1,1,10,both
R1,1,,,neither
R1,1,,101,too much
R1,1,-2,,negative
R1,,,0.001,tiny
R1,2,,0.01,tiny
R9,,1,,who
EOF
	before=$(state)
	run -65 oms-return appease app.csv
	# line 2 paid 12.80 (10.00 and 2.80 of the shipping); the order 75.99
	assert_output - <<'EOF'
oms-return: app.csv:2: appeasement 0.81 is more than the 0.80 that can still be appeased on line 2 of order "R1" (paid 12.80 for the 2 units shipped and kept, appeased 12.00)
oms-return: app.csv:3: appeasement 64.00 is more than the 63.99 that can still be appeased on order "R1" (paid 75.99 for the 5 units shipped and kept, appeased 12.00)
oms-return: app.csv:4: appeasement 75.99 is more than the 63.99 that can still be appeased on order "R1" (paid 75.99 for the 5 units shipped and kept, appeased 12.00)
oms-return: app.csv:5: give amount or percent: not both
oms-return: app.csv:6: give amount or percent: neither is set
oms-return: app.csv:7: percent must be a number above 0 and at most 100 (at most 2 decimals), got "101"
oms-return: app.csv:8: amount must be a positive amount like 12.34 (at most 2 decimals), got "-2"
oms-return: app.csv:9: percent must be a number above 0 and at most 100 (at most 2 decimals), got "0.001"
oms-return: app.csv:10: percent 0.01 of the 12.80 paid for line 2 of order "R1" comes to 0.00
oms-return: app.csv:11: unknown order "R9"
oms-return: 10 bad records; nothing done (use --rejects FILE to apply the good ones)
EOF
	assert_equal "$(state)" "$before"
}

@test "a return after an appeasement is refunded only what is left of the line" {
	returns_store
	printf 'order_id,line_no,amount,reason\nR1,2,9.00,broken box\n' | oms-return -q appease - > appeased.out
	authorized <<'EOF'
R1,2,2,changed_mind,mail,DC1
EOF
	run -0 --separate-stderr oms-return -v receive --at 2026-11-21 - <<'EOF'
rma_id,line_no,qty,condition
RMA-R1-1,2,2,new
EOF
	assert_output - <<EOF
$HDR
RMA-R1-1,R1,2,B2,2,1.00,changed_mind,mail,DC1,new,restock,10.00,0.00,0.00,2
EOF
	assert_equal "${stderr_lines[0]}" 'oms-return: -:2: refund cut to 1.00, what is left to refund on line 2 of order "R1"'
	run -0 sqlite3 "$OMS_DB" "select payload from event where type = 'refund.issued' order by seq desc limit 1"
	assert_output '{"refund_id":2,"kind":"return","rma_id":"RMA-R1-1","line_no":2,"amount":1.00,"merchandise":10.00,"restocking_fee":0.00,"shipping":0.00,"capped":true,"reason":"changed_mind","tender":"original"}'
	# what was paid for its merchandise, 10.00: the goodwill does not reach
	# the line's shipping share (2.80) on a return of the customer's choice
	run -0 sqlite3 "$OMS_DB" "select sum(amount) from refund where line_no = 2"
	assert_output 1000
	consistent
}

# Appeasements (CSV on standard input, after the header) refused with exit
# 65, the messages in $1 (then the closing line), and nothing written.
appease_refused() {
	local before

	printf 'order_id,line_no,amount,percent,reason\n' > app.csv
	cat >> app.csv
	before=$(state)
	run -65 --separate-stderr oms-return appease app.csv
	assert_output ""
	assert_equal "$stderr" "$1"
	assert_equal "$(state)" "$before"
}

# Appeasements (CSV on standard input, after the header) credited: exit 0.
appeased() {
	printf 'order_id,line_no,amount,percent,reason\n' > app.csv
	cat >> app.csv
	oms-return -q appease app.csv > appeased.out
}

@test "appease: an order cancelled before it shipped has nothing to appease; nor one not yet shipped" {
	returns_store unshipped
	oms-order -q cancel R2 --reason "customer asked"
	# R2 is cancelled whole; R1 is released to DC1, not yet shipped
	appease_refused 'oms-return: app.csv:2: nothing to appease on order "R2": none of its units shipped and kept (ordered 1, cancelled 1, shipped 0, returned 0)
oms-return: app.csv:3: nothing to appease on line 1 of order "R2": none of its units shipped and kept (ordered 1, cancelled 1, shipped 0, returned 0)
oms-return: app.csv:4: nothing to appease on order "R1": none of its units shipped and kept (ordered 5, cancelled 0, shipped 0, returned 0)
oms-return: app.csv:5: nothing to appease on line 2 of order "R1": none of its units shipped and kept (ordered 2, cancelled 0, shipped 0, returned 0)
oms-return: 4 bad records; nothing done (use --rejects FILE to apply the good ones)' <<'EOF'
R2,,,100,late delivery
R2,1,0.01,,late delivery
R1,,1.00,,late delivery
R1,2,,10,late delivery
EOF
	# with --rejects the good records are done: there are none
	run -0 --separate-stderr oms-return -q appease --rejects rejected.csv app.csv
	assert_output "$HDR"
	# the only refund is the cancel's: R2's unit, 5.00 less its 0.50
	# discount, 4.50 (R2 has no shipping charge)
	refunds_are <<'EOF'
R2|1|NULL|cancel|450|450|0|0|customer asked
EOF
	consistent
}

@test "appease: a line partly cancelled is capped at what was paid for the units shipped and kept" {
	returns_store unshipped
	# one of line 1's 3 units is cancelled at the node, the rest ships
	oms-order -q cancel R1 1 1 --reason "customer asked"
	cat > conf.csv <<'EOF'
release_id,line_no,status,qty,carrier,tracking,at
20261001-DC1-000001,1,cancelled,1,,,2026-11-04T10:00:00Z
20261001-DC1-000001,1,shipped,2,UPS,1Z1,2026-11-05T10:00:00Z
20261001-DC1-000001,2,shipped,2,UPS,1Z1,2026-11-05T10:00:00Z
EOF
	oms-release -q --confirm conf.csv
	# the node's cancel refunds the unit (the last of line 1's): 20.00
	# less its 0.34 of the 1.00 discount (1.00 - floor(1.00 x 2 / 3)),
	# 19.66, refund 1; the shipping is not refunded, the order is not
	# cancelled whole
	refunds_are <<'EOF'
R1|1|NULL|cancel|1966|1966|0|0|cancelled
EOF
	# line 1 kept 2 units: 40.00 less 0.66 of the 1.00 discount, plus 2.79
	# of the 6.99 shipping (the cancelled unit's 1.40 is not kept); line 2
	# 10.00 and 2.80: the order 54.93, where 75.99 was first ordered
	appease_refused 'oms-return: app.csv:2: appeasement 42.14 is more than the 42.13 that can still be appeased on line 1 of order "R1" (paid 42.13 for the 2 units shipped and kept, appeased 0.00)
oms-return: app.csv:3: appeasement 54.94 is more than the 54.93 that can still be appeased on order "R1" (paid 54.93 for the 4 units shipped and kept, appeased 0.00)
oms-return: 2 bad records; nothing done (use --rejects FILE to apply the good ones)' <<'EOF'
R1,1,42.14,,late delivery
R1,,54.94,,late delivery
EOF
	# 100% of line 1 is what it kept; then the order has line 2's left
	appeased <<'EOF'
R1,1,,100,late delivery
EOF
	assert_equal "$(cat appeased.out)" "$HDR
,R1,1,A1,,42.13,late delivery,,,,,,,,2"
	appease_refused 'oms-return: app.csv:2: appeasement 54.93 is more than the 12.80 that can still be appeased on order "R1" (paid 54.93 for the 4 units shipped and kept, appeased 42.13)
oms-return: app.csv:3: appeasement 0.01 is more than the 0.00 that can still be appeased on line 1 of order "R1" (paid 42.13 for the 2 units shipped and kept, appeased 42.13)
oms-return: 2 bad records; nothing done (use --rejects FILE to apply the good ones)' <<'EOF'
R1,,,100,late delivery
R1,1,0.01,,late delivery
EOF
	appeased <<'EOF'
R1,,12.80,,late delivery
EOF
	# line 2 has its 12.80 on its own, but the order has nothing left
	appease_refused 'oms-return: app.csv:2: appeasement 0.01 is more than the 0.00 that can still be appeased on order "R1" (paid 54.93 for the 4 units shipped and kept, appeased 54.93)
oms-return: 1 bad record; nothing done (use --rejects FILE to apply the good ones)' <<'EOF'
R1,2,0.01,,late delivery
EOF
	# in all 19.66 + 42.13 + 12.80 = 74.59 of the 75.99 paid: the 1.40
	# left is the cancelled unit's shipping share, kept by the seller
	refunds_are <<'EOF'
R1|1|NULL|cancel|1966|1966|0|0|cancelled
R1|1|NULL|appeasement|4213|0|0|0|late delivery
R1|NULL|NULL|appeasement|1280|0|0|0|late delivery
EOF
	consistent
}

@test "appease: units returned, or on their way back, and earlier appeasements come off" {
	returns_store
	# one unit of line 1 comes back (refunded 19.67), one more is on its way
	authorized <<'EOF'
R1,1,2,changed_mind,mail,DC1
EOF
	received <<'EOF'
RMA-R1-1,1,1,new,
EOF
	appeased <<'EOF'
R1,1,5.00,,late delivery
R1,,3.00,,late delivery
EOF
	# line 1 keeps its third unit: 20.00 less 0.34 of the discount, plus
	# 1.40 of the shipping; the order that and line 2's 12.80
	appease_refused 'oms-return: app.csv:2: appeasement 16.07 is more than the 16.06 that can still be appeased on line 1 of order "R1" (paid 21.06 for the 1 unit shipped and kept, appeased 5.00)
oms-return: app.csv:3: appeasement 25.87 is more than the 25.86 that can still be appeased on order "R1" (paid 33.86 for the 3 units shipped and kept, appeased 8.00)
oms-return: app.csv:4: appeasement 21.06 is more than the 16.06 that can still be appeased on line 1 of order "R1" (paid 21.06 for the 1 unit shipped and kept, appeased 5.00)
oms-return: 3 bad records; nothing done (use --rejects FILE to apply the good ones)' <<'EOF'
R1,1,16.07,,late delivery
R1,,25.87,,late delivery
R1,1,,100,late delivery
EOF
	# the unit on its way back arrives: line 1 keeps 1 unit, as before
	received <<'EOF'
RMA-R1-1,1,1,new,
EOF
	appeased <<'EOF'
R1,1,16.06,,late delivery
EOF
	appease_refused 'oms-return: app.csv:2: appeasement 9.81 is more than the 9.80 that can still be appeased on order "R1" (paid 33.86 for the 3 units shipped and kept, appeased 24.06)
oms-return: 1 bad record; nothing done (use --rejects FILE to apply the good ones)' <<'EOF'
R1,2,9.81,,late delivery
EOF
	consistent
}

@test "appease: the KPI appeasement share stays within 0 and 1" {
	returns_store
	oms-order -q cancel R2 --reason "customer asked"
	# R1 wholly appeased; R2, cancelled, refused
	printf 'order_id,percent,reason\nR1,100,late delivery\nR2,100,late delivery\n' > app.csv
	run -0 --separate-stderr oms-return appease --rejects rejected.csv app.csv
	assert_equal "$stderr" 'oms-return: app.csv:3: nothing to appease on order "R2": none of its units shipped and kept (ordered 1, cancelled 1, shipped 0, returned 0)
oms-return: 1 appeasement, 75.99 in all; 1 rejected'
	run -0 oms-report kpi --format jsonl
	assert_line --index 0 --partial '"revenue":75.99,"refund_share":0.0000,"appeasement_share":1.0000,"adjustment_share":0.0000}'
	# a discount that does not divide: 1 of 3 units at 10.00 less 1.00
	# shipped and wholly appeased is 9.67, revenue and appeasement alike
	oms-import -q orders - <<'EOF'
order_id,line_no,sku,qty,created_at,unit_price,discount,ship_lat,ship_lon
R3,1,A1,3,2026-11-03,10.00,1.00,40.75,-73.99
EOF
	oms-allocate -q > /dev/null
	oms-route -q --order R3 > /dev/null
	oms-release -q --day 2026-11-04 > /dev/null
	ship R3 1 1 2026-11-05T10:00:00Z
	printf 'order_id,percent,reason\nR3,100,late delivery\n' | oms-return -q appease - > /dev/null
	run -0 oms-report kpi --format jsonl
	assert_line --index 0 --partial '"revenue":85.66,"refund_share":0.0000,"appeasement_share":1.0000,"adjustment_share":0.0000}'
	# R2's cancel refund (5.00 less 0.50) is not revenue and stays out of
	# the shares
	run -0 sqlite3 "$OMS_DB" "select kind, sum(amount) from refund group by kind order by kind"
	assert_output - <<'EOF'
appeasement|8566
cancel|450
EOF
}

# ---------------------------------------------------------------------
# oms-report check and the returns' foreign keys

# Break the store with the SQL in $1 (foreign keys off); oms-report check
# exits 1 and prints exactly standard input; the SQL in $2 mends it.
broken_by() {
	sqlite3 "$OMS_DB" "pragma foreign_keys = off; $1"
	run -1 oms-report check
	assert_output -
	sqlite3 "$OMS_DB" "$2"
	consistent
}

@test "oms-report check: an RMA, its lines, a refund or a hold whose parent is gone" {
	returns_store
	authorized <<'EOF'
R1,1,1,defective,store,ST1
EOF
	printf 'rma_id,line_no,qty,condition\nRMA-R1-1,1,1,new\n' > recv.csv
	oms-return -q receive --at 2026-11-21 recv.csv > received.out
	consistent
	broken_by "UPDATE rma SET order_id = 'GONE'" "UPDATE rma SET order_id = 'R1'" <<'EOF'
check,subject,detail
foreign_key,rma row ?,refers to a missing orders
EOF
	broken_by "UPDATE rma SET node_id = 'GONE'" "UPDATE rma SET node_id = 'ST1'" <<'EOF'
check,subject,detail
foreign_key,rma row ?,refers to a missing node
EOF
	broken_by "INSERT INTO rma_line (rma_id, line_no, order_id, qty, reason)
	    VALUES ('RMA-R1-1', 9, 'R1', 1, 'x')" "DELETE FROM rma_line WHERE line_no = 9" <<'EOF'
check,subject,detail
foreign_key,rma_line row ?,refers to a missing order_line
EOF
	broken_by "INSERT INTO rma_line (rma_id, line_no, order_id, qty, reason)
	    VALUES ('GONE', 1, 'R1', 1, 'x')" "DELETE FROM rma_line WHERE rma_id = 'GONE'" <<'EOF'
check,subject,detail
foreign_key,rma_line row ?,refers to a missing rma
EOF
	broken_by "INSERT INTO refund (order_id, kind, amount, at)
	    VALUES ('GONE', 'appeasement', 1, '2026-11-22T00:00:00Z')" \
	    "DELETE FROM refund WHERE order_id = 'GONE'" <<'EOF'
check,subject,detail
foreign_key,refund row 2,refers to a missing orders
EOF
	broken_by "INSERT INTO refund (order_id, rma_id, kind, amount, at)
	    VALUES ('R1', 'GONE', 'return', 1, '2026-11-22T00:00:00Z')" \
	    "DELETE FROM refund WHERE rma_id = 'GONE'" <<'EOF'
check,subject,detail
foreign_key,refund row 2,refers to a missing rma
EOF
	broken_by "INSERT INTO order_hold (order_id, hold_type, held_at)
	    VALUES ('GONE', 'fraud', '2026-11-22T00:00:00Z')" "DELETE FROM order_hold" <<'EOF'
check,subject,detail
foreign_key,order_hold row ?,refers to a missing orders
EOF
	broken_by "INSERT INTO inventory (node_id, sku, on_hand, as_of)
	    VALUES ('GONE', 'A1', 1, '2026-11-22T00:00:00Z')" \
	    "DELETE FROM inventory WHERE node_id = 'GONE'" <<'EOF'
check,subject,detail
foreign_key,inventory row ?,refers to a missing node
EOF
	broken_by "UPDATE item SET vendor_node = 'GONE' WHERE sku = 'A1'" \
	    "UPDATE item SET vendor_node = NULL WHERE sku = 'A1'" <<'EOF'
check,subject,detail
foreign_key,item row ?,refers to a missing node
EOF
	broken_by "UPDATE receipt SET line_no = 9" "UPDATE receipt SET line_no = 1" <<'EOF'
check,subject,detail
foreign_key,receipt row 1,refers to a missing rma_line
EOF
}

# ---------------------------------------------------------------------
# input, output and options

@test "strict: one bad row among good ones applies nothing; --rejects applies the good ones" {
	returns_store
	cat > auth.csv <<'EOF'
order_id,line_no,qty,reason,channel,node_id
R1,1,1,defective,mail,DC1
R1,2,5,changed_mind,mail,DC1
R1,2,1,changed_mind,mail,DC1
EOF
	before=$(state)
	run -65 --separate-stderr oms-return authorize --at 2026-11-20 auth.csv
	assert_output ""
	assert_equal "$stderr" 'oms-return: auth.csv:3: qty 5 is more than the 2 units of line 2 of order "R1" that can still be returned (shipped 2, returned 0, authorised and not yet received 0)
oms-return: 1 bad record; nothing done (use --rejects FILE to apply the good ones)'
	assert_equal "$(state)" "$before"
	run -0 --separate-stderr oms-return authorize --at 2026-11-20 --rejects rej.csv auth.csv
	assert_output - <<EOF
$HDR
RMA-R1-1,R1,1,A1,1,,defective,mail,DC1,,,,,,
RMA-R1-1,R1,2,B2,1,,changed_mind,mail,DC1,,,,,,
EOF
	assert_equal "$stderr" 'oms-return: auth.csv:3: qty 5 is more than the 2 units of line 2 of order "R1" that can still be returned (shipped 2, returned 0, authorised and not yet received 0)
oms-return: 2 lines authorised (2 units) in 1 RMA, 1 rejected'
	cat > expected.csv <<'EOF'
order_id,line_no,qty,reason,channel,node_id,error
R1,2,5,changed_mind,mail,DC1,"qty 5 is more than the 2 units of line 2 of order ""R1"" that can still be returned (shipped 2, returned 0, authorised and not yet received 0)"
EOF
	diff -u expected.csv rej.csv
	run -0 sqlite3 "$OMS_DB" "select rma_id, line_no, qty from rma_line order by 1, 2"
	assert_output - <<'EOF'
RMA-R1-1|1|1
RMA-R1-1|2|1
EOF
	# --max-rejects: past it, nothing at all
	printf 'rma_id,line_no,qty,condition\nRMA-R1-1,1,1,new\nRMA-R1-1,2,1,bad\nRMA-R1-1,2,1,worse\n' > recv.csv
	before=$(state)
	run -65 oms-return receive --rejects rej2.csv --max-rejects 1 recv.csv
	assert_line --index 2 "oms-return: more than 1 record rejected (--max-rejects); nothing done"
	assert_equal "$(state)" "$before"
	[ ! -e rej2.csv ]
	consistent
}

@test "JSON Lines in and out; --dry-run prints the rows and changes nothing" {
	returns_store
	printf '{"order_id":"R1","line_no":1,"qty":1,"reason":"defective","channel":"store","node_id":"ST1"}\n' > auth.jsonl
	before=$(state)
	run -0 --separate-stderr oms-return authorize --dry-run --at 2026-11-20 --format jsonl auth.jsonl
	assert_output '{"rma_id":"RMA-R1-1","order_id":"R1","line_no":1,"sku":"A1","qty":1,"amount":null,"reason":"defective","channel":"store","node_id":"ST1","condition":null,"disposition":null,"merchandise":null,"restocking_fee":null,"shipping":null,"refund_id":null}'
	assert_equal "$stderr" "oms-return: dry run, nothing written: 1 line authorised (1 unit) in 1 RMA, 0 rejected"
	assert_equal "$(state)" "$before"
	oms-return -q authorize --at 2026-11-20 auth.jsonl > authorized.out
	printf '{"rma_id":"RMA-R1-1","line_no":1,"qty":1,"condition":"opened"}\n' |
	    oms-return -q receive --at 2026-11-21 --format json -o out.json -
	run -0 cat out.json
	assert_output --partial '"amount":21.06,"reason":"defective","channel":"store","node_id":"ST1","condition":"opened","disposition":"restock","merchandise":19.67,"restocking_fee":0.00,"shipping":1.39,"refund_id":1}'
	run -0 sqlite3 "$OMS_DB" "select command, exit_status, counts from run where command = 'oms-return' order by run_id"
	assert_output - <<'EOF'
oms-return|0|{"records":1,"rejected":0,"lines":1,"rmas":1,"units":1,"restocked":0,"damaged":0,"refunds":0,"amount":0.00}
oms-return|0|{"records":1,"rejected":0,"lines":1,"rmas":0,"units":1,"restocked":1,"damaged":0,"refunds":1,"amount":21.06}
EOF
}

@test "usage: a step is needed, options belong to their step (64)" {
	run -64 oms-return
	assert_line --index 0 "oms-return: which step? (authorize, receive, appease, exchange, expire-exchanges)"
	assert_line --index 1 --partial "usage: oms-return authorize"
	run -64 oms-return refund x.csv
	assert_line --index 0 'oms-return: unknown step "refund" (authorize, receive, appease, exchange, expire-exchanges)'
	run -64 oms-return receive --window 10
	assert_output "oms-return: --window is for authorize and exchange"
	run -64 oms-return authorize --fee-opened 5
	assert_output "oms-return: --fee-new, --fee-opened and --fee-damaged are for receive"
	run -64 oms-return receive --fee-opened 101
	assert_line --index 0 'oms-return: --fee-opened must be a percent from 0 to 100 (at most 2 decimals), got "101"'
	run -64 oms-return authorize --at yesterday
	assert_line --index 0 'oms-return: --at must be an ISO 8601 date or time like 2026-11-27 or 2026-11-27T14:30:00Z, got "yesterday"'
	run -64 oms-return authorize --window -1
	assert_line --index 0 'oms-return: --window must be a non-negative integer, got "-1"'
	run -64 oms-return appease --max-rejects 3
	assert_output "oms-return: --max-rejects needs --rejects FILE"
	[ ! -e "$OMS_DB" ]
	run -66 oms-return appease missing.csv
	assert_output --partial "missing.csv"
}

@test "--help prints usage on standard output and exits 0; --version" {
	run -0 --separate-stderr oms-return --help
	assert_equal "$stderr" ""
	# the same words as the man page's SYNOPSIS, however the lines wrap
	assert_equal "$(echo $output)" "usage: oms-return authorize [options] [--window days] [file ...] oms-return receive [options] [--fee-damaged pct] [--fee-new pct] [--fee-opened pct] [--tender tender] [file ...] oms-return appease [options] [--tender tender] [file ...] oms-return exchange [options] [--tender tender] [--window days] [file ...] oms-return expire-exchanges [options] oms-return --version options: [-hqv] [--at time] [--busy-timeout ms] [--db path] [--dry-run] [--format format] [--input-format format] [--max-rejects n] [-o file] [--rejects file] [--safe-csv]"
	run -0 oms-return --version
	assert_output "oms-return (oms) 0.1.0"
}

# (issue 17, item 16: method=SHIP was refused while booleans ignore case)
@test "a return's channel and condition in any case, as booleans, stored in lowercase; a seller's fault in any case" {
	returns_store
	authorized <<'EOF2'
R1,1,1,Defective,STORE,ST1
EOF2
	printf 'rma_id,line_no,qty,condition\nRMA-R1-1,1,1,NEW\n' > recv.csv
	run -0 --separate-stderr oms-return receive --at 2026-11-21 recv.csv
	# as in "received at a store": a fifth of the 6.99 shipping (1.39) back,
	# the item was defective
	assert_output - <<EOF2
$HDR
RMA-R1-1,R1,1,A1,1,21.06,Defective,store,ST1,new,restock,19.67,0.00,1.39,1
EOF2
	run -0 sqlite3 "$OMS_DB" "select channel from rma; select condition from receipt"
	assert_output - <<'EOF2'
store
new
EOF2
	consistent
}

@test "keys: order_id and node_id at most 200 bytes, as oms-import takes them; an RMA id, made from an order_id, at most 240" {
	returns_store
	k201=$(printf 'K%.0s' $(seq 201))
	r240="RMA-$(printf 'R%.0s' $(seq 236))"
	r241="${r240}1"
	printf 'order_id,line_no,qty,reason,channel,node_id\n%s,1,1,defective,mail,\nR1,1,1,defective,store,%s\n' \
	    "$k201" "$k201" > long.csv
	before=$(state)
	run -65 oms-return authorize --at 2026-11-20 long.csv
	assert_output - <<'EOF'
oms-return: long.csv:2: order_id is too long (201 bytes; at most 200)
oms-return: long.csv:3: node_id is too long (201 bytes; at most 200)
oms-return: 2 bad records; nothing done (use --rejects FILE to apply the good ones)
EOF
	printf 'order_id,amount,reason\n%s,1.00,late\n' "$k201" > long-app.csv
	run -65 oms-return appease long-app.csv
	assert_output - <<'EOF'
oms-return: long-app.csv:2: order_id is too long (201 bytes; at most 200)
oms-return: 1 bad record; nothing done (use --rejects FILE to apply the good ones)
EOF
	printf 'rma_id,line_no,qty,condition\n%s,1,1,new\n%s,1,1,new\n' "$r240" "$r241" > long-rma.csv
	run -65 oms-return receive long-rma.csv
	assert_output - <<'EOF'
oms-return: long-rma.csv:2: unknown RMA "RMA-RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR..."
oms-return: long-rma.csv:3: rma_id is too long (241 bytes; at most 240)
oms-return: 2 bad records; nothing done (use --rejects FILE to apply the good ones)
EOF
	assert_equal "$(state)" "$before"
}
