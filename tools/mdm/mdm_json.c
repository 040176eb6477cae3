/*
 * mdm_json.c - JSON from outside, read strictly (cJSON accepts duplicate
 * member names and stray NUL bytes; this does not), plus the time and
 * duration formats of the protocol.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tools/mdm/mdm.h"
#include "profiles/rfc3339.h"

bool
mdm_utf8_valid(const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0;

	while (i < len) {
		unsigned char c = p[i];
		size_t n, k;
		uint32_t cp;

		if (c == 0)
			return false;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			n = 1;
			cp = c & 0x1f;
		} else if (c >= 0xe0 && c <= 0xef) {
			n = 2;
			cp = c & 0x0f;
		} else if (c >= 0xf0 && c <= 0xf4) {
			n = 3;
			cp = c & 0x07;
		} else {
			return false;
		}
		if (len - i <= n)
			return false;
		for (k = 1; k <= n; k++) {
			if ((p[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i + k] & 0x3f);
		}
		/* Overlong forms, surrogates, beyond U+10FFFF. */
		if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
			return false;
		i += n + 1;
	}
	return true;
}

static int
cmp_names(const void *a, const void *b)
{
	const char *const *x = a, *const *y = b;

	return strcmp(*x, *y);
}

/*
 * Sorting the names makes the check O(n log n) per object: a hostile body
 * of a million members must not cost a million squared comparisons.
 */
static int
check_duplicates(const cJSON *v, char *err, size_t errlen)
{
	const cJSON *c;
	const char **names;
	size_t n = 0, i;

	if (!cJSON_IsObject(v) && !cJSON_IsArray(v))
		return 0;
	for (c = v->child; c != NULL; c = c->next) {
		if (check_duplicates(c, err, errlen) != 0)
			return -1;
		n++;
	}
	if (!cJSON_IsObject(v) || n < 2)
		return 0;
	if ((names = malloc(n * sizeof(*names))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (i = 0, c = v->child; c != NULL; c = c->next)
		names[i++] = c->string;
	qsort(names, n, sizeof(*names), cmp_names);
	for (i = 1; i < n; i++) {
		if (strcmp(names[i - 1], names[i]) == 0) {
			snprintf(err, errlen, "duplicate member \"%.64s\"",
			    names[i]);
			free(names);
			return -1;
		}
	}
	free(names);
	return 0;
}

int
mdm_json_parse(const char *buf, size_t len, cJSON **out, char *err,
    size_t errlen)
{
	const char *end = NULL;
	char *copy;
	cJSON *v;

	*out = NULL;
	if (len > MDM_BODY_MAX) {
		snprintf(err, errlen, "larger than %d bytes", MDM_BODY_MAX);
		return -1;
	}
	if (!mdm_utf8_valid(buf, len)) {
		snprintf(err, errlen, "not UTF-8 text (or a NUL byte)");
		return -1;
	}
	/* cJSON wants the terminating NUL inside the length it is given. */
	if ((copy = malloc(len + 1)) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memcpy(copy, buf, len);
	copy[len] = '\0';
	v = cJSON_ParseWithLengthOpts(copy, len + 1, &end, 1);
	if (v == NULL) {
		size_t at = end != NULL && end >= copy ? (size_t)(end - copy) :
		    0;
		snprintf(err, errlen, "not valid JSON (near byte %zu)", at);
		free(copy);
		return -1;
	}
	free(copy);
	if (check_duplicates(v, err, errlen) != 0) {
		cJSON_Delete(v);
		return -1;
	}
	*out = v;
	return 0;
}

int
mdm_json_only(const cJSON *obj, const char *const *allowed,
    const char *where, char *err, size_t errlen)
{
	const cJSON *c;
	const char *const *a;

	for (c = obj->child; c != NULL; c = c->next) {
		for (a = allowed; *a != NULL; a++)
			if (strcmp(*a, c->string) == 0)
				break;
		if (*a == NULL) {
			snprintf(err, errlen, "%s%s%.64s: unknown field", where,
			    where[0] != '\0' ? "." : "", c->string);
			return -1;
		}
	}
	return 0;
}

char *
mdm_json_print(const cJSON *v)
{
	return cJSON_PrintUnformatted(v);
}

void
mdm_time_format(time_t t, char out[MDM_TIME_LEN])
{
	rfc3339_format((int64_t)t, out, MDM_TIME_LEN);
}

int
mdm_duration_parse(const char *s, int64_t *secs)
{
	size_t n = strlen(s), i;
	int64_t v = 0;

	if (n > 0 && s[n - 1] == 's')
		n--;
	if (n == 0 || n > 9)
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	if (v < 1 || v > MDM_DURATION_MAX)
		return -1;
	*secs = v;
	return 0;
}

static bool
version_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
}

int
mdm_policy_version(const cJSON *v, char out[MDM_VERSION_MAX + 1], char *err,
    size_t errlen)
{
	size_t i, n;

	if (v == NULL) {
		snprintf(out, MDM_VERSION_MAX + 1, "0");
		return 0;
	}
	if (cJSON_IsNumber(v)) {
		double d = v->valuedouble;
		if (d < 0 || d > 9007199254740992.0 || d != (double)(int64_t)d) {
			snprintf(err, errlen,
			    "version: not an integer from 0 to 2^53");
			return -1;
		}
		snprintf(out, MDM_VERSION_MAX + 1, "%" PRId64, (int64_t)d);
		return 0;
	}
	if (!cJSON_IsString(v)) {
		snprintf(err, errlen, "version: not a number or a string");
		return -1;
	}
	n = strlen(v->valuestring);
	if (n == 0 || n > MDM_VERSION_MAX) {
		snprintf(err, errlen, "version: not 1 to %d characters",
		    MDM_VERSION_MAX);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (!version_char(v->valuestring[i])) {
			snprintf(err, errlen, "version: character %zu is not "
			    "one of A-Z a-z 0-9 . _ -", i + 1);
			return -1;
		}
	}
	memcpy(out, v->valuestring, n + 1);
	return 0;
}

bool
mdm_take_json_flag(int *argc, char **argv)
{
	bool found = false;
	int i, j;

	for (i = j = 0; i < *argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			found = true;
		else
			argv[j++] = argv[i];
	}
	*argc = j;
	argv[j] = NULL;
	return found;
}

int
mdm_print_json(cJSON *root)
{
	char *text = root != NULL ? cJSON_Print(root) : NULL;

	cJSON_Delete(root);
	if (text == NULL)
		return -1;
	printf("%s\n", text);
	free(text);
	return 0;
}
