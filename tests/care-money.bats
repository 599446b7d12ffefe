# Money owed on a cancel, and the one cap every money path stays within.
# Every order is taken as paid when imported: cancelling units records the
# refund of what was paid for them (a refund of kind cancel, with its
# refund.issued event), and the shipping charge too when the whole order
# ends cancelled before anything of it shipped.  Every figure is worked out
# by hand in the comment beside it.
load helper
R=$DATA/return

# The network of tests/data/return (DC1 holds A1 and B2) and two orders:
#   M1 line 1: 3 x A1 at 10.00 less 1.00 (shares 0.33, 0.33, 0.34 by unit)
#   M1 line 2: 2 x B2 at 5.00; shipping 6.99 over M1's 5 units
#      (shares by unit in line order: floor(699 k / 5): 139, 279, 419,
#      559, 699, so 1.39, 1.40, 1.40, 1.40, 1.40)
#   M2 line 1: 1 x A1 at 10.00; shipping 4.00
# M1 paid 30.00 - 1.00 + 10.00 + 6.99 = 45.99; M2 14.00.
money_store() {
	oms-import -q nodes "$R/nodes.csv"
	oms-import -q items "$R/items.csv"
	oms-import -q inventory "$R/inventory.csv"
	oms-import -q orders - <<'EOF'
order_id,line_no,sku,qty,created_at,unit_price,discount,shipping_charge,method,pickup_node,ship_lat,ship_lon
M1,1,A1,3,2026-11-02,10.00,1.00,6.99,ship,,40.75,-73.99
M1,2,B2,2,2026-11-02,5.00,0,6.99,ship,,40.75,-73.99
M2,1,A1,1,2026-11-03,10.00,0,4.00,ship,,40.75,-73.99
EOF
	oms-allocate -q > /dev/null
}

# M1 routed and released to DC1 on 4 November: release 20261104-DC1-000001.
release_m1() {
	oms-import -q rates "$DATA/rates.csv"
	oms-route -q --order M1 > /dev/null
	oms-release -q --day 2026-11-04 > /dev/null
	[ "$(sqlite3 "$OMS_DB" "select group_concat(release_id) from release")" = \
	    20261104-DC1-000001 ]
}

# The node's confirmation of M1's release: LINE STATUS QTY AT.
confirm_m1() {
	confirms=$((${confirms:-0} + 1))
	printf 'release_id,line_no,status,qty,carrier,tracking,at\n20261104-DC1-000001,%s,%s,%s,UPS,1Z%03d,%s\n' \
	    "$1" "$2" "$3" "$confirms" "$4" > confirm-$confirms.csv
	oms-release -q --confirm confirm-$confirms.csv
}

consistent() {
	run -0 oms-report check
	assert_output "$CHECK_HEAD"
}

# Every refund: order|line|kind|amount|merchandise|fee|shipping|reason
refunds_are() {
	run -0 sqlite3 "$OMS_DB" "select order_id, quote(line_no), kind, amount, merchandise,
	    restocking_fee, shipping, reason from refund order by refund_id"
	assert_output -
}

# The refund.issued events: order|payload
refund_events() {
	run -0 sqlite3 "$OMS_DB" "select order_id, payload from event
	    where type = 'refund.issued' order by seq"
	assert_output -
}

@test "cancel open units of a paid line: the refund of what was paid, to the cent, and its event" {
	money_store
	run -0 --separate-stderr oms-order cancel M1 2 1 --by ann --reason "changed mind"
	assert_equal "$stderr" "oms-order: 1 change applied, 0 unchanged, 0 rejected; 1 unit cancelled; 5.00 owed back for cancelled units"
	# one B2 at 5.00, no discount; the order is not cancelled whole: no shipping
	refunds_are <<'EOF'
M1|2|cancel|500|500|0|0|changed mind
EOF
	run -0 sqlite3 "$OMS_DB" "select type, payload from event where seq > (select max(seq)
	    from event where type = 'line.allocated') order by seq"
	assert_output - <<'EOF'
line.cancelled|{"line_no":2,"sku":"B2","cancelled":1,"from_open":0,"from_allocated":1,"from_routed":0,"cancel_requested":0,"by":"ann","reason":"changed mind"}
refund.issued|{"refund_id":1,"kind":"cancel","rma_id":null,"line_no":2,"amount":5.00,"merchandise":5.00,"restocking_fee":0.00,"shipping":0.00,"reason":"changed mind","tender":"original"}
EOF
	consistent
}

@test "three cancels of one unit of a discounted line sum to the line exactly; the last line's cancel brings the shipping charge" {
	money_store
	oms-order -q cancel M1 1 1
	oms-order -q cancel M1 1 1
	oms-order -q cancel M1 1 1
	# cancelled units count last: unit 3 (10.00 - 0.34 = 9.66), then units
	# 2 and 1 (10.00 - 0.33 = 9.67 each): 9.66 + 9.67 + 9.67 = 29.00, the
	# line's 30.00 - 1.00; no --reason: "cancelled"
	refunds_are <<'EOF'
M1|1|cancel|966|966|0|0|cancelled
M1|1|cancel|967|967|0|0|cancelled
M1|1|cancel|967|967|0|0|cancelled
EOF
	run -0 sqlite3 "$OMS_DB" "select sum(amount) from refund where line_no = 1"
	assert_output 2900
	# line 2 (2 x 5.00) leaves M1 cancelled whole, nothing shipped: its
	# 10.00 and the 6.99 shipping charge (a refund of the order, no line)
	oms-order -q cancel M1 2 --reason "out of patience"
	run -0 sqlite3 "$OMS_DB" "select order_id, quote(line_no), kind, amount, merchandise,
	    shipping, reason from refund where refund_id > 3 order by refund_id"
	assert_output - <<'EOF'
M1|2|cancel|1000|1000|0|out of patience
M1|NULL|cancel|699|0|699|out of patience
EOF
	# 29.00 + 10.00 + 6.99 = 45.99, all M1 paid
	run -0 sqlite3 "$OMS_DB" "select sum(amount) from refund where order_id = 'M1'"
	assert_output 4599
	consistent
}

@test "a whole order cancelled before anything shipped: every line and the shipping charge" {
	money_store
	run -0 --separate-stderr oms-order cancel M2 --by ann --reason duplicate
	# 10.00 for the unit, 4.00 of shipping: 14.00
	refunds_are <<'EOF'
M2|1|cancel|1000|1000|0|0|duplicate
M2|NULL|cancel|400|0|0|400|duplicate
EOF
	refund_events <<'EOF'
M2|{"refund_id":1,"kind":"cancel","rma_id":null,"line_no":1,"amount":10.00,"merchandise":10.00,"restocking_fee":0.00,"shipping":0.00,"reason":"duplicate","tender":"original"}
M2|{"refund_id":2,"kind":"cancel","rma_id":null,"line_no":null,"amount":4.00,"merchandise":0.00,"restocking_fee":0.00,"shipping":4.00,"reason":"duplicate","tender":"original"}
EOF
	# the 360-degree view lists them with their kind
	run -0 bash -c 'oms-order show M2 --format json | jq -c "[.refunds[] | {kind, line_no, amount}]"'
	assert_output '[{"kind":"cancel","line_no":1,"amount":10},{"kind":"cancel","line_no":null,"amount":4}]'
	# a second cancel changes nothing and owes nothing more
	run -0 --separate-stderr oms-order cancel M2
	run -0 sqlite3 "$OMS_DB" "select count(*), sum(amount) from refund"
	assert_output "2|1400"
	consistent
}

@test "released units: the refund comes at the node's cancel, not at the request; part shipped, no shipping charge" {
	money_store
	release_m1
	confirm_m1 1 shipped 3 2026-11-05T10:00:00Z
	run -0 --separate-stderr oms-order cancel M1 --reason late
	assert_equal "$stderr" "oms-order: 1 change applied, 0 unchanged, 0 rejected; 2 released units asked back from the nodes"
	# asked back only: nothing owed yet
	run -0 sqlite3 "$OMS_DB" "select count(*) from refund"
	assert_output 0
	confirm_m1 2 cancelled 2 2026-11-06T10:00:00Z
	# 2 x 5.00 at the node's time; line 1 shipped, so the 6.99 stays
	run -0 sqlite3 "$OMS_DB" "select order_id, quote(line_no), kind, amount, merchandise,
	    shipping, reason, at from refund"
	assert_output "M1|2|cancel|1000|1000|0|cancelled|2026-11-06T10:00:00Z"
	refund_events <<'EOF'
M1|{"refund_id":1,"kind":"cancel","rma_id":null,"line_no":2,"amount":10.00,"merchandise":10.00,"restocking_fee":0.00,"shipping":0.00,"reason":"cancelled","tender":"original"}
EOF
	consistent
}

@test "a node's short of asked-back units cancels them, and their refund comes then" {
	money_store
	release_m1
	oms-order -q cancel M1 1 1
	run -0 sqlite3 "$OMS_DB" "select count(*) from refund"
	assert_output 0
	# the node ships 2 and reports 1 short: the one asked back is cancelled,
	# unit 3 of line 1, 10.00 - 0.34 = 9.66
	confirm_m1 1 shipped 2 2026-11-05T10:00:00Z
	confirm_m1 1 short 1 2026-11-05T11:00:00Z
	refunds_are <<'EOF'
M1|1|cancel|966|966|0|0|cancelled
EOF
	consistent
}

@test "a return after a partial cancel and an appeasement: within the one cap, each unit refunded once" {
	money_store
	oms-order -q cancel M1 1 1
	release_m1
	confirm_m1 1 shipped 2 2026-11-05T10:00:00Z
	printf 'order_id,line_no,amount,reason\nM1,1,10.00,late delivery\n' |
	    oms-return -q appease - > /dev/null
	printf 'order_id,line_no,qty,reason,channel,node_id\nM1,1,2,defective,mail,DC1\n' |
	    oms-return -q authorize --at 2026-11-20 - > /dev/null
	printf 'rma_id,line_no,qty,condition,node_id\nRMA-M1-1,1,2,new,\n' |
	    oms-return -q receive --at 2026-11-21 - > /dev/null
	# line 1 paid 29.00 + its 3 units' shipping 4.19 = 33.19 (the cancelled
	# unit was paid too).  Cancel 9.66; goodwill 10.00; the return of
	# units 1 and 2, defective: 20.00 - 0.66 + shipping 2.79 = 22.13; its
	# merchandise cut to what is left of the line's, 29.00 - 9.66 - 10.00 =
	# 9.34, plus the shipping 2.79: 12.13.  In all 31.79: everything but the
	# cancelled unit's shipping share (1.40), which a partial cancel keeps
	refunds_are <<'EOF'
M1|1|cancel|966|966|0|0|cancelled
M1|1|appeasement|1000|0|0|0|late delivery
M1|1|return|1213|1934|0|279|defective
EOF
	run -0 sqlite3 "$OMS_DB" "select sum(amount) from refund where line_no = 1"
	assert_output 3179
	consistent
}

@test "an appeasement after a cancel is capped at what was paid for what is kept" {
	money_store
	oms-order -q cancel M1 2 1 --reason "changed mind"
	release_m1
	confirm_m1 1 shipped 3 2026-11-05T10:00:00Z
	confirm_m1 2 shipped 1 2026-11-05T10:00:00Z
	# kept: line 1, 29.00 + shipping 4.19 = 33.19; line 2's unit 1, 5.00
	# + shipping 5.59 - 4.19 = 1.40: 39.59; the cancelled unit (5.00) is back
	printf 'order_id,line_no,amount,percent,reason\nM1,,39.60,,late\n' > app.csv
	run -65 --separate-stderr oms-return appease app.csv
	assert_equal "$stderr" 'oms-return: app.csv:2: appeasement 39.60 is more than the 39.59 that can still be appeased on order "M1" (paid 39.59 for the 4 units shipped and kept, appeased 0.00)
oms-return: 1 bad record; nothing done (use --rejects FILE to apply the good ones)'
	printf 'order_id,line_no,amount,percent,reason\nM1,,39.59,,late\n' > app.csv
	oms-return -q appease app.csv > /dev/null
	# 5.00 + 39.59 = 44.59 of the 45.99 paid: the 1.40 left is the
	# cancelled unit's shipping share, not owed on a partial cancel
	refunds_are <<'EOF'
M1|2|cancel|500|500|0|0|changed mind
M1|NULL|appeasement|3959|0|0|0|late
EOF
	consistent
}

@test "--dry-run of a cancel writes no refund" {
	money_store
	before=$(state)
	run -0 --separate-stderr oms-order --dry-run cancel M2
	assert_equal "$stderr" "oms-order: dry run, nothing written: 1 change applied, 0 unchanged, 0 rejected; 1 unit cancelled; 14.00 owed back for cancelled units"
	assert_equal "$(state)" "$before"
	run -0 sqlite3 "$OMS_DB" "select count(*) from refund"
	assert_output 0
}

@test "oms-report check: a line or an order refunded more than was paid for it" {
	money_store
	oms-order -q cancel M2 --reason duplicate
	consistent
	# M2 paid 14.00, all on its one line (10.00 and the 4.00 shipping
	# over its one unit), all refunded: 10.00 on the line, 4.00 on the
	# order.  4.01 more on the line: 14.01 there, a cent over; 18.01 in all
	sqlite3 "$OMS_DB" "update refund set amount = amount + 401 where order_id = 'M2' and line_no = 1"
	run -1 oms-report check
	assert_output - <<'EOF'
check,subject,detail
refund_cap,M2/1,"refunded 14.01, more than the 14.00 paid for the line"
refund_cap,M2,"refunded 18.01, more than the 14.00 paid for the order"
EOF
}

@test "an appeasement with a ref is given once: the same file again is told and skipped, nothing paid twice" {
	money_store
	release_m1
	confirm_m1 1 shipped 3 2026-11-05T10:00:00Z
	printf 'order_id,line_no,amount,reason,ref\nM1,1,4.00,late delivery,care-9\nM1,1,4.00,late delivery,care-9\n' > app.csv
	run -0 --separate-stderr oms-return appease app.csv
	assert_equal "$stderr" 'oms-return: warning: app.csv:3: appeasement "care-9" was given already (appease of order "M1" at '"$(sqlite3 "$OMS_DB" "select at from change_ref")"'); skipped
oms-return: 1 appeasement, 4.00 in all; 0 rejected; 1 given already'
	run -0 --separate-stderr oms-return appease app.csv
	[[ "$stderr" == *"0 appeasements, 0.00 in all; 0 rejected; 2 given already" ]]
	refunds_are <<'EOF2'
M1|1|appeasement|400|0|0|0|late delivery
EOF2
	consistent
}
