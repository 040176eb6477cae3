/*
 * test_p256_table.c - crypto/p256_table.c: EC keys that sign and verify
 * with the process's one table of the P-256 base point.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <pthread.h>
#include <cmocka.h>

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>
#include <mbedtls/pk_internal.h>

#include "crypto/crypto.h"

static mbedtls_entropy_context entropy;
static mbedtls_ctr_drbg_context drbg;

static int
setup(void **state)
{
	(void)state;
	mbedtls_entropy_init(&entropy);
	mbedtls_ctr_drbg_init(&drbg);
	return mbedtls_ctr_drbg_seed(&drbg, mbedtls_entropy_func, &entropy,
	    NULL, 0);
}

static int
teardown(void **state)
{
	(void)state;
	mbedtls_ctr_drbg_free(&drbg);
	mbedtls_entropy_free(&entropy);
	return 0;
}

/* A fresh key of mbedTLS's own kind on curve id. */
static void
gen_key(mbedtls_pk_context *pk, mbedtls_ecp_group_id id)
{
	mbedtls_pk_init(pk);
	assert_int_equal(mbedtls_pk_setup(pk,
	    mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)), 0);
	assert_int_equal(mbedtls_ecp_gen_key(id, mbedtls_pk_ec(*pk),
	    mbedtls_ctr_drbg_random, &drbg), 0);
}

/* The same key as an ordinary mbedTLS EC key (its own copy). */
static void
plain_copy(mbedtls_pk_context *dst, const mbedtls_pk_context *src)
{
	mbedtls_pk_init(dst);
	assert_int_equal(mbedtls_pk_setup(dst,
	    mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)), 0);
	assert_int_equal(mbedtls_ecp_copy(&mbedtls_pk_ec(*dst)->Q,
	    &mbedtls_pk_ec(*src)->Q), 0);
	assert_int_equal(mbedtls_mpi_copy(&mbedtls_pk_ec(*dst)->d,
	    &mbedtls_pk_ec(*src)->d), 0);
	assert_int_equal(mbedtls_ecp_group_load(&mbedtls_pk_ec(*dst)->grp,
	    mbedtls_pk_ec(*src)->grp.id), 0);
}

/* Signatures are mbedTLS's own bytes (deterministic ECDSA) and each
 * side verifies the other's; the key stays an EC key to everything
 * else. */
static void
test_same_signatures(void **state)
{
	mbedtls_pk_context pk, plain;
	uint8_t hash[32], a[MBEDTLS_ECDSA_MAX_LEN], b[MBEDTLS_ECDSA_MAX_LEN];
	size_t alen, blen;
	int i;

	(void)state;
	gen_key(&pk, MBEDTLS_ECP_DP_SECP256R1);
	plain_copy(&plain, &pk);
	assert_int_equal(crypto_pk_share_table(&pk), 0);
	assert_ptr_not_equal(pk.pk_info, &mbedtls_eckey_info);
	assert_int_equal(mbedtls_pk_get_type(&pk), MBEDTLS_PK_ECKEY);
	assert_true(mbedtls_pk_can_do(&pk, MBEDTLS_PK_ECDSA));
	assert_int_equal(mbedtls_pk_get_bitlen(&pk), 256);
	/* Twice is a no-op. */
	assert_int_equal(crypto_pk_share_table(&pk), 0);
	for (i = 0; i < 5; i++) {
		memset(hash, 0x11 * (i + 1), sizeof(hash));
		assert_int_equal(mbedtls_pk_sign(&pk, MBEDTLS_MD_SHA256, hash,
		    sizeof(hash), a, &alen, mbedtls_ctr_drbg_random, &drbg),
		    0);
		assert_int_equal(mbedtls_pk_sign(&plain, MBEDTLS_MD_SHA256,
		    hash, sizeof(hash), b, &blen, mbedtls_ctr_drbg_random,
		    &drbg), 0);
		assert_int_equal(alen, blen);
		assert_memory_equal(a, b, alen);
		assert_int_equal(mbedtls_pk_verify(&plain, MBEDTLS_MD_SHA256,
		    hash, sizeof(hash), a, alen), 0);
		assert_int_equal(mbedtls_pk_verify(&pk, MBEDTLS_MD_SHA256,
		    hash, sizeof(hash), b, blen), 0);
	}
	mbedtls_pk_free(&pk);
	mbedtls_pk_free(&plain);
}

/* A wrong hash, a flipped bit, a trailing byte, a truncated or empty
 * signature, or another key's: refused, as mbedTLS refuses them. */
static void
test_bad_signatures(void **state)
{
	mbedtls_pk_context pk, other;
	uint8_t hash[32], sig[MBEDTLS_ECDSA_MAX_LEN + 1];
	size_t len;

	(void)state;
	gen_key(&pk, MBEDTLS_ECP_DP_SECP256R1);
	gen_key(&other, MBEDTLS_ECP_DP_SECP256R1);
	assert_int_equal(crypto_pk_share_table(&pk), 0);
	assert_int_equal(crypto_pk_share_table(&other), 0);
	memset(hash, 0x5a, sizeof(hash));
	assert_int_equal(mbedtls_pk_sign(&pk, MBEDTLS_MD_SHA256, hash,
	    sizeof(hash), sig, &len, mbedtls_ctr_drbg_random, &drbg), 0);
	assert_int_equal(mbedtls_pk_verify(&pk, MBEDTLS_MD_SHA256, hash,
	    sizeof(hash), sig, len), 0);
	assert_int_not_equal(mbedtls_pk_verify(&other, MBEDTLS_MD_SHA256,
	    hash, sizeof(hash), sig, len), 0);
	hash[0] ^= 1;
	assert_int_not_equal(mbedtls_pk_verify(&pk, MBEDTLS_MD_SHA256, hash,
	    sizeof(hash), sig, len), 0);
	hash[0] ^= 1;
	sig[len - 1] ^= 1;
	assert_int_not_equal(mbedtls_pk_verify(&pk, MBEDTLS_MD_SHA256, hash,
	    sizeof(hash), sig, len), 0);
	sig[len - 1] ^= 1;
	sig[len] = 0;
	assert_int_equal(mbedtls_pk_verify(&pk, MBEDTLS_MD_SHA256, hash,
	    sizeof(hash), sig, len + 1), MBEDTLS_ERR_PK_SIG_LEN_MISMATCH);
	assert_int_not_equal(mbedtls_pk_verify(&pk, MBEDTLS_MD_SHA256, hash,
	    sizeof(hash), sig, len - 1), 0);
	assert_int_not_equal(mbedtls_pk_verify(&pk, MBEDTLS_MD_SHA256, hash,
	    sizeof(hash), sig, 0), 0);
	mbedtls_pk_free(&pk);
	mbedtls_pk_free(&other);
}

/* Other curves keep mbedTLS's functions. */
static void
test_other_curve_unchanged(void **state)
{
	mbedtls_pk_context pk;

	(void)state;
	gen_key(&pk, MBEDTLS_ECP_DP_SECP384R1);
	assert_int_equal(crypto_pk_share_table(&pk), -1);
	assert_ptr_equal(pk.pk_info, &mbedtls_eckey_info);
	mbedtls_pk_free(&pk);
}

/* Keys crypto/ generates and parses use the table already. */
static void
test_crypto_keys_share(void **state)
{
	struct crypto_rng *rng = NULL;
	struct crypto_eckey *key = NULL, *pub = NULL;
	uint8_t *der = NULL;
	size_t len;
	char err[CRYPTO_ERR_MAX];

	(void)state;
	assert_int_equal(crypto_rng_new("test_p256_table", &rng, err,
	    sizeof(err)), 0);
	assert_int_equal(crypto_eckey_generate(rng, &key, err, sizeof(err)),
	    0);
	assert_ptr_not_equal(crypto_eckey_pk(key)->pk_info,
	    &mbedtls_eckey_info);
	assert_int_equal(crypto_eckey_public_der(key, &der, &len), 0);
	assert_int_equal(crypto_eckey_parse_public(der, len, &pub, err,
	    sizeof(err)), 0);
	assert_ptr_equal(crypto_eckey_pk(pub)->pk_info,
	    crypto_eckey_pk(key)->pk_info);
	free(der);
	crypto_eckey_free(pub);
	crypto_eckey_free(key);
	crypto_rng_free(rng);
}

struct worker {
	mbedtls_pk_context *pk;
	int failures;
};

static void *
work(void *arg)
{
	struct worker *w = arg;
	uint8_t hash[32], sig[MBEDTLS_ECDSA_MAX_LEN];
	size_t len;
	int i;

	for (i = 0; i < 20; i++) {
		memset(hash, i, sizeof(hash));
		/* The blinding RNG: NULL (mbedTLS's internal one per call),
		 * the shared DRBG is not thread-safe. */
		if (mbedtls_pk_sign(w->pk, MBEDTLS_MD_SHA256, hash,
		    sizeof(hash), sig, &len, NULL, NULL) != 0 ||
		    mbedtls_pk_verify(w->pk, MBEDTLS_MD_SHA256, hash,
		    sizeof(hash), sig, len) != 0)
			w->failures++;
	}
	return NULL;
}

/* Threads share the one table: first use included. */
static void
test_threads(void **state)
{
	mbedtls_pk_context pk[4];
	struct worker w[4];
	pthread_t t[4];
	int i;

	(void)state;
	for (i = 0; i < 4; i++) {
		gen_key(&pk[i], MBEDTLS_ECP_DP_SECP256R1);
		assert_int_equal(crypto_pk_share_table(&pk[i]), 0);
		w[i].pk = &pk[i];
		w[i].failures = 0;
	}
	for (i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, work, &w[i]), 0);
	for (i = 0; i < 4; i++) {
		assert_int_equal(pthread_join(t[i], NULL), 0);
		assert_int_equal(w[i].failures, 0);
		mbedtls_pk_free(&pk[i]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_threads),
		cmocka_unit_test(test_same_signatures),
		cmocka_unit_test(test_bad_signatures),
		cmocka_unit_test(test_other_curve_unchanged),
		cmocka_unit_test(test_crypto_keys_share),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
