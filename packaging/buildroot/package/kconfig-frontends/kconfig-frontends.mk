################################################################################
#
# host-kconfig-frontends: kconfig-conf, which warden's Makefile runs to turn
# its .config into autoconf.h (Buildroot's own kconfig is not installed).
#
################################################################################

KCONFIG_FRONTENDS_VERSION = 4.11.0.1+dfsg
KCONFIG_FRONTENDS_SOURCE = kconfig-frontends_$(KCONFIG_FRONTENDS_VERSION).orig.tar.xz
KCONFIG_FRONTENDS_SITE = http://deb.debian.org/debian/pool/main/k/kconfig-frontends
KCONFIG_FRONTENDS_LICENSE = GPL-2.0
HOST_KCONFIG_FRONTENDS_DEPENDENCIES = host-bison host-flex host-gperf host-pkgconf
HOST_KCONFIG_FRONTENDS_CONF_OPTS = --enable-conf --disable-mconf \
	--disable-nconf --disable-gconf --disable-qconf --disable-utils
HOST_KCONFIG_FRONTENDS_AUTORECONF = YES

$(eval $(host-autotools-package))
