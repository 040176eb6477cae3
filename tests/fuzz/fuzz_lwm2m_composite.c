/*
 * fuzz_lwm2m_composite.c - the path lists of composite requests
 * (lwm2m_senml_paths() in agent/transport/lwm2m/lwm2m_senml.c,
 * lwm2m_senml_cbor_paths() in lwm2m_senml_cbor.c). Bit 0 of the first
 * input byte picks the format (1: CBOR), the rest is the payload.
 * requires: CONFIG_TRANSPORT_LWM2M
 *
 * Invariants: at most the paths asked for, each of 1 to 4 ids; a failed
 * parse returns no paths and says why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/transport/lwm2m/lwm2m_content.h"

#define PATHS_MAX 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lwm2m_path paths[PATHS_MAX];
	char err[LWM2M_ERR_MAX] = "";
	uint8_t *copy;
	size_t n = 99, i, len;
	int rc;

	if (size < 1 || size > 16384)
		return 0;
	len = size - 1;
	if ((copy = malloc(len + 1)) == NULL)
		abort();
	memcpy(copy, data + 1, len);
	rc = data[0] & 1 ?
	    lwm2m_senml_cbor_paths(copy, len, paths, PATHS_MAX, &n, err,
	    sizeof(err)) :
	    lwm2m_senml_paths(copy, len, paths, PATHS_MAX, &n, err, sizeof(err));
	if (rc != 0) {
		if (n != 0 || err[0] == '\0')
			abort();
	} else {
		if (n == 0 || n > PATHS_MAX)
			abort();
		for (i = 0; i < n; i++)
			if (paths[i].len < 1 || paths[i].len > 4)
				abort();
	}
	free(copy);
	return 0;
}
