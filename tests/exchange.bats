# oms-return exchange: a return paired with a replacement (a care order of
# the new item at no charge), the price difference charged or refunded, an
# advance exchange charged when its return does not come in time
# (oms-return expire-exchanges); rejected receipts; refunds in a tender.
# The store is made by the real pipeline (import, allocate, route,
# release, confirm); every figure is worked out by hand beside it.
load helper

R=$DATA/return
X=$DATA/exchange
XHDR=exchange_id,rma_id,order_id,line_no,sku,qty,new_sku,advance,replacement_order,unit_price,merchandise,difference,amount,due_by,charge_id,refund_id,tender,reason,channel,node_id
HDR=rma_id,order_id,line_no,sku,qty,amount,reason,channel,node_id,condition,disposition,merchandise,restocking_fee,shipping,refund_id
# an order id of 198 bytes: its replacement's id "<id>-X1" would be 201
LONG=$(printf 'L%.0s' $(seq 198))

# The network of tests/data/return, the items of tests/data/exchange (A1
# and A2 at 20.00, A3 at 25.00, A4 at 15.00, Z9 inactive; DC1 has 1 of A2)
# and its orders, every unit shipped from DC1 on 5 November:
#   X1 (customer C1) line 1: 2 x A1 at 20.00 = 40.00
#   X1 line 2: 3 x A1 at 20.00 less 1.00 = 59.00 (the discount by unit:
#      floor(100 k / 3) - floor(100 (k - 1) / 3) = 0.33, 0.33, 0.34)
#   X1 shipping 5.00: X1 paid 104.00
#   X2 (no customer): 1 x A1 at 20.00
#   LONG (C1): 1 x A1 at 20.00
exchange_store() {
	oms-import -q nodes "$R/nodes.csv"
	oms-import -q items "$X/items.csv"
	oms-import -q inventory "$X/inventory.csv"
	oms-import -q customers "$X/customers.csv"
	oms-import -q orders "$X/orders.csv"
	oms-import -q rates "$DATA/rates.csv"
	oms-allocate -q > /dev/null
	oms-route -q > /dev/null
	oms-release -q --day 2026-11-04 |
	    awk -F, 'NR == 1 { print "release_id,line_no,status,qty,at" }
	    NR > 1 { print $1 "," $4 ",shipped," $6 ",2026-11-05T10:00:00Z" }' > shipped.csv
	oms-release -q --confirm shipped.csv
	[ "$(sqlite3 "$OMS_DB" "select sum(shipped) from order_line")" -eq 7 ]
}

# Exchange records (CSV rows after this header) with oms-return exchange at ARGS.
exchange() {
	{ echo order_id,line_no,qty,reason,new_sku,advance,tender; cat; } > exchange.csv
	oms-return exchange "$@" exchange.csv
}

# Receipt records (CSV rows after this header) with oms-return receive at ARGS.
receive() {
	{ echo rma_id,line_no,qty,condition,node_id,disposition,tender; cat; } > receive.csv
	oms-return receive "$@" receive.csv
}

consistent() {
	run -0 oms-report check
	assert_output "$CHECK_HEAD"
}

# The events since seq $1: order|type|payload
events_since() {
	sqlite3 "$OMS_DB" "select order_id, type, payload from event where seq > $1 order by seq"
}

last_seq() {
	sqlite3 "$OMS_DB" "select max(seq) from event"
}

# The store's state, then oms-return exchange of one record refused with
# exit 65 and MESSAGE, the store unchanged.
refused() {
	local before

	before=$(state)
	run -65 --separate-stderr exchange --at 2026-11-10
	assert_output ""
	assert_equal "$stderr" "$1
oms-return: 1 bad record; nothing done (use --rejects FILE to apply the good ones)"
	assert_equal "$(state)" "$before"
}

@test "even exchange: the return received earns no refund but a care order of the new item at no charge, served first by the next runs" {
	exchange_store
	seq0=$(last_seq)
	# one A1 of X1 line 1 (20.00, no discount) for an A2 (20.00): even
	run -0 --separate-stderr exchange --at 2026-11-10 <<'EOF'
X1,1,1,wrong size,A2,,
EOF
	assert_output - <<EOF
$XHDR
1,RMA-X1-1,X1,1,A1,1,A2,0,,20.00,20.00,0.00,,,,,original,wrong size,mail,
EOF
	assert_equal "$stderr" "oms-return: 1 exchange (1 unit) in 1 RMA, 0 replacement orders; 0 charges, 0.00; 0 refunds, 0.00; 0 rejected"
	run -0 events_since "$seq0"
	assert_output - <<'EOF'
X1|exchange.created|{"exchange_id":1,"rma_id":"RMA-X1-1","line_no":1,"sku":"A1","qty":1,"new_sku":"A2","advance":false,"replacement_order":null,"unit_price":20.00,"merchandise":20.00,"difference":0.00,"due_by":null,"tender":"original"}
X1|rma.authorized|{"rma_id":"RMA-X1-1","channel":"mail","node_id":null,"lines":[{"line_no":1,"sku":"A1","qty":1,"reason":"wrong size"}]}
EOF
	# nothing replaced before the return is received
	run -0 sqlite3 "$OMS_DB" "select count(*) from orders where order_id like 'X1-%'"
	assert_output 0
	consistent
	# a later web order wants the one A2 too
	printf 'order_id,line_no,sku,qty,created_at,unit_price,ship_lat,ship_lon\nX3,1,A2,1,2026-11-01,20.00,40.75,-73.99\n' |
	    oms-import -q orders -
	seq0=$(last_seq)
	run -0 --separate-stderr receive --at 2026-11-12 <<'EOF'
RMA-X1-1,1,1,new,DC1,,
EOF
	assert_output - <<EOF
$HDR
RMA-X1-1,X1,1,A1,1,,wrong size,mail,DC1,new,restock,,,,
EOF
	assert_equal "$stderr" "oms-return: 1 line received (1 unit: 1 restocked, 0 damaged); 0 refunds, 0.00 in all; 1 replacement order; 0 rejected"
	run -0 events_since "$seq0"
	assert_output - <<'EOF'
X1|line.returned|{"rma_id":"RMA-X1-1","line_no":1,"sku":"A1","qty":1,"condition":"new","disposition":"restock","node_id":"DC1","exchange_id":1}
|inventory.delta|{"node_id":"DC1","sku":"A1","delta":1,"on_hand":14,"reason":"return","rma_id":"RMA-X1-1"}
X1-X1|order.created|{"order_id":"X1-X1","channel":"care","lines":1,"units":1,"exchange_id":1,"replaces":"X1"}
EOF
	# no refund, no charge: the unit is exchanged, not refunded
	run -0 sqlite3 "$OMS_DB" "select count(*) from refund union all select count(*) from charge"
	assert_output - <<'EOF'
0
0
EOF
	# the care order: X1's customer and ship-to, priority 1, no shipping charge,
	# one line of A2 at 0
	run -0 sqlite3 "$OMS_DB" "select order_id, channel, customer_id, created_at, priority,
	    ship_name, ship_city, ship_postal_code, ship_lat, ship_lon, shipping_charge
	    from orders where order_id = 'X1-X1';
	    select line_no, sku, qty, unit_price, discount, method from order_line
	    where order_id = 'X1-X1';
	    select returned from order_line where order_id = 'X1' and line_no = 1;
	    select replacement_order from exchange"
	assert_output - <<'EOF'
X1-X1|care|C1|2026-11-12T00:00:00Z|1|Ann Lee|New York|10001|40.75|-73.99|0
1|A2|1|0|0|ship
1
X1-X1
EOF
	consistent
	# the care order is served before X3, older but of priority 5
	run -0 --separate-stderr oms-allocate
	assert_output - <<'EOF'
order_id,line_no,sku,qty,allocated,backordered,reason
X1-X1,1,A2,1,1,0,
X3,1,A2,1,0,1,no stock in the network
EOF
	run -0 --separate-stderr oms-route --format jsonl
	run -0 jq -r '[.order_id, .node_id, .qty] | @csv' <<<"$output"
	assert_output '"X1-X1","DC1",1'
	consistent
}

@test "uneven exchange, dearer: the difference charged to the cent when the return comes, no refund" {
	exchange_store
	# one A1 of X1 line 2 for an A3 at 25.00: the first unit of the line,
	# paid 20.00 less its 0.33 of the discount = 19.67; 25.00 - 19.67 = 5.33
	run -0 exchange --at 2026-11-10 <<'EOF'
X1,2,1,wants deluxe,A3,0,
EOF
	assert_line --index 1 "1,RMA-X1-1,X1,2,A1,1,A3,0,,25.00,19.67,5.33,,,,,original,wants deluxe,mail,"
	seq0=$(last_seq)
	run -0 --separate-stderr receive --at 2026-11-12 <<'EOF'
RMA-X1-1,2,1,opened,DC1,,
EOF
	assert_equal "$stderr" "oms-return: 1 line received (1 unit: 1 restocked, 0 damaged); 0 refunds, 0.00 in all; 1 replacement order; 1 charge, 5.33 in all; 0 rejected"
	run -0 events_since "$seq0"
	assert_output - <<'EOF'
X1|line.returned|{"rma_id":"RMA-X1-1","line_no":2,"sku":"A1","qty":1,"condition":"opened","disposition":"restock","node_id":"DC1","exchange_id":1}
|inventory.delta|{"node_id":"DC1","sku":"A1","delta":1,"on_hand":14,"reason":"return","rma_id":"RMA-X1-1"}
X1-X1|order.created|{"order_id":"X1-X1","channel":"care","lines":1,"units":1,"exchange_id":1,"replaces":"X1"}
X1|exchange.charged|{"charge_id":1,"kind":"exchange_difference","exchange_id":1,"rma_id":"RMA-X1-1","line_no":2,"qty":1,"new_sku":"A3","amount":5.33,"reason":"exchange for A3"}
EOF
	run -0 sqlite3 "$OMS_DB" "select charge_id, order_id, line_no, exchange_id, kind, amount,
	    reason, at from charge; select count(*) from refund"
	assert_output - <<'EOF'
1|X1|2|1|exchange_difference|533|exchange for A3|2026-11-12T00:00:00Z
0
EOF
	consistent
}

@test "uneven exchange, cheaper: the difference refunded (kind exchange) in store credit, the ledger credited" {
	exchange_store
	# both A1 of X1 line 1 (40.00) for two A4 at 15.00: 30.00 - 40.00 = -10.00
	run -0 exchange --at 2026-11-10 <<'EOF'
X1,1,2,too big,A4,no,store_credit
EOF
	assert_line --index 1 "1,RMA-X1-1,X1,1,A1,2,A4,0,,15.00,40.00,-10.00,,,,,store_credit,too big,mail,"
	# one comes back: the line is not complete, nothing replaced yet
	run -0 receive --at 2026-11-12 <<'EOF'
RMA-X1-1,1,1,new,DC1,,
EOF
	run -0 sqlite3 "$OMS_DB" "select count(*) from refund union all select count(*) from orders where order_id like 'X1-%'"
	assert_output - <<'EOF'
0
0
EOF
	seq0=$(last_seq)
	run -0 --separate-stderr receive --at 2026-11-13 <<'EOF'
RMA-X1-1,1,1,new,DC1,,
EOF
	assert_output - <<EOF
$HDR
RMA-X1-1,X1,1,A1,1,10.00,too big,mail,DC1,new,restock,10.00,0.00,0.00,1
EOF
	assert_equal "$stderr" "oms-return: 1 line received (1 unit: 1 restocked, 0 damaged); 1 refund, 10.00 in all; 1 replacement order; 0 rejected"
	run -0 events_since "$seq0"
	assert_output - <<'EOF'
X1|line.returned|{"rma_id":"RMA-X1-1","line_no":1,"sku":"A1","qty":1,"condition":"new","disposition":"restock","node_id":"DC1","exchange_id":1}
|inventory.delta|{"node_id":"DC1","sku":"A1","delta":1,"on_hand":15,"reason":"return","rma_id":"RMA-X1-1"}
X1-X1|order.created|{"order_id":"X1-X1","channel":"care","lines":1,"units":2,"exchange_id":1,"replaces":"X1"}
X1|refund.issued|{"refund_id":1,"kind":"exchange","rma_id":"RMA-X1-1","line_no":1,"amount":10.00,"merchandise":10.00,"restocking_fee":0.00,"shipping":0.00,"reason":"exchange for A4","tender":"store_credit","customer_id":"C1","credit_balance":10.00}
EOF
	run -0 sqlite3 "$OMS_DB" "select order_id, line_no, rma_id, kind, amount, tender from refund;
	    select * from store_credit"
	assert_output - <<'EOF'
X1|1|RMA-X1-1|exchange|1000|store_credit
1|C1|1000|1|X1|exchange for A4||2026-11-13T00:00:00Z|13
EOF
	run -0 sqlite3 "$OMS_DB" "select sku, qty, unit_price from order_line where order_id = 'X1-X1'"
	assert_output "A4|2|0"
	consistent
}

@test "advance exchange: the replacement at once; what is not returned by due_by is charged by expire-exchanges, once" {
	exchange_store
	# two A1 of X1 line 2 for two A2, in advance, a 10-day window: units 1
	# and 2 of the line paid 40.00 less 0.66 = 39.34; 2 x 20.00 - 39.34 =
	# 0.66 charged at once
	seq0=$(last_seq)
	run -0 --separate-stderr exchange --at 2026-11-10 --window 10 <<'EOF'
X1,2,2,defective,A2,yes,
EOF
	assert_output - <<EOF
$XHDR
1,RMA-X1-1,X1,2,A1,2,A2,1,X1-X1,20.00,39.34,0.66,0.66,2026-11-20T00:00:00Z,1,,original,defective,mail,
EOF
	assert_equal "$stderr" "oms-return: 1 exchange (2 units) in 1 RMA, 1 replacement order; 1 charge, 0.66; 0 refunds, 0.00; 0 rejected"
	run -0 events_since "$seq0"
	assert_output - <<'EOF'
X1-X1|order.created|{"order_id":"X1-X1","channel":"care","lines":1,"units":2,"exchange_id":1,"replaces":"X1"}
X1|exchange.created|{"exchange_id":1,"rma_id":"RMA-X1-1","line_no":2,"sku":"A1","qty":2,"new_sku":"A2","advance":true,"replacement_order":"X1-X1","unit_price":20.00,"merchandise":39.34,"difference":0.66,"due_by":"2026-11-20T00:00:00Z","tender":"original"}
X1|exchange.charged|{"charge_id":1,"kind":"exchange_difference","exchange_id":1,"rma_id":"RMA-X1-1","line_no":2,"qty":2,"new_sku":"A2","amount":0.66,"reason":"exchange for A2"}
X1|rma.authorized|{"rma_id":"RMA-X1-1","channel":"mail","node_id":null,"lines":[{"line_no":2,"sku":"A1","qty":2,"reason":"defective"}]}
EOF
	consistent
	# one unit comes back in time: no refund (exchanged), no second replacement
	run -0 receive --at 2026-11-15 <<'EOF'
RMA-X1-1,2,1,new,DC1,,
EOF
	assert_line --index 1 "RMA-X1-1,X1,2,A1,1,,defective,mail,DC1,new,restock,,,,"
	# before the due date: nothing to charge
	run -0 --separate-stderr oms-return expire-exchanges --at 2026-11-19T23:59:59Z
	assert_output "$XHDR"
	assert_equal "$stderr" "oms-return: 0 advance exchanges past due (0 units not returned): 0 charges, 0.00 in all"
	# past it: the unit missing, the second of the two, paid 39.34 - 19.67 = 19.67
	seq0=$(last_seq)
	run -0 --separate-stderr oms-return expire-exchanges --at 2026-11-21
	assert_output - <<EOF
$XHDR
1,RMA-X1-1,X1,2,,1,A2,1,X1-X1,,,,19.67,2026-11-20T00:00:00Z,2,,,advance exchange: 1 of 2 units not returned by 2026-11-20T00:00:00Z,,
EOF
	assert_equal "$stderr" "oms-return: 1 advance exchange past due (1 unit not returned): 1 charge, 19.67 in all"
	run -0 events_since "$seq0"
	assert_output - <<'EOF'
X1|exchange.charged|{"charge_id":2,"kind":"exchange_unreturned","exchange_id":1,"rma_id":"RMA-X1-1","line_no":2,"qty":1,"new_sku":"A2","amount":19.67,"reason":"advance exchange: 1 of 2 units not returned by 2026-11-20T00:00:00Z"}
EOF
	run -0 sqlite3 "$OMS_DB" "select charge_id, order_id, line_no, exchange_id, kind, amount from charge;
	    select charged_at from exchange"
	assert_output - <<'EOF'
1|X1|2|1|exchange_difference|66
2|X1|2|1|exchange_unreturned|1967
2026-11-21T00:00:00Z
EOF
	# a second run charges nothing
	before=$(state)
	run -0 --separate-stderr oms-return expire-exchanges --at 2026-11-22
	assert_output "$XHDR"
	assert_equal "$stderr" "oms-return: 0 advance exchanges past due (0 units not returned): 0 charges, 0.00 in all"
	run -0 sqlite3 "$OMS_DB" "select count(*) from charge"
	assert_output 2
	# the charged unit, come back late after all, is refunded as a plain return:
	# unit 2 of the line, 20.00 - 0.33 = 19.67, no fee for a defective one
	# (the seller's fault) but its share of the 5.00 shipping over X1's 5
	# units, 1.00: 20.67
	run -0 receive --at 2026-11-23 <<'EOF'
RMA-X1-1,2,1,new,DC1,,
EOF
	assert_line --index 1 "RMA-X1-1,X1,2,A1,1,20.67,defective,mail,DC1,new,restock,19.67,0.00,1.00,1"
	consistent
}
