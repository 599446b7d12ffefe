# oms-promise: can a cart be had, from where, when, at what cost; and
# --reserve.  The network is oms-route's test network (route.bats says
# how its costs are made): bands up to 50 km 4.00 + 0.50/kg, 1 day; up to
# 500 km 10.00 + 0.50/kg, 2 days; node N1 (0,0.2) handling 1.00, 1
# processing day; M1 (0,2) the same; ST a store at 0,0.1, handling 0.50,
# 0 processing days.  Every promise is on the business day 2026-12-08.
load helper

ROUTE=$DATA/route
HEAD=cart_id,line_no,sku,qty,available,node_id,ship_date,delivery_date,cost,source,cart_available
CART=cart_id,line_no,sku,qty,lat,lon

network() {
	oms-import -q nodes "$ROUTE/nodes.csv" &&
	oms-import -q items "$ROUTE/items.csv" &&
	oms-import -q rates "$ROUTE/rates.csv"
}

stock() {
	oms-import -q inventory -
}

promise() {
	oms-promise -q --today 2026-12-08 "$@"
}

@test "a cart in stock: the cheaper node, its dates and cost" {
	network
	stock <<'EOF'
node_id,sku,on_hand
N1,A,5
M1,A,5
EOF
	before=$(state)
	run -0 promise <<EOF
$CART
c1,1,A,1,0,0
EOF
	assert_output - <<EOF
$HEAD
c1,1,A,1,1,N1,2026-12-09,2026-12-10,5.50,stock,1
EOF
	assert_equal "$(state)" "$before"
}

@test "a cart partly available: the rest has no source" {
	network
	stock <<'EOF'
node_id,sku,on_hand
N1,A,2
EOF
	run -0 promise --format jsonl <<EOF
$CART
c1,1,A,5,0,0
EOF
	assert_output - <<'EOF'
{"cart_id":"c1","line_no":1,"sku":"A","qty":2,"available":2,"node_id":"N1","ship_date":"2026-12-09","delivery_date":"2026-12-10","cost":6.00,"source":"stock","cart_available":0}
{"cart_id":"c1","line_no":1,"sku":"A","qty":3,"available":0,"node_id":null,"ship_date":null,"delivery_date":null,"cost":null,"source":null,"cart_available":0}
EOF
}

@test "out of stock with supply on its way: the supply, its dates" {
	network
	oms-import -q supply - <<'EOF'
supply_id,node_id,sku,qty,expected_at,kind
PO-2,M1,A,10,2026-12-25,purchase_order
PO-1,M1,A,10,2026-12-20,purchase_order
PO-0,M1,A,1,2026-12-10,purchase_order
EOF
	# PO-0 is too small for 3; PO-1 comes first of the others: ships the
	# 21st (1 processing day), arrives 2 days later; 10 + 1.5 + 1
	run -0 promise <<EOF
$CART
c1,1,A,3,0,0
EOF
	assert_output - <<EOF
$HEAD
c1,1,A,3,0,M1,2026-12-21,2026-12-23,12.50,PO-1,0
EOF
}

@test "pickup at a store: ready on its day, its handling" {
	network
	stock <<'EOF'
node_id,sku,on_hand
ST,A,2
N1,A,9
EOF
	run -0 promise <<'EOF'
cart_id,line_no,sku,qty,method,pickup_node
c1,1,A,2,pickup,ST
c2,1,A,1,pickup,ST
EOF
	assert_output - <<EOF
$HEAD
c1,1,A,2,2,ST,2026-12-08,2026-12-08,0.50,stock,1
c2,1,A,1,0,,,,,,0
EOF
}

@test "the promise is what allocate and route then do (50 random carts of one or two lines): the units always, the nodes but for one cart" {
	network
	stock <<'EOF'
node_id,sku,on_hand
N1,A,6
N2,A,4
N2,B,5
M1,A,8
M1,B,6
F1,A,20
SL,B,7
F1,B,3
EOF
	RANDOM=42
	for c in $(seq 1 50); do
		lat=$((RANDOM % 5 - 2)).$((RANDOM % 10))
		lon=$((RANDOM % 12 - 2)).$((RANDOM % 10))
		# (not in $(...): a subshell's RANDOM is seeded anew, the carts would
		# differ from run to run)
		if [ $((RANDOM % 2)) = 0 ]; then sku=A other=B; else sku=B other=A; fi
		id=$(printf 'C%02d' "$c")
		{
			echo "$CART"
			echo "$id,1,$sku,$((RANDOM % 4 + 1)),$lat,$lon"
			[ $((RANDOM % 2)) = 0 ] || echo "$id,2,$other,$((RANDOM % 4 + 1)),$lat,$lon"
		} > cart.csv
		oms-promise -q cart.csv | awk -F, 'NR > 1 && $5 > 0 { print $2 "," $6 "," $5 }' |
		    sort > want
		# the order comes last in the order of service, as the cart did
		awk -F, -v t="$(printf '2026-11-26T10:%02d:00Z' "$c")" \
		    'NR == 1 { print "order_id,line_no,sku,qty,created_at,ship_lat,ship_lon"; next }
		    { print $1 "," $2 "," $3 "," $4 "," t "," $5 "," $6 }' cart.csv |
		    oms-import -q orders -
		oms-allocate -q > /dev/null
		touch differ
		oms-route -q | awk -F, -v o="$id" 'NR > 1 && $1 == o { print $2 "," $5 "," $4 }' |
		    sort > got
		# the units of each line: always what the promise said
		assert_equal "$id: $(units got)" "$id: $(units want)"
		# the nodes: route plans the batch, the promise one cart; they may
		# differ on a split (issue 21's known gap: seed 42 gives one cart, C13)
		cmp -s got want || { echo "$id: promised $(cat want | tr '\n' ' ') routed $(cat got | tr '\n' ' ')" >> differ; }
	done
	run -0 cat differ
	[ "${#lines[@]}" -le 1 ]
}

# The units of each line in a "line_no,node,units" list: "line_no,units".
units() {
	awk -F, '{ u[$1] += $3 } END { for (l in u) print l "," u[l] }' "$1" | sort
}

@test "--reserve holds the units until they expire; allocation counts them while live" {
	network
	stock <<'EOF'
node_id,sku,on_hand
N1,A,3
EOF
	run -0 promise --reserve 30 --now 2026-12-08T10:00:00Z <<EOF
$CART
c1,1,A,2,0,0
EOF
	assert_output - <<EOF
$HEAD
c1,1,A,2,2,N1,2026-12-09,2026-12-10,6.00,stock,1
EOF
	run -0 sqlite3 "$OMS_DB" "select cart_id, line_no, sku, node_id, qty, expires_at from reservation"
	assert_output 'c1|1|A|N1|2|2026-12-08T10:30:00Z'
	run -0 sqlite3 "$OMS_DB" "select order_id, type, payload from event where type like 'stock.%'"
	assert_output 'c1|stock.reserved|{"cart_id":"c1","expires_at":"2026-12-08T10:30:00Z","lines":[{"line_no":1,"sku":"A","node_id":"N1","qty":2}],"units":2}'
	# another cart, while it is held: 1 left
	run -0 promise --now 2026-12-08T10:29:00Z <<EOF
$CART
c2,1,A,3,0,0
EOF
	assert_line 'c2,1,A,1,1,N1,2026-12-09,2026-12-10,5.50,stock,0'
	# the cart itself, asked again without --reserve: what it holds is its own
	run -0 promise --now 2026-12-08T10:29:00Z <<EOF
$CART
c1,1,A,3,0,0
EOF
	assert_line 'c1,1,A,3,3,N1,2026-12-09,2026-12-10,6.50,stock,1'
	# once it expired: all 3
	run -0 promise --now 2026-12-08T10:30:00Z <<EOF
$CART
c2,1,A,3,0,0
EOF
	assert_line 'c2,1,A,3,3,N1,2026-12-09,2026-12-10,6.50,stock,1'
	# the next writer with --reserve deletes it
	run -0 promise --reserve 5 --now 2026-12-08T11:00:00Z <<EOF
$CART
c3,1,A,1,0,0
EOF
	run -0 sqlite3 "$OMS_DB" "select cart_id, qty from reservation"
	assert_output 'c3|1'
}

@test "oms-allocate sees a live reservation as reserved stock" {
	network
	stock <<'EOF'
node_id,sku,on_hand
N1,A,3
EOF
	# held until 2099: live for oms-allocate's clock
	promise --reserve 60 --now 2099-01-01T00:00:00Z > /dev/null <<EOF
$CART
c1,1,A,2,0,0
EOF
	oms-import -q orders - <<'EOF'
order_id,line_no,sku,qty,ship_lat,ship_lon
O1,1,A,3,0,0
EOF
	oms-allocate -q > /dev/null
	run -0 sqlite3 "$OMS_DB" "select allocated, backordered from order_line"
	assert_output '1|2'
}

@test "the order of a cart releases its reservation" {
	network
	stock <<'EOF'
node_id,sku,on_hand
N1,A,3
EOF
	promise --reserve 60 --now 2099-01-01T00:00:00Z > /dev/null <<EOF
$CART
c1,1,A,2,0,0
EOF
	oms-import -q orders - <<'EOF'
order_id,line_no,sku,qty,ship_lat,ship_lon
c1,1,A,2,0,0
EOF
	run -0 sqlite3 "$OMS_DB" "select count(*) from reservation"
	assert_output 0
	run -0 sqlite3 "$OMS_DB" "select order_id, type, payload from event where type = 'stock.reservation_released'"
	assert_output 'c1|stock.reservation_released|{"units":2}'
	oms-allocate -q > /dev/null
	run -0 sqlite3 "$OMS_DB" "select allocated from order_line"
	assert_output 2
}

@test "a cart promised again replaces its reservation" {
	network
	stock <<'EOF'
node_id,sku,on_hand
N1,A,3
EOF
	for i in 1 2; do
		run -0 promise --reserve 60 --now 2026-12-08T10:00:00Z <<EOF
$CART
c1,1,A,3,0,0
EOF
		assert_line 'c1,1,A,3,3,N1,2026-12-09,2026-12-10,6.50,stock,1'
	done
	run -0 sqlite3 "$OMS_DB" "select cart_id, qty from reservation"
	assert_output 'c1|3'
}

@test "--dry-run with --reserve answers and writes nothing" {
	network
	stock <<'EOF'
node_id,sku,on_hand
N1,A,3
EOF
	before=$(state)
	run -0 --separate-stderr oms-promise --today 2026-12-08 --reserve 30 --dry-run <<EOF
$CART
c1,1,A,2,0,0
EOF
	assert_line 'c1,1,A,2,2,N1,2026-12-09,2026-12-10,6.00,stock,1'
	[[ $stderr == *"dry run, nothing written"* ]]
	assert_equal "$(state)" "$before"
}

@test "bad cart lines are refused with 65; nothing written" {
	network
	before=$(state)
	run -65 --separate-stderr oms-promise --reserve 30 <<'EOF'
cart_id,line_no,sku,qty,method
c1,1,A,0,ship
c1,2,A,1,pickup
c1,3,A,1,teleport
EOF
	assert_output ''
	[[ $stderr == *"-:2:"*"qty"* ]]
	[[ $stderr == *"-:3: method pickup needs a pickup_node"* ]]
	[[ $stderr == *"3 bad cart lines; nothing promised"* ]]
	assert_equal "$(state)" "$before"
	run -65 oms-promise <<'EOF'
cart_id,line_no,sku,qty
c1,1,A,1
c1,1,A,1
EOF
}

@test "--rejects answers the good lines and keeps the bad ones" {
	network
	run -0 --separate-stderr oms-promise --today 2026-12-08 --rejects rej.csv <<EOF
$CART
c1,1,A,0,0,0
c2,1,A,1,0,0
EOF
	assert_output - <<EOF
$HEAD
c2,1,A,1,0,,,,,,0
EOF
	assert_equal "${stderr##*$'\n'}" "oms-promise: 1 cart, 1 line promised: 0 whole now; 0 of 1 unit available, 0 from supply; 1 line rejected"
	run -0 cat rej.csv
	assert_output - <<'EOF'
cart_id,line_no,sku,qty,lat,lon,error
c1,1,A,0,0,0,"qty must be a quantity, got ""0"""
EOF
}

@test "--help prints usage; a bad --reserve is a usage error" {
	run -0 oms-promise --help
	assert_line --index 0 'usage: oms-promise [-hqv] [--busy-timeout ms] [--db path] [--dry-run]'
	run -64 oms-promise --reserve 0
	run -64 oms-promise --now yesterday
}

@test "many skus (the tables scanned) answer as a few (their lines read by sku)" {
	network
	{
		echo sku,weight_kg
		for i in $(seq 1 600); do echo "S$i,1"; done
	} | oms-import -q items -
	{
		echo node_id,sku,on_hand
		for i in $(seq 1 600); do echo "N1,S$i,$((i % 4 + 1))"; echo "M1,S$i,2"; done
	} | stock
	# stock held: orders allocated, some routed
	{
		echo order_id,line_no,sku,qty,ship_lat,ship_lon
		for i in $(seq 1 7 600); do echo "O$i,1,S$i,2,0,0"; done
	} | oms-import -q orders -
	oms-allocate -q > /dev/null
	oms-route -q --order O1 --order O8 > /dev/null
	{
		echo "$CART"
		for i in $(seq 1 600); do echo "c$i,1,S$i,3,0,0"; done
	} > carts.csv
	run -0 promise carts.csv
	all=$output
	head -n 301 carts.csv > a.csv
	{ head -n 1 carts.csv; tail -n 300 carts.csv; } > b.csv
	run -0 promise a.csv
	first=$output
	run -0 promise b.csv
	assert_equal "$all" "$first"$'\n'"$(tail -n +2 <<<"$output")"
	# O1's 2 of S1 routed to N1, O8's 2 of S8 to M1
	grep -qx 'c1,1,S1,2,2,M1,2026-12-09,2026-12-11,12.00,stock,0' <<<"$all"
	grep -qx 'c1,1,S1,1,0,,,,,,0' <<<"$all"
	grep -qx 'c8,1,S8,1,1,N1,2026-12-09,2026-12-10,5.50,stock,0' <<<"$all"
	grep -qx 'c8,1,S8,2,0,,,,,,0' <<<"$all"
}

@test "a file that is not there, or a directory: 66, nothing written" {
	network
	before=$(state)
	mkdir adir
	for reserve in "" "--reserve 5"; do
		run -66 oms-promise $reserve nothere.csv
		assert_output "oms-promise: nothere.csv: cannot open: No such file or directory"
		run -66 oms-promise $reserve adir
		assert_output "oms-promise: adir: is a directory, not a file"
	done
	assert_equal "$(state)" "$before"
}

@test "JSON Lines in, JSON out; a locker line priced to its locker" {
	network
	stock <<'EOF'
node_id,sku,on_hand
N1,A,5
SL,A,5
EOF
	# the locker LK at 0,-3: SL (0,-0.2) 311 km, 10 + 0.5 + 0; N1 355 km, 10 + 0.5 + 1
	run -0 promise --format json <<'EOF'
{"cart_id":"j1","line_no":1,"sku":"A","qty":1,"method":"locker","pickup_node":"LK"}
EOF
	assert_output - <<'EOF'
[
{"cart_id":"j1","line_no":1,"sku":"A","qty":1,"available":1,"node_id":"SL","ship_date":"2026-12-11","delivery_date":"2026-12-13","cost":10.50,"source":"stock","cart_available":1}
]
EOF
}

@test "sourcing rules: the cart's method, value and channel pick its rule, and its tiers the node" {
	network
	oms-import -q items - <<'EOF'
sku,unit_price,weight_kg
A,20.00,1
EOF
	oms-import -q groups - <<'EOF'
group_id,node_id
far,M1
near,N1
EOF
	oms-import -q rules - <<'EOF'
rule_id,channel,method,value_min,tiers
big_web,web,ship,50.00,far>near
EOF
	stock <<'EOF'
node_id,sku,on_hand
N1,A,5
M1,A,5
EOF
	# a web cart of 3 (60.00): its rule sends it to M1 first; of 1 (20.00)
	# no rule matches: N1, the cheaper; a phone cart of 3: no rule either
	run -0 promise <<EOF
cart_id,line_no,sku,qty,channel,lat,lon
w3,1,A,3,web,0,0
w1,1,A,1,web,0,0
p3,1,A,3,phone,0,0
EOF
	assert_output - <<EOF
$HEAD
w3,1,A,3,3,M1,2026-12-09,2026-12-11,12.50,stock,1
w1,1,A,1,1,N1,2026-12-09,2026-12-10,5.50,stock,1
p3,1,A,3,3,N1,2026-12-09,2026-12-10,6.50,stock,1
EOF
}

@test "a real invoice as a cart: items the store lacks and a ship-to it cannot place are warned of, not available" {
	network
	stock <<'EOF'
node_id,sku,on_hand
N1,A,5
EOF
	# Online Retail's invoice 536365 (UCI, CC BY 4.0): its stock codes
	run -0 --separate-stderr oms-promise --today 2026-12-08 - <<'EOF'
cart_id,line_no,sku,qty,postal_code,country
536365,1,85123A,6,SW1A 1AA,GB
536365,2,71053,6,SW1A 1AA,GB
536365,3,84406B,8,SW1A 1AA,GB
536365,4,84029G,6,SW1A 1AA,GB
536365,5,A,6,SW1A 1AA,GB
EOF
	assert_output - <<EOF
$HEAD
536365,1,85123A,6,0,,,,,,0
536365,2,71053,6,0,,,,,,0
536365,3,84406B,8,0,,,,,,0
536365,4,84029G,6,0,,,,,,0
536365,5,A,6,0,,,,,,0
EOF
	assert_equal "$stderr" 'oms-promise: warning: 4 cart lines name items the store does not have (not available): "85123A", "71053", "84406B" and 1 more
oms-promise: warning: 1 cart has a destination that cannot be placed (not available to ship): "536365"
oms-promise: 1 cart, 5 lines promised: 0 whole now; 0 of 32 units available, 0 from supply'
}
