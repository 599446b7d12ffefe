# Who may read the store (oms(7), "Who may read the store"; issue 17,
# items 13 and 17): a new store and its -wal and -shm are made 0640, less
# what the umask takes away; an existing store keeps its mode and the
# -wal and -shm take it; they stay beside the store, so that a reporting
# user who may read it but not write it or its directory reports, as
# another uid, without making, changing the owner of or the mode of any
# file of the store; a store on a read-only file system is read too.
load helper

OWNER=4701	# the store's owner: a uid with no name, not root

# The store's files, one a line: name, owner uid, group, mode.
files() {
	local f

	for f in "$OMS_DB" "$OMS_DB-wal" "$OMS_DB-shm"; do
		if [ -e "$f" ]; then
			stat -c "${f##*/} %u %G %a" "$f"
		else
			echo "${f##*/} missing"
		fi
	done
}

# Two users besides root: the store's owner ($OWNER) and a reporting
# user (nobody), who share the group $grp.  The store lives in
# $pub/store, owned by $OWNER and $grp; skip unless root can be them.
two_users() {
	[ "$(id -u)" = 0 ] || skip "needs root, to run commands as two other users"
	command -v setpriv > /dev/null && command -v groupadd > /dev/null ||
	    skip "needs setpriv and groupadd"
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
	    test -x "$OMS_BIN/oms-report" -a -r "$DATA/items.csv" ||
	    skip "nobody cannot reach the oms binaries and the test data"
	grp=omsrep$$
	groupadd "$grp" || skip "groupadd $grp failed"
	gid=$(getent group "$grp" | cut -d: -f3)
	pub=$(mktemp -d "${TMPDIR:-/tmp}/oms-access.XXXXXX")
	chmod 755 "$pub"
	mkdir "$pub/store"
	chown "$OWNER:$grp" "$pub/store"
	chmod 2750 "$pub/store"
	export OMS_DB=$pub/store/oms.db
	umask 022
}

owner() {
	setpriv --reuid="$OWNER" --regid="$gid" --clear-groups "$@"
}

# a member of the group of reporting users
reader() {
	setpriv --reuid=nobody --regid=nogroup --groups="$gid" "$@"
}

# anyone else
stranger() {
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
}

# The base store, rate card, postal codes and the example orders,
# allocated, written by $OWNER.
owned_store() {
	owner oms-import -q nodes "$DATA/nodes.csv" &&
	owner oms-import -q items "$DATA/items.csv" &&
	owner oms-import -q inventory "$DATA/inventory.csv" &&
	owner oms-import -q customers "$DATA/customers.csv" &&
	owner oms-import -q rates "$DATA/rates.csv" &&
	owner oms-import -q postal "$DATA/postal.csv" &&
	owner oms-import -q orders "$DATA/orders.csv" &&
	owner oms-allocate -q > /dev/null
}

teardown() {
	if [ -n "${bind:-}" ]; then
		umount "$bind" 2> /dev/null || true
	fi
	if [ -n "${mnt:-}" ]; then
		umount "$mnt" 2> /dev/null || true
	fi
	if [ -n "${pub:-}" ]; then
		rm -rf "$pub"
	fi
	if [ -n "${grp:-}" ]; then
		groupdel "$grp" 2> /dev/null || true
	fi
}

@test "a new store, its -wal and -shm are made 0640, less what the umask takes away, and stay when it closes" {
	umask 022
	run -0 oms-import -q nodes "$DATA/nodes.csv"
	run -0 stat -c %a "$OMS_DB" "$OMS_DB-wal" "$OMS_DB-shm"
	assert_output - <<'EOF'
640
640
640
EOF
	# never more than 0640, whatever the umask lets through
	rm "$OMS_DB"*
	umask 000
	run -0 oms-import -q nodes "$DATA/nodes.csv"
	run -0 stat -c %a "$OMS_DB" "$OMS_DB-wal" "$OMS_DB-shm"
	assert_output - <<'EOF'
640
640
640
EOF
	rm "$OMS_DB"*
	umask 077
	run -0 oms-import -q nodes "$DATA/nodes.csv"
	run -0 stat -c %a "$OMS_DB" "$OMS_DB-wal" "$OMS_DB-shm"
	assert_output - <<'EOF'
600
600
600
EOF
}

@test "an existing store keeps its mode, and its -wal and -shm take it whatever the writer's umask" {
	umask 022
	oms-import -q nodes "$DATA/nodes.csv"
	# a store for a group of writers, written by one whose umask is 077
	chmod 660 "$OMS_DB" "$OMS_DB-wal" "$OMS_DB-shm"
	umask 077
	run -0 oms-import -q items "$DATA/items.csv"
	run -0 stat -c %a "$OMS_DB" "$OMS_DB-wal" "$OMS_DB-shm"
	assert_output - <<'EOF'
660
660
660
EOF
	# -wal and -shm removed (sqlite3 does, when it closes the store last),
	# made again by the next writer with the store's mode
	chmod 644 "$OMS_DB"
	rm "$OMS_DB-wal" "$OMS_DB-shm"
	run -0 oms-import -q items "$DATA/items.csv"
	run -0 stat -c %a "$OMS_DB" "$OMS_DB-wal" "$OMS_DB-shm"
	assert_output - <<'EOF'
644
644
644
EOF
}

@test "a reporting user who may read the store (group, 0640) but not write it or its directory reports; no file of the store changes; its owner writes on" {
	test_hooks
	two_users
	owned_store
	before=$(files)
	assert_equal "$before" "$(printf '%s\n' "oms.db $OWNER $grp 640" "oms.db-wal $OWNER $grp 640" "oms.db-shm $OWNER $grp 640")"
	run -0 reader oms-report lines --order O1
	assert_output - <<'EOF'
order_id,line_no,sku,qty,status,open,backordered,allocated,routed,released,shipped,cancelled,returned,nodes
O1,1,A1,2,allocated,0,0,2,0,0,0,0,0,
O1,2,B2,1,allocated,0,0,1,0,0,0,0,0,
EOF
	# every view, and check in two threads on two connections
	for view in inventory orders backorders releases events runs kpi eoq; do
		run -0 reader oms-report "$view"
	done
	run -0 reader env OMS_CHECK_SPLIT=1 oms-report check
	run -0 reader oms-order show O1
	assert_equal "$(files)" "$before"
	# the owner is not in the way of anything
	run -0 owner oms-route -q
	assert_equal "$(files)" "$before"
	run -0 reader oms-report lines --order O1 --format jsonl
	assert_line --index 0 --partial '"status":"routed"'
	assert_equal "$(files)" "$before"
}

@test "a user outside the store's group is told the system's reason (74), and no file of the store changes" {
	two_users
	owned_store
	before=$(files)
	# the store's directory (2750) is closed to them
	run -74 stranger oms-report lines
	assert_output "oms-report: $OMS_DB: cannot reach the store: Permission denied"
	run -74 stranger oms-allocate
	assert_output "oms-allocate: $OMS_DB: cannot reach the store: Permission denied"
	# the store itself (0640), in a directory they may search
	chmod 2755 "$pub/store"
	run -74 stranger oms-report lines
	assert_output "oms-report: $OMS_DB: cannot open the store: unable to open database file (Permission denied)"
	assert_equal "$(files)" "$before"
}

@test "a store anyone may read (0644) in a directory only its owner may write: another user reports, no file changes" {
	two_users
	chmod 755 "$pub/store"
	owned_store
	chmod 644 "$OMS_DB"
	run -0 owner oms-import -q items "$DATA/items.csv"
	before=$(files)
	assert_equal "$before" "$(printf '%s\n' "oms.db $OWNER $grp 644" "oms.db-wal $OWNER $grp 644" "oms.db-shm $OWNER $grp 644")"
	run -0 stranger oms-report inventory --node DC1 --sku A1
	assert_output - <<'EOF'
node_id,sku,on_hand,safety_stock,reserved,atp,reserved_pickup,reserved_ship
DC1,A1,100,0,0,100,0,0
EOF
	assert_equal "$(files)" "$before"
	run -0 owner oms-route -q
	assert_equal "$(files)" "$before"
}

@test "a reader sees what the owner committed while the owner still holds the store, and after it was killed past its commit" {
	test_hooks
	two_users
	owned_store
	before=$(files)
	# the owner's import holds the write lock while it reads its input
	mkfifo "$pub/in"
	chmod 644 "$pub/in"
	owner oms-import -q orders - < "$pub/in" &
	importer=$!
	exec 5> "$pub/in"
	for i in $(seq 100); do
		sqlite3 "$OMS_DB" "BEGIN IMMEDIATE; ROLLBACK;" > /dev/null 2>&1 || break
		sleep 0.1
	done
	run -0 reader oms-report orders --format jsonl
	assert_equal "${#lines[@]}" 3
	printf 'order_id,line_no,sku,qty\nN1,1,A1,1\n' >&5
	exec 5>&-
	wait "$importer"
	run -0 reader oms-report orders --format jsonl
	assert_equal "${#lines[@]}" 4
	# killed just after its commit: the WAL holds it, not checkpointed,
	# and no process has the store open
	run -137 owner env OMS_KILL_AT=committed oms-import -q orders - <<'EOF'
order_id,line_no,sku,qty
N2,1,A1,1
EOF
	[ -s "$OMS_DB-wal" ]
	run -0 reader oms-report lines --order N2
	assert_line --index 1 --partial "N2,1,A1,1,open,"
	assert_equal "$(files)" "$before"
	run -0 owner oms-report check
}

@test "a reader never makes the -wal and -shm for the owner, even where it may write the directory" {
	two_users
	owned_store
	chmod 2770 "$pub/store"
	# sqlite3, closing the store last, removes them
	owner sqlite3 "$OMS_DB" "select count(*) from node" > /dev/null
	[ ! -e "$OMS_DB-wal" ] && [ ! -e "$OMS_DB-shm" ]
	run -74 reader oms-report inventory
	assert_output "oms-report: $OMS_DB: the store's -wal and -shm files are missing, and only its owner may make them; run any oms command that writes the store as its owner"
	[ ! -e "$OMS_DB-wal" ] && [ ! -e "$OMS_DB-shm" ]
	# the owner's next command makes them again, and the reader reads
	run -0 owner oms-allocate -q
	run -0 reader oms-report inventory
	assert_equal "$(files)" "$(printf '%s\n' "oms.db $OWNER $grp 640" "oms.db-wal $OWNER $grp 640" "oms.db-shm $OWNER $grp 640")"
	# the owner reading, and root, make them for the owner, with the store's mode
	owner sqlite3 "$OMS_DB" "select count(*) from node" > /dev/null
	run -0 owner oms-report inventory
	assert_equal "$(files)" "$(printf '%s\n' "oms.db $OWNER $grp 640" "oms.db-wal $OWNER $grp 640" "oms.db-shm $OWNER $grp 640")"
	owner sqlite3 "$OMS_DB" "select count(*) from node" > /dev/null
	umask 077
	run -0 oms-report inventory
	assert_equal "$(files)" "$(printf '%s\n' "oms.db $OWNER $grp 640" "oms.db-wal $OWNER $grp 640" "oms.db-shm $OWNER $grp 640")"
}

@test "a store on a read-only file system: reports work, with or without its -wal and -shm" {
	test_hooks
	two_users
	mkdir "$pub/ro"
	mount -t tmpfs -o size=4m,mode=755 tmpfs "$pub/ro" 2> /dev/null ||
	    skip "cannot mount a tmpfs here (no CAP_SYS_ADMIN)"
	mnt=$pub/ro
	mkdir "$mnt/store"
	chown "$OWNER:$grp" "$mnt/store"
	chmod 2750 "$mnt/store"
	export OMS_DB=$mnt/store/oms.db
	owned_store
	expected=$(oms-report lines)
	before=$(files)
	mount -o remount,ro "$mnt"
	run -0 reader oms-report lines
	assert_output "$expected"
	run -0 reader env OMS_CHECK_SPLIT=1 oms-report check
	run -0 oms-report lines
	assert_output "$expected"
	assert_equal "$(files)" "$before"
	run -74 owner oms-allocate
	# without them (a copy of the store file alone): read as it is
	mount -o remount,rw "$mnt"
	owner sqlite3 "$OMS_DB" "select count(*) from node" > /dev/null
	mount -o remount,ro "$mnt"
	run -0 reader oms-report lines
	assert_output "$expected"
	run -0 reader env OMS_CHECK_SPLIT=1 oms-report check
	run -0 oms-report lines
	assert_output "$expected"
	[ ! -e "$OMS_DB-wal" ] && [ ! -e "$OMS_DB-shm" ]
}

@test "a read-only bind mount of a writable store: reports work with its -wal and -shm; without them, refused, for a writer may come" {
	test_hooks
	two_users
	owned_store
	expected=$(oms-report lines)
	before=$(files)
	mkdir "$pub/view"
	mount --bind -o ro "$pub/store" "$pub/view" 2> /dev/null ||
	    skip "cannot bind-mount here (no CAP_SYS_ADMIN)"
	bind=$pub/view
	# (older util-linux binds read-write and needs a remount to make it read-only)
	mount -o remount,bind,ro "$bind" 2> /dev/null || true
	run -1 touch "$bind/x"
	run -0 reader oms-report --db "$bind/oms.db" lines
	assert_output "$expected"
	run -0 reader env OMS_CHECK_SPLIT=1 oms-report --db "$bind/oms.db" check
	assert_equal "$(files)" "$before"
	owner sqlite3 "$OMS_DB" "select count(*) from node" > /dev/null
	run -74 reader oms-report --db "$bind/oms.db" lines
	assert_output "oms-report: $bind/oms.db: the store's -wal and -shm files are missing, and this mount is read-only; run any oms command that writes the store where it is writable"
	run -74 oms-report --db "$bind/oms.db" lines
	[ ! -e "$OMS_DB-wal" ] && [ ! -e "$OMS_DB-shm" ]
	run -0 owner oms-allocate -q
	run -0 reader oms-report --db "$bind/oms.db" lines
	assert_output "$expected"
}

@test "output files follow the umask, as the shell's > does: a new one is 0666 less the umask, one that is there keeps its mode" {
	base_store
	oms-import -q rates "$DATA/rates.csv"
	oms-import -q postal "$DATA/postal.csv"
	oms-import -q customers "$DATA/customers.csv"
	oms-import -q orders "$DATA/orders.csv"
	oms-allocate -q > /dev/null
	oms-route -q > /dev/null
	umask 077
	run -0 oms-report lines -o lines.csv
	run -0 oms-order customer C1 -o c1.json
	mkdir releases
	run -0 oms-release -q --split-by-node releases
	run -0 stat -c '%n %a' lines.csv c1.json releases/*
	assert_output - <<'EOF2'
lines.csv 600
c1.json 600
releases/DC1.csv 600
releases/ST1.csv 600
releases/V1.csv 600
EOF2
	umask 027
	run -0 oms-report lines -o lines.csv
	run -0 oms-report orders -o orders.csv
	run -0 stat -c '%n %a' lines.csv orders.csv
	assert_output - <<'EOF2'
lines.csv 600
orders.csv 640
EOF2
	umask 022
	run -0 oms-report orders -o orders.csv
	run -0 oms-report inventory -o inventory.csv
	run -0 stat -c '%n %a' orders.csv inventory.csv
	assert_output - <<'EOF2'
orders.csv 640
inventory.csv 644
EOF2
}
