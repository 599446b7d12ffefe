# The example scripts a user copies, run as the README says, on the
# bundled data: the nightly job twice (the second run finds nothing new to
# route or release), then the daytime work on the same store.
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
	mails=$(grep -c '^To: ' <<<"$output")
	notes=$(grep -c 'has no e-mail address; not notified$' <<<"$stderr")
	[ "$mails" -gt 0 ]
	[ $((mails + notes)) -eq "$shipped" ]
	[ "$(cat cursor)" -ge "$(sqlite3 "$OMS_DB" "select max(seq) from event where type = 'line.shipped'")" ]
	run -0 env OMS_BIN="$OMS_BIN" sh "$TESTS/../examples/notify.sh" cursor
	assert_output ""
}
