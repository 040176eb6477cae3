SUMMARY = "warden device-management agent"
DESCRIPTION = "wardend provisions, enrolls and manages a Linux handheld: \
policy enforcement, posture scans and compliance reports over JSON/HTTPS \
or OMA LwM2M; wardenctl is its client."
HOMEPAGE = "https://example.invalid/warden"
# The project has not chosen its licence yet.
LICENSE = "CLOSED"

# Set WARDEN_GIT_URI (and SRCREV) in local.conf or a bbappend to the
# project's repository; the default is a placeholder that fails to fetch.
WARDEN_GIT_URI ??= "git://example.invalid/warden.git;protocol=https;branch=main"
SRC_URI = "${WARDEN_GIT_URI}"
SRCREV ??= "${AUTOREV}"
PV = "0.1.0+git${SRCPV}"
S = "${WORKDIR}/git"

inherit systemd useradd pkgconfig

DEPENDS = "kconfig-frontends-native libuv mbedtls cjson sqlite3"

# Kconfig options (Kconfig at the top of the tree) by PACKAGECONFIG.
PACKAGECONFIG ??= "hal-linux qr lwm2m seccomp ${@bb.utils.filter('DISTRO_FEATURES', 'systemd', d)}"
PACKAGECONFIG[hal-linux] = ",,,"
PACKAGECONFIG[qr] = ",,zbar libpng"
PACKAGECONFIG[lwm2m] = ",,libcoap"
PACKAGECONFIG[nfc] = ",,libnfc"
PACKAGECONFIG[systemd] = ",,,"
PACKAGECONFIG[tpm] = ",,tpm2-tss"
PACKAGECONFIG[seccomp] = ",,libseccomp"
# The pkg-config name of libcoap for its DTLS backend.
WARDEN_LIBCOAP_PKG ??= "libcoap-3-openssl"

def warden_kconfig(d):
    pc = (d.getVar('PACKAGECONFIG') or '').split()
    opts = {
        'CONFIG_HAL_LINUX': 'hal-linux' in pc,
        'CONFIG_QR_IMAGE': 'qr' in pc,
        'CONFIG_TRANSPORT_LWM2M': 'lwm2m' in pc,
        'CONFIG_NFC_LIBNFC': 'nfc' in pc,
        'CONFIG_SYSTEMD': 'systemd' in pc,
        'CONFIG_TPM': 'tpm' in pc,
        'CONFIG_NETPROC_SECCOMP': 'seccomp' in pc,
        'CONFIG_HAL_SIM': False,
        'CONFIG_TEST_HOOKS': False,
    }
    lines = [('%s=y' % k) if v else ('# %s is not set' % k)
             for k, v in opts.items()]
    if 'lwm2m' in pc:
        lines.append('CONFIG_LWM2M_LIBCOAP_PKG="%s"' % d.getVar('WARDEN_LIBCOAP_PKG'))
    return '\\n'.join(lines)

EXTRA_OEMAKE = "O=${B} KCONFIG_CONFIG=${B}/.config CROSS_COMPILE=${TARGET_PREFIX} CC='${CC}' AR='${AR}' \
    CFLAGS='${CFLAGS}' CPPFLAGS='${CPPFLAGS}' LDFLAGS='${LDFLAGS}' \
    PKG_CONFIG=pkg-config WERROR=0 PREFIX=${prefix} SYSCONFDIR=${sysconfdir} \
    UNITDIR=${systemd_system_unitdir} MANDIR=${mandir}"

do_configure() {
    oe_runmake -C ${S} handheld_defconfig
    printf '${@warden_kconfig(d)}\n' >> ${B}/.config
    oe_runmake -C ${S} olddefconfig
}

do_compile() {
    oe_runmake -C ${S} programs
}

do_install() {
    oe_runmake -C ${S} DESTDIR=${D} install
}

SYSTEMD_SERVICE:${PN} = "wardend.service"
SYSTEMD_AUTO_ENABLE = "enable"

# sysusers.d does this under systemd; useradd covers every init.
USERADD_PACKAGES = "${PN}"
GROUPADD_PARAM:${PN} = "--system warden"
USERADD_PARAM:${PN} = "--system --no-create-home --home-dir /nonexistent \
    --shell /sbin/nologin --user-group _warden"

FILES:${PN} += "${systemd_system_unitdir} ${nonarch_libdir}/sysusers.d \
    ${nonarch_libdir}/tmpfiles.d"
CONFFILES:${PN} = "${sysconfdir}/warden/wardend.conf"
