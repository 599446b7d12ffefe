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

# A directory the unprivileged user can reach ($pub; the test's own is
# private), removed after the test.
public_dir() {
	if [ "$(id -u)" = 0 ]; then
		command -v setpriv > /dev/null || skip "running as root without setpriv"
		as_user test -x "$OMS_BIN/oms-report" -a -r "$DATA/items.csv" ||
		    skip "nobody cannot reach the oms binaries and test data"
	fi
	pub=$(mktemp -d "${TMPDIR:-/tmp}/oms-hostile.XXXXXX")
	chmod 755 "$pub"
}

teardown() {
	if [ -n "${pub:-}" ]; then
		chmod -R u+w "$pub"
		rm -rf "$pub"
	fi
	if [ -n "${mnt:-}" ]; then
		umount "$mnt" 2> /dev/null || true
	fi
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

# ---------------------------------------------------------------------
# text that looks like SQL: stored and reported back unchanged

nasty=(
	"Robert'); DROP TABLE item;--"
	"' OR '1'='1"
	'" OR "1"="1'
	'%_\%'
	'?1 :a @b $c ?'
	'/* x */ -- y'
	'; BEGIN; ROLLBACK; COMMIT;'
	'\N \\ \0 NULL'
	'Zoë “q” ∑ 𝄞'
	"x'00'||char(0)"
	',,"",'
	"''"
)

# A value as the CSV writer writes it: quoted when it holds a comma, a
# quote or a line end, quotes doubled.
csvq() {
	local v=$1

	case $v in
	*[,\"]*) v=${v//\"/\"\"}; printf '"%s"' "$v" ;;
	*) printf '%s' "$v" ;;
	esac
}

@test "SQL metacharacters and quotes in every text field round-trip unchanged" {
	local i n k
	# every kind, every text column: keys are "K<i>:" and the text
	{
		echo node_id,type,name,postal_code,country
		for i in "${!nasty[@]}"; do n=$(csvq "${nasty[$i]}")
			echo "$(csvq "K$i:${nasty[$i]}"),warehouse,$n,$n,$n"; done
	} > nodes.csv
	{
		echo sku,description
		for i in "${!nasty[@]}"; do
			echo "$(csvq "K$i:${nasty[$i]}"),$(csvq "${nasty[$i]}")"; done
	} > items.csv
	{
		echo customer_id,name,email,phone,tier
		for i in "${!nasty[@]}"; do n=$(csvq "${nasty[$i]}")
			echo "$(csvq "K$i:${nasty[$i]}"),$n,$n,$n,$n"; done
	} > customers.csv
	{
		echo postal_code,country,lat,lon
		for i in "${!nasty[@]}"; do
			echo "$(csvq "K$i:${nasty[$i]}"),$(csvq "${nasty[$i]}"),40.$i,-74.$i"; done
	} > postal.csv
	{
		echo node_id,sku,on_hand
		for i in "${!nasty[@]}"; do k=$(csvq "K$i:${nasty[$i]}")
			echo "$k,$k,$((i + 1))"; done
	} > inventory.csv
	{
		echo order_id,line_no,sku,qty,channel,customer_id,ship_name,ship_address1,ship_city,ship_region,ship_postal_code,ship_country
		for i in "${!nasty[@]}"; do k=$(csvq "K$i:${nasty[$i]}") n=$(csvq "${nasty[$i]}")
			echo "$k,1,$k,1,$n,$k,$n,$n,$n,$n,$n,$n"; done
	} > orders.csv
	for kind in nodes items customers postal inventory orders; do
		run -0 oms-import -q "$kind" "$kind.csv"
	done

	# the store holds exactly what was given
	expect() {
		local i
		for i in "${!nasty[@]}"; do
			printf '%s\n' "$(printf "$1" "K$i:${nasty[$i]}" "${nasty[$i]}")"
		done | LC_ALL=C sort
	}
	q() { sqlite3 -separator '<|>' "$OMS_DB" "$1"; }
	assert_equal "$(q "select node_id, name, postal_code, country from node order by 1")" \
	    "$(expect '%s<|>%s<|>%s<|>%s' | sed -E 's/^(.*)<\|>(.*)<\|>(.*)<\|>(.*)$/\1<|>\2<|>\2<|>\2/')"
	assert_equal "$(q "select sku, description from item order by 1")" "$(expect '%s<|>%s')"
	assert_equal "$(q "select customer_id, name, email, phone, tier from customer order by 1")" \
	    "$(expect '%s<|>%s' | sed -E 's/<\|>(.*)$/<|>\1<|>\1<|>\1<|>\1/')"
	# (the postal table keeps its keys, oms-formats(5): no blanks or
	# dashes in a code, ASCII upper case, a country trimmed)
	assert_equal "$(q "select postal_code, country from postal order by 1")" \
	    "$(for i in "${!nasty[@]}"; do
		printf '%s<|>%s\n' \
		    "$(printf '%s' "K$i:${nasty[$i]}" | LC_ALL=C tr -d ' \t-' | LC_ALL=C tr a-z A-Z)" \
		    "$(printf '%s' "${nasty[$i]}" | LC_ALL=C sed -E 's/^[ \t]+//; s/[ \t]+$//' |
		    LC_ALL=C tr a-z A-Z)"
	    done | LC_ALL=C sort)"
	assert_equal "$(q "select node_id, sku from inventory order by 1")" \
	    "$(expect '%s<|>%s' | sed -E 's/<\|>.*$//; s/^(.*)$/\1<|>\1/')"
	assert_equal "$(q "select order_id, channel, customer_id, ship_name, ship_address1, ship_city, ship_region, ship_postal_code, ship_country from orders order by 1")" \
	    "$(expect '%s<|>%s' | sed -E 's/^(.*)<\|>(.*)$/\1<|>\2<|>\1<|>\2<|>\2<|>\2<|>\2<|>\2<|>\2/')"

	# and the tools report it back unchanged
	# (the rows in any order: sorted here, as the CSV text)
	run -0 oms-report lines
	assert_line --index 0 order_id,line_no,sku,qty,status,open,backordered,allocated,routed,released,shipped,cancelled,returned,nodes
	assert_equal "$(tail -n +2 <<< "$output" | LC_ALL=C sort)" "$(for i in "${!nasty[@]}"; do
	    k=$(csvq "K$i:${nasty[$i]}"); echo "$k,1,$k,1,open,1,0,0,0,0,0,0,0,"; done | LC_ALL=C sort)"
	run -0 oms-report inventory
	assert_line --index 0 node_id,sku,on_hand,safety_stock,reserved,atp,reserved_pickup,reserved_ship
	assert_equal "$(tail -n +2 <<< "$output" | LC_ALL=C sort)" "$(for i in "${!nasty[@]}"; do
	    k=$(csvq "K$i:${nasty[$i]}"); echo "$k,$k,$((i + 1)),0,0,$((i + 1)),0,0"; done | LC_ALL=C sort)"
	run -0 oms-report check
}

@test "SQL metacharacters in reasons and names of changes and returns are stored unchanged" {
	local i
	busy_store
	# three orders times four hold types: twelve holds, one per string
	types=(fraud payment address customer)
	{
		echo order_id,action,hold_type,reason
		for i in "${!nasty[@]}"; do
			echo "O$((i / 4 + 1)),hold,${types[$((i % 4))]},$(csvq "${nasty[$i]}")"; done
	} > holds.csv
	run -0 oms-order -q apply --by "${nasty[0]}" holds.csv
	run -0 sqlite3 -separator '<|>' "$OMS_DB" "select order_id, hold_type, reason, held_by from order_hold"
	assert_equal "$(LC_ALL=C sort <<< "$output")" "$(for i in "${!nasty[@]}"; do
	    printf '%s<|>%s<|>%s<|>%s\n' "O$((i / 4 + 1))" "${types[$((i % 4))]}" "${nasty[$i]}" "${nasty[0]}"
	    done | LC_ALL=C sort)"
	{
		echo order_id,amount,reason
		for i in "${!nasty[@]}"; do echo "O1,0.01,$(csvq "${nasty[$i]}")"; done
	} > appease.csv
	run -0 oms-return -q appease -o /dev/null appease.csv
	run -0 sqlite3 "$OMS_DB" "select reason from refund order by refund_id"
	assert_equal "$output" "$(printf '%s\n' "${nasty[@]}")"
	run -0 oms-report check
}

# ---------------------------------------------------------------------
# formula-looking text: neutralised by --safe-csv in every CSV output

# The values of a CSV file a spreadsheet would take for a formula: those
# starting with =, +, -, @, a tab or a carriage return (parsed by sqlite3's
# RFC 4180 reader, one value a line).
formulas() {
	sqlite3 -batch :memory: ".import --csv $1 t" ".mode list" ".separator '<~>'" \
	    "select * from t" | sed 's/<~>/\n/g' | grep -E "^[-=+@$(printf '\t\r')]"
}

# A store whose every kind of text looks like a formula: a sku, an order
# id, a customer, the ship-to address.
formula_store() {
	oms-import -q nodes "$DATA/nodes.csv" &&
	oms-import -q rates "$DATA/rates.csv" &&
	oms-import -q postal "$DATA/postal.csv" &&
	oms-import -q items - <<'EOF' &&
sku,description,unit_price
"=HYPERLINK(""http://evil.example/"",""click"")",@SUM(1+1),10.00
-2+3,+cmd,5.00
EOF
	oms-import -q inventory - <<'EOF' &&
node_id,sku,on_hand
DC1,"=HYPERLINK(""http://evil.example/"",""click"")",10
DC1,-2+3,10
EOF
	oms-import -q customers - <<'EOF' &&
customer_id,name
@SUM(1+1),=cust
EOF
	oms-import -q orders - <<'EOF'
order_id,line_no,sku,qty,customer_id,ship_name,ship_address1,ship_city,ship_region,ship_postal_code,ship_country,unit_price,created_at
+cmd|' /C calc'!A0,1,"=HYPERLINK(""http://evil.example/"",""click"")",2,@SUM(1+1),-1+1,=1+2,@city,+region,10001,US,10.00,2026-11-26
+cmd|' /C calc'!A0,2,-2+3,1,@SUM(1+1),-1+1,=1+2,@city,+region,10001,US,5.00,2026-11-26
EOF
}

# Run a CSV writer twice: without --safe-csv (the formulas are there, so
# the check can fail), then with it (none left; each kept after a ').
# A writer that changes the store runs first under --dry-run, given as
# the first argument "dry".
check() {
	local dry= out=$1

	shift
	if [ "$1" = dry ]; then
		dry=--dry-run
		shift
	fi
	run -0 "$@" $dry -o "$out"
	run -0 formulas "$out"
	[ -n "$output" ]
	run -0 "$@" --safe-csv -o "$out"
	run -1 formulas "$out"
	run -0 grep -c "\"'[-=+@]" "$out"
}

@test "--safe-csv: formula-looking text is neutralised in the CSV of every command" {
	local order="+cmd|' /C calc'!A0" release
	formula_store
	check alloc.csv dry oms-allocate
	check route.csv dry oms-route
	check release.csv dry oms-release
	release=$(sed -n '2s/,.*//p' release.csv)
	check resend.csv oms-release --resend "$release"
	check lines.csv oms-report lines
	check inventory.csv oms-report inventory
	check events.csv oms-report events --format csv
	# (the run log: a user name that looks like a formula)
	USER=@evil run -0 oms-import -q nodes "$DATA/nodes.csv"
	check runs.csv oms-report runs --format csv
	check show.csv oms-order show "$order" --format csv
	check customer.csv oms-order customer "@SUM(1+1)" --format csv
	printf 'release_id,line_no,status,qty\n%s,1,shipped,2\n' "$release" |
	    oms-release -q --confirm -
	printf 'order_id,line_no,qty,reason,channel,node_id\n"%s",1,1,changed_mind,mail,DC1\n' \
	    "$order" > auth.csv
	check rma.csv dry oms-return authorize auth.csv
	printf 'rma_id,line_no,qty,condition\n"RMA-%s-1",1,1,new\n' "$order" > recv.csv
	check recv.csv dry oms-return receive recv.csv
	printf 'order_id,amount,reason\n"%s",1.00,=sorry\n' "$order" > appease.csv
	check refund.csv dry oms-return appease appease.csv
	# releases split by node: one file a node
	oms-import -q orders - <<'EOF'
order_id,line_no,sku,qty,customer_id,ship_name,ship_address1,ship_city,ship_region,ship_postal_code,ship_country,created_at
@O2,1,-2+3,1,@SUM(1+1),-1+1,=1+2,@city,+region,10001,US,2026-11-26
EOF
	oms-allocate -q -o /dev/null
	oms-route -q -o /dev/null
	# (--dry-run writes no files: the plain run goes on a copy)
	sqlite3 "$OMS_DB" ".backup copy.db"
	mkdir plain split
	run -0 oms-release --db copy.db --split-by-node plain
	run -0 formulas plain/*.csv
	[ -n "$output" ]
	run -0 oms-release --safe-csv --split-by-node split
	assert_equal "$(ls split)" "$(ls plain)"
	run -1 formulas split/*.csv
	run -0 oms-report check
}

@test "--safe-csv: every command that writes CSV documents it" {
	for cmd in oms-allocate oms-route oms-release oms-report oms-order oms-return; do
		run -0 grep -c -e '^\.It Fl -safe-csv' "$TESTS/../man/$cmd.1"
		run -0 "$cmd" --help
		assert_output --partial -- --safe-csv
	done
}

# ---------------------------------------------------------------------
# files that are not there, or not files

# Every command that reads records, with its arguments before the file.
readers=(
	"oms-release --confirm" "oms-order apply" "oms-return authorize"
	"oms-return receive" "oms-return appease" "oms-allocate" "oms-route"
)

@test "a file that is not there, and a directory given as a file, to every reader: 66, nothing changed" {
	local prog cmd
	busy_store
	before=$(state)
	mkdir adir
	for cmd in "${readers[@]}"; do
		prog=${cmd%% *}
		run -66 $cmd nothere.csv
		assert_output "$prog: nothere.csv: cannot open: No such file or directory"
		run -66 $cmd adir
		assert_output "$prog: adir: is a directory, not a file"
	done
	assert_equal "$(state)" "$before"
}

@test "a good file then a missing one: all or nothing, the good one not applied either" {
	busy_store
	before=$(state)
	printf 'release_id,line_no,status,qty\n%s,2,shipped,1\n' "$release" > good-confirm.csv
	run -66 oms-release --confirm good-confirm.csv nothere.csv
	assert_output "oms-release: nothere.csv: cannot open: No such file or directory"
	printf 'order_id,action,hold_type\nO2,hold,fraud\n' > good-change.csv
	run -66 oms-order apply good-change.csv nothere.csv
	assert_output "oms-order: nothere.csv: cannot open: No such file or directory"
	printf 'order_id,amount,reason\nO1,1.00,sorry\n' > good-appease.csv
	run -66 oms-return appease -o out.csv good-appease.csv nothere.csv
	assert_output "oms-return: nothere.csv: cannot open: No such file or directory"
	[ ! -e out.csv ]
	run -66 oms-import items "$DATA/items.csv" nothere.csv
	assert_output "oms-import: nothere.csv: cannot open: No such file or directory"
	assert_equal "$(state)" "$before"
}

@test "-o or --rejects naming a directory: 73 before anything is done, nothing changed" {
	base_store
	oms-import -q orders "$DATA/orders.csv"
	before=$(state)
	mkdir adir
	# (this used to commit the allocation, then fail to rename the rows
	# over the directory: exit 74 with the rows lost and the change kept)
	run -73 oms-allocate -o adir
	assert_output "oms-allocate: adir: is a directory, not a file"
	assert_equal "$(state)" "$before"
	run -73 oms-report lines -o adir
	assert_output "oms-report: adir: is a directory, not a file"
	run -73 oms-import items --rejects adir "$DATA/items.csv"
	assert_output "oms-import: adir: is a directory, not a file"
	assert_equal "$(state)" "$before"
	run -0 find adir -mindepth 1
	assert_output ""
	# the same run with a file goes through
	run -0 oms-allocate -q -o rows.csv
	assert_equal "$(wc -l < rows.csv)" 5
}

# ---------------------------------------------------------------------
# stores that are not ours, too new, or not writable

# Every command, one run each that would change the store if it could,
# and the read-only ones.
everyone=(
	"oms-import items $DATA/items.csv" "oms-allocate" "oms-route" "oms-release"
	"oms-release --confirm $DATA/orders.csv" "oms-order hold O1 fraud"
	"oms-return appease $DATA/orders.csv" "oms-report lines" "oms-order show O1"
)

@test "a short file that is not a SQLite database is never written over (every command: 74)" {
	local cmd prog
	# SQLite takes a file shorter than its header for an empty database:
	# this one used to be replaced by a new store
	for content in x 'node_id,type\n' 'SQLite format 2\n'; do
		printf "$content" > "$OMS_DB"
		cp "$OMS_DB" orig
		for cmd in "${everyone[@]}"; do
			prog=${cmd%% *}
			run -74 $cmd
			assert_output "$prog: $OMS_DB: not an oms store (file is not a SQLite database)"
			cmp "$OMS_DB" orig
		done
		[ ! -e "$OMS_DB-wal" ] && [ ! -e "$OMS_DB-journal" ]
	done
	# an empty file is a new store, as before
	: > "$OMS_DB"
	run -0 oms-import -q nodes "$DATA/nodes.csv"
}

@test "a store from a newer schema version: every command refuses it (70), the file unchanged" {
	local cmd prog
	busy_store
	sqlite3 "$OMS_DB" "pragma wal_checkpoint(truncate); pragma user_version = 99" > /dev/null
	cp "$OMS_DB" orig
	for cmd in "${everyone[@]}"; do
		prog=${cmd%% *}
		run -70 $cmd
		assert_output "$prog: $OMS_DB: store has schema version 99, newer than this oms understands ($SCHEMA_VERSION); upgrade oms"
		cmp "$OMS_DB" orig
	done
}

@test "a read-only store file: every change refused (74), reports still work, nothing changed" {
	local cmd prog
	public_dir
	OMS_DB=$pub/oms.db
	busy_store
	sqlite3 "$OMS_DB" "pragma wal_checkpoint(truncate)" > /dev/null
	before=$(state)
	chmod 444 "$OMS_DB"
	chmod 777 "$pub"
	for cmd in "${everyone[@]:0:7}"; do
		prog=${cmd%% *}
		run -74 as_user $cmd
		assert_line --index 0 --regexp "^$prog: $OMS_DB: store is read-only: "
	done
	run -0 as_user oms-report lines
	assert_line --index 1 --partial "O1,1,A1,2,"
	run -0 as_user oms-report check
	assert_equal "$(state)" "$before"
	run -0 sqlite3 "$OMS_DB" "select count(*) from run where command = 'oms-order'"
	assert_output 0
}

@test "a store in a read-only directory: every change refused (74), nothing changed" {
	local cmd prog
	public_dir
	OMS_DB=$pub/oms.db
	busy_store
	before=$(state)
	chmod 666 "$OMS_DB"
	chmod 555 "$pub"
	for cmd in "${everyone[@]:0:7}"; do
		prog=${cmd%% *}
		run -74 as_user $cmd
		assert_line --index 0 --regexp "^$prog: $OMS_DB: "
	done
	# sqlite3 (state) removed the -wal and -shm: a reader who is not
	# the owner does not make them (tests/access.bats)...
	run -74 as_user oms-report lines
	assert_output "oms-report: $OMS_DB: the store's -wal and -shm files are missing, and only its owner may make them; run any oms command that writes the store as its owner"
	# ...the owner's report does, and then the other user reads
	run -0 oms-report lines
	[ -e "$OMS_DB-wal" ] && [ -e "$OMS_DB-shm" ]
	run -0 as_user oms-report lines
	assert_line --index 1 --partial "O1,1,A1,2,"
	chmod 755 "$pub"
	assert_equal "$(state)" "$before"
}

# ---------------------------------------------------------------------
# a full disk

# Every command that writes records, as a shell line: the store's state
# is the same after it fails on a full disk as before.
writers=(
	"oms-allocate" "oms-route" "oms-release" "oms-release --resend \$release"
	"oms-report lines" "oms-report inventory" "oms-report events" "oms-report runs"
	"oms-order show O1 --format csv" "oms-order customer C1"
	"oms-return appease $DATA/../data/return/orders.csv"
)

# What a run that changes the store writes to a device or to standard
# output reaches no one before the run commits (oms(7)): on a full device
# the run is committed and says that its output was lost.  A view
# changes nothing either way.
@test "a full disk on output (-o /dev/full and > /dev/full): 74; a writer's run is committed and says so" {
	local cmd prog lost
	[ -c /dev/full ] || skip "no /dev/full here"
	base_store
	oms-import -q rates "$DATA/rates.csv"
	oms-import -q postal "$DATA/postal.csv"
	oms-import -q customers "$DATA/customers.csv"
	oms-import -q orders "$DATA/orders.csv"
	printf 'order_id,amount,reason\nO1,1.00,sorry\n' > appease.csv
	for cmd in oms-allocate oms-route oms-release "oms-return appease appease.csv"; do
		prog=${cmd%% *}
		lost="^$prog: run [0-9]+ is committed, but its output was not all written\$"
		[ "$prog" = oms-release ] && lost="^$prog: run ([0-9]+) is committed, but its releases were not all written: oms-release --resend-run \\1 writes them again\$"
		before=$(state)
		# (the reason is known when the last write fails, not when an
		# earlier one did and the rest was dropped)
		run -74 $cmd -o /dev/full
		assert_line --index 0 --regexp "^$prog: /dev/full: write error(: No space left on device)?\$"
		assert_line --index 1 --regexp "$lost"
		assert_equal "${#lines[@]}" 2
		[ "$(state)" != "$before" ]
		run -74 bash -c "$cmd > /dev/full"
		assert_line --index 0 --regexp "^$prog: write error on standard output(: No space left on device)?\$"
		assert_line --index 1 --regexp "$lost"
		# goodwill goes on what shipped: O1 ships as soon as it is released
		if [ "$cmd" = oms-release ]; then
			sqlite3 -csv -header "$OMS_DB" "select release_id, line_no, 'shipped' as status,
			    qty from release_line where order_id = 'O1'" > o1-shipped.csv
			run -0 oms-release -q --confirm o1-shipped.csv
		fi
	done
	for cmd in "oms-report lines" "oms-report events" "oms-order show O1 --format csv" \
	    "oms-order customer C1"; do
		prog=${cmd%% *}
		before=$(state)
		run -74 $cmd -o /dev/full
		assert_output --regexp "^$prog: /dev/full: write error(: No space left on device)?\$"
		run -74 bash -c "$cmd > /dev/full"
		assert_output --regexp "^$prog: write error on standard output(: No space left on device)?\$"
		assert_equal "$(state)" "$before"
	done
	release=$(sqlite3 "$OMS_DB" "select release_id from release limit 1")
	run -74 oms-release --resend "$release" -o /dev/full
	assert_output "oms-release: /dev/full: write error: No space left on device"
	# a full disk on standard error does not change the exit status
	run -0 bash -c 'oms-report check 2> /dev/full'
}

# A tmpfs of $1 KiB at ./small ($mnt), or skip.
small_disk() {
	mkdir small
	mount -t tmpfs -o size="$1"k tmpfs small 2> /dev/null ||
	    skip "cannot mount a tmpfs here (not root, or no CAP_SYS_ADMIN)"
	mnt=$PWD/small
}

@test "a full disk (a small tmpfs) for an output file: 74, no file, nothing changed" {
	busy_store
	small_disk 64
	# fill it up
	run -1 dd if=/dev/zero of=small/fill bs=1k count=128
	oms-import -q orders "$DATA/lines.csv"
	before=$(state)
	# a report far bigger than what is left
	run -74 oms-report events -o small/events.jsonl
	assert_output "oms-report: small/events.jsonl: write error: No space left on device"
	run -74 oms-allocate -o small/alloc.csv
	assert_output "oms-allocate: small/alloc.csv: write error: No space left on device"
	assert_equal "$(state)" "$before"
	run -0 ls small
	assert_output fill
	run -0 oms-allocate -q -o alloc.csv
}

@test "a full disk under the store: the import fails (74), the store as it was" {
	small_disk 512
	OMS_DB=$PWD/small/oms.db
	base_store
	before=$(state)
	# 1 MB of items does not fit in what is left
	{ echo sku,description; for i in $(seq 2000); do
		printf 'Z%d,%0500d\n' "$i" 0; done; } > items.csv
	run -74 oms-import items items.csv
	assert_line --index 0 --regexp "^oms-import: $OMS_DB: "
	assert_equal "$(state)" "$before"
	run -0 oms-report check
	# and once there is room again, the same import goes through
	umount "$mnt"
	mnt=
	OMS_DB=$PWD/oms.db
	base_store
	run -0 oms-import -q items items.csv
}

# ---------------------------------------------------------------------
# the fuzz corpora, through the real commands

# Of a corpus: every input named crash-* (a crash found and fixed: kept
# as a regression test), and 25 of the others, spread over the corpus
# (make fuzz-run runs them all through the fuzz targets).
sample() {
	local f i=0 all step

	all=$(ls "$1" | wc -l)
	step=$(( (all + 24) / 25 ))
	for f in "$1"/*; do
		case ${f##*/} in
		crash-*) echo "$f" ;;
		*) if [ $((i++ % step)) -eq 0 ]; then echo "$f"; fi ;;
		esac
	done
}

@test "inputs of the fuzz corpora through their real commands: 0 or 65, never a crash" {
	local t f cmd name base n=0
	busy_store
	before=$(state)
	for t in "$TESTS"/fuzz/corpus/*; do
		name=${t##*/}
		base=${name%-rejects}
		case $base in
		import-deltas) cmd="oms-import inventory --delta" ;;
		import-orders-jsonl) cmd="oms-import --input-format jsonl orders" ;;
		import-*) cmd="oms-import ${base#import-}" ;;
		confirm) cmd="oms-release --confirm" ;;
		changes) cmd="oms-order apply --by fuzz" ;;
		return-*) cmd="oms-return ${base#return-} -o /dev/null" ;;
		*) echo "no command for corpus $t" >&2; return 1 ;;
		esac
		case $name in
		*-rejects) cmd="$cmd --rejects rejects.out" ;;
		esac
		for f in $(sample "$t"); do
			run $cmd --dry-run -q "$f"
			if [ "$status" -ne 0 ] && [ "$status" -ne 65 ]; then
				echo "$cmd $f: exit $status" >&2
				echo "$output" | head -n 20 >&2
				return 1
			fi
			n=$((n + 1))
		done
	done
	[ "$n" -gt 100 ]
	assert_equal "$(state)" "$before"
	run -0 oms-report check
}
