#!/bin/sh
# A small fleet against the reference server: wardenfleet runs 100
# simulated devices over mutual TLS. Enrollment answers are lost at first
# (serve --inject-faults lose-enrollment), then the server is killed in
# the middle of the enrollments and restarted on its port: every device
# still ends MANAGED with exactly one enrollment on the server. Then a
# policy set reaches every device through its long poll, and a command
# queued for one device is answered.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_mdm.sh"
FLEET="$WARDEN_BIN/wardenfleet"
N=100
FAULTS="$T/faults"

if [ ! -x "$MDM" ] || [ ! -x "$FLEET" ]; then
	not_ok "wardenmdm and wardenfleet are built"
	finish
	exit 1
fi
mdm token new --mode FULLY_MANAGED --count "$N" >"$T/tokens" 2>/dev/null
[ "$(grep -c . "$T/tokens")" = "$N" ] &&
	ok "token new --count $N prints $N tokens" ||
	not_ok "token new --count" "$(head -n 3 "$T/tokens")"
mdm policy set examples/policies/fully_managed.json >/dev/null
echo lose-enrollment >"$FAULTS"
MDM_SERVE_ARGS="--inject-faults $FAULTS"
start_server || { not_ok "wardenmdm starts" "$(cat "$T/mdm.log")"; finish; exit 1; }
PORT=${URL##*:}

"$FLEET" --url "$URL" --ca "$D/ca.pem" --tokens "$T/tokens" --devices "$N" \
	--ramp 20 --wait 20 --duration 240 >"$T/fleet.out" 2>"$T/fleet.err" &
SIM=$!
# The server logs a lost answer before the loop turn's group commit
# stores its enrollment: wait for the store too, or the kill below may
# take the enrollments with it and leave no answer to repeat.
wait_until 60 sh -c "[ \$(grep -c \"enrollment's answer is lost\" '$T/mdm.log') -ge 10 ] &&
	[ \$('$MDM' --dir '$D' devices | grep -c '^[0-9a-f]\{16\} ') -ge 10 ]" &&
	ok "enrollments stored, their answers lost" ||
	not_ok "lost answers" "$(tail -n 3 "$T/mdm.log")"
kill -KILL "$SRV_PID"
wait "$SRV_PID" 2>/dev/null
SRV_PID=
rm -f "$FAULTS"
MDM_SERVE_ARGS=--verbose	# every request logged: who was woken below
start_server "127.0.0.1:$PORT" &&
	ok "the server, killed in the middle of the enrollments, restarts on its port" ||
	not_ok "restart" "$(tail -n 3 "$T/mdm.log")"
if wait_until 180 grep -q '^reported-all' "$T/fleet.out"; then
	ok "every device enrolled and reported ($(grep '^reported-all' "$T/fleet.out"))"
else
	not_ok "reported-all" "$(tail -n 3 "$T/fleet.err")"
fi
[ "$(mdm devices | grep -c '^[0-9a-f]\{16\} ')" = "$N" ] &&
	ok "the server holds exactly $N enrollments" ||
	not_ok "enrollments" "$(mdm devices | grep -c '^[0-9a-f]')"

# --- policy push ------------------------------------------------------------
sed 's/"version": *"[^"]*"/"version": "4242"/' \
	examples/policies/fully_managed.json >"$T/push.json"
mdm policy set "$T/push.json" >"$T/push.out"
grep -q "pushed to $N device(s)" "$T/push.out" &&
	ok "policy set pushes a SYNC_POLICY to the $N devices" ||
	not_ok "push" "$(cat "$T/push.out")"
wait_until 60 grep -q "^policy 4242 $N " "$T/fleet.out" &&
	ok "every device holds the new policy" ||
	not_ok "policy everywhere" "$(grep '^policy' "$T/fleet.out")"

# --- a command for one device -----------------------------------------------
ID=$(mdm devices | awk 'NR == 2 { print $1 }')
mark=$(wc -l <"$T/mdm.log")
CMD=$(mdm command "$ID" LOCK)
wait_until 30 sh -c "'$MDM' --dir '$D' results '$ID' | grep '^$CMD ' | grep -q SUCCEEDED" &&
	ok "a command queued for one device is answered" ||
	not_ok "command" "$(mdm results "$ID")"
# With more long polls parked than it wakes blindly, the server asks the
# database which devices have news: the others stay parked.
woke=$(tail -n +"$((mark + 1))" "$T/mdm.log" |
	sed -n 's/.*notification: \([0-9]* of [0-9]*\) parked long poll(s) called again.*/\1/p' |
	head -n 1)
[ "${woke%% *}" = 1 ] && [ "${woke##* }" -gt $((N / 2)) ] &&
	ok "the notification wakes the device concerned alone ($woke parked long polls)" ||
	not_ok "targeted wake" "woken: ${woke:-none logged}"

kill -TERM "$SIM"
wait "$SIM"
rc=$?
sum=$(grep '^summary' "$T/fleet.out")
echo "# $sum"
[ "$rc" = 0 ] && echo "$sum" | grep -q " managed $N lost 0 " &&
	ok "no device lost: $N MANAGED" || not_ok "lost devices" "$sum"
echo "$sum" | grep -q ' repeated-enrollments [1-9]' &&
	ok "lost answers were answered again to the same keys" ||
	not_ok "repeated enrollments" "$sum"
stop_server
finish
