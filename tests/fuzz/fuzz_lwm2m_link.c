/*
 * fuzz_lwm2m_link.c - the CoRE link format reader
 * (agent/transport/lwm2m/lwm2m_link.c).
 * requires: CONFIG_TRANSPORT_LWM2M
 *
 * Invariants: an accepted text has 1 to LWM2M_LINKS_MAX links of bounded
 * targets and attributes, and is written back byte for byte; a refused
 * one yields no links.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/transport/lwm2m/lwm2m_content.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct lwm2m_link links[LWM2M_LINKS_MAX];
	char err[LWM2M_ERR_MAX], *copy, *out;
	size_t n, len, i, k;

	if (size > 32768)
		return 0;
	if ((copy = malloc(size + 1)) == NULL)
		abort();
	memcpy(copy, data, size);
	if (lwm2m_link_decode(copy, size, links, LWM2M_LINKS_MAX, &n, err,
	    sizeof(err)) != 0) {
		if (n != 0)
			abort();
		free(copy);
		return 0;
	}
	if (n == 0 || n > LWM2M_LINKS_MAX)
		abort();
	for (i = 0; i < n; i++) {
		if (strlen(links[i].target) > LWM2M_NAME_MAX ||
		    links[i].nattr > LWM2M_LINK_ATTRS)
			abort();
		for (k = 0; k < links[i].nattr; k++)
			if (strlen(links[i].attr[k].name) >
			    LWM2M_ATTR_NAME_MAX ||
			    strlen(links[i].attr[k].value) >
			    LWM2M_ATTR_VALUE_MAX)
				abort();
	}
	if (lwm2m_link_encode(links, n, &out, &len) != 0 || len != size ||
	    memcmp(out, data, size) != 0)
		abort();
	free(out);
	free(copy);
	return 0;
}
