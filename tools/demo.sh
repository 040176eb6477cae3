#!/bin/sh
# The README's main job: warden on simulated handhelds in a temporary
# directory, driven only through wardenctl, narrated step by step. Stops
# and cleans up by itself.
# usage: demo.sh BUILD_DIR
set -eu
bin=$(cd "${1:?usage: demo.sh BUILD_DIR}" && pwd)
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

say() {
	printf '\n\033[1m== %s\033[0m\n' "$*"
}

# Runs wardenctl against device $dev, showing the command.
run() {
	printf '$ wardenctl %s\n' "$*"
	"$bin/wardenctl" -s "$T/$dev.sock" "$@"
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

cd "$src"
say "A field handheld with no server: wardend --policy and --rules"
echo "(state and logs in $T)"
start handheld --policy examples/policies/fully_managed.json \
	--rules examples/rules/handheld.json
sleep 0.5
run status
run policy show

say "What warden enforced, as the simulated device's op log shows"
sed 's/^/  /' "$T/handheld/ops.log"

say "Compliance"
run compliance

say "The user sets a 4-digit passcode and the disk loses its encryption"
run sim set passcode.length 4
run sim set passcode.quality NUMERIC
run sim set disk.encrypted false
quiet scan
run compliance

say "The user fixes both; compliant at the next scan"
run sim set passcode.length 8
run sim set passcode.quality NUMERIC_COMPLEX
run sim set disk.encrypted true
quiet scan
run compliance

say "Someone re-enables the camera behind the agent's back"
run sim set camera.blocked false
sleep 0.6
tail -n 1 "$T/handheld/ops.log" | sed 's/^/  op log: /'
grep 'drift' "$T/handheld.log" | sed 's/^.*wardend: /  agent: /'

say "A second, blank device is provisioned from a QR code (PNG)"
dev=blank
start blank
if grep -q '^CONFIG_QR_IMAGE=y' "$bin/.config" && command -v qrencode >/dev/null; then
	qrencode -o "$T/qr.png" -s 4 <tests/data/provisioning/warden-fully-managed.json
	run provision --qr-image "$T/qr.png"
else
	run provision --qr-text tests/data/provisioning/warden-fully-managed.json
fi
run status

say "Stopping the agents (SIGTERM)"
for p in $pids; do kill -TERM "$p"; wait "$p" || true; done
pids=""
say "Done; $T removed"
