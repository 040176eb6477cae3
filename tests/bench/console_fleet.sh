#!/bin/sh
# The admin console's fleet page with a large fleet: wardenfleet enrolls
# N simulated devices (default 10,000; a fifth of them reporting
# non-compliance) against one wardenmdm, then Debian's chromium (headless,
# through playwright-core from tests/browser/) opens the fleet page and
# filters it. Prints the JSON API's time for the fleet (curl), the page's
# time to its data on screen, the browser's first contentful paint, and
# the time of a filter. Asserts nothing about time.
# usage: console_fleet.sh BUILD_DIR [DEVICES]
set -u
bin=$(cd "${1:?usage: console_fleet.sh BUILD_DIR [DEVICES]}" && pwd)
n=${2:-10000}
runs=${WARDEN_CONSOLE_RUNS:-5}
src=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d /tmp/warden-bench-XXXXXX)
D="$T/mdm"

echo "== console: the fleet page with $n simulated devices"
if ! command -v chromium >/dev/null 2>&1 ||
    ! sh "$src/tests/browser/install.sh" 2>"$T/npm.log"; then
	echo "  skipped: chromium or playwright-core missing $(cat "$T/npm.log")"
	rm -rf "$T"
	exit 0
fi
"$bin/wardenmdm" --dir "$D" token new --mode FULLY_MANAGED --count "$n" \
	>"$T/tokens" 2>/dev/null
"$bin/wardenmdm" --dir "$D" serve --listen 127.0.0.1:0 \
	--console-dir "$src/tools/mdm/console" >"$T/mdm.log" 2>&1 &
srv=$!
i=0
while [ ! -s "$D/server.url" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
url=$(cat "$D/server.url")
"$bin/wardenfleet" --url "$url" --ca "$D/ca.pem" --tokens "$T/tokens" \
	--devices "$n" --wait 55 --duration 1800 --non-compliant 20 \
	>"$T/fleet.out" 2>"$T/fleet.err" &
sim=$!
i=0
while ! grep -q '^reported-all' "$T/fleet.out" && [ $i -lt 6000 ] &&
    kill -0 "$sim" 2>/dev/null; do
	sleep 0.1
	i=$((i + 1))
done
grep '^reported-all' "$T/fleet.out" | awk '{ printf "  fleet enrolled and reported in %.1f s\n", $3 / 1000 }'

link=$("$bin/wardenmdm" --dir "$D" admin login-url)
cookie=$(curl -sS --cacert "$D/ca.pem" -D - -o /dev/null "$link" |
	sed -n 's/^Set-Cookie: wardenmdm_session=\([^;]*\);.*/\1/p')
for q in '' '?verdict=noncompliant'; do
	t=$(curl -sS --cacert "$D/ca.pem" -o "$T/fleet.json" -w '%{time_total}' \
		-H "Cookie: wardenmdm_session=$cookie" "$url/console/api/fleet$q")
	echo "  GET /console/api/fleet$q: $(echo "$t" | awk '{ printf "%.0f", $1 * 1000 }') ms, $(wc -c <"$T/fleet.json") bytes"
done
links=
j=0
while [ $j -lt "$runs" ]; do
	links="$links$("$bin/wardenmdm" --dir "$D" admin login-url)
"
	j=$((j + 1))
done
LINKS="$links" node "$src/tests/browser/fleet_bench.js"
rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$srv/status")
echo "  server resident memory: $((rss / 1024)) MB"
kill -TERM "$sim" "$srv"
wait "$sim" "$srv" 2>/dev/null
rm -rf "$T"
