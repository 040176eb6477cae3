/* Tests agent/session/renew.c: when the device certificate is renewed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "agent/session/server.h"

#define DAYS(n) ((int64_t)(n) * 24 * 3600)

static void
thirty_days_ahead(void **state)
{
	int64_t t0 = 1700000000;

	(void)state;
	/* A year's certificate: 30 days before it expires. */
	assert_int_equal(renew_time(t0, t0 + DAYS(365)), t0 + DAYS(335));
	assert_int_equal(renew_time(t0, t0 + DAYS(90)), t0 + DAYS(60));
}

static void
short_lived(void **state)
{
	int64_t t0 = 1700000000;

	(void)state;
	/* Under 90 days: a third of the life ahead, never "now" for a fresh
	 * certificate. */
	assert_int_equal(renew_time(t0, t0 + DAYS(30)), t0 + DAYS(20));
	assert_int_equal(renew_time(t0, t0 + DAYS(3)), t0 + DAYS(2));
	assert_int_equal(renew_time(t0, t0 + 3), t0 + 2);
	assert_true(renew_time(t0, t0 + DAYS(89)) > t0);
	/* Nonsense validity: renew at the end. */
	assert_int_equal(renew_time(t0, t0 - 10), t0 - 10);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(thirty_days_ahead),
		cmocka_unit_test(short_lived),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
