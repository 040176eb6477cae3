#!/bin/sh
# The Buildroot external tree (packaging/buildroot) and the Yocto layer
# (packaging/yocto) cannot be built here; this checks what can go stale:
# every Kconfig symbol they set exists in Kconfig, every BR2_PACKAGE_WARDEN_*
# option warden.mk reads is declared in Config.in, every library they
# depend on or select is in third_party/deps.txt (its buildroot= and yocto=
# columns), and the way both configure (handheld_defconfig, then lines
# appended to .config, then olddefconfig) gives the appended values.
. "$(dirname "$0")/lib.sh"
SRC=${WARDEN_SRCTREE:-.}
BR="$SRC/packaging/buildroot"
YO="$SRC/packaging/yocto/meta-warden"
MK="$BR/package/warden/warden.mk"
BB="$YO/recipes-warden/warden/warden_git.bb"

for f in "$BR/external.desc" "$BR/external.mk" "$BR/Config.in" \
    "$BR/package/warden/Config.in" "$MK" "$YO/conf/layer.conf" "$BB"; do
	[ -f "$f" ] && ok "${f#"$SRC"/}" || not_ok "${f#"$SRC"/}"
done
grep -q 'generic-package' "$MK" && ok "warden.mk is a generic-package" ||
	not_ok "warden.mk is a generic-package"
grep -q '^inherit .*systemd.*useradd.*pkgconfig' "$BB" &&
	ok "warden_git.bb inherits systemd useradd pkgconfig" ||
	not_ok "warden_git.bb inherits systemd useradd pkgconfig"

# Kconfig symbols.
missing=
for sym in $(cat "$MK" "$BB" | grep -o '\(^\|[^A-Z0-9_]\)CONFIG_[A-Z][A-Z0-9_]*' |
    sed 's/^[^C]//' | sort -u); do
	grep -qx "config ${sym#CONFIG_}" "$SRC/Kconfig" || missing="$missing $sym"
done
[ -z "$missing" ] && ok "every Kconfig symbol they set exists" ||
	not_ok "every Kconfig symbol they set exists" "missing:$missing"

# BR2 options read by warden.mk.
missing=
for opt in $(grep -o 'BR2_PACKAGE_WARDEN_[A-Z0-9_]*' "$MK" | sort -u); do
	grep -qx "config $opt" "$BR/package/warden/Config.in" ||
		missing="$missing $opt"
done
[ -z "$missing" ] && ok "every BR2_PACKAGE_WARDEN_* option is declared" ||
	not_ok "every BR2_PACKAGE_WARDEN_* option is declared" "missing:$missing"

# Dependencies against third_party/deps.txt.
br_known=$(sed -n 's/.*buildroot=\([^ ]*\).*/\1/p' "$SRC/third_party/deps.txt")
yo_known=$(sed -n 's/.*yocto=\([^ ]*\).*/\1/p' "$SRC/third_party/deps.txt")
in_list() {
	printf '%s\n' $2 | grep -qx -- "$1"
}
# (continuation lines joined first)
br_deps=$(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$MK" |
	sed -n 's/^WARDEN_DEPENDENCIES *+*= *//p')
br_sel=$(sed -n 's/^[[:space:]]*select BR2_PACKAGE_\([A-Z0-9_]*\).*/\1/p' \
	"$BR/package/warden/Config.in" | tr 'A-Z_' 'a-z-')
missing=
for dep in $br_deps $br_sel; do
	in_list "$dep" "$br_known" || missing="$missing $dep"
done
[ -n "$br_deps" ] && [ -z "$missing" ] &&
	ok "every Buildroot dependency is in deps.txt ($(echo $br_deps $br_sel | wc -w))" ||
	not_ok "every Buildroot dependency is in deps.txt" "missing:$missing"
yo_deps=$(sed -n 's/^DEPENDS = "\(.*\)"/\1/p' "$BB")
yo_pc=$(sed -n 's/^PACKAGECONFIG\[[^]]*\] = "[^,]*,[^,]*,\([^,"]*\).*/\1/p' "$BB")
missing=
for dep in $yo_deps $yo_pc; do
	in_list "$dep" "$yo_known" || missing="$missing $dep"
done
[ -n "$yo_deps" ] && [ -z "$missing" ] &&
	ok "every Yocto dependency is in deps.txt ($(echo $yo_deps $yo_pc | wc -w))" ||
	not_ok "every Yocto dependency is in deps.txt" "missing:$missing"

# Their way of configuring: a defconfig, appended lines, olddefconfig.
make -s -C "$SRC" O="$T/cfg" handheld_defconfig >/dev/null 2>&1
printf '%s\n' '# CONFIG_QR_IMAGE is not set' 'CONFIG_NFC_LIBNFC=y' \
	'CONFIG_LWM2M_LIBCOAP_PKG="libcoap-3-gnutls"' >>"$T/cfg/.config"
make -s -C "$SRC" O="$T/cfg" olddefconfig >/dev/null 2>&1
if grep -qx '# CONFIG_QR_IMAGE is not set' "$T/cfg/.config" &&
    grep -qx 'CONFIG_NFC_LIBNFC=y' "$T/cfg/.config" &&
    grep -qx 'CONFIG_LWM2M_LIBCOAP_PKG="libcoap-3-gnutls"' "$T/cfg/.config" &&
    grep -qx '# CONFIG_HAL_SIM is not set' "$T/cfg/.config"; then
	ok "defconfig + appended lines + olddefconfig: the appended values win"
else
	not_ok "defconfig + appended lines + olddefconfig" "$(cat "$T/cfg/.config")"
fi
finish
