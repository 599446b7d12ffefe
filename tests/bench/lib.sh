# Shared by the bench scripts (sourced): data generation, timing, medians.
# Needs $dir (work files), $top (the source tree), oms binaries on PATH.

gen() {	# gen LINES DIR [oms-gen options]
	[ -s "$2/orders.csv" ] && return 0
	mkdir -p "$2"
	n=$1 d=$2
	shift 2
	oms-gen -n "$n" -p "$top/share/postal-us.csv" -d "$d" "$@" >&2
}

# t OUT CMD...: run CMD, append "seconds maxrss_kb" to OUT
t() {
	out=$1
	shift
	/usr/bin/time -f '%e %M' -o "$dir/time.tmp" "$@" >/dev/null 2>"$dir/err.tmp" || {
		cat "$dir/err.tmp" >&2
		exit 1
	}
	cat "$dir/time.tmp" >>"$out"
}

# tcpu OUT CMD...: run CMD, append "seconds maxrss_kb cpu_seconds" to OUT
# (CPU: user + system, which other load on the machine does not inflate
# as it does the elapsed time)
tcpu() {
	out=$1
	shift
	/usr/bin/time -f '%e %M %U %S' -o "$dir/time.tmp" "$@" >/dev/null 2>"$dir/err.tmp" || {
		cat "$dir/err.tmp" >&2
		exit 1
	}
	awk '{ print $1, $2, $3 + $4 }' "$dir/time.tmp" >>"$out"
}

median() {	# median FILE COLUMN
	sort -n -k"$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END {
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

base_store() {	# base_store DATADIR DB
	rm -f "$2" "$2-wal" "$2-shm"
	for k in nodes items customers postal rates inventory; do
		oms-import -q --db "$2" "$k" "$1/$k.csv"
	done
}


# current_schema DB: bring a store cached by an earlier bench run (perhaps
# by an older oms) to this oms's schema version, so that no timed run
# pays for the migration (a dry run commits the upgrade and nothing else:
# oms(7))
current_schema() {
	oms-allocate --dry-run -q --db "$1" > /dev/null
}

# flow DB W: the rest of a day's work on a store DB that is allocated,
# every command's output kept in W (report.sh's flow store; golden.sh's
# outputs): everything routed (--day 2026-11-01), released on two
# business days against the nodes' capacities, nine releases in ten
# confirmed (one line in 50 short, the rest shipped or picked up), one
# order in 40 of those still waiting changed (cancelled, reduced or held),
# one shipped line in 25 returned (authorised, then received new, opened
# or damaged and refunded), one order in 500 appeased, and a last
# oms-allocate, as the nightly job runs it.
flow() {
	fdb=$1 fw=$2
	oms-route -q --db "$fdb" --day 2026-11-01 -o "$fw/route.csv"
	oms-release -q --db "$fdb" --day 2026-11-02 -o "$fw/rel1.csv"
	oms-release -q --db "$fdb" --day 2026-11-03 -o "$fw/rel2.csv"
	# what the nodes send back: nine releases in ten (by a hash of the
	# id), every line of them, one line in 50 short
	cat "$fw/rel1.csv" "$fw/rel2.csv" | awk -F, '
	    NR == 1 { print "release_id,line_no,status,qty,carrier,tracking"; next }
	    $1 == "release_id" { next }
	    { h = 0; for (i = length($1) - 3; i <= length($1); i++) h = h * 10 + index("0123456789", substr($1, i, 1))
	      if (h % 10 == 7) next
	      st = ($7 == "pickup" || $7 == "curbside") ? "picked_up" : (NR % 50 ? "shipped" : "short")
	      print $1 "," $4 "," st "," $6 "," (st == "shipped" ? "UPS,1Z" NR : ",") }' \
	    >"$fw/confirmations.csv"
	oms-release -q --db "$fdb" --confirm "$fw/confirmations.csv"
	# customer care on one order in 40 of those still waiting (a
	# reduction below what is released is refused: --rejects)
	sqlite3 -csv "$fdb" "SELECT order_id, line_no, qty FROM order_line
	    WHERE qty > shipped + cancelled ORDER BY order_id, line_no" | awk -F, '
	    BEGIN { print "order_id,line_no,action,qty,hold_type" }
	    $1 == last { next }
	    { last = $1; n++ }
	    n % 40 == 1 { print $1 ",,cancel,," }
	    n % 40 == 11 && $3 > 1 { print $1 "," $2 ",reduce," $3 - 1 "," }
	    n % 40 == 21 { print $1 ",,hold,,fraud" }' >"$fw/changes.csv"
	oms-order -q --db "$fdb" apply --rejects "$fw/changes.rej" "$fw/changes.csv"
	# returns: one shipped line in 25, one unit, by mail to WH001
	sqlite3 -csv "$fdb" "SELECT order_id, line_no FROM order_line
	    WHERE shipped > 0 ORDER BY order_id, line_no" | awk -F, '
	    BEGIN { print "order_id,line_no,qty,reason" }
	    NR % 25 == 0 { print $1 "," $2 ",1," (NR % 100 ? "changed_mind" : "defective") }' \
	    >"$fw/authorize.csv"
	oms-return authorize -q --db "$fdb" --rejects "$fw/authorize.rej" -o "$fw/rmas.csv" "$fw/authorize.csv"
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i
	    print "rma_id,line_no,qty,condition,node_id"; next }
	    { print $c["rma_id"] "," $c["line_no"] "," $c["qty"] "," \
	      (NR % 7 == 0 ? "damaged" : NR % 3 ? "new" : "opened") ",WH001" }' \
	    "$fw/rmas.csv" >"$fw/receipts.csv"
	oms-return receive -q --db "$fdb" --rejects "$fw/receipts.rej" -o "$fw/refunds.csv" "$fw/receipts.csv"
	sqlite3 -csv "$fdb" "SELECT order_id FROM orders o WHERE EXISTS (SELECT 1
	    FROM order_line l WHERE l.order_id = o.order_id AND l.shipped > 0)
	    ORDER BY order_id" | awk -F, '
	    BEGIN { print "order_id,line_no,percent,reason" }
	    NR % 500 == 0 { print $1 ",,10,late" }' >"$fw/appease.csv"
	oms-return appease -q --db "$fdb" --rejects "$fw/appease.rej" -o "$fw/appeased.csv" "$fw/appease.csv"
	oms-allocate -q --db "$fdb" -o "$fw/reallocate.csv"
}
