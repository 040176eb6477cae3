#!/bin/sh
# Provisioning end to end on the simulated device: QR (image, text,
# camera), NFC (file, reader, and the bump from an enrolled device), afw#
# token, zero-touch with no command at all; hostile inputs exit 2 with one
# line and change nothing.
. "$(dirname "$0")/lib.sh"
D=tests/data/provisioning

QR="$D/warden-fully-managed.json"

fresh() {
	stop_agent
	rm -rf "$T/dev" "$T/state" "$SOCK"
}

state() {
	ctl status --json | json_get state
}

# The stored request, unmasked, as the agent keeps it.
stored() {
	sqlite3 "$T/state/warden.db" "SELECT request FROM enrollment" |
		json_get "$1"
}

# --- QR from a PNG image, decoded with zbar ------------------------------
fresh
start_agent
if grep -q '^CONFIG_QR_IMAGE=y' "$WARDEN_BIN/.config"; then
	qrencode -o "$T/qr.png" -s 4 <"$QR"
	ctl provision --qr-image "$T/qr.png" >"$T/out" 2>&1
else
	echo "# built without CONFIG_QR_IMAGE: the QR text instead of an image"
	expect_fail "without CONFIG_QR_IMAGE, --qr-image says UNSUPPORTED" 1 \
		"UNSUPPORTED: built without QR image support" \
		ctl provision --qr-image "$QR"
	ctl provision --qr-text "$QR" >"$T/out" 2>&1
fi
[ "$(state)" = ENROLLING ] && ok "QR image: the device is ENROLLING" ||
	not_ok "QR image: the device is ENROLLING" "$(cat "$T/out")"
grep -q '^  wifi *"Warehouse-5G" (WPA)$' "$T/out" &&
	grep -q '^  enrolling *https://127.0.0.1:8443 via rest$' "$T/out" &&
	ok "QR image: each step is printed as it happens" ||
	not_ok "QR image: steps printed" "$(cat "$T/out")"
cat >"$T/expected" <<'OPS'
network.apply_wifi ssid="Warehouse-5G" security=WPA hidden=false -> ok
network.set_locale locale=en_US -> ok
network.set_timezone timeZone=Europe/Berlin -> ok
OPS
diff -u "$T/expected" "$T/dev/ops.log" >"$T/diff" &&
	ok "QR image: Wi-Fi, locale and time zone through the HAL" ||
	not_ok "QR image: HAL operations" "$(cat "$T/diff")"
[ "$(stored serverUrl)" = "https://127.0.0.1:8443" ] &&
	[ "$(stored enrollmentToken)" = "QJXKWMRTPLZVBNHSDFGA" ] &&
	[ "$(stored mode)" = "FULLY_MANAGED" ] &&
	ok "QR image: the request is stored" || not_ok "QR image: request stored"
ctl status | grep -q '^step: *enrolling: https://127.0.0.1:8443 via rest' &&
	ok "status shows the current step" || not_ok "status shows the step"
expect_fail "a provisioned device refuses a second provisioning" 1 \
	"refused: the device is ENROLLING; retire it first" \
	ctl provision --qr-text "$QR"

# --- the NFC bump: this enrolled device writes the next one's tag --------
check "provision share writes an NDEF message" \
	ctl provision share --ndef "$T/bump.ndef"
mode=$(stat -c %a "$T/bump.ndef")
[ "$mode" = 600 ] && ok "the shared NDEF is owner-only (it holds secrets)" ||
	not_ok "shared NDEF mode" "$mode"
fresh
start_agent
cp "$T/bump.ndef" "$T/dev/nfc.ndef"
ctl provision --nfc >"$T/out" 2>&1
[ "$(state)" = ENROLLING ] && [ "$(stored serverUrl)" = "https://127.0.0.1:8443" ] &&
	[ "$(stored wifi/ssid)" = "Warehouse-5G" ] &&
	[ "$(stored enrollmentToken)" = "QJXKWMRTPLZVBNHSDFGA" ] &&
	ok "NFC bump: the next device reads the tag and is ENROLLING" ||
	not_ok "NFC bump" "$(cat "$T/out")"
grep -q '^nfc.read_ndef bytes=' "$T/dev/ops.log" &&
	ok "NFC bump: read through the HAL's NFC reader" || not_ok "NFC reader op"

# --- NFC from a file ------------------------------------------------------
fresh
start_agent
ctl provision --nfc-ndef $D/nfc-dedicated.ndef >"$T/out" 2>&1
[ "$(state)" = ENROLLING ] && [ "$(stored mode)" = DEDICATED ] &&
	ok "NFC file: ENROLLING in dedicated mode" ||
	not_ok "NFC file" "$(cat "$T/out")"

# --- afw# token -------------------------------------------------------------
fresh
printf 'token-directory %s/%s\n' "$(pwd)" "$D/tokendir.json" >"$T/token.conf"
start_agent -f "$T/token.conf"
expect_fail "an unknown afw# id is refused" 2 'afw#nosuch' \
	ctl provision --token 'afw#nosuch' --code 123456
ctl provision --token 'afw#acme' --code 123456 >"$T/out" 2>&1
[ "$(state)" = ENROLLING ] &&
	[ "$(stored serverUrl)" = "https://mdm.acme.example:8443/warden" ] &&
	[ "$(stored enrollmentToken)" = "123456" ] &&
	ok "afw# token: the directory names the server, the code is the token" ||
	not_ok "afw# token" "$(cat "$T/out"; sqlite3 "$T/state/warden.db" 'SELECT request FROM enrollment')"

# --- camera ------------------------------------------------------------------
fresh
start_agent
cp $D/qr-headwind-style.json "$T/dev/camera.txt"
ctl provision --camera >"$T/out" 2>&1
[ "$(state)" = ENROLLING ] && [ "$(stored wifi/hidden)" = true ] &&
	ok "camera: a scanned QR code with string booleans" ||
	not_ok "camera" "$(cat "$T/out")"

if grep -q '^CONFIG_QR_IMAGE=y' "$WARDEN_BIN/.config"; then
	fresh
	printf 'qr-decoder %s\n' "$WARDEN_BIN/warden-qrdecode" >"$T/qrd.conf"
	start_agent -f "$T/qrd.conf"
	qrencode -o "$T/dev/camera.png" -s 4 <$D/qr-short-aliases-lwm2m.json
	ctl provision --camera >"$T/out" 2>&1
	[ "$(state)" = ENROLLING ] && [ "$(stored binding)" = lwm2m ] &&
		grep -q '^camera_scan.scan_qr image -> ok' "$T/dev/ops.log" &&
		ok "camera: a QR code in the camera's image (warden-qrdecode)" ||
		not_ok "camera image" "$(cat "$T/out")"
fi

# --- an AMAPI enrollment token with the image's default server -----------
fresh
printf 'default-server-url https://mdm.image.example\ndefault-server-pin n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg\n' >"$T/dflt.conf"
start_agent -f "$T/dflt.conf"
ctl provision --qr-text $D/qr-clouddpc-token.json >"$T/out" 2>&1
[ "$(state)" = ENROLLING ] && [ "$(stored serverUrl)" = "https://mdm.image.example" ] &&
	[ "$(stored enrollmentToken)" = "KQWERTYPLMNBVCXZASDF" ] &&
	ok "clouddpc enrollment token goes to the image's default server" ||
	not_ok "clouddpc token" "$(cat "$T/out")"

# --- zero-touch: no command at all ------------------------------------------
fresh
printf 'zerotouch-file %s/%s\n' "$(pwd)" "$D/zerotouch.json" >"$T/zt.conf"
start_agent -f "$T/zt.conf"
i=0
while [ $i -lt 40 ] && [ "$(state)" != ENROLLING ]; do sleep 0.05; i=$((i + 1)); done
[ "$(state)" = ENROLLING ] && [ "$(stored serverUrl)" = "https://mdm.example.com:8443" ] &&
	grep -q 'network.apply_wifi ssid="Factory-Floor"' "$T/dev/ops.log" &&
	ok "zero-touch: ENROLLING at first start, with no command" ||
	not_ok "zero-touch" "$(tail -5 "$T/wardend.log")"
# a restart of an enrolling device does not provision again
stop_agent
start_agent -f "$T/zt.conf"
sleep 0.3
[ "$(grep -c apply_wifi "$T/dev/ops.log")" = 1 ] &&
	ok "zero-touch runs once" || not_ok "zero-touch runs once"

# --- hostile inputs: exit 2, one line, nothing changed ------------------------
fresh
start_agent
/usr/bin/python3 - "$T" "$QR" <<'PY'
import json, sys
t, qr = sys.argv[1], sys.argv[2]
good = open(qr, "rb").read()
w = lambda n, b: open("%s/%s" % (t, n), "wb").write(b)
w("truncated.json", good[: len(good) // 2])
w("oversized.json", b'{"android.app.extra.PROVISIONING_LOCALE":"' + b"a" * 5000 + b'"}')
w("badutf8.json", good.replace(b"Warehouse-5G", b"Wareh\xc3\x28use"))
w("nul.json", good.replace(b"Warehouse-5G", b"Ware\x00house"))
w("duplicate.json", good.replace(b'"android.app.extra.PROVISIONING_LOCALE": "en_US"',
  b'"android.app.extra.PROVISIONING_LOCALE": "en_US", "android.app.extra.PROVISIONING_LOCALE": "de_DE"'))
w("http.json", good.replace(b"https://127.0.0.1:8443", b"http://127.0.0.1:8080"))
w("shortpin.json", good.replace(b"n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg", b"n4bQgYhMfWWaL-qgxVrQ"))
d = json.loads(good)
d["android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE"]["nested"] = {"a": {"b": {"c": {}}}}
w("bundlebomb.json", json.dumps(d).encode())
ndef = open("tests/data/provisioning/nfc-dedicated.ndef", "rb").read()
w("wrongmime.ndef", ndef.replace(b"application/com.android.managedprovisioning",
  b"application/com.android.managedprovisioninX"))
w("chunked.ndef", bytes([ndef[0] | 0x20]) + ndef[1:])
w("truncated.ndef", ndef[:20])
PY
snapshot() {
	{
		ctl status --json | json_get state
		cat "$T/dev/ops.log" 2>/dev/null
		sqlite3 "$T/state/warden.db" "SELECT * FROM enrollment; SELECT * FROM kv; SELECT count(*) FROM state_history;"
	} >"$1"
}
snapshot "$T/before"
hostile() {
	what=$1 flag=$2 file=$3 pat=$4
	err=$(ctl provision "$flag" "$file" 2>&1 >/dev/null)
	rc=$?
	lines=$(printf '%s\n' "$err" | grep -c .)
	snapshot "$T/after"
	if [ $rc -eq 2 ] && [ "$lines" -eq 1 ] && printf '%s' "$err" | grep -Eq -- "$pat" &&
		cmp -s "$T/before" "$T/after"; then
		ok "hostile: $what (exit 2: $err)"
	else
		not_ok "hostile: $what" "exit $rc, $lines lines: $err"
	fi
}
hostile "truncated QR JSON" --qr-text "$T/truncated.json" '.'
hostile "oversized QR" --qr-text "$T/oversized.json" 'larger than|bytes'
hostile "invalid UTF-8" --qr-text "$T/badutf8.json" 'UTF-8'
hostile "NUL byte" --qr-text "$T/nul.json" 'NUL'
hostile "duplicate keys" --qr-text "$T/duplicate.json" 'duplicate'
hostile "http URL" --qr-text "$T/http.json" 'warden.SERVER_URL: not an https or coaps URL'
hostile "short pin" --qr-text "$T/shortpin.json" 'SERVER_CERT_SHA256'
hostile "nested bundle" --qr-text "$T/bundlebomb.json" 'nested'
hostile "no server (TestDPC's QR)" --qr-text "$D/testdpc.json" 'SERVER_URL'
hostile "wrong NDEF MIME type" --nfc-ndef "$T/wrongmime.ndef" 'MIME|type'
hostile "chunked NDEF record" --nfc-ndef "$T/chunked.ndef" 'chunk'
hostile "truncated NDEF" --nfc-ndef "$T/truncated.ndef" 'truncated|short|length'
ctl provision --qr-text "$QR" --dry-run >/dev/null
snapshot "$T/after"
cmp -s "$T/before" "$T/after" && ok "dry run left the device as it was" ||
	not_ok "dry run left the device as it was"
ctl provision --qr-text "$QR" --dry-run | grep -q '"password":	"\*\*\*"' &&
	ok "dry run masks secrets" || not_ok "dry run masks secrets"

finish
