#!/bin/sh
# make bench, oms-release: release 200,000 routed orders, then confirm
# every line of them (shipped or picked up, one line in 50 short).
#
# The data is oms-gen's (tests/bench/oms-gen.c) with enough order lines for
# about 200,000 orders, imported, allocated and routed with the real tools
# (node capacities lifted, so that every order goes out in one run;
# capacity itself is tested in tests/release.bats).  The routed store
# is cached in $BENCH_DIR/release; each figure is the median of $REPS runs
# (default 5) on a fresh copy of it.  Peak memory is GNU time's maximum
# resident set size; CPU is user + system time, which other load on the
# machine does not inflate as it does the elapsed time.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$here/../..
: "${OMS_BIN:?set OMS_BIN}"
PATH=$OMS_BIN:$PATH
reps=${REPS:-5}
lines=${RELEASE_LINES:-600000}
dir=${BENCH_DIR:-/tmp/oms-bench}/release-$lines
[ -x /usr/bin/time ] || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 1; }
mkdir -p "$dir"

. "$here/lib.sh"

if [ ! -s "$dir/routed.db" ]; then
	[ -s "$dir/orders.csv" ] ||
	    oms-gen -n "$lines" -p "$top/share/postal-us.csv" -d "$dir" >&2
	rm -f "$dir/build.db" "$dir/build.db-wal" "$dir/build.db-shm"
	# the nodes without their daily capacity, so that every order goes
	# out in one run (oms-gen's CSV has no quoted fields)
	awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "capacity_per_day") c = i }
	    NR > 1 && c { $c = "" } { print }' "$dir/nodes.csv" >"$dir/nodes-uncapped.csv"
	oms-import -q --db "$dir/build.db" nodes "$dir/nodes-uncapped.csv"
	for k in items customers postal rates inventory orders; do
		oms-import -q --db "$dir/build.db" "$k" "$dir/$k.csv"
	done
	oms-allocate -q --db "$dir/build.db" -o /dev/null
	oms-route -q --db "$dir/build.db" --day 2026-11-01 -o /dev/null
	mv "$dir/build.db" "$dir/routed.db"
fi
# a store cached by an older oms: migrate it now, not in the timed runs
oms-allocate --dry-run -q --db "$dir/routed.db" > /dev/null
orders=$(sqlite3 "$dir/routed.db" "SELECT count(DISTINCT order_id) FROM line_node WHERE routed > 0")
rm -f "$dir"/release.times "$dir"/confirm.times "$dir"/rerun.times
i=0
while [ $i -lt "$reps" ]; do
	cp "$dir/routed.db" "$dir/oms.db"
	rm -f "$dir/oms.db-wal" "$dir/oms.db-shm"
	tcpu "$dir/release.times" oms-release -q --db "$dir/oms.db" --day 2026-12-01 \
	    -o "$dir/releases.csv"
	tcpu "$dir/rerun.times" oms-release -q --db "$dir/oms.db" --day 2026-12-01 -o /dev/null
	# what the nodes send back: every line, one in 50 short
	awk -F, 'NR == 1 { print "release_id,line_no,status,qty,carrier,tracking"; next }
	    { st = ($7 == "pickup" || $7 == "curbside") ? "picked_up" : (NR % 50 ? "shipped" : "short")
	      print $1 "," $4 "," st "," $6 "," (st == "shipped" ? "UPS,1Z" NR : ",") }' \
	    "$dir/releases.csv" >"$dir/confirmations.csv"
	tcpu "$dir/confirm.times" oms-release -q --db "$dir/oms.db" --confirm "$dir/confirmations.csv"
	# the last mile: every shipped line delivered, by a row of its own;
	# then on the store as released, the pickups made ready, the curbside
	# customers arrived, and every one picked up
	awk -F, '$3 == "shipped" { print $1 "," $2 ",delivered," $4 }' "$dir/confirmations.csv" |
	    (echo release_id,line_no,status,qty; cat) >"$dir/delivered.csv"
	tcpu "$dir/delivered.times" oms-release -q --db "$dir/oms.db" --confirm "$dir/delivered.csv"
	cp "$dir/routed.db" "$dir/oms.db"
	rm -f "$dir/oms.db-wal" "$dir/oms.db-shm"
	oms-release -q --db "$dir/oms.db" --day 2026-12-01 -o /dev/null
	for st in ready arrived picked_up; do
		awk -F, -v st="$st" 'NR > 1 && ($7 == "pickup" || $7 == "curbside") &&
		    (st != "arrived" || $7 == "curbside") { print $1 "," $4 "," st "," $6 }' \
		    "$dir/releases.csv" | (echo release_id,line_no,status,qty; cat) >"$dir/$st.csv"
		tcpu "$dir/$st.times" oms-release -q --db "$dir/oms.db" --confirm "$dir/$st.csv"
	done
	i=$((i + 1))
done
rel=$(sqlite3 "$dir/oms.db" "SELECT count(*) FROM release")
conf=$(($(wc -l <"$dir/confirmations.csv") - 1))
printf 'release %s orders: %s releases, %s lines  oms-release %6.2f s (CPU %6.2f s)  peak RSS %6.1f MB  re-run %6.2f s\n' \
    "$orders" "$rel" "$conf" "$(median "$dir/release.times" 1)" \
    "$(median "$dir/release.times" 3)" \
    "$(median "$dir/release.times" 2 | awk '{ printf "%.1f", $1 / 1024 }')" \
    "$(median "$dir/rerun.times" 1)"
printf 'confirm %s lines: oms-release --confirm %6.2f s (CPU %6.2f s)  peak RSS %6.1f MB\n' \
    "$conf" "$(median "$dir/confirm.times" 1)" "$(median "$dir/confirm.times" 3)" \
    "$(median "$dir/confirm.times" 2 | awk '{ printf "%.1f", $1 / 1024 }')"
# per row, against the confirmations above (mostly shipped)
for st in delivered ready arrived picked_up; do
	n=$(($(wc -l <"$dir/$st.csv") - 1))
	printf 'confirm %-9s %7s rows: %6.2f s  %5.1f us a row (the confirmations above: %5.1f us a row)\n' \
	    "$st" "$n" "$(median "$dir/$st.times" 1)" \
	    "$(median "$dir/$st.times" 1 | awk -v n="$n" '{ printf "%.1f", n ? $1 * 1e6 / n : 0 }')" \
	    "$(median "$dir/confirm.times" 1 | awk -v n="$conf" '{ printf "%.1f", $1 * 1e6 / n }')"
done
echo "(load average during the run: $(cut -d' ' -f1-3 /proc/loadavg))"
