#!/bin/sh
# Cross-compilation by the book: minimal_defconfig and handheld_defconfig
# built for arm64 with CROSS_COMPILE=aarch64-linux-gnu- (the Makefile takes
# aarch64-linux-gnu-pkg-config and Debian's multiarch :arm64 libraries),
# then the arm64 wardend runs standalone under qemu-aarch64 and the arm64
# wardenctl gets answers to status and compliance. A missing library stops
# the build at once, naming its pkg-config module.
. "$(dirname "$0")/lib.sh"
SRC=${WARDEN_SRCTREE:-.}
X=aarch64-linux-gnu-
QEMU=$(command -v qemu-aarch64 || command -v qemu-aarch64-static)

for c in ${X}gcc ${X}pkg-config; do
	command -v $c >/dev/null || {
		not_ok "$c is available (make check installs it)"
		finish
		exit 1
	}
done
[ -n "$QEMU" ] || {
	not_ok "qemu-aarch64 is available (make check installs it)"
	finish
	exit 1
}

# Debian's libzbar-dev cannot be installed beside its amd64 self (its
# ImageMagick dependencies conflict), so only libzbar0:arm64 is: describe
# it to the cross pkg-config (zbar.h is the same on every architecture).
mkdir -p "$T/pc"
cat >"$T/pc/zbar.pc" <<'PC'
Name: zbar
Description: arm64 libzbar0 with the native header
Version: 0.23
Libs: -L/usr/lib/aarch64-linux-gnu -l:libzbar.so.0
Cflags:
PC

# build NAME: builds NAME_defconfig for arm64 in $WARDEN_BIN/arm64-NAME.
build() {
	B="$WARDEN_BIN/arm64-$1"
	make -s -C "$SRC" O="$B" "$1_defconfig" >/dev/null &&
		PKG_CONFIG_PATH="$T/pc" make -s -C "$SRC" O="$B" \
		CROSS_COMPILE=$X -j2 programs >"$T/build-$1.log" 2>&1
}

for cfg in minimal handheld; do
	if build $cfg; then
		ok "${cfg}_defconfig cross-builds for arm64"
	else
		not_ok "${cfg}_defconfig cross-builds for arm64" \
			"$(tail -n 15 "$T/build-$cfg.log")"
		continue
	fi
	B="$WARDEN_BIN/arm64-$cfg"
	m=$(LC_ALL=C readelf -h "$B/wardend" 2>/dev/null |
		sed -n 's/ *Machine: *//p')
	[ "$m" = "AArch64" ] && ok "$cfg: wardend is an AArch64 program" ||
		not_ok "$cfg: wardend is an AArch64 program" "machine '$m'"

	case $cfg in
	minimal) hal="sim:$T/dev-$cfg" ;;
	handheld)
		rm -rf "$T/root"
		cp -a "$SRC/tests/fixtures/rootfs-handheld" "$T/root"
		hal="linux:$T/root" ;;
	esac
	rm -rf "$T/state" "$SOCK"
	printf 'mode FULLY_MANAGED\n' >"$T/mode.conf"
	cat >"$T/policy.json" <<'JSON'
{ "name": "enterprises/acme/policies/arm", "version": "1",
  "passwordPolicies": [ { "passwordMinimumLength": 6,
    "passwordQuality": "NUMERIC" } ] }
JSON
	"$QEMU" "$B/wardend" -d -H "$hal" -S "$T/state" -s "$SOCK" \
		-f "$T/mode.conf" -P "$T/policy.json" >>"$T/wardend.log" 2>&1 &
	AGENT_PID=$!
	i=0
	while [ ! -S "$SOCK" ] && [ $i -lt 300 ]; do
		kill -0 $AGENT_PID 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	out=$("$QEMU" "$B/wardenctl" -s "$SOCK" --json status 2>&1)
	state=$(printf '%s' "$out" | json_get state 2>/dev/null)
	[ "$state" = "STANDALONE" ] &&
		ok "$cfg: arm64 wardenctl status under qemu-aarch64: STANDALONE" ||
		not_ok "$cfg: arm64 wardenctl status under qemu-aarch64" "$out"
	"$QEMU" "$B/wardenctl" -s "$SOCK" scan >/dev/null 2>&1
	out=$("$QEMU" "$B/wardenctl" -s "$SOCK" --json compliance 2>&1)
	v=$(printf '%s' "$out" | json_get wardenVerdict 2>/dev/null)
	[ -n "$v" ] && ok "$cfg: arm64 wardenctl compliance answers: $v" ||
		not_ok "$cfg: arm64 wardenctl compliance answers" "$out"
	stop_agent
done

# A library the cross pkg-config cannot find: one clear error, at once.
out=$(make -s -C "$SRC" O="$WARDEN_BIN/arm64-minimal" CROSS_COMPILE=$X \
	PKG_CONFIG="env PKG_CONFIG_LIBDIR=$T/nothing pkg-config" programs 2>&1)
printf '%s' "$out" | grep -q 'missing libraries (pkg-config modules): .*libuv' &&
	[ "$(printf '%s\n' "$out" | grep -c 'undefined reference')" -eq 0 ] &&
	ok "a missing library stops the build naming the module" ||
	not_ok "a missing library stops the build naming the module" \
		"$(printf '%s\n' "$out" | tail -n 5)"
finish
