#!/bin/sh
# agent/ in rooms (docs/architecture.md): tools/check-rooms passes on the
# tree and on the build's objects, and fails — naming the breach — on a
# copy of the tree with a file outside every room, an include past a
# room's interface header, or a cycle between rooms.
. "$(dirname "$0")/lib.sh"
src=${WARDEN_SRCTREE:-.}

if out=$(sh "$src/tools/check-rooms" "$WARDEN_BIN" 2>&1); then
	ok "the rooms keep their rules (includes and calls): $(echo "$out" | sed -n 3p | sed 's/^ *//')"
else
	not_ok "check-rooms on the tree" "$out"
fi

# copy: a fresh copy of the rooms and the script in $T/tree.
copy() {
	rm -rf "$T/tree"
	mkdir -p "$T/tree/tools"
	cp -r "$src/agent" "$T/tree/"
	cp "$src/tools/check-rooms" "$T/tree/tools/"
}

copy
: >"$T/tree/agent/stray.c"
expect_fail "a file outside every room is refused" 1 \
	'agent/stray.c is outside every room' sh "$T/tree/tools/check-rooms"

copy
sed -i '1i #include "agent/core/store.h"' "$T/tree/agent/policy/report.c"
expect_fail "an include past a room's interface header is refused" 1 \
	'agent/policy/report.c includes agent/core/store.h, not agent/core/core.h' \
	sh "$T/tree/tools/check-rooms"

copy
sed -i '1i #include "agent/session/session.h"' "$T/tree/agent/core/store.c"
expect_fail "a cycle between rooms is refused" 1 \
	"includes form a cycle" sh "$T/tree/tools/check-rooms"

copy
rm "$T/tree/agent/policy/policy.h"
expect_fail "a room without its interface header is refused" 1 \
	'room policy has no interface header' sh "$T/tree/tools/check-rooms"

finish
