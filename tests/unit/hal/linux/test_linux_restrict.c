/*
 * test_linux_restrict.c - screen capture and factory reset switches, USB
 * data blocking, and the facts that read them back.
 */
#include "tests/unit/hal/linux/linux_test.h"

static const char usb_rule[] =
    "# Written by warden: usbDataAccess disallows USB data.\n"
    "# Devices plugged in after a root hub appears are not authorised.\n"
    "ACTION==\"add\", SUBSYSTEM==\"usb\", ENV{DEVTYPE}==\"usb_device\", "
    "ATTR{authorized_default}==\"?*\", ATTR{authorized_default}=\"0\"\n";

static void
facts(struct linux_ctx *c, struct hal_facts *fs)
{
	memset(fs, 0, sizeof(*fs));
	assert_int_equal(linux_facts_restrict(c, fs), 0);
}

static void
test_screen_capture_and_reset(void **state)
{
	const char *root = copy_fixture("rootfs-kiosk");
	struct linux_ctx *c = open_root(root, "");
	struct hal_facts fs;

	(void)state;
	facts(c, &fs);
	assert_fact_bool(&fs, "screen_capture.blocked", false);
	assert_int_equal(linux_restrict_ops.set_screen_capture(c, false), 0);
	assert_int_equal(linux_restrict_ops.set_factory_reset_allowed(c, false),
	    0);
	assert_file_eq(root, "/etc/warden/restrictions.conf",
	    "screen_capture = blocked\nfactory_reset = blocked\n");
	facts(c, &fs);
	assert_fact_bool(&fs, "screen_capture.blocked", true);
	assert_int_equal(linux_restrict_ops.set_screen_capture(c, true), 0);
	assert_file_eq(root, "/etc/warden/restrictions.conf",
	    "screen_capture = allowed\nfactory_reset = blocked\n");
	facts(c, &fs);
	assert_fact_bool(&fs, "screen_capture.blocked", false);
	assert_null(linux_restrict_ops.set_keyguard_features);
	hal_linux_backend.close(c);
	remove_copy(root);
}

static void
test_usb_data(void **state)
{
	const char *root = copy_fixture("rootfs-kiosk");
	struct linux_ctx *c = open_root(root, "");
	struct hal_facts fs;

	(void)state;
	facts(c, &fs);
	assert_fact_bool(&fs, "usb.data_blocked", false);
	assert_fact_bool(&fs, "camera.present", true);
	assert_fact_bool(&fs, "camera.blocked", false);
	assert_int_equal(linux_restrict_ops.set_usb_data(c, false), 0);
	assert_file_eq(root, "/etc/udev/rules.d/70-warden-usb.rules", usb_rule);
	assert_file_eq(root, "/sys/bus/usb/devices/usb1/authorized_default",
	    "0");
	assert_file_eq(root, "/sys/bus/usb/devices/usb2/authorized_default",
	    "0");
	facts(c, &fs);
	assert_fact_bool(&fs, "usb.data_blocked", true);
	assert_int_equal(linux_restrict_ops.set_usb_data(c, true), 0);
	assert_false(exists_in(root, "/etc/udev/rules.d/70-warden-usb.rules"));
	assert_file_eq(root, "/sys/bus/usb/devices/usb1/authorized_default",
	    "1");
	facts(c, &fs);
	assert_fact_bool(&fs, "usb.data_blocked", false);
	hal_linux_backend.close(c);
	remove_copy(root);
}

static void
test_handheld_facts(void **state)
{
	struct linux_ctx *c = open_fixture("rootfs-handheld");
	struct hal_facts fs;

	(void)state;
	facts(c, &fs);
	assert_fact_bool(&fs, "camera.present", true);
	assert_fact_bool(&fs, "camera.blocked", true);
	assert_fact_bool(&fs, "screen_capture.blocked", true);
	assert_fact_bool(&fs, "usb.data_blocked", true);
	/* Nobody logged in: the lock state is unknown. */
	assert_no_fact(&fs, "screen.locked");
	hal_linux_backend.close(c);
}

/* The lock state comes from logind's files and the bus, no program. */
static void
test_screen_locked_fact(void **state)
{
	const char *root = copy_fixture("rootfs-handheld");
	struct linux_ctx *c = open_root(root, "");
	struct fake_run f;
	struct hal_facts fs;
	pid_t bus;

	(void)state;
	memset(&f, 0, sizeof(f));
	f.fail_errno = EPERM;
	linux_set_runner(c, fake_runner, &f);
	mkdir_in(root, "/run");
	mkdir_in(root, "/run/systemd");
	mkdir_in(root, "/run/systemd/users");
	write_in(root, "/run/systemd/users/1000", "DISPLAY=c2\n");
	bus = fake_bus_start(root, 1);
	facts(c, &fs);
	fake_bus_wait(bus);
	assert_fact_bool(&fs, "screen.locked", true);
	assert_int_equal(strstr(f.log, "loginctl") == NULL, 1);
	hal_linux_backend.close(c);
	remove_copy(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_screen_capture_and_reset),
		cmocka_unit_test(test_usb_data),
		cmocka_unit_test(test_handheld_facts),
		cmocka_unit_test(test_screen_locked_fact),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
