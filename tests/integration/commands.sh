#!/bin/sh
# Every command end to end with the reference server on the simulated
# device: what the sim's op log shows and what result the server stores.
# Expiry; crashes (WARDEN_FAULT_KILL_AT) right after the command is
# received, after the inbox write, after the HAL call and after the result
# is queued: nothing runs twice and the server gets one result; lost mode
# survives a restart; a WIPE starts only once the server holds its result,
# and destroys the device key before the factory reset.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_mdm.sh"
OPS="$T/dev/ops.log"

# result CMD: the server's line for command CMD ("" while unanswered).
result() {
	mdm results "$ID" | grep "^$1 " | grep -v ' (queued) \| (delivered) '
}

# provision MODE: a fresh device enrolled in MODE; sets ID.
provision() {
	stop_agent
	rm -rf "$T/state" "$T/dev"
	mdm token new --mode "$1" --json "$T/qr.json" >/dev/null
	start_agent
	ctl provision --qr-text "$T/qr.json" >/dev/null 2>&1
	wait_until 20 is_state MANAGED || return 1
	ID=$(ctl status --json | json_get deviceId)
	# The policy's own ops come first; commands follow.
	wait_until 10 grep -q '^camera.set_allowed' "$OPS"
	sleep 0.5
}

# crash POINT: restarts the agent so that it raises SIGKILL at POINT.
crash_at() {
	stop_agent
	export WARDEN_FAULT_KILL_AT="$1"
	start_agent
	unset WARDEN_FAULT_KILL_AT
}

# wait_died: the agent killed itself (within 10 s); 1 if it did not.
wait_died() {
	n=100
	while kill -0 "$AGENT_PID" 2>/dev/null && [ $n -gt 0 ]; do
		sleep 0.1
		n=$((n - 1))
	done
	if kill -0 "$AGENT_PID" 2>/dev/null; then
		kill_agent
		return 1
	fi
	kill_agent
}

died_and_restart() {
	wait_died
	rc=$?
	start_agent
	return $rc
}

if ! command -v sqlite3 >/dev/null || [ ! -x "$MDM" ]; then
	not_ok "sqlite3 and wardenmdm are available"
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

# --- LOCK, REBOOT, RESCAN, SYNC_POLICY, unknown types ---------------------
CMD=$(mdm command "$ID" LOCK)
wait_result "$CMD" 'SUCCEEDED' && [ "$(ops lock.now)" = 1 ] &&
	grep -q '^lock.now scope=device -> ok' "$OPS" &&
	ok "LOCK locks the device, SUCCEEDED on the server" ||
	not_ok "LOCK" "$(mdm results "$ID"; cat "$OPS")"
CMD=$(mdm command "$ID" REBOOT)
wait_result "$CMD" 'SUCCEEDED' && [ "$(ops power.reboot)" = 1 ] &&
	ok "REBOOT reboots through the HAL, SUCCEEDED" ||
	not_ok "REBOOT" "$(mdm results "$ID")"
n0=$(grep -c ': [0-9]* facts' "$T/wardend.log")
CMD=$(mdm command "$ID" RESCAN)
wait_result "$CMD" 'SUCCEEDED' &&
	wait_until 5 sh -c "[ \$(grep -c ': [0-9]* facts' '$T/wardend.log') -gt $n0 ]" &&
	ok "RESCAN scans the device" || not_ok "RESCAN" "$(mdm results "$ID")"
CMD=$(mdm command "$ID" SYNC_POLICY)
wait_result "$CMD" 'SUCCEEDED' && ok "SYNC_POLICY fetches the policy" ||
	not_ok "SYNC_POLICY" "$(mdm results "$ID")"
CMD=$(mdm command "$ID" SELF_DESTRUCT)
wait_result "$CMD" 'UNSUPPORTED .*UNSUPPORTED' &&
	ok "an unknown type is answered UNSUPPORTED" ||
	not_ok "unknown type" "$(mdm results "$ID")"
CMD=$(mdm command "$ID" CLEAR_APP_DATA)
wait_result "$CMD" 'FAILED .*MANAGEMENT_MODE' && [ "$(ops wipe.profile)" = 0 ] &&
	ok "CLEAR_APP_DATA without a work profile: MANAGEMENT_MODE" ||
	not_ok "CLEAR_APP_DATA fully managed" "$(mdm results "$ID")"
CMD=$(mdm command "$ID" RELINQUISH_OWNERSHIP)
wait_result "$CMD" 'FAILED .*MANAGEMENT_MODE' && is_state MANAGED &&
	ok "RELINQUISH_OWNERSHIP on a fully managed device: MANAGEMENT_MODE" ||
	not_ok "RELINQUISH fully managed" "$(mdm results "$ID")"
CMD=$(mdm command "$ID" WIPE --param 'wipeDataFlags:=["WIPE_EVERYTHING"]')
wait_result "$CMD" 'FAILED .*INVALID_VALUE' && [ "$(ops wipe.factory_reset)" = 0 ] &&
	ok "WIPE with an unknown flag: INVALID_VALUE, nothing wiped" ||
	not_ok "WIPE bad flag" "$(mdm results "$ID")"

# --- RESET_PASSWORD ----------------------------------------------------------
CMD=$(mdm command "$ID" RESET_PASSWORD --param newPassword=123456)
wait_result "$CMD" 'FAILED .*INVALID_VALUE' && [ "$(ops passcode.reset)" = 0 ] &&
	ok "RESET_PASSWORD: a sequence is too weak for NUMERIC_COMPLEX" ||
	not_ok "weak password" "$(mdm results "$ID")"
CMD=$(mdm command "$ID" RESET_PASSWORD --param newPassword=7391)
wait_result "$CMD" 'INVALID_VALUE.*at least 6' &&
	ok "RESET_PASSWORD: shorter than passwordMinimumLength" ||
	not_ok "short password" "$(mdm results "$ID")"
locks=$(ops lock.now)
CMD=$(mdm command "$ID" RESET_PASSWORD --param newPassword=739154 \
	--param 'resetPasswordFlags:=["REQUIRE_ENTRY","LOCK_NOW"]')
wait_result "$CMD" 'SUCCEEDED' &&
	grep -q '^passcode.reset length=6 requireEntry=true -> ok' "$OPS" &&
	[ "$(ops lock.now)" = $((locks + 1)) ] &&
	ok "RESET_PASSWORD sets the passcode, REQUIRE_ENTRY and LOCK_NOW" ||
	not_ok "RESET_PASSWORD" "$(mdm results "$ID"; tail -n 3 "$OPS")"
if grep -rqa 739154 "$T/state" "$T/wardend.log" "$OPS"; then
	not_ok "the new passcode is neither logged nor kept" \
		"$(grep -rla 739154 "$T/state" "$T/wardend.log" "$OPS")"
else
	ok "the new passcode is neither logged nor kept in the store"
fi

# --- lost mode ----------------------------------------------------------------
CMD=$(mdm command "$ID" START_LOST_MODE --param 'lostMessage=Found me? Call us' \
	--param 'lostPhoneNumber=+49 30 1234' --param lostEmailAddress=it@acme.example \
	--param 'lostOrganization=ACME')
wait_result "$CMD" 'SUCCEEDED.*startLostModeStatus.*SUCCESS' &&
	grep -q '^lock.set_message message="Found me? Call us' "$OPS" &&
	grep 'lockMessage' "$T/dev/device.json" | grep -q 'Phone: +49 30 1234' &&
	ok "START_LOST_MODE shows the message and contacts and locks" ||
	not_ok "START_LOST_MODE" "$(mdm results "$ID"; tail -n 3 "$OPS")"
# last_state: the state in the newest report the server holds.
last_state() {
	mdm reports "$ID" | grep ' report ' | tail -n 1 | sed 's/.*"state":"\([A-Z]*\)".*/\1/'
}
wait_until 10 sh -c "[ \"\$('$MDM' --dir '$D' reports '$ID' | grep ' report ' | tail -n 1 |
	grep -o '\"state\":\"[A-Z]*\"')\" = '\"state\":\"LOST\"' ]" &&
	ctl attest | cut -d. -f2 | tr '_-' '/+' | base64 -d 2>/dev/null | grep -q '"deviceState":"LOST"' &&
	ok "in lost mode the server's report and the compliance token say LOST" ||
	not_ok "report state LOST" "$(last_state; ctl attest)"
sets=$(ops lock.set_message)
stop_agent
start_agent
wait_until 5 sh -c "[ \$(grep -c '^lock.set_message message=\"Found me' '$OPS') -ge 2 ]" &&
	[ "$(tail -n 20 "$OPS" | grep -c '^lock.now scope=device')" -ge 1 ] &&
	ok "lost mode is shown and locked again after a restart" ||
	not_ok "lost mode after restart" "$(tail -n 5 "$OPS")"
CMD=$(mdm command "$ID" STOP_LOST_MODE)
wait_result "$CMD" 'stopLostModeStatus.*"SUCCESS"' &&
	grep -q '^lock.set_message message=none' "$OPS" &&
	ok "STOP_LOST_MODE clears the message" ||
	not_ok "STOP_LOST_MODE" "$(mdm results "$ID")"
wait_until 10 sh -c "'$MDM' --dir '$D' reports '$ID' | grep ' report ' | tail -n 1 |
	grep -q '\"state\":\"ACTIVE\"'" &&
	ok "out of lost mode the report says ACTIVE again" ||
	not_ok "report state ACTIVE" "$(last_state)"
sets=$(ops lock.set_message)
stop_agent
start_agent
sleep 1
[ "$(ops lock.set_message)" = "$sets" ] &&
	ok "after STOP_LOST_MODE a restart shows nothing" ||
	not_ok "lost mode stopped for good" "$(tail -n 5 "$OPS")"
CMD=$(mdm command "$ID" STOP_LOST_MODE)
wait_result "$CMD" 'NOT_IN_LOST_MODE' &&
	ok "STOP_LOST_MODE outside lost mode: NOT_IN_LOST_MODE" ||
	not_ok "STOP twice" "$(mdm results "$ID")"

# --- expiry --------------------------------------------------------------------
# Received, then the agent dies before running it; it comes back late.
locks=$(ops lock.now)
crash_at received
CMD=$(mdm command "$ID" LOCK --duration 2s)
wait_died || not_ok "the agent died after receiving the command"
sleep 3
start_agent
wait_result "$CMD" 'EXPIRED' && [ "$(ops lock.now)" = "$locks" ] &&
	ok "a command that expired before it ran: EXPIRED, not executed" ||
	not_ok "expiry" "$(mdm results "$ID"; tail -n 3 "$OPS")"

# --- crashes -------------------------------------------------------------------
# crash_case POINT TYPE RUNS STATUS: TYPE killed at POINT runs RUNS times in
# all and the server stores STATUS.
crash_case() {
	op=$3
	before=$(ops "$op")
	crash_at "$1"
	CMD=$(mdm command "$ID" "$2")
	if ! died_and_restart; then
		not_ok "$2 killed at $1: the fault fired" "$(tail -n 5 "$T/wardend.log")"
		return
	fi
	if wait_result "$CMD" "$5" && sleep 1 && [ "$(ops "$op")" = $((before + $4)) ] &&
		[ "$(db "SELECT count(*) FROM outbox WHERE idem_key = 'result-$CMD'")" = 0 ] &&
		[ "$(db "SELECT status FROM inbox WHERE id = '$CMD'")" = done ]; then
		ok "$2 killed at $1: run $4 time(s) in all, one result: $(result "$CMD" | awk '{print $4, $6}')"
	else
		not_ok "$2 killed at $1" "ran $(($(ops "$op") - before)), $(result "$CMD")"
	fi
}
crash_case inbox REBOOT power.reboot 0 'FAILED .*UNKNOWN.*interrupted'
crash_case hal REBOOT power.reboot 1 'FAILED .*UNKNOWN.*interrupted'
crash_case result REBOOT power.reboot 1 'SUCCEEDED'
crash_case inbox LOCK lock.now 1 'SUCCEEDED'
crash_case result LOCK lock.now 1 'SUCCEEDED'

# --- WIPE: the result first, then the key, then the reset -----------------
KEY=$(ls "$T/state"/device*.key 2>/dev/null | head -n 1)
crash_at result
CMD=$(mdm command "$ID" WIPE --param wipeReason=stolen)
wait_died || not_ok "the agent died after queuing the WIPE result"
stop_server
start_agent
sleep 3
[ "$(ops wipe.factory_reset)" = 0 ] && [ -n "$KEY" ] && [ -e "$KEY" ] &&
	[ -n "$(db "SELECT value FROM kv WHERE key = 'command_after_ack'")" ] &&
	ok "WIPE: while the server has not acknowledged the result, nothing is wiped" ||
	not_ok "WIPE waits" "$(tail -n 3 "$OPS"; ls "$T/state")"
start_server "127.0.0.1:$PORT"
if wait_until 20 is_state UNPROVISIONED && wait_result "$CMD" 'SUCCEEDED'; then
	ok "WIPE: the server holds SUCCEEDED, the device is UNPROVISIONED"
else
	not_ok "WIPE done" "$(mdm results "$ID"; ctl status)"
fi
order=$(db "SELECT detail FROM events WHERE kind = 'command-wipe' ORDER BY id" |
	tr '\n' '|')
[ "$order" = "result acknowledged by the server|device key destroyed|factory reset done|" ] &&
	[ "$(ops wipe.factory_reset)" = 1 ] && [ ! -e "$KEY" ] &&
	ok "WIPE order: acknowledged, device key destroyed, then one factory reset" ||
	not_ok "WIPE order" "$order; resets $(ops wipe.factory_reset); key $KEY"

# --- work profile on a company-owned device ------------------------------------
mdm policy set examples/policies/cope.json >/dev/null
if provision WORK_PROFILE_COMPANY_OWNED; then
	ok "a company-owned device with a work profile enrolled ($ID)"
else
	not_ok "COPE enrolled" "$(tail -n 20 "$T/wardend.log")"
fi
ctl sim set profile.exists true >/dev/null
CMD=$(mdm command "$ID" LOCK)
wait_result "$CMD" 'SUCCEEDED' && grep -q '^lock.now scope=profile -> ok' "$OPS" &&
	ok "LOCK in a work-profile mode locks the work profile" ||
	not_ok "LOCK profile" "$(mdm results "$ID"; tail -n 3 "$OPS")"
CMD=$(mdm command "$ID" CLEAR_APP_DATA)
wait_result "$CMD" 'clearAppsDataStatus' && [ "$(ops wipe.profile)" = 1 ] &&
	ok "CLEAR_APP_DATA crypto-erases the work profile" ||
	not_ok "CLEAR_APP_DATA" "$(mdm results "$ID")"
crash_case hal CLEAR_APP_DATA wipe.profile 1 'FAILED .*UNKNOWN.*interrupted'
crash_case inbox CLEAR_APP_DATA wipe.profile 0 'FAILED .*UNKNOWN.*interrupted'
removes=$(ops profile.remove)
resets=$(ops wipe.factory_reset)
CMD=$(mdm command "$ID" RELINQUISH_OWNERSHIP)
if wait_result "$CMD" 'SUCCEEDED' && wait_until 10 is_state UNPROVISIONED &&
	[ "$(ops profile.remove)" = $((removes + 1)) ]; then
	ok "RELINQUISH_OWNERSHIP: the work profile removed, the device unenrolled"
else
	not_ok "RELINQUISH_OWNERSHIP" "$(mdm results "$ID"; ctl status)"
fi
grep '^passcode.apply .*scope=device' "$OPS" | tail -n 1 |
	grep -q 'minLength=0 scope=device .*maxTimeToLock=0ms -> ok' &&
	[ "$(ops wipe.factory_reset)" = "$resets" ] &&
	wait_until 5 sh -c "'$MDM' --dir '$D' devices | grep '^$ID ' | grep -q retired" &&
	ok "RELINQUISH_OWNERSHIP: device-wide policy lifted, personal data kept, the server told" ||
	not_ok "RELINQUISH device-wide" "$(grep '^passcode.apply' "$OPS" | tail -n 2; mdm devices)"
mdm token new --mode FULLY_MANAGED --json "$T/qr3.json" >/dev/null
ctl provision --qr-text "$T/qr3.json" >/dev/null 2>&1
wait_until 20 is_state MANAGED && ok "after it, the device can be provisioned again" ||
	not_ok "provisioned again" "$(ctl status)"

stop_server
finish
