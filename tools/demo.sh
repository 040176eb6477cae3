#!/bin/sh
# The README's main job, on one machine, all on 127.0.0.1, in a temporary
# directory: the reference MDM server mints a token and its QR code; a
# simulated handheld provisions from it, enrolls, takes the policy, reports
# non-compliance (its passcode is weak), is fixed, reports compliance,
# executes a LOCK and blocks a re-enabled camera again, then is retired
# (the server told, its settings restored); a kiosk runs standalone. Narrated step by step.
# At the end a small simulated fleet joins, and the server's admin console
# is offered with a one-time login link: the server stays up until Enter is
# pressed, then everything stops and is removed. It does not wait when
# given --no-wait, when WARDEN_DEMO_NO_WAIT is set, or when standard input
# is not a terminal (CI).
# usage: demo.sh BUILD_DIR [--no-wait]
set -eu
bin=$(cd "${1:?usage: demo.sh BUILD_DIR [--no-wait]}" && pwd)
no_wait=${WARDEN_DEMO_NO_WAIT:-}
[ "${2:-}" = --no-wait ] && no_wait=1
src=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d /tmp/warden-demo-XXXXXX)
pids=""

cleanup() {
	for p in $pids; do
		kill -TERM "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

# Headings in bold on a terminal, plain in a file or a pipe.
if [ -t 1 ]; then bold=$(printf '\033[1m') plain=$(printf '\033[0m'); else bold="" plain=""; fi
say() {
	printf '\n%s== %s%s\n' "$bold" "$*" "$plain"
}

# Runs wardenctl against device $dev, showing the command.
run() {
	printf '$ wardenctl %s\n' "$*"
	"$bin/wardenctl" -s "$T/$dev.sock" "$@"
}

# `wardenctl compliance` exits with the verdict: 0 compliant, 5 not.
verdict() {
	rc=0
	run compliance || rc=$?
	echo "(exit status $rc)"
}

quiet() {
	"$bin/wardenctl" -s "$T/$dev.sock" "$@" >/dev/null
}

start() {
	dev=$1
	shift
	"$bin/wardend" -d -H "sim:$T/$dev" -S "$T/$dev.state" -s "$T/$dev.sock" \
		"$@" >"$T/$dev.log" 2>&1 &
	pids="$pids $!"
	i=0
	while [ ! -S "$T/$dev.sock" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	[ -S "$T/$dev.sock" ] || { cat "$T/$dev.log"; exit 1; }
}

wait_until() { # SECONDS command...
	n=$(($1 * 10))
	shift
	while [ $n -gt 0 ]; do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

mdm() {
	printf '$ wardenmdm %s\n' "$*"
	"$bin/wardenmdm" --dir "$T/mdm" "$@"
}

# status_field NAME: one string member of `wardenctl --json status`.
status_field() {
	"$bin/wardenctl" -s "$T/$dev.sock" --json status |
		sed -n "s/^[[:space:]]*\"$1\":[[:space:]]*\"\(.*\)\",*$/\1/p"
}

state_is() {
	[ "$(status_field state)" = "$1" ]
}

server_says() {
	"$bin/wardenmdm" --dir "$T/mdm" device "$ID" | grep -q -- "$1"
}

cd "$src"
say "The reference MDM server on 127.0.0.1 (its own CA, made at first start)"
"$bin/wardenmdm" --dir "$T/mdm" serve --listen 127.0.0.1:0 \
	--console-dir "$src/tools/mdm/console" >"$T/mdm.log" 2>&1 &
pids="$pids $!"
wait_until 10 test -s "$T/mdm/server.url" || { cat "$T/mdm.log"; exit 1; }
echo "serving on $(cat "$T/mdm/server.url")"
mdm policy set examples/policies/fully_managed.json

say "A one-time enrollment token, as the QR code a technician scans"
qr=--json
grep -q '^CONFIG_QR_IMAGE=y' "$bin/.config" && qr="--qr $T/qr.png --json"
# shellcheck disable=SC2086
mdm token new --mode FULLY_MANAGED $qr "$T/qr.json"
sed 's/^/  /' "$T/qr.json"

say "A blank handheld (simulated), with a weak 4-digit passcode"
dev=handheld
start handheld
run sim set passcode.length 4
run sim set passcode.quality NUMERIC
run status

say "Provisioning from the QR code, then enrollment with a key made on the device"
if [ -f "$T/qr.png" ]; then
	run provision --qr-image "$T/qr.png"
else
	run provision --qr-text "$T/qr.json"
fi
t0=$(date +%s%N)
wait_until 20 state_is MANAGED || { tail -n 20 "$T/handheld.log"; exit 1; }
echo "MANAGED $((($(date +%s%N) - t0) / 1000000)) ms after provisioning"
run status
ID=$(status_field deviceId)

say "The server's policy, enforced through the HAL (the simulated device's op log)"
wait_until 10 grep -q 'camera.set_allowed' "$T/handheld/ops.log"
sed 's/^/  /' "$T/handheld/ops.log"

say "Compliance, as the device judges it and as the server receives it"
verdict
wait_until 15 server_says '^compliant: no'
mdm device "$ID"

say "The user sets a proper passcode; the server sees the device compliant"
run sim set passcode.length 8
run sim set passcode.quality NUMERIC_COMPLEX
wait_until 15 server_says '^compliant: yes'
mdm device "$ID"

say "The administrator locks the device"
: >"$T/handheld/ops.log"
CMD=$("$bin/wardenmdm" --dir "$T/mdm" command "$ID" LOCK)
echo "\$ wardenmdm command $ID LOCK"
echo "$CMD"
wait_until 10 grep -q '^lock.now' "$T/handheld/ops.log"
sed 's/^/  op log: /' "$T/handheld/ops.log"
wait_until 10 sh -c "'$bin/wardenmdm' --dir '$T/mdm' results '$ID' | grep -q SUCCEEDED"
mdm results "$ID"

say "Someone re-enables the camera behind the agent's back"
run sim set camera.blocked false
wait_until 5 grep -q 'drift' "$T/handheld.log"
grep 'drift' "$T/handheld.log" | sed 's/^.*wardend: /  agent: /'

say "The handheld leaves the company: retired, its settings restored, the server told"
wait_until 5 grep -q '^camera.set_allowed allowed=false' "$T/handheld/ops.log"
: >"$T/handheld/ops.log"
run retire --yes
sed 's/^/  op log: /' "$T/handheld/ops.log"
mdm devices

say "A kiosk with no server at all: wardend --policy, standalone"
dev=kiosk
# A kiosk is a dedicated device (COSU): the mode comes from its image's
# wardend.conf, as a standalone device has no server to say it.
printf 'mode DEDICATED\n' >"$T/kiosk.conf"
start kiosk -f "$T/kiosk.conf" --policy examples/policies/kiosk.json
wait_until 5 grep -q 'kiosk.enter' "$T/kiosk/ops.log"
run status
tail -n 1 "$T/kiosk/ops.log" | sed 's/^/  op log: /'
verdict

say "A small fleet joins (simulated devices, a quarter of them failing), in group depot"
"$bin/wardenmdm" --dir "$T/mdm" token new --mode FULLY_MANAGED --count 12 >"$T/tokens"
"$bin/wardenfleet" --url "$(cat "$T/mdm/server.url")" --ca "$T/mdm/ca.pem" \
	--tokens "$T/tokens" --devices 12 --wait 20 --duration 86400 \
	--non-compliant 25 >"$T/fleet.out" 2>"$T/fleet.err" &
pids="$pids $!"
wait_until 30 grep -q '^reported-all' "$T/fleet.out" || { cat "$T/fleet.err"; exit 1; }
mdm group add depot
# shellcheck disable=SC2046
mdm group assign depot $("$bin/wardenmdm" --dir "$T/mdm" devices |
	awk '$1 ~ /^[0-9a-f]+$/ && $1 != "'"$ID"'" { print $1 }')
mdm summary

say "The admin console: the same fleet in a browser"
link=$("$bin/wardenmdm" --dir "$T/mdm" admin login-url)
echo "Open this link in a browser (it works once, within 5 minutes):"
echo
echo "  $link"
echo
echo "The server's certificate is the demo CA's ($T/mdm/ca.pem): accept it"
echo "in the browser. Another link: $bin/wardenmdm --dir $T/mdm admin login-url"
if [ -z "$no_wait" ] && [ -t 0 ]; then
	printf '\nThe server stays up until you press Enter. '
	read -r _ || true
else
	echo "(not waiting: --no-wait, WARDEN_DEMO_NO_WAIT or no terminal)"
fi

say "Stopping the server, the fleet and the agents (SIGTERM)"
for p in $pids; do kill -TERM "$p"; wait "$p" || true; done
pids=""
say "Done; $T removed"
