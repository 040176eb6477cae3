/*
 * test_b64url.c - crypto/b64url.c: RFC 4648 vectors in the URL alphabet,
 * and the strictness of the decoder.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "crypto/crypto.h"

static const struct {
	const char *plain, *enc;
} vectors[] = {
	{ "", "" },
	{ "f", "Zg" },
	{ "fo", "Zm8" },
	{ "foo", "Zm9v" },
	{ "foob", "Zm9vYg" },
	{ "fooba", "Zm9vYmE" },
	{ "foobar", "Zm9vYmFy" },
};

static void
test_vectors(void **state)
{
	char out[16];
	uint8_t dec[16];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		size_t len = strlen(vectors[i].plain);

		assert_int_equal(crypto_b64url_enclen(len),
		    strlen(vectors[i].enc));
		assert_int_equal(crypto_b64url_encode(vectors[i].plain, len,
		    out, sizeof(out)), 0);
		assert_string_equal(out, vectors[i].enc);
		assert_int_equal(crypto_b64url_decode(vectors[i].enc,
		    strlen(vectors[i].enc), dec, sizeof(dec), &n), 0);
		assert_int_equal(n, len);
		assert_memory_equal(dec, vectors[i].plain, len);
	}
}

static void
test_url_alphabet(void **state)
{
	const uint8_t bytes[] = { 0xfb, 0xff, 0xbf };
	uint8_t dec[4];
	char out[8];
	size_t n;

	(void)state;
	assert_int_equal(crypto_b64url_encode(bytes, 3, out, sizeof(out)), 0);
	assert_string_equal(out, "-_-_");
	assert_int_equal(crypto_b64url_decode("-_-_", 4, dec, sizeof(dec), &n),
	    0);
	assert_int_equal(n, 3);
	assert_memory_equal(dec, bytes, 3);
}

static void
test_decoder_rejects(void **state)
{
	static const char *bad[] = {
		"Zg==",		/* padding */
		"Zg=",
		"Z",		/* a lone sextet */
		"Zm9vY",
		"Zh",		/* non-zero unused bits: not canonical */
		"Zm9",
		"Zm9v YmFy",	/* whitespace */
		"+/8",		/* standard alphabet */
		"Zm9v\nYmFy",
	};
	uint8_t dec[16];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = 99;
		assert_int_equal(crypto_b64url_decode(bad[i], strlen(bad[i]),
		    dec, sizeof(dec), &n), -1);
		assert_int_equal(n, 0);
	}
	/* An embedded NUL is just a bad character. */
	assert_int_equal(crypto_b64url_decode("Zm\0v", 4, dec, sizeof(dec),
	    &n), -1);
}

static void
test_capacity(void **state)
{
	uint8_t dec[5];
	char out[8];
	size_t n;

	(void)state;
	/* "foobar" needs 8 characters and a NUL. */
	assert_int_equal(crypto_b64url_encode("foobar", 6, out, 8), -1);
	assert_int_equal(crypto_b64url_decode("Zm9vYmFy", 8, dec, 5, &n), -1);
	assert_int_equal(crypto_b64url_decode("Zm9vYmE", 7, dec, 5, &n), 0);
	assert_int_equal(n, 5);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_url_alphabet),
		cmocka_unit_test(test_decoder_rejects),
		cmocka_unit_test(test_capacity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
