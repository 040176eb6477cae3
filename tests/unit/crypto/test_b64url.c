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

/* With flags: what provisioning and LwM2M payloads may carry. */

static int
dec(const char *s, uint8_t *out, size_t cap, size_t *n, int flags)
{
	return crypto_b64_decode(s, strlen(s), out, cap, n,
	    CRYPTO_B64_PAD | (unsigned)flags);
}

static void
test_decode_rfc4648_vectors(void **state)
{
	static const struct {
		const char *in, *out;
	} v[] = {
		{ "", "" }, { "Zg", "f" }, { "Zg==", "f" }, { "Zm8", "fo" },
		{ "Zm8=", "fo" }, { "Zm9v", "foo" }, { "Zm9vYg", "foob" },
		{ "Zm9vYmE", "fooba" }, { "Zm9vYmFy", "foobar" },
	};
	uint8_t out[16];
	size_t i, n;

	(void)state;
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(dec(v[i].in, out, sizeof(out), &n, 0), 0);
		assert_int_equal(n, strlen(v[i].out));
		assert_memory_equal(out, v[i].out, n);
	}
}

static void
test_decode_sha256_pin_padded_and_not(void **state)
{
	static const uint8_t want[32] = { 0x9f, 0x86, 0xd0, 0x81, 0x88, 0x4c,
		0x7d, 0x65, 0x9a, 0x2f, 0xea, 0xa0, 0xc5, 0x5a, 0xd0, 0x15,
		0xa3, 0xbf, 0x4f, 0x1b, 0x2b, 0x0b, 0x82, 0x2c, 0xd1, 0x5d,
		0x6c, 0x15, 0xb0, 0xf0, 0x0a, 0x08 };
	uint8_t out[32];
	size_t n;

	(void)state;
	assert_int_equal(dec("n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg", out,
	    sizeof(out), &n, 0), 0);
	assert_int_equal(n, 32);
	assert_memory_equal(out, want, 32);
	assert_int_equal(dec("n4bQgYhMfWWaL-qgxVrQFaO_TxsrC4Is0V1sFbDwCgg=",
	    out, sizeof(out), &n, 0), 0);
	assert_int_equal(n, 32);
	assert_memory_equal(out, want, 32);
}

static void
test_decode_rejects_malformed(void **state)
{
	static const char *bad[] = {
		"Z",          /* a lone sextet */
		"Zg=",        /* incomplete padding */
		"Zg===",      /* too much padding */
		"Zm9v=",      /* padding where none belongs */
		"Zg==Zg",     /* data after padding */
		"Zh",         /* stray low bits: not canonical */
		"Zm9v YmFy",  /* space */
		"Zm+v",       /* standard alphabet without the flag */
		"Zm9v\nYmFy", /* newline without the flag */
	};
	uint8_t out[16];
	size_t i, n = 99;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(dec(bad[i], out, sizeof(out), &n, 0), -1);
		assert_int_equal(n, 0);
	}
}

static void
test_decode_flags(void **state)
{
	uint8_t out[16];
	size_t n;

	(void)state;
	assert_int_equal(dec("+/8=", out, sizeof(out), &n, CRYPTO_B64_STD), 0);
	assert_int_equal(n, 2);
	assert_int_equal(out[0], 0xfb);
	assert_int_equal(out[1], 0xff);
	/* One alphabet per string. */
	assert_int_equal(dec("+_8=", out, sizeof(out), &n, CRYPTO_B64_STD), -1);
	assert_int_equal(dec("Zm9v\r\nYmFy", out, sizeof(out), &n,
	    CRYPTO_B64_NEWLINES), 0);
	assert_int_equal(n, 6);
	assert_memory_equal(out, "foobar", 6);
}

static void
test_decode_capacity(void **state)
{
	uint8_t out[3];
	size_t n;

	(void)state;
	assert_int_equal(dec("Zm9v", out, sizeof(out), &n, 0), 0);
	assert_int_equal(dec("Zm9vYg", out, sizeof(out), &n, 0), -1);
	assert_int_equal(n, 0);
}

static void
test_encode(void **state)
{
	static const uint8_t bytes[] = { 0xfb, 0xff, 0xfe };
	char out[16];

	(void)state;
	assert_int_equal(crypto_b64url_encode("foobar", 6, out, sizeof(out)),
	    0);
	assert_string_equal(out, "Zm9vYmFy");
	assert_int_equal(crypto_b64url_encode("fooba", 5, out, sizeof(out)),
	    0);
	assert_string_equal(out, "Zm9vYmE");
	assert_int_equal(crypto_b64url_encode(bytes, 3, out, sizeof(out)), 0);
	assert_string_equal(out, "-__-");
	assert_int_equal(crypto_b64url_enclen(32), 43);
	assert_int_equal(crypto_b64url_encode(bytes, 3, out, 4), -1);
	assert_string_equal(out, "");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_url_alphabet),
		cmocka_unit_test(test_decoder_rejects),
		cmocka_unit_test(test_capacity),
		cmocka_unit_test(test_decode_rfc4648_vectors),
		cmocka_unit_test(test_decode_sha256_pin_padded_and_not),
		cmocka_unit_test(test_decode_rejects_malformed),
		cmocka_unit_test(test_decode_flags),
		cmocka_unit_test(test_decode_capacity),
		cmocka_unit_test(test_encode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
