# oms-import groups and rules, the nodes' channel and the items' class:
# how sourcing rules get into the store, versioned (each import that
# changes them makes a version holding every group and every rule), and
# how oms-report rules and groups show them.  What the rules do to
# allocation and routing is tested elsewhere.
load helper

RULES=version,seq,rule_id,channel,method,country,region,postal_prefix,sku,item_class,value_min,value_max,priority,tiers,exclude_nodes,exclude_types,max_splits,ship_complete,min_store_value,safety,on_short

# Four nodes: two warehouses, a store, a marketplace.
net() {
	oms-import -q nodes - <<'EOF2'
node_id,type,postal_code,lat,lon,channel
DC1,warehouse,10001,40,-74,
DC2,warehouse,90001,34,-118,
ST1,store,10002,40,-74,
MP1,marketplace,10003,40,-74,amazon
EOF2
}

# Import KIND from the CSV on standard input.
given() {
	oms-import -q "$@" -
}

groups() {
	given groups <<'EOF2'
group_id,node_id
dcs,DC1
dcs,DC2
stores,ST1
EOF2
}

# oms-import "$@" (the CSV on standard input) is refused with the message $1
# alone, and the store is as it was.
refused() {
	local want=$1 before

	shift
	before=$(state)
	run -65 --separate-stderr oms-import "$@"
	assert_output ""
	assert_equal "$stderr" "$want"
	assert_equal "$(state)" "$before"
}

# A rules file with the one row $1 (columns $2) is refused whole, saying $3.
bad_rule() {
	local pad=${2//[^,]/}

	refused "oms-import: -:3: $3; a rules file is taken whole: nothing imported" \
	    rules - <<EOF2
rule_id,$2
ok,$pad
$1
EOF2
}

@test "a marketplace node needs its channel; no other type takes one" {
	net
	run -0 sqlite3 "$OMS_DB" "SELECT node_id, type, channel FROM node ORDER BY node_id"
	assert_output - <<'EOF2'
DC1|warehouse|
DC2|warehouse|
MP1|marketplace|amazon
ST1|store|
EOF2
	refused 'oms-import: -:2: channel is empty: a marketplace node needs the channel it sells on
oms-import: -:3: channel is only for a marketplace node, not a warehouse
oms-import: -:4: channel "a|b" must not hold a '"'|'"'
oms-import: -:5: type must be one of warehouse, store, dark_store, 3pl, vendor, locker, marketplace, got "shop"
oms-import: 4 bad records; nothing imported (use --rejects FILE to import the good ones)' \
	    nodes - <<'EOF2'
node_id,type,channel
MP2,marketplace,
DC3,warehouse,web
MP3,marketplace,a|b
X1,shop,
EOF2
	# the schema says the same
	run ! sqlite3 "$OMS_DB" "UPDATE node SET channel = '' WHERE node_id = 'MP1'"
	assert_output --partial "CHECK constraint failed"
}

@test "items have an item_class, '' by default" {
	net
	given items <<'EOF2'
sku,unit_price,item_class
A,10,bulky
B,5,
EOF2
	run -0 sqlite3 "$OMS_DB" "SELECT sku, item_class FROM item ORDER BY sku"
	assert_output - <<'EOF2'
A|bulky
B|
EOF2
	refused 'oms-import: -:2: item_class "x|y" must not hold a '"'|'"'
oms-import: 1 bad record; nothing imported (use --rejects FILE to import the good ones)' \
	    items - <<'EOF2'
sku,item_class
C,x|y
EOF2
}

@test "groups: a version made, the same file again makes none, a change makes a new one" {
	net
	run -0 oms-report groups
	assert_output "version,group_id,node_id"
	run -0 --separate-stderr oms-import groups - <<'EOF2'
group_id,node_id
dcs,DC1
dcs,DC2
stores,ST1
dcs,DC1
EOF2
	assert_equal "$stderr" "oms-import: groups: 4 records, version 1 made (0 rules, 2 groups), 0 rejected"
	run -0 oms-report groups
	assert_output - <<'EOF2'
version,group_id,node_id
1,dcs,DC1
1,dcs,DC2
1,stores,ST1
EOF2
	run -0 --separate-stderr oms-import groups - <<'EOF2'
group_id,node_id
stores,ST1
dcs,DC2
dcs,DC1
EOF2
	assert_equal "$stderr" "oms-import: groups: 3 records, version 1 unchanged (0 rules, 2 groups), 0 rejected; nothing changed"
	run -0 sqlite3 "$OMS_DB" "SELECT version, run_id IS NOT NULL, length(digest) FROM rule_version"
	assert_output "1|1|16"
	run -0 oms-report events --format csv --type import.groups
	assert_line --index 1 --regexp '^[0-9]+,[^,]*,,import\.groups,"\{""version"":1,""rules"":0,""groups"":2,""digest"":""[0-9a-f]{16}""\}"$'
}

@test "groups: a group named in the file is replaced whole, the others are kept" {
	net
	groups
	# DC2 leaves dcs; stores gains DC2; a new group
	given groups <<'EOF2'
group_id,node_id
dcs,DC1
stores,ST1
stores,DC2
mp,MP1
EOF2
	run -0 oms-report groups
	assert_output - <<'EOF2'
version,group_id,node_id
2,dcs,DC1
2,mp,MP1
2,stores,DC2
2,stores,ST1
EOF2
	# only stores named: dcs and mp kept as they are
	given groups <<'EOF2'
group_id,node_id
stores,ST1
EOF2
	run -0 oms-report groups
	assert_output - <<'EOF2'
version,group_id,node_id
3,dcs,DC1
3,mp,MP1
3,stores,ST1
EOF2
	# every version stays whole
	run -0 oms-report groups --version 1
	assert_output - <<'EOF2'
version,group_id,node_id
1,dcs,DC1
1,dcs,DC2
1,stores,ST1
EOF2
}

@test "groups: an unknown node is a rejected row, the rest imported with --rejects" {
	net
	groups
	refused 'oms-import: -:2: node_id "NOPE" is not a known node (import nodes first)
oms-import: -:3: group_id "a>b" must not hold '"'|'"', '"'>'"' or '"'='"'
oms-import: 2 bad records; nothing imported (use --rejects FILE to import the good ones)' \
	    groups - <<'EOF2'
group_id,node_id
dcs,NOPE
a>b,DC1
stores,DC1
EOF2
	run -0 --separate-stderr oms-import --rejects rejects.csv groups - <<'EOF2'
group_id,node_id
dcs,NOPE
stores,DC1
EOF2
	assert_equal "$stderr" 'oms-import: -:2: node_id "NOPE" is not a known node (import nodes first)
oms-import: groups: 2 records, version 2 made (0 rules, 2 groups), 1 rejected'
	run -0 cat rejects.csv
	assert_output - <<'EOF2'
group_id,node_id,error
dcs,NOPE,"node_id ""NOPE"" is not a known node (import nodes first)"
EOF2
	run -0 oms-report groups
	assert_output - <<'EOF2'
version,group_id,node_id
2,dcs,DC1
2,dcs,DC2
2,stores,DC1
EOF2
}

@test "rules: round trip through oms-report rules, with the groups of the latest version" {
	net
	groups
	run -0 --separate-stderr oms-import rules - <<'EOF2'
rule_id,channel,method,country,region,postal_prefix,sku,item_class,value_min,value_max,priority,tiers,exclude_nodes,exclude_types,max_splits,ship_complete,min_store_value,safety,on_short
vip,web|app,ship|locker,US,NY|NJ,100|101,A|B,bulky,10,500.5,1-2,dcs>stores,DC2,marketplace|locker,2,yes,25,dcs=3|stores=1,hold
amazon,amazon,,,,,,,,,3,,,,,,,,supply
rest,,,,,,,,,,,,,,,,,,
EOF2
	assert_equal "$stderr" "oms-import: rules: 3 records, version 2 made (3 rules, 2 groups), 0 rejected"
	run -0 oms-report rules
	assert_output - <<EOF2
$RULES
2,1,vip,web|app,ship|locker,US,NY|NJ,100|101,A|B,bulky,10.00,500.50,1-2,dcs>stores,DC2,marketplace|locker,2,1,25.00,dcs=3|stores=1,hold
2,2,amazon,amazon,,,,,,,,,3,,,,,0,,,supply
2,3,rest,,,,,,,,,,,,,,,0,,,supply
EOF2
	run -0 oms-report rules --format jsonl
	assert_line --index 1 '{"version":2,"seq":2,"rule_id":"amazon","channel":"amazon","method":"","country":"","region":"","postal_prefix":"","sku":"","item_class":"","value_min":null,"value_max":null,"priority":"3","tiers":"","exclude_nodes":"","exclude_types":"","max_splits":null,"ship_complete":0,"min_store_value":null,"safety":"","on_short":"supply"}'
	# the version holds the groups too
	run -0 oms-report groups
	assert_line --index 1 "2,dcs,DC1"
	# stored as the lead's readers give them
	run -0 sqlite3 "$OMS_DB" "SELECT seq, rule_id, value_min, value_max, priority_min, priority_max, max_splits, ship_complete, min_store_value FROM sourcing_rule WHERE version = 2"
	assert_output - <<'EOF2'
1|vip|1000|50050|1|2|2|1|2500
2|amazon|||3|3||0|
3|rest||||||0|
EOF2
}

@test "rules: the same file makes no version, a change does; a groups import keeps the rules" {
	net
	groups
	printf 'rule_id,tiers\nr1,dcs\nr2,stores\n' > rules.csv
	oms-import -q rules rules.csv
	run -0 --separate-stderr oms-import rules rules.csv
	assert_equal "$stderr" "oms-import: rules: 2 records, version 2 unchanged (2 rules, 2 groups), 0 rejected; nothing changed"
	# the order is the rule set's: r2 before r1 is another set
	printf 'rule_id,tiers\nr2,stores\nr1,dcs\n' > rules.csv
	run -0 --separate-stderr oms-import rules rules.csv
	assert_equal "$stderr" "oms-import: rules: 2 records, version 3 made (2 rules, 2 groups), 0 rejected"
	given groups <<'EOF2'
group_id,node_id
stores,DC2
EOF2
	run -0 oms-report rules
	assert_output - <<EOF2
$RULES
4,1,r2,,,,,,,,,,,stores,,,,0,,,supply
4,2,r1,,,,,,,,,,,dcs,,,,0,,,supply
EOF2
	run -0 oms-report rules --version 2
	assert_line --index 1 "2,1,r1,,,,,,,,,,,dcs,,,,0,,,supply"
	run -0 sqlite3 "$OMS_DB" "SELECT version, (SELECT count(*) FROM sourcing_rule r WHERE r.version = v.version), (SELECT count(*) FROM node_group g WHERE g.version = v.version) FROM rule_version v"
	assert_output - <<'EOF2'
1|0|3
2|2|3
3|2|3
4|2|3
EOF2
}

@test "rules: a header-only file makes a version without rules; the run log has the version" {
	net
	groups
	printf 'rule_id\nr1\n' | given rules
	run -0 --separate-stderr oms-import rules - <<'EOF2'
rule_id
EOF2
	assert_equal "$stderr" "oms-import: rules: 0 records, version 3 made (0 rules, 2 groups), 0 rejected"
	run -0 oms-report rules
	assert_output "$RULES"
	run -0 sqlite3 "$OMS_DB" "SELECT json_extract(counts, '$.rules_version'), json_extract(counts, '$.version_made') FROM run WHERE command = 'oms-import' ORDER BY run_id DESC LIMIT 2"
	assert_output - <<'EOF2'
3|1
2|1
EOF2
	oms-import -q rules - <<'EOF2'
rule_id
EOF2
	run -0 sqlite3 "$OMS_DB" "SELECT json_extract(counts, '$.rules_version'), json_extract(counts, '$.version_made') FROM run ORDER BY run_id DESC LIMIT 1"
	assert_output "3|0"
}

@test "rules: --dry-run writes nothing" {
	net
	groups
	before=$(state)
	run -0 --separate-stderr oms-import --dry-run rules - <<'EOF2'
rule_id,tiers
r1,dcs
EOF2
	assert_equal "$stderr" "oms-import: dry run, nothing written: rules: 1 record, version 2 made (1 rule, 2 groups), 0 rejected"
	assert_equal "$(state)" "$before"
}

@test "rules: any bad row refuses the whole file, whatever --max-rejects says" {
	net
	groups
	printf 'rule_id\nr1\n' | given rules
	before=$(state)
	run -65 --separate-stderr oms-import --rejects rejects.csv --max-rejects 10 rules - <<'EOF2'
rule_id,tiers
r1,dcs
r2,nope
r3,stores
EOF2
	assert_output ""
	assert_equal "$stderr" 'oms-import: -:3: tiers: "nope" is not a known group (import groups first); a rules file is taken whole: nothing imported'
	assert_equal "$(state)" "$before"
	[ ! -e rejects.csv ]
}

@test "rules: each bad value is named by its line and column" {
	net
	groups
	bad_rule 'ok,' channel 'rule_id "ok" is already on line 2'
	bad_rule ',x' channel 'rule_id is empty'
	bad_rule 'r,ship|drone' method 'method must be among ship, pickup, curbside, locker, got "drone"'
	bad_rule 'r,US||CA' country 'country "US||CA" has an empty part'
	bad_rule 'r,5,1' value_min,value_max 'value_min 5.00 is above value_max 1.00'
	bad_rule 'r,-1' value_min 'value_min must be an amount like 12.34 (at most 2 decimals), got "-1"'
	bad_rule 'r,3-1' priority 'priority must be N or N-M with 1 <= N <= M, got "3-1"'
	bad_rule 'r,0' priority 'priority must be N or N-M with 1 <= N <= M, got "0"'
	bad_rule 'r,x' priority 'priority must be N or N-M with 1 <= N <= M, got "x"'
	bad_rule 'r,dcs>' tiers 'tiers "dcs>" has an empty part'
	bad_rule 'r,dcs>nope|stores' tiers 'tiers: "nope" is not a known group (import groups first)'
	bad_rule 'r,DC1|NOPE' exclude_nodes 'exclude_nodes: "NOPE" is not a known node (import nodes first)'
	bad_rule 'r,shop' exclude_types 'exclude_types must be among warehouse, store, dark_store, 3pl, vendor, locker, marketplace, got "shop"'
	bad_rule 'r,-1' max_splits 'max_splits must be a non-negative integer (empty: the run'"'"'s), got "-1"'
	bad_rule 'r,maybe' ship_complete 'ship_complete must be 0 or 1 (or true/false, yes/no), got "maybe"'
	bad_rule 'r,x' min_store_value 'min_store_value must be an amount like 12.34 (at most 2 decimals), got "x"'
	bad_rule 'r,dcs,stores=2' tiers,safety 'safety: group "stores" is not among the rule'"'"'s tiers'
	bad_rule 'r,dcs,dcs' tiers,safety 'safety must be group=units separated by '"'|'"', got "dcs"'
	bad_rule 'r,dcs,dcs=-2' tiers,safety 'safety: units for "dcs" must be a non-negative integer, got "-2"'
	bad_rule 'r,never' on_short 'on_short must be backorder, supply or hold, got "never"'
}

@test "oms-report rules and groups: --version must name a version; only they take it" {
	net
	groups
	run -64 --separate-stderr oms-report rules --version 2
	assert_output ""
	assert_equal "$stderr" "oms-report: no version 2 of the rules and groups (the latest is 1)"
	run -64 --separate-stderr oms-report inventory --version 1
	assert_equal "$stderr" "oms-report: --version N does not apply to inventory"
	run -0 oms-report --version=1 groups --format jsonl
	assert_line --index 0 '{"version":1,"group_id":"dcs","node_id":"DC1"}'
	run -0 oms-report --version
	assert_output "oms-report (oms) 0.1.0"
}
