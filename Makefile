# warden - top-level Makefile.
#
#   make                  build wardend and wardenctl (handheld_defconfig on a
#                         fresh tree)
#   make <name>_defconfig configs/<name>_defconfig -> .config
#   make menuconfig       edit .config (ncurses)
#   make olddefconfig     update .config, new symbols get their defaults
#   make savedefconfig    write the minimal config to $(O)/defconfig
#   make check            install test deps, build configs/test_defconfig
#                         with ASan+UBSan in $(O)/check, run the tests
#                         (the amd64 system tests included)
#   make image            the reference device image in $(O)/image-$(ARCH)
#                         (ARCH=amd64 default, arm64): Debian bookworm,
#                         warden's packages, kernel and initrd
#   make system-check     boot that image under QEMU and run tests/system/
#                         (ARCH=arm64: the smoke subset)
#   make fuzz             build the libFuzzer targets (clang)
#   make bench            build and run the benchmarks
#   make install          install into $(DESTDIR)$(PREFIX): programs, man
#                         pages, unit, sysusers/tmpfiles, /etc/warden
#   make install-tools    install wardenmdm, wardenfleet, their man pages and
#                         the admin console's files
#   make deps             install missing build dependencies (apt-get)
#   make demo             the README's main job (configs/demo_defconfig
#                         in $(O)/demo: the simulated device)
#   make clean            remove what was built (keeps .config)
#   make distclean        remove the build directory
#
# Honours CC, AR, CROSS_COMPILE, CFLAGS, CPPFLAGS, LDFLAGS, PKG_CONFIG
# (PKG_CONFIG_LIBDIR, PKG_CONFIG_SYSROOT_DIR), WERROR=0, DESTDIR, PREFIX,
# O= (build directory, default ./build; .config lives there) and V=1.

srctree := $(CURDIR)
O ?= build
objtree := $(abspath $(O))
KCONFIG_CONFIG ?= $(objtree)/.config
export KCONFIG_CONFIG

ifeq ($(V),1)
Q :=
msg = @true
else
Q := @
msg = @printf '  %-8s %s\n' $(1) $(2)
endif

CROSS_COMPILE ?=
ifeq ($(origin CC),default)
CC := $(CROSS_COMPILE)gcc
endif
ifeq ($(origin AR),default)
AR := $(CROSS_COMPILE)ar
endif
# Cross builds: $(CROSS_COMPILE)pkg-config when it exists (Debian's
# multiarch aarch64-linux-gnu-pkg-config), else PKG_CONFIG as given, which
# honours PKG_CONFIG_LIBDIR / PKG_CONFIG_SYSROOT_DIR from the environment.
ifeq ($(origin PKG_CONFIG),undefined)
PKG_CONFIG := $(if $(CROSS_COMPILE),$(if $(shell command -v \
	$(CROSS_COMPILE)pkg-config 2>/dev/null),$(CROSS_COMPILE)pkg-config,\
	pkg-config),pkg-config)
endif
PREFIX ?= /usr/local
DESTDIR ?=
CFLAGS ?= -O2 -g
CPPFLAGS ?=
LDFLAGS ?=
# WERROR=0 for distribution builds: a newer compiler's new warning must
# not fail a package build. Development builds keep -Werror.
WERROR ?= 1

KCONF := kconfig-conf
MCONF := kconfig-mconf

# The README's commands work on a fresh machine: missing packages are
# installed before anything else is read (the configuration tools and the
# pkg-config files are needed to parse the rest of this file).
ifneq ($(filter demo check deps fuzz image system-check,$(MAKECMDGOALS)),)
ifndef WARDEN_DEPS_DONE
deps-groups := $(if $(filter check,$(MAKECMDGOALS)),--test --cross) \
	$(if $(filter image system-check,$(MAKECMDGOALS)),--test \
		$(if $(filter arm64,$(ARCH)),--cross --arm64-image)) \
	$(if $(filter fuzz,$(MAKECMDGOALS)),--fuzz)
deps-status := $(shell sh third_party/install-deps.sh $(deps-groups) >&2; echo $$?)
ifneq ($(deps-status),0)
$(error installing dependencies failed (third_party/install-deps.sh))
endif
export WARDEN_DEPS_DONE := 1
endif
endif

# Sanitizer builds (used by `make check` and `make fuzz` sub-builds).
SANITIZE ?=
ifeq ($(SANITIZE),address)
SAN_FLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	-fno-sanitize-recover=undefined
CFLAGS := -O1 -g
endif
ifeq ($(SANITIZE),fuzzer)
SAN_FLAGS := -fsanitize=fuzzer-no-link,address,undefined \
	-fno-omit-frame-pointer
CFLAGS := -O1 -g
endif

WARNINGS := -Wall -Wextra $(if $(filter 1,$(WERROR)),-Werror) -Wshadow \
	-Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith -Wcast-qual
HARDENING := -fstack-protector-strong -D_FORTIFY_SOURCE=2

# ------------------------------------------------------------------
# Configuration
# ------------------------------------------------------------------

autoconf := $(objtree)/include/generated/autoconf.h
autoconf_mk := $(objtree)/include/config/auto.conf

config-targets := %_defconfig menuconfig olddefconfig savedefconfig \
	clean distclean deps help check demo bench fuzz image system-check
ifeq ($(filter $(config-targets),$(MAKECMDGOALS)),)
need-config := 1
endif

.PHONY: all
all: programs

$(KCONFIG_CONFIG):
	$(Q)mkdir -p $(objtree)
	$(call msg,DEFCONFIG,handheld_defconfig)
	$(Q)$(KCONF) -s --defconfig=configs/handheld_defconfig Kconfig >/dev/null

%_defconfig: configs/%_defconfig
	$(Q)mkdir -p $(objtree)
	$(Q)$(KCONF) -s --defconfig=$< Kconfig >/dev/null
	@echo "configuration written to $(KCONFIG_CONFIG)"

menuconfig: | $(KCONFIG_CONFIG)
	$(Q)$(MCONF) Kconfig

olddefconfig: | $(KCONFIG_CONFIG)
	$(Q)$(KCONF) -s --olddefconfig Kconfig

savedefconfig: | $(KCONFIG_CONFIG)
	$(Q)$(KCONF) --savedefconfig=$(objtree)/defconfig Kconfig
	@echo "minimal configuration written to $(objtree)/defconfig"

# auto.conf and autoconf.h follow .config; symbols added to Kconfig since
# .config was written take their defaults (olddefconfig), never a prompt.
$(autoconf_mk) $(autoconf): $(KCONFIG_CONFIG) Kconfig
	$(Q)mkdir -p $(objtree)/include/generated $(objtree)/include/config
	$(Q)cd $(objtree) && $(KCONF) -s --olddefconfig $(srctree)/Kconfig
	$(Q)cd $(objtree) && KCONFIG_AUTOHEADER=$(autoconf) \
		KCONFIG_AUTOCONFIG=$(autoconf_mk) \
		$(KCONF) -s --silentoldconfig $(srctree)/Kconfig
	$(Q)touch $(autoconf_mk) $(autoconf)

ifdef need-config
-include $(autoconf_mk)
endif

# ------------------------------------------------------------------
# Objects (each directory's Kbuild adds to lib-y, pkgs-y, ldlibs-y)
# ------------------------------------------------------------------

lib-y :=
pkgs-y :=
ldlibs-y :=
# test-pkgs-y: pkg-config names only the unit tests link with.
test-pkgs-y :=
include agent/Kbuild hal/Kbuild crypto/Kbuild profiles/Kbuild

PKGS := $(sort $(pkgs-y))
# A missing library stops the build at once, naming its pkg-config module
# (one missing module would otherwise empty the whole --libs).
ifdef need-config
PKGS_MISSING := $(strip $(foreach p,$(PKGS),$(if $(shell $(PKG_CONFIG) --exists $(p) \
	&& echo y),,$(p))))
ifneq ($(PKGS_MISSING),)
$(error missing libraries (pkg-config modules): $(PKGS_MISSING); \
	$(PKG_CONFIG) does not find them: install them (third_party/README.md) \
	or set PKG_CONFIG_LIBDIR/PKG_CONFIG_SYSROOT_DIR)
endif
endif
PKG_CFLAGS := $(if $(PKGS),$(shell $(PKG_CONFIG) --cflags $(PKGS)))
PKG_LIBS := $(if $(PKGS),$(shell $(PKG_CONFIG) --libs $(PKGS)))
LIBS := $(PKG_LIBS) $(ldlibs-y)
TEST_PKGS := $(sort $(test-pkgs-y))
TEST_PKG_FLAGS := $(if $(TEST_PKGS),$(shell $(PKG_CONFIG) --cflags --libs \
	$(TEST_PKGS)))

# CONFIG_OPTIMIZE_SIZE (product configurations): -Os after the user's
# CFLAGS, every function and object in its own section, and the linker
# drops those nothing calls. Sanitizer builds keep their flags.
ifeq ($(CONFIG_OPTIMIZE_SIZE)$(SANITIZE),y)
SIZE_CFLAGS := -Os -ffunction-sections -fdata-sections
SIZE_LDFLAGS := -Wl,--gc-sections
endif
ALL_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARNINGS) $(HARDENING) \
	-include $(autoconf) -I$(srctree) $(PKG_CFLAGS) \
	$(CPPFLAGS) $(CFLAGS) $(SIZE_CFLAGS) $(SAN_FLAGS)
ALL_LDFLAGS := $(LDFLAGS) $(SIZE_LDFLAGS) $(SAN_FLAGS)

lib-objs := $(addprefix $(objtree)/,$(lib-y))
libwarden := $(objtree)/libwarden.a
wardend := $(objtree)/wardend
wardenctl := $(objtree)/wardenctl
# The confined decoder of camera pictures (agent/provision/qrdecode.h).
qrdecode := $(if $(filter y,$(CONFIG_QR_IMAGE)),$(objtree)/warden-qrdecode)

.PHONY: programs
programs: $(wardend) $(wardenctl) $(qrdecode)

$(objtree)/%.o: %.c $(autoconf)
	@mkdir -p $(dir $@)
	$(call msg,CC,$<)
	$(Q)$(CC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(libwarden): $(lib-objs)
	$(call msg,AR,$(notdir $@))
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(wardend): $(objtree)/agent/wardend.o $(libwarden)
	$(call msg,LD,$(notdir $@))
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(wardenctl): $(objtree)/agent/wardenctl.o $(libwarden)
	$(call msg,LD,$(notdir $@))
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

$(objtree)/warden-qrdecode: $(objtree)/agent/qrdecode.o $(libwarden)
	$(call msg,LD,$(notdir $@))
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS)

-include $(lib-objs:.o=.d) $(objtree)/agent/wardend.d \
	$(objtree)/agent/wardenctl.d $(objtree)/agent/qrdecode.d

# ------------------------------------------------------------------
# Tests: tests/unit/<dir>/test_<file>.c tests <dir>/<file>.c and is built
# when that file is part of the configuration.
# ------------------------------------------------------------------

unit-srcs := $(shell find tests/unit -name 'test_*.c' 2>/dev/null | sort)
unit-wanted := $(foreach t,$(unit-srcs),$(if $(filter \
	$(patsubst tests/unit/%,%,$(dir $(t)))$(patsubst test_%.c,%.o,$(notdir $(t))),\
	$(lib-y)),$(t)))
unit-bins := $(patsubst %.c,$(objtree)/%,$(unit-wanted))
test-support := $(objtree)/tests/unit/support.o
.SECONDARY: $(test-support)

$(objtree)/tests/unit/%: tests/unit/%.c $(test-support) $(libwarden) $(autoconf)
	@mkdir -p $(dir $@)
	$(call msg,TEST,$<)
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -o $@ $< \
		$(test-support) $(libwarden) $(ALL_LDFLAGS) $(LIBS) \
		$(TEST_PKG_FLAGS) $$($(PKG_CONFIG) --libs cmocka)

.PHONY: unit-tests
unit-tests: programs $(unit-bins)

# sub-config DIR,NAME: $(DIR)/.config from configs/NAME_defconfig, for the
# builds that do not follow the user's .config (check, the product build
# the tests inspect, fuzz, demo, bench). The file is replaced only when
# its content changes, so an unchanged configuration rebuilds nothing.
define sub-config
	$(Q)mkdir -p $(1)
	$(Q)KCONFIG_CONFIG=$(1)/.config.new $(KCONF) -s \
		--defconfig=configs/$(2)_defconfig Kconfig >/dev/null
	$(Q)if cmp -s $(1)/.config.new $(1)/.config; then \
		rm -f $(1)/.config.new; \
	else mv $(1)/.config.new $(1)/.config; fi
endef

# `make check`: a sanitized build of configs/test_defconfig (the
# simulated device and the test hooks, whatever the product .config says)
# in $(O)/check, a plain product build (handheld_defconfig) in
# $(O)/check/product that tests/integration/product.sh inspects, then
# every unit and integration test. The last line is "N passed, N failed".
.PHONY: check
check:
	$(call sub-config,$(objtree)/check,test)
	$(Q)$(MAKE) --no-print-directory O=$(objtree)/check \
		KCONFIG_CONFIG=$(objtree)/check/.config SANITIZE=address \
		unit-tests fuzz-check
	$(call sub-config,$(objtree)/check/product,handheld)
	$(Q)$(MAKE) --no-print-directory O=$(objtree)/check/product \
		KCONFIG_CONFIG=$(objtree)/check/product/.config programs
	$(Q)sh tests/run.sh $(objtree)/check

# The reference device image and the system tests on it (tools/vm/,
# tests/system/, docs/device-image.md).
ARCH ?= amd64
.PHONY: image system-check
image:
	$(Q)ARCH=$(ARCH) sh tools/vm/build-image $(objtree)/image-$(ARCH)

system-check:
	$(Q)ARCH=$(ARCH) WARDEN_IMAGE_DIR=$(objtree)/image-$(ARCH) \
		sh tools/vm/system-check

# ------------------------------------------------------------------
# Fuzzing: tests/fuzz/fuzz_<name>.c with a seed corpus in
# tests/fuzz/corpus/<name>/. `make fuzz` builds them with clang's
# libFuzzer; `make check` replays every corpus through a plain build of
# each target (tests/fuzz/replay.c stands in for libFuzzer's driver).
# ------------------------------------------------------------------

# A target whose source says "requires: CONFIG_X" is built only when X is
# set in the configuration.
fuzz-all := $(sort $(wildcard tests/fuzz/fuzz_*.c))
fuzz-needs = $(shell sed -n 's/.*requires: \(CONFIG_[A-Z0-9_]*\).*/\1/p' $(1))
fuzz-srcs := $(foreach t,$(fuzz-all),$(if $(strip $(foreach c,\
	$(call fuzz-needs,$(t)),$(if $(filter y,$($(c))),,no))),,$(t)))
fuzz-check-bins := $(patsubst tests/fuzz/%.c,$(objtree)/fuzz-replay/%,$(fuzz-srcs))

$(objtree)/fuzz-replay/%: tests/fuzz/%.c tests/fuzz/replay.c $(libwarden)
	@mkdir -p $(dir $@)
	$(call msg,FUZZREPLAY,$<)
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -o $@ $< \
		tests/fuzz/replay.c $(libwarden) $(ALL_LDFLAGS) $(LIBS)

.PHONY: fuzz-check
fuzz-check: $(fuzz-check-bins)

fuzz-bins := $(patsubst tests/fuzz/%.c,$(objtree)/fuzz/%,$(fuzz-srcs))

$(objtree)/fuzz/%: tests/fuzz/%.c $(libwarden)
	@mkdir -p $(dir $@)
	$(call msg,FUZZ,$<)
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -fsanitize=fuzzer \
		-o $@ $< $(libwarden) $(ALL_LDFLAGS) $(LIBS)

.PHONY: fuzz fuzzers
fuzz:
	$(call sub-config,$(objtree)/fuzzbuild,test)
	$(Q)$(MAKE) --no-print-directory O=$(objtree)/fuzzbuild CC=clang \
		KCONFIG_CONFIG=$(objtree)/fuzzbuild/.config SANITIZE=fuzzer fuzzers
	@echo "fuzz targets in $(objtree)/fuzzbuild/fuzz/ (run: tests/fuzz/run.sh)"

fuzzers: $(fuzz-bins)

# ------------------------------------------------------------------
# tools/: wardenmdm, the reference MDM server (tools/Kbuild). `make tools`
# builds $(O)/wardenmdm; `make check` builds and tests it. Its objects go
# into libwardenmdm.a, not libwarden.a; its unit tests (tests/unit/tools/)
# and fuzz targets (tests/fuzz/fuzz_mdm_*.c) link both.
# ------------------------------------------------------------------

mdm-y :=
fleet-y :=
fleet-pkgs-y :=
mdm-pkgs-y :=
mdm-ldlibs-y :=
include tools/Kbuild
MDM_PKGS := $(sort $(mdm-pkgs-y))
MDM_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(MDM_PKGS) 2>/dev/null)
MDM_LIBS := $(shell $(PKG_CONFIG) --libs $(MDM_PKGS) 2>/dev/null) \
	$(mdm-ldlibs-y)
mdm-objs := $(addprefix $(objtree)/,$(mdm-y))
mdm-main := $(objtree)/tools/mdm/mdm_main.o
libmdm := $(objtree)/libwardenmdm.a
wardenmdm := $(objtree)/wardenmdm
mdm-unit-bins := $(patsubst %.c,$(objtree)/%,$(filter tests/unit/tools/%,\
	$(filter-out tests/unit/tools/fleet/%,$(unit-srcs))))
mdm-fuzz-srcs := $(wildcard tests/fuzz/fuzz_mdm_*.c)

$(mdm-objs) $(mdm-main): ALL_CFLAGS += $(MDM_CFLAGS)
# The admin console's static files: install-tools puts them here, and
# `wardenmdm serve` reads them from here unless --console-dir says else.
MDM_CONSOLE_DIR ?= $(PREFIX)/share/wardenmdm/console
$(objtree)/tools/mdm/mdm_serve.o: ALL_CFLAGS += \
	-DMDM_CONSOLE_DIR_DEFAULT='"$(MDM_CONSOLE_DIR)"'

$(libmdm): $(mdm-objs)
	$(call msg,AR,$(notdir $@))
	$(Q)rm -f $@ && $(AR) rcs $@ $^

$(wardenmdm): $(mdm-main) $(libmdm) $(libwarden)
	$(call msg,LD,$(notdir $@))
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS) $(MDM_LIBS)

$(objtree)/tests/unit/tools/%: tests/unit/tools/%.c $(test-support) \
		$(libmdm) $(libwarden) $(autoconf)
	@mkdir -p $(dir $@)
	$(call msg,TEST,$<)
	$(Q)$(CC) $(ALL_CFLAGS) $(MDM_CFLAGS) -Wno-missing-prototypes -o $@ $< \
		$(test-support) $(libmdm) $(libwarden) $(ALL_LDFLAGS) $(LIBS) \
		$(MDM_LIBS) $(TEST_PKG_FLAGS) $$($(PKG_CONFIG) --libs cmocka)

$(patsubst tests/fuzz/%.c,$(objtree)/fuzz-replay/%,$(mdm-fuzz-srcs)): \
		$(objtree)/fuzz-replay/%: tests/fuzz/%.c tests/fuzz/replay.c \
		$(libmdm) $(libwarden)
	@mkdir -p $(dir $@)
	$(call msg,FUZZREPLAY,$<)
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -o $@ $< \
		tests/fuzz/replay.c $(libmdm) $(libwarden) $(ALL_LDFLAGS) \
		$(LIBS) $(MDM_LIBS)

$(patsubst tests/fuzz/%.c,$(objtree)/fuzz/%,$(mdm-fuzz-srcs)): \
		$(objtree)/fuzz/%: tests/fuzz/%.c $(libmdm) $(libwarden)
	@mkdir -p $(dir $@)
	$(call msg,FUZZ,$<)
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -fsanitize=fuzzer \
		-o $@ $< $(libmdm) $(libwarden) $(ALL_LDFLAGS) $(LIBS) \
		$(MDM_LIBS)

FLEET_PKGS := $(sort $(fleet-pkgs-y))
FLEET_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(FLEET_PKGS) 2>/dev/null)
FLEET_LIBS := $(shell $(PKG_CONFIG) --libs $(FLEET_PKGS) 2>/dev/null)
fleet-objs := $(addprefix $(objtree)/,$(fleet-y))
wardenfleet := $(objtree)/wardenfleet

fleet-unit-bins := $(patsubst %.c,$(objtree)/%,$(filter \
	tests/unit/tools/fleet/%,$(unit-srcs)))

$(fleet-objs): ALL_CFLAGS += $(FLEET_CFLAGS)

# A fleet unit test links the one file it tests (test_fleet_tls:
# tools/fleet/fleet_tls.o) with libwarden.a and OpenSSL.
$(objtree)/tests/unit/tools/fleet/test_%: tests/unit/tools/fleet/test_%.c \
		$(objtree)/tools/fleet/%.o $(test-support) $(libwarden) \
		$(autoconf)
	@mkdir -p $(dir $@)
	$(call msg,TEST,$<)
	$(Q)$(CC) $(ALL_CFLAGS) $(FLEET_CFLAGS) -Wno-missing-prototypes -o $@ \
		$< $(objtree)/tools/fleet/$*.o $(test-support) $(libwarden) \
		$(ALL_LDFLAGS) $(LIBS) $(FLEET_LIBS) $(TEST_PKG_FLAGS) \
		$$($(PKG_CONFIG) --libs cmocka)

$(wardenfleet): $(fleet-objs) $(libwarden)
	$(call msg,LD,$(notdir $@))
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LIBS) $(FLEET_LIBS)

.PHONY: tools
tools: $(wardenmdm) $(wardenfleet)
unit-tests: $(wardenmdm) $(wardenfleet) $(mdm-unit-bins) $(fleet-unit-bins)

-include $(mdm-objs:.o=.d) $(mdm-main:.o=.d) $(fleet-objs:.o=.d)

# ------------------------------------------------------------------
# Benchmarks, demo, install, deps, clean
# ------------------------------------------------------------------

.PHONY: bench bench-programs demo deps install install-tools clean distclean help

bench-bins := $(patsubst tests/bench/%.c,$(objtree)/bench/%,\
	$(wildcard tests/bench/bench_*.c))

$(objtree)/bench/%: tests/bench/%.c $(libwarden)
	@mkdir -p $(dir $@)
	$(call msg,BENCH,$<)
	$(Q)$(CC) $(ALL_CFLAGS) -Wno-missing-prototypes -o $@ $< $(libwarden) \
		$(ALL_LDFLAGS) $(LIBS) -lm

# The benchmarks and the demo run the simulated device: demo_defconfig
# (a handheld with the simulator, no test hooks) in a build of their own.
# The table compares three builds: demo (the simulated device and
# wardenmdm), handheld (the product) and minimal.
bench:
	$(call sub-config,$(objtree)/demo,demo)
	$(Q)$(MAKE) --no-print-directory O=$(objtree)/demo \
		KCONFIG_CONFIG=$(objtree)/demo/.config bench-programs
	$(call sub-config,$(objtree)/bench-handheld,handheld)
	$(Q)$(MAKE) --no-print-directory O=$(objtree)/bench-handheld \
		KCONFIG_CONFIG=$(objtree)/bench-handheld/.config programs
	$(call sub-config,$(objtree)/bench-minimal,minimal)
	$(Q)$(MAKE) --no-print-directory O=$(objtree)/bench-minimal \
		KCONFIG_CONFIG=$(objtree)/bench-minimal/.config programs
	$(Q)sh tests/bench/run.sh $(objtree)/demo $(objtree)/bench-handheld \
		$(objtree)/bench-minimal

bench-programs: programs tools $(bench-bins)

demo:
	$(call sub-config,$(objtree)/demo,demo)
	$(Q)$(MAKE) --no-print-directory O=$(objtree)/demo \
		KCONFIG_CONFIG=$(objtree)/demo/.config programs tools
	$(Q)sh tools/demo.sh $(objtree)/demo

deps:
	@echo "dependencies present (third_party/deps.txt)"

# install: what a package needs. ExecStart= of the unit follows PREFIX;
# the configuration file goes to SYSCONFDIR (/etc, where wardend looks)
# and is not replaced when DESTDIR already has one. UNITDIR, SYSUSERSDIR
# and TMPFILESDIR follow PREFIX unless given (Debian: UNITDIR=/lib/...).
SYSCONFDIR ?= /etc
UNITDIR ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
TMPFILESDIR ?= $(PREFIX)/lib/tmpfiles.d
MANDIR ?= $(PREFIX)/share/man

install: programs
	install -d $(DESTDIR)$(PREFIX)/sbin $(DESTDIR)$(PREFIX)/bin \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 \
		$(DESTDIR)$(MANDIR)/man8 $(DESTDIR)$(PREFIX)/share/doc/warden \
		$(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSUSERSDIR) \
		$(DESTDIR)$(TMPFILESDIR) $(DESTDIR)$(SYSCONFDIR)/warden
	install -m 0755 $(wardend) $(DESTDIR)$(PREFIX)/sbin/wardend
	install -m 0755 $(wardenctl) $(DESTDIR)$(PREFIX)/bin/wardenctl
	$(if $(qrdecode),install -D -m 0755 $(qrdecode) \
		$(DESTDIR)$(PREFIX)/libexec/warden/warden-qrdecode)
	install -m 0644 docs/man/wardenctl.1 $(DESTDIR)$(MANDIR)/man1/
	install -m 0644 docs/man/wardend.conf.5 $(DESTDIR)$(MANDIR)/man5/
	install -m 0644 docs/man/wardend.8 $(DESTDIR)$(MANDIR)/man8/
	install -m 0644 docs/wardend.conf.example \
		$(DESTDIR)$(PREFIX)/share/doc/warden/
	sed 's|/usr/sbin/wardend|$(PREFIX)/sbin/wardend|' \
		packaging/systemd/wardend.service \
		>$(DESTDIR)$(UNITDIR)/wardend.service
	chmod 0644 $(DESTDIR)$(UNITDIR)/wardend.service
	install -m 0644 packaging/systemd/warden.sysusers \
		$(DESTDIR)$(SYSUSERSDIR)/warden.conf
	install -m 0644 packaging/systemd/warden.tmpfiles \
		$(DESTDIR)$(TMPFILESDIR)/warden.conf
	[ -e $(DESTDIR)$(SYSCONFDIR)/warden/wardend.conf ] || \
		install -m 0644 packaging/wardend.conf \
		$(DESTDIR)$(SYSCONFDIR)/warden/wardend.conf

# install-tools: the reference MDM server and the fleet simulator (not
# for devices).
install-tools: tools
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(MANDIR)/man1
	install -m 0755 $(wardenmdm) $(DESTDIR)$(PREFIX)/bin/wardenmdm
	install -m 0755 $(wardenfleet) $(DESTDIR)$(PREFIX)/bin/wardenfleet
	install -m 0644 docs/man/wardenmdm.1 docs/man/wardenfleet.1 \
		$(DESTDIR)$(MANDIR)/man1/
	install -d $(DESTDIR)$(MDM_CONSOLE_DIR)
	install -m 0644 tools/mdm/console/index.html \
		tools/mdm/console/console.css tools/mdm/console/console.js \
		$(DESTDIR)$(MDM_CONSOLE_DIR)/

# clean keeps the configuration; distclean removes it too.
clean:
	$(Q)if [ -d $(objtree) ]; then find $(objtree) -mindepth 1 -maxdepth 1 \
		! -name .config ! -name .config.old -exec rm -rf {} +; fi

distclean:
	rm -rf $(objtree)

help:
	@sed -n '2,20p' Makefile | sed 's/^# \{0,1\}//'
