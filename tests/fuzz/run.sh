#!/bin/sh
# Run the fuzz targets built in build-fuzz/fuzz (make fuzz).
#
#   run.sh TARGET...          each over its corpus once (CI): fails on a crash
#   run.sh -t SECS TARGET...  each for SECS seconds, one process, new inputs
#                             into build-fuzz/corpus/TARGET, crashes into
#                             build-fuzz/crashes/; a line of stats per target
#                             is appended to build-fuzz/fuzz-stats
#   run.sh -m TARGET...       minimise: merge build-fuzz/corpus/TARGET into
#                             tests/fuzz/corpus/TARGET, keeping only inputs
#                             that add coverage
#
# The targets' own diagnostics are hidden (-close_fd_mask=2); libFuzzer's
# and the sanitizers' reports are not.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
bin=$top/build-fuzz/fuzz
mode=once secs=0
case ${1:-} in
-t) mode=time secs=$2; shift 2 ;;
-m) mode=merge; shift ;;
esac
status=0
for t in "$@"; do
	corpus=$here/corpus/$t
	mkdir -p "$corpus"
	case $mode in
	once)
		if "$bin/$t" -runs=0 -close_fd_mask=2 -rss_limit_mb=2048 -timeout=20 \
		    "$corpus" > "$top/build-fuzz/$t.log" 2>&1; then
			echo "fuzz $t: $(ls "$corpus" | wc -l) inputs, ok"
		else
			echo "fuzz $t: FAILED" >&2
			tail -n 60 "$top/build-fuzz/$t.log" >&2
			status=1
		fi
		;;
	time)
		new=$top/build-fuzz/corpus/$t
		mkdir -p "$new" "$top/build-fuzz/crashes"
		start=$(date +%s)
		"$bin/$t" -max_total_time="$secs" -close_fd_mask=2 -rss_limit_mb=2048 \
		    -timeout=20 -max_len=8192 -print_final_stats=1 \
		    -artifact_prefix="$top/build-fuzz/crashes/$t-" "$new" "$corpus" \
		    > "$top/build-fuzz/$t.log" 2>&1 || status=1
		end=$(date +%s)
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$top/build-fuzz/$t.log")
		cov=$(grep -o 'cov: [0-9]*' "$top/build-fuzz/$t.log" | tail -n 1)
		line="$t: ${runs:-?} executions in $((end - start)) s, $cov"
		grep -q 'ERROR: \|SUMMARY: ' "$top/build-fuzz/$t.log" &&
		    line="$line, CRASH (see build-fuzz/$t.log)"
		echo "$line" | tee -a "$top/build-fuzz/fuzz-stats"
		;;
	merge)
		new=$top/build-fuzz/corpus/$t
		tmp=$top/build-fuzz/merge-$t
		rm -rf "$tmp"
		mkdir -p "$tmp" "$new"
		"$bin/$t" -merge=1 -close_fd_mask=2 -rss_limit_mb=2048 -timeout=20 \
		    "$tmp" "$corpus" "$new" > "$top/build-fuzz/$t.merge.log" 2>&1 || status=1
		rm -rf "$corpus" && mv "$tmp" "$corpus"
		echo "fuzz $t: corpus of $(ls "$corpus" | wc -l) inputs"
		;;
	esac
done
exit $status
