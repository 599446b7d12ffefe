# Hostile input and faults (SPEC "Bad input and faults", issue 8): huge
# and malformed files, numbers out of range, text that looks like SQL or
# like a spreadsheet formula, missing and wrong files, stores that are
# not ours or not writable, and full disks.  Each case: a clear message,
# the documented exit status, and nothing lost (the store's state
# unchanged).  Big files are made at test time, never committed.
# Overlaps: tests/import.bats (a missing file, a directory, NUL, invalid
# UTF-8 for oms-import) and tests/store.bats (not a SQLite database, a
# newer schema, for oms-import and oms-report) are extended here to the
# other commands, not repeated.
load helper

# A store with work at every stage: orders allocated, routed, released
# (releases.csv), one line shipped and one return authorised (RMA-O1-1).
busy_store() {
	base_store &&
	oms-import -q rates "$DATA/rates.csv" &&
	oms-import -q postal "$DATA/postal.csv" &&
	oms-import -q customers "$DATA/customers.csv" &&
	oms-import -q orders "$DATA/orders.csv" &&
	oms-allocate -q -o /dev/null &&
	oms-route -q -o /dev/null &&
	oms-release -q -o releases.csv &&
	release=$(awk -F, '$3 == "O1" && $4 == 1 { print $1 }' releases.csv) &&
	printf 'release_id,line_no,status,qty,carrier,tracking\n%s,1,shipped,2,UPS,1Z1\n' \
	    "$release" | oms-release -q --confirm - &&
	printf 'order_id,line_no,qty,reason,channel,node_id\nO1,1,1,changed_mind,mail,DC1\n' |
	    oms-return -q authorize -o /dev/null -
}

# Run a command as an unprivileged user when we are root (root writes
# read-only files); skip when that cannot be done.
as_user() {
	if [ "$(id -u)" != 0 ]; then
		"$@"
	else
		setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
		    env PATH="$PATH" OMS_DB="$OMS_DB" "$@"
	fi
}

need_user() {
	[ "$(id -u)" != 0 ] && return 0
	command -v setpriv > /dev/null || skip "running as root without setpriv"
	as_user test -r "$OMS_DB" -a -x "$OMS_BIN/oms-report" ||
	    skip "nobody cannot reach the test directory"
}

@test "busy_store: the store the other tests start from" {
	busy_store
	run -0 oms-report check
	run -0 sqlite3 "$OMS_DB" "select count(*) from release_line; select sum(shipped) from order_line; select rma_id from rma"
	assert_output - <<'EOF'
4
2
RMA-O1-1
EOF
}

# ---------------------------------------------------------------------
# huge and malformed files

@test "a 10 MB field, in CSV and in JSON: rejected with its size, nothing written" {
	base_store
	before=$(state)
	{ printf 'sku,description\nZ1,'; head -c 10485760 /dev/zero | tr '\0' x; echo; } > big.csv
	run -65 oms-import items big.csv
	assert_output - <<'EOF'
oms-import: big.csv:2: description is too long (10485760 bytes; at most 65536)
oms-import: 1 bad record; nothing imported (use --rejects FILE to import the good ones)
EOF
	{ printf '[{"sku": "Z1", "description": "'; head -c 10485760 /dev/zero | tr '\0' x
	  printf '"}]\n'; } > big.json
	run -65 oms-import items big.json
	assert_output - <<'EOF'
oms-import: big.json:1: description is too long (10485760 bytes; at most 65536)
oms-import: 1 bad record; nothing imported (use --rejects FILE to import the good ones)
EOF
	# a 10 MB key is no better
	{ printf 'node_id,sku,on_hand\nDC1,'; head -c 10485760 /dev/zero | tr '\0' k; echo ',1'; } > bigkey.csv
	run -65 oms-import inventory bigkey.csv
	assert_output - <<'EOF'
oms-import: bigkey.csv:2: sku is too long (10485760 bytes; at most 200)
oms-import: 1 bad record; nothing imported (use --rejects FILE to import the good ones)
EOF
	assert_equal "$(state)" "$before"
}

@test "a 10 MB field in a confirmation, a change and a return: rejected, nothing written" {
	busy_store
	before=$(state)
	long=$(head -c 10485760 /dev/zero | tr '\0' r)
	printf 'release_id,line_no,status,qty,carrier,tracking\n%s,1,shipped,1,,\n%s,1,shipped,1,UPS,%s\n' \
	    "$long" "$release" "$long" > big-confirm.csv
	run -65 oms-release --confirm big-confirm.csv
	assert_output - <<'EOF'
oms-release: big-confirm.csv:2: release_id is too long (10485760 bytes; at most 1000)
oms-release: big-confirm.csv:3: tracking is too long (10485760 bytes; at most 1000)
oms-release: 2 bad confirmations: nothing applied
EOF
	printf 'order_id,action,hold_type,reason\nO2,hold,fraud,%s\n' "$long" > big-change.csv
	run -65 oms-order apply big-change.csv
	assert_output - <<'EOF'
oms-order: big-change.csv:2: reason is too long (10485760 bytes; at most 65536)
oms-order: 1 bad change; nothing applied (use --rejects FILE to apply the good ones)
EOF
	printf 'order_id,line_no,qty,reason\nO1,1,1,%s\n' "$long" > big-return.csv
	run -65 oms-return authorize big-return.csv
	assert_output - <<'EOF'
oms-return: big-return.csv:2: reason is too long (10485760 bytes; at most 500)
oms-return: 1 bad record; nothing done (use --rejects FILE to apply the good ones)
EOF
	assert_equal "$(state)" "$before"
}

@test "a million columns: one short warning naming ten of them, the row imported" {
	base_store
	{ printf 'sku'; seq -f ',c%g' 1 1000000 | tr -d '\n'; printf '\nZ1'
	  head -c 1000000 /dev/zero | tr '\0' ,; echo; } > wide.csv
	run -0 oms-import items wide.csv
	assert_line --index 0 --regexp '^oms-import: warning: wide.csv: ignoring unknown columns ("c[0-9]+", ){9}"c[0-9]+" and 999990 more$'
	assert_line --index 1 "oms-import: items: 1 record, 1 inserted, 0 updated, 0 unchanged, 0 rejected"
	assert_equal "${#lines[@]}" 2
	run -0 sqlite3 "$OMS_DB" "select sku, description from item where sku = 'Z1'"
	assert_output "Z1|"
}

@test "a million columns in a row under a short header: a ragged row, rejected" {
	base_store
	before=$(state)
	{ printf 'sku,description\nZ1'; head -c 1000000 /dev/zero | tr '\0' ,; echo; } > ragged.csv
	run -65 oms-import items ragged.csv
	assert_line --index 0 --regexp '^oms-import: ragged.csv:2: .*1000001'
	assert_equal "$(state)" "$before"
}

@test "deeply nested JSON (100k levels): a clear error, nothing written" {
	base_store
	before=$(state)
	{ printf '[{"sku": "Z1", "description": '; head -c 100000 /dev/zero | tr '\0' '['
	  head -c 100000 /dev/zero | tr '\0' ']'; printf '}]\n'; } > deep.json
	run -65 oms-import items deep.json
	assert_line --index 0 --partial "oms-import: deep.json:1: invalid JSON: maximum parsing depth reached"
	{ head -c 100000 /dev/zero | tr '\0' '['; head -c 100000 /dev/zero | tr '\0' ']'; echo; } > deep2.json
	run -65 oms-import orders deep2.json
	assert_line --index 0 --partial "oms-import: deep2.json:1: "
	{ printf '{"sku": "Z1", "description": '; head -c 100000 /dev/zero | tr '\0' '{'
	  echo; } > deep.jsonl
	run -65 oms-import items deep.jsonl
	assert_line --index 0 --partial "oms-import: deep.jsonl:1: invalid JSON"
	# and in each stream
	for cmd in "oms-release --confirm" "oms-order apply" "oms-return authorize" \
	    "oms-return receive" "oms-return appease"; do
		run -65 $cmd deep.json
		assert_line --index 0 --partial ": deep.json:1: invalid JSON: maximum parsing depth reached"
	done
	assert_equal "$(state)" "$before"
}

@test "NUL bytes, invalid and overlong UTF-8: in a header, a field, raw JSON" {
	base_store
	before=$(state)
	# overlong "/" (2 and 3 bytes), a UTF-16 surrogate, past U+10FFFF, cut short
	printf 'sku,description\nZ1,\xc0\xaf\nZ2,\xe0\x80\xaf\nZ3,\xed\xa0\x80\nZ4,\xf4\x90\x80\x80\nZ5,ab\xc3\n' > utf8.csv
	run -65 oms-import items utf8.csv
	assert_output - <<'EOF'
oms-import: utf8.csv:2: a field is not valid UTF-8
oms-import: utf8.csv:3: a field is not valid UTF-8
oms-import: utf8.csv:4: a field is not valid UTF-8
oms-import: utf8.csv:5: a field is not valid UTF-8
oms-import: utf8.csv:6: a field is not valid UTF-8
oms-import: 5 bad records; nothing imported (use --rejects FILE to import the good ones)
EOF
	printf '[{"sku": "Z1", "description": "\xc0\xaf"}]\n' > utf8.json
	run -65 oms-import items utf8.json
	assert_line --index 0 "oms-import: utf8.json:1: invalid JSON: unable to decode byte 0xc0 near '\"'"
	printf 'sku,desc\0ription\nZ1,a\n' > nulhead.csv
	run -65 oms-import items nulhead.csv
	assert_output "oms-import: nulhead.csv:1: header column 2 is not valid UTF-8 text"
	printf '[{"sku": "Z1", "description": "a\0b"}]\n' > nul.json
	run -65 oms-import items nul.json
	assert_line --index 0 "oms-import: nul.json:1: invalid JSON: control character 0x0 near '\"a'"
	assert_equal "$(state)" "$before"
}

@test "NUL bytes and overlong UTF-8 in confirmations, changes and returns" {
	busy_store
	before=$(state)
	printf 'release_id,line_no,status,qty\nR\xc0\xaf,1,shipped,1\nR\0,1,shipped,1\n' > c.csv
	run -65 oms-release --confirm c.csv
	assert_output - <<'EOF'
oms-release: c.csv:2: a field is not valid UTF-8
oms-release: c.csv:3: a field holds a NUL byte
oms-release: 2 bad confirmations: nothing applied
EOF
	printf 'order_id,action,hold_type\nO\xc0\xaf,hold,fraud\nO\0,hold,x\n' > ch.csv
	run -65 oms-order apply ch.csv
	assert_output - <<'EOF'
oms-order: ch.csv:2: a field is not valid UTF-8
oms-order: ch.csv:3: a field holds a NUL byte
oms-order: 2 bad changes; nothing applied (use --rejects FILE to apply the good ones)
EOF
	printf 'order_id,line_no,qty,reason\nO1,1,1,\xc0\xaf\nO1,1,1,a\0b\n' > a.csv
	run -65 oms-return authorize a.csv
	assert_output - <<'EOF'
oms-return: a.csv:2: a field is not valid UTF-8
oms-return: a.csv:3: a field holds a NUL byte
oms-return: 2 bad records; nothing done (use --rejects FILE to apply the good ones)
EOF
	printf 'rma_id,line_no,qty,condition\nRMA-O1-1,1,1,\xe0\x80\xaf\n' > r.csv
	run -65 oms-return receive r.csv
	assert_line --index 0 "oms-return: r.csv:2: a field is not valid UTF-8"
	printf 'order_id,amount,reason\nO1,1,\xed\xa0\x80\n' > p.csv
	run -65 oms-return appease p.csv
	assert_line --index 0 "oms-return: p.csv:2: a field is not valid UTF-8"
	assert_equal "$(state)" "$before"
}

@test "numbers out of range: quantities past 2^63, prices of 30 digits, in every input" {
	busy_store
	before=$(state)
	printf 'order_id,line_no,sku,qty\nQ1,1,A1,9223372036854775808\nQ2,1,A1,99999999999999999999999\nQ3,9223372036854775808,A1,1\nQ4,1,A1,1e30\n' > q.csv
	run -65 oms-import orders q.csv
	assert_output - <<'EOF'
oms-import: q.csv:2: qty must be a positive integer, got "9223372036854775808"
oms-import: q.csv:3: qty must be a positive integer, got "99999999999999999999999"
oms-import: q.csv:4: line_no must be a positive integer, got "9223372036854775808"
oms-import: q.csv:5: qty must be a positive integer, got "1e30"
oms-import: 4 bad records; nothing imported (use --rejects FILE to import the good ones)
EOF
	printf 'sku,unit_price\nP1,123456789012345678901234567890\nP2,1.123456789012345678901234567890\nP3,92233720368547758.08\nP4,-0.01\n' > p.csv
	run -65 oms-import items p.csv
	assert_output - <<'EOF'
oms-import: p.csv:2: unit_price must be an amount like 12.34 (at most 2 decimals), got "123456789012345678901234567890"
oms-import: p.csv:3: unit_price must be an amount like 12.34 (at most 2 decimals), got "1.123456789012345678901234567890"
oms-import: p.csv:4: unit_price must be an amount like 12.34 (at most 2 decimals), got "92233720368547758.08"
oms-import: p.csv:5: unit_price must be an amount like 12.34 (at most 2 decimals), got "-0.01"
oms-import: 4 bad records; nothing imported (use --rejects FILE to import the good ones)
EOF
	printf 'node_id,sku,on_hand\nDC1,A1,9223372036854775807\n' > inv.csv
	run -65 oms-import inventory inv.csv
	assert_line --index 0 'oms-import: inv.csv:2: on_hand must be a non-negative integer, got "9223372036854775807"'
	printf 'node_id,sku,delta\nDC1,A1,9223372036854775807\nDC1,A1,-9223372036854775808\n' > d.csv
	run -65 oms-import inventory --delta d.csv
	assert_output - <<'EOF'
oms-import: d.csv:2: delta must be an integer like 5 or -2, got "9223372036854775807"
oms-import: d.csv:3: delta must be an integer like 5 or -2, got "-9223372036854775808"
oms-import: 2 bad records; nothing imported (use --rejects FILE to import the good ones)
EOF
	printf 'release_id,line_no,status,qty\n%s,9223372036854775808,shipped,1\n%s,1,shipped,9223372036854775808\n' "$release" "$release" > c.csv
	run -65 oms-release --confirm c.csv
	assert_output - <<'EOF'
oms-release: c.csv:2: line_no must be a positive integer, got "9223372036854775808"
oms-release: c.csv:3: qty must be a positive integer, got "9223372036854775808"
oms-release: 2 bad confirmations: nothing applied
EOF
	printf 'order_id,line_no,action,qty,priority\nO2,9223372036854775808,cancel,,\nO2,1,reduce,99999999999999999999,\nO2,,priority,,-9223372036854775809\n' > ch.csv
	run -65 oms-order apply ch.csv
	assert_output - <<'EOF'
oms-order: ch.csv:2: line_no must be a positive integer, got "9223372036854775808"
oms-order: ch.csv:3: qty must be a positive integer, got "99999999999999999999"
oms-order: ch.csv:4: priority must be a positive integer (1 is most urgent), got "-9223372036854775809"
oms-order: 3 bad changes; nothing applied (use --rejects FILE to apply the good ones)
EOF
	printf 'order_id,line_no,qty,reason\nO1,1,9223372036854775808,x\n' > a.csv
	run -65 oms-return authorize a.csv
	assert_line --index 0 'oms-return: a.csv:2: qty must be a positive integer, got "9223372036854775808"'
	printf 'order_id,amount,reason\nO1,123456789012345678901234567890.00,x\n' > m.csv
	run -65 oms-return appease m.csv
	assert_line --index 0 'oms-return: m.csv:2: amount must be a positive amount like 12.34 (at most 2 decimals), got "123456789012345678901234567890.00"'
	printf 'order_id,percent,reason\nO1,1e308,x\n' > m.csv
	run -65 oms-return appease m.csv
	assert_line --index 0 'oms-return: m.csv:2: percent must be a number above 0 and at most 100 (at most 2 decimals), got "1e308"'
	assert_equal "$(state)" "$before"
}
