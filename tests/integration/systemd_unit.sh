#!/bin/sh
# The shipped unit (packaging/systemd/wardend.service): exposure at most
# 3.0 in `systemd-analyze security --offline=yes`, Type=notify with a
# watchdog, `systemd-analyze verify` clean, and the capability bounding
# set exactly the one docs/packaging.md explains, capability by capability.
. "$(dirname "$0")/lib.sh"
SRC=${WARDEN_SRCTREE:-.}
UNIT="$SRC/packaging/systemd/wardend.service"

if ! command -v systemd-analyze >/dev/null; then
	not_ok "systemd-analyze is available"
	finish
	exit 1
fi
level=$(systemd-analyze security --offline=yes "$UNIT" 2>/dev/null |
	sed -n 's/.*Overall exposure level for wardend.service: \([0-9.]*\).*/\1/p')
if [ -n "$level" ] && awk -v l="$level" 'BEGIN { exit !(l <= 3.0) }'; then
	ok "exposure $level <= 3.0"
else
	not_ok "exposure <= 3.0" "level '$level'"
fi
grep -qx 'Type=notify' "$UNIT" && grep -q '^WatchdogSec=[1-9]' "$UNIT" &&
	ok "Type=notify with WatchdogSec=" || not_ok "Type=notify with WatchdogSec="

# verify needs the ExecStart binary: point it at the product build.
mkdir -p "$T/unit"
sed "s|^ExecStart=/usr/sbin/wardend|ExecStart=$WARDEN_BIN/product/wardend|" \
	"$UNIT" >"$T/unit/wardend.service"
if out=$(cd "$T/unit" && systemd-analyze verify --man=no \
    ./wardend.service 2>&1) && [ -z "$out" ]; then
	ok "systemd-analyze verify: clean"
else
	not_ok "systemd-analyze verify: clean" "$out"
fi

unit_caps=$(sed -n 's/^CapabilityBoundingSet=//p' "$UNIT" | tr ' ' '\n' |
	sort | tr '\n' ' ')
doc_caps=$(sed -n 's/^| `\(CAP_[A-Z_]*\)` |.*/\1/p' "$SRC/docs/packaging.md" |
	sort | tr '\n' ' ')
[ -n "$unit_caps" ] && [ "$unit_caps" = "$doc_caps" ] &&
	ok "every capability of the unit is explained in docs/packaging.md" ||
	not_ok "every capability of the unit is explained in docs/packaging.md" \
		"unit: $unit_caps; docs: $doc_caps"
finish
