#!/bin/sh
# make bench, oms-report: every view on a 1,000,000-line store that has
# gone through the whole flow, medians of $REPS runs (default 3).
#
# The store (cached in $BENCH_DIR/report/flow.db, built once, a few minutes
# of CPU): oms-gen's 1M order lines (the data set of run.sh) imported and
# allocated, everything allocated routed (--day 2026-11-01), released on
# two business days against the nodes' capacities, nine releases in ten
# confirmed (one line in 50 short, the rest shipped or picked up), one
# order in 40 of those still waiting changed (cancelled, reduced or held),
# one shipped line in 25 returned (authorised, then received new, opened
# or damaged and refunded), one order in 500 appeased, and a last
# oms-allocate, as the nightly job runs it.
#
# Each view runs with its default arguments (no filter, the whole store,
# the default format; kpi also as the HTML page) with its output to a
# new file; the figures are elapsed seconds, CPU seconds (user + system: what
# other load on the machine does not inflate) and peak RSS (GNU time).
# The slowest view, by elapsed time, is named last.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$here/../..
: "${OMS_BIN:?set OMS_BIN}"
PATH=$OMS_BIN:$PATH
reps=${REPS:-3}
dir=${BENCH_DIR:-/tmp/oms-bench}
[ -x /usr/bin/time ] || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 1; }
. "$here/lib.sh"
data=$dir/1m
w=$dir/report
mkdir -p "$w"

flow_store() {	# build $w/flow.db once
	[ -s "$w/flow.db" ] && return 0
	gen 1000000 "$data"
	db=$w/build.db
	if [ ! -s "$w/allocated.db" ]; then
		base_store "$data" "$w/allocated.tmp"
		oms-import -q --db "$w/allocated.tmp" orders "$data/orders.csv"
		oms-allocate -q --db "$w/allocated.tmp" -o /dev/null
		mv "$w/allocated.tmp" "$w/allocated.db"
	fi
	cp "$w/allocated.db" "$db"
	rm -f "$db-wal" "$db-shm"
	oms-route -q --db "$db" --day 2026-11-01 -o /dev/null
	oms-release -q --db "$db" --day 2026-11-02 -o "$w/rel1.csv"
	oms-release -q --db "$db" --day 2026-11-03 -o "$w/rel2.csv"
	# what the nodes send back: nine releases in ten (by a hash of the
	# id), every line of them, one line in 50 short
	cat "$w/rel1.csv" "$w/rel2.csv" | awk -F, '
	    NR == 1 { print "release_id,line_no,status,qty,carrier,tracking"; next }
	    $1 == "release_id" { next }
	    { h = 0; for (i = length($1) - 3; i <= length($1); i++) h = h * 10 + index("0123456789", substr($1, i, 1))
	      if (h % 10 == 7) next
	      st = ($7 == "pickup" || $7 == "curbside") ? "picked_up" : (NR % 50 ? "shipped" : "short")
	      print $1 "," $4 "," st "," $6 "," (st == "shipped" ? "UPS,1Z" NR : ",") }' \
	    >"$w/confirmations.csv"
	oms-release -q --db "$db" --confirm "$w/confirmations.csv"
	# customer care on one order in 40 of those still waiting (a
	# reduction below what is released is refused: --rejects)
	sqlite3 -csv "$db" "SELECT order_id, line_no, qty FROM order_line
	    WHERE qty > shipped + cancelled ORDER BY order_id, line_no" | awk -F, '
	    BEGIN { print "order_id,line_no,action,qty,hold_type" }
	    $1 == last { next }
	    { last = $1; n++ }
	    n % 40 == 1 { print $1 ",,cancel,," }
	    n % 40 == 11 && $3 > 1 { print $1 "," $2 ",reduce," $3 - 1 "," }
	    n % 40 == 21 { print $1 ",,hold,,fraud" }' >"$w/changes.csv"
	oms-order -q --db "$db" apply --rejects "$w/changes.rej" "$w/changes.csv"
	# returns: one shipped line in 25, one unit, by mail to WH001
	sqlite3 -csv "$db" "SELECT order_id, line_no FROM order_line
	    WHERE shipped > 0 ORDER BY order_id, line_no" | awk -F, '
	    BEGIN { print "order_id,line_no,qty,reason" }
	    NR % 25 == 0 { print $1 "," $2 ",1," (NR % 100 ? "changed_mind" : "defective") }' \
	    >"$w/authorize.csv"
	oms-return authorize -q --db "$db" --rejects "$w/authorize.rej" -o "$w/rmas.csv" "$w/authorize.csv"
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i
	    print "rma_id,line_no,qty,condition,node_id"; next }
	    { print $c["rma_id"] "," $c["line_no"] "," $c["qty"] "," \
	      (NR % 7 == 0 ? "damaged" : NR % 3 ? "new" : "opened") ",WH001" }' \
	    "$w/rmas.csv" >"$w/receipts.csv"
	oms-return receive -q --db "$db" --rejects "$w/receipts.rej" -o /dev/null "$w/receipts.csv"
	sqlite3 -csv "$db" "SELECT order_id FROM orders o WHERE EXISTS (SELECT 1
	    FROM order_line l WHERE l.order_id = o.order_id AND l.shipped > 0)
	    ORDER BY order_id" | awk -F, '
	    BEGIN { print "order_id,line_no,percent,reason" }
	    NR % 500 == 0 { print $1 ",,10,late" }' >"$w/appease.csv"
	oms-return appease -q --db "$db" --rejects "$w/appease.rej" -o /dev/null "$w/appease.csv"
	oms-allocate -q --db "$db" -o /dev/null
	mv "$db" "$w/flow.db"
}

flow_store
current_schema "$w/flow.db"	# cached by an older oms: reports refuse it until migrated

# tr OUT CMD...: run CMD, append "elapsed maxrss_kb cpu" to OUT
tr() {
	out=$1
	shift
	# exit 1: check found violations, still a result
	/usr/bin/time -f '%e %M %U %S' -o "$w/time.tmp" "$@" 2>"$w/err.tmp" || {
		rc=$?
		[ $rc -eq 1 ] || { cat "$w/err.tmp" >&2; exit 1; }
	}
	awk '{ print $1, $2, $3 + $4 }' "$w/time.tmp" >>"$out"
}

views="inventory orders lines backorders releases check events runs kpi kpi-html eoq"
mkdir -p "$w/out"
rm -f "$w"/*.times
i=0
while [ $i -lt "$reps" ]; do
	for v in $views; do
		case $v in
		kpi-html) set -- kpi --format html -o "$w/out/kpi.html" ;;
		*) set -- "$v" -o "$w/out/$v.out" ;;
		esac
		# each run writes a new file: replacing the last run's (events:
		# 735 MB) costs ext4 a second or so of its own, freeing the old
		# file and flushing the new one at the rename, which is not the
		# view's time
		rm -f "$w/out/$v.out" "$w/out/kpi.html"
		tr "$w/$v.times" oms-report -q --db "$w/flow.db" "$@"
	done
	i=$((i + 1))
done
lines=$(sqlite3 "$w/flow.db" "SELECT count(*) FROM order_line")
events=$(sqlite3 "$w/flow.db" "SELECT count(*) FROM event")
echo "oms-report views, $lines lines, $events events, $(nproc) cores, medians of $reps:"
printf '  %-11s %8s %8s %10s\n' view elapsed CPU 'peak RSS'
for v in $views; do
	printf '  %-11s %6.2f s %6.2f s %7.1f MB\n' "$v" "$(median "$w/$v.times" 1)" \
	    "$(median "$w/$v.times" 3)" "$(median "$w/$v.times" 2 | awk '{ printf "%.1f", $1 / 1024 }')"
	echo "$(median "$w/$v.times" 1) $v" >>"$w/slowest.tmp"
done
set -- $(sort -n "$w/slowest.tmp" | tail -n 1)
rm -f "$w/slowest.tmp"
echo "  slowest: $2, $1 s elapsed"
echo "(load average during the run: $(cut -d' ' -f1-3 /proc/loadavg))"
