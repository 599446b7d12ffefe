#!/bin/bash
# crash.sh: kill every mutating oms command with SIGKILL at many points of
# a large run, and prove that nothing is lost (SPEC: "Bad input and faults").
#
#   crash.sh [-n LINES] [-k TICK_KILLS] [-t TIME_KILLS] [-s SEED] [-d DIR] [JOB ...]
#
# JOBs: import-orders import-delta allocate route release confirm order
# return-authorize return-receive return-appease (default: all).  Needs
# $OMS_BIN, the test build of the oms binaries (build/test-bin: the hooks
# below are compiled only into it, see oms(7) "Test builds"), oms-gen
# there or on PATH, sqlite3 and perl.
#
# The data is oms-gen's (tests/bench/oms-gen.c, -n LINES order lines),
# carried through the real pipeline: import, allocate, route, release,
# confirm, returns.  Each job runs one command on the store as the step
# before it left it ("before"), first uninterrupted (the reference), then
# once for each kill point on a fresh copy of "before":
#  - by tick: OMS_KILL_AFTER=N, the fault hook in lib/store.c, SIGKILLs the
#    command inside its Nth block of SQL work; N is spread over the run
#    (stratified at random);
#  - at the commit: OMS_KILL_AT=commit and OMS_KILL_AT=committed;
#  - by time: kill -9 after a random delay up to 1.2 times the reference.
# After each kill:
#  - oms-report check passes and lists nothing (its header alone);
#  - the store dump equals the dump before the command, byte for byte
#    (the run log included: a run's row is written in its transaction) --
#    or, when the kill came after the COMMIT, equals the reference's store;
#  - re-running the command exits 0 with the same output as the reference
#    and leaves the same store as the reference run.
# A kill after the COMMIT can leave the -o file unwritten (it is renamed
# into place after the COMMIT); such kills are counted.
# Dumps are compared after one normalisation: timestamps written during
# this harness run (the clock, not the data) read NOW.
#
# Prints one line per job: kill points tried, and what each kill left.
# Exits 1 on the first failure, keeping its files in DIR.
set -u
lines=20000 kills=40 tkills=20 seed=1 dir= jobs=()
while getopts n:k:t:s:d: o; do
	case $o in
	n) lines=$OPTARG ;;
	k) kills=$OPTARG ;;
	t) tkills=$OPTARG ;;
	s) seed=$OPTARG ;;
	d) dir=$OPTARG ;;
	*) echo "usage: crash.sh [-n lines] [-k tick-kills] [-t time-kills] [-s seed] [-d dir] [job ...]" >&2
	   exit 64 ;;
	esac
done
shift $((OPTIND - 1))
jobs=("$@")
[ ${#jobs[@]} -gt 0 ] || jobs=(import-orders import-delta allocate route release confirm
    order return-authorize return-receive return-appease)
: "${OMS_BIN:?set OMS_BIN to the directory of the oms binaries}"
PATH=$OMS_BIN:$PATH
here=$(cd "$(dirname "$0")" && pwd)
top=$here/../..
if [ -z "$dir" ]; then
	dir=$(mktemp -d "${TMPDIR:-/tmp}/oms-crash.XXXXXX")
	[ -d /dev/shm ] && [ -w /dev/shm ] && dir=$(mktemp -d /dev/shm/oms-crash.XXXXXX)
fi
mkdir -p "$dir"
RANDOM=$seed
export T0 T1
T0=$(date -u +%Y-%m-%dT%H:%M:%SZ)
T1=$(date -u -d '+1 day' +%Y-%m-%dT%H:%M:%SZ)
W=$dir/w.db

die() {
	echo "crash: $job: $*" >&2
	echo "crash: files kept in $dir" >&2
	exit 1
}

# A store's content as text, normalised (see above).
dump() {
	sqlite3 "$1" .dump | perl -pe '
	    s/(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)/($1 ge $ENV{T0} && $1 le $ENV{T1}) ? "NOW" : $1/ge'
}

norm() {	# norm FILE: the clock's timestamps read NOW
	perl -pe 's/(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)/($1 ge $ENV{T0} && $1 le $ENV{T1}) ? "NOW" : $1/ge' "$1"
}

fresh() {	# fresh DB: W is a copy of DB (a checkpointed store)
	rm -f "$W" "$W-wal" "$W-shm" "$dir"/out.csv "$dir"/.out.csv.tmp*
	cp "$1" "$W"
}

settle() {	# settle DB: fold the WAL into the file, so that a copy is whole
	sqlite3 "$1" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null || exit 1
	rm -f "$1-wal" "$1-shm"
}

# run the job's command on W, output in $dir/out.csv (by -o or standard
# output) and $dir/err; its exit status in rc
runcmd() {
	rm -f "$dir/out.csv"
	{	# (and no "Killed" from bash)
		if [ "$outopt" = o ]; then
			"${cmd[@]}" -o "$dir/out.csv" >/dev/null 2>"$dir/err"
		else
			"${cmd[@]}" >"$dir/out.csv" 2>"$dir/err"
		fi
		rc=$?
	} 2>/dev/null
}

ok_check() {	# oms-report check passes and lists nothing (its header alone)
	local out
	out=$(oms-report --db "$W" check 2>&1) || die "after $what: oms-report check failed: $out"
	[ "$out" = check,subject,detail ] || die "after $what: oms-report check said: $out"
}

# --- the data and the pipeline's stores -------------------------------

build() {
	local g=$dir/gen
	[ -e "$dir/built" ] && return 0
	echo "crash: generating $lines order lines and the stores in $dir" >&2
	mkdir -p "$g"
	oms-gen -s "$seed" -n "$lines" -k $((lines / 10 + 50)) -N 40 \
	    -p "$top/share/postal-us.csv" -d "$g" 2>/dev/null || exit 1
	# only the postal codes in use: a smaller store, a faster dump
	perl -MText::ParseWords -ne 'BEGIN { open N, "<", shift; <N>;
	    while (<N>) { @f = parse_line(",", 1, $_); $k{$f[3]} = 1 }
	    open O, "<", shift; <O>; while (<O>) { @f = parse_line(",", 1, $_); $k{$f[15]} = 1 } }
	    print if $. == 1 || ($k{(split /,/)[0]})' "$g/nodes.csv" "$g/orders.csv" \
	    "$g/postal.csv" >"$g/postal-used.csv"
	rm -f "$dir/s0.db"*
	for k in nodes items customers rates inventory; do
		oms-import -q --db "$dir/s0.db" "$k" "$g/$k.csv" || exit 1
	done
	oms-import -q --db "$dir/s0.db" postal "$g/postal-used.csv" || exit 1
	settle "$dir/s0.db"
	step s0 s1 oms-import -q --db "$dir/s1.db" orders "$g/orders.csv"
	step s1 s2 oms-allocate -q --db "$dir/s2.db" -o /dev/null
	step s2 s3 oms-route -q --db "$dir/s3.db" --day 2026-11-01 -o /dev/null
	step s3 s4 oms-release -q --db "$dir/s4.db" --day 2026-11-02 -o "$g/releases.csv"
	# what the nodes send back: every line, one in 20 short
	awk -F, 'NR == 1 { print "release_id,line_no,status,qty,carrier,tracking,at"; next }
	    { st = ($7 == "pickup" || $7 == "curbside") ? "picked_up" : (NR % 20 ? "shipped" : "short")
	      print $1 "," $4 "," st "," $6 "," (st == "shipped" ? "UPS,1Z" NR : ",") ",2026-11-03T12:00:00Z" }' \
	    "$g/releases.csv" >"$g/confirmations.csv"
	step s4 s5 oms-release -q --db "$dir/s5.db" --confirm "$g/confirmations.csv"
	# inventory deltas on the routed store: +3 everywhere, -1 of some skus
	# no order wants (a count below what is reserved is taken as it comes,
	# and oms-report check then says the node is oversold)
	sqlite3 -csv -header "$dir/s3.db" "SELECT node_id, sku,
	    CASE WHEN on_hand > 0 AND n % 3 = 0 AND sku NOT IN (SELECT sku FROM order_line)
	      THEN -1 ELSE 3 END AS delta, 'cycle count' AS reason
	    FROM (SELECT *, row_number() OVER (ORDER BY node_id, sku) AS n FROM inventory)
	    ORDER BY node_id, sku" >"$g/deltas.csv"
	# customer care on the routed store: one change per order, in turn
	sqlite3 -csv -header "$dir/s3.db" "WITH o AS (SELECT order_id, row_number() OVER
	    (ORDER BY order_id) AS n FROM orders), l AS (SELECT order_id, min(line_no) AS line_no,
	    max(qty) AS qty FROM order_line WHERE qty >= 2 GROUP BY order_id)
	    SELECT o.order_id,
	      CASE n % 6 WHEN 4 THEN l.line_no WHEN 5 THEN 1 END AS line_no,
	      CASE n % 6 WHEN 0 THEN 'cancel' WHEN 1 THEN 'hold' WHEN 2 THEN 'priority'
	        WHEN 3 THEN 'address' WHEN 4 THEN 'reduce' ELSE 'cancel' END AS action,
	      CASE n % 6 WHEN 4 THEN 1 WHEN 5 THEN 1 END AS qty,
	      CASE n % 6 WHEN 1 THEN 'fraud' END AS hold_type,
	      CASE n % 6 WHEN 2 THEN 1 END AS priority,
	      CASE n % 6 WHEN 3 THEN 'Somewhere Else' END AS ship_city,
	      'crash test' AS reason
	    FROM o LEFT JOIN l USING (order_id)
	    WHERE n % 6 <> 4 OR l.order_id IS NOT NULL ORDER BY n" >"$g/changes.csv"
	# returns of shipped lines: one unit of every other one
	sqlite3 -csv -header "$dir/s5.db" "SELECT order_id, line_no, 1 AS qty,
	    'changed mind' AS reason, 'mail' AS channel FROM (SELECT *, row_number()
	      OVER (ORDER BY order_id, line_no) AS n FROM order_line WHERE shipped > 0)
	    WHERE n % 2 = 0 ORDER BY order_id, line_no" >"$g/authorize.csv"
	step s5 s6 oms-return authorize -q --db "$dir/s6.db" --at 2026-11-10T00:00:00Z \
	    -o /dev/null "$g/authorize.csv"
	sqlite3 -csv -header "$dir/s6.db" "SELECT rl.rma_id, rl.line_no, rl.qty,
	    CASE (rl.line_no + length(rl.rma_id)) % 3 WHEN 0 THEN 'new' WHEN 1 THEN 'opened' ELSE 'damaged' END AS condition,
	    (SELECT node_id FROM node WHERE accepts_returns = 1 ORDER BY node_id LIMIT 1) AS node_id
	    FROM rma_line rl ORDER BY rl.rma_id, rl.line_no" >"$g/receipts.csv"
	sqlite3 -csv -header "$dir/s5.db" "SELECT DISTINCT order_id, 10 AS percent,
	    'late delivery' AS reason FROM (SELECT *, row_number() OVER (ORDER BY order_id,
	      line_no) AS n FROM order_line WHERE shipped > 0) WHERE n % 3 = 0 ORDER BY order_id" >"$g/appease.csv"
	touch "$dir/built"
}

step() {	# step FROM TO CMD...: TO is FROM after CMD (which names TO)
	local from=$1 to=$2
	shift 2
	rm -f "$dir/$to.db"*
	cp "$dir/$from.db" "$dir/$to.db"
	"$@" || { echo "crash: building $to: $* failed" >&2; exit 1; }
	settle "$dir/$to.db"
}

# the job's "before" store, command (on W) and how it writes its output
setjob() {
	local g=$dir/gen
	outopt=o
	case $1 in
	import-orders) before=s0 outopt=; cmd=(oms-import --db "$W" orders "$g/orders.csv") ;;
	import-delta) before=s3 outopt=; cmd=(oms-import --db "$W" --delta inventory "$g/deltas.csv") ;;
	allocate) before=s1 cmd=(oms-allocate --db "$W") ;;
	route) before=s2 cmd=(oms-route --db "$W" --day 2026-11-01) ;;
	release) before=s3 cmd=(oms-release --db "$W" --day 2026-11-02) ;;
	confirm) before=s4 outopt=; cmd=(oms-release --db "$W" --confirm "$g/confirmations.csv") ;;
	order) before=s3 outopt=; cmd=(oms-order --db "$W" apply "$g/changes.csv") ;;
	return-authorize) before=s5 cmd=(oms-return authorize --db "$W" --at 2026-11-10T00:00:00Z "$g/authorize.csv") ;;
	return-receive) before=s6 cmd=(oms-return receive --db "$W" --at 2026-11-20T00:00:00Z "$g/receipts.csv") ;;
	return-appease) before=s5 cmd=(oms-return appease --db "$W" --at 2026-11-20T00:00:00Z "$g/appease.csv") ;;
	*) echo "crash: no job $1" >&2; exit 64 ;;
	esac
}

# --- one job -------------------------------------------------------------

# After a kill: classify what it left in W (before, committed) or die.
judge() {
	ok_check
	dump "$W" >"$dir/kill.dump"
	if cmp -s "$dir/kill.dump" "$dir/before.dump"; then
		left=before
	elif cmp -s "$dir/kill.dump" "$dir/ref.dump"; then
		left=committed
	else
		diff "$dir/before.dump" "$dir/kill.dump" | head -20 >&2
		die "after $what: the store is neither as before nor as after the command"
	fi
}

# Re-run after a kill that left W as before: the same output, and the
# store an uninterrupted run leaves.
rerun() {
	runcmd
	[ "$rc" = 0 ] || { cat "$dir/err" >&2; die "after $what: re-run exited $rc"; }
	norm "$dir/out.csv" | cmp -s - "$dir/ref.out" || {
		norm "$dir/out.csv" | diff "$dir/ref.out" - | head >&2
		die "after $what: re-run wrote other output"; }
	norm "$dir/err" | cmp -s - "$dir/ref.err" || {
		norm "$dir/err" | diff "$dir/ref.err" - | head >&2
		die "after $what: re-run said something else"; }
	ok_check
	dump "$W" | cmp -s - "$dir/ref.dump" || {
		dump "$W" | diff "$dir/ref.dump" - | head -20 >&2
		die "after $what: re-run left another store than an uninterrupted run"; }
}

# One kill: $1 is "tick N", "at POINT" or "time SECONDS".
trial() {
	local how=$1 arg=$2 pid
	what="kill $how $arg" left=
	fresh "$dir/$before.db"
	case $how in
	tick) OMS_KILL_AFTER=$arg runcmd ;;
	at) OMS_KILL_AT=$arg runcmd ;;
	time)
		if [ "$outopt" = o ]; then
			"${cmd[@]}" -o "$dir/out.csv" >/dev/null 2>"$dir/err" &
		else
			"${cmd[@]}" >"$dir/out.csv" 2>"$dir/err" &
		fi
		pid=$!
		sleep "$arg"
		{ kill -KILL $pid; wait $pid; rc=$?; } 2>/dev/null ;;
	esac
	tried=$((tried + 1))
	case $rc in
	0)
		ok_check
		dump "$W" | cmp -s - "$dir/ref.dump" || die "after $what: ran to the end, another store"
		n_end=$((n_end + 1))
		return ;;
	137) ;;
	*) cat "$dir/err" >&2; die "after $what: exited $rc, not killed" ;;
	esac
	judge
	case $left in
	before) n_before=$((n_before + 1)); rerun ;;
	committed) n_committed=$((n_committed + 1))
		[ "$outopt" = o ] && [ ! -e "$dir/out.csv" ] && n_lostout=$((n_lostout + 1)) ;;
	esac
}

onejob() {
	local ticks i n t0 t1 ms
	job=$1
	setjob "$job"
	tried=0 n_end=0 n_before=0 n_committed=0 n_lostout=0
	fresh "$dir/$before.db"
	dump "$W" >"$dir/before.dump"
	# the reference: an uninterrupted run, timed
	what="the reference run"
	t0=${EPOCHREALTIME/./}
	runcmd
	t1=${EPOCHREALTIME/./}
	ms=$(((t1 - t0) / 1000))
	[ "$rc" = 0 ] || { cat "$dir/err" >&2; die "the reference run exited $rc"; }
	norm "$dir/out.csv" >"$dir/ref.out"
	norm "$dir/err" >"$dir/ref.err"
	ok_check
	dump "$W" >"$dir/ref.dump"
	cmp -s "$dir/ref.dump" "$dir/before.dump" && die "the command changes nothing"
	# killed just before its COMMIT: the store exactly as before
	trial at commit
	[ "$left" = before ] || die "killed just before COMMIT, the store is not as before"
	trial at committed
	# how many ticks an uninterrupted run has
	fresh "$dir/$before.db"
	OMS_KILL_AFTER=999999999999 runcmd
	ticks=$(sed -n 's/.*OMS_KILL_AFTER: \([0-9]*\) ticks.*/\1/p' "$dir/err" | tail -1)
	[ -n "$ticks" ] || die "no tick count from OMS_KILL_AFTER (is $OMS_BIN a test build?)"
	# by tick: one kill point at random in each of kills equal slices
	for ((i = 0; i < kills; i++)); do
		n=$(((ticks * i + (RANDOM * 32768 + RANDOM) % ticks) / kills + 1))
		trial tick $n
	done
	# by time
	for ((i = 0; i < tkills; i++)); do
		n=$((RANDOM % (ms * 12 / 10 + 1)))
		trial time "$((n / 1000)).$(printf %03d $((n % 1000)))"
	done
	printf 'crash: %-16s %4d kill points (%d ticks, %d ms): %d left the store as before and a re-run did the job, %d came after COMMIT%s, %d too late (ran to the end); all checks passed\n' \
	    "$job" "$tried" "$ticks" "$ms" "$n_before" "$n_committed" \
	    "$([ "$n_lostout" -gt 0 ] && echo " ($n_lostout without their -o file)")" "$n_end"
}

build
for j in "${jobs[@]}"; do
	onejob "$j"
done
