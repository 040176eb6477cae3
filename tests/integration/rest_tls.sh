#!/bin/sh
# The device side of the HTTPS binding against a small TLS peer written
# for this test (tls_peer.py, Python's ssl over OpenSSL) with a PKI minted
# here with the openssl CLI: enrollment with the pin as trust anchor,
# mutual TLS after it, policy, reports, a LOCK command within a second,
# UNSUPPORTED for an unknown command, a restart in the middle of
# enrollment, token reuse; and every way the server must be refused (a
# wrong pin, a chain from another CA, an expired certificate, a name
# mismatch, plain HTTP), each checked by the peer having received no
# request at all, so that each check fails if its protection is removed.
. "$(dirname "$0")/lib.sh"
PEER="$(dirname "$0")/tls_peer.py"
P="$T/pki"
mkdir -p "$P"
serial=100

# --- a PKI ---------------------------------------------------------------
mkca() { # name subject
	openssl ecparam -name prime256v1 -genkey -noout -out "$P/$1.key" &&
		openssl req -new -x509 -key "$P/$1.key" -subj "/CN=$2" \
			-days 30 -addext "basicConstraints=critical,CA:TRUE" \
			-addext "keyUsage=critical,keyCertSign,cRLSign" \
			-out "$P/$1.pem"
}

mkleaf() { # name ca cn san [startdate enddate]
	serial=$((serial + 1))
	openssl ecparam -name prime256v1 -genkey -noout -out "$P/$1.key" &&
		openssl req -new -key "$P/$1.key" -subj "/CN=$3" \
			-out "$P/$1.csr" || return 1
	printf '%s\n' "basicConstraints=CA:FALSE" \
		"keyUsage=critical,digitalSignature" \
		"extendedKeyUsage=serverAuth" "subjectAltName=$4" >"$P/$1.ext"
	if [ $# -gt 4 ]; then
		openssl ca -batch -config "$P/ca.cnf" -cert "$P/$2.pem" \
			-keyfile "$P/$2.key" -startdate "$5" -enddate "$6" \
			-extfile "$P/$1.ext" -notext -in "$P/$1.csr" \
			-out "$P/$1.pem" || return 1
	else
		openssl x509 -req -in "$P/$1.csr" -CA "$P/$2.pem" \
			-CAkey "$P/$2.key" -set_serial "$serial" -days 30 \
			-extfile "$P/$1.ext" -out "$P/$1.pem" || return 1
	fi
	cat "$P/$1.pem" "$P/$2.pem" >"$P/$1.chain"
}

pin_of() {
	openssl x509 -in "$1" -outform DER | openssl dgst -sha256 -r |
		cut -d' ' -f1
}

cat >"$P/ca.cnf" <<EOF
[ca]
default_ca = d
[d]
database = $P/index.txt
new_certs_dir = $P
serial = $P/serial
default_md = sha256
policy = p
unique_subject = no
[p]
commonName = supplied
EOF
: >"$P/index.txt"
echo 1000 >"$P/serial"
san="DNS:127.0.0.1,IP:127.0.0.1"
if { mkca ca1 "warden test CA" && mkca ca2 "another CA" &&
	mkca look "warden test CA" &&
	mkleaf good ca1 127.0.0.1 "$san" &&
	mkleaf other ca2 127.0.0.1 "$san" &&
	mkleaf forged look 127.0.0.1 "$san" &&
	mkleaf wrongname ca1 mdm.example.org "DNS:mdm.example.org" &&
	mkleaf expired ca1 127.0.0.1 "$san" 20200101000000Z \
		20200201000000Z; } >"$T/pki.log" 2>&1; then
	ok "a PKI minted with the openssl CLI"
else
	not_ok "minting the PKI" "$(cat "$T/pki.log")"
	finish
	exit 1
fi
PIN=$(pin_of "$P/ca1.pem")

# --- helpers -------------------------------------------------------------
PEER_PID=
start_peer() { # dir peer-args...
	pd=$1
	shift
	rm -rf "$pd"
	mkdir -p "$pd"
	/usr/bin/python3 "$PEER" --dir "$pd" --ca "$P/ca1.pem" \
		--ca-key "$P/ca1.key" "$@" 2>>"$pd/peer.log" &
	PEER_PID=$!
	i=0
	while [ ! -f "$pd/port" ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	PORT=$(cat "$pd/port" 2>/dev/null)
}

stop_peer() {
	[ -n "$PEER_PID" ] && kill "$PEER_PID" 2>/dev/null &&
		wait "$PEER_PID" 2>/dev/null
	PEER_PID=
}

qr() { # port pin token
	cat >"$T/qr.json" <<EOF
{"android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME": "warden/.Agent",
 "android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE": {
  "warden.SERVER_URL": "https://127.0.0.1:$1",
  "warden.BINDING": "rest",
  "warden.ENROLLMENT_TOKEN": "$3",
  "warden.SERVER_CERT_SHA256": "$2",
  "warden.MODE": "FULLY_MANAGED"}}
EOF
}

fresh() {
	stop_agent
	rm -rf "$T/dev" "$T/state" "$SOCK"
	: >"$T/wardend.log"
}

state() {
	ctl status --json | json_get state
}

status_field() {
	ctl status --json | json_get "$1"
}

# wait_until SECONDS command...: polls every 0.1 s.
wait_until() {
	n=$(($1 * 10))
	shift
	while [ $n -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

logged() {
	grep -Eq -- "$1" "$T/wardend.log"
}

is_state() {
	[ "$(state)" = "$1" ]
}

provision() { # port pin token
	qr "$1" "$2" "$3"
	ctl provision --qr-text "$T/qr.json" >"$T/prov.out" 2>&1
}

# refused "what" peer-dir pin log-pattern: the device must log the refusal,
# stay ENROLLING, and the peer must have seen no request.
refused() {
	what=$1 pd=$2 pin=$3 pat=$4
	fresh
	start_agent
	provision "$PORT" "$pin" TOKEN-1
	if wait_until 10 logged "$pat" && sleep 0.3 && is_state ENROLLING &&
		[ ! -s "$pd/requests.jsonl" ]; then
		ok "$what"
	else
		not_ok "$what" "state $(state); requests: $(cat "$pd/requests.jsonl" 2>/dev/null); log: $(grep -E 'enrollment|warning' "$T/wardend.log" | tail -n 3)"
	fi
	stop_peer
}

# --- the server must be refused before anything is sent ------------------
start_peer "$T/p-pin" --chain "$P/good.chain" --key "$P/good.key"
refused "a wrong pin is refused with a clear log line, nothing sent" \
	"$T/p-pin" "$(pin_of "$P/ca2.pem")" \
	"not trusted: server certificate refused: .*pin: no certificate in the chain has SHA-256 $(pin_of "$P/ca2.pem")"
serr=$(status_field serverError)
case "$serr" in
*"pin: no certificate"*) ok "status shows why the server was refused" ;;
*) not_ok "status shows why the server was refused" "$serr" ;;
esac

start_peer "$T/p-other" --chain "$P/other.chain" --key "$P/other.key"
refused "a chain from another CA is refused" "$T/p-other" "$PIN" \
	"not trusted: .*pin: no certificate in the chain has SHA-256 $PIN"

start_peer "$T/p-forged" --chain "$P/forged.chain" --key "$P/forged.key"
refused "a look-alike CA with the pinned CA's name is refused" \
	"$T/p-forged" "$PIN" "not trusted: .*pin: no certificate in the chain"

start_peer "$T/p-exp" --chain "$P/expired.chain" --key "$P/expired.key"
refused "an expired server certificate is refused" "$T/p-exp" "$PIN" \
	"not trusted: server certificate refused: depth 0 \(CN=127.0.0.1\): expired \(notAfter 2020-02-01T00:00:00Z\)"

start_peer "$T/p-name" --chain "$P/wrongname.chain" \
	--key "$P/wrongname.key"
refused "a name mismatch is refused" "$T/p-name" "$PIN" \
	"not trusted: server certificate refused: depth 0 \(CN=mdm.example.org\): name mismatch \(expected 127.0.0.1\)"

start_peer "$T/p-plain" --plain
refused "plain HTTP is refused" "$T/p-plain" "$PIN" \
	"enrollment: TLS handshake: .*next attempt in"

# --- enrollment, mutual TLS, delivery, commands -------------------------
fresh
start_peer "$T/p-good" --chain "$P/good.chain" --key "$P/good.key" \
	--token TOKEN-1
G="$T/p-good"
echo '{"cameraAccess": "CAMERA_ACCESS_DISABLED"}' >"$G/policy.json"
start_agent
provision "$PORT" "$PIN" TOKEN-1
if wait_until 15 is_state MANAGED; then
	ok "the device enrolls: MANAGED"
else
	not_ok "the device enrolls" "$(tail -n 20 "$T/wardend.log")"
fi
[ "$(status_field deviceId)" = dev-1 ] &&
	[ "$(status_field lastContactAt)" != null ] &&
	ctl status | grep -q "^server: *https://127.0.0.1:$PORT, device dev-1" &&
	ok "status shows the server, the device id and the last contact" ||
	not_ok "status after enrollment" "$(ctl status)"
grep '"enrolled"' "$G/requests.jsonl" | grep -q '"serialNumber": "SIM' &&
	ok "the enrollment request describes the device" ||
	not_ok "enrollment request" "$(cat "$G/requests.jsonl")"
k="$T/state/device.key"
if [ "$(stat -c %a "$k")" = 600 ] &&
	! grep -rqa -- "PRIVATE KEY" "$T/state" "$T/wardend.log" &&
	! grep -qa -- "-----BEGIN" "$k"; then
	ok "the device key is sealed (0600, no PEM) and never in the clear"
else
	not_ok "the device key is sealed" "$(ls -l "$k")"
fi
wait_until 5 grep -q '"clientCn": "dev-1"' "$G/requests.jsonl"
if grep '/v1/devices/' "$G/requests.jsonl" | grep -qv '"clientCn": "dev-1"'; then
	not_ok "every device request uses mutual TLS" "$(cat "$G/requests.jsonl")"
elif grep -q '/v1/devices/dev-1/' "$G/requests.jsonl"; then
	ok "every device request uses mutual TLS (client CN=dev-1)"
else
	not_ok "device requests after enrollment" "$(cat "$G/requests.jsonl")"
fi
wait_until 5 grep -q 'camera.set_allowed allowed=false' "$T/dev/ops.log" &&
	ok "the policy from the enrollment answer is enforced" ||
	not_ok "policy enforced" "$(cat "$T/dev/ops.log")"
if wait_until 10 sh -c "grep -q report- '$G/reports.json'" &&
	wait_until 5 sh -c "[ \"\$('$WARDENCTL' -s '$SOCK' status --json |
		/usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)[\"outboxPending\"])')\" = 0 ]"; then
	ok "the compliance report reaches the server and leaves the outbox"
else
	not_ok "report delivery" "$(cat "$G/reports.json" 2>/dev/null); $(ctl status)"
fi
# A command queued while the device idles in its long poll.
sleep 1
t0=$(date +%s%N)
echo '{"id": "c-lock-1", "type": "LOCK", "createTime": "'"$(date -u +%Y-%m-%dT%H:%M:%SZ)"'", "duration": "600s"}' >"$G/cmd-1.json"
if wait_until 5 grep -q '^lock.now scope=device -> ok' "$T/dev/ops.log"; then
	t1=$(date +%s%N)
	ms=$(((t1 - t0) / 1000000))
	[ $ms -lt 1000 ] && ok "a LOCK command is executed ${ms} ms after it was queued" ||
		not_ok "LOCK within a second" "${ms} ms"
else
	not_ok "a LOCK command is executed" "$(cat "$T/dev/ops.log")"
fi
wait_until 5 grep -q '"c-lock-1": {"status": "SUCCEEDED"' "$G/results.json" &&
	ok "the LOCK result reaches the server: SUCCEEDED" ||
	not_ok "LOCK result" "$(cat "$G/results.json" 2>/dev/null)"
echo '{"id": "c-unknown-1", "type": "SELF_DESTRUCT"}' >"$G/cmd-2.json"
wait_until 5 grep -q '"c-unknown-1": {"status": "UNSUPPORTED", "errorCode": "UNSUPPORTED"' "$G/results.json" &&
	! grep -q wipe "$T/dev/ops.log" &&
	ok "a command this agent does not execute is answered UNSUPPORTED" ||
	not_ok "UNSUPPORTED result" "$(cat "$G/results.json" 2>/dev/null)"
echo '{"cameraAccess": "CAMERA_ACCESS_USER_CHOICE"}' >"$G/policy.json"
echo '{"id": "c-sync-1", "type": "SYNC_POLICY"}' >"$G/cmd-3.json"
wait_until 5 grep -q 'camera.set_allowed allowed=true' "$T/dev/ops.log" &&
	wait_until 5 grep -q '"c-sync-1": {"status": "SUCCEEDED"' "$G/results.json" &&
	ok "SYNC_POLICY fetches and enforces the changed policy" ||
	not_ok "SYNC_POLICY" "$(cat "$G/results.json" 2>/dev/null)"
n304=$(grep -c '"method": "GET", "path": "/v1/devices/dev-1/policy"' "$G/requests.jsonl")
echo '{"id": "c-sync-2", "type": "SYNC_POLICY"}' >"$G/cmd-4.json"
wait_until 5 grep -q '"c-sync-2": {"status": "SUCCEEDED", "result": {"message": "policy unchanged"' "$G/results.json" &&
	ok "an unchanged policy costs one If-None-Match / 304" ||
	not_ok "304" "$(cat "$G/results.json" 2>/dev/null) ($n304 fetches before)"

# --- token reuse: a second device with the same token --------------------
stop_agent
mv "$T/state" "$T/state-dev1"
mv "$T/dev" "$T/dev-1"
: >"$T/wardend.log"
start_agent
provision "$PORT" "$PIN" TOKEN-1
if wait_until 10 is_state UNPROVISIONED &&
	logged "enrollment with https://127.0.0.1:$PORT refused: HTTP 403 PERMISSION_DENIED: enrollment token unknown or already used; back to UNPROVISIONED"; then
	ok "a used token is refused: back to UNPROVISIONED with the reason logged"
else
	not_ok "token reuse" "$(state); $(tail -n 5 "$T/wardend.log")"
fi
ctl status | grep -q "^server error: enrollment with .* refused: HTTP 403 .*already used" &&
	ok "status shows why the enrollment was refused" ||
	not_ok "status after refusal" "$(ctl status)"
wait_until 3 sh -c "[ ! -e '$T/state/device.key' ]" &&
	ok "the unused key is destroyed" || not_ok "unused key destroyed"
stop_peer

# --- a restart in the middle of enrollment -------------------------------
fresh
start_peer "$T/p-stall" --chain "$P/good.chain" --key "$P/good.key" \
	--token TOKEN-2 --stall-first 4
start_agent
provision "$PORT" "$PIN" TOKEN-2
wait_until 5 grep -q '"/v1/enroll"' "$T/p-stall/requests.jsonl"
kill_agent
start_agent
if wait_until 15 is_state MANAGED && logged "device key of an interrupted attempt reused"; then
	ok "killed in the middle of enrollment, the restarted agent completes it with the same key"
else
	not_ok "restart in the middle of enrollment" "$(state); $(tail -n 8 "$T/wardend.log")"
fi
stop_peer

finish
