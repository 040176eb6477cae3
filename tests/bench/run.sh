#!/bin/sh
# `make bench`: one table, metric | figure | goal | verdict, one row per
# line of the footprint budget (docs/footprint.md). Speeds are ratios
# measured side by side in this run; memory comes from
# /proc/PID/smaps_rollup. Prints figures and says whether each meets its
# goal; it never fails on time.
#
# usage: run.sh DEMO_BUILD HANDHELD_BUILD MINIMAL_BUILD
#   DEMO_BUILD      demo_defconfig: the simulated device, wardenmdm
#   HANDHELD_BUILD  handheld_defconfig: the product (Linux HAL)
#   MINIMAL_BUILD   minimal_defconfig
# WARDEN_BENCH_ALL=1 also runs the older detailed benchmarks after the
# table (posture evaluation, enrollment, the fleet simulator, the admin
# console's fleet page in chromium).
set -u
demo=$(cd "${1:?usage: run.sh DEMO HANDHELD MINIMAL}" && pwd)
hand=$(cd "${2:?usage: run.sh DEMO HANDHELD MINIMAL}" && pwd)
mini=$(cd "${3:?usage: run.sh DEMO HANDHELD MINIMAL}" && pwd)
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
T=$(mktemp -d /tmp/warden-bench-XXXXXX)
ROWS="$T/rows"
: >"$ROWS"
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; rm -rf "$T"' EXIT

# row METRIC FIGURE GOAL MET(yes|no|-)
row() {
	printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >>"$ROWS"
}
le() { [ "$1" -le "$2" ] && echo yes || echo no; }
ge() { [ "$1" -ge "$2" ] && echo yes || echo no; }
now_ns() { date +%s%N; }

# start NAME BINDIR HAL [wardend args...]: a wardend in $T/NAME; sets PID.
start() {
	n=$1 b=$2 h=$3
	shift 3
	"$b/wardend" -d -H "$h" -S "$T/$n.state" -s "$T/$n.sock" "$@" \
		>"$T/$n.log" 2>&1 &
	PID=$!
	PIDS="$PIDS $PID"
	i=0
	while [ ! -S "$T/$n.sock" ] && [ $i -lt 200 ]; do sleep 0.02; i=$((i + 1)); done
}
stop() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
}
# smaps PID: "RSS PSS PRIVATE" in kB.
smaps() {
	awk '/^Rss:/ {r = $2} /^Pss:/ {p = $2}
		/^Private_(Clean|Dirty):/ {v += $2} END {print r, p, v}' \
		"/proc/$1/smaps_rollup"
}
child_of() {
	cat /proc/"$1"/task/*/children 2>/dev/null | tr ' ' '\n' | grep . | head -n 1
}
median() {
	sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'
}
json_field() {
	/usr/bin/python3 -c "import json,sys; print(json.load(sys.stdin).get('$1', ''))"
}

# ------------------------------------------------------------------
# Memory: the handheld build enrolled (MANAGED) on a copy of the
# handheld fixture, the minimal build idle on a simulated device.
# ------------------------------------------------------------------
"$demo/wardenmdm" --dir "$T/mdm" serve --listen 127.0.0.1:0 \
	--poll-timeout 2 >"$T/mdm.log" 2>&1 &
srv=$!
PIDS="$PIDS $srv"
i=0
while [ ! -s "$T/mdm/server.url" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
"$demo/wardenmdm" --dir "$T/mdm" policy set \
	"$src/examples/policies/fully_managed.json" >/dev/null

# enroll NAME BINDIR: provisions that agent with a fresh token and waits
# until the server holds its first report.
enroll() {
	"$demo/wardenmdm" --dir "$T/mdm" token new --mode FULLY_MANAGED \
		--json "$T/$1.qr" >/dev/null
	"$2/wardenctl" -s "$T/$1.sock" provision --qr-text "$T/$1.qr" >/dev/null 2>&1
	i=0
	while [ $i -lt 300 ]; do
		id=$("$2/wardenctl" -s "$T/$1.sock" --json status | json_field deviceId)
		[ -n "$id" ] && [ "$("$demo/wardenmdm" --dir "$T/mdm" reports "$id" \
			--count 2>/dev/null || echo 0)" -ge 1 ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

cp -a "$src/tests/fixtures/rootfs-handheld" "$T/root"
start hh "$hand" "linux:$T/root"
hh=$PID
if enroll hh "$hand"; then
	sleep 3
	set -- $(smaps "$hh")
	row "idle RSS, handheld, MANAGED: parent" \
		"RSS $1 kB (PSS $2, private $3)" "RSS <= 4096 kB" "$(le "$1" 4096)"
	net=$(child_of "$hh")
	if [ -n "$net" ]; then
		set -- $(smaps "$net")
		row "idle RSS, handheld, MANAGED: network process" \
			"RSS $1 kB (PSS $2, private $3)" "RSS <= 4096 kB" "$(le "$1" 4096)"
	fi
else
	row "idle RSS, handheld, MANAGED" "enrollment failed ($T/hh.log)" \
		"RSS <= 4096 kB" no
fi
stop "$hh"
libs=$(ldd "$hand/wardend" | grep -c '=>')
bad=$(ldd "$hand/wardend" | grep -o -E 'lib(X11|xcb|dbus)[^ ]*' | sort -u | tr '\n' ' ')
row "shared libraries of wardend, handheld" "$libs; X11/xcb/dbus: ${bad:-none}" \
	"no X11, xcb, dbus" "$([ -z "$bad" ] && echo yes || echo no)"

# The same build registered over LwM2M (DTLS, PSK) with coap-rd-gnutls:
# RSS of both processes and the TLS libraries each maps.
sh "$here/lwm2m_rss.sh" "$hand" | while IFS='	' read -r m fig; do
	rss=$(printf '%s' "$fig" | sed -n 's/^RSS \([0-9]*\) kB.*/\1/p')
	row "$m" "$fig" "RSS <= 4096 kB" "$([ -n "$rss" ] && le "$rss" 4096 ||
	    echo -)"
done

start mini "$mini" "sim:$T/mini.dev"
"$mini/wardenctl" -s "$T/mini.sock" scan >/dev/null
sleep 0.5
set -- $(smaps "$PID")
row "idle RSS, minimal" "RSS $1 kB (PSS $2, private $3)" "RSS <= 3072 kB" \
	"$(le "$1" 3072)"
stop "$PID"

for b in "$hand:handheld:409600" "$mini:minimal:409600"; do
	d=${b%%:*}
	rest=${b#*:}
	strip -o "$T/wardend.stripped" "$d/wardend"
	sz=$(stat -c %s "$T/wardend.stripped")
	row "stripped wardend, ${rest%%:*}" "$((sz / 1024)) KB" \
		"<= $((${rest#*:} / 1024)) KB" "$(le "$sz" "${rest#*:}")"
done

# ------------------------------------------------------------------
# A full Linux-HAL scan of this machine: the handheld build on the real
# root (it only reads: no policy, not enrolled) beside the same checks
# as a bash script (scan_facts.sh).
# ------------------------------------------------------------------
start scan "$hand" "linux:/"
sp=$PID
n=40
j=0
while [ $j -lt $n ]; do
	"$hand/wardenctl" -s "$T/scan.sock" --json scan | json_field cpuNanoseconds
	j=$((j + 1))
done >"$T/scan.cpu"
cpu_ns=$(median <"$T/scan.cpu")
# Forks while scanning: processes the daemon creates (threads are made
# at start, so any clone here is a child process).
strace -f -qq -e trace=fork,vfork,clone,clone3 -p "$sp" -o "$T/scan.strace" &
st=$!
sleep 0.5
for j in 1 2 3 4 5; do "$hand/wardenctl" -s "$T/scan.sock" scan >/dev/null; done
sleep 0.2
kill "$st"
wait "$st" 2>/dev/null
forks=$(grep -E 'fork|clone' "$T/scan.strace" | grep -v CLONE_THREAD | grep -c -v -e resumed -e exited)
forks=$((forks / 5))
# bash's `time` counts the script's children (the programs it runs).
bash -c 'TIMEFORMAT="%3U %3S %3R"
	for j in 1 2 3 4 5 6 7 8 9 10; do
		{ time bash "$1" >/dev/null 2>&1; } 2>&1 | tail -n 1
	done' bench "$here/scan_facts.sh" >"$T/bash.times"
bash_cpu_us=$(awk '{print int(($1 + $2) * 1000000)}' "$T/bash.times" | median)
bash_wall_us=$(awk '{print int($3 * 1000000)}' "$T/bash.times" | median)
ratio=$((bash_cpu_us * 1000 / (cpu_ns > 0 ? cpu_ns : 1)))
row "daemon CPU per full Linux-HAL scan (median of $n)" \
	"$((cpu_ns / 1000)) us, $forks fork(s) per scan" "<= 800 us, no fork" \
	"$([ "$cpu_ns" -le 800000 ] && [ "$forks" -eq 0 ] && echo yes || echo no)"
row "bash script CPU / daemon scan CPU" \
	"$ratio x ($((bash_cpu_us / 1000)) ms CPU for the script)" ">= 50 x" \
	"$(ge "$ratio" 50)"
t0=$(now_ns)
for j in 1 2 3 4 5 6 7 8 9 10; do "$hand/wardenctl" -s "$T/scan.sock" scan >/dev/null; done
ctl_wall_us=$((($(now_ns) - t0) / 10000))
ratio=$((bash_wall_us * 10 / (ctl_wall_us > 0 ? ctl_wall_us : 1)))
row "wardenctl scan wall vs the bash script" \
	"$((ratio / 10)).$((ratio % 10)) x faster ($((ctl_wall_us / 1000)) ms vs $((bash_wall_us / 1000)) ms)" \
	">= 10 x" "$(ge "$ratio" 100)"
stop "$sp"

# ------------------------------------------------------------------
# An 8-setting policy on the simulated device: wall time of `wardenctl
# policy apply` (it answers when every setting is enforced), then the
# fsyncs of the same apply on a second device under strace.
# ------------------------------------------------------------------
cat >"$T/policy8.json" <<'JSON'
{
  "name": "enterprises/acme/policies/bench8",
  "version": "1",
  "passwordPolicies": [
    { "passwordScope": "SCOPE_DEVICE", "passwordQuality": "NUMERIC_COMPLEX",
      "passwordMinimumLength": 6 }
  ],
  "maximumTimeToLock": "300000",
  "cameraAccess": "CAMERA_ACCESS_DISABLED",
  "keyguardDisabledFeatures": [ "CAMERA" ],
  "screenCaptureDisabled": true,
  "usbDataAccess": "DISALLOW_USB_DATA_TRANSFER",
  "factoryResetDisabled": true,
  "openNetworkConfiguration": {
    "Type": "UnencryptedConfiguration",
    "NetworkConfigurations": [
      { "GUID": "depot", "Name": "Depot", "Type": "WiFi",
        "WiFi": { "SSID": "Depot", "Security": "None" } }
    ]
  }
}
JSON
# Five fresh devices; the median wall time.
for j in 1 2 3 4 5; do
	start "pol$j" "$demo" "sim:$T/pol$j.dev"
	"$demo/wardenctl" -s "$T/pol$j.sock" scan >/dev/null
	sleep 0.3
	before=$(grep -c ': scan [0-9]*:' "$T/pol$j.log")
	t0=$(now_ns)
	"$demo/wardenctl" -s "$T/pol$j.sock" --json policy apply "$T/policy8.json" \
		>"$T/pol.out" 2>&1
	echo $((($(now_ns) - t0) / 1000000)) >>"$T/pol.ms"
	sleep 1.5
	after=$(grep -c ': scan [0-9]*:' "$T/pol$j.log")
	stop "$PID"
done
ms=$(median <"$T/pol.ms")
nset=$(/usr/bin/python3 -c 'import json,sys; print(len(json.load(sys.stdin)["settings"]))' <"$T/pol.out" 2>/dev/null || echo '?')
start polst "$demo" "sim:$T/polst.dev"
"$demo/wardenctl" -s "$T/polst.sock" scan >/dev/null
# Up to the answer (written when every setting is enforced): the syncs
# of the store, and apart from them those of the simulated device's own
# state file (a HAL's writes, not the journal's).
strace -f -qq -y -s 300 -e trace=fsync,fdatasync,write,sendmsg,sendto \
	-p "$PID" -o "$T/pol.strace" &
st=$!
sleep 0.5
"$demo/wardenctl" -s "$T/polst.sock" policy apply "$T/policy8.json" >/dev/null 2>&1
sleep 0.3
kill "$st"
wait "$st" 2>/dev/null
stop "$PID"
awk '/"settings"/ {exit} {print}' "$T/pol.strace" >"$T/pol.before"
syncs=$(grep -E '(fsync|fdatasync)\(' "$T/pol.before" | grep -c 'warden\.db')
halsyncs=$(grep -E '(fsync|fdatasync)\(' "$T/pol.before" | grep -c -v 'warden\.db')
row "8-setting policy, arrival to all enforced ($nset settings)" \
	"$ms ms (median of 5), $syncs store fsyncs (+ $halsyncs by the simulated device)" \
	"<= 20 ms, <= 6 fsyncs" \
	"$([ "$ms" -le 20 ] && [ "$syncs" -le 6 ] && echo yes || echo no)"
self=$((after - before - 1))
row "scans after enforcement not asked for" \
	"$self (the engine asks for 1; $((after - before)) seen in 1.5 s)" "0" \
	"$(le "$self" 0)"

# ------------------------------------------------------------------
# Idle MANAGED: the demo build enrolled with a server that asks for
# 2 s long polls; 10 s under strace.
# ------------------------------------------------------------------
start idle "$demo" "sim:$T/idle.dev"
ip=$PID
if enroll idle "$demo"; then
	sleep 3
	strace -f -qq -y -p "$ip" -o "$T/idle.strace" &
	st=$!
	sleep 10
	kill "$st"
	wait "$st" 2>/dev/null
	store=$(grep -c 'warden\.db' "$T/idle.strace")
	wake=$(grep -c -E 'epoll_wait\(.*= [1-9]' "$T/idle.strace")
	row "idle MANAGED, 2 s server-chosen long poll, 10 s traced" \
		"$wake wake-ups, $store store system calls" \
		"<= 1 wake-up per poll, 0 store calls on an empty answer" \
		"$([ "$store" -eq 0 ] && [ "$wake" -le 10 ] && echo yes || echo no)"
else
	row "idle MANAGED" "enrollment failed ($T/idle.log)" "-" no
fi
stop "$ip"

# Standalone (not enrolled): no system call at all while idle.
idle=$(sh "$here/idle_syscalls.sh" "$demo" 10 2>/dev/null | tail -n 1 |
	sed -n 's/.*idle: \([0-9]*\).*/\1/p')
row "idle standalone, 10 s traced" "${idle:-?} system calls" "0" \
	"$([ "${idle:-1}" = 0 ] && echo yes || echo no)"

# ------------------------------------------------------------------
# The store: after many scans, and at start.
# ------------------------------------------------------------------
start st "$demo" "sim:$T/st.dev"
sp=$PID
j=0
while [ $j -lt 1000 ]; do
	"$demo/wardenctl" -s "$T/st.sock" scan >/dev/null
	j=$((j + 1))
done
rows=$(sqlite3 "$T/st.state/warden.db" 'SELECT count(*) FROM scans' 2>/dev/null)
wal=$(stat -c %s "$T/st.state/warden.db-wal" 2>/dev/null || echo 0)
row "scans table after 1000 scans" "$rows rows" "bounded" \
	"$([ "$rows" -lt 1000 ] && echo yes || echo no)"
row "WAL after 1000 scans" "$((wal / 1024)) KB" "<= 1024 KB" "$(le "$wal" 1048576)"
stop "$sp"
# A backlog: 10,000 events of 1 KB written into the stopped agent's
# database, then a start: the time to the control socket and the size
# the file keeps once the agent has pruned them.
sqlite3 "$T/st.state/warden.db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL
	SELECT i + 1 FROM n WHERE i < 10000) INSERT INTO events (at, kind,
	detail) SELECT strftime('%s','now') - 864000, 'bench',
	hex(randomblob(512)) FROM n" 2>/dev/null
big=$(stat -c %s "$T/st.state/warden.db")
start st "$demo" "sim:$T/st.dev" -v
# The store's open (the part that grows with the file; the daemon logs
# it with -v), and the whole start: from the log's first line to the
# control socket's (both stamped in ms; it includes starting the network
# process).
open_us=$(sed -n 's/.*store: open in \([0-9]*\) us.*/\1/p' "$T/st.log" | head -n 1)
start_ms=$(awk '{split($1, t, "[:.]"); ms = ((t[1] * 60 + t[2]) * 60 + t[3]) * 1000 + t[4]}
	NR == 1 {s = ms} /control socket/ {print ms - s; exit}' "$T/st.log")
sleep 2
"$demo/wardenctl" -s "$T/st.sock" scan >/dev/null
sleep 0.5
stop "$PID"
after=$(stat -c %s "$T/st.state/warden.db")
free=$(sqlite3 "$T/st.state/warden.db" 'PRAGMA freelist_count' 2>/dev/null)
pages=$(sqlite3 "$T/st.state/warden.db" 'PRAGMA page_count' 2>/dev/null)
row "start, clean stop, $((big / 1048576)) MB store" \
	"store open $((${open_us:-0} / 1000)).$(((${open_us:-0} % 1000) / 100)) ms; $start_ms ms to the control socket" \
	"<= 10 ms" "$(le "${open_us:-99999}" 10000)"
row "store after a 10k-row backlog is pruned" \
	"$((after / 1024)) KB, $((free * 100 / (pages > 0 ? pages : 1))) % free" \
	"space returned" "$([ "$after" -lt $((big / 4)) ] && echo yes || echo no)"

# ------------------------------------------------------------------
# The table.
# ------------------------------------------------------------------
echo "warden footprint budget ($(uname -m), $(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ))"
/usr/bin/python3 - "$ROWS" <<'PY'
import sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
head = ["metric", "figure", "goal", "met"]
w = [max(len(r[i]) for r in rows + [head]) for i in range(4)]
line = lambda r: "| " + " | ".join(c.ljust(w[i]) for i, c in enumerate(r)) + " |"
print(line(head))
print("|" + "|".join("-" * (x + 2) for x in w) + "|")
for r in rows:
    print(line(r))
PY

if [ "${WARDEN_BENCH_ALL:-0}" = 1 ]; then
	echo "== the micro-benchmarks: posture evaluation, SenML, the P-256 table (no I/O)"
	for b in "$demo"/bench/bench_*; do
		[ -x "$b" ] && "$b" | sed 's/^/  /'
	done
	echo "== enrollment against the reference server"
	sh "$here/enroll.sh" "$demo" 5
	sh "$here/fleet.sh" "$demo" "${WARDEN_FLEET_DEVICES:-10000}"
	echo "== the admin console's fleet page in chromium"
	sh "$here/console_fleet.sh" "$demo" "${WARDEN_FLEET_DEVICES:-10000}"
fi
