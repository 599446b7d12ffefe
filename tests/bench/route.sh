#!/bin/sh
# oms-route in the bench (called by run.sh, or alone with OMS_BIN set).
#
# Quality: a batch of about 1,450 orders in play (the US network of the
# benchmark data, 500 skus so that orders compete for stock) is routed
# three ways on the same store, all as dry runs: (a) --greedy, the plain
# order-by-order baseline; (b) oms-route; (c) the LP relaxation that
# --write-lp writes, solved by glpsol (glpk-utils; the bench only, not a
# runtime dependency).  Reported: each objective (shipping, handling and
# the penalties), shipments, and the share of the gap from (a) to (c)
# that (b) closes.
#
# Speed: 600,000 order lines (about 245,000 orders, some 200,000 of them
# with an allocation to route), oms-route run for real on a fresh copy of
# the allocated store, $REPS times; median seconds and peak RSS.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$here/../..
: "${OMS_BIN:?set OMS_BIN}"
PATH=$OMS_BIN:$PATH
dir=${BENCH_DIR:-/tmp/oms-bench}
reps=${REPS:-5}
day=2026-11-01		# the business day the generated promise dates suit
mkdir -p "$dir"
. "$here/lib.sh"

allocated_store() {	# allocated_store DATADIR DB
	[ -s "$2" ] && { current_schema "$2"; return 0; }
	base_store "$1" "$2.tmp"
	oms-import -q --db "$2.tmp" orders "$1/orders.csv"
	oms-allocate -q --db "$2.tmp" -o /dev/null
	mv "$2.tmp" "$2"
}

# objective and shipments from a summary line on stderr
summary() {	# summary FILE
	sed -n 's/.*routed: \([0-9]*\) shipments.*(objective \([0-9.]*\) with.*/\2 \1/p' "$1"
}

d=$dir/route-q
gen 7000 "$d" -k 500
allocated_store "$d" "$d/alloc.db"
oms-route --db "$d/alloc.db" --day $day --dry-run --greedy -o /dev/null 2>"$d/greedy.err"
oms-route --db "$d/alloc.db" --day $day --dry-run --write-lp "$d/batch.lp" \
    -o /dev/null 2>"$d/route.err"
set -- $(summary "$d/greedy.err")
ga=$1 gs=$2
set -- $(summary "$d/route.err")
ra=$1 rs=$2
orders=$(sed -n 's/.*nothing written: \([0-9]*\) orders routed.*/\1/p' "$d/route.err")
if command -v glpsol >/dev/null 2>&1; then
	glpsol --lp "$d/batch.lp" -o "$d/batch.sol" >"$d/glpsol.log"
	grep -q '^Status: *OPTIMAL' "$d/batch.sol" || { cat "$d/glpsol.log" >&2; exit 1; }
	lp=$(awk '/^Objective:/ { print $4 }' "$d/batch.sol")
	k=$(sed -n 's/^\\ constant //p' "$d/batch.lp")
	lb=$(echo "$lp $k" | awk '{ printf "%.2f", $1 + $2 }')
	printf 'route quality, %s orders: greedy %.2f (%s shipments)  oms-route %.2f (%s shipments)  LP bound %.2f  gap closed %.1f%%  greedy over bound %.1f%%\n' \
	    "$orders" "$ga" "$gs" "$ra" "$rs" "$lb" \
	    "$(echo "$ga $ra $lb" | awk '{ printf "%.1f", 100 * ($1 - $2) / ($1 - $3) }')" \
	    "$(echo "$ga $lb" | awk '{ printf "%.1f", 100 * ($1 - $2) / $2 }')"
else
	printf 'route quality, %s orders: greedy %.2f (%s shipments)  oms-route %.2f (%s shipments)  LP bound: glpsol not found (apt-get install glpk-utils)\n' \
	    "$orders" "$ga" "$gs" "$ra" "$rs"
fi
# The same model as a MIP (shipments and units integer), when CBC is
# installed (coinor-cbc; the bench only), given $MIP_SECONDS of CPU: the
# best integer solution it finds, what a general solver reaches.
mipsec=${MIP_SECONDS:-120}
if command -v cbc >/dev/null 2>&1 && [ "$mipsec" -gt 0 ]; then
	{
		sed '/^End$/d' "$d/batch.lp"
		echo General
		grep -o '\<[xy][0-9][0-9_]*\>' "$d/batch.lp" | sort -u | sed 's/^/ /'
		echo End
	} >"$d/mip.lp"
	cbc "$d/mip.lp" sec "$mipsec" threads 1 solve >"$d/cbc.log" 2>&1 || true
	k=$(sed -n 's/^\\ constant //p' "$d/batch.lp")
	mip=$(awk -v k="$k" '/^Objective value:/ { printf "%.2f", $3 + k }' "$d/cbc.log")
	how=$(sed -n 's/^Result - //p' "$d/cbc.log")
	printf 'route quality: CBC MIP, %s s: %s (%s)\n' "$mipsec" "${mip:-no integer solution}" "${how:-no result}"
fi

d=$dir/route-600k
gen 600000 "$d"
allocated_store "$d" "$d/alloc.db"
rm -f "$d/route.times" "$d/greedy.times"
i=0
while [ $i -lt "$reps" ]; do
	cp "$d/alloc.db" "$d/oms.db"
	rm -f "$d/oms.db-wal" "$d/oms.db-shm"
	t "$d/route.times" oms-route -q --db "$d/oms.db" --day $day -o /dev/null
	cp "$d/alloc.db" "$d/oms.db"
	rm -f "$d/oms.db-wal" "$d/oms.db-shm"
	t "$d/greedy.times" oms-route -q --greedy --db "$d/oms.db" --day $day -o /dev/null
	i=$((i + 1))
done
orders=$(sqlite3 "$d/alloc.db" "select count(distinct order_id) from order_line where allocated > 0")
lines=$(sqlite3 "$d/alloc.db" "select count(*) from order_line where allocated > 0")
printf 'route %s orders (%s lines): oms-route %6.2f s  peak RSS %6.1f MB   (--greedy %6.2f s)\n' \
    "$orders" "$lines" "$(median "$d/route.times" 1)" \
    "$(median "$d/route.times" 2 | awk '{ printf "%.1f", $1 / 1024 }')" \
    "$(median "$d/greedy.times" 1)"
