#!/bin/sh
# lwm2m_rss.sh HANDHELD_BUILD: the idle LwM2M handheld's memory. The
# handheld build (Linux HAL) on a copy of tests/fixtures/rootfs-handheld,
# provisioned for LwM2M over DTLS with a PSK and registered with
# coap-rd-gnutls (libcoap3-bin), idle for 3 s; then, for the parent and
# the network process: RSS, PSS and private memory from
# /proc/PID/smaps_rollup, and the TLS libraries each maps
# (/proc/PID/maps). Prints one line per figure, "metric<TAB>figure";
# tests/bench/run.sh makes rows of them (docs/footprint.md,
# docs/lwm2m/README.md).
set -u
hand=$(cd "${1:?usage: lwm2m_rss.sh HANDHELD_BUILD}" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d /tmp/warden-lwm2m-rss-XXXXXX)
PIDS=
trap 'for p in $PIDS; do kill "$p" 2>/dev/null; done; [ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
PSK=bench-psk-key-16
PSK_HEX=$(printf %s "$PSK" | od -An -tx1 | tr -d ' \n')

if ! grep -q '^CONFIG_TRANSPORT_LWM2M=y' "$hand/.config" ||
    ! command -v coap-rd-gnutls >/dev/null 2>&1; then
	printf 'idle RSS, handheld, LwM2M\tnot measured: no LwM2M in the build or no coap-rd-gnutls\n'
	exit 0
fi
. "$src/tests/integration/lib_lwm2m.sh"
port=$(($(free_port_pair) - 1))
coap-rd-gnutls -A 127.0.0.1 -p "$port" -k "$PSK" >"$T/rd.log" 2>&1 &
PIDS="$PIDS $!"
cp -a "$src/tests/fixtures/rootfs-handheld" "$T/root"
"$hand/wardend" -d -H "linux:$T/root" -S "$T/state" -s "$T/sock" \
    >"$T/wardend.log" 2>&1 &
agent=$!
PIDS="$PIDS $agent"
i=0
while [ ! -S "$T/sock" ] && [ $i -lt 200 ]; do sleep 0.02; i=$((i + 1)); done
cat >"$T/qr.json" <<EOQ
{
  "android.app.extra.PROVISIONING_DEVICE_ADMIN_COMPONENT_NAME": "warden/.Agent",
  "android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE": {
    "warden.SERVER_URL": "coaps://127.0.0.1:$((port + 1))",
    "warden.BINDING": "lwm2m",
    "warden.MODE": "FULLY_MANAGED",
    "warden.PSK_IDENTITY": "bench",
    "warden.PSK_KEY": "$PSK_HEX"
  }
}
EOQ
"$hand/wardenctl" -s "$T/sock" provision --qr-text "$T/qr.json" >/dev/null 2>&1
i=0
while [ $i -lt 200 ]; do
	[ "$("$hand/wardenctl" -s "$T/sock" --json status 2>/dev/null |
	    /usr/bin/python3 -c 'import json, sys
print(json.load(sys.stdin).get("state", ""))' 2>/dev/null)" = MANAGED ] &&
	    break
	sleep 0.1
	i=$((i + 1))
done
if [ $i -ge 200 ]; then
	printf 'idle RSS, handheld, LwM2M\tnot registered (%s)\n' \
	    "$(tail -n 3 "$T/wardend.log" | tr '\n' ' ')"
	exit 0
fi
sleep 3
net=$(cat /proc/"$agent"/task/*/children 2>/dev/null | tr ' ' '\n' |
    grep . | head -n 1)
for p in "parent:$agent" "network process:${net:-}"; do
	name=${p%%:*}
	pid=${p#*:}
	[ -n "$pid" ] && [ -r "/proc/$pid/smaps_rollup" ] || continue
	set -- $(awk '/^Rss:/ {r = $2} /^Pss:/ {p = $2}
	    /^Private_(Clean|Dirty):/ {v += $2} END {print r, p, v}' \
	    "/proc/$pid/smaps_rollup")
	tls=$(grep -o -E 'lib(gnutls|ssl|crypto|mbedtls|mbedx509|mbedcrypto|nettle|hogweed|coap-3[^/ ]*)\.so[.0-9]*' \
	    "/proc/$pid/maps" | sort -u | tr '\n' ' ')
	printf 'idle RSS, handheld, LwM2M registered: %s\tRSS %s kB (PSS %s, private %s); maps %s\n' \
	    "$name" "$1" "$2" "$3" "${tls:-no TLS library}"
done
