/*
 * fuzz_config.c - wardend.conf parser (agent/core/config.c).
 */
#include <stdint.h>
#include <stdio.h>

#include "agent/core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c;
	char err[512];
	FILE *f;

	if (size == 0)
		return 0;
	/* fmemopen keeps its own view: data is never written. */
	if ((f = fmemopen((void *)(uintptr_t)data, size, "r")) == NULL)
		return 0;
	config_defaults(&c);
	config_load_stream(&c, f, "fuzz.conf", err, sizeof(err));
	fclose(f);
	return 0;
}
