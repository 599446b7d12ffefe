#!/bin/sh
# sourcing.sh: the merchant steers sourcing on the example store, after
# examples/nightly.sh: node groups and sourcing rules (web orders from the
# warehouses first and the stores second, each store keeping 2 units back
# from them; marketplace orders from the warehouses and the 3PL only), a
# purchase order on its way for the most backordered item, the night's
# morning's orders allocated and routed under the rules, why one ships
# from where it does, and a web cart promised before it is an order.  Each step
# is a command cron, a merchandiser or a checkout would run.
#
# Usage: sourcing.sh [OUT_DIR]  (default ./out); the store is $OMS_DB, else
# ./oms.db.  Needs jq.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-./out}
[ -n "${OMS_BIN:-}" ] && PATH=$OMS_BIN:$PATH
export OMS_DB=${OMS_DB:-./oms.db}
mkdir -p "$out"

step() { printf '%s sourcing: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# The groups, from the example network (examples/data/nodes.csv):
# warehouses, the 3PL, the stores, the vendor.
step "node groups"
{
	echo group_id,node_id
	awk -F, 'NR > 1 && $2 == "warehouse" { print "dcs," $1 }
	    NR > 1 && $2 == "3pl" { print "overflow," $1 }
	    NR > 1 && $2 == "store" { print "stores," $1 }
	    NR > 1 && $2 == "vendor" { print "vendors," $1 }' "$here/data/nodes.csv"
} >"$out/groups.csv"
oms-import groups "$out/groups.csv"

# The rules, top down, the first that matches a line wins; a second import
# of the same file makes no new version.
step "sourcing rules"
cat >"$out/rules.csv" <<'EOF'
rule_id,channel,tiers,exclude_types,safety,max_splits,on_short
web,web,dcs|vendors>stores|overflow,,stores=2,2,supply
marketplace,marketplace,dcs|overflow|vendors,store,,1,supply
EOF
oms-import rules "$out/rules.csv"
oms-import rules "$out/rules.csv"
oms-report rules >"$out/rules-in-force.csv"

# A purchase order for the item most backordered, due in a week at the
# first warehouse: the backorders wait for it, with a date.
sku=$(oms-report backorders --format jsonl | jq -r '.sku' | sort | uniq -c | sort -rn |
    awk 'NR == 1 { print $2 }')
if [ -n "$sku" ]; then
	step "a purchase order for $sku"
	due=$(date -u -d '+7 days' +%Y-%m-%dT12:00:00Z)
	dc=$(awk -F, '$1 == "dcs" { print $2; exit }' "$out/groups.csv")
	printf 'supply_id,node_id,sku,qty,expected_at,kind\nPO-%s,%s,%s,500,%s,purchase_order\n' \
	    "$(date -u +%Y%m%d)" "$dc" "$sku" "$due" >"$out/supply.csv"
	oms-import supply "$out/supply.csv"
fi

# The morning's first orders, two web and one marketplace, of items in
# stock, to New York: allocated and routed under the rules (the night's
# were released already).
step "the morning's orders, allocated and routed under the rules"
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
id=$(date -u +%H%M%S)
set -- $(oms-report inventory --by sku --format jsonl | jq -r 'select(.atp >= 10) | .sku' | head -n 3)
{
	echo order_id,line_no,sku,qty,channel,created_at,ship_postal_code,ship_country,unit_price
	echo "M-W1-$id,1,$1,2,web,$now,10001,US,25.00"
	echo "M-W1-$id,2,$2,1,web,$now,10001,US,40.00"
	echo "M-W2-$id,1,$3,1,web,$now,10001,US,25.00"
	echo "M-MP-$id,1,$1,1,marketplace,$now,10001,US,25.00"
} >"$out/morning-orders.csv"
oms-import orders "$out/morning-orders.csv"
oms-allocate -o "$out/allocations-rules.csv"
oms-route -o "$out/routing-rules.csv"
oms-report backorders >"$out/backorders-rules.csv"

# Why does the first web order ship from where it does?
order=M-W1-$id
step "why $order ships from where it does"
oms-route --explain "$order" >"$out/explain-route.csv"
oms-allocate --explain "$order" >"$out/explain-allocate.csv"

# A checkout asks before the order exists: two items to a Manhattan
# address, held for 15 minutes.
step "a web cart promised and held"
items=$(oms-report inventory --by sku --format jsonl | jq -r '.sku' | head -n 2)
{
	echo cart_id,line_no,sku,qty,channel,postal_code,country
	n=0
	for i in $items; do
		n=$((n + 1))
		echo "cart-$id,$n,$i,1,web,10001,US"
	done
} >"$out/cart.csv"
oms-promise --reserve 15 "$out/cart.csv" >"$out/promise.csv"
