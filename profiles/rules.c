/*
 * rules.c - the posture rule document parser (docs/rules.md).
 *
 * The document is untrusted: its size, nesting, encoding, keys, types and
 * values are all checked, and the first problem rejects it whole with a
 * "fieldPath: reason" message. cJSON does the tokenising; everything it
 * tolerates that JSON does not (duplicate keys, raw control characters,
 * invalid UTF-8, trailing text) is caught here.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "profiles/rfc3339.h"

#include "profiles/rules.h"

/* Largest integer a JSON number (an IEEE double) holds exactly. */
#define EXACT_INT_MAX 9007199254740992.0
/* Relative date-times: at most 100 years either way. */
#define RELATIVE_MAX_SECONDS (100LL * 366 * 86400)

struct parse_ctx {
	char *err;
	size_t errlen;
};

static const char *const op_names[] = {
	[RULES_OP_EQ] = "IsEquals",
	[RULES_OP_NE] = "NotEquals",
	[RULES_OP_GT] = "GreaterThan",
	[RULES_OP_GE] = "GreaterEquals",
	[RULES_OP_LT] = "LessThan",
	[RULES_OP_LE] = "LessEquals",
};

static const char *const type_names[] = {
	[RULES_TYPE_BOOLEAN] = "Boolean",
	[RULES_TYPE_INT64] = "Int64",
	[RULES_TYPE_DOUBLE] = "Double",
	[RULES_TYPE_STRING] = "String",
	[RULES_TYPE_DATETIME] = "DateTime",
	[RULES_TYPE_VERSION] = "Version",
};

static const char *const result_names[] = {
	[RULES_RESULT_COMPLIANT] = "COMPLIANT",
	[RULES_RESULT_NON_COMPLIANT] = "NON_COMPLIANT",
	[RULES_RESULT_DENIED] = "DENIED",
};

static const char *const reason_names[] = {
	[RULES_REASON_UNSPECIFIED] = "NON_COMPLIANCE_REASON_UNSPECIFIED",
	[RULES_REASON_API_LEVEL] = "API_LEVEL",
	[RULES_REASON_MANAGEMENT_MODE] = "MANAGEMENT_MODE",
	[RULES_REASON_USER_ACTION] = "USER_ACTION",
	[RULES_REASON_INVALID_VALUE] = "INVALID_VALUE",
	[RULES_REASON_APP_NOT_INSTALLED] = "APP_NOT_INSTALLED",
	[RULES_REASON_UNSUPPORTED] = "UNSUPPORTED",
	[RULES_REASON_APP_INSTALLED] = "APP_INSTALLED",
	[RULES_REASON_PENDING] = "PENDING",
	[RULES_REASON_APP_INCOMPATIBLE] = "APP_INCOMPATIBLE",
	[RULES_REASON_APP_NOT_UPDATED] = "APP_NOT_UPDATED",
	[RULES_REASON_DEVICE_INCOMPATIBLE] = "DEVICE_INCOMPATIBLE",
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

const char *
rules_op_name(enum rules_op op)
{
	return (size_t)op < NELEM(op_names) ? op_names[op] : "?";
}

const char *
rules_type_name(enum rules_type t)
{
	return (size_t)t < NELEM(type_names) ? type_names[t] : "?";
}

const char *
rules_result_name(enum rules_result r)
{
	return (size_t)r < NELEM(result_names) ? result_names[r] : "?";
}

const char *
rules_reason_name(enum rules_reason r)
{
	return (size_t)r < NELEM(reason_names) ? reason_names[r] : "?";
}

static int
lookup_name(const char *const *names, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], s) == 0)
			return (int)i;
	return -1;
}

int
rules_reason_parse(const char *s, enum rules_reason *r)
{
	int i = lookup_name(reason_names, NELEM(reason_names), s);

	if (i < 0)
		return -1;
	*r = (enum rules_reason)i;
	return 0;
}

/*
 * Fact names share long prefixes ("integrity.") and differ in length or
 * near the end, so the length and the first and last eight bytes tell
 * them apart well; hashing every byte would double the evaluator's cost.
 * A collision only costs one more name comparison.
 */
uint32_t
rules_fact_hash(const char *name)
{
	size_t n = strnlen(name, HAL_FACT_NAME_MAX - 1);
	uint64_t a = 0, b;

	/* Native byte order: the hash never leaves the process. */
	if (n >= 8) {
		memcpy(&a, name, 8);
		memcpy(&b, name + n - 8, 8);
	} else {
		memcpy(&a, name, n);
		b = a;
	}
	a ^= (b << 29 | b >> 35) ^ (uint64_t)n << 56;
	return (uint32_t)((a * 0x9e3779b97f4a7c15ULL) >> 32);
}

/* ------------------------------------------------------------------ */
/* Values                                                              */
/* ------------------------------------------------------------------ */

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int
rules_version_parse(const char *s, struct rules_version *v)
{
	const char *p = s;

	v->n = 0;
	if (!is_digit(*p))
		return -1;
	for (;;) {
		uint64_t x = 0;
		int digits = 0;

		while (is_digit(*p)) {
			if (++digits > 18)
				return -1;
			x = x * 10 + (uint64_t)(*p++ - '0');
		}
		if (v->n < RULES_VERSION_PARTS)
			v->part[v->n++] = x;
		if ((*p == '.' || *p == '-') && is_digit(p[1])) {
			p++;
			continue;
		}
		return 0;
	}
}

int
rules_version_cmp(const struct rules_version *a,
    const struct rules_version *b)
{
	size_t i, n = a->n > b->n ? a->n : b->n;

	for (i = 0; i < n; i++) {
		uint64_t x = i < a->n ? a->part[i] : 0;
		uint64_t y = i < b->n ? b->part[i] : 0;

		if (x != y)
			return x < y ? -1 : 1;
	}
	return 0;
}

/* Reads exactly n digits at *p; -1 if any is missing. */
/*
 * "now", "now-P30D", "now+P2W", "now-PT12H": an offset in seconds from
 * the evaluation time. Returns 0, or -1 when s is not of that form.
 */
static int
relative_parse(const char *s, int64_t *off)
{
	const char *p;
	int64_t n = 0, unit;
	int sign, digits = 0;

	if (strncmp(s, "now", 3) != 0)
		return -1;
	if (s[3] == '\0') {
		*off = 0;
		return 0;
	}
	if ((s[3] != '-' && s[3] != '+') || s[4] != 'P')
		return -1;
	sign = s[3] == '-' ? -1 : 1;
	p = s + 5;
	if (*p == 'T') {
		p++;
		unit = 3600;
	} else {
		unit = 0;
	}
	while (is_digit(*p)) {
		if (++digits > 7)
			return -1;
		n = n * 10 + (*p++ - '0');
	}
	if (digits == 0)
		return -1;
	if (unit == 3600 && *p == 'H')
		;
	else if (unit == 0 && *p == 'D')
		unit = 86400;
	else if (unit == 0 && *p == 'W')
		unit = 7 * 86400;
	else
		return -1;
	if (p[1] != '\0' || n * unit > RELATIVE_MAX_SECONDS)
		return -1;
	*off = sign * n * unit;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Errors                                                              */
/* ------------------------------------------------------------------ */

static int __attribute__((format(printf, 2, 3)))
fail(struct parse_ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->errlen > 0) {
		va_start(ap, fmt);
		vsnprintf(c->err, c->errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Makes untrusted text safe to quote in a message: short, printable. */
static const char *
quoted(const char *s, char *buf, size_t len)
{
	size_t i, n = 0;

	for (i = 0; s[i] != '\0' && n + 4 < len; i++) {
		unsigned char ch = (unsigned char)s[i];

		buf[n++] = ch >= 0x20 && ch < 0x7f && ch != '"' ? (char)ch
								  : '?';
	}
	if (s[i] != '\0') {
		buf[n++] = '.';
		buf[n++] = '.';
		buf[n++] = '.';
	}
	buf[n] = '\0';
	return buf;
}

/* ------------------------------------------------------------------ */
/* The raw text: size, nesting, encoding                               */
/* ------------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at p (n bytes left), or 0. */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
	size_t len, i;
	uint32_t cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		len = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		len = 3;
		cp = p[0] & 0x0f;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		len = 4;
		cp = p[0] & 0x07;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return len;
}

static int
prescan(struct parse_ctx *c, const char *text, size_t len)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t i = 0, depth = 0;
	int in_str = 0;

	if (len > RULES_DOC_MAX)
		return fail(c, "$: document larger than %d bytes",
		    RULES_DOC_MAX);
	while (i < len) {
		unsigned char ch = p[i];
		size_t n;

		if (ch < 0x20 && (in_str ||
		    (ch != ' ' && ch != '\t' && ch != '\n' && ch != '\r')))
			return fail(c, "$: control character at byte %zu", i);
		if ((n = utf8_len(p + i, len - i)) == 0)
			return fail(c, "$: invalid UTF-8 at byte %zu", i);
		if (in_str) {
			if (ch == '\\' && i + 1 < len) {
				if (p[i + 1] == 'u' && i + 6 <= len &&
				    memcmp(p + i + 2, "0000", 4) == 0)
					return fail(c,
					    "$: NUL character in a string at "
					    "byte %zu", i);
				n = 2;
			} else if (ch == '"') {
				in_str = 0;
			}
		} else if (ch == '"') {
			in_str = 1;
		} else if (ch == '{' || ch == '[') {
			if (++depth > RULES_DEPTH_MAX)
				return fail(c,
				    "$: nested deeper than %d levels at "
				    "byte %zu", RULES_DEPTH_MAX, i);
		} else if ((ch == '}' || ch == ']') && depth > 0) {
			depth--;
		}
		i += n;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Objects: keys                                                       */
/* ------------------------------------------------------------------ */

/* Rejects duplicate and unknown keys of obj (path names obj). */
static int
check_keys(struct parse_ctx *c, const cJSON *obj, const char *path,
    const char *const *allowed, size_t nallowed)
{
	const cJSON *a, *b;
	char q[48];

	for (a = obj->child; a != NULL; a = a->next) {
		if (lookup_name(allowed, nallowed, a->string) < 0)
			return fail(c, "%s%s%s: unknown field", path,
			    *path != '\0' ? "." : "",
			    quoted(a->string, q, sizeof(q)));
		for (b = obj->child; b != a; b = b->next)
			if (strcmp(a->string, b->string) == 0)
				return fail(c, "%s%s%s: duplicate key", path,
				    *path != '\0' ? "." : "",
				    quoted(a->string, q, sizeof(q)));
	}
	return 0;
}

/* Characters allowed in identifiers: ids, setting names, fact names. */
static int
ident_ok(const char *s, const char *extra)
{
	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		char ch = *s;

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    is_digit(ch) || strchr(extra, ch) != NULL))
			return 0;
	}
	return 1;
}

static int
text_ok(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

/*
 * Copies the string member `key` of obj into buf. A missing member is an
 * error when `required`, else leaves buf untouched. Returns 1 when it was
 * present, 0 when absent, -1 on error. chars: NULL for free text (no
 * control characters), else the punctuation allowed next to letters and
 * digits.
 */
static int
get_string(struct parse_ctx *c, const cJSON *obj, const char *path,
    const char *key, bool required, const char *chars, char *buf,
    size_t len)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	char q[48];
	size_t n;

	if (it == NULL) {
		if (required)
			return fail(c, "%s.%s: missing", path, key);
		return 0;
	}
	if (!cJSON_IsString(it))
		return fail(c, "%s.%s: must be a string", path, key);
	n = strlen(it->valuestring);
	if (n >= len)
		return fail(c, "%s.%s: longer than %zu bytes", path, key,
		    len - 1);
	if (chars != NULL ? !ident_ok(it->valuestring, chars)
			  : !text_ok(it->valuestring))
		return fail(c, "%s.%s: invalid characters in \"%s\"", path,
		    key, quoted(it->valuestring, q, sizeof(q)));
	memcpy(buf, it->valuestring, n + 1);
	return 1;
}

/* An integer member in [min, max]; same return convention. */
static int
get_int(struct parse_ctx *c, const cJSON *obj, const char *path,
    const char *key, double min, double max, long long *out)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (it == NULL)
		return 0;
	if (!cJSON_IsNumber(it) || it->valuedouble != floor(it->valuedouble))
		return fail(c, "%s%s%s: must be an integer", path,
		    *path != '\0' ? "." : "", key);
	if (it->valuedouble < min || it->valuedouble > max)
		return fail(c, "%s%s%s: out of range %.0f..%.0f", path,
		    *path != '\0' ? "." : "", key, min, max);
	*out = (long long)it->valuedouble;
	return 1;
}

/* An enum member spelled as one of names[]. */
static int
get_enum(struct parse_ctx *c, const cJSON *obj, const char *path,
    const char *key, const char *what, const char *const *names, size_t n,
    int *out)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	char q[48];
	int v;

	if (it == NULL)
		return 0;
	if (!cJSON_IsString(it))
		return fail(c, "%s.%s: must be a string", path, key);
	if ((v = lookup_name(names, n, it->valuestring)) < 0)
		return fail(c, "%s.%s: unknown %s \"%s\"", path, key, what,
		    quoted(it->valuestring, q, sizeof(q)));
	*out = v;
	return 1;
}

/* ------------------------------------------------------------------ */
/* Conditions and rules                                                */
/* ------------------------------------------------------------------ */

static int
parse_value(struct parse_ctx *c, const cJSON *it, const char *path,
    struct rules_condition *cd)
{
	char q[48];

	switch (cd->type) {
	case RULES_TYPE_BOOLEAN:
		if (!cJSON_IsBool(it))
			return fail(c, "%s.value: must be true or false for "
			    "type Boolean", path);
		cd->b = cJSON_IsTrue(it);
		snprintf(cd->s, sizeof(cd->s), "%s", cd->b ? "true" : "false");
		return 0;
	case RULES_TYPE_INT64:
		if (!cJSON_IsNumber(it) ||
		    it->valuedouble != floor(it->valuedouble))
			return fail(c, "%s.value: must be an integer for type "
			    "Int64", path);
		if (fabs(it->valuedouble) > EXACT_INT_MAX)
			return fail(c, "%s.value: integer out of range "
			    "(|value| <= 2^53)", path);
		cd->i = (int64_t)it->valuedouble;
		snprintf(cd->s, sizeof(cd->s), "%lld", (long long)cd->i);
		return 0;
	case RULES_TYPE_DOUBLE:
		if (!cJSON_IsNumber(it) || !isfinite(it->valuedouble))
			return fail(c, "%s.value: must be a finite number for "
			    "type Double", path);
		cd->d = it->valuedouble;
		snprintf(cd->s, sizeof(cd->s), "%.15g", cd->d);
		return 0;
	default:
		break;
	}
	if (!cJSON_IsString(it))
		return fail(c, "%s.value: must be a string for type %s", path,
		    rules_type_name(cd->type));
	if (strlen(it->valuestring) >= sizeof(cd->s))
		return fail(c, "%s.value: longer than %zu bytes", path,
		    sizeof(cd->s) - 1);
	if (!text_ok(it->valuestring))
		return fail(c, "%s.value: control character in string", path);
	snprintf(cd->s, sizeof(cd->s), "%s", it->valuestring);
	if (cd->type == RULES_TYPE_DATETIME) {
		if (relative_parse(cd->s, &cd->t) == 0)
			cd->t_relative = true;
		else if (rfc3339_parse(cd->s, RFC3339_DATE_OK |
		    RFC3339_NO_OFFSET_OK, &cd->t) != 0)
			return fail(c, "%s.value: invalid DateTime \"%s\" "
			    "(want YYYY-MM-DD, an RFC 3339 timestamp or "
			    "now[+-]P<n>D|P<n>W|PT<n>H)", path,
			    quoted(cd->s, q, sizeof(q)));
	} else if (cd->type == RULES_TYPE_VERSION) {
		if (rules_version_parse(cd->s, &cd->v) != 0)
			return fail(c, "%s.value: invalid Version \"%s\"",
			    path, quoted(cd->s, q, sizeof(q)));
	}
	return 0;
}

static int
parse_condition(struct parse_ctx *c, const cJSON *obj, const char *path,
    struct rules_condition *cd)
{
	static const char *const keys[] = { "fact", "operator", "type",
		"value" };
	const cJSON *value;
	int op = -1, type = -1, rc;

	if (!cJSON_IsObject(obj))
		return fail(c, "%s: must be an object", path);
	if (check_keys(c, obj, path, keys, NELEM(keys)) != 0)
		return -1;
	if (get_string(c, obj, path, "fact", true, "._-", cd->fact,
	    sizeof(cd->fact)) < 0)
		return -1;
	cd->fact_hash = rules_fact_hash(cd->fact);
	if ((rc = get_enum(c, obj, path, "operator", "operator", op_names,
	    NELEM(op_names), &op)) <= 0)
		return rc < 0 ? -1 : fail(c, "%s.operator: missing", path);
	if ((rc = get_enum(c, obj, path, "type", "type", type_names,
	    NELEM(type_names), &type)) <= 0)
		return rc < 0 ? -1 : fail(c, "%s.type: missing", path);
	cd->op = (enum rules_op)op;
	cd->type = (enum rules_type)type;
	if ((cd->type == RULES_TYPE_BOOLEAN || cd->type == RULES_TYPE_STRING) &&
	    cd->op != RULES_OP_EQ && cd->op != RULES_OP_NE)
		return fail(c, "%s.operator: %s is not defined for type %s "
		    "(only IsEquals, NotEquals)", path, rules_op_name(cd->op),
		    rules_type_name(cd->type));
	if ((value = cJSON_GetObjectItemCaseSensitive(obj, "value")) == NULL)
		return fail(c, "%s.value: missing", path);
	return parse_value(c, value, path, cd);
}

static int
parse_rule(struct parse_ctx *c, const cJSON *obj, const char *path,
    struct rules_rule *r, struct rules_condition *conds, size_t *nconds)
{
	static const char *const keys[] = { "id", "priority", "match",
		"conditions", "result", "gracePeriodHours", "remediation",
		"settingName", "fieldPath", "nonComplianceReason" };
	static const char *const match_names[] = {
		[RULES_MATCH_ALL] = "all", [RULES_MATCH_ANY] = "any" };
	const cJSON *list, *it;
	char cpath[96];
	long long v;
	int e, rc;
	size_t k;

	if (!cJSON_IsObject(obj))
		return fail(c, "%s: must be an object", path);
	if (check_keys(c, obj, path, keys, NELEM(keys)) != 0)
		return -1;
	if (get_string(c, obj, path, "id", true, "._:-", r->id,
	    sizeof(r->id)) < 0)
		return -1;
	/* The ids of the policy's implicit rules share the history table. */
	if (strncmp(r->id, "policy.", 7) == 0)
		return fail(c, "%s.id: the prefix \"policy.\" is reserved",
		    path);
	if ((rc = get_int(c, obj, path, "priority", 0, RULES_PRIORITY_MAX,
	    &v)) < 0)
		return -1;
	r->priority = rc > 0 ? (long)v : 0;
	e = RULES_MATCH_ALL;
	if (get_enum(c, obj, path, "match", "match",
	    match_names, NELEM(match_names), &e) < 0)
		return -1;
	r->match = (enum rules_match)e;
	if ((rc = get_enum(c, obj, path, "result", "result", result_names,
	    NELEM(result_names), &e)) <= 0)
		return rc < 0 ? -1 : fail(c, "%s.result: missing", path);
	r->result = (enum rules_result)e;
	if ((rc = get_int(c, obj, path, "gracePeriodHours", 0,
	    RULES_GRACE_HOURS_MAX, &v)) < 0)
		return -1;
	if (rc > 0 && r->result != RULES_RESULT_NON_COMPLIANT)
		return fail(c, "%s.gracePeriodHours: only allowed with result "
		    "NON_COMPLIANT", path);
	r->grace_seconds = rc > 0 ? v * 3600 : 0;
	if (get_string(c, obj, path, "remediation", false, NULL,
	    r->remediation, sizeof(r->remediation)) < 0 ||
	    get_string(c, obj, path, "fieldPath", false, "._[]-",
	    r->field_path, sizeof(r->field_path)) < 0)
		return -1;
	if ((rc = get_string(c, obj, path, "settingName", false, "._:-",
	    r->setting_name, sizeof(r->setting_name))) < 0)
		return -1;
	if (rc == 0)
		memcpy(r->setting_name, r->id, sizeof(r->setting_name));
	r->reason = RULES_REASON_INVALID_VALUE;
	if ((rc = get_enum(c, obj, path, "nonComplianceReason",
	    "nonComplianceReason", reason_names + 1, NELEM(reason_names) - 1,
	    &e)) < 0)
		return -1;
	if (rc > 0) {
		if (r->result == RULES_RESULT_COMPLIANT)
			return fail(c, "%s.nonComplianceReason: not allowed "
			    "with result COMPLIANT", path);
		r->reason = (enum rules_reason)(e + 1);
	}

	list = cJSON_GetObjectItemCaseSensitive(obj, "conditions");
	if (list == NULL)
		return fail(c, "%s.conditions: missing", path);
	if (!cJSON_IsArray(list))
		return fail(c, "%s.conditions: must be an array", path);
	r->cond = conds + *nconds;
	r->ncond = 0;
	k = 0;
	cJSON_ArrayForEach(it, list) {
		if (k == RULES_COND_MAX)
			return fail(c, "%s.conditions: more than %d conditions",
			    path, RULES_COND_MAX);
		snprintf(cpath, sizeof(cpath), "%s.conditions[%zu]", path, k);
		if (parse_condition(c, it, cpath, &conds[*nconds]) != 0)
			return -1;
		(*nconds)++;
		r->ncond++;
		k++;
	}
	if (k == 0)
		return fail(c, "%s.conditions: empty (at least one condition "
		    "is required)", path);
	return 0;
}

static int
rule_order(const void *a, const void *b)
{
	const struct rules_rule *x = a, *y = b;

	if (x->priority != y->priority)
		return x->priority < y->priority ? -1 : 1;
	return x->doc_index < y->doc_index ? -1 : x->doc_index > y->doc_index;
}

static int
parse_doc(struct parse_ctx *c, const cJSON *root, struct rules_set *rs)
{
	static const char *const keys[] = { "rules", "version" };
	const cJSON *list, *it;
	char path[32], q[48];
	size_t i, j, n, ncond;
	long long v;
	int rc;

	if (!cJSON_IsObject(root))
		return fail(c, "$: must be an object");
	if (check_keys(c, root, "", keys, NELEM(keys)) != 0)
		return -1;
	if ((rc = get_int(c, root, "", "version", 0, EXACT_INT_MAX, &v)) < 0)
		return -1;
	rs->version = rc > 0 ? v : 0;
	if ((list = cJSON_GetObjectItemCaseSensitive(root, "rules")) == NULL)
		return fail(c, "rules: missing");
	if (!cJSON_IsArray(list))
		return fail(c, "rules: must be an array");
	n = (size_t)cJSON_GetArraySize(list);
	if (n > RULES_MAX)
		return fail(c, "rules: more than %d rules", RULES_MAX);
	/* Counted before parsing so that both arrays are allocated once. */
	ncond = 0;
	cJSON_ArrayForEach(it, list) {
		const cJSON *cl = cJSON_GetObjectItemCaseSensitive(it,
		    "conditions");
		size_t k = cJSON_IsArray(cl) ? (size_t)cJSON_GetArraySize(cl)
					     : 0;
		ncond += k < RULES_COND_MAX ? k : RULES_COND_MAX;
	}
	rs->rules = calloc(n > 0 ? n : 1, sizeof(*rs->rules));
	rs->conds = calloc(ncond > 0 ? ncond : 1, sizeof(*rs->conds));
	if (rs->rules == NULL || rs->conds == NULL)
		return fail(c, "$: out of memory");
	i = 0;
	cJSON_ArrayForEach(it, list) {
		snprintf(path, sizeof(path), "rules[%zu]", i);
		rs->rules[i].doc_index = i;
		if (parse_rule(c, it, path, &rs->rules[i], rs->conds,
		    &rs->nconds) != 0)
			return -1;
		for (j = 0; j < i; j++)
			if (strcmp(rs->rules[j].id, rs->rules[i].id) == 0)
				return fail(c, "%s.id: duplicate id \"%s\" "
				    "(also rules[%zu])", path,
				    quoted(rs->rules[i].id, q, sizeof(q)), j);
		rs->nrules = ++i;
	}
	qsort(rs->rules, rs->nrules, sizeof(*rs->rules), rule_order);
	for (i = 0; i < rs->nrules; i++) {
		rs->rules[i].setting_group = rs->ngroups;
		for (j = 0; j < i; j++)
			if (strcmp(rs->rules[j].setting_name,
			    rs->rules[i].setting_name) == 0) {
				rs->rules[i].setting_group =
				    rs->rules[j].setting_group;
				break;
			}
		if (j == i)
			rs->ngroups++;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Entry points                                                        */
/* ------------------------------------------------------------------ */

void
rules_free(struct rules_set *rs)
{
	if (rs == NULL)
		return;
	free(rs->rules);
	free(rs->conds);
	free(rs);
}

int
rules_parse(const char *text, size_t len, struct rules_set **out,
    char *err, size_t errlen)
{
	struct parse_ctx c = { err, errlen };
	struct rules_set *rs;
	const char *end = NULL;
	cJSON *root;
	size_t i;

	if (errlen > 0)
		err[0] = '\0';
	if (prescan(&c, text, len) != 0)
		return -1;
	root = cJSON_ParseWithLengthOpts(text, len, &end, 0);
	if (root == NULL) {
		size_t at = end != NULL && end >= text && end <= text + len
		    ? (size_t)(end - text) : len;
		return fail(&c, "$: invalid JSON at byte %zu", at);
	}
	for (i = (size_t)(end - text); i < len; i++)
		if (!strchr(" \t\r\n", text[i])) {
			cJSON_Delete(root);
			return fail(&c, "$: trailing data at byte %zu", i);
		}
	if ((rs = calloc(1, sizeof(*rs))) == NULL) {
		cJSON_Delete(root);
		return fail(&c, "$: out of memory");
	}
	if (parse_doc(&c, root, rs) != 0) {
		cJSON_Delete(root);
		rules_free(rs);
		return -1;
	}
	cJSON_Delete(root);
	*out = rs;
	return 0;
}

int
rules_load(const char *path, struct rules_set **out, char *err,
    size_t errlen)
{
	struct parse_ctx c = { err, errlen };
	struct stat st;
	char *buf;
	size_t n = 0;
	ssize_t r;
	int fd, rc;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return fail(&c, "$: %s: %s", path, strerror(errno));
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return fail(&c, "$: %s: not a regular file", path);
	}
	if (st.st_size > RULES_DOC_MAX) {
		close(fd);
		return fail(&c, "$: document larger than %d bytes",
		    RULES_DOC_MAX);
	}
	/* One byte more than allowed shows a file that grew meanwhile. */
	if ((buf = malloc(RULES_DOC_MAX + 1)) == NULL) {
		close(fd);
		return fail(&c, "$: out of memory");
	}
	while (n <= RULES_DOC_MAX &&
	    (r = read(fd, buf + n, RULES_DOC_MAX + 1 - n)) != 0) {
		if (r < 0) {
			if (errno == EINTR)
				continue;
			rc = fail(&c, "$: %s: %s", path, strerror(errno));
			close(fd);
			free(buf);
			return rc;
		}
		n += (size_t)r;
	}
	close(fd);
	rc = rules_parse(buf, n, out, err, errlen);
	free(buf);
	return rc;
}
