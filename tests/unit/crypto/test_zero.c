/*
 * test_zero.c - crypto/zero.c: zeroisation and constant-time comparison.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "crypto/crypto.h"

static void
test_zero_clears(void **state)
{
	uint8_t buf[37], want[37];

	(void)state;
	memset(buf, 0xa5, sizeof(buf));
	memset(want, 0, sizeof(want));
	crypto_zero(buf, sizeof(buf));
	assert_memory_equal(buf, want, sizeof(buf));
	crypto_zero(NULL, 10);	/* a no-op, not a crash */
}

static void
test_free_secret(void **state)
{
	char *p = malloc(16);

	(void)state;
	assert_non_null(p);
	memcpy(p, "hunter2hunter2!", 16);
	crypto_free_secret(p, 16);	/* ASan flags a bad free */
	crypto_free_secret(NULL, 16);
}

static void
test_ct_equal(void **state)
{
	uint8_t a[32], b[32];

	(void)state;
	memset(a, 7, sizeof(a));
	memset(b, 7, sizeof(b));
	assert_true(crypto_ct_equal(a, b, sizeof(a)));
	b[31] ^= 1;
	assert_false(crypto_ct_equal(a, b, sizeof(a)));
	b[31] ^= 1;
	b[0] ^= 0x80;
	assert_false(crypto_ct_equal(a, b, sizeof(a)));
	/* Only the first len bytes count. */
	assert_true(crypto_ct_equal(a + 1, b + 1, sizeof(a) - 1));
	assert_true(crypto_ct_equal(a, b, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zero_clears),
		cmocka_unit_test(test_free_secret),
		cmocka_unit_test(test_ct_equal),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
