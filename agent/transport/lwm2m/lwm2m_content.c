/*
 * lwm2m_content.c - LwM2M values, record lists, plain text and opaque,
 * the coercion of decoded values to a resource's type, and the choice
 * of a content format (lwm2m_content.h).
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/transport/lwm2m/lwm2m_content.h"
#include "crypto/crypto.h"

/* ------------------------------------------------------------------ */
/* Records                                                             */
/* ------------------------------------------------------------------ */

void
lwm2m_records_init(struct lwm2m_records *rs)
{
	memset(rs, 0, sizeof(*rs));
}

void
lwm2m_records_clear(struct lwm2m_records *rs)
{
	size_t i;

	for (i = 0; i < rs->n; i++) {
		if (rs->r[i].v.bytes != NULL)
			crypto_zero(rs->r[i].v.bytes, rs->r[i].v.len);
		free(rs->r[i].v.bytes);
	}
	free(rs->r);
	memset(rs, 0, sizeof(*rs));
}

int
lwm2m_records_add(struct lwm2m_records *rs, const struct lwm2m_path *p,
    const struct lwm2m_value *v)
{
	struct lwm2m_record *r;
	size_t cap;

	if (rs->n == LWM2M_RECORDS_MAX)
		return -1;
	if (rs->n == rs->cap) {
		cap = rs->cap == 0 ? 16 : rs->cap * 2;
		if ((r = realloc(rs->r, cap * sizeof(*r))) == NULL)
			return -1;
		rs->r = r;
		rs->cap = cap;
	}
	r = &rs->r[rs->n];
	r->path = *p;
	r->v = *v;
	r->v.bytes = NULL;
	if (v->bytes != NULL || v->len > 0) {
		/* one spare NUL so that strings can be used as C text */
		if ((r->v.bytes = malloc(v->len + 1)) == NULL)
			return -1;
		if (v->len > 0)
			memcpy(r->v.bytes, v->bytes, v->len);
		r->v.bytes[v->len] = '\0';
	}
	rs->n++;
	return 0;
}

void
lwm2m_records_truncate(struct lwm2m_records *rs, size_t n)
{
	while (rs->n > n) {
		rs->n--;
		if (rs->r[rs->n].v.bytes != NULL)
			crypto_zero(rs->r[rs->n].v.bytes, rs->r[rs->n].v.len);
		free(rs->r[rs->n].v.bytes);
		rs->r[rs->n].v.bytes = NULL;
	}
}

static int
path_cmp(const void *a, const void *b)
{
	const struct lwm2m_path *x = &((const struct lwm2m_record *)a)->path;
	const struct lwm2m_path *y = &((const struct lwm2m_record *)b)->path;
	size_t i;

	for (i = 0; i < x->len && i < y->len; i++)
		if (x->id[i] != y->id[i])
			return x->id[i] < y->id[i] ? -1 : 1;
	return (int)x->len - (int)y->len;
}

void
lwm2m_records_sort(struct lwm2m_records *rs)
{
	if (rs->n > 1)
		qsort(rs->r, rs->n, sizeof(rs->r[0]), path_cmp);
}

struct lwm2m_value
lwm2m_int(int64_t i)
{
	struct lwm2m_value v = { .type = LWM2M_T_INTEGER, .i = i };

	return v;
}

struct lwm2m_value
lwm2m_uint(uint64_t u)
{
	struct lwm2m_value v = { .type = LWM2M_T_UNSIGNED, .u = u };

	return v;
}

struct lwm2m_value
lwm2m_float(double f)
{
	struct lwm2m_value v = { .type = LWM2M_T_FLOAT, .f = f };

	return v;
}

struct lwm2m_value
lwm2m_bool(bool b)
{
	struct lwm2m_value v = { .type = LWM2M_T_BOOLEAN, .b = b };

	return v;
}

struct lwm2m_value
lwm2m_time(int64_t t)
{
	struct lwm2m_value v = { .type = LWM2M_T_TIME, .i = t };

	return v;
}

struct lwm2m_value
lwm2m_str(const char *s)
{
	struct lwm2m_value v = { .type = LWM2M_T_STRING,
	    .bytes = (uint8_t *)(uintptr_t)s, .len = strlen(s) };

	return v;
}

struct lwm2m_value
lwm2m_opaque(const uint8_t *p, size_t len)
{
	struct lwm2m_value v = { .type = LWM2M_T_OPAQUE,
	    .bytes = (uint8_t *)(uintptr_t)p, .len = len };

	return v;
}

struct lwm2m_value
lwm2m_objlnk(uint16_t o, uint16_t i)
{
	struct lwm2m_value v = { .type = LWM2M_T_OBJLNK, .lnk = { o, i } };

	return v;
}

/* ------------------------------------------------------------------ */
/* Coercion                                                            */
/* ------------------------------------------------------------------ */

size_t
lwm2m_utf8_check(const uint8_t *s, size_t len)
{
	size_t i = 0, n, k;
	uint32_t c;

	while (i < len) {
		if (s[i] == 0)
			return i;
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		if ((s[i] & 0xe0) == 0xc0) {
			n = 1;
			c = s[i] & 0x1f;
		} else if ((s[i] & 0xf0) == 0xe0) {
			n = 2;
			c = s[i] & 0x0f;
		} else if ((s[i] & 0xf8) == 0xf0) {
			n = 3;
			c = s[i] & 0x07;
		} else {
			return i;
		}
		for (k = 1; k <= n; k++) {
			if (i + k >= len || (s[i + k] & 0xc0) != 0x80)
				return i;
			c = c << 6 | (s[i + k] & 0x3f);
		}
		if ((n == 1 && c < 0x80) || (n == 2 && c < 0x800) ||
		    (n == 3 && c < 0x10000) || c > 0x10ffff ||
		    (c >= 0xd800 && c <= 0xdfff))
			return i;
		i += n + 1;
	}
	return len;
}

static int
fail(char *err, size_t errlen, const char *why, enum lwm2m_type want)
{
	static const char *const names[] = { "raw", "String", "Integer",
	    "Unsigned Integer", "Float", "Boolean", "Opaque", "Time",
	    "Objlnk", "Corelnk" };

	snprintf(err, errlen, "%s for a value of type %s", why,
	    names[(unsigned)want < 10 ? want : 0]);
	return -1;
}

/* Strict decimal: optional '-', digits, no leading zeros. */
static int
text_int(const uint8_t *s, size_t len, bool sign, int64_t *i, uint64_t *u)
{
	size_t k = 0;
	uint64_t v = 0, lim;
	bool neg = false;

	if (sign && len > 0 && s[0] == '-') {
		neg = true;
		k = 1;
	}
	if (k == len || (len - k > 1 && s[k] == '0') || len - k > 20)
		return -1;
	lim = !sign ? UINT64_MAX : neg ? (uint64_t)INT64_MAX + 1 :
	    (uint64_t)INT64_MAX;
	for (; k < len; k++) {
		if (s[k] < '0' || s[k] > '9')
			return -1;
		if (v > (lim - (uint64_t)(s[k] - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(s[k] - '0');
	}
	if (u != NULL)
		*u = v;
	if (i != NULL)
		*i = neg ? (int64_t)(0 - v) : (int64_t)v;
	return 0;
}

static int
text_float(const uint8_t *s, size_t len, double *f)
{
	char buf[64], *end;

	if (len == 0 || len >= sizeof(buf) ||
	    strspn((const char *)s, "0123456789+-.eE") < len)
		return -1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	*f = strtod(buf, &end);
	if (*end != '\0' || errno != 0 || !isfinite(*f))
		return -1;
	return 0;
}

static int
text_objlnk(const uint8_t *s, size_t len, uint16_t lnk[2])
{
	const uint8_t *colon = memchr(s, ':', len);
	uint64_t a, b;

	if (colon == NULL ||
	    text_int(s, (size_t)(colon - s), false, NULL, &a) != 0 ||
	    text_int(colon + 1, len - (size_t)(colon - s) - 1, false, NULL,
	    &b) != 0 || a > 65535 || b > 65535)
		return -1;
	lnk[0] = (uint16_t)a;
	lnk[1] = (uint16_t)b;
	return 0;
}

static int64_t
tlv_signed(const uint8_t *b, size_t n)
{
	uint64_t v = b[0] & 0x80 ? UINT64_MAX : 0;
	size_t k;

	for (k = 0; k < n; k++)
		v = v << 8 | b[k];
	return (int64_t)v;
}

static uint64_t
tlv_unsigned(const uint8_t *b, size_t n)
{
	uint64_t v = 0;
	size_t k;

	for (k = 0; k < n; k++)
		v = v << 8 | b[k];
	return v;
}

static double
tlv_float(const uint8_t *b, size_t n)
{
	uint64_t bits = tlv_unsigned(b, n);
	uint32_t b32 = (uint32_t)bits;
	float f;
	double d;

	if (n == 4) {
		memcpy(&f, &b32, sizeof(f));
		return (double)f;
	}
	memcpy(&d, &bits, sizeof(d));
	return d;
}

static int
coerce_tlv(const struct lwm2m_value *in, enum lwm2m_type want,
    struct lwm2m_value *out, char *err, size_t errlen)
{
	size_t n = in->len;
	const uint8_t *b = in->bytes;

	switch (want) {
	case LWM2M_T_INTEGER:
	case LWM2M_T_TIME:
		if (n != 1 && n != 2 && n != 4 && n != 8)
			return fail(err, errlen, "TLV length not 1, 2, 4 or 8",
			    want);
		out->i = tlv_signed(b, n);
		return 0;
	case LWM2M_T_UNSIGNED:
		if (n != 1 && n != 2 && n != 4 && n != 8)
			return fail(err, errlen, "TLV length not 1, 2, 4 or 8",
			    want);
		out->u = tlv_unsigned(b, n);
		return 0;
	case LWM2M_T_FLOAT:
		if (n != 4 && n != 8)
			return fail(err, errlen, "TLV length not 4 or 8", want);
		out->f = tlv_float(b, n);
		if (!isfinite(out->f))
			return fail(err, errlen, "not a finite number", want);
		return 0;
	case LWM2M_T_BOOLEAN:
		if (n != 1 || b[0] > 1)
			return fail(err, errlen, "not one byte 0 or 1", want);
		out->b = b[0] == 1;
		return 0;
	case LWM2M_T_OBJLNK:
		if (n != 4)
			return fail(err, errlen, "TLV length not 4", want);
		out->lnk[0] = (uint16_t)(b[0] << 8 | b[1]);
		out->lnk[1] = (uint16_t)(b[2] << 8 | b[3]);
		return 0;
	default:
		return 0;	/* bytes as they are */
	}
}

static int
coerce_text(const struct lwm2m_value *in, enum lwm2m_type want,
    struct lwm2m_value *out, char *err, size_t errlen)
{
	const uint8_t *s = in->bytes;
	size_t n = in->len, dec;
	uint8_t *tmp;

	switch (want) {
	case LWM2M_T_INTEGER:
	case LWM2M_T_TIME:
		if (text_int(s, n, true, &out->i, NULL) != 0)
			return fail(err, errlen, "not a decimal integer", want);
		return 0;
	case LWM2M_T_UNSIGNED:
		if (text_int(s, n, false, NULL, &out->u) != 0)
			return fail(err, errlen, "not an unsigned decimal",
			    want);
		return 0;
	case LWM2M_T_FLOAT:
		if (text_float(s, n, &out->f) != 0)
			return fail(err, errlen, "not a decimal number", want);
		return 0;
	case LWM2M_T_BOOLEAN:
		if (n != 1 || (s[0] != '0' && s[0] != '1'))
			return fail(err, errlen, "not \"0\" or \"1\"", want);
		out->b = s[0] == '1';
		return 0;
	case LWM2M_T_OBJLNK:
		if (text_objlnk(s, n, out->lnk) != 0)
			return fail(err, errlen, "not \"object:instance\"",
			    want);
		return 0;
	case LWM2M_T_OPAQUE:
		/* LwM2M 1.0 text carries opaque data in base64; decode in
		 * place (it only shrinks). */
		if ((tmp = malloc(n + 1)) == NULL)
			return fail(err, errlen, "out of memory", want);
		if (crypto_b64_decode((const char *)s, n, tmp, n + 1, &dec,
		    CRYPTO_B64_PAD | CRYPTO_B64_STD) != 0) {
			free(tmp);
			return fail(err, errlen, "not base64", want);
		}
		memcpy(in->bytes, tmp, dec);
		crypto_zero(tmp, n + 1);
		free(tmp);
		out->len = dec;
		return 0;
	default:
		return 0;
	}
}

static int
coerce_number(const struct lwm2m_value *in, enum lwm2m_type want,
    struct lwm2m_value *out, char *err, size_t errlen)
{
	switch (want) {
	case LWM2M_T_INTEGER:
	case LWM2M_T_TIME:
		if (!in->integral)
			return fail(err, errlen, "not a whole number", want);
		out->i = in->i;
		return 0;
	case LWM2M_T_UNSIGNED:
		if (!in->integral || in->i < 0)
			return fail(err, errlen, "not a whole number >= 0",
			    want);
		out->u = (uint64_t)in->i;
		return 0;
	case LWM2M_T_FLOAT:
		out->f = in->f;
		return 0;
	default:
		return fail(err, errlen, "a number", want);
	}
}

int
lwm2m_value_coerce(const struct lwm2m_value *in, enum lwm2m_type want,
    struct lwm2m_value *out, char *err, size_t errlen)
{
	*out = *in;
	out->type = want;
	out->raw = LWM2M_RAW_NONE;
	if (in->type != LWM2M_T_NONE) {
		/* Typed by the format (SenML): it must be the same type, or
		 * time and integer for one another. */
		if (in->type == want || (want == LWM2M_T_TIME &&
		    in->type == LWM2M_T_INTEGER) || (want ==
		    LWM2M_T_INTEGER && in->type == LWM2M_T_TIME))
			goto check_string;
		if (want == LWM2M_T_CORELNK && in->type == LWM2M_T_STRING)
			goto check_string;
		return fail(err, errlen, "a value of another type", want);
	}
	switch (in->raw) {
	case LWM2M_RAW_TLV:
		if (coerce_tlv(in, want, out, err, errlen) != 0)
			return -1;
		break;
	case LWM2M_RAW_TEXT:
		if (coerce_text(in, want, out, err, errlen) != 0)
			return -1;
		break;
	case LWM2M_RAW_NUMBER:
		return coerce_number(in, want, out, err, errlen);
	default:
		return fail(err, errlen, "no value", want);
	}
check_string:
	if ((want == LWM2M_T_STRING || want == LWM2M_T_CORELNK) &&
	    lwm2m_utf8_check(out->bytes, out->len) != out->len)
		return fail(err, errlen, "not UTF-8 text (or a NUL)", want);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Formats                                                             */
/* ------------------------------------------------------------------ */

int
lwm2m_cf_family(int cf)
{
	switch (cf) {
	case LWM2M_CF_TEXT:
	case LWM2M_CF_OLD_TEXT:
		return LWM2M_CF_TEXT;
	case LWM2M_CF_OPAQUE:
	case LWM2M_CF_OLD_OPAQUE:
		return LWM2M_CF_OPAQUE;
	case LWM2M_CF_TLV:
	case LWM2M_CF_OLD_TLV:
		return LWM2M_CF_TLV;
	case LWM2M_CF_JSON:
	case LWM2M_CF_OLD_JSON:
		return LWM2M_CF_JSON;
	case LWM2M_CF_SENML_JSON:
		return LWM2M_CF_SENML_JSON;
	case LWM2M_CF_SENML_CBOR:
		return LWM2M_CF_SENML_CBOR;
	case LWM2M_CF_LINK:
		return LWM2M_CF_LINK;
	default:
		return LWM2M_CF_NONE;
	}
}

bool
lwm2m_cf_known(int cf)
{
	return lwm2m_cf_family(cf) != LWM2M_CF_NONE;
}

int
lwm2m_cf_pick(int accept, bool single, bool opaque)
{
	int fam;

	if (accept == LWM2M_CF_NONE) {
		if (!single)
			return LWM2M_CF_TLV;
		return opaque ? LWM2M_CF_OPAQUE : LWM2M_CF_TEXT;
	}
	fam = lwm2m_cf_family(accept);
	switch (fam) {
	case LWM2M_CF_TEXT:
		return single && !opaque ? accept : -1;
	case LWM2M_CF_OPAQUE:
		return single && opaque ? accept : -1;
	case LWM2M_CF_TLV:
	case LWM2M_CF_JSON:
	case LWM2M_CF_SENML_JSON:
	case LWM2M_CF_SENML_CBOR:
		return accept;
	default:
		return -1;
	}
}

int
lwm2m_text_encode(const struct lwm2m_value *v, uint8_t **out, size_t *len)
{
	char buf[40];
	int n;

	*out = NULL;
	*len = 0;
	switch (v->type) {
	case LWM2M_T_STRING:
	case LWM2M_T_CORELNK:
		if ((*out = malloc(v->len + 1)) == NULL)
			return -1;
		memcpy(*out, v->bytes, v->len);
		*len = v->len;
		return 0;
	case LWM2M_T_INTEGER:
	case LWM2M_T_TIME:
		n = snprintf(buf, sizeof(buf), "%" PRId64, v->i);
		break;
	case LWM2M_T_UNSIGNED:
		n = snprintf(buf, sizeof(buf), "%" PRIu64, v->u);
		break;
	case LWM2M_T_FLOAT:
		n = snprintf(buf, sizeof(buf), "%.17g", v->f);
		break;
	case LWM2M_T_BOOLEAN:
		n = snprintf(buf, sizeof(buf), "%d", v->b ? 1 : 0);
		break;
	case LWM2M_T_OBJLNK:
		n = snprintf(buf, sizeof(buf), "%u:%u", (unsigned)v->lnk[0],
		    (unsigned)v->lnk[1]);
		break;
	default:
		return -1;
	}
	if ((*out = malloc((size_t)n + 1)) == NULL)
		return -1;
	memcpy(*out, buf, (size_t)n + 1);
	*len = (size_t)n;
	return 0;
}

/* One record exactly at base (a single resource or resource instance). */
static const struct lwm2m_record *
single_at(const struct lwm2m_path *base, const struct lwm2m_records *rs)
{
	if (rs->n != 1 || !lwm2m_path_equal(base, &rs->r[0].path))
		return NULL;
	return &rs->r[0];
}

int
lwm2m_encode(int cf, const struct lwm2m_path *base,
    const struct lwm2m_records *rs, uint8_t **out, size_t *len)
{
	const struct lwm2m_record *one;

	*out = NULL;
	*len = 0;
	switch (lwm2m_cf_family(cf)) {
	case LWM2M_CF_TEXT:
		if ((one = single_at(base, rs)) == NULL ||
		    one->v.type == LWM2M_T_OPAQUE)
			return -1;
		return lwm2m_text_encode(&one->v, out, len);
	case LWM2M_CF_OPAQUE:
		if ((one = single_at(base, rs)) == NULL ||
		    one->v.type != LWM2M_T_OPAQUE)
			return -1;
		if ((*out = malloc(one->v.len + 1)) == NULL)
			return -1;
		if (one->v.len > 0)
			memcpy(*out, one->v.bytes, one->v.len);
		*len = one->v.len;
		return 0;
	case LWM2M_CF_TLV:
		return lwm2m_tlv_encode(base, rs, out, len);
	case LWM2M_CF_JSON:
		return lwm2m_senml_encode(base, rs, true, out, len);
	case LWM2M_CF_SENML_JSON:
		return lwm2m_senml_encode(base, rs, false, out, len);
	case LWM2M_CF_SENML_CBOR:
		return lwm2m_senml_cbor_encode(base, rs, out, len);
	default:
		return -1;
	}
}

int
lwm2m_decode(int cf, const struct lwm2m_path *base, const uint8_t *buf,
    size_t len, struct lwm2m_records *rs, char *err, size_t errlen)
{
	struct lwm2m_value v;
	size_t before = rs->n;
	int rc;

	if (len > LWM2M_PAYLOAD_MAX) {
		snprintf(err, errlen, "payload larger than %d bytes",
		    LWM2M_PAYLOAD_MAX);
		return -1;
	}
	memset(&v, 0, sizeof(v));
	v.bytes = (uint8_t *)(uintptr_t)buf;
	v.len = len;
	switch (lwm2m_cf_family(cf)) {
	case LWM2M_CF_TEXT:
	case LWM2M_CF_OPAQUE:
		if (base->len < 3) {
			snprintf(err, errlen, "%s carries one resource value",
			    lwm2m_cf_family(cf) == LWM2M_CF_TEXT ?
			    "plain text" : "opaque");
			return -1;
		}
		if (lwm2m_cf_family(cf) == LWM2M_CF_TEXT)
			v.raw = LWM2M_RAW_TEXT;
		else
			v.type = LWM2M_T_OPAQUE;
		rc = lwm2m_records_add(rs, base, &v);
		if (rc != 0)
			snprintf(err, errlen, "out of memory");
		return rc;
	case LWM2M_CF_TLV:
		rc = lwm2m_tlv_decode(base, buf, len, rs, err, errlen);
		break;
	case LWM2M_CF_JSON:
		rc = lwm2m_senml_decode(base, buf, len, true, rs, err, errlen);
		break;
	case LWM2M_CF_SENML_JSON:
		rc = lwm2m_senml_decode(base, buf, len, false, rs, err,
		    errlen);
		break;
	case LWM2M_CF_SENML_CBOR:
		rc = lwm2m_senml_cbor_decode(base, buf, len, rs, err, errlen);
		break;
	default:
		snprintf(err, errlen, "content format %d: UNSUPPORTED", cf);
		return -1;
	}
	if (rc != 0)
		lwm2m_records_truncate(rs, before);
	return rc;
}
