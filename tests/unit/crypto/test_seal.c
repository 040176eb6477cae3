/*
 * test_seal.c - crypto/seal.c: the AES-256-GCM blob format, round trips
 * and every kind of tampering.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include <mbedtls/gcm.h>

#include "crypto/crypto.h"

static struct crypto_rng *rng;
static uint8_t key[CRYPTO_SEAL_KEY_LEN];

static const char secret[] = "-----BEGIN EC PRIVATE KEY----- (not really)";
static const char aad[] = "warden/test";

static int
setup(void **state)
{
	(void)state;
	if (crypto_rng_new("test_seal", &rng, NULL, 0) != 0)
		return -1;
	return crypto_rng_bytes(rng, key, sizeof(key));
}

static int
teardown(void **state)
{
	(void)state;
	crypto_zero(key, sizeof(key));
	crypto_rng_free(rng);
	return 0;
}

static size_t
seal(uint8_t *blob, size_t cap)
{
	size_t n;

	assert_int_equal(crypto_seal(rng, key, secret, sizeof(secret), aad,
	    strlen(aad), blob, cap, &n), 0);
	return n;
}

/* Unsealing blob must fail with exactly want; out must be zeroised. */
static void
expect_fail(const uint8_t *k, const uint8_t *blob, size_t len,
    const char *a, const char *want)
{
	uint8_t out[256], zero[256];
	char err[CRYPTO_ERR_MAX];
	size_t n = 77;

	memset(out, 0xee, sizeof(out));
	memset(zero, 0, sizeof(zero));
	assert_int_equal(crypto_unseal(k, blob, len, a, strlen(a), out,
	    sizeof(out), &n, err, sizeof(err)), -1);
	assert_string_equal(err, want);
	assert_int_equal(n, 0);
	if (len >= CRYPTO_SEAL_OVERHEAD && blob[0] == CRYPTO_SEAL_VERSION)
		assert_memory_equal(out, zero, len - CRYPTO_SEAL_OVERHEAD);
}

static const char auth_failed[] =
    "blob: authentication failed (tampered, or another key or purpose)";

static void
test_round_trip_and_layout(void **state)
{
	uint8_t blob[256], blob2[256], out[256];
	size_t n, n2, m;

	(void)state;
	n = seal(blob, sizeof(blob));
	assert_int_equal(n, sizeof(secret) + 29);
	assert_int_equal(blob[0], 1);
	/* The plaintext does not appear in the blob. */
	assert_null(memmem(blob, n, "PRIVATE", 7));
	assert_int_equal(crypto_unseal(key, blob, n, aad, strlen(aad), out,
	    sizeof(out), &m, NULL, 0), 0);
	assert_int_equal(m, sizeof(secret));
	assert_memory_equal(out, secret, m);
	/* A fresh nonce every time: same input, different blobs. */
	n2 = seal(blob2, sizeof(blob2));
	assert_int_equal(n2, n);
	assert_memory_not_equal(blob + 1, blob2 + 1, 12);
	assert_memory_not_equal(blob + 13, blob2 + 13, n - 13);
}

/* The blob opens with plain mbedTLS GCM as docs/crypto.md describes it. */
static void
test_format_is_documented(void **state)
{
	uint8_t blob[256], out[256], fulladd[64];
	mbedtls_gcm_context gcm;
	size_t n, ctlen;

	(void)state;
	n = seal(blob, sizeof(blob));
	ctlen = n - 1 - 12 - 16;
	fulladd[0] = 1;
	memcpy(fulladd + 1, aad, strlen(aad));
	mbedtls_gcm_init(&gcm);
	assert_int_equal(mbedtls_gcm_setkey(&gcm, MBEDTLS_CIPHER_ID_AES, key,
	    256), 0);
	assert_int_equal(mbedtls_gcm_auth_decrypt(&gcm, ctlen, blob + 1, 12,
	    fulladd, 1 + strlen(aad), blob + n - 16, 16, blob + 13, out), 0);
	mbedtls_gcm_free(&gcm);
	assert_int_equal(ctlen, sizeof(secret));
	assert_memory_equal(out, secret, ctlen);
}

static void
test_empty_plaintext_and_aad(void **state)
{
	uint8_t blob[CRYPTO_SEAL_OVERHEAD], out[1];
	size_t n, m;

	(void)state;
	assert_int_equal(crypto_seal(rng, key, NULL, 0, NULL, 0, blob,
	    sizeof(blob), &n), 0);
	assert_int_equal(n, CRYPTO_SEAL_OVERHEAD);
	assert_int_equal(crypto_unseal(key, blob, n, NULL, 0, out, 0, &m, NULL,
	    0), 0);
	assert_int_equal(m, 0);
	/* The tag still authenticates the (empty) aad. */
	expect_fail(key, blob, n, "x", auth_failed);
}

static void
test_tampering(void **state)
{
	uint8_t blob[256];
	size_t n, i;

	(void)state;
	n = seal(blob, sizeof(blob));
	/* One bit anywhere after the version byte: nonce, ciphertext, tag. */
	for (i = 1; i < n; i++) {
		blob[i] ^= 0x10;
		expect_fail(key, blob, n, aad, auth_failed);
		blob[i] ^= 0x10;
	}
	blob[0] = 2;
	expect_fail(key, blob, n, aad, "blob: unknown version 2");
	blob[0] = 1;
	expect_fail(key, blob, n - 1, aad, auth_failed);
	expect_fail(key, blob, CRYPTO_SEAL_OVERHEAD - 1, aad,
	    "blob: 28 bytes, shorter than the 29-byte minimum");
}

static void
test_wrong_key_or_aad(void **state)
{
	uint8_t blob[256], other[CRYPTO_SEAL_KEY_LEN];
	size_t n;

	(void)state;
	n = seal(blob, sizeof(blob));
	memcpy(other, key, sizeof(other));
	other[31] ^= 1;
	expect_fail(other, blob, n, aad, auth_failed);
	expect_fail(key, blob, n, "warden/tesT", auth_failed);
	expect_fail(key, blob, n, "", auth_failed);
}

static void
test_bounds(void **state)
{
	uint8_t blob[256], out[8], big_aad[CRYPTO_SEAL_AAD_MAX + 1];
	char err[CRYPTO_ERR_MAX];
	size_t n, m;

	(void)state;
	/* Output buffers too small, in both directions. */
	assert_int_equal(crypto_seal(rng, key, secret, sizeof(secret), aad,
	    strlen(aad), blob, sizeof(secret) + CRYPTO_SEAL_OVERHEAD - 1, &n),
	    -1);
	n = seal(blob, sizeof(blob));
	assert_int_equal(crypto_unseal(key, blob, n, aad, strlen(aad), out,
	    sizeof(out), &m, err, sizeof(err)), -1);
	assert_string_equal(err, "blob: 44 bytes of plaintext do not fit in 8");
	memset(big_aad, 'a', sizeof(big_aad));
	assert_int_equal(crypto_seal(rng, key, "x", 1, big_aad,
	    sizeof(big_aad), blob, sizeof(blob), &n), -1);
	assert_int_equal(crypto_seal(rng, key, "x", 1, big_aad,
	    sizeof(big_aad) - 1, blob, sizeof(blob), &n), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip_and_layout),
		cmocka_unit_test(test_format_is_documented),
		cmocka_unit_test(test_empty_plaintext_and_aad),
		cmocka_unit_test(test_tampering),
		cmocka_unit_test(test_wrong_key_or_aad),
		cmocka_unit_test(test_bounds),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
