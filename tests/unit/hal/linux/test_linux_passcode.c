/*
 * test_linux_passcode.c - enforcing a passcode policy: the exact files
 * written, the command run, idempotence, and read-back failures.
 */
#include "tests/unit/hal/linux/linux_test.h"

static struct hal_passcode_policy
policy(enum hal_pw_quality q, int minlen)
{
	struct hal_passcode_policy p;

	memset(&p, 0, sizeof(p));
	p.quality = q;
	p.min_length = minlen;
	return p;
}

static void
test_apply_handheld(void **state)
{
	const char *root = copy_fixture("rootfs-handheld");
	struct linux_ctx *c = open_root(root, "");
	struct hal_passcode_policy p = policy(HAL_PW_COMPLEX, 10);
	struct hal_passcode_status st;
	struct fake_run f;
	char path[PATH_MAX * 2];
	struct stat a, b;

	(void)state;
	memset(&f, 0, sizeof(f));
	linux_set_runner(c, fake_runner, &f);
	p.min_upper = 2;
	p.expiration_seconds = 30 * 86400 + 1;
	p.max_failed_for_wipe = 8;
	p.max_time_to_lock_ms = 120500;
	p.history_length = 5;
	/* The main file asks for less than the policy: it must yield. */
	write_in(root, "/etc/security/pwquality.conf",
	    "# site settings\nminlen = 6\nocredit = -3\ndifok = 2\n");
	/* History needs pam_pwhistory, which this stack lacks. */
	assert_int_equal(linux_passcode_ops.apply(c, &p), -ENOSYS);
	write_in(root, "/etc/pam.d/common-password",
	    "password requisite pam_pwquality.so retry=3\n"
	    "password required pam_pwhistory.so use_authtok\n"
	    "password [success=1 default=ignore] pam_unix.so use_authtok\n");
	f.log[0] = '\0';
	assert_int_equal(linux_passcode_ops.apply(c, &p), 0);
	assert_file_eq(root, "/etc/security/pwquality.conf.d/50-warden.conf",
	    "# Written by warden from the device passcode policy; edits are\n"
	    "# overwritten. Negative credits: at least that many characters.\n"
	    "minlen = 10\n"
	    "dcredit = -1\n"
	    "ucredit = -2\n"
	    "ocredit = -1\n"
	    "minclass = 3\n");
	/* minlen was weaker and goes; ocredit = -3 is stricter and stays. */
	assert_file_eq(root, "/etc/security/pwquality.conf",
	    "# site settings\n# minlen = 6\nocredit = -3\ndifok = 2\n");
	assert_file_eq(root, "/etc/login.defs",
	    "# /etc/login.defs - Configuration control definitions for the "
	    "login package.\nMAIL_DIR\t/var/mail\nPASS_MAX_DAYS\t31\n"
	    "PASS_MIN_DAYS\t0\nPASS_WARN_AGE\t7\nUID_MIN\t\t\t 1000\n");
	assert_file_eq(root, "/etc/security/faillock.conf",
	    "# Configuration for locking the user after multiple failed\n"
	    "# authentication attempts.\n# dir = /var/run/faillock\naudit\n"
	    "deny = 8\n# fail_interval = 900\n");
	assert_file_eq(root, "/etc/systemd/logind.conf.d/50-warden-idle.conf",
	    "# Written by warden: maximumTimeToLock.\n"
	    "[Login]\nIdleAction=lock\nIdleActionSec=121\n");
	assert_file_eq(root, "/etc/security/pwhistory.conf", "remember = 5\n");
	assert_string_equal(f.log, "chage -M 31 alice\n");
	/* The status now reflects what was enforced. */
	assert_int_equal(linux_passcode_ops.status(c, &st), 0);
	assert_int_equal(st.quality, HAL_PW_COMPLEX);
	assert_int_equal(st.length, 10);
	/* Again: nothing changes on disk. */
	snprintf(path, sizeof(path),
	    "%s/etc/security/pwquality.conf.d/50-warden.conf", root);
	assert_int_equal(stat(path, &a), 0);
	assert_int_equal(linux_passcode_ops.apply(c, &p), 0);
	assert_int_equal(stat(path, &b), 0);
	assert_int_equal(a.st_ino, b.st_ino);
	/* No expiry and no idle lock: 99999 days, drop-in removed. */
	p.expiration_seconds = 0;
	p.max_time_to_lock_ms = 0;
	assert_int_equal(linux_passcode_ops.apply(c, &p), 0);
	assert_false(exists_in(root,
	    "/etc/systemd/logind.conf.d/50-warden-idle.conf"));
	assert_non_null(strstr(f.log, "chage -M 99999 alice\n"));
	hal_linux_backend.close(c);
	remove_copy(root);
}

static void
test_overridden_by_later_dropin(void **state)
{
	const char *root = copy_fixture("rootfs-handheld");
	struct linux_ctx *c = open_root(root, "");
	struct hal_passcode_policy p = policy(HAL_PW_NUMERIC, 12);
	struct fake_run f;

	(void)state;
	memset(&f, 0, sizeof(f));
	linux_set_runner(c, fake_runner, &f);
	write_in(root, "/etc/security/pwquality.conf.d/90-vendor.conf",
	    "minlen = 6\n");
	/* Written, read back, and found not in force. */
	assert_int_equal(linux_passcode_ops.apply(c, &p), -EIO);
	assert_string_equal(f.log, "");
	hal_linux_backend.close(c);
	remove_copy(root);
}

static void
test_pam_without_pwquality(void **state)
{
	const char *root = copy_fixture("rootfs-rooted");
	struct linux_ctx *c = open_root(root, "");
	struct hal_passcode_policy p = policy(HAL_PW_ALPHANUMERIC, 8);
	struct fake_run f;

	(void)state;
	memset(&f, 0, sizeof(f));
	linux_set_runner(c, fake_runner, &f);
	/* Files written, but PAM never reads them: unsupported. */
	assert_int_equal(linux_passcode_ops.apply(c, &p), -ENOSYS);
	assert_file_eq(root, "/etc/security/pwquality.conf.d/50-warden.conf",
	    "# Written by warden from the device passcode policy; edits are\n"
	    "# overwritten. Negative credits: at least that many characters.\n"
	    "minlen = 8\ndcredit = -1\nlcredit = -1\nminclass = 2\n");
	assert_string_equal(f.log, "chage -M 99999 bob\n");
	/* A policy without strength requirements needs no pwquality. */
	p = policy(HAL_PW_UNSPECIFIED, 0);
	assert_int_equal(linux_passcode_ops.apply(c, &p), 0);
	hal_linux_backend.close(c);
	remove_copy(root);
}

static void
test_invalid_and_failing(void **state)
{
	const char *root = copy_fixture("rootfs-handheld");
	struct linux_ctx *c = open_root(root, "");
	struct hal_passcode_policy p = policy(HAL_PW_SOMETHING, 300);
	struct fake_run f;

	(void)state;
	assert_int_equal(linux_passcode_ops.apply(c, &p), -EINVAL);
	p = policy(HAL_PW_SOMETHING, 6);
	p.expiration_seconds = -1;
	assert_int_equal(linux_passcode_ops.apply(c, &p), -EINVAL);
	p.expiration_seconds = 0;
	/* Under a prefix without a runner chage cannot run. */
	assert_int_equal(linux_passcode_ops.apply(c, &p), -ENOSYS);
	memset(&f, 0, sizeof(f));
	fake_reply(&f, "chage", "", 1);
	linux_set_runner(c, fake_runner, &f);
	assert_int_equal(linux_passcode_ops.apply(c, &p), -EIO);
	assert_null(linux_passcode_ops.reset);
	hal_linux_backend.close(c);
	remove_copy(root);
}

static void
test_dropin_text(void **state)
{
	struct hal_passcode_policy p = policy(HAL_PW_COMPLEX, 0);
	char buf[512];

	(void)state;
	/* 4 letters, of which 1 upper: 3 lower; nonletter 4 over 1 digit
	 * and 1 symbol: 3 digits. */
	p.min_letters = 4;
	p.min_upper = 1;
	p.min_nonletter = 4;
	assert_int_equal(linux_pwquality_dropin(&p, buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "\nminlen = 8\ndcredit = -3\n"
	    "ucredit = -1\nlcredit = -3\nocredit = -1\nminclass = 4\n"));
	p = policy(HAL_PW_NUMERIC_COMPLEX, 4);
	assert_int_equal(linux_pwquality_dropin(&p, buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "\nminlen = 6\ndcredit = -1\n"
	    "maxrepeat = 3\nmaxsequence = 3\n"));
	p = policy(HAL_PW_COMPLEXITY_HIGH, 0);
	assert_int_equal(linux_pwquality_dropin(&p, buf, sizeof(buf)), 0);
	assert_non_null(strstr(buf, "\nminlen = 8\nmaxrepeat = 3\n"));
	assert_int_equal(linux_pwquality_dropin(&p, buf, 20), -ENAMETOOLONG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_apply_handheld),
		cmocka_unit_test(test_overridden_by_later_dropin),
		cmocka_unit_test(test_pam_without_pwquality),
		cmocka_unit_test(test_invalid_and_failing),
		cmocka_unit_test(test_dropin_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
