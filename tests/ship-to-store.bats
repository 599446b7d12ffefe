# Ship-to-store (oms(7), "The last mile"): a pickup whose store lacks the
# stock is served from the network where the store's ship_to_store and
# the item's allow it, shipped there by the node routing picks, received
# by the store, made ready and collected; or, uncollected, sent back.
# The shop is release-fixtures.bash's: DC1 by New York has B2, the New
# York store ST1 has A1 and no B2.
load helper
load release-fixtures

# ST1 with an address, taking pickups shipped to it when $1 is 1.
store_ships_to() {
	given nodes <<EOF
node_id,type,can_ship,can_pickup,can_curbside,lat,lon,address1,city,region,postal_code,ship_to_store
ST1,store,0,1,1,40.75,-73.99,1 Herald Sq,New York,NY,10001,$1
EOF
}

# T1: two units of B2 (not at the store) and one of A1 (at it), to
# collect at ST1.
t1() {
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,promise_date,method,pickup_node,ship_name
T1,1,B2,2,2026-11-25T10:00:00Z,2026-12-20,pickup,ST1,Ann Lee
T1,2,A1,1,2026-11-25T10:00:00Z,2026-12-20,pickup,ST1,Ann Lee
EOF
}

to_store() {
	sqlite3 "$OMS_DB" "SELECT order_id, line_no, allocated, backordered,
	    coalesce(backorder_reason, ''), ship_to_store FROM order_line ORDER BY 1, 2"
}

# T1 shipped to ST1 from DC1, released on 2026-11-27: DC1's release of
# line 1, ST1's own of line 2.
TD=20261127-DC1-000001
TS=20261127-ST1-000001
t1_released() {
	shop
	store_ships_to 1
	t1
	routed
	run -0 oms-release -q --day 2026-11-27
}

@test "a pickup the store lacks is shipped to it: allocated from the network, routed and released to the warehouse" {
	shop
	store_ships_to 1
	t1
	run -0 to_store
	assert_output - <<'EOF'
T1|1|2|0||1
T1|2|1|0||0
EOF
	run -0 events_of 'line.allocated'
	assert_output - <<'EOF'
T1|line.allocated|{"line_no":1,"sku":"B2","allocated":2,"backordered":0,"reason":null,"previous":0,"ship_to_store":1}
T1|line.allocated|{"line_no":2,"sku":"A1","allocated":1,"backordered":0,"reason":null,"previous":0}
EOF
	# priced as a parcel to the store's address: DC1, the nearest, 2 days away
	run -0 --separate-stderr oms-route --day 2026-11-26
	assert_output - <<'EOF'
order_id,line_no,sku,qty,node_id,cost,transit_days,late
T1,1,B2,2,DC1,1,2,0
T1,2,A1,1,ST1,0,0,0
EOF
	# the warehouse ships to the store's address, under the customer's name
	releases --day 2026-11-27 <<EOF
$REL
$TD,DC1,T1,1,B2,2,pickup,Ann Lee,1 Herald Sq,New York,NY,10001,US,2026-12-20T00:00:00Z,ST1,,,,,US
$TS,ST1,T1,2,A1,1,pickup,Ann Lee,1 Herald Sq,New York,NY,10001,US,2026-12-20T00:00:00Z,ST1,,,,,US
EOF
	# the store's reservation is its own line's; DC1's B2 is reserved to ship
	run -0 oms-report inventory --sku B2 --sku A1
	assert_output - <<EOF
$INV
DC1,A1,10,0,0,10,0,0
DC1,B2,10,0,2,8,0,2
DC2,A1,5,0,0,5,0,0
ST1,A1,3,0,1,2,1,0
EOF
	# on the warehouse's pick list a shipment; on the store's only its own line
	run -0 oms-report picklist --format csv
	assert_output - <<EOF
node_id,method,release_id,order_id,line_no,sku,description,qty,customer,promise_date,released_at
DC1,pickup,$TD,T1,1,B2,,2,Ann Lee,2026-12-20T00:00:00Z,$(sqlite3 "$OMS_DB" "select released_at from release where release_id = '$TD'")
ST1,pickup,$TS,T1,2,A1,,1,Ann Lee,2026-12-20T00:00:00Z,$(sqlite3 "$OMS_DB" "select released_at from release where release_id = '$TS'")
EOF
	# the warehouse's release of a pickup has a warehouse's 24 hours
	run -0 oms-report alerts --today 2030-01-01 --node DC1
	assert_line --index 1 --regexp "^release_overdue,DC1,T1,$TD,,[0-9T:-]+Z,2 units not confirmed within 24 hours\$"
}

@test "shipped by the warehouse, received by the store in two parts, made ready, announced once, collected" {
	t1_released
	confirms <<EOF
release_id,line_no,status,qty,carrier,tracking,at
$TD,1,shipped,2,UPS,1Z9,2026-11-27T15:00:00Z
EOF
	# shipped to the store, not to the customer: no order.shipped
	run -0 events_of 'order.%'
	assert_output 'T1|order.created|{"order_id":"T1","channel":"web","lines":2,"units":3}'
	confirms <<EOF
release_id,line_no,status,qty,at
$TD,1,received,1,2026-11-28T08:00:00Z
EOF
	assert_equal "$stderr" "oms-release: 1 confirmation taken: 0 units shipped, 0 picked up, 0 short, 0 cancelled, 0 ready, 0 delivered, 0 arrivals, 0 tracking updates; 0 orders ready to collect; 1 unit received at stores"
	run -0 events_of 'line.received'
	assert_output "T1|line.received|{\"release_id\":\"$TD\",\"line_no\":1,\"node_id\":\"DC1\",\"sku\":\"B2\",\"qty\":1,\"carrier\":\"\",\"tracking\":\"\",\"collect_node\":\"ST1\",\"at\":\"2026-11-28T08:00:00Z\"}"
	# the unit received is the store's to stage, on its pick list
	run -0 oms-report picklist --node ST1 --format csv
	assert_output --partial "ST1,pickup,$TD,T1,1,B2,,1,Ann Lee,"
	assert_line --index 2 --partial "ST1,pickup,$TS,T1,2,A1,,1,Ann Lee,"
	confirms <<EOF
release_id,line_no,status,qty,location,code,at
$TS,2,ready,1,shelf 1,PX9,2026-11-28T09:00:00Z
$TD,1,ready,1,shelf 2,,2026-11-28T09:00:00Z
EOF
	# one unit of B2 is still on its way: partly ready, not announced
	run -0 events_of 'order.ready%'
	assert_output ""
	run -0 oms-report picklist --node ST1
	assert_output "node_id,method,release_id,order_id,line_no,sku,description,qty,customer,promise_date,released_at"
	confirms <<EOF
release_id,line_no,status,qty,location,at
$TD,1,received,1,,2026-11-29T08:00:00Z
$TD,1,ready,1,shelf 2,2026-11-29T09:00:00Z
EOF
	run -0 events_of 'order.ready%'
	assert_output 'T1|order.ready_for_pickup|{"order_id":"T1","node_id":"ST1","node_type":"store","code":"PX9","last_day":"2026-12-06","lines":[{"line_no":1,"sku":"B2","qty":2,"location":"shelf 2"},{"line_no":2,"sku":"A1","qty":1,"location":"shelf 1"}],"at":"2026-11-29T09:00:00Z"}'
	# days_left as on 7 December, a day past the last one (not today's: the test
	# is not to change with the calendar)
	run -0 oms-report collections --node ST1 --today 2026-12-07
	assert_output - <<'EOF'
node_id,order_id,customer,code,lines,units,location,ready_at,last_day,days_left,arrived_at,waiting_minutes,bay,vehicle
ST1,T1,Ann Lee,PX9,2,3,shelf 2;shelf 1,2026-11-29T09:00:00Z,2026-12-06,-1,,,,
EOF
	# ready at the store: not at risk, whatever the day
	run -0 oms-report alerts --today 2026-12-30 --node ST1
	assert_output - <<'EOF'
alert,node_id,order_id,release_id,line_no,since,detail
pickup_expiring,ST1,T1,,,2026-12-06,"-24 days left, code PX9"
EOF
	confirms <<EOF
release_id,line_no,status,qty,at
$TD,1,picked_up,2,2026-11-30T10:00:00Z
$TS,2,picked_up,1,2026-11-30T10:00:00Z
EOF
	run -0 events_of 'order.collected'
	assert_output 'T1|order.collected|{"order_id":"T1","node_id":"ST1","at":"2026-11-30T10:00:00Z"}'
	run -0 release_line_counts
	assert_output - <<'EOF'
20261127-DC1-000001|2|2|0|2|2
20261127-ST1-000001|1|1|0|0|0
EOF
	# the warehouse's stock left when it shipped, the store's when handed over
	stock_is <<EOF
$INV
DC1,A1,10,0,0,10,0,0
DC1,B2,8,0,0,8,0,0
DC2,A1,5,0,0,5,0,0
ST1,A1,2,0,0,2,0,0
EOF
	lines_are <<EOF
$LINES
T1,1,B2,2,shipped,0,0,0,0,0,2,0,0,DC1
T1,2,A1,1,shipped,0,0,0,0,0,1,0,0,ST1
EOF
}

release_line_counts() {
	sqlite3 "$OMS_DB" "SELECT release_id, qty, shipped, ready, delivered, collected
	    FROM release_line ORDER BY release_id"
}

@test "each ship-to-store status only where it fits: refused with the reason, nothing changed" {
	t1_released
	rejects "oms-release: -:2: status received is for pickup and curbside lines shipped to their store; line 2 of release \"$TS\" is a pickup line released to the store itself
oms-release: -:3: status shipped is for ship and locker lines, and pickup and curbside lines shipped to their store; line 2 of release \"$TS\" is a pickup line released to the store itself (handed over there: picked_up)
oms-release: -:4: line 1 of release \"$TD\": 1 confirmed received, but only 0 of the 0 shipped to the store are not received yet
oms-release: -:5: line 1 of release \"$TD\": 1 confirmed ready, but only 0 of the 0 received at the store are not ready or collected yet
oms-release: 4 bad confirmations: nothing applied" <<EOF
release_id,line_no,status,qty
$TS,2,received,1
$TS,2,shipped,1
$TD,1,received,1
$TD,1,ready,1
EOF
	confirms <<EOF
release_id,line_no,status,qty,carrier,tracking,at
$TD,1,shipped,2,UPS,1Z9,2026-11-27T15:00:00Z
$TD,1,received,1,,,2026-11-28T08:00:00Z
EOF
	rejects "oms-release: -:2: line 1 of release \"$TD\": 2 confirmed received, but only 1 of the 2 shipped to the store is not received yet
oms-release: -:3: line 1 of release \"$TD\": 1 confirmed picked_up, but only 0 shipped to the store are ready and not collected
oms-release: -:4: status delivered is for ship and locker lines; line 1 of release \"$TD\" is a pickup line shipped to its store, which confirms it received
oms-release: 3 bad confirmations: nothing applied" <<EOF
release_id,line_no,status,qty
$TD,1,received,2
$TD,1,picked_up,1
$TD,1,delivered,1
EOF
	# the carrier's "delivered" is kept; the store, not the carrier, receives
	confirms <<'EOF'
status,carrier,tracking,at
delivered,UPS,1Z9,2026-11-28T12:00:00Z
EOF
	run -0 release_line_counts
	assert_output - <<'EOF'
20261127-DC1-000001|2|2|0|1|0
20261127-ST1-000001|1|0|0|0|0
EOF
	run -0 sqlite3 "$OMS_DB" "SELECT carrier, tracking, status FROM tracking_update"
	assert_output "UPS|1Z9|delivered"
}

@test "off by default, and never for an item that says so: the pickup waits for the store's stock" {
	shop
	t1
	run -0 to_store
	assert_output - <<'EOF'
T1|1|0|2|no stock at the pickup store|0
T1|2|1|0||0
EOF
	store_ships_to 1
	given items <<'EOF'
sku,ship_to_store
B2,0
EOF
	run -0 oms-allocate -q
	run -0 to_store
	assert_output - <<'EOF'
T1|1|0|2|no stock at the pickup store|0
T1|2|1|0||0
EOF
	given items <<'EOF'
sku,ship_to_store
B2,1
EOF
	run -0 oms-allocate -q
	run -0 to_store
	assert_output - <<'EOF'
T1|1|2|0||1
T1|2|1|0||0
EOF
	run -65 --separate-stderr oms-import items - <<'EOF'
sku,ship_to_store
B2,maybe
EOF
	assert_equal "$stderr" "oms-import: -:2: ship_to_store must be 0 or 1 (or true/false, yes/no), got \"maybe\"
oms-import: 1 bad record; nothing imported (use --rejects FILE to import the good ones)"
}

@test "the store's own stock comes first; a line once routed to the warehouse stays shipped to the store" {
	shop
	store_ships_to 1
	t1
	# the store gets B2 before routing: the next allocation takes it there
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
ST1,B2,2,2026-11-27T08:00:00Z
EOF
	run -0 --separate-stderr oms-allocate
	# the allocation is the same, its source is not: no row, but said
	assert_output "order_id,line_no,sku,qty,allocated,backordered,reason"
	assert_equal "$stderr" "oms-allocate: 0 lines changed: 0 allocated in full, 0 partly, 0 backordered; 0 units allocated, 0 units backordered; 0 units taken back; 1 pickup line changed source (its store's own stock, or shipped to the store)"
	run -0 sqlite3 "$OMS_DB" "SELECT counts FROM run WHERE command = 'oms-allocate' ORDER BY run_id DESC LIMIT 1"
	assert_output '{"lines":0,"full":0,"partly":0,"backordered":0,"units":0,"units_backordered":0,"units_taken_back":0,"units_unrouted":0,"units_routed_taken":0,"to_store_changed":1}'
	run -0 to_store
	assert_output - <<'EOF'
T1|1|2|0||0
T1|2|1|0||0
EOF
	# without it again, shipped to the store; once routed, it stays so
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
ST1,B2,0,2026-11-27T09:00:00Z
EOF
	run -0 oms-allocate -q
	routed
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
ST1,B2,2,2026-11-27T10:00:00Z
EOF
	run -0 oms-allocate -q
	run -0 to_store
	assert_output - <<'EOF'
T1|1|0|0||1
T1|2|0|0||0
EOF
	run -0 oms-report lines
	assert_output - <<EOF
$LINES
T1,1,B2,2,routed,0,0,0,2,0,0,0,0,DC1
T1,2,A1,1,routed,0,0,0,1,0,0,0,0,ST1
EOF
	consistent
}

@test "--expire: what was shipped to the store and not collected goes back to the warehouse" {
	t1_released
	confirms <<EOF
release_id,line_no,status,qty,carrier,tracking,location,code,at
$TD,1,shipped,2,UPS,1Z9,,,2026-11-27T15:00:00Z
$TD,1,received,2,,,,,2026-11-28T08:00:00Z
$TD,1,ready,2,,,shelf 2,PX9,2026-11-28T09:00:00Z
$TS,2,ready,1,,,shelf 1,,2026-11-28T09:00:00Z
EOF
	# the last day is 2026-12-05: a reminder on it, expiry the day after
	run -0 --separate-stderr oms-release --expire --day 2026-12-05
	assert_equal "$stderr" "oms-release: 0 collections expired on 2026-12-05 (0 units back in stock, 0 to return to their nodes, 0.00 in refunds due); 1 reminder; 0 alerts sent"
	run -0 --separate-stderr oms-release --expire --day 2026-12-06
	assert_equal "$stderr" "oms-release: 1 collection expired on 2026-12-06 (1 unit back in stock, 2 to return to their nodes, 0.00 in refunds due); 0 reminders; 0 alerts sent"
	run -0 events_of 'pickup.expired'
	assert_output --regexp '^T1\|pickup.expired\|\{"order_id":"T1","node_id":"ST1","node_type":"store","last_day":"2026-12-05","lines":\[\{"line_no":1,"sku":"B2","qty":2,"rma_id":"RMA-T1-1","return_to":"DC1"\},\{"line_no":2,"sku":"A1","qty":1,"refund":0.00\}\],"refund":0.00,"at":"[0-9T:-]+Z"\}$'
	run -0 sqlite3 "$OMS_DB" "SELECT r.rma_id, r.channel, r.node_id, l.line_no, l.qty, l.reason
	    FROM rma r JOIN rma_line l USING (rma_id)"
	assert_output "RMA-T1-1|store|DC1|1|2|uncollected"
	run -0 release_line_counts
	assert_output - <<'EOF'
20261127-DC1-000001|2|2|0|2|0
20261127-ST1-000001|1|0|0|0|0
EOF
	consistent
	# run again: nothing more
	before=$(state)
	run -0 --separate-stderr oms-release --expire --day 2026-12-06
	assert_equal "$stderr" "oms-release: 0 collections expired on 2026-12-06 (0 units back in stock, 0 to return to their nodes, 0.00 in refunds due); 0 reminders; 0 alerts sent"
	assert_equal "$(state)" "$before"
}

@test "a curbside line shipped to its store: its customer arrives, part cancelled, the rest received, made ready and handed over" {
	shop
	store_ships_to 1
	orders <<'EOF2'
order_id,line_no,sku,qty,created_at,method,pickup_node,ship_name
C1,1,B2,3,2026-11-25T10:00:00Z,curbside,ST1,Bo Diaz
EOF2
	routed
	run -0 oms-release -q --day 2026-11-27
	run -0 --separate-stderr oms-order cancel C1 1 1 --reason "changed mind"
	confirms <<EOF2
release_id,line_no,status,qty,carrier,tracking,at
$TD,1,cancelled,1,,,2026-11-27T14:00:00Z
$TD,1,shipped,2,UPS,1Z1,2026-11-27T15:00:00Z
EOF2
	# on its way, or at the store not made ready: the customer may arrive
	confirms <<EOF2
release_id,line_no,status,qty,bay,vehicle,at
$TD,1,arrived,,3,blue car,2026-11-28T10:00:00Z
$TD,1,received,2,,,2026-11-28T10:01:00Z
$TD,1,ready,2,,,2026-11-28T10:05:00Z
EOF2
	run -0 oms-report collections --node ST1 --today 2026-11-28 --format jsonl
	assert_output --regexp '^\{"node_id":"ST1","order_id":"C1","customer":"Bo Diaz","code":"[0-9]{6}","lines":1,"units":2,"location":"","ready_at":"2026-11-28T10:05:00Z","last_day":"2026-12-05","days_left":7,"arrived_at":"2026-11-28T10:00:00Z","waiting_minutes":[0-9]+,"bay":"3","vehicle":"blue car"\}$'
	confirms <<EOF2
release_id,line_no,status,qty,at
$TD,1,picked_up,2,2026-11-28T10:10:00Z
EOF2
	run -0 events_of 'order.%'
	assert_line --index 1 --regexp '^C1\|order.arrived\|'
	assert_line --index 2 --regexp '^C1\|order.ready_for_pickup\|'
	assert_line --index 3 'C1|order.collected|{"order_id":"C1","node_id":"ST1","at":"2026-11-28T10:10:00Z"}'
	lines_are <<EOF2
$LINES
C1,1,B2,3,shipped,0,0,0,0,0,2,1,0,DC1
EOF2
	# and once collected, the customer has nothing left to come for
	rejects "oms-release: -:2: line 1 of release \"$TD\": a customer arrived, but nothing of it is left to collect
oms-release: 1 bad confirmation: nothing applied" <<EOF2
release_id,line_no,status,qty,at
$TD,1,arrived,,2026-11-28T11:00:00Z
EOF2
}
