/*
 * test_x509_verify.c - crypto/x509_verify.c: chain verification with the
 * provisioning pin, offline and inside a real mbedTLS handshake, against
 * a PKI minted at run time (good, expired, not yet valid, wrong name,
 * another CA, a CA impersonated by name, an intermediate).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <mbedtls/ssl.h>

#include "crypto/crypto.h"
#include "tests/unit/crypto/pki.h"

#define HOST "mdm.example.test"
#define T_2019 1546300800	/* 2019-01-01T00:00:00Z */
#define T_2020 1577923200	/* 2020-01-02T00:00:00Z */

static struct crypto_rng *rng;
static struct pki_ent root, srv, expired, future, other, other_srv, evil,
    evil_srv, inter, inter_srv, old_root, old_srv;
static uint8_t root_pin[CRYPTO_SHA256_LEN];
static char root_hex[65];
static time_t now;

static const char *const san[] = { "DNS:" HOST, "DNS:127.0.0.1", NULL };

static int
setup(void **state)
{
	(void)state;
	now = time(NULL);
	if (crypto_rng_new("test_x509_verify", &rng, NULL, 0) != 0)
		return -1;
	pki_root(rng, &root, "CN=Warden Root,O=Example", now - DAY,
	    now + 365 * DAY);
	pki_issue(rng, &root, &srv, CRYPTO_CERT_SERVER, HOST, san, 2,
	    now - DAY, now + 30 * DAY);
	pki_issue(rng, &root, &expired, CRYPTO_CERT_SERVER, HOST, san, 3,
	    T_2019, T_2020);
	pki_issue(rng, &root, &future, CRYPTO_CERT_SERVER, HOST, san, 4,
	    now + 10 * DAY, now + 20 * DAY);
	pki_root(rng, &other, "CN=Other Root", now - DAY, now + DAY);
	pki_issue(rng, &other, &other_srv, CRYPTO_CERT_SERVER, HOST, san, 2,
	    now - DAY, now + DAY);
	/* Same name as the real root, another key. */
	pki_root(rng, &evil, "CN=Warden Root,O=Example", now - DAY, now + DAY);
	pki_issue(rng, &evil, &evil_srv, CRYPTO_CERT_SERVER, HOST, san, 2,
	    now - DAY, now + DAY);
	pki_issue(rng, &root, &inter, CRYPTO_CERT_CA, "Issuing CA", NULL, 5,
	    now - DAY, now + 100 * DAY);
	pki_issue(rng, &inter, &inter_srv, CRYPTO_CERT_SERVER, HOST, san, 6,
	    now - DAY, now + DAY);
	pki_root(rng, &old_root, "CN=Old Root", T_2019, T_2020);
	pki_issue(rng, &old_root, &old_srv, CRYPTO_CERT_SERVER, HOST, san, 2,
	    now - DAY, now + DAY);
	crypto_cert_fingerprint(&root.crt, root_pin);
	crypto_pin_format(root_pin, root_hex);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	pki_free(&old_srv);
	pki_free(&old_root);
	pki_free(&inter_srv);
	pki_free(&inter);
	pki_free(&evil_srv);
	pki_free(&evil);
	pki_free(&other_srv);
	pki_free(&other);
	pki_free(&future);
	pki_free(&expired);
	pki_free(&srv);
	pki_free(&root);
	crypto_rng_free(rng);
	return 0;
}

/*
 * Verifies the chain made of ents (leaf first) against ca (NULL: none)
 * with mode and pin; want is NULL for success or the exact error.
 */
static void
verify(const struct pki_ent *const *ents, struct pki_ent *ca,
    enum crypto_pin_mode mode, const uint8_t *pin, const char *host,
    const char *want)
{
	struct crypto_x509_check chk;
	mbedtls_x509_crt chain;
	char err[CRYPTO_ERR_MAX];
	int rc;

	mbedtls_x509_crt_init(&chain);
	for (; *ents != NULL; ents++)
		pki_append(&chain, *ents);
	assert_int_equal(crypto_x509_check_init(&chk, mode, pin, host), 0);
	err[0] = '\0';
	rc = crypto_x509_verify(&chain, ca != NULL ? &ca->crt : NULL, &chk, err,
	    sizeof(err));
	if (want == NULL) {
		if (rc != 0)
			fail_msg("unexpected failure: %s", err);
		assert_true(crypto_x509_check_passed(&chk));
		assert_string_equal(crypto_x509_check_error(&chk), "");
	} else {
		assert_int_equal(rc, -1);
		assert_string_equal(err, want);
		assert_string_equal(crypto_x509_check_error(&chk), want);
		assert_false(crypto_x509_check_passed(&chk));
	}
	mbedtls_x509_crt_free(&chain);
}

#define CHAIN(...) ((const struct pki_ent *const[]){ __VA_ARGS__, NULL })

static void
test_good_chain(void **state)
{
	(void)state;
	verify(CHAIN(&srv), &root, CRYPTO_PIN_IN_CHAIN, root_pin, HOST, NULL);
	verify(CHAIN(&srv), &root, CRYPTO_PIN_OFF, NULL, HOST, NULL);
	verify(CHAIN(&srv, &root), &root, CRYPTO_PIN_IN_CHAIN, root_pin, HOST,
	    NULL);
	verify(CHAIN(&srv), &root, CRYPTO_PIN_IN_CHAIN, root_pin, "127.0.0.1",
	    NULL);
	/* No hostname: the name is not checked. */
	verify(CHAIN(&srv), &root, CRYPTO_PIN_IN_CHAIN, root_pin, NULL, NULL);
}

static void
test_pin_mismatch(void **state)
{
	uint8_t pin[CRYPTO_SHA256_LEN];
	char hex[65], want[CRYPTO_ERR_MAX];

	(void)state;
	crypto_cert_fingerprint(&other.crt, pin);
	crypto_pin_format(pin, hex);
	snprintf(want, sizeof(want),
	    "pin: no certificate in the chain has SHA-256 %s", hex);
	verify(CHAIN(&srv), &root, CRYPTO_PIN_IN_CHAIN, pin, HOST, want);
	verify(CHAIN(&srv, &root), &root, CRYPTO_PIN_IN_CHAIN, pin, HOST, want);
	verify(CHAIN(&srv, &root), NULL, CRYPTO_PIN_ANCHOR, pin, HOST, want);
	/* The pin may name the leaf itself. */
	crypto_cert_fingerprint(&srv.crt, pin);
	verify(CHAIN(&srv), &root, CRYPTO_PIN_IN_CHAIN, pin, HOST, NULL);
}

static void
test_expired_and_future(void **state)
{
	char want[CRYPTO_ERR_MAX], when[32];
	time_t nb = crypto_cert_not_before(&future.crt);
	struct tm tm;

	(void)state;
	verify(CHAIN(&expired), &root, CRYPTO_PIN_IN_CHAIN, root_pin, HOST,
	    "depth 0 (CN=" HOST "): expired (notAfter 2020-01-02T00:00:00Z)");
	gmtime_r(&nb, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(want, sizeof(want), "depth 0 (CN=" HOST "): not yet valid "
	    "(notBefore %s)", when);
	verify(CHAIN(&future), &root, CRYPTO_PIN_IN_CHAIN, root_pin, HOST,
	    want);
}

static void
test_name_mismatch(void **state)
{
	(void)state;
	verify(CHAIN(&srv), &root, CRYPTO_PIN_IN_CHAIN, root_pin,
	    "evil.example.test", "depth 0 (CN=" HOST "): name mismatch "
	    "(expected evil.example.test)");
}

static void
test_other_ca(void **state)
{
	char want[CRYPTO_ERR_MAX];

	(void)state;
	verify(CHAIN(&other_srv), &root, CRYPTO_PIN_OFF, NULL, HOST,
	    "depth 0 (CN=" HOST "): not issued by a trusted CA");
	snprintf(want, sizeof(want), "depth 0 (CN=" HOST "): not issued by a "
	    "trusted CA; pin: no certificate in the chain has SHA-256 %s",
	    root_hex);
	verify(CHAIN(&other_srv), &root, CRYPTO_PIN_IN_CHAIN, root_pin, HOST,
	    want);
	/* The other CA presented alongside does not help. */
	snprintf(want, sizeof(want), "depth 1 (CN=Other Root): not issued by a "
	    "trusted CA; pin: no certificate in the chain has SHA-256 %s",
	    root_hex);
	verify(CHAIN(&other_srv, &other), &root, CRYPTO_PIN_IN_CHAIN, root_pin,
	    HOST, want);
}

static void
test_pin_in_chain_needs_the_bundle(void **state)
{
	(void)state;
	/* IN_CHAIN: presenting the pinned root is not enough without trust
	 * in the bundle. */
	verify(CHAIN(&srv, &root), &other, CRYPTO_PIN_IN_CHAIN, root_pin, HOST,
	    "depth 1 (CN=Warden Root): not issued by a trusted CA");
}

static void
test_anchor(void **state)
{
	uint8_t pin[CRYPTO_SHA256_LEN];
	char want[CRYPTO_ERR_MAX];

	(void)state;
	/* No CA bundle at all: the presented, pinned root anchors. */
	verify(CHAIN(&srv, &root), NULL, CRYPTO_PIN_ANCHOR, root_pin, HOST,
	    NULL);
	/* A bundle that does not know it changes nothing. */
	verify(CHAIN(&srv, &root), &other, CRYPTO_PIN_ANCHOR, root_pin, HOST,
	    NULL);
	/* Pinning the intermediate: the root above it does not count. */
	crypto_cert_fingerprint(&inter.crt, pin);
	verify(CHAIN(&inter_srv, &inter), NULL, CRYPTO_PIN_ANCHOR, pin, HOST,
	    NULL);
	verify(CHAIN(&inter_srv, &inter, &root), NULL, CRYPTO_PIN_ANCHOR, pin,
	    HOST, NULL);
	/* A self-signed-style setup: the pin names the server certificate. */
	crypto_cert_fingerprint(&srv.crt, pin);
	verify(CHAIN(&srv), NULL, CRYPTO_PIN_ANCHOR, pin, HOST, NULL);
	/* The pinned root not presented: nothing to anchor to. */
	snprintf(want, sizeof(want),
	    "pin: no certificate in the chain has SHA-256 %s", root_hex);
	verify(CHAIN(&srv), NULL, CRYPTO_PIN_ANCHOR, root_pin, HOST, want);
	/* The anchor's own validity still counts, and so does the name. */
	crypto_cert_fingerprint(&old_root.crt, pin);
	verify(CHAIN(&old_srv, &old_root), NULL, CRYPTO_PIN_ANCHOR, pin, HOST,
	    "depth 1 (CN=Old Root): expired (notAfter 2020-01-02T00:00:00Z)");
	verify(CHAIN(&srv, &root), NULL, CRYPTO_PIN_ANCHOR, root_pin,
	    "x.example.test",
	    "depth 0 (CN=" HOST "): name mismatch (expected x.example.test)");
}

static void
test_anchor_impersonation(void **state)
{
	char want[CRYPTO_ERR_MAX];

	(void)state;
	/* A server certificate from a CA that copies the pinned root's name,
	 * presented with the real root: the signature does not chain. */
	verify(CHAIN(&evil_srv, &root), NULL, CRYPTO_PIN_ANCHOR, root_pin, HOST,
	    "depth 0 (CN=" HOST "): not issued by a trusted CA");
	verify(CHAIN(&evil_srv, &root), &root, CRYPTO_PIN_IN_CHAIN, root_pin,
	    HOST, "depth 0 (CN=" HOST "): not issued by a trusted CA");
	/* With its own (look-alike) root, the pin does not match. */
	snprintf(want, sizeof(want),
	    "pin: no certificate in the chain has SHA-256 %s", root_hex);
	verify(CHAIN(&evil_srv, &evil), NULL, CRYPTO_PIN_ANCHOR, root_pin, HOST,
	    want);
}

static void
test_check_reuse(void **state)
{
	struct crypto_x509_check chk;
	mbedtls_x509_crt good, bad;

	(void)state;
	mbedtls_x509_crt_init(&good);
	mbedtls_x509_crt_init(&bad);
	pki_append(&good, &srv);
	pki_append(&bad, &expired);
	assert_int_equal(crypto_x509_check_init(&chk, CRYPTO_PIN_IN_CHAIN,
	    root_pin, HOST), 0);
	assert_int_equal(crypto_x509_verify(&bad, &root.crt, &chk, NULL, 0),
	    -1);
	assert_false(crypto_x509_check_passed(&chk));
	assert_int_equal(crypto_x509_verify(&good, &root.crt, &chk, NULL, 0),
	    0);
	assert_true(crypto_x509_check_passed(&chk));
	assert_string_equal(crypto_x509_check_error(&chk), "");
	assert_int_equal(crypto_x509_verify(&bad, &root.crt, &chk, NULL, 0),
	    -1);
	assert_false(crypto_x509_check_passed(&chk));
	mbedtls_x509_crt_free(&good);
	mbedtls_x509_crt_free(&bad);
}

static void
test_check_init(void **state)
{
	struct crypto_x509_check chk;
	char host[CRYPTO_HOSTNAME_MAX + 2];
	mbedtls_x509_crt empty;
	char err[CRYPTO_ERR_MAX];

	(void)state;
	assert_int_equal(crypto_x509_check_init(&chk, CRYPTO_PIN_IN_CHAIN, NULL,
	    HOST), -1);
	assert_int_equal(crypto_x509_check_init(&chk, CRYPTO_PIN_ANCHOR, NULL,
	    HOST), -1);
	assert_int_equal(crypto_x509_check_init(&chk, (enum crypto_pin_mode)9,
	    root_pin, HOST), -1);
	memset(host, 'a', sizeof(host) - 1);
	host[sizeof(host) - 1] = '\0';
	assert_int_equal(crypto_x509_check_init(&chk, CRYPTO_PIN_OFF, NULL,
	    host), -1);
	assert_int_equal(crypto_x509_check_init(&chk, CRYPTO_PIN_OFF, NULL,
	    NULL), 0);
	/* Not run yet: not passed. */
	assert_false(crypto_x509_check_passed(&chk));
	mbedtls_x509_crt_init(&empty);
	assert_int_equal(crypto_x509_verify(&empty, &root.crt, &chk, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "chain: empty");
}

static void
test_pin_parse(void **state)
{
	uint8_t pin[CRYPTO_SHA256_LEN], want[CRYPTO_SHA256_LEN];
	char text[128], b64[64], err[CRYPTO_ERR_MAX];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(want); i++)
		want[i] = (uint8_t)(i * 37 + 250);	/* has 0xfb.. bytes */
	crypto_pin_format(want, text);
	assert_int_equal(strlen(text), 64);
	assert_int_equal(crypto_pin_parse(text, pin, err, sizeof(err)), 0);
	assert_memory_equal(pin, want, sizeof(pin));
	for (i = 0; text[i] != '\0'; i++)	/* upper case */
		if (text[i] >= 'a')
			text[i] -= 32;
	assert_int_equal(crypto_pin_parse(text, pin, err, sizeof(err)), 0);
	assert_memory_equal(pin, want, sizeof(pin));
	for (i = 0; i < 32; i++)	/* AA:BB:... */
		sprintf(text + 3 * i, "%02X%s", want[i], i < 31 ? ":" : "");
	assert_int_equal(crypto_pin_parse(text, pin, err, sizeof(err)), 0);
	assert_memory_equal(pin, want, sizeof(pin));
	/* base64url, and standard base64 with its padding. */
	assert_int_equal(crypto_b64url_encode(want, 32, b64, sizeof(b64)), 0);
	assert_int_equal(crypto_pin_parse(b64, pin, err, sizeof(err)), 0);
	assert_memory_equal(pin, want, sizeof(pin));
	for (i = 0; b64[i] != '\0'; i++)
		b64[i] = b64[i] == '-' ? '+' : b64[i] == '_' ? '/' : b64[i];
	strcat(b64, "=");
	assert_int_equal(crypto_pin_parse(b64, pin, err, sizeof(err)), 0);
	assert_memory_equal(pin, want, sizeof(pin));

	static const char *bad[] = {
		"", "abc",
		/* 63 digits, a non-digit, 65 digits */
		"0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcde",
		"0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdeg",
		"0123456789abcdef0123456789abcdef"
		    "0123456789abcdef0123456789abcdef0",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB",	/* bits */
		"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
	};
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(crypto_pin_parse(bad[i], pin, err,
		    sizeof(err)), -1);
		assert_string_equal(err, "pin: must be the SHA-256 as 64 hex "
		    "digits or 43 base64 characters");
	}
	assert_int_equal(crypto_pin_parse(NULL, pin, NULL, 0), -1);
}

static void
test_flags_describe(void **state)
{
	char buf[CRYPTO_ERR_MAX];

	(void)state;
	crypto_x509_flags_describe(MBEDTLS_X509_BADCERT_EXPIRED |
	    MBEDTLS_X509_BADCERT_CN_MISMATCH, buf, sizeof(buf));
	assert_string_equal(buf, "expired, name mismatch");
	crypto_x509_flags_describe(MBEDTLS_X509_BADCERT_EXT_KEY_USAGE |
	    0x80000000u, buf, sizeof(buf));
	assert_string_equal(buf,
	    "extendedKeyUsage forbids this use, flags 0x80000000");
	crypto_x509_flags_describe(0, buf, sizeof(buf));
	assert_string_equal(buf, "");
	crypto_x509_flags_describe(MBEDTLS_X509_BADCERT_EXPIRED, buf, 4);
	assert_string_equal(buf, "exp");
}

/* ---- The callback inside a real TLS handshake, over memory pipes. ---- */

struct pipe {
	unsigned char buf[32768];
	size_t len;
};

struct end {
	struct pipe *in, *out;
};

static int
bio_send(void *ctx, const unsigned char *buf, size_t len)
{
	struct end *e = ctx;

	if (len > sizeof(e->out->buf) - e->out->len)
		len = sizeof(e->out->buf) - e->out->len;
	if (len == 0)
		return MBEDTLS_ERR_SSL_WANT_WRITE;
	memcpy(e->out->buf + e->out->len, buf, len);
	e->out->len += len;
	return (int)len;
}

static int
bio_recv(void *ctx, unsigned char *buf, size_t len)
{
	struct end *e = ctx;

	if (e->in->len == 0)
		return MBEDTLS_ERR_SSL_WANT_READ;
	if (len > e->in->len)
		len = e->in->len;
	memcpy(buf, e->in->buf, len);
	memmove(e->in->buf, e->in->buf + len, e->in->len - len);
	e->in->len -= len;
	return (int)len;
}

/*
 * Runs a handshake: the server presents srv_chain (leaf first) with its
 * key, the client verifies with chk and ca (may be NULL) in authmode.
 * Returns the client's final handshake result; *vr the verify result.
 */
static int
handshake(const struct pki_ent *const *srv_chain, mbedtls_x509_crt *ca,
    int authmode, struct crypto_x509_check *chk, uint32_t *vr)
{
	static struct pipe c2s, s2c;
	struct end cend = { &s2c, &c2s }, send_ = { &c2s, &s2c };
	mbedtls_ssl_config ccfg, scfg;
	mbedtls_ssl_context cli, ser;
	mbedtls_x509_crt chain;
	int cr = 1, sr = 1, i;

	c2s.len = s2c.len = 0;
	mbedtls_x509_crt_init(&chain);
	pki_append(&chain, srv_chain[0]);
	for (i = 1; srv_chain[i] != NULL; i++)
		pki_append(&chain, srv_chain[i]);
	mbedtls_ssl_config_init(&scfg);
	mbedtls_ssl_config_init(&ccfg);
	mbedtls_ssl_init(&ser);
	mbedtls_ssl_init(&cli);
	assert_int_equal(mbedtls_ssl_config_defaults(&scfg,
	    MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
	    MBEDTLS_SSL_PRESET_DEFAULT), 0);
	mbedtls_ssl_conf_rng(&scfg, crypto_rng_mbedtls, rng);
	assert_int_equal(mbedtls_ssl_conf_own_cert(&scfg, &chain,
	    crypto_eckey_pk(srv_chain[0]->key)), 0);
	assert_int_equal(mbedtls_ssl_config_defaults(&ccfg,
	    MBEDTLS_SSL_IS_CLIENT, MBEDTLS_SSL_TRANSPORT_STREAM,
	    MBEDTLS_SSL_PRESET_DEFAULT), 0);
	mbedtls_ssl_conf_rng(&ccfg, crypto_rng_mbedtls, rng);
	mbedtls_ssl_conf_authmode(&ccfg, authmode);
	mbedtls_ssl_conf_ca_chain(&ccfg, ca, NULL);
	mbedtls_ssl_conf_verify(&ccfg, crypto_x509_verify_cb, chk);
	assert_int_equal(mbedtls_ssl_setup(&ser, &scfg), 0);
	assert_int_equal(mbedtls_ssl_setup(&cli, &ccfg), 0);
	assert_int_equal(mbedtls_ssl_set_hostname(&cli, HOST), 0);
	mbedtls_ssl_set_bio(&ser, &send_, bio_send, bio_recv, NULL);
	mbedtls_ssl_set_bio(&cli, &cend, bio_send, bio_recv, NULL);
	crypto_x509_check_reset(chk);

	for (i = 0; i < 100 && (cr != 0 || sr != 0); i++) {
		if (cr != 0) {
			cr = mbedtls_ssl_handshake(&cli);
			if (cr != 0 && cr != MBEDTLS_ERR_SSL_WANT_READ &&
			    cr != MBEDTLS_ERR_SSL_WANT_WRITE)
				break;
		}
		if (sr != 0) {
			sr = mbedtls_ssl_handshake(&ser);
			if (sr != 0 && sr != MBEDTLS_ERR_SSL_WANT_READ &&
			    sr != MBEDTLS_ERR_SSL_WANT_WRITE)
				sr = 0;	/* the client's verdict counts */
		}
	}
	*vr = mbedtls_ssl_get_verify_result(&cli);
	mbedtls_ssl_free(&cli);
	mbedtls_ssl_free(&ser);
	mbedtls_ssl_config_free(&ccfg);
	mbedtls_ssl_config_free(&scfg);
	mbedtls_x509_crt_free(&chain);
	return cr;
}

static void
test_tls_pinned(void **state)
{
	struct crypto_x509_check chk;
	uint32_t vr;

	(void)state;
	assert_int_equal(crypto_x509_check_init(&chk, CRYPTO_PIN_IN_CHAIN,
	    root_pin, HOST), 0);
	assert_int_equal(handshake(CHAIN(&srv), &root.crt,
	    MBEDTLS_SSL_VERIFY_REQUIRED, &chk, &vr), 0);
	assert_int_equal(vr, 0);
	assert_true(crypto_x509_check_passed(&chk));
}

static void
test_tls_wrong_pin_refused(void **state)
{
	struct crypto_x509_check chk;
	uint8_t pin[CRYPTO_SHA256_LEN];
	char hex[65], want[CRYPTO_ERR_MAX];
	uint32_t vr;

	(void)state;
	crypto_cert_fingerprint(&other.crt, pin);
	crypto_pin_format(pin, hex);
	assert_int_equal(crypto_x509_check_init(&chk, CRYPTO_PIN_IN_CHAIN, pin,
	    HOST), 0);
	assert_int_equal(handshake(CHAIN(&srv), &root.crt,
	    MBEDTLS_SSL_VERIFY_REQUIRED, &chk, &vr),
	    MBEDTLS_ERR_X509_CERT_VERIFY_FAILED);
	assert_int_equal(vr, MBEDTLS_X509_BADCERT_OTHER);
	assert_false(crypto_x509_check_passed(&chk));
	snprintf(want, sizeof(want),
	    "pin: no certificate in the chain has SHA-256 %s", hex);
	assert_string_equal(crypto_x509_check_error(&chk), want);
}

static void
test_tls_expired_refused(void **state)
{
	struct crypto_x509_check chk;
	uint32_t vr;

	(void)state;
	assert_int_equal(crypto_x509_check_init(&chk, CRYPTO_PIN_IN_CHAIN,
	    root_pin, HOST), 0);
	assert_int_equal(handshake(CHAIN(&expired), &root.crt,
	    MBEDTLS_SSL_VERIFY_REQUIRED, &chk, &vr),
	    MBEDTLS_ERR_X509_CERT_VERIFY_FAILED);
	assert_int_equal(vr, MBEDTLS_X509_BADCERT_EXPIRED);
	assert_string_equal(crypto_x509_check_error(&chk), "depth 0 (CN=" HOST
	    "): expired (notAfter 2020-01-02T00:00:00Z)");
}

static void
test_tls_anchor_without_bundle(void **state)
{
	struct crypto_x509_check chk;
	uint8_t pin[CRYPTO_SHA256_LEN];
	uint32_t vr;

	(void)state;
	/* Enrollment: no CA bundle, VERIFY_OPTIONAL, verdict checked after. */
	assert_int_equal(crypto_x509_check_init(&chk, CRYPTO_PIN_ANCHOR,
	    root_pin, HOST), 0);
	assert_int_equal(handshake(CHAIN(&srv, &root), NULL,
	    MBEDTLS_SSL_VERIFY_OPTIONAL, &chk, &vr), 0);
	assert_int_equal(vr, 0);
	assert_true(crypto_x509_check_passed(&chk));

	/* The same with a wrong pin: OPTIONAL completes the handshake, the
	 * verdict says no. */
	crypto_cert_fingerprint(&other.crt, pin);
	assert_int_equal(crypto_x509_check_init(&chk, CRYPTO_PIN_ANCHOR, pin,
	    HOST), 0);
	assert_int_equal(handshake(CHAIN(&srv, &root), NULL,
	    MBEDTLS_SSL_VERIFY_OPTIONAL, &chk, &vr), 0);
	assert_true(vr & MBEDTLS_X509_BADCERT_OTHER);
	assert_false(crypto_x509_check_passed(&chk));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_chain),
		cmocka_unit_test(test_pin_mismatch),
		cmocka_unit_test(test_expired_and_future),
		cmocka_unit_test(test_name_mismatch),
		cmocka_unit_test(test_other_ca),
		cmocka_unit_test(test_pin_in_chain_needs_the_bundle),
		cmocka_unit_test(test_anchor),
		cmocka_unit_test(test_anchor_impersonation),
		cmocka_unit_test(test_check_reuse),
		cmocka_unit_test(test_check_init),
		cmocka_unit_test(test_pin_parse),
		cmocka_unit_test(test_flags_describe),
		cmocka_unit_test(test_tls_pinned),
		cmocka_unit_test(test_tls_wrong_pin_refused),
		cmocka_unit_test(test_tls_expired_refused),
		cmocka_unit_test(test_tls_anchor_without_bundle),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
