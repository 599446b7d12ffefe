# Sourcing rules in allocation and routing (oms(7), "Sourcing rules"):
# rules that match and do not, tiers, exclusions, a marketplace node, the
# sourcing safety stock, max splits, a store shipment's minimum value,
# on_short hold, and the reasons of --explain.  The network is route.bats's
# (tests/data/route/): to an order at 0,0, per shipment of one A (1 kg),
# 4.00 + 0.50/kg up to 50 km, plus the node's handling:
#   ST  store 0,0.1      11 km  0.50  5.00   (capacity 1 release a day)
#   N1  0,0.2            22 km  1.00  5.50
#   N2  0.2,0            22 km  1.50  6.00
#   M1  0,2             222 km  1.00  11.50  (10.00 + 0.50/kg up to 500 km)
# and MP, a marketplace of the channel amazon, at 0,0.05 (6 km, no
# handling: 4.50), added here.  Groups: dcs (N1, N2, M1), stores (ST).
load helper

ROUTE=$DATA/route
HEADER=order_id,line_no,sku,qty,node_id,cost,transit_days,late
XHEAD=order_id,line_no,sku,qty,rules_version,rule_id,node_id,tier,atp,held_back,verdict,reason,cost,planned
AHEAD=order_id,line_no,sku,qty,rules_version,rule_id,node_id,tier,atp,held_back,verdict,reason,allocated

network() {
	oms-import -q nodes "$ROUTE/nodes.csv" &&
	oms-import -q items "$ROUTE/items.csv" &&
	oms-import -q rates "$ROUTE/rates.csv" &&
	oms-import -q groups - <<'EOF'
group_id,node_id
dcs,N1
dcs,N2
dcs,M1
stores,ST
EOF
}

given() {
	oms-import -q "$@" -
}

stock() {
	given inventory
}

orders() {
	oms-import -q orders - && oms-allocate -q > /dev/null
}

rules() {
	oms-import -q rules -
}

# Route: exit 0, exactly the CSV on standard input, oms-report check clean.
routes() {
	local expected

	expected=$(cat)
	run -0 --separate-stderr oms-route "$@"
	assert_output "$expected"
	run -0 oms-report check
	assert_output "$CHECK_HEAD"
}

@test "no rules: a store whose rule set is empty routes and allocates as one that never had rules" {
	for db in plain.db empty.db; do
		export OMS_DB=$BATS_TEST_TMPDIR/$db
		network
		[ "$db" = plain.db ] || printf 'rule_id,tiers\n' | rules
		stock <<'EOF'
node_id,sku,on_hand,as_of
ST,A,1,2026-12-01T00:00:00Z
N1,A,5,2026-12-01T00:00:00Z
M1,B,9,2026-12-01T00:00:00Z
EOF
		oms-import -q orders - <<'EOF'
order_id,line_no,sku,qty,channel,created_at,ship_lat,ship_lon
O1,1,A,2,web,2026-12-01T10:00:00Z,0,0
O1,2,B,1,web,2026-12-01T10:00:00Z,0,0
O2,1,A,5,web,2026-12-01T11:00:00Z,0,0
EOF
		oms-allocate > "alloc-$db.csv" 2>/dev/null
		oms-route --day 2026-12-01 > "route-$db.csv" 2>/dev/null
		oms-report lines > "lines-$db.csv"
	done
	cmp alloc-plain.db.csv alloc-empty.db.csv
	cmp route-plain.db.csv route-empty.db.csv
	cmp lines-plain.db.csv lines-empty.db.csv
	run -0 cat route-empty.db.csv
	assert_output - <<EOF
$HEADER
O1,1,A,2,N1,6,1,0
O1,2,B,1,M1,12,2,0
O2,1,A,1,ST,5,1,0
O2,1,A,3,N1,6.5,1,0
EOF
}

@test "a rule that matches steers the line to its first tier; an order it does not match goes by cost" {
	network
	printf 'rule_id,channel,tiers\nweb_dcs_first,web,dcs>stores\n' | rules
	stock <<'EOF'
node_id,sku,on_hand,as_of
ST,A,5,2026-12-01T00:00:00Z
N1,A,5,2026-12-01T00:00:00Z
EOF
	orders <<'EOF'
order_id,line_no,sku,qty,channel,created_at,ship_lat,ship_lon
W1,1,A,1,web,2026-12-01T10:00:00Z,0,0
P1,1,A,1,phone,2026-12-01T11:00:00Z,0,0
EOF
	routes --day 2026-12-01 <<EOF
$HEADER
W1,1,A,1,N1,5.5,1,0
P1,1,A,1,ST,5,1,0
EOF
	run -0 oms-report runs --format jsonl
	[[ "${lines[-1]}" == *'"rules_version":2'* ]]
}

@test "tiers: tier 2 gives only what tier 1 cannot" {
	network
	printf 'rule_id,tiers\nall_dcs_first,dcs>stores\n' | rules
	stock <<'EOF'
node_id,sku,on_hand,as_of
N1,A,1,2026-12-01T00:00:00Z
ST,A,5,2026-12-01T00:00:00Z
EOF
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A,3,2026-12-01T10:00:00Z,0,0
EOF
	routes --day 2026-12-01 <<EOF
$HEADER
O1,1,A,1,N1,5.5,1,0
O1,1,A,2,ST,5.5,1,0
EOF
}

@test "exclusions: a node and a node type the rule leaves out, and --explain says so" {
	network
	printf 'rule_id,exclude_nodes,exclude_types\nno_n1_no_stores,N1,store\n' | rules
	stock <<'EOF'
node_id,sku,on_hand,as_of
N1,A,5,2026-12-01T00:00:00Z
N2,A,5,2026-12-01T00:00:00Z
ST,A,5,2026-12-01T00:00:00Z
EOF
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A,1,2026-12-01T10:00:00Z,0,0
EOF
	run -0 --separate-stderr oms-route --explain O1 --day 2026-12-01
	assert_output - <<EOF
$XHEAD
O1,1,A,1,2,no_n1_no_stores,N1,0,5,0,excluded,rule: node excluded,,0
O1,1,A,1,2,no_n1_no_stores,N2,1,5,0,chosen,,6,1
O1,1,A,1,2,no_n1_no_stores,ST,0,5,0,excluded,rule: node type excluded,,0
O1,,,1,2,,N2,,,,plan,,6,
O1,,,1,2,,N2,,,,chosen plan,,6,
EOF
	assert_equal "$stderr" "oms-route: dry run, nothing written: O1 explained; nothing changed"
	# nothing written: the line is allocated, not routed
	run -0 sqlite3 "$OMS_DB" "select count(*) from line_node"
	assert_output 0
}

@test "a marketplace's stock serves its own channel's orders only" {
	network
	given nodes <<'EOF'
node_id,type,channel,lat,lon,handling_cost
MP,marketplace,amazon,0,0.05,0
EOF
	stock <<'EOF'
node_id,sku,on_hand,as_of
MP,A,5,2026-12-01T00:00:00Z
N1,B,5,2026-12-01T00:00:00Z
EOF
	run -0 oms-import -q orders - <<'EOF'
order_id,line_no,sku,qty,channel,created_at,ship_lat,ship_lon
W1,1,A,1,web,2026-12-01T10:00:00Z,0,0
A1,1,A,2,amazon,2026-12-01T11:00:00Z,0,0
EOF
	run -0 --separate-stderr oms-allocate
	assert_output - <<'EOF'
order_id,line_no,sku,qty,allocated,backordered,reason
W1,1,A,1,0,1,no stock in the network
A1,1,A,2,2,0,
EOF
	routes --day 2026-12-01 <<EOF
$HEADER
A1,1,A,2,MP,5,1,0
EOF
	run -0 --separate-stderr oms-allocate --explain W1
	assert_output - <<EOF
$AHEAD
W1,1,A,1,1,,,,,,backordered,no stock in the network,0
W1,1,A,1,1,,MP,0,3,0,excluded,marketplace of another channel,
EOF
}

@test "sourcing safety stock: the rule leaves a node its units, other orders may take them (HotWax's threshold)" {
	network
	printf 'rule_id,channel,tiers,safety\nweb_stores,web,stores>dcs,stores=2\n' | rules
	stock <<'EOF'
node_id,sku,on_hand,as_of
ST,A,3,2026-12-01T00:00:00Z
N1,A,5,2026-12-01T00:00:00Z
EOF
	orders <<'EOF'
order_id,line_no,sku,qty,channel,created_at,ship_lat,ship_lon
W1,1,A,2,web,2026-12-01T10:00:00Z,0,0
EOF
	run -0 --separate-stderr oms-allocate --explain W1
	assert_output - <<EOF
$AHEAD
W1,1,A,2,2,web_stores,,,,,allocated,,2
W1,1,A,2,2,web_stores,N1,2,5,0,may draw,,
W1,1,A,2,2,web_stores,ST,1,3,2,may draw,part held back from its rule,
EOF
	routes --day 2026-12-01 <<EOF
$HEADER
W1,1,A,1,ST,5,1,0
W1,1,A,1,N1,5.5,1,0
EOF
	# a phone order has no rule: it takes the store's units held back from web
	oms-route -q --day 2026-12-01 > /dev/null
	orders <<'EOF'
order_id,line_no,sku,qty,channel,created_at,ship_lat,ship_lon
P1,1,A,2,phone,2026-12-01T11:00:00Z,0,0
EOF
	run -0 oms-report lines --order P1
	[[ "$output" == *"P1,1,A,2,allocated"* ]]
}

@test "an allocation limited by its rule and a free one are both served when the stock covers both" {
	network
	given groups <<'EOF'
group_id,node_id
east,N1
EOF
	printf 'rule_id,channel,tiers\napp_east,app,east\n' | rules
	stock <<'EOF'
node_id,sku,on_hand,as_of
N1,A,5,2026-12-01T00:00:00Z
N2,A,5,2026-12-01T00:00:00Z
EOF
	oms-import -q orders - <<'EOF'
order_id,line_no,sku,qty,channel,created_at,ship_lat,ship_lon
W1,1,A,5,web,2026-12-01T10:00:00Z,0,0
A1,1,A,5,app,2026-12-01T11:00:00Z,0,0
A2,1,A,1,app,2026-12-01T12:00:00Z,0,0
EOF
	run -0 --separate-stderr oms-allocate
	assert_output - <<'EOF'
order_id,line_no,sku,qty,allocated,backordered,reason
W1,1,A,5,5,0,
A1,1,A,5,5,0,
A2,1,A,1,0,1,no stock in the network
EOF
	routes --day 2026-12-01 <<EOF
$HEADER
W1,1,A,5,N2,8,1,0
A1,1,A,5,N1,7.5,1,0
EOF
}

@test "a rule's max_splits: the order ships from one node, the rest waits" {
	network
	printf 'rule_id,max_splits\none_box,0\n' | rules
	stock <<'EOF'
node_id,sku,on_hand,as_of
N1,A,5,2026-12-01T00:00:00Z
N2,B,5,2026-12-01T00:00:00Z
EOF
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A,2,2026-12-01T10:00:00Z,0,0
O1,2,B,1,2026-12-01T10:00:00Z,0,0
EOF
	routes --day 2026-12-01 <<EOF
$HEADER
O1,1,A,2,N1,6,1,0
EOF
}

@test "a store ships only a shipment worth the rule's min_store_value" {
	network
	given items <<'EOF'
sku,unit_price,weight_kg
A,19.99,1
EOF
	printf 'rule_id,min_store_value\nstore_min,30.00\n' | rules
	stock <<'EOF'
node_id,sku,on_hand,as_of
ST,A,5,2026-12-01T00:00:00Z
N1,A,5,2026-12-01T00:00:00Z
EOF
	orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon,unit_price
O1,1,A,1,2026-12-01T10:00:00Z,0,0,19.99
O2,1,A,2,2026-12-01T11:00:00Z,0,0,19.99
EOF
	routes --day 2026-12-01 <<EOF
$HEADER
O1,1,A,1,N1,5.5,1,0
O2,1,A,2,ST,5.5,1,0
EOF
}

@test "on_short hold: a line its rule cannot serve sends its order to care, who lifts the hold" {
	network
	printf 'rule_id,sku,tiers,on_short\nb_from_dcs,B,dcs,hold\n' | rules
	stock <<'EOF'
node_id,sku,on_hand,as_of
ST,B,5,2026-12-01T00:00:00Z
N1,A,5,2026-12-01T00:00:00Z
EOF
	oms-import -q orders - <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A,1,2026-12-01T10:00:00Z,0,0
O1,2,B,1,2026-12-01T10:00:00Z,0,0
EOF
	run -0 --separate-stderr oms-allocate
	assert_output - <<'EOF'
order_id,line_no,sku,qty,allocated,backordered,reason
O1,1,A,1,1,0,
O1,2,B,1,0,1,no stock where its sourcing rule allows
EOF
	run -0 sqlite3 "$OMS_DB" "select hold_type, held_by, reason, rule_id from order_hold"
	assert_output "sourcing|oms-allocate|sourcing rule b_from_dcs: no node it allows has the stock|b_from_dcs"
	run -0 sqlite3 "$OMS_DB" "select type, json_extract(payload, '$.rule_id') from event
	    where type = 'order.held'"
	assert_output "order.held|b_from_dcs"
	# held: routing leaves it alone; care lifts the hold
	routes --day 2026-12-01 <<EOF
$HEADER
EOF
	printf 'order_id,action,hold_type\nO1,unhold,sourcing\n' | oms-order -q apply -
	run -0 sqlite3 "$OMS_DB" "select count(*) from order_hold"
	assert_output 0
}

@test "rules match on channel, method, country, region, postal prefix, sku, item class, value and priority" {
	network
	given items <<'EOF'
sku,item_class,unit_price,weight_kg
A,bulky,10.00,1
B,,5.00,2
EOF
	rules <<'EOF'
rule_id,channel,method,country,region,postal_prefix,sku,item_class,value_min,value_max,priority,tiers
by_value,,,,,,,,100.00,,,dcs
by_priority,,,,,,,,,,1-2,dcs
by_postal,,,,,SW1,,,,,,dcs
by_region,,,,ON,,,,,,,dcs
by_country,,,FR|DE,,,,,,,,dcs
by_class,,,,,,,bulky,,,,dcs
by_sku,,,,,,B,,,,,dcs
by_method,,locker,,,,,,,,,dcs
EOF
	stock <<'EOF'
node_id,sku,on_hand,as_of
N1,A,99,2026-12-01T00:00:00Z
N1,B,99,2026-12-01T00:00:00Z
EOF
	oms-import -q orders - <<'EOF'
order_id,line_no,sku,qty,created_at,priority,ship_lat,ship_lon,ship_country,ship_region,ship_postal_code,unit_price
V1,1,B,20,2026-12-01T10:00:00Z,5,0,0,US,,,5.00
P1,1,B,1,2026-12-01T10:00:00Z,2,0,0,US,,,5.00
Z1,1,B,1,2026-12-01T10:00:00Z,5,0,0,GB,,sw1a 1aa,5.00
R1,1,B,1,2026-12-01T10:00:00Z,5,0,0,CA,on,,5.00
C1,1,B,1,2026-12-01T10:00:00Z,5,0,0,de,,,5.00
K1,1,A,1,2026-12-01T10:00:00Z,5,0,0,US,,,10.00
S1,1,B,1,2026-12-01T10:00:00Z,5,0,0,US,,,5.00
EOF
	for o in V1 P1 Z1 R1 C1 K1 S1; do
		oms-allocate --explain $o 2>/dev/null | sed -n 2p | cut -d, -f1,6
	done > matched
	run -0 cat matched
	assert_output - <<'EOF'
V1,by_value
P1,by_priority
Z1,by_postal
R1,by_region
C1,by_country
K1,by_class
S1,by_sku
EOF
}

@test "--explain: each reason a node is passed over, and the candidate plans' costs" {
	network
	given nodes <<'EOF'
node_id,type,lat,lon,handling_cost,capacity_per_day
FAR,warehouse,60,100,0,
CL,warehouse,0,0.1,0,0
EOF
	given groups <<'EOF'
group_id,node_id
far,F1
far,FAR
dcs,N1
dcs,N2
dcs,M1
dcs,CL
EOF
	printf 'rule_id,channel,tiers,safety,max_splits\nweb,web,stores|dcs>far,dcs=4,0\n' | rules
	stock <<'EOF'
node_id,sku,on_hand,as_of
N1,A,5,2026-12-01T00:00:00Z
N2,A,9,2026-12-01T00:00:00Z
M1,A,2,2026-12-01T00:00:00Z
CL,A,9,2026-12-01T00:00:00Z
F1,A,5,2026-12-01T00:00:00Z
FAR,A,5,2026-12-01T00:00:00Z
ST,A,0,2026-12-01T00:00:00Z
EOF
	orders <<'EOF'
order_id,line_no,sku,qty,channel,created_at,ship_lat,ship_lon
W1,1,A,2,web,2026-12-01T10:00:00Z,0,0
EOF
	run -0 --separate-stderr oms-route --explain W1 --day 2026-12-01
	assert_output - <<EOF
$XHEAD
W1,1,A,2,3,web,CL,1,9,4,excluded,capacity: no release left today,,0
W1,1,A,2,3,web,F1,2,5,0,candidate,tier: an earlier tier serves it,23,0
W1,1,A,2,3,web,FAR,2,5,0,excluded,distance: no rate band reaches the destination,,0
W1,1,A,2,3,web,M1,1,2,4,excluded,"ATP: 2 free, all held back from its rule",,0
W1,1,A,2,3,web,N1,1,5,4,candidate,split limit: the order ships from as many nodes as its limit allows,6,0
W1,1,A,2,3,web,N2,1,9,4,chosen,,6.5,2
W1,1,A,2,3,web,ST,1,0,0,excluded,ATP: none free,,0
W1,,,1,3,,N1,,,,plan,covers 1 of 2 units,5.5,
W1,,,2,3,,N2,,,,plan,,6.5,
W1,,,2,3,,F1,,,,plan,,23,
W1,,,2,3,,N2,,,,chosen plan,,6.5,
EOF
}

@test "fewest splits first (Salesforce's order of search): with max_splits 0 the one node that has it all ships it, however far" {
	network
	printf 'rule_id,max_splits\nwhole,0\n' | rules
	stock <<'EOF2'
node_id,sku,on_hand,as_of
N1,A,5,2026-12-01T00:00:00Z
N2,B,5,2026-12-01T00:00:00Z
M1,A,5,2026-12-01T00:00:00Z
M1,B,5,2026-12-01T00:00:00Z
EOF2
	orders <<'EOF2'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A,1,2026-12-01T10:00:00Z,0,0
O1,2,B,1,2026-12-01T10:00:00Z,0,0
EOF2
	routes --day 2026-12-01 --split-penalty 0 <<EOF2
$HEADER
O1,1,A,1,M1,4.17,2,0
O1,2,B,1,M1,8.33,2,0
EOF2
}
