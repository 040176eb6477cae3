#!/bin/sh
# Retire (unenroll) end to end with the reference server on the simulated
# device: `wardenctl retire` asks for confirmation, is refused while the
# server cannot be told (nothing changes), restores exactly what warden
# changed (a restriction the device had before enrollment stays), clears
# lost mode, destroys the key, tells the server and returns to
# UNPROVISIONED; a crash in the middle resumes; the server's RETIRE
# command and --force work; the device can be provisioned again; a
# standalone device retires without a server.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_mdm.sh"
OPS="$T/dev/ops.log"

ops() { # OP ARGS: how many times the sim logged "OP ARGS -> ok"
	grep -c "^$1 $2 -> ok" "$OPS" 2>/dev/null || true
}

sim_fact() { # NAME: a fact of the simulated device, as the sim stores it
	/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(json.dumps(d["facts"].get(sys.argv[2])))' "$T/dev/device.json" "$1"
}

sim_state() { # NAME: a member of the simulated device's state
	/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(json.dumps(d["state"].get(sys.argv[2])))' "$T/dev/device.json" "$1"
}

server_retired() { # ID: the server lists the device as retired
	mdm devices | grep "^$1 " | grep -q retired
}

keys() { # the device key files in the state directory
	ls "$T/state" | grep -c '\.key' || true
}

# provision: a fresh device, the USB data restriction already in force
# before warden (the device's own), enrolled FULLY_MANAGED; sets ID.
provision() {
	stop_agent
	rm -rf "$T/state" "$T/dev"
	start_agent
	ctl sim set usb.data_blocked true >/dev/null
	ctl scan >/dev/null
	mdm token new --mode FULLY_MANAGED --json "$T/qr.json" >/dev/null
	ctl provision --qr-text "$T/qr.json" >/dev/null 2>&1
	wait_until 20 is_state MANAGED || return 1
	ID=$(ctl status --json | json_get deviceId)
	wait_until 10 grep -q '^camera.set_allowed allowed=false -> ok' "$OPS"
	wait_until 10 grep -q '^restrict.factory_reset allowed=false -> ok' "$OPS"
}

if ! command -v sqlite3 >/dev/null || [ ! -x "$MDM" ]; then
	not_ok "sqlite3 and wardenmdm are available"
	finish
	exit 1
fi
start_server || { not_ok "wardenmdm starts" "$(cat "$T/mdm.log")"; finish; exit 1; }
mdm policy set examples/policies/fully_managed.json >/dev/null
if provision; then
	ok "a fully managed device enrolled ($ID), USB data blocked before"
else
	not_ok "enrolled" "$(tail -n 20 "$T/wardend.log")"
	finish
	exit 1
fi
[ "$(sim_fact camera.blocked)" = true ] &&
	[ "$(sim_fact screen_capture.blocked)" = true ] &&
	[ "$(keys)" -ge 1 ] &&
	ok "the policy blocked the camera and screen capture; a key exists" ||
	not_ok "policy applied" "$(cat "$OPS")"

# --- confirmation ------------------------------------------------------------
expect_fail "retire without --yes and no terminal: exit 2, nothing changes" \
	2 'confirm with --yes' ctl retire </dev/null
is_state MANAGED && ok "still MANAGED" || not_ok "still MANAGED" "$(ctl status)"
# raw_ctl LINE: one request on the control socket, the reply line.
raw_ctl() {
	/usr/bin/python3 -c 'import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sys.argv[1])
s.sendall(sys.argv[2].encode() + b"\n")
print(s.makefile().readline().strip())' "$SOCK" "$1"
}
before=$(wc -l <"$OPS")
out=$(raw_ctl '{"cmd": "retire", "force": "yes"}')
printf '%s' "$out" | grep -q '"exit":2' &&
	printf '%s' "$out" | grep -q 'request.force: not a boolean' &&
	is_state MANAGED && [ "$(wc -l <"$OPS")" = "$before" ] &&
	[ -z "$(sqlite3 "$T/state/warden.db" "SELECT value FROM kv WHERE key = 'retire'")" ] &&
	ok "a retire request with a bad force: exit 2 naming the member, nothing changes" ||
	not_ok "bad retire request" "$out"

# --- the server cannot be told: refused, nothing changes -----------------------
CMD=$(mdm command "$ID" START_LOST_MODE --param lostMessage=Lost \
	--param lostPhoneNumber=+15550100)
wait_until 10 sh -c "'$MDM' --dir '$D' results '$ID' | grep '^$CMD ' |
	grep -q SUCCEEDED" &&
	[ "$(sim_state lockMessage)" != null ] &&
	ok "lost mode on: a message on the lock screen" ||
	not_ok "lost mode" "$(mdm results "$ID")"
stop_server
before=$(wc -l <"$OPS")
expect_fail "retire --yes with the server down: exit 3, the server is named" \
	3 'server could not be told.*nothing was changed' ctl retire --yes
is_state MANAGED && [ "$(wc -l <"$OPS")" = "$before" ] && [ "$(keys)" -ge 1 ] &&
	[ "$(sim_fact camera.blocked)" = true ] &&
	[ -z "$(sqlite3 "$T/state/warden.db" "SELECT value FROM kv WHERE key = 'retire'")" ] &&
	ok "refused: still MANAGED, no HAL op, the key kept, no retire pending" ||
	not_ok "refused retire changed something" "$(ctl status; tail -n 5 "$OPS")"

# --- retire --yes: restored, told, forgotten ---------------------------------
start_server "127.0.0.1:${URL##*:}" || not_ok "wardenmdm restarts on its port"
out=$(ctl retire --yes 2>&1)
rc=$?
[ $rc = 0 ] && printf '%s' "$out" | grep -q 'server has forgotten the device' &&
	is_state UNPROVISIONED &&
	ok "retire --yes: UNPROVISIONED, the server told" ||
	not_ok "retire --yes" "exit $rc: $out $(tail -n 20 "$T/wardend.log")"
[ "$(sim_fact camera.blocked)" = false ] &&
	[ "$(sim_fact screen_capture.blocked)" = false ] &&
	[ "$(ops camera.set_allowed allowed=true)" = 1 ] &&
	[ "$(ops restrict.screen_capture allowed=true)" = 1 ] &&
	[ "$(ops restrict.factory_reset allowed=true)" = 1 ] &&
	[ "$(ops restrict.keyguard_features disabled=0x0)" = 1 ] &&
	ok "camera, screen capture, factory reset and keyguard restored" ||
	not_ok "settings restored" "$(cat "$OPS")"
[ "$(sim_fact usb.data_blocked)" = true ] &&
	[ "$(ops restrict.usb_data allowed=true)" = 0 ] &&
	ok "USB data stays blocked: the device had it so before warden" ||
	not_ok "USB data prior state" "$(grep usb "$OPS")"
[ "$(sim_state lockMessage)" = null ] &&
	[ -z "$(sqlite3 "$T/state/warden.db" "SELECT value FROM kv WHERE key = 'lost_mode'")" ] &&
	ok "lost mode lifted: no lock-screen message" ||
	not_ok "lost mode lifted" "$(sim_state lockMessage)"
[ "$(keys)" = 0 ] &&
	[ "$(sqlite3 "$T/state/warden.db" "SELECT count(*) FROM enrollment")" = 0 ] &&
	[ "$(sqlite3 "$T/state/warden.db" "SELECT count(*) FROM applied_settings")" = 0 ] &&
	[ "$(sqlite3 "$T/state/warden.db" "SELECT count(*) FROM policies WHERE active = 1")" = 0 ] &&
	ok "the key destroyed, enrollment, records and policies forgotten" ||
	not_ok "forgotten" "$(ls "$T/state")"
server_retired "$ID" && ok "the server lists the device as retired" ||
	not_ok "server retired" "$(mdm devices)"
sqlite3 "$T/state/warden.db" "SELECT reason FROM state_history" |
	grep -q 'wardenctl retire' &&
	ok "the state history says who retired it" ||
	not_ok "history" "$(sqlite3 "$T/state/warden.db" "SELECT * FROM state_history")"
expect_fail "a second retire: nothing to retire" 1 'UNPROVISIONED' ctl retire --yes

# --- provisioned again ---------------------------------------------------------
mdm token new --mode FULLY_MANAGED --json "$T/qr.json" >/dev/null
ctl provision --qr-text "$T/qr.json" >/dev/null 2>&1
if wait_until 20 is_state MANAGED; then
	ID2=$(ctl status --json | json_get deviceId)
	[ "$ID2" != "$ID" ] && ok "provisioned again: MANAGED under a new id" ||
		not_ok "new id" "$ID2"
else
	not_ok "provisioned again" "$(tail -n 20 "$T/wardend.log")"
fi

# --- the server's RETIRE command ---------------------------------------------
wait_until 10 grep -q '^camera.set_allowed allowed=false -> ok' "$OPS"
sleep 0.5
restored=$(ops camera.set_allowed allowed=true)
CMD=$(mdm command "$ID2" RETIRE)
if wait_until 20 is_state UNPROVISIONED; then
	mdm results "$ID2" | grep "^$CMD " | grep -q SUCCEEDED &&
		server_retired "$ID2" &&
		[ "$(ops camera.set_allowed allowed=true)" = $((restored + 1)) ] &&
		[ "$(keys)" = 0 ] &&
		ok "RETIRE from the server: SUCCEEDED, restored, retired on both sides" ||
		not_ok "RETIRE command" "restored $restored -> $(ops camera.set_allowed allowed=true), keys $(keys); $(mdm results "$ID2"; mdm devices)"
else
	not_ok "RETIRE command" "$(mdm results "$ID2"; tail -n 20 "$T/wardend.log")"
fi

# --- a crash in the middle resumes -------------------------------------------
provision || not_ok "provisioned for the crash test"
stop_agent
WARDEN_FAULT_KILL_AT=retire start_agent
wait_until 20 is_state MANAGED
ctl retire --yes >/dev/null 2>&1
n=100
while kill -0 "$AGENT_PID" 2>/dev/null && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
if kill -0 "$AGENT_PID" 2>/dev/null; then
	not_ok "the agent died at the fault point"
	kill_agent
else
	kill_agent
	[ "$(sqlite3 "$T/state/warden.db" "SELECT state FROM agent")" = RETIRED ] &&
		ok "killed right after RETIRED was committed" ||
		not_ok "RETIRED at the kill" "$(sqlite3 "$T/state/warden.db" "SELECT * FROM agent")"
fi
start_agent
if wait_until 20 is_state UNPROVISIONED; then
	[ "$(sim_fact camera.blocked)" = false ] && [ "$(keys)" = 0 ] &&
		server_retired "$ID" &&
		ok "restarted: the retire resumed and finished" ||
		not_ok "resumed retire" "$(cat "$OPS" | tail -n 20)"
else
	not_ok "resumed retire" "$(tail -n 20 "$T/wardend.log")"
fi

# --- --force with the server down ----------------------------------------------
provision || not_ok "provisioned for --force"
stop_server
out=$(ctl retire --yes --force 2>&1)
rc=$?
[ $rc = 0 ] && printf '%s' "$out" | grep -q 'server was not told' &&
	is_state UNPROVISIONED && [ "$(keys)" = 0 ] &&
	[ "$(sim_fact camera.blocked)" = false ] &&
	ok "retire --force with the server down: retired locally, says so" ||
	not_ok "retire --force" "exit $rc: $out"
start_server "127.0.0.1:${URL##*:}" >/dev/null
server_retired "$ID" && not_ok "the server was not told, so it keeps the device" ||
	ok "the server was not told, so it keeps the device"

# --- a standalone device: no server to tell ---------------------------------
stop_agent
rm -rf "$T/state" "$T/dev"
start_agent
ctl policy apply examples/policies/kiosk.json >/dev/null 2>&1
out=$(ctl retire --yes 2>&1)
rc=$?
[ $rc = 0 ] && printf '%s' "$out" | grep -q 'no server knew the device' &&
	is_state UNPROVISIONED && grep -q '^kiosk.exit -> ok' "$OPS" &&
	[ "$(sqlite3 "$T/state/warden.db" "SELECT count(*) FROM policies WHERE active = 1")" = 0 ] &&
	ok "a standalone device retires: kiosk left, its policy out of force" ||
	not_ok "standalone retire" "exit $rc: $out"

stop_server
finish
