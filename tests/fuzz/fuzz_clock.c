/*
 * fuzz_clock.c - libFuzzer target for the test clock file parser and the
 * stored non-compliance record parser (agent/core/clock.c, noncompliance.c).
 * A clock that parses is within its bounds; a record that parses formats
 * back to itself, and counting on from it never loses time nor passes
 * the maximum; a rejection always says why.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "agent/core/clock.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_record(const char *text)
{
	struct noncompliance nc, again, next;
	struct clock_now now;
	char err[128], out[NONCOMPLIANCE_TEXT_MAX];

	err[0] = '\0';
	if (noncompliance_parse(text, &nc, err, sizeof(err)) != 0) {
		if (err[0] == '\0')
			abort();
		return;
	}
	if (nc.seconds < 0 || nc.seconds > NONCOMPLIANCE_SECONDS_MAX ||
	    noncompliance_format(&nc, out, sizeof(out)) != 0 ||
	    noncompliance_parse(out, &again, err, sizeof(err)) != 0 ||
	    nc.seconds != again.seconds || nc.at.wall != again.at.wall ||
	    nc.at.boot != again.at.boot ||
	    strcmp(nc.at.boot_id, again.at.boot_id) != 0)
		abort();
	memset(&now, 0, sizeof(now));
	now.wall = CLOCK_WALL_MAX;
	now.boot = 1;
	memcpy(now.boot_id, "x", 2);
	if (noncompliance_accrue(&nc, &now, &next) < 0 ||
	    next.seconds < nc.seconds ||
	    next.seconds > NONCOMPLIANCE_SECONDS_MAX)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct clock_now now;
	char err[128], *text;

	err[0] = '\0';
	if (clock_parse((const char *)data, size, &now, err,
	    sizeof(err)) == 0) {
		if (now.wall < 0 || now.wall > CLOCK_WALL_MAX || now.boot < 0 ||
		    now.boot > CLOCK_BOOT_MAX ||
		    !clock_boot_id_valid(now.boot_id))
			abort();
	} else if (err[0] == '\0') {
		abort();
	}
	if ((text = malloc(size + 1)) == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	check_record(text);
	free(text);
	return 0;
}
