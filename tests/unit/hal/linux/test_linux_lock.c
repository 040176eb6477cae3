/*
 * test_linux_lock.c - locking through logind, the lock-screen message,
 * and logind's LockedHint.
 */
#include "tests/unit/hal/linux/linux_test.h"

static void
test_lock_now(void **state)
{
	struct linux_ctx *c = open_fixture("rootfs-handheld");
	struct fake_run f;

	(void)state;
	assert_int_equal(linux_lock_ops.lock_now(c, HAL_SCOPE_DEVICE), -ENOSYS);
	memset(&f, 0, sizeof(f));
	fake_reply(&f, "loginctl show-user warden-work -p Sessions", "3 7\n", 0);
	linux_set_runner(c, fake_runner, &f);
	assert_int_equal(linux_lock_ops.lock_now(c, HAL_SCOPE_DEVICE), 0);
	assert_int_equal(linux_lock_ops.lock_now(c, HAL_SCOPE_PROFILE), 0);
	assert_string_equal(f.log, "loginctl lock-sessions\n"
	    "loginctl show-user warden-work -p Sessions --value\n"
	    "loginctl lock-session 3\nloginctl lock-session 7\n");
	/* logind knows no such user: nothing to lock. */
	f.log[0] = '\0';
	f.nreplies = 0;
	fake_reply(&f, "loginctl show-user", "", 1);
	assert_int_equal(linux_lock_ops.lock_now(c, HAL_SCOPE_PROFILE), 0);
	assert_string_equal(f.log,
	    "loginctl show-user warden-work -p Sessions --value\n");
	/* A session id that is not one. */
	f.nreplies = 0;
	fake_reply(&f, "loginctl show-user", "3 ../x\n", 0);
	assert_int_equal(linux_lock_ops.lock_now(c, HAL_SCOPE_PROFILE), -EINVAL);
	hal_linux_backend.close(c);
}

static void
test_message(void **state)
{
	const char *root = copy_fixture("rootfs-kiosk");
	struct linux_ctx *c = open_root(root, "");
	char big[1100];

	(void)state;
	assert_int_equal(linux_lock_ops.set_message(c,
	    "Property of ACME \xe2\x80\x94 call +49 30 1234\nReward."), 0);
	assert_file_eq(root, "/etc/warden/lockscreen-message",
	    "Property of ACME \xe2\x80\x94 call +49 30 1234\nReward.\n");
	assert_int_equal(linux_lock_ops.set_message(c, "bad\x1b[2J"), -EINVAL);
	assert_int_equal(linux_lock_ops.set_message(c, "bad \xc3"), -EINVAL);
	assert_int_equal(linux_lock_ops.set_message(c, "overlong \xc0\xaf"),
	    -EINVAL);
	assert_int_equal(linux_lock_ops.set_message(c, "surrogate \xed\xa0\x80"),
	    -EINVAL);
	assert_int_equal(linux_lock_ops.set_message(c, ""), -EINVAL);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(linux_lock_ops.set_message(c, big), -EINVAL);
	/* Rejected input left the old message alone. */
	assert_true(exists_in(root, "/etc/warden/lockscreen-message"));
	assert_int_equal(linux_lock_ops.set_message(c, NULL), 0);
	assert_false(exists_in(root, "/etc/warden/lockscreen-message"));
	assert_int_equal(linux_lock_ops.set_message(c, NULL), 0);
	hal_linux_backend.close(c);
	remove_copy(root);
}

static void
test_locked_hint(void **state)
{
	struct linux_ctx *c = open_fixture("rootfs-handheld");
	struct fake_run f;
	bool locked = true;

	(void)state;
	memset(&f, 0, sizeof(f));
	fake_reply(&f, "loginctl show-user alice -p Display", "5\n", 0);
	fake_reply(&f, "loginctl show-session 5 -p LockedHint", "no\n", 0);
	linux_set_runner(c, fake_runner, &f);
	assert_int_equal(linux_screen_locked(c, &locked), 0);
	assert_false(locked);
	assert_string_equal(f.log,
	    "loginctl show-user alice -p Display --value\n"
	    "loginctl show-session 5 -p LockedHint --value\n");
	f.nreplies = 0;
	fake_reply(&f, "loginctl show-user alice -p Display", "\n", 0);
	assert_int_equal(linux_screen_locked(c, &locked), -ENOENT);
	f.nreplies = 0;
	fake_reply(&f, "loginctl show-user alice -p Display", "5\n", 0);
	fake_reply(&f, "loginctl show-session", "maybe\n", 0);
	assert_int_equal(linux_screen_locked(c, &locked), -EINVAL);
	hal_linux_backend.close(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lock_now),
		cmocka_unit_test(test_message),
		cmocka_unit_test(test_locked_hint),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
