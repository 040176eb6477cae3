/*
 * test_linux_power.c - reboot runs `systemctl reboot`, and nothing under
 * a prefix without a runner.
 */
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reboot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
