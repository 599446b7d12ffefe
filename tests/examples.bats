# The example scripts a user copies, run as the README says, on the
# bundled data and on the example book made for yesterday: the nightly job
# twice (the second run finds nothing new to route or release, and keeps
# the first one's files), then the daytime work on the same store.
load helper

@test "examples/nightly.sh runs the whole pipeline on examples/data, and again with nothing new" {
	run -0 --separate-stderr env OMS_BIN="$OMS_BIN" sh "$TESTS/../examples/nightly.sh" \
	    "$EXAMPLES" out
	assert_line "== order lines by status (out/lines-$(date -u +%Y-%m-%d).csv)"
	assert_line --regexp '^released +[0-9]+$'
	[[ "$stderr" == *"oms-route: "*" orders routed: "* ]]
	[[ "$stderr" == *"oms-release: "*" releases ("* ]]
	ls out/releases-*/*.csv > files
	[ "$(wc -l < files)" -gt 5 ]
	assert_line "== the report page: out/report-$(date -u +%Y-%m-%d).html"
	grep -q '<svg' "out/report-$(date -u +%Y-%m-%d).html"
	run -0 oms-report check
	before=$(sqlite3 "$OMS_DB" "select count(*) from release; select sum(routed + released) from line_node")
	run -0 --separate-stderr env OMS_BIN="$OMS_BIN" sh "$TESTS/../examples/nightly.sh" \
	    "$EXAMPLES" out
	[[ "$stderr" == *"oms-route: 0 orders routed"*"nothing changed"* ]]
	[[ "$stderr" == *"oms-release: 0 releases"* ]]
	assert_equal "$(sqlite3 "$OMS_DB" "select count(*) from release; select sum(routed + released) from line_node")" "$before"
}

@test "examples/nightly.sh without an export directory runs on the example book made for yesterday" {
	local today yesterday key shipments late
	today=$(date -u +%Y-%m-%d)
	yesterday=$(date -u -d yesterday +%Y-%m-%d)
	key=$(date -u -d yesterday +%y%m%d)
	run -0 --separate-stderr env OMS_BIN="$OMS_BIN" sh "$TESTS/../examples/nightly.sh" "" out
	[[ "$stderr" == *"nightly: making the example book for $yesterday in out/example-data"* ]]
	# the week's orders up to yesterday, promised from today on, the stock
	# counted last night
	run -0 sqlite3 "$OMS_DB" "select count(*), min(order_id), max(order_id) from orders;
	    select count(*) from orders where created_at < date('$yesterday', '-6 days')
	        or created_at >= date('$yesterday', '+1 day');
	    select count(*) from orders where promise_date < '$today';
	    select min(as_of), max(as_of) from inventory"
	assert_output - <<OUT
320|O$key-001|O$key-320
0
0
${yesterday}T20:00:00Z|${yesterday}T22:00:00Z
OUT
	# so the night reads as a real one: most shipments arrive on time
	shipments=$(sed -n 's/.*orders routed: \([0-9]*\) shipments.*/\1/p' <<<"$stderr")
	late=$(sed -n 's/.*splits, \([0-9]*\) late;.*/\1/p' <<<"$stderr")
	[ "$shipments" -gt 300 ]
	[ $((late * 5)) -lt "$shipments" ] || fail "$late of $shipments shipments late"
	run -0 oms-report check
}

@test "examples/nightly.sh twice on one day: the second run adds its own files and empties none" {
	local day=$(date -u +%Y-%m-%d) f
	env OMS_BIN="$OMS_BIN" sh "$TESTS/../examples/nightly.sh" "" out > /dev/null 2>&1
	ls out > first
	for f in out/allocations-"$day"-*.csv out/routing-"$day"-*.csv; do
		[ "$(wc -l < "$f")" -gt 100 ] || fail "$f: $(wc -l < "$f") lines"
	done
	# what the first run changed, file by file
	sums() { (cd out && grep -e '^allocations-' -e '^routing-' -e '^releases-' ../first |
	    while read -r f; do find "$f" -type f | sort | xargs cksum; done); }
	before=$(sums)
	run -0 env OMS_BIN="$OMS_BIN" sh "$TESTS/../examples/nightly.sh" "" out
	# is all still there, as it was
	assert_equal "$(sums)" "$before"
	[ "$(cat out/allocations-"$day"-*.csv | wc -l)" -gt 100 ]
	# the second run's own: nothing new to allocate or route (a header)
	assert_equal "$(ls out/allocations-"$day"-* | wc -l)" 2
	assert_equal "$(ls -d out/releases-"$day"-* | wc -l)" 2
	# no rejects: no rejects file
	run ls out/orders-rejects-* out/orders-extra-rejects-*
	assert_failure
	# the day's views are the latest, never empty
	[ "$(wc -l < "out/lines-$day.csv")" -gt 700 ]
	[ -s "out/backorders-$day.csv" ]
}

@test "examples/daytime.sh takes the confirmations, re-plans a short pick, holds and refunds" {
	env OMS_BIN="$OMS_BIN" sh "$TESTS/../examples/nightly.sh" "$EXAMPLES" out > /dev/null 2>&1
	run -0 --separate-stderr env OMS_BIN="$OMS_BIN" sh "$TESTS/../examples/daytime.sh" out
	[[ "$stderr" == *"confirmations taken: "*" 1 short, 0 cancelled"* ]]
	[[ "$stderr" == *"1 refund, "* ]]
	assert_line --index 0 "rma_id,order_id,line_no,sku,qty,amount,reason,channel,node_id,condition,disposition,merchandise,restocking_fee,shipping,refund_id"
	run -0 sqlite3 "$OMS_DB" "select count(*) from confirmation where status = 'short'; select count(*) from refund"
	assert_output - <<'OUT'
1
1
OUT
	run -0 oms-report check
}

@test "examples/notify.sh mails each shipped order once, after the daytime confirmations" {
	env OMS_BIN="$OMS_BIN" sh "$TESTS/../examples/nightly.sh" "$EXAMPLES" out > /dev/null 2>&1
	env OMS_BIN="$OMS_BIN" sh "$TESTS/../examples/daytime.sh" out > /dev/null 2>&1
	run -0 --separate-stderr env OMS_BIN="$OMS_BIN" sh "$TESTS/../examples/notify.sh" cursor
	# one message per shipped order, or a note when its customer has no e-mail
	shipped=$(sqlite3 "$OMS_DB" "select count(distinct r.order_id) from confirmation c
	    join release r using (release_id) where c.status = 'shipped'")
	[ "$shipped" -gt 0 ]
	mails=$(grep -c '^Subject: Your order .* has shipped$' <<<"$output")
	notes=$(grep -c 'has no e-mail address; not notified of line.shipped$' <<<"$stderr")
	[ "$mails" -gt 0 ]
	[ $((mails + notes)) -eq "$shipped" ]
	[ "$(cat cursor)" -ge "$(sqlite3 "$OMS_DB" "select max(seq) from event where type = 'line.shipped'")" ]
	run -0 env OMS_BIN="$OMS_BIN" sh "$TESTS/../examples/notify.sh" cursor
	assert_output ""
}

@test "examples/store-day.sh runs a store's day: pick list, ready, a curbside arrival, a locker parcel, expiry" {
	env OMS_BIN="$OMS_BIN" sh "$TESTS/../examples/nightly.sh" "$EXAMPLES" out > /dev/null 2>&1
	run -0 --separate-stderr env OMS_BIN="$OMS_BIN" sh "$TESTS/../examples/store-day.sh" ST-PHL out
	day=$(date -u +%Y-%m-%d)
	[ -s "out/picklist-ST-PHL-$day.csv" ]
	assert_equal "$(head -n 1 "out/picklist-ST-PHL-$day.csv")" "node_id,method,release_id,order_id,line_no,sku,description,qty,customer,promise_date,released_at"
	[[ "$stderr" == *"orders ready to collect"* ]]
	[[ "$stderr" == *" 1 arrival, "* ]]
	[[ "$stderr" == *"collections expired on "* ]]
	# each step left its event: orders ready, one arrival, collected (the
	# curbside customer, the locker parcel), what nobody collected expired
	run -0 sqlite3 "$OMS_DB" "select type, count(*) > 0 from event where type in
	    ('order.ready_for_pickup', 'order.arrived', 'order.collected', 'pickup.expired',
	    'order.delivered') group by type order by type"
	assert_output - <<'OUT'
order.arrived|1
order.collected|1
order.delivered|1
order.ready_for_pickup|1
pickup.expired|1
OUT
	# the locker parcel was collected at the locker
	run -0 sqlite3 "$OMS_DB" "select count(*) from collection c join node n using (node_id)
	    where n.type = 'locker' and c.collected_at is not null"
	assert_output 1
	run -0 oms-report check
	assert_output "$CHECK_HEAD"
}


@test "examples/care-desk.sh runs a day at the care desk: adjustments, store credit, an exchange, hold rules, the backorder policy" {
	env OMS_BIN="$OMS_BIN" sh "$TESTS/../examples/nightly.sh" "$EXAMPLES" out > /dev/null 2>&1
	env OMS_BIN="$OMS_BIN" sh "$TESTS/../examples/daytime.sh" out > /dev/null 2>&1
	run -0 --separate-stderr env OMS_BIN="$OMS_BIN" sh "$TESTS/../examples/care-desk.sh" out
	[[ "$stderr" == *"; 5.00 adjusted"* ]]
	[[ "$stderr" == *"; 2.00 of store credit spent"* ]]
	[[ "$stderr" == *"1 exchange (1 unit) in 1 RMA, 1 replacement order"* ]]
	[[ "$stderr" == *"1 order held by hold rules"* ]]
	[[ "$stderr" == *"dry run, nothing written: "*" units cancelled; "*" owed back for cancelled units"* ]]
	assert_line --index 0 "entry_id,at,customer_id,kind,amount,balance,refund_id,order_id,reason,by"
	assert_line --index 2 --regexp '^[0-9]+,[^,]+,C[0-9]+,spend,-2.00,3.00,,W-[0-9-]+-1,checkout,web$'
	assert_line --partial '"held_by":"rule:big-order"'
	assert_line "check,subject,detail"
	# the two adjustments (one spread over the order's lines), the cancel,
	# daytime.sh's return; the exchange and its replacement order; the
	# policy's dry run wrote nothing
	run -0 sqlite3 "$OMS_DB" "select kind, tender, count(*) > 0 from refund group by kind, tender
	    order by kind, tender; select count(*) from channel_policy;
	    select count(*) from exchange x join orders o on o.order_id = x.replacement_order
	    where o.channel = 'care' and o.priority = 1"
	assert_output - <<'OUT'
adjustment|original|1
adjustment|store_credit|1
cancel|store_credit|1
return|original|1
2
1
OUT
}

@test "examples/sourcing.sh: groups and rules (a second import makes no version), a purchase order, the morning's orders under the rules, --explain, a cart promised and held" {
	env OMS_BIN="$OMS_BIN" sh "$TESTS/../examples/nightly.sh" "$EXAMPLES" out > /dev/null 2>&1
	run -0 --separate-stderr env OMS_BIN="$OMS_BIN" sh "$TESTS/../examples/sourcing.sh" out
	[[ "$stderr" == *"rules: 2 records, version 2 made (2 rules, 4 groups)"* ]]
	[[ "$stderr" == *"version 2 unchanged"* ]]
	[[ "$stderr" == *"supply: 1 record, 1 inserted"* ]]
	[[ "$stderr" == *"oms-route: 3 orders routed"* ]]
	[[ "$stderr" == *" reserved for 1 cart until 15 minutes from now"* ]]
	run -0 cat out/explain-route.csv
	assert_line --index 0 "order_id,line_no,sku,qty,rules_version,rule_id,node_id,tier,atp,held_back,verdict,reason,cost,planned"
	assert_line --regexp '^M-W1-[0-9]+,1,[^,]+,2,2,web,[^,]+,1,[0-9]+,0,chosen,,'
	assert_line --regexp ',chosen plan,,'
	run -0 sqlite3 "$OMS_DB" "select count(distinct cart_id) from reservation; select count(*) from order_line
	    where order_id like 'M-%' and allocated + backordered = 0"
	assert_output - <<'OUT'
1
4
OUT
	run -0 oms-report check
	assert_output "check,subject,detail"
}
