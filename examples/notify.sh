#!/bin/sh
# notify.sh: tell customers their order has shipped.  Reads the event feed
# from where it stopped last time (the cursor file keeps the last event
# seq read), and prints one e-mail per order with shipped lines: To: the
# customer's address, a subject, the items and the tracking numbers.
# Messages are printed, not sent, each ended by a line holding one dot;
# pipe them to your mailer.  Running it again prints only what shipped
# since.  The cursor moves on only once every message is printed, so a
# failed run is simply run again.
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
oms-report events --since "$since" --type line.shipped --format jsonl >"$batch"
[ -s "$batch" ] || exit 0

# The lines of one order shipped in this batch make one message, in the
# order the orders first shipped.
jq -s -c 'group_by(.order_id) | sort_by(.[0].seq) | .[] |
	{ order_id: .[0].order_id,
	  items: [.[] | "  \(.payload.qty) x \(.payload.sku)"],
	  tracking: ([.[] | .payload | select(.tracking != "") |
	      "\(if .carrier == "" then "Your" else .carrier end) tracking number \(.tracking)"] | unique) }' \
	"$batch" |
while IFS= read -r m; do
	order=$(printf '%s\n' "$m" | jq -r .order_id)
	customer_id=$(oms-order show "$order" --format json | jq -r .order.customer_id)
	customer=$(oms-order customer "$customer_id" --format json 2>/dev/null |
	    jq -c .customer) || customer='{}'
	email=$(printf '%s\n' "$customer" | jq -r '.email // ""')
	if [ -z "$email" ]; then
		echo "notify: order $order: customer \"$customer_id\" has no e-mail address; not notified" >&2
		continue
	fi
	name=$(printf '%s\n' "$customer" | jq -r '.name // ""')
	printf 'To: %s\nSubject: Your order %s has shipped\n\n' "$email" "$order"
	printf 'Hello %s,\n\nyour order %s is on its way:\n\n' "${name:-customer}" "$order"
	printf '%s\n' "$m" | jq -r '.items[]'
	printf '\n'
	printf '%s\n' "$m" | jq -r 'if .tracking == [] then "No tracking number was given." else .tracking[] end'
	printf '\nThank you for shopping with us.\n.\n'
done

tail -n 1 "$batch" | jq .seq >"$cursor.tmp"
mv "$cursor.tmp" "$cursor"
