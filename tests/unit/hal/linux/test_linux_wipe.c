/*
 * test_linux_wipe.c - factory reset through the OEM hook, unsupported
 * without one, refused when the hook is not root's alone.
 */
#include "tests/unit/hal/linux/linux_test.h"

static void
test_factory_reset(void **state)
{
	const char *root = copy_fixture("rootfs-handheld");
	struct linux_ctx *c = open_root(root, "");
	char hook[PATH_MAX * 2];
	struct fake_run f;

	(void)state;
	memset(&f, 0, sizeof(f));
	linux_set_runner(c, fake_runner, &f);
	/* No hook: unsupported, and nothing run. */
	assert_int_equal(linux_wipe_ops.factory_reset(c), -ENOSYS);
	assert_string_equal(f.log, "");
	snprintf(hook, sizeof(hook), "%s/etc/warden/factory-reset-hook", root);
	write_in(root, "/etc/warden/factory-reset-hook", "#!/bin/sh\n");
	assert_int_equal(chmod(hook, 0644), 0);
	assert_int_equal(linux_wipe_ops.factory_reset(c), -EPERM);
	assert_int_equal(chmod(hook, 0757), 0);
	assert_int_equal(linux_wipe_ops.factory_reset(c), -EPERM);
	assert_int_equal(chmod(hook, 0750), 0);
	assert_int_equal(linux_wipe_ops.factory_reset(c), 0);
	assert_string_equal(f.log, "/etc/warden/factory-reset-hook\n");
	/* A symlink is not the hook. */
	assert_int_equal(unlink(hook), 0);
	assert_int_equal(symlink("/bin/true", hook), 0);
	assert_int_equal(linux_wipe_ops.factory_reset(c), -EPERM);
	hal_linux_backend.close(c);
	remove_copy(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_factory_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
