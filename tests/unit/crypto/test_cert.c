/*
 * test_cert.c - crypto/cert.c: strict parsing, fingerprints, dates, PEM,
 * names and key matching.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "crypto/crypto.h"
#include "tests/unit/crypto/pki.h"
#include "tests/unit/support.h"

static struct crypto_rng *rng;
static struct pki_ent root, leaf;
static time_t now;

static int
setup(void **state)
{
	(void)state;
	now = time(NULL);
	if (crypto_rng_new("test_cert", &rng, NULL, 0) != 0)
		return -1;
	pki_root(rng, &root, "CN=Cert Test Root", now - DAY, now + 10 * DAY);
	pki_issue(rng, &root, &leaf, CRYPTO_CERT_SERVER, "server one", NULL, 2,
	    1700000000, 1900000000);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	pki_free(&leaf);
	pki_free(&root);
	crypto_rng_free(rng);
	return 0;
}

/* "<PEM of leaf>\n<PEM of root>" with some text around, malloc'd. */
static char *
bundle(void)
{
	char *a, *b, *out;

	assert_int_equal(crypto_cert_pem(&leaf.crt, &a), 0);
	assert_int_equal(crypto_cert_pem(&root.crt, &b), 0);
	out = malloc(strlen(a) + strlen(b) + 64);
	assert_non_null(out);
	sprintf(out, "# server\n%s\n# issuer\n%s", a, b);
	free(a);
	free(b);
	return out;
}

static void
test_fingerprint(void **state)
{
	uint8_t fp[CRYPTO_SHA256_LEN], want[CRYPTO_SHA256_LEN];

	(void)state;
	crypto_cert_fingerprint(&leaf.crt, fp);
	crypto_sha256(leaf.der, leaf.len, want);
	assert_memory_equal(fp, want, sizeof(fp));
	crypto_cert_fingerprint(&root.crt, want);
	assert_memory_not_equal(fp, want, sizeof(fp));
}

static void
test_dates_and_name(void **state)
{
	char cn[CRYPTO_CN_MAX + 1], tiny[4];

	(void)state;
	assert_int_equal(crypto_cert_not_before(&leaf.crt), 1700000000);
	assert_int_equal(crypto_cert_not_after(&leaf.crt), 1900000000);
	assert_int_equal(crypto_cert_subject_cn(&leaf.crt, cn, sizeof(cn)), 0);
	assert_string_equal(cn, "server one");
	assert_int_equal(crypto_cert_subject_cn(&leaf.crt, tiny, sizeof(tiny)),
	    -1);
	assert_true(crypto_cert_has_key(&leaf.crt, leaf.key));
	assert_false(crypto_cert_has_key(&leaf.crt, root.key));
}

static void
test_pem_bundle(void **state)
{
	mbedtls_x509_crt chain;
	char *text = bundle(), err[CRYPTO_ERR_MAX];
	uint8_t a[CRYPTO_SHA256_LEN], b[CRYPTO_SHA256_LEN];

	(void)state;
	mbedtls_x509_crt_init(&chain);
	assert_int_equal(crypto_cert_count(&chain), 0);
	assert_int_equal(crypto_cert_parse(&chain, text, strlen(text), err,
	    sizeof(err)), 0);
	assert_int_equal(crypto_cert_count(&chain), 2);
	crypto_cert_fingerprint(&chain, a);
	crypto_cert_fingerprint(&leaf.crt, b);
	assert_memory_equal(a, b, sizeof(a));
	crypto_cert_fingerprint(chain.next, a);
	crypto_cert_fingerprint(&root.crt, b);
	assert_memory_equal(a, b, sizeof(a));
	mbedtls_x509_crt_free(&chain);
	free(text);
}

static void
test_bad_block_rejects_bundle(void **state)
{
	mbedtls_x509_crt chain;
	char *text = bundle(), err[CRYPTO_ERR_MAX], *p;

	(void)state;
	/* Damage the base64 of the second certificate only. */
	p = strstr(strstr(text, "# issuer"), "-----BEGIN CERTIFICATE-----\n");
	p[40] = p[40] == 'A' ? 'B' : 'A';
	p[41] = '*';
	mbedtls_x509_crt_init(&chain);
	assert_int_equal(crypto_cert_parse(&chain, text, strlen(text), err,
	    sizeof(err)), -1);
	assert_string_equal(err, "certificate: 1 of 2 PEM blocks do not parse");
	mbedtls_x509_crt_free(&chain);
	free(text);
}

static void
test_rejects(void **state)
{
	mbedtls_x509_crt chain;
	char err[CRYPTO_ERR_MAX];
	uint8_t *der;

	(void)state;
	mbedtls_x509_crt_init(&chain);
	assert_int_equal(crypto_cert_parse(&chain, "hello", 5, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "certificate: text without a "
	    "\"-----BEGIN CERTIFICATE-----\" block");
	assert_int_equal(crypto_cert_parse(&chain, "", 0, err, sizeof(err)),
	    -1);
	assert_string_equal(err, "certificate: size 0 out of range 1..262144");
	/* A DER certificate with a byte after it. */
	der = malloc(leaf.len + 1);
	memcpy(der, leaf.der, leaf.len);
	der[leaf.len] = 0;
	assert_int_equal(crypto_cert_parse(&chain, der, leaf.len + 1, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "certificate: 1 trailing byte(s) after the "
	    "DER certificate");
	mbedtls_x509_crt_free(&chain);
	mbedtls_x509_crt_init(&chain);
	/* A truncated one. */
	assert_int_equal(crypto_cert_parse(&chain, der, leaf.len - 1, err,
	    sizeof(err)), -1);
	assert_int_equal(strncmp(err, "certificate: X509 - ", 20), 0);
	mbedtls_x509_crt_free(&chain);
	free(der);
}

static void
test_load_file(void **state)
{
	const char *dir = test_tmpdir();
	mbedtls_x509_crt chain;
	char path[256], *text = bundle(), err[CRYPTO_ERR_MAX];

	(void)state;
	snprintf(path, sizeof(path), "%s/ca.pem", dir);
	assert_int_equal(test_write_file(path, text), 0);
	mbedtls_x509_crt_init(&chain);
	assert_int_equal(crypto_cert_load(&chain, path, err, sizeof(err)), 0);
	assert_int_equal(crypto_cert_count(&chain), 2);
	mbedtls_x509_crt_free(&chain);
	mbedtls_x509_crt_init(&chain);
	snprintf(path, sizeof(path), "%s/missing.pem", dir);
	assert_int_equal(crypto_cert_load(&chain, path, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "missing.pem: No such file or directory"));
	assert_int_equal(crypto_cert_load(&chain, dir, err, sizeof(err)), -1);
	assert_non_null(strstr(err, ": not a regular file of 1..262144 bytes"));
	mbedtls_x509_crt_free(&chain);
	test_rmtree(dir);
	free(text);
}

static void
test_pem_and_public_key(void **state)
{
	struct crypto_eckey *pub;
	mbedtls_x509_crt again;
	char *pem;

	(void)state;
	assert_int_equal(crypto_cert_pem(&leaf.crt, &pem), 0);
	assert_int_equal(strncmp(pem, "-----BEGIN CERTIFICATE-----\n", 28), 0);
	mbedtls_x509_crt_init(&again);
	assert_int_equal(crypto_cert_parse(&again, pem, strlen(pem), NULL, 0),
	    0);
	assert_int_equal(again.raw.len, leaf.len);
	assert_memory_equal(again.raw.p, leaf.der, leaf.len);
	assert_int_equal(crypto_eckey_from_cert(&again, &pub, NULL, 0), 0);
	assert_true(crypto_eckey_public_equal(pub, leaf.key));
	crypto_eckey_free(pub);
	mbedtls_x509_crt_free(&again);
	free(pem);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fingerprint),
		cmocka_unit_test(test_dates_and_name),
		cmocka_unit_test(test_pem_bundle),
		cmocka_unit_test(test_bad_block_rejects_bundle),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_pem_and_public_key),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
