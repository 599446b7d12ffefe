# oms-release: routed lines go to their nodes as releases, and the nodes'
# confirmations come back.  Each case builds a tiny store with the real
# oms-import, oms-allocate and oms-route (the stock and the places decide
# which node gets each line), and checks the exact output and the store
# afterwards; oms-report check passes after every successful run.
load helper
load release-fixtures

# Two orders released to DC1 and confirmed below.
two_orders() {
	shop
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,promise_date,ship_name,ship_address1,ship_city,ship_region,ship_postal_code
O1,1,A1,2,2026-11-25T10:00:00Z,2026-11-30,Ann Lee,"1 Main St, Apt 4",New York,NY,10001
O1,2,B2,1,2026-11-25T10:00:00Z,2026-11-30,Ann Lee,"1 Main St, Apt 4",New York,NY,10001
O2,1,A1,3,2026-11-25T11:00:00Z,,Bo Diaz,9 Elm Rd,Chicago,IL,60601
EOF
	routed
}

# ---------------------------------------------------------------------
# releasing

@test "one release per order and node, with its lines and the ship-to address" {
	two_orders
	releases $DAY <<EOF
$REL
20261127-DC1-000001,DC1,O1,1,A1,2,ship,Ann Lee,"1 Main St, Apt 4",New York,NY,10001,US,2026-11-30T00:00:00Z,,"1 Main St, Apt 4",New York,NY,10001,US
20261127-DC1-000001,DC1,O1,2,B2,1,ship,Ann Lee,"1 Main St, Apt 4",New York,NY,10001,US,2026-11-30T00:00:00Z,,"1 Main St, Apt 4",New York,NY,10001,US
20261127-DC1-000002,DC1,O2,1,A1,3,ship,Bo Diaz,9 Elm Rd,Chicago,IL,60601,US,,,9 Elm Rd,Chicago,IL,60601,US
EOF
	assert_equal "$stderr" "oms-release: 2 releases (3 lines, 6 units) to 1 node; 0 waiting: 0 held, 0 ship-complete not all routed, 0 over capacity, 0 past --max"
	lines_are <<EOF
$LINES
O1,1,A1,2,released,0,0,0,0,2,0,0,0,DC1
O1,2,B2,1,released,0,0,0,0,1,0,0,0,DC1
O2,1,A1,3,released,0,0,0,0,3,0,0,0,DC1
EOF
	# released stock stays reserved at the node
	stock_is <<EOF
$INV
DC1,A1,10,0,5,5,0,5
DC1,B2,10,0,1,9,0,1
DC2,A1,5,0,0,5,0,0
ST1,A1,3,0,0,3,0,0
EOF
	run -0 events_of 'release.%'
	assert_output - <<'EOF'
O1|release.created|{"release_id":"20261127-DC1-000001","node_id":"DC1","ship_to_node":null,"business_day":"2026-11-27","lines":[{"line_no":1,"sku":"A1","qty":2},{"line_no":2,"sku":"B2","qty":1}]}
O2|release.created|{"release_id":"20261127-DC1-000002","node_id":"DC1","ship_to_node":null,"business_day":"2026-11-27","lines":[{"line_no":1,"sku":"A1","qty":3}]}
EOF
	run -0 sqlite3 "$OMS_DB" "SELECT release_id, order_id, node_id, business_day, run_id IS NOT NULL FROM release ORDER BY 1"
	assert_output - <<'EOF'
20261127-DC1-000001|O1|DC1|2026-11-27|1
20261127-DC1-000002|O2|DC1|2026-11-27|1
EOF
}

@test "an order routed to two nodes gives two releases; a pickup line goes to its store" {
	shop
	# DC1 has no A1 left: A1 ships from DC2, B2 from DC1
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,0,2026-11-26T23:00:00Z
EOF
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,method,pickup_node,ship_lat,ship_lon
O1,1,A1,2,2026-11-25T10:00:00Z,ship,,40.75,-73.99
O1,2,B2,1,2026-11-25T10:00:00Z,ship,,40.75,-73.99
O1,3,A1,1,2026-11-25T10:00:00Z,pickup,ST1,40.75,-73.99
EOF
	routed
	releases $DAY <<EOF
$REL
20261127-DC1-000001,DC1,O1,2,B2,1,ship,,,,,,US,,,,,,,US
20261127-DC2-000001,DC2,O1,1,A1,2,ship,,,,,,US,,,,,,,US
20261127-ST1-000001,ST1,O1,3,A1,1,pickup,,,,,,US,,ST1,,,,,US
EOF
	assert_equal "$stderr" "oms-release: 3 releases (3 lines, 4 units) to 3 nodes; 0 waiting: 0 held, 0 ship-complete not all routed, 0 over capacity, 0 past --max"
}

@test "a line routed to two nodes is released at each" {
	shop
	# 8 at DC1 and 4 at DC2: 12 only ship from both
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,8,2026-11-26T23:00:00Z
DC2,A1,4,2026-11-26T23:00:00Z
EOF
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A1,12,2026-11-25T10:00:00Z,40.75,-73.99
EOF
	routed
	releases $DAY <<EOF
$REL
20261127-DC1-000001,DC1,O1,1,A1,8,ship,,,,,,US,,,,,,,US
20261127-DC2-000001,DC2,O1,1,A1,4,ship,,,,,,US,,,,,,,US
EOF
	lines_are <<EOF
$LINES
O1,1,A1,12,released,0,0,0,0,12,0,0,0,DC1;DC2
EOF
}

@test "the release id is the run's UTC date without --day" {
	two_orders
	run -0 oms-release -q
	assert_line --index 1 --regexp "^$(date -u +%Y%m%d)-DC1-000001,DC1,O1,1,"
	run -0 sqlite3 "$OMS_DB" "SELECT DISTINCT business_day FROM release"
	assert_output "$(date -u +%Y-%m-%d)"
}

@test "--format json: one object per release with its lines nested; jsonl: one a line" {
	two_orders
	run -0 oms-release -q $DAY --format json
	first=$output
	run -0 jq -c 'map(del(.released_at))' <<<"$first"
	assert_output '[{"release_id":"20261127-DC1-000001","node_id":"DC1","order_id":"O1","business_day":"2026-11-27","promise_date":"2026-11-30T00:00:00Z","ship_name":"Ann Lee","ship_address1":"1 Main St, Apt 4","ship_city":"New York","ship_region":"NY","ship_postal_code":"10001","ship_country":"US","ship_to_node":null,"customer_address1":"1 Main St, Apt 4","customer_city":"New York","customer_region":"NY","customer_postal_code":"10001","customer_country":"US","lines":[{"line_no":1,"sku":"A1","qty":2,"method":"ship"},{"line_no":2,"sku":"B2","qty":1,"method":"ship"}]},{"release_id":"20261127-DC1-000002","node_id":"DC1","order_id":"O2","business_day":"2026-11-27","promise_date":null,"ship_name":"Bo Diaz","ship_address1":"9 Elm Rd","ship_city":"Chicago","ship_region":"IL","ship_postal_code":"60601","ship_country":"US","ship_to_node":null,"customer_address1":"9 Elm Rd","customer_city":"Chicago","customer_region":"IL","customer_postal_code":"60601","customer_country":"US","lines":[{"line_no":1,"sku":"A1","qty":3,"method":"ship"}]}]'
	run -0 jq -r '.[0].released_at' <<<"$first"
	assert_output --regexp '^20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9:]{8}Z$'
	# the same releases as JSON Lines, re-sent
	run -0 oms-release --format jsonl --resend 20261127-DC1-000001 --resend 20261127-DC1-000002
	assert_equal "$(jq -c . <<<"$output")" "$(jq -c '.[]' <<<"$first")"
	assert_equal "${#lines[@]}" 2
}

@test "a re-run releases nothing, writes no event and changes nothing" {
	two_orders
	run -0 oms-release -q $DAY
	before=$(state)
	releases $DAY <<<"$REL"
	assert_equal "$stderr" "oms-release: 0 releases (0 lines, 0 units) to 0 nodes; 0 waiting: 0 held, 0 ship-complete not all routed, 0 over capacity, 0 past --max"
	assert_equal "$(state)" "$before"
}

@test "lines routed after a release go out in a new release with the next number" {
	shop
	# only 2 A1 in the network: 2 allocated, routed and released, 1 waits
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,2,2026-11-26T23:00:00Z
DC2,A1,0,2026-11-26T23:00:00Z
ST1,A1,0,2026-11-26T23:00:00Z
EOF
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A1,3,2026-11-25T10:00:00Z,40.75,-73.99
EOF
	routed
	run -0 oms-release -q $DAY
	# one more comes in at DC1: allocated and routed, then released apart
	printf 'node_id,sku,delta\nDC1,A1,1\n' > delta.csv
	oms-import -q --delta inventory delta.csv
	oms-allocate -q > /dev/null
	routed
	releases $DAY <<EOF
$REL
20261127-DC1-000002,DC1,O1,1,A1,1,ship,,,,,,US,,,,,,,US
EOF
}

# A dry run's ids are marked: they were never issued, and the next run may
# give those numbers to other orders.
@test "--dry-run prints the releases, their ids marked as never issued, and changes nothing" {
	two_orders
	before=$(state)
	run -0 --separate-stderr oms-release $DAY --dry-run
	assert_output - <<EOF
$REL
dry-run-20261127-DC1-000001,DC1,O1,1,A1,2,ship,Ann Lee,"1 Main St, Apt 4",New York,NY,10001,US,2026-11-30T00:00:00Z,,"1 Main St, Apt 4",New York,NY,10001,US
dry-run-20261127-DC1-000001,DC1,O1,2,B2,1,ship,Ann Lee,"1 Main St, Apt 4",New York,NY,10001,US,2026-11-30T00:00:00Z,,"1 Main St, Apt 4",New York,NY,10001,US
dry-run-20261127-DC1-000002,DC1,O2,1,A1,3,ship,Bo Diaz,9 Elm Rd,Chicago,IL,60601,US,,,9 Elm Rd,Chicago,IL,60601,US
EOF
	assert_equal "$stderr" "oms-release: dry run, nothing written: 2 releases (3 lines, 6 units) to 1 node; 0 waiting: 0 held, 0 ship-complete not all routed, 0 over capacity, 0 past --max"
	assert_equal "$(state)" "$before"
	run -0 oms-release -q $DAY --dry-run --format jsonl -o dry.jsonl
	run -0 jq -r .release_id dry.jsonl
	assert_output $'dry-run-20261127-DC1-000001\ndry-run-20261127-DC1-000002'
	assert_equal "$(state)" "$before"
}

@test "nothing of a held order is released until the hold is lifted" {
	two_orders
	oms-order -q hold O1 fraud
	releases $DAY <<EOF
$REL
20261127-DC1-000001,DC1,O2,1,A1,3,ship,Bo Diaz,9 Elm Rd,Chicago,IL,60601,US,,,9 Elm Rd,Chicago,IL,60601,US
EOF
	assert_equal "$stderr" "oms-release: 1 release (1 line, 3 units) to 1 node; 1 waiting: 1 held, 0 ship-complete not all routed, 0 over capacity, 0 past --max"
	lines_are <<EOF
$LINES
O1,1,A1,2,routed,0,0,0,2,0,0,0,0,DC1
O1,2,B2,1,routed,0,0,0,1,0,0,0,0,DC1
O2,1,A1,3,released,0,0,0,0,3,0,0,0,DC1
EOF
	oms-order -q unhold O1 fraud
	releases $DAY <<EOF
$REL
20261127-DC1-000002,DC1,O1,1,A1,2,ship,Ann Lee,"1 Main St, Apt 4",New York,NY,10001,US,2026-11-30T00:00:00Z,,"1 Main St, Apt 4",New York,NY,10001,US
20261127-DC1-000002,DC1,O1,2,B2,1,ship,Ann Lee,"1 Main St, Apt 4",New York,NY,10001,US,2026-11-30T00:00:00Z,,"1 Main St, Apt 4",New York,NY,10001,US
EOF
}

@test "a ship-complete order waits for its last line, then goes out whole" {
	shop
	# DC1 has no A1: line 1 is routed to DC2, line 2 to DC1, the pickup
	# line 3 to its store ST1
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,0,2026-11-26T23:00:00Z
EOF
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_complete,method,pickup_node,ship_lat,ship_lon
SC,1,A1,2,2026-11-25T10:00:00Z,1,ship,,40.75,-73.99
SC,2,B2,1,2026-11-25T10:00:00Z,1,ship,,40.75,-73.99
SC,3,A1,1,2026-11-25T10:00:00Z,1,pickup,ST1,40.75,-73.99
EOF
	routed
	# the customer moves before the release: the ship lines go back to
	# allocated, the pickup line stays routed to ST1
	oms-order -q address SC --ship-lat 41.88 --ship-lon -87.62
	lines_are <<EOF
$LINES
SC,1,A1,2,allocated,0,0,2,0,0,0,0,0,
SC,2,B2,1,allocated,0,0,1,0,0,0,0,0,
SC,3,A1,1,routed,0,0,0,1,0,0,0,0,ST1
EOF
	before=$(state)
	releases $DAY <<<"$REL"
	assert_equal "$stderr" "oms-release: 0 releases (0 lines, 0 units) to 0 nodes; 1 waiting: 0 held, 1 ship-complete not all routed, 0 over capacity, 0 past --max"
	assert_equal "$(state)" "$before"
	routed
	releases $DAY <<EOF
$REL
20261127-DC1-000001,DC1,SC,2,B2,1,ship,,,,,,US,,,,,,,US
20261127-DC2-000001,DC2,SC,1,A1,2,ship,,,,,,US,,,,,,,US
20261127-ST1-000001,ST1,SC,3,A1,1,pickup,,,,,,US,,ST1,,,,,US
EOF
}

@test "a ship-complete order waits when one of its nodes is full, and for --node of another" {
	shop
	# DC1 has no A1: A1 is routed to DC2, B2 to DC1; then DC2 is full
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,0,2026-11-26T23:00:00Z
EOF
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_complete,ship_lat,ship_lon
SC,1,A1,2,2026-11-25T10:00:00Z,1,40.75,-73.99
SC,2,B2,1,2026-11-25T10:00:00Z,1,40.75,-73.99
EOF
	routed
	given nodes <<'EOF'
node_id,type,capacity_per_day
DC2,warehouse,0
EOF
	releases $DAY <<<"$REL"
	assert_equal "$stderr" "oms-release: 0 releases (0 lines, 0 units) to 0 nodes; 2 waiting: 0 held, 0 ship-complete not all routed, 2 over capacity, 0 past --max"
	given nodes <<'EOF'
node_id,type,capacity_per_day
DC2,warehouse,
EOF
	releases $DAY --node DC1 <<<"$REL"
	assert_equal "$stderr" "oms-release: 0 releases (0 lines, 0 units) to 0 nodes; 1 waiting: 0 held, 1 ship-complete not all routed, 0 over capacity, 0 past --max"
}

@test "daily capacity: the highest priorities go first, the rest waits for the next day in the same order" {
	shop
	# created in the reverse of the order of service
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,promise_date,ship_lat,ship_lon
P5,1,A1,1,2026-11-20T10:00:00Z,5,,40.75,-73.99
P3B,1,A1,1,2026-11-21T10:00:00Z,3,2026-12-02,40.75,-73.99
P3A,1,A1,1,2026-11-22T10:00:00Z,3,2026-12-01,40.75,-73.99
P1,1,A1,1,2026-11-23T10:00:00Z,1,,40.75,-73.99
EOF
	routed
	# routed to DC1; then DC1 says it takes 2 releases a day
	given nodes <<'EOF'
node_id,type,capacity_per_day
DC1,warehouse,2
EOF
	releases $DAY <<EOF
$REL
20261127-DC1-000001,DC1,P1,1,A1,1,ship,,,,,,US,,,,,,,US
20261127-DC1-000002,DC1,P3A,1,A1,1,ship,,,,,,US,2026-12-01T00:00:00Z,,,,,,US
EOF
	assert_equal "$stderr" "oms-release: 2 releases (2 lines, 2 units) to 1 node; 2 waiting: 0 held, 0 ship-complete not all routed, 2 over capacity, 0 past --max"
	# the same day again: still full
	releases $DAY <<<"$REL"
	assert_equal "$stderr" "oms-release: 0 releases (0 lines, 0 units) to 0 nodes; 2 waiting: 0 held, 0 ship-complete not all routed, 2 over capacity, 0 past --max"
	releases --day 2026-11-28 <<EOF
$REL
20261128-DC1-000001,DC1,P3B,1,A1,1,ship,,,,,,US,2026-12-02T00:00:00Z,,,,,,US
20261128-DC1-000002,DC1,P5,1,A1,1,ship,,,,,,US,,,,,,,US
EOF
	run -0 sqlite3 "$OMS_DB" "SELECT business_day, count(*) FROM release GROUP BY 1"
	assert_output - <<'EOF'
2026-11-27|2
2026-11-28|2
EOF
}

@test "a large run: 1,100 releases in the order of service, capacity filling part way, the rest the next day" {
	shop
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,2000,2026-11-26T22:00:00Z
EOF
	# 1200 one-line orders for New York; Q0001 comes first in the order of
	# service (priority, then created_at), Q1200 last
	awk 'BEGIN { print "order_id,line_no,sku,qty,created_at,priority,ship_lat,ship_lon"
	    for (i = 1; i <= 1200; i++)
		printf "Q%04d,1,A1,1,2026-11-20T%02d:%02d:00Z,%d,40.75,-73.99\n", i,
		    int(i / 60), i % 60, 1 + int(i / 150) }' |
	    orders
	routed
	# DC1 takes 1100 releases a day: the last 100 wait
	given nodes <<'EOF'
node_id,type,capacity_per_day
DC1,warehouse,1100
EOF
	run -0 --separate-stderr oms-release $DAY
	assert_equal "$stderr" "oms-release: 1100 releases (1100 lines, 1100 units) to 1 node; 100 waiting: 0 held, 0 ship-complete not all routed, 100 over capacity, 0 past --max"
	assert_equal "${#lines[@]}" 1101
	assert_equal "${lines[1]}" "20261127-DC1-000001,DC1,Q0001,1,A1,1,ship,,,,,,US,,,,,,,US"
	assert_equal "${lines[600]}" "20261127-DC1-000600,DC1,Q0600,1,A1,1,ship,,,,,,US,,,,,,,US"
	assert_equal "${lines[1100]}" "20261127-DC1-001100,DC1,Q1100,1,A1,1,ship,,,,,,US,,,,,,,US"
	consistent
	run -0 sqlite3 "$OMS_DB" "SELECT count(*), count(DISTINCT order_id) FROM release;
	    SELECT count(*) FROM release WHERE substr(release_id, -6) = '00' || substr(order_id, 2);
	    SELECT count(*), sum(qty) FROM release_line l JOIN release r USING (release_id, order_id);
	    SELECT count(*) FROM event WHERE type = 'release.created';
	    SELECT sum(routed), sum(released), max(order_id) FILTER (WHERE released > 0) FROM line_node"
	assert_output - <<'EOF'
1100|1100
1100
1100|1100
1100
100|1100|Q1100
EOF
	# the next day, the 100 that waited, in the same order
	run -0 oms-release -q --day 2026-11-28
	assert_equal "${#lines[@]}" 101
	assert_equal "${lines[1]}" "20261128-DC1-000001,DC1,Q1101,1,A1,1,ship,,,,,,US,,,,,,,US"
	assert_equal "${lines[100]}" "20261128-DC1-000100,DC1,Q1200,1,A1,1,ship,,,,,,US,,,,,,,US"
	consistent
}

@test "capacity counts releases, not lines; another node with room is not held back" {
	shop
	# DC1 has 1 A1: O1 (New York) takes it with its B2; O2 (Los Angeles)
	# gets its A1 from DC2 there and its B2 from DC1
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,1,2026-11-26T23:00:00Z
EOF
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A1,1,2026-11-25T10:00:00Z,40.75,-73.99
O1,2,B2,1,2026-11-25T10:00:00Z,40.75,-73.99
O2,1,B2,1,2026-11-25T11:00:00Z,34.05,-118.24
O2,2,A1,1,2026-11-25T11:00:00Z,34.05,-118.24
EOF
	routed
	# then DC1 says it takes 1 release a day
	given nodes <<'EOF'
node_id,type,capacity_per_day
DC1,warehouse,1
EOF
	releases $DAY <<EOF
$REL
20261127-DC1-000001,DC1,O1,1,A1,1,ship,,,,,,US,,,,,,,US
20261127-DC1-000001,DC1,O1,2,B2,1,ship,,,,,,US,,,,,,,US
20261127-DC2-000001,DC2,O2,2,A1,1,ship,,,,,,US,,,,,,,US
EOF
	assert_equal "$stderr" "oms-release: 2 releases (3 lines, 3 units) to 2 nodes; 1 waiting: 0 held, 0 ship-complete not all routed, 1 over capacity, 0 past --max"
}

@test "--max N releases the first N in the order of service" {
	shop
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,ship_lat,ship_lon
A,1,A1,1,2026-11-25T10:00:00Z,5,40.75,-73.99
B,1,A1,1,2026-11-25T11:00:00Z,1,40.75,-73.99
C,1,A1,1,2026-11-25T12:00:00Z,2,40.75,-73.99
EOF
	routed
	releases $DAY --max 2 <<EOF
$REL
20261127-DC1-000001,DC1,B,1,A1,1,ship,,,,,,US,,,,,,,US
20261127-DC1-000002,DC1,C,1,A1,1,ship,,,,,,US,,,,,,,US
EOF
	assert_equal "$stderr" "oms-release: 2 releases (2 lines, 2 units) to 1 node; 1 waiting: 0 held, 0 ship-complete not all routed, 0 over capacity, 1 past --max"
	releases $DAY --max 0 <<<"$REL"
	releases $DAY <<EOF
$REL
20261127-DC1-000003,DC1,A,1,A1,1,ship,,,,,,US,,,,,,,US
EOF
}

@test "--node releases only at that node" {
	shop
	# DC1 has no A1 left: A1 ships from DC2, B2 from DC1
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,0,2026-11-26T23:00:00Z
EOF
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A1,1,2026-11-25T10:00:00Z,40.75,-73.99
O1,2,B2,1,2026-11-25T10:00:00Z,40.75,-73.99
EOF
	routed
	releases $DAY --node DC2 <<EOF
$REL
20261127-DC2-000001,DC2,O1,1,A1,1,ship,,,,,,US,,,,,,,US
EOF
	releases $DAY <<EOF
$REL
20261127-DC1-000001,DC1,O1,2,B2,1,ship,,,,,,US,,,,,,,US
EOF
	run -65 --separate-stderr oms-release $DAY --node DC9
	assert_equal "$stderr" 'oms-release: unknown node "DC9"'
}

@test "--resend re-emits a release exactly as first emitted, in any format" {
	two_orders
	run -0 oms-release -q $DAY
	first=$output
	# the customers change their names since (customer care, oms-order)
	oms-order -q address O1 --ship-name "Changed Since" 2> /dev/null
	oms-order -q address O2 --ship-name "Changed Since" 2> /dev/null
	run -0 sqlite3 "$OMS_DB" "SELECT DISTINCT ship_name FROM orders"
	assert_output "Changed Since"
	run -0 oms-release --resend 20261127-DC1-000002 --resend 20261127-DC1-000001
	assert_output - <<EOF
$REL
20261127-DC1-000002,DC1,O2,1,A1,3,ship,Bo Diaz,9 Elm Rd,Chicago,IL,60601,US,,,9 Elm Rd,Chicago,IL,60601,US
20261127-DC1-000001,DC1,O1,1,A1,2,ship,Ann Lee,"1 Main St, Apt 4",New York,NY,10001,US,2026-11-30T00:00:00Z,,"1 Main St, Apt 4",New York,NY,10001,US
20261127-DC1-000001,DC1,O1,2,B2,1,ship,Ann Lee,"1 Main St, Apt 4",New York,NY,10001,US,2026-11-30T00:00:00Z,,"1 Main St, Apt 4",New York,NY,10001,US
EOF
	run -0 oms-release --resend 20261127-DC1-000001 --resend 20261127-DC1-000002
	assert_equal "$output" "$first"
	run -0 oms-release --resend 20261127-DC1-000002 --format json
	assert_output "[
$(sqlite3 "$OMS_DB" "SELECT document FROM release WHERE release_id = '20261127-DC1-000002'")
]"
	# resending changes nothing and tells no customer anything
	before=$(state)
	run -0 oms-release --resend 20261127-DC1-000001 -o again.csv
	assert_equal "$(state)" "$before"
	assert_equal "$(cat again.csv)" "$(head -n 3 <<<"$first")"
}

@test "--resend of an unknown release is bad data" {
	two_orders
	run -0 oms-release -q $DAY
	run -65 --separate-stderr oms-release --resend NOPE --resend 20261127-DC1-000001 --resend 'X"Y'
	assert_output ""
	assert_equal "$stderr" 'oms-release: unknown release "NOPE"
oms-release: unknown release "X\"Y"'
}

# The run id of the last oms-release run that made releases.
last_release_run() {
	oms-report runs --format jsonl | jq -r 'select(.counts.releases > 0) | .run_id' | tail -n 1
}

@test "--resend-run writes a run's releases again, in the order made, to one file or one a node" {
	shop
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,method,pickup_node,ship_lat,ship_lon
O1,1,A1,2,2026-11-25T10:00:00Z,ship,,34.05,-118.24
O1,2,A1,1,2026-11-25T10:00:00Z,pickup,ST1,34.05,-118.24
O2,1,B2,1,2026-11-25T11:00:00Z,ship,,40.75,-73.99
O3,1,A1,1,2026-11-25T12:00:00Z,ship,,34.05,-118.24
EOF
	routed
	mkdir first
	run -0 oms-release -q $DAY --split-by-node first
	run1=$(last_release_run)
	# a later run: O4, at DC1
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O4,1,B2,1,2026-11-25T13:00:00Z,40.75,-73.99
EOF
	routed
	run -0 oms-release -q $DAY --format jsonl
	run2=$(last_release_run)
	assert_equal "$(jq -r .release_id <<<"$output")" 20261127-DC1-000002
	before=$(state)
	mkdir again
	run -0 oms-release --resend-run "$run1" --split-by-node again
	run -0 ls -A again
	assert_output $'DC1.csv\nDC2.csv\nST1.csv'
	for f in DC1 DC2 ST1; do
		cmp "first/$f.csv" "again/$f.csv"
	done
	run -0 oms-release --resend-run "$run1"
	assert_output - <<EOF
$REL
20261127-DC2-000001,DC2,O1,1,A1,2,ship,,,,,,US,,,,,,,US
20261127-ST1-000001,ST1,O1,2,A1,1,pickup,,,,,,US,,ST1,,,,,US
20261127-DC1-000001,DC1,O2,1,B2,1,ship,,,,,,US,,,,,,,US
20261127-DC2-000002,DC2,O3,1,A1,1,ship,,,,,,US,,,,,,,US
EOF
	run -0 oms-release --resend-run "$run2" --format jsonl
	assert_equal "$(jq -r .release_id <<<"$output")" 20261127-DC1-000002
	# --resend with --split-by-node: a file a node
	mkdir some
	run -0 oms-release --resend 20261127-DC2-000002 --resend 20261127-DC1-000002 --split-by-node some
	run -0 ls -A some
	assert_output $'DC1.csv\nDC2.csv'
	assert_equal "$(sed -n 2p some/DC1.csv)" "20261127-DC1-000002,DC1,O4,1,B2,1,ship,,,,,,US,,,,,,,US"
	# never over a file already there
	run -73 --separate-stderr oms-release --resend-run "$run1" --split-by-node some
	assert_equal "$stderr" "oms-release: some/DC2.csv: already exists (not yet picked up?); nothing released, use another directory"
	run -0 ls -A some
	assert_output $'DC1.csv\nDC2.csv'
	# a re-send changes nothing
	assert_equal "$(state)" "$before"
}

@test "--resend-run of a run that is not in the run log, or not of oms-release, is bad data" {
	two_orders
	run -0 oms-release -q $DAY
	run -65 --separate-stderr oms-release --resend-run 999
	assert_output ""
	assert_equal "$stderr" "oms-release: no run 999 in the run log"
	run -65 --separate-stderr oms-release --resend-run 1
	assert_output ""
	assert_equal "$stderr" "oms-release: run 1 is a run of oms-import, not of oms-release"
	# a run of oms-release that made no release: none
	run -0 oms-release -q $DAY
	run -0 oms-release --resend-run "$(oms-report runs --format jsonl | jq -r .run_id | tail -n 1)"
	assert_output "$REL"
}

@test "a committed run whose standard output fails says so; --resend-run writes its releases" {
	[ -c /dev/full ] || skip "no /dev/full here"
	two_orders
	sqlite3 "$OMS_DB" ".backup ref.db"
	oms-release -q --db ref.db $DAY > ref.csv
	run -74 --separate-stderr oms-release -q $DAY -o /dev/full
	run1=$(last_release_run)
	assert_equal "$stderr" "oms-release: /dev/full: write error: No space left on device
oms-release: run $run1 is committed, but its releases were not all written: oms-release --resend-run $run1 writes them again"
	run -0 oms-release --resend-run "$run1"
	assert_equal "$output" "$(cat ref.csv)"
	consistent
}

@test "--split-by-node writes one file per node, named after it, and nothing on standard output" {
	shop
	# DC1 has no A1 left: A1 ships from DC2, B2 from DC1
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,0,2026-11-26T23:00:00Z
EOF
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,method,pickup_node,ship_lat,ship_lon
O1,1,A1,2,2026-11-25T10:00:00Z,ship,,40.75,-73.99
O1,2,A1,1,2026-11-25T10:00:00Z,pickup,ST1,40.75,-73.99
O2,1,B2,1,2026-11-25T11:00:00Z,ship,,40.75,-73.99
EOF
	routed
	mkdir out
	run -0 oms-release -q $DAY --split-by-node out
	assert_output ""
	run -0 ls -A out
	assert_output - <<'EOF'
DC1.csv
DC2.csv
ST1.csv
EOF
	assert_equal "$(cat out/DC1.csv)" "$REL
20261127-DC1-000001,DC1,O2,1,B2,1,ship,,,,,,US,,,,,,,US"
	assert_equal "$(cat out/DC2.csv)" "$REL
20261127-DC2-000001,DC2,O1,1,A1,2,ship,,,,,,US,,,,,,,US"
	assert_equal "$(cat out/ST1.csv)" "$REL
20261127-ST1-000001,ST1,O1,2,A1,1,pickup,,,,,,US,,ST1,,,,,US"
	consistent
	# the next night's run writes no file when nothing is released
	mkdir next
	run -0 oms-release -q $DAY --split-by-node next --format json
	run -0 ls -A next
	assert_output ""
}

@test "--split-by-node with JSON names files .json; unsafe bytes in a node id are escaped" {
	shop
	# the only A1 is at a/b, by New York, and at .hidden, in Los Angeles
	given nodes <<'EOF'
node_id,type,lat,lon
a/b,warehouse,40.75,-73.99
.hidden,warehouse,34.05,-118.24
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,0,2026-11-26T23:00:00Z
DC2,A1,0,2026-11-26T23:00:00Z
a/b,A1,1,2026-11-26T23:00:00Z
.hidden,A1,1,2026-11-26T23:00:00Z
EOF
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A1,1,2026-11-25T10:00:00Z,40.75,-73.99
O2,1,A1,1,2026-11-25T11:00:00Z,34.05,-118.24
EOF
	routed
	mkdir out
	run -0 oms-release -q $DAY --split-by-node out --format json
	run -0 ls -A out
	assert_output - <<'EOF'
%2Ehidden.json
a%2Fb.json
EOF
	run -0 jq -r '.[].release_id' out/a%2Fb.json
	assert_output "20261127-a/b-000001"
}

@test "--split-by-node into a directory that is not there: exit 73, nothing released" {
	two_orders
	before=$(state)
	run -73 --separate-stderr oms-release $DAY --split-by-node nowhere
	assert_equal "$stderr" "oms-release: nowhere: not a directory (--split-by-node)"
	assert_equal "$(state)" "$before"
}

@test "--split-by-node never replaces a node's file: exit 73, nothing released" {
	two_orders
	mkdir out
	echo "not yet picked up" > out/DC1.csv
	before=$(state)
	run -73 --separate-stderr oms-release $DAY --split-by-node out
	assert_equal "$stderr" "oms-release: out/DC1.csv: already exists (not yet picked up?); nothing released, use another directory"
	assert_equal "$(state)" "$before"
	assert_equal "$(cat out/DC1.csv)" "not yet picked up"
	run -0 ls -A out
	assert_output DC1.csv
}

@test "--split-by-node under --dry-run leaves no file behind" {
	two_orders
	mkdir out
	run -0 oms-release -q $DAY --dry-run --split-by-node out
	run -0 ls -A out
	assert_output ""
}

# ---------------------------------------------------------------------
# a failed run: no file left in place, no release printed, no id given away

# O1 for New York (DC1) first, then 250 orders for Los Angeles (DC2) whose
# release rows are about 400 bytes each: DC2's file is about 100 KB.
la_orders() {
	given inventory <<'EOF2'
node_id,sku,on_hand,as_of
DC2,A1,1000,2026-11-26T23:00:00Z
EOF2
	awk -v pad="$(printf '%0300d' 0)" 'BEGIN {
	    print "order_id,line_no,sku,qty,created_at,priority,ship_name,ship_address1,ship_lat,ship_lon"
	    print "O1,1,A1,1,2026-11-25T10:00:00Z,1,Ann Lee,1 Main St,40.75,-73.99"
	    for (i = 1; i <= 250; i++)
		printf "L%03d,1,A1,1,2026-11-25T11:00:00Z,5,Cy Ray,%d Long Road %s,34.05,-118.24\n",
		    i, i, pad }' |
	    orders
	routed
}

# A new order O9 for New York, first in the order of service, while O1 is
# held: what a release run after a failed one meets (so DC1's next id goes
# to another order than it would have).
o1_held_o9_new() {
	oms-order -q hold O1 fraud
	given orders <<'EOF2'
order_id,line_no,sku,qty,created_at,priority,ship_name,ship_lat,ship_lon
O9,1,B2,1,2026-11-24T09:00:00Z,1,Di Fox,40.75,-73.99
EOF2
	oms-allocate -q > /dev/null
	routed
}

# Every release id in the release files named, with the orders it names
# when it names more than one: nothing when every id names one order.
ids_of_two_orders() {
	cat "$@" 2> /dev/null | awk -F, '$1 != "release_id" { print $1 "," $3 }' | sort -u |
	    awk -F, '{ n[$1]++; o[$1] = o[$1] " " $2 } END { for (id in n) if (n[id] > 1) print id o[id] }'
}

@test "--split-by-node: a full disk on the second node's file leaves no file, and no id is given to two orders" {
	shop
	la_orders
	small_disk out 64
	before=$(state)
	run -74 --separate-stderr oms-release $DAY --split-by-node out
	assert_output ""
	assert_equal "$stderr" "oms-release: out/DC2.csv: write error: No space left on device"
	run -0 ls -A out
	assert_output ""
	assert_equal "$(state)" "$before"
	o1_held_o9_new
	mkdir next
	run -0 oms-release -q $DAY --split-by-node next
	run -0 ls -A next
	assert_output $'DC1.csv\nDC2.csv'
	assert_equal "$(sed -n 2p next/DC1.csv)" "20261127-DC1-000001,DC1,O9,1,B2,1,ship,Di Fox,,,,,US,,,,,,,US"
	assert_equal "$(wc -l < next/DC2.csv)" 251
	run -0 ids_of_two_orders out/* next/*
	assert_output ""
	consistent
	# run twice: the second run releases nothing and writes no file
	mkdir again
	run -0 oms-release -q $DAY --split-by-node again
	run -0 ls -A again
	assert_output ""
}

@test "-o FILE and standard output: a commit that fails on a full disk leaves no file and prints no release" {
	small_disk disk 1024
	export OMS_DB=$BATS_TEST_TMPDIR/disk/oms.db
	two_orders
	before=$(state)
	fill_disk disk 48
	mkdir w
	run -74 --separate-stderr oms-release $DAY -o w/rel.csv
	assert_output ""
	assert_equal "$stderr" "oms-release: $OMS_DB: committing: database or disk is full"
	run -0 ls -A w
	assert_output ""
	run -74 --separate-stderr oms-release $DAY
	assert_output ""
	assert_equal "$stderr" "oms-release: $OMS_DB: committing: database or disk is full"
	rm disk/fill
	assert_equal "$(state)" "$before"
	# the next run, after a change: DC1's first id goes to O9, and was never
	# seen naming another order
	o1_held_o9_new
	run -0 oms-release -q $DAY -o rel.csv
	assert_equal "$(sed -n 2p rel.csv)" "20261127-DC1-000001,DC1,O9,1,B2,1,ship,Di Fox,,,,,US,,,,,,,US"
	consistent
}

@test "-o FILE and standard output: a store busy past --busy-timeout leaves no file and prints nothing" {
	two_orders
	before=$(state)
	mkdir w out
	hold_lock 3
	run -75 --separate-stderr oms-release $DAY --busy-timeout 100 -o w/rel.csv
	run -75 --separate-stderr oms-release $DAY --busy-timeout 100
	assert_output ""
	run -75 --separate-stderr oms-release $DAY --busy-timeout 100 --split-by-node out
	release_lock
	run -0 ls -A w out
	assert_output $'out:\n\nw:'
	assert_equal "$(state)" "$before"
}

@test "killed just before its commit, a run has printed no release and left no node file in place" {
	test_hooks
	two_orders
	mkdir out
	run -137 env OMS_KILL_AT=commit oms-release -q $DAY
	assert_output ""
	run -137 env OMS_KILL_AT=commit oms-release -q $DAY --split-by-node out
	# only the hidden temporary file, which is never a release
	run -0 ls out
	assert_output ""
	run -0 ls -A out
	assert_output --regexp '^\.DC1\.csv\.tmp......$'
	rm out/.DC1.csv.tmp*
	# the re-run releases the same lines, with the same ids
	run -0 oms-release -q $DAY --split-by-node out
	assert_equal "$(cut -d, -f1,3 out/DC1.csv)" "release_id,order_id
20261127-DC1-000001,O1
20261127-DC1-000001,O1
20261127-DC1-000002,O2"
	consistent
}

@test "killed just after its commit: the run log names the run, and --resend-run writes its releases as the run would have" {
	test_hooks
	two_orders
	for db in ref ref-split split; do
		sqlite3 "$OMS_DB" ".backup $db.db"
	done
	mkdir ref out again
	oms-release -q --db ref.db $DAY > ref.csv
	oms-release -q --db ref-split.db $DAY --split-by-node ref
	run -137 env OMS_KILL_AT=committed oms-release -q $DAY
	assert_output ""
	run -0 oms-report runs --format jsonl
	run -0 jq -r 'select(.command == "oms-release") | "\(.run_id) \(.exit_status)"' <<<"$output"
	assert_output --regexp '^[0-9]+ 0$'
	run -0 oms-release --resend-run "${output% *}"
	assert_equal "$output" "$(cat ref.csv)"
	consistent
	# the same with --split-by-node: only the temporary file is left
	run -137 env OMS_KILL_AT=committed oms-release -q --db split.db $DAY --split-by-node out
	run -0 ls out
	assert_output ""
	run -0 ls -A out
	assert_output --regexp '^\.DC1\.csv\.tmp......$'
	run -0 oms-report --db split.db runs --format jsonl
	run -0 jq -r 'select(.command == "oms-release") | .run_id' <<<"$output"
	run -0 oms-release --db split.db --resend-run "$output" --split-by-node again
	run -0 ls -A again
	assert_output DC1.csv
	cmp ref/DC1.csv again/DC1.csv
}

# ---------------------------------------------------------------------
# where a release goes: the customer's address, a locker, a store

# The shop with every node's street address and a parcel locker, LK1, at
# Penn Station.  Ann Lee lives in Brooklyn; DC1 is the nearest node with
# stock to her and to the locker.  O1 has a line to the locker, one home,
# one to collect at ST1 and one more to the locker.
locker_shop() {
	shop
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,capacity_per_day,lat,lon,address1,city,region,postal_code
DC1,warehouse,1,0,,40.52,-74.39,1 Raritan Center Pkwy,Edison,NJ,08817
DC2,warehouse,1,0,,34.05,-118.24,800 E 4th St,Los Angeles,CA,90013
ST1,store,0,1,,40.75,-73.99,"350 5th Ave, Shop 2",New York,NY,10118
LK1,locker,0,0,,40.75,-73.99,"Penn Station, 8th Ave",New York,NY,10001
EOF
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,promise_date,method,pickup_node,ship_name,ship_address1,ship_city,ship_region,ship_postal_code,ship_lat,ship_lon
O1,1,A1,1,2026-11-25T10:00:00Z,2026-11-30,locker,LK1,Ann Lee,"1 Main St, Apt 4",Brooklyn,NY,11201,40.69,-73.99
O1,2,B2,1,2026-11-25T10:00:00Z,2026-11-30,ship,,Ann Lee,"1 Main St, Apt 4",Brooklyn,NY,11201,40.69,-73.99
O1,3,A1,2,2026-11-25T10:00:00Z,2026-11-30,pickup,ST1,Ann Lee,"1 Main St, Apt 4",Brooklyn,NY,11201,40.69,-73.99
O1,4,B2,2,2026-11-25T10:00:00Z,2026-11-30,locker,LK1,Ann Lee,"1 Main St, Apt 4",Brooklyn,NY,11201,40.69,-73.99
EOF
	routed
}

# The releases of locker_shop's O1 as CSV rows (after $REL): DC1 sends
# two parcels, one home and one to the locker; ST1 hands line 3 over.
LOCKER_ROWS='20261127-DC1-000001,DC1,O1,2,B2,1,ship,Ann Lee,"1 Main St, Apt 4",Brooklyn,NY,11201,US,2026-11-30T00:00:00Z,,"1 Main St, Apt 4",Brooklyn,NY,11201,US
20261127-DC1-000002,DC1,O1,1,A1,1,locker,Ann Lee,"Penn Station, 8th Ave",New York,NY,10001,US,2026-11-30T00:00:00Z,LK1,"1 Main St, Apt 4",Brooklyn,NY,11201,US
20261127-DC1-000002,DC1,O1,4,B2,2,locker,Ann Lee,"Penn Station, 8th Ave",New York,NY,10001,US,2026-11-30T00:00:00Z,LK1,"1 Main St, Apt 4",Brooklyn,NY,11201,US
20261127-ST1-000001,ST1,O1,3,A1,2,pickup,Ann Lee,"350 5th Ave, Shop 2",New York,NY,10118,US,2026-11-30T00:00:00Z,ST1,"1 Main St, Apt 4",Brooklyn,NY,11201,US'

@test "a locker line ships to its locker: the locker and its address are the ship-to, the customer's address beside it" {
	locker_shop
	releases $DAY <<EOF
$REL
$LOCKER_ROWS
EOF
	# one parcel has one address: the home line and the locker lines of DC1
	# are two releases
	assert_equal "$stderr" "oms-release: 3 releases (4 lines, 6 units) to 2 nodes; 0 waiting: 0 held, 0 ship-complete not all routed, 0 over capacity, 0 past --max"
	lines_are <<EOF
$LINES
O1,1,A1,1,released,0,0,0,0,1,0,0,0,DC1
O1,2,B2,1,released,0,0,0,0,1,0,0,0,DC1
O1,3,A1,2,released,0,0,0,0,2,0,0,0,ST1
O1,4,B2,2,released,0,0,0,0,2,0,0,0,DC1
EOF
	# the event names where the parcel goes, not the addresses
	run -0 events_of release.created
	assert_output - <<'EOF'
O1|release.created|{"release_id":"20261127-DC1-000001","node_id":"DC1","ship_to_node":null,"business_day":"2026-11-27","lines":[{"line_no":2,"sku":"B2","qty":1}]}
O1|release.created|{"release_id":"20261127-DC1-000002","node_id":"DC1","ship_to_node":"LK1","business_day":"2026-11-27","lines":[{"line_no":1,"sku":"A1","qty":1},{"line_no":4,"sku":"B2","qty":2}]}
O1|release.created|{"release_id":"20261127-ST1-000001","node_id":"ST1","ship_to_node":"ST1","business_day":"2026-11-27","lines":[{"line_no":3,"sku":"A1","qty":2}]}
EOF
	# the lines are confirmed by release as usual: the locker's shipped
	confirms <<'EOF'
release_id,line_no,status,qty,carrier,tracking
20261127-DC1-000002,1,shipped,1,UPS,1Z1
20261127-DC1-000002,4,shipped,2,UPS,1Z1
20261127-ST1-000001,3,picked_up,2,,
EOF
}

@test "a parcel home and a parcel to the locker are two releases of the node's capacity; ship-complete, both or neither" {
	shop
	# DC1 takes one release a day; only it has B2
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,capacity_per_day,lat,lon,address1,city,region,postal_code
DC1,warehouse,1,0,1,40.52,-74.39,1 Raritan Center Pkwy,Edison,NJ,08817
LK1,locker,0,0,,40.75,-73.99,"Penn Station, 8th Ave",New York,NY,10001
EOF
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_complete,method,pickup_node,ship_lat,ship_lon
SC,1,A1,1,2026-11-25T10:00:00Z,1,ship,,40.69,-73.99
SC,2,B2,1,2026-11-25T10:00:00Z,1,locker,LK1,40.69,-73.99
EOF
	routed
	# the ship-complete order needs two releases at DC1, which has room for one
	releases $DAY <<<"$REL"
	assert_equal "$stderr" "oms-release: 0 releases (0 lines, 0 units) to 0 nodes; 2 waiting: 0 held, 0 ship-complete not all routed, 2 over capacity, 0 past --max"
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,capacity_per_day,lat,lon,address1,city,region,postal_code
DC1,warehouse,1,0,2,40.52,-74.39,1 Raritan Center Pkwy,Edison,NJ,08817
EOF
	releases $DAY <<EOF
$REL
20261127-DC1-000001,DC1,SC,1,A1,1,ship,,,,,,US,,,,,,,US
20261127-DC1-000002,DC1,SC,2,B2,1,locker,,"Penn Station, 8th Ave",New York,NY,10001,US,,LK1,,,,,US
EOF
	# not ship-complete: the parcel home today, the one to the locker tomorrow
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,capacity_per_day,lat,lon,address1,city,region,postal_code
DC1,warehouse,1,0,1,40.52,-74.39,1 Raritan Center Pkwy,Edison,NJ,08817
EOF
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,method,pickup_node,ship_lat,ship_lon
NC,1,A1,1,2026-11-26T10:00:00Z,ship,,40.69,-73.99
NC,2,B2,1,2026-11-26T10:00:00Z,locker,LK1,40.69,-73.99
EOF
	routed --day 2026-11-28
	releases --day 2026-11-28 <<EOF
$REL
20261128-DC1-000001,DC1,NC,1,A1,1,ship,,,,,,US,,,,,,,US
EOF
	assert_equal "${stderr#*; }" "1 waiting: 0 held, 0 ship-complete not all routed, 1 over capacity, 0 past --max"
	releases --day 2026-11-29 <<EOF
$REL
20261129-DC1-000001,DC1,NC,2,B2,1,locker,,"Penn Station, 8th Ave",New York,NY,10001,US,,LK1,,,,,US
EOF
}

@test "a locker release as JSON: ship_to_node, the locker's address, the customer's own" {
	locker_shop
	run -0 oms-release -q $DAY --format jsonl
	assert_equal "${#lines[@]}" 3
	run -0 jq -c 'del(.released_at)' <<<"${lines[1]}"
	assert_output '{"release_id":"20261127-DC1-000002","node_id":"DC1","order_id":"O1","business_day":"2026-11-27","promise_date":"2026-11-30T00:00:00Z","ship_name":"Ann Lee","ship_address1":"Penn Station, 8th Ave","ship_city":"New York","ship_region":"NY","ship_postal_code":"10001","ship_country":"US","ship_to_node":"LK1","customer_address1":"1 Main St, Apt 4","customer_city":"Brooklyn","customer_region":"NY","customer_postal_code":"11201","customer_country":"US","lines":[{"line_no":1,"sku":"A1","qty":1,"method":"locker"},{"line_no":4,"sku":"B2","qty":2,"method":"locker"}]}'
	run -0 jq -c '[.release_id, .ship_to_node, .ship_address1, .customer_address1]' <<<"$(oms-release --resend 20261127-DC1-000001 --resend 20261127-ST1-000001 --format jsonl)"
	assert_output - <<'EOF'
["20261127-DC1-000001",null,"1 Main St, Apt 4","1 Main St, Apt 4"]
["20261127-ST1-000001","ST1","350 5th Ave, Shop 2","1 Main St, Apt 4"]
EOF
}

@test "--split-by-node: the node's file has its parcel home and its parcel to the locker" {
	locker_shop
	mkdir out
	run -0 oms-release -q $DAY --split-by-node out
	run -0 ls -A out
	assert_output - <<'EOF'
DC1.csv
ST1.csv
EOF
	assert_equal "$(cat out/DC1.csv)" "$REL
$(head -n 3 <<<"$LOCKER_ROWS")"
	assert_equal "$(cat out/ST1.csv)" "$REL
$(tail -n 1 <<<"$LOCKER_ROWS")"
	consistent
}

@test "--resend of a locker release gives it as first emitted, whatever the locker's or the customer's address since" {
	locker_shop
	run -0 oms-release -q $DAY
	first=$output
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,address1,city,region,postal_code,lat,lon
LK1,locker,0,0,Moved Since,Newark,NJ,07102,40.73,-74.17
EOF
	oms-order -q address O1 --ship-address1 "Moved Since" 2> /dev/null
	run -0 oms-release --resend 20261127-DC1-000001 --resend 20261127-DC1-000002 --resend 20261127-ST1-000001
	assert_equal "$output" "$first"
	run -0 oms-release --resend 20261127-DC1-000002 --format json
	assert_output "[
$(sqlite3 "$OMS_DB" "SELECT document FROM release WHERE release_id = '20261127-DC1-000002'")
]"
	run -0 jq -r '.[0].ship_address1' <<<"$output"
	assert_output "Penn Station, 8th Ave"
}

@test "--resend of a release stored before releases named their ship_to_node: the new columns empty" {
	two_orders
	run -0 oms-release -q $DAY
	# the document as oms-release wrote it until schema version 7
	sqlite3 "$OMS_DB" "UPDATE release SET document = '{\"release_id\":\"20261127-DC1-000002\",\"node_id\":\"DC1\",\"order_id\":\"O2\",\"business_day\":\"2026-11-27\",\"released_at\":\"2026-11-27T20:00:00Z\",\"promise_date\":null,\"ship_name\":\"Bo Diaz\",\"ship_address1\":\"9 Elm Rd\",\"ship_city\":\"Chicago\",\"ship_region\":\"IL\",\"ship_postal_code\":\"60601\",\"ship_country\":\"US\",\"lines\":[{\"line_no\":1,\"sku\":\"A1\",\"qty\":3,\"method\":\"ship\"}]}' WHERE release_id = '20261127-DC1-000002'"
	run -0 oms-release --resend 20261127-DC1-000002
	assert_output - <<EOF
$REL
20261127-DC1-000002,DC1,O2,1,A1,3,ship,Bo Diaz,9 Elm Rd,Chicago,IL,60601,US,,,,,,,
EOF
	run -0 oms-release --resend 20261127-DC1-000002 --format jsonl
	assert_output "$(sqlite3 "$OMS_DB" "SELECT document FROM release WHERE release_id = '20261127-DC1-000002'")"
}

@test "a locker with no street address: its releases carry what is known, with a warning once" {
	shop
	given nodes <<'EOF'
node_id,type,lat,lon,postal_code
LK1,locker,40.75,-73.99,10001
EOF
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,method,pickup_node,ship_name,ship_lat,ship_lon
O1,1,A1,1,2026-11-25T10:00:00Z,locker,LK1,Ann Lee,40.69,-73.99
O2,1,A1,1,2026-11-25T11:00:00Z,locker,LK1,Bo Diaz,40.69,-73.99
EOF
	routed
	run -0 --separate-stderr oms-release $DAY
	assert_output - <<EOF
$REL
20261127-DC1-000001,DC1,O1,1,A1,1,locker,Ann Lee,,,,10001,US,,LK1,,,,,US
20261127-DC1-000002,DC1,O2,1,A1,1,locker,Bo Diaz,,,,10001,US,,LK1,,,,,US
EOF
	assert_equal "$stderr" 'oms-release: warning: node "LK1" has no address1: its releases from other nodes carry only its postal code and country (import its address1, city and region)
oms-release: 2 releases (2 lines, 2 units) to 1 node; 0 waiting: 0 held, 0 ship-complete not all routed, 0 over capacity, 0 past --max'
}

# ---------------------------------------------------------------------
# confirmations

@test "shipped: stock leaves the node, the reservation ends, the line is shipped" {
	two_orders
	run -0 oms-release -q $DAY
	confirms <<'EOF'
release_id,line_no,status,qty,carrier,tracking,at
20261127-DC1-000001,1,shipped,2,UPS,1Z999,2026-11-27T15:00:00Z
EOF
	assert_equal "$stderr" "oms-release: 1 confirmation taken: 2 units shipped, 0 picked up, 0 short, 0 cancelled"
	lines_are <<EOF
$LINES
O1,1,A1,2,shipped,0,0,0,0,0,2,0,0,DC1
O1,2,B2,1,released,0,0,0,0,1,0,0,0,DC1
O2,1,A1,3,released,0,0,0,0,3,0,0,0,DC1
EOF
	stock_is <<EOF
$INV
DC1,A1,8,0,3,5,0,3
DC1,B2,10,0,1,9,0,1
DC2,A1,5,0,0,5,0,0
ST1,A1,3,0,0,3,0,0
EOF
	run -0 events_of 'line.shipped'
	assert_output 'O1|line.shipped|{"release_id":"20261127-DC1-000001","line_no":1,"node_id":"DC1","sku":"A1","qty":2,"carrier":"UPS","tracking":"1Z999","at":"2026-11-27T15:00:00Z"}'
	run -0 sqlite3 "$OMS_DB" "SELECT release_id, line_no, status, qty, carrier, tracking, at FROM confirmation"
	assert_output "20261127-DC1-000001|1|shipped|2|UPS|1Z999|2026-11-27T15:00:00Z"
}

@test "a line shipped in two parcels, then the rest; JSON confirmations" {
	two_orders
	run -0 oms-release -q $DAY
	confirms <<'EOF'
[{"release_id":"20261127-DC1-000002","line_no":1,"status":"shipped","qty":1,"tracking":"T1"},
 {"release_id":"20261127-DC1-000002","line_no":1,"status":"shipped","qty":1,"tracking":"T2"}]
EOF
	assert_equal "$stderr" "oms-release: 2 confirmations taken: 2 units shipped, 0 picked up, 0 short, 0 cancelled"
	confirms <<'EOF'
{"release_id":"20261127-DC1-000002","line_no":1,"status":"shipped","qty":1,"tracking":"T3"}
EOF
	lines_are <<EOF
$LINES
O1,1,A1,2,released,0,0,0,0,2,0,0,0,DC1
O1,2,B2,1,released,0,0,0,0,1,0,0,0,DC1
O2,1,A1,3,shipped,0,0,0,0,0,3,0,0,DC1
EOF
	stock_is <<EOF
$INV
DC1,A1,7,0,2,5,0,2
DC1,B2,10,0,1,9,0,1
DC2,A1,5,0,0,5,0,0
ST1,A1,3,0,0,3,0,0
EOF
}

@test "picked_up: a pickup line leaves the store's stock" {
	shop
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,method,pickup_node
O1,1,A1,2,2026-11-25T10:00:00Z,pickup,ST1
EOF
	routed
	run -0 oms-release -q $DAY
	confirms <<'EOF'
release_id,line_no,status,qty
20261127-ST1-000001,1,picked_up,2
EOF
	assert_equal "$stderr" "oms-release: 1 confirmation taken: 0 units shipped, 2 picked up, 0 short, 0 cancelled"
	lines_are <<EOF
$LINES
O1,1,A1,2,shipped,0,0,0,0,0,2,0,0,ST1
EOF
	stock_is <<EOF
$INV
DC1,A1,10,0,0,10,0,0
DC1,B2,10,0,0,10,0,0
DC2,A1,5,0,0,5,0,0
ST1,A1,1,0,0,1,0,0
EOF
	run -0 events_of 'line.picked_up'
	assert_output --partial 'O1|line.picked_up|{"release_id":"20261127-ST1-000001","line_no":1,"node_id":"ST1","sku":"A1","qty":2,"carrier":"","tracking":"","at":"'
}

@test "short: the node's count is lowered, the reservation ends, the units go back to open" {
	two_orders
	run -0 oms-release -q $DAY
	confirms <<'EOF'
release_id,line_no,status,qty
20261127-DC1-000002,1,shipped,1
20261127-DC1-000002,1,short,2
EOF
	assert_equal "$stderr" "oms-release: 2 confirmations taken: 1 unit shipped, 0 picked up, 2 short, 0 cancelled"
	lines_are <<EOF
$LINES
O1,1,A1,2,released,0,0,0,0,2,0,0,0,DC1
O1,2,B2,1,released,0,0,0,0,1,0,0,0,DC1
O2,1,A1,3,open,2,0,0,0,0,1,0,0,DC1
EOF
	# on_hand 10 less 1 shipped less 2 not there
	stock_is <<EOF
$INV
DC1,A1,7,0,2,5,0,2
DC1,B2,10,0,1,9,0,1
DC2,A1,5,0,0,5,0,0
ST1,A1,3,0,0,3,0,0
EOF
	run -0 events_of 'line.short'
	assert_output --partial 'O2|line.short|{"release_id":"20261127-DC1-000002","line_no":1,"node_id":"DC1","sku":"A1","qty":2,"reopened":2,"cancelled":0,'
}

@test "a short pick goes back to allocation and is routed and released again" {
	shop
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,2,2026-11-26T23:00:00Z
DC2,A1,0,2026-11-26T23:00:00Z
ST1,A1,0,2026-11-26T23:00:00Z
EOF
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A1,2,2026-11-25T10:00:00Z,40.75,-73.99
EOF
	routed
	run -0 oms-release -q $DAY
	confirms <<'EOF'
release_id,line_no,status,qty
20261127-DC1-000001,1,short,2
EOF
	# nothing left anywhere: backordered
	run -0 oms-allocate -q
	assert_output - <<'EOF'
order_id,line_no,sku,qty,allocated,backordered,reason
O1,1,A1,2,0,2,no stock in the network
EOF
	# stock arrives at DC2: allocated, routed and released there
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC2,A1,4,2026-11-27T08:00:00Z
EOF
	run -0 oms-allocate -q
	assert_output - <<'EOF'
order_id,line_no,sku,qty,allocated,backordered,reason
O1,1,A1,2,2,0,
EOF
	routed
	releases $DAY <<EOF
$REL
20261127-DC2-000001,DC2,O1,1,A1,2,ship,,,,,,US,,,,,,,US
EOF
	# DC1 shorted it all: the line is at DC2 alone
	lines_are <<EOF
$LINES
O1,1,A1,2,released,0,0,0,0,2,0,0,0,DC2
EOF
}

@test "shipped beyond the node's on_hand: on_hand goes to 0 with a warning" {
	two_orders
	run -0 oms-release -q $DAY
	# a snapshot with a bad count after the release: DC1 says it has 1 A1
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,1,2026-11-27T09:00:00Z
EOF
	# (the store is oversold at DC1 now, so no oms-report check here)
	run -0 --separate-stderr oms-release --confirm - <<'EOF'
release_id,line_no,status,qty
20261127-DC1-000001,1,shipped,2
EOF
	assert_equal "$stderr" 'oms-release: warning: -:2: node "DC1" had on_hand 1 of sku "A1", less than the 2 shipped; on_hand set to 0
oms-release: 1 confirmation taken: 2 units shipped, 0 picked up, 0 short, 0 cancelled'
	run -0 sqlite3 "$OMS_DB" "SELECT on_hand FROM inventory WHERE node_id = 'DC1' AND sku = 'A1'"
	assert_output 0
}

@test "cancelled answers a cancel request: units leave the release and are cancelled, stock stays" {
	two_orders
	run -0 oms-release -q $DAY
	# the customer cancels 2 of the 3 released: a cancel request to the node
	oms-order -q cancel O2 1 2
	consistent
	confirms <<'EOF'
release_id,line_no,status,qty
20261127-DC1-000002,1,cancelled,2
20261127-DC1-000002,1,shipped,1
EOF
	assert_equal "$stderr" "oms-release: 2 confirmations taken: 1 unit shipped, 0 picked up, 0 short, 2 cancelled"
	lines_are <<EOF
$LINES
O1,1,A1,2,released,0,0,0,0,2,0,0,0,DC1
O1,2,B2,1,released,0,0,0,0,1,0,0,0,DC1
O2,1,A1,3,shipped,0,0,0,0,0,1,2,0,DC1
EOF
	stock_is <<EOF
$INV
DC1,A1,9,0,2,7,0,2
DC1,B2,10,0,1,9,0,1
DC2,A1,5,0,0,5,0,0
ST1,A1,3,0,0,3,0,0
EOF
	run -0 sqlite3 "$OMS_DB" "SELECT qty, shipped, short, cancelled, cancel_requested FROM release_line WHERE release_id = '20261127-DC1-000002'"
	assert_output "3|1|0|2|0"
	run -0 events_of 'line.cancelled'
	assert_output --partial 'O2|line.cancelled|{"release_id":"20261127-DC1-000002","line_no":1,"node_id":"DC1","sku":"A1","qty":2,'
}

@test "shipped despite a cancel request: the request shrinks to what can still be cancelled" {
	two_orders
	run -0 oms-release -q $DAY
	oms-order -q cancel O2 1 2
	confirms <<'EOF'
release_id,line_no,status,qty
20261127-DC1-000002,1,shipped,2
EOF
	run -0 sqlite3 "$OMS_DB" "SELECT shipped, cancel_requested FROM release_line WHERE release_id = '20261127-DC1-000002'"
	assert_output "2|1"
	# the last unit comes back short: the customer cancelled it, so it is not reopened
	confirms <<'EOF'
release_id,line_no,status,qty
20261127-DC1-000002,1,short,1
EOF
	run -0 sqlite3 "$OMS_DB" "SELECT shipped, short, cancelled, cancel_requested FROM release_line WHERE release_id = '20261127-DC1-000002'"
	assert_output "2|1|0|0"
	lines_are <<EOF
$LINES
O1,1,A1,2,released,0,0,0,0,2,0,0,0,DC1
O1,2,B2,1,released,0,0,0,0,1,0,0,0,DC1
O2,1,A1,3,shipped,0,0,0,0,0,2,1,0,DC1
EOF
}

@test "--dry-run confirmations change nothing" {
	two_orders
	run -0 oms-release -q $DAY
	before=$(state)
	run -0 --separate-stderr oms-release --confirm --dry-run - <<'EOF'
release_id,line_no,status,qty
20261127-DC1-000002,1,shipped,3
EOF
	assert_equal "$stderr" "oms-release: dry run, nothing written: 1 confirmation taken: 3 units shipped, 0 picked up, 0 short, 0 cancelled"
	assert_equal "$(state)" "$before"
}

# ---------------------------------------------------------------------
# rejected confirmations: each says why, and nothing changes

@test "shipped on a pickup or curbside line, picked_up on a ship line or of a locker line not delivered: each refused" {
	every_method
	rejects 'oms-release: -:2: status shipped is for ship and locker lines, and pickup and curbside lines shipped to their store; line 1 of release "20261127-ST1-000001" is a pickup line released to the store itself (handed over there: picked_up)
oms-release: -:3: status shipped is for ship and locker lines, and pickup and curbside lines shipped to their store; line 1 of release "20261127-ST1-000002" is a curbside line released to the store itself (handed over there: picked_up)
oms-release: -:4: line 1 of release "20261127-DC1-000001": 1 confirmed picked_up from the locker, but only 0 were delivered into it and not collected
oms-release: -:5: status picked_up is for pickup, curbside and locker lines; line 1 of release "20261127-DC1-000002" is a ship line
oms-release: 4 bad confirmations: nothing applied' <<'EOF'
release_id,line_no,status,qty
20261127-ST1-000001,1,shipped,1
20261127-ST1-000002,1,shipped,1
20261127-DC1-000001,1,picked_up,1
20261127-DC1-000002,1,picked_up,1
EOF
	# a locker line is shipped (to the locker); short and cancelled fit any line
	confirms <<'EOF'
release_id,line_no,status,qty
20261127-ST1-000001,1,picked_up,1
20261127-ST1-000001,1,short,1
20261127-ST1-000002,1,picked_up,1
20261127-DC1-000001,1,shipped,1
20261127-DC1-000002,1,short,1
EOF
	assert_equal "$stderr" "oms-release: 5 confirmations taken: 1 unit shipped, 2 picked up, 2 short, 0 cancelled"
}

@test "a pickup handed over in two visits: two files, both taken; the second file sent again changes nothing" {
	every_method
	cat > visit1.csv <<'EOF'
release_id,line_no,status,qty,at
20261127-ST1-000001,1,picked_up,1,2026-11-27T10:00:00Z
EOF
	cat > visit2.csv <<'EOF'
release_id,line_no,status,qty,at
20261127-ST1-000001,1,picked_up,1,2026-11-27T16:30:00Z
EOF
	run -0 --separate-stderr oms-release --confirm visit1.csv
	run -0 --separate-stderr oms-release --confirm visit2.csv
	assert_equal "$stderr" "oms-release: 1 confirmation taken: 0 units shipped, 1 picked up, 0 short, 0 cancelled"
	consistent
	run -0 oms-report lines --order P1
	assert_output - <<EOF
$LINES
P1,1,A1,2,shipped,0,0,0,0,0,2,0,0,ST1
EOF
	run -0 sqlite3 "$OMS_DB" "SELECT status, qty, at FROM confirmation ORDER BY seq"
	assert_output $'picked_up|1|2026-11-27T10:00:00Z\npicked_up|1|2026-11-27T16:30:00Z'
	before=$(state)
	run -65 --separate-stderr oms-release --confirm visit2.csv
	assert_equal "$stderr" 'oms-release: visit2.csv:2: line 1 of release "20261127-ST1-000001" was already confirmed picked_up 1 at 2026-11-27T16:30:00Z (a file sent twice?)
oms-release: 1 bad confirmation: nothing applied'
	assert_equal "$(state)" "$before"
}

@test "a second short at a later time, or one of another qty, is a new confirmation; only an exact repeat is not" {
	shop
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O7,1,B2,5,2026-11-25T10:00:00Z,40.75,-73.99
EOF
	routed
	run -0 oms-release -q $DAY
	for row in short,1,,2026-11-27T09:00:00Z short,1,,2026-11-27T12:00:00Z \
	    short,2,,2026-11-27T09:00:00Z shipped,1,T1,2026-11-27T15:00:00Z; do
		printf 'release_id,line_no,status,qty,tracking,at\n20261127-DC1-000001,1,%s\n' "$row" |
		    confirms
	done
	run -0 sqlite3 "$OMS_DB" "SELECT status, qty, tracking, at FROM confirmation ORDER BY seq"
	assert_output - <<'EOF'
short|1||2026-11-27T09:00:00Z
short|1||2026-11-27T12:00:00Z
short|2||2026-11-27T09:00:00Z
shipped|1|T1|2026-11-27T15:00:00Z
EOF
	run -0 oms-report lines --order O7
	assert_output - <<EOF
$LINES
O7,1,B2,5,open,4,0,0,0,0,1,0,0,DC1
EOF
	rejects 'oms-release: -:2: line 1 of release "20261127-DC1-000001" was already confirmed short 1 at 2026-11-27T09:00:00Z (a file sent twice?)
oms-release: -:3: line 1 of release "20261127-DC1-000001" was already confirmed shipped 1 with tracking "T1" at 2026-11-27T15:00:00Z (a file sent twice?)
oms-release: 2 bad confirmations: nothing applied' <<'EOF'
release_id,line_no,status,qty,tracking,at
20261127-DC1-000001,1,short,1,,2026-11-27T09:00:00Z
20261127-DC1-000001,1,shipped,1,T1,2026-11-27T15:00:00Z
EOF
}

@test "a confirmation file sent twice prints its first 5 repeats and a count" {
	shop
	awk 'BEGIN { print "order_id,line_no,sku,qty,created_at,ship_lat,ship_lon"
	    for (i = 1; i <= 8; i++) printf "Q%d,1,B2,1,2026-11-25T1%d:00:00Z,40.75,-73.99\n", i, i }' |
	    orders
	routed
	run -0 oms-release -q $DAY
	awk 'BEGIN { print "release_id,line_no,status,qty,carrier,tracking,at"
	    for (i = 1; i <= 8; i++)
		printf "20261127-DC1-%06d,1,shipped,1,UPS,1Z%d,2026-11-27T15:00:00Z\n", i, i }' > conf.csv
	run -0 oms-release -q --confirm conf.csv
	before=$(state)
	run -65 --separate-stderr oms-release --confirm conf.csv
	assert_output ""
	assert_equal "$stderr" 'oms-release: conf.csv:2: line 1 of release "20261127-DC1-000001" was already confirmed shipped 1 with tracking "1Z1" at 2026-11-27T15:00:00Z (a file sent twice?)
oms-release: conf.csv:3: line 1 of release "20261127-DC1-000002" was already confirmed shipped 1 with tracking "1Z2" at 2026-11-27T15:00:00Z (a file sent twice?)
oms-release: conf.csv:4: line 1 of release "20261127-DC1-000003" was already confirmed shipped 1 with tracking "1Z3" at 2026-11-27T15:00:00Z (a file sent twice?)
oms-release: conf.csv:5: line 1 of release "20261127-DC1-000004" was already confirmed shipped 1 with tracking "1Z4" at 2026-11-27T15:00:00Z (a file sent twice?)
oms-release: conf.csv:6: line 1 of release "20261127-DC1-000005" was already confirmed shipped 1 with tracking "1Z5" at 2026-11-27T15:00:00Z (a file sent twice?)
oms-release: 3 more rows already confirmed, not listed (a file sent twice?)
oms-release: 8 bad confirmations: nothing applied'
	assert_equal "$(state)" "$before"
	# other bad rows are each still reported, repeats or not
	{ cat conf.csv; echo "nope,1,shipped,1,,,"; } > conf2.csv
	run -65 --separate-stderr oms-release --confirm conf2.csv
	assert_equal "${#stderr_lines[@]}" 8
	assert_equal "${stderr_lines[5]}" 'oms-release: conf2.csv:10: unknown release "nope"'
	assert_equal "${stderr_lines[6]}" 'oms-release: 3 more rows already confirmed, not listed (a file sent twice?)'
	assert_equal "${stderr_lines[7]}" 'oms-release: 9 bad confirmations: nothing applied'
}

@test "a confirmation file sent twice is rejected whole" {
	two_orders
	run -0 oms-release -q $DAY
	cat > conf.csv <<'EOF'
release_id,line_no,status,qty,carrier,tracking
20261127-DC1-000001,1,shipped,1,UPS,1Z1
20261127-DC1-000001,2,short,1,,
EOF
	run -0 oms-release -q --confirm conf.csv
	before=$(state)
	run -65 --separate-stderr oms-release --confirm conf.csv
	assert_equal "$stderr" 'oms-release: conf.csv:2: line 1 of release "20261127-DC1-000001" was already confirmed shipped 1 with tracking "1Z1" (a file sent twice? give its time, at, if it is another one)
oms-release: conf.csv:3: line 2 of release "20261127-DC1-000001" was already confirmed short 1 (a file sent twice? give its time, at, if it is another one)
oms-release: 2 bad confirmations: nothing applied'
	assert_equal "$(state)" "$before"
}

@test "the same line twice in one file is rejected" {
	two_orders
	run -0 oms-release -q $DAY
	rejects 'oms-release: -:3: line 1 of release "20261127-DC1-000002" was already confirmed shipped 1 (a file sent twice? give its time, at, if it is another one)
oms-release: 1 bad confirmation: nothing applied' <<'EOF'
release_id,line_no,status,qty
20261127-DC1-000002,1,shipped,1
20261127-DC1-000002,1,shipped,1
EOF
	# with their times, two parcels of one unit each are two confirmations
	confirms <<'EOF'
release_id,line_no,status,qty,at
20261127-DC1-000002,1,shipped,1,2026-11-27T15:00:00Z
20261127-DC1-000002,1,shipped,1,2026-11-27T15:30:00Z
EOF
	assert_equal "$stderr" "oms-release: 2 confirmations taken: 2 units shipped, 0 picked up, 0 short, 0 cancelled"
}

@test "confirming more than was released is rejected, also over several rows" {
	two_orders
	run -0 oms-release -q $DAY
	rejects 'oms-release: -:2: line 1 of release "20261127-DC1-000001": 3 confirmed shipped, but only 2 of the 2 released are still outstanding (shipped 0, short 0, cancelled 0)
oms-release: -:4: line 1 of release "20261127-DC1-000002": 2 confirmed short, but only 1 of the 3 released is still outstanding (shipped 2, short 0, cancelled 0)
oms-release: 2 bad confirmations: nothing applied' <<'EOF'
release_id,line_no,status,qty
20261127-DC1-000001,1,shipped,3
20261127-DC1-000002,1,shipped,2
20261127-DC1-000002,1,short,2
EOF
}

@test "a fully shipped line takes no more confirmations" {
	two_orders
	run -0 oms-release -q $DAY
	run -0 oms-release -q --confirm - <<'EOF'
release_id,line_no,status,qty
20261127-DC1-000001,2,shipped,1
EOF
	rejects 'oms-release: -:2: line 2 of release "20261127-DC1-000001": 1 confirmed short, but only 0 of the 1 released are still outstanding (shipped 1, short 0, cancelled 0)
oms-release: 1 bad confirmation: nothing applied' <<'EOF'
release_id,line_no,status,qty
20261127-DC1-000001,2,short,1
EOF
}

@test "an unknown release, a line not in the release, a line not yet released" {
	two_orders
	run -0 oms-release -q $DAY --max 1
	rejects 'oms-release: -:2: unknown release "20261127-DC9-000001"
oms-release: -:3: release "20261127-DC1-000001" has no line 3
oms-release: -:4: unknown release "20261127-DC1-000002"
oms-release: 3 bad confirmations: nothing applied' <<'EOF'
release_id,line_no,status,qty
20261127-DC9-000001,1,shipped,1
20261127-DC1-000001,3,shipped,1
20261127-DC1-000002,1,shipped,1
EOF
}

@test "picked_up of a ship line, and a cancel nobody asked for, are rejected" {
	two_orders
	run -0 oms-release -q $DAY
	rejects 'oms-release: -:2: status picked_up is for pickup, curbside and locker lines; line 1 of release "20261127-DC1-000001" is a ship line
oms-release: -:3: line 2 of release "20261127-DC1-000001": 1 confirmed cancelled, but only 0 were asked to be cancelled
oms-release: 2 bad confirmations: nothing applied' <<'EOF'
release_id,line_no,status,qty
20261127-DC1-000001,1,picked_up,1
20261127-DC1-000001,2,cancelled,1
EOF
}

@test "malformed confirmation rows are each reported with their line" {
	two_orders
	run -0 oms-release -q $DAY
	rejects 'oms-release: -:2: release_id is empty
oms-release: -:3: line_no must be a positive integer, got "0"
oms-release: -:4: status must be one of shipped, picked_up, short, cancelled, ready, arrived, received, delivered (and in a tracking update in_transit, out_for_delivery, exception), got "lost"
oms-release: -:5: qty must be a positive integer, got "-1"
oms-release: -:6: at must be an ISO 8601 date or time like 2026-11-27 or 2026-11-27T14:30:00Z, got "yesterday"
oms-release: -:7: qty must be a positive integer, got "1.5"
oms-release: 6 bad confirmations: nothing applied' <<'EOF'
release_id,line_no,status,qty,at
,1,shipped,1,
20261127-DC1-000001,0,shipped,1,
20261127-DC1-000001,1,lost,1,
20261127-DC1-000001,1,shipped,-1,
20261127-DC1-000001,1,shipped,1,yesterday
20261127-DC1-000001,1,shipped,1.5,
EOF
}

@test "a confirmation file without a required column is rejected" {
	two_orders
	run -0 oms-release -q $DAY
	before=$(state)
	run -65 --separate-stderr oms-release --confirm - <<'EOF'
release_id,line_no,qty
20261127-DC1-000001,1,1
EOF
	assert_output ""
	assert_equal "$stderr" "oms-release: -:1: missing required column \"status\""
	assert_equal "$(state)" "$before"
}

@test "good rows before a bad one are not applied either" {
	two_orders
	run -0 oms-release -q $DAY
	rejects 'oms-release: -:3: unknown release "nope"
oms-release: 1 bad confirmation: nothing applied' <<'EOF'
release_id,line_no,status,qty
20261127-DC1-000001,1,shipped,2
nope,1,shipped,1
EOF
}

# ---------------------------------------------------------------------
# usage

@test "options that do not go together are usage errors" {
	run -64 --separate-stderr oms-release --confirm --node DC1
	assert_equal "${stderr_lines[0]}" "oms-release: --day, --max, --node and --split-by-node are for releasing, not with --confirm"
	run -64 --separate-stderr oms-release --resend X --max 1
	assert_equal "${stderr_lines[0]}" "oms-release: --day, --max and --node are for releasing, not with --resend"
	run -64 --separate-stderr oms-release --resend-run 3 --day 2026-11-27
	run -64 --separate-stderr oms-release --resend X --resend-run 3
	assert_equal "${stderr_lines[0]}" "oms-release: --resend and --resend-run do not go together"
	run -64 --separate-stderr oms-release --resend-run 3 --dry-run
	assert_equal "${stderr_lines[0]}" "oms-release: --resend changes nothing: --dry-run does not apply"
	run -64 --separate-stderr oms-release --resend-run x
	assert_equal "${stderr_lines[0]}" 'oms-release: --resend-run must be a non-negative integer, got "x"'
	run -64 --separate-stderr oms-release --confirm --resend X
	run -64 --separate-stderr oms-release --confirm --resend-run 3
	run -64 --separate-stderr oms-release --confirm --format json
	run -64 --separate-stderr oms-release -o x.csv --split-by-node .
	run -64 --separate-stderr oms-release file.csv
	run -64 --separate-stderr oms-release --day 2026-13-01
	assert_equal "${stderr_lines[0]}" 'oms-release: --day must be a date like 2026-11-27, got "2026-13-01"'
	run -64 --separate-stderr oms-release --max -1
	run -0 oms-release --help
	assert_line --index 0 --partial "usage: oms-release"
}

@test "oms-report check: released units must match what the release lines have out" {
	two_orders
	run -0 oms-release -q $DAY
	sqlite3 "$OMS_DB" "UPDATE line_node SET released = 2 WHERE order_id = 'O2';
	    UPDATE release_line SET cancel_requested = 1 WHERE release_id = '20261127-DC1-000001' AND line_no = 2;
	    UPDATE release_line SET shipped = 1 WHERE release_id = '20261127-DC1-000001' AND line_no = 2"
	run -1 oms-report check
	assert_output - <<'EOF'
check,subject,detail
line_released,O1/2@DC1,"released 1, but its release lines have 0 outstanding"
cancel_requested,O1/2@DC1,"cancel requested for 1, more than the 0 outstanding"
line_released,O2/1@DC1,"released 2, but its release lines have 3 outstanding"
EOF
}

# Two orders released to DC1, O1/1 confirmed shipped: the store is
# consistent.
released_and_confirmed() {
	two_orders
	run -0 oms-release -q $DAY
	confirms <<'CSV'
release_id,line_no,status,qty,carrier,tracking,at
20261127-DC1-000001,1,shipped,2,UPS,1Z999,2026-11-27T15:00:00Z
CSV
}

# Break the store with the SQL in $1, foreign keys off (as a careless hand
# would); oms-report check exits 1 and prints exactly standard input.
broken_by() {
	sqlite3 "$OMS_DB" "pragma foreign_keys = off; $1"
	run -1 oms-report check
	assert_output -
}

@test "oms-report check: a line_node row whose line is gone, or whose node is" {
	released_and_confirmed
	broken_by "INSERT INTO line_node (order_id, line_no, node_id) VALUES ('O2', 9, 'DC1')" <<'EOF'
check,subject,detail
foreign_key,line_node row ?,refers to a missing order_line
EOF
	sqlite3 "$OMS_DB" "DELETE FROM line_node WHERE line_no = 9"
	consistent
	broken_by "INSERT INTO line_node (order_id, line_no, node_id) VALUES ('O2', 1, 'GONE')" <<'EOF'
check,subject,detail
foreign_key,line_node row ?,refers to a missing node
EOF
}

@test "oms-report check: a release whose order or node is gone" {
	released_and_confirmed
	broken_by "UPDATE release SET order_id = 'GONE' WHERE release_id = '20261127-DC1-000002'" <<'EOF'
check,subject,detail
foreign_key,release row ?,refers to a missing orders
EOF
	sqlite3 "$OMS_DB" "UPDATE release SET order_id = 'O2' WHERE release_id = '20261127-DC1-000002'"
	consistent
	broken_by "UPDATE release SET node_id = 'GONE' WHERE release_id = '20261127-DC1-000002'" <<'EOF'
check,subject,detail
foreign_key,release row ?,refers to a missing node
line_released,O2/1@GONE,"released 0, but its release lines have 3 outstanding"
EOF
}

@test "oms-report check: a release line whose release or order line is gone" {
	released_and_confirmed
	broken_by "UPDATE release_line SET release_id = 'GONE' WHERE release_id = '20261127-DC1-000002'" <<'EOF'
check,subject,detail
foreign_key,release_line row ?,refers to a missing release
EOF
	sqlite3 "$OMS_DB" "UPDATE release_line SET release_id = '20261127-DC1-000002' WHERE release_id = 'GONE'"
	consistent
	broken_by "INSERT INTO release_line (release_id, line_no, order_id, qty, shipped)
	    VALUES ('20261127-DC1-000002', 2, 'O2', 1, 1)" <<'EOF'
check,subject,detail
foreign_key,release_line row ?,refers to a missing order_line
EOF
}

@test "oms-report check: a confirmation whose release line is gone" {
	released_and_confirmed
	broken_by "UPDATE confirmation SET line_no = 7" <<'EOF'
check,subject,detail
foreign_key,confirmation row 1,refers to a missing release_line
EOF
}

@test "oms-report check: units released at a node whose release lines have none out" {
	released_and_confirmed
	broken_by "UPDATE release_line SET shipped = qty WHERE release_id = '20261127-DC1-000002'" <<'EOF'
check,subject,detail
line_released,O2/1@DC1,"released 3, but its release lines have 0 outstanding"
EOF
	broken_by "DELETE FROM line_node WHERE order_id = 'O1' AND line_no = 2" <<'EOF'
check,subject,detail
line_released,O1/2@DC1,"released 0, but its release lines have 1 outstanding"
line_released,O2/1@DC1,"released 3, but its release lines have 0 outstanding"
EOF
}

# ---------------------------------------------------------------------
# the whole pipeline, with oms-route

@test "import, allocate, route, release, confirm a short pick, and round again" {
	for k in nodes items inventory postal rates; do
		oms-import -q "$k" "$DATA/$k.csv"
	done
	oms-import -q orders "$DATA/orders.csv"
	oms-allocate -q > /dev/null
	oms-route -q > /dev/null
	releases $DAY <<EOF
$REL
20261127-ST1-000001,ST1,O2,1,A1,1,pickup,Bo Diaz,,,,10001,US,2026-11-27T00:00:00Z,ST1,,,,,US
20261127-DC1-000001,DC1,O1,1,A1,2,ship,Ann Lee,"1 Main St, Apt 4",New York,NY,10001,US,2026-11-30T00:00:00Z,,"1 Main St, Apt 4",New York,NY,10001,US
20261127-DC1-000001,DC1,O1,2,B2,1,ship,Ann Lee,"1 Main St, Apt 4",New York,NY,10001,US,2026-11-30T00:00:00Z,,"1 Main St, Apt 4",New York,NY,10001,US
20261127-V1-000001,V1,O3,1,C3,1,ship,"Cy ""The Couch"" Ng",9 Elm Rd,Chicago,IL,60601,US,,,9 Elm Rd,Chicago,IL,60601,US
EOF
	confirms <<'EOF'
release_id,line_no,status,qty,carrier,tracking
20261127-ST1-000001,1,picked_up,1,,
20261127-DC1-000001,1,shipped,1,UPS,1Z1
20261127-DC1-000001,1,short,1,,
20261127-DC1-000001,2,shipped,1,UPS,1Z1
20261127-V1-000001,1,shipped,1,FedEx,77
EOF
	lines_are <<EOF
$LINES
O1,1,A1,2,open,1,0,0,0,0,1,0,0,DC1
O1,2,B2,1,shipped,0,0,0,0,0,1,0,0,DC1
O2,1,A1,1,shipped,0,0,0,0,0,1,0,0,ST1
O3,1,C3,1,shipped,0,0,0,0,0,1,0,0,V1
EOF
	# the short unit is allocated, routed and released again
	oms-allocate -q > /dev/null
	oms-route -q > /dev/null
	releases $DAY <<EOF
$REL
20261127-DC1-000002,DC1,O1,1,A1,1,ship,Ann Lee,"1 Main St, Apt 4",New York,NY,10001,US,2026-11-30T00:00:00Z,,"1 Main St, Apt 4",New York,NY,10001,US
EOF
	run -0 oms-report inventory --node DC1
	assert_output - <<EOF
$INV
DC1,A1,98,0,1,97,0,1
DC1,B2,49,0,0,49,0,0
EOF
}

# ---------------------------------------------------------------------
# -o FILE is written beside FILE and renamed over it, so that a failed run
# leaves no half file; a FIFO or a device (/dev/null) is written in place
# instead, or the rename would replace it (as root, for the whole machine).
@test "-o to a FIFO writes into it and leaves it a FIFO (so -o /dev/null is safe)" {
	two_orders
	mkfifo out.fifo
	timeout 10 cat out.fifo > got &
	reader=$!
	run -0 oms-release -q $DAY -o out.fifo
	wait "$reader" || true
	[ -p out.fifo ]
	run -0 cat got
	assert_line --index 1 --partial "20261127-DC1-000001,DC1,O1,1,A1,2,ship,"
}

# (issue 17, item 16: method=SHIP was refused while booleans ignore case)
@test "a confirmation's status in any case, as booleans: stored and told in lowercase" {
	two_orders
	run -0 oms-release -q $DAY
	run -0 --separate-stderr oms-release --confirm - <<'EOF2'
release_id,line_no,status,qty
20261127-DC1-000002,1,SHIPPED,2
20261127-DC1-000002,1,Short,1
EOF2
	assert_equal "$stderr" "oms-release: 2 confirmations taken: 2 units shipped, 0 picked up, 1 short, 0 cancelled"
	run -0 sqlite3 "$OMS_DB" "select status, qty from confirmation order by rowid"
	assert_output - <<'EOF2'
shipped|2
short|1
EOF2
	consistent
	# and a repeat in another case is still a repeat
	run -65 --separate-stderr oms-release --confirm - <<'EOF2'
release_id,line_no,status,qty
20261127-DC1-000002,1,shipped,2
EOF2
	assert_equal "$stderr" 'oms-release: -:2: line 1 of release "20261127-DC1-000002" was already confirmed shipped 2 (a file sent twice? give its time, at, if it is another one)
oms-release: 1 bad confirmation: nothing applied'
}
