#!/bin/sh
# Runs every built unit test, every fuzz corpus replay and every
# integration test against the build in $1; prints one line per test
# program and ends with "N passed, N failed".
# Environment: TESTS=pattern runs only the matching test programs.
set -u
build=$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)
srctree=$(cd "$(dirname "$0")/.." && pwd)
export WARDEN_BIN="$build" WARDEN_SRCTREE="$srctree"
# The Makefile exports KCONFIG_CONFIG (its build's .config) to its
# recipes; a test that runs make for a build of its own must not inherit
# it and write another build's configuration.
unset KCONFIG_CONFIG
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
logdir="$build/test-logs"
rm -rf "$logdir"
mkdir -p "$logdir"
pattern="${TESTS:-}"
passed=0
failed=0

selected() {
	[ -z "$pattern" ] && return 0
	case "$1" in *$pattern*) return 0 ;; esac
	return 1
}

# cmocka binaries: count the cases they report.
for t in $(find "$build/tests/unit" -type f -name 'test_*' -perm -u+x 2>/dev/null | sort); do
	name=${t#"$build/"}
	selected "$name" || continue
	log="$logdir/$(echo "$name" | tr / _).log"
	(cd "$srctree" && "$t") >"$log" 2>&1
	rc=$?
	p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
	f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -n 1)
	p=${p:-0}
	f=${f:-0}
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1 # crashed or a sanitizer fired outside a test case
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -eq 0 ]; then
		echo "PASS $name ($p)"
	else
		echo "FAIL $name ($f failed; log: $log)"
		grep -E '^\[  FAILED  \]|ERROR|error:|runtime error|Sanitizer' "$log" | head -n 20 | sed 's/^/    /'
	fi
done

# Fuzz targets: replay each seed corpus under the sanitizers.
for t in $(find "$build/fuzz-replay" -type f -name 'fuzz_*' -perm -u+x 2>/dev/null | sort); do
	base=$(basename "$t")
	name="fuzz/${base#fuzz_}"
	selected "$name" || continue
	corpus="$srctree/tests/fuzz/corpus/${base#fuzz_}"
	log="$logdir/$base.log"
	if [ -d "$corpus" ] && "$t" "$corpus" >"$log" 2>&1; then
		passed=$((passed + 1))
		echo "PASS $name ($(tail -n 1 "$log"))"
	else
		failed=$((failed + 1))
		echo "FAIL $name (log: $log)"
		tail -n 20 "$log" | sed 's/^/    /'
	fi
done

# Integration tests: shell scripts printing "ok ..." / "not ok ..." lines.
for t in $(find "$srctree/tests/integration" -maxdepth 1 -type f -name '*.sh' \
    ! -name 'lib*.sh' 2>/dev/null | sort); do
	name="integration/$(basename "$t" .sh)"
	selected "$name" || continue
	log="$logdir/$(basename "$t" .sh).log"
	(cd "$srctree" && sh "$t") >"$log" 2>&1
	rc=$?
	p=$(grep -c '^ok ' "$log")
	f=$(grep -c '^not ok ' "$log")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -eq 0 ]; then
		echo "PASS $name ($p)"
	else
		echo "FAIL $name ($f failed; log: $log)"
		grep -E '^not ok|^#' "$log" | head -n 30 | sed 's/^/    /'
	fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
