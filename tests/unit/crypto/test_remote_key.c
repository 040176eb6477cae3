/*
 * Tests crypto/remote_key.c: a key with only the certificate's public
 * half whose signatures a callback makes (the network process's device
 * key), and the signing of a digest on the key holder's side.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <mbedtls/ecp.h>
#include <mbedtls/pk.h>
#include <mbedtls/x509_crt.h>

#include "crypto/crypto.h"
#include "tests/unit/crypto/pki.h"

struct holder {
	struct crypto_rng *rng;
	struct crypto_eckey *key;	/* the real key, "in the parent" */
	int calls;
	bool refuse;
};

static int
sign_cb(void *arg, int md, const uint8_t *hash, size_t hlen, uint8_t *sig,
    size_t *slen)
{
	struct holder *h = arg;

	h->calls++;
	if (h->refuse)
		return -1;
	return crypto_eckey_sign_digest(h->rng, h->key, md, hash, hlen, sig,
	    MBEDTLS_PK_SIGNATURE_MAX_SIZE, slen);
}

struct fx {
	struct crypto_rng *rng;
	struct pki_ent dev;
	char *pem;
};

static int
setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	assert_int_equal(crypto_rng_new("test", &f->rng, NULL, 0), 0);
	pki_root(f->rng, &f->dev, "CN=device-1", time(NULL) - DAY,
	    time(NULL) + DAY);
	assert_int_equal(crypto_cert_pem(&f->dev.crt, &f->pem), 0);
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	free(f->pem);
	pki_free(&f->dev);
	crypto_rng_free(f->rng);
	free(f);
	return 0;
}

/* The remote key signs through the callback; the signature verifies with
 * the certificate's key; no private scalar is in the remote key. */
static void
test_sign_through_callback(void **state)
{
	struct fx *f = *state;
	struct holder h = { f->rng, f->dev.key, 0, false };
	struct crypto_eckey *rk;
	uint8_t hash[32], sig[MBEDTLS_PK_SIGNATURE_MAX_SIZE];
	size_t slen = 0;
	char err[256];

	assert_int_equal(crypto_eckey_remote_new(f->pem, sign_cb, &h, &rk, err,
	    sizeof(err)), 0);
	assert_int_equal(mbedtls_ecp_point_cmp(&mbedtls_pk_ec(
	    *crypto_eckey_pk(rk))->Q, &mbedtls_pk_ec(f->dev.crt.pk)->Q), 0);
	assert_int_equal(mbedtls_mpi_cmp_int(&mbedtls_pk_ec(
	    *crypto_eckey_pk(rk))->d, 0), 0);
	assert_true(crypto_cert_has_key(&f->dev.crt, rk));
	memset(hash, 0x5a, sizeof(hash));
	assert_int_equal(mbedtls_pk_sign(crypto_eckey_pk(rk), MBEDTLS_MD_SHA256,
	    hash, 0, sig, &slen, crypto_rng_mbedtls, f->rng), 0);
	assert_int_equal(h.calls, 1);
	assert_int_equal(mbedtls_pk_verify(&f->dev.crt.pk, MBEDTLS_MD_SHA256,
	    hash, sizeof(hash), sig, slen), 0);
	assert_int_equal(mbedtls_pk_verify(crypto_eckey_pk(rk),
	    MBEDTLS_MD_SHA256, hash, sizeof(hash), sig, slen), 0);
	h.refuse = true;
	assert_int_not_equal(mbedtls_pk_sign(crypto_eckey_pk(rk),
	    MBEDTLS_MD_SHA256, hash, 0, sig, &slen, crypto_rng_mbedtls,
	    f->rng), 0);
	crypto_eckey_free(rk);
}

static void
test_bad_certificate(void **state)
{
	struct fx *f = *state;
	struct crypto_eckey *rk = (void *)1;
	char err[256];

	(void)f;
	assert_int_equal(crypto_eckey_remote_new("-----BEGIN CERTIFICATE-----"
	    "\nAAAA\n-----END CERTIFICATE-----\n", sign_cb, NULL, &rk, err,
	    sizeof(err)), -1);
	assert_null(rk);
	assert_non_null(strstr(err, "certificate"));
}

/* The holder signs SHA-256 and SHA-384 digests of the right length only,
 * and nothing with a public key. */
static void
test_sign_digest(void **state)
{
	struct fx *f = *state;
	struct crypto_eckey *pub;
	uint8_t hash[48], sig[MBEDTLS_PK_SIGNATURE_MAX_SIZE];
	size_t n;

	memset(hash, 1, sizeof(hash));
	assert_int_equal(crypto_eckey_sign_digest(f->rng, f->dev.key,
	    MBEDTLS_MD_SHA256, hash, 32, sig, sizeof(sig), &n), 0);
	assert_int_equal(mbedtls_pk_verify(&f->dev.crt.pk, MBEDTLS_MD_SHA256,
	    hash, 32, sig, n), 0);
	assert_int_equal(crypto_eckey_sign_digest(f->rng, f->dev.key,
	    MBEDTLS_MD_SHA384, hash, 48, sig, sizeof(sig), &n), 0);
	assert_int_equal(crypto_eckey_sign_digest(f->rng, f->dev.key,
	    MBEDTLS_MD_SHA256, hash, 48, sig, sizeof(sig), &n), -1);
	assert_int_equal(crypto_eckey_sign_digest(f->rng, f->dev.key,
	    MBEDTLS_MD_MD5, hash, 16, sig, sizeof(sig), &n), -1);
	assert_int_equal(crypto_eckey_sign_digest(f->rng, f->dev.key,
	    MBEDTLS_MD_SHA256, hash, 32, sig, 8, &n), -1);
	assert_int_equal(crypto_eckey_from_cert(&f->dev.crt, &pub, NULL, 0),
	    0);
	assert_int_equal(crypto_eckey_sign_digest(f->rng, pub,
	    MBEDTLS_MD_SHA256, hash, 32, sig, sizeof(sig), &n), -1);
	crypto_eckey_free(pub);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_sign_through_callback,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_certificate, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sign_digest, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
