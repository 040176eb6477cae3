/*
 * test_linux_camera.c - blocking and allowing cameras: the sysfs
 * attributes written, the udev rule, the read-back.
 */
#include "tests/unit/hal/linux/linux_test.h"

static const char rule[] =
    "# Written by warden: cameraAccess is CAMERA_ACCESS_DISABLED.\n"
    "# A USB video-class interface starts de-authorised.\n"
    "ACTION==\"add\", SUBSYSTEM==\"usb\", ENV{DEVTYPE}==\"usb_interface\", "
    "ATTR{bInterfaceClass}==\"0e\", ATTR{authorized}=\"0\"\n";

static void
test_block_and_allow(void **state)
{
	const char *root = copy_fixture("rootfs-kiosk");
	struct linux_ctx *c = open_root(root, "");
	bool allowed, present, blocked;

	(void)state;
	assert_int_equal(linux_camera_state(c, &present, &blocked), 0);
	assert_true(present);
	assert_false(blocked);
	assert_int_equal(linux_camera_ops.get_allowed(c, &allowed), 0);
	assert_true(allowed);

	assert_int_equal(linux_camera_ops.set_allowed(c, false), 0);
	assert_file_eq(root, "/etc/udev/rules.d/70-warden-camera.rules", rule);
	/* Both video interfaces of the camera; the storage one untouched. */
	assert_file_eq(root, "/sys/bus/usb/devices/1-1:1.0/authorized", "0");
	assert_file_eq(root, "/sys/bus/usb/devices/1-1:1.1/authorized", "0");
	assert_file_eq(root, "/sys/bus/usb/devices/2-1:1.0/authorized", "1\n");
	assert_int_equal(linux_camera_ops.get_allowed(c, &allowed), 0);
	assert_false(allowed);
	/* Idempotent. */
	assert_int_equal(linux_camera_ops.set_allowed(c, false), 0);

	assert_int_equal(linux_camera_ops.set_allowed(c, true), 0);
	assert_false(exists_in(root, "/etc/udev/rules.d/70-warden-camera.rules"));
	assert_file_eq(root, "/sys/bus/usb/devices/1-1:1.0/authorized", "1");
	assert_file_eq(root, "/sys/bus/usb/devices/1-1:1.1/authorized", "1");
	assert_int_equal(linux_camera_ops.get_allowed(c, &allowed), 0);
	assert_true(allowed);
	hal_linux_backend.close(c);
	remove_copy(root);
}

static void
test_readback_failure(void **state)
{
	const char *root = copy_fixture("rootfs-kiosk");
	struct linux_ctx *c = open_root(root, "");
	char path[PATH_MAX * 2];

	(void)state;
	/* An interface whose authorized attribute cannot be written. */
	snprintf(path, sizeof(path), "%s/sys/bus/usb/devices/1-1:1.1/authorized",
	    root);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(linux_camera_ops.set_allowed(c, false), -EIO);
	hal_linux_backend.close(c);
	remove_copy(root);
}

static void
test_handheld_blocked_no_camera(void **state)
{
	const char *root = copy_fixture("rootfs-handheld");
	struct linux_ctx *c = open_root(root, "");
	char path[PATH_MAX * 2];
	bool present, blocked;

	(void)state;
	assert_int_equal(linux_camera_state(c, &present, &blocked), 0);
	assert_true(present);
	assert_true(blocked);
	/* No camera plugged in: the rule alone decides. */
	snprintf(path, sizeof(path), "%s/sys/bus/usb/devices/1-1:1.0", root);
	test_rmtree(path);
	assert_int_equal(linux_camera_state(c, &present, &blocked), 0);
	assert_false(present);
	assert_true(blocked);
	assert_int_equal(linux_camera_ops.set_allowed(c, true), 0);
	assert_int_equal(linux_camera_state(c, &present, &blocked), 0);
	assert_false(blocked);
	hal_linux_backend.close(c);
	remove_copy(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_block_and_allow),
		cmocka_unit_test(test_readback_failure),
		cmocka_unit_test(test_handheld_blocked_no_camera),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
