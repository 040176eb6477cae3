/*
 * base64url.c - strict URL-safe base64 (see base64url.h).
 */
#include <string.h>

#include "agent/base64url.h"

static const char b64url_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/* Alphabet a character belongs to, for the one-alphabet rule. */
#define ALPHA_BOTH 0
#define ALPHA_URL 1
#define ALPHA_STD 2

/* Value of c in either alphabet, or -1; *alpha tells which one. */
static int
b64_value(char c, int *alpha)
{
	*alpha = ALPHA_BOTH;
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-' || c == '_') {
		*alpha = ALPHA_URL;
		return c == '-' ? 62 : 63;
	}
	if (c == '+' || c == '/') {
		*alpha = ALPHA_STD;
		return c == '+' ? 62 : 63;
	}
	return -1;
}

int
base64url_decode(const char *in, size_t len, uint8_t *out, size_t cap,
    size_t *outlen, int flags)
{
	uint32_t acc = 0;
	size_t n = 0, i, nchars = 0, npad = 0;
	int bits = 0, seen_alpha = ALPHA_BOTH;

	*outlen = 0;
	for (i = 0; i < len; i++) {
		char c = in[i];
		int v, alpha;

		if ((c == '\r' || c == '\n') && (flags & BASE64URL_NEWLINES))
			continue;
		if (c == '=') {
			npad++;
			continue;
		}
		if (npad > 0)
			goto bad; /* data after padding */
		if ((v = b64_value(c, &alpha)) < 0)
			goto bad;
		if (alpha == ALPHA_STD && !(flags & BASE64URL_STD))
			goto bad;
		if (alpha != ALPHA_BOTH) {
			if (seen_alpha != ALPHA_BOTH && seen_alpha != alpha)
				goto bad;
			seen_alpha = alpha;
		}
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		nchars++;
		if (bits >= 8) {
			bits -= 8;
			if (n >= cap)
				goto bad;
			out[n++] = (uint8_t)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	/* A lone trailing character carries less than a byte. */
	if (nchars % 4 == 1)
		goto bad;
	if (npad > 0 && (nchars + npad) % 4 != 0)
		goto bad;
	if (npad > 2)
		goto bad;
	/* Canonical encodings leave the unused low bits zero. */
	if (acc != 0)
		goto bad;
	*outlen = n;
	return 0;
bad:
	if (cap > 0)
		memset(out, 0, n < cap ? n : cap);
	*outlen = 0;
	return -1;
}

size_t
base64url_encoded_len(size_t len)
{
	return len / 3 * 4 + (len % 3 == 0 ? 0 : len % 3 + 1);
}

int
base64url_encode(const uint8_t *in, size_t len, char *out, size_t cap)
{
	size_t need = base64url_encoded_len(len), i, o = 0;
	uint32_t acc = 0;
	int bits = 0;

	if (cap == 0)
		return -1;
	if (need + 1 > cap) {
		out[0] = '\0';
		return -1;
	}
	for (i = 0; i < len; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 6) {
			bits -= 6;
			out[o++] = b64url_chars[(acc >> bits) & 0x3f];
		}
		acc &= (1u << bits) - 1;
	}
	if (bits > 0)
		out[o++] = b64url_chars[(acc << (6 - bits)) & 0x3f];
	out[o] = '\0';
	return (int)o;
}
