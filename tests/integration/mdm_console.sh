#!/bin/sh
# wardenmdm's admin console against the attacks an operator's browser
# meets, with curl as the attacker and openssl as a device: no session, a
# forged cookie, an expired, reused or unknown login link, a link opened
# from another site, a device certificate, a cross-site form post, a
# missing or wrong CSRF token, a foreign Origin, script in a device's
# reported fields, an idle session, a wrong password; then what the API
# does for a logged-in admin: signed commands, typed confirmation,
# tokens for a group, policies checked by the agent's validator.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_mdm.sh"
. "$(dirname "$0")/lib_console.sh"

if [ ! -x "$MDM" ]; then
	not_ok "wardenmdm is built" "$MDM missing"
	finish
	exit 1
fi
MDM_SERVE_ARGS="--console-dir $CONSOLE_DIR --console-idle 4"
start_server || { not_ok "wardenmdm starts" "$(cat "$T/mdm.log")"; finish; exit 1; }
mdm policy set examples/policies/fully_managed.json >/dev/null
C="--cacert $D/ca.pem"

# --- the page itself ----------------------------------------------------------
curl -sS $C -D "$T/h" -o "$T/page" "$URL/console/"
grep -qi '^Content-Type: text/html' "$T/h" &&
	grep -qi "^Content-Security-Policy: default-src 'none'; script-src 'self'; style-src 'self'" "$T/h" &&
	! grep -i '^Content-Security-Policy' "$T/h" | grep -q "unsafe" &&
	grep -qi '^X-Frame-Options: DENY' "$T/h" && grep -qi '^X-Content-Type-Options: nosniff' "$T/h" &&
	ok "the console's page is served with a strict Content-Security-Policy" ||
	not_ok "page and CSP" "$(cat "$T/h")"
! grep -q '<script>' "$T/page" && ! grep -Eq ' on[a-z]+=' "$T/page" &&
	! grep -E 'https?://' "$T/page" "$CONSOLE_DIR/console.js" "$CONSOLE_DIR/console.css" |
		grep -v "'http://www.w3.org/2000/svg'" | grep -q . &&
	ok "no inline script or handler, nothing loaded from elsewhere" ||
	not_ok "inline script or external URL in the console's files"
! grep -Eq 'innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function' \
	"$CONSOLE_DIR/console.js" &&
	ok "console.js never turns text into markup (no innerHTML, eval, document.write)" ||
	not_ok "console.js builds markup from text"

# --- no session ---------------------------------------------------------------
code=$(curl -sS $C -o "$T/body" -w '%{http_code}' "$URL/console/api/fleet")
[ "$code" = 401 ] && ok "the API without a session: 401" || not_ok "no session" "$code"
code=$(curl -sS $C -o "$T/body" -w '%{http_code}' \
	-H 'Cookie: wardenmdm_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' \
	"$URL/console/api/devices/x")
[ "$code" = 401 ] && ok "a forged session cookie: 401" || not_ok "forged cookie" "$code"

# --- login links ---------------------------------------------------------------
link=$(mdm admin login-url)
case "$link" in
"$URL/console/login?token="*) ok "admin login-url prints a link to this server's console" ;;
*) not_ok "login-url" "$link" ;;
esac
curl -sS $C -D "$T/h" -o /dev/null "$link"
grep -q '^HTTP/1.1 303' "$T/h" && grep -q '^Location: /console/' "$T/h" &&
	grep -q '^Set-Cookie: wardenmdm_session=[A-Za-z0-9_-]\{43\}; Path=/console; Secure; HttpOnly; SameSite=Strict' "$T/h" &&
	ok "the link opens a session: Secure; HttpOnly; SameSite=Strict cookie, 303 to the console" ||
	not_ok "login link" "$(cat "$T/h")"
code=$(curl -sS $C -o "$T/body" -w '%{http_code}' "$link")
[ "$code" = 403 ] && grep -q 'already used' "$T/body" &&
	ok "the same link a second time: 403 already used" || not_ok "reused link" "$code $(cat "$T/body")"
short=$(mdm admin login-url --ttl 1)
sleep 2
code=$(curl -sS $C -o "$T/body" -w '%{http_code}' "$short")
[ "$code" = 403 ] && grep -q 'expired' "$T/body" &&
	ok "an expired link: 403 expired" || not_ok "expired link" "$code $(cat "$T/body")"
code=$(curl -sS $C -o "$T/body" -w '%{http_code}' \
	"$URL/console/login?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
[ "$code" = 403 ] && ok "an unknown link: 403" || not_ok "unknown link" "$code"
expect_fail "login-url --ttl over 5 minutes is refused" 2 'ttl' mdm admin login-url --ttl 301
cross=$(mdm admin login-url)
code=$(curl -sS $C -o "$T/body" -w '%{http_code}' -H 'Sec-Fetch-Site: cross-site' "$cross")
[ "$code" = 403 ] && ok "a login link opened from another site: 403" || not_ok "cross-site link" "$code"

login && ok "a logged-in session has a CSRF token" || not_ok "login" "$COOKIE $CSRF"

# --- a device certificate -------------------------------------------------------
EVIL='{"hardwareInfo":{"model":"<script>window.pwned=1</script>","serialNumber":"<img src=x onerror=\"window.pwned=2\">"},"managementMode":"DEVICE_OWNER"}'
DEV=$(hand_enroll evil "$EVIL")
[ -n "$DEV" ] && ok "a device enrolls (openssl and curl as the device)" ||
	not_ok "hand enrollment" "$(cat "$T/evil.enrolled")"
code=$(curl -sS $C --cert "$T/evil.pem" --key "$T/evil.key" -o "$T/body" \
	-w '%{http_code}' "$URL/console/")
[ "$code" = 403 ] && grep -q 'not for devices' "$T/body" &&
	ok "the console with a device certificate: 403" || not_ok "device cert" "$code $(cat "$T/body")"
code=$(curl -sS $C --cert "$T/evil.pem" --key "$T/evil.key" -o "$T/body" \
	-w '%{http_code}' -H "Cookie: wardenmdm_session=$COOKIE" "$URL/console/api/fleet")
[ "$code" = 403 ] && ok "a device certificate with an admin's cookie: still 403" ||
	not_ok "device cert + cookie" "$code"

# --- cross-site requests and CSRF ---------------------------------------------------
ntok() { mdmdb 'SELECT count(*) FROM tokens'; }
before=$(ntok)
code=$(curl -sS $C -o "$T/body" -w '%{http_code}' -H "Cookie: wardenmdm_session=$COOKIE" \
	-H 'Origin: https://evil.example' -H 'Sec-Fetch-Site: cross-site' \
	-H 'Content-Type: application/x-www-form-urlencoded' --data 'mode=FULLY_MANAGED' \
	"$URL/console/api/tokens")
[ "$code" = 403 ] && ok "a cross-site form post (with the cookie): 403" ||
	not_ok "cross-site form" "$code $(cat "$T/body")"
code=$(curl -sS $C -o "$T/body" -w '%{http_code}' -H "Cookie: wardenmdm_session=$COOKIE" \
	-H 'Content-Type: application/json' --data '{"mode":"FULLY_MANAGED"}' \
	"$URL/console/api/tokens")
[ "$code" = 403 ] && grep -q 'X-CSRF-Token' "$T/body" &&
	ok "a POST without the CSRF token: 403" || not_ok "no CSRF" "$code $(cat "$T/body")"
code=$(curl -sS $C -o "$T/body" -w '%{http_code}' -H "Cookie: wardenmdm_session=$COOKIE" \
	-H 'X-CSRF-Token: AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' \
	-H 'Content-Type: application/json' --data '{"mode":"FULLY_MANAGED"}' \
	"$URL/console/api/tokens")
[ "$code" = 403 ] && ok "a POST with another CSRF token: 403" || not_ok "wrong CSRF" "$code"
code=$(curl -sS $C -o "$T/body" -w '%{http_code}' -H "Cookie: wardenmdm_session=$COOKIE" \
	-H "X-CSRF-Token: $CSRF" -H 'Origin: https://evil.example' \
	-H 'Content-Type: application/json' --data '{"mode":"FULLY_MANAGED"}' \
	"$URL/console/api/tokens")
[ "$code" = 403 ] && ok "the right CSRF token from a foreign Origin: 403" ||
	not_ok "foreign origin" "$code"
[ "$(ntok)" = "$before" ] && ok "none of them minted a token" ||
	not_ok "a refused request minted a token" "$before -> $(ntok)"
code=$(curl -sS $C -o "$T/body" -w '%{http_code}' -H "Cookie: wardenmdm_session=$COOKIE" \
	-H 'Origin: https://evil.example' -H 'Content-Type: application/json' \
	--data '{"password":"whatever-whatever"}' "$URL/console/api/login")
[ "$code" = 403 ] && ok "a password login posted from another site: 403" ||
	not_ok "cross-site login" "$code"

# --- script in a device's reported fields -------------------------------------------
REPORT='{"policyCompliant":false,"nonComplianceDetails":[{"settingName":"<script>window.pwned=3</script>","nonComplianceReason":"USER_ACTION","fieldPath":"x\"><img src=x onerror=window.pwned=4>"}],"hardwareInfo":{"model":"</script><script>window.pwned=5</script>"}}'
code=$(hand_report evil "$DEV" "$REPORT")
[ "$code" = 200 ] && ok "the device reports fields holding script" || not_ok "report" "$code"
code=$(capi GET "devices/$DEV")
curl -sS $C -D "$T/h" -o /dev/null -H "Cookie: wardenmdm_session=$COOKIE" "$URL/console/api/devices/$DEV"
[ "$code" = 200 ] && grep -qi '^Content-Type: application/json' "$T/h" &&
	grep -qi '^X-Content-Type-Options: nosniff' "$T/h" &&
	[ "$(json_get lastReport/hardwareInfo/model <"$T/body")" = '</script><script>window.pwned=5</script>' ] &&
	ok "the API hands the reported text back as JSON data (nosniff), the page shows it as text" ||
	not_ok "reported script" "$code $(cat "$T/h")"

# --- the API for an admin ----------------------------------------------------------
code=$(capi GET fleet)
[ "$code" = 200 ] && [ "$(json_get counts/nonCompliant <"$T/body")" = 1 ] &&
	[ "$(json_get topReasons/0/nonComplianceReason <"$T/body")" = USER_ACTION ] &&
	ok "fleet: counts and top reasons" || not_ok "fleet" "$code $(cat "$T/body")"
code=$(capi GET 'fleet?verdict=maybe')
[ "$code" = 400 ] && ok "fleet: an unknown filter value is refused" || not_ok "filter" "$code"
code=$(capi POST "devices/$DEV/commands" '{"type":"WIPE"}')
[ "$code" = 400 ] && grep -q 'confirm' "$T/body" &&
	ok "WIPE without the typed device id: 400" || not_ok "wipe confirm" "$code $(cat "$T/body")"
code=$(capi POST "devices/$DEV/commands" "{\"type\":\"WIPE\",\"confirm\":\"$DEV-x\"}")
[ "$code" = 400 ] && ok "WIPE with another id typed: 400" || not_ok "wipe wrong id" "$code"
code=$(capi POST "devices/$DEV/commands" '{"type":"LOCK"}')
mdm results "$DEV" --json >"$T/results"
[ "$code" = 201 ] && [ "$(json_get 0/type <"$T/results")" = LOCK ] &&
	json_get 0/signature <"$T/results" | grep -q '^ey[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$' &&
	ok "LOCK from the console is queued and signed as the CLI signs" ||
	not_ok "lock" "$code $(cat "$T/body") $(cat "$T/results")"
code=$(capi POST "devices/$DEV/commands" '{"type":"START_LOST_MODE","lostMessage":"Call 555"}')
[ "$code" = 201 ] &&
	[ "$(mdm results "$DEV" --json | json_get 1/params/lostMessage/defaultMessage)" = 'Call 555' ] &&
	ok "lost mode carries its message" || not_ok "lost mode" "$code $(cat "$T/body")"
code=$(capi POST "devices/$DEV/commands" '{"type":"FORMAT_DISK"}')
[ "$code" = 400 ] && ok "a command type the console does not offer: 400" || not_ok "type" "$code"
mdm group add depot >/dev/null
code=$(capi POST tokens '{"mode":"DEDICATED","group":"depot","wifiSsid":"depot-wifi","wifiPassword":"correct-horse"}')
[ "$code" = 201 ] && [ "$(json_get group <"$T/body")" = depot ] &&
	[ "$(json_get qr/size <"$T/body")" -ge 21 ] &&
	json_get qrPayload <"$T/body" | grep -q 'depot-wifi' &&
	ok "a token for a group, with Wi-Fi, and its QR code" || not_ok "token" "$code $(cat "$T/body")"
code=$(capi POST tokens '{"mode":"DEDICATED","group":"nosuch"}')
[ "$code" = 400 ] && ok "a token for a group that does not exist: 400" || not_ok "token group" "$code"
code=$(capi POST "policies?group=depot" '{"policy":{"version":7,"passwordPolicies":[{"passwordMinimumLength":-3}],"cameraAccess":"NOPE"}}')
[ "$code" = 422 ] &&
	[ "$(json_get fieldErrors/0/fieldPath <"$T/body")" = 'passwordPolicies[0].passwordMinimumLength' ] &&
	[ "$(json_get fieldErrors/0/reason <"$T/body")" = '-3 is out of range (0..64)' ] &&
	[ "$(json_get fieldErrors/1/fieldPath <"$T/body")" = cameraAccess ] &&
	ok "an invalid policy: 422, each error at its fieldPath (the agent's validator)" ||
	not_ok "policy errors" "$code $(cat "$T/body")"
code=$(capi POST "policies?group=depot" '{"policy":{"version":7,"cameraAccess":"CAMERA_ACCESS_DISABLED"}}')
[ "$code" = 200 ] && [ "$(json_get version <"$T/body")" = 7 ] &&
	capi GET "policies?group=depot" >/dev/null && [ "$(json_get policy/version <"$T/body")" = 7 ] &&
	ok "a valid group policy is stored and read back" || not_ok "policy set" "$code $(cat "$T/body")"

# --- docs/protocol/openapi.yaml names the console paths the server serves ---------
missing=
for p in $(sed -n 's|^  \(/console/[^:]*\):$|\1|p' docs/protocol/openapi.yaml); do
	path=$(echo "$p" | sed "s|{id}|$DEV|")
	code=$(curl -sS $C -o /dev/null -w '%{http_code}' -H "Cookie: wardenmdm_session=$COOKIE" "$URL$path")
	[ "$code" = 404 ] && missing="$missing $p"
done
[ -z "$missing" ] && [ "$(grep -c '^  /console/' docs/protocol/openapi.yaml)" = 10 ] &&
	ok "openapi.yaml documents the console's API and each of its paths exists" ||
	not_ok "openapi console paths" "missing:$missing"

# --- idle timeout and logout ----------------------------------------------------------
sleep 5
code=$(capi GET fleet)
[ "$code" = 401 ] && ok "the session ends after its idle timeout" || not_ok "idle" "$code"
login
code=$(capi POST logout)
[ "$code" = 200 ] && [ "$(capi GET fleet)" = 401 ] &&
	ok "logout ends the session" || not_ok "logout" "$code"

# --- the password ------------------------------------------------------------------
code=$(curl -sS $C -o "$T/body" -w '%{http_code}' -H 'Content-Type: application/json' \
	--data '{"password":"no password set yet"}' "$URL/console/api/login")
[ "$code" = 401 ] && ok "password login before a password is set: 401" || not_ok "no pw" "$code"
echo short | expect_fail "admin passwd refuses a short password" 2 'at least' mdm admin passwd
echo 'a long enough admin password' | mdm admin passwd >"$T/pw.out" &&
	grep -q 'PBKDF2-HMAC-SHA256, 600000 iterations' "$T/pw.out" &&
	[ "$(mdmdb "SELECT count(*) FROM admin_password WHERE hash NOT LIKE '%long enough%'")" = 1 ] &&
	ok "admin passwd stores a PBKDF2 hash, never the password" || not_ok "passwd" "$(cat "$T/pw.out")"
code=$(curl -sS $C -o "$T/body" -w '%{http_code}' -H 'Content-Type: application/json' \
	--data '{"password":"a wrong admin password"}' "$URL/console/api/login")
code2=$(curl -sS $C -o "$T/body" -w '%{http_code}' -H 'Content-Type: application/json' \
	--data '{"password":"a long enough admin password"}' "$URL/console/api/login")
[ "$code" = 401 ] && [ "$code2" = 429 ] &&
	ok "a wrong password: 401, and the next try at once: 429" || not_ok "wrong pw" "$code $code2"
sleep 2.2
code=$(curl -sS $C -D "$T/h" -o "$T/body" -w '%{http_code}' -H 'Content-Type: application/json' \
	--data '{"password":"a long enough admin password"}' "$URL/console/api/login")
[ "$code" = 200 ] && grep -q '^Set-Cookie: wardenmdm_session=.*HttpOnly; SameSite=Strict' "$T/h" &&
	[ -n "$(json_get csrfToken <"$T/body")" ] &&
	ok "the right password opens a session" || not_ok "password login" "$code $(cat "$T/body")"

# --- the device API is untouched -----------------------------------------------------
code=$(curl -sS $C -o /dev/null -w '%{http_code}' "$URL/console/../v1/enroll")
code2=$(curl -sS $C -o /dev/null -w '%{http_code}' --path-as-is "$URL/console/../v1/enroll")
[ "$code2" = 400 ] || [ "$code2" = 404 ] &&
	ok "no way out of /console by dot segments ($code, $code2)" || not_ok "dot segments" "$code2"

stop_server
finish
