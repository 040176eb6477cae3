/*
 * fuzz_properties.c - libFuzzer target for the java.util.Properties
 * reader (agent/provision/provision_properties.c), alone and as a provisioning
 * input.
 *
 * Invariants: every parsed key and value is valid UTF-8 without NUL, of
 * the stated length, no key repeats, there are at most
 * PROV_PROPS_ENTRIES of them and decoding never grew the text; a
 * rejected input leaves nothing allocated and one line of error.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/provision/provision.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_props(const struct prov_props *p, size_t size)
{
	size_t i, j, total = 0;

	if (p->n > PROV_PROPS_ENTRIES)
		abort();
	for (i = 0; i < p->n; i++) {
		if (strlen(p->e[i].key) != p->e[i].klen ||
		    strlen(p->e[i].val) != p->e[i].vlen ||
		    prov_utf8_check(p->e[i].key, p->e[i].klen) != p->e[i].klen ||
		    prov_utf8_check(p->e[i].val, p->e[i].vlen) != p->e[i].vlen)
			abort();
		for (j = 0; j < i; j++)
			if (p->e[j].klen == p->e[i].klen &&
			    memcmp(p->e[j].key, p->e[i].key, p->e[i].klen) == 0)
				abort();
		total += p->e[i].klen + p->e[i].vlen;
	}
	if (total > size)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct prov_request zero;
	struct prov_request *r = malloc(sizeof(*r));
	struct prov_props p;
	char err[512] = "";

	if (r == NULL)
		abort();
	if (prov_props_parse((const char *)data, size, "properties", &p, err,
	    sizeof(err)) == 0) {
		check_props(&p, size);
		prov_props_free(&p);
	} else if (p.arena != NULL || p.n != 0 || err[0] == '\0' ||
	    strchr(err, '\n') != NULL)
		abort();
	err[0] = '\0';
	if (prov_from_properties((const char *)data, size, NULL, r, err,
	    sizeof(err)) == 0) {
		if (prov_request_validate(r, false, err, sizeof(err)) != 0)
			abort();
	} else if (err[0] == '\0' || strchr(err, '\n') != NULL ||
	    memcmp(r, &zero, sizeof(*r)) != 0)
		abort();
	prov_request_clear(r);
	free(r);
	return 0;
}
