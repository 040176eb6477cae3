#!/bin/sh
# Enrollment latency and the idle managed agent's footprint: the reference
# server mints a token; the clock starts when the QR text is handed to the
# agent and stops when the server holds the device's first compliance
# report. Prints figures; asserts nothing about time.
# usage: enroll.sh BUILD_DIR [ROUNDS]
set -u
bin=$(cd "${1:?usage: enroll.sh BUILD_DIR [ROUNDS]}" && pwd)
rounds=${2:-5}
T=$(mktemp -d /tmp/warden-bench-XXXXXX)
"$bin/wardenmdm" --dir "$T/mdm" serve --listen 127.0.0.1:0 >"$T/mdm.log" 2>&1 &
srv=$!
i=0
while [ ! -s "$T/mdm/server.url" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
"$bin/wardenmdm" --dir "$T/mdm" policy set examples/policies/fully_managed.json >/dev/null

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

total=0
r=1
while [ $r -le "$rounds" ]; do
	d="$T/dev$r"
	"$bin/wardenmdm" --dir "$T/mdm" token new --mode FULLY_MANAGED \
		--json "$d.qr.json" >/dev/null
	"$bin/wardend" -d -H "sim:$d" -S "$d.state" -s "$d.sock" >"$d.log" 2>&1 &
	pid=$!
	i=0
	while [ ! -S "$d.sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	t0=$(now_ms)
	"$bin/wardenctl" -s "$d.sock" provision --qr-text "$d.qr.json" >/dev/null
	id=
	while [ -z "$id" ] || [ "$("$bin/wardenmdm" --dir "$T/mdm" reports "$id" --count 2>/dev/null || echo 0)" -lt 1 ]; do
		id=$("$bin/wardenctl" -s "$d.sock" --json status | /usr/bin/python3 -c \
			'import json,sys; print(json.load(sys.stdin).get("deviceId",""))')
		[ $(($(now_ms) - t0)) -gt 30000 ] && break
		sleep 0.01
	done
	ms=$(($(now_ms) - t0))
	total=$((total + ms))
	echo "  round $r: QR text to first report stored on the server: $ms ms"
	if [ "$r" -eq "$rounds" ]; then
		sleep 2
		echo "  idle MANAGED agent: $(grep VmRSS "/proc/$pid/status" | tr -s ' \t' ' ')," \
			"$(ls /proc/$pid/task | wc -l) threads"
	fi
	kill "$pid"
	wait "$pid" 2>/dev/null
	r=$((r + 1))
done
echo "  mean over $rounds rounds: $((total / rounds)) ms (includes wardenctl and polling the server's CLI every 10 ms)"
kill "$srv"
wait "$srv" 2>/dev/null
rm -rf "$T"
