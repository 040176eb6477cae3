#!/bin/sh
# Installs playwright-core (package-lock.json) into node_modules/ here
# unless it is there already, one install at a time. The browser itself
# is Debian's chromium (third_party/deps.txt); playwright-core never
# downloads one. Exit: 0 ready, 2 node or npm missing, 3 npm ci failed.
here=$(cd "$(dirname "$0")" && pwd)
for tool in node npm; do
	command -v "$tool" >/dev/null 2>&1 ||
		{ echo "$tool is not installed" >&2; exit 2; }
done
exec 9>/tmp/warden-browser-npm.lock
flock 9
cd "$here" || exit 3
stamp=node_modules/.package-lock.json
[ -f "$stamp" ] && [ ! package-lock.json -nt "$stamp" ] && exit 0
out=$(PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund \
	--loglevel=error 2>&1) && exit 0
echo "npm ci failed (registry unreachable?): $(echo "$out" | tail -n 3 | tr '\n' ' ')" >&2
exit 3
