#!/bin/sh
# The compliance token: `wardenctl attest` on a device enrolled with the
# reference server, checked by `wardenmdm attest-verify` with the device
# certificate (the server's copy and the agent's own). Tampered payload
# and signature, expiry (WARDEN_ATTEST_TTL), wrong audience and nonce are
# refused; any local user gets a token; a non-compliant device's token
# says so; a device that is not enrolled gets none.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_mdm.sh"
AUD="https://vpn.example.com/gw"

compliant_is() { # true|false
	ctl scan >/dev/null &&
		[ "$(ctl compliance --json | json_get policyCompliant)" = "$1" ]
}

verify() { # TOKEN [options...]: the server's copy of the certificate
	tok=$1
	shift
	"$MDM" attest-verify --dir "$D" --device "$ID" "$@" "$tok"
}

# claim TOKEN NAME: a claim of the (unverified) payload.
claim() {
	printf '%s' "$1" | cut -d. -f2 | /usr/bin/python3 -c '
import base64, json, sys
p = sys.stdin.read().strip()
v = json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))[sys.argv[1]]
print(json.dumps(v) if isinstance(v, (bool, dict, list)) else v)' "$2"
}

# tamper_payload TOKEN: the same header and signature, the payload's
# lifetime extended by an hour.
tamper_payload() {
	printf '%s' "$1" | /usr/bin/python3 -c '
import base64, json, sys
h, p, s = sys.stdin.read().strip().split(".")
c = json.loads(base64.urlsafe_b64decode(p + "=" * (-len(p) % 4)))
c["exp"] += 3600
p = base64.urlsafe_b64encode(json.dumps(c, separators=(",", ":")).encode())
print(h + "." + p.decode().rstrip("=") + "." + s)'
}

# tamper_sig TOKEN: one character in the middle of the signature changed.
tamper_sig() {
	printf '%s' "$1" | /usr/bin/python3 -c '
import sys
h, p, s = sys.stdin.read().strip().split(".")
i = len(s) // 2
s = s[:i] + ("A" if s[i] != "A" else "B") + s[i + 1:]
print(h + "." + p + "." + s)'
}

if ! command -v sqlite3 >/dev/null || [ ! -x "$MDM" ]; then
	not_ok "sqlite3 and wardenmdm are available"
	finish
	exit 1
fi
start_server || { not_ok "wardenmdm starts" "$(cat "$T/mdm.log")"; finish; exit 1; }
mdm policy set examples/policies/fully_managed.json >/dev/null

# --- not enrolled: no token -------------------------------------------------
start_agent
expect_fail "an unenrolled device gets no token" 1 \
	'no device key: the device is not enrolled' ctl attest

# --- enrolled, compliant ----------------------------------------------------
mdm token new --mode FULLY_MANAGED --json "$T/qr.json" >/dev/null
ctl sim set passcode.length 8 >/dev/null
ctl sim set passcode.quality NUMERIC_COMPLEX >/dev/null
ctl provision --qr-text "$T/qr.json" >/dev/null 2>&1
if wait_until 20 is_state MANAGED; then
	ok "the device enrolled"
else
	not_ok "enrolled" "$(tail -n 20 "$T/wardend.log")"
	stop_server
	finish
	exit 1
fi
ID=$(ctl status --json | json_get deviceId)
wait_until 10 grep -q '^camera.set_allowed' "$T/dev/ops.log"
wait_until 15 compliant_is true ||
	not_ok "the device is compliant" "$(ctl compliance)"

TOK=$(ctl attest --audience "$AUD" --nonce n-0123456789abcdef)
if [ "$(printf '%s' "$TOK" | tr -cd . | wc -c)" = 2 ] &&
	[ "$(claim "$TOK" sub)" = "$ID" ] &&
	[ "$(claim "$TOK" aud)" = "$AUD" ] &&
	[ "$(claim "$TOK" policyCompliant)" = true ] &&
	[ "$(claim "$TOK" verdict)" = Compliant ] &&
	[ "$(claim "$TOK" appliedPolicyVersion)" = 42 ] &&
	[ $(($(claim "$TOK" exp) - $(claim "$TOK" iat))) -eq 300 ] &&
	claim "$TOK" lastScanTime | grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$' &&
	claim "$TOK" securityPosture | grep -q devicePosture; then
	ok "attest: a compact JWS with the device's claims, 300 s"
else
	not_ok "attest claims" "$TOK"
fi
if out=$(verify "$TOK" --audience "$AUD" --nonce n-0123456789abcdef 2>&1) &&
	printf '%s' "$out" | grep -Eq '"policyCompliant":[[:space:]]+true' &&
	printf '%s' "$out" | grep -q "^valid: device $ID"; then
	ok "attest-verify with the certificate the server issued: valid"
else
	not_ok "attest-verify --device" "$out"
fi
sqlite3 "$T/state/warden.db" "SELECT certificate FROM enrollment" \
	>"$T/device.pem"
check "attest-verify --cert with the device's own certificate" \
	"$MDM" attest-verify --cert "$T/device.pem" --audience "$AUD" "$TOK"
out=$(verify "$TOK" --audience "$AUD" --json 2>/dev/null)
if [ "$(printf '%s' "$out" | json_get valid)" = true ] &&
	[ "$(printf '%s' "$out" | json_get device)" = "$ID" ] &&
	printf '%s' "$out" | grep -Eq '"policyCompliant":[[:space:]]+true'; then
	ok "attest-verify --json: valid, the device and its claims"
else
	not_ok "attest-verify --json" "$out"
fi
out=$(verify "$TOK" --audience https://mail.example.com --json 2>/dev/null)
rc=$?
if [ $rc -eq 1 ] && [ "$(printf '%s' "$out" | json_get valid)" = false ] &&
	printf '%s' "$out" | json_get error | grep -q '^aud'; then
	ok "attest-verify --json on a refused token: valid false, the reason, exit 1"
else
	not_ok "attest-verify --json refusal" "exit $rc: $out"
fi
printf '%s\n' "$TOK" >"$T/tok"
check "attest-verify reads the token from stdin" sh -c \
	"'$MDM' attest-verify --cert '$T/device.pem' --audience '$AUD' - <'$T/tok'"

# --- refusals ----------------------------------------------------------------
expect_fail "a changed payload is refused" 1 'invalid token: signature' \
	verify "$(tamper_payload "$TOK")" --audience "$AUD"
expect_fail "a changed signature is refused" 1 'invalid token: signature' \
	verify "$(tamper_sig "$TOK")" --audience "$AUD"
expect_fail "a wrong audience is refused" 1 'invalid token: aud' \
	verify "$TOK" --audience https://mail.example.com
expect_fail "a token for an audience needs --audience" 1 'give --audience' \
	verify "$TOK"
expect_fail "a wrong nonce is refused" 1 'invalid token: nonce' \
	verify "$TOK" --audience "$AUD" --nonce other
if command -v openssl >/dev/null; then
	openssl ecparam -name prime256v1 -genkey -noout -out "$T/other.key"
	openssl req -new -x509 -key "$T/other.key" -subj "/CN=$ID" -days 1 \
		-out "$T/other.pem"
	expect_fail "another key's certificate (same CN) is refused" 1 \
		'invalid token: signature' "$MDM" attest-verify \
		--cert "$T/other.pem" --audience "$AUD" "$TOK"
else
	ok "another key's certificate is refused # SKIP needs openssl"
fi
expect_fail "an audience with unsafe characters is refused" 2 \
	'audience: character' ctl attest --audience 'a"b'
expect_fail "an overlong nonce is refused" 2 'nonce: 1 to 128' \
	ctl attest --nonce "$(printf '%0129d' 0)"

# --- expiry (WARDEN_ATTEST_TTL shortens the lifetime) ---------------------------
stop_agent
WARDEN_ATTEST_TTL=1 start_agent
wait_until 10 is_state MANAGED
TOK=$(ctl attest)
if [ $(($(claim "$TOK" exp) - $(claim "$TOK" iat))) -eq 1 ]; then
	sleep 2.2
	expect_fail "an expired token is refused" 1 'invalid token: exp' \
		verify "$TOK"
else
	not_ok "WARDEN_ATTEST_TTL=1 gives a 1 s token" "$TOK"
fi
stop_agent
start_agent
wait_until 10 is_state MANAGED

# --- any local user ---------------------------------------------------------------
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	chmod 0711 "$T"
	chmod 0666 "$SOCK"
	nobody() {
		setpriv --reuid=65534 --regid=65534 --clear-groups \
			"$WARDENCTL" -s "$SOCK" "$@"
	}
	TOK=$(nobody attest --nonce u1)
	if [ -n "$TOK" ] && verify "$TOK" --nonce u1 >/dev/null 2>&1; then
		ok "an unprivileged user (uid 65534) gets a valid token"
	else
		not_ok "unprivileged attest" "$(nobody attest 2>&1)"
	fi
	expect_fail "the same user may not scan" 1 'permission denied' \
		nobody scan
else
	ok "an unprivileged user gets a token # SKIP needs root and setpriv"
	ok "the same user may not scan # SKIP needs root and setpriv"
fi

# --- a non-compliant device's token says so -----------------------------------------
ctl sim set passcode.length 4 >/dev/null
ctl sim set passcode.quality NUMERIC >/dev/null
wait_until 15 compliant_is false ||
	not_ok "the device is non-compliant" "$(ctl compliance)"
TOK=$(ctl attest)
if out=$(verify "$TOK" 2>&1) &&
	printf '%s' "$out" | grep -Eq '"policyCompliant":[[:space:]]+false' &&
	[ "$(claim "$TOK" verdict)" = NonCompliant ]; then
	ok "a non-compliant device gets a valid token that says policyCompliant false ($(claim "$TOK" verdict))"
else
	not_ok "non-compliant token" "$out"
fi

stop_server
finish
