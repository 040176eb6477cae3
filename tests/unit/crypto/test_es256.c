/*
 * test_es256.c - crypto/es256.c: ECDSA P-256 / SHA-256 in JOSE form,
 * including the RFC 6979 A.2.5 known answer.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <mbedtls/ecp.h>

#include "crypto/crypto_int.h"

static struct crypto_rng *rng;

static int
setup(void **state)
{
	(void)state;
	return crypto_rng_new("test_es256", &rng, NULL, 0);
}

static int
teardown(void **state)
{
	(void)state;
	crypto_rng_free(rng);
	return 0;
}

static void
hex(const uint8_t *b, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02X", b[i]);
}

static void
test_round_trip(void **state)
{
	struct crypto_eckey *key;
	uint8_t sig[CRYPTO_ES256_SIG_LEN], sig2[CRYPTO_ES256_SIG_LEN];
	const char msg[] = "policy version 7";

	(void)state;
	assert_int_equal(crypto_eckey_generate(rng, &key, NULL, 0), 0);
	assert_int_equal(crypto_es256_sign(rng, key, msg, strlen(msg), sig), 0);
	assert_int_equal(crypto_es256_verify(key, msg, strlen(msg), sig), 0);
	/* RFC 6979: the same message gives the same signature. */
	assert_int_equal(crypto_es256_sign(rng, key, msg, strlen(msg), sig2),
	    0);
	assert_memory_equal(sig, sig2, sizeof(sig));
	/* Another message, a flipped bit in r or s: all rejected. */
	assert_int_equal(crypto_es256_verify(key, msg, strlen(msg) - 1, sig),
	    -1);
	sig2[0] ^= 1;
	assert_int_equal(crypto_es256_verify(key, msg, strlen(msg), sig2), -1);
	sig2[0] ^= 1;
	sig2[63] ^= 0x80;
	assert_int_equal(crypto_es256_verify(key, msg, strlen(msg), sig2), -1);
	crypto_eckey_free(key);
}

static void
test_wrong_key_and_public_only(void **state)
{
	struct crypto_eckey *a, *b, *pub;
	uint8_t sig[CRYPTO_ES256_SIG_LEN], *der;
	size_t len;

	(void)state;
	assert_int_equal(crypto_eckey_generate(rng, &a, NULL, 0), 0);
	assert_int_equal(crypto_eckey_generate(rng, &b, NULL, 0), 0);
	assert_int_equal(crypto_es256_sign(rng, a, "x", 1, sig), 0);
	assert_int_equal(crypto_es256_verify(b, "x", 1, sig), -1);

	assert_int_equal(crypto_eckey_public_der(a, &der, &len), 0);
	assert_int_equal(crypto_eckey_parse_public(der, len, &pub, NULL, 0), 0);
	assert_int_equal(crypto_es256_verify(pub, "x", 1, sig), 0);
	assert_int_equal(crypto_es256_sign(rng, pub, "x", 1, sig), -1);
	free(der);
	crypto_eckey_free(pub);
	crypto_eckey_free(a);
	crypto_eckey_free(b);
}

static void
test_degenerate_signatures(void **state)
{
	struct crypto_eckey *key;
	uint8_t sig[CRYPTO_ES256_SIG_LEN];

	(void)state;
	assert_int_equal(crypto_eckey_generate(rng, &key, NULL, 0), 0);
	memset(sig, 0, sizeof(sig));	/* r = s = 0 */
	assert_int_equal(crypto_es256_verify(key, "x", 1, sig), -1);
	memset(sig, 0xff, sizeof(sig));	/* r, s >= n */
	assert_int_equal(crypto_es256_verify(key, "x", 1, sig), -1);
	crypto_eckey_free(key);
}

/* RFC 6979 appendix A.2.5: P-256, SHA-256, message "sample". */
static void
test_rfc6979_known_answer(void **state)
{
	static const char *d_hex =
	    "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721";
	mbedtls_pk_context pk;
	mbedtls_ecp_keypair *kp;
	struct crypto_eckey *key;
	uint8_t sig[CRYPTO_ES256_SIG_LEN];
	char h[2 * CRYPTO_ES256_SIG_LEN + 1];

	(void)state;
	mbedtls_pk_init(&pk);
	assert_int_equal(mbedtls_pk_setup(&pk,
	    mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)), 0);
	kp = mbedtls_pk_ec(pk);
	assert_int_equal(mbedtls_ecp_group_load(&kp->grp,
	    MBEDTLS_ECP_DP_SECP256R1), 0);
	assert_int_equal(mbedtls_mpi_read_string(&kp->d, 16, d_hex), 0);
	assert_int_equal(mbedtls_ecp_mul(&kp->grp, &kp->Q, &kp->d, &kp->grp.G,
	    crypto_rng_mbedtls, rng), 0);
	assert_int_equal(crypto_eckey_adopt(&pk, true, &key, NULL, 0), 0);

	assert_int_equal(crypto_es256_sign(rng, key, "sample", 6, sig), 0);
	hex(sig, sizeof(sig), h);
	assert_string_equal(h,
	    "EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716"
	    "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8");
	assert_int_equal(crypto_es256_verify(key, "sample", 6, sig), 0);
	crypto_eckey_free(key);
	mbedtls_pk_free(&pk);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_wrong_key_and_public_only),
		cmocka_unit_test(test_degenerate_signatures),
		cmocka_unit_test(test_rfc6979_known_answer),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
