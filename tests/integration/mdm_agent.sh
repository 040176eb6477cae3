#!/bin/sh
# wardend against the reference server, both real processes on 127.0.0.1:
# a QR code minted by wardenmdm provisions a simulated device, which
# enrolls, takes the server's policy, reports compliance, answers a LOCK
# and an unknown command, and reports a passcode made too short.
. "$(dirname "$0")/lib.sh"
MDM="$WARDEN_BIN/wardenmdm"
D="$T/mdm"
SRV_PID=

mdm() {
	"$MDM" --dir "$D" "$@"
}

stop_server() {
	if [ -n "$SRV_PID" ]; then
		kill -TERM "$SRV_PID" 2>/dev/null
		wait "$SRV_PID"
		SRV_PID=
	fi
}

# until SECONDS COMMAND...: retries the command every 0.1 s.
until_ok() {
	n=$(($1 * 10))
	shift
	while [ "$n" -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

state_is() {
	[ "$(ctl status --json | json_get state)" = "$1" ]
}

if [ ! -x "$MDM" ]; then
	not_ok "wardenmdm is built" "$MDM missing"
	finish
	exit 1
fi
"$MDM" --dir "$D" serve --listen 127.0.0.1:0 >>"$T/mdm.log" 2>&1 &
SRV_PID=$!
if until_ok 10 test -s "$D/server.url"; then
	URL=$(cat "$D/server.url")
	ok "wardenmdm listens on $URL"
else
	not_ok "wardenmdm starts" "$(cat "$T/mdm.log")"
	finish
	exit 1
fi
check "the default policy is set" \
	mdm policy set examples/policies/fully_managed.json

# --- QR -> ENROLLING -> MANAGED ------------------------------------------
start_agent || not_ok "the agent starts" "$(tail -n 5 "$T/wardend.log")"
if grep -q '^CONFIG_QR_IMAGE=y' "$WARDEN_BIN/.config"; then
	mdm token new --mode FULLY_MANAGED --qr "$T/qr.png" >/dev/null
	ctl provision --qr-image "$T/qr.png" >"$T/prov.out" 2>&1
else
	mdm token new --mode FULLY_MANAGED --json "$T/qr.json" >/dev/null
	ctl provision --qr-text "$T/qr.json" >"$T/prov.out" 2>&1
fi
t0=$(date +%s%N)
if until_ok 20 state_is MANAGED; then
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	echo "# provisioned to MANAGED in $ms ms"
	ok "the device provisions from the server's QR code and enrolls"
else
	not_ok "enrolled" "$(cat "$T/prov.out"; ctl status)"
fi
ID=$(mdm devices | awk 'NR == 2 { print $1 }')
[ -n "$ID" ] && ctl status | grep -q "device $ID" &&
	ok "agent and server agree on the device id ($ID)" ||
	not_ok "device id" "$(mdm devices; ctl status)"

# --- policy and compliance -------------------------------------------------
compliant() {
	mdm devices | grep -Eq "^$ID .* $1$"
}
until_ok 20 compliant yes &&
	grep -q 'policy from the server in force (ETag "42")' "$T/wardend.log" &&
	ok "the policy (ETag \"42\") is applied and the device reports compliant" ||
	not_ok "compliant" "$(mdm devices; tail -n 20 "$T/wardend.log")"
ctl sim set passcode.length 4 >/dev/null
ctl scan >/dev/null
passcode_reported() {
	mdm device "$ID" | grep -Eq '^passwordPolicies +[A-Z_]+ '
}
until_ok 20 passcode_reported && compliant no &&
	ok "a too-short passcode reaches the server with its reason" ||
	not_ok "non-compliance" "$(mdm device "$ID")"

# --- commands ----------------------------------------------------------------
answered() {
	mdm results "$ID" | grep -q "^$1 .* $2 "
}
t0=$(date +%s%N)
CMD=$(mdm command "$ID" LOCK)
if until_ok 20 answered "$CMD" SUCCEEDED; then
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	echo "# LOCK queued to SUCCEEDED stored: $ms ms"
	grep -q '^lock.now ' "$T/dev/ops.log" &&
		ok "LOCK: delivered by long poll, executed, SUCCEEDED ($ms ms)" ||
		not_ok "LOCK op" "$(cat "$T/dev/ops.log")"
else
	not_ok "LOCK" "$(mdm results "$ID")"
fi
CMD=$(mdm command "$ID" FLY_TO_MOON)
until_ok 20 answered "$CMD" UNSUPPORTED &&
	ok "an unknown command type is answered UNSUPPORTED" ||
	not_ok "UNSUPPORTED" "$(mdm results "$ID")"

stop_agent
stop_server
if [ "$nfail" -ne 0 ]; then
	echo "# server log:"
	tail -n 20 "$T/mdm.log" | sed 's/^/# /'
fi
finish
