/* Tests agent/session/commands_password.c: RESET_PASSWORD's check of a new
 * passcode against the passcode policy in force. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "agent/session/commands.h"

static int
check(enum hal_pw_quality q, int min_length, const char *pw)
{
	struct hal_passcode_policy p;
	char why[256];

	memset(&p, 0, sizeof(p));
	p.quality = q;
	p.min_length = min_length;
	return commands_password_check(&p, pw, why, sizeof(why));
}

static void
numeric_complex(void **state)
{
	(void)state;
	assert_int_equal(check(HAL_PW_NUMERIC_COMPLEX, 6, "739154"), 0);
	assert_int_equal(check(HAL_PW_NUMERIC_COMPLEX, 6, "123456"), -1);
	assert_int_equal(check(HAL_PW_NUMERIC_COMPLEX, 6, "984444"), -1);
	assert_int_equal(check(HAL_PW_NUMERIC_COMPLEX, 6, "987521"), -1);
	assert_int_equal(check(HAL_PW_NUMERIC_COMPLEX, 6, "7391"), -1);
	assert_int_equal(check(HAL_PW_NUMERIC_COMPLEX, 0, "abcdef"), -1);
	/* Two in a row is no sequence. */
	assert_int_equal(check(HAL_PW_NUMERIC_COMPLEX, 4, "1295"), 0);
}

static void
classes(void **state)
{
	(void)state;
	assert_int_equal(check(HAL_PW_UNSPECIFIED, 0, ""), 0);
	assert_int_equal(check(HAL_PW_SOMETHING, 0, ""), -1);
	assert_int_equal(check(HAL_PW_NUMERIC, 4, "1111"), 0);
	assert_int_equal(check(HAL_PW_ALPHABETIC, 4, "1111"), -1);
	assert_int_equal(check(HAL_PW_ALPHABETIC, 4, "abcd"), 0);
	assert_int_equal(check(HAL_PW_ALPHANUMERIC, 4, "abcd"), -1);
	assert_int_equal(check(HAL_PW_ALPHANUMERIC, 4, "ab12"), 0);
	assert_int_equal(check(HAL_PW_COMPLEX, 4, "ab12"), -1);
	assert_int_equal(check(HAL_PW_COMPLEX, 4, "ab1!"), 0);
	assert_int_equal(check(HAL_PW_COMPLEXITY_HIGH, 0, "73915482"), 0);
	assert_int_equal(check(HAL_PW_COMPLEXITY_HIGH, 0, "7391548"), -1);
	assert_int_equal(check(HAL_PW_COMPLEXITY_MEDIUM, 0, "1234"), -1);
	assert_int_equal(check(HAL_PW_COMPLEXITY_MEDIUM, 0, "abcd"), 0);
}

static void
complex_counts(void **state)
{
	struct hal_passcode_policy p;
	char why[256];

	(void)state;
	memset(&p, 0, sizeof(p));
	p.quality = HAL_PW_COMPLEX;
	p.min_symbols = 2;
	p.min_upper = 1;
	assert_int_equal(commands_password_check(&p, "Ab1!", why,
	    sizeof(why)), -1);
	assert_non_null(strstr(why, "2 symbols"));
	/* The reason never quotes the passcode. */
	assert_null(strstr(why, "Ab1!"));
	assert_int_equal(commands_password_check(&p, "Ab1!?", why,
	    sizeof(why)), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(numeric_complex),
		cmocka_unit_test(classes),
		cmocka_unit_test(complex_counts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
