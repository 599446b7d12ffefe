#!/bin/sh
# make bench, the last mile: a store where half the orders are pickups
# at stores that take pickups shipped to them (ship_to_store), released
# whole, then confirmed as a store's day goes: the parcels shipped (ship
# lines, and pickups shipped to their store), the pickups shipped to a
# store received there, every pickup made ready and picked up; each file
# timed per row against the shipped one.  And the associate views of one
# store (the one with the most released lines): its pick list after the
# release, its collections once everything is ready, its stock, its
# orders and its alerts.
#
# The data is oms-gen's (tests/bench/oms-gen.c), $LM_LINES order lines
# (default 1,000,000): every second order becomes a pickup at a store
# (the order's number modulo the stores), every store takes pickups
# shipped to it, node capacities lifted so that everything goes out in one
# release.  The released store is cached in $BENCH_DIR/last-mile-N; each
# figure is the median of $REPS runs (default 3) on a fresh copy of it.
# CPU is user + system time, which other load does not inflate as it
# does the elapsed time.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$here/../..
: "${OMS_BIN:?set OMS_BIN}"
PATH=$OMS_BIN:$PATH
reps=${REPS:-3}
lines=${LM_LINES:-1000000}
dir=${BENCH_DIR:-/tmp/oms-bench}/last-mile-$lines
[ -x /usr/bin/time ] || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 1; }
mkdir -p "$dir"

. "$here/lib.sh"

if [ ! -s "$dir/released.db" ]; then
	gen "$lines" "$dir"
	rm -f "$dir/build.db" "$dir/build.db-wal" "$dir/build.db-shm"
	# no capacity, and every store takes pickups shipped to it (oms-gen's
	# CSV has no quoted fields)
	awk -F, -v OFS=, 'NR == 1 { for (i = 1; i <= NF; i++) {
		if ($i == "capacity_per_day") c = i; if ($i == "type") y = i }
	    print $0, "ship_to_store"; next }
	    { $c = ""; print $0, ($y == "store") }' "$dir/nodes.csv" >"$dir/nodes-s2s.csv"
	# every second order a pickup at a store
	awk -F, 'NR > 1 && $2 == "store" { print $1 }' "$dir/nodes.csv" >"$dir/stores.txt"
	awk -F, -v OFS=, 'NR == FNR { s[n++] = $1; next }
	    FNR == 1 { for (i = 1; i <= NF; i++) { if ($i == "method") m = i
		if ($i == "pickup_node") p = i }; print; next }
	    { k = substr($1, 2) + 0 } k % 2 == 0 && $m == "ship" { $m = "pickup"; $p = s[k % n] }
	    { print }' "$dir/stores.txt" "$dir/orders.csv" >"$dir/orders-s2s.csv"
	oms-import -q --db "$dir/build.db" nodes "$dir/nodes-s2s.csv"
	for k in items customers postal rates inventory; do
		oms-import -q --db "$dir/build.db" "$k" "$dir/$k.csv"
	done
	oms-import -q --db "$dir/build.db" orders "$dir/orders-s2s.csv"
	oms-allocate -q --db "$dir/build.db" -o /dev/null
	oms-route -q --db "$dir/build.db" --day 2026-11-01 -o /dev/null
	oms-release -q --db "$dir/build.db" --day 2026-12-01 -o "$dir/releases.csv"
	mv "$dir/build.db" "$dir/released.db"
fi
# a store cached by an older oms: migrate it now, not in the timed runs
oms-allocate --dry-run -q --db "$dir/released.db" > /dev/null
# The files of the day: releases.csv's columns are release_id, node_id,
# order_id, line_no, sku, qty, method, ... ship_to_node (15th).
awk -F, 'NR > 1 && ($7 == "ship" || $7 == "locker" || $2 != $15) {
	print $1 "," $4 ",shipped," $6 ",UPS,1Z" NR }' "$dir/releases.csv" |
    (echo release_id,line_no,status,qty,carrier,tracking; cat) >"$dir/shipped.csv"
awk -F, 'NR > 1 && ($7 == "pickup" || $7 == "curbside") && $2 != $15 {
	print $1 "," $4 ",received," $6 }' "$dir/releases.csv" |
    (echo release_id,line_no,status,qty; cat) >"$dir/received.csv"
for st in ready picked_up; do
	awk -F, -v st="$st" 'NR > 1 && ($7 == "pickup" || $7 == "curbside") {
	    print $1 "," $4 "," st "," $6 (st == "ready" ? ",shelf " NR % 40 : ",") }' \
	    "$dir/releases.csv" | (echo release_id,line_no,status,qty,location; cat) >"$dir/$st.csv"
done
store=$(awk -F, 'NR > 1 && ($7 == "pickup" || $7 == "curbside") { n[$15]++ }
    END { for (s in n) if (n[s] > m) { m = n[s]; b = s }; print b }' "$dir/releases.csv")
views="picklist inventory orders alerts collections"
rm -f "$dir"/*.times
i=0
while [ $i -lt "$reps" ]; do
	cp "$dir/released.db" "$dir/oms.db"
	rm -f "$dir/oms.db-wal" "$dir/oms.db-shm"
	for v in picklist inventory orders; do
		tcpu "$dir/$v.times" oms-report -q --db "$dir/oms.db" "$v" --node "$store"
	done
	tcpu "$dir/alerts.times" oms-report -q --db "$dir/oms.db" alerts --node "$store" \
	    --today 2026-12-02
	for st in shipped received ready picked_up; do
		tcpu "$dir/$st.times" oms-release -q --db "$dir/oms.db" --confirm "$dir/$st.csv"
		[ "$st" != ready ] ||
		    tcpu "$dir/collections.times" oms-report -q --db "$dir/oms.db" collections \
		    --node "$store" --today 2026-12-02
	done
	i=$((i + 1))
done
echo "last mile, $lines order lines: $(($(wc -l <"$dir/releases.csv") - 1)) release lines, medians of $reps:"
for st in shipped received ready picked_up; do
	n=$(($(wc -l <"$dir/$st.csv") - 1))
	printf '  confirm %-9s %7s rows: %6.2f s (CPU %6.2f s)  %5.1f us a row\n' "$st" "$n" \
	    "$(median "$dir/$st.times" 1)" "$(median "$dir/$st.times" 3)" \
	    "$(median "$dir/$st.times" 1 | awk -v n="$n" '{ printf "%.1f", n ? $1 * 1e6 / n : 0 }')"
done
for v in $views; do
	printf '  %-11s --node %s: %5.2f s (CPU %5.2f s)\n' "$v" "$store" \
	    "$(median "$dir/$v.times" 1)" "$(median "$dir/$v.times" 3)"
done
echo "(load average during the run: $(cut -d' ' -f1-3 /proc/loadavg))"
