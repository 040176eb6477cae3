#!/bin/sh
# Installs the Debian packages warden needs that are missing; silent when
# everything is present. Usage: install-deps.sh [--test]
#   (default: core and optional packages; --test adds the test tools)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
want="core optional"
[ "${1:-}" = "--test" ] && want="core optional test"

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
$sudo apt-get update -qq >/dev/null
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
