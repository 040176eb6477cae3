/*
 * b64url.c - the one base64 codec (RFC 4648): URL-safe without padding
 * when writing; strict when reading (one alphabet per string, canonical
 * trailing bits), with flags for what provisioning and LwM2M payloads
 * may also carry (padding, the standard alphabet, line breaks). Without
 * flags it accepts exactly one encoding of each byte string, which keeps
 * signed tokens free of look-alikes.
 */
#include <string.h>

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
	    cap < crypto_b64url_enclen(len) + 1) {
		if (cap > 0)
			out[0] = '\0';
		return -1;
	}
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
crypto_b64_decode(const char *text, size_t len, uint8_t *out, size_t cap,
    size_t *outlen, unsigned flags)
{
	size_t i, o = 0, nchars = 0, npad = 0;
	uint32_t v = 0;
	int bits = 0, x, seen = 0;

	*outlen = 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)text[i];
		int alpha = 0;	/* 1 URL-safe, 2 standard, 0 both */

		if ((c == '\r' || c == '\n') && (flags & CRYPTO_B64_NEWLINES))
			continue;
		if (c == '=' && (flags & CRYPTO_B64_PAD)) {
			npad++;
			continue;
		}
		if (npad > 0)
			goto bad;	/* data after padding */
		if ((x = sextet(c)) >= 0) {
			alpha = c == '-' || c == '_' ? 1 : 0;
		} else if ((c == '+' || c == '/') && (flags & CRYPTO_B64_STD)) {
			x = c == '+' ? 62 : 63;
			alpha = 2;
		} else {
			goto bad;
		}
		/* One alphabet per string. */
		if (alpha != 0) {
			if (seen != 0 && seen != alpha)
				goto bad;
			seen = alpha;
		}
		v = v << 6 | (uint32_t)x;
		bits += 6;
		nchars++;
		if (bits >= 8) {
			bits -= 8;
			if (o >= cap)
				goto bad;
			out[o++] = (uint8_t)(v >> bits);
			v &= (1u << bits) - 1;
		}
	}
	/* One leftover character would carry only 6 of 8 bits; padding
	 * completes a group of four or is absent. */
	if (nchars % 4 == 1 || npad > 2 ||
	    (npad > 0 && (nchars + npad) % 4 != 0))
		goto bad;
	/* The unused low bits of the last character must be zero. */
	if (v != 0)
		goto bad;
	*outlen = o;
	return 0;
bad:
	if (cap > 0)
		memset(out, 0, o < cap ? o : cap);
	return -1;
}

int
crypto_b64url_decode(const char *text, size_t len, uint8_t *out, size_t cap,
    size_t *outlen)
{
	return crypto_b64_decode(text, len, out, cap, outlen, 0);
}
