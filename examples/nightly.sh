#!/bin/sh
# nightly.sh: the nightly OMS run, as a crontab line would start it:
#
#   30 1 * * *  cd /srv/oms && OMS_DB=/srv/oms/oms.db sh nightly.sh /srv/erp/export >>nightly.log 2>&1
#
# Imports the ERP's exports (network, catalogue, customers, postal codes,
# rate card, the stock snapshot, the day's orders), allocates stock to the
# open lines in priority order, routes the allocated lines to the nodes
# that ship them at the least cost over the whole batch, releases the work
# to the nodes (a file per node for the WMS and the store apps), then
# checks the store and writes the reports.  Safe to re-run after a failure:
# every import is an upsert, each command commits whole or not at all, and
# a line released once is never released again.
#
# Usage: nightly.sh [EXPORT_DIR [OUT_DIR]]; the store is $OMS_DB, else ./oms.db.
# Without an EXPORT_DIR (or with an empty one), the example book of
# examples/data/make-examples.sh is made for yesterday's business day into
# OUT_DIR/example-data and imported: orders of the last week, promised
# around today, so the figures read as they would on a real night.
#
# What each run changes is kept per run (allocations, routing, releases and
# rejects carry the run's time in their names), so a second run on the same
# day adds its own files and never empties the first's; the views of the
# whole store (check, inventory, lines, backorders, the report page) are
# the day's latest.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
data=${1:-}
out=${2:-./out}
[ -n "${OMS_BIN:-}" ] && PATH=$OMS_BIN:$PATH
export OMS_DB=${OMS_DB:-./oms.db}
mkdir -p "$out"
day=$(date -u +%Y-%m-%d)
run=$day-$(date -u +%H%M%S)
n=1
while [ -e "$out/releases-$run" ]; do	# a second run in the same second
	n=$((n + 1))
	run=$day-$(date -u +%H%M%S)-$n
done

step() { printf '%s nightly: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

if [ -z "$data" ]; then
	yesterday=$(date -u -d yesterday +%Y-%m-%d 2>/dev/null ||
	    date -u -v-1d +%Y-%m-%d)
	data=$out/example-data
	step "making the example book for $yesterday in $data"
	sh "$here/data/make-examples.sh" -d "$yesterday" "$here/../share/postal-us.csv" "$data"
fi

step "importing master data into $OMS_DB"
oms-import nodes "$data/nodes.csv"
oms-import items "$data/items.csv"
oms-import customers "$data/customers.csv"
oms-import postal "$data/postal.csv"
oms-import rates "$data/rates.csv"

step "importing the stock snapshot"
oms-import inventory "$data/inventory.csv"

# Bad order rows must not stop the night: they go to a rejects file for
# the ERP team, unless there are so many that the export itself is broken.
step "importing orders"
oms-import orders --rejects "$out/orders-rejects-$run.csv" --max-rejects 50 "$data/orders.csv"
oms-import orders --rejects "$out/orders-extra-rejects-$run.jsonl" --max-rejects 50 \
	"$data/orders-extra.json"
for f in "$out/orders-rejects-$run.csv" "$out/orders-extra-rejects-$run.jsonl"; do
	[ -s "$f" ] || rm -f "$f"	# no rejects: no file
done

# Who gets the stock: every open line, backorders retried, in priority
# order; the lines whose allocation changed are kept for the day.
step "allocating"
oms-allocate -o "$out/allocations-$run.csv"

# Where each allocated line ships from, over the whole batch; the summary
# on stderr has the shipments, splits, late ones and the cost.
step "routing"
oms-route -o "$out/routing-$run.csv"

# The work for each node: one file per node in a directory of its own per
# run (a re-run after a crash releases only what was not yet released, and
# never overwrites a file a WMS may already have taken).
step "releasing"
rel=$out/releases-$run
mkdir -p "$rel"
oms-release --split-by-node "$rel"

step "checking the store"
oms-report check -o "$out/check-$day.csv"

step "writing reports to $out"
oms-report inventory -o "$out/inventory-$day.csv"
oms-report inventory --by sku -o "$out/network-$day.csv"
oms-report lines -o "$out/lines-$day.csv"
oms-report backorders -o "$out/backorders-$day.csv"
# The page the nightly job mails: KPIs, backorders by age, releases
# against capacity, inventory health; one self-contained HTML file.
oms-report kpi --format html -o "$out/report-$day.html"

# The morning summary: network stock, and order lines by status.
echo "== network inventory ($out/network-$day.csv)"
column -s, -t <"$out/network-$day.csv" 2>/dev/null || cat "$out/network-$day.csv"
echo "== order lines by status ($out/lines-$day.csv)"
awk -F, 'NR > 1 { n[$5]++ } END { for (s in n) printf "%-12s %d\n", s, n[s] }' \
	"$out/lines-$day.csv" | sort
echo "== the report page: $out/report-$day.html"
