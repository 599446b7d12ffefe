# Policy that runs by itself, per sales channel (oms-import channels):
# stale backorders cancelled by oms-order expire-backorders, with the
# refund due of any cancel; held orders' stock freed by oms-allocate after
# the channel's hours.  Money is worked out by hand in the comments.
load helper
R=$DATA/return

# The network of tests/data/return: DC1 holds 10 x A1 and 10 x B2.
policy_network() {
	oms-import -q nodes "$R/nodes.csv"
	oms-import -q items "$R/items.csv"
	oms-import -q inventory "$R/inventory.csv"
}

# Orders whose A1 the 10 at DC1 cannot all serve, allocated:
#   X1 (web)   line 1: 12 x A1 at 10.00 less 1.20 (0.10 a unit): 10
#              allocated, 2 backordered; line 2: 1 x B2 at 5.00, allocated;
#              shipping 6.00
#   X2 (web)   1 x A1 at 20.00, shipping 4.99: backordered whole
#   Y1 (store) 1 x A1 at 20.00: backordered, a channel with no policy row
#   Z1 (phone) 1 x A1 at 20.00: backordered, a channel with no backorder_days
# every backorder dated 10 November 09:00 (the runs date it now).
backorder_store() {
	policy_network
	oms-import -q orders - <<'EOF'
order_id,channel,line_no,sku,qty,created_at,unit_price,discount,shipping_charge,ship_lat,ship_lon
X1,web,1,A1,12,2026-11-02,10.00,1.20,6.00,40.75,-73.99
X1,web,2,B2,1,2026-11-02,5.00,0,6.00,40.75,-73.99
X2,web,1,A1,1,2026-11-03,20.00,0,4.99,40.75,-73.99
Y1,store,1,A1,1,2026-11-04,20.00,0,0,40.75,-73.99
Z1,phone,1,A1,1,2026-11-05,20.00,0,0,40.75,-73.99
EOF
	oms-allocate -q > /dev/null
	sqlite3 "$OMS_DB" "update order_line set backordered_at = '2026-11-10T09:00:00Z'
	    where backordered > 0"
}

channels() {
	oms-import -q channels - <<'EOF'
channel,backorder_days,hold_release_hours
web,7,48
phone,,24
EOF
}

# order|line|qty|allocated|backordered|reason|backordered_at|cancelled
lines_are() {
	run -0 sqlite3 "$OMS_DB" "select order_id, line_no, qty, allocated, backordered,
	    quote(backorder_reason), quote(backordered_at), cancelled from order_line
	    order by order_id, line_no"
	assert_output -
}

# Every refund: order|line|kind|amount|merchandise|fee|shipping|reason
refunds_are() {
	run -0 sqlite3 "$OMS_DB" "select order_id, quote(line_no), kind, amount, merchandise,
	    restocking_fee, shipping, reason from refund order by refund_id"
	assert_output -
}

consistent() {
	run -0 oms-report check
	assert_output "$CHECK_HEAD"
}

# --- oms-import channels ----------------------------------------------------

@test "channels: imported with blank for none, upserted again, an import.channels event when something changed" {
	run -0 --separate-stderr oms-import channels - <<'EOF'
channel,backorder_days,hold_release_hours
web,7,48
store,,
phone,30,
EOF
	assert_equal "$stderr" "oms-import: channels: 3 records, 3 inserted, 0 updated, 0 unchanged, 0 rejected"
	run -0 sqlite3 "$OMS_DB" "select channel, quote(backorder_days), quote(hold_release_hours)
	    from channel_policy order by channel"
	assert_output - <<'EOF'
phone|30|NULL
store|NULL|NULL
web|7|48
EOF
	# again, web changed and phone not named: web updated, phone kept
	run -0 --separate-stderr oms-import channels - <<'EOF'
channel,backorder_days,hold_release_hours
web,10,
store,,
EOF
	assert_equal "$stderr" "oms-import: channels: 2 records, 0 inserted, 1 updated, 1 unchanged, 0 rejected"
	run -0 sqlite3 "$OMS_DB" "select channel, quote(backorder_days), quote(hold_release_hours)
	    from channel_policy order by channel"
	assert_output - <<'EOF'
phone|30|NULL
store|NULL|NULL
web|10|NULL
EOF
	# the same again: nothing changed, no event
	run -0 --separate-stderr oms-import channels - <<'EOF'
channel,backorder_days,hold_release_hours
web,10,
EOF
	assert_equal "$stderr" "oms-import: channels: 1 record, 0 inserted, 0 updated, 1 unchanged, 0 rejected; nothing changed"
	run -0 sqlite3 "$OMS_DB" "select type, payload from event order by seq"
	assert_output - <<'EOF'
import.channels|{"inserted":3,"updated":0,"unchanged":0}
import.channels|{"inserted":0,"updated":1,"unchanged":1}
EOF
}

@test "channels: bad values refused with the words of every import, exit 65, nothing written; --rejects keeps the good" {
	channels
	before=$(state)
	cat > bad.csv <<'EOF'
channel,backorder_days,hold_release_hours
web,0,48
mail,x,
kiosk,,0
,5,
app,3651,87601
dup,1,
dup,2,
good,3,
EOF
	run -65 --separate-stderr oms-import channels bad.csv
	assert_equal "$stderr" "oms-import: bad.csv:2: backorder_days must be a number of days (1 to 3650; empty: none), got \"0\"
oms-import: bad.csv:3: backorder_days must be a number of days (1 to 3650; empty: none), got \"x\"
oms-import: bad.csv:4: hold_release_hours must be a number of hours (1 to 87600; empty: never), got \"0\"
oms-import: bad.csv:5: channel is empty
oms-import: bad.csv:6: backorder_days must be a number of days (1 to 3650; empty: none), got \"3651\"
oms-import: bad.csv:8: duplicate key channel \"dup\" conflicts with line 7
oms-import: 6 bad records; nothing imported (use --rejects FILE to import the good ones)"
	assert_equal "$(state)" "$before"
	run -0 --separate-stderr oms-import channels --rejects rej.csv bad.csv
	run -0 sqlite3 "$OMS_DB" "select channel, quote(backorder_days), quote(hold_release_hours)
	    from channel_policy order by channel"
	assert_output - <<'EOF'
dup|1|NULL
good|3|NULL
phone|NULL|24
web|7|48
EOF
	run -0 cat rej.csv
	assert_line --index 0 "channel,backorder_days,hold_release_hours,error"
	[ "${#lines[@]}" -eq 7 ]
}

# --- oms-order expire-backorders -----------------------------------------------

@test "expire-backorders: lines backordered past their channel's days cancelled, the refund due to the cent; at the limit exactly, kept" {
	backorder_store
	channels
	lines_are <<'EOF'
X1|1|12|10|2|'no stock in the network'|'2026-11-10T09:00:00Z'|0
X1|2|1|1|0|NULL|NULL|0
X2|1|1|0|1|'no stock in the network'|'2026-11-10T09:00:00Z'|0
Y1|1|1|0|1|'no stock in the network'|'2026-11-10T09:00:00Z'|0
Z1|1|1|0|1|'no stock in the network'|'2026-11-10T09:00:00Z'|0
EOF
	before=$(state)
	# 7 days exactly: not older than the limit
	run -0 --separate-stderr oms-order expire-backorders --now 2026-11-17T09:00:00Z
	assert_equal "$stderr" "oms-order: 0 changes applied, 0 unchanged, 0 rejected; nothing changed"
	assert_equal "$(state)" "$before"
	seq=$(sqlite3 "$OMS_DB" "select max(seq) from event")
	# a second past it: web's X1 and X2; Y1 (no policy) and Z1 (no days) kept
	run -0 --separate-stderr oms-order expire-backorders --now 2026-11-17T09:00:01Z --by cron
	assert_equal "$stderr" "oms-order: 2 changes applied, 0 unchanged, 0 rejected; 3 units cancelled; 44.79 owed back for cancelled units"
	# X1 line 1: 2 of 12 at 10.00 less 0.10 each: 2 x 9.90 = 19.80; its
	# allocated 10 stay, the order is not cancelled whole: no shipping.
	# X2: 20.00, and the whole order cancelled with nothing shipped: its
	# 4.99 shipping charge too; 24.99 in all
	refunds_are <<'EOF'
X1|1|cancel|1980|1980|0|0|backorder expired
X2|1|cancel|2000|2000|0|0|backorder expired
X2|NULL|cancel|499|0|0|499|backorder expired
EOF
	run -0 sqlite3 "$OMS_DB" "select order_id, type, payload from event where seq > $seq
	    order by seq"
	assert_output - <<'EOF'
X1|line.cancelled|{"line_no":1,"sku":"A1","cancelled":2,"from_open":2,"from_allocated":0,"from_routed":0,"cancel_requested":0,"by":"cron","reason":"backorder expired"}
X1|refund.issued|{"refund_id":1,"kind":"cancel","rma_id":null,"line_no":1,"amount":19.80,"merchandise":19.80,"restocking_fee":0.00,"shipping":0.00,"reason":"backorder expired","tender":"original"}
X2|line.cancelled|{"line_no":1,"sku":"A1","cancelled":1,"from_open":1,"from_allocated":0,"from_routed":0,"cancel_requested":0,"by":"cron","reason":"backorder expired"}
X2|refund.issued|{"refund_id":2,"kind":"cancel","rma_id":null,"line_no":1,"amount":20.00,"merchandise":20.00,"restocking_fee":0.00,"shipping":0.00,"reason":"backorder expired","tender":"original"}
X2|refund.issued|{"refund_id":3,"kind":"cancel","rma_id":null,"line_no":null,"amount":4.99,"merchandise":0.00,"restocking_fee":0.00,"shipping":4.99,"reason":"backorder expired","tender":"original"}
EOF
	lines_are <<'EOF'
X1|1|12|10|0|NULL|NULL|2
X1|2|1|1|0|NULL|NULL|0
X2|1|1|0|0|NULL|NULL|1
Y1|1|1|0|1|'no stock in the network'|'2026-11-10T09:00:00Z'|0
Z1|1|1|0|1|'no stock in the network'|'2026-11-10T09:00:00Z'|0
EOF
	consistent
	# a second run finds nothing: the same store, the same money
	before=$(state)
	run -0 --separate-stderr oms-order expire-backorders --now 2027-01-01
	assert_equal "$stderr" "oms-order: 0 changes applied, 0 unchanged, 0 rejected; nothing changed"
	assert_equal "$(state)" "$before"
}

@test "expire-backorders: the reason given is the cancel's and the refund's; -v names each line; --dry-run writes nothing" {
	backorder_store
	channels
	before=$(state)
	run -0 --separate-stderr oms-order expire-backorders --dry-run --now 2026-12-01
	assert_equal "$stderr" "oms-order: dry run, nothing written: 2 changes applied, 0 unchanged, 0 rejected; 3 units cancelled; 44.79 owed back for cancelled units"
	assert_equal "$(state)" "$before"
	run -0 --separate-stderr oms-order -v expire-backorders --now 2026-12-01 --by ann \
	    --reason "out of stock for good"
	assert_equal "$stderr" "oms-order: order \"X1\" line 1: 2 backordered since 2026-11-10T09:00:00Z, past the 7 days of channel \"web\"
oms-order: order \"X1\" line 1: 2 cancelled (2 open, 0 allocated, 0 routed)
oms-order: order \"X2\" line 1: 1 backordered since 2026-11-10T09:00:00Z, past the 7 days of channel \"web\"
oms-order: order \"X2\" line 1: 1 cancelled (1 open, 0 allocated, 0 routed)
oms-order: 2 changes applied, 0 unchanged, 0 rejected; 3 units cancelled; 44.79 owed back for cancelled units"
	run -0 sqlite3 "$OMS_DB" "select distinct reason from refund"
	assert_output "out of stock for good"
	run -0 sqlite3 "$OMS_DB" "select distinct json_extract(payload, '$.by') || '|' ||
	    json_extract(payload, '$.reason') from event where type = 'line.cancelled'"
	assert_output "ann|out of stock for good"
	consistent
}

@test "expire-backorders: no policy, nothing cancelled; a line's unknown start is its order's creation" {
	backorder_store
	before=$(state)
	run -0 --separate-stderr oms-order expire-backorders --now 2030-01-01
	assert_equal "$stderr" "oms-order: 0 changes applied, 0 unchanged, 0 rejected; nothing changed"
	assert_equal "$(state)" "$before"
	# a store that does not know when Y1's backorder began counts from its
	# order's created_at (2 days of policy: past on 6 November 00:00:01)
	sqlite3 "$OMS_DB" "update order_line set backordered_at = NULL where order_id = 'Y1'"
	printf 'channel,backorder_days\nstore,2\n' | oms-import -q channels -
	run -0 --separate-stderr oms-order expire-backorders --now 2026-11-06T00:00:00Z
	assert_equal "$stderr" "oms-order: 0 changes applied, 0 unchanged, 0 rejected; nothing changed"
	run -0 --separate-stderr oms-order expire-backorders --now 2026-11-06T00:00:01Z
	assert_equal "$stderr" "oms-order: 1 change applied, 0 unchanged, 0 rejected; 1 unit cancelled; 20.00 owed back for cancelled units"
	refunds_are <<'EOF'
Y1|1|cancel|2000|2000|0|0|backorder expired
EOF
	consistent
}

@test "expire-backorders: only the backordered units go, not the open units beside them; a held order's too" {
	backorder_store
	channels
	# X1 line 1 raised to 15: 3 more open, not yet decided by a run
	oms-order -q raise X1 1 15
	oms-order -q hold X1 payment
	run -0 --separate-stderr oms-order expire-backorders --now 2026-12-01
	assert_equal "$stderr" "oms-order: 2 changes applied, 0 unchanged, 0 rejected; 3 units cancelled; 44.83 owed back for cancelled units"
	lines_are <<'EOF'
X1|1|15|10|0|NULL|NULL|2
X1|2|1|1|0|NULL|NULL|0
X2|1|1|0|0|NULL|NULL|1
Y1|1|1|0|1|'no stock in the network'|'2026-11-10T09:00:00Z'|0
Z1|1|1|0|1|'no stock in the network'|'2026-11-10T09:00:00Z'|0
EOF
	# 2 of 15 at 10.00 less 1.20 over 15 (0.08 a unit): 2 x 9.92 = 19.84
	run -0 sqlite3 "$OMS_DB" "select amount from refund where order_id = 'X1'"
	assert_output 1984
	run -0 --separate-stderr oms-order expire-backorders --now 2026-12-01
	assert_equal "$stderr" "oms-order: 0 changes applied, 0 unchanged, 0 rejected; nothing changed"
	consistent
}

@test "expire-backorders: usage" {
	run -64 --separate-stderr oms-order expire-backorders X1
	assert_equal "${stderr_lines[0]}" "oms-order: expire-backorders takes no operand: it looks at every backordered line"
	run -64 --separate-stderr oms-order expire-backorders --now yesterday
	assert_equal "${stderr_lines[0]}" "oms-order: --now must be an ISO 8601 date or time like 2026-11-27 or 2026-11-27T14:30:00Z, got \"yesterday\""
	run -64 --separate-stderr oms-order cancel X1 --now 2026-11-27
	assert_equal "${stderr_lines[0]}" "oms-order: --now is for expire-backorders"
	run -64 --separate-stderr oms-order expire-backorders --rejects r.csv
	assert_equal "${stderr_lines[0]}" "oms-order: expire-backorders takes --by, --reason, --now and --dry-run only"
	run -0 oms-order --help
	assert_line "                 [--now time] [--reason text] expire-backorders"
}

# --- held orders free their stock ---------------------------------------------

# H1 (web): 6 x A1 and 2 x B2, allocated and routed to DC1, held (fraud);
# H3 (web): 1 x B2, allocated, held (customer); then H2 (web), 8 x A1,
# gets the 4 A1 left.
held_store() {
	policy_network
	oms-import -q rates "$DATA/rates.csv"
	oms-import -q orders - <<'EOF'
order_id,channel,line_no,sku,qty,created_at,unit_price,ship_lat,ship_lon
H1,web,1,A1,6,2026-11-02,10.00,40.75,-73.99
H1,web,2,B2,2,2026-11-02,5.00,40.75,-73.99
H3,web,1,B2,1,2026-11-02,5.00,40.75,-73.99
EOF
	oms-allocate -q > /dev/null
	oms-route -q --order H1 > /dev/null
	oms-order -q hold H1 fraud
	oms-order -q hold H3 customer
	oms-import -q orders - <<'EOF'
order_id,channel,line_no,sku,qty,created_at,unit_price,ship_lat,ship_lon
H2,web,1,A1,8,2026-11-03,10.00,40.75,-73.99
EOF
	oms-allocate -q > /dev/null
}

# Move the holds to HOURS hours ago.
held_for() {
	sqlite3 "$OMS_DB" "update order_hold set held_at =
	    strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-$1 hours')"
}

# order|line|allocated|backordered, and the routed work: order|line|node|routed
stock_is() {
	run -0 sqlite3 "$OMS_DB" "select order_id, line_no, allocated, backordered from order_line
	    order by 1, 2; select order_id, line_no, node_id, routed from line_node order by 1, 2"
	assert_output -
}

@test "held orders: kept while held less than the channel's hours; freed past them and served to another order in the same run, once" {
	held_store
	channels
	stock_is <<'EOF'
H1|1|0|0
H1|2|0|0
H2|1|4|4
H3|1|1|0
H1|1|DC1|6
H1|2|DC1|2
EOF
	# held 47 hours of web's 48: kept
	held_for 47
	before=$(state)
	run -0 --separate-stderr oms-allocate
	assert_equal "$stderr" "oms-allocate: 0 lines changed: 0 allocated in full, 0 partly, 0 backordered; 0 units allocated, 0 units backordered; 0 units taken back; nothing changed"
	assert_equal "$(state)" "$before"
	# 49 hours: H1's 8 routed and H3's 1 allocated go back to open, and
	# H2 gets the 4 A1 it lacked in the same run
	held_for 49
	run -0 --separate-stderr oms-allocate --dry-run -o /dev/null
	assert_equal "$stderr" "oms-allocate: dry run, nothing written: 1 line changed: 1 allocated in full, 0 partly, 0 backordered; 4 units allocated, 0 units backordered; 0 units taken back; 9 units of 2 held orders freed"
	run -0 --separate-stderr oms-allocate
	assert_output - <<'EOF'
order_id,line_no,sku,qty,allocated,backordered,reason
H2,1,A1,8,8,0,
EOF
	assert_equal "$stderr" "oms-allocate: 1 line changed: 1 allocated in full, 0 partly, 0 backordered; 4 units allocated, 0 units backordered; 0 units taken back; 9 units of 2 held orders freed"
	stock_is <<'EOF'
H1|1|0|0
H1|2|0|0
H2|1|8|0
H3|1|0|0
EOF
	run -0 sqlite3 "$OMS_DB" "select order_id, type, payload from event
	    where type = 'order.stock_freed' order by seq"
	assert_output - <<'EOF'
H1|order.stock_freed|{"hold_types":["fraud"],"hold_release_hours":48,"lines":[{"line_no":1,"sku":"A1","freed":6,"from_allocated":0,"from_routed":6},{"line_no":2,"sku":"B2","freed":2,"from_allocated":0,"from_routed":2}],"units":8}
H3|order.stock_freed|{"hold_types":["customer"],"hold_release_hours":48,"lines":[{"line_no":1,"sku":"B2","freed":1,"from_allocated":1,"from_routed":0}],"units":1}
EOF
	run -0 sqlite3 "$OMS_DB" "select order_id, hold_type, stock_freed_at =
	    (select max(started_at) from run where command like '%oms-allocate%') from order_hold
	    order by 1"
	assert_output - <<'EOF'
H1|fraud|1
H3|customer|1
EOF
	consistent
	# again: once per hold, nothing more
	before=$(state)
	run -0 --separate-stderr oms-allocate -o /dev/null
	assert_equal "$stderr" "oms-allocate: 0 lines changed: 0 allocated in full, 0 partly, 0 backordered; 0 units allocated, 0 units backordered; 0 units taken back; nothing changed"
	assert_equal "$(state)" "$before"
}

@test "held orders: lifted, allocated again by the next run in their place in the order of service; a new hold starts again" {
	held_store
	channels
	held_for 49
	oms-allocate -q > /dev/null
	oms-order -q unhold H1 fraud
	# H1 comes before H2 (created a day before): its 6 A1 again, H2 keeps 4
	run -0 --separate-stderr oms-allocate -o /dev/null
	assert_equal "$stderr" "oms-allocate: 3 lines changed: 2 allocated in full, 1 partly, 0 backordered; 8 units allocated, 4 units backordered; 4 units taken back"
	stock_is <<'EOF'
H1|1|6|0
H1|2|2|0
H2|1|4|4
H3|1|0|0
EOF
	# held anew: the new hold keeps the stock until it too is 48 hours old
	oms-order -q hold H1 payment
	run -0 --separate-stderr oms-allocate -o /dev/null
	assert_equal "$stderr" "oms-allocate: 0 lines changed: 0 allocated in full, 0 partly, 0 backordered; 0 units allocated, 0 units backordered; 0 units taken back; nothing changed"
	sqlite3 "$OMS_DB" "update order_hold set held_at =
	    strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-49 hours') where order_id = 'H1'"
	run -0 --separate-stderr oms-allocate -o /dev/null
	assert_equal "$stderr" "oms-allocate: 1 line changed: 1 allocated in full, 0 partly, 0 backordered; 4 units allocated, 0 units backordered; 0 units taken back; 8 units of 1 held order freed"
	run -0 sqlite3 "$OMS_DB" "select count(*) from event where type = 'order.stock_freed'"
	assert_output 3
	consistent
}

@test "held orders: a channel with no hours keeps them held for ever; a run limited to other orders frees none" {
	held_store
	held_for 10000
	before=$(state)
	run -0 --separate-stderr oms-allocate -o /dev/null
	assert_equal "$(state)" "$before"
	channels
	run -0 --separate-stderr oms-allocate --order H2 -o /dev/null
	assert_equal "$stderr" "oms-allocate: 0 lines changed: 0 allocated in full, 0 partly, 0 backordered; 0 units allocated, 0 units backordered; 0 units taken back; nothing changed"
	# H1's 6 A1 serve the 4 H2 lacked; H3, outside the scope, keeps its B2
	run -0 --separate-stderr oms-allocate --order H1 --order H2 -o /dev/null
	assert_equal "$stderr" "oms-allocate: 1 line changed: 1 allocated in full, 0 partly, 0 backordered; 4 units allocated, 0 units backordered; 0 units taken back; 8 units of 1 held order freed"
	stock_is <<'EOF'
H1|1|0|0
H1|2|0|0
H2|1|8|0
H3|1|1|0
EOF
}
