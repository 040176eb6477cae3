/* Tests agent/core/backoff.c: the retry schedule (1 s doubling to 5 minutes,
 * +-20 % jitter, never above the cap). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "agent/session/server.h"

static void
doubling_without_jitter(void **state)
{
	/* random = 2^31 is the middle of the spread: factor 1.0. */
	const uint64_t want[] = { 1000, 2000, 4000, 8000, 16000, 32000, 64000,
	    128000, 256000, 300000, 300000 };
	unsigned i;

	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		assert_int_equal(backoff_delay_ms(i, 1u << 31), want[i]);
	assert_int_equal(backoff_delay_ms(1000, 1u << 31), BACKOFF_CAP_MS);
	assert_int_equal(backoff_delay_ms(~0u, 1u << 31), BACKOFF_CAP_MS);
}

static void
jitter_bounds(void **state)
{
	unsigned a;

	(void)state;
	for (a = 0; a < 12; a++) {
		uint64_t lo = backoff_delay_ms(a, 0);
		uint64_t hi = backoff_delay_ms(a, UINT32_MAX);
		uint64_t mid = backoff_delay_ms(a, 1u << 31);

		/* 0.8 x and (just under) 1.2 x the middle, capped. */
		assert_int_equal(lo, mid * 4 / 5);
		assert_true(hi <= BACKOFF_CAP_MS);
		if (mid * 6 / 5 <= BACKOFF_CAP_MS)
			assert_true(hi >= mid * 6 / 5 - 1 && hi <= mid * 6 / 5);
		else
			assert_int_equal(hi, BACKOFF_CAP_MS);
		assert_true(lo < mid && mid <= hi);
	}
	/* At the cap the spread is 240 .. 300 s. */
	assert_int_equal(backoff_delay_ms(20, 0), 240000);
}

static void
spread_is_used(void **state)
{
	struct crypto_rng *rng;
	uint64_t d, min = UINT64_MAX, max = 0;
	unsigned attempt, i;

	(void)state;
	assert_int_equal(crypto_rng_new("test", &rng, NULL, 0), 0);
	for (i = 0; i < 2000; i++) {
		attempt = 3;
		d = backoff_next(rng, &attempt);
		assert_int_equal(attempt, 4);
		assert_true(d >= 6400 && d <= 9600);
		if (d < min)
			min = d;
		if (d > max)
			max = d;
	}
	/* 2000 draws cover most of the +-20 % band. */
	assert_true(min < 6800 && max > 9200);
	crypto_rng_free(rng);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(doubling_without_jitter),
		cmocka_unit_test(jitter_bounds),
		cmocka_unit_test(spread_is_used),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
