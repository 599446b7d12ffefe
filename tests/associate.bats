# What a node's associates work from (oms-report(1), "picklist",
# "collections" and "inventory"): what to pick, what waits for its
# customer, and the stock reserved for the store's own pickups.  Every
# case runs the real commands on the shop of release-fixtures.bash and a
# second day of orders (the store's day below), confirmed through
# oms-release --confirm.
load helper
load release-fixtures

# every_method's releases of 2026-11-27
P1=20261127-ST1-000001
C1=20261127-ST1-000002
L1=20261127-DC1-000001
S1=20261127-DC1-000002

PICK=node_id,method,release_id,order_id,line_no,sku,description,qty,customer,promise_date,released_at
COLLECT=node_id,order_id,customer,code,lines,units,location,ready_at,last_day,days_left,arrived_at,waiting_minutes,bay,vehicle

# every_method, then a day of the store's own: ST1 also ships (C3 is
# stocked there only), the items have descriptions, and on 2026-11-28 are
# released to ST1 C2 (curbside, promised 2026-11-28, for Grace Hopper,
# whose customer row has no name), P2 (a pickup of three lines for Ada
# Lovelace, promised 2026-11-29), S2 (shipped from ST1, promised
# 2026-11-30) and L2 (a locker parcel from ST1, no promise).  T27 and
# T28 are the times the two days' releases were made.
store_day() {
	every_method
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,can_curbside,capacity_per_day,lat,lon
ST1,store,1,1,1,,40.75,-73.99
EOF
	given items <<'EOF'
sku,description
A1,Espresso cup
B2,"Kettle, 1.7 l"
C3,Tea towel
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
ST1,A1,10,2026-11-27T22:00:00Z
ST1,B2,5,2026-11-27T22:00:00Z
ST1,C3,4,2026-11-27T22:00:00Z
EOF
	given customers <<'EOF'
customer_id,name
K1,Ada Lovelace
K2,
EOF
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,promise_date,customer_id,ship_name,method,pickup_node,ship_lat,ship_lon
P2,1,A1,1,2026-11-27T09:00:00Z,2026-11-29,K1,,pickup,ST1,40.75,-73.99
P2,2,B2,1,2026-11-27T09:00:00Z,2026-11-29,K1,,pickup,ST1,40.75,-73.99
P2,3,C3,1,2026-11-27T09:00:00Z,2026-11-29,K1,,pickup,ST1,40.75,-73.99
C2,1,B2,2,2026-11-27T10:00:00Z,2026-11-28,K2,Grace Hopper,curbside,ST1,40.75,-73.99
S2,1,C3,1,2026-11-27T08:00:00Z,2026-11-30,,Alan Turing,ship,,40.76,-73.98
L2,1,C3,1,2026-11-27T07:00:00Z,,,Edsger Dijkstra,locker,LK1,40.76,-73.98
EOF
	routed
	run -0 oms-release -q --day=2026-11-28 --format jsonl
	run -0 jq -r '"\(.release_id) \(.order_id) \(.lines | map(.method) | join(" "))"' <<<"$output"
	assert_output - <<'EOF'
20261128-ST1-000001 C2 curbside
20261128-ST1-000002 P2 pickup pickup pickup
20261128-ST1-000003 S2 ship
20261128-ST1-000004 L2 locker
EOF
	T27=$(sqlite3 "$OMS_DB" "SELECT released_at FROM release WHERE release_id = '$P1'")
	T28=$(sqlite3 "$OMS_DB" "SELECT released_at FROM release WHERE release_id = '20261128-ST1-000001'")
}

# oms-report collections "$@" exits 0; its output is left in $output, the
# waiting_minutes of an arrival at $1 checked against the clock (the
# minutes since, when the view began or ended) and written as W.
collections() {
	local arrived before after

	arrived=$(date -u -d "$1" +%s)
	shift
	before=$((($(date +%s) - arrived) / 60))
	run -0 oms-report collections "$@"
	after=$((($(date +%s) - arrived) / 60))
	run -0 awk -F, -v OFS=, -v lo="$before" -v hi="$after" '
	    NR > 1 && $12 != "" { $12 = $12 >= lo && $12 <= hi ? "W" : "BAD " $12 } 1' <<<"$output"
}

# ---------------------------------------------------------------------
# picklist

@test "picklist: every line released and not confirmed, pickup and curbside first, then by promise, creation, order" {
	store_day
	run -0 oms-report picklist
	assert_output - <<EOF
$PICK
DC1,locker,$L1,L1,1,B2,"Kettle, 1.7 l",1,,,$T27
DC1,ship,$S1,S1,1,B2,"Kettle, 1.7 l",1,,,$T27
ST1,curbside,20261128-ST1-000001,C2,1,B2,"Kettle, 1.7 l",2,Grace Hopper,2026-11-28T00:00:00Z,$T28
ST1,pickup,20261128-ST1-000002,P2,1,A1,Espresso cup,1,Ada Lovelace,2026-11-29T00:00:00Z,$T28
ST1,pickup,20261128-ST1-000002,P2,2,B2,"Kettle, 1.7 l",1,Ada Lovelace,2026-11-29T00:00:00Z,$T28
ST1,pickup,20261128-ST1-000002,P2,3,C3,Tea towel,1,Ada Lovelace,2026-11-29T00:00:00Z,$T28
ST1,pickup,$P1,P1,1,A1,Espresso cup,2,,,$T27
ST1,curbside,$C1,C1,1,A1,Espresso cup,1,,,$T27
ST1,ship,20261128-ST1-000003,S2,1,C3,Tea towel,1,Alan Turing,2026-11-30T00:00:00Z,$T28
ST1,locker,20261128-ST1-000004,L2,1,C3,Tea towel,1,Edsger Dijkstra,,$T28
EOF
	# one node, or some; a node with nothing released (the locker): no rows
	run -0 oms-report picklist --node DC1
	assert_output - <<EOF
$PICK
DC1,locker,$L1,L1,1,B2,"Kettle, 1.7 l",1,,,$T27
DC1,ship,$S1,S1,1,B2,"Kettle, 1.7 l",1,,,$T27
EOF
	run -0 oms-report picklist --node LK1 --node NOPE
	assert_output "$PICK"
	run -0 oms-report picklist --node LK1 --node DC1 --format jsonl
	assert_output - <<EOF
{"node_id":"DC1","method":"locker","release_id":"$L1","order_id":"L1","line_no":1,"sku":"B2","description":"Kettle, 1.7 l","qty":1,"customer":"","promise_date":null,"released_at":"$T27"}
{"node_id":"DC1","method":"ship","release_id":"$S1","order_id":"S1","line_no":1,"sku":"B2","description":"Kettle, 1.7 l","qty":1,"customer":"","promise_date":null,"released_at":"$T27"}
EOF
}

@test "picklist: units made ready, shipped, short or asked back are not to pick" {
	store_day
	confirms <<EOF
release_id,line_no,status,qty,location,carrier,tracking,at
20261128-ST1-000001,1,ready,1,bay 1,,,2026-11-28T09:00:00Z
20261128-ST1-000002,1,ready,1,shelf 4,,,2026-11-28T09:05:00Z
20261128-ST1-000003,1,shipped,1,,UPS,1ZS2,2026-11-28T10:00:00Z
$P1,1,short,1,,,,2026-11-28T10:30:00Z
$L1,1,shipped,1,,UPS,1ZL1,2026-11-28T11:00:00Z
EOF
	# C1's unit is asked back by customer care: the node is not to pick it
	run -0 oms-order -q cancel C1 --reason "changed mind"
	run -0 oms-report picklist --node ST1 --node DC1
	assert_output - <<EOF
$PICK
DC1,ship,$S1,S1,1,B2,"Kettle, 1.7 l",1,,,$T27
ST1,curbside,20261128-ST1-000001,C2,1,B2,"Kettle, 1.7 l",1,Grace Hopper,2026-11-28T00:00:00Z,$T28
ST1,pickup,20261128-ST1-000002,P2,2,B2,"Kettle, 1.7 l",1,Ada Lovelace,2026-11-29T00:00:00Z,$T28
ST1,pickup,20261128-ST1-000002,P2,3,C3,Tea towel,1,Ada Lovelace,2026-11-29T00:00:00Z,$T28
ST1,pickup,$P1,P1,1,A1,Espresso cup,1,,,$T27
ST1,locker,20261128-ST1-000004,L2,1,C3,Tea towel,1,Edsger Dijkstra,,$T28
EOF
	# a locker parcel delivered into its locker is not picked again
	confirms <<EOF
release_id,line_no,status,qty,location,code,at
$L1,1,delivered,1,compartment 12,LK-4411,2026-11-29T11:00:00Z
EOF
	run -0 oms-report picklist --node DC1
	assert_output - <<EOF
$PICK
DC1,ship,$S1,S1,1,B2,"Kettle, 1.7 l",1,,,$T27
EOF
}

# ---------------------------------------------------------------------
# collections

# The store's day confirmed: C1 made ready and its customer at the curb;
# P2 (three lines, two shelves) and P1 ready in whole, P2 first; C2 ready
# in part; L1 shipped and delivered into the locker LK1.
all_ready() {
	store_day
	confirms <<EOF
release_id,line_no,status,qty,location,code,bay,vehicle,carrier,tracking,at
$C1,1,ready,1,bay 2,CB-1,,,,,2026-11-28T10:00:00Z
20261128-ST1-000002,1,ready,1,shelf 4,PX-2,,,,,2026-11-29T08:00:00Z
20261128-ST1-000002,2,ready,1,shelf 7,,,,,,2026-11-29T08:00:00Z
20261128-ST1-000002,3,ready,1,shelf 4,,,,,,2026-11-29T08:00:00Z
20261128-ST1-000001,1,ready,1,bay 1,CB-2,,,,,2026-11-29T09:00:00Z
$L1,1,shipped,1,,,,,UPS,1ZL1,2026-11-28T08:00:00Z
$L1,1,delivered,1,compartment 12,LK-4411,,,,,2026-11-29T11:00:00Z
$P1,1,ready,2,shelf 4,PX-1,,,,,2026-11-30T09:00:00Z
$C1,1,arrived,,,,3,blue Volvo estate,,,2026-11-28T17:05:00Z
EOF
}

@test "collections: arrivals first, then by last day, days left to today; partial readiness shown, not announced" {
	all_ready
	collections 2026-11-28T17:05:00Z --today 2026-12-05
	assert_output - <<'EOF'
node_id,order_id,customer,code,lines,units,location,ready_at,last_day,days_left,arrived_at,waiting_minutes,bay,vehicle
LK1,L1,,LK-4411,1,1,compartment 12,2026-11-29T11:00:00Z,2026-12-06,1,,,,
ST1,C1,,CB-1,1,1,bay 2,2026-11-28T10:00:00Z,2026-12-05,0,2026-11-28T17:05:00Z,W,3,blue Volvo estate
ST1,P2,Ada Lovelace,PX-2,3,3,shelf 4;shelf 7,2026-11-29T08:00:00Z,2026-12-06,1,,,,
ST1,P1,,PX-1,1,2,shelf 4,2026-11-30T09:00:00Z,2026-12-07,2,,,,
ST1,C2,Grace Hopper,CB-2,1,1,bay 1,,,,,,,
EOF
	# C2 is ready in part: shown, and no order.ready_for_pickup for it
	run -0 events_of 'order.ready_for_pickup'
	refute_output --partial 'C2|'
	# days left go below 0 after the last day
	collections 2026-11-28T17:05:00Z --node ST1 --today 2026-12-07
	assert_output - <<'EOF'
node_id,order_id,customer,code,lines,units,location,ready_at,last_day,days_left,arrived_at,waiting_minutes,bay,vehicle
ST1,C1,,CB-1,1,1,bay 2,2026-11-28T10:00:00Z,2026-12-05,-2,2026-11-28T17:05:00Z,W,3,blue Volvo estate
ST1,P2,Ada Lovelace,PX-2,3,3,shelf 4;shelf 7,2026-11-29T08:00:00Z,2026-12-06,-1,,,,
ST1,P1,,PX-1,1,2,shelf 4,2026-11-30T09:00:00Z,2026-12-07,0,,,,
ST1,C2,Grace Hopper,CB-2,1,1,bay 1,,,,,,,
EOF
}

@test "collections: a locker's parcels wait at the locker, not at the node that shipped them" {
	all_ready
	run -0 oms-report collections --node LK1 --today 2026-12-05 --format jsonl
	assert_output '{"node_id":"LK1","order_id":"L1","customer":"","code":"LK-4411","lines":1,"units":1,"location":"compartment 12","ready_at":"2026-11-29T11:00:00Z","last_day":"2026-12-06","days_left":1,"arrived_at":null,"waiting_minutes":null,"bay":"","vehicle":""}'
	run -0 oms-report collections --node DC1
	assert_output "$COLLECT"
	# taken from the locker: nothing waits there
	confirms <<EOF
release_id,line_no,status,qty,at
$L1,1,picked_up,1,2026-11-30T19:00:00Z
EOF
	run -0 oms-report collections --node LK1 --format json
	assert_output "[]"
}

@test "collections: what is handed over leaves the view; a part handed over leaves the rest" {
	all_ready
	confirms <<EOF
release_id,line_no,status,qty,at
$C1,1,picked_up,1,2026-11-28T17:09:00Z
$P1,1,picked_up,1,2026-11-30T12:00:00Z
20261128-ST1-000002,2,short,1,2026-11-30T12:30:00Z
EOF
	run -0 oms-report collections --node ST1 --today 2026-12-05
	assert_output - <<EOF
$COLLECT
ST1,P2,Ada Lovelace,PX-2,2,2,shelf 4,2026-11-29T08:00:00Z,2026-12-06,1,,,,
ST1,P1,,PX-1,1,1,shelf 4,2026-11-30T09:00:00Z,2026-12-07,2,,,,
ST1,C2,Grace Hopper,CB-2,1,1,bay 1,,,,,,,
EOF
}

@test "collections: an order made ready in part is shown with what is ready, until the rest is" {
	store_day
	confirms <<EOF
release_id,line_no,status,qty,location,at
20261128-ST1-000002,2,ready,1,shelf 7,2026-11-29T08:00:00Z
EOF
	run -0 oms-report collections --node ST1 --today 2026-12-05
	assert_output - <<EOF
$COLLECT
ST1,P2,Ada Lovelace,,1,1,shelf 7,,,,,,,
EOF
	confirms <<EOF
release_id,line_no,status,qty,location,code,at
20261128-ST1-000002,1,ready,1,shelf 7,PX-2,2026-11-29T09:00:00Z
20261128-ST1-000002,3,ready,1,shelf 2,,2026-11-29T09:30:00Z
EOF
	run -0 oms-report collections --node ST1 --today 2026-12-05
	assert_output - <<EOF
$COLLECT
ST1,P2,Ada Lovelace,PX-2,3,3,shelf 7;shelf 2,2026-11-29T09:30:00Z,2026-12-06,1,,,,
EOF
}

@test "collections: a curbside customer who arrives before anything is ready is shown first, with nothing staged" {
	store_day
	confirms <<EOF
release_id,line_no,status,qty,bay,vehicle,at
20261128-ST1-000001,1,arrived,,5,red van,2026-11-28T16:00:00Z
EOF
	collections 2026-11-28T16:00:00Z --node ST1 --today 2026-11-28
	assert_output - <<EOF
$COLLECT
ST1,C2,Grace Hopper,,0,0,,,,,2026-11-28T16:00:00Z,W,5,red van
EOF
	# once staged, the same row with what is ready; handed over, gone
	confirms <<EOF
release_id,line_no,status,qty,location,code,at
20261128-ST1-000001,1,ready,2,bay 5,CB-9,2026-11-28T16:10:00Z
EOF
	collections 2026-11-28T16:00:00Z --node ST1 --today 2026-11-28
	assert_output - <<EOF
$COLLECT
ST1,C2,Grace Hopper,CB-9,1,2,bay 5,2026-11-28T16:10:00Z,2026-12-05,7,2026-11-28T16:00:00Z,W,5,red van
EOF
	confirms <<EOF
release_id,line_no,status,qty,at
20261128-ST1-000001,1,picked_up,2,2026-11-28T16:12:00Z
EOF
	run -0 oms-report collections --node ST1
	assert_output "$COLLECT"
}

# ---------------------------------------------------------------------
# the store's stock

@test "inventory: reserved split into the store's own pickups and the rest, after atp" {
	store_day
	stock_is <<EOF
$INV
DC1,A1,10,0,0,10,0,0
DC1,B2,10,0,2,8,0,2
DC2,A1,5,0,0,5,0,0
ST1,A1,10,0,4,6,4,0
ST1,B2,5,0,3,2,3,0
ST1,C3,4,0,3,1,1,2
EOF
	# ready units stay reserved at the store until handed over
	confirms <<EOF
release_id,line_no,status,qty,at
$P1,1,ready,2,2026-11-28T09:00:00Z
20261128-ST1-000003,1,shipped,1,2026-11-28T10:00:00Z
EOF
	run -0 oms-report inventory --node ST1
	assert_output - <<EOF
$INV
ST1,A1,10,0,4,6,4,0
ST1,B2,5,0,3,2,3,0
ST1,C3,3,0,2,1,1,1
EOF
	confirms <<EOF
release_id,line_no,status,qty,at
$P1,1,picked_up,2,2026-11-28T12:00:00Z
EOF
	run -0 oms-report inventory --node ST1 --sku A1 --format jsonl
	assert_output '{"node_id":"ST1","sku":"A1","on_hand":8,"safety_stock":0,"reserved":2,"atp":6,"reserved_pickup":2,"reserved_ship":0}'
}

# ---------------------------------------------------------------------
# usage

@test "picklist and collections refuse what they do not take (64), and a bad --today" {
	store_day
	run -64 --separate-stderr oms-report picklist --today 2026-12-05
	assert_equal "$stderr" 'oms-report: --today does not apply to picklist'
	assert_output ''
	run -64 --separate-stderr oms-report picklist --node ST1 --sku A1
	assert_equal "$stderr" 'oms-report: --sku does not apply to picklist'
	run -64 --separate-stderr oms-report collections --node ST1 --from 2026-11-01
	assert_equal "$stderr" 'oms-report: --from does not apply to collections'
	run -64 --separate-stderr oms-report collections --today 2026-12-32
	assert_equal "$stderr" 'oms-report: --today takes a date YYYY-MM-DD, got "2026-12-32"'
	run -64 --separate-stderr oms-report collections --today 2026-12-05 --today 2026-12-06
	assert_equal "$stderr" 'oms-report: --today given twice: it takes one value'
}
