/*
 * test_jws.c - crypto/jws.c: compact JWS with ES256, its strict parser,
 * tampering, algorithm substitution, and the RFC 7515 A.3 example.
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

static struct crypto_rng *rng;
static struct crypto_eckey *key;

static const char payload[] = "{\"sub\":\"SN-1234\",\"compliant\":true}";

static int
setup(void **state)
{
	(void)state;
	if (crypto_rng_new("test_jws", &rng, NULL, 0) != 0)
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

static char *
sign(const char *kid)
{
	char *tok = NULL, err[CRYPTO_ERR_MAX];

	assert_int_equal(crypto_jws_sign(rng, key, kid, payload,
	    strlen(payload), &tok, err, sizeof(err)), 0);
	return tok;
}

/* Encodes text as base64url into a static buffer. */
static const char *
b64(const char *text, size_t len)
{
	static char buf[4][512];
	static int which;
	char *out = buf[which++ % 4];

	assert_int_equal(crypto_b64url_encode(text, len, out, 512), 0);
	return out;
}

/* Verifies tok and expects failure with exactly the message want. */
static void
expect_fail(const char *tok, const char *want)
{
	struct crypto_jws jws;
	char err[CRYPTO_ERR_MAX];

	err[0] = '\0';
	assert_int_equal(crypto_jws_verify(tok, strlen(tok), key, &jws, err,
	    sizeof(err)), -1);
	assert_string_equal(err, want);
	assert_null(jws.payload);
}

/* The token's three parts, split at the dots. */
struct parts {
	char h[512], p[512], s[512];
};

static void
split(const char *tok, struct parts *pt)
{
	const char *d1 = strchr(tok, '.'), *d2 = strrchr(tok, '.');

	snprintf(pt->h, sizeof(pt->h), "%.*s", (int)(d1 - tok), tok);
	snprintf(pt->p, sizeof(pt->p), "%.*s", (int)(d2 - d1 - 1), d1 + 1);
	snprintf(pt->s, sizeof(pt->s), "%s", d2 + 1);
}

static void
test_round_trip(void **state)
{
	struct crypto_jws jws;
	char *tok = sign("device-key-1"), err[CRYPTO_ERR_MAX];
	struct parts pt;
	uint8_t hdr[128];
	size_t n;

	(void)state;
	split(tok, &pt);
	assert_int_equal(crypto_b64url_decode(pt.h, strlen(pt.h), hdr,
	    sizeof(hdr) - 1, &n), 0);
	hdr[n] = '\0';
	assert_string_equal((char *)hdr,
	    "{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"device-key-1\"}");
	assert_int_equal(strlen(pt.s), 86);

	assert_int_equal(crypto_jws_verify(tok, strlen(tok), key, &jws, err,
	    sizeof(err)), 0);
	assert_string_equal(jws.payload, payload);
	assert_int_equal(jws.payload_len, strlen(payload));
	assert_string_equal(jws.kid, "device-key-1");
	assert_string_equal(jws.typ, "JWT");
	crypto_jws_clear(&jws);
	assert_null(jws.payload);
	crypto_jws_clear(NULL);
	free(tok);

	/* Without a kid the header has none. */
	tok = sign(NULL);
	assert_int_equal(crypto_jws_verify(tok, strlen(tok), key, &jws, err,
	    sizeof(err)), 0);
	assert_string_equal(jws.kid, "");
	crypto_jws_clear(&jws);
	free(tok);
}

static void
test_verify_with_public_key(void **state)
{
	struct crypto_eckey *pub;
	struct crypto_jws jws;
	char *tok = sign("k"), *pem;

	(void)state;
	assert_int_equal(crypto_eckey_public_pem(key, &pem), 0);
	assert_int_equal(crypto_eckey_parse_public(pem, strlen(pem), &pub, NULL,
	    0), 0);
	assert_int_equal(crypto_jws_verify(tok, strlen(tok), pub, &jws, NULL,
	    0), 0);
	crypto_jws_clear(&jws);
	crypto_eckey_free(pub);
	free(pem);
	free(tok);
}

static void
test_tampering(void **state)
{
	char *tok = sign("k"), forged[2048];
	struct parts pt;
	const char *other = "{\"sub\":\"SN-9999\",\"compliant\":true}";
	const char *hdr = "{\"alg\":\"ES256\",\"typ\":\"JWT\",\"kid\":\"x\"}";
	uint8_t sig[CRYPTO_ES256_SIG_LEN];
	char sigb64[100];
	size_t n;

	(void)state;
	split(tok, &pt);
	/* Another (valid) header with the original payload and signature. */
	snprintf(forged, sizeof(forged), "%s.%s.%s", b64(hdr, strlen(hdr)),
	    pt.p, pt.s);
	expect_fail(forged, "jws.signature: verification failed");
	/* Another payload. */
	snprintf(forged, sizeof(forged), "%s.%s.%s", pt.h,
	    b64(other, strlen(other)), pt.s);
	expect_fail(forged, "jws.signature: verification failed");
	/* One bit of the signature. */
	assert_int_equal(crypto_b64url_decode(pt.s, strlen(pt.s), sig,
	    sizeof(sig), &n), 0);
	sig[10] ^= 4;
	assert_int_equal(crypto_b64url_encode(sig, sizeof(sig), sigb64,
	    sizeof(sigb64)), 0);
	snprintf(forged, sizeof(forged), "%s.%s.%s", pt.h, pt.p, sigb64);
	expect_fail(forged, "jws.signature: verification failed");
	/* A character of the payload, still valid base64url. */
	snprintf(forged, sizeof(forged), "%s", tok);
	forged[strlen(pt.h) + 3] = forged[strlen(pt.h) + 3] == 'A' ? 'B' : 'A';
	expect_fail(forged, "jws.signature: verification failed");
	free(tok);
}

static void
test_wrong_key(void **state)
{
	struct crypto_eckey *other;
	struct crypto_jws jws;
	char *tok = sign("k"), err[CRYPTO_ERR_MAX];

	(void)state;
	assert_int_equal(crypto_eckey_generate(rng, &other, NULL, 0), 0);
	assert_int_equal(crypto_jws_verify(tok, strlen(tok), other, &jws, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "jws.signature: verification failed");
	assert_int_equal(crypto_jws_verify(tok, strlen(tok), NULL, &jws, err,
	    sizeof(err)), -1);
	crypto_eckey_free(other);
	free(tok);
}

/* A token whose header is hdr, with a real payload and signature part. */
static void
expect_header_fail(const char *hdr, const char *want)
{
	char *tok = sign("k"), forged[2048];
	struct parts pt;

	split(tok, &pt);
	snprintf(forged, sizeof(forged), "%s.%s.%s", b64(hdr, strlen(hdr)),
	    pt.p, pt.s);
	expect_fail(forged, want);
	free(tok);
}

static void
test_algorithms_refused(void **state)
{
	char *tok = sign("k"), forged[2048];
	const char *none = "{\"alg\":\"none\"}";
	struct parts pt;

	(void)state;
	/* The classic: alg none with an empty signature. */
	split(tok, &pt);
	snprintf(forged, sizeof(forged), "%s.%s.", b64(none, strlen(none)),
	    pt.p);
	expect_fail(forged,
	    "jws.header.alg: \"none\" is not accepted (only ES256)");
	free(tok);
	expect_header_fail("{\"alg\":\"none\",\"typ\":\"JWT\"}",
	    "jws.header.alg: \"none\" is not accepted (only ES256)");
	expect_header_fail("{\"alg\":\"HS256\"}",
	    "jws.header.alg: \"HS256\" is not accepted (only ES256)");
	expect_header_fail("{\"alg\":\"es256\"}",
	    "jws.header.alg: \"es256\" is not accepted (only ES256)");
	expect_header_fail("{\"alg\":\"ES384\"}",
	    "jws.header.alg: \"ES384\" is not accepted (only ES256)");
	expect_header_fail("{\"typ\":\"JWT\"}", "jws.header.alg: missing");
	expect_header_fail("{\"alg\":null}",
	    "jws.header.alg: must be a string");
	/* cJSON keeps both members; a second alg must not slip through. */
	expect_header_fail("{\"alg\":\"ES256\",\"alg\":\"none\"}",
	    "jws.header.alg: duplicate member");
	expect_header_fail("{\"alg\":\"ES256\",\"crit\":[\"exp\"]}",
	    "jws.header.crit: no critical extension is supported");
	expect_header_fail("{\"alg\":\"ES256\",\"jku\":\"http://evil\"}",
	    "jws.header.jku: unsupported parameter");
	expect_header_fail("{\"alg\":\"ES256\",\"kid\":7}",
	    "jws.header.kid: must be a string");
	expect_header_fail("{\"alg\":\"ES256\",\"kid\":\"\"}",
	    "jws.header.kid: must be 1..128 printable ASCII characters");
	expect_header_fail("[\"alg\",\"ES256\"]",
	    "jws.header: must be a JSON object");
	expect_header_fail("{\"alg\":\"ES256\"", "jws.header: not valid JSON");
	expect_header_fail("{\"alg\":\"ES256\"} x",
	    "jws.header: not valid JSON");
}

static void
test_structure_refused(void **state)
{
	char *tok = sign("k"), forged[2048];
	struct parts pt;
	uint8_t sig[65];

	(void)state;
	split(tok, &pt);
	expect_fail("", "jws: size 0 out of range 1..65536");
	snprintf(forged, sizeof(forged), "%s.%s", pt.h, pt.p);
	expect_fail(forged, "jws: must be three parts separated by '.'");
	snprintf(forged, sizeof(forged), "%s.%s.%s.%s", pt.h, pt.p, pt.s, pt.s);
	expect_fail(forged, "jws: must be three parts separated by '.'");
	snprintf(forged, sizeof(forged), ".%s.%s", pt.p, pt.s);
	expect_fail(forged, "jws.header: encoded size 0 out of range 1..1024");
	snprintf(forged, sizeof(forged), "%s..%s", pt.h, pt.s);
	expect_fail(forged, "jws.payload: empty");
	snprintf(forged, sizeof(forged), "%s=.%s.%s", pt.h, pt.p, pt.s);
	expect_fail(forged, "jws.header: invalid base64url");
	snprintf(forged, sizeof(forged), "%s.%s!.%s", pt.h, pt.p, pt.s);
	expect_fail(forged, "jws.payload: invalid base64url");
	/* 63 and 65 byte signatures (DER-style lengths) are refused. */
	memset(sig, 1, sizeof(sig));
	snprintf(forged, sizeof(forged), "%s.%s.%s", pt.h, pt.p,
	    b64((char *)sig, 63));
	expect_fail(forged, "jws.signature: must be 64 bytes (r || s), not 84 "
	    "base64url characters");
	snprintf(forged, sizeof(forged), "%s.%s.%s", pt.h, pt.p,
	    b64((char *)sig, 65));
	expect_fail(forged, "jws.signature: must be 64 bytes (r || s), not 87 "
	    "base64url characters");
	/* A payload with a NUL byte in it. */
	snprintf(forged, sizeof(forged), "%s.%s.%s", pt.h, b64("a\0b", 3),
	    pt.s);
	expect_fail(forged, "jws.payload: contains a NUL byte");
	free(tok);
}

static void
test_size_limits(void **state)
{
	char *big, *tok = NULL, err[CRYPTO_ERR_MAX];
	size_t n = CRYPTO_JWS_MAX + 1;

	(void)state;
	big = malloc(n + 1);
	assert_non_null(big);
	memset(big, 'A', n);
	big[n] = '\0';
	expect_fail(big, "jws: size 65537 out of range 1..65536");
	/* The signer refuses what the verifier would refuse. */
	big[CRYPTO_JWS_MAX / 4 * 3] = '\0';
	assert_int_equal(crypto_jws_sign(rng, key, NULL, big, strlen(big),
	    &tok, err, sizeof(err)), -1);
	assert_null(tok);
	free(big);
}

static void
test_sign_rejects(void **state)
{
	struct crypto_eckey *pub;
	char *tok = NULL, err[CRYPTO_ERR_MAX], *pem;

	(void)state;
	assert_int_equal(crypto_jws_sign(rng, key, "bad\nkid", "{}", 2, &tok,
	    err, sizeof(err)), -1);
	assert_string_equal(err, "jws.header.kid: must be 1..128 printable "
	    "ASCII characters");
	assert_int_equal(crypto_jws_sign(rng, key, NULL, "{\0}", 3, &tok, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "jws.payload: empty or contains a NUL byte");
	assert_int_equal(crypto_eckey_public_pem(key, &pem), 0);
	assert_int_equal(crypto_eckey_parse_public(pem, strlen(pem), &pub, NULL,
	    0), 0);
	assert_int_equal(crypto_jws_sign(rng, pub, NULL, "{}", 2, &tok, err,
	    sizeof(err)), -1);
	assert_string_equal(err, "jws: key cannot sign");
	assert_null(tok);
	crypto_eckey_free(pub);
	free(pem);
	assert_int_equal(crypto_jws_sign_typ(rng, key, "bad\ttyp", NULL, "{}",
	    2, &tok, err, sizeof(err)), -1);
	assert_int_equal(crypto_jws_sign_typ(rng, key, NULL, NULL, "{}", 2,
	    &tok, err, sizeof(err)), -1);
	assert_null(tok);
}

static void
test_sign_typ(void **state)
{
	struct crypto_jws jws;
	char *tok = NULL, err[CRYPTO_ERR_MAX];

	(void)state;
	assert_int_equal(crypto_jws_sign_typ(rng, key, "warden-command+jwt",
	    NULL, payload, strlen(payload), &tok, err, sizeof(err)), 0);
	assert_int_equal(crypto_jws_verify(tok, strlen(tok), key, &jws, err,
	    sizeof(err)), 0);
	assert_string_equal(jws.typ, "warden-command+jwt");
	assert_string_equal(jws.kid, "");
	assert_string_equal(jws.payload, payload);
	crypto_jws_clear(&jws);
	free(tok);
}

static void
test_parse_unverified(void **state)
{
	struct crypto_jws jws;
	char *tok = sign("enroll-ca-2");

	(void)state;
	assert_int_equal(crypto_jws_parse_unverified(tok, strlen(tok), &jws,
	    NULL, 0), 0);
	assert_string_equal(jws.kid, "enroll-ca-2");
	assert_int_equal(jws.signing_input_len, strrchr(tok, '.') - tok);
	crypto_jws_clear(&jws);
	free(tok);
}

/* RFC 7515 appendix A.3: a JWS signed by someone else's ES256 code. */
static void
test_rfc7515_example(void **state)
{
	static const char *tok =
	    "eyJhbGciOiJFUzI1NiJ9"
	    ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFt"
	    "cGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
	    ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSA"
	    "pmWQxfKTUJqPP3-Kg6NU1Q";
	static const char *x = "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU";
	static const char *y = "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0";
	/* SubjectPublicKeyInfo prefix for a P-256 uncompressed point. */
	static const uint8_t spki[27] = {
		0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce,
		0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d,
		0x03, 0x01, 0x07, 0x03, 0x42, 0x00, 0x04,
	};
	uint8_t der[91];
	struct crypto_eckey *pub;
	struct crypto_jws jws;
	char err[CRYPTO_ERR_MAX];
	size_t n;

	(void)state;
	memcpy(der, spki, sizeof(spki));
	assert_int_equal(crypto_b64url_decode(x, strlen(x), der + 27, 32, &n),
	    0);
	assert_int_equal(crypto_b64url_decode(y, strlen(y), der + 59, 32, &n),
	    0);
	assert_int_equal(crypto_eckey_parse_public(der, sizeof(der), &pub, err,
	    sizeof(err)), 0);
	assert_int_equal(crypto_jws_verify(tok, strlen(tok), pub, &jws, err,
	    sizeof(err)), 0);
	assert_string_equal(jws.payload, "{\"iss\":\"joe\",\r\n"
	    " \"exp\":1300819380,\r\n \"http://example.com/is_root\":true}");
	crypto_jws_clear(&jws);
	crypto_eckey_free(pub);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_verify_with_public_key),
		cmocka_unit_test(test_tampering),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_algorithms_refused),
		cmocka_unit_test(test_structure_refused),
		cmocka_unit_test(test_size_limits),
		cmocka_unit_test(test_sign_rejects),
		cmocka_unit_test(test_sign_typ),
		cmocka_unit_test(test_parse_unverified),
		cmocka_unit_test(test_rfc7515_example),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
