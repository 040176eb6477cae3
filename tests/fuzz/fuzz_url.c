/*
 * fuzz_url.c - libFuzzer target for the one URL parser (agent/core/url.c).
 *
 * Invariants: a refusal gives a reason; an accepted URL has a known
 * scheme, a non-empty host within bounds that holds only what the parser
 * allows, a port 1..65535, a path without '?', '#', '%' or a trailing
 * '/', and its authority formats within bounds.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/core/url.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, err[128], auth[URL_HOST_MAX + 16];
	struct url u;
	size_t n;

	if (size > URL_MAX + 16 || (s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	/* Web addresses: the host and port are checked the same. */
	if (url_parse(s, URL_WEB, &u, err, sizeof(err)) == 0 &&
	    (strlen(u.host) == 0 || u.port == 0 || u.path[0] != '\0'))
		abort();
	err[0] = '\0';
	if (url_parse(s, 0, &u, err, sizeof(err)) != 0) {
		if (err[0] == '\0')
			abort();
		free(s);
		return 0;
	}
	n = strlen(u.host);
	if (u.scheme < URL_HTTPS || u.scheme > URL_COAP || n == 0 ||
	    n > URL_HOST_MAX || u.port == 0 ||
	    strlen(u.path) > URL_PATH_MAX ||
	    strpbrk(u.path, "?#%") != NULL ||
	    (u.path[0] != '\0' && u.path[strlen(u.path) - 1] == '/'))
		abort();
	if (strspn(u.host, u.ipv6 ? "0123456789abcdefABCDEF:." :
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
	    != n)
		abort();
	url_authority(&u, auth, sizeof(auth));
	if (strlen(auth) >= sizeof(auth) - 1)
		abort();
	free(s);
	return 0;
}
