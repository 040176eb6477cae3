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

/* True when the n bytes at p occur in the file ROOT/rel. */
static bool
file_has(const char *root, const char *rel, const char *p, size_t n)
{
	char path[PATH_MAX];
	size_t len = 0;
	char *text;
	bool found = false;
	size_t i;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	if ((text = test_read_file(path, &len)) == NULL)
		return false;
	for (i = 0; i + n <= len && !found; i++)
		found = memcmp(text + i, p, n) == 0;
	free(text);
	return found;
}

static void
test_locked_hint(void **state)
{
	const char *root = copy_fixture("rootfs-handheld");
	struct linux_ctx *c = open_root(root, "");
	struct fake_run f;
	bool locked = true;
	pid_t bus;

	(void)state;
	/* Nothing is run: a runner that fails every command stays unused. */
	memset(&f, 0, sizeof(f));
	f.fail_errno = EPERM;
	linux_set_runner(c, fake_runner, &f);
	/* Not logged in: no logind state file for alice (uid 1000). */
	assert_int_equal(linux_screen_locked(c, &locked), -ENOENT);
	mkdir_in(root, "/run");
	mkdir_in(root, "/run/systemd");
	mkdir_in(root, "/run/systemd/users");
	write_in(root, "/run/systemd/users/1000", "# private\nNAME=alice\n"
	    "STATE=active\nSESSIONS=3 5\n");
	/* Logged in, but no graphical session. */
	assert_int_equal(linux_screen_locked(c, &locked), -ENOENT);
	write_in(root, "/run/systemd/users/1000", "NAME=alice\nDISPLAY=5\n");
	/* No bus listening. */
	assert_int_equal(linux_screen_locked(c, &locked), -ENOENT);
	bus = fake_bus_start(root, 0);
	assert_int_equal(linux_screen_locked(c, &locked), 0);
	fake_bus_wait(bus);
	assert_false(locked);
	/* The session's object path escapes a leading digit. */
	assert_true(file_has(root, "/run/dbus/get-call",
	    "/org/freedesktop/login1/session/_35", 36));
	assert_true(file_has(root, "/run/dbus/get-call", "LockedHint", 10));
	bus = fake_bus_start(root, 1);
	assert_int_equal(linux_screen_locked(c, &locked), 0);
	fake_bus_wait(bus);
	assert_true(locked);
	bus = fake_bus_start(root, -1);
	assert_int_equal(linux_screen_locked(c, &locked), -EREMOTEIO);
	fake_bus_wait(bus);
	write_in(root, "/run/systemd/users/1000", "DISPLAY=../x\n");
	assert_int_equal(linux_screen_locked(c, &locked), -EINVAL);
	assert_string_equal(f.log, "");
	hal_linux_backend.close(c);
	remove_copy(root);
}

/* The reply parser: partial input, other messages, errors, bad bytes. */
static void
test_dbus_reply(void **state)
{
	uint8_t call[512], msg[64];
	size_t n, used;
	bool v = false;
	static const uint8_t reply_true[] = {
		'l', 2, 1, 1, 8, 0, 0, 0, 3, 0, 0, 0, 15, 0, 0, 0,
		5, 1, 'u', 0, 2, 0, 0, 0, 8, 1, 'g', 0, 1, 'v', 0, 0,
		1, 'b', 0, 0, 1, 0, 0, 0,
	};

	(void)state;
	assert_int_equal(linux_dbus_call(call, sizeof(call), 7, "a.b", "/a",
	    "a.b.C", "Get", "x", "y", &n), 0);
	assert_true(n > 16);
	/* A call is not the answer to serial 2. */
	assert_int_equal(linux_dbus_reply(call, n, 2, &used, &v), 1);
	assert_int_equal(used, n);
	assert_int_equal(linux_dbus_call(call, 16, 7, "a.b", "/a", "a.b.C",
	    "Get", "x", "y", &n), -EMSGSIZE);
	memcpy(msg, reply_true, sizeof(reply_true));
	assert_int_equal(linux_dbus_reply(msg, sizeof(reply_true), 2, &used,
	    &v), 0);
	assert_true(v);
	assert_int_equal(used, sizeof(reply_true));
	assert_int_equal(linux_dbus_reply(msg, sizeof(reply_true) - 1, 2,
	    &used, &v), -EAGAIN);
	assert_int_equal(linux_dbus_reply(msg, sizeof(reply_true), 3, &used,
	    &v), 1);
	msg[36] = 2;	/* a boolean is 0 or 1 */
	assert_int_equal(linux_dbus_reply(msg, sizeof(reply_true), 2, &used,
	    &v), -EPROTO);
	memcpy(msg, reply_true, sizeof(reply_true));
	msg[33] = 's';	/* the variant holds no boolean */
	assert_int_equal(linux_dbus_reply(msg, sizeof(reply_true), 2, &used,
	    &v), -EPROTO);
	memcpy(msg, reply_true, sizeof(reply_true));
	msg[1] = 3;	/* an error */
	assert_int_equal(linux_dbus_reply(msg, sizeof(reply_true), 2, &used,
	    &v), -EREMOTEIO);
	memcpy(msg, reply_true, sizeof(reply_true));
	msg[0] = 'x';
	assert_int_equal(linux_dbus_reply(msg, sizeof(reply_true), 2, &used,
	    &v), -EBADMSG);
	memcpy(msg, reply_true, sizeof(reply_true));
	msg[12] = 200;	/* fields past the end of the message */
	assert_int_equal(linux_dbus_reply(msg, sizeof(reply_true), 2, &used,
	    &v), -EAGAIN);
	msg[13] = 0x7f;	/* ... and past the bound */
	assert_int_equal(linux_dbus_reply(msg, sizeof(reply_true), 2, &used,
	    &v), -EBADMSG);
	memcpy(msg, reply_true, sizeof(reply_true));
	msg[17] = 2;	/* a field signature of two types */
	assert_int_equal(linux_dbus_reply(msg, sizeof(reply_true), 2, &used,
	    &v), -EBADMSG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lock_now),
		cmocka_unit_test(test_message),
		cmocka_unit_test(test_locked_hint),
		cmocka_unit_test(test_dbus_reply),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
