#!/bin/sh
# store-day.sh: a store's day on the example store, after
# examples/nightly.sh released the night's work: the morning pick list,
# the pickups made ready on their shelves, a curbside customer arriving
# and served, what waits for collection, a locker parcel delivered and
# collected, then the collection window closed as it would be a week on.
# Each step is a command a store app, a locker system or cron would run;
# copy the ones you need.
#
# Usage: store-day.sh [STORE [OUT_DIR]]  (default ST-PHL and ./out); the
# store is $OMS_DB, else ./oms.db.  Needs jq.
set -eu
node=${1:-ST-PHL}
out=${2:-./out}
[ -n "${OMS_BIN:-}" ] && PATH=$OMS_BIN:$PATH
export OMS_DB=${OMS_DB:-./oms.db}
day=$(date -u +%Y-%m-%d)
now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
mkdir -p "$out"

step() { printf '%s store-day: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# The morning: what the night released to the store and is still to pick,
# pickups and curbside first, the oldest promise first.
step "the pick list of $node"
oms-report picklist --node "$node" -o "$out/picklist-$node-$day.csv"
oms-report picklist --node "$node" --format jsonl >"$out/picklist-$node-$day.jsonl"

# The associates pick the pickup and curbside lines and stage them, one
# shelf an order, each order with its pickup code: when an order's every
# line is ready, order.ready_for_pickup goes out (examples/notify.sh
# tells the customer).
jq -r -s --arg now "$now" '[.[] | select(.method == "pickup" or .method == "curbside")] |
	group_by(.order_id) | to_entries[] | .key as $i | .value[] |
	"\(.release_id),\(.line_no),ready,\(.qty),shelf \($i + 1),PU\(1000 + $i),\($now)"' \
	"$out/picklist-$node-$day.jsonl" >"$out/ready.body"
if [ -s "$out/ready.body" ]; then
	step "staging $(wc -l <"$out/ready.body") lines for collection"
	{ echo release_id,line_no,status,qty,location,code,at; cat "$out/ready.body"; } \
	    >"$out/ready-$node-$day.csv"
	oms-release --confirm "$out/ready-$node-$day.csv"
fi
rm -f "$out/ready.body"

# What waits for collection, curbside arrivals on top.
oms-report collections --node "$node" -o "$out/collections-$node-$day.csv"

# A curbside customer checks in from the car park (a store app, or a text
# message gateway writing the same row), and is served.
curb=$(jq -r -s '[.[] | select(.method == "curbside")][0] // empty |
	"\(.release_id),\(.line_no),\(.qty)"' "$out/picklist-$node-$day.jsonl")
if [ -n "$curb" ]; then
	step "a curbside customer arrives: ${curb%%,*}"
	printf 'release_id,line_no,status,bay,vehicle\n%s,arrived,3,red hatchback\n' \
	    "$(echo "$curb" | cut -d, -f1,2)" | oms-release --confirm -
	oms-report collections --node "$node" | head -n 2 >&2
	printf 'release_id,line_no,status,qty\n%s,picked_up,%s\n' \
	    "$(echo "$curb" | cut -d, -f1,2)" "$(echo "$curb" | cut -d, -f3)" |
	    oms-release --confirm -
fi

# A walk-in customer collects the first pickup on the list.
pick=$(jq -r -s '[.[] | select(.method == "pickup")][0] // empty |
	"\(.release_id),\(.line_no),picked_up,\(.qty)"' "$out/picklist-$node-$day.jsonl")
if [ -n "$pick" ]; then
	step "a pickup collected at the counter: ${pick%%,*}"
	printf 'release_id,line_no,status,qty\n%s\n' "$pick" | oms-release --confirm -
fi

# A locker parcel: its warehouse ships it, the carrier puts it in a
# compartment (which makes it ready, with the locker's code), and the
# customer takes it out.
locker=$(oms-report picklist --format jsonl |
	jq -r -s '[.[] | select(.method == "locker")][0] // empty |
	"\(.release_id),\(.line_no),\(.qty)"')
if [ -n "$locker" ]; then
	rl=$(echo "$locker" | cut -d, -f1,2)
	qty=$(echo "$locker" | cut -d, -f3)
	step "a locker parcel: ${locker%%,*}"
	printf 'release_id,line_no,status,qty,carrier,tracking\n%s,shipped,%s,UPS,1ZLOCKER1\n' \
	    "$rl" "$qty" | oms-release --confirm -
	printf 'release_id,line_no,status,qty,location,code\n%s,delivered,%s,compartment 7,LK-7351\n' \
	    "$rl" "$qty" | oms-release --confirm -
	printf 'release_id,line_no,status,qty\n%s,picked_up,%s\n' "$rl" "$qty" |
	    oms-release --confirm -
fi

# Cron, every hour: the collection window and the alerts.  Here, as the
# window would look eight days on: what nobody collected expires (its
# stock free again, its refund due) and the alerts go out once.
later=$(date -u -d "$day + 8 days" +%Y-%m-%d)
step "the collection window on $later"
oms-release --expire --day "$later"
oms-report alerts --node "$node" --today "$later" -o "$out/alerts-$node-$later.csv"
