/*
 * fuzz_b64url.c - libFuzzer target for the one base64 codec
 * (crypto/b64url.c), under every combination of its decoder's flags.
 *
 * Invariants: an accepted string decodes to at most 3/4 of its length;
 * the decoded bytes encode to a string the strict decoder reads back to
 * the same bytes; and a string the strict decoder accepts is exactly
 * that encoding (one encoding per byte string).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t out[768], again[768];
	char text[1100];
	size_t n, m;
	unsigned flags;

	if (size > 1024)
		return 0;
	for (flags = 0; flags < 8; flags++) {
		if (crypto_b64_decode((const char *)data, size, out,
		    sizeof(out), &n, flags) != 0)
			continue;
		if (n > size / 4 * 3 + 2)
			abort();
		if (crypto_b64url_encode(out, n, text, sizeof(text)) != 0 ||
		    crypto_b64url_decode(text, strlen(text), again,
		    sizeof(again), &m) != 0 || m != n ||
		    memcmp(out, again, n) != 0)
			abort();
		if (flags == 0 && (strlen(text) != size ||
		    memcmp(text, data, size) != 0))
			abort();
	}
	return 0;
}
