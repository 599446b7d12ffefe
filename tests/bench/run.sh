#!/bin/sh
# make bench: generate the benchmark data set (US network from
# share/postal-us.csv, 10,000 skus, 200 nodes, 1,000,000 order lines, and
# a 100,000-line one for the memory comparison), then time the imports.
#
# The import of 1M order lines is compared with sqlite3's own .import of
# the same CSV into a plain table, measured in the same run; each figure is
# the median of $REPS runs (default 5).  Peak memory is the maximum
# resident set size (GNU time).  Work files go to $BENCH_DIR (default
# /tmp/oms-bench), which is kept between runs so the data is generated once.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$here/../..
: "${OMS_BIN:?set OMS_BIN}"
PATH=$OMS_BIN:$PATH
dir=${BENCH_DIR:-/tmp/oms-bench}
reps=${REPS:-5}
[ -x /usr/bin/time ] || { echo "bench: needs GNU time (apt-get install time)" >&2; exit 1; }
mkdir -p "$dir"

. "$here/lib.sh"

bench_size() {	# bench_size NAME LINES
	d=$dir/$1
	gen "$2" "$d"
	base_store "$d" "$d/base.db"
	rm -f "$d"/*.times
	i=0
	while [ $i -lt "$reps" ]; do
		cp "$d/base.db" "$d/oms.db"
		rm -f "$d/oms.db-wal" "$d/oms.db-shm" "$d/plain.db"
		t "$d/import.times" oms-import -q --db "$d/oms.db" orders "$d/orders.csv"
		t "$d/reimport.times" oms-import -q --db "$d/oms.db" orders "$d/orders.csv"
		t "$d/sqlite.times" sqlite3 "$d/plain.db" .mode\ csv ".import $d/orders.csv orders"
		i=$((i + 1))
	done
	imp=$(median "$d/import.times" 1)
	re=$(median "$d/reimport.times" 1)
	sq=$(median "$d/sqlite.times" 1)
	mem=$(median "$d/import.times" 2)
	memmax=$(sort -n -k2 "$d/import.times" | tail -n 1 | cut -d' ' -f2)
	bytes=$(wc -c <"$d/orders.csv")
	printf '%-6s %9s lines %6s MB  oms-import %6.2f s  re-import %6.2f s  sqlite3 .import %6.2f s  ratio %4.2f  peak RSS %6.1f MB (max %6.1f)\n' \
	    "$1" "$2" "$((bytes / 1000000))" "$imp" "$re" "$sq" \
	    "$(echo "$imp $sq" | awk '{ printf "%.2f", $1 / $2 }')" \
	    "$(echo "$mem" | awk '{ printf "%.1f", $1 / 1024 }')" \
	    "$(echo "$memmax" | awk '{ printf "%.1f", $1 / 1024 }')"
}

echo "oms bench: $(nproc) cores, $(uname -m), $(sqlite3 --version | cut -d' ' -f1), $reps runs each, medians"
bench_size 100k 100000
bench_size 1m 1000000

# the other kinds on the 1M data set, once each
d=$dir/1m
rm -f "$d/kinds.db" "$d/kinds.db-wal" "$d/kinds.db-shm"
for k in nodes items customers postal rates inventory; do
	rm -f "$d/k.times"
	t "$d/k.times" oms-import -q --db "$d/kinds.db" "$k" "$d/$k.csv"
	printf 'import %-10s %8s rows  %6.2f s  peak RSS %6.1f MB\n' "$k" \
	    "$(($(wc -l <"$d/$k.csv") - 1))" "$(cut -d' ' -f1 "$d/k.times")" \
	    "$(cut -d' ' -f2 "$d/k.times" | awk '{ printf "%.1f", $1 / 1024 }')"
done

# oms-allocate on the 1M-line store, against a user's naive alternative:
# one SQL statement that ranks every line per sku in the order of service
# with a window function and checks the running sum against the sku's
# total stock (it ignores which node may serve which line).
d=$dir/1m
base_store "$d" "$d/alloc-base.db"
oms-import -q --db "$d/alloc-base.db" orders "$d/orders.csv"
rm -f "$d"/alloc.times "$d"/realloc.times "$d"/naive.times
i=0
while [ $i -lt "$reps" ]; do
	cp "$d/alloc-base.db" "$d/alloc.db"
	rm -f "$d/alloc.db-wal" "$d/alloc.db-shm"
	t "$d/alloc.times" oms-allocate -q --db "$d/alloc.db" -o /dev/null
	t "$d/realloc.times" oms-allocate -q --db "$d/alloc.db" -o /dev/null
	cp "$d/alloc-base.db" "$d/naive.db"
	rm -f "$d/naive.db-wal" "$d/naive.db-shm"
	t "$d/naive.times" sqlite3 "$d/naive.db" ".read $here/naive-allocate.sql"
	i=$((i + 1))
done
al=$(median "$d/alloc.times" 1)
re=$(median "$d/realloc.times" 1)
nv=$(median "$d/naive.times" 1)
printf 'allocate 1m lines: oms-allocate %6.2f s  re-run %6.2f s  naive window SQL %6.2f s  ratio %4.2f  peak RSS %6.1f MB\n' \
    "$al" "$re" "$nv" "$(echo "$al $nv" | awk '{ printf "%.2f", $1 / $2 }')" \
    "$(median "$d/alloc.times" 2 | awk '{ printf "%.1f", $1 / 1024 }')"

# oms-promise: 100,000 cart lines, and one cart, on the allocated store
sh "$here/promise.sh"
# oms-route: quality against a greedy baseline and an LP bound, and speed
sh "$here/route.sh"
# allocation and routing with 20 sourcing rules against none
sh "$here/rules.sh"
# oms-release: 200,000 routed orders released, then confirmed
sh "$here/release.sh"
# the last mile: a store's day of pickups, shipped to stores, received,
# made ready and collected, and one store's associate views
sh "$here/last-mile.sh"
# oms-report: every view on a 1M-line store after the whole flow
sh "$here/report.sh"
