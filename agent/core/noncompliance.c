/*
 * noncompliance.c - how long a setting has been non-compliant, counted
 * so that changing the clock neither postpones nor hastens a block or a
 * wipe (policyEnforcementRules).
 *
 * Each evaluation that finds the setting failing adds the time since
 * the previous one. Within a boot that is the boot clock's difference:
 * it never goes back, counts suspend, and ignores the wall clock
 * entirely, so neither setting the time back nor forward changes the
 * count. Across a reboot the boot clock starts again and only the wall
 * clock spans the gap; it is trusted within bounds: never negative (a
 * clock set back across a reboot credits nothing), at most one day
 * (NONCOMPLIANCE_REBOOT_MAX: a clock set forward across a reboot, or a
 * real-time clock that comes up in the future, must not wipe a device
 * at once; a wipe cannot be undone, so a long power-off counts late
 * rather than a wrong clock counting early), and never less than the
 * time since this boot, which is certain whatever the wall clock says.
 */
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "agent/core/clock.h"

static int64_t
credit(const struct noncompliance *prev, const struct clock_now *now)
{
	int64_t gap;

	if (strcmp(prev->at.boot_id, now->boot_id) == 0 &&
	    now->boot >= prev->at.boot)
		return now->boot - prev->at.boot;
	/* Another boot (or a boot clock that went back, which only a
	 * reboot explains). */
	gap = now->wall - prev->at.wall;
	if (gap < 0)
		gap = 0;
	if (gap > NONCOMPLIANCE_REBOOT_MAX)
		gap = NONCOMPLIANCE_REBOOT_MAX;
	return gap > now->boot ? gap : now->boot;
}

int64_t
noncompliance_accrue(const struct noncompliance *prev,
    const struct clock_now *now, struct noncompliance *next)
{
	int64_t add = 0, total = 0;

	if (prev != NULL) {
		add = credit(prev, now);
		total = prev->seconds;
	}
	if (total < 0)
		total = 0;
	total = add > NONCOMPLIANCE_SECONDS_MAX - total ?
	    NONCOMPLIANCE_SECONDS_MAX : total + add;
	next->seconds = total;
	next->at = *now;
	return add;
}

/* An integral number member in [0, max]. */
static int
get_int(const cJSON *v, int64_t max, int64_t *out)
{
	double x;

	if (!cJSON_IsNumber(v))
		return -1;
	x = v->valuedouble;
	/* NaN fails every comparison: the first test rejects it. */
	if (!(x >= 0 && x <= (double)max) || x != (double)(int64_t)x)
		return -1;
	*out = (int64_t)x;
	return 0;
}

int
noncompliance_parse(const char *text, struct noncompliance *out, char *err,
    size_t errlen)
{
	static const struct {
		const char *name;
		int64_t max;
	} ints[] = {
		{ "seconds", NONCOMPLIANCE_SECONDS_MAX },
		{ "boot", CLOCK_BOOT_MAX },
		{ "wall", CLOCK_WALL_MAX },
	};
	int64_t *dst[3];
	const cJSON *m;
	cJSON *doc;
	unsigned seen = 0;
	size_t i;
	int bit;

	if (strlen(text) > NONCOMPLIANCE_TEXT_MAX) {
		snprintf(err, errlen, "longer than %d bytes",
		    NONCOMPLIANCE_TEXT_MAX);
		return -1;
	}
	if ((doc = cJSON_ParseWithOpts(text, NULL, 1)) == NULL ||
	    !cJSON_IsObject(doc)) {
		snprintf(err, errlen, "not a JSON object");
		cJSON_Delete(doc);
		return -1;
	}
	memset(out, 0, sizeof(*out));
	dst[0] = &out->seconds;
	dst[1] = &out->at.boot;
	dst[2] = &out->at.wall;
	cJSON_ArrayForEach(m, doc) {
		const char *name = m->string;

		for (i = 0; i < 3 && strcmp(name, ints[i].name) != 0; i++)
			;
		bit = i < 3 ? (int)i : strcmp(name, "boot_id") == 0 ? 3 : -1;
		if (bit < 0) {
			snprintf(err, errlen, "%.32s: unknown member", name);
			goto bad;
		}
		if (seen & (1u << bit)) {
			snprintf(err, errlen, "%s: given twice", name);
			goto bad;
		}
		seen |= 1u << bit;
		if (bit < 3) {
			if (get_int(m, ints[i].max, dst[i]) != 0) {
				snprintf(err, errlen, "%s: not an integer in "
				    "[0, %lld]", name, (long long)ints[i].max);
				goto bad;
			}
		} else if (!cJSON_IsString(m) || (m->valuestring[0] != '\0' &&
		    !clock_boot_id_valid(m->valuestring))) {
			snprintf(err, errlen, "boot_id: not 0-%d letters, "
			    "digits or '-'", CLOCK_BOOT_ID_MAX);
			goto bad;
		} else {
			snprintf(out->at.boot_id, sizeof(out->at.boot_id), "%s",
			    m->valuestring);
		}
	}
	for (bit = 0; bit < 4; bit++)
		if (!(seen & (1u << bit))) {
			snprintf(err, errlen, "%s: missing",
			    bit < 3 ? ints[bit].name : "boot_id");
			goto bad;
		}
	cJSON_Delete(doc);
	return 0;
bad:
	cJSON_Delete(doc);
	return -1;
}

int
noncompliance_format(const struct noncompliance *nc, char *buf, size_t len)
{
	int n;

	/* The boot id needs no escaping: letters, digits and '-' only. */
	if (nc->at.boot_id[0] != '\0' && !clock_boot_id_valid(nc->at.boot_id))
		return -1;
	n = snprintf(buf, len, "{\"seconds\":%lld,\"boot_id\":\"%s\","
	    "\"boot\":%lld,\"wall\":%lld}", (long long)nc->seconds,
	    nc->at.boot_id, (long long)nc->at.boot, (long long)nc->at.wall);
	return n < 0 || (size_t)n >= len ? -1 : 0;
}
