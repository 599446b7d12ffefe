# Automatic holds on import: hold rules (oms-import holdrules) and the
# holds oms-import orders places with them on the orders it did not have,
# which care lifts with oms-order unhold as its own.  Every value worked
# out by hand in the comment beside it.
load helper

# The network and catalogue of tests/data (A1 19.99, B2 5.00; DC1 holds
# both), its postal table (10001 US, M5V 2T6 CA, ...) and customers, C3
# flagged.
rules_store() {
	base_store &&
	oms-import -q postal "$DATA/postal.csv" &&
	oms-import -q customers - <<'EOF'
customer_id,name,flagged
C1,Ann Lee,0
C2,Bo Diaz,
C3,Cy Ng,1
EOF
}

# Import hold rules from standard input.
rules() {
	oms-import -q holdrules -
}

# Import orders from standard input, with the columns every test uses.
HEAD=order_id,line_no,sku,qty,channel,customer_id,unit_price,discount,shipping_charge,method,pickup_node,ship_postal_code,ship_country,bill_country
orders() {
	(echo "$HEAD"; cat) | oms-import "$@" orders -
}

# Every hold: order|type|reason|held_by|rule_id
holds_are() {
	run -0 sqlite3 "$OMS_DB" "select order_id, hold_type, reason, held_by, quote(rule_id)
	    from order_hold order by order_id, hold_type"
	assert_output -
}

@test "holdrules: every column lands in the store, an event says what the import did" {
	run -0 oms-import holdrules - <<'EOF'
rule_id,test,value,hold_type,channel,active
big,order_value_over,1000.00,fraud,,
far,unplaceable,,address,web,1
watch,customer_flagged,,customer,,yes
abroad,country_mismatch,,payment,phone,0
EOF
	assert_output "oms-import: holdrules: 4 records, 4 inserted, 0 updated, 0 unchanged, 0 rejected"
	run -0 sqlite3 "$OMS_DB" "select rule_id, test, quote(value), hold_type, channel, active
	    from hold_rule order by rule_id"
	assert_output - <<'EOF'
abroad|country_mismatch|NULL|payment|phone|0
big|order_value_over|100000|fraud||1
far|unplaceable|NULL|address|web|1
watch|customer_flagged|NULL|customer||1
EOF
	run -0 sqlite3 "$OMS_DB" "select type, payload from event"
	assert_output 'import.holdrules|{"inserted":4,"updated":0,"unchanged":0}'
}

@test "holdrules: the same rules again change nothing; a changed rule is updated; no rule is ever removed" {
	cat > rules.csv <<'EOF'
rule_id,test,value,hold_type,channel,active
big,order_value_over,1000.00,fraud,,
far,unplaceable,,address,,
EOF
	oms-import -q holdrules rules.csv
	before=$(state)
	run -0 oms-import holdrules rules.csv
	assert_output "oms-import: holdrules: 2 records, 0 inserted, 0 updated, 2 unchanged, 0 rejected; nothing changed"
	assert_equal "$(state)" "$before"
	# the threshold raised, the other rule made inactive, one new
	run -0 oms-import holdrules - <<'EOF'
rule_id,test,value,hold_type,channel,active
big,order_value_over,1500,fraud,,
far,unplaceable,,address,,0
watch,customer_flagged,,customer,,
EOF
	assert_output "oms-import: holdrules: 3 records, 1 inserted, 2 updated, 0 unchanged, 0 rejected"
	run -0 sqlite3 "$OMS_DB" "select rule_id, quote(value), active from hold_rule order by rule_id"
	assert_output - <<'EOF'
big|150000|1
far|NULL|0
watch|NULL|1
EOF
	run -0 sqlite3 "$OMS_DB" "select payload from event where type = 'import.holdrules'
	    order by seq"
	assert_output - <<'EOF'
{"inserted":2,"updated":0,"unchanged":0}
{"inserted":1,"updated":2,"unchanged":0}
EOF
}

@test "holdrules: every bad row is refused with its reason, and nothing is imported" {
	oms-import -q holdrules - <<'EOF'
rule_id,test,value,hold_type
keep,unplaceable,,address
EOF
	before=$(state)
	run -65 oms-import holdrules - <<'EOF'
rule_id,test,value,hold_type,channel,active
r1,order_value_under,10.00,fraud,,
r2,order_value_over,,fraud,,
r3,order_value_over,ten,fraud,,
r4,order_value_over,12.345,payment,web,
r5,order_value_over,-5,payment,,
r6,unplaceable,,shipping,,
r7,customer_flagged,5.00,customer,,
r8,,,fraud,,
r9,country_mismatch,,,,
r10,country_mismatch,,fraud,,maybe
,unplaceable,,address,,
r11,unplaceable,,address,,
r11,unplaceable,,fraud,,
EOF
	assert_output - <<'EOF'
oms-import: -:2: test must be one of order_value_over, unplaceable, customer_flagged, country_mismatch, got "order_value_under"
oms-import: -:3: value is empty
oms-import: -:4: value must be an amount like 12.34 (at most 2 decimals), got "ten"
oms-import: -:5: value must be an amount like 12.34 (at most 2 decimals), got "12.345"
oms-import: -:6: value must be an amount like 12.34 (at most 2 decimals), got "-5"
oms-import: -:7: hold_type must be fraud, payment, address or customer, got "shipping"
oms-import: -:8: value is only for order_value_over
oms-import: -:9: test is empty
oms-import: -:10: hold_type is empty
oms-import: -:11: active must be 0 or 1 (or true/false, yes/no), got "maybe"
oms-import: -:12: rule_id is empty
oms-import: -:14: duplicate key rule_id "r11" conflicts with line 13
oms-import: 12 bad records; nothing imported (use --rejects FILE to import the good ones)
EOF
	assert_equal "$(state)" "$before"
}

@test "holdrules --rejects: the good rows are imported, the bad ones kept with their reason" {
	run -0 oms-import holdrules --rejects bad.csv - <<'EOF'
rule_id,test,value,hold_type
good,order_value_over,50,Fraud
bad,order_value_over,,fraud
EOF
	assert_output - <<'EOF'
oms-import: -:3: value is empty
oms-import: holdrules: 2 records, 1 inserted, 0 updated, 0 unchanged, 1 rejected
EOF
	run -0 sqlite3 "$OMS_DB" "select rule_id, test, value, hold_type from hold_rule"
	assert_output "good|order_value_over|5000|fraud"
	run -0 cat bad.csv
	assert_line --index 1 "bad,order_value_over,,fraud,value is empty"
}

@test "order_value_over: merchandise less discounts plus shipping above the value holds; equal does not" {
	rules_store
	# V1: 2 x 19.99 - 1.00 + 5.00 shipping = 43.98, over 43.97
	rules <<'EOF'
rule_id,test,value,hold_type
value,order_value_over,43.97,fraud
EOF
	run -0 orders <<'EOF'
V1,1,A1,2,web,C1,19.99,1.00,5.00,ship,,10001,US,
V2,1,A1,2,web,C1,19.99,1.01,5.00,ship,,10001,US,
V3,1,A1,1,web,C1,19.99,0,24.08,ship,,10001,US,
V3,2,B2,5,web,C1,5.00,0.10,24.08,ship,,10001,US,
EOF
	# V2: 39.98 - 1.01 + 5.00 = 43.97, equal: not held; V3: 19.99 + 25.00
	# - 0.10 + 24.08 = 68.97, held
	assert_output "oms-import: orders: 4 records, 3 orders (3 inserted, 0 updated, 0 unchanged); lines: 4 inserted, 0 updated, 0 unchanged, 0 rejected; 2 orders held by hold rules"
	holds_are <<'EOF'
V1|fraud|order value 43.98 over 43.97|rule:value|'value'
V3|fraud|order value 68.97 over 43.97|rule:value|'value'
EOF
	run -0 sqlite3 "$OMS_DB" "select order_id, payload from event where type = 'order.held'
	    order by seq"
	assert_output - <<'EOF'
V1|{"hold_type":"fraud","by":"rule:value","reason":"order value 43.98 over 43.97","rule_id":"value"}
V3|{"hold_type":"fraud","by":"rule:value","reason":"order value 68.97 over 43.97","rule_id":"value"}
EOF
	# each hold's event comes after its order's order.created
	run -0 sqlite3 "$OMS_DB" "select order_id, type from event where order_id is not null
	    order by seq"
	assert_output - <<'EOF'
V1|order.created
V2|order.created
V3|order.created
V1|order.held
V3|order.held
EOF
}

@test "unplaceable: a ship line whose ship-to neither has lat/lon nor a known postal code holds; pickups and placed ship-tos do not" {
	rules_store
	rules <<'EOF'
rule_id,test,value,hold_type
nowhere,unplaceable,,address
EOF
	# U1: 99999 is not in the postal table; U2 gives no postal code at all;
	# U3: 10001 is known; U4 picks up at ST1 (no ship-to needed); U5:
	# " m5v-2t6 " in ca is M5V2T6 CA, known; U6: unknown code, lat/lon given
	run -0 oms-import orders - <<'EOF'
order_id,line_no,sku,qty,method,pickup_node,ship_postal_code,ship_country,ship_lat,ship_lon
U1,1,A1,1,ship,,99999,US,,
U2,1,A1,1,ship,,,US,,
U3,1,A1,1,ship,,10001,US,,
U4,1,A1,1,pickup,ST1,99999,US,,
U5,1,A1,1,ship,,m5v-2t6,ca,,
U6,1,A1,1,ship,,99999,US,40.7,-74.0
EOF
	assert_output --partial "; 2 orders held by hold rules"
	holds_are <<'EOF'
U1|address|destination postal code 99999 (country US) unknown|rule:nowhere|'nowhere'
U2|address|destination unknown (no ship_lat/ship_lon, no postal code)|rule:nowhere|'nowhere'
EOF
}

@test "customer_flagged: a flagged customer's new order is held; flags come with the customers import" {
	rules_store
	rules <<'EOF'
rule_id,test,value,hold_type
watch,customer_flagged,,customer
EOF
	run -0 sqlite3 "$OMS_DB" "select customer_id, flagged from customer order by 1"
	assert_output - <<'EOF'
C1|0
C2|0
C3|1
EOF
	# C9 is no known customer: not flagged
	orders -q <<'EOF'
F1,1,A1,1,web,C1,19.99,0,0,ship,,10001,US,
F2,1,A1,1,web,C3,19.99,0,0,ship,,10001,US,
F3,1,A1,1,web,,19.99,0,0,ship,,10001,US,
F4,1,A1,1,web,C9,19.99,0,0,ship,,10001,US,
EOF
	holds_are <<'EOF'
F2|customer|customer "C3" is flagged|rule:watch|'watch'
EOF
	# the flag lifted: C3's next order is not held
	oms-import -q customers - <<'EOF'
customer_id,name,flagged
C3,Cy Ng,no
EOF
	orders -q <<'EOF'
F5,1,A1,1,web,C3,19.99,0,0,ship,,10001,US,
EOF
	run -0 sqlite3 "$OMS_DB" "select count(*) from order_hold where order_id = 'F5'"
	assert_output 0
}

@test "customers: a flagged value that is not a boolean is refused" {
	rules_store
	before=$(state)
	run -65 oms-import customers - <<'EOF'
customer_id,flagged
C1,maybe
EOF
	assert_output - <<'EOF'
oms-import: -:2: flagged must be 0 or 1 (or true/false, yes/no), got "maybe"
oms-import: 1 bad record; nothing imported (use --rejects FILE to import the good ones)
EOF
	assert_equal "$(state)" "$before"
}

@test "country_mismatch: a bill_country given and not the ship_country holds; the same country in other case does not" {
	rules_store
	rules <<'EOF'
rule_id,test,value,hold_type
abroad,country_mismatch,,payment
EOF
	orders -q <<'EOF'
K1,1,A1,1,web,C1,19.99,0,0,ship,,10001,US,CA
K2,1,A1,1,web,C1,19.99,0,0,ship,,10001,US, us
K3,1,A1,1,web,C1,19.99,0,0,ship,,10001,US,
K4,1,A1,1,web,C1,19.99,0,0,ship,,10001,,GB
EOF
	# K4's ship_country is the default, US
	holds_are <<'EOF'
K1|payment|bill_country "CA" is not ship_country "US"|rule:abroad|'abroad'
K4|payment|bill_country "GB" is not ship_country "US"|rule:abroad|'abroad'
EOF
	run -0 sqlite3 "$OMS_DB" "select order_id, quote(bill_country) from orders order by 1"
	assert_output - <<'EOF'
K1|'CA'
K2|' us'
K3|''
K4|'GB'
EOF
}

@test "an inactive rule holds nothing; a rule of a channel holds that channel's orders only" {
	rules_store
	rules <<'EOF'
rule_id,test,value,hold_type,channel,active
off,order_value_over,1.00,fraud,,0
web-only,order_value_over,10.00,payment,web,
EOF
	orders -q <<'EOF'
W1,1,A1,1,web,C1,19.99,0,0,ship,,10001,US,
W2,1,A1,1,store,C1,19.99,0,0,ship,,10001,US,
W3,1,B2,1,web,C1,5.00,0,0,ship,,10001,US,
EOF
	holds_are <<'EOF'
W1|payment|order value 19.99 over 10.00|rule:web-only|'web-only'
EOF
}

@test "two rules of one hold type: one hold, by the first rule by rule_id that matches; rules of other types hold too" {
	rules_store
	rules <<'EOF'
rule_id,test,value,hold_type
b-value,order_value_over,10.00,fraud
a-flag,customer_flagged,,fraud
c-abroad,country_mismatch,,fraud
d-far,unplaceable,,address
EOF
	# T1 matches all four: a-flag for fraud, d-far for address; T2 only
	# b-value and c-abroad: b-value; T3 only c-abroad
	orders -q <<'EOF'
T1,1,A1,1,web,C3,19.99,0,0,ship,,99999,US,CA
T2,1,A1,1,web,C1,19.99,0,0,ship,,10001,US,CA
T3,1,B2,1,web,C1,5.00,0,0,ship,,10001,US,CA
EOF
	holds_are <<'EOF'
T1|address|destination postal code 99999 (country US) unknown|rule:d-far|'d-far'
T1|fraud|customer "C3" is flagged|rule:a-flag|'a-flag'
T2|fraud|order value 19.99 over 10.00|rule:b-value|'b-value'
T3|fraud|bill_country "CA" is not ship_country "US"|rule:c-abroad|'c-abroad'
EOF
	run -0 sqlite3 "$OMS_DB" "select count(*) from event where type = 'order.held'"
	assert_output 4
}

@test "a held order is not allocated until care lifts the hold with unhold; a re-import does not hold it again" {
	rules_store
	rules <<'EOF'
rule_id,test,value,hold_type
big,order_value_over,30.00,fraud
EOF
	cat > o.csv <<EOF
$HEAD
H1,1,A1,2,web,C1,19.99,0,0,ship,,10001,US,
H2,1,B2,1,web,C1,5.00,0,0,ship,,10001,US,
EOF
	oms-import -q orders o.csv
	oms-allocate -q > /dev/null
	run -0 sqlite3 "$OMS_DB" "select order_id, allocated from order_line order by 1"
	assert_output - <<'EOF'
H1|0
H2|1
EOF
	run -0 --separate-stderr oms-order unhold H1 fraud --by ann --reason "called the customer"
	run -0 sqlite3 "$OMS_DB" "select payload from event where type = 'order.unheld'"
	assert_output '{"hold_type":"fraud","held_by":"rule:big","held_at":"'"$(sqlite3 "$OMS_DB" "select at from event where type = 'order.held'")"'","by":"ann","reason":"called the customer"}'
	# the same file again, and then with a line changed: H1 stays unheld
	run -0 oms-import orders o.csv
	assert_output "oms-import: orders: 2 records, 2 orders (0 inserted, 0 updated, 2 unchanged); lines: 0 inserted, 0 updated, 2 unchanged, 0 rejected; nothing changed"
	sed -i 's/^H1,1,A1,2,/H1,1,A1,3,/' o.csv
	run -0 oms-import orders o.csv
	assert_output "oms-import: orders: 2 records, 2 orders (0 inserted, 1 updated, 1 unchanged); lines: 0 inserted, 1 updated, 1 unchanged, 0 rejected"
	oms-allocate -q > /dev/null
	run -0 sqlite3 "$OMS_DB" "select order_id, allocated from order_line order by 1"
	assert_output - <<'EOF'
H1|3
H2|1
EOF
	run -0 sqlite3 "$OMS_DB" "select count(*) from order_hold"
	assert_output 0
	run -0 sqlite3 "$OMS_DB" "select count(*) from event where type = 'order.held'"
	assert_output 1
}

@test "a re-import of a held order that changes it does not hold it again, nor a second time" {
	rules_store
	rules <<'EOF'
rule_id,test,value,hold_type
big,order_value_over,30.00,fraud
EOF
	orders -q <<'EOF'
R1,1,A1,1,web,C1,19.99,0,0,ship,,10001,US,
EOF
	run -0 sqlite3 "$OMS_DB" "select count(*) from order_hold"
	assert_output 0
	# now over 30.00, but R1 is not new: no hold
	run -0 orders <<'EOF'
R1,1,A1,2,web,C1,19.99,0,0,ship,,10001,US,
EOF
	assert_output "oms-import: orders: 1 record, 1 order (0 inserted, 1 updated, 0 unchanged); lines: 0 inserted, 1 updated, 0 unchanged, 0 rejected"
	run -0 sqlite3 "$OMS_DB" "select count(*) from order_hold"
	assert_output 0
}

@test "orders met one by one (some already in the store) are held as in a batch; more than a batch of new orders too" {
	rules_store
	rules <<'EOF'
rule_id,test,value,hold_type
big,order_value_over,30.00,fraud
EOF
	orders -q <<'EOF'
N1,1,A1,1,web,C1,19.99,0,0,ship,,10001,US,
EOF
	# N1 again makes the batch go one by one: N2 is held on its own write
	orders -q <<'EOF'
N1,1,A1,1,web,C1,19.99,0,0,ship,,10001,US,
N2,1,A1,2,web,C1,19.99,0,0,ship,,10001,US,
EOF
	holds_are <<'EOF'
N2|fraud|order value 39.98 over 30.00|rule:big|'big'
EOF
	# 150 new orders, the odd ones of 2 units (39.98): 75 held, over three batches
	for i in $(seq 1 150); do
		echo "B$i,1,A1,$((i % 2 + 1)),web,C1,19.99,0,0,ship,,10001,US,"
	done > many.csv
	run -0 orders < many.csv
	assert_output "oms-import: orders: 150 records, 150 orders (150 inserted, 0 updated, 0 unchanged); lines: 150 inserted, 0 updated, 0 unchanged, 0 rejected; 75 orders held by hold rules"
	run -0 sqlite3 "$OMS_DB" "select count(*), sum(o.order_id like 'B%'), min(l.qty), max(l.qty)
	    from order_hold h join orders o using (order_id) join order_line l using (order_id)
	    where o.order_id like 'B%'"
	assert_output "75|75|2|2"
	run -0 sqlite3 "$OMS_DB" "select count(*) from event where type = 'order.held'"
	assert_output 76
	run -0 sqlite3 "$OMS_DB" "select json_extract(counts, '$.orders_held') from run
	    order by run_id desc limit 1"
	assert_output 75
}

@test "--dry-run: the holds are counted, none is written" {
	rules_store
	rules <<'EOF'
rule_id,test,value,hold_type
big,order_value_over,10.00,fraud
EOF
	before=$(state)
	run -0 orders --dry-run <<'EOF'
D1,1,A1,1,web,C1,19.99,0,0,ship,,10001,US,
EOF
	assert_output "oms-import: dry run, nothing written: orders: 1 record, 1 order (1 inserted, 0 updated, 0 unchanged); lines: 1 inserted, 0 updated, 0 unchanged, 0 rejected; 1 order held by hold rules"
	assert_equal "$(state)" "$before"
}

@test "a store without rules holds nothing and its summary says nothing of holds" {
	rules_store
	run -0 orders <<'EOF'
Z1,1,A1,9,web,C3,19.99,0,0,ship,,99999,US,CA
EOF
	assert_output "oms-import: orders: 1 record, 1 order (1 inserted, 0 updated, 0 unchanged); lines: 1 inserted, 0 updated, 0 unchanged, 0 rejected"
	run -0 sqlite3 "$OMS_DB" "select count(*) from order_hold"
	assert_output 0
}

@test "the order view shows a hold a rule placed, with its rule; unhold lifts it as care's own" {
	rules_store
	rules <<'EOF'
rule_id,test,value,hold_type
big,order_value_over,10.00,fraud
EOF
	orders -q <<'EOF'
S1,1,A1,1,web,C1,19.99,0,0,ship,,10001,US,
EOF
	run -0 jq -c '.holds[] | del(.held_at)' <<<"$(oms-order show S1)"
	assert_output '{"hold_type":"fraud","reason":"order value 19.99 over 10.00","held_by":"rule:big"}'
	run -0 jq -r '.order.held' <<<"$(oms-order show S1)"
	assert_output true
	run -0 oms-order unhold S1 fraud
	assert_output "oms-order: 1 change applied, 0 unchanged, 0 rejected"
	run -0 jq -c '.holds' <<<"$(oms-order show S1)"
	assert_output '[]'
}
