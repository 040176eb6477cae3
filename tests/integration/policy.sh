#!/bin/sh
# Policies on the simulated device: validation, the exact HAL operations
# of each example, compliance with reasons, drift, failed-attempt wipe,
# HAL failures, management-mode limits, and refusals that change nothing.
. "$(dirname "$0")/lib.sh"
EX=examples/policies
DATA=tests/data/policies

# --- wardenctl policy check ----------------------------------------------
for f in $EX/*.json; do
	check "policy check accepts $(basename "$f")" ctl policy check "$f"
done
expect_fail "wrong type names its fieldPath" 2 \
	'^passwordPolicies\[0\]\.passwordMinimumLength: must be an integer' \
	ctl policy check $DATA/wrong_type.json
expect_fail "unknown enum names its fieldPath" 2 \
	'^cameraAccess: unknown value "CAMERA_ACCESS_SOMETIMES"' \
	ctl policy check $DATA/unknown_enum.json
expect_fail "negative length names its fieldPath" 2 \
	'^passwordPolicies\[0\]\.passwordMinimumLength: -4 is out of range' \
	ctl policy check $DATA/negative_length.json
expect_fail "deeply nested JSON is rejected" 2 'nesting deeper than 32' \
	ctl policy check $DATA/deeply_nested.json
/usr/bin/python3 -c 'import sys; sys.stdout.write("{\"name\":\"" + "a" * (10 << 20) + "\"}")' >"$T/big.json"
expect_fail "a 10 MB document is rejected" 2 'more than the 262144 allowed' \
	ctl policy check "$T/big.json"

# --- each example: the exact operations ----------------------------------
# expect_ops EXAMPLE MODE: applies the example on a fresh device in MODE
# and compares the op log with the expected lines on stdin.
expect_ops() {
	ex=$1 mode=$2
	cat >"$T/expected"
	rm -rf "$T/dev" "$T/state"
	printf 'mode %s\n' "$mode" >"$T/mode.conf"
	start_agent -f "$T/mode.conf" || { not_ok "$ex: agent starts"; return; }
	if ctl policy apply "$EX/$ex.json" >"$T/apply.out" 2>&1; then
		if diff -u "$T/expected" "$T/dev/ops.log" >"$T/diff"; then
			ok "$ex: exactly the expected HAL operations"
		else
			not_ok "$ex: exactly the expected HAL operations" "$(cat "$T/diff")"
		fi
	else
		not_ok "$ex: policy apply" "$(cat "$T/apply.out")"
	fi
	stop_agent
}

expect_ops fully_managed FULLY_MANAGED <<'OPS'
network.apply_wifi ssid="ACME-Depot" security=EAP hidden=false -> ok
passcode.apply quality=NUMERIC_COMPLEX minLength=6 scope=device history=5 expiry=7776000s maxFailedForWipe=10 maxTimeToLock=300000ms -> ok
passcode.apply quality=NUMERIC_COMPLEX minLength=6 scope=device history=5 expiry=7776000s maxFailedForWipe=10 maxTimeToLock=300000ms -> ok
camera.set_allowed allowed=false -> ok
restrict.screen_capture allowed=false -> ok
restrict.usb_data allowed=false -> ok
restrict.keyguard_features disabled=0xd -> ok
restrict.factory_reset allowed=false -> ok
OPS
expect_ops kiosk DEDICATED <<'OPS'
network.apply_wifi ssid="ACME-Kiosk" security=WPA hidden=true -> ok
passcode.apply quality=PASSWORD_QUALITY_UNSPECIFIED minLength=0 scope=device history=0 expiry=0s maxFailedForWipe=0 maxTimeToLock=0ms -> ok
camera.set_allowed allowed=true -> ok
restrict.screen_capture allowed=false -> ok
restrict.usb_data allowed=false -> ok
restrict.keyguard_features disabled=0x400 -> ok
restrict.factory_reset allowed=false -> ok
kiosk.enter app="/usr/bin/parcel-kiosk --fullscreen --locale=en_GB" -> ok
kiosk.customize POWER_BUTTON_BLOCKED ERROR_AND_WARNINGS_MUTED NAVIGATION_DISABLED SYSTEM_INFO_ONLY SETTINGS_ACCESS_BLOCKED -> ok
OPS
expect_ops cope WORK_PROFILE_COMPANY_OWNED <<'OPS'
profile.create -> ok
passcode.apply quality=NUMERIC minLength=4 scope=device history=0 expiry=0s maxFailedForWipe=0 maxTimeToLock=600000ms -> ok
passcode.apply quality=NUMERIC minLength=4 scope=device history=0 expiry=0s maxFailedForWipe=0 maxTimeToLock=600000ms -> ok
passcode.apply quality=COMPLEX minLength=8 scope=profile history=0 expiry=2592000s maxFailedForWipe=0 maxTimeToLock=0ms -> ok
restrict.screen_capture allowed=true -> ok
restrict.usb_data allowed=true -> ok
apps.set_blocked com.acme.mail allowed -> ok
apps.install com.acme.mail -> No such file or directory
apps.set_blocked org.example.game blocked -> ok
OPS
expect_ops byod WORK_PROFILE_PERSONAL <<'OPS'
profile.create -> ok
passcode.apply quality=ALPHANUMERIC minLength=8 scope=profile history=3 expiry=0s maxFailedForWipe=15 maxTimeToLock=0ms -> ok
apps.set_blocked com.acme.mail allowed -> ok
apps.install com.acme.mail -> No such file or directory
OPS

# --- the compliance story -------------------------------------------------
rm -rf "$T/dev" "$T/state"
start_agent -R examples/rules/handheld.json || not_ok "agent starts"
ctl policy apply $EX/fully_managed.json >/dev/null
ctl compliance --json >"$T/c.json"
[ "$(json_get policyCompliant <"$T/c.json")" = "true" ] &&
	ok "fully managed example: compliant at first" ||
	not_ok "fully managed example: compliant at first" "$(cat "$T/c.json")"
ctl sim set passcode.length 4 >/dev/null
ctl sim set passcode.quality NUMERIC >/dev/null
ctl sim set disk.encrypted false >/dev/null
ctl scan >/dev/null
ctl compliance --json >"$T/c.json"
/usr/bin/python3 - "$T/c.json" <<'PY' >"$T/verdict" 2>&1
import json, sys
r = json.load(open(sys.argv[1]))
d = {(x["settingName"], x.get("fieldPath")): x for x in r["nonComplianceDetails"]}
assert r["policyCompliant"] is False, r["policyCompliant"]
q = d[("passwordPolicies", "passwordPolicies.passwordQuality")]
assert q["nonComplianceReason"] == "USER_ACTION", q
assert q["currentValue"] == "NUMERIC", q
l = d[("passwordPolicies", "passwordPolicies.passwordMinimumLength")]
assert l["nonComplianceReason"] == "USER_ACTION" and l["currentValue"] == 4, l
e = d[("encryptionPolicy", "encryptionPolicy")]
assert e["nonComplianceReason"] == "INVALID_VALUE" and e["currentValue"] is False, e
print("ok")
PY
[ "$(cat "$T/verdict")" = "ok" ] &&
	ok "weak passcode and no encryption: non-compliant with the right reasons" ||
	not_ok "weak passcode and no encryption: non-compliant with the right reasons" "$(cat "$T/verdict")"
ctl compliance >"$T/c.txt"
head -n 1 "$T/c.txt" | grep -q '^NonCompliant' &&
	grep -q 'remediation: Change the passcode' "$T/c.txt" &&
	ok "the human view starts with the verdict and gives remediation" ||
	not_ok "the human view" "$(cat "$T/c.txt")"
ctl sim set passcode.length 8 >/dev/null
ctl sim set passcode.quality NUMERIC_COMPLEX >/dev/null
ctl sim set disk.encrypted true >/dev/null
ctl scan >/dev/null
[ "$(ctl compliance --json | json_get policyCompliant)" = "true" ] &&
	ok "fixed: compliant at the next scan" ||
	not_ok "fixed: compliant at the next scan" "$(ctl compliance)"
n=$(sqlite3 "$T/state/warden.db" "SELECT count(*) FROM outbox WHERE kind = 'report'")
[ "$n" -ge 3 ] && ok "each new verdict is queued in the outbox ($n reports)" ||
	not_ok "reports queued in the outbox" "n=$n"

# --- drift -----------------------------------------------------------------
: >"$T/dev/ops.log"
ctl sim set camera.blocked false >/dev/null
i=0
while [ $i -lt 30 ] && ! grep -q 'camera.set_allowed allowed=false -> ok' "$T/dev/ops.log"; do
	sleep 0.1
	i=$((i + 1))
done
grep -q 'camera.set_allowed allowed=false -> ok' "$T/dev/ops.log" &&
	[ "$(ctl facts --json | json_get facts/camera.blocked/value)" = "true" ] &&
	ok "a re-enabled camera is blocked again" ||
	not_ok "a re-enabled camera is blocked again" "$(cat "$T/dev/ops.log")"
n=$(sqlite3 "$T/state/warden.db" "SELECT count(*) FROM events WHERE kind = 'drift'")
[ "$n" -ge 1 ] && ok "the drift is recorded as an event" || not_ok "drift event" "n=$n"

# --- maximumFailedPasswordsForWipe -----------------------------------------
: >"$T/dev/ops.log"
ctl sim set passcode.failed_attempts 9 >/dev/null
ctl scan >/dev/null
grep -q wipe "$T/dev/ops.log" && not_ok "9 failed attempts of 10 do not wipe" ||
	ok "9 failed attempts of 10 do not wipe"
ctl sim set passcode.failed_attempts 10 >/dev/null
ctl scan >/dev/null
sleep 0.3
[ "$(grep -c '^wipe.factory_reset -> ok' "$T/dev/ops.log")" = 1 ] &&
	ok "10 failed attempts wipe the device, once" ||
	not_ok "10 failed attempts wipe the device, once" "$(cat "$T/dev/ops.log")"
n=30
while [ "$(ctl status --json | json_get state)" != UNPROVISIONED ] && [ $n -gt 0 ]; do
	sleep 0.1
	n=$((n - 1))
done
[ "$(ctl status --json | json_get state)" = UNPROVISIONED ] &&
	[ "$(sqlite3 "$T/state/warden.db" "SELECT count(*) FROM policies WHERE active = 1")" = 0 ] &&
	sqlite3 "$T/state/warden.db" "SELECT reason FROM state_history" |
	grep -q 'wiped: 10 failed passcode attempts' &&
	ok "... and then the agent forgets its policy, as after a WIPE command" ||
	not_ok "forgotten after the wipe" "$(ctl status)"

# --- refused changes change nothing -----------------------------------------
cp "$T/dev/ops.log" "$T/ops.before"
v_before=$(ctl policy show --json | json_get version)
expect_fail "an invalid policy is refused" 2 'cameraAccess: unknown value' \
	ctl policy apply $DATA/unknown_enum.json
[ "$(ctl policy show --json | json_get version)" = "$v_before" ] &&
	cmp -s "$T/ops.before" "$T/dev/ops.log" &&
	ok "the refused policy changed nothing" ||
	not_ok "the refused policy changed nothing"
stop_agent

# --- a failing HAL op does not stop the others ------------------------------
rm -rf "$T/dev" "$T/state"
start_agent
ctl sim fail camera.set_allowed EIO >/dev/null
ctl policy apply $EX/fully_managed.json >"$T/apply.out" 2>&1
grep -q 'failed *cameraAccess .*Input/output error' "$T/apply.out" &&
	grep -q 'applied *factoryResetDisabled' "$T/apply.out" &&
	ok "a failed camera op is recorded; the later settings still apply" ||
	not_ok "a failed HAL op does not abort the others" "$(cat "$T/apply.out")"
ctl compliance --json | json_get nonComplianceDetails >"$T/d.json"
grep -q '"cameraAccess"' "$T/d.json" && grep -q 'DEVICE_INCOMPATIBLE' "$T/d.json" &&
	ok "the failed setting shows in the report" ||
	not_ok "the failed setting shows in the report" "$(cat "$T/d.json")"

# --- a wipe the agent decided on, interrupted by a stop, goes on ------------
stop_agent
sqlite3 "$T/state/warden.db" "INSERT OR REPLACE INTO kv (key, value)
	VALUES ('wipe_pending', '10 failed passcode attempts')"
start_agent
n=50
while ! grep -q '^wipe.factory_reset -> ok' "$T/dev/ops.log" && [ $n -gt 0 ]; do
	sleep 0.1
	n=$((n - 1))
done
sleep 0.3
[ "$(grep -c '^wipe.factory_reset -> ok' "$T/dev/ops.log")" = 1 ] &&
	[ "$(ctl status --json | json_get state)" = UNPROVISIONED ] &&
	[ -z "$(sqlite3 "$T/state/warden.db" "SELECT value FROM kv WHERE key = 'wipe_pending'")" ] &&
	ok "an interrupted wipe runs once at the next start, then UNPROVISIONED" ||
	not_ok "interrupted wipe resumed" "$(tail -n 3 "$T/dev/ops.log"; ctl status)"
stop_agent

# --- management mode limits --------------------------------------------------
rm -rf "$T/dev" "$T/state"
printf 'mode WORK_PROFILE_PERSONAL\n' >"$T/byod.conf"
start_agent -f "$T/byod.conf"
ctl policy apply $DATA/byod_device_camera.json >"$T/apply.out" 2>&1
grep -q 'camera' "$T/dev/ops.log" &&
	not_ok "BYOD: a device-wide camera block is not enforced" "$(cat "$T/dev/ops.log")" ||
	ok "BYOD: a device-wide camera block is not enforced"
ctl compliance --json >"$T/c.json"
/usr/bin/python3 - "$T/c.json" <<'PY' >"$T/verdict" 2>&1
import json, sys
r = json.load(open(sys.argv[1]))
reasons = {x["settingName"]: x["nonComplianceReason"] for x in r["nonComplianceDetails"]}
assert reasons.get("cameraAccess") == "MANAGEMENT_MODE", reasons
assert reasons.get("usbDataAccess") == "MANAGEMENT_MODE", reasons
assert "serialNumber" not in json.dumps(r.get("hardwareInfo", {})), r.get("hardwareInfo")
print("ok")
PY
[ "$(cat "$T/verdict")" = "ok" ] &&
	ok "BYOD: device-wide settings are MANAGEMENT_MODE; no hardware ids" ||
	not_ok "BYOD: MANAGEMENT_MODE" "$(cat "$T/verdict")"
stop_agent

finish
