/*
 * policy_json.c - fieldPaths, error collection and typed readers over
 * cJSON items for the policy parser (see policy_json.h).
 *
 * Every reader is strict: the JSON type must be the one the field has in
 * AMAPI (a number is never accepted for a string and the reverse, except
 * for int64 fields, which AMAPI encodes as strings), and the value must
 * lie in the documented range.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profiles/policy_json.h"

/*
 * From 2^53 on, a JSON number read as a double may have been rounded
 * (9007199254740993 reads as ...992): such values must come as strings.
 */
#define EXACT_INT_LIMIT 9007199254740992.0

#define KEY_SHOWN_MAX 64

/* ------------------------------------------------------------------ */
/* fieldPaths                                                          */
/* ------------------------------------------------------------------ */

static bool
path_full(const char *buf, size_t n)
{
	return n >= 3 && strcmp(buf + n - 3, "...") == 0;
}

/* Appends text; on overflow ends the path with "..." and stops there. */
static void
path_append(char *buf, size_t size, const char *text, size_t tlen)
{
	size_t n = strlen(buf);

	if (path_full(buf, n))
		return;
	if (n + tlen + 1 <= size) {
		memcpy(buf + n, text, tlen);
		buf[n + tlen] = '\0';
		return;
	}
	if (size < 4)
		return;
	n = size - 4 < n ? size - 4 : n;
	if (n + tlen > size - 4) {
		size_t room = size - 4 - n;
		memcpy(buf + n, text, room);
		n += room;
	}
	memcpy(buf + n, "...", 4);
}

static bool
key_char_ok(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '$' || c == '@' ||
	    c == '-';
}

void
policy_path_key(char *buf, size_t size, const char *key, size_t keylen)
{
	char tmp[KEY_SHOWN_MAX + 5];
	size_t i, n = 0;

	if (buf[0] != '\0')
		tmp[n++] = '.';
	for (i = 0; i < keylen && i < KEY_SHOWN_MAX; i++)
		tmp[n++] = key_char_ok((unsigned char)key[i]) ? key[i] : '?';
	if (keylen > KEY_SHOWN_MAX) {
		memcpy(tmp + n, "...", 3);
		n += 3;
	}
	path_append(buf, size, tmp, n);
}

void
policy_path_index(char *buf, size_t size, size_t i)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "[%zu]", i);

	path_append(buf, size, tmp, (size_t)n);
}

size_t
policy_json_push_key(struct policy_json *pj, const char *key)
{
	size_t old = strlen(pj->path);

	policy_path_key(pj->path, sizeof(pj->path), key, strlen(key));
	return old;
}

size_t
policy_json_push_index(struct policy_json *pj, size_t i)
{
	size_t old = strlen(pj->path);

	policy_path_index(pj->path, sizeof(pj->path), i);
	return old;
}

void
policy_json_pop(struct policy_json *pj, size_t len)
{
	if (len < sizeof(pj->path))
		pj->path[len] = '\0';
}

/* ------------------------------------------------------------------ */
/* Errors and unsupported fields                                        */
/* ------------------------------------------------------------------ */

static void
add_error(struct policy_json *pj, const char *path, const char *fmt,
    va_list ap)
{
	struct policy_error *e;

	pj->nerr++;
	if (pj->errs->n >= POLICY_ERRORS_MAX) {
		pj->errs->more++;
		return;
	}
	e = &pj->errs->e[pj->errs->n++];
	snprintf(e->field_path, sizeof(e->field_path), "%s", path);
	vsnprintf(e->reason, sizeof(e->reason), fmt, ap);
}

void
policy_json_error(struct policy_json *pj, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_error(pj, pj->path, fmt, ap);
	va_end(ap);
}

void
policy_json_error_at(struct policy_json *pj, const char *sub,
    const char *fmt, ...)
{
	va_list ap;
	size_t old = policy_json_push_key(pj, sub);

	va_start(ap, fmt);
	add_error(pj, pj->path, fmt, ap);
	va_end(ap);
	policy_json_pop(pj, old);
}

void
policy_json_unsupported(struct policy_json *pj)
{
	struct policy *p = pj->p;

	if (p->nunsupported >= POLICY_UNSUPPORTED_MAX) {
		p->unsupported_dropped++;
		return;
	}
	if (p->unsupported == NULL) {
		p->unsupported = calloc(POLICY_UNSUPPORTED_MAX,
		    sizeof(*p->unsupported));
		if (p->unsupported == NULL) {
			policy_json_error(pj, "out of memory");
			return;
		}
	}
	snprintf(p->unsupported[p->nunsupported].field_path,
	    sizeof(p->unsupported[0].field_path), "%s", pj->path);
	p->unsupported[p->nunsupported].src = 1;
	p->nunsupported++;
}

/* ------------------------------------------------------------------ */
/* Typed readers                                                        */
/* ------------------------------------------------------------------ */

const char *
policy_json_type(const cJSON *it)
{
	if (cJSON_IsString(it))
		return "a string";
	if (cJSON_IsNumber(it))
		return "a number";
	if (cJSON_IsBool(it))
		return "a boolean";
	if (cJSON_IsArray(it))
		return "an array";
	if (cJSON_IsObject(it))
		return "an object";
	if (cJSON_IsNull(it))
		return "null";
	return "an invalid value";
}

/* Reads an integral JSON number into *v; -1 (error raised) otherwise. */
static int
exact_int(struct policy_json *pj, const cJSON *it, int64_t *v)
{
	double d = it->valuedouble;

	if (!isfinite(d) || d != floor(d)) {
		policy_json_error(pj, "must be an integer");
		return -1;
	}
	if (d >= EXACT_INT_LIMIT || d <= -EXACT_INT_LIMIT) {
		policy_json_error(pj, "is too large for a JSON number; "
		    "send it as a string");
		return -1;
	}
	*v = (int64_t)d;
	return 0;
}

int
policy_json_int(struct policy_json *pj, const cJSON *it, int min, int max,
    int *out)
{
	int64_t v;

	if (!cJSON_IsNumber(it)) {
		policy_json_error(pj, "must be an integer, not %s",
		    policy_json_type(it));
		return -1;
	}
	if (exact_int(pj, it, &v) != 0)
		return -1;
	if (v < min || v > max) {
		policy_json_error(pj, "%lld is out of range (%d..%d)",
		    (long long)v, min, max);
		return -1;
	}
	*out = (int)v;
	return 0;
}

/* Strict decimal: optional '-', digits, no sign '+', no spaces. */
static int
parse_dec64(const char *s, int64_t *v)
{
	const char *p = s;
	bool neg = false;
	uint64_t acc = 0, lim;

	if (*p == '-') {
		neg = true;
		p++;
	}
	if (*p == '\0')
		return -1;
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		if (acc > (lim - (uint64_t)(*p - '0')) / 10)
			return -1;
		acc = acc * 10 + (uint64_t)(*p - '0');
	}
	if (neg)
		*v = acc == (uint64_t)INT64_MAX + 1 ? INT64_MIN :
		    -(int64_t)acc;
	else
		*v = (int64_t)acc;
	return 0;
}

int
policy_json_int64(struct policy_json *pj, const cJSON *it, int64_t min,
    int64_t max, int64_t *out)
{
	int64_t v;

	if (cJSON_IsString(it)) {
		if (parse_dec64(it->valuestring, &v) != 0) {
			policy_json_error(pj, "must be a decimal integer");
			return -1;
		}
	} else if (cJSON_IsNumber(it)) {
		if (exact_int(pj, it, &v) != 0)
			return -1;
	} else {
		policy_json_error(pj, "must be an integer, not %s",
		    policy_json_type(it));
		return -1;
	}
	if (v < min || v > max) {
		policy_json_error(pj, "%lld is out of range (%lld..%lld)",
		    (long long)v, (long long)min, (long long)max);
		return -1;
	}
	*out = v;
	return 0;
}

int
policy_json_bool(struct policy_json *pj, const cJSON *it, bool *out)
{
	if (!cJSON_IsBool(it)) {
		policy_json_error(pj, "must be a boolean, not %s",
		    policy_json_type(it));
		return -1;
	}
	*out = cJSON_IsTrue(it);
	return 0;
}

int
policy_json_tristate(struct policy_json *pj, const cJSON *it,
    enum policy_tristate *out)
{
	bool b;

	if (policy_json_bool(pj, it, &b) != 0)
		return -1;
	*out = b ? POLICY_TRUE : POLICY_FALSE;
	return 0;
}

int
policy_json_string(struct policy_json *pj, const cJSON *it, size_t minlen,
    size_t maxlen, char *out, size_t outsz)
{
	const unsigned char *s;
	size_t n;

	if (!cJSON_IsString(it)) {
		policy_json_error(pj, "must be a string, not %s",
		    policy_json_type(it));
		return -1;
	}
	s = (const unsigned char *)it->valuestring;
	n = strlen(it->valuestring);
	if (n < minlen || n > maxlen) {
		if (minlen > 0 && n == 0)
			policy_json_error(pj, "must not be empty");
		else
			policy_json_error(pj, "is %zu bytes long, allowed "
			    "%zu..%zu", n, minlen, maxlen);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] < 0x20 || s[i] == 0x7f) {
			policy_json_error(pj, "holds a control character");
			return -1;
		}
	}
	if (n + 1 > outsz) {
		policy_json_error(pj, "is too long");
		return -1;
	}
	memcpy(out, s, n + 1);
	return 0;
}

/* The value as shown in a message: printable ASCII, cut at 40 bytes. */
static void
shown(const char *s, char *buf, size_t len)
{
	size_t i, n = 0;

	for (i = 0; s[i] != '\0' && n + 4 < len && i < 40; i++) {
		unsigned char c = (unsigned char)s[i];
		buf[n++] = c >= 0x20 && c < 0x7f && c != '"' ? (char)c : '?';
	}
	if (s[i] != '\0' && n + 4 <= len) {
		memcpy(buf + n, "...", 3);
		n += 3;
	}
	buf[n] = '\0';
}

int
policy_json_enum(struct policy_json *pj, const cJSON *it,
    const struct policy_enum *t, int *out)
{
	char tmp[48];

	if (!cJSON_IsString(it)) {
		policy_json_error(pj, "must be an enum string, not %s",
		    policy_json_type(it));
		return -1;
	}
	if (policy_enum_value(t, it->valuestring, out) != 0) {
		shown(it->valuestring, tmp, sizeof(tmp));
		policy_json_error(pj, "unknown value \"%s\"", tmp);
		return -1;
	}
	return 0;
}

int
policy_json_duration(struct policy_json *pj, const cJSON *it, int64_t max,
    int64_t *out)
{
	const char *s, *p;
	int64_t secs = 0;
	bool frac = false;
	int nfrac = 0;

	if (!cJSON_IsString(it)) {
		policy_json_error(pj, "must be a duration string like "
		    "\"3600s\", not %s", policy_json_type(it));
		return -1;
	}
	s = it->valuestring;
	for (p = s; *p >= '0' && *p <= '9'; p++) {
		if (secs > (INT64_MAX - 9) / 10)
			goto bad;
		secs = secs * 10 + (*p - '0');
	}
	if (p == s)
		goto bad;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++, nfrac++)
			if (*p != '0')
				frac = true;
		if (nfrac == 0 || nfrac > 9)
			goto bad;
	}
	if (p[0] != 's' || p[1] != '\0')
		goto bad;
	if (frac)
		secs++;
	if (secs > max) {
		policy_json_error(pj, "%llds is out of range (0..%llds)",
		    (long long)secs, (long long)max);
		return -1;
	}
	*out = secs;
	return 0;
bad:
	policy_json_error(pj, "must be a duration like \"3600s\"");
	return -1;
}

/* ------------------------------------------------------------------ */
/* Objects and arrays                                                   */
/* ------------------------------------------------------------------ */

int
policy_json_object(struct policy_json *pj, const cJSON *obj,
    const struct policy_json_field *fields, void *dst)
{
	const cJSON *m;
	size_t before = pj->nerr;

	if (!cJSON_IsObject(obj)) {
		policy_json_error(pj, "must be an object, not %s",
		    policy_json_type(obj));
		return -1;
	}
	for (m = obj->child; m != NULL; m = m->next) {
		const struct policy_json_field *f;
		size_t old;

		if (cJSON_IsNull(m))
			continue;
		old = policy_json_push_key(pj, m->string);
		for (f = fields; f->name != NULL; f++)
			if (strcmp(f->name, m->string) == 0)
				break;
		if (f->name != NULL)
			(void)f->fn(pj, m, dst);
		else
			policy_json_unsupported(pj);
		policy_json_pop(pj, old);
	}
	return pj->nerr == before ? 0 : -1;
}

int
policy_json_array(struct policy_json *pj, const cJSON *arr, size_t max,
    policy_json_elem_fn fn, void *dst)
{
	const cJSON *e;
	size_t i = 0, before = pj->nerr;

	if (!cJSON_IsArray(arr)) {
		policy_json_error(pj, "must be an array, not %s",
		    policy_json_type(arr));
		return -1;
	}
	if ((size_t)cJSON_GetArraySize(arr) > max) {
		policy_json_error(pj, "has %d elements, at most %zu allowed",
		    cJSON_GetArraySize(arr), max);
		return -1;
	}
	for (e = arr->child; e != NULL; e = e->next, i++) {
		size_t old = policy_json_push_index(pj, i);

		(void)fn(pj, e, i, dst);
		policy_json_pop(pj, old);
	}
	return pj->nerr == before ? 0 : -1;
}

static int
cmp_name(const void *a, const void *b)
{
	const cJSON *const *x = a, *const *y = b;

	return strcmp((*x)->string, (*y)->string);
}

static int
check_dups(struct policy_json *pj, const cJSON *it)
{
	const cJSON *m;
	size_t n = 0, i;
	int rc = 0;

	if (cJSON_IsObject(it)) {
		const cJSON **v;

		for (m = it->child; m != NULL; m = m->next)
			n++;
		/* Sorting keeps a member-heavy object O(n log n). */
		v = n > 1 ? malloc(n * sizeof(*v)) : NULL;
		if (n > 1 && v == NULL) {
			policy_json_error(pj, "out of memory");
			return -1;
		}
		if (v != NULL) {
			for (i = 0, m = it->child; m != NULL; m = m->next)
				v[i++] = m;
			qsort(v, n, sizeof(*v), cmp_name);
			for (i = 1; i < n; i++) {
				if (strcmp(v[i - 1]->string, v[i]->string)
				    == 0) {
					size_t old = policy_json_push_key(pj,
					    v[i]->string);
					policy_json_error(pj, "duplicate key");
					policy_json_pop(pj, old);
					rc = -1;
					/* Report each duplicated name once. */
					while (i + 1 < n && strcmp(v[i]->string,
					    v[i + 1]->string) == 0)
						i++;
				}
			}
			free(v);
		}
		for (m = it->child; m != NULL; m = m->next) {
			size_t old = policy_json_push_key(pj, m->string);
			if (check_dups(pj, m) != 0)
				rc = -1;
			policy_json_pop(pj, old);
		}
	} else if (cJSON_IsArray(it)) {
		for (i = 0, m = it->child; m != NULL; m = m->next, i++) {
			size_t old = policy_json_push_index(pj, i);
			if (check_dups(pj, m) != 0)
				rc = -1;
			policy_json_pop(pj, old);
		}
	}
	return rc;
}

int
policy_json_check_duplicates(struct policy_json *pj, const cJSON *root)
{
	return check_dups(pj, root);
}

void
policy_json_wipe(cJSON *root)
{
	cJSON *m;

	if (root == NULL)
		return;
	if (cJSON_IsString(root) && root->valuestring != NULL)
		explicit_bzero(root->valuestring, strlen(root->valuestring));
	for (m = root->child; m != NULL; m = m->next)
		policy_json_wipe(m);
}
