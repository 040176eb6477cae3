#!/bin/sh
# qrdecode.sh - camera pictures are decoded in warden-qrdecode, a confined
# process, never in wardend: what it answers for a code, no code and a
# hostile picture; how it is confined while it reads; and a camera scan
# provisioning through it.
. "$(dirname "$0")/lib.sh"

QRD="$WARDEN_BIN/warden-qrdecode"
D="$WARDEN_SRCTREE/tests/data/provisioning"
if ! grep -q '^CONFIG_QR_IMAGE=y' "$WARDEN_BIN/.config"; then
	echo "# built without CONFIG_QR_IMAGE: no decoder"
	[ ! -e "$QRD" ] && ok "no decoder without CONFIG_QR_IMAGE" ||
		not_ok "no decoder without CONFIG_QR_IMAGE"
	finish
	exit $?
fi

qrencode -o "$T/code.png" -s 4 <"$D/qr-short-aliases-lwm2m.json"
out=$("$QRD" <"$T/code.png")
rc=$?
if [ $rc -eq 0 ] && [ "$out" = "$(cat "$D/qr-short-aliases-lwm2m.json")" ]; then
	ok "a QR code's text, exit 0"
else
	not_ok "a QR code's text, exit 0" "exit $rc: $out"
fi
printf 'P5\n64 64\n255\n' >"$T/blank.pgm"
head -c 4096 /dev/zero | tr '\0' '\377' >>"$T/blank.pgm"
"$QRD" <"$T/blank.pgm" >"$T/out" 2>"$T/err"
rc=$?
[ $rc -eq 1 ] && [ ! -s "$T/out" ] && [ ! -s "$T/err" ] &&
	ok "a picture without a code: exit 1, silent" ||
	not_ok "a picture without a code: exit 1" "exit $rc: $(cat "$T/err")"
head -c 2000 /dev/urandom >"$T/noise"
expect_fail "noise: exit 2 naming the reason" 2 'not a PNG or binary PGM' \
	"$QRD" <"$T/noise"
printf 'P5\n60000 60000\n255\n' >"$T/bomb.pgm"
expect_fail "a picture of 60000x60000: exit 2, out of bounds" 2 \
	'out of bounds' "$QRD" <"$T/bomb.pgm"
head -c 17000000 /dev/zero >"$T/huge"
expect_fail "more than 16 MiB: exit 2" 2 'larger than' "$QRD" <"$T/huge"

# Confined before it reads a byte: inspect it while it waits for input.
(sleep 2; cat "$T/code.png") | "$QRD" >"$T/out" 2>"$T/err" &
qpid=$!
sleep 1
st=/proc/$qpid/status
uid=$(awk '/^Uid:/ { print $2 $3 $4 $5 }' "$st")
if [ -n "$uid" ] && [ "$uid" != 0000 ] &&
    grep -q '^CapEff:[[:space:]]*0000000000000000' "$st" &&
    grep -q '^CapBnd:[[:space:]]*0000000000000000' "$st" &&
    grep -q '^NoNewPrivs:[[:space:]]*1' "$st"; then
	ok "while it reads: uid $(awk '/^Uid:/ { print $2 }' "$st"), no capabilities, no new privileges"
else
	not_ok "confined while it reads" "$(cat "$st")"
fi
if grep -q '^CONFIG_NETPROC_SECCOMP=y' "$WARDEN_BIN/.config"; then
	grep -q '^Seccomp:[[:space:]]*2' "$st" &&
		ok "under its seccomp allow-list (Seccomp: 2)" ||
		not_ok "under its seccomp allow-list" "$(grep Seccomp "$st")"
fi
r=$(readlink "/proc/$qpid/root")
[ "$r" = /var/empty ] && ok "in an empty root ($r)" || not_ok "in an empty root" "$r"
wait $qpid
rc=$?
[ $rc -eq 0 ] && grep -q lwm2m "$T/out" &&
	ok "then decodes what it reads" || not_ok "then decodes" "exit $rc $(cat "$T/err")"

# A camera scan: the simulated camera's picture goes to the decoder.
printf 'qr-decoder %s\n' "$QRD" >"$T/wardend.conf"
start_agent -f "$T/wardend.conf" || not_ok "agent starts"
cp "$T/blank.pgm" "$T/dev/camera.pgm"
expect_fail "provision --camera, a picture without a code: exit 1" 1 \
	'camera' ctl provision --camera
[ "$(ctl --json status | json_get state)" = UNPROVISIONED ] &&
	ok "nothing changed" || not_ok "nothing changed"
rm "$T/dev/camera.pgm"
cp "$T/code.png" "$T/dev/camera.png"
if ctl provision --camera >"$T/out" 2>&1 &&
    [ "$(ctl --json status | json_get state)" = ENROLLING ] &&
    grep -q '^camera_scan.scan_qr image -> ok' "$T/dev/ops.log"; then
	ok "provision --camera: the picture decoded by warden-qrdecode"
else
	not_ok "provision --camera through the decoder" "$(cat "$T/out")"
fi
stop_agent

printf 'qr-decoder /nonexistent/warden-qrdecode\n' >"$T/wardend2.conf"
rm -rf "$T/state"
start_agent -f "$T/wardend2.conf"
expect_fail "no decoder: UNSUPPORTED, named" 1 \
	'UNSUPPORTED: no QR decoder at /nonexistent' ctl provision --camera
finish
