#!/bin/sh
# `make install` puts what a package needs under DESTDIR: the programs, every
# man page, the unit with ExecStart= following PREFIX, the sysusers.d and
# tmpfiles.d snippets, /etc/warden/wardend.conf (kept when present);
# `make install-tools` wardenmdm, wardenfleet and their man pages.
. "$(dirname "$0")/lib.sh"
SRC=${WARDEN_SRCTREE:-.}
P="$WARDEN_BIN/product"
D="$T/root"

if make -s -C "$SRC" O="$P" KCONFIG_CONFIG="$P/.config" \
    DESTDIR="$D" PREFIX=/opt/warden install install-tools >"$T/make.log" 2>&1; then
	ok "make install install-tools DESTDIR=... PREFIX=/opt/warden"
else
	not_ok "make install install-tools" "$(tail -n 20 "$T/make.log")"
fi
for f in /opt/warden/sbin/wardend /opt/warden/bin/wardenctl \
    /opt/warden/bin/wardenmdm /opt/warden/bin/wardenfleet \
    /opt/warden/libexec/warden/warden-qrdecode; do
	[ -x "$D$f" ] && ok "$f" || not_ok "$f"
done
for m in $(cd "$SRC/docs/man" && ls); do
	sec=${m##*.}
	cmp -s "$SRC/docs/man/$m" "$D/opt/warden/share/man/man$sec/$m" &&
		ok "man page $m" || not_ok "man page $m"
done
U="$D/opt/warden/lib/systemd/system/wardend.service"
grep -qx 'ExecStart=/opt/warden/sbin/wardend -d' "$U" &&
	ok "the unit's ExecStart follows PREFIX" ||
	not_ok "the unit's ExecStart follows PREFIX" "$(grep ExecStart "$U")"
cmp -s "$SRC/packaging/systemd/warden.sysusers" \
	"$D/opt/warden/lib/sysusers.d/warden.conf" &&
	ok "sysusers.d/warden.conf" || not_ok "sysusers.d/warden.conf"
cmp -s "$SRC/packaging/systemd/warden.tmpfiles" \
	"$D/opt/warden/lib/tmpfiles.d/warden.conf" &&
	ok "tmpfiles.d/warden.conf" || not_ok "tmpfiles.d/warden.conf"
C="$D/etc/warden/wardend.conf"
"$D/opt/warden/sbin/wardend" -n -f "$C" 2>/dev/null &&
	grep -qx 'control-group warden' "$C" &&
	ok "/etc/warden/wardend.conf is valid and names the group warden" ||
	not_ok "/etc/warden/wardend.conf is valid and names the group warden"
echo "# edited" >>"$C"
make -s -C "$SRC" O="$P" KCONFIG_CONFIG="$P/.config" DESTDIR="$D" \
	PREFIX=/opt/warden install >/dev/null 2>&1
tail -n 1 "$C" | grep -qx '# edited' &&
	ok "a second install keeps an existing wardend.conf" ||
	not_ok "a second install keeps an existing wardend.conf"
finish
