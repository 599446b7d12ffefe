# oms-allocate: who gets the stock.  Each case is a tiny store written
# here as CSV, one run of oms-allocate, its exact output, and the store
# afterwards; oms-report check passes after every run.
load helper

# Import KIND (and any oms-import option) from the CSV on standard input.
given() {
	oms-import -q "$@" -
}

# Run oms-allocate with "$@": exit 0, standard output exactly the CSV on
# standard input, and a store that passes oms-report check.  The summary
# is left in $stderr.  Nothing expected is <<<"": an empty here document
# or /dev/null would do, but not where /dev/null is not a device.
allocates() {
	local expected

	expected=$(cat)
	run -0 --separate-stderr oms-allocate "$@"
	assert_output "$expected"
	consistent
}

# oms-report check finds nothing wrong.
consistent() {
	run -0 oms-report check
	assert_output "$CHECK_HEAD"
}

# oms-report lines is exactly the CSV on standard input.
lines_are() {
	run -0 oms-report lines
	assert_output -
}

# oms-report inventory --by sku, its columns up to atp, is exactly the CSV on
# standard input.
network_is() {
	run -0 bash -c 'set -o pipefail; oms-report inventory --by sku | cut -d, -f1-6'
	assert_output -
}

# The allocation events, oldest first: order, type, payload.
line_events() {
	sqlite3 "$OMS_DB" "select order_id, type, payload from event
	    where type like 'line.%' order by seq"
}

nevents() {
	sqlite3 "$OMS_DB" "select count(*) from event"
}

# The summary on standard error was: N lines changed, A allocated in full,
# P partly, B backordered; U units newly allocated, V units backordered
# (on the changed lines), T units taken back.  --dry-run first: its prefix.
summary_is() {
	local prefix=""

	if [ "$1" = --dry-run ]; then
		prefix="dry run, nothing written: "
		shift
	fi
	local lines=lines u5=units u6=units u7=units
	[ "$1" -ne 1 ] || lines=line
	[ "$5" -ne 1 ] || u5=unit
	[ "$6" -ne 1 ] || u6=unit
	[ "$7" -ne 1 ] || u7=unit
	local want="oms-allocate: $prefix$1 $lines changed: $2 allocated in full, $3 partly, $4 backordered; $5 $u5 allocated, $6 $u6 backordered; $7 $u7 taken back"
	[ "$1" -ne 0 ] || want="$want; nothing changed"
	assert_equal "$stderr" "$want"
}

HEADER=order_id,line_no,sku,qty,allocated,backordered,reason
LINES=order_id,line_no,sku,qty,status,open,backordered,allocated,routed,released,shipped,cancelled,returned,nodes
SKUS=sku,on_hand,safety_stock,allocated,reserved,atp


# ---------------------------------------------------------------------
# who gets the stock

@test "one warehouse covers everything" {
	given nodes <<'EOF'
node_id,type,lat,lon
DC1,warehouse,0,0
EOF
	given items <<'EOF'
sku
A1
B2
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,10,2026-11-26T22:00:00Z
DC1,B2,5,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A1,2,2026-11-25T10:00:00Z,0,0
O1,2,B2,1,2026-11-25T10:00:00Z,0,0
O2,1,A1,3,2026-11-25T11:00:00Z,0,0
EOF
	allocates <<EOF
$HEADER
O1,1,A1,2,2,0,
O1,2,B2,1,1,0,
O2,1,A1,3,3,0,
EOF
	summary_is 3 3 0 0 6 0 0
	lines_are <<EOF
$LINES
O1,1,A1,2,allocated,0,0,2,0,0,0,0,0,
O1,2,B2,1,allocated,0,0,1,0,0,0,0,0,
O2,1,A1,3,allocated,0,0,3,0,0,0,0,0,
EOF
	network_is <<EOF
$SKUS
A1,10,0,5,0,5
B2,5,0,1,0,4
EOF
}

@test "two warehouses split one line; what is left over is backordered" {
	given nodes <<'EOF'
node_id,type,lat,lon
DC1,warehouse,0,0
DC2,warehouse,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,3,2026-11-26T22:00:00Z
DC2,A1,4,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A1,6,2026-11-25T10:00:00Z,0,0
O2,1,A1,2,2026-11-25T11:00:00Z,0,0
EOF
	allocates <<EOF
$HEADER
O1,1,A1,6,6,0,
O2,1,A1,2,1,1,no stock in the network
EOF
	summary_is 2 1 1 0 7 1 0
	lines_are <<EOF
$LINES
O1,1,A1,6,allocated,0,0,6,0,0,0,0,0,
O2,1,A1,2,backordered,1,1,1,0,0,0,0,0,
EOF
	network_is <<EOF
$SKUS
A1,7,0,7,0,0
EOF
}

@test "scarce stock goes to priority 1 before priority 5, even when the priority 5 order is older and promised sooner" {
	given nodes <<'EOF'
node_id,type,lat,lon
DC1,warehouse,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,3,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,promise_date,ship_lat,ship_lon
OLD,1,A1,3,2026-11-01T08:00:00Z,5,2026-11-20,0,0
NEW,1,A1,2,2026-11-26T08:00:00Z,1,2026-12-30,0,0
EOF
	allocates <<EOF
$HEADER
NEW,1,A1,2,2,0,
OLD,1,A1,3,1,2,no stock in the network
EOF
	lines_are <<EOF
$LINES
NEW,1,A1,2,allocated,0,0,2,0,0,0,0,0,
OLD,1,A1,3,backordered,2,2,1,0,0,0,0,0,
EOF
	network_is <<EOF
$SKUS
A1,3,0,3,0,0
EOF
}

@test "ties on priority: the earliest promise date first, no promise date last" {
	given nodes <<'EOF'
node_id,type,lat,lon
DC1,warehouse,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,2,2026-11-26T22:00:00Z
EOF
	# A is the oldest and has no promise; B is promised after C
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,promise_date,ship_lat,ship_lon
A,1,A1,1,2026-10-01T08:00:00Z,3,,0,0
B,1,A1,1,2026-11-01T08:00:00Z,3,2026-12-05,0,0
C,1,A1,1,2026-11-20T08:00:00Z,3,2026-12-01,0,0
EOF
	allocates <<EOF
$HEADER
C,1,A1,1,1,0,
B,1,A1,1,1,0,
A,1,A1,1,0,1,no stock in the network
EOF
	lines_are <<EOF
$LINES
A,1,A1,1,backordered,1,1,0,0,0,0,0,0,
B,1,A1,1,allocated,0,0,1,0,0,0,0,0,
C,1,A1,1,allocated,0,0,1,0,0,0,0,0,
EOF
}

@test "ties on priority and promise date: the earliest created first" {
	given nodes <<'EOF'
node_id,type,lat,lon
DC1,warehouse,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,2,2026-11-26T22:00:00Z
EOF
	# a date alone is midnight, so C came first
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,promise_date,ship_lat,ship_lon
A,1,A1,1,2026-11-25T12:00:00Z,2,2026-12-01,0,0
B,1,A1,1,2026-11-25T09:00:00Z,2,2026-12-01,0,0
C,1,A1,1,2026-11-25,2,2026-12-01,0,0
EOF
	allocates <<EOF
$HEADER
C,1,A1,1,1,0,
B,1,A1,1,1,0,
A,1,A1,1,0,1,no stock in the network
EOF
}

@test "ties on everything else: order id, then line number (as a number)" {
	given nodes <<'EOF'
node_id,type,lat,lon
DC1,warehouse,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,2,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
B,10,A1,1,2026-11-25T12:00:00Z,0,0
B,9,A1,1,2026-11-25T12:00:00Z,0,0
A,2,A1,1,2026-11-25T12:00:00Z,0,0
EOF
	allocates <<EOF
$HEADER
A,2,A1,1,1,0,
B,9,A1,1,1,0,
B,10,A1,1,0,1,no stock in the network
EOF
}

@test "the same store gives the same allocation, byte for byte" {
	local first
	given nodes <<'EOF'
node_id,type,lat,lon
DC1,warehouse,0,0
DC2,warehouse,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,3,2026-11-26T22:00:00Z
DC2,A1,2,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
X,1,A1,2,2026-11-25T12:00:00Z,0,0
Y,1,A1,2,2026-11-25T12:00:00Z,0,0
Z,1,A1,2,2026-11-25T12:00:00Z,0,0
EOF
	cp "$OMS_DB" pristine.db
	run -0 oms-allocate -q
	first=$output
	# every column, but a backorder's beginning only as set or not: it is
	# the run's time, which may be a second later the second time
	dump="update order_line set backordered_at = 'set' where backordered_at is not null;
	    select * from order_line order by order_id, line_no"
	sqlite3 "$OMS_DB" "$dump" > first.txt
	run -0 grep -c '|set|0$' first.txt
	assert_output 1
	cp pristine.db "$OMS_DB"
	rm -f "$OMS_DB-wal" "$OMS_DB-shm"
	run -0 oms-allocate -q
	assert_equal "$output" "$first"
	sqlite3 "$OMS_DB" "$dump" > second.txt
	diff -u first.txt second.txt
}

@test "ship-complete: short by one unit on one line, the order gets nothing and a later order takes the stock" {
	given nodes <<'EOF'
node_id,type,lat,lon
DC1,warehouse,0,0
EOF
	given items <<'EOF'
sku
A1
B2
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,5,2026-11-26T22:00:00Z
DC1,B2,2,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,ship_complete,ship_lat,ship_lon
SC,1,A1,2,2026-11-20T08:00:00Z,1,1,0,0
SC,2,B2,3,2026-11-20T08:00:00Z,1,1,0,0
LATER,1,A1,3,2026-11-26T08:00:00Z,5,0,0,0
LATER,2,B2,2,2026-11-26T08:00:00Z,5,0,0,0
EOF
	allocates <<EOF
$HEADER
SC,1,A1,2,0,2,ship-complete order short
SC,2,B2,3,0,3,ship-complete order short
LATER,1,A1,3,3,0,
LATER,2,B2,2,2,0,
EOF
	summary_is 4 2 0 2 5 5 0
	lines_are <<EOF
$LINES
LATER,1,A1,3,allocated,0,0,3,0,0,0,0,0,
LATER,2,B2,2,allocated,0,0,2,0,0,0,0,0,
SC,1,A1,2,backordered,2,2,0,0,0,0,0,0,
SC,2,B2,3,backordered,3,3,0,0,0,0,0,0,
EOF
	network_is <<EOF
$SKUS
A1,5,0,3,0,2
B2,2,0,2,0,0
EOF

	# one more B2 makes SC whole; it comes first, so LATER gives B2 back
	given inventory --delta <<'EOF'
node_id,sku,delta,reason
DC1,B2,1,receipt
EOF
	allocates <<EOF
$HEADER
SC,1,A1,2,2,0,
SC,2,B2,3,3,0,
LATER,2,B2,2,0,2,no stock in the network
EOF
	network_is <<EOF
$SKUS
A1,5,0,5,0,0
B2,3,0,3,0,0
EOF
}

@test "ship-complete: an order the stock covers gets every line" {
	given nodes <<'EOF'
node_id,type,lat,lon
DC1,warehouse,0,0
EOF
	given items <<'EOF'
sku
A1
B2
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,2,2026-11-26T22:00:00Z
DC1,B2,3,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_complete,ship_lat,ship_lon
SC,1,A1,2,2026-11-20T08:00:00Z,1,0,0
SC,2,B2,3,2026-11-20T08:00:00Z,1,0,0
EOF
	allocates <<EOF
$HEADER
SC,1,A1,2,2,0,
SC,2,B2,3,3,0,
EOF
}

# ---------------------------------------------------------------------
# eligibility: which nodes may serve which line

@test "a pickup line and a ship line competing for one store: both, when the stock covers both" {
	# ST1 sorts before WH1: a first-come allocator would serve the ship
	# lines from ST1 and leave the pickup line nothing
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,lat,lon
ST1,store,1,1,0,0
WH1,warehouse,1,0,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
ST1,A1,3,2026-11-26T22:00:00Z
WH1,A1,2,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,method,pickup_node,ship_lat,ship_lon
S1,1,A1,2,2026-11-25T08:00:00Z,1,ship,,0,0
S2,1,A1,1,2026-11-25T08:00:00Z,2,ship,,0,0
P,1,A1,2,2026-11-25T08:00:00Z,3,pickup,ST1,0,0
EOF
	allocates <<EOF
$HEADER
S1,1,A1,2,2,0,
S2,1,A1,1,1,0,
P,1,A1,2,2,0,
EOF
	network_is <<EOF
$SKUS
A1,5,0,5,0,0
EOF
}

@test "a pickup line and a ship line competing for one store: the pickup line gets what the ship line leaves" {
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,lat,lon
ST1,store,1,1,0,0
WH1,warehouse,1,0,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
ST1,A1,2,2026-11-26T22:00:00Z
WH1,A1,1,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,method,pickup_node,ship_lat,ship_lon
S,1,A1,2,2026-11-25T08:00:00Z,1,ship,,0,0
P,1,A1,2,2026-11-25T08:00:00Z,5,pickup,ST1,0,0
EOF
	allocates <<EOF
$HEADER
S,1,A1,2,2,0,
P,1,A1,2,1,1,no stock at the pickup store
EOF
	lines_are <<EOF
$LINES
P,1,A1,2,backordered,1,1,1,0,0,0,0,0,
S,1,A1,2,allocated,0,0,2,0,0,0,0,0,
EOF
}

@test "a pickup line ahead of a ship line keeps the store's units; the ship line gets the rest of the network" {
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,lat,lon
ST1,store,1,1,0,0
WH1,warehouse,1,0,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
ST1,A1,2,2026-11-26T22:00:00Z
WH1,A1,1,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,method,pickup_node,ship_lat,ship_lon
S,1,A1,2,2026-11-25T08:00:00Z,5,ship,,0,0
P,1,A1,2,2026-11-25T08:00:00Z,1,pickup,ST1,0,0
EOF
	allocates <<EOF
$HEADER
P,1,A1,2,2,0,
S,1,A1,2,1,1,no stock in the network
EOF
}

@test "two stores and a ship line: the ship line is placed so that both pickup stores can be served" {
	# S can only be whole from ST2, so that P1 at ST1 is whole too; then
	# P2 at ST2 has nothing left
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,lat,lon
ST1,store,1,1,0,0
ST2,store,1,1,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
ST1,A1,2,2026-11-26T22:00:00Z
ST2,A1,2,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,method,pickup_node,ship_lat,ship_lon
S,1,A1,2,2026-11-25T08:00:00Z,1,ship,,0,0
P1,1,A1,2,2026-11-25T08:00:00Z,2,pickup,ST1,0,0
P2,1,A1,1,2026-11-25T08:00:00Z,3,pickup,ST2,0,0
EOF
	allocates <<EOF
$HEADER
S,1,A1,2,2,0,
P1,1,A1,2,2,0,
P2,1,A1,1,0,1,no stock at the pickup store
EOF
}

@test "a store that does not ship: its stock serves only pickup" {
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,lat,lon
DC1,warehouse,1,0,0,0
ST2,store,0,1,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,1,2026-11-26T22:00:00Z
ST2,A1,5,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,method,pickup_node,ship_lat,ship_lon
SHIP,1,A1,3,2026-11-25T08:00:00Z,1,ship,,0,0
PICK,1,A1,4,2026-11-25T08:00:00Z,5,pickup,ST2,0,0
EOF
	allocates <<EOF
$HEADER
SHIP,1,A1,3,1,2,no stock in the network
PICK,1,A1,4,4,0,
EOF
	lines_are <<EOF
$LINES
PICK,1,A1,4,allocated,0,0,4,0,0,0,0,0,
SHIP,1,A1,3,backordered,2,2,1,0,0,0,0,0,
EOF
	network_is <<EOF
$SKUS
A1,6,0,5,0,1
EOF
}

@test "a dropship item: its own vendor and the shipping nodes that hold it, never another vendor" {
	given nodes <<'EOF'
node_id,type,lat,lon
DC1,warehouse,0,0
V1,vendor,0,0
V2,vendor,0,0
EOF
	given items <<'EOF'
sku,vendor_node
C3,V1
B2,
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,C3,2,2026-11-26T22:00:00Z
V1,C3,10,2026-11-26T22:00:00Z
V2,C3,5,2026-11-26T22:00:00Z
V1,B2,4,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
D1,1,C3,14,2026-11-25T08:00:00Z,0,0
D2,1,B2,1,2026-11-25T09:00:00Z,0,0
EOF
	allocates <<EOF
$HEADER
D1,1,C3,14,12,2,no stock in the network
D2,1,B2,1,0,1,no stock in the network
EOF
	# V1's B2 and V2's C3 are no line's (oms-report inventory --by sku
	# counts them as unusable)
	network_is <<EOF
$SKUS
B2,0,0,0,0,0
C3,12,0,12,0,0
EOF

	# the vendor stops: only DC1 is left for C3
	given nodes <<'EOF'
node_id,type,active,lat,lon
DC1,warehouse,1,0,0
V1,vendor,0,0,0
V2,vendor,1,0,0
EOF
	allocates <<EOF
$HEADER
D1,1,C3,14,2,12,no stock in the network
EOF
	summary_is 1 0 1 0 0 12 10
}

@test "safety stock at a store: the node's default, else the inventory override" {
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,safety_stock,lat,lon
ST1,store,1,1,2,0,0
EOF
	given items <<'EOF'
sku
A1
B2
C3
EOF
	# A1 keeps the node's 2; B2 overrides it down to 0, C3 up to 3
	given inventory <<'EOF'
node_id,sku,on_hand,safety_stock,as_of
ST1,A1,5,,2026-11-26T22:00:00Z
ST1,B2,2,0,2026-11-26T22:00:00Z
ST1,C3,4,3,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,method,pickup_node,ship_lat,ship_lon
P1,1,A1,5,2026-11-25T08:00:00Z,pickup,ST1,0,0
P1,2,B2,2,2026-11-25T08:00:00Z,pickup,ST1,0,0
P1,3,C3,2,2026-11-25T08:00:00Z,pickup,ST1,0,0
S1,1,A1,1,2026-11-25T09:00:00Z,ship,,0,0
EOF
	allocates <<EOF
$HEADER
P1,1,A1,5,3,2,no stock at the pickup store
P1,2,B2,2,2,0,
P1,3,C3,2,1,1,no stock at the pickup store
S1,1,A1,1,0,1,no stock in the network
EOF
	network_is <<EOF
$SKUS
A1,5,2,3,0,0
B2,2,0,2,0,0
C3,4,3,1,0,0
EOF
}

@test "pickup at a node re-imported without can_pickup: node does not offer the method" {
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,lat,lon
ST1,store,1,1,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
ST1,A1,5,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,method,pickup_node,ship_lat,ship_lon
PK,1,A1,2,2026-11-25T08:00:00Z,pickup,ST1,0,0
EOF
	allocates <<EOF
$HEADER
PK,1,A1,2,2,0,
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,method,pickup_node,ship_lat,ship_lon
PK2,1,A1,9,2026-11-25T09:00:00Z,pickup,ST1,0,0
EOF
	allocates <<EOF
$HEADER
PK2,1,A1,9,3,6,no stock at the pickup store
EOF
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,lat,lon
ST1,store,1,0,0,0
EOF
	allocates <<EOF
$HEADER
PK,1,A1,2,0,2,node does not offer the method
PK2,1,A1,9,0,9,node does not offer the method
EOF
	lines_are <<EOF
$LINES
PK,1,A1,2,backordered,2,2,0,0,0,0,0,0,
PK2,1,A1,9,backordered,9,9,0,0,0,0,0,0,
EOF
	run -0 line_events
	assert_output - <<'EOF'
PK|line.allocated|{"line_no":1,"sku":"A1","allocated":2,"backordered":0,"reason":null,"previous":0}
PK2|line.allocated|{"line_no":1,"sku":"A1","allocated":3,"backordered":6,"reason":"no stock at the pickup store","previous":0}
PK2|line.backordered|{"line_no":1,"sku":"A1","allocated":3,"backordered":6,"reason":"no stock at the pickup store","previous":0}
PK|line.deallocated|{"line_no":1,"sku":"A1","allocated":0,"backordered":2,"reason":"node does not offer the method","previous":2}
PK|line.backordered|{"line_no":1,"sku":"A1","allocated":0,"backordered":2,"reason":"node does not offer the method","previous":2}
PK2|line.deallocated|{"line_no":1,"sku":"A1","allocated":0,"backordered":9,"reason":"node does not offer the method","previous":3}
PK2|line.backordered|{"line_no":1,"sku":"A1","allocated":0,"backordered":9,"reason":"node does not offer the method","previous":3}
EOF
}

@test "curbside: only its store, and only while the store offers curbside" {
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,can_curbside,lat,lon
DC1,warehouse,1,0,0,0,0
ST1,store,1,1,1,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,10,2026-11-26T22:00:00Z
ST1,A1,1,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,method,pickup_node,ship_lat,ship_lon
CB,1,A1,2,2026-11-25T08:00:00Z,curbside,ST1,0,0
EOF
	allocates <<EOF
$HEADER
CB,1,A1,2,1,1,no stock at the pickup store
EOF
	# pickup is still offered, curbside no longer: the reason changes
	# though nothing else does
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,can_curbside,lat,lon
DC1,warehouse,1,0,0,0,0
ST1,store,1,1,0,0,0
EOF
	allocates <<EOF
$HEADER
CB,1,A1,2,0,2,node does not offer the method
EOF
	run -0 line_events
	assert_output - <<'EOF'
CB|line.allocated|{"line_no":1,"sku":"A1","allocated":1,"backordered":1,"reason":"no stock at the pickup store","previous":0}
CB|line.backordered|{"line_no":1,"sku":"A1","allocated":1,"backordered":1,"reason":"no stock at the pickup store","previous":0}
CB|line.deallocated|{"line_no":1,"sku":"A1","allocated":0,"backordered":2,"reason":"node does not offer the method","previous":1}
CB|line.backordered|{"line_no":1,"sku":"A1","allocated":0,"backordered":2,"reason":"node does not offer the method","previous":1}
EOF
}

@test "a reason that changes alone is a row and a line.backordered event" {
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,lat,lon
ST1,store,1,1,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
ST1,A1,0,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,method,pickup_node,ship_lat,ship_lon
PK,1,A1,2,2026-11-25T08:00:00Z,pickup,ST1,0,0
EOF
	allocates <<EOF
$HEADER
PK,1,A1,2,0,2,no stock at the pickup store
EOF
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,lat,lon
ST1,store,1,0,0,0
EOF
	allocates <<EOF
$HEADER
PK,1,A1,2,0,2,node does not offer the method
EOF
	run -0 line_events
	assert_output - <<'EOF'
PK|line.backordered|{"line_no":1,"sku":"A1","allocated":0,"backordered":2,"reason":"no stock at the pickup store","previous":0}
PK|line.backordered|{"line_no":1,"sku":"A1","allocated":0,"backordered":2,"reason":"node does not offer the method","previous":0}
EOF
}

@test "a locker line ships: from shipping nodes, never from the locker" {
	given nodes <<'EOF'
node_id,type,lat,lon
DC1,warehouse,0,0
LK1,locker,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,2,2026-11-26T22:00:00Z
LK1,A1,5,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,method,pickup_node,ship_lat,ship_lon
LK,1,A1,3,2026-11-25T08:00:00Z,locker,LK1,0,0
EOF
	allocates <<EOF
$HEADER
LK,1,A1,3,2,1,no stock in the network
EOF
}

@test "an inactive node: its stock is not used, and pickup there is not offered" {
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,active,lat,lon
DC1,warehouse,1,0,1,0,0
DC2,warehouse,1,0,0,0,0
ST1,store,1,1,1,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,1,2026-11-26T22:00:00Z
DC2,A1,10,2026-11-26T22:00:00Z
ST1,A1,3,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,method,pickup_node,ship_lat,ship_lon
PK,1,A1,2,2026-11-25T08:00:00Z,1,pickup,ST1,0,0
SH,1,A1,5,2026-11-25T08:00:00Z,5,ship,,0,0
EOF
	# the store closes
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,active,lat,lon
DC1,warehouse,1,0,1,0,0
DC2,warehouse,1,0,0,0,0
ST1,store,1,1,0,0,0
EOF
	allocates <<EOF
$HEADER
PK,1,A1,2,0,2,node does not offer the method
SH,1,A1,5,1,4,no stock in the network
EOF
	network_is <<EOF
$SKUS
A1,1,0,1,0,0
EOF
}

@test "released work is never re-planned, routed work only for a line ahead of it; both lower the node's atp" {
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,lat,lon
DC1,warehouse,1,0,0,0
ST1,store,1,1,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,5,2026-11-26T22:00:00Z
ST1,A1,2,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,method,pickup_node,ship_lat,ship_lon
N1,1,A1,3,2026-11-25T08:00:00Z,1,ship,,0,0
R1,1,A1,4,2026-11-20T08:00:00Z,5,ship,,0,0
R2,1,A1,2,2026-11-20T08:00:00Z,5,pickup,ST1,0,0
X1,1,A1,3,2026-11-20T08:00:00Z,5,ship,,0,0
EOF
	# R1: 3 of 4 routed to DC1; R2 released whole at ST1; X1: 2 of 3
	# cancelled
	sqlite3 "$OMS_DB" <<'EOF'
insert into line_node (order_id, line_no, node_id, routed) values ('R1', 1, 'DC1', 3);
insert into line_node (order_id, line_no, node_id, released) values ('R2', 1, 'ST1', 2);
update order_line set cancelled = 2 where order_id = 'X1';
EOF
	consistent
	# N1 (priority 1) finds 2 free at DC1 and takes 1 of R1's routed units
	# (priority 5); R2's released units at ST1 are never touched, and X1,
	# after R1 in the order of service, takes nothing from it
	allocates <<EOF
$HEADER
N1,1,A1,3,3,0,
R1,1,A1,4,0,2,no stock in the network
X1,1,A1,3,0,1,no stock in the network
EOF
	lines_are <<EOF
$LINES
N1,1,A1,3,allocated,0,0,3,0,0,0,0,0,
R1,1,A1,4,backordered,2,2,0,2,0,0,0,0,DC1
R2,1,A1,2,released,0,0,0,0,2,0,0,0,ST1
X1,1,A1,3,backordered,1,1,0,0,0,0,2,0,
EOF
	run -0 oms-report inventory
	assert_output - <<'EOF'
node_id,sku,on_hand,safety_stock,reserved,atp,reserved_pickup,reserved_ship
DC1,A1,5,0,2,3,0,2
ST1,A1,2,0,2,0,2,0
EOF
	run -0 sqlite3 "$OMS_DB" "select order_id, line_no, node_id, routed, released from line_node order by order_id"
	assert_output - <<'EOF'
R1|1|DC1|2|0
R2|1|ST1|0|2
EOF
}

# ---------------------------------------------------------------------
# re-planning: every run starts over for the unrouted quantity in scope

@test "a re-run with nothing changed changes nothing: no rows, no events, the same store" {
	local before events
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,lat,lon
DC1,warehouse,1,0,0,0
ST1,store,0,1,0,0
EOF
	given items <<'EOF'
sku
A1
B2
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,3,2026-11-26T22:00:00Z
DC1,B2,1,2026-11-26T22:00:00Z
ST1,A1,1,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,method,pickup_node,ship_complete,ship_lat,ship_lon
O1,1,A1,2,2026-11-25T08:00:00Z,ship,,0,0,0
O2,1,A1,2,2026-11-25T09:00:00Z,ship,,0,0,0
O3,1,A1,2,2026-11-25T10:00:00Z,pickup,ST1,0,0,0
O4,1,A1,1,2026-11-25T11:00:00Z,ship,,1,0,0
O4,2,B2,2,2026-11-25T11:00:00Z,ship,,1,0,0
EOF
	run -0 oms-allocate -q
	before=$(state)
	events=$(nevents)
	allocates <<EOF
$HEADER
EOF
	summary_is 0 0 0 0 0 0 0
	assert_equal "$(state)" "$before"
	assert_equal "$(nevents)" "$events"
	allocates <<EOF
$HEADER
EOF
	assert_equal "$(state)" "$before"
}

@test "stock arriving, by a delta or a new snapshot: backorders fill in priority order" {
	given nodes <<'EOF'
node_id,type,lat,lon
DC1,warehouse,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,2,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,ship_lat,ship_lon
P5,1,A1,2,2026-11-01T08:00:00Z,5,0,0
P1,1,A1,2,2026-11-20T08:00:00Z,1,0,0
P3,1,A1,2,2026-11-10T08:00:00Z,3,0,0
EOF
	allocates <<EOF
$HEADER
P1,1,A1,2,2,0,
P3,1,A1,2,0,2,no stock in the network
P5,1,A1,2,0,2,no stock in the network
EOF
	given inventory --delta <<'EOF'
node_id,sku,delta,reason
DC1,A1,3,receipt
EOF
	allocates <<EOF
$HEADER
P3,1,A1,2,2,0,
P5,1,A1,2,1,1,no stock in the network
EOF
	summary_is 2 1 1 0 3 1 0
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,7,2026-11-27T22:00:00Z
EOF
	allocates <<EOF
$HEADER
P5,1,A1,2,2,0,
EOF
	lines_are <<EOF
$LINES
P1,1,A1,2,allocated,0,0,2,0,0,0,0,0,
P3,1,A1,2,allocated,0,0,2,0,0,0,0,0,
P5,1,A1,2,allocated,0,0,2,0,0,0,0,0,
EOF
	network_is <<EOF
$SKUS
A1,7,0,6,0,1
EOF
}

@test "a snapshot that lowers stock under the allocations: the lowest-priority lines lose it first" {
	given nodes <<'EOF'
node_id,type,lat,lon
DC1,warehouse,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,10,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,ship_lat,ship_lon
L5,1,A1,3,2026-11-01T08:00:00Z,5,0,0
L1,1,A1,4,2026-11-20T08:00:00Z,1,0,0
L3,1,A1,3,2026-11-10T08:00:00Z,3,0,0
EOF
	run -0 oms-allocate -q
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,5,2026-11-27T22:00:00Z
EOF
	# the snapshot alone leaves more allocated than there is: work pending
	# for the next run, not a violation
	run -0 oms-report check
	assert_output - <<'EOF'
check,subject,detail
pending_sku_oversold,A1,allocated 10 exceeds the network's atp 5: the next oms-allocate re-plans it
EOF
	allocates <<EOF
$HEADER
L3,1,A1,3,1,2,no stock in the network
L5,1,A1,3,0,3,no stock in the network
EOF
	summary_is 2 0 1 1 0 5 5
	lines_are <<EOF
$LINES
L1,1,A1,4,allocated,0,0,4,0,0,0,0,0,
L3,1,A1,3,backordered,2,2,1,0,0,0,0,0,
L5,1,A1,3,backordered,3,3,0,0,0,0,0,0,
EOF
	network_is <<EOF
$SKUS
A1,5,0,5,0,0
EOF
	run -0 line_events
	assert_output - <<'EOF'
L1|line.allocated|{"line_no":1,"sku":"A1","allocated":4,"backordered":0,"reason":null,"previous":0}
L3|line.allocated|{"line_no":1,"sku":"A1","allocated":3,"backordered":0,"reason":null,"previous":0}
L5|line.allocated|{"line_no":1,"sku":"A1","allocated":3,"backordered":0,"reason":null,"previous":0}
L3|line.deallocated|{"line_no":1,"sku":"A1","allocated":1,"backordered":2,"reason":"no stock in the network","previous":3}
L3|line.backordered|{"line_no":1,"sku":"A1","allocated":1,"backordered":2,"reason":"no stock in the network","previous":3}
L5|line.deallocated|{"line_no":1,"sku":"A1","allocated":0,"backordered":3,"reason":"no stock in the network","previous":3}
L5|line.backordered|{"line_no":1,"sku":"A1","allocated":0,"backordered":3,"reason":"no stock in the network","previous":3}
EOF
	run -0 sqlite3 "$OMS_DB" "select order_id, backordered, quote(backorder_reason) from order_line order by order_id"
	assert_output - <<'EOF'
L1|0|NULL
L3|2|'no stock in the network'
L5|3|'no stock in the network'
EOF
}

@test "a new priority-1 order takes stock from an earlier priority-5 allocation" {
	given nodes <<'EOF'
node_id,type,lat,lon
DC1,warehouse,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,3,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,ship_lat,ship_lon
L5,1,A1,3,2026-11-20T08:00:00Z,5,0,0
EOF
	allocates <<EOF
$HEADER
L5,1,A1,3,3,0,
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,ship_lat,ship_lon
N1,1,A1,2,2026-11-26T08:00:00Z,1,0,0
EOF
	allocates <<EOF
$HEADER
N1,1,A1,2,2,0,
L5,1,A1,3,1,2,no stock in the network
EOF
	summary_is 2 1 1 0 2 2 2
	network_is <<EOF
$SKUS
A1,3,0,3,0,0
EOF
}

# ---------------------------------------------------------------------
# scope: --order and order ids read from files

@test "a held order keeps what it holds and gets nothing new until the hold is lifted" {
	given nodes <<'EOF'
node_id,type,lat,lon
DC1,warehouse,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,1,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,ship_lat,ship_lon
H,1,A1,3,2026-11-01T08:00:00Z,1,0,0
P5,1,A1,2,2026-11-20T08:00:00Z,5,0,0
EOF
	allocates <<EOF
$HEADER
H,1,A1,3,1,2,no stock in the network
P5,1,A1,2,0,2,no stock in the network
EOF
	oms-order -q hold H fraud
	# stock arrives: the held priority-1 order keeps its unit, the rest goes on
	given inventory --delta <<'EOF'
node_id,sku,delta,reason
DC1,A1,4,receipt
EOF
	allocates <<EOF
$HEADER
P5,1,A1,2,2,0,
EOF
	lines_are <<EOF
$LINES
H,1,A1,3,backordered,2,2,1,0,0,0,0,0,
P5,1,A1,2,allocated,0,0,2,0,0,0,0,0,
EOF
	network_is <<EOF
$SKUS
A1,5,0,3,0,2
EOF
	oms-order -q unhold H fraud
	allocates <<EOF
$HEADER
H,1,A1,3,3,0,
EOF
}

@test "--order: only the named orders are re-planned; the others keep their allocations" {
	given nodes <<'EOF'
node_id,type,lat,lon
DC1,warehouse,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,4,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,ship_lat,ship_lon
H,1,A1,3,2026-11-25T08:00:00Z,1,0,0
L,1,A1,3,2026-11-25T08:00:00Z,5,0,0
EOF
	allocates --order L <<EOF
$HEADER
L,1,A1,3,3,0,
EOF
	lines_are <<EOF
$LINES
H,1,A1,3,open,3,0,0,0,0,0,0,0,
L,1,A1,3,allocated,0,0,3,0,0,0,0,0,
EOF
	# L is out of scope: its 3 count against supply, even though H comes first
	allocates --order H <<EOF
$HEADER
H,1,A1,3,1,2,no stock in the network
EOF
	# everything in scope: H first
	allocates <<EOF
$HEADER
H,1,A1,3,3,0,
L,1,A1,3,1,2,no stock in the network
EOF
}

@test "--order is repeatable" {
	given nodes <<'EOF'
node_id,type,lat,lon
DC1,warehouse,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,10,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
A,1,A1,1,2026-11-25T08:00:00Z,0,0
B,1,A1,1,2026-11-25T09:00:00Z,0,0
C,1,A1,1,2026-11-25T10:00:00Z,0,0
EOF
	allocates --order C --order A <<EOF
$HEADER
A,1,A1,1,1,0,
C,1,A1,1,1,0,
EOF
}

@test "order ids on standard input: oms-report lines --status backordered | oms-allocate -" {
	given nodes <<'EOF'
node_id,type,lat,lon
DC1,warehouse,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,0,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,ship_lat,ship_lon
B1,1,A1,1,2026-11-20T08:00:00Z,5,0,0
B1,2,A1,1,2026-11-20T08:00:00Z,5,0,0
X1,1,A1,1,2026-11-21T08:00:00Z,5,0,0
EOF
	run -0 oms-allocate -q
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,ship_lat,ship_lon
N1,1,A1,1,2026-11-26T08:00:00Z,1,0,0
EOF
	given inventory --delta <<'EOF'
node_id,sku,delta,reason
DC1,A1,2,receipt
EOF
	# the backordered orders only: N1 is open, not backordered, so it waits
	# although it would come first
	run -0 --separate-stderr bash -c 'set -o pipefail; oms-report lines --status backordered | oms-allocate -'
	assert_output - <<EOF
$HEADER
B1,1,A1,1,1,0,
B1,2,A1,1,1,0,
EOF
	consistent
	lines_are <<EOF
$LINES
B1,1,A1,1,allocated,0,0,1,0,0,0,0,0,
B1,2,A1,1,allocated,0,0,1,0,0,0,0,0,
N1,1,A1,1,open,1,0,0,0,0,0,0,0,
X1,1,A1,1,backordered,1,1,0,0,0,0,0,0,
EOF
}

@test "order ids in a pipeline, as CSV or JSON Lines, and in a named file" {
	given nodes <<'EOF'
node_id,type,lat,lon
DC1,warehouse,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,0,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,ship_lat,ship_lon
B1,1,A1,1,2026-11-20T08:00:00Z,5,0,0
B2,1,A1,1,2026-11-21T08:00:00Z,5,0,0
B3,1,A1,1,2026-11-22T08:00:00Z,5,0,0
N1,1,A1,1,2026-11-26T08:00:00Z,1,0,0
EOF
	run -0 oms-allocate -q --order B1 --order B2 --order B3
	given inventory --delta <<'EOF'
node_id,sku,delta,reason
DC1,A1,5,receipt
EOF
	run -0 --separate-stderr bash -c 'set -o pipefail; oms-report lines --order B2 --format jsonl | oms-allocate -'
	assert_output - <<EOF
$HEADER
B2,1,A1,1,1,0,
EOF
	run -0 --separate-stderr bash -c 'set -o pipefail; oms-report lines --status backordered | oms-allocate -q -'
	assert_output - <<EOF
$HEADER
B1,1,A1,1,1,0,
B3,1,A1,1,1,0,
EOF
	printf 'order_id,comment\nN1,rush\n' > rush.csv
	allocates rush.csv <<EOF
$HEADER
N1,1,A1,1,1,0,
EOF
	consistent
}

@test "an empty list of order ids allocates nothing" {
	local before
	given nodes <<'EOF'
node_id,type,lat,lon
DC1,warehouse,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,2,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A1,2,2026-11-25T08:00:00Z,0,0
EOF
	before=$(state)
	# nothing is backordered yet: the report is a header alone
	run -0 --separate-stderr bash -c 'set -o pipefail; oms-report lines --status backordered | oms-allocate -'
	assert_output "$HEADER"
	summary_is 0 0 0 0 0 0 0
	assert_equal "$(state)" "$before"
	printf 'order_id\n' > none.csv
	run -0 --separate-stderr oms-allocate none.csv
	assert_output "$HEADER"
	assert_equal "$(state)" "$before"
}

@test "the same order named twice, apart, is still one order" {
	given nodes <<'EOF'
node_id,type,lat,lon
DC1,warehouse,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,5,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
A,1,A1,2,2026-11-25T08:00:00Z,0,0
B,1,A1,2,2026-11-25T09:00:00Z,0,0
EOF
	printf 'order_id\nA\nB\nA\n' > ids.csv
	allocates ids.csv --order A <<EOF
$HEADER
A,1,A1,2,2,0,
B,1,A1,2,2,0,
EOF
	network_is <<EOF
$SKUS
A1,5,0,4,0,1
EOF
}

@test "a pickup allocation out of scope at a store that stopped offering pickup still holds its units" {
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,lat,lon
ST1,store,1,1,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
ST1,A1,2,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,method,pickup_node,ship_lat,ship_lon
PK,1,A1,2,2026-11-25T08:00:00Z,1,pickup,ST1,0,0
S,1,A1,2,2026-11-25T08:00:00Z,5,ship,,0,0
EOF
	allocates <<EOF
$HEADER
PK,1,A1,2,2,0,
S,1,A1,2,0,2,no stock in the network
EOF
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,lat,lon
ST1,store,1,0,0,0
EOF
	# PK keeps its 2 (it is out of scope), so S has nothing to take
	allocates --order S <<<"$HEADER"
	# PK in scope: it lets go, and S, which ships, gets the units
	allocates <<EOF
$HEADER
PK,1,A1,2,0,2,node does not offer the method
S,1,A1,2,2,0,
EOF
}

@test "a pickup allocation out of scope at a store that closed still counts against the network" {
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,active,lat,lon
DC1,warehouse,1,0,1,0,0
ST1,store,0,1,1,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,2,2026-11-26T22:00:00Z
ST1,A1,2,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,method,pickup_node,ship_lat,ship_lon
PK,1,A1,2,2026-11-25T08:00:00Z,1,pickup,ST1,0,0
EOF
	allocates <<EOF
$HEADER
PK,1,A1,2,2,0,
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,method,pickup_node,ship_lat,ship_lon
S,1,A1,2,2026-11-25T08:00:00Z,5,ship,,0,0
EOF
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,active,lat,lon
DC1,warehouse,1,0,1,0,0
ST1,store,0,1,0,0,0
EOF
	# ST1's stock is gone from the network, PK's 2 are not: DC1's 2 cover
	# them, so S out of PK's scope gets nothing
	consistent
	allocates --order S <<EOF
$HEADER
S,1,A1,2,0,2,no stock in the network
EOF
	allocates <<EOF
$HEADER
PK,1,A1,2,0,2,node does not offer the method
S,1,A1,2,2,0,
EOF
}

# ---------------------------------------------------------------------
# output, summary, events

@test "--dry-run shows the rows and the summary, and changes nothing" {
	local before events
	given nodes <<'EOF'
node_id,type,lat,lon
DC1,warehouse,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,3,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A1,2,2026-11-25T08:00:00Z,0,0
O2,1,A1,2,2026-11-25T09:00:00Z,0,0
EOF
	before=$(state)
	events=$(nevents)
	allocates --dry-run <<EOF
$HEADER
O1,1,A1,2,2,0,
O2,1,A1,2,1,1,no stock in the network
EOF
	summary_is --dry-run 2 1 1 0 3 1 0
	assert_equal "$(state)" "$before"
	assert_equal "$(nevents)" "$events"
	# and the real run does just that
	allocates <<EOF
$HEADER
O1,1,A1,2,2,0,
O2,1,A1,2,1,1,no stock in the network
EOF
}

@test "--format jsonl and json; -o FILE" {
	given nodes <<'EOF'
node_id,type,lat,lon
DC1,warehouse,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,3,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A1,2,2026-11-25T08:00:00Z,0,0
O2,1,A1,2,2026-11-25T09:00:00Z,0,0
EOF
	allocates --dry-run --format jsonl <<'EOF'
{"order_id":"O1","line_no":1,"sku":"A1","qty":2,"allocated":2,"backordered":0,"reason":null}
{"order_id":"O2","line_no":1,"sku":"A1","qty":2,"allocated":1,"backordered":1,"reason":"no stock in the network"}
EOF
	allocates --dry-run --format json <<'EOF'
[
{"order_id":"O1","line_no":1,"sku":"A1","qty":2,"allocated":2,"backordered":0,"reason":null},
{"order_id":"O2","line_no":1,"sku":"A1","qty":2,"allocated":1,"backordered":1,"reason":"no stock in the network"}
]
EOF
	allocates -q -o out.csv <<<""
	assert_equal "$stderr" ""
	run -0 cat out.csv
	assert_output - <<EOF
$HEADER
O1,1,A1,2,2,0,
O2,1,A1,2,1,1,no stock in the network
EOF
}

@test "-o FILE that cannot be created: exit 73, nothing changed" {
	local before
	given nodes <<'EOF'
node_id,type,lat,lon
DC1,warehouse,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A1,2,2026-11-25T08:00:00Z,0,0
EOF
	before=$(state)
	run -73 oms-allocate -o nodir/out.csv
	assert_line --index 0 --partial "oms-allocate: nodir/out.csv: "
	assert_equal "$(state)" "$before"
}

# A run's rows reach no one unless it commits (oms(7), "Output of a run").
@test "-o FILE and standard output: a commit that fails on a full disk leaves no file and prints no row" {
	small_disk disk 1024
	export OMS_DB=$BATS_TEST_TMPDIR/disk/oms.db
	base_store
	oms-import -q postal "$DATA/postal.csv"
	oms-import -q orders "$DATA/orders.csv"
	before=$(state)
	fill_disk disk 48
	mkdir w
	run -74 --separate-stderr oms-allocate -o w/alloc.csv
	assert_output ""
	assert_equal "$stderr" "oms-allocate: $OMS_DB: committing: database or disk is full"
	run -74 --separate-stderr oms-allocate
	assert_output ""
	assert_equal "$stderr" "oms-allocate: $OMS_DB: committing: database or disk is full"
	run -0 ls -A w
	assert_output ""
	rm disk/fill
	assert_equal "$(state)" "$before"
	run -0 oms-allocate -q -o w/alloc.csv
	[ "$(wc -l < w/alloc.csv)" -gt 1 ]
	consistent
}

# Standard output gets the rows only once the run committed (so that no
# one reads the rows of a run that was rolled back): a write error there
# comes after the commit, and says so.
@test "a write error on standard output: exit 74, the run committed and says its rows were lost" {
	local before
	[ -c /dev/full ] || skip "no /dev/full here"
	given nodes <<'EOF'
node_id,type,lat,lon
DC1,warehouse,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,3,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A1,2,2026-11-25T08:00:00Z,0,0
EOF
	run -74 bash -c 'oms-allocate > /dev/full'
	assert_output "oms-allocate: write error on standard output: No space left on device
oms-allocate: run 5 is committed, but its output was not all written"
	run -0 oms-report runs --format jsonl
	assert_line --index 4 --partial '"run_id":5,"command":"oms-allocate","argv":"oms-allocate",'
	lines_are <<'EOF'
order_id,line_no,sku,qty,status,open,backordered,allocated,routed,released,shipped,cancelled,returned,nodes
O1,1,A1,2,allocated,0,0,2,0,0,0,0,0,
EOF
}

@test "events: one per changed line, with the order, the type and the payload" {
	given nodes <<'EOF'
node_id,type,lat,lon
DC1,warehouse,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,3,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A1,2,2026-11-25T08:00:00Z,0,0
O1,2,A1,2,2026-11-25T08:00:00Z,0,0
O2,1,A1,1,2026-11-25T09:00:00Z,0,0
EOF
	run -0 oms-allocate -q
	run -0 line_events
	assert_output - <<'EOF'
O1|line.allocated|{"line_no":1,"sku":"A1","allocated":2,"backordered":0,"reason":null,"previous":0}
O1|line.allocated|{"line_no":2,"sku":"A1","allocated":1,"backordered":1,"reason":"no stock in the network","previous":0}
O1|line.backordered|{"line_no":2,"sku":"A1","allocated":1,"backordered":1,"reason":"no stock in the network","previous":0}
O2|line.backordered|{"line_no":1,"sku":"A1","allocated":0,"backordered":1,"reason":"no stock in the network","previous":0}
EOF
	# the feed shows them as oms-report events does every event
	run -0 oms-report events --type line.backordered --format csv
	assert_line --index 0 "seq,at,order_id,type,payload"
	assert_line --index 1 --partial ',O1,line.backordered,"{""line_no"":2,""sku"":""A1"",'
	assert_line --index 2 --partial ',O2,line.backordered,"{""line_no"":1,""sku"":""A1"",'
	# the run log has the run and its counts
	run -0 sqlite3 "$OMS_DB" "select command, argv, exit_status from run where command = 'oms-allocate'"
	assert_output "oms-allocate|oms-allocate -q|0"
}

@test "-q: no summary; -v: still the same rows" {
	given nodes <<'EOF'
node_id,type,lat,lon
DC1,warehouse,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,3,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A1,2,2026-11-25T08:00:00Z,0,0
EOF
	allocates -q --dry-run <<EOF
$HEADER
O1,1,A1,2,2,0,
EOF
	assert_equal "$stderr" ""
	allocates -v <<EOF
$HEADER
O1,1,A1,2,2,0,
EOF
}

@test "an order with no stock anywhere and a sku nowhere in inventory" {
	given nodes <<'EOF'
node_id,type,lat,lon
DC1,warehouse,0,0
EOF
	given items <<'EOF'
sku
A1
Z9
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,Z9,2,2026-11-25T08:00:00Z,0,0
EOF
	allocates <<EOF
$HEADER
O1,1,Z9,2,0,2,no stock in the network
EOF
	summary_is 1 0 0 1 0 2 0
}

# ---------------------------------------------------------------------
# bad input

@test "bad: an unknown order id on standard input (65), nothing changed" {
	local before
	given nodes <<'EOF'
node_id,type,lat,lon
DC1,warehouse,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,3,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A1,2,2026-11-25T08:00:00Z,0,0
EOF
	before=$(state)
	run -65 --separate-stderr oms-allocate - <<'EOF'
order_id,status
O1,open
NOPE,open
EOF
	assert_output ""
	assert_equal "$stderr" 'oms-allocate: -:3: unknown order "NOPE"'
	assert_equal "$(state)" "$before"
	# every unknown id is named, each where it was read
	run -65 oms-allocate - <<'EOF'
order_id
GONE
O1
NOPE
EOF
	assert_output - <<'EOF'
oms-allocate: -:2: unknown order "GONE"
oms-allocate: -:4: unknown order "NOPE"
EOF
	assert_equal "$(state)" "$before"
	printf 'order_id\nO1\n\nGONE\n' > ids.csv
	run -65 oms-allocate ids.csv
	assert_output 'oms-allocate: ids.csv:4: unknown order "GONE"'
	assert_equal "$(state)" "$before"
	consistent
}

@test "bad: an unknown --order (65), nothing changed" {
	local before
	given nodes <<'EOF'
node_id,type,lat,lon
DC1,warehouse,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,3,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A1,2,2026-11-25T08:00:00Z,0,0
EOF
	before=$(state)
	run -65 oms-allocate --order O1 --order NOPE
	assert_output 'oms-allocate: unknown order "NOPE"'
	assert_equal "$(state)" "$before"
}

@test "bad: an input file that does not exist (66), nothing changed" {
	local before
	given nodes <<'EOF'
node_id,type,lat,lon
DC1,warehouse,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A1,2,2026-11-25T08:00:00Z,0,0
EOF
	before=$(state)
	run -66 oms-allocate nope.csv
	assert_output "oms-allocate: nope.csv: cannot open: No such file or directory"
	assert_equal "$(state)" "$before"
}

@test "bad: the store locked by another writer past --busy-timeout (75), nothing changed" {
	local before
	given nodes <<'EOF'
node_id,type,lat,lon
DC1,warehouse,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,3,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,ship_lat,ship_lon
O1,1,A1,2,2026-11-25T08:00:00Z,0,0
EOF
	before=$(state)
	hold_lock 3
	run -75 oms-allocate --busy-timeout 200
	assert_output "oms-allocate: $OMS_DB: store is busy (another oms command holds it); try again later"
	release_lock
	assert_equal "$(state)" "$before"
	# once the lock is gone the same run goes through
	allocates <<EOF
$HEADER
O1,1,A1,2,2,0,
EOF
}

@test "usage: an unknown option or a bad option value (64)" {
	run -64 oms-allocate --frobnicate
	assert_line --index 0 "oms-allocate: unrecognized option '--frobnicate'"
	assert_line --index 1 --partial "usage: oms-allocate "
	run -64 oms-allocate --format xml
	assert_line --index 0 'oms-allocate: --format must be csv, jsonl or json, got "xml"'
	run -64 oms-allocate --busy-timeout soon
	assert_line --index 0 'oms-allocate: --busy-timeout must be a non-negative integer, got "soon"'
	run -64 oms-allocate --order
	assert_line --index 0 "oms-allocate: option '--order' requires an argument"
	[ ! -e "$OMS_DB" ]
}

@test "--help prints usage on standard output and exits 0; --version" {
	run -0 --separate-stderr oms-allocate --help
	assert_equal "$stderr" ""
	assert_line --index 0 --partial "usage: oms-allocate "
	# the same words as the man page's SYNOPSIS, however the lines wrap
	assert_equal "$(echo $output)" "usage: oms-allocate [-hqv] [--busy-timeout ms] [--db path] [--dry-run] [--explain order] [--format format] [--input-format format] [-o file] [--order id]... [--safe-csv] [file ...] oms-allocate --version"
	run -0 oms-allocate -h
	assert_line --index 0 --partial "usage: oms-allocate "
	run -0 oms-allocate --version
	assert_output "oms-allocate (oms) 0.1.0"
}

@test "a long run shows a progress meter on a terminal, and only there" {
	awk 'BEGIN { print "node_id,type,lat,lon"; print "DC1,warehouse,0,0" }' </dev/null > n.csv
	awk 'BEGIN { print "sku"; print "A1" }' </dev/null > i.csv
	awk 'BEGIN { print "node_id,sku,on_hand"; print "DC1,A1,1000000" }' </dev/null > v.csv
	awk 'BEGIN { print "order_id,line_no,sku,qty,created_at,ship_lat,ship_lon"
		for (i = 1; i <= 200000; i++) printf "O%07d,1,A1,1,2026-11-26,0,0\n", i }' </dev/null > o.csv
	oms-import -q nodes n.csv
	oms-import -q items i.csv
	oms-import -q inventory v.csv
	oms-import -q orders o.csv
	script -qec "oms-allocate -o out.csv" /dev/null > tty.out
	grep -q "$(printf '\r')oms-allocate: lines decided: [0-9]* records" tty.out
	grep -q "200000 lines changed" tty.out
	run -0 oms-allocate -o out2.csv
	assert_output "oms-allocate: 0 lines changed: 0 allocated in full, 0 partly, 0 backordered; 0 units allocated, 0 units backordered; 0 units taken back; nothing changed"
}

# One warehouse holding 10 of A1, and two orders routed there: R5
# (priority 5, 3 units) and R1 (priority 1, 4 units).
routed_at_dc1() {
	given nodes <<'EOF'
node_id,type,lat,lon
DC1,warehouse,40.52,-74.39
EOF
	given rates <<'EOF'
max_km,base_cost,per_kg,transit_days
5000,5.00,0,2
EOF
	oms-import -q postal "$DATA/postal.csv"
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,10,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,ship_postal_code
R5,1,A1,3,2026-11-01T08:00:00Z,5,10001
R1,1,A1,4,2026-11-20T08:00:00Z,1,10001
EOF
	oms-allocate -q > /dev/null
	oms-route -q > /dev/null
}

@test "a snapshot that lowers stock under routed work: the lowest-priority routed units are taken back, then backordered" {
	routed_at_dc1
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,5,2026-11-27T22:00:00Z
EOF
	# 7 routed at DC1, 5 on hand: the count alone leaves the node oversold,
	# work pending for the next run, not a violation
	run -0 oms-report check
	assert_output - <<'EOF'
check,subject,detail
pending_node_oversold,DC1/A1,reserved 7 exceeds on_hand 5 less safety_stock 0: the next oms-allocate takes back 2 routed
EOF
	# R5 is served last: 2 of its 3 routed units come back, and no stock is left
	allocates <<EOF
$HEADER
R5,1,A1,3,0,2,no stock in the network
EOF
	assert_equal "$stderr" "oms-allocate: 1 line changed: 0 allocated in full, 0 partly, 1 backordered; 0 units allocated, 2 units backordered; 0 units taken back; 2 routed units taken back from nodes whose stock fell under them"
	lines_are <<EOF
$LINES
R1,1,A1,4,routed,0,0,0,4,0,0,0,0,DC1
R5,1,A1,3,backordered,2,2,0,1,0,0,0,0,DC1
EOF
	run -0 sqlite3 "$OMS_DB" "select order_id, payload from event where type = 'line.unrouted'"
	assert_output 'R5|{"line_no":1,"node_id":"DC1","qty":2,"reason":"node stock under its reservations"}'
	# once taken back, a run again changes nothing
	allocates <<EOF
$HEADER
EOF
}

# The node was sent 7 (released) and then counted 5: oms cannot take
# released work back, so oms-allocate takes back what is only routed, and
# oms-report check reports the 2 units the node cannot ship as a short
# (exit 1: customers' units are not there, and no oms run changes that);
# once the node confirms them short, nothing is left to say.
@test "a snapshot under released work: routed units there are taken back; check reports the short until the node confirms it" {
	routed_at_dc1
	oms-release -q -o /dev/null
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,ship_postal_code
R9,1,A1,2,2026-11-21T08:00:00Z,9,10001
EOF
	oms-allocate -q > /dev/null
	oms-route -q > /dev/null
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,5,2026-11-27T22:00:00Z
EOF
	# 7 released and 2 routed at DC1, 5 on hand: the routed units are oms's
	# to take back, 2 of the released ones are not there
	run -1 oms-report check
	assert_output - <<'EOF'
check,subject,detail
pending_node_oversold,DC1/A1,reserved 9 exceeds on_hand 5 less safety_stock 0: the next oms-allocate takes back 2 routed
node_short,DC1/A1,released 7 exceeds on_hand 5: the node will confirm 2 short
EOF
	run -0 --separate-stderr oms-allocate
	assert_output - <<EOF
$HEADER
R9,1,A1,2,0,2,no stock in the network
EOF
	# what is left past the count is released: the short, until confirmed
	run -1 --separate-stderr oms-report check
	assert_output - <<'EOF'
check,subject,detail
node_short,DC1/A1,released 7 exceeds on_hand 5: the node will confirm 2 short
EOF
	assert_equal "$stderr" ""
	# the node ships R1's 4 and 1 of R5's 3, and confirms 2 short
	r1=$(sqlite3 "$OMS_DB" "select release_id from release where order_id = 'R1'")
	r5=$(sqlite3 "$OMS_DB" "select release_id from release where order_id = 'R5'")
	cat > confirm.csv <<EOF
release_id,line_no,status,qty
$r1,1,shipped,4
$r5,1,shipped,1
$r5,1,short,2
EOF
	oms-release -q --confirm confirm.csv
	run -0 --separate-stderr oms-report check
	assert_output "$CHECK_HEAD"
	assert_equal "$stderr" ''
	run -0 sqlite3 "$OMS_DB" "select on_hand from inventory where node_id = 'DC1' and sku = 'A1'"
	assert_output 0
}

# ---------------------------------------------------------------------
# routed (not released) work is a reservation like any other

# DC1 (a warehouse) holds 10 of A1 and 2 of B1, ST1 (a store that hands
# over pickups and does not ship) 2 of A1; R5 (priority 5, 4 of A1) and
# R9 (priority 9, 6 of A1) are routed to DC1, so DC1 has nothing left.
routed_r5_r9() {
	given nodes <<'EOF'
node_id,type,lat,lon,can_ship,can_pickup
DC1,warehouse,40.52,-74.39,1,0
ST1,store,40.75,-73.99,0,1
EOF
	given rates <<'EOF'
max_km,base_cost,per_kg,transit_days
5000,5.00,0,2
EOF
	oms-import -q postal "$DATA/postal.csv"
	given items <<'EOF'
sku
A1
B1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,10,2026-11-26T22:00:00Z
DC1,B1,2,2026-11-26T22:00:00Z
ST1,A1,2,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,ship_postal_code
R5,1,A1,4,2026-11-01T08:00:00Z,5,10001
R9,1,A1,6,2026-11-02T08:00:00Z,9,10001
EOF
	oms-allocate -q > /dev/null
	oms-route -q > /dev/null
}

# The line events of the run after seq $1: order, type, payload.
line_events_since() {
	sqlite3 "$OMS_DB" "select order_id, type, payload from event
	    where type like 'line.%' and seq > $1 order by seq"
}

last_seq() {
	sqlite3 "$OMS_DB" "select coalesce(max(seq), 0) from event"
}

@test "a priority-1 order takes routed, unreleased units back, from the last in the order of service first" {
	routed_r5_r9
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,ship_postal_code
P1,1,A1,8,2026-11-25T08:00:00Z,1,10001
EOF
	seq=$(last_seq)
	# R9 is served last: all its 6 routed units go, then 2 of R5's 4
	allocates <<EOF
$HEADER
P1,1,A1,8,8,0,
R5,1,A1,4,0,2,no stock in the network
R9,1,A1,6,0,6,no stock in the network
EOF
	assert_equal "$stderr" "oms-allocate: 3 lines changed: 1 allocated in full, 0 partly, 2 backordered; 8 units allocated, 8 units backordered; 0 units taken back; 8 routed units taken back for more urgent orders"
	run -0 line_events_since "$seq"
	assert_output - <<'EOF'
R9|line.unrouted|{"line_no":1,"node_id":"DC1","qty":6,"reason":"taken back for a more urgent order","for_order":"P1"}
R5|line.unrouted|{"line_no":1,"node_id":"DC1","qty":2,"reason":"taken back for a more urgent order","for_order":"P1"}
P1|line.allocated|{"line_no":1,"sku":"A1","allocated":8,"backordered":0,"reason":null,"previous":0}
R5|line.backordered|{"line_no":1,"sku":"A1","allocated":0,"backordered":2,"reason":"no stock in the network","previous":0}
R9|line.backordered|{"line_no":1,"sku":"A1","allocated":0,"backordered":6,"reason":"no stock in the network","previous":0}
EOF
	lines_are <<EOF
$LINES
P1,1,A1,8,allocated,0,0,8,0,0,0,0,0,
R5,1,A1,4,backordered,2,2,0,2,0,0,0,0,DC1
R9,1,A1,6,backordered,6,6,0,0,0,0,0,0,
EOF
	# the taken units are the winner's allocation (ST1's 2 ship to nobody)
	network_is <<EOF
$SKUS
A1,12,0,8,2,2
B1,2,0,0,0,2
EOF
	# once taken, a run again changes nothing
	allocates <<EOF
$HEADER
EOF
	# routing sends the winner to the same node
	run -0 oms-route -q
	consistent
	lines_are <<EOF
$LINES
P1,1,A1,8,routed,0,0,0,8,0,0,0,0,DC1
R5,1,A1,4,backordered,2,2,0,2,0,0,0,0,DC1
R9,1,A1,6,backordered,6,6,0,0,0,0,0,0,
EOF
	allocates <<EOF
$HEADER
EOF
}

@test "routed take-back: released work is never taken, and a line keeps what the more urgent ones leave" {
	routed_r5_r9
	# R5 goes to DC1 (the first in the order of service), R9 stays routed
	oms-release -q --max 1 -o /dev/null
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,ship_postal_code
P1,1,A1,8,2026-11-25T08:00:00Z,1,10001
EOF
	allocates <<EOF
$HEADER
P1,1,A1,8,6,2,no stock in the network
R9,1,A1,6,0,6,no stock in the network
EOF
	lines_are <<EOF
$LINES
P1,1,A1,8,backordered,2,2,6,0,0,0,0,0,
R5,1,A1,4,released,0,0,0,0,4,0,0,0,DC1
R9,1,A1,6,backordered,6,6,0,0,0,0,0,0,
EOF
	# with everything released, a new urgent order is backordered
	oms-route -q
	oms-release -q -o /dev/null
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,ship_postal_code
P0,1,A1,1,2026-11-26T08:00:00Z,1,10001
EOF
	allocates <<EOF
$HEADER
P0,1,A1,1,0,1,no stock in the network
EOF
	run -0 sqlite3 "$OMS_DB" "select order_id, sum(routed), sum(released) from line_node group by order_id"
	assert_output - <<'EOF'
P1|0|6
R5|0|4
EOF
}

@test "routed take-back: a held order keeps its routed units; the next lowest line gives them" {
	routed_r5_r9
	oms-order -q hold R9 fraud
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,ship_postal_code
P1,1,A1,5,2026-11-25T08:00:00Z,1,10001
EOF
	allocates <<EOF
$HEADER
P1,1,A1,5,4,1,no stock in the network
R5,1,A1,4,0,4,no stock in the network
EOF
	lines_are <<EOF
$LINES
P1,1,A1,5,backordered,1,1,4,0,0,0,0,0,
R5,1,A1,4,backordered,4,4,0,0,0,0,0,0,
R9,1,A1,6,routed,0,0,0,6,0,0,0,0,DC1
EOF
}

@test "routed take-back: a run narrowed with --order takes routed units only from orders in its scope" {
	routed_r5_r9
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,ship_postal_code
P1,1,A1,3,2026-11-25T08:00:00Z,1,10001
EOF
	allocates --order P1 <<EOF
$HEADER
P1,1,A1,3,0,3,no stock in the network
EOF
	# R9 is in no scope here: R5, in scope, gives its units
	allocates --order P1 --order R5 <<EOF
$HEADER
P1,1,A1,3,3,0,
R5,1,A1,4,0,3,no stock in the network
EOF
	lines_are <<EOF
$LINES
P1,1,A1,3,allocated,0,0,3,0,0,0,0,0,
R5,1,A1,4,backordered,3,3,0,1,0,0,0,0,DC1
R9,1,A1,6,routed,0,0,0,6,0,0,0,0,DC1
EOF
}

@test "routed take-back: a ship-complete order that loses one routed unit loses them all, and is backordered whole" {
	routed_r5_r9
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,ship_postal_code,ship_complete
S9,1,A1,2,2026-11-03T08:00:00Z,9,10001,1
S9,2,B1,2,2026-11-03T08:00:00Z,9,10001,1
EOF
	# make room for S9 at DC1: R9 gives up its routed work
	oms-order -q cancel R9 --reason test
	oms-allocate -q > /dev/null
	oms-route -q > /dev/null
	lines_are <<EOF
$LINES
R5,1,A1,4,routed,0,0,0,4,0,0,0,0,DC1
R9,1,A1,6,cancelled,0,0,0,0,0,0,6,0,
S9,1,A1,2,routed,0,0,0,2,0,0,0,0,DC1
S9,2,B1,2,routed,0,0,0,2,0,0,0,0,DC1
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,ship_postal_code
P1,1,A1,5,2026-11-25T08:00:00Z,1,10001
EOF
	seq=$(last_seq)
	# P1 needs 1 of S9's 2 routed A1: S9 cannot ship whole, so it gives all
	# it had routed, and its other unit of A1 and its B1 are free again
	allocates <<EOF
$HEADER
P1,1,A1,5,5,0,
S9,1,A1,2,0,2,ship-complete order short
S9,2,B1,2,0,2,ship-complete order short
EOF
	run -0 line_events_since "$seq"
	assert_output - <<'EOF'
S9|line.unrouted|{"line_no":1,"node_id":"DC1","qty":2,"reason":"taken back for a more urgent order","for_order":"P1"}
S9|line.unrouted|{"line_no":2,"node_id":"DC1","qty":2,"reason":"taken back for a more urgent order","for_order":"P1"}
P1|line.allocated|{"line_no":1,"sku":"A1","allocated":5,"backordered":0,"reason":null,"previous":0}
S9|line.backordered|{"line_no":1,"sku":"A1","allocated":0,"backordered":2,"reason":"ship-complete order short","previous":0}
S9|line.backordered|{"line_no":2,"sku":"B1","allocated":0,"backordered":2,"reason":"ship-complete order short","previous":0}
EOF
	# DC1's 10 of A1: R5's 4, P1's 5 and 1 free (and ST1's 2 ship to nobody)
	network_is <<EOF
$SKUS
A1,12,0,5,4,3
B1,2,0,0,0,2
EOF
}

@test "routed take-back: what a ship-complete order took back, a whole loser with it, is put back when it cannot be whole" {
	routed_r5_r9
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,ship_postal_code,ship_complete
S9,1,A1,2,2026-11-03T08:00:00Z,9,10001,1
S9,2,B1,2,2026-11-03T08:00:00Z,9,10001,1
EOF
	oms-order -q cancel R9 --reason test
	oms-allocate -q > /dev/null
	oms-route -q > /dev/null
	# P1 would take S9's A1, and with it all of S9 (ship-complete), but even
	# all of DC1's B1 is not its 3: P1 gets nothing and S9 keeps its work
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,ship_postal_code,ship_complete
P1,1,A1,5,2026-11-25T08:00:00Z,1,10001,1
P1,2,B1,3,2026-11-25T08:00:00Z,1,10001,1
EOF
	seq=$(last_seq)
	allocates <<EOF
$HEADER
P1,1,A1,5,0,5,ship-complete order short
P1,2,B1,3,0,3,ship-complete order short
EOF
	assert_equal "$stderr" "oms-allocate: 2 lines changed: 0 allocated in full, 0 partly, 2 backordered; 0 units allocated, 8 units backordered; 0 units taken back"
	run -0 sqlite3 "$OMS_DB" "select count(*) from event where seq > $seq and type = 'line.unrouted'"
	assert_output 0
	lines_are <<EOF
$LINES
P1,1,A1,5,backordered,5,5,0,0,0,0,0,0,
P1,2,B1,3,backordered,3,3,0,0,0,0,0,0,
R5,1,A1,4,routed,0,0,0,4,0,0,0,0,DC1
R9,1,A1,6,cancelled,0,0,0,0,0,0,6,0,
S9,1,A1,2,routed,0,0,0,2,0,0,0,0,DC1
S9,2,B1,2,routed,0,0,0,2,0,0,0,0,DC1
EOF
}

@test "routed take-back: a ship-complete order that cannot be served whole takes nothing back" {
	routed_r5_r9
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,ship_postal_code,ship_complete
P1,1,A1,3,2026-11-25T08:00:00Z,1,10001,1
P1,2,B1,3,2026-11-25T08:00:00Z,1,10001,1
EOF
	allocates <<EOF
$HEADER
P1,1,A1,3,0,3,ship-complete order short
P1,2,B1,3,0,3,ship-complete order short
EOF
	lines_are <<EOF
$LINES
P1,1,A1,3,backordered,3,3,0,0,0,0,0,0,
P1,2,B1,3,backordered,3,3,0,0,0,0,0,0,
R5,1,A1,4,routed,0,0,0,4,0,0,0,0,DC1
R9,1,A1,6,routed,0,0,0,6,0,0,0,0,DC1
EOF
	# with one more B1 it can be whole: then it takes R9's units
	given inventory --delta <<'EOF'
node_id,sku,delta,reason
DC1,B1,1,receipt
EOF
	allocates <<EOF
$HEADER
P1,1,A1,3,3,0,
P1,2,B1,3,3,0,
R9,1,A1,6,0,3,no stock in the network
EOF
}

@test "routed take-back: a pickup line takes only work routed to its store, a ship line only work at nodes that ship" {
	routed_r5_r9
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,ship_postal_code,method,pickup_node
Q9,1,A1,2,2026-11-04T08:00:00Z,9,10001,pickup,ST1
EOF
	oms-allocate -q > /dev/null
	oms-route -q > /dev/null
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,ship_postal_code,method,pickup_node
P1,1,A1,1,2026-11-25T08:00:00Z,1,10001,pickup,ST1
P2,1,A1,1,2026-11-25T08:00:00Z,2,10001,ship,
EOF
	# Q9 is the last in the order of service, but ST1 does not ship: P2
	# takes from R9 at DC1, P1 from Q9 at its store
	allocates <<EOF
$HEADER
P1,1,A1,1,1,0,
P2,1,A1,1,1,0,
R9,1,A1,6,0,1,no stock in the network
Q9,1,A1,2,0,1,no stock at the pickup store
EOF
	run -0 oms-route -q
	consistent
	lines_are <<EOF
$LINES
P1,1,A1,1,routed,0,0,0,1,0,0,0,0,ST1
P2,1,A1,1,routed,0,0,0,1,0,0,0,0,DC1
Q9,1,A1,2,backordered,1,1,0,1,0,0,0,0,ST1
R5,1,A1,4,routed,0,0,0,4,0,0,0,0,DC1
R9,1,A1,6,backordered,1,1,0,5,0,0,0,0,DC1
EOF
}

@test "routed take-back: a pickup line that its store could serve but the pool cannot takes routed work elsewhere in the pool; a run again changes nothing" {
	given nodes <<'EOF'
node_id,type,can_ship,can_pickup,lat,lon
DC1,warehouse,1,0,0,0
ST1,store,1,1,0,0
EOF
	given items <<'EOF'
sku
A1
EOF
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,2,2026-11-26T22:00:00Z
ST1,A1,1,2026-11-26T22:00:00Z
EOF
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,method,pickup_node,ship_lat,ship_lon
R9,1,A1,2,2026-11-01T08:00:00Z,9,ship,,0,0
S2,1,A1,1,2026-11-25T08:00:00Z,2,ship,,0,0
P3,1,A1,1,2026-11-25T08:00:00Z,3,pickup,ST1,0,0
L4,1,A1,1,2026-11-25T08:00:00Z,4,ship,,0,0
EOF
	sqlite3 "$OMS_DB" "insert into line_node (order_id, line_no, node_id, routed) values ('R9', 1, 'DC1', 2)"
	consistent
	# S2 ships ST1's free unit; ST1's stock could still serve P3, but the
	# pool's ship lines need it: P3 takes one of R9's units at DC1, and L4
	# the other
	allocates <<EOF
$HEADER
S2,1,A1,1,1,0,
P3,1,A1,1,1,0,
L4,1,A1,1,1,0,
R9,1,A1,2,0,2,no stock in the network
EOF
	allocates <<EOF
$HEADER
EOF
}

# ---------------------------------------------------------------------
# a stock count under the promises: pending work, not a violation

@test "a count under allocated and routed work: check lists it as pending (exit 0), allocate and route re-plan it, check is clean" {
	routed_r5_r9
	given orders <<'EOF'
order_id,line_no,sku,qty,created_at,priority,ship_postal_code
U3,1,B1,2,2026-11-05T08:00:00Z,3,10001
EOF
	oms-allocate -q > /dev/null
	# routine shrinkage: DC1 counts 7 of A1 (10 routed there) and 1 of B1 (2 allocated)
	given inventory <<'EOF'
node_id,sku,on_hand,as_of
DC1,A1,7,2026-11-27T22:00:00Z
DC1,B1,1,2026-11-27T22:00:00Z
EOF
	run -0 --separate-stderr oms-report check
	assert_output - <<'EOF'
check,subject,detail
pending_node_oversold,DC1/A1,reserved 10 exceeds on_hand 7 less safety_stock 0: the next oms-allocate takes back 3 routed
pending_sku_oversold,B1,allocated 2 exceeds the network's atp 1: the next oms-allocate re-plans it
EOF
	assert_equal "$stderr" ""
	run -0 oms-report check --format jsonl
	assert_line --index 0 '{"check":"pending_node_oversold","subject":"DC1/A1","detail":"reserved 10 exceeds on_hand 7 less safety_stock 0: the next oms-allocate takes back 3 routed"}'
	# the cron job's "check || mail" stays quiet; the night's run re-plans
	allocates <<EOF
$HEADER
U3,1,B1,2,1,1,no stock in the network
R9,1,A1,6,0,3,no stock in the network
EOF
	run -0 oms-route -q
	run -0 --separate-stderr oms-report check
	assert_output "$CHECK_HEAD"
	assert_equal "$stderr" ""
	lines_are <<EOF
$LINES
R5,1,A1,4,routed,0,0,0,4,0,0,0,0,DC1
R9,1,A1,6,backordered,3,3,0,3,0,0,0,0,DC1
U3,1,B1,2,backordered,1,1,0,1,0,0,0,0,DC1
EOF
}

# (issue 17, item 16: "1 units")
@test "a count of one says its noun in the singular: 1 line, 1 unit" {
	base_store
	printf 'order_id,line_no,sku,qty,ship_lat,ship_lon\nS1,1,A1,1,0,0\n' | oms-import -q orders -
	run -0 --separate-stderr oms-allocate -o /dev/null
	assert_equal "$stderr" "oms-allocate: 1 line changed: 1 allocated in full, 0 partly, 0 backordered; 1 unit allocated, 0 units backordered; 0 units taken back"
}
