#!/bin/sh
# End to end over the HTTPS binding with the reference server: wardenmdm
# mints a token and a QR code, wardend on the simulated device provisions
# from the PNG, enrolls, takes the policy, reports non-compliance (a weak
# passcode), then compliance once it is fixed; a LOCK command is executed
# and its result stored (commands.sh tests every command). Then the outage: the server stops, 1,000 reports
# pile up in the outbox, the server comes back and ends with exactly those
# 1,000, none twice. A restart of the agent in the middle of enrollment
# completes it with the same key; a used token is refused.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_mdm.sh"

device_says() { # pattern
	mdm device "$ID" 2>/dev/null | grep -Eq -- "$1"
}

if [ ! -x "$MDM" ]; then
	not_ok "wardenmdm is built" "$MDM missing"
	finish
	exit 1
fi
has_qr_image=false
grep -q '^CONFIG_QR_IMAGE=y' "$WARDEN_BIN/.config" && has_qr_image=true

# --- server, token, QR ----------------------------------------------------
if start_server; then
	ok "wardenmdm serves on $URL"
else
	not_ok "wardenmdm starts" "$(cat "$T/mdm.log")"
	finish
	exit 1
fi
PORT=${URL##*:}
check "a policy for the devices (examples/policies/fully_managed.json)" \
	mdm policy set examples/policies/fully_managed.json
if $has_qr_image; then
	mdm token new --mode FULLY_MANAGED --qr "$T/qr.png" \
		--json "$T/qr.json" >"$T/token.out"
else
	mdm token new --mode FULLY_MANAGED --json "$T/qr.json" >"$T/token.out"
fi
TOKEN=$(head -n 1 "$T/token.out")
[ -n "$TOKEN" ] && ok "a one-time token and its QR code" ||
	not_ok "token new" "$(cat "$T/token.out")"

# --- provisioning from the PNG, enrollment, policy ------------------------
start_agent
ctl sim set passcode.length 4 >/dev/null
ctl sim set passcode.quality NUMERIC >/dev/null
if $has_qr_image; then
	ctl provision --qr-image "$T/qr.png" >"$T/prov.out" 2>&1
else
	ctl provision --qr-text "$T/qr.json" >"$T/prov.out" 2>&1
fi
t0=$(date +%s%N)
if wait_until 20 is_state MANAGED; then
	ms=$((($(date +%s%N) - t0) / 1000000))
	ok "provisioned from the QR code and enrolled: MANAGED (${ms} ms after provisioning)"
else
	not_ok "enrolled" "$(cat "$T/prov.out"; tail -n 20 "$T/wardend.log")"
fi
ID=$(field deviceId)
mdm devices | grep -q "^$ID " &&
	ok "the server lists device $ID" || not_ok "devices" "$(mdm devices)"
wait_until 10 grep -q '^camera.set_allowed allowed=false -> ok' \
	"$T/dev/ops.log" &&
	grep -q '^passcode.apply quality=NUMERIC_COMPLEX minLength=6' \
		"$T/dev/ops.log" &&
	ok "the server's policy is enforced on the device" ||
	not_ok "policy enforced" "$(cat "$T/dev/ops.log")"

# --- compliance reaches the server ----------------------------------------
if wait_until 15 device_says '^compliant: no' &&
	device_says '^passwordPolicies .*(INVALID_VALUE|USER_ACTION)'; then
	ok "the weak passcode reaches the server as non-compliance"
else
	not_ok "non-compliance on the server" "$(mdm device "$ID")"
fi
ctl sim set passcode.length 8 >/dev/null
ctl sim set passcode.quality NUMERIC_COMPLEX >/dev/null
if wait_until 15 sh -c "! '$MDM' --dir '$D' device '$ID' | grep -q '^passwordPolicies '"; then
	ok "once fixed, the server no longer lists the passcode"
else
	not_ok "passcode fixed on the server" "$(mdm device "$ID")"
fi
ctl compliance >"$T/compliance.out" 2>&1
if grep -q '^Compliant' "$T/compliance.out"; then
	wait_until 15 device_says '^compliant: yes' &&
		ok "compliant on the device and on the server" ||
		not_ok "compliant on the server" "$(mdm device "$ID")"
fi

# --- a command -------------------------------------------------------------
sleep 1
t0=$(date +%s%N)
CMD=$(mdm command "$ID" LOCK)
if wait_until 5 grep -q '^lock.now scope=device -> ok' "$T/dev/ops.log"; then
	ms=$((($(date +%s%N) - t0) / 1000000))
	[ $ms -lt 1500 ] &&
		ok "LOCK reaches the idle device and runs (${ms} ms from the CLI)" ||
		not_ok "LOCK within a second" "${ms} ms"
else
	not_ok "LOCK executed" "$(cat "$T/dev/ops.log")"
fi
wait_until 5 sh -c "'$MDM' --dir '$D' results '$ID' | grep -q '^$CMD .* SUCCEEDED'" &&
	ok "the LOCK result is stored on the server" ||
	not_ok "LOCK result" "$(mdm results "$ID")"
CMD=$(mdm command "$ID" SELF_DESTRUCT)
wait_until 5 sh -c "'$MDM' --dir '$D' results '$ID' | grep -q '^$CMD .* UNSUPPORTED'" &&
	ok "a command type the agent does not know is answered UNSUPPORTED" ||
	not_ok "unknown type result" "$(mdm results "$ID")"

# --- certificate renewal ----------------------------------------------------
renew_at=$(date -d "$(field certificateRenewAt)" +%s)
not_after=$(sqlite3 "$T/state/warden.db" "SELECT certificate FROM enrollment" |
	openssl x509 -noout -enddate | cut -d= -f2)
not_after=$(date -d "$not_after" +%s)
[ $((not_after - renew_at)) -eq $((30 * 86400)) ] &&
	ok "renewal scheduled 30 days before the certificate expires" ||
	not_ok "renewal schedule" "renew at $renew_at, expires $not_after"
CMD=$(mdm command "$ID" RENEW_CERTIFICATE)
if wait_until 10 sh -c "'$MDM' --dir '$D' results '$ID' | grep -q '^$CMD .* SUCCEEDED'" &&
	[ ! -e "$T/state/device.key" ] && ls "$T/state"/device-*.key >/dev/null 2>&1; then
	ok "RENEW_CERTIFICATE: a new key and certificate, the old key destroyed"
else
	not_ok "renewal" "$(mdm results "$ID"; ls "$T/state")"
fi
stop_agent
start_agent
n=$(mdm reports "$ID" --count)
ctl sim set storage.total_bytes 63000000000 >/dev/null
wait_until 10 sh -c "[ \"\$('$MDM' --dir '$D' reports '$ID' --count)\" -gt $n ]" &&
	ok "after a restart the renewed credentials authenticate the device" ||
	not_ok "after renewal" "$(mdm reports "$ID" --count); $(tail -n 5 "$T/wardend.log")"

# --- the outage: 1,000 reports while the server is down -------------------
wait_until 10 sh -c "[ \"\$('$WARDENCTL' -s '$SOCK' status --json |
	/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[\"outboxPending\"])')\" = 0 ]"
n0=$(mdm reports "$ID" --count)
stop_server
t0=$(date +%s)
i=0
while [ $i -lt 1000 ]; do
	# Each new storage size makes a new report (one scan per set).
	ctl sim set storage.total_bytes $((64000000000 + i)) >/dev/null || break
	i=$((i + 1))
done
wait_until 30 sh -c "[ \"\$('$WARDENCTL' -s '$SOCK' status --json |
	/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[\"outboxPending\"])')\" -ge 1000 ]"
backlog=$(field outboxPending)
echo "# 1000 reports generated in $(($(date +%s) - t0)) s"
[ "$backlog" = 1000 ] && ok "1,000 reports wait in the outbox while the server is down" ||
	not_ok "backlog" "$backlog"
ctl status >"$T/status.out"
grep -q '^next retry: ' "$T/status.out" &&
	grep -q '^server error: .*connection refused (UNREACHABLE)' "$T/status.out" &&
	ok "status shows the backlog's next retry and the error" ||
	not_ok "status during the outage" "$(cat "$T/status.out")"
# The agent restarts during the outage: the rows are in SQLite.
stop_agent
start_agent
start_server "127.0.0.1:$PORT"
t0=$(date +%s%N)
if wait_until 400 sh -c "[ \"\$('$MDM' --dir '$D' reports '$ID' --count)\" -ge $((n0 + 1000)) ]"; then
	ms=$((($(date +%s%N) - t0) / 1000000))
	echo "# backlog delivered ${ms} ms after the server came back"
fi
sleep 2
n1=$(mdm reports "$ID" --count)
dups=$(mdm reports "$ID" | awk '{print $4}' | sort | uniq -d | wc -l)
[ "$n1" = $((n0 + 1000)) ] && [ "$dups" = 0 ] &&
	ok "after the outage the server holds exactly the 1,000 reports, none twice" ||
	not_ok "exactly 1,000" "before $n0, after $n1, duplicated keys $dups"
[ "$(field outboxPending)" = 0 ] && ok "the outbox is empty again" ||
	not_ok "outbox empty" "$(ctl status)"

# --- a restart in the middle of enrollment ---------------------------------
stop_agent
mv "$T/state" "$T/state-1"
mv "$T/dev" "$T/dev-1"
: >"$T/wardend.log"
mdm token new --mode FULLY_MANAGED --json "$T/qr2.json" >/dev/null
stop_server
start_agent
ctl provision --qr-text "$T/qr2.json" >/dev/null 2>&1
wait_until 5 grep -q 'enrollment: device key generated' "$T/wardend.log"
wait_until 5 grep -q 'next attempt in' "$T/wardend.log"
kill_agent
start_server "127.0.0.1:$PORT"
start_agent
if wait_until 20 is_state MANAGED &&
	grep -q 'device key of an interrupted attempt reused' "$T/wardend.log"; then
	ok "killed while enrolling, the agent completes the enrollment with its key"
else
	not_ok "restart while enrolling" "$(field state); $(tail -n 10 "$T/wardend.log")"
fi

# --- token reuse -----------------------------------------------------------
stop_agent
rm -rf "$T/state" "$T/dev"
: >"$T/wardend.log"
start_agent
ctl provision --qr-text "$T/qr2.json" >/dev/null 2>&1
if wait_until 10 is_state UNPROVISIONED &&
	ctl status | grep -q '^server error: enrollment with .* refused: HTTP 403 PERMISSION_DENIED'; then
	ok "a used token is refused: UNPROVISIONED, the reason in status"
else
	not_ok "token reuse" "$(ctl status)"
fi

stop_server
finish
