################################################################################
#
# warden
#
################################################################################

# The tree this external sits in (packaging/buildroot/../..). For a
# release, set WARDEN_VERSION/WARDEN_SITE to a tag of the project's git
# repository in a local.mk or a fork of this file.
WARDEN_VERSION = 0.1.0
WARDEN_SITE = $(BR2_EXTERNAL_WARDEN_PATH)/../..
WARDEN_SITE_METHOD = local
WARDEN_LICENSE = not yet chosen
WARDEN_DEPENDENCIES = host-pkgconf host-kconfig-frontends libuv mbedtls \
	cjson sqlite

# Kconfig symbols (Kconfig at the top of the tree) from the BR2 options;
# later lines of .config win, then olddefconfig fills in the rest.
WARDEN_KCONFIG_OPTS = \
	$(if $(BR2_PACKAGE_WARDEN_HAL_LINUX),CONFIG_HAL_LINUX=y,CONFIG_HAL_LINUX=n) \
	CONFIG_HAL_SIM=n CONFIG_TEST_HOOKS=n

ifeq ($(BR2_PACKAGE_WARDEN_QR_IMAGE),y)
WARDEN_DEPENDENCIES += zbar libpng
WARDEN_KCONFIG_OPTS += CONFIG_QR_IMAGE=y
else
WARDEN_KCONFIG_OPTS += CONFIG_QR_IMAGE=n
endif

ifeq ($(BR2_PACKAGE_WARDEN_TRANSPORT_LWM2M),y)
WARDEN_DEPENDENCIES += libcoap
WARDEN_KCONFIG_OPTS += CONFIG_TRANSPORT_LWM2M=y \
	CONFIG_LWM2M_LIBCOAP_PKG="$(call qstrip,$(BR2_PACKAGE_WARDEN_LWM2M_LIBCOAP_PKG))"
else
WARDEN_KCONFIG_OPTS += CONFIG_TRANSPORT_LWM2M=n
endif

ifeq ($(BR2_PACKAGE_WARDEN_NFC_LIBNFC),y)
WARDEN_DEPENDENCIES += libnfc
WARDEN_KCONFIG_OPTS += CONFIG_NFC_LIBNFC=y
else
WARDEN_KCONFIG_OPTS += CONFIG_NFC_LIBNFC=n
endif

ifeq ($(BR2_PACKAGE_WARDEN_TPM),y)
WARDEN_DEPENDENCIES += tpm2-tss
WARDEN_KCONFIG_OPTS += CONFIG_TPM=y
else
WARDEN_KCONFIG_OPTS += CONFIG_TPM=n
endif

ifeq ($(BR2_PACKAGE_WARDEN_NETPROC_SECCOMP),y)
WARDEN_DEPENDENCIES += libseccomp
WARDEN_KCONFIG_OPTS += CONFIG_NETPROC_SECCOMP=y
else
WARDEN_KCONFIG_OPTS += CONFIG_NETPROC_SECCOMP=n
endif

ifeq ($(BR2_PACKAGE_WARDEN_SYSTEMD),y)
WARDEN_KCONFIG_OPTS += CONFIG_SYSTEMD=y
else
WARDEN_KCONFIG_OPTS += CONFIG_SYSTEMD=n
endif

WARDEN_MAKE_OPTS = \
	O=$(@D)/build KCONFIG_CONFIG=$(@D)/build/.config \
	CROSS_COMPILE="$(TARGET_CROSS)" \
	CC="$(TARGET_CC)" AR="$(TARGET_AR)" \
	CFLAGS="$(TARGET_CFLAGS)" CPPFLAGS="$(TARGET_CPPFLAGS)" \
	LDFLAGS="$(TARGET_LDFLAGS)" \
	PKG_CONFIG="$(PKG_CONFIG_HOST_BINARY)" \
	WERROR=0 PREFIX=/usr

define WARDEN_CONFIGURE_CMDS
	$(TARGET_MAKE_ENV) $(MAKE) -C $(@D) $(WARDEN_MAKE_OPTS) handheld_defconfig
	$(foreach o,$(WARDEN_KCONFIG_OPTS),\
		printf '%s\n' '$(o)' | \
			sed 's/^\(CONFIG_[A-Z0-9_]*\)=n$$/# \1 is not set/' \
			>>$(@D)/build/.config$(sep))
	$(TARGET_MAKE_ENV) $(MAKE) -C $(@D) $(WARDEN_MAKE_OPTS) olddefconfig
endef

define WARDEN_BUILD_CMDS
	$(TARGET_MAKE_ENV) $(MAKE) -C $(@D) $(WARDEN_MAKE_OPTS) programs
endef

define WARDEN_INSTALL_TARGET_CMDS
	$(TARGET_MAKE_ENV) $(MAKE) -C $(@D) $(WARDEN_MAKE_OPTS) \
		DESTDIR=$(TARGET_DIR) install
endef

# Without systemd: the group of the control socket, the network user.
define WARDEN_USERS
	- - warden -1 * - - - warden control socket
	_warden -1 _warden -1 * /nonexistent - - warden network process
endef

# The unit, sysusers.d and tmpfiles.d files come with `make install`
# (/usr/lib/systemd/system/wardend.service); enable it with a preset.

$(eval $(generic-package))
