/*
 * fuzz_provfiles.c - the image's provisioning files: the afw# token
 * directory (agent/provision/provision_token.c) and the zero-touch file
 * (agent/provision/provision_zerotouch.c). The first input byte chooses the parser
 * and, for the token directory, which id is looked up.
 *
 * Invariant: a rejected input leaves one line "fieldPath: reason" and a
 * cleared request; an accepted one validates.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/provision/provision.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const ids[] = { "afw#acme", "afw#globex.kiosk",
		"afw#initech-lw", "afw#nosuch" };
	static const struct prov_request zero;
	struct prov_defaults defs;
	struct prov_request req;
	char err[512];
	int rc;

	if (size < 1)
		return 0;
	prov_defaults_init(&defs);
	err[0] = '\0';
	if (data[0] & 0x80)
		rc = prov_from_zerotouch_text((const char *)data + 1, size - 1,
		    &defs, &req, err, sizeof(err));
	else
		rc = prov_from_tokendir_text((const char *)data + 1, size - 1,
		    ids[data[0] & 3], "123456", &defs, &req, err, sizeof(err));
	if (rc != 0) {
		if (err[0] == '\0' || strchr(err, '\n') != NULL ||
		    memcmp(&req, &zero, sizeof(req)) != 0)
			abort();
		return 0;
	}
	if (prov_request_validate(&req, true, err, sizeof(err)) != 0)
		abort();
	prov_request_clear(&req);
	return 0;
}
