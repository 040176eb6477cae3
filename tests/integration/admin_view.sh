#!/bin/sh
# What an administrator meets first: README's "Running" as written, the
# exit status of `wardenctl compliance`, the policy and verdict in
# `status`, RFC 3339 times, errors as JSON with --json, --json on the
# commands that print a result, `provision --dry-run` with no agent, and
# manual pages that mandoc finds nothing wrong with.
. "$(dirname "$0")/lib.sh"
SRC=${WARDEN_SRCTREE:-.}

# --- README "Running", as written ------------------------------------------
# The block's commands, with the build directory and /tmp of the test's
# own (the build step itself is the test run's).
first_block() { # HEADING: the first sh block after the heading
	awk -v h="$1" '$0 == h { s = 1; next }
		s == 1 && $0 == "```sh" { s = 2; next }
		s == 2 && $0 == "```" { exit }
		s == 2 { print }' "$SRC/README.md"
}
first_block "## Running" | grep -v '^make ' |
	sed -e "s|/tmp/|$T/readme-|g" -e "s|\$PWD/build|$WARDEN_BIN|g" >"$T/running.sh"
cat >>"$T/running.sh" <<'EOF'
wardenctl sim set passcode.quality NUMERIC
EOF
if grep -q '^wardend ' "$T/running.sh" && (cd "$SRC" && sh -e "$T/running.sh") >"$T/running.out" 2>&1 &&
	grep -q '^state: *UNPROVISIONED' "$T/running.out" &&
	grep -q 'passcode.length' "$T/running.out"; then
	ok "README's Running block runs as written (no -s after WARDEN_SOCKET)"
else
	not_ok "README Running" "$(cat "$T/running.sh"; cat "$T/running.out")"
fi
RSOCK=$(sed -n 's/.*WARDEN_SOCKET=\([^ ]*\).*/\1/p' "$T/running.sh" | head -n 1)
# The next block (policies) needs no -s either.
first_block "### Policies and compliance" | sed 's/ *#.*//' >"$T/policy.sh"
fails=""
while read -r line; do
	[ -n "$line" ] || continue
	# shellcheck disable=SC2086
	(cd "$SRC" && WARDEN_SOCKET=$RSOCK PATH="$WARDEN_BIN:$PATH" $line) >/dev/null 2>"$T/line.err"
	rc=$?
	case "$line" in
	*"compliance"*) [ $rc -eq 0 ] || [ $rc -eq 5 ] || fails="$fails|$line: exit $rc $(cat "$T/line.err")" ;;
	*) [ $rc -eq 0 ] || fails="$fails|$line: exit $rc $(cat "$T/line.err")" ;;
	esac
done <"$T/policy.sh"
[ -s "$T/policy.sh" ] && [ -z "$fails" ] &&
	ok "README's policy block runs as written with WARDEN_SOCKET" ||
	not_ok "README policy block" "$fails"
WARDEN_SOCKET=$RSOCK "$WARDENCTL" compliance >/dev/null 2>&1
[ $? -eq 5 ] && ok "compliance exits 5 for NonCompliant (the README's weak passcode)" ||
	not_ok "compliance exit for NonCompliant" "$(WARDEN_SOCKET=$RSOCK "$WARDENCTL" compliance 2>&1)"
pkill -TERM -f "wardend -d -H sim:$T/readme-" 2>/dev/null
sleep 0.5

# --- compliance and status on a device of the test's own ----------------------
start_agent || { not_ok "agent starts" "$(cat "$T/wardend.log")"; finish; }
ctl scan >/dev/null
ctl compliance >/dev/null
rc=$?
[ $rc -eq 0 ] && ok "compliance exits 0 for Compliant" || not_ok "compliance exit for Compliant" "exit $rc"
ctl status >"$T/st.txt"
grep -q '^policy: *none' "$T/st.txt" && grep -q '^compliance: *Compliant (evaluated 20' "$T/st.txt" &&
	grep -q '^outbox: .*kept (no server: UNPROVISIONED)' "$T/st.txt" &&
	! grep -q 'waiting for the server' "$T/st.txt" &&
	ok "status: no policy, the verdict, the outbox kept with no server" ||
	not_ok "status without policy" "$(cat "$T/st.txt")"
ctl policy apply "$SRC/examples/policies/fully_managed.json" >/dev/null 2>&1
ctl sim set passcode.length 2 >/dev/null
ctl scan >/dev/null
ctl compliance >/dev/null
rc=$?
[ $rc -eq 5 ] && ok "compliance exits 5 for NonCompliant" || not_ok "compliance exit for NonCompliant" "exit $rc: $(ctl compliance)"
ctl status >"$T/st.txt"
name=$(json_get name <"$SRC/examples/policies/fully_managed.json")
grep -q "^policy: *$name version [0-9]*, FULLY_MANAGED" "$T/st.txt" &&
	grep -q '^compliance: *NonCompliant' "$T/st.txt" &&
	ok "status names the policy in force and the verdict" ||
	not_ok "status with a policy" "$(cat "$T/st.txt")"
ctl status --json >"$T/st.json"
rfc='^20[0-9][0-9]-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9]Z$'
[ "$(json_get verdict <"$T/st.json")" = NonCompliant ] &&
	[ "$(json_get policy/mode <"$T/st.json")" = FULLY_MANAGED ] &&
	json_get lastScanAt <"$T/st.json" | grep -Eq "$rfc" &&
	json_get evaluatedAt <"$T/st.json" | grep -Eq "$rfc" &&
	[ "$(json_get lastContactAt <"$T/st.json")" = null ] &&
	ctl facts --json | json_get scannedAt | grep -Eq "$rfc" &&
	ok "status --json: policy, verdict, times in RFC 3339 (null for never)" ||
	not_ok "status --json" "$(cat "$T/st.json")"

# --- --json everywhere, errors included --------------------------------------
[ "$(ctl sim set passcode.length 8 --json | json_get value)" = 8 ] &&
	ok "sim set --json says what was set" || not_ok "sim set --json"
ctl rules check "$SRC/examples/rules/handheld.json" --json >"$T/r.json" &&
	[ "$(json_get valid <"$T/r.json")" = true ] &&
	ok "rules check --json" || not_ok "rules check --json" "$(cat "$T/r.json")"
[ "$(ctl --json rules apply "$SRC/examples/rules/handheld.json" | json_get applied)" = true ] &&
	ok "rules apply --json" || not_ok "rules apply --json"
printf '{' >"$T/bad.json"
out=$(ctl rules check "$T/bad.json" --json 2>"$T/err")
rc=$?
[ $rc -eq 2 ] && [ ! -s "$T/err" ] && [ "$(printf '%s' "$out" | json_get exit)" = 2 ] &&
	printf '%s' "$out" | json_get error | grep -q 'bad.json: \$: invalid JSON' &&
	ok "--json: an invalid document is a JSON error on stdout, exit 2" ||
	not_ok "JSON error for invalid input" "exit $rc: $out / $(cat "$T/err")"
ctl policy check "$SRC/examples/policies/kiosk.json" --json >"$T/pc.json" &&
	[ "$(json_get valid <"$T/pc.json")" = true ] &&
	[ "$(json_get unsupported <"$T/pc.json")" = "[]" ] &&
	ok "policy check --json" || not_ok "policy check --json" "$(cat "$T/pc.json")"
printf '{"version": "x", "cameraAccess": 3}' >"$T/badpol.json"
out=$(ctl policy check "$T/badpol.json" --json 2>"$T/err")
rc=$?
[ $rc -eq 2 ] && [ ! -s "$T/err" ] &&
	[ "$(printf '%s' "$out" | json_get errors/0/fieldPath)" = version ] &&
	[ "$(printf '%s' "$out" | json_get errors/1/fieldPath)" = cameraAccess ] &&
	ok "policy check --json: each error with its fieldPath and reason, exit 2" ||
	not_ok "policy check --json errors" "exit $rc: $out / $(cat "$T/err")"
out=$("$WARDENCTL" -s "$T/none.sock" --json status 2>"$T/err")
rc=$?
[ $rc -eq 3 ] && [ ! -s "$T/err" ] && [ "$(printf '%s' "$out" | json_get exit)" = 3 ] &&
	printf '%s' "$out" | json_get error | grep -q 'agent not reachable' &&
	ok "--json: an unreachable agent is a JSON error, exit 3" ||
	not_ok "JSON error unreachable" "exit $rc: $out / $(cat "$T/err")"
out=$("$WARDENCTL" frobnicate --json 2>"$T/err")
[ $? -eq 2 ] && printf '%s' "$out" | json_get error | grep -q 'unknown command "frobnicate"' &&
	ok "--json: an unknown command is a JSON error, exit 2" ||
	not_ok "JSON error unknown command" "$out / $(cat "$T/err")"
stop_agent

# --- provision --dry-run with no agent -------------------------------------
cat >"$T/qr.json" <<EOF
{"android.app.extra.PROVISIONING_ADMIN_EXTRAS_BUNDLE": {
  "warden.SERVER_URL": "https://mdm.example.com:8443",
  "warden.ENROLLMENT_TOKEN": "tok-0123456789abcdef",
  "warden.SERVER_CERT_SHA256": "13iiLB3SBLiwdvLeeJeVOizhLA49ZmdJj8xC86yWRjo"}}
EOF
out=$("$WARDENCTL" -s "$T/none.sock" provision --qr-text "$T/qr.json" --dry-run 2>"$T/err")
rc=$?
[ $rc -eq 0 ] && [ "$(printf '%s' "$out" | json_get serverUrl)" = https://mdm.example.com:8443 ] &&
	[ "$(printf '%s' "$out" | json_get enrollmentToken)" = '***' ] &&
	grep -q 'the agent is not running: checked here .*not checked: whether this device can be provisioned now' "$T/err" &&
	ok "provision --dry-run with no agent checks the input here and says what it could not" ||
	not_ok "offline dry run" "exit $rc: $out / $(cat "$T/err")"
sed 's|https://mdm|ftp://mdm|' "$T/qr.json" >"$T/qr-bad.json"
expect_fail "offline dry run: an invalid input exits 2 naming the field" 2 \
	'warden.SERVER_URL: not an https or coaps URL' \
	"$WARDENCTL" -s "$T/none.sock" provision --qr-text "$T/qr-bad.json" --dry-run
expect_fail "offline dry run: the camera needs the agent, exit 3" 3 \
	'read through the agent.s HAL' \
	"$WARDENCTL" -s "$T/none.sock" provision --camera --dry-run

# --- manual pages ----------------------------------------------------------
for m in "$SRC"/docs/man/*.[1-8]; do
	out=$(mandoc -T lint -W warning "$m" 2>&1)
	[ -z "$out" ] && ok "mandoc -T lint: $(basename "$m") clean" ||
		not_ok "mandoc -T lint $(basename "$m")" "$out"
done
grep -q '^\.Sh EXIT STATUS' "$SRC/docs/man/wardend.8" &&
	grep -q '^\.It Ev WARDEN_TEST_CLOCK' "$SRC/docs/man/wardend.8" &&
	ok "wardend(8) has EXIT STATUS and the environment" || not_ok "wardend(8) sections"
finish
