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
	flow "$db" "$w"
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
