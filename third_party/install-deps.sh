#!/bin/sh
# Installs the Debian packages warden needs that are missing; silent when
# everything is present. Usage: install-deps.sh [--test] [--fuzz]
#   (default: core and optional packages; --test adds the test tools,
#   --fuzz clang's libFuzzer)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
want="core optional"
for arg in "$@"; do
	case "$arg" in
	--test) want="$want test" ;;
	--fuzz) want="$want fuzz" ;;
	*) echo "usage: install-deps.sh [--test] [--fuzz]" >&2; exit 2 ;;
	esac
done

missing=""
while read -r group pkg check; do
	case "$group" in ''|'#'*) continue ;; esac
	case " $want " in *" $group "*) ;; *) continue ;; esac
	case "$check" in
	cmd:*) command -v "${check#cmd:}" >/dev/null 2>&1 && continue ;;
	pc:*) pkg-config --exists "${check#pc:}" 2>/dev/null && continue ;;
	file:*) [ -e "${check#file:}" ] && continue ;;
	esac
	missing="$missing $pkg"
done < "$here/deps.txt"

[ -z "$missing" ] && exit 0

echo "installing missing packages:$missing" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
# shellcheck disable=SC2086
if ! { $sudo apt-get update -qq &&
	$sudo apt-get install -y -qq --no-install-recommends $missing; } \
	>"$log" 2>&1; then
	cat "$log" >&2
	rm -f "$log"
	echo "install-deps: apt-get failed (see above)" >&2
	exit 1
fi
rm -f "$log"
