/*
 * test_linux_kiosk.c - kiosk mode: the unit, the SysRq and VT drop-ins,
 * the live kernel.sysrq, systemctl's argv, and undoing it all.
 */
#include "tests/unit/hal/linux/linux_test.h"

static const char unit[] =
    "# Written by warden: kiosk mode. Removed when kiosk mode ends.\n"
    "[Unit]\n"
    "Description=warden kiosk\n"
    "After=systemd-user-sessions.service plymouth-quit-wait.service\n"
    "After=getty@tty1.service\n"
    "Conflicts=getty@tty1.service\n"
    "\n"
    "[Service]\n"
    "User=kiosk\n"
    "PAMName=login\n"
    "TTYPath=/dev/tty1\n"
    "TTYReset=yes\n"
    "TTYVHangup=yes\n"
    "TTYVTDisallocate=yes\n"
    "StandardInput=tty-fail\n"
    "UtmpIdentifier=tty1\n"
    "UtmpMode=user\n"
    "ExecStart=/usr/bin/cage -- /opt/pos/bin/till --store=42 --lang=de\n"
    "Restart=always\n"
    "RestartSec=1\n"
    "\n"
    "[Install]\n"
    "WantedBy=graphical.target\n";

static void
test_exit_then_enter(void **state)
{
	const char *root = copy_fixture("rootfs-kiosk");
	struct linux_ctx *c = open_root(root, "");
	struct fake_run f;
	char app[512];

	(void)state;
	memset(&f, 0, sizeof(f));
	linux_set_runner(c, fake_runner, &f);
	assert_int_equal(linux_kiosk_ops.status(c, app, sizeof(app)), 0);
	assert_string_equal(app,
	    "/usr/bin/chromium --kiosk https://example.org/menu");

	assert_int_equal(linux_kiosk_ops.exit(c), 0);
	assert_string_equal(f.log,
	    "systemctl disable --now warden-kiosk.service\n"
	    "systemctl daemon-reload\n"
	    "systemctl start getty.target\n");
	assert_false(exists_in(root, "/etc/systemd/system/warden-kiosk.service"));
	assert_false(exists_in(root, "/etc/sysctl.d/50-warden-kiosk.conf"));
	assert_false(exists_in(root,
	    "/etc/systemd/logind.conf.d/50-warden-kiosk.conf"));
	/* The SysRq value from before kiosk mode is back. */
	assert_file_eq(root, "/proc/sys/kernel/sysrq", "438");
	assert_int_equal(linux_kiosk_ops.status(c, app, sizeof(app)), 0);
	assert_string_equal(app, "");
	/* Leaving twice is fine and runs nothing. */
	f.log[0] = '\0';
	assert_int_equal(linux_kiosk_ops.exit(c), 0);
	assert_string_equal(f.log, "");

	assert_int_equal(linux_kiosk_ops.enter(c,
	    "/opt/pos/bin/till --store=42 --lang=de"), 0);
	assert_file_eq(root, "/etc/systemd/system/warden-kiosk.service", unit);
	assert_file_eq(root, "/etc/sysctl.d/50-warden-kiosk.conf",
	    "# Written by warden: kiosk mode closes the SysRq key.\n"
	    "# previous: 438\n"
	    "kernel.sysrq = 0\n");
	assert_file_eq(root, "/etc/systemd/logind.conf.d/50-warden-kiosk.conf",
	    "# Written by warden: kiosk mode, no text consoles.\n"
	    "[Login]\nNAutoVTs=0\nReserveVT=0\n");
	assert_file_eq(root, "/proc/sys/kernel/sysrq", "0");
	assert_string_equal(f.log, "systemctl daemon-reload\n"
	    "systemctl enable --now warden-kiosk.service\n");
	assert_int_equal(linux_kiosk_ops.status(c, app, sizeof(app)), 0);
	assert_string_equal(app, "/opt/pos/bin/till --store=42 --lang=de");
	/* Entering again keeps the value saved the first time. */
	assert_int_equal(linux_kiosk_ops.enter(c, "/usr/bin/foot"), 0);
	assert_file_contains(root, "/etc/sysctl.d/50-warden-kiosk.conf",
	    "# previous: 438\n");
	hal_linux_backend.close(c);
	remove_copy(root);
}

static void
test_bad_apps(void **state)
{
	static const char *const bad[] = {
		"chromium", "/usr/bin/x %h", "/usr/bin/x $HOME", "/usr/bin/x;y",
		"/usr/bin/x \"q\"", "/usr/bin/x\n", "/usr/bin/x  y", "/usr/bin/x ",
		"/usr/bin/x\\y", "/",
	};
	struct linux_ctx *c = open_fixture("rootfs-kiosk");
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (linux_kiosk_app_ok(bad[i]) != -EINVAL)
			fail_msg("accepted app \"%s\"", bad[i]);
	}
	assert_int_equal(linux_kiosk_app_ok("/usr/bin/cog https://a.b/c?d=e"),
	    -EINVAL);
	assert_int_equal(linux_kiosk_app_ok("/usr/bin/cog https://a.b/c"), 0);
	assert_int_equal(linux_kiosk_ops.enter(c, "/usr/bin/x $HOME"), -EINVAL);
	hal_linux_backend.close(c);
}

static void
test_kiosk_user_and_foreign_unit(void **state)
{
	const char *root = copy_fixture("rootfs-handheld");
	struct linux_ctx *c;
	struct fake_run f;
	char app[64];

	(void)state;
	write_in(root, "/proc/sys/kernel/sysrq", "176\n");
	c = open_root(root, ",kiosk_user=nobody");
	memset(&f, 0, sizeof(f));
	linux_set_runner(c, fake_runner, &f);
	assert_int_equal(linux_kiosk_ops.enter(c, "/usr/bin/foot"), 0);
	assert_file_contains(root, "/etc/systemd/system/warden-kiosk.service",
	    "\nUser=nobody\n");
	hal_linux_backend.close(c);
	c = open_root(root, ",kiosk_user=ghost");
	assert_int_equal(linux_kiosk_ops.enter(c, "/usr/bin/foot"), -ENOENT);
	/* A unit of that name that warden did not write. */
	write_in(root, "/etc/systemd/system/warden-kiosk.service",
	    "[Service]\nExecStart=/bin/sh\n");
	assert_int_equal(linux_kiosk_ops.status(c, app, sizeof(app)), -EINVAL);
	hal_linux_backend.close(c);
	remove_copy(root);
}

/* kioskCustomization: cage shows the app alone; what asks for more is
 * named, part by part. */
static void
test_customize(void **state)
{
	const char *root = copy_fixture("rootfs-kiosk");
	struct linux_ctx *c = open_root(root, "");
	struct hal_kiosk_custom k = {
		"POWER_BUTTON_ACTIONS_UNSPECIFIED", "ERROR_AND_WARNINGS_MUTED",
		"NAVIGATION_DISABLED", "NOTIFICATIONS_AND_SYSTEM_INFO_DISABLED",
		"SETTINGS_ACCESS_BLOCKED",
	};
	char why[400];

	(void)state;
	assert_int_equal(linux_kiosk_ops.customize(c, &k, why, sizeof(why)),
	    0);
	assert_string_equal(why, "");
	k.status_bar = "SYSTEM_INFO_ONLY";
	k.device_settings = "SETTINGS_ACCESS_ALLOWED";
	k.power_button = "POWER_BUTTON_BLOCKED";
	assert_int_equal(linux_kiosk_ops.customize(c, &k, why, sizeof(why)),
	    -EOPNOTSUPP);
	assert_non_null(strstr(why, "statusBar: the kiosk (cage) has no "
	    "status bar"));
	assert_non_null(strstr(why, "; deviceSettings:"));
	assert_non_null(strstr(why, "; powerButtonActions:"));
	assert_null(strstr(why, "systemNavigation"));
	/* A short buffer is cut, never overrun. */
	assert_int_equal(linux_kiosk_ops.customize(c, &k, why, 16),
	    -EOPNOTSUPP);
	assert_int_equal(strlen(why), 15);
	hal_linux_backend.close(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exit_then_enter),
		cmocka_unit_test(test_bad_apps),
		cmocka_unit_test(test_kiosk_user_and_foreign_unit),
		cmocka_unit_test(test_customize),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
