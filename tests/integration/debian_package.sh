#!/bin/sh
# The Debian packages, from a copy of the tree: `dpkg-buildpackage -us -uc
# -b` builds warden and warden-mdm, lintian reports no error, and in a
# throw-away Debian root (mmdebstrap from the Debian archive, chroot) they
# install (the group warden and the user _warden exist, the conffile,
# the unit and /var/lib/warden are in place), upgrade (the same version
# again: state and an edited conffile kept), remove (state and conffile
# kept) and purge (both gone).
#
# The base root (Debian's packages warden needs at run time) is cached in
# $WARDEN_DEB_CACHE (default ~/.cache/warden) for a week; building it
# takes about 25 s here, the whole test about 90 s.
. "$(dirname "$0")/lib.sh"
SRC=${WARDEN_SRCTREE:-.}
SUITE=bookworm
MIRROR=${WARDEN_DEBIAN_MIRROR:-http://deb.debian.org/debian}
CACHE=${WARDEN_DEB_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/warden}
RUNTIME="libcjson1,libcoap3,libmbedcrypto7,libmbedtls14,libmbedx509-1"
RUNTIME="$RUNTIME,libpng16-16,libpq5,libsqlite3-0,libuv1,libzbar0,libqrencode4"
RUNTIME="$RUNTIME,libseccomp2,libtss2-esys-3.0.2-0,libtss2-mu0,libtss2-rc0"
RUNTIME="$RUNTIME,libtss2-tctildr0"
RUNTIME="$RUNTIME,passwd,systemd-standalone-sysusers,systemd-standalone-tmpfiles"

for c in dpkg-buildpackage dh lintian mmdebstrap chroot; do
	if ! command -v $c >/dev/null; then
		not_ok "$c is available (make check installs it)"
		finish
		exit 1
	fi
done
if [ "$(id -u)" -ne 0 ]; then
	not_ok "runs as root (chroot)"
	finish
	exit 1
fi

# --- build ------------------------------------------------------------------
mkdir -p "$T/src"
if [ -d "$SRC/.git" ]; then
	(cd "$SRC" && git ls-files -co --exclude-standard | tar -cf - -T -) |
		(cd "$T/src" && tar -xf -)
else
	(cd "$SRC" && tar -cf - --exclude=./build .) | (cd "$T/src" && tar -xf -)
fi
if (cd "$T/src" && dpkg-buildpackage -us -uc -b) >"$T/build.log" 2>&1; then
	ok "dpkg-buildpackage -us -uc -b"
else
	not_ok "dpkg-buildpackage -us -uc -b" "$(tail -n 20 "$T/build.log")"
	finish
	exit 1
fi
deb=$(ls "$T"/warden_*.deb)
mdm=$(ls "$T"/warden-mdm_*.deb)
[ -f "$deb" ] && [ -f "$mdm" ] && ok "warden and warden-mdm built" ||
	not_ok "warden and warden-mdm built" "$(ls "$T")"
grep -q -- '-D_FORTIFY_SOURCE=2 .*-Werror=format-security' "$T/build.log" &&
	grep -q -- '-Wl,-z,relro -Wl,-z,now' "$T/build.log" &&
	ok "dpkg-buildflags' CPPFLAGS, CFLAGS and LDFLAGS reach the compiler" ||
	not_ok "dpkg-buildflags reach the compiler"
lintian "$T"/warden_*.changes >"$T/lintian.log" 2>&1
if ! grep -q '^E:' "$T/lintian.log"; then
	ok "lintian: no error ($(grep -c '^W:' "$T/lintian.log") warnings)"
else
	not_ok "lintian: no error" "$(grep '^E:' "$T/lintian.log")"
fi

# --- a Debian root --------------------------------------------------------------
key=$(printf '%s %s %s' "$SUITE" "$MIRROR" "$RUNTIME" | sha256sum | cut -c1-12)
base="$CACHE/debian-$SUITE-$key.tar"
mkdir -p "$CACHE"
if [ -z "$(find "$base" -type f -mtime -7 2>/dev/null)" ]; then
	rm -rf "$base"
	start=$(date +%s)
	# mmdebstrap picks the format from the name: keep ".tar".
	if mmdebstrap --variant=apt --include="$RUNTIME" "$SUITE" \
	    "$CACHE/new-$key.tar" "$MIRROR" >"$T/mmdebstrap.log" 2>&1; then
		mv "$CACHE/new-$key.tar" "$base"
		echo "# base root built in $(( $(date +%s) - start )) s"
	else
		rm -rf "$CACHE/new-$key.tar"
		not_ok "mmdebstrap $SUITE" "$(tail -n 10 "$T/mmdebstrap.log")"
		finish
		exit 1
	fi
fi
R="$T/root"
mkdir -p "$R"
tar -C "$R" -xf "$base" && ok "a $SUITE root (mmdebstrap, cached)" ||
	not_ok "a $SUITE root"
cp "$deb" "$mdm" "$R/tmp/"
# Maintainer scripts (systemd-tmpfiles) need /proc, as in any chroot.
mount -t proc proc "$R/proc" && trap 'umount "$R/proc" 2>/dev/null' EXIT
in_root() {
	chroot "$R" "$@"
}

# --- install ----------------------------------------------------------------
check "install (dpkg -i)" in_root dpkg -i /tmp/$(basename "$deb") \
	/tmp/$(basename "$mdm")
check "wardend --version runs in the root" in_root /usr/sbin/wardend --version
check "wardenmdm --version runs in the root" in_root /usr/bin/wardenmdm --version
[ -s "$R/usr/share/wardenmdm/console/index.html" ] &&
	[ -s "$R/usr/share/wardenmdm/console/console.js" ] &&
	[ -s "$R/usr/share/wardenmdm/console/console.css" ] &&
	grep -qa /usr/share/wardenmdm/console "$R/usr/bin/wardenmdm" &&
	ok "warden-mdm ships the admin console's files where wardenmdm looks" ||
	not_ok "the console's files in warden-mdm" "$(ls -R "$R/usr/share/wardenmdm" 2>&1)"
in_root getent group warden >/dev/null &&
	ok "sysusers.d: the group warden" || not_ok "sysusers.d: the group warden"
pw=$(in_root getent passwd _warden)
case "$pw" in
*:/nonexistent:*nologin) ok "sysusers.d: the system user _warden, no home or shell" ;;
*) not_ok "sysusers.d: the system user _warden, no home or shell" "$pw" ;;
esac
# The root's own group file names the gid (stat on the host would not).
gid=$(in_root getent group warden | cut -d: -f3)
[ "$(stat -c '%a %g' "$R/run/warden" 2>/dev/null)" = "750 $gid" ] &&
	[ "$(stat -c %a "$R/var/lib/warden" 2>/dev/null)" = "700" ] &&
	ok "tmpfiles.d: /run/warden 0750 root:warden, /var/lib/warden 0700" ||
	not_ok "tmpfiles.d: /run/warden, /var/lib/warden" \
		"$(ls -ld "$R/run/warden" "$R/var/lib/warden" 2>&1)"
grep -qx /etc/warden/wardend.conf "$R/var/lib/dpkg/info/warden.conffiles" &&
	ok "/etc/warden/wardend.conf is a conffile" ||
	not_ok "/etc/warden/wardend.conf is a conffile"
[ -f "$R/lib/systemd/system/wardend.service" ] &&
	grep -qx 'ExecStart=/usr/sbin/wardend -d' "$R/lib/systemd/system/wardend.service" &&
	ok "the unit, ExecStart=/usr/sbin/wardend" || not_ok "the unit"
check "wardend -n accepts the shipped configuration" \
	in_root /usr/sbin/wardend -n

# --- upgrade: the same version again ---------------------------------------------
echo "state" >"$R/var/lib/warden/warden.db"
echo "# edited on the device" >>"$R/etc/warden/wardend.conf"
check "upgrade (the same version again)" in_root dpkg -i \
	/tmp/$(basename "$deb") /tmp/$(basename "$mdm")
[ -f "$R/var/lib/warden/warden.db" ] &&
	tail -n 1 "$R/etc/warden/wardend.conf" | grep -qx '# edited on the device' &&
	ok "upgrade keeps the state and the edited conffile" ||
	not_ok "upgrade keeps the state and the edited conffile"

# --- remove, purge ----------------------------------------------------------------
check "remove (dpkg -r)" in_root dpkg -r warden warden-mdm
[ ! -e "$R/usr/sbin/wardend" ] && [ ! -e "$R/usr/bin/wardenmdm" ] &&
	ok "remove: the programs are gone" || not_ok "remove: the programs are gone"
[ -f "$R/var/lib/warden/warden.db" ] && [ -f "$R/etc/warden/wardend.conf" ] &&
	ok "remove keeps /var/lib/warden and the conffile" ||
	not_ok "remove keeps /var/lib/warden and the conffile"
check "purge (dpkg -P)" in_root dpkg -P warden warden-mdm
[ ! -e "$R/var/lib/warden" ] && [ ! -e "$R/etc/warden" ] &&
	ok "purge removes /var/lib/warden and /etc/warden" ||
	not_ok "purge removes /var/lib/warden and /etc/warden" \
		"$(ls -la "$R/var/lib/warden" "$R/etc/warden" 2>&1)"
in_root dpkg -s warden >/dev/null 2>&1 &&
	not_ok "dpkg forgets warden after the purge" ||
	ok "dpkg forgets warden after the purge"
umount "$R/proc"
trap - EXIT
finish
