#!/bin/sh
# Two wardenmdm instances on one PostgreSQL serve one fleet: they share
# the CA (DIR's keys copied) and the database. A device long-polling on
# instance A is answered at once when a command or a policy is written
# through instance B (LISTEN/NOTIFY: A does not watch B's directory); a
# token spent on A is refused on B with another key and answered again
# with the same one; the same token raced on both enrolls one device; the
# same idempotency keys sent to both are stored once, and a command result
# posted to both is kept once. A simulated fleet spread over both takes a
# policy set through A at once. When PostgreSQL restarts, the instances
# connect again and LISTEN again.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_pg.sh"
MDM="$WARDEN_BIN/wardenmdm"
PY=/usr/bin/python3
A="$T/a"
B="$T/b"
PID_A=
PID_B=
H='Content-Type: application/json'

# serve DIR LOG: starts an instance on a free port; prints its URL.
serve() {
	rm -f "$1/server.url"
	"$MDM" --dir "$1" serve --listen 127.0.0.1:0 >>"$2" 2>&1 &
	echo $! >"$1.pid"
	i=0
	while [ ! -s "$1/server.url" ] && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	cat "$1/server.url" 2>/dev/null
}

stop_all() {
	for p in "$A.pid" "$B.pid"; do
		[ -f "$p" ] && kill -TERM "$(cat "$p")" 2>/dev/null
		[ -f "$p" ] && wait "$(cat "$p")" 2>/dev/null
		rm -f "$p"
	done
}

csr() { # NAME: $T/NAME.key and $T/NAME.csr
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$T/$1.key" -subj "/CN=$1" -out "$T/$1.csr" 2>/dev/null
}

body() { # TOKEN CSR_FILE: an enrollment request
	$PY -c '
import json, sys
print(json.dumps({"enrollmentToken": sys.argv[1],
    "csr": open(sys.argv[2]).read(),
    "device": {"hardwareInfo": {"model": "test"},
               "managementMode": "DEVICE_OWNER"}}))' "$1" "$2"
}

# enroll URL TOKEN NAME OUT: posts NAME's CSR with TOKEN; the answer in
# OUT; prints the status.
enroll() {
	body "$2" "$T/$3.csr" >"$T/$3.req"
	curl -sS --cacert "$A/ca.pem" -H "$H" --data-binary @"$T/$3.req" \
		-o "$4" -w '%{http_code}' "$1/v1/enroll"
}

# as NAME ARGS...: curl as device NAME ($T/NAME.pem, $T/NAME.key).
as() {
	n=$1
	shift
	curl -sS --cacert "$A/ca.pem" --cert "$T/$n.pem" --key "$T/$n.key" "$@"
}

for c in psql openssl curl; do
	command -v $c >/dev/null || { not_ok "$c is available"; finish; exit 1; }
done
if [ ! -x "$MDM" ]; then
	not_ok "wardenmdm is built" "$MDM missing"
	finish
	exit 1
fi
if ! pg_start >"$T/pg.log" 2>&1; then
	not_ok "a PostgreSQL server starts" "$(cat "$T/pg.log")"
	finish
	exit 1
fi
export WARDEN_MDM_DB="$PG_URL"

URL_A=$(serve "$A" "$T/a.log")
mkdir -m 0700 "$B"
(cd "$A" && cp seal.key ca.key ca.pem server.key server.pem command.key "$B/")
URL_B=$(serve "$B" "$T/b.log")
[ -n "$URL_A" ] && [ -n "$URL_B" ] && [ "$URL_A" != "$URL_B" ] &&
	ok "two instances on one database ($URL_A, $URL_B)" ||
	{ not_ok "two instances" "$(cat "$T/a.log" "$T/b.log")"; stop_all; finish; exit 1; }

# --- a token spent on A ---------------------------------------------------------
tok=$("$MDM" --dir "$B" token new --mode FULLY_MANAGED | head -n 1)
csr dev
code=$(enroll "$URL_A" "$tok" dev "$T/enr_a.json")
ID=$(json_get deviceId <"$T/enr_a.json" 2>/dev/null)
[ "$code" = 201 ] && [ -n "$ID" ] &&
	ok "a token minted through B enrolls on A" ||
	not_ok "enroll on A" "$code $(cat "$T/enr_a.json")"
json_get certificate <"$T/enr_a.json" >"$T/dev.pem"
csr thief
code=$(enroll "$URL_B" "$tok" thief "$T/enr_thief.json")
[ "$code" = 403 ] && grep -q 'already used' "$T/enr_thief.json" &&
	ok "the token spent on A is refused on B with another key" ||
	not_ok "spent token on B" "$code $(cat "$T/enr_thief.json")"
code=$(enroll "$URL_B" "$tok" dev "$T/enr_b.json")
[ "$code" = 200 ] && [ "$(json_get deviceId <"$T/enr_b.json")" = "$ID" ] &&
	[ "$(json_get certificate <"$T/enr_b.json")" = "$(cat "$T/dev.pem")" ] &&
	ok "... and answered on B with A's enrollment for the same key" ||
	not_ok "enrollment replay on B" "$code $(cat "$T/enr_b.json")"

# One token, two keys, both instances at once: one device.
tok=$("$MDM" --dir "$A" token new --mode FULLY_MANAGED | head -n 1)
csr r1
csr r2
enroll "$URL_A" "$tok" r1 "$T/r1.json" >"$T/r1.code" &
p1=$!
enroll "$URL_B" "$tok" r2 "$T/r2.json" >"$T/r2.code" &
p2=$!
wait $p1 $p2
codes=$(printf '%s\n%s\n' "$(cat "$T/r1.code")" "$(cat "$T/r2.code")" |
	sort | tr '\n' ' ')
n=$(pg_sql "SELECT count(*) FROM devices")
[ "$codes" = "201 403 " ] && [ "$n" = 2 ] &&
	ok "one token raced on A and B: one 201, one 403, one device" ||
	not_ok "token race" "$codes; $n devices"

# --- a command through B reaches the long poll on A ------------------------------
as dev -o "$T/poll.json" "$URL_A/v1/devices/$ID/commands?waitSeconds=30" &
poll=$!
sleep 1
t0=$(date +%s%N)
CMD=$("$MDM" --dir "$B" command "$ID" LOCK)
wait $poll
ms=$((($(date +%s%N) - t0) / 1000000))
echo "# command queued through B, delivered on A in $ms ms"
[ -n "$CMD" ] && [ "$(json_get commands/0/id <"$T/poll.json")" = "$CMD" ] &&
	[ "$ms" -lt 5000 ] &&
	ok "a command queued through B wakes the long poll on A ($ms ms)" ||
	not_ok "command across instances" "$ms ms $(cat "$T/poll.json")"

# A policy set through B: A's long poll gets SYNC_POLICY.
as dev -o "$T/push.json" "$URL_A/v1/devices/$ID/commands?waitSeconds=30" &
poll=$!
sleep 1
t0=$(date +%s%N)
"$MDM" --dir "$B" policy set examples/policies/fully_managed.json \
	>"$T/push.out" 2>&1
wait $poll
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$(json_get commands/0/type <"$T/push.json")" = SYNC_POLICY ] &&
	[ "$ms" -lt 5000 ] &&
	ok "a policy set through B wakes the long poll on A ($ms ms)" ||
	not_ok "policy push across instances" "$ms ms $(cat "$T/push.json")"
SYNC=$(json_get commands/0/id <"$T/push.json")

# --- exactly once across instances -----------------------------------------------
printf '{"reports": [{"idempotencyKey": "k-1", "kind": "event", "payload": {}}, {"idempotencyKey": "k-2", "kind": "report", "payload": {"policyCompliant": true}}]}' \
	>"$T/reports.json"
as dev -H "$H" --data-binary @"$T/reports.json" -o "$T/ra.json" \
	-w '%{http_code}' "$URL_A/v1/devices/$ID/reports" >"$T/ra.code" &
p1=$!
as dev -H "$H" --data-binary @"$T/reports.json" -o "$T/rb.json" \
	-w '%{http_code}' "$URL_B/v1/devices/$ID/reports" >"$T/rb.code" &
p2=$!
wait $p1 $p2
n=$(pg_sql "SELECT count(*) FROM reports WHERE device_id = '$ID'")
[ "$(cat "$T/ra.code")" = 200 ] && [ "$(cat "$T/rb.code")" = 200 ] &&
	[ "$n" = 2 ] && [ "$("$MDM" --dir "$B" reports "$ID" --count)" = 2 ] &&
	ok "the same idempotency keys on A and B at once: accepted by both, stored once" ||
	not_ok "idempotency across instances" "$(cat "$T/ra.code" "$T/rb.code") $n rows"

as dev -H "$H" -d '{"status": "SUCCEEDED"}' -o /dev/null -w '%{http_code}' \
	"$URL_A/v1/devices/$ID/commands/$CMD/result" >"$T/ca.code" &
p1=$!
as dev -H "$H" -d '{"status": "FAILED", "errorCode": "X"}' -o /dev/null \
	-w '%{http_code}' "$URL_B/v1/devices/$ID/commands/$CMD/result" \
	>"$T/cb.code" &
p2=$!
wait $p1 $p2
st=$(pg_sql "SELECT status FROM commands WHERE id = '$CMD'")
codes="$(cat "$T/ca.code") $(cat "$T/cb.code")"
[ "$st" = SUCCEEDED ] || [ "$st" = FAILED ] && [ "$codes" != "${codes#200}" ] &&
	ok "one command's result posted to A and B at once: one kept ($st; $codes)" ||
	not_ok "result across instances" "$st; $codes"
code=$(as dev -H "$H" -d '{"status": "SUCCEEDED"}' -o /dev/null \
	-w '%{http_code}' "$URL_B/v1/devices/$ID/commands/$SYNC/result")
[ "$code" = 200 ] && "$MDM" --dir "$A" results "$ID" | grep -q "^$SYNC " &&
	ok "a result posted to B is read through A" ||
	not_ok "result read across" "$code"

# --- a fleet spread over both ----------------------------------------------------
N=40
"$MDM" --dir "$A" token new --mode FULLY_MANAGED --count $N >"$T/tokens" \
	2>/dev/null
"$WARDEN_BIN/wardenfleet" --url "$URL_A" --url "$URL_B" --ca "$A/ca.pem" \
	--tokens "$T/tokens" --devices $N --wait 30 --duration 120 \
	>"$T/fleet.out" 2>"$T/fleet.err" &
sim=$!
i=0
while ! grep -q '^reported-all' "$T/fleet.out" && [ $i -lt 600 ]; do
	sleep 0.1
	i=$((i + 1))
done
grep -q '^reported-all' "$T/fleet.out" &&
	ok "$N simulated devices spread over A and B enroll and report" ||
	not_ok "fleet over two instances" "$(tail -n 5 "$T/fleet.err")"
sleep 1
sed 's/"version": *"[^"]*"/"version": "4343"/' \
	examples/policies/fully_managed.json >"$T/v4343.json"
t0=$(date +%s%N)
"$MDM" --dir "$A" policy set "$T/v4343.json" >/dev/null
i=0
while ! grep -q "^policy 4343 $N " "$T/fleet.out" && [ $i -lt 300 ]; do
	sleep 0.1
	i=$((i + 1))
done
ms=$((($(date +%s%N) - t0) / 1000000))
# The long polls wait 30 s: only a wake-up answers them sooner.
grep -q "^policy 4343 $N " "$T/fleet.out" && [ "$ms" -lt 10000 ] &&
	ok "a policy set through A reaches all $N devices, half connected to B ($ms ms)" ||
	not_ok "policy over two instances" "$ms ms; $(grep '^policy' "$T/fleet.out")"
kill -TERM $sim
wait $sim
n=$(pg_sql "SELECT count(*) FROM devices")
[ "$n" = $((N + 2)) ] && ok "one enrollment per device ($n)" ||
	not_ok "enrollments" "$n for $((N + 2))"

# --- the database restarted ---------------------------------------------------------
(cd "$PG_DIR" && as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w restart \
	>/dev/null 2>&1)
i=0
while ! grep -q 'LISTEN connection is back' "$T/a.log" && [ $i -lt 150 ]; do
	sleep 0.1
	i=$((i + 1))
done
grep -q 'LISTEN connection is lost' "$T/a.log" &&
	grep -q 'LISTEN connection is back' "$T/a.log" &&
	ok "PostgreSQL restarted: A loses its LISTEN connection and makes it again" ||
	not_ok "LISTEN after a restart" "$(tail -n 5 "$T/a.log")"
# The policy set above left dev a SYNC_POLICY: answered first.
for c in $(as dev "$URL_A/v1/devices/$ID/commands?waitSeconds=0" |
	$PY -c 'import json,sys; print(" ".join(c["id"] for c in json.load(sys.stdin)["commands"]))'); do
	as dev -H "$H" -d '{"status": "SUCCEEDED"}' -o /dev/null \
		"$URL_A/v1/devices/$ID/commands/$c/result"
done
as dev -o "$T/poll2.json" -w '%{http_code}' \
	"$URL_A/v1/devices/$ID/commands?waitSeconds=30" >"$T/poll2.code" &
poll=$!
sleep 1
t0=$(date +%s%N)
CMD2=$("$MDM" --dir "$B" command "$ID" LOCK)
wait $poll
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$(cat "$T/poll2.code")" = 200 ] && [ -n "$CMD2" ] &&
	[ "$(json_get commands/0/id <"$T/poll2.json")" = "$CMD2" ] &&
	[ "$ms" -lt 5000 ] &&
	ok "... and a command through B still wakes the long poll on A ($ms ms)" ||
	not_ok "command after the restart" "$ms ms $(cat "$T/poll2.code") $(cat "$T/poll2.json")"

stop_all
grep -q 'ERROR\|AddressSanitizer' "$T/a.log" "$T/b.log" &&
	not_ok "no sanitizer report" "$(cat "$T/a.log" "$T/b.log")" ||
	ok "no sanitizer report"
finish
