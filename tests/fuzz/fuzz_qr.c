/*
 * fuzz_qr.c - libFuzzer target for the QR provisioning JSON parser
 * (agent/provision/provision_qr.c and everything under it).
 *
 * Invariants: a rejected input leaves a cleared request and one line
 * "fieldPath: reason"; an accepted one validates, survives the store's
 * JSON form unchanged, and survives the NFC bump (NDEF build, parse)
 * with the same settings. Each input is tried without defaults and with
 * a default server that also allows coap://.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/provision/provision.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_error(const struct prov_request *r, const char *err)
{
	static const struct prov_request zero;

	if (err[0] == '\0' || strchr(err, '\n') != NULL ||
	    strstr(err, ": ") == NULL)
		abort();
	if (memcmp(r, &zero, sizeof(*r)) != 0)
		abort();
}

/* What an NFC bump cannot carry: where the settings came from. */
static void
normalize(struct prov_request *r)
{
	r->source = PROV_SRC_QR;
	r->server_from_defaults = false;
	memset(r->ignored, 0, sizeof(r->ignored));
	r->n_ignored = r->n_ignored_total = 0;
}

static void
check_accepted(struct prov_request *r, const struct prov_defaults *d)
{
	struct prov_request *back = malloc(sizeof(*back));
	bool nosec = d != NULL && d->allow_nosec;
	char err[512];
	uint8_t *msg;
	size_t len;
	char *json;

	if (back == NULL)
		abort();
	if (prov_request_validate(r, nosec, err, sizeof(err)) != 0)
		abort();
	if ((json = prov_request_to_json(r, true)) == NULL)
		abort();
	prov_secret_free(json, 0);
	if ((json = prov_request_to_json(r, false)) == NULL)
		abort();
	if (prov_request_from_json(json, strlen(json), nosec, back, err,
	    sizeof(err)) != 0 || memcmp(r, back, sizeof(*r)) != 0)
		abort();
	prov_secret_free(json, 0);
	if (prov_ndef_build(r, &msg, &len, err, sizeof(err)) == 0) {
		if (prov_from_ndef(msg, len, d, back, err, sizeof(err)) != 0)
			abort();
		normalize(r);
		normalize(back);
		if (memcmp(r, back, sizeof(*r)) != 0)
			abort();
		prov_secret_free(msg, len);
	}
	prov_request_clear(back);
	free(back);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prov_request *r = malloc(sizeof(*r));
	struct prov_defaults d;
	char err[512];
	int pass;

	if (r == NULL)
		abort();
	prov_defaults_init(&d);
	d.server_url = "https://default.example";
	d.has_server_pin = true;
	d.allow_nosec = true;
	for (pass = 0; pass < 2; pass++) {
		const struct prov_defaults *defs = pass ? &d : NULL;
		err[0] = '\0';
		if (prov_from_qr_text((const char *)data, size, defs, r, err,
		    sizeof(err)) != 0)
			check_error(r, err);
		else
			check_accepted(r, defs);
		prov_request_clear(r);
	}
	free(r);
	return 0;
}
