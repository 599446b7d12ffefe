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
