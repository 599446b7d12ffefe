# oms-report kpi, eoq and the HTML page: every KPI and EOQ figure checked
# against a small store computed by hand.
load helper

KPI_HEAD=channel,orders,lines,units,shipped_units,order_fill_rate,line_fill_rate,shipments_per_order,avg_ship_cost,on_time_rate,backorder_rate,return_rate,revenue,refund_share,appeasement_share,adjustment_share
EOQ_HEAD=sku,days,mean_daily,sd_daily,annual_demand,ordering_cost,holding_cost,eoq,forecast_daily,lead_time_days,lead_time_demand,z,safety_stock,reorder_point,on_hand,reorder_now,on_order,position

# The base store with tests/data/kpi: orders K1..K6 and what the other
# commands recorded for them (tests/data/kpi/work.sql).
kpi_store() {
	base_store &&
	oms-import -q orders "$DATA/kpi/orders.csv" &&
	sqlite3 "$OMS_DB" < "$DATA/kpi/work.sql"
}

# The hand computation, over K1..K5 (created 2026-11-10 to 2026-11-13;
# K6, created 2026-11-20, is outside --to 2026-11-15).  Money in cents.
#
#   K1 web:   A1 2 x 1000, B2 1 x 500 less 100 discount, shipping 500;
#             both lines shipped in R1 (DC1) on 11-14, 1 day in transit,
#             promise 11-15: on time; routed cost 6 + 2; never
#             backordered: filled.
#   K2 web:   A1 3 x 1000; allocated 2 of 3, 1 backordered (event);
#             shipped 2 in R2 (DC1) on 11-12, the promise day, 1 day in
#             transit: delivered 11-13, late; and 1 in R3 (ST1) on 11-13
#             (late); cost 5 + 4; 1 returned, refund 1000.  Shipped
#             complete but backordered: not filled.
#   K3 store: B2 4 x 500 less 200, no promise date; routed to ST1 (9.99),
#             unrouted, routed to ST2 (3); picked up in R4 (ST2); only the
#             ST2 cost counts; appeasement 300.  Filled.
#   K4 web:   A1 1, cancelled: no demand, out of the fill rates.
#   K5 store: C3 1 x 10000, backordered now; R5 (V1) shorted, shipped
#             nothing: not a shipment.
#
#   web   orders 3 (K1 K2 K4), lines 4, units 2+1+3+1 = 7, shipped 6
#         order fill 1 (K1) / 2 (K1 K2) = 0.5000
#         line fill 2 (K1/1 K1/2) / 3 = 0.6667
#         shipments per order: 3 (R1 R2 R3) / orders shipped 2 = 1.5000
#         ship cost (6+2) + (5+4) = 17 / 2 = 8.50
#         on time: R1 of R1 R2 R3 = 1/3 = 0.3333
#         backorder: 1 (K2) / 3 = 0.3333;  return 1 / 6 = 0.1667
#         revenue 2000 + (500-100) + 500 + 3000 = 5900 = 59.00
#         refunds 1000/5900 = 0.1695, appeasements 0
#   store orders 2 (K3 K5), lines 2, units 5, shipped 4
#         order fill 1/2, line fill 1/2; shipments per order 1 (R4) / 1 = 1.0000
#         ship cost 3.00; on time: no shipment with a promise date: empty
#         backorder 1 (K5) / 2 = 0.5000; return 0/4
#         revenue 4 x 500 - 200 = 1800 = 18.00; appeasements 300/1800 = 0.1667
#   all   orders 5, lines 6, units 12, shipped 10
#         order fill 2/4 = 0.5000, line fill 3/5 = 0.6000
#         shipments per order 4/3 = 1.3333, ship cost 20/3 = 6.67, on time 1/3
#         backorder 2/5 = 0.4000, return 1/10 = 0.1000
#         revenue 7700; refunds 1000/7700 = 0.1299; appeasements 300/7700 = 0.0390
@test "kpi: every figure by channel and overall, as computed by hand" {
	kpi_store
	run -0 oms-report kpi --from 2026-11-10 --to 2026-11-15
	assert_output - <<EOF
$KPI_HEAD
store,2,2,5,4,0.5000,0.5000,1.0000,3.00,,0.5000,0.0000,18.00,0.0000,0.1667,0.0000
web,3,4,7,6,0.5000,0.6667,1.5000,8.50,0.3333,0.3333,0.1667,59.00,0.1695,0.0000,0.0000
all,5,6,12,10,0.5000,0.6000,1.3333,6.67,0.3333,0.4000,0.1000,77.00,0.1299,0.0390,0.0000
EOF
}

# With K6 (web: A1 1 x 1000 shipped in R6 on 11-21, delivered 11-22,
# promise 11-25, cost 7, appeasement 100): web orders 4, lines 5, units 8,
# shipped 7, order fill 2/3, line fill 3/4, shipments per order 4/3, cost
# 24/3 = 8.00, on time 2/4, backorder 1/4, return 1/7 = 0.1429, revenue
# 6900, refunds 1000/6900 = 0.1449, appeasements 100/6900 = 0.0145.
@test "kpi: without a range every order counts; --to a date takes the whole day" {
	kpi_store
	run -0 oms-report kpi --format jsonl
	assert_line --index 1 '{"channel":"web","orders":4,"lines":5,"units":8,"shipped_units":7,"order_fill_rate":0.6667,"line_fill_rate":0.7500,"shipments_per_order":1.3333,"avg_ship_cost":8.00,"on_time_rate":0.5000,"backorder_rate":0.2500,"return_rate":0.1429,"revenue":69.00,"refund_share":0.1449,"appeasement_share":0.0145,"adjustment_share":0.0000}'
	run -0 oms-report kpi --from 2026-11-20 --to 2026-11-20
	assert_line --index 1 'web,1,1,1,1,1.0000,1.0000,1.0000,7.00,1.0000,0.0000,0.0000,10.00,0.0000,0.1000,0.0000'
	run -0 oms-report kpi --from 2026-11-21
	assert_output - <<EOF
$KPI_HEAD
all,0,0,0,0,,,,,,,,0.00,,,
EOF
}

@test "kpi: --channel keeps one channel, and all is that channel" {
	kpi_store
	run -0 oms-report kpi --channel store --to 2026-11-15
	assert_output - <<EOF
$KPI_HEAD
store,2,2,5,4,0.5000,0.5000,1.0000,3.00,,0.5000,0.0000,18.00,0.0000,0.1667,0.0000
all,2,2,5,4,0.5000,0.5000,1.0000,3.00,,0.5000,0.0000,18.00,0.0000,0.1667,0.0000
EOF
}

@test "kpi: the figures of a real run (the examples' nightly and daytime scripts) hold together" {
	run -0 sh "$EXAMPLES/../nightly.sh" "$EXAMPLES" "$BATS_TEST_TMPDIR/out"
	run -0 sh "$EXAMPLES/../daytime.sh"
	run -0 oms-report kpi --format json
	kpis=$output
	# every rate within [0, 1]; at least one shipment per shipped order
	run -0 jq -e 'all(.[]; ([.order_fill_rate, .line_fill_rate, .on_time_rate,
	    .backorder_rate, .return_rate] | map(select(. != null)) | all(. >= 0 and . <= 1))
	    and (.shipments_per_order == null or .shipments_per_order >= 1))' <<<"$kpis"
	# the all row adds up the channels
	run -0 jq -e '(map(select(.channel != "all") | .orders) | add) ==
	    (map(select(.channel == "all"))[0].orders)' <<<"$kpis"
	# orders shipped: the same count as the store's own
	run -0 jq -e --argjson n "$(sqlite3 "$OMS_DB" 'SELECT count(*) FROM orders')" \
	    'map(select(.channel == "all"))[0].orders == $n' <<<"$kpis"
}

@test "kpi: bad dates are usage errors, html only for kpi" {
	kpi_store
	run -64 oms-report kpi --from 2026-13-01
	assert_output --partial 'oms-report: --from takes a date YYYY-MM-DD, got "2026-13-01"'
	run -64 oms-report kpi --to yesterday
	assert_output --partial 'oms-report: --to takes a date YYYY-MM-DD, got "yesterday"'
	run -64 oms-report lines --format html
	assert_output 'oms-report: --format html is for the kpi view only'
}

# ---------------------------------------------------------------------
# eoq

# Items for the worked examples: E1 (ordering cost 10, unit cost 5,
# holding rate 0.1: H = 0.5 a unit a year), H1 (lead time 3 days, H = 1),
# Z9 (nothing known).
eoq_store() {
	oms-import -q nodes "$DATA/nodes.csv" &&
	sqlite3 "$OMS_DB" "UPDATE node SET active = 0 WHERE node_id = 'V1'" &&
	oms-import -q items "$DATA/kpi/eoq-items.csv" &&
	oms-import -q inventory "$DATA/kpi/eoq-inventory.csv" &&
	oms-import -q orders "$DATA/kpi/eoq-orders.csv"
}

# Heizer & Render, Operations Management (Pearson), chapter "Inventory
# Management", the EOQ example of Sharp, Inc.: D = 1,000 units a year,
# S = $10 an order, H = $0.50 a unit a year, Q* = sqrt(2DS/H) = 200 units.
# E1's history: 1,000 units ordered on 2026-06-01, inside the 365 days
# before 2026-11-01, so D = 1000/365 a day x 365 = 1000.  (sd: one day of
# 1000 and 364 of 0: sqrt((1000 - 2.7397)^2 + 364 x 2.7397^2) / 364) = 52.34.)
@test "eoq: the textbook EOQ, D=1000 S=10 H=0.5 gives 200" {
	eoq_store
	run -0 oms-report eoq --sku E1 --days 365 --today 2026-11-01
	assert_output - <<EOF
$EOQ_HEAD
E1,365,2.7397,52.3424,1000.00,10,0.5000,200.00,0.0000,0,0.00,1.6449,0.00,0.00,500,0,0,500
EOF
}

# The hammers of a hardware warehouse (a public worked example,
# https://www.mycoursehelp.com/QA/the-hardware-warehouse-is-evaluating-saf/36573/1):
# daily demand mean 5, standard deviation 2, lead time 3 days, 95% service:
# sigma over the lead time = 2 x sqrt(3) = 3.4641, safety stock = 1.6449 x
# 3.4641 = 5.70, reorder point = 5 x 3 + 5.70 = 20.70.
# H1's history, the 3 days before 2026-11-04: 3, 7, 5 units (mean 5,
# sample variance (4 + 4 + 0) / 2 = 4, sd 2); the orders of 10-31 and
# 11-04 are outside the window.  --alpha 1 makes the forecast the last
# day's demand, 5, as the example assumes.  On hand 20 (DC1 12 + ST1 8;
# V1's 50 is at an inactive node): at or below 20.70, reorder now.
# EOQ: D = 5 x 365 = 1825, S = 20, H = 0.25 x 4 = 1: sqrt(73000) = 270.19.
@test "eoq: safety stock and reorder point of a worked example" {
	eoq_store
	run -0 oms-report eoq --sku H1 --days 3 --today 2026-11-04 --alpha 1
	assert_output - <<EOF
$EOQ_HEAD
H1,3,5.0000,2.0000,1825.00,20,1.0000,270.19,5.0000,3,15.00,1.6449,5.70,20.70,20,1,0,20
EOF
}

# Simple exponential smoothing of 3, 7, 5 with alpha 0.3, starting from
# the first day: F = 3; 0.3x3 + 0.7x3 = 3; 0.3x7 + 0.7x3 = 4.2;
# 0.3x5 + 0.7x4.2 = 4.44: lead-time demand 4.44 x 3 = 13.32, reorder
# point 13.32 + 5.70 = 19.02 < 20 on hand: no reorder.
@test "eoq: the default smoothing factor 0.3" {
	eoq_store
	run -0 oms-report eoq --sku H1 --days 3 --today 2026-11-04 --format jsonl
	assert_output '{"sku":"H1","days":3,"mean_daily":5.0000,"sd_daily":2.0000,"annual_demand":1825.00,"ordering_cost":20,"holding_cost":1.0000,"eoq":270.19,"forecast_daily":4.4400,"lead_time_days":3,"lead_time_demand":13.32,"z":1.6449,"safety_stock":5.70,"reorder_point":19.02,"on_hand":20,"reorder_now":0,"on_order":0,"position":20}'
}

# z of the standard normal (tables): 1.6449 (95%), 2.3263 (99%), 1.2816
# (90%), 0 (50%), 3.0902 (99.9%), -1.2816 (10%: no safety stock below 50%).
@test "eoq: the inverse normal for the service level" {
	eoq_store
	for s in 0.95:1.6449 0.99:2.3263 0.9:1.2816 0.5:0.0000 0.999:3.0902 0.1:-1.2816; do
		run -0 oms-report eoq --sku H1 --days 3 --today 2026-11-04 --service "${s%%:*}"
		assert_line --index 1 --partial ",3,13.32,${s#*:},"
	done
	run -0 oms-report eoq --sku H1 --days 3 --today 2026-11-04 --service 0.1
	assert_line --index 1 --partial ',-1.2816,0.00,13.32,20,0'
}

# A day without a line is a day of zero demand; an item with no demand in
# the window (E1 in these 3 days, Z9 ever) has nothing to order: no EOQ,
# and it is not flagged, however little it has (Z9: none).
@test "eoq: every active item; no demand is zero demand, no EOQ and no reorder; no holding cost, no EOQ" {
	eoq_store
	run -0 oms-report eoq --days 3 --today 2026-11-04
	assert_output - <<EOF
$EOQ_HEAD
E1,3,0.0000,0.0000,0.00,10,0.5000,,0.0000,0,0.00,1.6449,0.00,0.00,500,0,0,500
H1,3,5.0000,2.0000,1825.00,20,1.0000,270.19,4.4400,3,13.32,1.6449,5.70,19.02,20,0,0,20
Z9,3,0.0000,0.0000,0.00,0,0.0000,,0.0000,0,0.00,1.6449,0.00,0.00,0,0,0,0
EOF
	run -0 oms-report eoq --sku Z9 --days 3 --today 2026-11-04 --format jsonl
	assert_output --partial '"eoq":null,'
	assert_output --partial '"on_hand":0,"reorder_now":0,"on_order":0,"position":0}'
	# with holding cost and no stock, still nothing to order without demand
	sqlite3 "$OMS_DB" "update item set unit_cost = 4, holding_rate = 0.25, ordering_cost = 20
	    where sku = 'Z9'"
	run -0 oms-report eoq --sku Z9 --days 3 --today 2026-11-04
	assert_line --index 1 "Z9,3,0.0000,0.0000,0.00,20,1.0000,,0.0000,0,0.00,1.6449,0.00,0.00,0,0,0,0"
	# and the page does not list it below its reorder point
	run -0 oms-report kpi --format html --days 3 --today 2026-11-04
	assert_output --partial '>0 of 3 active skus have network on-hand stock at or below'
}

@test "eoq: bad options are usage errors" {
	eoq_store
	run -64 oms-report eoq --service 1
	assert_output --partial 'oms-report: --service takes a service level between 0 and 1, like 0.95, got "1"'
	run -64 oms-report eoq --alpha 0
	assert_output --partial 'oms-report: --alpha takes a smoothing factor above 0 and at most 1, got "0"'
	run -64 oms-report eoq --days 0
	assert_output --partial 'oms-report: --days takes a number of days from 1 to 3660, got "0"'
	run -64 oms-report eoq --today 2026-11-04T10:00:00Z
	assert_output --partial 'oms-report: --today takes a date YYYY-MM-DD, got "2026-11-04T10:00:00Z"'
}

# ---------------------------------------------------------------------
# the HTML page

@test "kpi --format html: one page, no script, no external reference, charts inline" {
	kpi_store
	run -0 oms-report kpi --format html --to 2026-11-15 --today 2026-11-15 -o report.html
	assert_output ''
	run -0 head -1 report.html
	assert_output '<!DOCTYPE html>'
	run -1 grep -ci '<script' report.html
	run -1 grep -Eci '(src|href) *=' report.html
	run -1 grep -ci 'http' report.html
	run -0 grep -c '<svg' report.html
	assert_output 3
	# the KPI table's all row, rates as percentages
	run -0 grep -o '<tr class="all">.*</tr>' report.html
	assert_output '<tr class="all"><td>All channels</td><td>5</td><td>10</td><td>50.0%</td><td>60.0%</td><td>1.3333</td><td>6.67</td><td>33.3%</td><td>40.0%</td><td>10.0%</td><td>77.00</td><td>13.0%</td><td>3.9%</td><td>0.0%</td></tr>'
	# K5's backordered unit, 2 days old on 2026-11-15
	run -0 grep -c '<title>1 unit, 1 line</title>' report.html
	# the latest business day with releases, 2026-11-20: DC1 1 of 1000
	run -0 grep -c 'business day 2026-11-20' report.html
	run -0 grep -c '>1 of 1000 releases (0%)<' report.html
	run -0 tail -1 report.html
	assert_output '</html>'
}

@test "kpi --format html: backorders are aged as the backorders view ages them" {
	kpi_store
	# K5's backorder: no time known (work.sql wrote it by hand), so from
	# its order's creation, 2026-11-13: 2 days on 2026-11-15, the 2-3 bar
	# (each bar 70 wide, 30 apart, from x 40)
	run -0 oms-report backorders --today 2026-11-15
	assert_line --index 1 --partial "K5,1,C3,1,no stock,2026-11-13T09:00:00Z,2,"
	run -0 oms-report kpi --format html --to 2026-11-15 --today 2026-11-15
	assert_output --regexp '<rect x="140" y="[0-9]+" width="70" height="[0-9]+" fill="#4c9be8"><title>1 unit, 1 line</title>'
	assert_output --partial 'by the age of their backorder on 2026-11-15 (1 line)'
	# begun on 2026-11-01: 14 days, the 8-14 bar
	sqlite3 "$OMS_DB" "UPDATE order_line SET backordered_at = '2026-11-01T09:00:00Z'
	    WHERE order_id = 'K5'"
	run -0 oms-report backorders --today 2026-11-15
	assert_line --index 1 --partial ",2026-11-01T09:00:00Z,14,"
	run -0 oms-report kpi --format html --to 2026-11-15 --today 2026-11-15
	assert_output --regexp '<rect x="340" y="[0-9]+" width="70" height="[0-9]+" fill="#d4a72c"><title>1 unit, 1 line</title>'
	run -0 grep -c '<title>1 unit,' <<< "$output"
	assert_output 1
}

# K5's backorder (2 days old on 2026-11-15) was promised for 2026-11-20:
# not past it on the 15th; on the 25th 5 days past it (the 4-7 bar of the
# second chart, x 240), as the backorders view says, its age 12 days.
@test "kpi --format html: backorders past their promise date, by days past it" {
	kpi_store
	run -0 oms-report kpi --format html --to 2026-11-15 --today 2026-11-15
	assert_output --partial 'by days past it (0 lines; 1 more has no promise date or is not yet due).</p>'
	assert_output --partial '<p class="empty">None past its promise date.</p>'
	run -0 grep -c '<svg' <<< "$output"
	assert_output 3
	run -0 oms-report backorders --today 2026-11-25 --format jsonl
	assert_output --partial '"age_days":12,'
	assert_output --partial '"days_past_promise":5,"expected_at":null,"supply_id":null}'
	run -0 oms-report kpi --format html --to 2026-11-15 --today 2026-11-25
	assert_output --partial 'by days past it (1 line; 0 more have no promise date or are not yet due).</p>'
	# the age chart's 8-14 bar (x 340), and the second chart's 4-7 bar
	assert_output --regexp '<rect x="340" y="[0-9]+" width="70" height="[0-9]+" fill="#d4a72c"><title>1 unit, 1 line</title>'
	assert_output --regexp '<rect x="240" y="[0-9]+" width="70" height="[0-9]+" fill="#cf222e"><title>1 unit, 1 line</title>'
	page=$output
	run -0 grep -c '<svg' <<< "$page"
	assert_output 4
	run -0 grep -c '<title>1 unit, 1 line</title>' <<< "$page"
	assert_output 2
}

# The page is read in two threads: the KPIs on one connection, the rest
# on a second that sees the same snapshot (store_read_together).  The
# page less its "written" line, whichever way it was read.
page_body() {
	grep -v '^<p class="note">Day ' "$1"
}

@test "kpi --format html: the page read in two threads is the page one reader writes" {
	test_hooks
	kpi_store
	run -0 --separate-stderr oms-report -v kpi --format html --today 2026-11-15 -o two.html
	assert_equal "$(grep -c 'one reader' <<< "$stderr")" 0
	# a store that changes whenever the readers begin is read by one connection
	run -0 --separate-stderr env OMS_READ_RACE="CREATE TABLE IF NOT EXISTS race (x);
	    INSERT INTO race VALUES (1)" OMS_READ_RACE_TIMES=99 \
	    oms-report -v kpi --format html --today 2026-11-15 -o one.html
	assert_equal "$(grep -c 'keeps changing: one reader' <<< "$stderr")" 1
	assert_equal "$(page_body one.html)" "$(page_body two.html)"
	run -0 grep -c '<title>1 unit, 1 line</title>' one.html
}

@test "kpi --format html: a commit while the readers begin is in both halves of the page" {
	test_hooks
	kpi_store
	# K1 backordered: in the KPIs (order fill, backorder rate) and in the ages
	race="UPDATE order_line SET backordered = 1, ever_backordered = 1
	    WHERE order_id = 'K1' AND line_no = 1"
	cp "$OMS_DB" after.db
	sqlite3 after.db "$race"
	oms-report --db after.db kpi --format html --today 2026-11-15 -o after.html
	run -0 --separate-stderr env OMS_READ_RACE="$race" \
	    oms-report -v kpi --format html --today 2026-11-15 -o raced.html
	assert_equal "$(grep -c 'changed while its readers began; again' <<< "$stderr")" 1
	assert_equal "$(page_body raced.html)" "$(page_body after.html)"
	# before the race: order fill 60.0%, backorder rate 33.3%, one aged bar of 1
	run -0 grep -c '<title>1 unit, 1 line</title>' raced.html
	assert_output 2
	run -0 grep -o '<tr class="all">.*</tr>' raced.html
	assert_output --partial '<td>All channels</td><td>6</td><td>11</td><td>40.0%</td><td>50.0%</td><td>1.2500</td><td>6.75</td><td>50.0%</td><td>50.0%</td>'
}

# ATP per active node, as the inventory view has it: on hand less safety
# stock (the row's, else the node's) less what line_node routes and
# releases there of lines that exist, never below 0, summed over skus.
#   DC1 (safety 0): A1 100 - 2 (K1/1) - 3 (K2/1) = 95; B2 50 - 60 (K1/2): 0
#   ST1 (safety 1): A1 5 - 1 - 1 (K2/1) = 3; B2 3 - 2 (its own) = 1
#   K3/1 at ST1 with nothing routed or released, at ST2 (no stock row),
#   K9/1 (no such line): nothing; V1 (C3 10, 1 released) is inactive.
@test "kpi --format html: inventory health is ATP per active node, routed and released work reserved" {
	kpi_store
	sqlite3 "$OMS_DB" "INSERT INTO line_node (order_id, line_no, node_id, routed, released)
	    VALUES ('K1', 1, 'DC1', 2, 0), ('K1', 2, 'DC1', 60, 0), ('K2', 1, 'DC1', 0, 3),
	    ('K2', 1, 'ST1', 1, 0), ('K3', 1, 'ST1', 0, 0), ('K3', 1, 'ST2', 4, 0),
	    ('K5', 1, 'V1', 0, 1), ('K9', 1, 'DC1', 50, 0)
	    ON CONFLICT DO UPDATE SET routed = excluded.routed, released = excluded.released;
	    UPDATE node SET active = 0 WHERE node_id = 'V1'"
	run -0 oms-report kpi --format html --today 2026-11-15 -o report.html
	run -0 grep -o '[0-9]* available of [0-9]* on hand' report.html
	assert_output - <<EOF
95 available of 150 on hand
4 available of 8 on hand
EOF
	run -1 grep -c '>V1<title>' report.html
}

@test "kpi --format html: text from the store is escaped" {
	base_store
	printf 'sku,unit_cost,holding_rate\n"<b>&""x",1,0.2\n' > items.csv
	oms-import -q items items.csv
	printf "node_id,type\n\"<i>N'\",warehouse\n" > nodes.csv
	oms-import -q nodes nodes.csv
	printf 'node_id,sku,on_hand\n"<i>N'"'"'","<b>&""x",0\n' > inv.csv
	oms-import -q inventory inv.csv
	# ordered, and out of stock: in the reorder table
	printf 'order_id,line_no,sku,qty,created_at\nX1,1,"<b>&""x",1,2026-11-20T10:00:00Z\n' > o.csv
	oms-import -q orders o.csv
	run -0 oms-report kpi --format html --channel '<script>' --today 2026-11-27 -o report.html
	run -1 grep -F '<b>&"x' report.html
	run -1 grep -F "<i>N'" report.html
	run -1 grep -ci '<script' report.html
	run -0 grep -cF '<td>&lt;b&gt;&amp;&quot;x</td>' report.html
	run -0 grep -cF '&lt;i&gt;N&#39;' report.html
	run -0 grep -cF 'channel &lt;script&gt;' report.html
}

@test "kpi --format html: renders in a headless browser" {
	browser=$(command -v chromium || command -v chromium-browser || true)
	[ -n "$browser" ] || skip "chromium is not installed (apt-get install chromium)"
	kpi_store
	run -0 oms-report kpi --format html --today 2026-11-15 -o report.html
	run -0 "$browser" --headless --no-sandbox --disable-gpu \
	    --screenshot="$BATS_TEST_TMPDIR/page.png" --window-size=1200,1600 \
	    "file://$BATS_TEST_TMPDIR/report.html"
	run -0 file "$BATS_TEST_TMPDIR/page.png"
	assert_output --partial 'PNG image data, 1200 x 1600'
}

# Laid out by the browser in a window 1000 px wide (a mail client's
# pane): the page does not scroll sideways, and every table's last column
# is inside its box.  The page has no script; a copy of it gets one that
# measures the layout and writes what it found into the DOM, which the
# browser prints.  Long figures (revenue in the tens of millions) and a
# long channel name make the key figures as wide as they get.
@test "kpi --format html: at 1000 px wide nothing overflows, every table's last column shows" {
	browser=$(command -v chromium || command -v chromium-browser || true)
	[ -n "$browser" ] || skip "chromium is not installed (apt-get install chromium)"
	kpi_store
	# and C3, ordered and out of stock, in the reorder table
	sqlite3 "$OMS_DB" "UPDATE order_line SET unit_price = 2499999999 WHERE order_id = 'K1';
	    UPDATE orders SET channel = 'marketplace' WHERE order_id = 'K3';
	    UPDATE inventory SET on_hand = 0 WHERE sku = 'C3'"
	run -0 oms-report kpi --format html --today 2026-11-15 -o report.html
	run -0 grep -c '<table>' report.html
	assert_output 2
	run -0 grep -c '>75,000,061.97<' report.html
	measure='<script>
var d = document.documentElement, w = d.clientWidth, bad = [];
if (d.scrollWidth > w) bad.push("page " + d.scrollWidth + " > " + w);
document.querySelectorAll("table").forEach(function (t, i) {
	var c = t.rows[0].cells, last = c[c.length - 1].getBoundingClientRect().right;
	var box = t.parentNode.getBoundingClientRect().right;
	if (last > box + 0.5 || last > w) bad.push("table " + i + " ends at " + last);
});
document.body.setAttribute("data-fit", bad.length ? bad.join("; ") : "ok");
</script></body>'
	awk -v m="$measure" '{ sub(/<\/body>/, m) } 1' report.html > measured.html
	run -0 "$browser" --headless --no-sandbox --disable-gpu --window-size=1000,800 \
	    --dump-dom "file://$BATS_TEST_TMPDIR/measured.html"
	assert_output --partial '<body data-fit="ok">'
	# and the picture, to look at: tests/kpi.bats leaves it in the test's directory
	run -0 "$browser" --headless --no-sandbox --disable-gpu --window-size=1000,800 \
	    --screenshot="$BATS_TEST_TMPDIR/page-1000.png" "file://$BATS_TEST_TMPDIR/report.html"
	run -0 file "$BATS_TEST_TMPDIR/page-1000.png"
	assert_output --partial 'PNG image data, 1000 x 800'
}

# The base store with rates and postal codes, and the orders of CSV file
# $1 imported and allocated: for a flow through the real commands.
allocated() {
	base_store &&
	oms-import -q rates "$DATA/rates.csv" &&
	oms-import -q postal "$DATA/postal.csv" &&
	oms-import -q orders "$1" &&
	oms-allocate -q > /dev/null
}

# line_node keeps where a line shipped from (schema version 5): E1/1, 3
# units routed to DC1 (6.45) and released; 2 shipped, 1 short; the open
# unit routed to DC1 again (6.15), then DC1 evacuated: that unit goes to
# ST1 (7.65).  The DC1 row stays, with its 2 units shipped and both its
# routings' cost; ST1's routing counts only if E1/1 ships from there.
@test "kpi: work moved off the node a line shipped from keeps that node's shipped units and routing cost" {
	printf 'order_id,line_no,sku,qty,ship_postal_code,unit_price\nE1,1,A1,3,10001,19.99\n' > e.csv
	allocated e.csv
	run -0 oms-route -q
	assert_line 'E1,1,A1,3,DC1,6.45,1,0'
	oms-release -q > rel.csv
	rel=$(awk -F, 'NR == 2 { print $1 }' rel.csv)
	printf 'release_id,line_no,status,qty\n%s,1,shipped,2\n%s,1,short,1\n' "$rel" "$rel" > c.csv
	oms-release -q --confirm c.csv
	oms-allocate -q > /dev/null
	run -0 oms-route -q
	assert_line 'E1,1,A1,1,DC1,6.15,1,0'
	run -0 oms-route -q --evacuate DC1
	assert_line 'E1,1,A1,1,ST1,7.65,1,0'
	run -0 sqlite3 "$OMS_DB" "select node_id, routed, released, shipped, cost_cents from line_node"
	assert_output - <<'EOF'
DC1|0|0|2|1260
ST1|1|0|0|765
EOF
	run -0 oms-report kpi --format jsonl
	assert_line --index 1 --partial '"shipments_per_order":1.0000,"avg_ship_cost":12.60,'
}

# A shipment's ship time is its latest shipped or picked-up confirmation
# (a short one is not), in whatever order they come; a unit shipped
# later in a release of its own is a shipment of its own.
@test "kpi: a shipment's ship time is the latest of its confirmations, in any order" {
	printf 'order_id,line_no,sku,qty,ship_postal_code\nS1,1,A1,1,10001\nS1,2,A1,1,10001\nS1,3,A1,1,10001\nS2,1,A1,1,10001\nS2,2,A1,1,10001\n' > s.csv
	allocated s.csv
	oms-route -q > /dev/null
	oms-release -q > rel.csv
	r1=$(awk -F, '$3 == "S1" { print $1; exit }' rel.csv)
	r2=$(awk -F, '$3 == "S2" { print $1; exit }' rel.csv)
	{
		echo "release_id,line_no,status,qty,at"
		echo "$r1,1,shipped,1,2026-11-20T10:00:00Z"
		echo "$r1,2,shipped,1,2026-11-20T08:00:00Z"
		echo "$r2,1,shipped,1,2026-11-21T09:00:00Z"
		echo "$r2,2,shipped,1,2026-11-21T11:00:00Z"
		echo "$r1,3,short,1,2026-11-23T10:00:00Z"
	} > c1.csv
	oms-release -q --confirm c1.csv
	run -0 sqlite3 "$OMS_DB" "select order_id, shipped_at from shipment order by 1"
	assert_output - <<'EOF'
S1|2026-11-20T10:00:00Z
S2|2026-11-21T11:00:00Z
EOF
	# the shorted unit, allocated, routed and released again, ships later
	oms-allocate -q > /dev/null
	oms-route -q > /dev/null
	oms-release -q > rel2.csv
	r3=$(awk -F, '$3 == "S1" { print $1; exit }' rel2.csv)
	printf 'release_id,line_no,status,qty,at\n%s,3,shipped,1,2026-11-22T07:00:00Z\n' "$r3" > c2.csv
	oms-release -q --confirm c2.csv
	run -0 sqlite3 "$OMS_DB" "select order_id, shipped_at from shipment order by 2"
	assert_output - <<'EOF'
S1|2026-11-20T10:00:00Z
S2|2026-11-21T11:00:00Z
S1|2026-11-22T07:00:00Z
EOF
	run -0 oms-report kpi --format jsonl
	assert_line --index 1 --partial '"shipments_per_order":1.5000,'
}

# The promise is a delivery date: a shipment is on time when the day it
# shipped plus the transit days of the rate band oms-route priced it with
# is on or before the promise day.  T1 and T2 go 1 day (10001 from DC1,
# the band to 50 km); T3 is a pickup at ST1, 0 days.  T1 ships the day
# before its promise, T2 on the promise day (it arrives a day late), T3 is
# picked up on the promise day.
@test "kpi: on time is the ship day plus the band's transit days, against the promise date" {
	{
		echo order_id,line_no,sku,qty,ship_postal_code,promise_date,method,pickup_node
		echo T1,1,A1,1,10001,2026-11-28,ship,
		echo T2,1,A1,1,10001,2026-11-28,ship,
		echo T3,1,B2,1,,2026-11-28,pickup,ST1
	} > t.csv
	allocated t.csv
	run -0 oms-route -q --day 2026-11-25
	assert_output - <<'EOF'
order_id,line_no,sku,qty,node_id,cost,transit_days,late
T1,1,A1,1,DC1,6.15,1,0
T2,1,A1,1,DC1,6.15,1,0
T3,1,B2,1,ST1,3,0,0
EOF
	oms-release -q --day 2026-11-25 -o rel.csv
	{
		echo release_id,line_no,status,qty,at
		awk -F, '$3 == "T1" { print $1 ",1,shipped,1,2026-11-27T10:00:00Z" }
		    $3 == "T2" { print $1 ",1,shipped,1,2026-11-28T09:00:00Z" }
		    $3 == "T3" { print $1 ",1,picked_up,1,2026-11-28T17:00:00Z" }' rel.csv
	} > c.csv
	oms-release -q --confirm c.csv
	run -0 sqlite3 "$OMS_DB" "select order_id, shipped_at, transit_days from shipment order by 1;
	    select order_id, node_id, transit_days from line_node order by 1"
	assert_output - <<'EOF'
T1|2026-11-27T10:00:00Z|1
T2|2026-11-28T09:00:00Z|1
T3|2026-11-28T17:00:00Z|0
T1|DC1|1
T2|DC1|1
T3|ST1|0
EOF
	# T1 and T3 of the three
	run -0 oms-report kpi --format jsonl
	assert_line --index 1 --partial '"on_time_rate":0.6667,'
	# a shipment whose band is not known (routed before oms kept it, with
	# no routing event to tell) is counted neither way
	sqlite3 "$OMS_DB" "update shipment set transit_days = null where order_id = 'T2'"
	run -0 oms-report kpi --format jsonl
	assert_line --index 1 --partial '"on_time_rate":1.0000,'
}

@test "kpi: a shipment delivered is on time by its delivery day, not its estimate" {
	{
		echo order_id,line_no,sku,qty,ship_postal_code,promise_date
		echo T1,1,A1,1,10001,2026-11-28
		echo T2,1,A1,1,10001,2026-11-28
	} > t.csv
	allocated t.csv
	oms-route -q --day 2026-11-25 > /dev/null
	oms-release -q --day 2026-11-25 -o rel.csv
	# both shipped on the 27th with 1 day in transit: on time, estimated
	{
		echo release_id,line_no,status,qty,carrier,tracking,at
		awk -F, '$3 == "T1" { print $1 ",1,shipped,1,UPS,1ZT1,2026-11-27T10:00:00Z" }
		    $3 == "T2" { print $1 ",1,shipped,1,UPS,1ZT2,2026-11-27T10:00:00Z" }' rel.csv
	} > c.csv
	oms-release -q --confirm c.csv
	run -0 oms-report kpi --format jsonl
	assert_line --index 1 --partial '"on_time_rate":1.0000,'
	# T2's parcel arrived on the 30th: late; T1's on the 28th: on time
	printf 'carrier,tracking,status,at\nUPS,1ZT1,delivered,2026-11-28T15:00:00Z\nUPS,1ZT2,delivered,2026-11-30T12:00:00Z\n' |
	    oms-release -q --confirm -
	run -0 sqlite3 "$OMS_DB" "select order_id, delivered_at from shipment order by 1"
	assert_output - <<'EOF'
T1|2026-11-28T15:00:00Z
T2|2026-11-30T12:00:00Z
EOF
	run -0 oms-report kpi --format jsonl
	assert_line --index 1 --partial '"on_time_rate":0.5000,'
}

