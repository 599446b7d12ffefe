#!/bin/sh
# golden.sh OUT: every output of the day's flow on oms-gen data, for
# comparing two builds byte for byte (a change that must not change
# behaviour: a reshaping of the code).  The rows of oms-allocate,
# oms-route, oms-release (both days), oms-return and oms-order's rejects,
# then every oms-report view (with --today 2026-11-05 where a view ages
# things), each in a file of OUT, and OUT/SUMS, their sha256 sums.  The
# times a run stamps (today's date and hour) are written NOW, the paths
# into OUT (in the runs view) OUT/, and nothing else is changed.
#
#	OMS_BIN=build/bin sh tests/bench/golden.sh /tmp/before
#	(change, build)
#	OMS_BIN=build/bin sh tests/bench/golden.sh /tmp/after
#	diff -r /tmp/before /tmp/after && echo identical
#
# GOLDEN_LINES order lines (default 100,000); the data is generated once
# in $BENCH_DIR/golden-LINES (default /tmp/oms-bench).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$here/../..
: "${OMS_BIN:?set OMS_BIN}"
PATH=$OMS_BIN:$PATH
[ $# -eq 1 ] || { echo "usage: golden.sh OUT" >&2; exit 64; }
out=$1
n=${GOLDEN_LINES:-100000}
dir=${BENCH_DIR:-/tmp/oms-bench}
. "$here/lib.sh"
data=$dir/golden-$n
gen "$n" "$data"
rm -rf "$out"
mkdir -p "$out"
db=$out/store.db
base_store "$data" "$db"
oms-import -q --db "$db" orders "$data/orders.csv"
oms-allocate -q --db "$db" -o "$out/allocate.csv"
flow "$db" "$out"
for v in inventory "inventory --by sku" orders lines "backorders --today 2026-11-05" \
    releases "check --deep" events runs kpi "kpi --format html --today 2026-11-05" \
    "eoq --today 2026-11-05"; do
	f=$out/report-$(echo "$v" | sed 's/ --today [0-9-]*//; s/ --/-/g; s/ /-/g').out
	# check exits 1 when it finds something: a result like any other
	oms-report -q --db "$db" $v -o "$f" || [ $? -eq 1 ]
done
rm -f "$db" "$db-wal" "$db-shm"
today=$(date -u +%Y-%m-%d)
for f in "$out"/*; do
	sed "s/${today}T[0-9:.]*Z/NOW/g; s/${today}/NOW/g; s|$out/|OUT/|g" "$f" > "$f.tmp" &&
	    mv "$f.tmp" "$f"
done
(cd "$out" && sha256sum -- * > SUMS)
echo "golden: $n lines, $(ls "$out" | wc -l) files in $out"
