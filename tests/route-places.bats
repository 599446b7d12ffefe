# oms-route at the edges of the map and across runs: destinations and
# nodes that cannot be placed, postal codes written in many ways, and
# --max-splits held over the nodes an order already uses.  The network of
# tests/route.bats (tests/data/route): nodes on the equator, A 1 kg, the
# rate card 4.00 + 0.50/kg up to 50 km, 10.00 + 0.50/kg up to 500 km.
load helper

ROUTE=$DATA/route
HEADER=order_id,line_no,sku,qty,node_id,cost,transit_days,late
LINES=order_id,line_no,sku,qty,status,open,backordered,allocated,routed,released,shipped,cancelled,returned,nodes
ALLOCATED=order_id,line_no,sku,qty,allocated,backordered,reason
DEST_BR='destination postal code 01310100 (country BR) unknown'
NODE_UK1='node UK1 cannot be located (postal code SW1A1AA, country GB unknown)'
WARN_B1='oms-allocate: warning: 1 order has a destination that cannot be placed, its lines backordered: "B1" (postal code "01310100", country "BR")'

network() {
	oms-import -q nodes "$ROUTE/nodes.csv" &&
	oms-import -q items "$ROUTE/items.csv" &&
	oms-import -q rates "$ROUTE/rates.csv"
}

given() {
	oms-import -q "$@" -
}

orders() {
	oms-import -q orders - && oms-allocate -q > /dev/null
}

consistent() {
	run -0 oms-report check
	assert_output "$CHECK_HEAD"
}

lines_are() {
	run -0 oms-report lines
	assert_output -
}

# The backorders view is exactly the lines on standard input: order_id,
# line_no, sku, backordered and reason, joined by "|".
backorders_are() {
	run -0 --separate-stderr oms-report backorders --format jsonl
	run -0 jq -r '[.order_id, .line_no, .sku, .backordered, .reason] | map(tostring) |
	    join("|")' <<<"$output"
	assert_output -
}

summary_is() {
	assert_equal "${stderr##*$'\n'}" "oms-route: $1"
}

# ---------------------------------------------------------------------
# --max-splits across runs

# O1 wants 2 units of A; N1 holds 1 of them.  Routed with --max-splits 0,
# the unit at N1 goes there and the other waits (backordered) for stock.
one_of_two() {
	network
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
N1,A,1,2026-11-26T22:00:00Z
EOF
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A,2,2026-11-26T10:00:00Z,0,0
EOF
	run -0 --separate-stderr oms-route --max-splits 0
	assert_output "$HEADER"$'\n'"O1,1,A,1,N1,5.5,1,0"
	# stock arrives at N2 only; the allocator gives O1 its second unit
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
N2,A,5,2026-11-27T06:00:00Z
EOF
	oms-allocate -q > /dev/null
}

@test "--max-splits 0: a unit left waiting is not sent to a second node by the next run" {
	one_of_two
	run -0 --separate-stderr oms-route --max-splits 0
	assert_output "$HEADER"
	summary_is "0 orders routed: 0 shipments, 0 splits, 0 late; cost 0.00 (objective 0.00 with penalties); 0 units routed, 0 backordered, 1 waiting; 0 orders unplaced; nothing changed"
	lines_are <<EOF
$LINES
O1,1,A,2,allocated,0,0,1,1,0,0,0,0,N1
EOF
	# N1 restocked: the waiting unit joins the first
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
N1,A,3,2026-11-27T08:00:00Z
EOF
	run -0 --separate-stderr oms-route --max-splits 0
	assert_output "$HEADER"$'\n'"O1,1,A,2,N1,5.5,1,0"
	summary_is "1 order routed: 1 shipment, 0 splits, 0 late; cost 5.50 (objective 5.50 with penalties); 1 unit routed, 0 backordered, 0 waiting; 0 orders unplaced"
	consistent
}

@test "--max-splits: the nodes an order was released to and shipped from count too" {
	one_of_two
	oms-release -q --day 2026-11-27 > /dev/null
	run -0 --separate-stderr oms-route --max-splits 0
	assert_output "$HEADER"
	summary_is "0 orders routed: 0 shipments, 0 splits, 0 late; cost 0.00 (objective 0.00 with penalties); 0 units routed, 0 backordered, 1 waiting; 0 orders unplaced; nothing changed"
	printf 'release_id,line_no,status,qty,at\n20261127-N1-000001,1,shipped,1,2026-11-27T15:00:00Z\n' |
	    oms-release -q --confirm -
	run -0 sqlite3 "$OMS_DB" "select node_id, routed, released, shipped from line_node"
	assert_output "N1|0|0|1"
	run -0 --separate-stderr oms-route --max-splits 0
	assert_output "$HEADER"
	lines_are <<EOF
$LINES
O1,1,A,2,allocated,0,0,1,0,0,1,0,0,N1
EOF
	# one split allowed: N2 may ship it, and the summary counts the split
	run -0 --separate-stderr oms-route --max-splits 1
	assert_output "$HEADER"$'\n'"O1,1,A,1,N2,6,1,0"
	summary_is "1 order routed: 1 shipment, 1 split, 0 late; cost 6.00 (objective 9.00 with penalties); 1 unit routed, 0 backordered, 0 waiting; 0 orders unplaced"
	consistent
}

@test "without --max-splits the second node is used, and the summary counts the split" {
	one_of_two
	run -0 --separate-stderr oms-route
	assert_output "$HEADER"$'\n'"O1,1,A,1,N2,6,1,0"
	summary_is "1 order routed: 1 shipment, 1 split, 0 late; cost 6.00 (objective 9.00 with penalties); 1 unit routed, 0 backordered, 0 waiting; 0 orders unplaced"
	lines_are <<EOF
$LINES
O1,1,A,2,routed,0,0,0,2,0,0,0,0,N1;N2
EOF
}

@test "a line routed after its order's first: a nearer node is not worth a split" {
	network
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
N1,A,5,2026-11-26T22:00:00Z
EOF
	# B is nowhere yet: line 2 is backordered, line 1 goes to N1
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A,1,2026-11-26T10:00:00Z,0,0.1
O1,2,B,1,2026-11-26T10:00:00Z,0,0.1
EOF
	run -0 --separate-stderr oms-route
	assert_output "$HEADER"$'\n'"O1,1,A,1,N1,5.5,1,0"
	# B arrives at N1 (4 + 1 + 1 = 6.00) and at ST, on the ship-to itself
	# (4 + 1 + 0.50 = 5.50), which would be the order's second node: a
	# split, 3.00 under the balanced policy
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
N1,B,5,2026-11-27T06:00:00Z
ST,B,5,2026-11-27T06:00:00Z
EOF
	oms-allocate -q > /dev/null
	# with splits free, ST wins, and the summary counts the split
	run -0 --separate-stderr oms-route --split-penalty 0 --dry-run
	assert_output "$HEADER"$'\n'"O1,2,B,1,ST,5.5,1,0"
	summary_is "dry run, nothing written: 1 order routed: 1 shipment, 1 split, 0 late; cost 5.50 (objective 5.50 with penalties); 1 unit routed, 0 backordered, 0 waiting; 0 orders unplaced"
	run -0 --separate-stderr oms-route
	assert_output "$HEADER"$'\n'"O1,2,B,1,N1,6,1,0"
	summary_is "1 order routed: 1 shipment, 0 splits, 0 late; cost 6.00 (objective 6.00 with penalties); 1 unit routed, 0 backordered, 0 waiting; 0 orders unplaced"
}

# ---------------------------------------------------------------------
# destinations

@test "postal codes match whatever their case, spaces and dashes; a US ZIP+4 matches its ZIP" {
	network
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
N1,A,9,2026-11-26T22:00:00Z
EOF
	given postal <<'EOF'
postal_code,country,lat,lon
 sw1a-1aa ,gb,0,0
10001,US,0,0
EOF
	run -0 sqlite3 "$OMS_DB" "select country, postal_code from postal order by 1, 2"
	assert_output $'GB|SW1A1AA\nUS|10001'
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_postal_code,ship_country
O1,1,A,1,2026-11-26T10:00:00Z,sw1a 1aa,GB
O2,1,A,1,2026-11-26T10:01:00Z,SW1A1AA,gb
O3,1,A,1,2026-11-26T10:02:00Z, SW1A-1AA ,GB
O4,1,A,1,2026-11-26T10:03:00Z,10001-1234,US
O5,1,A,1,2026-11-26T10:04:00Z,10001 1234,
EOF
	run -0 --separate-stderr oms-route
	assert_output - <<EOF
$HEADER
O1,1,A,1,N1,5.5,1,0
O2,1,A,1,N1,5.5,1,0
O3,1,A,1,N1,5.5,1,0
O4,1,A,1,N1,5.5,1,0
O5,1,A,1,N1,5.5,1,0
EOF
	assert_equal "$stderr" "oms-route: 5 orders routed: 5 shipments, 0 splits, 0 late; cost 27.50 (objective 27.50 with penalties); 5 units routed, 0 backordered, 0 waiting; 0 orders unplaced"
	# the order keeps its address as the customer wrote it
	run -0 sqlite3 "$OMS_DB" "select ship_postal_code from orders where order_id = 'O3'"
	assert_output " SW1A-1AA "
}

@test "the same key twice in a postal file: the same place is one row, another place a conflict" {
	run -0 oms-import postal - <<'EOF'
postal_code,country,lat,lon
10001,US,40.75,-73.99
10001-0001,US,40.75,-73.99
EOF
	assert_output "oms-import: postal: 2 records, 1 inserted, 0 updated, 1 unchanged, 0 rejected"
	run -65 oms-import postal - <<'EOF'
postal_code,country,lat,lon
sw1a 1aa,GB,51.5,-0.14
SW1A1AA,GB,52,-0.14
EOF
	assert_line --index 0 'oms-import: -:3: duplicate key country "GB", postal_code "SW1A1AA" conflicts with line 2'
	run -0 sqlite3 "$OMS_DB" "select count(*) from postal"
	assert_output 1
}

@test "a postal code that is only blanks and dashes is empty" {
	run -65 oms-import postal - <<'EOF'
postal_code,country,lat,lon
 - ,US,40.75,-73.99
EOF
	assert_line --index 0 "oms-import: -:2: postal_code is empty"
}

# Brazilian orders (CEP 01310-100 and the like) in a store that has no
# Brazilian postal codes: one warning for the run, the lines backordered
# with the code and country looked up, the run exits 0.  oms-allocate
# backorders them (and says so every run, -q or not); oms-route never
# gets them.
@test "unknown destinations: one warning naming the first few, a reason on each line, exit 0" {
	network
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
N1,A,9,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_postal_code,ship_country,ship_lat,ship_lon
B1,1,A,1,2026-11-26T10:00:00Z,01310-100,BR,,
B1,2,A,1,2026-11-26T10:00:00Z,01310-100,BR,,
B2,1,A,1,2026-11-26T10:01:00Z,04538-133,BR,,
B3,1,A,1,2026-11-26T10:02:00Z,20040-020,BR,,
B4,1,A,1,2026-11-26T10:03:00Z,30130-010,BR,,
N9,1,A,1,2026-11-26T10:04:00Z,,,,
O1,1,A,1,2026-11-26T10:05:00Z,,,0,0
EOF
	run -0 --separate-stderr oms-allocate -q
	assert_output - <<EOF
$ALLOCATED
B1,1,A,1,0,1,destination postal code 01310100 (country BR) unknown
B1,2,A,1,0,1,destination postal code 01310100 (country BR) unknown
B2,1,A,1,0,1,destination postal code 04538133 (country BR) unknown
B3,1,A,1,0,1,destination postal code 20040020 (country BR) unknown
B4,1,A,1,0,1,destination postal code 30130010 (country BR) unknown
N9,1,A,1,0,1,"destination unknown (no ship_lat/ship_lon, no postal code)"
O1,1,A,1,1,0,
EOF
	assert_equal "$stderr" 'oms-allocate: warning: 5 orders have a destination that cannot be placed, their lines backordered: "B1" (postal code "01310100", country "BR"), "B2" (postal code "04538133", country "BR"), "B3" (postal code "20040020", country "BR") and 2 more'
	run -0 --separate-stderr oms-route -q
	assert_output "$HEADER"$'\n'"O1,1,A,1,N1,5.5,1,0"
	assert_equal "$stderr" ""
	consistent
	backorders_are <<'EOF'
B1|1|A|1|destination postal code 01310100 (country BR) unknown
B1|2|A|1|destination postal code 01310100 (country BR) unknown
B2|1|A|1|destination postal code 04538133 (country BR) unknown
B3|1|A|1|destination postal code 20040020 (country BR) unknown
B4|1|A|1|destination postal code 30130010 (country BR) unknown
N9|1|A|1|destination unknown (no ship_lat/ship_lon, no postal code)
EOF
	run -0 oms-report lines --status backordered
	assert_output - <<EOF
$LINES
B1,1,A,1,backordered,1,1,0,0,0,0,0,0,
B1,2,A,1,backordered,1,1,0,0,0,0,0,0,
B2,1,A,1,backordered,1,1,0,0,0,0,0,0,
B3,1,A,1,backordered,1,1,0,0,0,0,0,0,
B4,1,A,1,backordered,1,1,0,0,0,0,0,0,
N9,1,A,1,backordered,1,1,0,0,0,0,0,0,
EOF
	run -0 sqlite3 "$OMS_DB" "select payload from event where order_id = 'B2' and type = 'line.backordered'"
	assert_output '{"line_no":1,"sku":"A","allocated":0,"backordered":1,"reason":"destination postal code 04538133 (country BR) unknown","previous":0}'
	# the postal table learns the codes: the next allocation and routing ship them
	given postal <<'EOF'
postal_code,country,lat,lon
01310100,BR,0,0
04538-133,BR,0,0
EOF
	run -0 --separate-stderr oms-allocate -q
	assert_output - <<EOF
$ALLOCATED
B1,1,A,1,1,0,
B1,2,A,1,1,0,
B2,1,A,1,1,0,
EOF
	assert_equal "$stderr" 'oms-allocate: warning: 3 orders have a destination that cannot be placed, their lines backordered: "B3" (postal code "20040020", country "BR"), "B4" (postal code "30130010", country "BR"), "N9" (no ship_lat/ship_lon, no postal code)'
	run -0 --separate-stderr oms-route
	assert_output - <<EOF
$HEADER
B1,1,A,1,N1,3,1,0
B1,2,A,1,N1,3,1,0
B2,1,A,1,N1,5.5,1,0
EOF
	assert_equal "$stderr" 'oms-route: 2 orders routed: 2 shipments, 0 splits, 0 late; cost 11.50 (objective 11.50 with penalties); 3 units routed, 0 backordered, 0 waiting; 0 orders unplaced'
	consistent
}

@test "a locker that cannot be placed: the warning and the reason name it" {
	network
	given nodes <<'EOF' 2> /dev/null
node_id,type,name,postal_code,country
LK2,locker,north locker,H3Z 2Y7,CA
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
N1,A,9,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,method,pickup_node,ship_lat,ship_lon
O1,1,A,1,2026-11-26T10:00:00Z,locker,LK2,0,0
EOF
	run -0 --separate-stderr oms-allocate
	assert_output - <<EOF
$ALLOCATED
O1,1,A,1,0,1,"locker LK2 cannot be located (postal code H3Z2Y7, country CA unknown)"
EOF
	assert_equal "$stderr" 'oms-allocate: warning: 1 node cannot be located, 1 line backordered for it: "LK2" (postal code "H3Z2Y7", country "CA")
oms-allocate: 1 line changed: 0 allocated in full, 0 partly, 1 backordered; 0 units allocated, 1 unit backordered; 0 units taken back'
	run -0 --separate-stderr oms-route
	assert_output "$HEADER"
	backorders_are <<'EOF'
O1|1|A|1|locker LK2 cannot be located (postal code H3Z2Y7, country CA unknown)
EOF
	consistent
}

# ---------------------------------------------------------------------
# nodes that cannot be located

@test "a node without a place: a warning at import, and allocation names it on the lines it leaves short" {
	network
	run -0 oms-import nodes - <<'EOF'
node_id,type,name,postal_code,country
UK1,warehouse,London warehouse,SW1A 1AA,GB
EOF
	assert_output - <<'EOF'
oms-import: warning: 1 node cannot be located, its stock ships nothing until it can: "UK1" (postal code "SW1A1AA", country "GB")
oms-import: nodes: 1 record, 1 inserted, 0 updated, 0 unchanged, 0 rejected
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
UK1,A,5,2026-11-26T22:00:00Z
N1,A,1,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A,1,2026-11-26T10:00:00Z,0,0
O2,1,A,2,2026-11-26T10:01:00Z,0,0
O3,1,A,1,2026-11-26T10:02:00Z,0,0
EOF
	run -0 --separate-stderr oms-allocate -q
	assert_output - <<EOF
$ALLOCATED
O1,1,A,1,1,0,
O2,1,A,2,0,2,"$NODE_UK1"
O3,1,A,1,0,1,"$NODE_UK1"
EOF
	assert_equal "$stderr" 'oms-allocate: warning: 1 node cannot be located, 2 lines backordered for it: "UK1" (postal code "SW1A1AA", country "GB")'
	run -0 --separate-stderr oms-route -q
	assert_output "$HEADER"$'\n'"O1,1,A,1,N1,5.5,1,0"
	assert_equal "$stderr" ""
	consistent
	backorders_are <<EOF
O2|1|A|2|$NODE_UK1
O3|1|A|1|$NODE_UK1
EOF
	# its postal code imported after it: the warning is gone, the node ships
	run -0 oms-import postal - <<'EOF'
postal_code,country,lat,lon
SW1A1AA,GB,0,0.2
EOF
	assert_output "oms-import: postal: 1 record, 1 inserted, 0 updated, 0 unchanged, 0 rejected"
	run -0 --separate-stderr oms-allocate -q
	assert_equal "$stderr" ""
	run -0 --separate-stderr oms-route
	assert_output - <<EOF
$HEADER
O2,1,A,2,UK1,5,1,0
O3,1,A,1,UK1,4.5,1,0
EOF
	consistent
}

# Routing keeps its own checks: the postal table, a node or an order's
# address can change between allocation and routing.

@test "a node that loses its place after allocation: routing names it, as far as its stock goes" {
	network
	given postal <<'EOF'
postal_code,country,lat,lon
SW1A 1AA,GB,0,0.2
EOF
	given nodes <<'EOF'
node_id,type,name,postal_code,country
UK1,warehouse,London warehouse,SW1A 1AA,GB
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
UK1,A,1,2026-11-26T22:00:00Z
N1,A,2,2026-11-26T22:00:00Z
EOF
	# all three allocated, UK1 placed; then UK1 moves to a code the postal
	# table does not know, and N1 counts one less
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A,1,2026-11-26T10:00:00Z,0,0
O2,1,A,1,2026-11-26T10:01:00Z,0,0
O3,1,A,1,2026-11-26T10:02:00Z,0,0
EOF
	given nodes <<'EOF' 2> /dev/null
node_id,type,name,postal_code,country
UK1,warehouse,London warehouse,SW1A 9ZZ,GB
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
N1,A,1,2026-11-27T06:00:00Z
EOF
	run -0 --separate-stderr oms-route
	assert_output "$HEADER"$'\n'"O1,1,A,1,N1,5.5,1,0"
	assert_equal "$stderr" 'oms-route: warning: 1 node cannot be located, 1 line backordered for it: "UK1" (postal code "SW1A9ZZ", country "GB")
oms-route: 1 order routed: 1 shipment, 0 splits, 0 late; cost 5.50 (objective 5.50 with penalties); 1 unit routed, 2 backordered, 0 waiting; 0 orders unplaced'
	backorders_are <<'EOF'
O2|1|A|1|node UK1 cannot be located (postal code SW1A9ZZ, country GB unknown)
O3|1|A|1|no stock left at an eligible node when routed
EOF
	consistent
}

@test "an address or a locker that cannot be placed after allocation: routing backorders them in allocation's words" {
	network
	given postal <<'EOF'
postal_code,country,lat,lon
10001,US,0,0
H3Z 2Y7,CA,0,-3
EOF
	given nodes <<'EOF'
node_id,type,name,postal_code,country
LK2,locker,north locker,H3Z 2Y7,CA
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
N1,A,9,2026-11-26T22:00:00Z
EOF
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,method,pickup_node,ship_postal_code,ship_country
D1,1,A,1,2026-11-26T10:00:00Z,ship,,10001,US
L1,1,A,1,2026-11-26T10:01:00Z,locker,LK2,10001,US
EOF
	oms-order -q address D1 --ship-postal-code 01310-100 --ship-country BR
	given nodes <<'EOF' 2> /dev/null
node_id,type,name,postal_code,country
LK2,locker,north locker,H3Z 9ZZ,CA
EOF
	run -0 --separate-stderr oms-route
	assert_output "$HEADER"
	assert_equal "$stderr" 'oms-route: warning: 1 order has a destination that cannot be placed, its lines backordered: "D1" (postal code "01310100", country "BR")
oms-route: warning: 1 node cannot be located, 1 line backordered for it: "LK2" (postal code "H3Z9ZZ", country "CA")
oms-route: 0 orders routed: 0 shipments, 0 splits, 0 late; cost 0.00 (objective 0.00 with penalties); 0 units routed, 2 backordered, 0 waiting; 2 orders unplaced'
	backorders_are <<'EOF'
D1|1|A|1|destination postal code 01310100 (country BR) unknown
L1|1|A|1|locker LK2 cannot be located (postal code H3Z9ZZ, country CA unknown)
EOF
	consistent
	# the next allocation says the same: nothing changes, no event
	events=$(sqlite3 "$OMS_DB" "select count(*) from event")
	run -0 --separate-stderr oms-allocate -q
	assert_output "$ALLOCATED"
	run -0 sqlite3 "$OMS_DB" "select count(*) from event"
	assert_output "$events"
}

@test "a postal import that leaves a node unplaced says so; an inactive or pickup-only node needs no place" {
	network
	given nodes <<'EOF'
node_id,type,name,postal_code,country,active,can_ship
UK1,warehouse,London,SW1A 1AA,GB,1,
UK2,warehouse,closed,SW1A 2AA,GB,0,
ST9,store,pickup only,SW1A 3AA,GB,1,0
EOF
	run -0 oms-import postal - <<'EOF'
postal_code,country,lat,lon
EC1A 1BB,GB,51.52,-0.1
EOF
	assert_output - <<'EOF'
oms-import: warning: 1 node cannot be located, its stock ships nothing until it can: "UK1" (postal code "SW1A1AA", country "GB")
oms-import: postal: 1 record, 1 inserted, 0 updated, 0 unchanged, 0 rejected
EOF
	run -0 oms-import -q postal - <<'EOF'
postal_code,country,lat,lon
SW1A 1AA,GB,51.5,-0.14
EOF
	assert_output ""
}

# ---------------------------------------------------------------------
# allocation and places: oms-allocate backorders what routing could not
# place, with routing's reasons, so that a line is not allocated every
# night only for routing to hand it back

# UK1 holds five A and cannot be located; N1 holds one.  O1 gets N1's
# unit; B1 ships to a Brazilian code the postal table does not know; O2
# could only be served from UK1.
unplaced_network() {
	network
	given nodes <<'EOF' 2> /dev/null
node_id,type,name,postal_code,country
UK1,warehouse,London warehouse,SW1A 1AA,GB
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
UK1,A,5,2026-11-26T22:00:00Z
N1,A,1,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_postal_code,ship_country,ship_lat,ship_lon
O1,1,A,1,2026-11-26T10:00:00Z,,,0,0
B1,1,A,1,2026-11-26T10:01:00Z,01310-100,BR,,
O2,1,A,1,2026-11-26T10:02:00Z,,,0,0
EOF
}

# The first night of unplaced_network: allocate, route.
first_night() {
	run -0 --separate-stderr oms-allocate -q
	assert_output - <<EOF
$ALLOCATED
O1,1,A,1,1,0,
B1,1,A,1,0,1,$DEST_BR
O2,1,A,1,0,1,"$NODE_UK1"
EOF
	assert_equal "$stderr" "$WARN_B1"$'\n''oms-allocate: warning: 1 node cannot be located, 1 line backordered for it: "UK1" (postal code "SW1A1AA", country "GB")'
	run -0 --separate-stderr oms-route -q
	assert_output "$HEADER"$'\n'"O1,1,A,1,N1,5.5,1,0"
	assert_equal "$stderr" ""
	consistent
}

@test "a line that cannot be placed is backordered by allocation, and the next night leaves it be" {
	unplaced_network
	first_night
	# the first night's time on the backorders it began
	sqlite3 "$OMS_DB" "update order_line set backordered_at = '2026-11-26T23:00:00Z' where backordered > 0"
	run -0 sqlite3 "$OMS_DB" "select order_id, type from event where order_id <> 'O1' and type like 'line.%' order by seq"
	assert_output $'B1|line.backordered\nO2|line.backordered'
	events=$(sqlite3 "$OMS_DB" "select count(*) from event")

	# the second night: no event, the same backorder, its age kept
	run -0 --separate-stderr oms-allocate
	assert_output "$ALLOCATED"
	assert_equal "${stderr##*$'\n'}" "oms-allocate: 0 lines changed: 0 allocated in full, 0 partly, 0 backordered; 0 units allocated, 0 units backordered; 0 units taken back; nothing changed"
	run -0 --separate-stderr oms-route -q
	assert_output "$HEADER"
	run -0 sqlite3 "$OMS_DB" "select count(*) from event"
	assert_output "$events"
	backorders_are <<EOF
B1|1|A|1|$DEST_BR
O2|1|A|1|$NODE_UK1
EOF
	run -0 sqlite3 "$OMS_DB" "select order_id, allocated, backordered, backordered_at from order_line
	    where backordered > 0 order by 1"
	assert_output $'B1|0|1|2026-11-26T23:00:00Z\nO2|0|1|2026-11-26T23:00:00Z'
	consistent
}

@test "the postal table learns the codes: the next allocation allocates the lines, routing ships them" {
	unplaced_network
	first_night
	given postal <<'EOF'
postal_code,country,lat,lon
01310-100,BR,0,0.1
SW1A 1AA,GB,0,0.2
EOF
	run -0 --separate-stderr oms-allocate -q
	assert_output - <<EOF
$ALLOCATED
B1,1,A,1,1,0,
O2,1,A,1,1,0,
EOF
	assert_equal "$stderr" ""
	run -0 sqlite3 "$OMS_DB" "select order_id, type, payload ->> 'reason' from event where order_id <> 'O1' and type like 'line.%' order by seq"
	assert_output - <<EOF
B1|line.backordered|$DEST_BR
O2|line.backordered|$NODE_UK1
B1|line.allocated|
O2|line.allocated|
EOF
	run -0 --separate-stderr oms-route -q
	assert_output - <<EOF
$HEADER
B1,1,A,1,UK1,4.5,1,0
O2,1,A,1,UK1,4.5,1,0
EOF
	consistent
}

@test "stock only at a node that cannot be located: allocation names the node, as far as its stock goes" {
	network
	given nodes <<'EOF' 2> /dev/null
node_id,type,name,postal_code,country
UK1,warehouse,London warehouse,SW1A 1AA,GB
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
UK1,A,5,2026-11-26T22:00:00Z
N1,A,0,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A,2,2026-11-26T10:00:00Z,0,0
O2,1,A,4,2026-11-26T10:01:00Z,0,0
O3,1,A,1,2026-11-26T10:02:00Z,0,0
EOF
	# UK1's five units: O1's two, then three of O2's four; O3 has none
	run -0 --separate-stderr oms-allocate -q
	assert_output - <<EOF
$ALLOCATED
O1,1,A,2,0,2,"$NODE_UK1"
O2,1,A,4,0,4,"$NODE_UK1"
O3,1,A,1,0,1,no stock in the network
EOF
	assert_equal "$stderr" 'oms-allocate: warning: 1 node cannot be located, 2 lines backordered for it: "UK1" (postal code "SW1A1AA", country "GB")'
	# a warehouse that cannot be located ships nothing: its stock is unusable
	run -0 oms-report inventory --by sku
	assert_output - <<'EOF'
sku,on_hand,safety_stock,allocated,reserved,atp,unusable
A,0,0,0,0,0,5
EOF
	run -0 --separate-stderr oms-route -q
	assert_output "$HEADER"
	assert_equal "$stderr" ""
	consistent
	run -0 --separate-stderr oms-allocate -q
	assert_output "$ALLOCATED"
}

@test "a store that cannot be located still hands over its pickup lines; its stock ships nothing" {
	network
	given nodes <<'EOF' 2> /dev/null
node_id,type,name,postal_code,country,can_ship,can_pickup
ST2,store,high street,SW1A 1AA,GB,1,1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
ST2,B,3,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,method,pickup_node,ship_lat,ship_lon
P1,1,B,2,2026-11-26T10:00:00Z,pickup,ST2,0,0
S1,1,B,1,2026-11-26T10:01:00Z,ship,,0,0
EOF
	run -0 --separate-stderr oms-allocate -q
	assert_output - <<EOF
$ALLOCATED
P1,1,B,2,2,0,
S1,1,B,1,0,1,"node ST2 cannot be located (postal code SW1A1AA, country GB unknown)"
EOF
	# its stock serves its pickup lines: usable
	run -0 oms-report inventory --by sku
	assert_output - <<'EOF'
sku,on_hand,safety_stock,allocated,reserved,atp,unusable
B,3,0,2,0,1,0
EOF
	run -0 --separate-stderr oms-route -q
	assert_output "$HEADER"$'\n'"P1,1,B,2,ST2,0,0,0"
	assert_equal "$stderr" ""
	consistent
	run -0 --separate-stderr oms-allocate -q
	assert_output "$ALLOCATED"
	oms-release -q --day 2026-11-27 > /dev/null
	lines_are <<EOF
$LINES
P1,1,B,2,released,0,0,0,0,2,0,0,0,ST2
S1,1,B,1,backordered,1,1,0,0,0,0,0,0,
EOF
	consistent
}
