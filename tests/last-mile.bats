# The last mile (oms(7), "The last mile"): pickup and curbside lines made
# ready and collected, a curbside customer's arrival, a locker parcel
# delivered into its locker and collected, parcels delivered by their
# carrier, and the order-level events each sends once.  Every case runs
# the real commands on a tiny shop (release-fixtures.bash): P1, a pickup
# of 2 at ST1; C1, a curbside of 1 at ST1; L1, a locker line shipped by
# DC1 to LK1; S1, a ship line from DC1.
load helper
load release-fixtures

P1=20261127-ST1-000001
C1=20261127-ST1-000002
L1=20261127-DC1-000001
S1=20261127-DC1-000002

collection() {
	sqlite3 "$OMS_DB" "SELECT order_id, node_id, code, ready_at, last_day, arrived_at, bay,
	    vehicle, collected_at FROM collection ORDER BY order_id, node_id"
}

release_line() {
	sqlite3 "$OMS_DB" "SELECT qty, shipped, ready, delivered, collected, location
	    FROM release_line WHERE release_id = '$1' AND line_no = ${2:-1}"
}

@test "a pickup made ready in two parts: announced once, when the whole order is ready" {
	every_method
	confirms <<EOF
release_id,line_no,status,qty,location,code,at
$P1,1,ready,1,shelf 4,PX123,2026-11-28T09:00:00Z
EOF
	assert_equal "$stderr" "oms-release: 1 confirmation taken: 0 units shipped, 0 picked up, 0 short, 0 cancelled, 1 ready, 0 delivered, 0 arrivals, 0 tracking updates; 0 orders ready to collect"
	# partly ready: visible, not announced
	run -0 release_line $P1
	assert_output "2|0|1|0|0|shelf 4"
	run -0 events_of 'order.ready%'
	assert_output ""
	confirms <<EOF
release_id,line_no,status,qty,location,at
$P1,1,ready,1,shelf 5,2026-11-28T09:30:00Z
EOF
	run -0 events_of 'order.ready_for_pickup'
	assert_output 'P1|order.ready_for_pickup|{"order_id":"P1","node_id":"ST1","node_type":"store","code":"PX123","last_day":"2026-12-05","lines":[{"line_no":1,"sku":"A1","qty":2,"location":"shelf 5"}],"at":"2026-11-28T09:30:00Z"}'
	run -0 collection
	assert_output "P1|ST1|PX123|2026-11-28T09:30:00Z|2026-12-05||||"
	run -0 events_of 'line.ready'
	assert_output - <<'EOF'
P1|line.ready|{"release_id":"20261127-ST1-000001","line_no":1,"node_id":"ST1","sku":"A1","qty":1,"location":"shelf 4","at":"2026-11-28T09:00:00Z"}
P1|line.ready|{"release_id":"20261127-ST1-000001","line_no":1,"node_id":"ST1","sku":"A1","qty":1,"location":"shelf 5","at":"2026-11-28T09:30:00Z"}
EOF
	# still released: the stock stays reserved at the store until collected
	run -0 oms-report lines --order P1
	assert_output "$LINES
P1,1,A1,2,released,0,0,0,0,2,0,0,0,ST1"
}

@test "the hold period is the node's; without a code the order gets six digits" {
	every_method
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,can_curbside,lat,lon,pickup_hold_days
ST1,store,0,1,1,40.75,-73.99,3
EOF
	confirms <<EOF
release_id,line_no,status,qty,at
$C1,1,ready,1,2026-11-28T18:00:00Z
EOF
	run -0 collection
	assert_output --regexp '^C1\|ST1\|[0-9]{6}\|2026-11-28T18:00:00Z\|2026-12-01\|\|\|\|$'
	code=$(sqlite3 "$OMS_DB" "SELECT code FROM collection")
	run -0 events_of 'order.ready_for_pickup'
	assert_output "C1|order.ready_for_pickup|{\"order_id\":\"C1\",\"node_id\":\"ST1\",\"node_type\":\"store\",\"code\":\"$code\",\"last_day\":\"2026-12-01\",\"lines\":[{\"line_no\":1,\"sku\":\"A1\",\"qty\":1,\"location\":\"\"}],\"at\":\"2026-11-28T18:00:00Z\"}"
}

@test "a node's pickup_hold_days or confirm_hours out of range is refused by oms-import" {
	every_method
	run -65 --separate-stderr oms-import nodes - <<'EOF'
node_id,type,pickup_hold_days,confirm_hours
ST9,store,0,
ST8,store,7,0
EOF
	assert_equal "$stderr" 'oms-import: -:2: pickup_hold_days must be a number of days (1 to 365), got "0"
oms-import: -:3: confirm_hours must be a number of hours (1 to 720; empty: the default), got "0"
oms-import: 2 bad records; nothing imported (use --rejects FILE to import the good ones)'
}

@test "curbside: the customer checks in with a bay and a vehicle, then collects" {
	every_method
	confirms <<EOF
release_id,line_no,status,qty,location,code,at
$C1,1,ready,1,bay 2,CB777,2026-11-28T10:00:00Z
EOF
	confirms <<EOF
release_id,line_no,status,bay,vehicle,at
$C1,1,arrived,3,blue Volvo estate,2026-11-28T17:05:00Z
EOF
	assert_equal "$stderr" "oms-release: 1 confirmation taken: 0 units shipped, 0 picked up, 0 short, 0 cancelled, 0 ready, 0 delivered, 1 arrival, 0 tracking updates; 0 orders ready to collect"
	run -0 collection
	assert_output "C1|ST1|CB777|2026-11-28T10:00:00Z|2026-12-05|2026-11-28T17:05:00Z|3|blue Volvo estate|"
	run -0 events_of 'order.arrived'
	assert_output 'C1|order.arrived|{"release_id":"20261127-ST1-000002","line_no":1,"node_id":"ST1","sku":"A1","bay":"3","vehicle":"blue Volvo estate","at":"2026-11-28T17:05:00Z"}'
	confirms <<EOF
release_id,line_no,status,qty,at
$C1,1,picked_up,1,2026-11-28T17:09:00Z
EOF
	run -0 release_line $C1
	assert_output "1|1|0|0|0|bay 2"
	run -0 collection
	assert_output "C1|ST1|CB777|2026-11-28T10:00:00Z|2026-12-05|2026-11-28T17:05:00Z|3|blue Volvo estate|2026-11-28T17:09:00Z"
	run -0 events_of 'order.collected'
	assert_output 'C1|order.collected|{"order_id":"C1","node_id":"ST1","at":"2026-11-28T17:09:00Z"}'
	# nothing is left to collect: a late check-in is refused
	rejects "oms-release: -:2: line 1 of release \"$C1\": a customer arrived, but nothing of it is left to collect
oms-release: 1 bad confirmation: nothing applied" <<EOF
release_id,line_no,status,at
$C1,1,arrived,2026-11-28T18:00:00Z
EOF
}

@test "a pickup handed over without being made ready is collected all the same" {
	every_method
	confirms <<EOF
release_id,line_no,status,qty,at
$P1,1,picked_up,2,2026-11-28T12:00:00Z
EOF
	run -0 events_of 'order.collected'
	assert_output 'P1|order.collected|{"order_id":"P1","node_id":"ST1","at":"2026-11-28T12:00:00Z"}'
	run -0 release_line $P1
	assert_output "2|2|0|0|0|"
}

@test "picked up in part: the ready units go first, the order is not yet collected" {
	every_method
	confirms <<EOF
release_id,line_no,status,qty,at
$P1,1,ready,2,2026-11-28T09:00:00Z
$P1,1,picked_up,1,2026-11-28T12:00:00Z
EOF
	run -0 release_line $P1
	assert_output "2|1|1|0|0|"
	run -0 events_of 'order.collected'
	assert_output ""
	# a short of the other unit leaves nothing ready, nothing to collect
	confirms <<EOF
release_id,line_no,status,qty,at
$P1,1,short,1,2026-11-28T13:00:00Z
EOF
	run -0 release_line $P1
	assert_output "2|1|0|0|0|"
}

@test "a locker parcel: shipped, delivered into the locker (ready there), collected" {
	every_method
	confirms <<EOF
release_id,line_no,status,qty,carrier,tracking,at
$L1,1,shipped,1,UPS,1ZL1,2026-11-28T08:00:00Z
EOF
	run -0 events_of 'order.shipped'
	assert_output 'L1|order.shipped|{"order_id":"L1","units":1,"at":"2026-11-28T08:00:00Z"}'
	confirms <<EOF
release_id,line_no,status,qty,location,code,at
$L1,1,delivered,1,compartment 12,LK-4411,2026-11-29T11:00:00Z
EOF
	run -0 release_line $L1
	assert_output "1|1|1|1|0|compartment 12"
	run -0 events_of 'order.ready_for_pickup'
	assert_output 'L1|order.ready_for_pickup|{"order_id":"L1","node_id":"LK1","node_type":"locker","code":"LK-4411","last_day":"2026-12-06","lines":[{"line_no":1,"sku":"B2","qty":1,"location":"compartment 12"}],"at":"2026-11-29T11:00:00Z"}'
	run -0 events_of 'order.delivered'
	assert_output 'L1|order.delivered|{"order_id":"L1","units":1,"at":"2026-11-29T11:00:00Z"}'
	# more than is in the locker cannot be collected
	rejects "oms-release: -:2: line 1 of release \"$L1\": 2 confirmed picked_up from the locker, but only 1 was delivered into it and not collected
oms-release: 1 bad confirmation: nothing applied" <<EOF
release_id,line_no,status,qty
$L1,1,picked_up,2
EOF
	confirms <<EOF
release_id,line_no,status,qty,at
$L1,1,picked_up,1,2026-11-30T19:00:00Z
EOF
	run -0 release_line $L1
	assert_output "1|1|0|1|1|compartment 12"
	run -0 events_of 'order.collected'
	assert_output 'L1|order.collected|{"order_id":"L1","node_id":"LK1","at":"2026-11-30T19:00:00Z"}'
	# collected from the locker: the line counts are the shipment's, once
	run -0 oms-report lines --order L1
	assert_output "$LINES
L1,1,B2,1,shipped,0,0,0,0,0,1,0,0,DC1"
}

@test "a locker line short of what is still out keeps what waits in the locker" {
	shop
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,can_curbside,lat,lon
LK1,locker,0,0,0,40.70,-74.00
EOF
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,method,pickup_node,ship_lat,ship_lon
L2,1,B2,2,2026-11-25T11:00:00Z,locker,LK1,40.75,-73.99
EOF
	routed
	run -0 oms-release -q $DAY
	confirms <<'EOF'
release_id,line_no,status,qty,carrier,tracking,at
20261127-DC1-000001,1,shipped,1,UPS,1ZL2,2026-11-28T08:00:00Z
20261127-DC1-000001,1,delivered,1,,,2026-11-29T11:00:00Z
20261127-DC1-000001,1,short,1,,,2026-11-29T12:00:00Z
EOF
	# one in the locker, ready; the other short at DC1, back to open
	run -0 release_line 20261127-DC1-000001
	assert_output "2|1|1|1|0|"
}

@test "a carrier's tracking updates: in transit, delivered to the door, each order once" {
	every_method
	confirms <<EOF
release_id,line_no,status,qty,carrier,tracking,at
$S1,1,shipped,1,UPS,1ZS1,2026-11-28T08:00:00Z
EOF
	confirms <<'EOF'
carrier,tracking,status,at
UPS,1ZS1,in_transit,2026-11-28T20:00:00Z
UPS,1ZS1,out_for_delivery,2026-11-30T07:00:00Z
EOF
	assert_equal "$stderr" "oms-release: 2 confirmations taken: 0 units shipped, 0 picked up, 0 short, 0 cancelled, 0 ready, 0 delivered, 0 arrivals, 2 tracking updates; 0 orders ready to collect"
	run -0 events_of 'order.delivered'
	assert_output ""
	confirms <<'EOF'
carrier,tracking,status,at
UPS,1ZS1,delivered,2026-11-30T14:12:00Z
EOF
	run -0 release_line $S1
	assert_output "1|1|0|1|0|"
	run -0 events_of '%delivered'
	assert_output - <<'EOF'
S1|line.delivered|{"release_id":"20261127-DC1-000002","line_no":1,"node_id":"DC1","sku":"B2","qty":1,"carrier":"UPS","tracking":"1ZS1","at":"2026-11-30T14:12:00Z"}
S1|order.delivered|{"order_id":"S1","units":1,"at":"2026-11-30T14:12:00Z"}
EOF
	run -0 sqlite3 "$OMS_DB" "SELECT carrier, tracking, status, at FROM tracking_update ORDER BY seq"
	assert_output - <<'EOF'
UPS|1ZS1|in_transit|2026-11-28T20:00:00Z
UPS|1ZS1|out_for_delivery|2026-11-30T07:00:00Z
UPS|1ZS1|delivered|2026-11-30T14:12:00Z
EOF
	# the same update again: a file sent twice, refused
	rejects 'oms-release: -:2: parcel "1ZS1" of carrier "UPS" was already confirmed delivered at 2026-11-30T14:12:00Z (a file sent twice?)
oms-release: 1 bad confirmation: nothing applied' <<'EOF'
carrier,tracking,status,at
UPS,1ZS1,delivered,2026-11-30T14:12:00Z
EOF
}

@test "a carrier's exception is an event of each order the parcel carried" {
	every_method
	confirms <<EOF
release_id,line_no,status,qty,carrier,tracking,at
$S1,1,shipped,1,UPS,1ZS1,2026-11-28T08:00:00Z
EOF
	confirms <<'EOF'
carrier,tracking,status,detail,at
UPS,1ZS1,exception,address not found,2026-11-29T15:00:00Z
EOF
	run -0 events_of 'shipment.exception'
	assert_output 'S1|shipment.exception|{"order_id":"S1","carrier":"UPS","tracking":"1ZS1","detail":"address not found","at":"2026-11-29T15:00:00Z"}'
}

@test "tracking updates that fit nothing are refused, and nothing changes" {
	every_method
	confirms <<EOF
release_id,line_no,status,qty,carrier,tracking,at
$S1,1,shipped,1,UPS,1ZS1,2026-11-28T08:00:00Z
EOF
	rejects 'oms-release: -:2: no shipment has tracking "1ZXX" of carrier "UPS"
oms-release: -:3: status in_transit without a release_id is a carrier'"'"'s tracking update: it needs carrier and tracking
oms-release: -:4: a tracking update (no release_id) is of the whole parcel: line_no and qty must be empty
oms-release: 3 bad confirmations: nothing applied' <<'EOF'
carrier,tracking,status,line_no,qty
UPS,1ZXX,delivered,,
UPS,,in_transit,,
UPS,1ZS1,delivered,1,1
EOF
}

@test "each status only on the lines and in the order it fits: refused with the reason, nothing changed" {
	every_method
	rejects "oms-release: -:2: status ready is for pickup and curbside lines; line 1 of release \"$S1\" is a ship line
oms-release: -:3: status ready is for pickup and curbside lines; line 1 of release \"$L1\" is a locker line
oms-release: -:4: status delivered is for ship and locker lines; line 1 of release \"$P1\" is a pickup line
oms-release: -:5: line 1 of release \"$S1\": 1 confirmed delivered, but only 0 of the 0 shipped are not delivered yet
oms-release: -:6: line 1 of release \"$P1\": 3 confirmed ready, but only 2 of the 2 still out at the node are not ready yet
oms-release: -:7: status arrived is for pickup and curbside lines; line 1 of release \"$S1\" is a ship line
oms-release: -:8: status received is for pickup and curbside lines shipped to their store; line 1 of release \"$P1\" is a pickup line released to the store itself
oms-release: 7 bad confirmations: nothing applied" <<EOF
release_id,line_no,status,qty
$S1,1,ready,1
$L1,1,ready,1
$P1,1,delivered,1
$S1,1,delivered,1
$P1,1,ready,3
$S1,1,arrived,
$P1,1,received,1
EOF
}

@test "ready confirmations sent twice: the second file is refused, the order announced once" {
	every_method
	cat > ready.csv <<EOF
release_id,line_no,status,qty,code,at
$P1,1,ready,2,PX1,2026-11-28T09:00:00Z
EOF
	run -0 oms-release -q --confirm ready.csv
	before=$(state)
	run -65 --separate-stderr oms-release --confirm ready.csv
	assert_equal "$stderr" "oms-release: ready.csv:2: line 1 of release \"$P1\" was already confirmed ready 2 at 2026-11-28T09:00:00Z (a file sent twice?)
oms-release: 1 bad confirmation: nothing applied"
	assert_equal "$(state)" "$before"
	run -0 events_of 'order.ready_for_pickup'
	assert_line --index 0 --partial 'P1|order.ready_for_pickup|'
	assert_equal "${#lines[@]}" 1
}

@test "a dry run of last-mile confirmations writes nothing" {
	every_method
	before=$(state)
	run -0 --separate-stderr oms-release --confirm --dry-run - <<EOF
release_id,line_no,status,qty,at
$P1,1,ready,2,2026-11-28T09:00:00Z
EOF
	assert_equal "$stderr" "oms-release: dry run, nothing written: 1 confirmation taken: 0 units shipped, 0 picked up, 0 short, 0 cancelled, 2 ready, 0 delivered, 0 arrivals, 0 tracking updates; 1 order ready to collect"
	assert_equal "$(state)" "$before"
}

@test "an order of two ship lines is shipped when its last line ships, and delivered with its last parcel" {
	shop
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A1,1,2026-11-25T10:00:00Z,40.75,-73.99
O1,2,B2,1,2026-11-25T10:00:00Z,40.75,-73.99
EOF
	routed
	run -0 oms-release -q $DAY
	confirms <<'EOF'
release_id,line_no,status,qty,carrier,tracking,at
20261127-DC1-000001,1,shipped,1,UPS,1ZA,2026-11-28T08:00:00Z
EOF
	run -0 events_of 'order.shipped'
	assert_output ""
	confirms <<'EOF'
release_id,line_no,status,qty,carrier,tracking,at
20261127-DC1-000001,2,shipped,1,UPS,1ZB,2026-11-28T09:00:00Z
EOF
	run -0 events_of 'order.shipped'
	assert_output 'O1|order.shipped|{"order_id":"O1","units":2,"at":"2026-11-28T09:00:00Z"}'
	confirms <<'EOF'
carrier,tracking,status,at
UPS,1ZA,delivered,2026-11-29T10:00:00Z
EOF
	run -0 events_of 'order.delivered'
	assert_output ""
	confirms <<'EOF'
carrier,tracking,status,at
UPS,1ZB,delivered,2026-11-30T10:00:00Z
EOF
	run -0 events_of 'order.delivered'
	assert_output 'O1|order.delivered|{"order_id":"O1","units":2,"at":"2026-11-30T10:00:00Z"}'
}

# ---------------------------------------------------------------------
# the collection window: oms-release --expire

# A pickup of 2 A1 at 12.50 less 1.00 off the line at ST1 (held 7 days),
# released and made ready on 2026-11-28: its last day is 2026-12-05.
ready_pickup() {
	shop
	orders <<'EOF'
order_id,line_no,sku,qty,unit_price,discount,created_at,method,pickup_node,ship_lat,ship_lon
P9,1,A1,2,12.50,1.00,2026-11-25T10:00:00Z,pickup,ST1,40.75,-73.99
EOF
	routed
	run -0 oms-release -q $DAY
	confirms <<'EOF'
release_id,line_no,status,qty,code,at
20261127-ST1-000001,1,ready,2,PX9,2026-11-28T09:00:00Z
EOF
}

expires() {
	run -0 --separate-stderr oms-release --expire "$@"
	consistent
}

@test "--expire: a reminder when the last day is near, once; expiry after it, once" {
	ready_pickup
	expires --day 2026-12-02
	assert_equal "$stderr" "oms-release: 0 collections expired on 2026-12-02 (0 units back in stock, 0 to return to their nodes, 0.00 in refunds due); 0 reminders; 0 alerts sent"
	expires --day 2026-12-03
	assert_equal "$stderr" "oms-release: 0 collections expired on 2026-12-03 (0 units back in stock, 0 to return to their nodes, 0.00 in refunds due); 1 reminder; 0 alerts sent"
	run -0 events_of 'pickup.%'
	assert_output 'P9|pickup.reminder|{"order_id":"P9","node_id":"ST1","node_type":"store","code":"PX9","last_day":"2026-12-05","days_left":2}'
	# run again, and on the last day: nothing more
	before=$(state)
	expires --day 2026-12-03
	expires --day 2026-12-05
	assert_equal "$stderr" "oms-release: 0 collections expired on 2026-12-05 (0 units back in stock, 0 to return to their nodes, 0.00 in refunds due); 0 reminders; 0 alerts sent"
	assert_equal "$(state)" "$before"
	# the day after: cancelled at the store, its stock free again, the refund due
	expires --day 2026-12-06
	assert_equal "$stderr" "oms-release: 1 collection expired on 2026-12-06 (2 units back in stock, 0 to return to their nodes, 24.00 in refunds due); 0 reminders; 0 alerts sent"
	run -0 events_of 'pickup.expired'
	assert_output --regexp '^P9\|pickup.expired\|\{"order_id":"P9","node_id":"ST1","node_type":"store","last_day":"2026-12-05","lines":\[\{"line_no":1,"sku":"A1","qty":2,"refund":24.00\}\],"refund":24.00,"at":"[0-9T:-]+Z"\}$'
	run -0 oms-report lines --order P9
	assert_output "$LINES
P9,1,A1,2,cancelled,0,0,0,0,0,0,2,0,"
	run -0 oms-report inventory --node ST1
	assert_output "$INV
ST1,A1,3,0,0,3,0,0"
	run -0 sqlite3 "$OMS_DB" "SELECT order_id, line_no, kind, amount, reason FROM refund"
	assert_output "P9|1|cancel|2400|uncollected"
	# told as any cancel's refund is, for the payment system's one feed
	run -0 events_of 'refund.issued'
	assert_output 'P9|refund.issued|{"refund_id":1,"kind":"cancel","rma_id":null,"line_no":1,"amount":24.00,"merchandise":24.00,"restocking_fee":0.00,"shipping":0.00,"reason":"uncollected","tender":"original"}'
	run -0 release_line 20261127-ST1-000001
	assert_output "2|0|0|0|0|"
	# and again: nothing
	before=$(state)
	expires --day 2026-12-07
	assert_equal "$stderr" "oms-release: 0 collections expired on 2026-12-07 (0 units back in stock, 0 to return to their nodes, 0.00 in refunds due); 0 reminders; 0 alerts sent"
	assert_equal "$(state)" "$before"
}

@test "--expire: a refund of a cancel counts in the one cap; the unit kept can still be returned" {
	ready_pickup
	# one unit picked up, the other expires: its refund (kind cancel) is
	# one more refund on the line, whose paid counts both units, so the
	# unit collected can still be refunded in full
	confirms <<'EOF'
release_id,line_no,status,qty,at
20261127-ST1-000001,1,picked_up,1,2026-11-29T10:00:00Z
EOF
	expires --day 2026-12-06 --remind-days 0
	run -0 sqlite3 "$OMS_DB" "SELECT kind, amount FROM refund"
	assert_output "cancel|1200"
	# the unit collected can still be returned for what was paid for it
	run -0 --separate-stderr oms-return authorize - <<'EOF'
order_id,line_no,qty,reason,channel,node_id
P9,1,1,changed_mind,store,ST1
EOF
	run -0 --separate-stderr oms-return receive - <<'EOF'
rma_id,line_no,qty,condition
RMA-P9-1,1,1,new
EOF
	run -0 sqlite3 "$OMS_DB" "SELECT kind, amount FROM refund ORDER BY refund_id"
	assert_output "cancel|1200
return|1200"
}

@test "--expire: a locker parcel not collected goes back to the node that shipped it" {
	every_method
	confirms <<EOF
release_id,line_no,status,qty,carrier,tracking,at
$L1,1,shipped,1,UPS,1ZL1,2026-11-28T08:00:00Z
$L1,1,delivered,1,,,2026-11-29T11:00:00Z
EOF
	expires --day 2026-12-07
	assert_equal "$stderr" "oms-release: 1 collection expired on 2026-12-07 (0 units back in stock, 1 to return to their nodes, 0.00 in refunds due); 0 reminders; 0 alerts sent"
	run -0 events_of 'pickup.expired'
	assert_output --regexp '^L1\|pickup.expired\|\{"order_id":"L1","node_id":"LK1","node_type":"locker","last_day":"2026-12-06","lines":\[\{"line_no":1,"sku":"B2","qty":1,"rma_id":"RMA-L1-1","return_to":"DC1"\}\],"refund":0.00,"at":"[0-9T:-]+Z"\}$'
	run -0 sqlite3 "$OMS_DB" "SELECT m.rma_id, m.channel, m.node_id, l.line_no, l.qty, l.reason
	    FROM rma m JOIN rma_line l USING (rma_id)"
	assert_output "RMA-L1-1|locker|DC1|1|1|uncollected"
	run -0 release_line $L1
	assert_output "1|1|0|1|0|"
	# not restocked at the locker: DC1 restocks it when it comes back (9
	# after it shipped, 10 again; S1's unit is still reserved there)
	run -0 oms-report inventory --node DC1 --sku B2
	assert_output "$INV
DC1,B2,9,0,1,8,0,1"
	run -0 --separate-stderr oms-return receive - <<'EOF'
rma_id,line_no,qty,condition
RMA-L1-1,1,1,new
EOF
	run -0 oms-report inventory --node DC1 --sku B2
	assert_output "$INV
DC1,B2,10,0,1,9,0,1"
}

@test "--expire --dry-run changes nothing; its options are checked" {
	ready_pickup
	before=$(state)
	run -0 --separate-stderr oms-release --expire --dry-run --day 2026-12-06
	assert_equal "$stderr" "oms-release: dry run, nothing written: 1 collection expired on 2026-12-06 (2 units back in stock, 0 to return to their nodes, 24.00 in refunds due); 0 reminders; 0 alerts sent"
	assert_equal "$(state)" "$before"
	run -64 oms-release --expire --confirm
	assert_line --index 0 "oms-release: --expire goes with neither --confirm nor --resend"
	run -64 oms-release --remind-days 3
	assert_line --index 0 "oms-release: --remind-days goes with --expire"
	run -64 oms-release --expire --node ST1
	assert_line --index 0 "oms-release: --expire writes no records and takes no --max, --node, --split-by-node, --format, -o or --safe-csv"
	run -64 oms-release --expire --remind-days 400
	assert_line --index 0 "oms-release: --remind-days must be 0 to 365"
}

# ---------------------------------------------------------------------
# examples/notify.sh: each news told once

@test "examples/notify.sh tells ready, reminder, shipped, delivered and backordered, each once" {
	shop
	given customers <<'EOF'
customer_id,name,email
C1,Ann Lee,ann@example.com
EOF
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,method,pickup_node,ship_lat,ship_lon,customer_id
P1,1,A1,2,2026-11-25T10:00:00Z,pickup,ST1,40.75,-73.99,C1
S1,1,B2,1,2026-11-25T11:00:00Z,ship,,40.75,-73.99,C1
B1,1,A1,20,2026-11-25T12:00:00Z,ship,,40.75,-73.99,C1
EOF
	routed
	run -0 oms-release -q $DAY --format jsonl
	s1=$(jq -r 'select(.order_id == "S1") | .release_id' <<<"$output")
	confirms <<EOF
release_id,line_no,status,qty,carrier,tracking,code,at
20261127-ST1-000001,1,ready,2,,,PX1,2026-11-28T09:00:00Z
$s1,1,shipped,1,UPS,1ZS1,,2026-11-28T10:00:00Z
EOF
	confirms <<'EOF'
carrier,tracking,status,at
UPS,1ZS1,delivered,2026-11-29T15:00:00Z
EOF
	expires --day 2026-12-04
	run -0 --separate-stderr env OMS_BIN="$OMS_BIN" sh "$TESTS/../examples/notify.sh" cursor
	assert_output - <<'EOF'
To: ann@example.com
Subject: Part of your order B1 is delayed

Hello Ann Lee,

part of your order B1 is not in stock yet; it will ship when it is:

  5 x A1

Thank you for shopping with us.
.
To: ann@example.com
Subject: Your order P1 is ready to collect

Hello Ann Lee,

your order P1 is ready at ST1:

  2 x A1

Show the code PX1 when you collect it, by 2026-12-05.

Thank you for shopping with us.
.
To: ann@example.com
Subject: Your order S1 has shipped

Hello Ann Lee,

your order S1 is on its way:

  1 x B2

UPS tracking number 1ZS1

Thank you for shopping with us.
.
To: ann@example.com
Subject: Your order S1 was delivered

Hello Ann Lee,

your order S1 was delivered.

Thank you for shopping with us.
.
To: ann@example.com
Subject: Your order P1 is waiting for you

Hello Ann Lee,

your order P1 waits at ST1: 1 day(s) left, until 2026-12-05.
Your code is PX1.

Thank you for shopping with us.
.
EOF
	assert_equal "$stderr" ""
	# again: nothing new, nothing told
	run -0 env OMS_BIN="$OMS_BIN" sh "$TESTS/../examples/notify.sh" cursor
	assert_output ""
}

# ---------------------------------------------------------------------
# oms-report alerts

ALERTS=alert,node_id,order_id,release_id,line_no,since,detail

@test "alerts: releases not confirmed in time, promises at risk, pickups near their last day, full nodes" {
	shop
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,promise_date,ship_postal_code,method,pickup_node
O1,1,A1,2,2026-11-25T10:00:00Z,2026-11-30,10001,ship,
O2,1,A1,3,2026-11-25T11:00:00Z,,60601,ship,
P1,1,A1,1,2026-11-25T12:00:00Z,,,pickup,ST1
EOF
	routed
	run -0 oms-release -q $DAY
	confirms <<'EOF'
release_id,line_no,status,qty,code,at
20261127-ST1-000001,1,ready,1,PX1,2026-11-28T09:00:00Z
EOF
	# DC1 has 30 days to confirm (720 hours) instead of 24 hours
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,capacity_per_day,lat,lon,confirm_hours
DC1,warehouse,1,0,2,40.52,-74.39,720
EOF
	# the releases were made now: nothing is overdue at the end of 2026-11-27;
	# DC1 made its 2 releases of the day; O1 still arrives in time
	run -0 oms-report alerts --today 2026-11-27
	assert_output "$ALERTS
node_full,DC1,,,,2026-11-27,2 releases of a capacity of 2"
	# two days later O1's parcel, not yet shipped, cannot arrive by the
	# 30th (2 days in transit); P1 has 2 days left to its last day
	run -0 oms-report alerts --today 2026-12-03
	assert_output "$ALERTS
at_risk,DC1,O1,,1,2026-11-30T00:00:00Z,\"released: at the earliest 2026-12-05, promised 2026-11-30\"
pickup_expiring,ST1,P1,,,2026-12-05,\"2 days left, code PX1\""
	# far later, every release still out is overdue
	run -0 oms-report alerts --today 2030-01-01 --node DC1 --format csv
	assert_line --index 1 --regexp '^release_overdue,DC1,O1,20261127-DC1-000001,,[0-9T:-]+Z,2 units not confirmed within 720 hours$'
	assert_line --index 2 --regexp '^release_overdue,DC1,O2,20261127-DC1-000002,,[0-9T:-]+Z,3 units not confirmed within 720 hours$'
	# once shipped, O1 is neither overdue nor at risk
	confirms <<'EOF'
release_id,line_no,status,qty
20261127-DC1-000001,1,shipped,2
EOF
	run -0 oms-report alerts --today 2026-12-03 --node DC1
	assert_output "$ALERTS"
	run -64 oms-report alerts --sku A1
}

@test "--expire sends the alerts as events, each once: overdue, at risk, a full node" {
	shop
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,promise_date,ship_postal_code
O1,1,A1,2,2026-11-25T10:00:00Z,2026-11-30,10001
O2,1,A1,3,2026-11-25T11:00:00Z,,60601
EOF
	routed
	run -0 oms-release -q --day 2026-12-03
	# released long ago, as the store says
	sqlite3 "$OMS_DB" "update release set released_at = '2026-12-02T08:00:00Z'"
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,capacity_per_day,lat,lon
DC1,warehouse,1,0,2,40.52,-74.39
EOF
	expires --day 2026-12-03
	assert_equal "$stderr" "oms-release: 0 collections expired on 2026-12-03 (0 units back in stock, 0 to return to their nodes, 0.00 in refunds due); 0 reminders; 4 alerts sent"
	run -0 sqlite3 "$OMS_DB" "select order_id, type, payload from event
	    where type in ('release.overdue', 'order.at_risk', 'node.capacity_filled') order by seq"
	assert_output - <<'EOF'
O1|release.overdue|{"order_id":"O1","node_id":"DC1","release_id":"20261203-DC1-000001","since":"2026-12-02T08:00:00Z","reason":"2 units not confirmed within 24 hours"}
O2|release.overdue|{"order_id":"O2","node_id":"DC1","release_id":"20261203-DC1-000002","since":"2026-12-02T08:00:00Z","reason":"3 units not confirmed within 24 hours"}
O1|order.at_risk|{"order_id":"O1","node_id":"DC1","line_no":1,"since":"2026-11-30T00:00:00Z","reason":"released: at the earliest 2026-12-05, promised 2026-11-30"}
|node.capacity_filled|{"node_id":"DC1","since":"2026-12-03","reason":"2 releases of a capacity of 2"}
EOF
	# again: each was told once
	before=$(state)
	expires --day 2026-12-03
	assert_equal "$stderr" "oms-release: 0 collections expired on 2026-12-03 (0 units back in stock, 0 to return to their nodes, 0.00 in refunds due); 0 reminders; 0 alerts sent"
	assert_equal "$(state)" "$before"
}
