#!/bin/sh
# Runs libFuzzer targets built by `make fuzz` for a while each and prints
# how many executions each made and whether it found anything.
# usage: tests/fuzz/run.sh [-t SECONDS] [-o BUILD_DIR] [target ...]
#   (default: every target, 60 s each, BUILD_DIR build)
set -u
secs=60
build=build
while getopts t:o: opt; do
	case $opt in
	t) secs=$OPTARG ;;
	o) build=$OPTARG ;;
	*) echo "usage: run.sh [-t SECONDS] [-o BUILD_DIR] [target ...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
src=$(cd "$(dirname "$0")" && pwd)
bin="$build/fuzzbuild/fuzz"
[ -d "$bin" ] || { echo "no fuzz targets in $bin: run make fuzz first" >&2; exit 2; }
targets=${*:-$(ls "$bin" | sed 's/^fuzz_//')}
found=0
for t in $targets; do
	work=$(mktemp -d /tmp/warden-fuzz-XXXXXX)
	cp -r "$src/corpus/$t/." "$work/" 2>/dev/null
	log="$work.log"
	"$bin/fuzz_$t" -max_total_time="$secs" -print_final_stats=1 \
		-artifact_prefix="$work/crash-" "$work" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1)
	if [ $rc -eq 0 ]; then
		echo "fuzz_$t: ${secs}s, ${runs:-?} executions, $cov, no finding"
	else
		found=$((found + 1))
		echo "fuzz_$t: FINDING (exit $rc), log $log, artifacts in $work"
		grep -E 'ERROR|SUMMARY' "$log" | head -n 5
	fi
	[ $rc -eq 0 ] && rm -rf "$work" "$log"
done
[ $found -eq 0 ]
