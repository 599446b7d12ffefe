#!/bin/sh
# make bench, oms-release: release 200,000 routed orders, then confirm
# every line of them (shipped or picked up, one line in 50 short).
#
# The data is oms-gen's (tests/bench/oms-gen.c) with enough order lines for
# about 200,000 orders, imported and allocated with the real tools, then
# routed by a stand-in (oms-route is not on main yet): every allocated line
# goes whole to its pickup store, else to its order's home node (the one
# holding most of the sku of its first ship line) when that node stocks
# it, else to the shipping node holding most of its own sku.  Node capacities are lifted so that every order goes out in one
# run (capacity itself is tested in tests/release.bats).  The routed store
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

# t OUT CMD...: run CMD, append "seconds maxrss_kb cpu_seconds" to OUT
t() {
	out=$1
	shift
	/usr/bin/time -f '%e %M %U %S' -o "$dir/time.tmp" "$@" >/dev/null 2>"$dir/err.tmp" || {
		cat "$dir/err.tmp" >&2
		exit 1
	}
	awk '{ print $1, $2, $3 + $4 }' "$dir/time.tmp" >>"$out"
}

median() {	# median FILE COLUMN
	sort -n -k"$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END {
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

if [ ! -s "$dir/routed.db" ]; then
	[ -s "$dir/orders.csv" ] ||
	    oms-gen -n "$lines" -p "$top/share/postal-us.csv" -d "$dir" >&2
	rm -f "$dir/build.db" "$dir/build.db-wal" "$dir/build.db-shm"
	for k in nodes items customers postal rates inventory orders; do
		oms-import -q --db "$dir/build.db" "$k" "$dir/$k.csv"
	done
	oms-allocate -q --db "$dir/build.db" -o /dev/null
	# stands in for oms-route
	sqlite3 "$dir/build.db" <<'EOF'
PRAGMA foreign_keys = ON;
BEGIN;
CREATE TEMP TABLE best AS
    SELECT sku, node_id FROM (SELECT i.sku, i.node_id, row_number() OVER
        (PARTITION BY i.sku ORDER BY i.on_hand DESC, i.node_id) AS k
        FROM inventory i JOIN node n USING (node_id) WHERE n.can_ship AND n.active)
    WHERE k = 1;
-- an order ships from the node that holds most of its first ship line's
-- sku, each line from there if it stocks it, else from its own sku's
CREATE TEMP TABLE home AS
    SELECT order_id, node_id FROM (SELECT l.order_id, b.node_id, row_number() OVER
        (PARTITION BY l.order_id ORDER BY l.line_no) AS k
        FROM order_line l JOIN best b USING (sku)
        WHERE l.pickup_node IS NULL AND l.allocated > 0)
    WHERE k = 1;
INSERT INTO line_node (order_id, line_no, node_id, routed)
    SELECT l.order_id, l.line_no, COALESCE(l.pickup_node, CASE WHEN EXISTS (SELECT 1
        FROM inventory i WHERE i.node_id = h.node_id AND i.sku = l.sku AND i.on_hand > 0)
        THEN h.node_id ELSE b.node_id END), l.allocated
    FROM order_line l JOIN best b USING (sku) LEFT JOIN home h USING (order_id)
    WHERE l.allocated > 0;
UPDATE order_line SET allocated = 0 WHERE allocated > 0;
UPDATE node SET capacity_per_day = NULL;
COMMIT;
EOF
	mv "$dir/build.db" "$dir/routed.db"
fi
orders=$(sqlite3 "$dir/routed.db" "SELECT count(DISTINCT order_id) FROM line_node WHERE routed > 0")
rm -f "$dir"/release.times "$dir"/confirm.times "$dir"/rerun.times
i=0
while [ $i -lt "$reps" ]; do
	cp "$dir/routed.db" "$dir/oms.db"
	rm -f "$dir/oms.db-wal" "$dir/oms.db-shm"
	t "$dir/release.times" oms-release -q --db "$dir/oms.db" --day 2026-12-01 \
	    -o "$dir/releases.csv"
	t "$dir/rerun.times" oms-release -q --db "$dir/oms.db" --day 2026-12-01 -o /dev/null
	# what the nodes send back: every line, one in 50 short
	awk -F, 'NR == 1 { print "release_id,line_no,status,qty,carrier,tracking"; next }
	    { st = ($7 == "pickup" || $7 == "curbside") ? "picked_up" : (NR % 50 ? "shipped" : "short")
	      print $1 "," $4 "," st "," $6 "," (st == "shipped" ? "UPS,1Z" NR : ",") }' \
	    "$dir/releases.csv" >"$dir/confirmations.csv"
	t "$dir/confirm.times" oms-release -q --db "$dir/oms.db" --confirm "$dir/confirmations.csv"
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
echo "(load average during the run: $(cut -d' ' -f1-3 /proc/loadavg))"
