# Conformance: the CSV reader against csv-spectrum, the JSON reader against
# JSONTestSuite.  Both corpora live in tests/data/conformance, copied in
# with their licences (see SOURCE.txt in each for the upstream commit).
load helper

SPECTRUM=$DATA/conformance/csv-spectrum
PARSING=$DATA/conformance/JSONTestSuite/test_parsing

@test "csv-spectrum: every CSV reads to exactly the values of its JSON twin" {
	local f name failed=
	[ -d "$SPECTRUM/csvs" ]
	for f in "$SPECTRUM"/csvs/*.csv; do
		name=$(basename "$f" .csv)
		# see the next test
		[ "$name" = location_coordinates ] && continue
		input-dump "$f" > got.json
		input-dump -j "$SPECTRUM/json/$name.json" > want.json
		if ! diff -u want.json got.json; then
			failed="$failed $name"
		fi
	done
	[ -z "$failed" ] || fail "read differently from their JSON twins:$failed"
}

@test "csv-spectrum: location_coordinates.csv is refused at line 2, and its twin is wrong" {
	# Two upstream faults in this one case.  Its JSON twin does not match
	# the CSV: it is an object, not an array of objects, and its "Contact
	# Phone Number" is 1234567890 where the CSV says 2095257564.  And the
	# CSV itself is not RFC 4180: its second field, 37°36'37.8"N ..., holds
	# bare double quotes inside an unquoted field.  Our reader is strict:
	# it rejects that row with a message naming line 2 rather than guess.
	local csv=$SPECTRUM/csvs/location_coordinates.csv

	run -0 input-dump -j "$SPECTRUM/json/location_coordinates.json"
	assert_output --partial '{"Contact Phone Number":"1234567890",'
	run -0 grep -c '^2095257564,' "$csv"

	run -65 --separate-stderr input-dump "$csv"
	assert_equal "$stderr" "input-dump: $csv:2: a quote inside an unquoted field: quote the whole field and double the quote, as in \"27\"\" monitor\""
}

@test "csv-spectrum: oms-import reads the corpus through the same reader" {
	# the corpus's columns belong to no kind: give one file the columns of items
	oms-import -q nodes "$DATA/nodes.csv"
	{ echo "sku,description"; tail -n +2 "$SPECTRUM/csvs/escaped_quotes.csv"; } > items.csv
	run -0 oms-import -q items items.csv
	run -0 sqlite3 "$OMS_DB" "select sku, description from item order by sku"
	assert_output - <<'EOF'
1|ha "ha" ha
3|4
EOF
}

@test "JSONTestSuite: every n_ file is refused with 65, never a crash" {
	local f status failed=
	[ -d "$PARSING" ]
	for f in "$PARSING"/n_*.json; do
		status=0
		oms-import -q customers "$f" > /dev/null 2> err || status=$?
		if [ "$status" -ne 65 ] || [ ! -s err ]; then
			failed="$failed $(basename "$f")=$status"
		fi
	done
	[ -z "$failed" ] || fail "not refused with 65 and a message:$failed"
	# nothing got in: not even a store (a failed run leaves none it made)
	[ ! -e "$OMS_DB" ]
}

@test "JSONTestSuite: every i_ file is taken or refused (0 or 65), never a crash" {
	local f status failed=
	for f in "$PARSING"/i_*.json; do
		status=0
		oms-import -q customers "$f" > /dev/null 2>&1 || status=$?
		if [ "$status" -ne 0 ] && [ "$status" -ne 65 ]; then
			failed="$failed $(basename "$f")=$status"
		fi
	done
	[ -z "$failed" ] || fail "crashed or failed otherwise:$failed"
}

@test "JSONTestSuite: the y_ files that are arrays of objects are accepted" {
	run -0 oms-import customers "$PARSING/y_array_empty.json"
	assert_output "oms-import: customers: 0 records, 0 inserted, 0 updated, 0 unchanged, 0 rejected; nothing changed"
	run -0 oms-import customers "$PARSING/y_structure_whitespace_array.json"
	assert_output "oms-import: customers: 0 records, 0 inserted, 0 updated, 0 unchanged, 0 rejected; nothing changed"
}

@test "JSONTestSuite: the y_ files that are one object are taken or refused, never a crash" {
	local f status failed= n=0
	for f in "$PARSING"/y_*.json; do
		[ "$(tr -d ' \t\r\n' < "$f" | head -c 1)" = "{" ] || continue
		n=$((n + 1))
		status=0
		oms-import -q customers "$f" > /dev/null 2>&1 || status=$?
		if [ "$status" -ne 0 ] && [ "$status" -ne 65 ]; then
			failed="$failed $(basename "$f")=$status"
		fi
	done
	[ "$n" -gt 10 ]
	[ -z "$failed" ] || fail "crashed or failed otherwise:$failed"
}

@test "JSONTestSuite: the other y_ files (valid JSON, not records) are refused with 65" {
	local f status failed=
	for f in "$PARSING"/y_*.json; do
		[ "$(tr -d ' \t\r\n' < "$f" | head -c 1)" = "{" ] && continue
		case $(basename "$f") in
		y_array_empty.json | y_structure_whitespace_array.json) continue ;;
		esac
		status=0
		oms-import -q customers "$f" > /dev/null 2> err || status=$?
		if [ "$status" -ne 65 ] || [ ! -s err ]; then
			failed="$failed $(basename "$f")=$status"
		fi
	done
	[ -z "$failed" ] || fail "not refused with 65 and a message:$failed"
}
