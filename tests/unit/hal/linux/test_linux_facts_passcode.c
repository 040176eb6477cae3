/*
 * test_linux_facts_passcode.c - passcode.* facts: shadow, pwquality (with
 * drop-ins and PAM), login.defs, faillock tallies.
 */
#include <stdint.h>
#include <time.h>

#include "tests/unit/hal/linux/linux_test.h"

static void
read_passcode(struct linux_ctx *c, struct hal_facts *fs)
{
	memset(fs, 0, sizeof(*fs));
	assert_int_equal(linux_facts_passcode(c, fs), 0);
}

static void
test_handheld(void **state)
{
	struct linux_ctx *c = open_fixture("rootfs-handheld");
	struct hal_passcode_status st;
	struct hal_facts fs;

	(void)state;
	read_passcode(c, &fs);
	assert_string_equal(c->errors, "");
	assert_fact_bool(&fs, "passcode.set", true);
	/* 50-warden.conf: minlen 8, a digit and a lowercase letter. */
	assert_fact_str(&fs, "passcode.quality", HAL_FACT_STRING,
	    "ALPHANUMERIC");
	assert_fact_int(&fs, "passcode.length", 8);
	assert_fact_int(&fs, "passcode.age_days", time(NULL) / 86400 - 20400);
	/* No tally file: no failure since the last success. */
	assert_fact_int(&fs, "passcode.failed_attempts", 0);
	assert_fact_int(&fs, "passcode.lockout_attempts", 10);
	assert_fact_int(&fs, "passcode.max_age_days", 90);
	assert_int_equal(fs.n, 7);
	assert_int_equal(linux_passcode_read(c, &st), 0);
	assert_true(st.set);
	assert_int_equal(st.quality, HAL_PW_ALPHANUMERIC);
	assert_int_equal(st.length, 8);
	assert_int_equal(st.failed_attempts, 0);
	hal_linux_backend.close(c);
}

static void
test_rooted_tally(void **state)
{
	struct linux_ctx *c = open_fixture("rootfs-rooted");
	struct hal_facts fs;

	(void)state;
	read_passcode(c, &fs);
	assert_string_equal(c->errors, "");
	assert_fact_bool(&fs, "passcode.set", true);
	/* PAM does not call pam_pwquality: nothing is guaranteed. */
	assert_fact_str(&fs, "passcode.quality", HAL_FACT_STRING, "SOMETHING");
	assert_fact_int(&fs, "passcode.length", 0);
	/* /var/run -> ../run; 5 records: one invalid, one older than
	 * fail_interval before the newest. */
	assert_fact_int(&fs, "passcode.failed_attempts", 3);
	assert_fact_int(&fs, "passcode.lockout_attempts", 3);
	/* No per-user maximum in shadow: login.defs. */
	assert_fact_int(&fs, "passcode.max_age_days", 99999);
	hal_linux_backend.close(c);
}

static void
test_not_set(void **state)
{
	struct linux_ctx *c = open_fixture("rootfs-unencrypted");
	struct hal_facts fs;

	(void)state;
	read_passcode(c, &fs);
	assert_fact_bool(&fs, "passcode.set", false);
	assert_fact_str(&fs, "passcode.quality", HAL_FACT_STRING,
	    "PASSWORD_QUALITY_UNSPECIFIED");
	assert_fact_int(&fs, "passcode.length", 0);
	hal_linux_backend.close(c);
}

static void
test_user_option(void **state)
{
	struct linux_ctx *c = open_root(fixture_path("rootfs-handheld"),
	    ",user=root");
	struct hal_facts fs;

	(void)state;
	read_passcode(c, &fs);
	assert_fact_bool(&fs, "passcode.set", false);
	hal_linux_backend.close(c);
}

static void
test_main_file_wins(void **state)
{
	const char *root = copy_fixture("rootfs-handheld");
	struct linux_pwquality q;
	struct linux_ctx *c;

	(void)state;
	/* libpwquality reads the main file after the drop-ins. */
	write_in(root, "/etc/security/pwquality.conf", "minlen = 12\n"
	    "dcredit = 0\n");
	write_in(root, "/etc/security/pwquality.conf.d/10-vendor.conf",
	    "ocredit = -2\nminlen = 20\n");
	write_in(root, "/etc/security/pwquality.conf.d/README", "minlen = 30\n");
	c = open_root(root, "");
	assert_int_equal(linux_pwquality_read(c, &q), 0);
	assert_int_equal(q.minlen, 12);
	assert_int_equal(q.dcredit, 0);
	assert_int_equal(q.lcredit, -1);
	assert_int_equal(q.ocredit, -2);
	assert_int_equal(q.minclass, 2);
	assert_int_equal(linux_pwquality_quality(&q), HAL_PW_ALPHABETIC);
	hal_linux_backend.close(c);
	remove_copy(root);
}

static void
test_quality_mapping(void **state)
{
	struct linux_pwquality q;

	(void)state;
	memset(&q, 0, sizeof(q));
	assert_int_equal(linux_pwquality_quality(&q), HAL_PW_SOMETHING);
	q.dcredit = -1;
	assert_int_equal(linux_pwquality_quality(&q), HAL_PW_NUMERIC);
	q.maxrepeat = 3;
	q.maxsequence = 3;
	assert_int_equal(linux_pwquality_quality(&q), HAL_PW_NUMERIC_COMPLEX);
	q.ucredit = -1;
	assert_int_equal(linux_pwquality_quality(&q), HAL_PW_ALPHANUMERIC);
	q.ocredit = -1;
	assert_int_equal(linux_pwquality_quality(&q), HAL_PW_COMPLEX);
	memset(&q, 0, sizeof(q));
	q.minclass = 3;
	assert_int_equal(linux_pwquality_quality(&q), HAL_PW_ALPHABETIC);
	q.minclass = 4;
	assert_int_equal(linux_pwquality_quality(&q), HAL_PW_COMPLEX);
	/* Positive credits are bonuses, not requirements. */
	memset(&q, 0, sizeof(q));
	q.dcredit = 1;
	q.lcredit = 2;
	assert_int_equal(linux_pwquality_quality(&q), HAL_PW_SOMETHING);
}

static void
rec(uint8_t *p, uint16_t status, uint64_t t)
{
	memset(p, 0, 64);
	memcpy(p, "pts/0", 5);
	memcpy(p + 54, &status, 2);
	memcpy(p + 56, &t, 8);
}

static void
test_faillock_count(void **state)
{
	uint8_t buf[4 * 64];

	(void)state;
	rec(buf, 1, 1000);
	rec(buf + 64, 1, 1500);
	rec(buf + 128, 0, 1600);
	rec(buf + 192, 5, 1899);
	assert_int_equal(linux_faillock_count(buf, sizeof(buf), 900), 3);
	assert_int_equal(linux_faillock_count(buf, sizeof(buf), 400), 2);
	assert_int_equal(linux_faillock_count(buf, 0, 900), 0);
	assert_int_equal(linux_faillock_count(buf, 100, 900), -EINVAL);
}

static void
test_malformed_shadow(void **state)
{
	const char *root = copy_fixture("rootfs-handheld");
	struct linux_ctx *c;
	struct hal_facts fs;

	(void)state;
	write_in(root, "/etc/shadow", "alice:$y$x:notanumber:0:90:7:::\n");
	c = open_root(root, "");
	read_passcode(c, &fs);
	assert_int_equal(fs.n, 0);
	assert_string_equal(c->errors, "/etc/shadow: malformed");
	hal_linux_backend.close(c);
	remove_copy(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handheld),
		cmocka_unit_test(test_rooted_tally),
		cmocka_unit_test(test_not_set),
		cmocka_unit_test(test_user_option),
		cmocka_unit_test(test_main_file_wins),
		cmocka_unit_test(test_quality_mapping),
		cmocka_unit_test(test_faillock_count),
		cmocka_unit_test(test_malformed_shadow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
