/*
 * lwm2m_senml.c - SenML JSON as LwM2M 1.1 uses it (content format 110,
 * RFC 8428) and the LwM2M 1.0 JSON format (11543, and 1543 from LwM2M
 * 1.0 servers).
 *
 * SenML: an array of records; "bn" (base name) carries over to the
 * records after it, the name of a record is bn followed by "n" and is
 * an LwM2M path; one value per record: "v" (number), "vs" (string),
 * "vb" (boolean), "vd" (opaque, base64url) or "vlo" (object link,
 * "3:0"). LwM2M 1.0 JSON: {"bn": ..., "e": [records with "n" and one of
 * "v", "sv", "bv", "ov"]}, opaque as base64 in "sv".
 *
 * Output is written by hand (exact integers, no floating point for
 * them); input is parsed with cJSON and checked here: unknown or
 * repeated keys, a "\u0000" anywhere and anything but the documented
 * shapes are refused.
 */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "agent/transport/lwm2m/lwm2m_content.h"
#include "crypto/crypto.h"

/* ------------------------------------------------------------------ */
/* Encoding                                                            */
/* ------------------------------------------------------------------ */

struct out {
	char *p;
	size_t len, cap;
	bool failed;
};

static void
put(struct out *o, const char *s, size_t n)
{
	char *np;
	size_t cap;

	if (o->failed)
		return;
	if (o->len + n + 1 > o->cap) {
		cap = o->cap == 0 ? 512 : o->cap;
		while (cap < o->len + n + 1)
			cap *= 2;
		if (cap > LWM2M_PAYLOAD_MAX * 4 ||
		    (np = realloc(o->p, cap)) == NULL) {
			o->failed = true;
			return;
		}
		o->p = np;
		o->cap = cap;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

static void
puts_(struct out *o, const char *s)
{
	put(o, s, strlen(s));
}

/* A JSON string; bytes that are not UTF-8 become '?'. */
static void
put_string(struct out *o, const uint8_t *s, size_t len)
{
	char esc[8];
	size_t i = 0, ok;

	put(o, "\"", 1);
	while (i < len) {
		ok = lwm2m_utf8_check(s + i, len - i);
		while (ok > 0) {
			size_t run = 0;

			while (run < ok && s[i + run] >= 0x20 &&
			    s[i + run] != '"' && s[i + run] != '\\')
				run++;
			put(o, (const char *)s + i, run);
			i += run;
			ok -= run;
			if (ok > 0) {
				snprintf(esc, sizeof(esc), s[i] == '"' ?
				    "\\\"" : s[i] == '\\' ? "\\\\" :
				    "\\u%04x", s[i]);
				puts_(o, esc);
				i++;
				ok--;
			}
		}
		if (i < len) {
			put(o, "?", 1);
			i++;
		}
	}
	put(o, "\"", 1);
}

static void
put_path_tail(struct out *o, const struct lwm2m_path *p, size_t from)
{
	char seg[8];
	size_t k;

	for (k = from; k < p->len; k++) {
		snprintf(seg, sizeof(seg), "%s%u", k > from ? "/" : "",
		    (unsigned)p->id[k]);
		puts_(o, seg);
	}
}

static void
put_value(struct out *o, const struct lwm2m_value *v, bool oma)
{
	char num[48], *b64;
	size_t n;

	switch (v->type) {
	case LWM2M_T_STRING:
	case LWM2M_T_CORELNK:
		puts_(o, oma ? "\"sv\":" : "\"vs\":");
		put_string(o, v->bytes, v->len);
		return;
	case LWM2M_T_INTEGER:
	case LWM2M_T_TIME:
		snprintf(num, sizeof(num), "\"v\":%" PRId64, v->i);
		break;
	case LWM2M_T_UNSIGNED:
		snprintf(num, sizeof(num), "\"v\":%" PRIu64, v->u);
		break;
	case LWM2M_T_FLOAT:
		if (!isfinite(v->f)) {
			o->failed = true;
			return;
		}
		snprintf(num, sizeof(num), "\"v\":%.17g", v->f);
		break;
	case LWM2M_T_BOOLEAN:
		snprintf(num, sizeof(num), "\"%s\":%s", oma ? "bv" : "vb",
		    v->b ? "true" : "false");
		break;
	case LWM2M_T_OBJLNK:
		snprintf(num, sizeof(num), "\"%s\":\"%u:%u\"", oma ? "ov" :
		    "vlo", (unsigned)v->lnk[0], (unsigned)v->lnk[1]);
		break;
	case LWM2M_T_OPAQUE:
		n = crypto_b64url_enclen(v->len) + 1;
		if ((b64 = malloc(n)) == NULL ||
		    crypto_b64url_encode(v->bytes, v->len, b64, n) < 0) {
			free(b64);
			o->failed = true;
			return;
		}
		if (oma) {
			/* LwM2M 1.0 JSON: standard base64 with padding */
			size_t k, len = strlen(b64);

			for (k = 0; k < len; k++)
				b64[k] = b64[k] == '-' ? '+' : b64[k] == '_' ?
				    '/' : b64[k];
			puts_(o, "\"sv\":\"");
			puts_(o, b64);
			puts_(o, len % 4 == 2 ? "==\"" : len % 4 == 3 ? "=\"" :
			    "\"");
		} else {
			puts_(o, "\"vd\":\"");
			puts_(o, b64);
			puts_(o, "\"");
		}
		free(b64);
		return;
	default:
		o->failed = true;
		return;
	}
	puts_(o, num);
}

int
lwm2m_senml_encode(const struct lwm2m_path *base,
    const struct lwm2m_records *rs, bool oma, uint8_t **out, size_t *len)
{
	struct out o;
	char bn[48];
	bool single, first = true;
	size_t i;

	*out = NULL;
	*len = 0;
	memset(&o, 0, sizeof(o));
	for (i = 0; i < rs->n; i++)
		if (!lwm2m_path_covers(base, &rs->r[i].path))
			return -1;
	single = rs->n == 1 && lwm2m_path_equal(base, &rs->r[0].path);
	lwm2m_path_str(base, bn, sizeof(bn));
	if (!single && base->len > 0)
		strcat(bn, "/");
	puts_(&o, oma ? "{\"bn\":\"" : "[");
	if (oma) {
		puts_(&o, bn);
		puts_(&o, "\",\"e\":[");
	}
	for (i = 0; i < rs->n; i++) {
		const struct lwm2m_record *r = &rs->r[i];

		if (r->v.type == LWM2M_T_NONE)
			continue;	/* an empty multiple resource */
		puts_(&o, first ? "{" : ",{");
		if (!oma && first) {
			puts_(&o, "\"bn\":\"");
			puts_(&o, bn);
			puts_(&o, single ? "\"," : "\",");
		}
		if (!single) {
			puts_(&o, "\"n\":\"");
			put_path_tail(&o, &r->path, base->len);
			puts_(&o, "\",");
		}
		put_value(&o, &r->v, oma);
		puts_(&o, "}");
		first = false;
	}
	puts_(&o, oma ? "]}" : "]");
	if (o.failed) {
		free(o.p);
		return -1;
	}
	*out = (uint8_t *)o.p;
	*len = o.len;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Decoding                                                            */
/* ------------------------------------------------------------------ */

/* The first key of obj that repeats an earlier one, or NULL. */
static const char *
dup_key(const cJSON *obj)
{
	const cJSON *a, *b;

	for (a = obj->child; a != NULL; a = a->next)
		for (b = a->next; b != NULL; b = b->next)
			if (strcmp(a->string, b->string) == 0)
				return a->string;
	return NULL;
}

static bool
key_in(const char *k, const char *const *set)
{
	for (; *set != NULL; set++)
		if (strcmp(k, *set) == 0)
			return true;
	return false;
}

/* A record's value into v (strings and opaque data into *tmp). */
static int
value_of(const cJSON *rec, bool oma, struct lwm2m_value *v, uint8_t **tmp,
    size_t idx, char *err, size_t errlen)
{
	static const char *const senml[] = { "v", "vs", "vb", "vd", "vlo",
	    NULL };
	static const char *const old[] = { "v", "sv", "bv", "ov", NULL };
	const cJSON *c, *val = NULL;
	const char *key = NULL;
	size_t n, dec;
	double d;

	memset(v, 0, sizeof(v[0]));
	for (c = rec->child; c != NULL; c = c->next)
		if (key_in(c->string, oma ? old : senml)) {
			if (val != NULL) {
				snprintf(err, errlen, "record %zu: two values",
				    idx);
				return -1;
			}
			val = c;
			key = c->string;
		}
	if (val == NULL) {
		snprintf(err, errlen, "record %zu: no value", idx);
		return -1;
	}
	if (strcmp(key, "v") == 0) {
		if (!cJSON_IsNumber(val) || !isfinite(val->valuedouble))
			goto bad;
		d = val->valuedouble;
		v->raw = LWM2M_RAW_NUMBER;
		v->f = d;
		if (d == floor(d) && d >= -9223372036854775808.0 &&
		    d < 9223372036854775808.0) {
			v->integral = true;
			v->i = (int64_t)d;
		}
		return 0;
	}
	if (strcmp(key, "vb") == 0 || strcmp(key, "bv") == 0) {
		if (!cJSON_IsBool(val))
			goto bad;
		v->type = LWM2M_T_BOOLEAN;
		v->b = cJSON_IsTrue(val);
		return 0;
	}
	if (!cJSON_IsString(val))
		goto bad;
	n = strlen(val->valuestring);
	if (strcmp(key, "vlo") == 0 || strcmp(key, "ov") == 0) {
		struct lwm2m_value t;
		char e2[LWM2M_ERR_MAX];

		memset(&t, 0, sizeof(t));
		t.raw = LWM2M_RAW_TEXT;
		t.bytes = (uint8_t *)val->valuestring;
		t.len = n;
		if (lwm2m_value_coerce(&t, LWM2M_T_OBJLNK, v, e2,
		    sizeof(e2)) != 0)
			goto bad;
		v->bytes = NULL;
		v->len = 0;
		return 0;
	}
	if (strcmp(key, "vd") == 0) {
		if ((*tmp = malloc(n + 1)) == NULL ||
		    crypto_b64_decode(val->valuestring, n, *tmp, n + 1, &dec,
		    CRYPTO_B64_PAD) != 0)
			goto bad;
		v->type = LWM2M_T_OPAQUE;
		v->bytes = *tmp;
		v->len = dec;
		return 0;
	}
	/* "vs", or "sv" of the 1.0 format: text, typed by the resource
	 * (1.0 puts opaque data there as base64) */
	v->type = oma ? LWM2M_T_NONE : LWM2M_T_STRING;
	v->raw = oma ? LWM2M_RAW_TEXT : LWM2M_RAW_NONE;
	v->bytes = (uint8_t *)val->valuestring;
	v->len = n;
	return 0;
bad:
	snprintf(err, errlen, "record %zu: \"%s\" has a bad value", idx, key);
	return -1;
}

static int
name_of(const char *bn, const cJSON *n, const struct lwm2m_path *base,
    struct lwm2m_path *p, size_t idx, char *err, size_t errlen)
{
	char full[2 * LWM2M_NAME_MAX + 2];
	const char *ns = "";

	if (n != NULL) {
		if (!cJSON_IsString(n) || strlen(n->valuestring) >
		    LWM2M_NAME_MAX) {
			snprintf(err, errlen, "record %zu: bad \"n\"", idx);
			return -1;
		}
		ns = n->valuestring;
	}
	snprintf(full, sizeof(full), "%s%s", bn, ns);
	if (full[0] != '/' || lwm2m_path_parse(full, p) != 0 || p->len < 3 ||
	    !lwm2m_path_covers(base, p)) {
		snprintf(err, errlen, "record %zu: name \"%.80s\" is not a "
		    "resource under the request's path", idx, full);
		return -1;
	}
	return 0;
}

static int
records(const cJSON *arr, const char *bn0, const struct lwm2m_path *base,
    bool oma, struct lwm2m_records *rs, char *err, size_t errlen)
{
	static const char *const senml_keys[] = { "bn", "bt", "bver", "n",
	    "t", "v", "vs", "vb", "vd", "vlo", NULL };
	static const char *const oma_keys[] = { "n", "t", "v", "sv", "bv",
	    "ov", NULL };
	char bn[LWM2M_NAME_MAX + 1];
	const cJSON *rec, *c;
	struct lwm2m_value v;
	struct lwm2m_path p;
	uint8_t *tmp;
	size_t idx = 0, k;
	int rc;

	snprintf(bn, sizeof(bn), "%s", bn0);
	for (rec = arr->child; rec != NULL; rec = rec->next, idx++) {
		if (idx == LWM2M_RECORDS_MAX) {
			snprintf(err, errlen, "more than %d records",
			    LWM2M_RECORDS_MAX);
			return -1;
		}
		if (!cJSON_IsObject(rec) || dup_key(rec) != NULL) {
			snprintf(err, errlen, "record %zu: not an object, or "
			    "a key given twice", idx);
			return -1;
		}
		for (c = rec->child; c != NULL; c = c->next)
			if (!key_in(c->string, oma ? oma_keys : senml_keys)) {
				snprintf(err, errlen, "record %zu: unknown key "
				    "\"%.32s\"", idx, c->string);
				return -1;
			}
		if (!oma && (c = cJSON_GetObjectItemCaseSensitive(rec,
		    "bn")) != NULL) {
			if (!cJSON_IsString(c) || strlen(c->valuestring) >
			    LWM2M_NAME_MAX) {
				snprintf(err, errlen, "record %zu: bad \"bn\"",
				    idx);
				return -1;
			}
			snprintf(bn, sizeof(bn), "%s", c->valuestring);
		}
		if ((c = cJSON_GetObjectItemCaseSensitive(rec, "bver")) !=
		    NULL && (!cJSON_IsNumber(c) || c->valuedouble > 10)) {
			snprintf(err, errlen, "record %zu: SenML version not "
			    "understood", idx);
			return -1;
		}
		if (name_of(bn, cJSON_GetObjectItemCaseSensitive(rec, "n"),
		    base, &p, idx, err, errlen) != 0)
			return -1;
		for (k = 0; k < rs->n; k++)
			if (lwm2m_path_covers(&rs->r[k].path, &p) ||
			    lwm2m_path_covers(&p, &rs->r[k].path)) {
				snprintf(err, errlen, "record %zu: its "
				    "resource is given twice", idx);
				return -1;
			}
		tmp = NULL;
		rc = value_of(rec, oma, &v, &tmp, idx, err, errlen);
		if (rc == 0 && lwm2m_records_add(rs, &p, &v) != 0) {
			snprintf(err, errlen, "out of memory");
			rc = -1;
		}
		free(tmp);
		if (rc != 0)
			return -1;
	}
	return 0;
}

/* The JSON text of buf, strictly: no NUL (nor "\u0000"), nothing but
 * white space after the value. NULL with a reason. */
static cJSON *
parse_json(const uint8_t *buf, size_t len, char *err, size_t errlen)
{
	const char *end = NULL;
	cJSON *root;
	size_t i;

	if (len > LWM2M_PAYLOAD_MAX || memchr(buf, '\0', len) != NULL ||
	    memmem(buf, len, "\\u0000", 6) != NULL) {
		snprintf(err, errlen, "JSON: too large, or a NUL");
		return NULL;
	}
	root = cJSON_ParseWithLengthOpts((const char *)buf, len, &end, 0);
	if (root == NULL) {
		snprintf(err, errlen, "JSON: malformed");
		return NULL;
	}
	for (i = (size_t)(end - (const char *)buf); i < len; i++)
		if (buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\r' &&
		    buf[i] != '\n') {
			snprintf(err, errlen, "JSON: text after the value");
			cJSON_Delete(root);
			return NULL;
		}
	return root;
}

int
lwm2m_senml_decode(const struct lwm2m_path *base, const uint8_t *buf,
    size_t len, bool oma, struct lwm2m_records *rs, char *err,
    size_t errlen)
{
	cJSON *root;
	const cJSON *c, *e;
	const char *bn = "";
	size_t before = rs->n;
	int rc = -1;

	if ((root = parse_json(buf, len, err, errlen)) == NULL)
		return -1;
	if (!oma) {
		if (!cJSON_IsArray(root) || root->child == NULL) {
			snprintf(err, errlen, "SenML: not a non-empty array");
			goto out;
		}
		rc = records(root, "", base, false, rs, err, errlen);
		goto out;
	}
	if (!cJSON_IsObject(root) || dup_key(root) != NULL) {
		snprintf(err, errlen, "LwM2M JSON: not an object, or a key "
		    "given twice");
		goto out;
	}
	for (c = root->child; c != NULL; c = c->next)
		if (strcmp(c->string, "bn") != 0 && strcmp(c->string, "e") != 0
		    && strcmp(c->string, "bt") != 0) {
			snprintf(err, errlen, "LwM2M JSON: unknown key "
			    "\"%.32s\"", c->string);
			goto out;
		}
	if ((c = cJSON_GetObjectItemCaseSensitive(root, "bn")) != NULL) {
		if (!cJSON_IsString(c) || strlen(c->valuestring) >
		    LWM2M_NAME_MAX) {
			snprintf(err, errlen, "LwM2M JSON: bad \"bn\"");
			goto out;
		}
		bn = c->valuestring;
	}
	e = cJSON_GetObjectItemCaseSensitive(root, "e");
	if (!cJSON_IsArray(e) || e->child == NULL) {
		snprintf(err, errlen, "LwM2M JSON: \"e\" is not a non-empty "
		    "array");
		goto out;
	}
	rc = records(e, bn, base, true, rs, err, errlen);
out:
	cJSON_Delete(root);
	if (rc != 0)
		lwm2m_records_truncate(rs, before);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Composite paths                                                     */
/* ------------------------------------------------------------------ */

int
lwm2m_senml_paths(const uint8_t *buf, size_t len, struct lwm2m_path *paths,
    size_t max, size_t *n, char *err, size_t errlen)
{
	char bn[LWM2M_NAME_MAX + 1] = "", full[2 * LWM2M_NAME_MAX + 2];
	const cJSON *rec, *c, *nm;
	cJSON *root;
	size_t idx = 0;
	int rc = -1;

	*n = 0;
	if ((root = parse_json(buf, len, err, errlen)) == NULL)
		return -1;
	if (!cJSON_IsArray(root) || root->child == NULL) {
		snprintf(err, errlen, "SenML: not a non-empty array");
		goto out;
	}
	for (rec = root->child; rec != NULL; rec = rec->next, idx++) {
		if (idx == max) {
			snprintf(err, errlen, "more than %zu paths", max);
			goto out;
		}
		if (!cJSON_IsObject(rec) || dup_key(rec) != NULL) {
			snprintf(err, errlen, "record %zu: not an object, or "
			    "a key given twice", idx);
			goto out;
		}
		for (c = rec->child; c != NULL; c = c->next)
			if (strcmp(c->string, "bn") != 0 &&
			    strcmp(c->string, "n") != 0) {
				snprintf(err, errlen, "record %zu: \"%.32s\": "
				    "a composite request names paths only", idx,
				    c->string);
				goto out;
			}
		if ((c = cJSON_GetObjectItemCaseSensitive(rec, "bn")) != NULL) {
			if (!cJSON_IsString(c) || strlen(c->valuestring) >
			    LWM2M_NAME_MAX) {
				snprintf(err, errlen, "record %zu: bad \"bn\"",
				    idx);
				goto out;
			}
			snprintf(bn, sizeof(bn), "%s", c->valuestring);
		}
		nm = cJSON_GetObjectItemCaseSensitive(rec, "n");
		if (nm != NULL && (!cJSON_IsString(nm) ||
		    strlen(nm->valuestring) > LWM2M_NAME_MAX)) {
			snprintf(err, errlen, "record %zu: bad \"n\"", idx);
			goto out;
		}
		snprintf(full, sizeof(full), "%s%s", bn, nm != NULL ?
		    nm->valuestring : "");
		if (full[0] != '/' || lwm2m_path_parse(full, &paths[*n]) != 0 ||
		    paths[*n].len == 0) {
			snprintf(err, errlen, "record %zu: \"%.80s\" is not "
			    "an LwM2M path", idx, full);
			goto out;
		}
		(*n)++;
	}
	rc = 0;
out:
	cJSON_Delete(root);
	if (rc != 0)
		*n = 0;
	return rc;
}
