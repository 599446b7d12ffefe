# A node's daily capacity (oms(7), "The model"): what counts against it is
# its releases of the business day less those whose every unit came back
# short or cancelled; oms-route and oms-release use the room so given
# back, and oms-release --expire tells each change, node.capacity_filled
# and node.capacity_freed, once.  Every case runs the real commands on
# the tiny shop of release-fixtures.bash, with DC1 taking one release a
# day.
load helper
load release-fixtures

R1=20261127-DC1-000001

# DC1 takes one release a day.
one_a_day() {
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,capacity_per_day,lat,lon
DC1,warehouse,1,0,1,40.52,-74.39
EOF
}

# oms-release --confirm of one line of release $1: status $2, qty $3, at $4.
confirm_one() {
	confirms <<EOF
release_id,line_no,status,qty,at
$1,1,$2,$3,$4
EOF
}

expires() {
	run -0 --separate-stderr oms-release --expire "$@"
	consistent
}

# The summary of oms-release --expire on 2026-11-27 that sent $1 alerts.
expired() {
	assert_equal "$stderr" "oms-release: 0 collections expired on 2026-11-27 (0 units back in stock, 0 to return to their nodes, 0.00 in refunds due); 0 reminders; $1 sent"
}

capacity_events() {
	events_of 'node.capacity_%'
}

@test "oms-release: a release whose every unit came back short gives its capacity back; one with a unit out does not" {
	shop
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A1,2,2026-11-25T10:00:00Z,40.75,-73.99
O2,1,B2,1,2026-11-25T11:00:00Z,40.75,-73.99
EOF
	routed
	one_a_day
	releases $DAY <<EOF
$REL
$R1,DC1,O1,1,A1,2,ship,,,,,,US,,,,,,,US
EOF
	assert_equal "$stderr" "oms-release: 1 release (1 line, 2 units) to 1 node; 1 waiting: 0 held, 0 ship-complete not all routed, 1 over capacity, 0 past --max"
	# one unit short, one still out: the release still counts
	confirm_one $R1 short 1 2026-11-27T10:00:00Z
	releases $DAY <<<"$REL"
	assert_equal "$stderr" "oms-release: 0 releases (0 lines, 0 units) to 0 nodes; 1 waiting: 0 held, 0 ship-complete not all routed, 1 over capacity, 0 past --max"
	# the other short too: nothing of it is left, DC1 has room again today
	confirm_one $R1 short 1 2026-11-27T11:00:00Z
	releases $DAY <<EOF
$REL
20261127-DC1-000002,DC1,O2,1,B2,1,ship,,,,,,US,,,,,,,US
EOF
	assert_equal "$stderr" "oms-release: 1 release (1 line, 1 unit) to 1 node; 0 waiting: 0 held, 0 ship-complete not all routed, 0 over capacity, 0 past --max"
	# the view: two releases that day, one of them counted, a full day
	run -0 oms-report releases
	assert_output - <<'EOF'
node_id,day,releases,lines,units,shipped,outstanding,capacity_per_day,utilisation
DC1,2026-11-27,2,2,3,0,1,1,1.000
EOF
}

@test "oms-release: a release cancelled in part and short for the rest gives its capacity back" {
	shop
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A1,2,2026-11-25T10:00:00Z,40.75,-73.99
O2,1,B2,1,2026-11-25T11:00:00Z,40.75,-73.99
EOF
	routed
	one_a_day
	run -0 oms-release -q $DAY
	# the customer cancels one unit; the node answers it, and has not the other
	oms-order -q cancel O1 1 1
	consistent
	confirms <<EOF
release_id,line_no,status,qty
$R1,1,cancelled,1
$R1,1,short,1
EOF
	assert_equal "$stderr" "oms-release: 2 confirmations taken: 0 units shipped, 0 picked up, 1 short, 1 cancelled"
	releases $DAY <<EOF
$REL
20261127-DC1-000002,DC1,O2,1,B2,1,ship,,,,,,US,,,,,,,US
EOF
}

@test "oms-release: a release shipped in part and short for the rest still counts" {
	shop
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A1,2,2026-11-25T10:00:00Z,40.75,-73.99
O2,1,B2,1,2026-11-25T11:00:00Z,40.75,-73.99
EOF
	routed
	one_a_day
	run -0 oms-release -q $DAY
	confirms <<EOF
release_id,line_no,status,qty
$R1,1,shipped,1
$R1,1,short,1
EOF
	releases $DAY <<<"$REL"
	assert_equal "$stderr" "oms-release: 0 releases (0 lines, 0 units) to 0 nodes; 1 waiting: 0 held, 0 ship-complete not all routed, 1 over capacity, 0 past --max"
}

@test "oms-route: a node whose release of the day came back short takes new work that day" {
	shop
	one_a_day
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A1,2,2026-11-25T10:00:00Z,40.75,-73.99
EOF
	routed $DAY
	run -0 oms-release -q $DAY
	# one unit still out at DC1: full, O2 goes to DC2
	confirm_one $R1 short 1 2026-11-27T10:00:00Z
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O2,1,A1,1,2026-11-26T10:00:00Z,40.75,-73.99
EOF
	run -0 oms-allocate -q --order O2
	run -0 oms-route -q $DAY
	assert_output - <<'EOF'
order_id,line_no,sku,qty,node_id,cost,transit_days,late
O2,1,A1,1,DC2,16,2,0
EOF
	# the last unit short: DC1 takes O3, the same day
	confirm_one $R1 short 1 2026-11-27T11:00:00Z
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O3,1,A1,1,2026-11-26T11:00:00Z,40.75,-73.99
EOF
	run -0 oms-allocate -q --order O3
	run -0 oms-route -q $DAY
	assert_output - <<'EOF'
order_id,line_no,sku,qty,node_id,cost,transit_days,late
O3,1,A1,1,DC1,1,2,0
EOF
	releases $DAY <<EOF
$REL
20261127-DC2-000001,DC2,O2,1,A1,1,ship,,,,,,US,,,,,,,US
20261127-DC1-000002,DC1,O3,1,A1,1,ship,,,,,,US,,,,,,,US
EOF
}

@test "--expire: a node filled, freed by shorts, filled again: each change told once" {
	shop
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A1,2,2026-11-25T10:00:00Z,40.75,-73.99
O2,1,B2,1,2026-11-25T11:00:00Z,40.75,-73.99
EOF
	routed
	one_a_day
	run -0 oms-release -q $DAY
	expires $DAY
	expired "1 alert"
	run -0 capacity_events
	assert_output '|node.capacity_filled|{"node_id":"DC1","since":"2026-11-27","reason":"1 releases of a capacity of 1"}'
	run -0 oms-report alerts --today 2026-11-27
	assert_output - <<'EOF'
alert,node_id,order_id,release_id,line_no,since,detail
node_full,DC1,,,,2026-11-27,1 releases of a capacity of 1
EOF
	# a unit short, one still out: still full, nothing to tell
	confirm_one $R1 short 1 2026-11-27T10:00:00Z
	expires $DAY
	expired "0 alerts"
	# the last unit short: freed, once
	confirm_one $R1 short 1 2026-11-27T11:00:00Z
	# the view lists what is open: nothing
	run -0 oms-report alerts --today 2026-11-27
	assert_output "alert,node_id,order_id,release_id,line_no,since,detail"
	expires $DAY
	expired "1 alert"
	run -0 capacity_events
	assert_output - <<'EOF'
|node.capacity_filled|{"node_id":"DC1","since":"2026-11-27","reason":"1 releases of a capacity of 1"}
|node.capacity_freed|{"node_id":"DC1","since":"2026-11-27","reason":"0 releases of a capacity of 1"}
EOF
	before=$(state)
	expires $DAY
	expired "0 alerts"
	assert_equal "$(state)" "$before"
	# O2 takes the room: full again, told again, once
	run -0 oms-release -q $DAY
	expires $DAY
	expired "1 alert"
	before=$(state)
	expires $DAY
	expired "0 alerts"
	assert_equal "$(state)" "$before"
	run -0 capacity_events
	assert_output - <<'EOF'
|node.capacity_filled|{"node_id":"DC1","since":"2026-11-27","reason":"1 releases of a capacity of 1"}
|node.capacity_freed|{"node_id":"DC1","since":"2026-11-27","reason":"0 releases of a capacity of 1"}
|node.capacity_filled|{"node_id":"DC1","since":"2026-11-27","reason":"1 releases of a capacity of 1"}
EOF
	run -0 sqlite3 "$OMS_DB" "SELECT kind, subject, plan FROM sent_once ORDER BY kind, plan"
	assert_output - <<'EOF'
node.capacity_filled|DC1/2026-11-27|
node.capacity_filled|DC1/2026-11-27|2
node.capacity_freed|DC1/2026-11-27|
EOF
	# another day: DC1 is not full, and nothing was told of it
	expires --day 2026-11-28
	assert_equal "$stderr" "oms-release: 0 collections expired on 2026-11-28 (0 units back in stock, 0 to return to their nodes, 0.00 in refunds due); 0 reminders; 0 alerts sent"
}

@test "--expire: a node told full whose capacity is raised or removed is freed; one never told full is not" {
	shop
	one_a_day
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A1,2,2026-11-25T10:00:00Z,40.75,-73.99
EOF
	routed
	run -0 oms-release -q $DAY
	# DC2's capacity of 5 was never reached: nothing to tell of it
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,capacity_per_day,lat,lon
DC2,warehouse,1,0,5,34.05,-118.24
EOF
	expires $DAY
	expired "1 alert"
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,capacity_per_day,lat,lon
DC1,warehouse,1,0,2,40.52,-74.39
EOF
	expires $DAY
	expired "1 alert"
	# back to 1: full again; then no capacity at all: room again
	one_a_day
	expires $DAY
	expired "1 alert"
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,capacity_per_day,lat,lon
DC1,warehouse,1,0,,40.52,-74.39
EOF
	expires $DAY
	expired "1 alert"
	run -0 capacity_events
	assert_output - <<'EOF'
|node.capacity_filled|{"node_id":"DC1","since":"2026-11-27","reason":"1 releases of a capacity of 1"}
|node.capacity_freed|{"node_id":"DC1","since":"2026-11-27","reason":"1 releases of a capacity of 2"}
|node.capacity_filled|{"node_id":"DC1","since":"2026-11-27","reason":"1 releases of a capacity of 1"}
|node.capacity_freed|{"node_id":"DC1","since":"2026-11-27","reason":"1 releases, no capacity set"}
EOF
	run -0 sqlite3 "$OMS_DB" "SELECT kind, plan FROM sent_once ORDER BY kind, plan"
	assert_output - <<'EOF'
node.capacity_filled|
node.capacity_filled|2
node.capacity_freed|
node.capacity_freed|2
EOF
}
