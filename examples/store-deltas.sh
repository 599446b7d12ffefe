#!/bin/sh
# store-deltas.sh: every 15 minutes, apply the stock adjustments the stores
# sent (sales, damage, recounts) since the last run:
#
#   */15 * * * *  cd /srv/oms && sh store-deltas.sh /srv/pos/outbox /srv/pos/applied
#
# Each file is applied whole or not at all, then moved aside.  A file that
# was already applied (same name, same content) is refused by oms-import,
# so a re-run after a crash cannot count a sale twice.
set -eu
inbox=${1:?usage: store-deltas.sh INBOX DONE_DIR}
done_dir=${2:?usage: store-deltas.sh INBOX DONE_DIR}
[ -n "${OMS_BIN:-}" ] && PATH=$OMS_BIN:$PATH
mkdir -p "$done_dir"
for f in "$inbox"/*.csv; do
	[ -e "$f" ] || continue
	if oms-import -q inventory --delta "$f"; then
		mv "$f" "$done_dir"/
	else
		status=$?
		# 75: another command held the store too long; try next time
		[ "$status" -eq 75 ] && continue
		echo "store-deltas: $f failed with status $status; left in $inbox" >&2
	fi
done
