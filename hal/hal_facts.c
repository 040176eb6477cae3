/*
 * hal_facts.c - the fixed-size fact set backends fill and scanners read.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "hal/hal.h"

/*
 * Returns the slot for `name`: the existing fact of that name (a backend
 * that reads a fact twice keeps the last value) or a new one.
 */
static struct hal_fact *
slot(struct hal_facts *fs, const char *name)
{
	struct hal_fact *f;
	size_t i;

	if (strlen(name) >= HAL_FACT_NAME_MAX)
		return NULL;
	for (i = 0; i < fs->n; i++) {
		if (strcmp(fs->f[i].name, name) == 0) {
			f = &fs->f[i];
			memset(f, 0, sizeof(*f));
			strcpy(f->name, name);
			return f;
		}
	}
	if (fs->n >= HAL_FACTS_MAX)
		return NULL;
	f = &fs->f[fs->n++];
	memset(f, 0, sizeof(*f));
	strcpy(f->name, name);
	return f;
}

int
hal_fact_bool(struct hal_facts *fs, const char *name, bool v)
{
	struct hal_fact *f = slot(fs, name);

	if (f == NULL)
		return -ENOSPC;
	f->type = HAL_FACT_BOOL;
	f->b = v;
	return 0;
}

int
hal_fact_int(struct hal_facts *fs, const char *name, int64_t v)
{
	struct hal_fact *f = slot(fs, name);

	if (f == NULL)
		return -ENOSPC;
	f->type = HAL_FACT_INT64;
	f->i = v;
	return 0;
}

int
hal_fact_double(struct hal_facts *fs, const char *name, double v)
{
	struct hal_fact *f = slot(fs, name);

	if (f == NULL)
		return -ENOSPC;
	f->type = HAL_FACT_DOUBLE;
	f->d = v;
	return 0;
}

int
hal_fact_str(struct hal_facts *fs, enum hal_fact_type type, const char *name,
    const char *v)
{
	struct hal_fact *f;

	if (type != HAL_FACT_STRING && type != HAL_FACT_DATETIME &&
	    type != HAL_FACT_VERSION)
		return -EINVAL;
	if ((f = slot(fs, name)) == NULL)
		return -ENOSPC;
	f->type = type;
	/* Longer values are cut, never overflowed: facts are for display
	 * and comparison, and no fact we read is longer in practice. */
	snprintf(f->s, sizeof(f->s), "%s", v);
	return 0;
}

const struct hal_fact *
hal_fact_find(const struct hal_facts *fs, const char *name)
{
	size_t i;

	for (i = 0; i < fs->n; i++)
		if (strcmp(fs->f[i].name, name) == 0)
			return &fs->f[i];
	return NULL;
}

void
hal_fact_format(const struct hal_fact *f, char *buf, size_t len)
{
	switch (f->type) {
	case HAL_FACT_BOOL:
		snprintf(buf, len, "%s", f->b ? "true" : "false");
		break;
	case HAL_FACT_INT64:
		snprintf(buf, len, "%" PRId64, f->i);
		break;
	case HAL_FACT_DOUBLE:
		snprintf(buf, len, "%g", f->d);
		break;
	default:
		snprintf(buf, len, "%s", f->s);
		break;
	}
}

const char *
hal_fact_type_name(enum hal_fact_type t)
{
	switch (t) {
	case HAL_FACT_BOOL:
		return "Boolean";
	case HAL_FACT_INT64:
		return "Int64";
	case HAL_FACT_DOUBLE:
		return "Double";
	case HAL_FACT_STRING:
		return "String";
	case HAL_FACT_DATETIME:
		return "DateTime";
	case HAL_FACT_VERSION:
		return "Version";
	}
	return "Unknown";
}
