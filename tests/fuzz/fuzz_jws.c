/*
 * fuzz_jws.c - libFuzzer target for the compact JWS parser and verifier
 * (crypto/jws.c) and the base64url decoder under it (crypto/b64url.c).
 *
 * Invariants: a rejected token leaves no payload and a "field: reason"
 * message; an accepted one has a NUL-free payload of the stated length
 * and a printable kid; a verified token is also a parsed one; every
 * string the decoder accepts re-encodes to itself (one encoding per byte
 * string). The corpus tokens are signed by the key below.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char pubkey_pem[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqfDoeeYB3OPh54QQOSm9QI81DIWo\n"
    "ObuZlN8SE605FP3C+7+htEJmQ5fxBBTKZxPRpONHOXVgbnvLO1A8P6FF6g==\n"
    "-----END PUBLIC KEY-----\n";

static struct crypto_eckey *
key(void)
{
	static struct crypto_eckey *k;

	if (k == NULL && crypto_eckey_parse_public(pubkey_pem,
	    strlen(pubkey_pem), &k, NULL, 0) != 0)
		abort();
	return k;
}

static void
check_b64url(const uint8_t *data, size_t size)
{
	uint8_t *dec;
	char *enc;
	size_t n;

	if (size > 4096 || (dec = malloc(size + 1)) == NULL)
		return;
	if (crypto_b64url_decode((const char *)data, size, dec, size + 1,
	    &n) == 0) {
		if (n != size / 4 * 3 + (size % 4 ? size % 4 - 1 : 0) ||
		    (enc = malloc(size + 1)) == NULL)
			abort();
		if (crypto_b64url_encode(dec, n, enc, size + 1) != 0 ||
		    memcmp(enc, data, size) != 0 || enc[size] != '\0')
			abort();
		free(enc);
	}
	free(dec);
}

static void
check_rejected(const struct crypto_jws *jws, const char *err)
{
	if (jws->payload != NULL || err[0] == '\0' ||
	    strstr(err, ": ") == NULL)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *tok = (const char *)data;
	struct crypto_jws jws;
	char err[CRYPTO_ERR_MAX];
	int parsed;
	size_t i;

	check_b64url(data, size);

	err[0] = '\0';
	parsed = crypto_jws_parse_unverified(tok, size, &jws, err, sizeof(err));
	if (parsed != 0) {
		check_rejected(&jws, err);
	} else {
		if (jws.payload == NULL || jws.payload_len == 0 ||
		    strlen(jws.payload) != jws.payload_len ||
		    jws.signing_input_len >= size ||
		    tok[jws.signing_input_len] != '.')
			abort();
		for (i = 0; jws.kid[i] != '\0'; i++)
			if (jws.kid[i] < 0x20 || jws.kid[i] > 0x7e)
				abort();
		crypto_jws_clear(&jws);
	}

	err[0] = '\0';
	if (crypto_jws_verify(tok, size, key(), &jws, err, sizeof(err)) == 0) {
		if (parsed != 0 || jws.payload == NULL)
			abort();
		crypto_jws_clear(&jws);
	} else
		check_rejected(&jws, err);
	return 0;
}
