#!/bin/sh
# Sourcing rules in the bench (called by run.sh, or alone with OMS_BIN
# set): oms-allocate and oms-route on the same allocated store with no
# rules and with 20 (bench/rules.csv over groups made from the node ids),
# $REPS times each, interleaved; medians of the elapsed time and of the CPU
# time (which other load on the machine inflates less), and the ratios
# with rules over without.  The issue's target: within 10%.  LINES (default 600000) order
# lines, the route bench's data set.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$here/../..
: "${OMS_BIN:?set OMS_BIN}"
PATH=$OMS_BIN:$PATH
dir=${BENCH_DIR:-/tmp/oms-bench}
reps=${REPS:-5}
lines=${LINES:-600000}
day=2026-11-01
mkdir -p "$dir"
. "$here/lib.sh"

d=$dir/route-$((lines / 1000))k
gen "$lines" "$d"
if [ ! -s "$d/imported.db" ]; then
	base_store "$d" "$d/imported.db.tmp"
	oms-import -q --db "$d/imported.db.tmp" orders "$d/orders.csv"
	mv "$d/imported.db.tmp" "$d/imported.db"
fi
current_schema "$d/imported.db"
# the rules store: the same, with groups and 20 rules (a new version)
cp "$d/imported.db" "$d/rules.db"
rm -f "$d/rules.db-wal" "$d/rules.db-shm"
{
	echo group_id,node_id
	sed -n 's/^\(WH[0-9]*\),.*/dcs,\1/p; s/^\(3PL[0-9]*\),.*/tpl,\1/p; s/^\(ST[0-9]*\),.*/stores,\1/p; s/^\(VN[0-9]*\),.*/vendors,\1/p' "$d/nodes.csv"
	sed -n 's/^\(ST[0-9]*\),[^,]*,[^,]*,\([0-9]\).*/stores\2,\1/p' "$d/nodes.csv"
} > "$d/groups.csv"
oms-import -q --db "$d/rules.db" groups "$d/groups.csv"
oms-import -q --db "$d/rules.db" rules "$here/rules.csv"
rm -f "$d"/rules-*.times
i=0
while [ $i -lt "$reps" ]; do
	for s in imported rules; do
		cp "$d/$s.db" "$d/oms.db"
		rm -f "$d/oms.db-wal" "$d/oms.db-shm"
		tcpu "$d/rules-alloc-$s.times" oms-allocate -q --db "$d/oms.db" -o /dev/null
		tcpu "$d/rules-route-$s.times" oms-route -q --db "$d/oms.db" --day $day -o /dev/null
	done
	i=$((i + 1))
done
for step in alloc route; do
	a=$(median "$d/rules-$step-imported.times" 1)
	b=$(median "$d/rules-$step-rules.times" 1)
	ac=$(median "$d/rules-$step-imported.times" 3)
	bc=$(median "$d/rules-$step-rules.times" 3)
	printf 'rules %-5s %s lines: no rules %6.2f s  20 rules %6.2f s  ratio %4.2f  (CPU %5.2f s / %5.2f s, ratio %4.2f)  peak RSS %6.1f / %6.1f MB\n' \
	    "$step" "$lines" "$a" "$b" "$(echo "$a $b" | awk '{ printf "%.2f", $2 / $1 }')" \
	    "$ac" "$bc" "$(echo "$ac $bc" | awk '{ printf "%.2f", $2 / $1 }')" \
	    "$(median "$d/rules-$step-imported.times" 2 | awk '{ printf "%.1f", $1 / 1024 }')" \
	    "$(median "$d/rules-$step-rules.times" 2 | awk '{ printf "%.1f", $1 / 1024 }')"
done
