#!/bin/sh
# The admin console in a real browser: Debian's chromium, headless,
# driven by npm's playwright-core (tests/browser/, installed by this
# test) against a wardenmdm whose fleet of simulated devices (wardenfleet,
# a share of them non-compliant) and one hand-enrolled device that
# reports script are enrolled. What is checked is in
# tests/browser/console_test.js; screenshots of each page are written to
# the test log directory (test-logs/console-screenshots).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_mdm.sh"
. "$(dirname "$0")/lib_console.sh"
BDIR="$WARDEN_SRCTREE/tests/browser"
FLEET="$WARDEN_BIN/wardenfleet"
SHOTS="$WARDEN_BIN/test-logs/console-screenshots"
N=30
SIM=

skip() {
	if [ -n "${CI:-}" ] || [ -n "${WARDEN_REQUIRE_BROWSER:-}" ]; then
		not_ok "browser test tools available" "$1"
		finish
		exit 1
	fi
	echo "# SKIP console in a browser: $1"
	finish
	exit 0
}

[ -x "$MDM" ] && [ -x "$FLEET" ] || skip "wardenmdm and wardenfleet are not built"
command -v chromium >/dev/null 2>&1 || skip "chromium is not installed"
command -v zbarimg >/dev/null 2>&1 || skip "zbarimg (zbar-tools) is not installed"
sh "$BDIR/install.sh" 2>"$T/npm.log" || skip "$(cat "$T/npm.log")"

MDM_SERVE_ARGS="--console-dir $CONSOLE_DIR"
start_server || { not_ok "wardenmdm starts" "$(cat "$T/mdm.log")"; finish; exit 1; }
mdm policy set examples/policies/fully_managed.json >/dev/null
mdm token new --mode FULLY_MANAGED --count "$N" >"$T/tokens" 2>/dev/null
"$FLEET" --url "$URL" --ca "$D/ca.pem" --tokens "$T/tokens" --devices "$N" \
	--wait 5 --duration 300 --non-compliant 30 >"$T/fleet.out" 2>"$T/fleet.err" &
SIM=$!
wait_until 60 grep -q '^reported-all' "$T/fleet.out" &&
	ok "$N simulated devices enrolled and reported" ||
	not_ok "fleet" "$(tail -n 3 "$T/fleet.err")"
EVIL=$(hand_enroll evil '{"hardwareInfo":{"model":"</script><script>window.pwned=5</script>"},"managementMode":"DEVICE_OWNER"}')
code=$(hand_report evil "$EVIL" '{"policyCompliant":false,"nonComplianceDetails":[{"settingName":"<script>window.pwned=3</script>","nonComplianceReason":"USER_ACTION","fieldPath":"x\"><img src=x onerror=window.pwned=4>"}],"hardwareInfo":{"model":"</script><script>window.pwned=5</script>"}}')
[ "$code" = 200 ] && ok "a device reports fields holding script" || not_ok "hostile report" "$code"

rm -rf "$SHOTS"
mkdir -p "$SHOTS"
LOGIN=$(mdm admin login-url) DEVICES=$((N + 1)) EVIL="$EVIL" SHOTS="$SHOTS" \
	node "$BDIR/console_test.js" >"$T/browser.out" 2>&1
cat "$T/browser.out"
grep -q '^ok ' "$T/browser.out" || not_ok "the browser test ran" "$(tail -n 5 "$T/browser.out")"
for p in fleet device device-locked enroll policy-error; do
	[ -s "$SHOTS/$p.png" ] || not_ok "screenshot $p.png written"
done
# The browser's lines count with this script's own.
nfail=$((nfail + $(grep -c '^not ok ' "$T/browser.out")))

kill -TERM "$SIM" 2>/dev/null
wait "$SIM" 2>/dev/null
stop_server
finish
