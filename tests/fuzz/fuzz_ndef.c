/*
 * fuzz_ndef.c - libFuzzer target for the NFC bump: NDEF message parsing
 * and the Properties payload under it (agent/provision/provision_ndef.c).
 *
 * Invariants: a rejected message leaves a cleared request and one line
 * "fieldPath: reason"; an accepted one validates and, rebuilt with
 * prov_ndef_build(), parses back to the same settings.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/provision/provision.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
drop_provenance(struct prov_request *r)
{
	r->server_from_defaults = false;
	memset(r->ignored, 0, sizeof(r->ignored));
	r->n_ignored = r->n_ignored_total = 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct prov_request zero;
	struct prov_request *r = malloc(sizeof(*r)), *back = malloc(sizeof(*r));
	struct prov_defaults d;
	char err[512] = "";
	uint8_t *msg;
	size_t len;

	if (r == NULL || back == NULL)
		abort();
	prov_defaults_init(&d);
	d.server_url = "coaps://default.example";
	d.binding = PROV_BINDING_LWM2M;
	d.has_server_pin = true;
	if (prov_from_ndef(data, size, &d, r, err, sizeof(err)) != 0) {
		if (err[0] == '\0' || strchr(err, '\n') != NULL ||
		    strstr(err, ": ") == NULL ||
		    memcmp(r, &zero, sizeof(*r)) != 0)
			abort();
		goto out;
	}
	if (r->source != PROV_SRC_NFC ||
	    prov_request_validate(r, false, err, sizeof(err)) != 0)
		abort();
	if (prov_ndef_build(r, &msg, &len, err, sizeof(err)) != 0)
		goto out; /* a payload can grow past the bound when escaped */
	if (prov_from_ndef(msg, len, &d, back, err, sizeof(err)) != 0)
		abort();
	drop_provenance(r);
	drop_provenance(back);
	if (memcmp(r, back, sizeof(*r)) != 0)
		abort();
	prov_secret_free(msg, len);
out:
	prov_request_clear(r);
	prov_request_clear(back);
	free(r);
	free(back);
	return 0;
}
