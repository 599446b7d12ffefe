# A line's counts (oms(7), "Line counts"): a write of oms that can raise
# what a line holds leaves open = qty - allocated - routed - released -
# shipped - cancelled >= 0, backordered <= open and returned <= shipped,
# or the store refuses it as it is written (store_line_check): exit 70,
# the order, line, rule and counts named, the whole run rolled back.  The normal flows that keep the rule are every other
# suite's; here, stores broken on purpose with sqlite3 (as oms-report
# check's tests break them), then a real command whose write would break
# a line further.
load helper

given() {
	oms-import -q "$@" -
}

# One warehouse, one item; O1 (two lines) allocated, routed and released
# to DC1 as release $REL1.
released_store() {
	given nodes <<'EOF'
node_id,type,can_ship,accepts_returns,lat,lon
DC1,warehouse,1,1,40.52,-74.39
EOF
	given rates <<'EOF'
max_km,base_cost,per_kg,transit_days
5000,5.00,0,2
EOF
	given items <<'EOF'
sku,unit_price
A1,1000
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,10,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_name,ship_lat,ship_lon,unit_price
O1,1,A1,2,2026-11-25T10:00:00Z,Ann Lee,40.75,-73.99,1000
O1,2,A1,3,2026-11-25T10:00:00Z,Ann Lee,40.75,-73.99,1000
EOF
	oms-allocate -q > /dev/null &&
	oms-route -q --day 2026-11-27 > /dev/null &&
	oms-release -q --day 2026-11-27 > /dev/null
	REL1=20261127-DC1-000001
}

REFUSED='(oms(7), "Line counts")'

@test "the store these tests start from keeps the rule" {
	released_store
	run -0 oms-report lines
	assert_output - <<'EOF'
order_id,line_no,sku,qty,status,open,backordered,allocated,routed,released,shipped,cancelled,returned,nodes
O1,1,A1,2,released,0,0,0,0,2,0,0,0,DC1
O1,2,A1,3,released,0,0,0,0,3,0,0,0,DC1
EOF
	run -0 oms-report check
	assert_output "$CHECK_HEAD"
}

@test "a routing that would place more than a line holds: refused, 70, the line named, the run rolled back" {
	released_store
	# routed in the same run, before O1 (the lines are written by order id)
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_name,ship_lat,ship_lon,unit_price
O0,1,A1,1,2026-11-25T09:00:00Z,Cy Ray,40.75,-73.99,1000
EOF
	oms-allocate -q > /dev/null
	# by other means: line 2 allocated again while its units are out
	sqlite3 "$OMS_DB" "UPDATE order_line SET allocated = 1 WHERE order_id = 'O1' AND line_no = 2"
	before=$(state)
	run -70 --separate-stderr oms-route --day 2026-11-27
	assert_output ""
	assert_equal "$stderr" "oms-route: $OMS_DB: routing a line: order \"O1\" line 2: refused: it would break line_buckets: qty 3, allocated 0, routed 1, released 3, shipped 0, cancelled 0, returned 0, backordered 0 $REFUSED"
	# O0's routing too: the whole run rolls back
	assert_equal "$(state)" "$before"
	run -0 sqlite3 "$OMS_DB" "SELECT command, exit_status FROM run ORDER BY run_id DESC LIMIT 1"
	assert_output "oms-route|70"
}

@test "a receipt that would return more than a line shipped: refused, 70, the line named, nothing written" {
	released_store
	oms-release -q --confirm - <<EOF
release_id,line_no,status,qty,carrier,tracking
$REL1,1,shipped,2,UPS,1Z1
EOF
	oms-return -q authorize - > /dev/null <<'EOF'
order_id,line_no,qty,reason
O1,1,2,damaged
EOF
	# by other means: one of the two shipped units unshipped
	sqlite3 "$OMS_DB" "UPDATE order_line SET shipped = 1 WHERE order_id = 'O1' AND line_no = 1"
	before=$(state)
	run -70 --separate-stderr oms-return receive - <<'EOF'
rma_id,line_no,qty,condition,node_id
RMA-O1-1,1,2,new,DC1
EOF
	assert_output ""
	assert_equal "$stderr" "oms-return: $OMS_DB: writing a receipt: order \"O1\" line 1: refused: it would break line_returned: qty 2, allocated 0, routed 0, released 0, shipped 1, cancelled 0, returned 2, backordered 0 $REFUSED"
	assert_equal "$(state)" "$before"
}

@test "a store broken by other means is read as it is, and oms-report check names the line" {
	released_store
	run -0 sqlite3 "$OMS_DB" "UPDATE order_line SET shipped = qty + 1 WHERE order_id = 'O1' AND line_no = 1"
	run -1 oms-report check
	assert_output - <<'EOF'
check,subject,detail
line_buckets,O1/1,allocated 0 + routed 0 + released 2 + shipped 3 + cancelled 0 exceed qty 2
EOF
}

@test "cancelling a routed line gives its nodes' units back before it counts them cancelled" {
	released_store
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_name,ship_lat,ship_lon,unit_price
O2,1,A1,2,2026-11-25T11:00:00Z,Bo Diaz,40.75,-73.99,1000
EOF
	oms-allocate -q > /dev/null
	oms-route -q --day 2026-11-27 > /dev/null
	run -0 oms-report lines --order O2
	assert_line --index 1 "O2,1,A1,2,routed,0,0,0,2,0,0,0,0,DC1"
	run -0 --separate-stderr oms-order cancel O2
	run -0 oms-report lines --order O2
	assert_output - <<'EOF'
order_id,line_no,sku,qty,status,open,backordered,allocated,routed,released,shipped,cancelled,returned,nodes
O2,1,A1,2,cancelled,0,0,0,0,0,0,2,0,
EOF
	run -0 oms-report check
	assert_output "$CHECK_HEAD"
}

@test "an order change that would leave a line holding more than its qty: refused, 70, the line named, nothing written" {
	released_store
	# by other means: line 2 allocated again while its units are out
	sqlite3 "$OMS_DB" "UPDATE order_line SET allocated = 1 WHERE order_id = 'O1' AND line_no = 2"
	before=$(state)
	run -70 --separate-stderr oms-order cancel O1 2 1
	assert_output ""
	assert_equal "${stderr_lines[0]}" "oms-order: $OMS_DB: writing an order line: order \"O1\" line 2: refused: it would break line_buckets: qty 3, allocated 0, routed 0, released 3, shipped 0, cancelled 1, returned 0, backordered 0 $REFUSED"
	assert_equal "$(state)" "$before"
}
