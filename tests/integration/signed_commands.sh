#!/bin/sh
# Signed commands end to end with the reference server: the device gets
# the server's command key at enrollment; signed commands run; a forged
# one (another key), an unsigned destructive one, one carrying another
# command's signature and one whose params were changed after signing
# are refused with the reason and no HAL operation; a command delivered
# again after its result was acknowledged is not run twice and is
# reported, as is a used id with other content; a signature past its
# expiry is answered EXPIRED; the key is forgotten with the enrollment;
# a server started with --no-command-signing still has an unsigned WIPE
# run.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_mdm.sh"
OPS="$T/dev/ops.log"

# event KIND: the server holds a device event of that type.
event() {
	mdm reports "$ID" | grep -q "\"type\":\"$1\""
}

# signature CMD: the signature the server stored for CMD.
signature() {
	mdm results "$ID" --json | /usr/bin/python3 -c '
import json, sys
for c in json.load(sys.stdin):
    if c["id"] == sys.argv[1]:
        print(c.get("signature", ""))
' "$1"
}

# acknowledged CMD: the device no longer holds CMD's result for sending.
acknowledged() {
	[ "$(db "SELECT count(*) FROM outbox WHERE idem_key = 'result-$1'")" = 0 ]
}

provision() { # MODE: a fresh device enrolled in MODE; sets ID
	stop_agent
	rm -rf "$T/state" "$T/dev"
	mdm token new --mode "$1" --json "$T/qr.json" >/dev/null
	start_agent
	ctl provision --qr-text "$T/qr.json" >/dev/null 2>&1
	wait_until 20 is_state MANAGED || return 1
	ID=$(ctl status --json | json_get deviceId)
	wait_until 10 grep -q '^camera.set_allowed' "$OPS"
	sleep 0.5
}

if ! command -v sqlite3 >/dev/null || ! command -v openssl >/dev/null ||
	[ ! -x "$MDM" ]; then
	not_ok "sqlite3, openssl and wardenmdm are available"
	finish
	exit 1
fi
start_server || { not_ok "wardenmdm starts" "$(cat "$T/mdm.log")"; finish; exit 1; }
PORT=${URL##*:}
mdm policy set examples/policies/fully_managed.json >/dev/null
if provision FULLY_MANAGED; then
	ok "a fully managed device enrolled ($ID)"
else
	not_ok "enrolled" "$(tail -n 20 "$T/wardend.log")"
	finish
	exit 1
fi
[ "$(stat -c %a "$D/command.key")" = 600 ] &&
	db "SELECT command_key FROM enrollment" | grep -q 'BEGIN PUBLIC KEY' &&
	[ "$(ctl status --json | json_get signedCommands)" = true ] &&
	ok "the server's command key (0600) reached the device at enrollment" ||
	not_ok "command key" "$(ls -l "$D"; db "SELECT command_key FROM enrollment")"

# --- signed commands run ---------------------------------------------------
LOCK=$(mdm command "$ID" LOCK)
wait_result "$LOCK" 'SUCCEEDED' && [ "$(ops lock.now)" = 1 ] &&
	[ -n "$(signature "$LOCK")" ] &&
	ok "a signed LOCK runs; the server lists its signature" ||
	not_ok "signed LOCK" "$(mdm results "$ID"; tail -n 20 "$T/wardend.log")"
CMD=$(mdm command "$ID" RESET_PASSWORD --param newPassword=739154)
wait_result "$CMD" 'SUCCEEDED' &&
	grep -q '^passcode.reset length=6 requireEntry=false -> ok' "$OPS" &&
	ok "a signed RESET_PASSWORD resets the passcode" ||
	not_ok "signed RESET_PASSWORD" "$(mdm results "$ID"; tail -n 3 "$OPS")"
db "SELECT signature FROM inbox WHERE id = '$CMD'" | grep -q '^sha256:[0-9a-f]\{64\}$' &&
	! grep -rqa 739154 "$T/state" &&
	ok "the store keeps only the digest of a RESET_PASSWORD's signature" ||
	not_ok "RESET_PASSWORD signature scrubbed" "$(db "SELECT signature FROM inbox WHERE id = '$CMD'")"

# --- refused: forged, unsigned, copied, changed after signing --------------
openssl ecparam -name prime256v1 -genkey -noout -out "$T/other.pem" 2>/dev/null
CMD=$(mdm command "$ID" WIPE --signing-key "$T/other.pem")
wait_result "$CMD" "FAILED .*INVALID_VALUE.*signature: does not verify with the server.s command key" &&
	[ "$(ops wipe.factory_reset)" = 0 ] && is_state MANAGED &&
	ok "a WIPE signed with another key is refused, nothing wiped" ||
	not_ok "forged WIPE" "$(mdm results "$ID"; tail -n 3 "$OPS")"
wait_until 10 event COMMAND_REFUSED &&
	[ "$(db "SELECT count(*) FROM events WHERE kind = 'command-refused' AND detail LIKE '$CMD WIPE:%'")" = 1 ] &&
	ok "the refusal is an event on the device and on the server" ||
	not_ok "refusal event" "$(mdm reports "$ID" | tail -n 3)"
CMD=$(mdm command "$ID" WIPE --unsigned)
wait_result "$CMD" 'FAILED .*INVALID_VALUE.*signature: missing; WIPE must be signed' &&
	[ "$(ops wipe.factory_reset)" = 0 ] &&
	ok "an unsigned WIPE is refused" ||
	not_ok "unsigned WIPE" "$(mdm results "$ID")"
resets=$(ops passcode.reset)
CMD=$(mdm command "$ID" RESET_PASSWORD --param newPassword=739154 --unsigned)
wait_result "$CMD" 'FAILED .*INVALID_VALUE.*RESET_PASSWORD must be signed' &&
	[ "$(ops passcode.reset)" = "$resets" ] &&
	! db "SELECT params FROM inbox WHERE id = '$CMD'" | grep -q 739154 &&
	ok "an unsigned RESET_PASSWORD is refused and its passcode not kept" ||
	not_ok "unsigned RESET_PASSWORD" "$(mdm results "$ID")"
CMD=$(mdm command "$ID" WIPE --signature "$(signature "$LOCK")")
wait_result "$CMD" 'FAILED .*INVALID_VALUE.*signature: signed for another command' &&
	[ "$(ops wipe.factory_reset)" = 0 ] &&
	ok "a WIPE carrying the signature of another command is refused" ||
	not_ok "copied signature" "$(mdm results "$ID")"
# A server that edits a queued command: the device is offline meanwhile.
stop_agent
CMD=$(mdm command "$ID" START_LOST_MODE --param 'lostMessage=Call 555')
mdmdb "UPDATE commands SET params = '{\"lostMessage\":\"Call 666\"}' WHERE id = '$CMD'"
start_agent
wait_result "$CMD" 'FAILED .*INVALID_VALUE.*signature: params differ from the signed ones' &&
	! grep -q 'Call 666' "$OPS" &&
	ok "a signed command whose params changed after signing is refused" ||
	not_ok "params changed" "$(mdm results "$ID"; tail -n 3 "$OPS")"

# --- replay ------------------------------------------------------------------
locks=$(ops lock.now)
if wait_until 10 acknowledged "$LOCK" && mdm command-redeliver "$ID" "$LOCK" >/dev/null &&
	wait_until 10 event COMMAND_REPLAYED && sleep 1 &&
	[ "$(ops lock.now)" = "$locks" ] &&
	[ "$(db "SELECT count(*) FROM events WHERE kind = 'command-replayed'")" = 1 ]; then
	ok "a command delivered again after its result was acknowledged is not run; reported"
else
	not_ok "replay" "$(mdm reports "$ID" | tail -n 3; tail -n 5 "$T/wardend.log")"
fi
LOCK2=$(mdm command "$ID" LOCK)
reboots=$(ops power.reboot)
if wait_result "$LOCK2" 'SUCCEEDED' && wait_until 10 acknowledged "$LOCK2" &&
	mdmdb "UPDATE commands SET type = 'REBOOT' WHERE id = '$LOCK2'" &&
	mdm command-redeliver "$ID" "$LOCK2" >/dev/null &&
	wait_until 10 event COMMAND_ID_REUSED && sleep 1 &&
	[ "$(ops power.reboot)" = "$reboots" ]; then
	ok "a used command id with another type is not run; reported"
else
	not_ok "id reused" "$(mdm reports "$ID" | tail -n 3; tail -n 5 "$T/wardend.log")"
fi

# --- expiry ------------------------------------------------------------------
stop_agent
CMD=$(mdm command "$ID" WIPE --sign-lifetime 1s)
sleep 2
start_agent
wait_result "$CMD" 'EXPIRED .*signature: expired at' && [ "$(ops wipe.factory_reset)" = 0 ] &&
	ok "a WIPE whose signature has expired is answered EXPIRED, not run" ||
	not_ok "expired signature" "$(mdm results "$ID")"
expect_fail "the server refuses to sign for longer than devices accept" 2 \
	'a signed command lives at most' mdm command "$ID" LOCK --duration 691200s

# --- a signed WIPE, and the key goes with the enrollment ---------------------
CMD=$(mdm command "$ID" WIPE --param wipeReason=stolen)
if wait_result "$CMD" 'SUCCEEDED' && wait_until 20 is_state UNPROVISIONED &&
	[ "$(ops wipe.factory_reset)" = 1 ]; then
	ok "a signed WIPE wipes the device"
else
	not_ok "signed WIPE" "$(mdm results "$ID"; ctl status)"
fi
[ "$(db "SELECT count(*) FROM enrollment")" = 0 ] &&
	ok "the command key is forgotten with the enrollment" ||
	not_ok "command key forgotten" "$(db "SELECT * FROM enrollment")"

# --- a server that signs nothing ------------------------------------------------
stop_server
rm -f "$D/server.url"
"$MDM" --dir "$D" serve --listen "127.0.0.1:$PORT" --no-command-signing >>"$T/mdm.log" 2>&1 &
SRV_PID=$!
wait_until 10 test -s "$D/server.url"
if provision FULLY_MANAGED; then
	ok "a device enrolled with a server that signs nothing ($ID)"
else
	not_ok "enrolled without signing" "$(tail -n 20 "$T/wardend.log")"
fi
[ -z "$(db "SELECT command_key FROM enrollment")" ] &&
	[ "$(ctl status --json | json_get signedCommands)" = false ] &&
	ok "it holds no command key" || not_ok "no command key"
CMD=$(mdm command "$ID" WIPE)
if wait_result "$CMD" 'SUCCEEDED' && wait_until 20 is_state UNPROVISIONED &&
	[ "$(ops wipe.factory_reset)" = 1 ]; then
	ok "without command signing an unsigned WIPE still runs"
else
	not_ok "unsigned WIPE without signing" "$(mdm results "$ID"; tail -n 5 "$T/wardend.log")"
fi

stop_server
finish
