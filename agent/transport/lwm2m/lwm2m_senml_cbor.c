/*
 * lwm2m_senml_cbor.c - SenML CBOR as LwM2M 1.1 uses it (content format
 * 112, RFC 8428 section 6).
 *
 * An array of maps, one per record. Keys are the RFC 8428 labels: bver
 * -1, bn -2, bt -3, n 0, v 2, vs 3, vb 4, t 6, vd 8; LwM2M adds the
 * object link as the text key "vlo" ("3:0"). The name of a record is
 * the last bn followed by its n, and is an LwM2M path.
 *
 * The decoder reads untrusted input and takes only this shape: definite
 * lengths (no indefinite arrays, maps or strings), no tags, integers in
 * the shortest form or not as they come (any length is read), floats of
 * 16, 32 or 64 bits; unknown or repeated keys, a record with no or two
 * values, names that are not resources at or under the request's path,
 * a resource given twice, more than LWM2M_RECORDS_MAX records and bytes
 * after the array are refused with the record's index and the reason.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/transport/lwm2m/lwm2m_content.h"

/* RFC 8428 labels. */
#define L_BVER (-1)
#define L_BN (-2)
#define L_BT (-3)
#define L_N 0
#define L_V 2
#define L_VS 3
#define L_VB 4
#define L_T 6
#define L_VD 8
#define L_VLO 100		/* the text key "vlo": not an RFC label */

/* CBOR major types. */
#define M_UINT 0
#define M_NINT 1
#define M_BYTES 2
#define M_TEXT 3
#define M_ARRAY 4
#define M_MAP 5
#define M_TAG 6
#define M_SIMPLE 7

/* ------------------------------------------------------------------ */
/* Encoding                                                            */
/* ------------------------------------------------------------------ */

struct out {
	uint8_t *p;
	size_t len, cap;
	bool failed;
};

static void
put(struct out *o, const void *s, size_t n)
{
	uint8_t *np;
	size_t cap;

	if (o->failed)
		return;
	if (o->len + n > o->cap) {
		cap = o->cap == 0 ? 256 : o->cap;
		while (cap < o->len + n)
			cap *= 2;
		if (cap > LWM2M_PAYLOAD_MAX * 4 ||
		    (np = realloc(o->p, cap)) == NULL) {
			o->failed = true;
			return;
		}
		o->p = np;
		o->cap = cap;
	}
	if (n > 0)
		memcpy(o->p + o->len, s, n);
	o->len += n;
}

/* A head: major type and argument, in the shortest form. */
static void
put_head(struct out *o, unsigned major, uint64_t arg)
{
	uint8_t b[9];
	size_t n, k;

	if (arg < 24) {
		b[0] = (uint8_t)(major << 5 | arg);
		put(o, b, 1);
		return;
	}
	n = arg <= 0xff ? 1 : arg <= 0xffff ? 2 : arg <= 0xffffffffu ? 4 : 8;
	b[0] = (uint8_t)(major << 5 | (n == 1 ? 24 : n == 2 ? 25 : n == 4 ?
	    26 : 27));
	for (k = 0; k < n; k++)
		b[1 + k] = (uint8_t)(arg >> (8 * (n - 1 - k)));
	put(o, b, n + 1);
}

static void
put_int(struct out *o, int64_t i)
{
	if (i >= 0)
		put_head(o, M_UINT, (uint64_t)i);
	else
		put_head(o, M_NINT, (uint64_t)(-(i + 1)));
}

static void
put_text(struct out *o, const void *s, size_t len)
{
	put_head(o, M_TEXT, len);
	put(o, s, len);
}

static void
put_float(struct out *o, double f)
{
	uint8_t b[9];
	uint64_t bits;
	float h = (float)f;
	uint32_t b32;
	int k;

	if ((double)h == f) {
		memcpy(&b32, &h, sizeof(b32));
		b[0] = M_SIMPLE << 5 | 26;
		for (k = 0; k < 4; k++)
			b[1 + k] = (uint8_t)(b32 >> (8 * (3 - k)));
		put(o, b, 5);
		return;
	}
	memcpy(&bits, &f, sizeof(bits));
	b[0] = M_SIMPLE << 5 | 27;
	for (k = 0; k < 8; k++)
		b[1 + k] = (uint8_t)(bits >> (8 * (7 - k)));
	put(o, b, 9);
}

/* A string that must be text: bytes that are not UTF-8 become '?'. */
static void
put_utf8(struct out *o, const uint8_t *s, size_t len)
{
	uint8_t *copy;
	size_t i = 0, ok;

	if (lwm2m_utf8_check(s, len) == len) {
		put_text(o, s, len);
		return;
	}
	if ((copy = malloc(len + 1)) == NULL) {
		o->failed = true;
		return;
	}
	memcpy(copy, s, len);
	while (i < len) {
		ok = lwm2m_utf8_check(copy + i, len - i);
		i += ok;
		if (i < len)
			copy[i++] = '?';
	}
	put_text(o, copy, len);
	free(copy);
}

static void
put_value(struct out *o, const struct lwm2m_value *v)
{
	char lnk[16];

	switch (v->type) {
	case LWM2M_T_STRING:
	case LWM2M_T_CORELNK:
		put_int(o, L_VS);
		put_utf8(o, v->bytes, v->len);
		return;
	case LWM2M_T_INTEGER:
	case LWM2M_T_TIME:
		put_int(o, L_V);
		put_int(o, v->i);
		return;
	case LWM2M_T_UNSIGNED:
		put_int(o, L_V);
		put_head(o, M_UINT, v->u);
		return;
	case LWM2M_T_FLOAT:
		if (!isfinite(v->f)) {
			o->failed = true;
			return;
		}
		put_int(o, L_V);
		put_float(o, v->f);
		return;
	case LWM2M_T_BOOLEAN:
		put_int(o, L_VB);
		put(o, v->b ? "\xf5" : "\xf4", 1);
		return;
	case LWM2M_T_OBJLNK:
		put_text(o, "vlo", 3);
		snprintf(lnk, sizeof(lnk), "%u:%u", (unsigned)v->lnk[0],
		    (unsigned)v->lnk[1]);
		put_text(o, lnk, strlen(lnk));
		return;
	case LWM2M_T_OPAQUE:
		put_int(o, L_VD);
		put_head(o, M_BYTES, v->len);
		put(o, v->bytes, v->len);
		return;
	default:
		o->failed = true;
		return;
	}
}

int
lwm2m_senml_cbor_encode(const struct lwm2m_path *base,
    const struct lwm2m_records *rs, uint8_t **out, size_t *len)
{
	struct out o;
	char bn[48], name[32], seg[8];
	bool single, first = true;
	size_t i, k, n = 0;

	*out = NULL;
	*len = 0;
	memset(&o, 0, sizeof(o));
	for (i = 0; i < rs->n; i++) {
		if (!lwm2m_path_covers(base, &rs->r[i].path))
			return -1;
		if (rs->r[i].v.type != LWM2M_T_NONE)
			n++;
	}
	single = rs->n == 1 && lwm2m_path_equal(base, &rs->r[0].path);
	lwm2m_path_str(base, bn, sizeof(bn));
	if (!single && base->len > 0)
		strcat(bn, "/");
	put_head(&o, M_ARRAY, n);
	for (i = 0; i < rs->n; i++) {
		const struct lwm2m_record *r = &rs->r[i];

		if (r->v.type == LWM2M_T_NONE)
			continue;	/* an empty multiple resource */
		put_head(&o, M_MAP, (first ? 1u : 0u) + (single ? 0u : 1u) +
		    1u);
		if (first) {
			put_int(&o, L_BN);
			put_text(&o, bn, strlen(bn));
		}
		if (!single) {
			name[0] = '\0';
			for (k = base->len; k < r->path.len; k++) {
				snprintf(seg, sizeof(seg), "%s%u", k > base->len
				    ? "/" : "", (unsigned)r->path.id[k]);
				strcat(name, seg);
			}
			put_int(&o, L_N);
			put_text(&o, name, strlen(name));
		}
		put_value(&o, &r->v);
		first = false;
	}
	if (o.failed) {
		free(o.p);
		return -1;
	}
	*out = o.p;
	*len = o.len;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Decoding                                                            */
/* ------------------------------------------------------------------ */

struct in {
	const uint8_t *p;
	size_t len, off;
};

/* One data item's head. For text and byte strings, *s is the content
 * (bounds checked). For M_SIMPLE, arg is the simple value or the raw
 * bits of a float, and *fbytes its size (0 for a simple value). */
struct item {
	unsigned major;
	uint64_t arg;
	const uint8_t *s;
	size_t fbytes;
};

static int
head(struct in *in, struct item *it)
{
	uint8_t b, ai;
	size_t n, k;

	if (in->off >= in->len)
		return -1;
	b = in->p[in->off++];
	it->major = b >> 5;
	ai = b & 0x1f;
	it->fbytes = 0;
	it->s = NULL;
	if (ai < 24) {
		it->arg = ai;
		n = 0;
	} else if (ai <= 27) {
		n = (size_t)1 << (ai - 24);
		if (in->len - in->off < n)
			return -1;
		it->arg = 0;
		for (k = 0; k < n; k++)
			it->arg = it->arg << 8 | in->p[in->off + k];
		in->off += n;
	} else {
		return -1;	/* reserved, or an indefinite length */
	}
	if (it->major == M_SIMPLE) {
		if (ai == 24 && it->arg < 32)
			return -1;	/* not well-formed (RFC 8949 3.3) */
		if (ai >= 25)
			it->fbytes = n;
	}
	if (it->major == M_BYTES || it->major == M_TEXT) {
		if (it->arg > in->len - in->off)
			return -1;
		it->s = in->p + in->off;
		in->off += (size_t)it->arg;
	}
	return 0;
}

static double
half_to_double(uint16_t h)
{
	int e = (h >> 10) & 0x1f;
	double m = h & 0x3ff, d;

	if (e == 0)
		d = ldexp(m, -24);
	else if (e == 31)
		d = m == 0 ? INFINITY : NAN;
	else
		d = ldexp(m + 1024, e - 25);
	return h & 0x8000 ? -d : d;
}

/* A number item (integer or float) into *d, and *i when integral. */
static int
number(const struct item *it, double *d, int64_t *i, bool *integral)
{
	float f;
	uint32_t b32;

	*integral = false;
	switch (it->major) {
	case M_UINT:
		*d = (double)it->arg;
		if (it->arg <= INT64_MAX) {
			*i = (int64_t)it->arg;
			*integral = true;
		}
		return 0;
	case M_NINT:
		if (it->arg > INT64_MAX)
			return -1;
		*i = -1 - (int64_t)it->arg;
		*d = (double)*i;
		*integral = true;
		return 0;
	case M_SIMPLE:
		if (it->fbytes == 2) {
			*d = half_to_double((uint16_t)it->arg);
		} else if (it->fbytes == 4) {
			b32 = (uint32_t)it->arg;
			memcpy(&f, &b32, sizeof(f));
			*d = f;
		} else if (it->fbytes == 8) {
			memcpy(d, &it->arg, sizeof(*d));
		} else {
			return -1;
		}
		if (!isfinite(*d))
			return -1;
		if (*d == floor(*d) && *d >= -9223372036854775808.0 &&
		    *d < 9223372036854775808.0) {
			*i = (int64_t)*d;
			*integral = true;
		}
		return 0;
	default:
		return -1;
	}
}

/* A map key: an RFC 8428 label or "vlo"; -1000 for anything else. */
static int
key_of(const struct item *it)
{
	if (it->major == M_UINT && it->arg <= 8)
		return (int)it->arg;
	if (it->major == M_NINT && it->arg <= 2)
		return -1 - (int)it->arg;
	if (it->major == M_TEXT && it->arg == 3 &&
	    memcmp(it->s, "vlo", 3) == 0)
		return L_VLO;
	return -1000;
}

/* A text string's content, checked, copied NUL-terminated into buf. */
static int
text(const struct item *it, char *buf, size_t len)
{
	if (it->major != M_TEXT || it->arg >= len ||
	    lwm2m_utf8_check(it->s, (size_t)it->arg) != it->arg)
		return -1;
	memcpy(buf, it->s, (size_t)it->arg);
	buf[it->arg] = '\0';
	return 0;
}

static int
record(struct in *in, size_t idx, char *bn, const struct lwm2m_path *base,
    struct lwm2m_records *rs, char *err, size_t errlen)
{
	struct item m, k, val;
	struct lwm2m_value v;
	struct lwm2m_path p;
	char name[LWM2M_NAME_MAX + 1], full[2 * LWM2M_NAME_MAX + 2];
	char tmp[16], lnk[16];
	unsigned seen = 0, bit;
	int key, nvalues = 0;
	uint64_t j;
	size_t r;
	int64_t ti;
	bool tint;
	double d;

	name[0] = '\0';
	memset(&v, 0, sizeof(v));
	if (head(in, &m) != 0 || m.major != M_MAP || m.arg > 16) {
		snprintf(err, errlen, "record %zu: not a map (of at most 16 "
		    "entries)", idx);
		return -1;
	}
	for (j = 0; j < m.arg; j++) {
		if (head(in, &k) != 0 || (key = key_of(&k)) == -1000) {
			snprintf(err, errlen, "record %zu: unknown or malformed "
			    "key", idx);
			return -1;
		}
		bit = 1u << (key == L_VLO ? 12 : key + 3);
		if (seen & bit) {
			snprintf(err, errlen, "record %zu: key %d given twice",
			    idx, key);
			return -1;
		}
		seen |= bit;
		if (head(in, &val) != 0) {
			snprintf(err, errlen, "record %zu: value of key %d "
			    "malformed or truncated", idx, key);
			return -1;
		}
		switch (key) {
		case L_BN:
			if (text(&val, bn, LWM2M_NAME_MAX + 1) != 0)
				goto bad;
			break;
		case L_N:
			if (text(&val, name, sizeof(name)) != 0)
				goto bad;
			break;
		case L_BVER:
			if (val.major != M_UINT || val.arg > 10)
				goto bad;
			break;
		case L_BT:
		case L_T:
			if (number(&val, &d, &ti, &tint) != 0)
				goto bad;
			break;
		case L_V:
			nvalues++;
			if (number(&val, &v.f, &v.i, &v.integral) != 0)
				goto bad;
			v.type = LWM2M_T_NONE;
			v.raw = LWM2M_RAW_NUMBER;
			break;
		case L_VS:
			nvalues++;
			if (val.major != M_TEXT || lwm2m_utf8_check(val.s,
			    (size_t)val.arg) != val.arg)
				goto bad;
			v.type = LWM2M_T_STRING;
			v.bytes = (uint8_t *)(uintptr_t)val.s;
			v.len = (size_t)val.arg;
			break;
		case L_VB:
			nvalues++;
			if (val.major != M_SIMPLE || val.fbytes != 0 ||
			    (val.arg != 20 && val.arg != 21))
				goto bad;
			v.type = LWM2M_T_BOOLEAN;
			v.b = val.arg == 21;
			break;
		case L_VD:
			nvalues++;
			if (val.major != M_BYTES)
				goto bad;
			v.type = LWM2M_T_OPAQUE;
			v.bytes = (uint8_t *)(uintptr_t)val.s;
			v.len = (size_t)val.arg;
			break;
		case L_VLO: {
			struct lwm2m_value t;
			char e2[LWM2M_ERR_MAX];

			nvalues++;
			if (text(&val, lnk, sizeof(lnk)) != 0)
				goto bad;
			memset(&t, 0, sizeof(t));
			t.raw = LWM2M_RAW_TEXT;
			t.bytes = (uint8_t *)lnk;
			t.len = strlen(lnk);
			if (lwm2m_value_coerce(&t, LWM2M_T_OBJLNK, &v, e2,
			    sizeof(e2)) != 0)
				goto bad;
			v.bytes = NULL;
			v.len = 0;
			break;
		}
		default:
			/* u (1), s (5), ut (7): not LwM2M's */
			goto bad;
		}
	}
	if (nvalues != 1) {
		snprintf(err, errlen, "record %zu: %s", idx, nvalues == 0 ?
		    "no value" : "two values");
		return -1;
	}
	snprintf(full, sizeof(full), "%s%s", bn, name);
	if (full[0] != '/' || lwm2m_path_parse(full, &p) != 0 || p.len < 3 ||
	    !lwm2m_path_covers(base, &p)) {
		snprintf(err, errlen, "record %zu: name \"%.80s\" is not a "
		    "resource under the request's path", idx, full);
		return -1;
	}
	for (r = 0; r < rs->n; r++)
		if (lwm2m_path_covers(&rs->r[r].path, &p) ||
		    lwm2m_path_covers(&p, &rs->r[r].path)) {
			snprintf(err, errlen, "record %zu: its resource is "
			    "given twice", idx);
			return -1;
		}
	if (lwm2m_records_add(rs, &p, &v) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
bad:
	snprintf(tmp, sizeof(tmp), "%d", key);
	snprintf(err, errlen, "record %zu: key %s has a bad value", idx,
	    key == L_VLO ? "\"vlo\"" : tmp);
	return -1;
}

int
lwm2m_senml_cbor_decode(const struct lwm2m_path *base, const uint8_t *buf,
    size_t len, struct lwm2m_records *rs, char *err, size_t errlen)
{
	struct in in = { buf, len, 0 };
	struct item a;
	char bn[LWM2M_NAME_MAX + 1] = "";
	size_t before = rs->n, idx;

	if (len > LWM2M_PAYLOAD_MAX) {
		snprintf(err, errlen, "SenML CBOR: larger than %d bytes",
		    LWM2M_PAYLOAD_MAX);
		return -1;
	}
	if (head(&in, &a) != 0 || a.major != M_ARRAY || a.arg == 0) {
		snprintf(err, errlen, "SenML CBOR: not a non-empty array of "
		    "definite length");
		return -1;
	}
	if (a.arg > LWM2M_RECORDS_MAX) {
		snprintf(err, errlen, "SenML CBOR: more than %d records",
		    LWM2M_RECORDS_MAX);
		return -1;
	}
	for (idx = 0; idx < a.arg; idx++)
		if (record(&in, idx, bn, base, rs, err, errlen) != 0)
			goto fail;
	if (in.off != in.len) {
		snprintf(err, errlen, "SenML CBOR: %zu bytes after the array",
		    in.len - in.off);
		goto fail;
	}
	return 0;
fail:
	lwm2m_records_truncate(rs, before);
	return -1;
}

/* ------------------------------------------------------------------ */
/* Composite paths                                                     */
/* ------------------------------------------------------------------ */

int
lwm2m_senml_cbor_paths(const uint8_t *buf, size_t len,
    struct lwm2m_path *paths, size_t max, size_t *n, char *err,
    size_t errlen)
{
	struct in in = { buf, len, 0 };
	struct item a, m, k, val;
	char bn[LWM2M_NAME_MAX + 1] = "", name[LWM2M_NAME_MAX + 1];
	char full[2 * LWM2M_NAME_MAX + 2];
	uint64_t idx, j;
	int key;

	*n = 0;
	if (len > LWM2M_PAYLOAD_MAX || head(&in, &a) != 0 ||
	    a.major != M_ARRAY || a.arg == 0) {
		snprintf(err, errlen, "SenML CBOR: not a non-empty array of "
		    "definite length");
		return -1;
	}
	if (a.arg > max) {
		snprintf(err, errlen, "more than %zu paths", max);
		return -1;
	}
	for (idx = 0; idx < a.arg; idx++) {
		bool seen_bn = false, seen_n = false;

		name[0] = '\0';
		if (head(&in, &m) != 0 || m.major != M_MAP || m.arg > 2)
			goto bad;
		for (j = 0; j < m.arg; j++) {
			if (head(&in, &k) != 0 || head(&in, &val) != 0)
				goto bad;
			key = key_of(&k);
			if (key == L_BN && !seen_bn) {
				seen_bn = true;
				if (text(&val, bn, sizeof(bn)) != 0)
					goto bad;
			} else if (key == L_N && !seen_n) {
				seen_n = true;
				if (text(&val, name, sizeof(name)) != 0)
					goto bad;
			} else {
				goto bad;
			}
		}
		snprintf(full, sizeof(full), "%s%s", bn, name);
		if (full[0] != '/' || lwm2m_path_parse(full, &paths[*n]) != 0 ||
		    paths[*n].len == 0)
			goto bad;
		(*n)++;
	}
	if (in.off != in.len) {
		snprintf(err, errlen, "SenML CBOR: bytes after the array");
		*n = 0;
		return -1;
	}
	return 0;
bad:
	snprintf(err, errlen, "record %llu: not a map of bn and n naming an "
	    "LwM2M path", (unsigned long long)idx);
	*n = 0;
	return -1;
}
