# A node's daily capacity (oms(7), "The model"): what counts against it is
# its releases of the business day less those whose every unit came back
# short or cancelled; oms-route and oms-release use the room so given
# back.  Every case runs the real commands on the tiny shop of
# release-fixtures.bash, with DC1 taking one release a day.
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

