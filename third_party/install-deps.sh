#!/bin/sh
# Installs the Debian packages warden needs that are missing; silent when
# everything is present. Usage: install-deps.sh [--test] [--fuzz] [--cross]
#   [--arm64-image]
#   (default: core and optional packages; --test adds the test tools,
#   --fuzz clang's libFuzzer, --cross the arm64 cross toolchain, Debian's
#   multiarch :arm64 libraries and qemu-aarch64, --arm64-image what the
#   arm64 device image needs besides: qemu-system-aarch64,
#   qemu-user-static)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
want="core optional"
for arg in "$@"; do
	case "$arg" in
	--test) want="$want test" ;;
	--fuzz) want="$want fuzz" ;;
	--cross) want="$want cross" ;;
	--arm64-image) want="$want arm64image" ;;
	*) echo "usage: install-deps.sh [--test] [--fuzz] [--cross] [--arm64-image]" >&2; exit 2 ;;
	esac
done

missing=""
while read -r group pkg check _; do
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
# Foreign-architecture packages (name:arch) need dpkg to know the arch.
# --no-remove below: a package that cannot live beside what is installed
# (e.g. a -dev package of another architecture) fails the install rather
# than removing anything.
for arch in $(printf '%s\n' $missing | sed -n 's/.*:\([a-z0-9]*\)$/\1/p' | sort -u); do
	if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
		echo "adding the $arch architecture to dpkg (multiarch)" >&2
		$sudo dpkg --add-architecture "$arch"
	fi
done
# shellcheck disable=SC2086
# Another apt (unattended-upgrades on a fresh machine) may hold the lock
# for a while: wait for it rather than fail.
if ! { $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq &&
	$sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
		--no-install-recommends --no-remove $missing; } \
	>"$log" 2>&1; then
	cat "$log" >&2
	rm -f "$log"
	echo "install-deps: apt-get failed (see above)" >&2
	exit 1
fi
rm -f "$log"
