#!/bin/sh
# AMAPI policies as EMMs send them, on the simulated device: each example
# of examples/policies/ and the policies of tests/data/amapi/ (written
# from AMAPI's reference: applications, passwordRequirements, biometric
# qualities) end Compliant once the device meets them, and NonCompliant
# with the right per-setting reason while it does not. `policy check`
# predicts the verdict per setting, offline and from the agent.
. "$(dirname "$0")/lib.sh"
EX=examples/policies
A=tests/data/amapi

# verdict: the device's wardenVerdict.
verdict() {
	ctl compliance --json 2>/dev/null | json_get wardenVerdict
}
# details: "settingName fieldPath reason" per non-compliance detail.
details() {
	ctl compliance --json 2>/dev/null | /usr/bin/python3 -c '
import json, sys
for d in json.load(sys.stdin).get("nonComplianceDetails", []):
    print(d["settingName"], d.get("fieldPath", "-"), d["nonComplianceReason"])
'
}
# fresh MODE: a new agent on a new simulated device in MODE.
fresh() {
	stop_agent
	rm -rf "$T/dev" "$T/state"
	printf 'mode %s\n' "$1" >"$T/mode.conf"
	start_agent -f "$T/mode.conf" || not_ok "agent starts in $1"
}
# apply FILE: applies it and waits for the scan that follows.
apply() {
	ctl policy apply "$1" >"$T/apply.out" 2>&1 &&
		ctl scan >/dev/null 2>&1
}

# --- policy check: offline, then from the agent ----------------------------------
ctl policy check $A/usb-files-and-app.json >"$T/check.out" 2>&1
grep -q 'no agent answers; with HAL backend sim' "$T/check.out" &&
	grep -Eq '^  UNSUPPORTED usbDataAccess .*file transfer alone: USB is left as it is' "$T/check.out" &&
	grep -Eq '^  enforce +applications\[0\] +sim installs com\.acme\.notes .*again whenever it is removed' "$T/check.out" &&
	ok "policy check offline names the non-kiosk app and DISALLOW_USB_FILE_TRANSFER and what happens" ||
	not_ok "policy check offline" "$(cat "$T/check.out")"
grep -Eq '^  enforce +applications\[0\] +dpkg installs com\.acme\.notes' "$T/check.out" &&
	ok "policy check offline covers the build's linux backend (dpkg)" ||
	not_ok "policy check: linux backend" "$(cat "$T/check.out")"
ctl policy check $A/field-worker.json >"$T/check.out" 2>&1
grep -Eq '^  map +passwordRequirements\.passwordQuality|^  map +cameraAccess' "$T/check.out" &&
	grep -Eq '^  enforce +applications\[2\] +sim removes com\.example\.social and pins it' "$T/check.out" &&
	ok "policy check: mapped values and BLOCKED" ||
	not_ok "policy check field-worker" "$(cat "$T/check.out")"
ctl policy check $A/cope-biometric.json >"$T/check.out" 2>&1
grep -Eq '^  ignored +passwordRequirements +passwordPolicies\[1\] sets the device' "$T/check.out" &&
	grep -Eq '^  map +passwordPolicies\[0\]\.passwordQuality +BIOMETRIC_WEAK -> SOMETHING' "$T/check.out" &&
	ok "policy check: passwordRequirements ignored under a device entry; BIOMETRIC_WEAK mapped" ||
	not_ok "policy check cope-biometric" "$(cat "$T/check.out")"

fresh DEDICATED
ctl policy check $A/kiosk-scanner.json >"$T/check.out" 2>&1
grep -q 'on this device (HAL sim, mode DEDICATED)' "$T/check.out" &&
	grep -Eq '^  enforce +kioskCustomization +kiosk.customize' "$T/check.out" &&
	ok "policy check asks the agent: this device's HAL and mode" ||
	not_ok "policy check on the agent" "$(cat "$T/check.out")"
ctl --json policy check $A/kiosk-scanner.json >"$T/check.json" 2>&1
json_get device/settings <"$T/check.json" >/dev/null 2>&1 &&
	ok "policy check --json" || not_ok "policy check --json" "$(cat "$T/check.json")"

# --- the examples: Compliant on a device that meets them -------------------------
for ex in fully_managed:FULLY_MANAGED kiosk:DEDICATED cope:WORK_PROFILE_COMPANY_OWNED \
    byod:WORK_PROFILE_PERSONAL; do
	f=${ex%%:*} m=${ex#*:}
	fresh "$m"
	ctl sim repo com.acme.mail 3.2.1 >/dev/null
	apply $EX/$f.json
	v=$(verdict)
	[ "$v" = Compliant ] && ok "examples/policies/$f.json ($m): Compliant" ||
		not_ok "$f: Compliant" "$v $(details)"
done

# --- field-worker: passwordRequirements, minimumVersionCode, BLOCKED -----------------
fresh FULLY_MANAGED
ctl sim set passcode.length 8 >/dev/null
ctl sim repo com.acme.fieldapp 2.2.0 >/dev/null
ctl sim app com.example.social 5.1 >/dev/null
apply $A/field-worker.json
details >"$T/details"
grep -qx 'passwordPolicies passwordPolicies.passwordMinimumLength USER_ACTION' "$T/details" &&
	grep -qx 'applications applications\[0\] APP_NOT_UPDATED' "$T/details" &&
	grep -qx 'applications applications\[1\] APP_NOT_INSTALLED' "$T/details" &&
	[ "$(wc -l <"$T/details")" -eq 3 ] &&
	ok "field-worker: NonCompliant: passcode too short (passwordRequirements), fieldapp too old, maps not found" ||
	not_ok "field-worker reasons" "$(cat "$T/details")"
ctl sim show | json_get apps/installed/com.example.social >/dev/null 2>&1 &&
	not_ok "BLOCKED com.example.social is removed" ||
	ok "BLOCKED com.example.social is removed"
grep -q 'passcode.apply quality=ALPHANUMERIC minLength=10' "$T/dev/ops.log" &&
	ok "passwordRequirements is the device passcode (ALPHANUMERIC, 10)" ||
	not_ok "passwordRequirements applied" "$(grep passcode "$T/dev/ops.log")"
ctl sim set passcode.length 12 >/dev/null
ctl sim repo com.acme.fieldapp 2.3.1 >/dev/null
ctl sim repo com.acme.maps 1.0 >/dev/null
apply $A/field-worker.json
v=$(verdict)
[ "$v" = Compliant ] && ok "field-worker: Compliant once met" ||
	not_ok "field-worker Compliant" "$v $(details)"
ctl compliance --json | json_get applicationReports >"$T/apps.json"
/usr/bin/python3 - "$T/apps.json" <<'EOF' && ok "applicationReports on the sim: versions, versionCode, blocked" ||
import json, sys
a = {x["packageName"]: x for x in json.load(open(sys.argv[1]))}
assert a["com.acme.fieldapp"]["versionName"] == "2.3.1"
assert a["com.acme.fieldapp"]["versionCode"] == 2003001
assert a["com.acme.fieldapp"]["installerPackageName"] == "sim"
assert a["com.example.social"]["state"] == "REMOVED"
assert "com.acme.chat" not in a
EOF
	not_ok "applicationReports" "$(cat "$T/apps.json")"
# A user removes the forced app; the report changes without a rescan.
ctl sim app com.acme.fieldapp none >/dev/null
n=0
while [ $n -lt 50 ] && ! ctl sim show | json_get apps/installed/com.acme.fieldapp >/dev/null 2>&1; do
	sleep 0.1
	n=$((n + 1))
done
[ $n -lt 50 ] && ok "drift: the removed FORCE_INSTALLED app is installed again" ||
	not_ok "drift reinstall" "$(tail -n 5 "$T/dev/ops.log")"
# PREINSTALLED is installed once: a removal is the user's choice.
ctl sim app com.acme.maps none >/dev/null
sleep 0.6
ctl scan >/dev/null
ctl sim show | json_get apps/installed/com.acme.maps >/dev/null 2>&1 &&
	not_ok "PREINSTALLED is not reinstalled" ||
	ok "PREINSTALLED is not reinstalled after the user removed it"

# --- cope-biometric: BIOMETRIC_WEAK, ignored passwordRequirements, failures -------------
fresh WORK_PROFILE_COMPANY_OWNED
ctl sim set passcode.quality NUMERIC_COMPLEX >/dev/null
ctl sim repo com.acme.mail 3.2.1 >/dev/null
ctl sim repo com.acme.crm 1.4 >/dev/null
ctl sim fail apps.install EIO >/dev/null
apply $A/cope-biometric.json
details >"$T/details"
grep -qx 'applications applications\[0\] APP_NOT_INSTALLED' "$T/details" &&
	grep -qx 'applications applications\[1\] APP_NOT_INSTALLED' "$T/details" &&
	[ "$(wc -l <"$T/details")" -eq 2 ] &&
	ok "cope-biometric: a failing install is APP_NOT_INSTALLED, nothing else" ||
	not_ok "cope-biometric reasons" "$(cat "$T/details")"
ctl compliance --json | grep -q 'INSTALLATION_FAILURE_REASON_UNKNOWN' &&
	ok "the failure names AMAPI's installationFailureReason" ||
	not_ok "installationFailureReason"
grep -q 'passcode.apply quality=SOMETHING minLength=0 scope=profile' "$T/dev/ops.log" &&
	grep -q 'passcode.apply quality=NUMERIC_COMPLEX minLength=6 scope=device' "$T/dev/ops.log" &&
	! grep -q 'quality=NUMERIC minLength=4' "$T/dev/ops.log" &&
	ok "BIOMETRIC_WEAK is SOMETHING on the profile; passwordRequirements yields to SCOPE_DEVICE" ||
	not_ok "passcodes" "$(grep passcode "$T/dev/ops.log")"
ctl sim fail apps.install 0 >/dev/null
ctl sim delay apps.install 300 >/dev/null
apply $A/cope-biometric.json
v=$(verdict)
[ "$v" = Compliant ] && ok "cope-biometric: Compliant once installs work (slow ones too)" ||
	not_ok "cope-biometric Compliant" "$v $(details)"

# --- kiosk-scanner: kiosk app kept, helper required, a browser blocked ---------------
fresh DEDICATED
ctl sim app org.mozilla.firefox 115.3 >/dev/null
ctl sim repo com.acme.scanner-helper 0.9 >/dev/null
apply $A/kiosk-scanner.json
details >"$T/details"
[ "$(cat "$T/details")" = "applications applications[1] APP_NOT_UPDATED" ] &&
	ok "kiosk-scanner: only the helper below minimumVersionCode: APP_NOT_UPDATED" ||
	not_ok "kiosk-scanner reasons" "$(cat "$T/details")"
[ "$(ctl facts 2>/dev/null | grep -c 'kiosk.active.*true')" -ge 1 ] ||
	ctl sim show | json_get facts/kiosk.active | grep -qx true
[ $? -eq 0 ] && ok "the kiosk app runs as before" || not_ok "kiosk app"
ctl sim repo com.acme.scanner-helper 1.2 >/dev/null
apply $A/kiosk-scanner.json
v=$(verdict)
[ "$v" = Compliant ] && ok "kiosk-scanner: Compliant once the source has helper 1.2" ||
	not_ok "kiosk-scanner Compliant" "$v $(details)"

# --- usb-files-and-app: the one setting Linux cannot keep ---------------------------
fresh FULLY_MANAGED
ctl sim repo com.acme.notes 1.0 >/dev/null
apply $A/usb-files-and-app.json
[ "$(details)" = "usbDataAccess usbDataAccess UNSUPPORTED" ] &&
	ok "DISALLOW_USB_FILE_TRANSFER: UNSUPPORTED for that setting, the app installed" ||
	not_ok "usb-files reasons" "$(details)"
finish
