/*
 * test_linux_locale.c - locale and time zone files.
 */
#include "tests/unit/hal/linux/linux_test.h"

static void
test_locale(void **state)
{
	const char *root = copy_fixture("rootfs-kiosk");
	struct linux_ctx *c = open_root(root, "");

	(void)state;
	assert_int_equal(linux_network_ops.set_locale(c, "de_DE"), 0);
	assert_file_eq(root, "/etc/default/locale", "LANG=de_DE.UTF-8\n");
	assert_int_equal(linux_network_ops.set_locale(c, "sr_RS@latin"), 0);
	assert_file_eq(root, "/etc/default/locale", "LANG=sr_RS.UTF-8@latin\n");
	assert_int_equal(linux_network_ops.set_locale(c, "en_GB.UTF-8"), 0);
	assert_file_eq(root, "/etc/default/locale", "LANG=en_GB.UTF-8\n");
	assert_int_equal(linux_network_ops.set_locale(c, "EN_us"), -EINVAL);
	assert_int_equal(linux_network_ops.set_locale(c, "en_US;rm"), -EINVAL);
	assert_int_equal(linux_network_ops.set_locale(c, "e"), -EINVAL);
	assert_int_equal(linux_network_ops.set_locale(c, "en_US.ISO-8859-1"),
	    -EINVAL);
	hal_linux_backend.close(c);
	remove_copy(root);
}

static void
test_timezone(void **state)
{
	const char *root = copy_fixture("rootfs-kiosk");
	struct linux_ctx *c = open_root(root, "");
	char link[PATH_MAX * 2], target[128];
	ssize_t n;

	(void)state;
	assert_int_equal(linux_network_ops.set_timezone(c, "Europe/Berlin"), 0);
	snprintf(link, sizeof(link), "%s/etc/localtime", root);
	n = readlink(link, target, sizeof(target) - 1);
	assert_true(n > 0);
	target[n] = '\0';
	assert_string_equal(target, "/usr/share/zoneinfo/Europe/Berlin");
	assert_file_eq(root, "/etc/timezone", "Europe/Berlin\n");
	/* Zones the tree lacks, and names that try to climb out. */
	assert_int_equal(linux_network_ops.set_timezone(c, "Mars/Olympus"),
	    -EINVAL);
	assert_int_equal(linux_network_ops.set_timezone(c, "../../etc/shadow"),
	    -EINVAL);
	assert_int_equal(linux_network_ops.set_timezone(c, "Europe"), -EINVAL);
	assert_int_equal(linux_network_ops.set_timezone(c, "/Europe/Berlin"),
	    -EINVAL);
	hal_linux_backend.close(c);
	remove_copy(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_locale),
		cmocka_unit_test(test_timezone),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
