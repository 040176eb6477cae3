#!/bin/sh
# Benchmarks: prints figures, asserts nothing about time.
# usage: run.sh BUILD_DIR
set -u
bin=$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d /tmp/warden-bench-XXXXXX)
SOCK="$T/sock"

"$bin/wardend" -d -H "sim:$T/dev" -S "$T/state" -s "$SOCK" >"$T/log" 2>&1 &
pid=$!
i=0
while [ ! -S "$SOCK" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done

echo "== footprint (idle, simulated device)"
"$bin/wardenctl" -s "$SOCK" scan >/dev/null
sleep 0.3
grep -E '^(VmRSS|VmHWM|Threads)' "/proc/$pid/status" | sed 's/^/  /'
printf '  binary sizes: wardend %s bytes, wardenctl %s bytes (with -g)\n' \
	"$(stat -c %s "$bin/wardend")" "$(stat -c %s "$bin/wardenctl")"

echo "== scan cost: CPU time of hal_facts_read + store, per scan"
n=200
total=0
min=
j=0
while [ $j -lt $n ]; do
	ns=$("$bin/wardenctl" -s "$SOCK" --json scan |
		/usr/bin/python3 -c 'import json,sys; print(int(json.load(sys.stdin)["cpuNanoseconds"]))')
	total=$((total + ns))
	[ -z "$min" ] || [ "$ns" -lt "$min" ] && min=$ns
	j=$((j + 1))
done
echo "  $n scans: mean $((total / n)) ns, min $min ns CPU (facts read on the work-queue thread, CLOCK_THREAD_CPUTIME_ID)"
rss=$(grep VmRSS "/proc/$pid/status" | awk '{print $2}')
echo "  resident after $n scans: ${rss} kB"
kill "$pid"
wait "$pid" 2>/dev/null
rm -rf "$T"

echo "== idle system calls (10 s)"
sh "$here/idle_syscalls.sh" "$bin" 10 | tail -n 1 | sed 's/^/  /'

echo "== posture evaluation and report (no I/O)"
for b in "$bin"/bench/bench_*; do
	[ -x "$b" ] && "$b" | sed 's/^/  /'
done

if [ -x "$bin/wardenmdm" ]; then
	echo "== enrollment against the reference server"
	sh "$here/enroll.sh" "$bin" 5
fi

if [ -x "$bin/wardenfleet" ]; then
	# WARDEN_FLEET_DEVICES: fewer devices for a quick look.
	sh "$here/fleet.sh" "$bin" "${WARDEN_FLEET_DEVICES:-10000}"
fi

if [ -x "$bin/wardenfleet" ] && [ -x "$bin/wardenmdm" ]; then
	sh "$here/console_fleet.sh" "$bin" "${WARDEN_FLEET_DEVICES:-10000}"
fi
