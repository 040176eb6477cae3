#!/bin/sh
# The reference MDM server (wardenmdm) end to end on 127.0.0.1, driven
# with curl and the openssl CLI as the device: CA and QR payload, token
# enrollment (single use, expiry), hostile requests, mutual TLS on the
# device routes, policy ETags, report idempotency, the command long poll
# and its latency, results, renewal, unenrollment, 50 concurrent clients,
# restart with the same directory.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_pg.sh"
MDM="$WARDEN_BIN/wardenmdm"
D="$T/mdm"
mdm_backend
PY=/usr/bin/python3
SRV_PID=

mdm() {
	"$MDM" --dir "$D" "$@"
}

start_server() {
	rm -f "$D/server.url"
	"$MDM" --dir "$D" serve --listen 127.0.0.1:0 "$@" >>"$T/mdm.log" 2>&1 &
	SRV_PID=$!
	i=0
	while [ ! -s "$D/server.url" ] && [ $i -lt 200 ]; do
		kill -0 "$SRV_PID" 2>/dev/null || break
		sleep 0.05
		i=$((i + 1))
	done
	URL=$(cat "$D/server.url" 2>/dev/null)
	[ -n "$URL" ]
}

stop_server() {
	if [ -n "$SRV_PID" ]; then
		kill -TERM "$SRV_PID" 2>/dev/null
		wait "$SRV_PID"
		SRV_RC=$?
		SRV_PID=
	fi
}

# A P-256 key and CSR: $T/$1.key, $T/$1.csr (subject CN=$2).
csr() {
	openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
		-keyout "$T/$1.key" -subj "/CN=$2" -out "$T/$1.csr" 2>/dev/null
}

# The enrollment body for token $1 and the CSR file $2.
enroll_body() {
	$PY -c '
import json, sys
print(json.dumps({"enrollmentToken": sys.argv[1],
    "csr": open(sys.argv[2]).read(),
    "device": {"hardwareInfo": {"model": "test"},
               "managementMode": "DEVICE_OWNER"}}))' "$1" "$2"
}

# anon ARGS...: curl without a client certificate; prints the status,
# the body goes to $T/body.
anon() {
	curl -sS --cacert "$D/ca.pem" -o "$T/body" -w '%{http_code}' "$@"
}

# as NAME ARGS...: curl with $T/NAME.pem and $T/NAME.key.
as() {
	n=$1
	shift
	curl -sS --cacert "$D/ca.pem" --cert "$T/$n.pem" --key "$T/$n.key" \
		-o "$T/body" -w '%{http_code}' "$@"
}

json() {
	curl -sS --cacert "$D/ca.pem" -H 'Content-Type: application/json' "$@"
}

# enroll NAME: mints a token, enrolls with a fresh CSR, keeps
# $T/NAME.pem and sets ID_<NAME>. Prints the HTTP status.
enroll() {
	tok=$(mdm token new --mode FULLY_MANAGED | head -n 1)
	csr "$1" "serial-$1"
	enroll_body "$tok" "$T/$1.csr" >"$T/$1.req"
	code=$(anon -H 'Content-Type: application/json' \
		--data-binary @"$T/$1.req" "$URL/v1/enroll")
	if [ "$code" = 201 ]; then
		json_get certificate <"$T/body" >"$T/$1.pem"
		eval "ID_$1=$(json_get deviceId <"$T/body")"
	fi
	echo "$code"
}

if [ ! -x "$MDM" ]; then
	not_ok "wardenmdm is built" "$MDM missing"
	finish
	exit 1
fi

# --- first start: the CA ---------------------------------------------------
if start_server --cert-days 2; then
	ok "the server starts on a free port ($URL)"
else
	not_ok "the server starts" "$(cat "$T/mdm.log")"
	finish
	exit 1
fi
modes=$(stat -c '%n %a' "$D/seal.key" "$D/ca.key" "$D/server.key" |
	awk '{print $2}' | sort -u)
[ "$modes" = 600 ] && ok "key files are 0600" || not_ok "key modes" "$modes"
san=$(openssl x509 -in "$D/server.pem" -noout -ext subjectAltName)
echo "$san" | grep -q 'DNS:localhost, DNS:127.0.0.1, IP Address:127.0.0.1' &&
	ok "server certificate SAN: DNS:localhost, DNS:127.0.0.1, IP:127.0.0.1" ||
	not_ok "server SAN" "$san"
openssl verify -CAfile "$D/ca.pem" "$D/server.pem" >/dev/null 2>&1 &&
	ok "the server certificate chains to the CA" || not_ok "server chain"
hp=${URL#https://}
out=$(echo | timeout 10 openssl s_client -connect "$hp" -tls1_1 \
	-cipher 'DEFAULT@SECLEVEL=0' 2>&1)
echo "$out" | grep -q 'Cipher is (NONE)' &&
	ok "TLS 1.1 is refused" || not_ok "TLS 1.1 refused" "$out"
out=$(echo | timeout 10 openssl s_client -connect "$hp" -tls1_2 \
	-CAfile "$D/ca.pem" 2>&1)
echo "$out" | grep -q 'Verify return code: 0 (ok)' &&
	echo "$out" | grep -q 'Protocol *: TLSv1.2' &&
	ok "TLS 1.2 with the chain verified against ca.pem" ||
	not_ok "TLS 1.2" "$out"

# Raw TLS clients (Python's ssl): two pipelined requests on one write, and
# in the background, a head that never ends (answered 408 after 10 s).
cat >"$T/raw.py" <<'EOF'
import re, socket, ssl, sys, time
mode, hp, ca = sys.argv[1:4]
h, p = hp.rsplit(":", 1)
ctx = ssl.create_default_context(cafile=ca)
s = ctx.wrap_socket(socket.create_connection((h, int(p))), server_hostname=h)
s.settimeout(30)
if mode == "pipelined":
    s.sendall(b"GET /v1/enroll HTTP/1.1\r\nHost: a\r\n\r\n"
              b"POST /v1/enroll HTTP/1.0\r\nContent-Length: 2\r\n"
              b"Content-Type: application/json\r\n\r\n[]")
else:
    s.sendall(b"POST /v1/enroll HTTP/1.1\r\nHost: a\r\n")
t0 = time.time()
data = b""
while True:
    try:
        chunk = s.recv(4096)
    except (ConnectionError, ssl.SSLError):
        break
    if not chunk:
        break
    data += chunk
print("%.1f %s" % (time.time() - t0, " ".join(
    c.decode() for c in re.findall(rb"HTTP/1\.1 ([0-9]{3}) ", data))))
EOF
$PY "$T/raw.py" slow "$hp" "$D/ca.pem" >"$T/slow.out" 2>&1 &
SLOW_PID=$!

# --- token new and the QR payload --------------------------------------------
mdm token new --mode DEDICATED --qr "$T/qr.png" --json "$T/qr.json" \
	--wifi-ssid Depot --wifi-password 'correct horse' >"$T/token.out"
TOKEN=$(head -n 1 "$T/token.out")
want_pin=$(openssl x509 -in "$D/ca.pem" -outform DER |
	openssl dgst -sha256 -binary | basenc --base64url | tr -d '=')
B=android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE
[ "$(json_get "$B/warden.SERVER_CERT_SHA256" <"$T/qr.json")" = "$want_pin" ] &&
	ok "QR pin: base64url SHA-256 of the CA's DER, no padding" ||
	not_ok "QR pin" "$(cat "$T/qr.json") want $want_pin"
[ "$(json_get "$B/warden.SERVER_URL" <"$T/qr.json")" = "$URL" ] &&
	[ "$(json_get "$B/warden.BINDING" <"$T/qr.json")" = rest ] &&
	[ "$(json_get "$B/warden.MODE" <"$T/qr.json")" = DEDICATED ] &&
	[ "$(json_get "$B/warden.ENROLLMENT_TOKEN" <"$T/qr.json")" = "$TOKEN" ] &&
	[ "$(json_get android.app.extra.PROVISIONING_WIFI_SSID <"$T/qr.json")" = Depot ] &&
	ok "QR JSON: server URL, binding rest, token, mode, Wi-Fi" ||
	not_ok "QR JSON" "$(cat "$T/qr.json")"
[ "$(head -c 8 "$T/qr.png" | od -An -tx1 | tr -d ' ')" = 89504e470d0a1a0a ] &&
	[ "$(stat -c %a "$T/qr.png" "$T/qr.json" | sort -u)" = 600 ] &&
	ok "QR PNG and JSON written, owner-only" || not_ok "QR files"
if grep -q '^CONFIG_QR_IMAGE=y' "$WARDEN_BIN/.config" && start_agent; then
	# The agent's own QR reader: the PNG decodes to this server and pin.
	ctl provision --qr-image "$T/qr.png" --dry-run >"$T/dry.out" 2>&1
	grep -q "$URL" "$T/dry.out" && grep -q DEDICATED "$T/dry.out" &&
		ok "wardenctl provision --qr-image --dry-run reads the PNG" ||
		not_ok "agent reads the PNG" "$(cat "$T/dry.out")"
	stop_agent
fi
mdm token new --mode FULLY_MANAGED --qr - >"$T/term.out"
grep -q "$(printf '\342\226\210')" "$T/term.out" &&
	ok "--qr - draws the code with block characters" ||
	not_ok "terminal QR" "$(head -c 300 "$T/term.out")"
# The drawing as a picture (light modules are the blocks): it fits an
# 80-column terminal with a 4-module quiet zone, and a reader decodes it.
/usr/bin/python3 - "$T/term.out" "$T/term.pgm" <<'PY' >"$T/term.width"
import sys
rows = [l for l in open(sys.argv[1], encoding="utf-8").read().splitlines()
        if l and set(l) <= set(" \u2580\u2584\u2588")]
cell = {" ": (0, 0), "\u2580": (1, 0), "\u2584": (0, 1), "\u2588": (1, 1)}
px = []
for l in rows:
    top = [cell[c][0] for c in l]
    bottom = [cell[c][1] for c in l]
    px += [top, bottom]
w, s = len(rows[0]), 6
with open(sys.argv[2], "wb") as f:
    f.write(b"P5 %d %d 255\n" % (w * s, len(px) * s))
    for r in px:
        line = bytes(255 if v else 0 for v in r for _ in range(s))
        f.write(line * s)
print(max(len(l) for l in rows), min(l.count("\u2588") for l in rows[:2]))
PY
read -r width _ <"$T/term.width"
tok=$(head -n 1 "$T/term.out")
if [ "${width:-999}" -le 80 ] &&
	zbarimg -q --raw "$T/term.pgm" 2>/dev/null | grep -q "\"warden.ENROLLMENT_TOKEN\":\"$tok\""; then
	ok "the terminal QR code fits 80 columns ($width) and decodes to the token"
else
	not_ok "terminal QR: 80 columns, decodes" "width $width: $(zbarimg -q --raw "$T/term.pgm" 2>&1 | head -c 300)"
fi
before=$(mdmdb 'SELECT count(*) FROM tokens')
expect_fail "a terminal QR code wider than the terminal is refused" 1 \
	'needs 89 columns, the terminal has 80: no token was minted' \
	mdm token new --mode FULLY_MANAGED --wifi-ssid warehouse-5g \
	--wifi-password 'S3cret-pass!' --qr -
[ "$(mdmdb 'SELECT count(*) FROM tokens')" = "$before" ] &&
	ok "... and no token is stored" || not_ok "refused terminal QR stored a token"
mdm token new --mode FULLY_MANAGED --wifi-ssid warehouse-5g \
	--wifi-password 'S3cret-pass!' >"$T/wifi.out"
! grep -q 'S3cret-pass!' "$T/wifi.out" && grep -q 'PROVISIONING_WIFI_PASSWORD.*hidden' "$T/wifi.out" &&
	ok "token new does not print the Wi-Fi password" ||
	not_ok "Wi-Fi password printed" "$(cat "$T/wifi.out")"
expect_fail "token new refuses an unknown mode" 2 'not FULLY_MANAGED' \
	mdm token new --mode KIOSK

# --- enrollment ------------------------------------------------------------------
csr a serial-a
enroll_body "$TOKEN" "$T/a.csr" >"$T/a.req"
code=$(anon -H 'Content-Type: application/json' --data-binary @"$T/a.req" \
	"$URL/v1/enroll")
if [ "$code" = 201 ]; then
	ok "enroll: 201"
else
	not_ok "enroll: 201" "$code $(cat "$T/body")"
fi
ID_a=$(json_get deviceId <"$T/body")
json_get certificate <"$T/body" >"$T/a.pem"
json_get caCertificate <"$T/body" >"$T/a-ca.pem"
echo "$ID_a" | grep -Eq '^[0-9a-f]{16}$' &&
	[ "$(json_get name <"$T/body")" = "devices/$ID_a" ] &&
	[ "$(json_get policy <"$T/body")" = '{}' ] &&
	[ "$(json_get pollTimeoutSeconds <"$T/body")" -ge 1 ] &&
	ok "enroll reply: deviceId (16 hex), name, empty policy, poll timeout" ||
	not_ok "enroll reply" "$(cat "$T/body")"
subj=$(openssl x509 -in "$T/a.pem" -noout -subject)
[ "$subj" = "subject=CN = $ID_a" ] &&
	openssl verify -CAfile "$D/ca.pem" -purpose sslclient "$T/a.pem" \
		>/dev/null 2>&1 &&
	[ "$(openssl x509 -in "$T/a-ca.pem" -noout -fingerprint -sha256)" = \
	  "$(openssl x509 -in "$D/ca.pem" -noout -fingerprint -sha256)" ] &&
	ok "the device certificate: CN = device id, clientAuth, from the CA" ||
	not_ok "device certificate" "$subj"
days=$(( ($(date -d "$(openssl x509 -in "$T/a.pem" -noout -enddate |
	cut -d= -f2)" +%s) - $(date +%s)) / 86400 ))
[ "$days" -ge 1 ] && [ "$days" -le 2 ] &&
	ok "--cert-days sets the validity ($days days left)" ||
	not_ok "certificate validity" "$days days"
# The same request again (its answer lost, say): the same enrollment.
ndev_a=$(mdm devices | grep -c .)
code=$(anon -H 'Content-Type: application/json' --data-binary @"$T/a.req" \
	"$URL/v1/enroll")
[ "$code" = 200 ] && [ "$(json_get deviceId <"$T/body")" = "$ID_a" ] &&
	[ "$(json_get certificate <"$T/body")" = "$(cat "$T/a.pem")" ] &&
	[ "$(mdm devices | grep -c .)" = "$ndev_a" ] &&
	ok "the same token and key again: 200, the same id and certificate, no new device" ||
	not_ok "enrollment replay" "$code $(cat "$T/body")"
# The spent token with another key (a stolen token): refused.
tok_a=$($PY -c 'import json,sys; print(json.load(open(sys.argv[1]))["enrollmentToken"])' "$T/a.req")
csr a2 "serial-a2"
enroll_body "$tok_a" "$T/a2.csr" >"$T/a2.req"
code=$(anon -H 'Content-Type: application/json' --data-binary @"$T/a2.req" \
	"$URL/v1/enroll")
[ "$code" = 403 ] && grep -q 'already used' "$T/body" &&
	[ "$(json_get error/status <"$T/body")" = PERMISSION_DENIED ] &&
	ok "a used token with another key is refused: 403 PERMISSION_DENIED" ||
	not_ok "token reuse" "$code $(cat "$T/body")"
expired=$(mdm token new --mode FULLY_MANAGED --ttl 1 | head -n 1)
sleep 2
enroll_body "$expired" "$T/a.csr" >"$T/x.req"
code=$(anon -H 'Content-Type: application/json' --data-binary @"$T/x.req" \
	"$URL/v1/enroll")
[ "$code" = 403 ] && grep -q 'expired' "$T/body" &&
	ok "an expired token is refused: 403" ||
	not_ok "expired token" "$code $(cat "$T/body")"
enroll_body "not-a-token" "$T/a.csr" >"$T/x.req"
code=$(anon -H 'Content-Type: application/json' --data-binary @"$T/x.req" \
	"$URL/v1/enroll")
[ "$code" = 403 ] && grep -q 'unknown' "$T/body" &&
	ok "an unknown token is refused: 403" || not_ok "unknown token" "$code"

# --- hostile requests: 4xx, and the server keeps serving --------------------------
TOKEN2=$(mdm token new --mode WORK_PROFILE_PERSONAL | head -n 1)
hostile() {
	what=$1 want=$2 pat=$3
	shift 3
	code=$(anon "$@" "$URL/v1/enroll")
	if [ "$code" = "$want" ] && grep -Eq -- "$pat" "$T/body"; then
		ok "$what: $want"
	else
		not_ok "$what: $want" "got $code $(head -c 300 "$T/body")"
	fi
}
H='Content-Type: application/json'
hostile "malformed JSON" 400 'not valid JSON' -H "$H" -d '{"enrollmentToken":'
hostile "duplicate member" 400 'duplicate member' -H "$H" \
	-d '{"csr":"x","csr":"y","enrollmentToken":"t"}'
hostile "unknown field" 400 'serialNumber: unknown field' -H "$H" \
	-d '{"enrollmentToken":"t","csr":"x","serialNumber":"1"}'
hostile "not an object" 400 'not a JSON object' -H "$H" -d '[1,2]'
hostile "wrong Content-Type" 415 'application/json' \
	-H 'Content-Type: text/plain' -d '{}'
printf '{"a":"\377"}' >"$T/bad-utf8.json"
hostile "invalid UTF-8" 400 'UTF-8' -H "$H" --data-binary @"$T/bad-utf8.json"
$PY -c 'import sys; sys.stdout.write("{\"csr\":\"" + "a" * (1 << 20) + "\"}")' \
	>"$T/big.json"
hostile "a body over 1 MiB" 413 'larger than 1048576' -H "$H" \
	--data-binary @"$T/big.json"
hostile "a chunked upload" 411 'Transfer-Encoding' -H "$H" \
	-H 'Transfer-Encoding: chunked' -d '{}'
enroll_body "$TOKEN2" /dev/null >"$T/nocsr.req"
hostile "an empty CSR" 400 '"message":"csr: ' -H "$H" \
	--data-binary @"$T/nocsr.req"
printf 'garbage' >"$T/junk.csr"
enroll_body "$TOKEN2" "$T/junk.csr" >"$T/junk.req"
hostile "a CSR that does not parse" 400 '"message":"csr: ' -H "$H" \
	--data-binary @"$T/junk.req"
openssl req -new -newkey rsa:2048 -nodes -keyout "$T/rsa.key" \
	-subj /CN=rsa -out "$T/rsa.csr" 2>/dev/null
enroll_body "$TOKEN2" "$T/rsa.csr" >"$T/rsa.req"
hostile "an RSA CSR" 400 '"message":"csr[.:]' -H "$H" --data-binary @"$T/rsa.req"
code=$(anon -X PUT "$URL/v1/enroll")
[ "$code" = 501 ] && ok "an unknown method: 501" || not_ok "PUT" "$code"
code=$(anon "$URL/v1/enroll")
[ "$code" = 405 ] && ok "GET on /v1/enroll: 405" || not_ok "405" "$code"
code=$(anon "$URL/v2/nothing")
[ "$code" = 404 ] && [ "$(json_get error/status <"$T/body")" = NOT_FOUND ] &&
	ok "an unknown path: 404 NOT_FOUND" || not_ok "404" "$code"
# Plain text on the TLS port and a client that goes quiet mid-handshake.
$PY - "$hp" <<'EOF' >"$T/raw.out" 2>&1
import socket, sys
h, p = sys.argv[1].rsplit(":", 1)
s = socket.create_connection((h, int(p)))
s.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
s.settimeout(15)
try:
    print("closed" if s.recv(100) is not None else "")
except Exception as e:
    print("error", e)
EOF
grep -Eq 'closed|reset' "$T/raw.out" && kill -0 "$SRV_PID" &&
	ok "plain HTTP on the TLS port: dropped" ||
	not_ok "plain HTTP" "$(cat "$T/raw.out")"
$PY "$T/raw.py" pipelined "$hp" "$D/ca.pem" >"$T/pipe.out" 2>&1
read -r secs codes <"$T/pipe.out"
[ "$codes" = "405 400" ] &&
	ok "two pipelined requests, the second HTTP/1.0: 405, then 400 and close" ||
	not_ok "pipelining" "$(cat "$T/pipe.out")"
# The token survived the bad requests (it is used only on success).
csr b serial-b
enroll_body "$TOKEN2" "$T/b.csr" >"$T/b.req"
code=$(anon -H "$H" --data-binary @"$T/b.req" "$URL/v1/enroll")
[ "$code" = 201 ] && kill -0 "$SRV_PID" &&
	ok "after all that the server serves, and the token still works" ||
	not_ok "server alive after hostile input" "$code $(cat "$T/body")"
ID_b=$(json_get deviceId <"$T/body")
json_get certificate <"$T/body" >"$T/b.pem"

# --- mutual TLS ---------------------------------------------------------------------
code=$(anon "$URL/v1/devices/$ID_a/policy")
[ "$code" = 401 ] && [ "$(json_get error/status <"$T/body")" = UNAUTHENTICATED ] &&
	ok "a device route without a client certificate: 401" ||
	not_ok "no client cert" "$code"
code=$(as b "$URL/v1/devices/$ID_a/policy")
[ "$code" = 403 ] && ok "another device's id: 403" || not_ok "other id" "$code"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
	-keyout "$T/rogue.key" -out "$T/rogue.pem" -subj "/CN=$ID_a" -days 1 \
	2>/dev/null
code=$(as rogue "$URL/v1/devices/$ID_a/policy")
[ "$code" = 401 ] && grep -q 'refused' "$T/body" &&
	ok "a certificate with the right CN not from our CA: 401" ||
	not_ok "rogue cert" "$code $(cat "$T/body")"
code=$(as a "$URL/v1/devices/$ID_a/policy")
[ "$code" = 200 ] && ok "the device's own certificate: 200" ||
	not_ok "own cert" "$code $(cat "$T/body")"
keep=$(curl -sS -v --cacert "$D/ca.pem" --cert "$T/a.pem" --key "$T/a.key" \
	-o /dev/null -o /dev/null "$URL/v1/devices/$ID_a/policy" \
	"$URL/v1/devices/$ID_a/policy" 2>&1)
echo "$keep" | grep -qi 're-using existing connection' &&
	ok "keep-alive: two requests on one connection" ||
	not_ok "keep-alive" "$(echo "$keep" | tail -n 5)"

# --- policies and ETags -------------------------------------------------------------
printf '{"cameraAccess": "CAMERA_ACCESS_DISABLED"}' >"$T/nover.json"
expect_fail "policy set refuses a file without version" 2 'version: required' \
	mdm policy set "$T/nover.json"
printf '[1]' >"$T/array.json"
expect_fail "policy set refuses what is not an object" 2 'not a JSON object' \
	mdm policy set "$T/array.json"
printf '{"version": 1, "a": 1, "a": 2}' >"$T/dup.json"
expect_fail "policy set refuses duplicate members" 2 'duplicate member' \
	mdm policy set "$T/dup.json"
# Policy push: the change reaches a waiting long poll at once.
curl -sS --cacert "$D/ca.pem" --cert "$T/a.pem" --key "$T/a.key" \
	-o "$T/push.json" "$URL/v1/devices/$ID_a/commands?waitSeconds=20" &
push_pid=$!
sleep 1
t0=$(date +%s%N)
mdm policy set examples/policies/fully_managed.json >"$T/push.out" 2>&1
rc=$?
wait "$push_pid"
ms=$((($(date +%s%N) - t0) / 1000000))
[ "$rc" = 0 ] && grep -q 'pushed to [1-9][0-9]* device(s)' "$T/push.out" &&
	ok "policy set: the fully managed example as default ($(cat "$T/push.out"))" ||
	not_ok "policy set" "$(cat "$T/push.out")"
push_cmd=$($PY -c 'import json,sys; c=json.load(open(sys.argv[1]))["commands"]; print(c[0]["id"] if len(c)==1 and c[0]["type"]=="SYNC_POLICY" else "")' "$T/push.json" 2>/dev/null)
[ -n "$push_cmd" ] && [ "$ms" -lt 5000 ] &&
	ok "policy set wakes the device's long poll with SYNC_POLICY ($ms ms)" ||
	not_ok "policy push" "$ms ms: $(cat "$T/push.json")"
code=$(as a -H 'Content-Type: application/json' -d '{"status": "SUCCEEDED"}' \
	"$URL/v1/devices/$ID_a/commands/$push_cmd/result")
[ "$code" = 200 ] && ok "the pushed SYNC_POLICY takes a result" ||
	not_ok "push result" "$code $(cat "$T/body")"
curl -sS -D "$T/hdr" --cacert "$D/ca.pem" --cert "$T/a.pem" --key "$T/a.key" \
	-o "$T/body" "$URL/v1/devices/$ID_a/policy"
grep -q '^ETag: "42"' "$T/hdr" && [ "$(json_get version <"$T/body")" = 42 ] &&
	ok "GET policy: the default policy with ETag \"42\"" ||
	not_ok "policy ETag" "$(cat "$T/hdr")"
rm -f "$T/body"
code=$(as a -H 'If-None-Match: "42"' "$URL/v1/devices/$ID_a/policy")
[ "$code" = 304 ] && [ ! -s "$T/body" ] && ok "If-None-Match \"42\": 304" ||
	not_ok "304" "$code"
code=$(as a -H 'If-None-Match: "41"' "$URL/v1/devices/$ID_a/policy")
[ "$code" = 200 ] && ok "If-None-Match \"41\": 200" || not_ok "200" "$code"
$PY -c '
import json
p = json.load(open("examples/policies/fully_managed.json"))
p["version"] = "42"
p["cameraAccess"] = "CAMERA_ACCESS_USER_CHOICE"
json.dump(p, open("'"$T"'/changed.json", "w"))
p["version"] = 43
json.dump(p, open("'"$T"'/v43.json", "w"))'
expect_fail "one version cannot name two contents" 1 'already used' \
	mdm policy set "$T/changed.json"
check "policy set --device" mdm policy set "$T/v43.json" --device "$ID_b"
curl -sS -D "$T/hdr" --cacert "$D/ca.pem" --cert "$T/b.pem" --key "$T/b.key" \
	-o /dev/null "$URL/v1/devices/$ID_b/policy"
grep -q '^ETag: "43"' "$T/hdr" && ok "a device's own policy wins: ETag \"43\"" ||
	not_ok "device policy" "$(cat "$T/hdr")"

# --- groups ------------------------------------------------------------------------
check "group add shop" mdm group add shop
expect_fail "group add refuses a name with a space" 2 'not a group name' \
	mdm group add "a b"
expect_fail "group add refuses a group that exists" 1 'already exists' \
	mdm group add shop
before=$(mdmdb 'SELECT count(*) FROM tokens')
expect_fail "token new --group refuses a group that does not exist" 1 \
	'--group nosuch: no such group' mdm token new --mode FULLY_MANAGED --group nosuch
[ "$(mdmdb 'SELECT count(*) FROM tokens')" = "$before" ] &&
	ok "... and stores no token" || not_ok "token with an unknown group stored"
mdm token new --mode FULLY_MANAGED --group shop >/dev/null &&
	[ "$(mdmdb "SELECT count(*) FROM tokens WHERE group_name = 'shop'")" = 1 ] &&
	ok "token new --group shop: a device enrolling with it joins shop" ||
	not_ok "token new --group" "$(mdmdb 'SELECT mode, group_name FROM tokens')"
expect_fail "group assign refuses an unknown device" 1 'no such device' \
	mdm group assign shop "$ID_a" 0000000000000000
[ "$(mdm group add tmpjson --json | json_get added)" = true ] &&
	[ "$(mdm group unassign "$ID_b" --json | json_get group)" = null ] &&
	ok "group add|unassign --json" || not_ok "group --json"
mdm group assign shop "$ID_a" "$ID_b" >"$T/assign.out" 2>&1
grep -q '^2 device(s) now in group shop; pushed to 0 device(s)' "$T/assign.out" &&
	ok "group assign: both in; the group has no policy yet, so nobody's changes and nothing is pushed" ||
	not_ok "group assign" "$(cat "$T/assign.out")"
sed 's/"version": *"[^"]*"/"version": "44"/' \
	examples/policies/fully_managed.json >"$T/v44.json"
mdm policy set "$T/v44.json" --group tmpjson --json >"$T/pset.json" &&
	[ "$(json_get scope <"$T/pset.json")" = group ] &&
	[ "$(json_get version <"$T/pset.json")" = 44 ] &&
	ok "policy set --json: scope, version, devices pushed" ||
	not_ok "policy set --json" "$(cat "$T/pset.json")"
mdm policy set "$T/v44.json" --group shop >"$T/pset.out" 2>&1 &&
	grep -q 'pushed to 1 device(s)' "$T/pset.out" &&
	ok "policy set --group shop: pushed to the member without its own policy" ||
	not_ok "policy set --group shop" "$(cat "$T/pset.out")"
curl -sS -D "$T/hdr" --cacert "$D/ca.pem" --cert "$T/a.pem" --key "$T/a.key" \
	-o /dev/null "$URL/v1/devices/$ID_a/policy"
curl -sS -D "$T/hdr-b" --cacert "$D/ca.pem" --cert "$T/b.pem" --key "$T/b.key" \
	-o /dev/null "$URL/v1/devices/$ID_b/policy"
grep -q '^ETag: "44"' "$T/hdr" && grep -q '^ETag: "43"' "$T/hdr-b" &&
	ok "the group's policy wins over the default, a device's own over its group's" ||
	not_ok "group policy" "$(cat "$T/hdr" "$T/hdr-b")"
mdm groups >"$T/groups.out"
grep -Eq '^shop +2 +44$' "$T/groups.out" &&
	ok "groups: name, members, policy version" ||
	not_ok "groups" "$(cat "$T/groups.out")"
[ "$(mdm devices --group shop --json | $PY -c 'import json,sys; print(sorted(d["id"] for d in json.load(sys.stdin)) == sorted(sys.argv[1:]))' "$ID_a" "$ID_b")" = True ] &&
	ok "devices --group shop --json: its two members" ||
	not_ok "devices --group" "$(mdm devices --group shop --json)"
[ "$(mdm devices --group nosuch | grep -c .)" = 1 ] &&
	ok "devices --group of another name: none" || not_ok "devices --group none"
[ "$(mdm summary --json | $PY -c 'import json,sys; s=json.load(sys.stdin); print(s["groups"]["shop"]["enrolled"])')" = 2 ] &&
	ok "summary --json counts the group's devices" ||
	not_ok "summary" "$(mdm summary --json)"
# The pushes for device a are answered: the command tests below start empty.
code=$(as a "$URL/v1/devices/$ID_a/commands?waitSeconds=0")
for c in $($PY -c 'import json,sys; [print(c["id"]) for c in json.load(open(sys.argv[1]))["commands"]]' "$T/body"); do
	as a -H 'Content-Type: application/json' -d '{"status": "SUCCEEDED"}' \
		"$URL/v1/devices/$ID_a/commands/$c/result" >/dev/null
done

# --- reports -------------------------------------------------------------------------
cat >"$T/reports.json" <<'EOF'
{"reports": [
 {"idempotencyKey": "r-1", "kind": "report", "payload": {
   "policyCompliant": false, "appliedPolicyVersion": "42",
   "nonComplianceDetails": [
     {"settingName": "passwordPolicies", "nonComplianceReason": "USER_ACTION",
      "currentValue": 4, "fieldPath": "passwordPolicies[0].passwordMinimumLength"},
     {"settingName": "cameraAccess", "nonComplianceReason": "MANAGEMENT_MODE",
      "currentValue": "CAMERA_ACCESS_USER_CHOICE"}]}},
 {"idempotencyKey": "e-1", "kind": "event", "payload": {"event": "boot"}}]}
EOF
code=$(as a -H "$H" --data-binary @"$T/reports.json" \
	"$URL/v1/devices/$ID_a/reports")
[ "$code" = 200 ] && [ "$(json_get accepted <"$T/body")" = '["r-1", "e-1"]' ] &&
	ok "reports: 200 with every accepted key" ||
	not_ok "reports" "$code $(cat "$T/body")"
code=$(as a -H "$H" --data-binary @"$T/reports.json" \
	"$URL/v1/devices/$ID_a/reports")
[ "$code" = 200 ] && [ "$(json_get accepted <"$T/body")" = '["r-1", "e-1"]' ] &&
	[ "$(mdm reports "$ID_a" --count)" = 2 ] &&
	ok "the same keys again: accepted again, stored once" ||
	not_ok "idempotency" "$code $(mdm reports "$ID_a" --count)"
$PY -c 'import json; print(json.dumps({"reports": [{"idempotencyKey": "k%d" % i, "kind": "event", "payload": {}} for i in range(101)]}))' \
	>"$T/101.json"
code=$(as a -H "$H" --data-binary @"$T/101.json" "$URL/v1/devices/$ID_a/reports")
[ "$code" = 400 ] && [ "$(mdm reports "$ID_a" --count)" = 2 ] &&
	ok "a batch of 101: 400, nothing stored" || not_ok "101 batch" "$code"
code=$(as a -H "$H" -d '{"reports":[{"idempotencyKey":"ok","kind":"event","payload":{}},{"idempotencyKey":"","kind":"event","payload":{}}]}' \
	"$URL/v1/devices/$ID_a/reports")
[ "$code" = 400 ] && grep -q 'reports\[1\].idempotencyKey' "$T/body" &&
	[ "$(mdm reports "$ID_a" --count)" = 2 ] &&
	ok "one bad entry: 400 naming it, the batch is not stored" ||
	not_ok "bad entry" "$code $(cat "$T/body")"
mdm devices >"$T/devices.out"
grep -Eq "^$ID_a +DEDICATED .* no$" "$T/devices.out" &&
	grep -Eq "^$ID_b +WORK_PROFILE_PERSONAL .* -$" "$T/devices.out" &&
	ok "devices: mode, enrolled, last report, compliant" ||
	not_ok "devices" "$(cat "$T/devices.out")"
mdm devices --non-compliant >"$T/nc.out"
grep -q "^$ID_a " "$T/nc.out" && ! grep -q "^$ID_b " "$T/nc.out" &&
	ok "devices --non-compliant: the device whose last report was not" ||
	not_ok "--non-compliant" "$(cat "$T/nc.out")"
mdm devices --not-seen 60 >"$T/ns.out"
grep -q "^$ID_b " "$T/ns.out" && ! grep -q "^$ID_a " "$T/ns.out" &&
	ok "devices --not-seen 60: the device that never reported, not the one that just did" ||
	not_ok "--not-seen" "$(cat "$T/ns.out")"
expect_fail "devices --not-seen refuses a negative count" 2 'not-seen' \
	mdm devices --not-seen -1
[ "$(mdm device "$ID_a" --json | $PY -c 'import json,sys; d=json.load(sys.stdin); print(d["id"], d["policyCompliant"], d["lastReport"]["policyCompliant"])')" = "$ID_a False False" ] &&
	ok "device ID --json: the device and its last report" ||
	not_ok "device --json" "$(mdm device "$ID_a" --json)"
[ "$(mdm reports "$ID_a" --json | $PY -c 'import json,sys; r=json.load(sys.stdin); print(len(r) == int(sys.argv[1]) and all("idempotencyKey" in x and isinstance(x["payload"], dict) for x in r))' "$(mdm reports "$ID_a" --count)")" = True ] &&
	ok "reports ID --json: every stored report and event" ||
	not_ok "reports --json" "$(mdm reports "$ID_a" --json | head -c 300)"
mdm summary >"$T/summary.out"
grep -Eq '^all devices +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[1-9][0-9]* ' "$T/summary.out" &&
	ok "summary: counts by state and verdict" ||
	not_ok "summary" "$(cat "$T/summary.out")"
mdm device "$ID_a" >"$T/device.out"
grep -q '^compliant: no' "$T/device.out" &&
	grep -Eq '^passwordPolicies +USER_ACTION +4 ' "$T/device.out" &&
	grep -Eq '^cameraAccess +MANAGEMENT_MODE +CAMERA_ACCESS_USER_CHOICE$' \
		"$T/device.out" &&
	ok "device ID: each non-compliant setting, reason and current value" ||
	not_ok "device" "$(cat "$T/device.out")"

# --- commands: long poll, results ----------------------------------------------------------
code=$(as a "$URL/v1/devices/$ID_a/commands?waitSeconds=901")
[ "$code" = 400 ] && ok "waitSeconds=901: 400" || not_ok "waitSeconds" "$code"
code=$(as a "$URL/v1/devices/$ID_a/commands?wait=1")
[ "$code" = 400 ] && ok "an unknown query parameter: 400" || not_ok "query" "$code"
code=$(as a "$URL/v1/devices/$ID_a/commands?waitSeconds=1")
[ "$code" = 200 ] && [ "$(json_get commands <"$T/body")" = '[]' ] &&
	ok "nothing queued: {\"commands\": []} after waitSeconds" ||
	not_ok "empty poll" "$code $(cat "$T/body")"
curl -sS --cacert "$D/ca.pem" --cert "$T/a.pem" --key "$T/a.key" \
	-o "$T/poll.json" "$URL/v1/devices/$ID_a/commands?waitSeconds=30" &
POLL_PID=$!
sleep 1
t0=$(date +%s%N)
CMD=$(mdm command "$ID_a" START_LOST_MODE --param lostMessage='Call 555' \
	--param lostPhoneNumber:='{"defaultMessage":"555"}' --duration 300s)
wait "$POLL_PID"
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
echo "# long-poll latency: $ms ms from the CLI's start to the response"
[ "$ms" -lt 5000 ] && [ "$(json_get commands/0/id <"$T/poll.json")" = "$CMD" ] &&
	ok "the waiting long poll returns the queued command ($ms ms)" ||
	not_ok "long poll" "$ms ms $(cat "$T/poll.json")"
[ "$(json_get commands/0/type <"$T/poll.json")" = START_LOST_MODE ] &&
	[ "$(json_get commands/0/duration <"$T/poll.json")" = 300s ] &&
	[ "$(json_get commands/0/params/lostMessage <"$T/poll.json")" = 'Call 555' ] &&
	[ "$(json_get commands/0/params/lostPhoneNumber/defaultMessage <"$T/poll.json")" = 555 ] &&
	json_get commands/0/createTime <"$T/poll.json" |
		grep -Eq '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$' &&
	ok "the command: type, createTime, duration, params" ||
	not_ok "command body" "$(cat "$T/poll.json")"
# A device that gave up its long poll (killed, reconnecting) is not handed
# the next command on the dead connection: its next poll gets it.
curl -sS --max-time 1 --cacert "$D/ca.pem" --cert "$T/a.pem" --key "$T/a.key" \
	-o /dev/null "$URL/v1/devices/$ID_a/commands?waitSeconds=30" 2>/dev/null
mdm command "$ID_a" RESCAN --json >"$T/cmd.json"
GONE=$(json_get id <"$T/cmd.json")
[ "$(json_get type <"$T/cmd.json")" = RESCAN ] && [ "$(json_get device <"$T/cmd.json")" = "$ID_a" ] &&
	[ -n "$GONE" ] && ok "command --json: id, device, type" ||
	not_ok "command --json" "$(cat "$T/cmd.json")"
sleep 0.5
code=$(as a "$URL/v1/devices/$ID_a/commands?waitSeconds=5")
[ "$(json_get commands/0/id <"$T/body")" = "$GONE" ] &&
	ok "a poll whose client hung up does not take the command" ||
	not_ok "hung-up poll took the command" "$code $(cat "$T/body")"
as a -H "$H" -d '{"status":"SUCCEEDED"}' \
	"$URL/v1/devices/$ID_a/commands/$GONE/result" >/dev/null
code=$(as a "$URL/v1/devices/$ID_a/commands?waitSeconds=0")
[ "$(json_get commands <"$T/body")" = '[]' ] &&
	ok "a delivered command is not delivered again at once" ||
	not_ok "redelivery" "$(cat "$T/body")"
code=$(as a -H "$H" -d '{"status":"SUCCEEDED","result":{"shown":true}}' \
	"$URL/v1/devices/$ID_a/commands/$CMD/result")
[ "$code" = 200 ] && [ "$(cat "$T/body")" = '{}' ] && ok "result: 200 {}" ||
	not_ok "result" "$code $(cat "$T/body")"
code=$(as a -H "$H" -d '{"status":"FAILED","errorCode":"API_LEVEL"}' \
	"$URL/v1/devices/$ID_a/commands/$CMD/result")
mdm results "$ID_a" >"$T/results.out"
[ "$code" = 200 ] && grep -q "^$CMD  START_LOST_MODE .* SUCCEEDED .*{\"shown\":true}$" \
	"$T/results.out" && ! grep -q FAILED "$T/results.out" &&
	ok "a second result is accepted and ignored" ||
	not_ok "second result" "$code $(cat "$T/results.out")"
code=$(as b -H "$H" -d '{"status":"SUCCEEDED"}' \
	"$URL/v1/devices/$ID_b/commands/$CMD/result")
[ "$code" = 404 ] && ok "another device's command: 404" || not_ok "404" "$code"
code=$(as a -H "$H" -d '{"status":"DONE"}' \
	"$URL/v1/devices/$ID_a/commands/$CMD/result")
[ "$code" = 400 ] && ok "an unknown result status: 400" || not_ok "status" "$code"
expect_fail "command refuses an unknown device" 1 'not an enrolled device' \
	mdm command 0000000000000000 LOCK

# --- docs/protocol/openapi.yaml names the paths the server serves ------------
missing=
for p in $(sed -n 's|^  \(/v1/[^:]*\):$|\1|p' docs/protocol/openapi.yaml); do
	p=$(echo "$p" | sed "s|{id}|$ID_a|; s|{cmd}|$CMD|")
	code=$(as a "$URL$p?waitSeconds=0")
	[ "$code" = 404 ] && missing="$missing $p"
done
[ -z "$missing" ] && [ "$(grep -c '^  /v1/' docs/protocol/openapi.yaml)" = 7 ] &&
	ok "every path of openapi.yaml is served" ||
	not_ok "openapi.yaml paths" "404:$missing"

# --- renewal and unenrollment ---------------------------------------------------------------
csr a2 "$ID_a"
$PY -c 'import json,sys; print(json.dumps({"csr": open(sys.argv[1]).read()}))' \
	"$T/a2.csr" >"$T/renew.json"
code=$(as a -H "$H" --data-binary @"$T/renew.json" \
	"$URL/v1/devices/$ID_a/certificate")
json_get certificate <"$T/body" >"$T/a2.pem"
[ "$code" = 200 ] &&
	[ "$(openssl x509 -in "$T/a2.pem" -noout -subject)" = "subject=CN = $ID_a" ] &&
	[ "$(as a2 "$URL/v1/devices/$ID_a/policy")" = 200 ] &&
	ok "renewal: a new certificate for the same id, and it works" ||
	not_ok "renewal" "$code $(cat "$T/body")"
code=$(as b -X DELETE "$URL/v1/devices/$ID_b")
[ "$code" = 204 ] && ok "DELETE /v1/devices/{id}: 204" || not_ok "unenroll" "$code"
code=$(as b "$URL/v1/devices/$ID_b/policy")
[ "$code" = 403 ] && mdm devices | grep -Eq "^$ID_b .* retired$" &&
	ok "a retired device's certificate is refused: 403" ||
	not_ok "after unenroll" "$code"

# --- 50 concurrent clients ----------------------------------------------------------------
n=50
i=0
while [ $i -lt $n ]; do
	tok=$(mdm token new --mode FULLY_MANAGED | head -n 1)
	csr "c$i" "serial-c$i"
	enroll_body "$tok" "$T/c$i.csr" >"$T/c$i.req"
	i=$((i + 1))
done
# Each client: enroll, post a report, long-poll one second.
client() {
	c=$1
	out="$T/c$c.out"
	curl -sS --cacert "$D/ca.pem" -H "$H" --data-binary @"$T/c$c.req" \
		-o "$T/c$c.enr" -w '%{http_code}\n' "$URL/v1/enroll" >"$out"
	id=$(json_get deviceId <"$T/c$c.enr")
	json_get certificate <"$T/c$c.enr" >"$T/c$c.pem"
	cc="curl -sS --cacert $D/ca.pem --cert $T/c$c.pem --key $T/c$c.key"
	$cc -H "$H" -d "{\"reports\":[{\"idempotencyKey\":\"c$c\",\"kind\":\"report\",\"payload\":{\"policyCompliant\":true}}]}" \
		-o /dev/null -w '%{http_code}\n' \
		"$URL/v1/devices/$id/reports" >>"$out"
	$cc -o /dev/null -w '%{http_code}\n' \
		"$URL/v1/devices/$id/commands?waitSeconds=1" >>"$out"
}
t0=$(date +%s%N)
pids=
i=0
while [ $i -lt $n ]; do
	client $i &
	pids="$pids $!"
	i=$((i + 1))
done
for p in $pids; do
	wait "$p"
done
t1=$(date +%s%N)
good=$(cat "$T"/c*.out | tr '\n' ' ' | grep -o '201 200 200' | wc -l)
echo "# $n concurrent clients (enroll, report, 1 s poll): $(( (t1 - t0) / 1000000 )) ms"
[ "$good" = $n ] && kill -0 "$SRV_PID" &&
	[ "$(mdm devices | grep -c ' yes$')" = $n ] &&
	ok "$n concurrent clients: every enroll, report and poll succeeded" ||
	not_ok "$n concurrent clients" "$good good; $(cat "$T"/c*.out | sort | uniq -c)"

wait "$SLOW_PID"
read -r secs codes <"$T/slow.out"
case "$secs" in 9.*|1[0-4].*) in_time=1 ;; *) in_time= ;; esac
[ "$codes" = 408 ] && [ -n "$in_time" ] &&
	ok "a request head unfinished after 10 s: 408 and close (${secs} s)" ||
	not_ok "header timeout" "$(cat "$T/slow.out")"

# --- restart: same CA, same data ---------------------------------------------------------------
stop_server
[ "$SRV_RC" = 0 ] && grep -q 'stopping' "$T/mdm.log" &&
	ok "SIGTERM stops the server cleanly (exit 0)" ||
	not_ok "clean stop" "exit $SRV_RC"
if start_server; then
	pin2=$(openssl x509 -in "$D/ca.pem" -outform DER |
		openssl dgst -sha256 -binary | basenc --base64url | tr -d '=')
	[ "$pin2" = "$want_pin" ] &&
		[ "$(as a2 "$URL/v1/devices/$ID_a/policy")" = 200 ] &&
		[ "$(mdm reports "$ID_a" --count)" = 2 ] &&
		ok "restart: the same CA, devices and reports" ||
		not_ok "restart" "$pin2 vs $want_pin"
else
	not_ok "restart" "$(tail -n 5 "$T/mdm.log")"
fi
# Stopping while long polls wait: they are woken, the server exits 0.
for c in 0 1 2; do
	curl -sS --cacert "$D/ca.pem" --cert "$T/c$c.pem" --key "$T/c$c.key" \
		-o /dev/null "$URL/v1/devices/$(json_get deviceId <"$T/c$c.enr")/commands?waitSeconds=60" \
		2>/dev/null &
done
sleep 0.5
t0=$(date +%s%N)
stop_server
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
wait
[ "$SRV_RC" = 0 ] && [ "$ms" -lt 5000 ] &&
	ok "SIGTERM during three long polls: exit 0 in $ms ms" ||
	not_ok "stop during long polls" "exit $SRV_RC after $ms ms"
if grep -Eq 'runtime error|Sanitizer' "$T/mdm.log"; then
	not_ok "no sanitizer report in the server log" \
		"$(grep -E -A5 'runtime error|Sanitizer' "$T/mdm.log" | head -n 20)"
else
	ok "no sanitizer report in the server log"
fi

if [ "$nfail" -ne 0 ]; then
	echo "# server log kept in $T/mdm.log"
	tail -n 40 "$T/mdm.log" | sed 's/^/# /'
fi
finish
