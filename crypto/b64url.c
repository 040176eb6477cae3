/*
 * b64url.c - base64url without padding (RFC 4648 section 5), strict.
 *
 * Kept inside crypto/ for JWS; the decoder accepts exactly one encoding
 * of each byte string, which keeps signed tokens free of look-alikes.
 */
#include "crypto/crypto.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

static int
sextet(unsigned char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

size_t
crypto_b64url_enclen(size_t len)
{
	return len / 3 * 4 + (len % 3 == 0 ? 0 : len % 3 + 1);
}

int
crypto_b64url_encode(const void *data, size_t len, char *out, size_t cap)
{
	const unsigned char *p = data;
	size_t i, o = 0;
	uint32_t v;

	if (len > (SIZE_MAX - 1) / 4 * 3 - 3 ||
	    cap < crypto_b64url_enclen(len) + 1)
		return -1;
	for (i = 0; i + 3 <= len; i += 3) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = alphabet[v >> 6 & 63];
		out[o++] = alphabet[v & 63];
	}
	if (len - i == 1) {
		v = (uint32_t)p[i] << 16;
		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
	} else if (len - i == 2) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8;
		out[o++] = alphabet[v >> 18 & 63];
		out[o++] = alphabet[v >> 12 & 63];
		out[o++] = alphabet[v >> 6 & 63];
	}
	out[o] = '\0';
	return 0;
}

int
crypto_b64url_decode(const char *text, size_t len, uint8_t *out, size_t cap,
    size_t *outlen)
{
	const unsigned char *t = (const unsigned char *)text;
	size_t i, o = 0, need;
	uint32_t v = 0;
	int bits = 0, x;

	*outlen = 0;
	/* One leftover character would carry only 6 of 8 bits. */
	if (len % 4 == 1)
		return -1;
	need = len / 4 * 3 + (len % 4 == 0 ? 0 : len % 4 - 1);
	if (need > cap)
		return -1;
	for (i = 0; i < len; i++) {
		if ((x = sextet(t[i])) < 0)
			return -1;
		v = v << 6 | (uint32_t)x;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (uint8_t)(v >> bits);
			v &= (1u << bits) - 1;
		}
	}
	/* The unused low bits of the last character must be zero. */
	if (v != 0)
		return -1;
	*outlen = o;
	return 0;
}
