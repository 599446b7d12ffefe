#!/bin/sh
# care-desk.sh: a day at the customer-care desk on the example store, after
# examples/nightly.sh and daytime.sh: a customer looked up, a price
# matched, a damaged box made good in store credit, a backordered line
# cancelled with its money owed back, the credit spent on a new order, a
# defective unit exchanged ahead of its return, and the policies that run
# by themselves (hold rules on import, stale backorders, advance exchanges
# not returned).  Each step is a command an agent's screen, cron or a
# script would run; copy the ones you need.
#
# Usage: care-desk.sh [OUT_DIR]  (default ./out); the store is $OMS_DB,
# else ./oms.db.  Needs jq.
set -eu
out=${1:-./out}
[ -n "${OMS_BIN:-}" ] && PATH=$OMS_BIN:$PATH
export OMS_DB=${OMS_DB:-./oms.db}
day=$(date -u +%Y-%m-%d)
mkdir -p "$out"

step() { printf '%s care-desk: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# A customer calls about an order shipped today: the agent finds it, and
# the customer's other orders, by the customer's id.
order=$(oms-report lines --status shipped | awk -F, 'NR > 1 { print $1; exit }')
customer=$(oms-order show "$order" | jq -r '.order.customer_id')
step "looking up $order of customer $customer"
oms-order customer "$customer" >"$out/customer-$customer.json"

# A competitor sells the first item for less: a 10% price match on the
# line, back to the card it was paid with (after shipment: a refund).
# Each money change carries a reference (--ref): run this script again and
# it is told, not paid twice.  The refund is recorded with
# its reason code; the payment system reads it from the event feed.
step "a price match on $order line 1"
oms-order adjust "$order" 1 10% --code price_match --by desk --reason "competitor ad" \
    --ref "desk-$day-$order-match"

# The box arrived crushed: 5.00 over the whole order, as store credit.
step "a damaged box on $order, in store credit"
oms-order adjust "$order" 5.00 --code damaged_box --tender store_credit --by desk \
    --ref "desk-$day-$order-box"

# Another customer gives up on a backordered line: it is cancelled, and
# what was paid for it goes to store credit (a guest has none: the card).
line=$(oms-report lines --status backordered | awk -F, 'NR > 1 { print $1 "," $2; exit }')
if [ -n "$line" ]; then
	bo=${line%,*}
	tender=original
	[ "$(oms-order show "$bo" | jq -r '.order.customer_id')" != "" ] && tender=store_credit
	step "cancelling the backordered line $line ($tender)"
	oms-order cancel "$bo" "${line#*,}" --tender "$tender" --by desk --reason "waited too long"
fi

# The first customer spends part of the credit on a new web order (the
# web shop's own order id); a spend beyond the balance is refused.
step "spending store credit of $customer"
oms-order spend "$customer" 2.00 "W-$day-1" --by web --reason "checkout" --ref "W-$day-1"
oms-order credit "$customer" >"$out/credit-$customer.csv"
cat "$out/credit-$customer.csv"

# A shipped unit is defective: the customer gets the same item again at
# once (an advance exchange), and sends the broken one back by mail to a
# warehouse.  The replacement is a care order of priority 1, which the next
# oms-allocate and oms-route serve first; if the return does not come
# within the window, oms-return expire-exchanges (cron) charges for it.
line=$(oms-report lines | awk -F, 'NR > 1 && $11 > 0 { print $1 "," $2 "," $3; exit }')
data=$(cd "$(dirname "$0")" && pwd)/data
node=$(awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	$c["accepts_returns"] == 1 && $c["type"] == "warehouse" { print $1; exit }' "$data/nodes.csv")
# (once a day: a rerun finds today's exchange made and leaves it)
if [ -n "$line" ] && [ -n "$node" ] && [ ! -s "$out/exchanges-$day.csv" ]; then
	step "exchanging a defective unit of ${line%,*} ahead of its return"
	printf 'order_id,line_no,qty,reason,channel,node_id,new_sku,advance\n%s,1,defective,mail,%s,%s,yes\n' \
	    "${line%,*}" "$node" "${line##*,}" | oms-return exchange -o "$out/exchanges-$day.csv" -
	cat "$out/exchanges-$day.csv"
	oms-allocate -q -o "$out/exchange-allocations-$day.csv"
	oms-route -q -o "$out/exchange-routes-$day.csv"
	oms-return expire-exchanges -o "$out/exchange-charges-$day.csv"
fi

# Hold rules: an order over 1,000.00 waits for a fraud check, an order to a
# place that cannot be found waits for its address.  Each new order the
# rules match is held as it is imported; care lifts the hold as any other.
step "hold rules, and a big order held as it arrives"
printf 'rule_id,test,value,hold_type,channel,active\nbig-order,order_value_over,1000.00,fraud,,1\nnowhere,unplaceable,,address,,1\n' \
    >"$out/holdrules.csv"
oms-import -q holdrules "$out/holdrules.csv"
printf 'order_id,line_no,sku,qty,channel,customer_id,created_at,ship_name,ship_postal_code,unit_price\nW-%s-2,1,%s,1,web,%s,%sT12:00:00Z,Ann Lee,10001,1200.00\n' \
    "$day" "$(awk -F, 'NR == 2 { print $1 }' "$data/items.csv")" "$customer" "$day" |
    oms-import orders -
oms-order show "W-$day-2" | jq -c '.holds[]'
oms-order unhold "W-$day-2" fraud --by desk --reason "card checked"

# The night's policy: a web line may stay backordered 30 days, a
# marketplace line 14; what is older is cancelled and refunded by
# oms-order expire-backorders from cron.  Here, as it would run a month
# from now, without writing.
step "the stale-backorder policy, a month ahead, as a dry run"
printf 'channel,backorder_days,hold_release_hours\nweb,30,72\nmarketplace,14,48\n' >"$out/channels.csv"
oms-import -q channels "$out/channels.csv"
oms-order --dry-run expire-backorders --now "$(date -u -d '+31 days' +%Y-%m-%d)" --by cron

oms-report check
