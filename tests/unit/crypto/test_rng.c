/*
 * test_rng.c - crypto/rng.c: the kernel-seeded CTR-DRBG.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "crypto/crypto.h"

static void
test_bytes_differ(void **state)
{
	struct crypto_rng *rng;
	uint8_t a[32], b[32], zero[32];
	char err[CRYPTO_ERR_MAX];

	(void)state;
	assert_int_equal(crypto_rng_new("test", &rng, err, sizeof(err)), 0);
	assert_non_null(rng);
	memset(zero, 0, sizeof(zero));
	assert_int_equal(crypto_rng_bytes(rng, a, sizeof(a)), 0);
	assert_int_equal(crypto_rng_bytes(rng, b, sizeof(b)), 0);
	assert_memory_not_equal(a, b, sizeof(a));
	assert_memory_not_equal(a, zero, sizeof(a));
	crypto_rng_free(rng);
}

static void
test_two_generators_differ(void **state)
{
	struct crypto_rng *r1, *r2;
	uint8_t a[32], b[32];

	(void)state;
	/* Same personalisation: the kernel seed must still differ. */
	assert_int_equal(crypto_rng_new(NULL, &r1, NULL, 0), 0);
	assert_int_equal(crypto_rng_new(NULL, &r2, NULL, 0), 0);
	assert_int_equal(crypto_rng_bytes(r1, a, sizeof(a)), 0);
	assert_int_equal(crypto_rng_bytes(r2, b, sizeof(b)), 0);
	assert_memory_not_equal(a, b, sizeof(a));
	crypto_rng_free(r1);
	crypto_rng_free(r2);
	crypto_rng_free(NULL);
}

static void
test_large_request(void **state)
{
	static uint8_t buf[5000];
	struct crypto_rng *rng;
	size_t i, zeros = 0;

	(void)state;
	/* Larger than one DRBG request (1024 bytes): split internally. */
	assert_int_equal(crypto_rng_new(NULL, &rng, NULL, 0), 0);
	assert_int_equal(crypto_rng_bytes(rng, buf, sizeof(buf)), 0);
	for (i = 4096; i < sizeof(buf); i++)
		zeros += buf[i] == 0;
	/* The tail was filled too: a run of ~900 bytes is not all zero. */
	assert_true(zeros < 50);
	assert_int_equal(crypto_rng_mbedtls(rng, buf, 0), 0);
	crypto_rng_free(rng);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bytes_differ),
		cmocka_unit_test(test_two_generators_differ),
		cmocka_unit_test(test_large_request),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
