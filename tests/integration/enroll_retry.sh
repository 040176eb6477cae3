#!/bin/sh
# An enrollment whose answer is lost, with the server and the device
# killed in the middle: the server stores the enrollment but closes the
# connection unanswered (serve --inject-faults, "lose-enrollment"); the
# device stays ENROLLING and retries; the device is killed, the server is
# killed and restarted on its port; the device starts again, repeats the
# request with the same key and token and is answered the same enrollment:
# MANAGED, one device on the server, the same id on both sides. A refusal
# after a lost answer (the token's lifetime over) leaves the device
# ENROLLING, retrying.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_mdm.sh"
FAULTS="$T/faults"

server_log_count() { # PATTERN: lines of the server's log matching it
	grep -c -- "$1" "$T/mdm.log" 2>/dev/null || true
}

if [ ! -x "$MDM" ]; then
	not_ok "wardenmdm is built" "$MDM missing"
	finish
	exit 1
fi
echo lose-enrollment >"$FAULTS"
MDM_SERVE_ARGS="--inject-faults $FAULTS"
start_server || { not_ok "wardenmdm starts" "$(cat "$T/mdm.log")"; finish; exit 1; }
PORT=${URL##*:}
mdm policy set examples/policies/fully_managed.json >/dev/null

start_agent || not_ok "the agent starts" "$(tail -n 5 "$T/wardend.log")"
mdm token new --mode FULLY_MANAGED --json "$T/qr.json" >/dev/null
ctl provision --qr-text "$T/qr.json" >/dev/null 2>&1
if wait_until 20 sh -c "[ \$(grep -c \"enrollment's answer is lost\" '$T/mdm.log') -ge 2 ]"; then
	ok "the server stores the enrollment but its answer is lost, twice"
else
	not_ok "lost answers" "$(tail -n 5 "$T/mdm.log")"
fi
[ "$(mdm devices | grep -c '^[0-9a-f]\{16\} ')" = 1 ] &&
	ok "the server holds one enrollment" || not_ok "one device" "$(mdm devices)"
is_state ENROLLING && [ -n "$(ls "$T/state" | grep '\.key')" ] &&
	ok "the device is still ENROLLING, its key kept" ||
	not_ok "still enrolling" "$(ctl status)"

# --- both killed in the middle ----------------------------------------------
kill_agent
kill -KILL "$SRV_PID" 2>/dev/null
wait "$SRV_PID" 2>/dev/null
SRV_PID=
rm -f "$FAULTS"
MDM_SERVE_ARGS=
start_server "127.0.0.1:$PORT" &&
	ok "the server is killed and restarted on its port ($PORT)" ||
	not_ok "server restart" "$(tail -n 5 "$T/mdm.log")"
start_agent || not_ok "the agent starts again" "$(tail -n 5 "$T/wardend.log")"
if wait_until 30 is_state MANAGED; then
	ok "the device, killed and started again, ends MANAGED"
else
	not_ok "managed after the restarts" "$(ctl status; tail -n 5 "$T/wardend.log")"
fi
ID=$(field deviceId)
[ "$(mdm devices | grep -c '^[0-9a-f]\{16\} ')" = 1 ] &&
	mdm devices | grep -q "^$ID " &&
	ok "exactly one enrollment, the same id on both sides ($ID)" ||
	not_ok "one enrollment" "$ID; $(mdm devices)"
[ "$(server_log_count "device $ID repeated its enrollment: answered again")" -ge 1 ] &&
	ok "the server answered the repeated request again" ||
	not_ok "replayed" "$(tail -n 5 "$T/mdm.log")"
wait_until 20 sh -c "'$MDM' --dir '$D' devices | grep '^$ID ' | grep -Eq ' (yes|no)\$'" &&
	ok "the device reports to the server" ||
	not_ok "report" "$(mdm devices)"

# --- a refusal after a lost answer is not believed ---------------------------
# The token lives 3 s: the answers are lost while the server would answer
# again, then its lifetime is over and the server refuses. The server holds
# this device's enrollment: the device does not drop to UNPROVISIONED.
stop_agent
stop_server
rm -rf "$T/state" "$T/dev"
: >"$T/wardend.log"
echo lose-enrollment >"$FAULTS"
MDM_SERVE_ARGS="--inject-faults $FAULTS"
start_server "127.0.0.1:$PORT" || not_ok "server restart" "$(tail -n 3 "$T/mdm.log")"
mdm token new --mode FULLY_MANAGED --ttl 3 --json "$T/qr3.json" >/dev/null
start_agent
ctl provision --qr-text "$T/qr3.json" >/dev/null 2>&1
if wait_until 40 grep -q 'POST /v1/enroll -> 403' "$T/mdm.log"; then
	ok "the token's lifetime over, the server refuses the repeated request"
else
	not_ok "refused after expiry" "$(tail -n 5 "$T/mdm.log")"
fi
sleep 1
is_state ENROLLING &&
	ctl status | grep -q 'after an answer was lost: the server may hold this enrollment' &&
	ok "refused after a lost answer, the device stays ENROLLING and retries" ||
	not_ok "not believed" "$(ctl status)"
stop_agent
stop_server
finish
