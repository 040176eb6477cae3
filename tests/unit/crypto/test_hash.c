/*
 * test_hash.c - crypto/hash.c: SHA-256 and PBKDF2-HMAC-SHA256 against
 * published test vectors (FIPS 180-2, RFC 7914 section 11, and the
 * PBKDF2-HMAC-SHA256 vectors commonly derived from RFC 6070).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "crypto/crypto.h"

static void
hex(const uint8_t *b, size_t n, char *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(out + 2 * i, "%02x", b[i]);
}

static void
test_sha256(void **state)
{
	uint8_t d[CRYPTO_SHA256_LEN];
	char h[65];

	(void)state;
	crypto_sha256("abc", 3, d);
	hex(d, sizeof(d), h);
	assert_string_equal(h, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	crypto_sha256("", 0, d);
	hex(d, sizeof(d), h);
	assert_string_equal(h, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
}

struct vector {
	const char *pw;
	size_t pwlen;
	const char *salt;
	size_t saltlen;
	uint32_t iter;
	size_t dklen;
	const char *hex;
};

static const struct vector vectors[] = {
	{ "password", 8, "salt", 4, 1, 32,
	    "120fb6cffcf8b32c43e7225256c4f837"
	    "a86548c92ccc35480805987cb70be17b" },
	{ "password", 8, "salt", 4, 2, 32,
	    "ae4d0c95af6b46d32d0adff928f06dd0"
	    "2a303f8ef3c251dfd6e2d85a95474c43" },
	{ "password", 8, "salt", 4, 4096, 32,
	    "c5e478d59288c841aa530db6845c4c8d"
	    "962893a001ce4e11a4963873aa98134a" },
	{ "passwordPASSWORDpassword", 24,
	    "saltSALTsaltSALTsaltSALTsaltSALTsalt", 36, 4096, 40,
	    "348c89dbcbd32b2f32d814b8116e84cf2b17347ebc1800181c4e2a1fb8dd53e1"
	    "c635518c7dac47e9" },
	{ "pass\0word", 9, "sa\0lt", 5, 4096, 16,
	    "89b69d0516f829893c696226650a8687" },
	/* RFC 7914 section 11 */
	{ "passwd", 6, "salt", 4, 1, 64,
	    "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
	    "49ca9cccf179b645991664b39d77ef31"
	    "7c71b845b1e30bd509112041d3a19783" },
	{ "Password", 8, "NaCl", 4, 80000, 64,
	    "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
	    "a1d425a1225833549adb841b51c9b317"
	    "6a272bdebba1d078478f62b397f33c8d" },
};

static void
test_pbkdf2_vectors(void **state)
{
	uint8_t out[64];
	char h[129];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const struct vector *v = &vectors[i];

		assert_int_equal(crypto_pbkdf2_sha256(v->pw, v->pwlen, v->salt,
		    v->saltlen, v->iter, out, v->dklen), 0);
		hex(out, v->dklen, h);
		assert_string_equal(h, v->hex);
	}
}

static void
test_pbkdf2_bounds(void **state)
{
	uint8_t out[16];

	(void)state;
	memset(out, 0xaa, sizeof(out));
	assert_int_equal(crypto_pbkdf2_sha256("pw", 2, "salt", 4, 0, out,
	    sizeof(out)), -1);
	assert_int_equal(out[0], 0);	/* zeroised on failure */
	assert_int_equal(crypto_pbkdf2_sha256("pw", 2, "salt", 4,
	    CRYPTO_PBKDF2_MAX_ITER + 1, out, sizeof(out)), -1);
	assert_int_equal(crypto_pbkdf2_sha256("pw", 2, "salt", 4, 1, out, 0),
	    -1);
	assert_int_equal(crypto_pbkdf2_sha256(NULL, 2, "salt", 4, 1, out,
	    sizeof(out)), -1);
	/* An empty password is legal. */
	assert_int_equal(crypto_pbkdf2_sha256("", 0, "salt", 4, 1, out,
	    sizeof(out)), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_pbkdf2_vectors),
		cmocka_unit_test(test_pbkdf2_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
