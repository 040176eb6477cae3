# lib_console.sh - helpers for the tests of wardenmdm's admin console
# (sourced after lib.sh and lib_mdm.sh): a logged-in session, calls of
# the JSON admin API with it, and a device enrolled by hand (openssl and
# curl) that reports whatever the test wants it to.

CONSOLE_DIR="$WARDEN_SRCTREE/tools/mdm/console"
COOKIE=
CSRF=

# login: opens a session with a fresh login link; sets COOKIE and CSRF.
login() {
	link=$(mdm admin login-url) || return 1
	COOKIE=$(curl -sS --cacert "$D/ca.pem" -D - -o /dev/null "$link" |
		sed -n 's/^Set-Cookie: wardenmdm_session=\([^;]*\);.*/\1/p')
	[ -n "$COOKIE" ] || return 1
	CSRF=$(curl -sS --cacert "$D/ca.pem" \
		-H "Cookie: wardenmdm_session=$COOKIE" \
		"$URL/console/api/session" | json_get csrfToken)
	[ -n "$CSRF" ]
}

# capi METHOD PATH [JSON]: the admin API with the session (and, for
# POST, its CSRF token). Prints the status; the body goes to $T/body.
capi() {
	if [ "$1" = GET ]; then
		curl -sS --cacert "$D/ca.pem" -o "$T/body" -w '%{http_code}' \
			-H "Cookie: wardenmdm_session=$COOKIE" "$URL/console/api/$2"
	else
		curl -sS --cacert "$D/ca.pem" -o "$T/body" -w '%{http_code}' \
			-X "$1" -H "Cookie: wardenmdm_session=$COOKIE" \
			-H "X-CSRF-Token: $CSRF" -H 'Content-Type: application/json' \
			--data-binary "${3:-{\}}" "$URL/console/api/$2"
	fi
}

# hand_enroll NAME DEVICE_JSON: enrolls a device whose enrollment
# "device" object is DEVICE_JSON, with a token of the CLI; keeps its key
# and certificate as $T/NAME.key and $T/NAME.pem and prints its id.
hand_enroll() {
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$T/$1.key" -subj "/CN=$1" -out "$T/$1.csr" 2>/dev/null ||
		return 1
	/usr/bin/python3 -c '
import json, sys
print(json.dumps({"enrollmentToken": sys.argv[1],
    "csr": open(sys.argv[2]).read(), "device": json.loads(sys.argv[3])}))' \
		"$(mdm token new --mode FULLY_MANAGED | head -n 1)" "$T/$1.csr" \
		"$2" >"$T/$1.req"
	curl -sS --cacert "$D/ca.pem" -H 'Content-Type: application/json' \
		--data-binary @"$T/$1.req" "$URL/v1/enroll" >"$T/$1.enrolled"
	json_get certificate <"$T/$1.enrolled" >"$T/$1.pem" || return 1
	json_get deviceId <"$T/$1.enrolled"
}

# hand_report NAME ID PAYLOAD_JSON: device NAME (id ID) posts one report.
hand_report() {
	curl -sS --cacert "$D/ca.pem" --cert "$T/$1.pem" --key "$T/$1.key" \
		-o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
		--data-binary "{\"reports\":[{\"idempotencyKey\":\"k-$(date +%s%N)\",\"kind\":\"report\",\"payload\":$3}]}" \
		"$URL/v1/devices/$2/reports"
}
