#!/bin/sh
# One URL parser for provisioning, the bindings and wardenmdm: a server
# URL with an IPv6 literal (https://[::1]:PORT) provisions and enrolls
# against a server on ::1; a malformed one is refused by `provision`
# with exit 2 and changes nothing.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_mdm.sh"

if ! ip -6 addr show dev lo 2>/dev/null | grep -q '::1'; then
	not_ok "IPv6 loopback" "::1 is not configured on lo"
	finish
fi
start_server "[::1]:0" || { not_ok "wardenmdm on [::1]" "$(cat "$T/mdm.log")"; finish; }
case "$URL" in
https://\[::1\]:[0-9]*) ok "wardenmdm listens on $URL" ;;
*) not_ok "server URL on ::1" "$URL" ;;
esac
mdm token new --mode FULLY_MANAGED --server "$URL" --json "$T/qr.json" >/dev/null
start_agent || { not_ok "agent starts" "$(cat "$T/wardend.log")"; finish; }

# A malformed IPv6 URL: refused whole, exit 2, the device untouched.
/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
b = d["android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE"]
b["warden.SERVER_URL"] = b["warden.SERVER_URL"].replace("]:", ":")
json.dump(d, open(sys.argv[2], "w"))' "$T/qr.json" "$T/bad.json"
expect_fail "provision refuses https://[::1:PORT (exit 2, naming the field)" 2 \
	'warden.SERVER_URL: bad IPv6 address' ctl provision --qr-text "$T/bad.json"
[ "$(field state)" = UNPROVISIONED ] &&
	ok "... and the device stays UNPROVISIONED" || not_ok "state after refusal" "$(ctl status)"

ctl provision --qr-text "$T/qr.json" >"$T/prov.out" 2>&1
if wait_until 30 is_state MANAGED; then
	ok "provisioned with $URL: MANAGED"
else
	not_ok "enrollment over ::1" "$(cat "$T/prov.out"; ctl status; tail -n 20 "$T/wardend.log")"
fi
[ "$(field server)" = "$URL" ] && ok "status names the IPv6 server URL" ||
	not_ok "status server" "$(field server)"
ID=$(field deviceId)
wait_until 15 sh -c "'$MDM' --dir '$D' device '$ID' | grep -q '^compliant:'" &&
	ok "the first report reached the server over ::1" ||
	not_ok "report over ::1" "$(mdm device "$ID"; tail -n 20 "$T/wardend.log")"
stop_agent
stop_server
finish
