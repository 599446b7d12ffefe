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

@test "advance exchange returned in time: nothing charged, however often expire-exchanges runs" {
	exchange_store
	# X1 line 1: one A1 (20.00) for an A2 (20.00), in advance, 30 days: even
	run -0 exchange --at 2026-11-10 <<'EOF2'
X1,1,1,wrong colour,A2,true,
EOF2
	assert_line --index 1 "1,RMA-X1-1,X1,1,A1,1,A2,1,X1-X1,20.00,20.00,0.00,0.00,2026-12-10T00:00:00Z,,,original,wrong colour,mail,"
	run -0 receive --at 2026-12-01 <<'EOF2'
RMA-X1-1,1,1,new,DC1,,
EOF2
	before=$(state)
	for at in 2026-12-11 2027-01-15; do
		run -0 --separate-stderr oms-return expire-exchanges --at $at
		assert_output "$XHDR"
		assert_equal "$stderr" "oms-return: 0 advance exchanges past due (0 units not returned): 0 charges, 0.00 in all"
	done
	assert_equal "$(state)" "$before"
	run -0 sqlite3 "$OMS_DB" "select count(*) from charge union all select count(*) from refund
	    union all select count(*) from orders where order_id like 'X1-X%'"
	assert_output - <<'EOF2'
0
0
1
EOF2
	consistent
}

@test "rejected receipts: wrong_item, and each disposition: received, not restocked, not refunded, not returned" {
	exchange_store
	oms-return -q authorize --at 2026-11-10 - <<'EOF2'
order_id,line_no,qty,reason
X1,1,2,changed mind
X1,2,3,changed mind
EOF2
	stock=$(sqlite3 "$OMS_DB" "select on_hand from inventory where node_id = 'DC1' and sku = 'A1'")
	seq0=$(last_seq)
	run -0 --separate-stderr receive --at 2026-11-12 <<'EOF2'
RMA-X1-1,1,1,wrong_item,DC1,,
RMA-X1-1,1,1,new,DC1,dispose,
RMA-X1-1,2,1,damaged,DC1,vendor_return,
RMA-X1-1,2,1,opened,DC1,return_to_customer,
EOF2
	assert_output - <<EOF2
$HDR
RMA-X1-1,X1,1,A1,1,,changed mind,mail,DC1,wrong_item,return_to_customer,,,,
RMA-X1-1,X1,1,A1,1,,changed mind,mail,DC1,new,dispose,,,,
RMA-X1-1,X1,2,A1,1,,changed mind,mail,DC1,damaged,vendor_return,,,,
RMA-X1-1,X1,2,A1,1,,changed mind,mail,DC1,opened,return_to_customer,,,,
EOF2
	assert_equal "$stderr" "oms-return: 4 lines received (4 units: 0 restocked, 0 damaged, 4 turned back); 0 refunds, 0.00 in all; 0 rejected"
	run -0 events_since "$seq0"
	assert_output - <<'EOF2'
X1|line.return_rejected|{"rma_id":"RMA-X1-1","line_no":1,"sku":"A1","qty":1,"condition":"wrong_item","disposition":"return_to_customer","node_id":"DC1"}
X1|line.return_rejected|{"rma_id":"RMA-X1-1","line_no":1,"sku":"A1","qty":1,"condition":"new","disposition":"dispose","node_id":"DC1"}
X1|line.return_rejected|{"rma_id":"RMA-X1-1","line_no":2,"sku":"A1","qty":1,"condition":"damaged","disposition":"vendor_return","node_id":"DC1"}
X1|line.return_rejected|{"rma_id":"RMA-X1-1","line_no":2,"sku":"A1","qty":1,"condition":"opened","disposition":"return_to_customer","node_id":"DC1"}
EOF2
	# received on the RMA, not returned on the order; no stock, no refund
	run -0 sqlite3 "$OMS_DB" "select line_no, qty, received from rma_line order by line_no;
	    select line_no, returned from order_line where order_id = 'X1' order by line_no;
	    select condition, disposition, rejected from receipt order by seq;
	    select count(*) from refund"
	assert_output - <<'EOF2'
1|2|2
2|3|2
1|0
2|0
wrong_item|return_to_customer|1
new|dispose|1
damaged|vendor_return|1
opened|return_to_customer|1
0
EOF2
	assert_equal "$(sqlite3 "$OMS_DB" "select on_hand from inventory where node_id = 'DC1' and sku = 'A1'")" "$stock"
	consistent
	# the rejected units count as the customer's, kept: line 1 may be
	# appeased all it was paid, its 2 units' 40.00 and their 2.00 of the
	# shipping (5.00 over X1's 5 units), and not a cent more
	run -0 oms-return -q appease --at 2026-11-13 - <<'EOF2'
order_id,line_no,amount,reason
X1,1,42.00,goodwill
EOF2
	run -65 oms-return -q appease --at 2026-11-13 - <<'EOF2'
order_id,line_no,amount,reason
X1,1,0.01,goodwill
EOF2
	consistent
}

@test "a rejected exchange unit: no replacement for it (none at all when every unit is rejected); an advance one is charged" {
	exchange_store
	run -0 exchange --at 2026-11-10 --window 10 <<'EOF2'
X1,1,2,wrong size,A2,,
X1,2,1,wrong size,A3,1,
EOF2
	# line 1: one unit rejected, one accepted: a replacement of 1 when the
	# line is complete, the difference for that unit (20.00 - 20.00) nil
	run -0 --separate-stderr receive --at 2026-11-12 <<'EOF2'
RMA-X1-1,1,1,wrong_item,DC1,,
RMA-X1-1,1,1,new,DC1,,
RMA-X1-1,2,1,new,DC1,dispose,
EOF2
	assert_equal "$stderr" "oms-return: 3 lines received (3 units: 1 restocked, 0 damaged, 2 turned back); 0 refunds, 0.00 in all; 1 replacement order; 0 rejected"
	run -0 sqlite3 "$OMS_DB" "select o.order_id, l.sku, l.qty from orders o join order_line l
	    using (order_id) where o.channel = 'care' order by 1"
	# X1-X1: line 2's advance replacement (made first); X1-X2: line 1's
	assert_output - <<'EOF2'
X1-X1|A3|1
X1-X2|A2|1
EOF2
	consistent
	# line 2's one unit, rejected, is charged at its due date: the first unit
	# of the line, 20.00 - 0.33 = 19.67 (its 5.33 difference was charged at once)
	run -0 --separate-stderr oms-return expire-exchanges --at 2026-11-21
	assert_equal "$stderr" "oms-return: 1 advance exchange past due (1 unit not returned): 1 charge, 19.67 in all"
	run -0 sqlite3 "$OMS_DB" "select exchange_id, kind, amount from charge order by charge_id"
	assert_output - <<'EOF2'
2|exchange_difference|533
2|exchange_unreturned|1967
EOF2
	consistent
	# a non-advance exchange whose every unit is rejected gets no replacement
	run -0 exchange --at 2026-11-22 <<'EOF2'
X2,1,1,broken,A1,,
EOF2
	run -0 receive --at 2026-11-23 <<'EOF2'
RMA-X2-1,1,1,wrong_item,DC1,,
EOF2
	run -0 sqlite3 "$OMS_DB" "select count(*) from orders where order_id like 'X2-%'"
	assert_output 0
	run -0 jq -r '.exchanges[] | [.exchange_id, .status, .received, .accepted] | @csv' <<<"$(oms-order show X2)"
	assert_output '3,"rejected",1,0'
	consistent
}

@test "refused: an unknown new_sku, the store unchanged" {
	exchange_store
	echo 'X1,1,1,wrong size,B9,,' | refused 'oms-return: exchange.csv:2: unknown sku "B9": new_sku must be an item'
}

@test "refused: an inactive new_sku, the store unchanged" {
	exchange_store
	echo 'X1,1,1,wrong size,Z9,,' | refused 'oms-return: exchange.csv:2: item "Z9" is not active: it cannot be sent as a replacement'
}

@test "refused: a second exchange of the same unit, the store unchanged" {
	exchange_store
	oms-return -q exchange --at 2026-11-10 - <<'EOF2'
order_id,line_no,qty,reason,new_sku
X2,1,1,wrong size,A2
EOF2
	echo 'X2,1,1,wrong size,A3,,' | refused 'oms-return: exchange.csv:2: qty 1 is more than the 0 units of line 1 of order "X2" that can still be returned (shipped 1, returned 0, authorised and not yet received 1)'
	# nor once it came back
	oms-return -q receive --at 2026-11-11 - <<'EOF2'
rma_id,line_no,qty,condition,node_id
RMA-X2-1,1,1,new,DC1
EOF2
	echo 'X2,1,1,wrong size,A3,,' | refused 'oms-return: exchange.csv:2: qty 1 is more than the 0 units of line 1 of order "X2" that can still be returned (shipped 1, returned 1, authorised and not yet received 0)'
}

@test "refused: more than can be returned, the store unchanged" {
	exchange_store
	echo 'X1,1,3,wrong size,A2,,' | refused 'oms-return: exchange.csv:2: qty 3 is more than the 2 units of line 1 of order "X1" that can still be returned (shipped 2, returned 0, authorised and not yet received 0)'
}

@test "refused: store credit for an order with no customer, the store unchanged" {
	exchange_store
	echo 'X2,1,1,too big,A4,,store_credit' | refused 'oms-return: exchange.csv:2: order X2 has no customer: store credit is kept per customer (refund it with --tender original)'
	# --tender too
	before=$(state)
	echo 'X2,1,1,too big,A4,,' > rows.csv
	run -65 oms-return exchange --tender store_credit --at 2026-11-10 - < <(echo order_id,line_no,qty,reason,new_sku,advance,tender; cat rows.csv)
	assert_line --index 0 'oms-return: -:2: order X2 has no customer: store credit is kept per customer (refund it with --tender original)'
	assert_equal "$(state)" "$before"
}

@test "refused: an order id too long for its replacement's id, the store unchanged" {
	exchange_store
	echo "$LONG,1,1,wrong size,A2,," | refused "oms-return: exchange.csv:2: order id \"${LONG:0:40}...\" is too long to exchange: its replacement's id (the order id and \"-X1\") would be over 200 bytes"
}

@test "--dry-run: the rows and the summary, nothing written" {
	exchange_store
	before=$(state)
	run -0 --separate-stderr exchange --at 2026-11-10 --dry-run <<'EOF2'
X1,2,1,defective,A4,1,store_credit
EOF2
	# the first unit of line 2, 19.67, for an A4 at 15.00: 4.67 back
	assert_output - <<EOF2
$XHDR
1,RMA-X1-1,X1,2,A1,1,A4,1,X1-X1,15.00,19.67,-4.67,-4.67,2026-12-10T00:00:00Z,,1,store_credit,defective,mail,
EOF2
	assert_equal "$stderr" "oms-return: dry run, nothing written: 1 exchange (1 unit) in 1 RMA, 1 replacement order; 0 charges, 0.00; 1 refund, 4.67; 0 rejected"
	assert_equal "$(state)" "$before"
	run -0 --separate-stderr oms-return expire-exchanges --dry-run --at 2027-01-01
	assert_equal "$(state)" "$before"
}

@test "--tender on receive and appease: store credit, the record's column winning over the option; refused for an order with no customer" {
	exchange_store
	before=$(state)
	run -65 oms-return appease --at 2026-11-12 --tender store_credit - <<'EOF2'
order_id,amount,reason
X2,1.00,late
EOF2
	assert_line --index 0 'oms-return: -:2: order X2 has no customer: store credit is kept per customer (refund it with --tender original)'
	assert_equal "$(state)" "$before"
	oms-return -q authorize --at 2026-11-10 - <<'EOF2'
order_id,line_no,qty,reason
X1,1,2,changed mind
X2,1,1,changed mind
EOF2
	# X1 line 1: 20.00 a unit, new: no fee; one to store credit (--tender),
	# one back to the card (its column)
	run -0 receive --at 2026-11-12 --tender store_credit <<'EOF2'
RMA-X1-1,1,1,new,DC1,,
RMA-X1-1,1,1,new,DC1,,original
EOF2
	run -0 oms-return -q appease --tender store_credit --at 2026-11-12 - <<'EOF2'
order_id,amount,reason
X1,2.50,late
EOF2
	run -0 sqlite3 "$OMS_DB" "select refund_id, kind, amount, tender from refund order by refund_id;
	    select * from store_credit"
	assert_output - <<'EOF2'
1|return|2000|store_credit
2|return|2000|original
3|appeasement|250|store_credit
1|C1|2000|1|X1|changed mind||2026-11-12T00:00:00Z|13
2|C1|250|3|X1|late||2026-11-12T00:00:00Z|14
EOF2
	before=$(state)
	run -65 receive --at 2026-11-12 <<'EOF2'
RMA-X2-1,1,1,new,DC1,,store_credit
EOF2
	assert_line --index 0 'oms-return: receive.csv:2: order X2 has no customer: store credit is kept per customer (refund it with --tender original)'
	run -65 receive --at 2026-11-12 <<'EOF2'
RMA-X2-1,1,1,new,DC1,,cash
EOF2
	assert_line --index 0 'oms-return: receive.csv:2: tender must be original or store_credit, got "cash"'
	assert_equal "$(state)" "$before"
	consistent
}

@test "the 360 view: each exchange with its pair, on the order and on its replacement" {
	exchange_store
	oms-return -q exchange --at 2026-11-10 - <<'EOF2'
order_id,line_no,qty,reason,new_sku,advance
X1,1,1,wrong size,A2,0
X1,2,1,wrong size,A3,1
EOF2
	run -0 jq -c '.exchanges[]' <<<"$(oms-order show X1)"
	assert_output - <<'EOF2'
{"exchange_id":1,"order_id":"X1","rma_id":"RMA-X1-1","line_no":1,"sku":"A1","qty":1,"received":0,"accepted":0,"new_sku":"A2","advance":false,"replacement_order":null,"replacement_line":null,"status":"pending","unit_price":20,"merchandise":20,"difference":0,"tender":"original","due_by":null,"charged_at":null,"at":"2026-11-10T00:00:00Z"}
{"exchange_id":2,"order_id":"X1","rma_id":"RMA-X1-1","line_no":2,"sku":"A1","qty":1,"received":0,"accepted":0,"new_sku":"A3","advance":true,"replacement_order":"X1-X1","replacement_line":1,"status":"advanced","unit_price":25,"merchandise":19.67,"difference":5.33,"tender":"original","due_by":"2026-12-10T00:00:00Z","charged_at":null,"at":"2026-11-10T00:00:00Z"}
EOF2
	oms-return -q receive --at 2026-11-12 - <<'EOF2'
rma_id,line_no,qty,condition,node_id
RMA-X1-1,1,1,new,DC1
EOF2
	run -0 oms-order show X1-X2 --format csv
	assert_line --index 0 "order_id,record,line_no,ref,node_id,qty,status,at,data"
	assert_line --partial 'X1-X2,exchange,1,RMA-X1-1,,1,replaced,2026-11-10T00:00:00Z,'
	run -0 jq -r '.orders[] | .order.order_id + ": " + ([.exchanges[] | "\(.exchange_id) \(.status) \(.replacement_order)"] | join(", "))' <<<"$(oms-order customer C1)"
	assert_output - <<EOF2
$LONG: 
X1: 1 replaced X1-X2, 2 advanced X1-X1
X1-X1: 2 advanced X1-X1
X1-X2: 1 replaced X1-X2
EOF2
}

@test "oms-report check: an exchange without its pair, a charge without its exchange" {
	exchange_store
	oms-return -q exchange --at 2026-11-10 - <<'EOF2'
order_id,line_no,qty,reason,new_sku,advance
X1,1,1,wrong size,A2,0
X1,2,1,wrong size,A3,1
EOF2
	consistent
	sqlite3 "$OMS_DB" "update order_line set qty = 2 where order_id = 'X1-X1';
	    update exchange set replacement_order = 'X2' where exchange_id = 1;
	    insert into charge (order_id, kind, amount, at) values ('X1', 'exchange_difference', 1, 'x')"
	run -1 oms-report check
	assert_output - <<'EOF2'
check,subject,detail
exchange_pair,exchange 1,"replacement order X2 made, but its return is not received"
exchange_pair,exchange 2,"replacement order X1-X1 has 2 of A3, not 1"
exchange_pair,charge 2,a charge of order X1 whose exchange 0 is not in the store
EOF2
}

@test "usage: expire-exchanges reads no file; --tender is original or store_credit, for receive, appease and exchange" {
	run -64 oms-return expire-exchanges x.csv
	assert_line --index 0 "oms-return: expire-exchanges reads no file: it charges what the store holds"
	run -64 oms-return exchange --tender cash
	assert_line --index 0 'oms-return: --tender must be original or store_credit, got "cash"'
	run -64 oms-return authorize --tender original
	assert_output "oms-return: --tender is for receive, appease and exchange"
	run -64 oms-return expire-exchanges --window 3
	assert_output "oms-return: --window is for authorize and exchange"
	[ ! -e "$OMS_DB" ]
}

@test "the disposition column takes receive's own words too: damaged puts aside a unit in any condition, restock only new or opened ones" {
	exchange_store
	oms-return -q authorize --at 2026-11-10 - <<'EOF2'
order_id,line_no,qty,reason
X1,1,2,changed mind
EOF2
	before=$(state)
	run -65 receive --at 2026-11-12 <<'EOF2'
RMA-X1-1,1,1,damaged,DC1,restock,
RMA-X1-1,1,1,wrong_item,DC1,damaged,
EOF2
	assert_output - <<'EOF2'
oms-return: receive.csv:2: disposition restock does not go with condition damaged (damaged units are not restocked)
oms-return: receive.csv:3: disposition damaged does not go with condition wrong_item (the wrong item is rejected: return_to_customer, dispose or vendor_return)
oms-return: 2 bad records; nothing done (use --rejects FILE to apply the good ones)
EOF2
	assert_equal "$(state)" "$before"
	# opened, put aside: 20.00 less the 10% fee of an opened unit, 18.00; no stock
	run -0 --separate-stderr receive --at 2026-11-12 <<'EOF2'
RMA-X1-1,1,1,opened,DC1,damaged,
EOF2
	assert_output - <<EOF2
$HDR
RMA-X1-1,X1,1,A1,1,18.00,changed mind,mail,DC1,opened,damaged,20.00,2.00,0.00,1
EOF2
	assert_equal "$stderr" "oms-return: 1 line received (1 unit: 0 restocked, 1 damaged); 1 refund, 18.00 in all; 0 rejected"
	consistent
}
