/*
 * fuzz_qrimage.c - libFuzzer target for the picture decoder that
 * warden-qrdecode runs (agent/provision/provision_qrimage.c: PNG through libpng,
 * binary PGM, then zbar).
 * requires: CONFIG_QR_IMAGE
 *
 * Invariants: every input is answered 0 (text NUL-terminated, its
 * length as said), -2 (no code) or -1, with a reason in err unless 0.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/provision/provision.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char text[PROV_QR_MAX + 1], err[512];
	size_t len = 99;
	int rc;

	err[0] = '\0';
	rc = prov_qr_image_decode_buf("fuzz", (const char *)data, size, text,
	    sizeof(text), &len, err, sizeof(err));
	if (rc == 0) {
		if (len >= sizeof(text) || text[len] != '\0')
			abort();
	} else if ((rc != -1 && rc != -2) || err[0] == '\0') {
		abort();
	}
	return 0;
}
