#!/bin/sh
# notify.sh: tell customers what became of their orders.  Reads the event
# feed from where it stopped last time (the cursor file keeps the last
# event seq read) and prints one e-mail per order and news, in the order
# the news came:
#   line.shipped            your order has shipped (its lines and tracking)
#   order.ready_for_pickup  ready to collect: where, the code, until when
#   pickup.reminder         still waiting for you: days left
#   pickup.expired          not collected: cancelled, refunded
#   order.delivered         delivered
#   line.backordered        part of your order is delayed
# Messages are printed, not sent, each ended by a line holding one dot;
# pipe them to your mailer.  Running it again prints only the news since:
# each event is told once.  The cursor moves on only once every message
# is printed, so a failed run is simply run again.
#
# Usage: notify.sh CURSOR_FILE  (the store is $OMS_DB, else ./oms.db;
# needs jq)
set -eu
cursor=${1:?usage: notify.sh cursor-file}
[ -n "${OMS_BIN:-}" ] && PATH=$OMS_BIN:$PATH
since=$(cat "$cursor" 2>/dev/null || echo 0)
batch=$(mktemp)
trap 'rm -f "$batch" "$cursor.tmp"' EXIT

# Lines picked up in store ("line.picked_up") need no shipping notice.
oms-report events --since "$since" --type line.shipped --type order.ready_for_pickup \
    --type pickup.reminder --type pickup.expired --type order.delivered \
    --type line.backordered --format jsonl >"$batch"
[ -s "$batch" ] || exit 0

# One message per order and kind of news in this batch, in the order the
# news first came; a line backordered twice in the batch is told once,
# with its latest quantity.
jq -s -c 'group_by([.order_id, .type]) | sort_by(.[0].seq) | .[] |
	{ order_id: .[0].order_id, type: .[0].type, p: .[-1].payload,
	  items: (if .[0].type == "line.backordered" then
	      [group_by(.payload.line_no)[] | .[-1].payload | "  \(.backordered) x \(.sku)"]
	  else [.[] | .payload | "  \(.qty) x \(.sku)"] end),
	  tracking: ([.[] | .payload | select((.tracking // "") != "") |
	      "\(if .carrier == "" then "Your" else .carrier end) tracking number \(.tracking)"] | unique) }' \
	"$batch" |
while IFS= read -r m; do
	order=$(printf '%s\n' "$m" | jq -r .order_id)
	type=$(printf '%s\n' "$m" | jq -r .type)
	customer_id=$(oms-order show "$order" --format json | jq -r .order.customer_id)
	customer=$(oms-order customer "$customer_id" --format json 2>/dev/null |
	    jq -c .customer) || customer='{}'
	email=$(printf '%s\n' "$customer" | jq -r '.email // ""')
	if [ -z "$email" ]; then
		echo "notify: order $order: customer \"$customer_id\" has no e-mail address; not notified of $type" >&2
		continue
	fi
	name=$(printf '%s\n' "$customer" | jq -r '.name // ""')
	p() { printf '%s\n' "$m" | jq -r "$1"; }
	case $type in
	line.shipped)
		subject="Your order $order has shipped"
		body=$(printf 'your order %s is on its way:\n\n%s\n\n%s' "$order" "$(p '.items[]')" \
		    "$(p 'if .tracking == [] then "No tracking number was given." else .tracking[] end')") ;;
	order.ready_for_pickup)
		subject="Your order $order is ready to collect"
		body=$(printf 'your order %s is ready at %s:\n\n%s\n\nShow the code %s when you collect it, by %s.' \
		    "$order" "$(p .p.node_id)" "$(p '.p.lines[] | "  \(.qty) x \(.sku)"')" \
		    "$(p .p.code)" "$(p .p.last_day)") ;;
	pickup.reminder)
		subject="Your order $order is waiting for you"
		body=$(printf 'your order %s waits at %s: %s day(s) left, until %s.\nYour code is %s.' \
		    "$order" "$(p .p.node_id)" "$(p .p.days_left)" "$(p .p.last_day)" "$(p .p.code)") ;;
	pickup.expired)
		subject="Your order $order was not collected"
		body=$(printf 'your order %s was not collected at %s by %s: it is cancelled, and %s is refunded.' \
		    "$order" "$(p .p.node_id)" "$(p .p.last_day)" "$(p .p.refund)") ;;
	order.delivered)
		subject="Your order $order was delivered"
		body=$(printf 'your order %s was delivered.' "$order") ;;
	line.backordered)
		subject="Part of your order $order is delayed"
		body=$(printf 'part of your order %s is not in stock yet; it will ship when it is:\n\n%s' \
		    "$order" "$(p '.items[]')") ;;
	*)
		continue ;;
	esac
	printf 'To: %s\nSubject: %s\n\nHello %s,\n\n%s\n\nThank you for shopping with us.\n.\n' \
	    "$email" "$subject" "${name:-customer}" "$body"
done

tail -n 1 "$batch" | jq .seq >"$cursor.tmp"
mv "$cursor.tmp" "$cursor"
