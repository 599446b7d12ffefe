# oms-import: every kind, upsert and idempotence, strict mode, rejects,
# and every kind of bad input the issue names.
load helper

# Events in the outbox.
nevents() {
	sqlite3 "$OMS_DB" "select count(*) from event"
}

# Import, then import the same thing again: the second run changes nothing,
# says so, and appends no event.
assert_idempotent() {
	local before events

	run -0 oms-import "$@"
	before=$(state)
	events=$(nevents)
	run -0 oms-import "$@"
	assert_output --partial "; nothing changed"
	assert_equal "$(state)" "$before"
	assert_equal "$(nevents)" "$events"
}

# oms-report events, each event's time masked as AT.
events() {
	set -o pipefail
	oms-report events "$@" | sed -E 's/"at":"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z"/"at":"AT"/'
}

# The line strict mode ends with.
nothing_imported() {
	local n=$1

	if [ "$n" -eq 1 ]; then
		echo "oms-import: 1 bad record; nothing imported (use --rejects FILE to import the good ones)"
	else
		echo "oms-import: $n bad records; nothing imported (use --rejects FILE to import the good ones)"
	fi
}

# ---------------------------------------------------------------------
# happy paths, one per kind

@test "items: every column lands in the store, money in cents" {
	oms-import -q nodes "$DATA/nodes.csv"
	run -0 oms-import items "$DATA/items.csv"
	assert_output "oms-import: items: 3 records, 3 inserted, 0 updated, 0 unchanged, 0 rejected"
	run -0 sqlite3 "$OMS_DB" "select sku, description, unit_price, unit_cost, weight_kg,
	    ship_alone, vendor_node, ordering_cost, holding_rate, lead_time_days, active
	    from item order by sku"
	assert_output - <<'EOF'
A1|Widget|1999|8.5|1.5|0||0.0|0.0|0.0|1
B2|Gadget, large|500|2.1|0.2|0||0.0|0.0|0.0|1
C3|Sofa|89900|400.0|60.0|1|V1|0.0|0.0|0.0|1
EOF
}

@test "nodes: every column lands in the store, defaults by type" {
	run -0 oms-import nodes "$DATA/nodes.csv"
	assert_output "oms-import: nodes: 5 records, 5 inserted, 0 updated, 0 unchanged, 0 rejected"
	run -0 sqlite3 "$OMS_DB" "select node_id, type, name, postal_code, country, lat, lon,
	    can_ship, can_pickup, can_curbside, accepts_returns, quote(capacity_per_day),
	    handling_cost, processing_days, safety_stock, active from node order by node_id"
	assert_output - <<'EOF'
DC1|warehouse|Edison DC|08817|US|40.52|-74.39|1|0|0|1|1000|1.5|1|0|1
LK1|locker|Penn Station locker|10001|US|40.75|-73.99|0|0|0|0|NULL|0.0|1|0|1
ST1|store|Manhattan store|10001|US|40.75|-73.99|1|1|1|1|40|3.0|1|1|1
ST2|store|Newark store|07102|US|40.73|-74.17|1|0|0|1|20|3.0|1|0|1
V1|vendor|Acme dropship|60601|US|41.88|-87.62|1|0|0|0|NULL|4.0|1|0|1
EOF
}

@test "nodes: a street address (address1, city, region) is optional, empty by default" {
	run -0 oms-import -q nodes "$DATA/nodes.csv"
	run -0 oms-import nodes - <<'EOF'
node_id,type,name,address1,city,region,postal_code,lat,lon
LK1,locker,Penn Station locker,"Penn Station, 8th Ave",New York,NY,10001,40.75,-73.99
EOF
	assert_output "oms-import: nodes: 1 record, 0 inserted, 1 updated, 0 unchanged, 0 rejected"
	run -0 sqlite3 "$OMS_DB" "select node_id, address1, city, region, postal_code from node
	    where node_id in ('DC1', 'LK1') order by node_id"
	assert_output - <<'EOF'
DC1||||08817
LK1|Penn Station, 8th Ave|New York|NY|10001
EOF
	printf 'node_id,type,address1\nLK1,locker,%*s\n' 65537 x > long.csv
	run -65 oms-import nodes long.csv
	assert_line --index 0 "oms-import: long.csv:2: address1 is too long (65537 bytes; at most 65536)"
}

@test "inventory: a snapshot lands as on_hand per node and sku" {
	oms-import -q nodes "$DATA/nodes.csv"
	oms-import -q items "$DATA/items.csv"
	run -0 oms-import inventory "$DATA/inventory.csv"
	assert_output "oms-import: inventory: 5 records, 5 inserted, 0 updated, 0 unchanged, 0 stale, 0 rejected"
	run -0 oms-report inventory
	assert_output - <<'EOF'
node_id,sku,on_hand,safety_stock,reserved,atp,reserved_pickup,reserved_ship
DC1,A1,100,0,0,100,0,0
DC1,B2,50,0,0,50,0,0
ST1,A1,5,1,0,4,0,0
ST1,B2,3,2,0,1,0,0
V1,C3,10,0,0,10,0,0
EOF
	run -0 sqlite3 "$OMS_DB" "select node_id, sku, quote(safety_stock), as_of from inventory
	    where node_id = 'ST1' order by sku"
	assert_output - <<'EOF'
ST1|A1|NULL|2026-11-26T22:00:00Z
ST1|B2|2|2026-11-26T22:00:00Z
EOF
}

@test "inventory --delta: adjustments add to on_hand, one event each" {
	base_store
	run -0 oms-import inventory --delta "$DATA/deltas.csv"
	assert_output "oms-import: inventory (deltas): 3 records, 1 inserted, 2 updated, 0 unchanged, 0 rejected"
	run -0 oms-report inventory
	assert_output - <<'EOF'
node_id,sku,on_hand,safety_stock,reserved,atp,reserved_pickup,reserved_ship
DC1,A1,95,0,0,95,0,0
DC1,B2,50,0,0,50,0,0
ST1,A1,5,1,0,4,0,0
ST1,B2,5,2,0,3,0,0
ST2,A1,4,0,0,4,0,0
V1,C3,10,0,0,10,0,0
EOF
	run -0 events --type inventory.delta
	assert_output - <<'EOF'
{"seq":8,"at":"AT","order_id":null,"type":"inventory.delta","payload":{"node_id":"DC1","sku":"A1","delta":-5,"on_hand":95,"reason":"damage"}}
{"seq":9,"at":"AT","order_id":null,"type":"inventory.delta","payload":{"node_id":"ST1","sku":"B2","delta":2,"on_hand":5,"reason":"adjustment"}}
{"seq":10,"at":"AT","order_id":null,"type":"inventory.delta","payload":{"node_id":"ST2","sku":"A1","delta":4,"on_hand":4,"reason":"transfer in"}}
EOF
}

@test "inventory --delta: a result below zero is a bad row" {
	base_store
	printf 'node_id,sku,delta,reason\nST1,B2,-4,count\n' > d.csv
	before=$(state)
	run -65 oms-import inventory --delta d.csv
	assert_output - <<EOF
oms-import: d.csv:2: delta -4 would take on_hand of B2 at ST1 below 0 (on hand 3)
$(nothing_imported 1)
EOF
	assert_equal "$(state)" "$before"
}

@test "customers: every column lands in the store" {
	run -0 oms-import customers "$DATA/customers.csv"
	assert_output "oms-import: customers: 4 records, 4 inserted, 0 updated, 0 unchanged, 0 rejected"
	run -0 sqlite3 "$OMS_DB" "select * from customer order by customer_id"
	assert_output - <<'EOF'
C1|Ann Lee|ann@example.com|+1 212 555 0100|gold|0
C2|Diaz, Bo|bo@example.com|||0
C3|Cy "The Couch" Ng||312-555-0199|silver|0
C4|Zoë Ødegård|zoe@example.no|||0
EOF
}

@test "orders CSV: orders and their lines land in the store" {
	base_store
	run -0 oms-import orders "$DATA/orders.csv"
	# (no customers imported: warned, see the tests of --strict-refs)
	assert_output - <<'EOF'
oms-import: warning: 3 orders name a customer_id that is not a known customer: order "O1" ("C1"), order "O2" ("C2"), order "O3" ("C3"); import customers first, or refuse such orders with --strict-refs
oms-import: orders: 4 records, 3 orders (3 inserted, 0 updated, 0 unchanged); lines: 4 inserted, 0 updated, 0 unchanged, 0 rejected
EOF
	run -0 oms-report lines
	assert_output - <<'EOF'
order_id,line_no,sku,qty,status,open,backordered,allocated,routed,released,shipped,cancelled,returned,nodes
O1,1,A1,2,open,2,0,0,0,0,0,0,0,
O1,2,B2,1,open,1,0,0,0,0,0,0,0,
O2,1,A1,1,open,1,0,0,0,0,0,0,0,
O3,1,C3,1,open,1,0,0,0,0,0,0,0,
EOF
	run -0 sqlite3 "$OMS_DB" "select order_id, channel, customer_id, created_at, priority,
	    quote(promise_date), ship_name, ship_address1, ship_city, ship_region,
	    ship_postal_code, ship_country, quote(ship_lat), ship_complete
	    from orders order by order_id"
	assert_output - <<'EOF'
O1|web|C1|2026-11-25T10:00:00Z|5|'2026-11-30T00:00:00Z'|Ann Lee|1 Main St, Apt 4|New York|NY|10001|US|NULL|0
O2|store|C2|2026-11-25T11:00:00Z|3|'2026-11-27T00:00:00Z'|Bo Diaz|||||US|NULL|0
O3|phone|C3|2026-11-26T09:30:00Z|5|NULL|Cy "The Couch" Ng|9 Elm Rd|Chicago|IL|60601|US|NULL|1
EOF
	run -0 sqlite3 "$OMS_DB" "select order_id, line_no, sku, qty, unit_price, discount,
	    method, quote(pickup_node) from order_line order by order_id, line_no"
	assert_output - <<'EOF'
O1|1|A1|2|1999|0|ship|NULL
O1|2|B2|1|500|100|ship|NULL
O2|1|A1|1|1999|0|pickup|'ST1'
O3|1|C3|1|89900|0|ship|NULL
EOF
	run -0 events --type order.created
	assert_output - <<'EOF'
{"seq":8,"at":"AT","order_id":"O1","type":"order.created","payload":{"order_id":"O1","channel":"web","lines":2,"units":3}}
{"seq":9,"at":"AT","order_id":"O2","type":"order.created","payload":{"order_id":"O2","channel":"store","lines":1,"units":1}}
{"seq":10,"at":"AT","order_id":"O3","type":"order.created","payload":{"order_id":"O3","channel":"phone","lines":1,"units":1}}
EOF
}

@test "orders JSON: nested lines inherit the order's fields" {
	base_store
	oms-import -q customers "$DATA/customers.csv"
	run -0 oms-import orders "$DATA/orders.json"
	assert_output "oms-import: orders: 3 records, 2 orders (2 inserted, 0 updated, 0 unchanged); lines: 3 inserted, 0 updated, 0 unchanged, 0 rejected"
	run -0 sqlite3 "$OMS_DB" "select order_id, channel, customer_id, created_at, priority,
	    quote(promise_date), ship_name, ship_postal_code, ship_complete
	    from orders order by order_id"
	assert_output - <<'EOF'
J1|web|C1|2026-11-25T14:00:00Z|5|'2026-11-30T00:00:00Z'|Ann Lee|10001|1
J2|web||2026-11-26T00:00:00Z|2|NULL|||0
EOF
	run -0 sqlite3 "$OMS_DB" "select order_id, line_no, sku, qty, unit_price, discount,
	    method, quote(pickup_node) from order_line order by order_id, line_no"
	assert_output - <<'EOF'
J1|1|A1|2|1999|0|ship|NULL
J1|2|B2|1|450|0|pickup|'ST1'
J2|1|C3|1|89900|0|locker|'LK1'
EOF
}

@test "orders JSON Lines: one order per line, nested or flat" {
	base_store
	run -0 oms-import orders "$DATA/orders.jsonl"
	assert_output "oms-import: orders: 3 records, 2 orders (2 inserted, 0 updated, 0 unchanged); lines: 3 inserted, 0 updated, 0 unchanged, 0 rejected"
	run -0 sqlite3 "$OMS_DB" "select o.order_id, created_at, line_no, sku, qty, unit_price,
	    discount, method, quote(pickup_node) from orders o join order_line using (order_id)
	    order by 1, 3"
	assert_output - <<'EOF'
K1|2026-11-26T08:00:00Z|1|A1|1|1999|0|ship|NULL
K1|2026-11-26T08:00:00Z|2|B2|3|500|150|ship|NULL
K2|2026-11-26T08:05:00Z|1|B2|2|500|0|curbside|'ST1'
EOF
}

@test "orders: JSON on standard input is detected by its first byte" {
	base_store
	run -0 oms-import -q orders - < "$DATA/orders.jsonl"
	run -0 oms-import -q items < "$DATA/items.csv"
	run -0 sqlite3 "$OMS_DB" "select group_concat(order_id) from orders"
	assert_output "K1,K2"
}

@test "postal: codes land keyed by country, US by default, as their keys" {
	run -0 oms-import postal "$DATA/postal.csv"
	assert_output "oms-import: postal: 4 records, 4 inserted, 0 updated, 0 unchanged, 0 rejected"
	run -0 sqlite3 "$OMS_DB" "select * from postal order by country, postal_code"
	assert_output - <<'EOF'
CA|M5V2T6|43.6426|-79.3871
US|07102|40.7357|-74.1724
US|10001|40.7506|-73.9972
US|60601|41.8858|-87.6181
EOF
}

@test "rates: bands land keyed by max_km, per_kg 0 by default" {
	run -0 oms-import rates "$DATA/rates.csv"
	assert_output "oms-import: rates: 3 records, 3 inserted, 0 updated, 0 unchanged, 0 removed, 0 rejected"
	run -0 sqlite3 "$OMS_DB" "select * from rate order by max_km"
	assert_output - <<'EOF'
50.0|4.5|0.1|1
500.0|7.0|0.25|2
5000.0|12.5|0.0|5
EOF
}

# ---------------------------------------------------------------------
# upsert and idempotence

@test "idempotent: items" {
	oms-import -q nodes "$DATA/nodes.csv"
	assert_idempotent items "$DATA/items.csv"
	assert_output "oms-import: items: 3 records, 0 inserted, 0 updated, 3 unchanged, 0 rejected; nothing changed"
}

@test "idempotent: nodes" {
	assert_idempotent nodes "$DATA/nodes.csv"
}

@test "idempotent: inventory snapshot" {
	oms-import -q nodes "$DATA/nodes.csv"
	oms-import -q items "$DATA/items.csv"
	assert_idempotent inventory "$DATA/inventory.csv"
	assert_output "oms-import: inventory: 5 records, 0 inserted, 0 updated, 5 unchanged, 0 stale, 0 rejected; nothing changed"
}

@test "idempotent: inventory snapshot without as_of (it defaults to the run's time)" {
	base_store
	printf 'node_id,sku,on_hand\nDC1,A1,7\nST2,B2,1\n' > inv.csv
	assert_idempotent inventory inv.csv
}

@test "idempotent: customers" {
	assert_idempotent customers "$DATA/customers.csv"
}

@test "idempotent: orders CSV" {
	base_store
	oms-import -q customers "$DATA/customers.csv"
	assert_idempotent orders "$DATA/orders.csv"
	assert_output "oms-import: orders: 4 records, 3 orders (0 inserted, 0 updated, 3 unchanged); lines: 0 inserted, 0 updated, 4 unchanged, 0 rejected; nothing changed"
}

@test "idempotent: orders without created_at keep the time of their first import" {
	base_store
	printf 'order_id,line_no,sku,qty\nN1,1,A1,1\nN1,2,B2,2\n' > o.csv
	assert_idempotent orders o.csv
}

@test "idempotent: orders JSON with nested lines" {
	base_store
	assert_idempotent orders "$DATA/orders.json"
}

@test "idempotent: orders JSON Lines" {
	base_store
	assert_idempotent orders "$DATA/orders.jsonl"
}

@test "idempotent: postal" {
	assert_idempotent postal "$DATA/postal.csv"
}

@test "idempotent: rates (50 and 50.0 are the same band)" {
	assert_idempotent rates "$DATA/rates.csv"
	assert_output "oms-import: rates: 3 records, 0 inserted, 0 updated, 3 unchanged, 0 removed, 0 rejected; nothing changed"
	sed 's/^50,/50.0,/' "$DATA/rates.csv" > r.csv
	run -0 oms-import rates r.csv
	assert_output "oms-import: rates: 3 records, 0 inserted, 0 updated, 3 unchanged, 0 removed, 0 rejected; nothing changed"
}

@test "upsert: a changed row is updated, the others left alone, one event" {
	oms-import -q nodes "$DATA/nodes.csv"
	oms-import -q items "$DATA/items.csv"
	printf 'sku,description,unit_price\nB2,"Gadget, large",5.50\nD4,Lamp,12\n' > items.csv
	run -0 oms-import items items.csv
	assert_output "oms-import: items: 2 records, 1 inserted, 1 updated, 0 unchanged, 0 rejected"
	run -0 sqlite3 "$OMS_DB" "select sku, unit_price, unit_cost from item order by sku"
	assert_output - <<'EOF'
A1|1999|8.5
B2|550|0.0
C3|89900|400.0
D4|1200|0.0
EOF
	run -0 sqlite3 "$OMS_DB" "select type, payload from event order by seq desc limit 1"
	assert_output 'import.items|{"inserted":1,"updated":1,"unchanged":0}'
}

@test "upsert: rows absent from the file are never deleted" {
	oms-import -q nodes "$DATA/nodes.csv"
	printf 'node_id,type\nDC9,warehouse\n' > nodes.csv
	run -0 oms-import -q nodes nodes.csv
	run -0 sqlite3 "$OMS_DB" "select group_concat(node_id) from (select node_id from node order by 1)"
	assert_output "DC1,DC9,LK1,ST1,ST2,V1"
}

@test "upsert: a changed order is updated with an order.updated event" {
	base_store
	oms-import -q customers "$DATA/customers.csv"
	oms-import -q orders "$DATA/orders.csv"
	sed 's/^O1,1,A1,2,/O1,1,A1,3,/' "$DATA/orders.csv" > orders.csv
	run -0 oms-import orders orders.csv
	assert_output "oms-import: orders: 4 records, 3 orders (0 inserted, 1 updated, 2 unchanged); lines: 0 inserted, 1 updated, 3 unchanged, 0 rejected"
	run -0 sqlite3 "$OMS_DB" "select qty from order_line where order_id = 'O1' and line_no = 1"
	assert_output 3
	run -0 sqlite3 "$OMS_DB" "select order_id, type, payload from event order by seq desc limit 1"
	assert_output 'O1|order.updated|{"order_id":"O1","channel":"web","lines":1}'
}

@test "orders: shipping_charge is order-level money, 0 by default, upserted like the rest" {
	base_store
	# CSV through the bulk path; JSON nested lines inherit it
	printf 'order_id,line_no,sku,qty,shipping_charge\nS1,1,A1,1,7.95\nS1,2,B2,2,7.95\nS2,1,A1,1,\n' > s.csv
	printf '{"order_id":"S3","shipping_charge":12,"lines":[{"line_no":1,"sku":"B2","qty":1}]}\n' > s.jsonl
	run -0 oms-import orders s.csv s.jsonl
	assert_output "oms-import: orders: 4 records, 3 orders (3 inserted, 0 updated, 0 unchanged); lines: 4 inserted, 0 updated, 0 unchanged, 0 rejected"
	run -0 sqlite3 "$OMS_DB" "select order_id, shipping_charge from orders order by 1"
	assert_output - <<'EOF'
S1|795
S2|0
S3|1200
EOF
	# the same again changes nothing; a new charge updates the order alone
	run -0 oms-import orders s.csv s.jsonl
	assert_output --partial "; nothing changed"
	sed 's/7\.95/8.50/' s.csv > s2.csv
	run -0 oms-import orders s2.csv
	assert_output "oms-import: orders: 3 records, 2 orders (0 inserted, 1 updated, 1 unchanged); lines: 0 inserted, 0 updated, 3 unchanged, 0 rejected"
	run -0 sqlite3 "$OMS_DB" "select shipping_charge from orders where order_id = 'S1'"
	assert_output 850
	run -0 sqlite3 "$OMS_DB" "select type, payload from event order by seq desc limit 1"
	assert_output 'order.updated|{"order_id":"S1","channel":"web","lines":0}'
	# an order in fulfilment keeps its charge
	sqlite3 "$OMS_DB" "update order_line set allocated = 1 where order_id = 'S2'"
	printf 'order_id,line_no,sku,qty,shipping_charge\nS2,1,A1,1,3\n' > s3.csv
	before=$(state)
	run -65 oms-import orders s3.csv
	assert_line --index 0 'oms-import: s3.csv:2: order "S2" is already in fulfilment; change it with oms-order'
	assert_equal "$(state)" "$before"
}

@test "bad: shipping_charge that is not an amount, or differs between lines" {
	base_store
	printf 'order_id,line_no,sku,qty,shipping_charge\nS1,1,A1,1,-1\nS2,1,A1,1,5\nS2,2,B2,1,6\n' > bad.csv
	before=$(state)
	run -65 oms-import orders bad.csv
	assert_output - <<EOF
oms-import: bad.csv:2: shipping_charge must be an amount like 12.34 (at most 2 decimals), got "-1"
oms-import: bad.csv:4: shipping_charge differs from line 3 of the same order
$(nothing_imported 3)
EOF
	assert_equal "$(state)" "$before"
}

@test "inventory: a newer snapshot replaces the count" {
	base_store
	printf 'node_id,sku,on_hand,as_of\nDC1,A1,80,2026-11-27T06:00:00Z\n' > inv.csv
	run -0 oms-import inventory inv.csv
	assert_output "oms-import: inventory: 1 record, 0 inserted, 1 updated, 0 unchanged, 0 stale, 0 rejected"
	run -0 sqlite3 "$OMS_DB" "select on_hand, as_of from inventory where node_id = 'DC1' and sku = 'A1'"
	assert_output "80|2026-11-27T06:00:00Z"
	run -0 sqlite3 "$OMS_DB" "select payload from event order by seq desc limit 1"
	assert_output '{"node_id":"DC1","sku":"A1","on_hand":80,"previous":100,"as_of":"2026-11-27T06:00:00Z"}'
}

@test "inventory: a stale snapshot (older as_of) is skipped, never overwrites" {
	base_store
	printf 'node_id,sku,on_hand,as_of\nDC1,A1,1,2026-11-26T21:59:59Z\nDC1,B2,49,2026-11-26T22:00:00Z\n' > inv.csv
	run -0 oms-import inventory inv.csv
	assert_output "oms-import: inventory: 2 records, 0 inserted, 1 updated, 0 unchanged, 1 stale, 0 rejected"
	run -0 oms-report inventory --node DC1
	assert_output - <<'EOF'
node_id,sku,on_hand,safety_stock,reserved,atp,reserved_pickup,reserved_ship
DC1,A1,100,0,0,100,0,0
DC1,B2,49,0,0,49,0,0
EOF
	run -0 oms-import -v inventory inv.csv
	assert_line --index 0 "oms-import: inv.csv:2: A1 at DC1: as_of 2026-11-26T21:59:59Z is older than the stored 2026-11-26T22:00:00Z; skipped"
}

@test "inventory --delta: a file already applied is refused; --force applies it again" {
	base_store
	run -0 oms-import -q inventory --delta "$DATA/deltas.csv"
	run=$(sqlite3 "$OMS_DB" "select max(run_id) from run")
	before=$(state)
	run -65 oms-import inventory --delta "$DATA/deltas.csv"
	assert_output "oms-import: $DATA/deltas.csv: already applied in run $run (use --force to apply it again)"
	assert_equal "$(state)" "$before"
	run -0 oms-import inventory --delta --force "$DATA/deltas.csv"
	run -0 oms-report inventory --sku A1
	assert_output - <<'EOF'
node_id,sku,on_hand,safety_stock,reserved,atp,reserved_pickup,reserved_ship
DC1,A1,90,0,0,90,0,0
ST1,A1,5,1,0,4,0,0
ST2,A1,8,0,0,8,0,0
EOF
}

@test "inventory --delta: a failed run does not count as applied" {
	base_store
	printf 'node_id,sku,delta\nDC1,A1,-1\nDC1,NOPE,1\n' > d.csv
	run -65 oms-import -q inventory --delta d.csv
	printf 'node_id,sku,delta\nDC1,A1,-1\n' > d.csv
	run -0 oms-import -q inventory --delta d.csv
	run -0 sqlite3 "$OMS_DB" "select on_hand from inventory where node_id = 'DC1' and sku = 'A1'"
	assert_output 99
}

@test "inventory --delta: a file is known by its name and content" {
	base_store
	# another store's file with the same content is another set of deltas
	cp "$DATA/deltas.csv" store-1.csv
	cp "$DATA/deltas.csv" store-2.csv
	run -0 oms-import -q inventory --delta store-1.csv
	run -0 oms-import -q inventory --delta store-2.csv
	# the same file again (a cron job re-run) is refused, from any directory
	mkdir -p again
	cp "$DATA/deltas.csv" again/store-1.csv
	before=$(state)
	run -65 oms-import inventory --delta again/store-1.csv
	assert_output --partial "already applied in run"
	assert_equal "$(state)" "$before"
	# the same name with new content is new
	printf 'node_id,sku,delta\nDC1,A1,-1\n' > store-1.csv
	run -0 oms-import -q inventory --delta store-1.csv
}

@test "inventory --delta: standard input is never refused as already applied" {
	base_store
	run -0 oms-import -q inventory --delta - < "$DATA/deltas.csv"
	run -0 oms-import -q inventory --delta - < "$DATA/deltas.csv"
}

@test "orders: an order in fulfilment is accepted unchanged, rejected when changed" {
	base_store
	oms-import -q orders "$DATA/orders.csv"
	sqlite3 "$OMS_DB" "update order_line set allocated = 1 where order_id = 'O1' and line_no = 1"
	run -0 oms-import orders "$DATA/orders.csv"
	assert_output --partial "; nothing changed"
	sed 's/^O1,2,B2,1,/O1,2,B2,2,/' "$DATA/orders.csv" > changed.csv
	before=$(state)
	run -65 oms-import orders changed.csv
	assert_output - <<EOF
oms-import: changed.csv:2: order "O1" is already in fulfilment; change it with oms-order
$(nothing_imported 2)
EOF
	assert_equal "$(state)" "$before"
}

@test "orders: routed work on a line also puts its order in fulfilment" {
	base_store
	oms-import -q orders "$DATA/orders.csv"
	sqlite3 "$OMS_DB" "insert into line_node (order_id, line_no, node_id, routed) values ('O2', 1, 'ST1', 1)"
	sed 's/^O2,1,A1,1,store,C2,2026-11-25T11:00:00Z,3,/O2,1,A1,1,store,C2,2026-11-25T11:00:00Z,1,/' \
	    "$DATA/orders.csv" > changed.csv
	before=$(state)
	run -65 oms-import orders changed.csv
	assert_line --index 0 'oms-import: changed.csv:4: order "O2" is already in fulfilment; change it with oms-order'
	assert_equal "$(state)" "$before"
}

@test "unknown columns: one warning naming them all, then ignored" {
	oms-import -q nodes "$DATA/nodes.csv"
	printf 'sku,colour,description,size\nZ1,red,a,L\nZ2,blue,b,M\nZ3,green,c,S\n' > items.csv
	run -0 oms-import items items.csv
	assert_output - <<'EOF'
oms-import: warning: items.csv: ignoring unknown columns "colour", "size"
oms-import: items: 3 records, 3 inserted, 0 updated, 0 unchanged, 0 rejected
EOF
	run -0 sqlite3 "$OMS_DB" "select group_concat(sku || '=' || description) from item"
	assert_output "Z1=a,Z2=b,Z3=c"
	run -0 oms-import -q items items.csv
	assert_output ""
}

@test "unknown keys in JSON: each one warned once, however many objects hold it" {
	printf '[{"sku":"Z1","colour":"red"},{"sku":"Z2","colour":"blue"},{"sku":"Z3","size":"S"}]\n' > items.json
	run -0 oms-import items items.json
	assert_output - <<'EOF'
oms-import: warning: items.json: ignoring unknown keys "colour"
oms-import: warning: items.json: ignoring unknown keys "size"
oms-import: items: 3 records, 3 inserted, 0 updated, 0 unchanged, 0 rejected
EOF
}

@test "column names: spaces trimmed, case ignored" {
	printf ' SKU ,Description\nZ1,a\n' > items.csv
	run -0 oms-import -q items items.csv
	run -0 sqlite3 "$OMS_DB" "select sku, description from item"
	assert_output "Z1|a"
}

@test "--dry-run: does the work, says so, changes nothing, logs no run" {
	base_store
	oms-import -q customers "$DATA/customers.csv"
	before=$(state)
	runs=$(sqlite3 "$OMS_DB" "select count(*) from run")
	run -0 oms-import --dry-run orders "$DATA/orders.csv"
	assert_output "oms-import: dry run, nothing written: orders: 4 records, 3 orders (3 inserted, 0 updated, 0 unchanged); lines: 4 inserted, 0 updated, 0 unchanged, 0 rejected"
	assert_equal "$(state)" "$before"
	assert_equal "$(sqlite3 "$OMS_DB" "select count(*) from run")" "$runs"
}

@test "--dry-run: bad data still fails with 65" {
	base_store
	printf 'sku,unit_price\nZ1,x\n' > items.csv
	before=$(state)
	run -65 oms-import --dry-run items items.csv
	assert_line --index 0 'oms-import: items.csv:2: unit_price must be an amount like 12.34 (at most 2 decimals), got "x"'
	assert_equal "$(state)" "$before"
}

@test "-q: no summary, errors still shown" {
	oms-import -q nodes "$DATA/nodes.csv"
	run -0 oms-import -q items "$DATA/items.csv"
	assert_output ""
	printf 'sku,unit_price\nZ1,x\n' > items.csv
	run -65 oms-import -q items items.csv
	assert_output - <<EOF
oms-import: items.csv:2: unit_price must be an amount like 12.34 (at most 2 decimals), got "x"
$(nothing_imported 1)
EOF
}

@test "several files are one run: one bad file, nothing from any" {
	oms-import -q nodes "$DATA/nodes.csv"
	printf 'sku\nZ1\n' > a.csv
	printf 'sku,weight_kg\nZ2,heavy\n' > b.csv
	before=$(state)
	run -65 oms-import items a.csv b.csv
	assert_output - <<EOF
oms-import: b.csv:2: weight_kg must be a non-negative weight in kg, got "heavy"
$(nothing_imported 1)
EOF
	assert_equal "$(state)" "$before"
	run -66 oms-import items a.csv missing.csv
	assert_output "oms-import: missing.csv: cannot open: No such file or directory"
	assert_equal "$(state)" "$before"
	printf 'sku,weight_kg\nZ2,3\n' > b.csv
	run -0 oms-import items a.csv b.csv
	assert_output "oms-import: items: 2 records, 2 inserted, 0 updated, 0 unchanged, 0 rejected"
}

# ---------------------------------------------------------------------
# bad input: exit 65 (66 for a missing input), the exact message, and the
# store exactly as it was

@test "bad: a ragged row" {
	base_store
	printf 'sku,description\nZ1,a,b\n' > bad.csv
	before=$(state)
	run -65 oms-import items bad.csv
	assert_output - <<EOF
oms-import: bad.csv:2: expected 2 fields as in the header, got 3
$(nothing_imported 1)
EOF
	assert_equal "$(state)" "$before"
}

@test "bad: an unterminated quote" {
	base_store
	printf 'sku,description\nZ1,a\nZ2,"no end\nZ3,c\n' > bad.csv
	before=$(state)
	run -65 oms-import items bad.csv
	assert_output - <<EOF
oms-import: bad.csv:3: a quoted field is never closed (the input ends inside quotes)
$(nothing_imported 1)
EOF
	assert_equal "$(state)" "$before"
}

@test "bad: a quote inside an unquoted field" {
	base_store
	printf 'sku,description\nZ1,27" monitor\n' > bad.csv
	before=$(state)
	run -65 oms-import items bad.csv
	assert_output - <<EOF
oms-import: bad.csv:2: a quote inside an unquoted field: quote the whole field and double the quote, as in "27"" monitor"
$(nothing_imported 1)
EOF
	assert_equal "$(state)" "$before"
}

@test "bad: text after a closing quote" {
	base_store
	printf 'sku,description\nZ1,"27" monitor\n' > bad.csv
	before=$(state)
	run -65 oms-import items bad.csv
	assert_output - <<EOF
oms-import: bad.csv:2: text after a closing quote (a field is either quoted whole or not at all)
$(nothing_imported 1)
EOF
	assert_equal "$(state)" "$before"
}

@test "bad: a negative qty" {
	base_store
	printf 'order_id,line_no,sku,qty\nO9,1,A1,-3\n' > bad.csv
	before=$(state)
	run -65 oms-import orders bad.csv
	assert_output - <<EOF
oms-import: bad.csv:2: qty must be a positive integer, got "-3"
$(nothing_imported 1)
EOF
	assert_equal "$(state)" "$before"
}

@test "bad: a negative on_hand" {
	base_store
	printf 'node_id,sku,on_hand\nDC1,A1,-3\n' > bad.csv
	before=$(state)
	run -65 oms-import inventory bad.csv
	assert_output - <<EOF
oms-import: bad.csv:2: on_hand must be a non-negative integer, got "-3"
$(nothing_imported 1)
EOF
	assert_equal "$(state)" "$before"
}

@test "bad: a fractional qty" {
	base_store
	printf 'order_id,line_no,sku,qty\nO9,1,A1,1.5\n' > bad.csv
	before=$(state)
	run -65 oms-import orders bad.csv
	assert_output - <<EOF
oms-import: bad.csv:2: qty must be a positive integer, got "1.5"
$(nothing_imported 1)
EOF
	assert_equal "$(state)" "$before"
}

@test "bad: a non-numeric price" {
	base_store
	printf 'sku,unit_price\nZ1,$12\n' > bad.csv
	before=$(state)
	run -65 oms-import items bad.csv
	assert_output - <<EOF
oms-import: bad.csv:2: unit_price must be an amount like 12.34 (at most 2 decimals), got "\$12"
$(nothing_imported 1)
EOF
	assert_equal "$(state)" "$before"
	printf 'order_id,line_no,sku,qty,unit_price\nO9,1,A1,1,1.999\n' > bad.csv
	run -65 oms-import orders bad.csv
	assert_line --index 0 'oms-import: bad.csv:2: unit_price must be an amount like 12.34 (at most 2 decimals), got "1.999"'
	assert_equal "$(state)" "$before"
}

@test "bad: a bad date" {
	base_store
	printf 'order_id,line_no,sku,qty,promise_date\nO9,1,A1,1,2026-02-30\n' > bad.csv
	before=$(state)
	run -65 oms-import orders bad.csv
	assert_output - <<EOF
oms-import: bad.csv:2: promise_date must be an ISO 8601 date or time like 2026-11-27 or 2026-11-27T14:30:00Z, got "2026-02-30"
$(nothing_imported 1)
EOF
	assert_equal "$(state)" "$before"
	printf 'node_id,sku,on_hand,as_of\nDC1,A1,1,27/11/2026\n' > bad.csv
	run -65 oms-import inventory bad.csv
	assert_line --index 0 'oms-import: bad.csv:2: as_of must be an ISO 8601 date or time like 2026-11-27 or 2026-11-27T14:30:00Z, got "27/11/2026"'
	assert_equal "$(state)" "$before"
}

@test "bad: an unknown sku" {
	base_store
	printf 'order_id,line_no,sku,qty\nO9,1,NOPE,1\n' > bad.csv
	before=$(state)
	run -65 oms-import orders bad.csv
	assert_output - <<EOF
oms-import: bad.csv:2: sku "NOPE" is not a known item (import items first)
$(nothing_imported 1)
EOF
	assert_equal "$(state)" "$before"
	printf 'node_id,sku,on_hand\nDC1,NOPE,1\n' > bad.csv
	run -65 oms-import inventory bad.csv
	assert_line --index 0 'oms-import: bad.csv:2: sku "NOPE" is not a known item (import items first)'
	assert_equal "$(state)" "$before"
}

@test "bad: an unknown node" {
	base_store
	printf 'node_id,sku,on_hand\nXX9,A1,1\n' > bad.csv
	before=$(state)
	run -65 oms-import inventory bad.csv
	assert_output - <<EOF
oms-import: bad.csv:2: node_id "XX9" is not a known node (import nodes first)
$(nothing_imported 1)
EOF
	assert_equal "$(state)" "$before"
}

@test "bad: a pickup order at a node that does not offer pickup" {
	base_store
	printf 'order_id,line_no,sku,qty,method,pickup_node\nO9,1,A1,1,pickup,ST2\n' > bad.csv
	before=$(state)
	run -65 oms-import orders bad.csv
	assert_output - <<EOF
oms-import: bad.csv:2: node "ST2" does not offer pickup
$(nothing_imported 1)
EOF
	assert_equal "$(state)" "$before"
}

@test "bad: pickup_node rules for curbside, locker and ship lines" {
	base_store
	before=$(state)
	printf 'order_id,line_no,sku,qty,method,pickup_node\nO9,1,A1,1,curbside,DC1\n' > bad.csv
	run -65 oms-import orders bad.csv
	assert_line --index 0 'oms-import: bad.csv:2: node "DC1" does not offer curbside pickup'
	printf 'order_id,line_no,sku,qty,method,pickup_node\nO9,1,A1,1,locker,ST1\n' > bad.csv
	run -65 oms-import orders bad.csv
	assert_line --index 0 'oms-import: bad.csv:2: node "ST1" is a store, not a locker'
	printf 'order_id,line_no,sku,qty,method,pickup_node\nO9,1,A1,1,ship,ST1\n' > bad.csv
	run -65 oms-import orders bad.csv
	assert_line --index 0 'oms-import: bad.csv:2: pickup_node is only for pickup, curbside and locker lines'
	printf 'order_id,line_no,sku,qty,method,pickup_node\nO9,1,A1,1,pickup,\n' > bad.csv
	run -65 oms-import orders bad.csv
	assert_line --index 0 'oms-import: bad.csv:2: a pickup line needs a pickup_node'
	assert_equal "$(state)" "$before"
}

@test "bad: a duplicate key with conflicting values; an identical duplicate is fine" {
	base_store
	printf 'sku,description\nZ1,a\nZ2,b\nZ1,c\n' > bad.csv
	before=$(state)
	run -65 oms-import items bad.csv
	assert_output - <<EOF
oms-import: bad.csv:4: duplicate key sku "Z1" conflicts with line 2
$(nothing_imported 1)
EOF
	assert_equal "$(state)" "$before"
	printf 'sku,description\nZ1,a\nZ2,b\nZ1,a\n' > ok.csv
	run -0 oms-import items ok.csv
	assert_output "oms-import: items: 3 records, 2 inserted, 0 updated, 1 unchanged, 0 rejected"
}

@test "bad: duplicate keys of two columns" {
	base_store
	printf 'node_id,sku,on_hand\nDC1,A1,1\nDC1,A1,2\n' > bad.csv
	before=$(state)
	run -65 oms-import inventory bad.csv
	assert_line --index 0 'oms-import: bad.csv:3: duplicate key node_id "DC1", sku "A1" conflicts with line 2'
	printf 'order_id,line_no,sku,qty\nO9,1,A1,1\nO9,1,A1,2\n' > bad.csv
	run -65 oms-import orders bad.csv
	# orders find a key met twice through the rows this run stored, so this
	# message names no line (unlike every other kind's)
	assert_line --index 0 'oms-import: bad.csv:3: order_id and line_no appear twice in this input with different values'
	printf 'order_id,line_no,sku,qty\nO9,1,A1,1\nO9,2,B2,1\nO9,1,A1,1\n' > ok.csv
	run -0 oms-import -q orders ok.csv
}

@test "bad: order-level columns that differ between the lines of one order" {
	base_store
	printf 'order_id,line_no,sku,qty,priority\nO9,1,A1,1,3\nO9,2,B2,1,4\n' > bad.csv
	before=$(state)
	run -65 oms-import orders bad.csv
	assert_output - <<EOF
oms-import: bad.csv:3: priority differs from line 2 of the same order
$(nothing_imported 2)
EOF
	assert_equal "$(state)" "$before"
}

@test "bad: invalid UTF-8" {
	base_store
	printf 'sku,description\nZ1,caf\xe9\n' > bad.csv
	before=$(state)
	run -65 oms-import items bad.csv
	assert_output - <<EOF
oms-import: bad.csv:2: a field is not valid UTF-8
$(nothing_imported 1)
EOF
	assert_equal "$(state)" "$before"
}

@test "bad: a NUL byte" {
	base_store
	printf 'sku,description\nZ1,ca\0fe\n' > bad.csv
	before=$(state)
	run -65 oms-import items bad.csv
	assert_output - <<EOF
oms-import: bad.csv:2: a field holds a NUL byte
$(nothing_imported 1)
EOF
	assert_equal "$(state)" "$before"
	printf '[{"sku": "Z1", "description": "ca\\u0000fe"}]\n' > bad.json
	run -65 oms-import items bad.json
	assert_line --index 0 'oms-import: bad.json:1: a value holds a NUL character'
	assert_equal "$(state)" "$before"
}

@test "bad: a control character in a key" {
	base_store
	printf 'sku,description\n"Z\t1",a\n' > bad.csv
	before=$(state)
	run -65 oms-import items bad.csv
	assert_line --index 0 'oms-import: bad.csv:2: sku holds a control character, got "Z\x091"'
	assert_equal "$(state)" "$before"
}

@test "bad: an empty file is bad data" {
	base_store
	: > empty.csv
	before=$(state)
	run -65 oms-import items empty.csv
	assert_output "oms-import: empty.csv: empty input: no header row"
	assert_equal "$(state)" "$before"
	: > empty.json
	run -65 oms-import items empty.json
	assert_output "oms-import: empty.json: empty input: no JSON value"
	assert_equal "$(state)" "$before"
}

@test "a header-only file is 0 records, exit 0" {
	base_store
	printf 'sku,description\n' > header.csv
	before=$(state)
	run -0 oms-import items header.csv
	assert_output "oms-import: items: 0 records, 0 inserted, 0 updated, 0 unchanged, 0 rejected; nothing changed"
	assert_equal "$(state)" "$before"
	echo '[]' > empty.json
	run -0 oms-import items empty.json
	assert_output "oms-import: items: 0 records, 0 inserted, 0 updated, 0 unchanged, 0 rejected; nothing changed"
}

@test "bad: a missing required column" {
	base_store
	printf 'order_id,sku,qty\nO9,A1,1\n' > bad.csv
	before=$(state)
	run -65 oms-import orders bad.csv
	assert_output 'oms-import: bad.csv:1: missing required column "line_no"'
	assert_equal "$(state)" "$before"
	printf 'order_id,sku\nO9,A1\n' > bad.csv
	run -65 oms-import orders bad.csv
	assert_output 'oms-import: bad.csv:1: missing required columns "line_no", "qty"'
	assert_equal "$(state)" "$before"
}

@test "bad: a column named twice" {
	printf 'sku,SKU\nZ1,Z1\n' > bad.csv
	run -65 oms-import items bad.csv
	assert_output 'oms-import: bad.csv:1: column "sku" appears twice in the header'
}

@test "bad: a required value left empty" {
	base_store
	printf 'order_id,line_no,sku,qty\nO9,1,A1,\n' > bad.csv
	before=$(state)
	run -65 oms-import orders bad.csv
	assert_line --index 0 'oms-import: bad.csv:2: qty is empty'
	assert_equal "$(state)" "$before"
}

@test "bad: a truncated last line; a last line without its newline is fine" {
	base_store
	printf 'sku,description\nZ1,a\nZ2' > bad.csv
	before=$(state)
	run -65 oms-import items bad.csv
	assert_output - <<EOF
oms-import: bad.csv:3: expected 2 fields as in the header, got 1
$(nothing_imported 1)
EOF
	assert_equal "$(state)" "$before"
	printf 'sku,description\r\nZ1,a\r\nZ2,b' > ok.csv
	run -0 oms-import items ok.csv
	assert_output "oms-import: items: 2 records, 2 inserted, 0 updated, 0 unchanged, 0 rejected"
}

@test "bad: invalid JSON in an array" {
	base_store
	printf '[\n  {"customer_id": "C1"},\n  {"customer_id": }\n]\n' > bad.json
	before=$(state)
	run -65 oms-import customers bad.json
	assert_output - <<EOF
oms-import: bad.json:3: invalid JSON: unexpected token near '}'
$(nothing_imported 1)
EOF
	assert_equal "$(state)" "$before"
}

@test "bad: JSON cut off before its end" {
	base_store
	printf '[\n  {"customer_id": "C1"},\n  {"customer_id": "C2"' > bad.json
	before=$(state)
	run -65 oms-import customers bad.json
	assert_output "oms-import: bad.json:3: invalid JSON: the input ends inside an object"
	assert_equal "$(state)" "$before"
	printf '[\n  {"customer_id": "C1"}\n' > bad.json
	run -65 oms-import customers bad.json
	assert_output "oms-import: bad.json:2: invalid JSON: the input ends before the closing ]"
	assert_equal "$(state)" "$before"
}

@test "bad: invalid JSON Lines" {
	base_store
	printf '{"customer_id": "C1"}\n{"customer_id": "C2",}\n{"customer_id": "C3"}\n' > bad.jsonl
	before=$(state)
	run -65 oms-import customers bad.jsonl
	assert_output - <<EOF
oms-import: bad.jsonl:2: invalid JSON: string or '}' expected near '}'
$(nothing_imported 1)
EOF
	assert_equal "$(state)" "$before"
}

@test "bad: JSON with a key twice, or an object where a value belongs" {
	base_store
	before=$(state)
	printf '[{"customer_id": "C1", "customer_id": "C2"}]\n' > bad.json
	run -65 oms-import customers bad.json
	assert_line --index 0 "oms-import: bad.json:1: invalid JSON: duplicate object key near '\"customer_id\"'"
	printf '[{"customer_id": "C1", "name": {"first": "Ann"}}]\n' > bad.json
	run -65 oms-import customers bad.json
	assert_line --index 0 "oms-import: bad.json:1: a value is an object or array where a single value belongs"
	printf '[{"customer_id": "C1"}, 42]\n' > bad.json
	run -65 oms-import customers bad.json
	assert_line --index 0 "oms-import: bad.json:1: invalid JSON: expected an object"
	assert_equal "$(state)" "$before"
}

@test "bad: a file that does not exist (66)" {
	base_store
	before=$(state)
	run -66 oms-import items nope.csv
	assert_output "oms-import: nope.csv: cannot open: No such file or directory"
	assert_equal "$(state)" "$before"
}

@test "bad: a directory given as a file (66)" {
	base_store
	mkdir adir
	before=$(state)
	run -66 oms-import items adir
	assert_output "oms-import: adir: is a directory, not a file"
	assert_equal "$(state)" "$before"
}

@test "bad: several bad rows, every one reported with the line it starts on" {
	base_store
	cat > bad.csv <<'EOF'
order_id,line_no,sku,qty,ship_name
O7,1,A1,2,"Ann
Lee"
O7,2,NOPE,1,"Ann
Lee"
O8,1,A1,x,Bo
O9,1,B2,1,Cy
O10,1,B2,1,"Dee
O10,1,B2
EOF
	before=$(state)
	run -65 oms-import orders bad.csv
	assert_output - <<EOF
oms-import: bad.csv:4: sku "NOPE" is not a known item (import items first)
oms-import: bad.csv:6: qty must be a positive integer, got "x"
oms-import: bad.csv:8: a quoted field is never closed (the input ends inside quotes)
$(nothing_imported 4)
EOF
	assert_equal "$(state)" "$before"
}

@test "bad: every problem of a file is found, not just the first" {
	base_store
	printf 'sku,unit_price,weight_kg,ship_alone\nZ1,-1,1,0\nZ2,1,-2,0\nZ3,1,1,maybe\nZ4,1,1,1\n' > bad.csv
	before=$(state)
	run -65 oms-import items bad.csv
	assert_output - <<EOF
oms-import: bad.csv:2: unit_price must be an amount like 12.34 (at most 2 decimals), got "-1"
oms-import: bad.csv:3: weight_kg must be a non-negative weight in kg, got "-2"
oms-import: bad.csv:4: ship_alone must be 0 or 1 (or true/false, yes/no), got "maybe"
$(nothing_imported 3)
EOF
	assert_equal "$(state)" "$before"
}

# ---------------------------------------------------------------------
# --rejects and --max-rejects

@test "--rejects: good rows committed, bad rows written with an error column" {
	base_store
	printf 'sku,description,unit_price\nZ1,"a, b",1\nZ2,b,x\nZ3,"say ""hi""",2\nZ4,d,-5\n' > items.csv
	run -0 oms-import items --rejects rejects.csv items.csv
	assert_output - <<'EOF'
oms-import: items.csv:3: unit_price must be an amount like 12.34 (at most 2 decimals), got "x"
oms-import: items.csv:5: unit_price must be an amount like 12.34 (at most 2 decimals), got "-5"
oms-import: items: 4 records, 2 inserted, 0 updated, 0 unchanged, 2 rejected
EOF
	cat > expected.csv <<'EOF'
sku,description,unit_price,error
Z2,b,x,"unit_price must be an amount like 12.34 (at most 2 decimals), got ""x"""
Z4,d,-5,"unit_price must be an amount like 12.34 (at most 2 decimals), got ""-5"""
EOF
	diff -u expected.csv rejects.csv
	run -0 sqlite3 "$OMS_DB" "select sku, description, unit_price from item where sku like 'Z%' order by sku"
	assert_output - <<'EOF'
Z1|a, b|100
Z3|say "hi"|200
EOF
}

@test "--rejects: a bad line of an order rejects every line of that order" {
	base_store
	run -0 oms-import orders --rejects rejects.csv "$DATA/orders-bad.csv"
	assert_output - <<EOF
oms-import: $DATA/orders-bad.csv:3: sku "NOPE" is not a known item (import items first)
oms-import: $DATA/orders-bad.csv:6: qty must be a positive integer, got "-1"
oms-import: $DATA/orders-bad.csv:7: node "ST2" does not offer pickup
oms-import: orders: 7 records, 2 orders (2 inserted, 0 updated, 0 unchanged); lines: 2 inserted, 0 updated, 0 unchanged, 5 rejected
EOF
	diff -u "$DATA/orders-bad.rejects.csv" rejects.csv
	run -0 oms-report lines
	assert_output - <<'EOF'
order_id,line_no,sku,qty,status,open,backordered,allocated,routed,released,shipped,cancelled,returned,nodes
R2,1,A1,1,open,1,0,0,0,0,0,0,0,
R5,1,B2,1,open,1,0,0,0,0,0,0,0,
EOF
}

@test "--rejects: the rejects file, fixed, imports cleanly (the error column is ignored)" {
	base_store
	run -0 oms-import -q orders --rejects rejects.csv "$DATA/orders-bad.csv"
	sed -e 's/,NOPE,/,B2,/' -e 's/,-1,/,1,/' -e 's/,pickup,ST2,/,pickup,ST1,/' rejects.csv > fixed.csv
	run -0 oms-import orders fixed.csv
	assert_output - <<'EOF'
oms-import: warning: fixed.csv: ignoring unknown columns "error"
oms-import: orders: 5 records, 3 orders (3 inserted, 0 updated, 0 unchanged); lines: 5 inserted, 0 updated, 0 unchanged, 0 rejected
EOF
}

@test "--rejects: JSON input gives JSON Lines rejects with an error key" {
	base_store
	run -0 oms-import orders --rejects rejects.jsonl "$DATA/orders-bad.json"
	assert_output - <<EOF
oms-import: $DATA/orders-bad.json:2: sku "NOPE" is not a known item (import items first)
oms-import: $DATA/orders-bad.json:5: qty must be a positive integer, got "0.5"
oms-import: orders: 4 records, 1 order (1 inserted, 0 updated, 0 unchanged); lines: 1 inserted, 0 updated, 0 unchanged, 3 rejected
EOF
	diff -u "$DATA/orders-bad.rejects.jsonl" rejects.jsonl
	run -0 sqlite3 "$OMS_DB" "select group_concat(order_id) from orders"
	assert_output S2
}

@test "--rejects: JSON that does not parse is kept as text" {
	printf '{"customer_id": "C1"}\n{"customer_id": "C2",}\n' > in.jsonl
	run -0 oms-import -q customers --rejects rejects.jsonl in.jsonl
	cat > expected.jsonl <<'EOF'
{"text":"{\"customer_id\": \"C2\",}","error":"invalid JSON: string or '}' expected near '}'"}
EOF
	diff -u expected.jsonl rejects.jsonl
}

@test "--rejects: rows of a second CSV input follow under its own header" {
	oms-import -q nodes "$DATA/nodes.csv"
	printf 'sku,unit_price\nZ1,x\n' > a.csv
	printf 'sku,weight_kg,unit_price\nZ2,1,y\n' > b.csv
	run -0 oms-import -q items --rejects rejects.csv a.csv b.csv
	cat > expected.csv <<'EOF'
sku,unit_price,error
Z1,x,"unit_price must be an amount like 12.34 (at most 2 decimals), got ""x"""
sku,weight_kg,unit_price,error
Z2,1,y,"unit_price must be an amount like 12.34 (at most 2 decimals), got ""y"""
EOF
	diff -u expected.csv rejects.csv
}

@test "--rejects: a row with broken quoting is written with its text unchanged" {
	oms-import -q nodes "$DATA/nodes.csv"
	printf 'sku,description\nZ1,27" monitor\nZ2,ok\n' > in.csv
	run -0 oms-import -q items --rejects rejects.csv in.csv
	cat > expected.csv <<'EOF'
sku,description,error
Z1,27" monitor,"a quote inside an unquoted field: quote the whole field and double the quote, as in ""27"""" monitor"""
EOF
	diff -u expected.csv rejects.csv
}

@test "--rejects: a row with broken quoting does not take the order before it down" {
	base_store
	printf 'order_id,line_no,sku,qty,ship_name\nO9,1,B2,1,Cy\nO10,1,B2,1,27" tv\nO11,1,A1,1,Di\n' > in.csv
	run -0 oms-import orders --rejects rejects.csv in.csv
	assert_output - <<'EOF'
oms-import: in.csv:3: a quote inside an unquoted field: quote the whole field and double the quote, as in "27"" monitor"
oms-import: orders: 3 records, 2 orders (2 inserted, 0 updated, 0 unchanged); lines: 2 inserted, 0 updated, 0 unchanged, 1 rejected
EOF
	run -0 sqlite3 "$OMS_DB" "select group_concat(order_id) from (select order_id from orders order by 1)"
	assert_output "O11,O9"
}

@test "--rejects: with nothing rejected the file holds nothing" {
	base_store
	run -0 oms-import -q items --rejects rejects.csv "$DATA/items.csv"
	run -0 cat rejects.csv
	assert_output ""
}

@test "--max-rejects N: past N rejected rows, abort with nothing written" {
	base_store
	printf 'sku,unit_price\nM1,x\nM2,y\nM3,z\nM4,1\n' > items.csv
	before=$(state)
	run -65 oms-import items --rejects rejects.csv --max-rejects 2 items.csv
	assert_output - <<'EOF'
oms-import: items.csv:2: unit_price must be an amount like 12.34 (at most 2 decimals), got "x"
oms-import: items.csv:3: unit_price must be an amount like 12.34 (at most 2 decimals), got "y"
oms-import: items.csv:4: unit_price must be an amount like 12.34 (at most 2 decimals), got "z"
oms-import: more than 2 records rejected (--max-rejects); nothing imported
EOF
	assert_equal "$(state)" "$before"
	[ ! -e rejects.csv ]
	run -0 oms-import items --rejects rejects.csv --max-rejects 3 items.csv
	assert_line --index 3 "oms-import: items: 4 records, 1 inserted, 0 updated, 0 unchanged, 3 rejected"
}

@test "--rejects: a rejects file that cannot be created is exit 73" {
	base_store
	before=$(state)
	run -73 oms-import items --rejects nodir/rejects.csv "$DATA/items.csv"
	assert_output "oms-import: nodir/rejects.csv: cannot create: No such file or directory"
	assert_equal "$(state)" "$before"
}

# ---------------------------------------------------------------------
# the command line

@test "usage: no kind (64)" {
	run -64 oms-import
	assert_line --index 0 "oms-import: which kind of data? (items, nodes, inventory, customers, orders, postal, rates, channels, holdrules, supply, groups, rules)"
	assert_line --index 1 --partial "usage: oms-import "
	[ ! -e "$OMS_DB" ]
}

@test "usage: an unknown kind (64)" {
	run -64 oms-import widgets "$DATA/items.csv"
	assert_line --index 0 'oms-import: unknown kind "widgets"'
	assert_line --index 1 --partial "usage: oms-import "
	[ ! -e "$OMS_DB" ]
}

@test "usage: --delta with a kind other than inventory (64)" {
	run -64 oms-import --delta items "$DATA/items.csv"
	assert_output "oms-import: --delta is for inventory"
	run -64 oms-import --force inventory "$DATA/inventory.csv"
	assert_output "oms-import: --force only makes sense with --delta or --received"
	[ ! -e "$OMS_DB" ]
}

@test "usage: --max-rejects without --rejects (64)" {
	run -64 oms-import --max-rejects 3 items "$DATA/items.csv"
	assert_output "oms-import: --max-rejects needs --rejects FILE"
	run -64 oms-import --rejects r.csv --max-rejects lots items "$DATA/items.csv"
	assert_output 'oms-import: --max-rejects must be a non-negative integer, got "lots"'
	[ ! -e "$OMS_DB" ]
}

@test "usage: an unknown option or a bad option value (64)" {
	run -64 oms-import --frobnicate items
	assert_line --index 0 "oms-import: unrecognized option '--frobnicate'"
	run -64 oms-import --input-format xml items
	assert_line --index 0 'oms-import: --input-format must be csv, json or jsonl, got "xml"'
	run -64 oms-import --busy-timeout soon items
	assert_line --index 0 'oms-import: --busy-timeout must be a non-negative integer, got "soon"'
	[ ! -e "$OMS_DB" ]
}

@test "--help prints usage on standard output and exits 0" {
	run -0 --separate-stderr oms-import --help
	assert_output - <<'EOF'
usage: oms-import [-hqv] [--busy-timeout ms] [--db path] [--delta] [--dry-run]
                  [--force] [--input-format format] [--max-rejects n]
                  [--received] [--rejects file] [--strict-refs]
                  kind [file ...]
       oms-import --version
kind: items, nodes, inventory, customers, orders, postal, rates, channels,
      holdrules, supply, groups, rules
EOF
	assert_equal "$stderr" ""
	run -0 oms-import -h
	assert_line --index 0 --partial "usage: oms-import "
}

@test "--version" {
	run -0 oms-import --version
	assert_output "oms-import (oms) 0.1.0"
}

@test "--input-format overrides the extension" {
	oms-import -q nodes "$DATA/nodes.csv"
	printf '{"sku": "Z1"}\n{"sku": "Z2"}\n' > items.txt
	run -0 oms-import --input-format jsonl items items.txt
	assert_output "oms-import: items: 2 records, 2 inserted, 0 updated, 0 unchanged, 0 rejected"
}

@test "a long import shows a progress meter on a terminal, and only there" {
	awk 'BEGIN { print "customer_id,name"; for (i = 1; i <= 300000; i++) print "C" i ",Name " i }' \
		</dev/null > big.csv
	# script(1) gives the command a terminal; the meter redraws with \r
	script -qec "oms-import customers big.csv" /dev/null > tty.out
	grep -q "$(printf '\r')oms-import: big.csv: [0-9]* records" tty.out
	grep -q "customers: 300000 records, 300000 inserted" tty.out
	# not a terminal: the summary alone
	run -0 oms-import customers big.csv
	assert_output "oms-import: customers: 300000 records, 0 inserted, 0 updated, 300000 unchanged, 0 rejected; nothing changed"
	# -q on a terminal: nothing at all
	script -qec "oms-import -q customers big.csv" /dev/null > quiet.out
	[ ! -s quiet.out ]
}

# (issue 17, item 16: "1 units")
@test "a count of one says its noun in the singular: 1 record, 1 empty row, 1 order" {
	base_store
	printf 'order_id,line_no,sku,qty\nS1,1,A1,1\n,,,\n' > one.csv
	run -0 oms-import orders one.csv
	assert_output - <<'EOF2'
oms-import: warning: one.csv: skipped 1 empty row
oms-import: orders: 1 record, 1 order (1 inserted, 0 updated, 0 unchanged); lines: 1 inserted, 0 updated, 0 unchanged, 0 rejected
EOF2
	printf 'sku,unit_price\nX1,x\nX2,y\n' > bad.csv
	run -65 oms-import items --rejects rejects.csv --max-rejects 1 bad.csv
	assert_line --index 2 "oms-import: more than 1 record rejected (--max-rejects); nothing imported"
}

# (issue 17, item 16: an unknown customer_id was accepted silently)
@test "orders naming unknown customers: imported, with one warning that counts them and names the first three" {
	base_store
	oms-import -q customers "$DATA/customers.csv"
	{
		echo order_id,line_no,sku,qty,customer_id
		echo U1,1,A1,1,C1
		for i in 2 3 4 5 6; do
			echo "U$i,1,A1,1,X$i"
			echo "U$i,2,B2,1,X$i"
		done
		echo U7,1,A1,1,
	} > unknown.csv
	run -0 oms-import orders unknown.csv
	assert_output - <<'EOF2'
oms-import: warning: 5 orders name a customer_id that is not a known customer: order "U2" ("X2"), order "U3" ("X3"), order "U4" ("X4") and 2 more; import customers first, or refuse such orders with --strict-refs
oms-import: orders: 12 records, 7 orders (7 inserted, 0 updated, 0 unchanged); lines: 12 inserted, 0 updated, 0 unchanged, 0 rejected
EOF2
	run -0 sqlite3 "$OMS_DB" "select count(*) from orders where customer_id like 'X%'"
	assert_output 5
	printf 'order_id,line_no,sku,qty,customer_id\nU8,1,A1,1,X8\n' > one.csv
	run -0 oms-import orders one.csv
	assert_line --index 0 'oms-import: warning: 1 order names a customer_id that is not a known customer: order "U8" ("X8"); import customers first, or refuse such orders with --strict-refs'
	# -q: not a word
	printf 'order_id,line_no,sku,qty,customer_id\nU9,1,A1,1,X9\n' > one.csv
	run -0 oms-import -q orders one.csv
	assert_output ""
}

@test "--strict-refs: an order naming an unknown customer is bad, like an unknown sku; with --rejects the others go in" {
	base_store
	oms-import -q customers "$DATA/customers.csv"
	printf 'order_id,line_no,sku,qty,customer_id\nS1,1,A1,1,C1\nS2,1,A1,1,NOBODY\nS2,2,B2,1,NOBODY\nS3,1,A1,1,\n' > s.csv
	before=$(state)
	run -65 oms-import --strict-refs orders s.csv
	assert_output - <<'EOF2'
oms-import: s.csv:3: customer_id "NOBODY" is not a known customer (import customers first)
oms-import: 2 bad records; nothing imported (use --rejects FILE to import the good ones)
EOF2
	assert_equal "$(state)" "$before"
	run -0 oms-import --strict-refs --rejects rejects.csv orders s.csv
	run -0 cat rejects.csv
	assert_output - <<'EOF2'
order_id,line_no,sku,qty,customer_id,error
S2,1,A1,1,NOBODY,"customer_id ""NOBODY"" is not a known customer (import customers first)"
S2,2,B2,1,NOBODY,"rejected with its order: line 3: customer_id ""NOBODY"" is not a known customer (import customers first)"
EOF2
	run -0 sqlite3 "$OMS_DB" "select order_id from orders order by order_id"
	assert_output - <<'EOF2'
S1
S3
EOF2
	run -64 oms-import --strict-refs items "$DATA/items.csv"
	assert_output "oms-import: --strict-refs is for orders"
}

# (issue 17, item 16: method=SHIP was refused while booleans ignore case)
@test "words of a fixed list (a node's type, a line's method) in any case, as booleans: stored in lowercase" {
	printf 'node_id,type,lat,lon\nW1,Warehouse,40.5,-74.4\nS1,STORE,40.7,-74.0\nL1,Locker,40.7,-73.9\n' > nodes.csv
	run -0 oms-import -q nodes nodes.csv
	run -0 sqlite3 "$OMS_DB" "select node_id, type, can_ship, can_pickup, accepts_returns from node order by node_id"
	assert_output - <<'EOF2'
L1|locker|0|0|0
S1|store|1|1|1
W1|warehouse|1|0|1
EOF2
	printf 'sku\nA1\n' | oms-import -q items -
	printf 'order_id,line_no,sku,qty,method,pickup_node\nM1,1,A1,1,SHIP,\nM1,2,A1,1,Pickup,S1\nM1,3,A1,1,LOCKER,L1\n' > o.csv
	run -0 oms-import -q orders o.csv
	run -0 sqlite3 "$OMS_DB" "select line_no, method from order_line order by line_no"
	assert_output - <<'EOF2'
1|ship
2|pickup
3|locker
EOF2
	# the same again in lowercase: unchanged
	tr 'A-Z' 'a-z' < o.csv | sed 's/,a1,/,A1,/; s/,s1$/,S1/; s/,l1$/,L1/; s/^m1,/M1,/' > lower.csv
	run -0 oms-import orders lower.csv
	assert_output --partial "(0 inserted, 0 updated, 1 unchanged)"
	printf 'order_id,line_no,sku,qty,method\nM2,1,A1,1,shipping\n' > bad.csv
	run -65 oms-import orders bad.csv
	assert_line --index 0 'oms-import: bad.csv:2: method must be one of ship, pickup, curbside, locker, got "shipping"'
}

# (issue 17, item 16: a rates import kept the bands the new file no longer had)
@test "rates: an import is the whole card; the bands it does not have are removed, with their count and event" {
	oms-import -q rates "$DATA/rates.csv"
	printf 'max_km,base_cost,per_kg,transit_days\n100,5.00,0.20,1\n500,8.00,0.25,2\n' > card.csv
	run -0 oms-import rates card.csv
	assert_output "oms-import: rates: 2 records, 1 inserted, 1 updated, 0 unchanged, 2 removed, 0 rejected"
	run -0 sqlite3 "$OMS_DB" "select * from rate order by max_km"
	assert_output - <<'EOF2'
100.0|5.0|0.2|1
500.0|8.0|0.25|2
EOF2
	run -0 sqlite3 "$OMS_DB" "select payload from event where type = 'import.rates' order by seq desc limit 1"
	assert_output '{"inserted":1,"updated":1,"unchanged":0,"removed":2}'
	# a card in two files is their bands together
	printf 'max_km,base_cost,per_kg,transit_days\n100,5.00,0.20,1\n' > near.csv
	printf 'max_km,base_cost,per_kg,transit_days\n5000,12.50,0,5\n' > far.csv
	run -0 oms-import rates near.csv far.csv
	assert_output "oms-import: rates: 2 records, 1 inserted, 0 updated, 1 unchanged, 1 removed, 0 rejected"
	run -0 sqlite3 "$OMS_DB" "select max_km from rate order by max_km"
	assert_output - <<'EOF2'
100.0
5000.0
EOF2
	# a dry run removes nothing
	run -0 oms-import --dry-run rates near.csv
	assert_output "oms-import: dry run, nothing written: rates: 1 record, 0 inserted, 0 updated, 1 unchanged, 1 removed, 0 rejected"
	run -0 sqlite3 "$OMS_DB" "select count(*) from rate"
	assert_output 2
}

@test "rates: an input without a band is refused; with rejected rows the other bands are kept, with a warning" {
	oms-import -q rates "$DATA/rates.csv"
	before=$(state)
	printf 'max_km,base_cost,per_kg,transit_days\n' > empty.csv
	run -65 oms-import rates empty.csv
	assert_output "oms-import: no rate band in the input: a rates import is the whole rate card; nothing changed"
	assert_equal "$(state)" "$before"
	printf 'max_km,base_cost,per_kg,transit_days\n50,4.00,0.10,1\n500,x,0.25,2\n' > card.csv
	run -0 oms-import --rejects rejects.csv rates card.csv
	assert_output - <<'EOF2'
oms-import: card.csv:3: base_cost must be a non-negative amount, got "x"
oms-import: warning: 2 rate bands not in the input kept, as 1 row was rejected: fix it and import the whole card again
oms-import: rates: 2 records, 0 inserted, 1 updated, 0 unchanged, 0 removed, 1 rejected
EOF2
	run -0 sqlite3 "$OMS_DB" "select max_km, base_cost from rate order by max_km"
	assert_output - <<'EOF2'
50.0|4.0
500.0|7.0
5000.0|12.5
EOF2
}
