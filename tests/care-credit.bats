# Care's money: price adjustments (oms-order adjust), the tender of a
# refund, and store credit (its ledger, spend, the credit view, and what
# oms-report check verifies).  Every figure is worked out by hand in the
# comment beside it.
load helper
R=$DATA/return

# The network of tests/data/return (DC1 holds A1 and B2) and three orders:
#   M1 (customer C1) line 1: 3 x A1 at 10.00 less 1.00 = 29.00
#   M1 line 2: 2 x B2 at 5.00 = 10.00; shipping 6.99
#   M2 (customer C1) line 1: 1 x A1 at 10.00
#   G1 (no customer) line 1: 1 x B2 at 5.00
credit_store() {
	oms-import -q nodes "$R/nodes.csv"
	oms-import -q items "$R/items.csv"
	oms-import -q inventory "$R/inventory.csv"
	oms-import -q orders - <<'EOF'
order_id,line_no,sku,qty,created_at,unit_price,discount,shipping_charge,method,pickup_node,ship_lat,ship_lon,customer_id
M1,1,A1,3,2026-11-02,10.00,1.00,6.99,ship,,40.75,-73.99,C1
M1,2,B2,2,2026-11-02,5.00,0,6.99,ship,,40.75,-73.99,C1
M2,1,A1,1,2026-11-03,10.00,0,0,ship,,40.75,-73.99,C1
G1,1,B2,1,2026-11-03,5.00,0,0,ship,,40.75,-73.99,
EOF
	oms-allocate -q > /dev/null
}

# Every refund: order|line|kind|amount|code|tender|reason
refunds_are() {
	run -0 sqlite3 "$OMS_DB" "select order_id, quote(line_no), kind, amount, code, tender,
	    reason from refund order by refund_id"
	assert_output -
}

# Every ledger entry: customer|amount|refund_id|order_ref|reason|by
ledger_is() {
	run -0 sqlite3 "$OMS_DB" "select customer_id, amount, quote(refund_id), order_ref,
	    reason, by from store_credit order by entry_id"
	assert_output -
}

# What a refused change must leave as it was: refunds, ledger, events.
snapshot() {
	sqlite3 "$OMS_DB" "select count(*), coalesce(sum(amount), 0) from refund;
	    select count(*), coalesce(sum(amount), 0) from store_credit;
	    select count(*) from event"
}

consistent() {
	run -0 oms-report check
	assert_output "$CHECK_HEAD"
}

@test "adjust a line by an amount and by a percent: refunds of kind adjustment with the code, to the cent" {
	credit_store
	run -0 --separate-stderr oms-order adjust M1 2 1.50 --code damaged_box --by ann
	assert_equal "$stderr" "oms-order: 1 change applied, 0 unchanged, 0 rejected; 1.50 adjusted"
	# 10% of line 1's 29.00 (3 x 10.00 less the 1.00 discount) = 2.90
	run -0 --separate-stderr oms-order adjust M1 1 10% --code price_match --reason "competitor" --by ann
	assert_equal "$stderr" "oms-order: 1 change applied, 0 unchanged, 0 rejected; 2.90 adjusted"
	refunds_are <<'EOF'
M1|2|adjustment|150|damaged_box|original|damaged_box
M1|1|adjustment|290|price_match|original|competitor
EOF
	run -0 sqlite3 "$OMS_DB" "select type, payload from event where type in
	    ('order.adjusted', 'refund.issued') order by seq"
	assert_output - <<'EOF'
order.adjusted|{"line_no":2,"amount":1.50,"code":"damaged_box","tender":"original","by":"ann","reason":null}
refund.issued|{"refund_id":1,"kind":"adjustment","rma_id":null,"line_no":2,"amount":1.50,"merchandise":1.50,"restocking_fee":0.00,"shipping":0.00,"reason":"damaged_box","code":"damaged_box","tender":"original"}
order.adjusted|{"line_no":1,"amount":2.90,"percent":10.00,"of":29.00,"code":"price_match","tender":"original","by":"ann","reason":"competitor"}
refund.issued|{"refund_id":2,"kind":"adjustment","rma_id":null,"line_no":1,"amount":2.90,"merchandise":2.90,"restocking_fee":0.00,"shipping":0.00,"reason":"competitor","code":"price_match","tender":"original"}
EOF
	consistent
}

@test "adjust the whole order: spread over its lines by what each may still be given, parts adding up exactly" {
	credit_store
	# line 1 may be given 29.00, line 2 10.00: 39.00 in all.
	# 5.00 x 29/39 = 3.7179..: floor(500 x 2900 / 3900) = 371; line 2 gets 500 - 371 = 129
	run -0 --separate-stderr oms-order adjust M1 5.00 --code promotion_missed
	assert_equal "$stderr" "oms-order: 1 change applied, 0 unchanged, 0 rejected; 5.00 adjusted"
	refunds_are <<'EOF'
M1|1|adjustment|371|promotion_missed|original|promotion_missed
M1|2|adjustment|129|promotion_missed|original|promotion_missed
EOF
	# a percent of the order: 10% of (29.00 + 10.00) = 3.90, spread over what is
	# left: line 1 29.00 - 3.71 = 25.29, line 2 10.00 - 1.29 = 8.71, 34.00 in all;
	# floor(390 x 2529 / 3400) = 290, line 2 gets 100
	run -0 oms-order adjust M1 10% --code promotion_missed
	refunds_are <<'EOF'
M1|1|adjustment|371|promotion_missed|original|promotion_missed
M1|2|adjustment|129|promotion_missed|original|promotion_missed
M1|1|adjustment|290|promotion_missed|original|promotion_missed
M1|2|adjustment|100|promotion_missed|original|promotion_missed
EOF
	run -0 sqlite3 "$OMS_DB" "select payload from event where type = 'order.adjusted' order by seq desc limit 1"
	assert_output --partial '{"line_no":null,"amount":3.90,"percent":10.00,"of":39.00,"code":"promotion_missed","tender":"original","by":'
	consistent
}

@test "the cap: a line can be adjusted down to nothing, not a cent more; the store unchanged on refusal" {
	credit_store
	before=$(snapshot)
	run -65 oms-order adjust M1 2 10.01 --code damaged_box
	assert_output 'oms-order: cannot adjust order "M1" line 2 by 10.01: at most 10.00 (10.00 paid for the 2 units kept or coming, 0.00 appeased or adjusted already, within what is left to refund)'
	assert_equal "$(snapshot)" "$before"
	run -0 oms-order -q adjust M1 2 10.00 --code damaged_box
	before=$(snapshot)
	run -65 oms-order adjust M1 2 0.01 --code damaged_box
	assert_output 'oms-order: cannot adjust order "M1" line 2 by 0.01: nothing is left to give (10.00 paid for the 2 units kept or coming, 10.00 appeased or adjusted already, within what is left to refund)'
	assert_equal "$(snapshot)" "$before"
	# the order: line 1's 29.00 is all that is left
	run -65 oms-order adjust M1 29.01 --code damaged_box
	assert_output 'oms-order: cannot adjust order "M1" by 29.01: at most 29.00 (39.00 paid for the 5 units kept or coming, 10.00 appeased or adjusted already, within what is left to refund)'
	assert_equal "$(snapshot)" "$before"
	consistent
}

@test "cancelled units are refunded, not adjusted: a percent is of what is kept, and a later cancel stays within the cap" {
	credit_store
	# cancel one A1 of M1 line 1: 10.00 less its share of the 1.00 discount,
	# counted last: floor(100 x 3 / 3) - floor(100 x 2 / 3) = 100 - 66 = 34: 9.66
	run -0 oms-order -q cancel M1 1 1
	# 50% of the 2 units kept: 20.00 less their 0.66 = 19.34, half 9.67
	run -0 --separate-stderr oms-order adjust M1 1 50% --code price_match
	assert_equal "$stderr" "oms-order: 1 change applied, 0 unchanged, 0 rejected; 9.67 adjusted"
	# cancel the other two: their 19.34, within what is left of the line's
	# merchandise: 29.00 less the 9.66 and 9.67 refunded, 9.67 (the line's
	# shipping share, 4.19, is not merchandise: the adjustment does not eat it)
	run -0 oms-order -q cancel M1 1
	refunds_are <<'EOF'
M1|1|cancel|966||original|cancelled
M1|1|adjustment|967|price_match|original|price_match
M1|1|cancel|967||original|cancelled
EOF
	consistent
}

@test "tender store_credit: the refund credits the customer's ledger; credit shows it; spend debits it, never below zero" {
	credit_store
	run -0 oms-order -q adjust M1 1 2.00 --code price_match --tender store_credit --by ann
	run -0 oms-order -q cancel M1 2 1 --tender store_credit --reason "changed mind"
	ledger_is <<'EOF'
C1|200|1|M1|price_match|
C1|500|2|M1|changed mind|
EOF
	run -0 sqlite3 "$OMS_DB" "select payload from event where type = 'refund.issued' order by seq"
	assert_output - <<'EOF'
{"refund_id":1,"kind":"adjustment","rma_id":null,"line_no":1,"amount":2.00,"merchandise":2.00,"restocking_fee":0.00,"shipping":0.00,"reason":"price_match","code":"price_match","tender":"store_credit","customer_id":"C1","credit_balance":2.00}
{"refund_id":2,"kind":"cancel","rma_id":null,"line_no":2,"amount":5.00,"merchandise":5.00,"restocking_fee":0.00,"shipping":0.00,"reason":"changed mind","tender":"store_credit","customer_id":"C1","credit_balance":7.00}
EOF
	before=$(snapshot)
	run -65 oms-order spend C1 7.01 W100
	assert_output 'oms-order: cannot spend 7.01 of customer "C1"'"'"'s store credit: the balance is 7.00 (it never goes below zero)'
	assert_equal "$(snapshot)" "$before"
	run -0 --separate-stderr oms-order spend C1 7.00 W100 --by bob --reason "web order"
	assert_equal "$stderr" "oms-order: 1 change applied, 0 unchanged, 0 rejected; 7.00 of store credit spent"
	run -0 sqlite3 "$OMS_DB" "select order_id, payload from event where type = 'credit.spent'"
	assert_output 'W100|{"customer_id":"C1","amount":7.00,"credit_balance":0.00,"by":"bob","reason":"web order"}'
	before=$(snapshot)
	run -65 oms-order spend C1 0.01 W101
	assert_output 'oms-order: cannot spend 0.01 of customer "C1"'"'"'s store credit: the balance is 0.00 (it never goes below zero)'
	assert_equal "$(snapshot)" "$before"
	run -0 oms-order credit C1
	output=$(printf '%s\n' "$output" | sed -E 's/20[0-9-]{8}T[0-9:]{8}Z/TIME/')
	assert_output - <<'EOF'
entry_id,at,customer_id,kind,amount,balance,refund_id,order_id,reason,by
1,TIME,C1,credit,2.00,2.00,1,M1,price_match,
2,TIME,C1,credit,5.00,7.00,2,M1,changed mind,
3,TIME,C1,spend,-7.00,0.00,,W100,web order,bob
EOF
	run -0 jq -c '.customer.store_credit' <<<"$(oms-order customer C1)"
	assert_output 0
	consistent
}

@test "store credit refused: a guest order, another customer's order, a spend of a percent; the store unchanged" {
	credit_store
	before=$(snapshot)
	run -65 oms-order adjust G1 1 1.00 --code damaged_box --tender store_credit
	assert_output 'oms-order: order G1 has no customer: store credit is kept per customer (refund it with --tender original)'
	run -65 oms-order cancel G1 --tender store_credit
	assert_output 'oms-order: order G1 has no customer: store credit is kept per customer (refund it with --tender original)'
	run -0 oms-order -q adjust M2 1 3.00 --code damaged_box --tender store_credit
	before=$(snapshot)
	run -65 oms-order spend C2 1.00 M2
	assert_output 'oms-order: cannot spend customer "C2"'"'"'s store credit on order "M2": it is customer "C1"'"'"'s order'
	run -65 oms-order spend C1 1.00 G1
	assert_output 'oms-order: cannot spend customer "C1"'"'"'s store credit on order "G1": it is a guest'"'"'s order'
	run -65 oms-order spend C1 10% W1
	assert_output 'oms-order: spend takes an amount, not a percent, got "10%"'
	assert_equal "$(snapshot)" "$before"
	run -65 oms-order credit C9
	assert_output 'oms-order: unknown customer "C9"'
}

@test "adjust and spend as stream rows: all or nothing; with --rejects each row sees the ones before" {
	credit_store
	cat > changes.csv <<'EOF'
order_id,line_no,action,amount,code,tender,customer_id,reason
M1,2,adjust,4.00,damaged_box,store_credit,,box crushed
W7,,spend,3.00,,,C1,
W8,,spend,1.01,,,C1,
M1,2,adjust,,damaged_box,,,
M1,2,adjust,1.00,Damaged,,,
M1,2,adjust,1.00,damaged_box,cash,,
M1,2,cancel,,,store_credit,,
EOF
	before=$(snapshot)
	run -65 oms-order apply changes.csv
	assert_output - <<'EOF'
oms-order: changes.csv:4: cannot spend 1.01 of customer "C1"'s store credit: the balance is 1.00 (it never goes below zero)
oms-order: changes.csv:5: adjust needs an amount (like 5.00, or a percent like 10%)
oms-order: changes.csv:6: code must be a word of lowercase letters, digits and underscores, at most 32 (like price_match), got "Damaged"
oms-order: changes.csv:7: tender must be original or store_credit, got "cash"
oms-order: 4 bad changes; nothing applied (use --rejects FILE to apply the good ones)
EOF
	assert_equal "$(snapshot)" "$before"
	run -0 oms-order apply --by desk --rejects rejects.csv changes.csv
	# 4.00 adjusted to credit; 3.00 spent; 1.01 refused (1.00 left); the cancel
	# of line 2 (2 x 5.00 = 10.00), within what is left of its merchandise,
	# 10.00 less the 4.00 given: 6.00 to credit
	ledger_is <<'EOF'
C1|400|1|M1|box crushed|
C1|-300|NULL|W7||desk
C1|600|2|M1|cancelled|
EOF
	run -0 cut -d, -f1-4 rejects.csv
	assert_output - <<'EOF'
order_id,line_no,action,amount
W8,,spend,1.01
M1,2,adjust,
M1,2,adjust,1.00
M1,2,adjust,1.00
EOF
	consistent
}

@test "--dry-run of adjust and spend writes nothing; usage errors exit 64" {
	credit_store
	oms-order -q adjust M1 1 2.00 --code price_match --tender store_credit
	before=$(snapshot)
	run -0 --separate-stderr oms-order --dry-run adjust M1 1 1.00 --code price_match
	assert_equal "$stderr" "oms-order: dry run, nothing written: 1 change applied, 0 unchanged, 0 rejected; 1.00 adjusted"
	run -0 --separate-stderr oms-order --dry-run spend C1 2.00 W1
	assert_equal "$stderr" "oms-order: dry run, nothing written: 1 change applied, 0 unchanged, 0 rejected; 2.00 of store credit spent"
	assert_equal "$(snapshot)" "$before"
	run -64 oms-order adjust M1 1 1.00 2.00 --code x
	assert_line --index 0 "oms-order: adjust takes order [line] amount|pct% --code code"
	run -64 oms-order cancel M1 --code x
	assert_line --index 0 "oms-order: --code is for adjust"
	run -64 oms-order hold M1 fraud --tender store_credit
	assert_line --index 0 "oms-order: --tender is for cancel and adjust (and a stream of changes)"
	run -64 oms-order credit C1 --tender original
	assert_line --index 0 "oms-order: show, customer and credit only read: --dry-run, --input-format, --rejects, --by, --reason, --tender, --code, --ref, --ship-*, --price, --discount and --node do not apply"
	run -64 oms-order spend C1 2.00
	assert_line --index 0 "oms-order: spend takes customer amount order"
	run -65 oms-order adjust M1 1 1.00
	assert_output "oms-order: adjust needs a code, the reason code (like price_match, damaged_box, promotion_missed)"
	assert_equal "$(snapshot)" "$before"
}

@test "the view and the KPIs keep adjustments apart from appeasements; check finds a ledger out of step" {
	credit_store
	oms-order -q adjust M1 1 2.00 --code price_match --tender store_credit
	run -0 jq -c '.adjustments, .refunds, .appeasements' <<<"$(oms-order show M1)"
	output=$(printf '%s\n' "$output" | sed -E 's/20[0-9-]{8}T[0-9:]{8}Z/TIME/')
	assert_output - <<'EOF'
[{"refund_id":1,"line_no":1,"amount":2,"code":"price_match","reason":"price_match","tender":"store_credit","at":"TIME"}]
[]
[]
EOF
	# M1, M2, G1: revenue counts what shipped, none yet: the share has no base
	run -0 oms-report kpi --format csv
	assert_line --index 0 --partial ',appeasement_share,adjustment_share'
	# tampering: the ledger says more than the refund; a spend past the balance
	sqlite3 "$OMS_DB" "update store_credit set amount = 201 where entry_id = 1;
	    insert into store_credit (customer_id, amount, order_ref, at) values ('C1', -500, 'W9', '2026-12-01T00:00:00Z')"
	run -1 oms-report check
	assert_output - <<'EOF'
check,subject,detail
credit_balance,C1,"store credit went down to -2.99, below zero"
credit_ledger,C1#1,"credited 2.01 for refund 1, which is of 2.00"
EOF
}

@test "a change with a ref is applied once: sent twice, or its file applied again, it is told and changes nothing" {
	credit_store
	run -0 oms-order -q adjust M1 1 2.00 --code price_match --ref desk-0001 --by ann
	before=$(snapshot)
	run -0 --separate-stderr oms-order adjust M1 1 2.00 --code price_match --ref desk-0001 --by bob
	assert_equal "$stderr" "oms-order: warning: change \"desk-0001\" was applied already (adjust of order \"M1\" at $(sqlite3 "$OMS_DB" "select at from change_ref") by ann); nothing changed
oms-order: 0 changes applied, 1 unchanged, 0 rejected; nothing changed"
	assert_equal "$(snapshot)" "$before"
	cat > changes.csv <<'EOF'
order_id,line_no,action,amount,code,customer_id,ref
M1,2,adjust,1.00,damaged_box,,desk-0002
M1,2,adjust,1.00,damaged_box,,desk-0002
W5,,spend,0.50,,C1,web-77
EOF
	oms-order -q adjust M2 1 3.00 --code damaged_box --tender store_credit
	run -0 --separate-stderr oms-order apply changes.csv --by ann
	[[ "$stderr" == *"changes.csv:3: change \"desk-0002\" was applied already (adjust of order \"M1\" at "*" by ann); nothing changed"* ]]
	[[ "$stderr" == *"2 changes applied, 1 unchanged, 0 rejected; 1.00 adjusted; 0.50 of store credit spent" ]]
	before=$(snapshot)
	run -0 --separate-stderr oms-order apply changes.csv --by ann
	[[ "$stderr" == *"0 changes applied, 3 unchanged, 0 rejected; nothing changed" ]]
	assert_equal "$(snapshot)" "$before"
	run -0 sqlite3 "$OMS_DB" "select ref, action, order_id, by from change_ref order by ref"
	assert_output - <<'EOF'
desk-0001|adjust|M1|ann
desk-0002|adjust|M1|ann
web-77|spend|W5|ann
EOF
	run -64 oms-order apply changes.csv --ref x
	assert_line --index 0 "oms-order: --ref is for one change on the command line; a stream gives a ref column"
	consistent
}

@test "released units asked back with --tender store_credit: their refund, when the node answers, goes to store credit" {
	credit_store
	oms-import -q rates "$DATA/rates.csv"
	oms-route -q --order M1 > /dev/null
	oms-release -q --day 2026-11-04 > /dev/null
	release=$(sqlite3 "$OMS_DB" "select release_id from release where order_id = 'M1'")
	# both B2 of line 2 are out at the node: asked back, nothing refunded yet
	run -0 --separate-stderr oms-order cancel M1 2 --tender store_credit --by ann
	assert_equal "$stderr" "oms-order: 1 change applied, 0 unchanged, 0 rejected; 2 released units asked back from the nodes"
	run -0 sqlite3 "$OMS_DB" "select count(*) from refund; select cancel_tender from release_line where line_no = 2"
	assert_output - <<'EOF'
0
store_credit
EOF
	printf 'release_id,line_no,status,qty\n%s,2,cancelled,2\n' "$release" | oms-release -q --confirm -
	# 2 x 5.00, to the customer's store credit
	refunds_are <<'EOF'
M1|2|cancel|1000||store_credit|cancelled
EOF
	ledger_is <<'EOF'
C1|1000|1|M1|cancelled|
EOF
	consistent
}
