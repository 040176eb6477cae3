/*
 * test_linux_power.c - reboot runs `systemctl reboot`, and nothing under
 * a prefix without a runner; the OS update runs the OEM's hook with the
 * URI, is UNSUPPORTED (-ENOSYS) without one and refuses (-EPERM) a hook
 * others could replace.
 */
#include <sys/stat.h>

#include "tests/unit/hal/linux/linux_test.h"

static void
test_reboot(void **state)
{
	struct linux_ctx *c = open_fixture("rootfs-handheld");
	struct fake_run f;

	(void)state;
	assert_int_equal(linux_power_ops.reboot(c), -ENOSYS);
	memset(&f, 0, sizeof(f));
	linux_set_runner(c, fake_runner, &f);
	assert_int_equal(linux_power_ops.reboot(c), 0);
	assert_string_equal(f.log, "systemctl reboot\n");
	fake_reply(&f, "systemctl", "", 1);
	assert_int_equal(linux_power_ops.reboot(c), -EIO);
	hal_linux_backend.close(c);
}

static void
test_os_update(void **state)
{
	const char *root = copy_fixture("rootfs-handheld");
	char path[4200];
	struct linux_ctx *c = open_root(root, "");
	struct fake_run f;
	const char *uri = "https://updates.example/os-2.1.swu";

	(void)state;
	memset(&f, 0, sizeof(f));
	linux_set_runner(c, fake_runner, &f);
	assert_int_equal(linux_power_ops.os_update(c, uri), -ENOSYS);
	assert_string_equal(f.log, "");
	write_in(root, "/etc/warden/os-update-hook", "#!/bin/sh\n");
	snprintf(path, sizeof(path), "%s/etc/warden/os-update-hook", root);
	assert_int_equal(chmod(path, 0775), 0);		/* group-writable */
	assert_int_equal(linux_power_ops.os_update(c, uri), -EPERM);
	assert_int_equal(chmod(path, 0755), 0);
	if (getuid() == 0) {	/* the hook must be root's */
		assert_int_equal(linux_power_ops.os_update(c, uri), 0);
		assert_string_equal(f.log, "/etc/warden/os-update-hook "
		    "https://updates.example/os-2.1.swu\n");
		fake_reply(&f, "/etc/warden/os-update-hook", "", 1);
		assert_int_equal(linux_power_ops.os_update(c, uri), -EIO);
	} else {
		assert_int_equal(linux_power_ops.os_update(c, uri), -EPERM);
	}
	hal_linux_backend.close(c);
	remove_copy(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reboot),
		cmocka_unit_test(test_os_update),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
