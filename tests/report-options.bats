# oms-report: each view takes its own options and refuses every other
# view option (64), naming the first given that it does not take, and
# writes nothing.  The table of lib/report.c (report_views), the
# synopses of oms-report(1) and usage() say the same as VIEWS below.
load helper

# Each view as given on the command line, and the view options it takes.
VIEWS=(
	"inventory|--by --node --sku"
	"inventory --by sku|--by --sku"
	"orders|--channel --from --node --status --to"
	"lines|--channel --from --node --order --sku --status --to"
	"backorders|--channel --from --sku --to --today"
	"releases|--from --node --to"
	"picklist|--node"
	"collections|--node --today"
	"check|--deep"
	"events|--follow --interval --since --type"
	"runs|--from --to"
	"kpi|--channel --from --to"
	"kpi --format html|--alpha --channel --days --from --service --sku --to --today"
	"eoq|--alpha --days --service --sku --today"
	"alerts|--node --today"
)

# Every view option, and a value that view would take ("" for a flag).
declare -gA VALUE=(
	[--alpha]=0.5 [--by]=node [--channel]=web [--days]=30 [--deep]= [--follow]=
	[--from]=2026-11-01 [--interval]=0.1 [--node]=DC1 [--order]=O1 [--service]=0.9
	[--since]=0 [--sku]=A1 [--status]=open [--to]=2026-12-31 [--today]=2026-11-27
	[--type]=import.nodes
)

# The option and its value as words: opt OPTION.
opt() {
	if [ -n "${VALUE[$1]}" ]; then
		printf '%s\n%s\n' "$1" "${VALUE[$1]}"
	else
		printf '%s\n' "$1"
	fi
}

orders_store() {
	base_store &&
	oms-import -q orders "$DATA/orders.csv"
}

# The view options view (a line of VIEWS) does not take.
not_taken() {
	local takes=" ${1#*|} " o
	for o in "${!VALUE[@]}"; do
		[[ $takes == *" $o "* ]] || echo "$o"
	done | sort
}

@test "the issue's example: inventory refuses the first option it does not take (64)" {
	orders_store
	run -64 --separate-stderr oms-report -o out.csv inventory --days 5 --deep --type foo \
	    --order O9 --status shipped
	assert_equal "$stderr" 'oms-report: --days does not apply to inventory'
	assert_output ''
	[ ! -e out.csv ]
	# the first as given, not the first by name
	run -64 --separate-stderr oms-report inventory --type foo --days 5
	assert_equal "$stderr" 'oms-report: --type does not apply to inventory'
	run -64 --separate-stderr oms-report eoq --sku A1 --status open --channel web
	assert_equal "$stderr" 'oms-report: --status does not apply to eoq'
}

@test "every view refuses each view option it does not take (64), and writes nothing" {
	orders_store
	local entry view o n=0
	for entry in "${VIEWS[@]}"; do
		view=${entry%%|*}
		for o in $(not_taken "$entry"); do
			# shellcheck disable=SC2046
			run -64 --separate-stderr oms-report -o out $view $(opt "$o")
			case $o in
			--follow)
				assert_equal "$stderr" 'oms-report: --follow is for events, written to standard output as a stream (--format jsonl or csv)' ;;
			--interval)
				assert_equal "$stderr" 'oms-report: --interval is for --follow' ;;
			*)
				assert_equal "$stderr" "oms-report: $o does not apply to $view" ;;
			esac
			assert_output ''
			[ ! -e out ]
			n=$((n + 1))
		done
	done
	# 17 options by 15 views, less the 53 the views take
	[ "$n" -eq 202 ]
}

@test "inventory takes --node, --sku and --by; inventory --by sku takes --sku" {
	orders_store
	run -0 oms-report inventory --by node --node DC1 --sku A1
	assert_line --index 0 'node_id,sku,on_hand,safety_stock,reserved,atp,reserved_pickup,reserved_ship'
	run -0 oms-report inventory --by sku --sku A1
	assert_line --index 0 'sku,on_hand,safety_stock,allocated,reserved,atp,unusable'
	run -64 oms-report inventory --by sku --order O1
	assert_output 'oms-report: --order does not apply to inventory --by sku'
}

@test "orders, lines, backorders and releases take every filter of their own" {
	orders_store
	run -0 oms-report orders --channel web --from 2026-11-01 --node DC1 --status open \
	    --to 2026-12-31
	assert_line --index 0 --partial 'order_id,customer_id,channel,status,'
	run -0 oms-report lines --channel web --from 2026-11-01 --node DC1 --order O1 \
	    --sku A1 --status open --to 2026-12-31
	assert_line --index 0 --partial 'order_id,line_no,sku,qty,status,'
	run -0 oms-report backorders --channel web --from 2026-11-01 --sku A1 --to 2026-12-31 \
	    --today 2026-11-27
	assert_line --index 0 --partial 'order_id,line_no,sku,backordered,reason,'
	run -0 oms-report releases --from 2026-11-01 --node DC1 --to 2026-12-31
	assert_line --index 0 --partial 'node_id,day,releases,'
	run -64 oms-report releases --sku A1
	assert_output 'oms-report: --sku does not apply to releases'
}

@test "picklist takes --node; collections --node and --today" {
	orders_store
	run -0 oms-report picklist --node DC1 --node ST1
	assert_output 'node_id,method,release_id,order_id,line_no,sku,description,qty,customer,promise_date,released_at'
	run -0 oms-report collections --node DC1 --today 2026-11-27
	assert_output 'node_id,order_id,customer,code,lines,units,location,ready_at,last_day,days_left,arrived_at,waiting_minutes,bay,vehicle'
	run -64 oms-report picklist --today 2026-11-27
	assert_output 'oms-report: --today does not apply to picklist'
}

@test "check takes --deep; events --since, --type, --follow and --interval; runs --from and --to" {
	orders_store
	run -0 oms-report check --deep
	assert_output "$CHECK_HEAD"
	run -0 oms-report events --since 0 --type import.nodes --format csv
	assert_line --index 0 'seq,at,order_id,type,payload'
	# stopped by SIGINT, --follow ends with 0
	run -0 timeout --preserve-status -s INT 1 oms-report events --follow --interval 0.1 \
	    --since 0 --type import.nodes --format csv
	assert_line --index 0 'seq,at,order_id,type,payload'
	run -0 oms-report runs --from 2026-01-01 --to 2099-12-31
	assert_line --index 0 --partial 'run_id,command,argv,'
	run -64 oms-report check --deep --from 2026-11-01
	assert_output 'oms-report: --from does not apply to check'
}

@test "kpi takes --channel, --from, --to; its page and eoq take the eoq options too" {
	orders_store
	run -0 oms-report kpi --channel web --from 2026-11-01 --to 2026-12-31
	assert_line --index 0 --partial 'channel,orders,'
	run -0 oms-report kpi --format html --channel web --from 2026-11-01 --to 2026-12-31 \
	    --alpha 0.5 --days 30 --service 0.9 --sku A1 --today 2026-11-27 -o page.html
	grep -q '<h1>Operations report</h1>' page.html
	run -0 oms-report eoq --alpha 0.5 --days 30 --service 0.9 --sku A1 --today 2026-11-27
	assert_line --index 0 --partial 'sku,'
	run -64 --separate-stderr oms-report -o page2.html kpi --format html --node DC1
	assert_equal "$stderr" 'oms-report: --node does not apply to kpi --format html'
	[ ! -e page2.html ]
	run -64 oms-report kpi --days 30
	assert_output 'oms-report: --days does not apply to kpi'
}

@test "usage() lists the views in the table's order" {
	run -64 --separate-stderr oms-report
	assert_equal "${stderr_lines[0]}" 'oms-report: which view? (inventory, orders, lines, backorders, releases, picklist, collections, check, events, runs, kpi, eoq, alerts, rules, groups)'
}
