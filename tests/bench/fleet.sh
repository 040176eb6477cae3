#!/bin/sh
# The reference server at fleet scale: wardenfleet simulates N devices
# (default 10,000) over real mutual TLS against one wardenmdm (SQLite) on
# this machine. Prints, next to the goals of the issue: the time until
# every device is enrolled and its first report stored, the server's
# resident memory with every device's long poll open, the time from
# `policy set` until every device holds the new policy (policy push),
# and the devices lost. Asserts nothing about time.
# usage: fleet.sh BUILD_DIR [DEVICES]
set -u
bin=$(cd "${1:?usage: fleet.sh BUILD_DIR [DEVICES]}" && pwd)
n=${2:-10000}
src=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d /tmp/warden-bench-XXXXXX)
D="$T/mdm"

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# wait_line PATTERN SECONDS: the simulator printed a line matching it.
wait_line() {
	i=0
	while [ $i -lt $(($2 * 10)) ]; do
		grep -q "$1" "$T/fleet.out" 2>/dev/null && return 0
		kill -0 "$sim" 2>/dev/null || return 1
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

"$bin/wardenmdm" --dir "$D" token new --mode FULLY_MANAGED --count "$n" \
	>"$T/tokens" 2>/dev/null
"$bin/wardenmdm" --dir "$D" policy set "$src/examples/policies/fully_managed.json" \
	>/dev/null
"$bin/wardenmdm" --dir "$D" serve --listen 127.0.0.1:0 >"$T/mdm.log" 2>&1 &
srv=$!
i=0
while [ ! -s "$D/server.url" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
url=$(cat "$D/server.url")

"$bin/wardenfleet" --url "$url" --ca "$D/ca.pem" --tokens "$T/tokens" \
	--devices "$n" --wait 55 --duration 900 >"$T/fleet.out" 2>"$T/fleet.err" &
sim=$!
echo "== fleet: $n simulated devices against one wardenmdm (SQLite)"
if wait_line '^reported-all' 600; then
	ms=$(awk '$1 == "reported-all" { print $3 }' "$T/fleet.out")
	keys=$(awk '$1 == "keys" { print $3 }' "$T/fleet.out")
	echo "  enrolled and first report stored: $n devices in $((ms / 1000)).$(((ms % 1000) / 100)) s (goal: 10,000 in <= 60 s; keys made beforehand in $keys ms)"
else
	echo "  enrolled and first report stored: not all within 600 s"
	tail -n 3 "$T/fleet.err" | sed 's/^/  /'
fi
sleep 3
rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$srv/status")
conns=$(ls "/proc/$srv/fd" | wc -l)
echo "  server resident memory with the long polls open: $((rss / 1024)) MB, $conns descriptors (goal: <= 200 MB at 10,000)"

before=$(grep -c '^policy ' "$T/fleet.out")
sed 's/"version": *"[^"]*"/"version": "9001"/' \
	"$src/examples/policies/fully_managed.json" >"$T/push.json"
t0=$(now_ms)
"$bin/wardenmdm" --dir "$D" policy set "$T/push.json" >"$T/push.out"
if wait_line '^policy 9001 ' 120; then
	t1=$(awk '$1 == "policy" && $2 == "9001" { print $4 }' "$T/fleet.out")
	echo "  policy push: $(cat "$T/push.out" | sed 's/.*; //'), all holding it $((t1 - t0)) ms after \`policy set\` (goal: 1,000 idle devices in <= 5 s)"
else
	echo "  policy push: not every device fetched it within 120 s ($before)"
fi

kill -TERM "$sim"
wait "$sim"
grep '^summary' "$T/fleet.out" | sed 's/^summary /  simulator: /'
if [ -s "$T/fleet.err" ]; then
	echo "  simulator's retries, by reason (first and every tenth attempt):"
	sed -n 's/^wardenfleet: device [0-9]*: \(.*\) (attempt .*/\1/p' "$T/fleet.err" |
		sort | uniq -c | sort -rn | head -n 5 | sed 's/^/    /'
fi
lost=$(awk '$1 == "summary" { print $7 }' "$T/fleet.out")
ndev=$("$bin/wardenmdm" --dir "$D" devices | grep -c '^[0-9a-f]\{16\} ')
echo "  devices lost: ${lost:-?} (goal: 0); enrollments held by the server: $ndev for $n devices"
kill -TERM "$srv"
wait "$srv"
rm -rf "$T"
