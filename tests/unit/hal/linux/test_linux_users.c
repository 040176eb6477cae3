/*
 * test_linux_users.c - accounts from passwd: lookups, the device user,
 * name validation.
 */
#include "tests/unit/hal/linux/linux_test.h"

static void
test_lookup(void **state)
{
	struct linux_ctx *c = open_fixture("rootfs-handheld");
	char home[64], name[LINUX_NAME_MAX];
	uid_t uid;
	gid_t gid;

	(void)state;
	assert_int_equal(linux_user_lookup(c, "alice", &uid, &gid, home,
	    sizeof(home)), 0);
	assert_int_equal(uid, 1000);
	assert_int_equal(gid, 1000);
	assert_string_equal(home, "/home/alice");
	assert_int_equal(linux_user_lookup(c, "mallory", &uid, &gid, NULL, 0),
	    -ENOENT);
	assert_int_equal(linux_user_lookup(c, "../x", &uid, &gid, NULL, 0),
	    -EINVAL);
	/* nobody (65534) is not a human user; alice is the first. */
	assert_int_equal(linux_device_user(c, name, sizeof(name)), 0);
	assert_string_equal(name, "alice");
	hal_linux_backend.close(c);
	c = open_root(fixture_path("rootfs-handheld"), ",user=daemon");
	assert_int_equal(linux_device_user(c, name, sizeof(name)), 0);
	assert_string_equal(name, "daemon");
	hal_linux_backend.close(c);
}

static void
test_malformed_lines(void **state)
{
	const char *root = copy_fixture("rootfs-unencrypted");
	struct linux_ctx *c;
	char name[LINUX_NAME_MAX];

	(void)state;
	write_in(root, "/etc/passwd", "+::::::\nbad:x:notnum:1::/h:/bin/sh\n"
	    "short:x:1001\npi:x:1000:1000::/home/pi:/bin/bash:extra\n"
	    "ok:x:1002:1002::/home/ok:/bin/sh\n");
	c = open_root(root, "");
	assert_int_equal(linux_device_user(c, name, sizeof(name)), 0);
	assert_string_equal(name, "ok");
	hal_linux_backend.close(c);
	write_in(root, "/etc/passwd", "root:x:0:0::/root:/bin/sh\n");
	c = open_root(root, "");
	assert_int_equal(linux_device_user(c, name, sizeof(name)), -ENOENT);
	hal_linux_backend.close(c);
	remove_copy(root);
}

static void
test_names(void **state)
{
	(void)state;
	assert_int_equal(linux_user_name_ok("warden-work"), 0);
	assert_int_equal(linux_user_name_ok("_svc1"), 0);
	assert_int_equal(linux_user_name_ok("Alice"), -EINVAL);
	assert_int_equal(linux_user_name_ok("-rf"), -EINVAL);
	assert_int_equal(linux_user_name_ok(""), -EINVAL);
	assert_int_equal(linux_user_name_ok("a b"), -EINVAL);
	assert_int_equal(linux_user_name_ok(
	    "abcdefghijabcdefghijabcdefghijabc"), -EINVAL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_malformed_lines),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
