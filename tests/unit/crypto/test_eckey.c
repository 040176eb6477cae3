/*
 * test_eckey.c - crypto/eckey.c: generation, public export and import,
 * import of a private key (PEM and DER).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <mbedtls/ecp.h>
#include <mbedtls/pk.h>

#include "crypto/crypto.h"

static struct crypto_rng *rng;

static int
setup(void **state)
{
	(void)state;
	return crypto_rng_new("test_eckey", &rng, NULL, 0);
}

static int
teardown(void **state)
{
	(void)state;
	crypto_rng_free(rng);
	return 0;
}

static void
test_generate_and_export(void **state)
{
	struct crypto_eckey *key, *pub, *pub2;
	char err[CRYPTO_ERR_MAX], *pem;
	uint8_t *der;
	size_t len;

	(void)state;
	assert_int_equal(crypto_eckey_generate(rng, &key, err, sizeof(err)), 0);
	assert_true(crypto_eckey_has_private(key));
	assert_int_equal(crypto_eckey_public_der(key, &der, &len), 0);
	/* SEQUENCE(89) { id-ecPublicKey, prime256v1 }, uncompressed point */
	assert_int_equal(len, 91);
	assert_int_equal(der[0], 0x30);
	assert_int_equal(der[1], 0x59);
	assert_int_equal(der[26], 0x04);
	assert_int_equal(crypto_eckey_public_pem(key, &pem), 0);
	assert_int_equal(strncmp(pem, "-----BEGIN PUBLIC KEY-----\n", 27), 0);
	assert_non_null(strstr(pem, "-----END PUBLIC KEY-----\n"));

	assert_int_equal(crypto_eckey_parse_public(der, len, &pub, err,
	    sizeof(err)), 0);
	assert_false(crypto_eckey_has_private(pub));
	assert_true(crypto_eckey_public_equal(key, pub));
	/* PEM with or without its NUL, as a file read or a C string. */
	assert_int_equal(crypto_eckey_parse_public(pem, strlen(pem), &pub2, err,
	    sizeof(err)), 0);
	assert_true(crypto_eckey_public_equal(key, pub2));
	crypto_eckey_free(pub2);
	assert_int_equal(crypto_eckey_parse_public(pem, strlen(pem) + 1, &pub2,
	    err, sizeof(err)), 0);
	assert_true(crypto_eckey_public_equal(pub, pub2));
	assert_non_null(crypto_eckey_pk(key));

	crypto_eckey_free(pub2);
	crypto_eckey_free(pub);
	crypto_eckey_free(key);
	crypto_eckey_free(NULL);
	free(der);
	free(pem);
}

static void
test_two_keys_differ(void **state)
{
	struct crypto_eckey *a, *b;

	(void)state;
	assert_int_equal(crypto_eckey_generate(rng, &a, NULL, 0), 0);
	assert_int_equal(crypto_eckey_generate(rng, &b, NULL, 0), 0);
	assert_false(crypto_eckey_public_equal(a, b));
	assert_false(crypto_eckey_public_equal(a, NULL));
	crypto_eckey_free(a);
	crypto_eckey_free(b);
}

static void
test_parse_rejects(void **state)
{
	struct crypto_eckey *key = (struct crypto_eckey *)&key;
	char err[CRYPTO_ERR_MAX];
	uint8_t *der, big[9000];
	size_t len;

	(void)state;
	assert_int_equal(crypto_eckey_parse_public("garbage", 7, &key, err,
	    sizeof(err)), -1);
	assert_null(key);
	assert_int_equal(strncmp(err, "key: ", 5), 0);
	memset(big, 'A', sizeof(big));
	assert_int_equal(crypto_eckey_parse_public(big, sizeof(big), &key, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "key: size 9000 out of range 1..8192");

	/* A P-384 key is well-formed but not ours. */
	{
		mbedtls_pk_context pk;
		unsigned char buf[256];
		int n;

		mbedtls_pk_init(&pk);
		assert_int_equal(mbedtls_pk_setup(&pk,
		    mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)), 0);
		assert_int_equal(mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP384R1,
		    mbedtls_pk_ec(pk), crypto_rng_mbedtls, rng), 0);
		n = mbedtls_pk_write_pubkey_der(&pk, buf, sizeof(buf));
		assert_true(n > 0);
		assert_int_equal(crypto_eckey_parse_public(
		    buf + sizeof(buf) - n, (size_t)n, &key, err,
		    sizeof(err)), -1);
		assert_string_equal(err, "key: curve is not P-256");
		mbedtls_pk_free(&pk);
	}

	/* A truncated SubjectPublicKeyInfo. */
	assert_int_equal(crypto_eckey_generate(rng, &key, NULL, 0), 0);
	assert_int_equal(crypto_eckey_public_der(key, &der, &len), 0);
	crypto_eckey_free(key);
	assert_int_equal(crypto_eckey_parse_public(der, len - 1, &key, err,
	    sizeof(err)), -1);
	/* ...and one whose point is not on the curve. */
	der[len - 1] ^= 1;
	assert_int_equal(crypto_eckey_parse_public(der, len, &key, err,
	    sizeof(err)), -1);
	free(der);
}

static void
test_parse_private(void **state)
{
	struct crypto_eckey *key, *pub;
	char err[CRYPTO_ERR_MAX], pem[1024];
	unsigned char der[512];
	mbedtls_pk_context pk;
	uint8_t sig[CRYPTO_ES256_SIG_LEN];
	int n;

	(void)state;
	mbedtls_pk_init(&pk);
	assert_int_equal(mbedtls_pk_setup(&pk,
	    mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)), 0);
	assert_int_equal(mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1,
	    mbedtls_pk_ec(pk), crypto_rng_mbedtls, rng), 0);
	assert_int_equal(mbedtls_pk_write_key_pem(&pk, (unsigned char *)pem,
	    sizeof(pem)), 0);
	n = mbedtls_pk_write_key_der(&pk, der, sizeof(der));
	assert_true(n > 0);
	/* PEM: it signs, and its public half verifies. */
	assert_int_equal(crypto_eckey_parse_private(pem, strlen(pem), &key,
	    err, sizeof(err)), 0);
	assert_true(crypto_eckey_has_private(key));
	assert_int_equal(crypto_es256_sign(rng, key, "m", 1, sig), 0);
	/* DER: the same key. */
	assert_int_equal(crypto_eckey_parse_private(der + sizeof(der) - n,
	    (size_t)n, &pub, err, sizeof(err)), 0);
	assert_true(crypto_eckey_public_equal(key, pub));
	assert_int_equal(crypto_es256_verify(pub, "m", 1, sig), 0);
	crypto_eckey_free(pub);
	/* A public key is not a private one. */
	{
		char *ppem;

		assert_int_equal(crypto_eckey_public_pem(key, &ppem), 0);
		assert_int_equal(crypto_eckey_parse_private(ppem, strlen(ppem),
		    &pub, err, sizeof(err)), -1);
		assert_null(pub);
		free(ppem);
	}
	crypto_eckey_free(key);
	assert_int_equal(crypto_eckey_parse_private("garbage", 7, &key, err,
	    sizeof(err)), -1);
	assert_null(key);
	mbedtls_pk_free(&pk);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_generate_and_export),
		cmocka_unit_test(test_two_keys_differ),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_parse_private),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
