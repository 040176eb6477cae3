/*
 * test_x509_issue.c - crypto/x509_issue.c: what the minted certificates
 * contain, read back with mbedTLS's parser and verifier.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <mbedtls/oid.h>

#include "crypto/crypto.h"
#include "tests/unit/crypto/pki.h"

static struct crypto_rng *rng;
static struct pki_ent root;
static time_t now;

static int
setup(void **state)
{
	(void)state;
	now = time(NULL);
	if (crypto_rng_new("test_x509_issue", &rng, NULL, 0) != 0)
		return -1;
	pki_root(rng, &root, "CN=Warden Test Root,O=Example Corp,C=DE",
	    now - DAY, now + 365 * DAY);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	pki_free(&root);
	crypto_rng_free(rng);
	return 0;
}

static void
test_root(void **state)
{
	char dn[128];

	(void)state;
	assert_int_equal(root.crt.version, 3);
	assert_true(root.crt.ca_istrue);
	assert_int_equal(root.crt.max_pathlen, 0);	/* unlimited */
	assert_int_equal(root.crt.key_usage, MBEDTLS_X509_KU_KEY_CERT_SIGN |
	    MBEDTLS_X509_KU_CRL_SIGN);
	assert_int_equal(root.crt.serial.len, 1);
	assert_int_equal(root.crt.serial.p[0], 1);
	assert_int_equal(root.crt.sig_md, MBEDTLS_MD_SHA256);
	assert_int_equal(root.crt.sig_pk, MBEDTLS_PK_ECDSA);
	assert_true(mbedtls_x509_dn_gets(dn, sizeof(dn), &root.crt.subject) >
	    0);
	assert_string_equal(dn, "CN=Warden Test Root, O=Example Corp, C=DE");
	assert_int_equal(root.crt.issuer_raw.len, root.crt.subject_raw.len);
	assert_memory_equal(root.crt.issuer_raw.p, root.crt.subject_raw.p,
	    root.crt.subject_raw.len);
	assert_int_equal(crypto_cert_not_before(&root.crt), now - DAY);
	assert_int_equal(crypto_cert_not_after(&root.crt), now + 365 * DAY);
	assert_true(crypto_cert_has_key(&root.crt, root.key));
}

static void
test_server_from_csr(void **state)
{
	static const char *const san[] = { "DNS:mdm.example.test",
	    "DNS:127.0.0.1", "IP:127.0.0.1", "IP:::1", NULL };
	const mbedtls_x509_sequence *s;
	struct pki_ent srv;
	uint32_t flags;
	char dn[128];

	(void)state;
	pki_issue(rng, &root, &srv, CRYPTO_CERT_SERVER, "mdm.example.test", san,
	    0x0102030405060708ull, now - DAY, now + 30 * DAY);
	assert_false(srv.crt.ca_istrue);
	assert_int_equal(srv.crt.key_usage, MBEDTLS_X509_KU_DIGITAL_SIGNATURE);
	assert_int_equal(mbedtls_x509_crt_check_extended_key_usage(&srv.crt,
	    MBEDTLS_OID_SERVER_AUTH, MBEDTLS_OID_SIZE(MBEDTLS_OID_SERVER_AUTH)),
	    0);
	assert_int_not_equal(mbedtls_x509_crt_check_extended_key_usage(&srv.crt,
	    MBEDTLS_OID_CLIENT_AUTH, MBEDTLS_OID_SIZE(MBEDTLS_OID_CLIENT_AUTH)),
	    0);
	assert_int_equal(srv.crt.serial.len, 8);
	assert_memory_equal(srv.crt.serial.p,
	    "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
	assert_true(mbedtls_x509_dn_gets(dn, sizeof(dn), &srv.crt.subject) > 0);
	assert_string_equal(dn, "CN=mdm.example.test");
	/* The issuer is the root's subject byte for byte. */
	assert_int_equal(srv.crt.issuer_raw.len, root.crt.subject_raw.len);
	assert_memory_equal(srv.crt.issuer_raw.p, root.crt.subject_raw.p,
	    root.crt.subject_raw.len);
	/* The four entries in order: two dNSName [2], two iPAddress [7]. */
	s = &srv.crt.subject_alt_names;
	assert_int_equal(s->buf.tag, 0x82);
	assert_int_equal(s->buf.len, 16);
	assert_memory_equal(s->buf.p, "mdm.example.test", 16);
	s = s->next;
	assert_non_null(s);
	assert_int_equal(s->buf.tag, 0x82);
	assert_int_equal(s->buf.len, 9);
	assert_memory_equal(s->buf.p, "127.0.0.1", 9);
	s = s->next;
	assert_non_null(s);
	assert_int_equal(s->buf.tag, 0x87);
	assert_int_equal(s->buf.len, 4);
	assert_memory_equal(s->buf.p, "\x7f\x00\x00\x01", 4);
	s = s->next;
	assert_non_null(s);
	assert_int_equal(s->buf.tag, 0x87);
	assert_int_equal(s->buf.len, 16);
	assert_memory_equal(s->buf.p, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	assert_null(s->next);

	/* mbedTLS 2.28 matches host names against dNSName entries only,
	 * hence "DNS:127.0.0.1" for a server reached by address. */
	assert_int_equal(mbedtls_x509_crt_verify(&srv.crt, &root.crt, NULL,
	    "mdm.example.test", &flags, NULL, NULL), 0);
	assert_int_equal(mbedtls_x509_crt_verify(&srv.crt, &root.crt, NULL,
	    "127.0.0.1", &flags, NULL, NULL), 0);
	pki_free(&srv);
}

static void
test_client_and_intermediate(void **state)
{
	struct pki_ent inter, dev;
	mbedtls_x509_crt chain;
	uint32_t flags;

	(void)state;
	pki_issue(rng, &root, &inter, CRYPTO_CERT_CA, "Issuing CA 1", NULL, 7,
	    now - DAY, now + 100 * DAY);
	assert_true(inter.crt.ca_istrue);
	pki_issue(rng, &inter, &dev, CRYPTO_CERT_CLIENT, "SN-778899", NULL, 8,
	    now - DAY, now + 10 * DAY);
	assert_int_equal(mbedtls_x509_crt_check_extended_key_usage(&dev.crt,
	    MBEDTLS_OID_CLIENT_AUTH, MBEDTLS_OID_SIZE(MBEDTLS_OID_CLIENT_AUTH)),
	    0);
	mbedtls_x509_crt_init(&chain);
	pki_append(&chain, &dev);
	pki_append(&chain, &inter);
	assert_int_equal(mbedtls_x509_crt_verify(&chain, &root.crt, NULL, NULL,
	    &flags, NULL, NULL), 0);
	mbedtls_x509_crt_free(&chain);
	pki_free(&dev);
	pki_free(&inter);
}

static void
test_subject_override(void **state)
{
	struct crypto_cert_spec spec = {
		.kind = CRYPTO_CERT_CLIENT, .serial = 9, .not_before = now,
		.not_after = now + DAY, .subject = "CN=SN-1,OU=Fleet A",
	};
	struct crypto_eckey *k;
	mbedtls_x509_crt crt;
	uint8_t *csr, *der;
	size_t csrlen, len;
	char dn[64];

	(void)state;
	assert_int_equal(crypto_eckey_generate(rng, &k, NULL, 0), 0);
	assert_int_equal(crypto_csr_der(rng, k, "SN-1", &csr, &csrlen, NULL, 0),
	    0);
	assert_int_equal(crypto_issue_from_csr(rng, root.key, &root.crt, csr,
	    csrlen, &spec, &der, &len, NULL, 0), 0);
	mbedtls_x509_crt_init(&crt);
	assert_int_equal(crypto_cert_parse(&crt, der, len, NULL, 0), 0);
	assert_true(mbedtls_x509_dn_gets(dn, sizeof(dn), &crt.subject) > 0);
	assert_string_equal(dn, "CN=SN-1, OU=Fleet A");
	assert_true(crypto_cert_has_key(&crt, k));
	mbedtls_x509_crt_free(&crt);
	crypto_eckey_free(k);
	free(csr);
	free(der);
}

/* A key checked once (crypto_csr_check()) is certified as it is, under
 * the subject given, and the result chains to the CA; no subject, no
 * certificate. */
static void
test_for_key(void **state)
{
	struct crypto_cert_spec spec = {
		.kind = CRYPTO_CERT_CLIENT, .serial = 10, .not_before = now,
		.not_after = now + DAY,
	};
	struct crypto_eckey *k, *pub;
	mbedtls_x509_crt crt;
	char err[CRYPTO_ERR_MAX], cn[CRYPTO_CN_MAX + 1], dn[64];
	uint8_t *csr, *der = (uint8_t *)"x";
	size_t csrlen, len;
	uint32_t flags;

	(void)state;
	assert_int_equal(crypto_eckey_generate(rng, &k, NULL, 0), 0);
	assert_int_equal(crypto_csr_der(rng, k, "SN-2", &csr, &csrlen, NULL, 0),
	    0);
	assert_int_equal(crypto_csr_check(csr, csrlen, cn, &pub, NULL, 0), 0);
	assert_int_equal(crypto_issue_for_key(rng, root.key, &root.crt, pub,
	    &spec, &der, &len, err, sizeof(err)), -1);
	assert_null(der);
	assert_string_equal(err, "spec.subject: required");
	spec.subject = "CN=dev-2";
	assert_int_equal(crypto_issue_for_key(rng, root.key, &root.crt, pub,
	    &spec, &der, &len, NULL, 0), 0);
	mbedtls_x509_crt_init(&crt);
	assert_int_equal(crypto_cert_parse(&crt, der, len, NULL, 0), 0);
	assert_true(mbedtls_x509_dn_gets(dn, sizeof(dn), &crt.subject) > 0);
	assert_string_equal(dn, "CN=dev-2");
	assert_true(crypto_cert_has_key(&crt, k));
	assert_int_equal(mbedtls_x509_crt_verify(&crt, &root.crt, NULL, NULL,
	    &flags, NULL, NULL), 0);
	mbedtls_x509_crt_free(&crt);
	crypto_eckey_free(pub);
	crypto_eckey_free(k);
	free(csr);
	free(der);
}

static void
expect_spec_error(const struct crypto_cert_spec *spec, const char *want)
{
	struct crypto_eckey *k;
	char err[CRYPTO_ERR_MAX];
	uint8_t *csr, *der = (uint8_t *)"x";
	size_t csrlen, len;

	assert_int_equal(crypto_eckey_generate(rng, &k, NULL, 0), 0);
	assert_int_equal(crypto_csr_der(rng, k, "SN-1", &csr, &csrlen, NULL, 0),
	    0);
	assert_int_equal(crypto_issue_from_csr(rng, root.key, &root.crt, csr,
	    csrlen, spec, &der, &len, err, sizeof(err)), -1);
	assert_null(der);
	assert_string_equal(err, want);
	crypto_eckey_free(k);
	free(csr);
}

static void
test_bad_specs(void **state)
{
	static const char *const bad_san[] = { "DNS:ok", "URI:http://x", NULL };
	static const char *const bad_ip[] = { "IP:300.1.1.1", NULL };
	static const char *many[CRYPTO_SAN_MAX + 2];
	struct crypto_cert_spec spec = {
		.kind = CRYPTO_CERT_SERVER, .serial = 1, .not_before = now,
		.not_after = now + DAY,
	};
	size_t i;

	(void)state;
	spec.serial = 0;
	expect_spec_error(&spec, "spec.serial: must be positive");
	spec.serial = 1;
	spec.not_after = now;
	expect_spec_error(&spec,
	    "spec.not_after: must be later than not_before");
	spec.not_after = now + DAY;
	spec.san = bad_san;
	expect_spec_error(&spec, "spec.san: \"URI:http://x\" is neither "
	    "DNS:<name> nor IP:<address>");
	spec.san = bad_ip;
	expect_spec_error(&spec, "spec.san: \"IP:300.1.1.1\" is neither "
	    "DNS:<name> nor IP:<address>");
	for (i = 0; i < CRYPTO_SAN_MAX + 1; i++)
		many[i] = "DNS:a";
	spec.san = many;
	expect_spec_error(&spec, "spec.san: more than 16 entries");
	spec.san = NULL;
	spec.kind = CRYPTO_CERT_CA;
	spec.max_pathlen = 128;
	expect_spec_error(&spec, "spec.max_pathlen: out of range -1..127");
	spec.max_pathlen = 0;
	spec.kind = CRYPTO_CERT_SERVER;
	spec.subject = "XX=nonsense";
	expect_spec_error(&spec,
	    "spec.subject: X509 - Requested OID is unknown (-0x2100)");
}

static void
test_wrong_ca_inputs(void **state)
{
	struct crypto_cert_spec spec = {
		.kind = CRYPTO_CERT_SERVER, .serial = 1, .not_before = now,
		.not_after = now + DAY,
	};
	struct pki_ent leaf;
	struct crypto_eckey *k;
	char err[CRYPTO_ERR_MAX];
	uint8_t *csr, *der;
	size_t csrlen, len;

	(void)state;
	assert_int_equal(crypto_eckey_generate(rng, &k, NULL, 0), 0);
	assert_int_equal(crypto_csr_der(rng, k, "SN-1", &csr, &csrlen, NULL, 0),
	    0);
	/* The CA key does not belong to the CA certificate. */
	assert_int_equal(crypto_issue_from_csr(rng, k, &root.crt, csr, csrlen,
	    &spec, &der, &len, err, sizeof(err)), -1);
	assert_string_equal(err,
	    "ca_cert: does not certify ca_key's public key");
	/* A leaf cannot issue. */
	pki_issue(rng, &root, &leaf, CRYPTO_CERT_SERVER, "leaf", NULL, 2, now,
	    now + DAY);
	assert_int_equal(crypto_issue_from_csr(rng, leaf.key, &leaf.crt, csr,
	    csrlen, &spec, &der, &len, err, sizeof(err)), -1);
	assert_string_equal(err, "ca_cert: not a CA certificate");
	/* A request that does not verify is refused before signing. */
	csr[csrlen - 3] ^= 0x40;
	assert_int_equal(crypto_issue_from_csr(rng, root.key, &root.crt, csr,
	    csrlen, &spec, &der, &len, err, sizeof(err)), -1);
	assert_int_equal(strncmp(err, "csr", 3), 0);
	/* A self-signed certificate must be a CA with a subject. */
	assert_int_equal(crypto_issue_self_signed(rng, k, &spec, &der, &len,
	    err, sizeof(err)), -1);
	assert_string_equal(err, "spec: a self-signed certificate must be a CA "
	    "with a subject");
	pki_free(&leaf);
	crypto_eckey_free(k);
	free(csr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root),
		cmocka_unit_test(test_server_from_csr),
		cmocka_unit_test(test_client_and_intermediate),
		cmocka_unit_test(test_subject_override),
		cmocka_unit_test(test_for_key),
		cmocka_unit_test(test_bad_specs),
		cmocka_unit_test(test_wrong_ca_inputs),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
