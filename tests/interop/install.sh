#!/bin/sh
# Installs the npm peers of package-lock.json into node_modules/ here,
# unless they are there already; one install at a time (several builds
# may test the same tree). Prints why it could not on stderr.
# Exit: 0 installed, 2 node or npm missing, 3 npm ci failed (registry
# unreachable?).
dir=$(cd "$(dirname "$0")" && pwd)
command -v node >/dev/null 2>&1 || { echo "node is not installed" >&2; exit 2; }
command -v npm >/dev/null 2>&1 || { echo "npm is not installed" >&2; exit 2; }
exec 9>/tmp/warden-interop-npm.lock
flock 9
cd "$dir" || exit 3
if [ -f node_modules/.package-lock.json ] &&
    [ ! package-lock.json -nt node_modules/.package-lock.json ]; then
	exit 0
fi
if ! out=$(npm ci --no-audit --no-fund --loglevel=error 2>&1); then
	printf 'npm ci failed (registry unreachable?): %s\n' \
	    "$(printf '%s' "$out" | tail -n 3 | tr '\n' ' ')" >&2
	exit 3
fi
exit 0
