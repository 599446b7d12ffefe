#!/bin/sh
# oms-promise on the 1M-line store, allocated (run.sh's alloc.db): 100,000
# cart lines in one run (the carts of the first orders, under new cart
# ids), and one cart at a time (21 carts, each the first order of a
# different thousand): whole process, medians of $REPS runs.  Read-only:
# the store is the same for every run.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$here/../..
: "${OMS_BIN:?set OMS_BIN}"
PATH=$OMS_BIN:$PATH
dir=${BENCH_DIR:-/tmp/oms-bench}
reps=${REPS:-5}
. "$here/lib.sh"

d=$dir/1m
db=$d/alloc.db
[ -s "$db" ] || { echo "bench: promise needs $db (run.sh makes it)" >&2; exit 1; }
current_schema "$db"
cols="'K' || o.order_id AS cart_id, l.line_no, l.sku, l.qty, o.channel, l.method, \
l.pickup_node, o.ship_postal_code AS postal_code, o.ship_country AS country, o.priority"
sqlite3 -csv -header "$db" "SELECT $cols FROM orders o JOIN order_line l USING (order_id)
    ORDER BY o.order_id, l.line_no LIMIT 100000" >"$d/carts.csv"
rm -f "$d/promise.times" "$d/cart.times"
i=0
while [ $i -lt "$reps" ]; do
	t "$d/promise.times" oms-promise -q --db "$db" --today 2026-11-01 -o /dev/null "$d/carts.csv"
	i=$((i + 1))
done
k=0
while [ $k -le 20 ]; do
	sqlite3 -csv -header "$db" "SELECT $cols FROM orders o JOIN order_line l USING (order_id)
	    WHERE o.order_id = (SELECT order_id FROM orders ORDER BY order_id
	    LIMIT 1 OFFSET $((k * 1000)))" >"$d/cart.csv"
	i=0
	while [ $i -lt "$reps" ]; do
		t "$d/cart.times" oms-promise -q --db "$db" --today 2026-11-01 -o /dev/null "$d/cart.csv"
		i=$((i + 1))
	done
	k=$((k + 1))
done
printf 'promise 1m store: 100,000 cart lines %6.2f s  peak RSS %6.1f MB; one cart median %5.3f s, slowest %5.3f s (21 carts x %s); load %s\n' \
    "$(median "$d/promise.times" 1)" \
    "$(median "$d/promise.times" 2 | awk '{ printf "%.1f", $1 / 1024 }')" \
    "$(median "$d/cart.times" 1)" "$(sort -n "$d/cart.times" | tail -n 1 | cut -d' ' -f1)" \
    "$reps" "$(uptime | sed 's/.*load average: //')"
