/*
 * test_csr.c - crypto/csr.c: requests the device writes, read back by
 * mbedTLS's own parser, and the checks applied to requests from outside.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <mbedtls/x509_csr.h>

#include "crypto/crypto.h"

static struct crypto_rng *rng;
static struct crypto_eckey *key;

static int
setup(void **state)
{
	(void)state;
	if (crypto_rng_new("test_csr", &rng, NULL, 0) != 0)
		return -1;
	return crypto_eckey_generate(rng, &key, NULL, 0);
}

static int
teardown(void **state)
{
	(void)state;
	crypto_eckey_free(key);
	crypto_rng_free(rng);
	return 0;
}

/* Independent check with mbedTLS alone: subject, key, self-signature. */
static void
check_with_mbedtls(const unsigned char *buf, size_t len, const char *want_dn)
{
	mbedtls_x509_csr csr;
	char dn[128];
	uint8_t hash[CRYPTO_SHA256_LEN], *der1, *der2;
	unsigned char tmp[200];
	size_t l1;
	int n;

	mbedtls_x509_csr_init(&csr);
	assert_int_equal(mbedtls_x509_csr_parse(&csr, buf, len), 0);
	assert_true(mbedtls_x509_dn_gets(dn, sizeof(dn), &csr.subject) > 0);
	assert_string_equal(dn, want_dn);
	assert_int_equal(csr.sig_md, MBEDTLS_MD_SHA256);
	crypto_sha256(csr.cri.p, csr.cri.len, hash);
	assert_int_equal(mbedtls_pk_verify(&csr.pk, MBEDTLS_MD_SHA256, hash,
	    sizeof(hash), csr.sig.p, csr.sig.len), 0);
	/* The requested key is the device key. */
	assert_int_equal(crypto_eckey_public_der(key, &der1, &l1), 0);
	n = mbedtls_pk_write_pubkey_der(&csr.pk, tmp, sizeof(tmp));
	assert_int_equal((size_t)n, l1);
	der2 = tmp + sizeof(tmp) - n;
	assert_memory_equal(der1, der2, l1);
	free(der1);
	mbedtls_x509_csr_free(&csr);
}

static void
test_der_parses_back(void **state)
{
	uint8_t *der;
	size_t len;
	char err[CRYPTO_ERR_MAX];

	(void)state;
	assert_int_equal(crypto_csr_der(rng, key, "SN-0042:A.b_c@x", &der, &len,
	    err, sizeof(err)), 0);
	check_with_mbedtls(der, len, "CN=SN-0042:A.b_c@x");
	free(der);
}

static void
test_pem_parses_back(void **state)
{
	char *pem, err[CRYPTO_ERR_MAX];

	(void)state;
	assert_int_equal(crypto_csr_pem(rng, key, "device 7", &pem, err,
	    sizeof(err)), 0);
	assert_int_equal(strncmp(pem,
	    "-----BEGIN CERTIFICATE REQUEST-----\n", 36), 0);
	check_with_mbedtls((unsigned char *)pem, strlen(pem) + 1,
	    "CN=device 7");
	free(pem);
}

static void
test_check_accepts_own(void **state)
{
	struct crypto_eckey *pub;
	char cn[CRYPTO_CN_MAX + 1], *pem, err[CRYPTO_ERR_MAX];
	uint8_t *der;
	size_t len;

	(void)state;
	assert_int_equal(crypto_csr_der(rng, key, "SN-1", &der, &len, NULL, 0),
	    0);
	assert_int_equal(crypto_csr_check(der, len, cn, &pub, err, sizeof(err)),
	    0);
	assert_string_equal(cn, "SN-1");
	assert_true(crypto_eckey_public_equal(pub, key));
	assert_false(crypto_eckey_has_private(pub));
	crypto_eckey_free(pub);
	free(der);

	assert_int_equal(crypto_csr_pem(rng, key, "SN-2", &pem, NULL, 0), 0);
	assert_int_equal(crypto_csr_check(pem, strlen(pem), cn, NULL, err,
	    sizeof(err)), 0);
	assert_string_equal(cn, "SN-2");
	free(pem);
}

static void
test_check_rejects_tampering(void **state)
{
	char cn[CRYPTO_CN_MAX + 1], err[CRYPTO_ERR_MAX];
	uint8_t *der, *p;
	size_t len;

	(void)state;
	assert_int_equal(crypto_csr_der(rng, key, "SN-12345", &der, &len, NULL,
	    0), 0);
	/* Change the CN in place: still parses, signature no longer fits. */
	p = memmem(der, len, "SN-12345", 8);
	assert_non_null(p);
	p[7] = '6';
	assert_int_equal(crypto_csr_check(der, len, cn, NULL, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "csr.signature: verification failed");
	assert_string_equal(cn, "");
	p[7] = '5';
	assert_int_equal(crypto_csr_check(der, len, cn, NULL, err, sizeof(err)),
	    0);
	/* Truncated, trailing garbage, empty, oversized. */
	assert_int_equal(crypto_csr_check(der, len - 1, cn, NULL, err,
	    sizeof(err)), -1);
	assert_int_equal(strncmp(err, "csr: ", 5), 0);
	assert_int_equal(crypto_csr_check(der, 0, cn, NULL, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "csr: size 0 out of range 1..16384");
	assert_int_equal(crypto_csr_check(der, CRYPTO_CSR_MAX + 1, cn, NULL,
	    err, sizeof(err)), -1);
	free(der);
}

static void
test_check_rejects_subjects(void **state)
{
	mbedtls_x509write_csr w;
	unsigned char buf[1024];
	char cn[CRYPTO_CN_MAX + 1], err[CRYPTO_ERR_MAX];
	int n;

	(void)state;
	/* A well-signed request whose subject has more than a CN. */
	mbedtls_x509write_csr_init(&w);
	mbedtls_x509write_csr_set_md_alg(&w, MBEDTLS_MD_SHA256);
	mbedtls_x509write_csr_set_key(&w, crypto_eckey_pk(key));
	assert_int_equal(mbedtls_x509write_csr_set_subject_name(&w,
	    "CN=SN-1,O=Evil"), 0);
	n = mbedtls_x509write_csr_der(&w, buf, sizeof(buf), crypto_rng_mbedtls,
	    rng);
	assert_true(n > 0);
	assert_int_equal(crypto_csr_check(buf + sizeof(buf) - n, (size_t)n, cn,
	    NULL, err, sizeof(err)), -1);
	assert_string_equal(err,
	    "csr.subject: must be exactly one CN attribute");

	/* A CN with characters a device id never has. */
	assert_int_equal(mbedtls_x509write_csr_set_subject_name(&w,
	    "CN=a/b"), 0);
	n = mbedtls_x509write_csr_der(&w, buf, sizeof(buf), crypto_rng_mbedtls,
	    rng);
	assert_true(n > 0);
	assert_int_equal(crypto_csr_check(buf + sizeof(buf) - n, (size_t)n, cn,
	    NULL, err, sizeof(err)), -1);
	assert_string_equal(err, "csr.subject.CN: must be of "
	    "[A-Za-z0-9-._:@ ], no leading or trailing space");
	mbedtls_x509write_csr_free(&w);
}

static void
test_cn_rules(void **state)
{
	char long_cn[CRYPTO_CN_MAX + 2], err[CRYPTO_ERR_MAX];
	uint8_t *der = NULL;
	size_t len;

	(void)state;
	assert_true(crypto_cn_valid("A"));
	assert_true(crypto_cn_valid("Zebra TC52 17093521500023"));
	assert_false(crypto_cn_valid(""));
	assert_false(crypto_cn_valid(" lead"));
	assert_false(crypto_cn_valid("trail "));
	assert_false(crypto_cn_valid("a,b"));
	assert_false(crypto_cn_valid("a=b"));
	assert_false(crypto_cn_valid("a\\b"));
	assert_false(crypto_cn_valid("caf\xc3\xa9"));
	memset(long_cn, 'x', CRYPTO_CN_MAX);
	long_cn[CRYPTO_CN_MAX] = '\0';
	assert_true(crypto_cn_valid(long_cn));
	long_cn[CRYPTO_CN_MAX] = 'x';
	long_cn[CRYPTO_CN_MAX + 1] = '\0';
	assert_false(crypto_cn_valid(long_cn));
	assert_int_equal(crypto_csr_der(rng, key, "x,CN=admin", &der, &len, err,
	    sizeof(err)), -1);
	assert_null(der);
	assert_string_equal(err, "csr.subject.CN: must be 1..64 of "
	    "[A-Za-z0-9-._:@ ], no leading or trailing space");
}

static void
test_public_key_cannot_request(void **state)
{
	struct crypto_eckey *pub;
	char *pem, err[CRYPTO_ERR_MAX];
	uint8_t *der = NULL;
	size_t len;

	(void)state;
	assert_int_equal(crypto_eckey_public_pem(key, &pem), 0);
	assert_int_equal(crypto_eckey_parse_public(pem, strlen(pem), &pub, NULL,
	    0), 0);
	assert_int_equal(crypto_csr_der(rng, pub, "SN-1", &der, &len, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "csr: key cannot sign");
	crypto_eckey_free(pub);
	free(pem);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_der_parses_back),
		cmocka_unit_test(test_pem_parses_back),
		cmocka_unit_test(test_check_accepts_own),
		cmocka_unit_test(test_check_rejects_tampering),
		cmocka_unit_test(test_check_rejects_subjects),
		cmocka_unit_test(test_cn_rules),
		cmocka_unit_test(test_public_key_cannot_request),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
