#!/bin/sh
# The reference server at fleet scale: wardenfleet simulates N devices
# (default 10,000) over real mutual TLS, first against one wardenmdm
# (SQLite), then against two wardenmdm instances on one PostgreSQL, the
# devices spread over both (WARDEN_FLEET_PG=0 leaves that run out). Real
# agents stay in the mix: 200 wardend processes on the simulated device
# (WARDEN_FLEET_AGENTS) are provisioned when the simulator starts, each
# from a QR token of its own, and take the same pushes.
# Prints, next to the goals of the issue: the time until every device is
# enrolled and its first report stored, the servers' resident memory with
# every device's long poll open, the time from `policy set` until every
# device holds the new policy (policy push: a SYNC_POLICY command each;
# with two instances, set through the first, so half the devices get it
# from the instance they are connected to, which did not write it), the
# same for a policy set on a group of 1,000 of them (only the members
# are woken), and the devices lost. Asserts nothing about time.
# usage: fleet.sh BUILD_DIR [DEVICES]
set -u
bin=$(cd "${1:?usage: fleet.sh BUILD_DIR [DEVICES]}" && pwd)
n=${2:-10000}
g=$((n < 1000 ? n : 1000))	# the group pushed a policy of its own
na=${WARDEN_FLEET_AGENTS:-200}	# real agents in the mix
src=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d /tmp/warden-bench-XXXXXX)

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# cpu_ms PID...: the processes' CPU time so far (user + system), in ms.
cpu_ms() {
	for p in "$@"; do
		cat "/proc/$p/stat"
	done | awk -v hz="$(getconf CLK_TCK)" '{ t += $14 + $15 }
		END { printf "%d", t * 1000 / hz }'
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

# serve DIR: starts an instance on a free port; its pid in DIR.pid, its
# URL printed.
serve() {
	"$bin/wardenmdm" --dir "$1" serve --listen 127.0.0.1:0 >"$1.log" 2>&1 &
	echo $! >"$1.pid"
	i=0
	while [ ! -s "$1/server.url" ] && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	cat "$1/server.url"
}

# agents_start URL...: na real agents (wardend on the simulated device),
# each with a token of its own for one of the instances in turn, started
# and waiting for their QR code; the tokens are made before the clock.
agents_start() {
	apids=
	i=1
	while [ "$i" -le "$na" ]; do
		a=$T/agent$i
		u=$1
		shift
		"$bin/wardenmdm" --dir "$D" token new --mode FULLY_MANAGED \
			--server "$u" --json "$a.qr" >/dev/null
		"$bin/wardend" -d -H "sim:$a" -S "$a.state" -s "$a.sock" \
			>"$a.log" 2>&1 &
		apids="$apids $!"
		set -- "$@" "$u"
		i=$((i + 1))
	done
	i=1
	while [ "$i" -le "$na" ]; do
		j=0
		while [ ! -S "$T/agent$i.sock" ] && [ $j -lt 100 ]; do
			sleep 0.05
			j=$((j + 1))
		done
		i=$((i + 1))
	done
}

agents_provision() {
	i=1
	while [ "$i" -le "$na" ]; do
		"$bin/wardenctl" -s "$T/agent$i.sock" provision \
			--qr-text "$T/agent$i.qr" >/dev/null 2>&1 &
		i=$((i + 1))
	done
}

# agents_holding ETAG: how many agents enforce that policy of the server.
agents_holding() {
	[ "$na" -gt 0 ] || { echo 0; return; }
	grep -l "policy from the server in force (ETag \"$1\")" \
		"$T"/agent*.log 2>/dev/null | wc -l
}

# agents_wait ETAG T0 SECONDS: prints the ms from T0 until every agent
# enforces ETAG, or how many do when SECONDS ran out.
agents_wait() {
	i=0
	while [ "$(agents_holding "$1")" -lt "$na" ] && [ $i -lt $(($3 * 10)) ]; do
		sleep 0.1
		i=$((i + 1))
	done
	h=$(agents_holding "$1")
	if [ "$h" -eq "$na" ]; then
		echo "all $na in $(($(now_ms) - $2)) ms"
	else
		echo "only $h of $na within $3 s"
	fi
}

agents_stop() {
	# shellcheck disable=SC2086
	[ -z "$apids" ] || kill -TERM $apids 2>/dev/null
	for p in $apids; do
		wait "$p"
	done
	apids=
}

# run TITLE DIR...: the fleet against the instances in DIR... (the first
# already holds the tokens and the policy; the others its keys), with na
# real agents in the mix.
run() {
	title=$1
	shift
	urls=
	pids=
	for d in "$@"; do
		urls="$urls --url $(serve "$d")"
		pids="$pids $(cat "$d.pid")"
	done
	D=$1
	rm -rf "$T/fleet.out" "$T/fleet.err" "$T"/agent*
	# shellcheck disable=SC2086
	agents_start $(echo "$urls" | sed 's/--url //g')
	t_start=$(now_ms)
	# shellcheck disable=SC2086
	"$bin/wardenfleet" $urls --ca "$D/ca.pem" --tokens "$T/tokens" \
		--devices "$n" --wait 55 --duration 900 --policy-count "$g" \
		>"$T/fleet.out" 2>"$T/fleet.err" &
	sim=$!
	agents_provision
	echo "== fleet: $n simulated devices and $na real agents against $title"
	if wait_line '^reported-all' 600; then
		# shellcheck disable=SC2086
		srv_cpu=$(cpu_ms $pids)
		sim_cpu=$(cpu_ms "$sim")
		ms=$(awk '$1 == "reported-all" { print $3 }' "$T/fleet.out")
		keys=$(awk '$1 == "keys" { print $3 }' "$T/fleet.out")
		echo "  enrolled and first report stored: $n devices in $((ms / 1000)).$(((ms % 1000) / 100)) s (goal: 10,000 in <= 60 s; keys made beforehand in $keys ms)"
		echo "  CPU until then, per simulated device: servers $((srv_cpu * 10 / n / 10)).$((srv_cpu * 10 / n % 10)) ms (their $na real agents' share included), simulator $((sim_cpu * 10 / n / 10)).$((sim_cpu * 10 / n % 10)) ms (its keys included)"
	else
		echo "  enrolled and first report stored: not all within 600 s"
		tail -n 3 "$T/fleet.err" | sed 's/^/  /'
	fi
	policy=$(sed -n 's/.*"version": *"\([^"]*\)".*/\1/p' \
		"$src/examples/policies/fully_managed.json")
	[ "$na" -gt 0 ] && echo "  real agents (wardend on the simulated device) enrolled and enforcing the policy: $(agents_wait "$policy" "$t_start" 120) from the start"
	sleep 3
	rss=0
	conns=0
	for p in $pids; do
		rss=$((rss + $(awk '/^VmRSS/ { print $2 }' "/proc/$p/status")))
		conns=$((conns + $(ls "/proc/$p/fd" | wc -l)))
	done
	echo "  server resident memory with the long polls open: $((rss / 1024)) MB, $conns descriptors (goal: <= 200 MB at 10,000)"

	before=$(grep -c '^policy ' "$T/fleet.out")
	version=$((9000 + $#))
	sed "s/\"version\": *\"[^\"]*\"/\"version\": \"$version\"/" \
		"$src/examples/policies/fully_managed.json" >"$T/push.json"
	t0=$(now_ms)
	"$bin/wardenmdm" --dir "$D" policy set "$T/push.json" >"$T/push.out"
	[ "$na" -gt 0 ] && echo "  policy push to the real agents: $(agents_wait "$version" "$t0" 120) after \`policy set\`"
	if wait_line "^policy $version $n " 120; then
		t1=$(awk -v v="$version" -v n="$n" '$1 == "policy" && $2 == v && $3 == n { print $4; exit }' "$T/fleet.out")
		via=
		[ $# -gt 1 ] && via=" (set through the first instance; $(($n / $#)) devices connected to each)"
		echo "  policy push: $(sed 's/.*; //' "$T/push.out"), all holding it $((t1 - t0)) ms after \`policy set\`$via (goal: 1,000 idle devices in <= 5 s)"
	else
		echo "  policy push: not every device fetched it within 120 s ($before)"
	fi

	# A group of idle simulated devices (the simulator counts them) gets a
	# policy of its own: only its members are woken and fetch it.
	cat "$T"/agent*.log 2>/dev/null |
		sed -n 's/.* as device \([0-9a-f]*\): MANAGED.*/\1/p' >"$T/agent.ids"
	"$bin/wardenmdm" --dir "$D" devices | grep '^[0-9a-f]\{16\} ' |
		cut -d ' ' -f 1 | grep -vxF -f "$T/agent.ids" | head -n "$g" \
		>"$T/members"
	"$bin/wardenmdm" --dir "$D" group add bench >/dev/null
	# shellcheck disable=SC2046
	"$bin/wardenmdm" --dir "$D" group assign bench $(cat "$T/members") \
		>/dev/null
	gversion=$((9100 + $#))
	sed "s/\"version\": *\"[^\"]*\"/\"version\": \"$gversion\"/" \
		"$src/examples/policies/fully_managed.json" >"$T/group.json"
	t0=$(now_ms)
	"$bin/wardenmdm" --dir "$D" policy set "$T/group.json" --group bench \
		>"$T/gpush.out"
	if wait_line "^policy $gversion $g " 120; then
		t1=$(awk -v v="$gversion" '$1 == "policy" && $2 == v { print $4; exit }' "$T/fleet.out")
		echo "  group policy push: $(sed 's/.*; //' "$T/gpush.out"), all $g members holding it $((t1 - t0)) ms after \`policy set --group\` (goal: 1,000 idle devices in <= 5 s)"
	else
		echo "  group policy push: not all $g members fetched it within 120 s"
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
	managed=$(grep -c ': MANAGED' "$T"/agent*.log 2>/dev/null | awk -F: '$2 > 0' | wc -l)
	echo "  devices lost: ${lost:-?} of the simulated (goal: 0), $((na - managed)) of the $na real agents; enrollments held by the server: $ndev for $((n + na)) devices"
	agents_stop
	for p in $pids; do
		kill -TERM "$p"
		wait "$p"
	done
}

# prepare DIR: the CA, N tokens and the default policy in DIR's database.
prepare() {
	"$bin/wardenmdm" --dir "$1" token new --mode FULLY_MANAGED --count "$n" \
		>"$T/tokens" 2>/dev/null
	"$bin/wardenmdm" --dir "$1" policy set \
		"$src/examples/policies/fully_managed.json" >/dev/null
}

unset WARDEN_MDM_DB
prepare "$T/mdm"
run "one wardenmdm (SQLite)" "$T/mdm"

if [ "${WARDEN_FLEET_PG:-1}" != 0 ]; then
	. "$src/tests/integration/lib_pg.sh"
	if pg_start >"$T/pg.log" 2>&1; then
		export WARDEN_MDM_DB="$PG_URL"
		prepare "$T/a"
		mkdir -m 0700 "$T/b"
		(cd "$T/a" && cp seal.key ca.key ca.pem server.key server.pem \
			command.key "$T/b/")
		run "two wardenmdm instances on one PostgreSQL" "$T/a" "$T/b"
		pg_stop
	else
		echo "== fleet on PostgreSQL: no PostgreSQL server"
		sed 's/^/  /' "$T/pg.log"
	fi
fi
rm -rf "$T"
