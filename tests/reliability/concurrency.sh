#!/bin/bash
# concurrency.sh: several oms commands at once on one store, many times,
# with random timing and small busy timeouts; then prove that no node is
# oversold and no update was lost or half-applied (SPEC: "Bad input and
# faults": two commands running at once never oversell and never lose an
# update).
#
#   concurrency.sh [-r ROUNDS] [-s SEED] [-d DIR]
#
# Needs $OMS_BIN (the oms binaries) and sqlite3.  Nine workers run at the
# same time, ROUNDS commands each, every one with --busy-timeout drawn from
# 0, 5, 20, 100 and 500 ms and a random pause before it:
#   delta     oms-import --delta inventory: a file of its own each time
#             (+k of A1 and B2, -1 and +2 of CNT, a sku no order uses)
#   orders    oms-import orders: two new orders each time
#   allocate  oms-allocate -o FILE
#   route     oms-route -o FILE
#   release   oms-release -o FILE
#   care      oms-order: priority of P1 set to a new value, hold and unhold
#             of H1 in turn, one unit of C1 (held, so only care touches
#             it) cancelled
#   confirm   oms-release --confirm of up to three release lines not yet
#             confirmed (as the store shows them just before), each in
#             full, one in four short, the others shipped
#   address   oms-order address of AD1, to 10001 and 07102 in turn (a
#             change of a routed order sends its lines back to be routed)
#   returns   oms-return authorize of one unit of RET1 (shipped before the
#             workers start), receipt of one authorised unit at DC1, or an
#             appeasement of 0.01 on it, in turn
# Afterwards:
#  - every command exited 0 or 75 (busy past its timeout);
#  - oms-report check passes: no node oversold, every line accounted for;
#  - on_hand of every node and sku = the start + the deltas of the delta
#    files whose import exited 0, each counted once, + the units received
#    by receipts that exited 0, - the units of confirmations that exited
#    0; the inventory.delta events are those of the accepted files and
#    receipts;
#  - the confirmations on record are exactly the rows of the confirmation
#    files that exited 0;
#  - the orders of each order import that exited 0 are there, those of
#    one that exited 75 are not;
#  - P1's priority is the last one set with exit 0; H1 holds iff the last
#    hold/unhold that exited 0 was a hold; C1's cancelled units = the
#    cancels that exited 0; one event per change that exited 0;
#  - AD1 ships to the address of the last change that exited 0, with one
#    order.address_changed event per accepted change that changed it;
#  - RET1's authorised and received units and its appeasements = those
#    that exited 0;
#  - a command that exited 75 wrote no -o file, and every run in the run
#    log has ended (a 75 leaves no unfinished run behind).
# Prints a summary (commands run, how many exited 75) and exits 1 on a
# failure, keeping its files in DIR.
set -u
rounds=30 seed=$$ dir=
while getopts r:s:d: o; do
	case $o in
	r) rounds=$OPTARG ;;
	s) seed=$OPTARG ;;
	d) dir=$OPTARG ;;
	*) echo "usage: concurrency.sh [-r rounds] [-s seed] [-d dir]" >&2; exit 64 ;;
	esac
done
: "${OMS_BIN:?set OMS_BIN to the directory of the oms binaries}"
PATH=$OMS_BIN:$PATH
here=$(cd "$(dirname "$0")" && pwd)
data=$here/../data
if [ -z "$dir" ]; then
	dir=$(mktemp -d "${TMPDIR:-/tmp}/oms-concurrency.XXXXXX")
fi
mkdir -p "$dir"
rm -f "$dir"/*.log "$dir"/*.csv "$dir"/*.out "$dir"/*.err
# every worker's log, even one that never runs a command (confirm finds
# nothing to confirm while no release has committed yet)
for w in delta orders allocate route release care returns confirm address; do
	: >"$dir/$w.log"
done
export OMS_DB=$dir/oms.db
fails=0

fail() {
	echo "concurrency: $*" >&2
	fails=$((fails + 1))
}

q() { sqlite3 -cmd '.timeout 5000' "$OMS_DB" "$@"; }

# --- the store before the workers -------------------------------------

setup() {
	rm -f "$OMS_DB" "$OMS_DB-wal" "$OMS_DB-shm"
	{ cat "$data/items.csv"; echo 'CNT,Counted only,1.00,0.50,0.1,0,'
	  echo 'RT,Returned often,10.00,5.00,0.5,0,'; } >"$dir/items.csv"
	{ cat "$data/inventory.csv"
	  echo 'DC1,CNT,1000,,2026-11-26T22:00:00Z'
	  echo 'ST1,CNT,10,,2026-11-26T22:00:00Z'
	  echo 'DC1,RT,200,,2026-11-26T22:00:00Z'; } >"$dir/inventory.csv"
	{ echo 'order_id,line_no,sku,qty,created_at,priority,ship_postal_code,ship_country,unit_price'
	  echo 'P1,1,A1,1,2026-11-25T10:00:00Z,5,10001,US,19.99'
	  echo 'H1,1,B2,1,2026-11-25T10:00:00Z,5,10001,US,5.00'
	  echo 'C1,1,B2,100,2026-11-25T10:00:00Z,9,10001,US,5.00'
	  echo 'RET1,1,RT,100,2026-11-25T10:00:00Z,1,10001,US,10.00'
	  echo 'AD1,1,A1,1,2026-11-25T09:00:00Z,2,10001,US,19.99'; } >"$dir/orders.csv"
	oms-import -q nodes "$data/nodes.csv" &&
	oms-import -q items "$dir/items.csv" &&
	oms-import -q inventory "$dir/inventory.csv" &&
	oms-import -q rates "$data/rates.csv" &&
	oms-import -q postal "$data/postal.csv" &&
	oms-import -q orders "$dir/orders.csv" &&
	oms-order -q hold C1 customer &&
	oms-allocate -q --order RET1 -o /dev/null &&
	oms-route -q --order RET1 --day 2026-11-26 -o /dev/null &&
	oms-release -q --day 2026-11-26 -o "$dir/ret1.csv" || exit 1
	rel=$(q "SELECT release_id FROM release_line WHERE order_id = 'RET1'")
	printf 'release_id,line_no,status,qty,carrier,tracking,at\n%s,1,shipped,100,UPS,1Z1,2026-11-26T12:00:00Z\n' \
	    "$rel" >"$dir/ret1-confirm.csv"
	oms-release -q --confirm "$dir/ret1-confirm.csv" || exit 1
	q "SELECT node_id, sku, on_hand FROM inventory ORDER BY node_id, sku" >"$dir/on_hand.start"
	q "SELECT type, count(*) FROM event GROUP BY type ORDER BY type" >"$dir/events.start"
	q "SELECT priority FROM orders WHERE order_id = 'P1'" >"$dir/p1.start"
	q "SELECT count(*) FROM confirmation" >"$dir/confirmations.start"
}

# --- the workers --------------------------------------------------------

# pause a random 0-30 ms, then run the command with a random busy timeout;
# log "worker round exit-status detail" to the worker's log
go() {
	local w=$1 i=$2 detail=$3 rc
	shift 3
	local timeouts=(0 5 20 100 500)
	sleep "0.0$(printf %02d $((RANDOM % 30)))"
	"$@" --busy-timeout "${timeouts[RANDOM % 5]}" >"$dir/$w.$i.out" 2>"$dir/$w.$i.err"
	rc=$?
	echo "$w $i $rc $detail" >>"$dir/$w.log"
}

w_delta() {
	local i f
	for ((i = 1; i <= rounds; i++)); do
		f=$dir/delta.$i.csv
		printf 'node_id,sku,delta,reason\nDC1,A1,%d,delta %d\nST1,B2,%d,delta %d\nDC1,CNT,-1,delta %d\nST1,CNT,2,delta %d\n' \
		    $((i % 3 + 1)) "$i" $((i % 2 + 1)) "$i" "$i" "$i" >"$f"
		go delta "$i" "$f" oms-import -q inventory --delta "$f"
	done
}

w_orders() {
	local i f
	for ((i = 1; i <= rounds; i++)); do
		f=$dir/orders.$i.csv
		printf 'order_id,line_no,sku,qty,created_at,ship_postal_code,ship_country,unit_price\n' >"$f"
		printf 'N%d-1,1,A1,%d,2026-11-26T10:00:00Z,10001,US,19.99\nN%d-1,2,B2,1,2026-11-26T10:00:00Z,10001,US,5.00\n' \
		    "$i" $((i % 3 + 1)) "$i" >>"$f"
		printf 'N%d-2,1,B2,%d,2026-11-26T11:00:00Z,07102,US,5.00\n' "$i" $((i % 2 + 1)) >>"$f"
		go orders "$i" "N$i-1 N$i-2" oms-import -q orders "$f"
	done
}

w_allocate() {
	local i
	for ((i = 1; i <= rounds; i++)); do
		go allocate "$i" "$dir/allocate.$i.csv" oms-allocate -q -o "$dir/allocate.$i.csv"
	done
}

w_route() {
	local i
	for ((i = 1; i <= rounds; i++)); do
		go route "$i" "$dir/route.$i.csv" oms-route -q --day 2026-11-27 -o "$dir/route.$i.csv"
	done
}

w_release() {
	local i
	for ((i = 1; i <= rounds; i++)); do
		go release "$i" "$dir/release.$i.csv" oms-release -q --day 2026-11-27 \
		    -o "$dir/release.$i.csv"
	done
}

w_care() {
	local i
	for ((i = 1; i <= rounds; i++)); do
		case $((i % 4)) in
		0) go care "$i" "priority $((i % 9 + 1))" oms-order -q priority P1 $((i % 9 + 1)) ;;
		1) go care "$i" "hold" oms-order -q hold H1 payment ;;
		2) go care "$i" "cancel" oms-order -q cancel C1 1 1 ;;
		3) go care "$i" "unhold" oms-order -q unhold H1 payment ;;
		esac
	done
}

# the release lines not yet confirmed, as "release_id|line_no|qty|node|sku"
unconfirmed() {
	q "SELECT rl.release_id, rl.line_no, rl.qty, r.node_id, ol.sku
	   FROM release_line rl JOIN release r USING (release_id)
	   JOIN order_line ol ON ol.order_id = rl.order_id AND ol.line_no = rl.line_no
	   WHERE NOT EXISTS (SELECT 1 FROM confirmation c
	                     WHERE c.release_id = rl.release_id AND c.line_no = rl.line_no)
	   ORDER BY rl.release_id, rl.line_no LIMIT 3"
}

# confirm.I.csv is the file; confirm.I.units has "node|sku|-qty" per row
w_confirm() {
	local i k f rel line qty node sku st
	for ((i = 1; i <= rounds; i++)); do
		f=$dir/confirm.$i.csv
		printf 'release_id,line_no,status,qty,at\n' >"$f"
		: >"$dir/confirm.$i.units"
		k=0
		while IFS='|' read -r rel line qty node sku; do
			st=shipped
			(((i + k) % 4 == 0)) && st=short
			printf '%s,%s,%s,%s,2026-11-27T12:00:00Z\n' "$rel" "$line" "$st" "$qty" >>"$f"
			echo "$node|$sku|-$qty" >>"$dir/confirm.$i.units"
			k=$((k + 1))
		done < <(unconfirmed)
		if [ "$k" = 0 ]; then
			sleep 0.02
			continue
		fi
		go confirm "$i" "$f" oms-release -q --confirm "$f"
	done
}

w_address() {
	local i pc
	for ((i = 1; i <= rounds; i++)); do
		pc=10001
		((i % 2)) && pc=07102
		go address "$i" "$pc" oms-order -q address AD1 --ship-postal-code "$pc"
	done
}

w_returns() {
	local i f rma
	for ((i = 1; i <= rounds; i++)); do
		f=$dir/returns.$i.csv
		rma=
		if ((i % 3 == 2)); then
			rma=$(q "SELECT rma_id FROM rma_line WHERE order_id = 'RET1' AND received < qty
			         ORDER BY rma_id LIMIT 1")
		fi
		if ((i % 3 == 1)); then
			printf 'order_id,line_no,qty,reason,channel\nRET1,1,1,changed mind,mail\n' >"$f"
			go returns "$i" authorize oms-return authorize -q --at 2026-11-27T00:00:00Z \
			    -o /dev/null "$f"
		elif [ -n "$rma" ]; then
			printf 'rma_id,line_no,qty,condition,node_id\n%s,1,1,new,DC1\n' "$rma" >"$f"
			go returns "$i" receive oms-return receive -q --at 2026-11-27T01:00:00Z \
			    -o /dev/null "$f"
		else
			printf 'order_id,line_no,amount,reason\nRET1,1,0.01,late\n' >"$f"
			go returns "$i" appease oms-return appease -q --at 2026-11-27T00:00:00Z \
			    -o /dev/null "$f"
		fi
	done
}

# --- the checks ------------------------------------------------------------

check_all() {
	local w i rc detail n t exp got
	# every command exited 0 or 75
	cat "$dir"/*.log >"$dir/all.log"
	while read -r w i rc detail; do
		case $rc in
		0|75) ;;
		*) fail "$w round $i exited $rc: $(head -3 "$dir/$w.$i.err")" ;;
		esac
	done <"$dir/all.log"
	# the store holds together
	out=$(oms-report check 2>&1) || fail "oms-report check: $out"
	[ "$out" = check,subject,detail ] || fail "oms-report check said: $out"
	# on_hand: the start plus every accepted delta file, once, plus the
	# accepted receipts, less the accepted confirmations
	awk -v dir="$dir" '
	    FILENAME ~ /on_hand.start$/ { split($0, f, "|"); q[f[1] "|" f[2]] = f[3]; next }
	    $1 == "delta" && $3 == 0 {
		while ((getline line < $4) > 0) {
			if (line ~ /^node_id/) continue
			split(line, f, ","); q[f[1] "|" f[2]] += f[3]
		}
		close($4)
	    }
	    $1 == "returns" && $3 == 0 && $4 == "receive" { q["DC1|RT"] += 1 }
	    $1 == "confirm" && $3 == 0 {
		u = dir "/confirm." $2 ".units"
		while ((getline line < u) > 0) { split(line, f, "|"); q[f[1] "|" f[2]] += f[3] }
		close(u)
	    }
	    END { for (k in q) print k "|" q[k] }' "$dir/on_hand.start" "$dir/all.log" |
	    sort >"$dir/on_hand.want"
	q "SELECT node_id, sku, on_hand FROM inventory" | sort >"$dir/on_hand.got"
	cmp -s "$dir/on_hand.want" "$dir/on_hand.got" ||
	    fail "on_hand is not the start plus the accepted deltas and receipts less the accepted confirmations: $(diff "$dir/on_hand.want" "$dir/on_hand.got" | head -6)"
	n=$(awk '$1 == "delta" && $3 == 0' "$dir/delta.log" | wc -l)
	nr=$(awk '$1 == "returns" && $3 == 0 && $4 == "receive"' "$dir/returns.log" | wc -l)
	got=$(q "SELECT count(*) FROM event WHERE type = 'inventory.delta'")
	exp=$(( $(sed -n 's/^inventory.delta|//p' "$dir/events.start") + 0 + 4 * n + nr))
	[ "$got" = "$exp" ] || fail "$got inventory.delta events, want $exp ($n files and $nr receipts accepted)"
	# confirmations: exactly the rows of the accepted files
	awk '$1 == "confirm" && $3 == 0 { print $4 }' "$dir/confirm.log" |
	    while read -r f; do tail -n +2 "$f"; done | cut -d, -f1-4 | sort >"$dir/confirmations.want"
	q "SELECT release_id, line_no, status, qty FROM confirmation
	   ORDER BY seq LIMIT -1 OFFSET $(cat "$dir/confirmations.start")" |
	    tr '|' , | sort >"$dir/confirmations.got"
	cmp -s "$dir/confirmations.want" "$dir/confirmations.got" ||
	    fail "the confirmations on record are not those of the accepted files: $(diff "$dir/confirmations.want" "$dir/confirmations.got" | head -6)"
	got=$(q "SELECT count(*) FROM delta_file")
	[ "$got" = "$n" ] || fail "$got delta files on record, want $n"
	# orders: all or nothing per import
	while read -r w i rc o1 o2; do
		got=$(q "SELECT count(*) FROM orders WHERE order_id IN ('$o1', '$o2')")
		if [ "$rc" = 0 ] && [ "$got" != 2 ]; then fail "import $i exited 0, $got of its orders there"; fi
		if [ "$rc" = 75 ] && [ "$got" != 0 ]; then fail "import $i exited 75, $got of its orders there"; fi
	done <"$dir/orders.log"
	# customer care
	exp=$(awk '$1 == "care" && $3 == 0 && $4 == "priority" { p = $5 } END { print p }' "$dir/care.log")
	[ -n "$exp" ] || exp=$(cat "$dir/p1.start")
	got=$(q "SELECT priority FROM orders WHERE order_id = 'P1'")
	[ "$got" = "$exp" ] || fail "P1 has priority $got, the last accepted change set $exp"
	exp=$(awk '$1 == "care" && $3 == 0 && ($4 == "hold" || $4 == "unhold") { h = $4 } END { print h == "hold" ? 1 : 0 }' "$dir/care.log")
	got=$(q "SELECT count(*) FROM order_hold WHERE order_id = 'H1'")
	[ "$got" = "$exp" ] || fail "H1 has $got holds, the last accepted hold/unhold says $exp"
	exp=$(awk '$1 == "care" && $3 == 0 && $4 == "cancel"' "$dir/care.log" | wc -l)
	got=$(q "SELECT cancelled FROM order_line WHERE order_id = 'C1'")
	[ "$got" = "$exp" ] || fail "C1 has $got units cancelled, $exp cancels accepted"
	for t in priority hold unhold cancel; do
		# a priority set to the one the order has changes nothing
		# (and a hold the order has, or an unhold of one it has not)
		exp=$(awk -v t="$t" -v p="$(cat "$dir/p1.start")" '$1 == "care" && $3 == 0 {
		    if ($4 == "priority") { if (t == "priority" && $5 != p) n++; p = $5 }
		    else if ($4 == "hold") { if (t == "hold" && !h) n++; h = 1 }
		    else if ($4 == "unhold") { if (t == "unhold" && h) n++; h = 0 }
		    else if (t == $4) n++ } END { print n + 0 }' "$dir/care.log")
		case $t in
		priority) got=$(q "SELECT count(*) FROM event WHERE order_id = 'P1' AND type = 'order.priority_changed'") ;;
		hold) got=$(q "SELECT count(*) FROM event WHERE order_id = 'H1' AND type = 'order.held'") ;;
		unhold) got=$(q "SELECT count(*) FROM event WHERE order_id = 'H1' AND type = 'order.unheld'") ;;
		cancel) got=$(q "SELECT count(*) FROM event WHERE order_id = 'C1' AND type = 'line.cancelled'") ;;
		esac
		[ "$got" = "$exp" ] || fail "$got $t events, $exp ${t} changes accepted"
	done
	# address changes
	exp=$(awk '$1 == "address" && $3 == 0 { pc = $4 } END { print pc }' "$dir/address.log")
	[ -n "$exp" ] || exp=10001
	got=$(q "SELECT ship_postal_code FROM orders WHERE order_id = 'AD1'")
	[ "$got" = "$exp" ] || fail "AD1 ships to $got, the last accepted change set $exp"
	exp=$(awk '$1 == "address" && $3 == 0 { if ($4 != pc) n++; pc = $4 } END { print n + 0 }' \
	    pc=10001 "$dir/address.log")
	got=$(q "SELECT count(*) FROM event WHERE order_id = 'AD1' AND type = 'order.address_changed'")
	[ "$got" = "$exp" ] || fail "$got address changes of AD1 on record, $exp accepted"
	# returns
	exp=$(awk '$1 == "returns" && $3 == 0 && $4 == "receive"' "$dir/returns.log" | wc -l)
	got=$(q "SELECT COALESCE(sum(received), 0) FROM rma_line WHERE order_id = 'RET1'")
	[ "$got" = "$exp" ] || fail "RET1 has $got units received, $exp receipts accepted"
	exp=$(awk '$1 == "returns" && $3 == 0 && $4 == "authorize"' "$dir/returns.log" | wc -l)
	got=$(q "SELECT COALESCE(sum(qty), 0) FROM rma_line WHERE order_id = 'RET1'")
	[ "$got" = "$exp" ] || fail "RET1 has $got units authorised, $exp authorisations accepted"
	exp=$(awk '$1 == "returns" && $3 == 0 && $4 == "appease"' "$dir/returns.log" | wc -l)
	got=$(q "SELECT count(*) FROM refund WHERE order_id = 'RET1' AND rma_id IS NULL")
	[ "$got" = "$exp" ] || fail "RET1 has $got appeasements, $exp accepted"
	# a 75 leaves no output file
	while read -r w i rc f; do
		[ "$rc" = 75 ] && [ -e "$f" ] && fail "$w round $i exited 75 but wrote $f"
		[ "$rc" = 0 ] && [ ! -e "$f" ] && fail "$w round $i exited 0 but wrote no $f"
	done < <(awk '$1 == "allocate" || $1 == "route" || $1 == "release"' "$dir/all.log")
	ls -A "$dir" | grep -q '\.tmp' && fail "temporary output files left: $(ls -A "$dir" | grep '\.tmp' | head -3)"
	# and no unfinished run
	got=$(q "SELECT count(*) FROM run WHERE ended_at IS NULL")
	[ "$got" = 0 ] && return
	fail "$got runs in the run log never ended: $(q "SELECT command, exit_status FROM run WHERE ended_at IS NULL LIMIT 3" | tr '\n' ' ')"
}

setup
RANDOM=$seed
w_delta & w_orders & w_allocate & w_route & w_release & w_care & w_returns &
w_confirm & w_address &
wait
check_all
total=$(wc -l <"$dir/all.log")
busy=$(awk '$3 == 75' "$dir/all.log" | wc -l)
printf 'concurrency: %d rounds, %d commands by 9 workers at once, %d exited 75 (busy): %s\n' \
    "$rounds" "$total" "$busy" "$([ $fails = 0 ] && echo 'all checks passed' || echo "$fails FAILED")"
[ $fails = 0 ] || { echo "concurrency: files kept in $dir" >&2; exit 1; }
