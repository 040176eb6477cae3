#!/bin/sh
# The README's main job: wardend on a simulated handheld in a temporary
# directory, driven only through wardenctl, narrated step by step. Stops
# and cleans up by itself.
# usage: demo.sh BUILD_DIR
set -eu
bin=$(cd "${1:?usage: demo.sh BUILD_DIR}" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
T=$(mktemp -d /tmp/warden-demo-XXXXXX)
SOCK="$T/wardend.sock"
pid=

cleanup() {
	if [ -n "$pid" ]; then
		kill -TERM "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	fi
	rm -rf "$T"
}
trap cleanup EXIT INT TERM

say() {
	printf '\n\033[1m== %s\033[0m\n' "$*"
}

run() {
	printf '$ %s\n' "$*"
	"$@"
}

ctl() {
	"$bin/wardenctl" -s "$SOCK" "$@"
}

say "Starting wardend on a simulated handheld in $T"
"$bin/wardend" -d -H "sim:$T/device" -S "$T/state" -s "$SOCK" \
	>"$T/wardend.log" 2>&1 &
pid=$!
i=0
while [ ! -S "$SOCK" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
[ -S "$SOCK" ] || { cat "$T/wardend.log"; exit 1; }

say "The agent's status"
run "$bin/wardenctl" -s "$SOCK" status

say "The device's posture, as scanned through the HAL"
ctl scan >/dev/null
run "$bin/wardenctl" -s "$SOCK" facts

say "A user weakens the passcode; the agent rescans by itself"
run "$bin/wardenctl" -s "$SOCK" sim set passcode.length 4
run "$bin/wardenctl" -s "$SOCK" sim set passcode.quality NUMERIC
sleep 0.5
ctl facts | grep -E 'passcode\.(length|quality)'

say "Stopping the agent (SIGTERM)"
kill -TERM "$pid"
wait "$pid" || true
pid=
echo "agent log:"
sed 's/^/  /' "$T/wardend.log"
say "Done; $T removed"
