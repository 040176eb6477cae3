#!/bin/sh
# The product build (handheld_defconfig, built by `make check` in
# $WARDEN_BIN/product) carries no test double: no simulated HAL (-H sim:
# is refused, naming what is built in) and no test hooks (the variables
# are not in the binary, and a simulated clock is ignored while the test
# build, run the same way, follows it).
. "$(dirname "$0")/lib.sh"
P="$WARDEN_BIN/product"
SRC=${WARDEN_SRCTREE:-.}

if [ ! -x "$P/wardend" ]; then
	not_ok "the product build exists" "no $P/wardend (make check builds it)"
	finish
	exit 1
fi
ok "the product build exists"

expect_fail "the product wardend refuses the simulated HAL, naming what it has" \
	1 'HAL backend "sim" is not in this build \(built in: linux\)' \
	"$P/wardend" -d -H "sim:$T/dev" -S "$T/state" -s "$SOCK"
[ ! -e "$T/state" ] && ok "... before it creates anything" ||
	not_ok "... before it creates anything" "$(ls -la "$T/state")"
printf 'hal sim:%s/dev\n' "$T" >"$T/sim.conf"
expect_fail "wardend -n refuses a configuration naming the simulated HAL" \
	1 'HAL backend "sim" is not in this build' "$P/wardend" -n -f "$T/sim.conf"

for v in WARDEN_TEST_CLOCK WARDEN_FAULT_KILL_AT WARDEN_FAULT_TXN_DELAY_MS \
    WARDEN_ATTEST_TTL; do
	if grep -q "$v" "$WARDEN_BIN/wardend" && ! grep -q "$v" "$P/wardend"; then
		ok "$v is read by the test build only"
	else
		not_ok "$v is read by the test build only"
	fi
done

# boot_id_with BINDIR: runs that wardend on a copy of an unencrypted
# device with a simulated clock, applies a policy whose enforcement rule
# counts the non-compliance time on the clocks, and prints the boot id
# the count was taken with.
printf 'wall=1750000000 boot=1000 boot_id=simulated-boot\n' >"$T/clock"
cat >"$T/policy.json" <<'JSON'
{
  "name": "enterprises/acme/policies/encrypted",
  "version": "1",
  "encryptionPolicy": "ENABLED_WITHOUT_PASSWORD",
  "policyEnforcementRules": [
    { "settingName": "encryptionPolicy",
      "blockAction": { "blockAfterDays": 30 } }
  ]
}
JSON
printf 'mode FULLY_MANAGED\n' >"$T/mode.conf"
boot_id_with() {
	rm -rf "$T/root" "$T/state" "$SOCK"
	cp -a "$SRC/tests/fixtures/rootfs-unencrypted" "$T/root"
	WARDEN_TEST_CLOCK="$T/clock" "$1/wardend" -d -H "linux:$T/root" \
		-S "$T/state" -s "$SOCK" -f "$T/mode.conf" \
		>>"$T/wardend.log" 2>&1 &
	AGENT_PID=$!
	i=0
	while [ ! -S "$SOCK" ] && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	"$1/wardenctl" -s "$SOCK" policy apply "$T/policy.json" >/dev/null 2>&1
	"$1/wardenctl" -s "$SOCK" scan >/dev/null 2>&1
	stop_agent
	sqlite3 "$T/state/warden.db" "SELECT json_extract(value, '\$.boot_id')
		FROM kv WHERE key = 'noncompliant:encryptionPolicy'" 2>/dev/null
}
# The daemon maps no image, video, X11 or D-Bus library: the camera is
# captured with plain V4L2 and its pictures are decoded by
# warden-qrdecode, the only program that links zbar.
libs=$(ldd "$P/wardend" 2>&1)
bad=$(printf '%s\n' "$libs" | grep -o -E 'lib(X11|xcb|dbus-1|zbar|v4l[a-z0-9]*|jpeg|png16)\.so[^ ]*' | sort -u | tr '\n' ' ')
[ -n "$libs" ] && [ -z "$bad" ] &&
	ok "the product wardend links no X11, xcb, dbus, zbar or v4l library" ||
	not_ok "the product wardend links no X11, xcb, dbus, zbar or v4l library" "$bad"
if [ -x "$P/warden-qrdecode" ]; then
	ldd "$P/warden-qrdecode" | grep -q libzbar &&
		ok "... while warden-qrdecode does (the decoder)" ||
		not_ok "... while warden-qrdecode does (the decoder)"
fi
grep -q '^CONFIG_OPTIMIZE_SIZE=y' "$P/.config" &&
	ok "the product build is optimised for size" ||
	not_ok "the product build is optimised for size"

real=$(cat /proc/sys/kernel/random/boot_id)
got=$(boot_id_with "$WARDEN_BIN")
[ "$got" = "simulated-boot" ] &&
	ok "the test build counts on the simulated clock" ||
	not_ok "the test build counts on the simulated clock" "boot_id '$got'"
got=$(boot_id_with "$P")
[ "$got" = "$real" ] &&
	ok "the product build ignores WARDEN_TEST_CLOCK: real clocks" ||
	not_ok "the product build ignores WARDEN_TEST_CLOCK: real clocks" \
		"boot_id '$got', want $real"

finish
