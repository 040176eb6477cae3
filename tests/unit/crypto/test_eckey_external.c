/*
 * test_eckey_external.c - crypto/eckey_external.c: a key whose signatures
 * a callback makes works for mbedtls_pk_sign(), CSRs and ES256, and its
 * private half cannot be saved.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <mbedtls/ecdsa.h>
#include <mbedtls/sha512.h>

#include "crypto/crypto.h"
#include "tests/unit/support.h"

static struct crypto_rng *rng;

/* The "elsewhere": a software key the callback signs with. */
struct signer {
	struct crypto_eckey *key;
	int calls;
	size_t last_len;
	bool fail;
	bool *freed;
};

static int
soft_sign(void *arg, const uint8_t *digest, size_t len, uint8_t sig[64],
    char *err, size_t errlen)
{
	struct signer *s = arg;
	mbedtls_ecp_keypair *kp = mbedtls_pk_ec(*crypto_eckey_pk(s->key));
	mbedtls_mpi r, sv;
	int ret;

	s->calls++;
	s->last_len = len;
	if (s->fail) {
		if (err != NULL)
			snprintf(err, errlen, "signer: refused");
		return -1;
	}
	mbedtls_mpi_init(&r);
	mbedtls_mpi_init(&sv);
	ret = mbedtls_ecdsa_sign(&kp->grp, &r, &sv, &kp->d, digest, len,
	    crypto_rng_mbedtls, rng);
	if (ret == 0)
		ret = mbedtls_mpi_write_binary(&r, sig, 32);
	if (ret == 0)
		ret = mbedtls_mpi_write_binary(&sv, sig + 32, 32);
	mbedtls_mpi_free(&r);
	mbedtls_mpi_free(&sv);
	return ret == 0 ? 0 : -1;
}

static void
signer_free(void *arg)
{
	struct signer *s = arg;

	*s->freed = true;
	crypto_eckey_free(s->key);
	free(s);
}

/* A software key and an external key over its public half. */
static void
make(struct crypto_eckey **soft, struct crypto_eckey **ext,
    struct signer **sp, bool *freed)
{
	struct crypto_eckey *pub;
	struct signer *s;
	char *pem;

	assert_int_equal(crypto_eckey_generate(rng, soft, NULL, 0), 0);
	assert_int_equal(crypto_eckey_public_pem(*soft, &pem), 0);
	assert_int_equal(crypto_eckey_parse_public(pem, strlen(pem), &pub,
	    NULL, 0), 0);
	free(pem);
	s = calloc(1, sizeof(*s));
	assert_non_null(s);
	*freed = false;
	s->freed = freed;
	*sp = s;
	assert_int_equal(crypto_eckey_external_new(pub, soft_sign, s,
	    signer_free, ext, NULL, 0), 0);
	crypto_eckey_free(pub);
}

static int
setup(void **state)
{
	(void)state;
	return crypto_rng_new("test_eckey_external", &rng, NULL, 0);
}

static int
teardown(void **state)
{
	(void)state;
	crypto_rng_free(rng);
	return 0;
}

static void
test_pk_sign(void **state)
{
	struct crypto_eckey *soft, *ext;
	struct signer *s;
	uint8_t hash[64], sig[MBEDTLS_PK_SIGNATURE_MAX_SIZE];
	size_t siglen;
	bool freed;

	(void)state;
	make(&soft, &ext, &s, &freed);
	s->key = soft;
	assert_true(crypto_eckey_is_external(ext));
	assert_false(crypto_eckey_is_external(soft));
	assert_true(crypto_eckey_has_private(ext));
	assert_true(crypto_eckey_public_equal(ext, soft));
	assert_true(mbedtls_pk_can_do(crypto_eckey_pk(ext), MBEDTLS_PK_ECDSA));
	assert_int_equal(mbedtls_pk_get_type(crypto_eckey_pk(ext)),
	    MBEDTLS_PK_ECKEY);
	assert_int_equal(mbedtls_pk_get_bitlen(crypto_eckey_pk(ext)), 256);

	/* SHA-256, then SHA-384 as a TLS peer may ask: DER that verifies. */
	crypto_sha256("abc", 3, hash);
	assert_int_equal(mbedtls_pk_sign(crypto_eckey_pk(ext),
	    MBEDTLS_MD_SHA256, hash, 0, sig, &siglen, crypto_rng_mbedtls, rng),
	    0);
	assert_int_equal(s->last_len, 32);
	assert_int_equal(sig[0], 0x30);
	assert_int_equal(mbedtls_pk_verify(crypto_eckey_pk(soft),
	    MBEDTLS_MD_SHA256, hash, 32, sig, siglen), 0);
	assert_int_equal(mbedtls_pk_verify(crypto_eckey_pk(ext),
	    MBEDTLS_MD_SHA256, hash, 32, sig, siglen), 0);
	assert_int_equal(mbedtls_sha512_ret((const unsigned char *)"abc", 3,
	    hash, 1), 0);
	assert_int_equal(mbedtls_pk_sign(crypto_eckey_pk(ext),
	    MBEDTLS_MD_SHA384, hash, 0, sig, &siglen, crypto_rng_mbedtls, rng),
	    0);
	assert_int_equal(s->last_len, 48);
	assert_int_equal(mbedtls_pk_verify(crypto_eckey_pk(soft),
	    MBEDTLS_MD_SHA384, hash, 48, sig, siglen), 0);

	/* A refusing signer fails the signature. */
	s->fail = true;
	assert_int_not_equal(mbedtls_pk_sign(crypto_eckey_pk(ext),
	    MBEDTLS_MD_SHA256, hash, 0, sig, &siglen, crypto_rng_mbedtls, rng),
	    0);
	s->key = NULL;
	crypto_eckey_free(ext);
	assert_true(freed);
	crypto_eckey_free(soft);
}

static void
test_es256_csr_and_no_save(void **state)
{
	struct crypto_eckey *soft, *ext, *pub;
	struct signer *s;
	uint8_t sig[CRYPTO_ES256_SIG_LEN];
	char err[CRYPTO_ERR_MAX], cn[CRYPTO_CN_MAX + 1], *csr;
	char path[300];
	const char *dir = test_tmpdir();
	uint8_t sk[CRYPTO_SEAL_KEY_LEN] = { 1 };
	bool freed;

	(void)state;
	make(&soft, &ext, &s, &freed);
	s->key = soft;
	assert_int_equal(crypto_es256_sign(rng, ext, "msg", 3, sig), 0);
	assert_int_equal(s->calls, 1);
	assert_int_equal(crypto_es256_verify(soft, "msg", 3, sig), 0);
	assert_int_equal(crypto_es256_verify(soft, "msh", 3, sig), -1);

	assert_int_equal(crypto_csr_pem(rng, ext, "dev-1", &csr, err,
	    sizeof(err)), 0);
	assert_int_equal(crypto_csr_check(csr, strlen(csr), cn, &pub, err,
	    sizeof(err)), 0);
	assert_string_equal(cn, "dev-1");
	assert_true(crypto_eckey_public_equal(pub, soft));
	crypto_eckey_free(pub);
	free(csr);

	snprintf(path, sizeof(path), "%s/k", dir);
	assert_int_equal(crypto_devkey_save_sealed(rng, path, ext, sk, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "held elsewhere"));

	s->fail = true;
	assert_int_equal(crypto_es256_sign(rng, ext, "msg", 3, sig), -1);
	s->key = NULL;
	crypto_eckey_free(ext);
	crypto_eckey_free(soft);
	test_rmtree(dir);
}

static void
test_bad_arguments_free_arg(void **state)
{
	struct crypto_eckey *out = (struct crypto_eckey *)&out;
	struct signer *s = calloc(1, sizeof(*s));
	bool freed = false;

	(void)state;
	assert_non_null(s);
	s->freed = &freed;
	assert_int_equal(crypto_eckey_external_new(NULL, soft_sign, s,
	    signer_free, &out, NULL, 0), -1);
	assert_null(out);
	assert_true(freed);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pk_sign),
		cmocka_unit_test(test_es256_csr_and_no_save),
		cmocka_unit_test(test_bad_arguments_free_arg),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
