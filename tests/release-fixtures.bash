# The fixtures of oms-release's tests (release.bats, last-mile.bats): a
# tiny shop built with the real oms-import, oms-allocate and oms-route,
# and the checks every case makes.  Loaded after helper.

# Import KIND from the CSV on standard input.
given() {
	oms-import -q "$@" -
}

# oms-route, the real one: every allocated line to the nearest node that
# has its stock (see shop).
routed() {
	oms-route -q "$@" > /dev/null
}

# Two warehouses and a pickup store; two items.  DC1 is in New Jersey, by
# New York and nearer to Chicago than DC2, in Los Angeles; ST1 is a New
# York store for pickups only.  The rate card grows with distance, 1.00 a
# 250 km band up to 5000 km, so oms-route ships from the nearest node that
# has the stock: DC1 for New York and Chicago.
shop() {
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,capacity_per_day,lat,lon
DC1,warehouse,1,0,,40.52,-74.39
DC2,warehouse,1,0,,34.05,-118.24
ST1,store,0,1,,40.75,-73.99
EOF
	awk 'BEGIN { print "max_km,base_cost,per_kg,transit_days"
	    for (km = 250; km <= 5000; km += 250) print km "," km / 250 ".00,0,2" }' |
	    given rates
	oms-import -q postal "$DATA/postal.csv"
	given items <<'EOF'
sku
A1
B2
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,10,2026-11-26T22:00:00Z
DC1,B2,10,2026-11-26T22:00:00Z
DC2,A1,5,2026-11-26T22:00:00Z
ST1,A1,3,2026-11-26T22:00:00Z
EOF
}

# The orders on standard input (after the shop), allocated.
orders() {
	given orders && oms-allocate -q > /dev/null
}

consistent() {
	run -0 oms-report check
	assert_output "$CHECK_HEAD"
}

# oms-release "$@" exits 0 and prints exactly standard input; the store
# passes oms-report check.  The summary is left in $stderr.
releases() {
	local expected

	expected=$(cat)
	run -0 --separate-stderr oms-release "$@"
	assert_output "$expected"
	consistent
}

# oms-release --confirm of the CSV on standard input exits 0.
confirms() {
	run -0 --separate-stderr oms-release --confirm "$@" -
	consistent
}

# oms-release --confirm of the CSV on standard input is rejected with
# exit 65, the messages in $1 (then the closing line), and no change.
rejects() {
	local before
	before=$(state)
	run -65 --separate-stderr oms-release --confirm -
	assert_output ""
	assert_equal "$stderr" "$1"
	assert_equal "$(state)" "$before"
}

lines_are() {
	run -0 oms-report lines
	assert_output -
}

stock_is() {
	run -0 oms-report inventory
	assert_output -
}

events_of() {
	sqlite3 "$OMS_DB" "SELECT order_id, type, payload FROM event
	    WHERE type LIKE '$1' ORDER BY seq"
}

REL=release_id,node_id,order_id,line_no,sku,qty,method,ship_name,ship_address1,ship_city,ship_region,ship_postal_code,ship_country,promise_date,ship_to_node,customer_address1,customer_city,customer_region,customer_postal_code,customer_country
LINES=order_id,line_no,sku,qty,status,open,backordered,allocated,routed,released,shipped,cancelled,returned,nodes
INV=node_id,sku,on_hand,safety_stock,reserved,atp,reserved_pickup,reserved_ship
DAY=--day=2026-11-27

# A pickup (P1, 2 units) and a curbside line (C1) at ST1, a locker line
# (L1, shipped by DC1 to the locker LK1) and a ship line (S1), released:
# 20261127-ST1-000001 P1, -000002 C1; 20261127-DC1-000001 L1, -000002 S1.
every_method() {
	shop
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,can_curbside,capacity_per_day,lat,lon
ST1,store,0,1,1,,40.75,-73.99
LK1,locker,0,0,0,,40.70,-74.00
EOF
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,method,pickup_node,ship_lat,ship_lon
P1,1,A1,2,2026-11-25T10:00:00Z,pickup,ST1,40.75,-73.99
C1,1,A1,1,2026-11-25T10:30:00Z,curbside,ST1,40.75,-73.99
L1,1,B2,1,2026-11-25T11:00:00Z,locker,LK1,40.75,-73.99
S1,1,B2,1,2026-11-25T12:00:00Z,ship,,40.75,-73.99
EOF
	routed
	run -0 oms-release -q $DAY --format jsonl
	run -0 jq -r '"\(.release_id) \(.order_id) \(.lines[0].method)"' <<<"$output"
	assert_output - <<'EOF'
20261127-ST1-000001 P1 pickup
20261127-ST1-000002 C1 curbside
20261127-DC1-000001 L1 locker
20261127-DC1-000002 S1 ship
EOF
}
