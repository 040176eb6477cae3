/*
 * fuzz_rfc3339.c - libFuzzer target for the one RFC 3339 parser
 * (profiles/rfc3339.c), under each set of flags its callers use.
 *
 * Invariants: an accepted time lies in years 1970..9999 (give or take a
 * day's offset), the strict form is accepted by the lax one too, and an
 * accepted time formats back to a string the parser accepts with the
 * same value (to the second, UTC) while it stays within those years.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "profiles/rfc3339.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned flags[] = { 0, RFC3339_DATE_OK,
		RFC3339_NO_OFFSET_OK, RFC3339_DATE_OK | RFC3339_NO_OFFSET_OK };
	char *s, back[RFC3339_LEN];
	int64_t t, lax, again;
	size_t i;

	if (size > 64)
		return 0;
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		if (rfc3339_parse(s, flags[i], &t) != 0)
			continue;
		if (t < -86400 || t > 253402300799LL + 86400)
			abort();
		if (rfc3339_parse(s, RFC3339_DATE_OK | RFC3339_NO_OFFSET_OK,
		    &lax) != 0 || lax != t)
			abort();
		if (t >= 0 && t <= 253402300799LL) {
			rfc3339_format(t, back, sizeof(back));
			if (rfc3339_parse(back, 0, &again) != 0 || again != t)
				abort();
		}
	}
	free(s);
	return 0;
}
