#!/bin/sh
# daytime.sh: what comes in during the day after the nightly run, on the
# example store: the warehouses' confirmations, a customer-care fix, a
# return at the desk.  Each step is a command a script or an admin would
# run; copy the ones you need.
#
# Usage: daytime.sh [OUT_DIR]  (run examples/nightly.sh first); the store
# is $OMS_DB, else ./oms.db.
set -eu
out=${1:-./out}
[ -n "${OMS_BIN:-}" ] && PATH=$OMS_BIN:$PATH
export OMS_DB=${OMS_DB:-./oms.db}
day=$(date -u +%Y-%m-%d)
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
mkdir -p "$out"

step() { printf '%s daytime: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# The WMS answers for what it was sent: here, every line of today's
# releases ships (pickups are picked up), but one line comes up short.
# A file sent twice is refused whole: nothing ships twice.
step "taking the nodes' confirmations"
cat "$out"/releases-"$day"-*/*.csv 2>/dev/null | awk -F, -v now="$now" '
	$1 == "release_id" { next }
	{ st = ($7 == "pickup" || $7 == "curbside") ? "picked_up" : "shipped"
	  if (++n == 3) st = "short"
	  if (!h++) print "release_id,line_no,status,qty,carrier,tracking,at"
	  print $1 "," $4 "," st "," $6 "," (st == "shipped" ? "UPS,1Z" NR : ",") "," now }' \
	>"$out/confirmations-$day.csv"
if [ -s "$out/confirmations-$day.csv" ]; then
	oms-release --confirm "$out/confirmations-$day.csv"
fi

# The short line went back to open: the next allocation finds it stock
# elsewhere if there is any, and the router a node.
step "re-planning what came back short"
oms-allocate -q -o "$out/reallocations-$day.csv"
oms-route -q -o "$out/rerouting-$day.csv"

# Customer care: put the first still-open order on hold while fraud
# checks it; then take the hold off.  Who and why go into the events.
order=$(oms-report lines | awk -F, '$5 == "backordered" { print $1; exit }')
if [ -n "$order" ]; then
	step "holding and releasing $order"
	oms-order hold "$order" fraud --by care-desk --reason "card check"
	oms-order unhold "$order" fraud --by care-desk --reason "card ok"
	oms-order show "$order" >"$out/order-$order.json"
fi

# The returns desk: one unit of the first shipped line comes back by mail
# to a warehouse that takes returns, unopened; it is restocked there and
# refunded.
data=$(cd "$(dirname "$0")" && pwd)/data
line=$(oms-report lines | awk -F, 'NR > 1 && $11 > 0 { print $1 "," $2; exit }')
node=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	$c["accepts_returns"] == 1 && $c["type"] == "warehouse" { print $1; exit }' "$data/nodes.csv")
if [ -n "$line" ] && [ -n "$node" ]; then
	step "returning one unit of $line to $node"
	printf 'order_id,line_no,qty,reason,channel,node_id\n%s,1,changed_mind,mail,%s\n' \
	    "$line" "$node" | oms-return authorize -o "$out/rma-$day.csv" -
	rma=$(awk -F, 'NR == 2 { print $1 }' "$out/rma-$day.csv")
	printf 'rma_id,line_no,qty,condition\n%s,%s,1,new\n' "$rma" "${line#*,}" |
	    oms-return receive -o "$out/refunds-$day.csv" -
	cat "$out/refunds-$day.csv"
fi

oms-report check
