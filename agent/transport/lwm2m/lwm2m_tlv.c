/*
 * lwm2m_tlv.c - OMA TLV (LwM2M TS 1.1 section 7.4.3; content format
 * 11542, and 1542 from LwM2M 1.0 servers).
 *
 * An entry is a type byte (bits 7-6: 00 object instance, 01 resource
 * instance, 10 multiple resource, 11 resource with a value; bit 5: a
 * 16-bit identifier; bits 4-3: 0, 1, 2 or 3 bytes of length follow;
 * bits 2-0: the length itself when none follows), the identifier, the
 * length and the value. Object instances hold resources, multiple
 * resources hold resource instances.
 *
 * A multiple resource with no instances is the record at the resource's
 * path with no value (type and raw NONE), both ways; so is an object
 * instance with no resources (under an object only).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/transport/lwm2m/lwm2m_content.h"

enum { K_INSTANCE = 0, K_RES_INSTANCE = 1, K_MULTIPLE = 2, K_RESOURCE = 3 };

/* ------------------------------------------------------------------ */
/* Encoding                                                            */
/* ------------------------------------------------------------------ */

struct buf {
	uint8_t *p;
	size_t len, cap;
	bool failed;
};

static void
put(struct buf *b, const void *d, size_t n)
{
	uint8_t *np;
	size_t cap;

	if (b->failed)
		return;
	if (b->len + n > b->cap) {
		cap = b->cap == 0 ? 256 : b->cap;
		while (cap < b->len + n)
			cap *= 2;
		if (cap > LWM2M_PAYLOAD_MAX * 2 ||
		    (np = realloc(b->p, cap)) == NULL) {
			b->failed = true;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	if (n > 0)
		memcpy(b->p + b->len, d, n);
	b->len += n;
}

static void
header(struct buf *b, unsigned kind, uint16_t id, size_t len)
{
	uint8_t h[6];
	size_t k = 1;

	h[0] = (uint8_t)(kind << 6);
	if (id > 255) {
		h[0] |= 0x20;
		h[k++] = (uint8_t)(id >> 8);
	}
	h[k++] = (uint8_t)id;
	if (len < 8) {
		h[0] |= (uint8_t)len;
	} else if (len < 0x100) {
		h[0] |= 0x08;
		h[k++] = (uint8_t)len;
	} else if (len < 0x10000) {
		h[0] |= 0x10;
		h[k++] = (uint8_t)(len >> 8);
		h[k++] = (uint8_t)len;
	} else {
		h[0] |= 0x18;
		h[k++] = (uint8_t)(len >> 16);
		h[k++] = (uint8_t)(len >> 8);
		h[k++] = (uint8_t)len;
	}
	put(b, h, k);
}

/* Big-endian bytes of v in n bytes. */
static void
be(uint8_t *out, uint64_t v, size_t n)
{
	size_t k;

	for (k = 0; k < n; k++)
		out[n - 1 - k] = (uint8_t)(v >> (8 * k));
}

/* The shortest of 1, 2, 4 or 8 bytes holding i (two's complement). */
static size_t
int_size(int64_t i)
{
	if (i >= INT8_MIN && i <= INT8_MAX)
		return 1;
	if (i >= INT16_MIN && i <= INT16_MAX)
		return 2;
	if (i >= INT32_MIN && i <= INT32_MAX)
		return 4;
	return 8;
}

static size_t
uint_size(uint64_t u)
{
	if (u <= UINT8_MAX)
		return 1;
	if (u <= UINT16_MAX)
		return 2;
	if (u <= UINT32_MAX)
		return 4;
	return 8;
}

/* A value's TLV bytes: into small (8 bytes) or pointing at v's. */
static int
value_bytes(const struct lwm2m_value *v, uint8_t small[8],
    const uint8_t **p, size_t *n)
{
	float f;
	uint32_t b32;
	uint64_t b64;

	*p = small;
	switch (v->type) {
	case LWM2M_T_STRING:
	case LWM2M_T_OPAQUE:
	case LWM2M_T_CORELNK:
		*p = v->bytes;
		*n = v->len;
		return 0;
	case LWM2M_T_INTEGER:
	case LWM2M_T_TIME:
		*n = int_size(v->i);
		be(small, (uint64_t)v->i, *n);
		return 0;
	case LWM2M_T_UNSIGNED:
		*n = uint_size(v->u);
		be(small, v->u, *n);
		return 0;
	case LWM2M_T_FLOAT:
		f = (float)v->f;
		if ((double)f == v->f) {
			memcpy(&b32, &f, sizeof(b32));
			be(small, b32, 4);
			*n = 4;
		} else {
			memcpy(&b64, &v->f, sizeof(b64));
			be(small, b64, 8);
			*n = 8;
		}
		return 0;
	case LWM2M_T_BOOLEAN:
		small[0] = v->b ? 1 : 0;
		*n = 1;
		return 0;
	case LWM2M_T_OBJLNK:
		be(small, v->lnk[0], 2);
		be(small + 2, v->lnk[1], 2);
		*n = 4;
		return 0;
	default:
		return -1;
	}
}

static void
entry(struct buf *b, unsigned kind, uint16_t id, const struct lwm2m_value *v)
{
	uint8_t small[8];
	const uint8_t *p;
	size_t n;

	if (value_bytes(v, small, &p, &n) != 0) {
		b->failed = true;
		return;
	}
	header(b, kind, id, n);
	put(b, p, n);
}

static void
wrap(struct buf *b, unsigned kind, uint16_t id, struct buf *inner)
{
	if (inner->failed)
		b->failed = true;
	header(b, kind, id, inner->len);
	put(b, inner->p, inner->len);
	free(inner->p);
	memset(inner, 0, sizeof(*inner));
}

/* The records of one resource from r[*i] on (all with the same first
 * three ids); *i moves past them. */
static void
resource(struct buf *b, const struct lwm2m_records *rs, size_t *i)
{
	const struct lwm2m_record *first = &rs->r[*i];
	struct buf inner;

	memset(&inner, 0, sizeof(inner));
	if (first->path.len == 3 && first->v.type != LWM2M_T_NONE) {
		entry(b, K_RESOURCE, first->path.id[2], &first->v);
		(*i)++;
		return;
	}
	if (first->path.len == 3)	/* an empty multiple resource */
		(*i)++;
	while (*i < rs->n && rs->r[*i].path.len == 4 &&
	    rs->r[*i].path.id[0] == first->path.id[0] &&
	    rs->r[*i].path.id[1] == first->path.id[1] &&
	    rs->r[*i].path.id[2] == first->path.id[2]) {
		entry(&inner, K_RES_INSTANCE, rs->r[*i].path.id[3],
		    &rs->r[*i].v);
		(*i)++;
	}
	wrap(b, K_MULTIPLE, first->path.id[2], &inner);
}

/* The resources of instance inst of object o from r[*i] on. */
static void
instance(struct buf *b, const struct lwm2m_records *rs, size_t *i,
    uint16_t o, uint16_t inst)
{
	while (*i < rs->n && rs->r[*i].path.len >= 3 &&
	    rs->r[*i].path.id[0] == o && rs->r[*i].path.id[1] == inst)
		resource(b, rs, i);
}

int
lwm2m_tlv_encode(const struct lwm2m_path *base,
    const struct lwm2m_records *rs, uint8_t **out, size_t *len)
{
	struct buf b, inner;
	size_t i = 0, k;
	uint16_t inst;

	*out = NULL;
	*len = 0;
	memset(&b, 0, sizeof(b));
	if (base->len == 0)
		return -1;
	for (k = 0; k < rs->n; k++)
		if (!lwm2m_path_covers(base, &rs->r[k].path) ||
		    (rs->r[k].path.len < 3 && !(base->len == 1 &&
		    rs->r[k].path.len == 2 && rs->r[k].v.type ==
		    LWM2M_T_NONE)) || (rs->r[k].path.len == 4 &&
		    rs->r[k].v.type == LWM2M_T_NONE))
			return -1;
	switch (base->len) {
	case 1:
		while (i < rs->n) {
			memset(&inner, 0, sizeof(inner));
			inst = rs->r[i].path.id[1];
			if (rs->r[i].path.len == 2)
				i++;	/* an instance with no resources */
			instance(&inner, rs, &i, base->id[0], inst);
			wrap(&b, K_INSTANCE, inst, &inner);
		}
		break;
	case 2:
		instance(&b, rs, &i, base->id[0], base->id[1]);
		break;
	case 3:
		while (i < rs->n)
			resource(&b, rs, &i);
		break;
	default:
		for (; i < rs->n; i++)
			entry(&b, K_RES_INSTANCE, rs->r[i].path.id[3],
			    &rs->r[i].v);
		break;
	}
	if (b.failed) {
		free(b.p);
		return -1;
	}
	if (b.p == NULL && (b.p = malloc(1)) == NULL)
		return -1;
	*out = b.p;
	*len = b.len;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Decoding                                                            */
/* ------------------------------------------------------------------ */

struct ent {
	unsigned kind;
	uint16_t id;
	const uint8_t *val;
	size_t len;
};

/* The entry at *off of buf (len bytes); moves *off past it. */
static int
next(const uint8_t *buf, size_t len, size_t *off, struct ent *e, char *err,
    size_t errlen)
{
	size_t o = *off, idlen, lenlen, k, vlen;
	uint8_t t;
	unsigned id = 0;

	if (o >= len)
		goto short_;
	t = buf[o++];
	e->kind = t >> 6;
	idlen = t & 0x20 ? 2 : 1;
	lenlen = (t >> 3) & 3;
	if (len - o < idlen + lenlen)
		goto short_;
	for (k = 0; k < idlen; k++)
		id = id << 8 | buf[o++];
	if (id > LWM2M_ID_MAX) {
		snprintf(err, errlen, "TLV identifier %u at byte %zu is "
		    "reserved", id, *off);
		return -1;
	}
	e->id = (uint16_t)id;
	if (lenlen == 0) {
		vlen = t & 7;
	} else {
		vlen = 0;
		for (k = 0; k < lenlen; k++)
			vlen = vlen << 8 | buf[o++];
	}
	if (vlen > len - o)
		goto short_;
	e->val = buf + o;
	e->len = vlen;
	*off = o + vlen;
	return 0;
short_:
	snprintf(err, errlen, "TLV entry at byte %zu runs past the end", *off);
	return -1;
}

static int
add(struct lwm2m_records *rs, const struct lwm2m_path *p, const struct ent *e,
    bool empty_multiple, char *err, size_t errlen)
{
	struct lwm2m_value v;
	size_t k;

	for (k = 0; k < rs->n; k++)
		if (lwm2m_path_covers(&rs->r[k].path, p) ||
		    lwm2m_path_covers(p, &rs->r[k].path)) {
			char text[48];

			snprintf(err, errlen, "TLV: %s given twice",
			    lwm2m_path_str(p, text, sizeof(text)));
			return -1;
		}
	memset(&v, 0, sizeof(v));
	if (!empty_multiple) {
		v.raw = LWM2M_RAW_TLV;
		v.bytes = (uint8_t *)(uintptr_t)e->val;
		v.len = e->len;
	}
	if (lwm2m_records_add(rs, p, &v) != 0) {
		snprintf(err, errlen, "TLV: more than %d values",
		    LWM2M_RECORDS_MAX);
		return -1;
	}
	return 0;
}

/* Resource instances inside a multiple resource at p (len 3). */
static int
instances(const struct ent *m, const struct lwm2m_path *p,
    struct lwm2m_records *rs, char *err, size_t errlen)
{
	struct lwm2m_path q = *p;
	struct ent e;
	size_t off = 0;

	if (m->len == 0)
		return add(rs, p, m, true, err, errlen);
	q.len = 4;
	while (off < m->len) {
		if (next(m->val, m->len, &off, &e, err, errlen) != 0)
			return -1;
		if (e.kind != K_RES_INSTANCE) {
			snprintf(err, errlen, "TLV: a multiple resource holds "
			    "only resource instances");
			return -1;
		}
		q.id[3] = e.id;
		if (add(rs, &q, &e, false, err, errlen) != 0)
			return -1;
	}
	return 0;
}

/* One resource entry (11 or 10) of the instance at p (len 2). */
static int
one_resource(const struct ent *e, const struct lwm2m_path *p,
    struct lwm2m_records *rs, char *err, size_t errlen)
{
	struct lwm2m_path q = *p;

	q.len = 3;
	q.id[2] = e->id;
	if (e->kind == K_RESOURCE)
		return add(rs, &q, e, false, err, errlen);
	if (e->kind == K_MULTIPLE)
		return instances(e, &q, rs, err, errlen);
	snprintf(err, errlen, "TLV: expected a resource");
	return -1;
}

/* Resource entries in buf for the instance at p (len 2). */
static int
resources(const uint8_t *buf, size_t len, const struct lwm2m_path *p,
    struct lwm2m_records *rs, char *err, size_t errlen)
{
	struct ent e;
	size_t off = 0;

	while (off < len) {
		if (next(buf, len, &off, &e, err, errlen) != 0 ||
		    one_resource(&e, p, rs, err, errlen) != 0)
			return -1;
	}
	return 0;
}

static int decode(const struct lwm2m_path *base, const uint8_t *buf,
    size_t len, struct lwm2m_records *rs, char *err, size_t errlen);

int
lwm2m_tlv_decode(const struct lwm2m_path *base, const uint8_t *buf,
    size_t len, struct lwm2m_records *rs, char *err, size_t errlen)
{
	size_t before = rs->n;

	if (decode(base, buf, len, rs, err, errlen) == 0)
		return 0;
	lwm2m_records_truncate(rs, before);
	return -1;
}

static int
decode(const struct lwm2m_path *base, const uint8_t *buf, size_t len,
    struct lwm2m_records *rs, char *err, size_t errlen)
{
	struct lwm2m_path p = *base;
	struct ent e;
	size_t off = 0;
	bool bare = false, wrapped = false;

	if (base->len == 0) {
		snprintf(err, errlen, "TLV needs an object path");
		return -1;
	}
	if (len == 0 && base->len != 3) {
		snprintf(err, errlen, "empty TLV");
		return -1;
	}
	while (off < len) {
		if (next(buf, len, &off, &e, err, errlen) != 0)
			return -1;
		switch (base->len) {
		case 1:
			p.len = 2;
			if (e.kind == K_INSTANCE && !bare) {
				wrapped = true;
				p.id[1] = e.id;
				/* an instance with no resources (a Create that
				 * takes every default) is its path alone */
				if (e.len == 0 && add(rs, &p, &e, true, err,
				    errlen) != 0)
					return -1;
				if (resources(e.val, e.len, &p, rs, err,
				    errlen) != 0)
					return -1;
				break;
			}
			if ((e.kind == K_RESOURCE || e.kind == K_MULTIPLE) &&
			    !wrapped) {
				/* a Create's new instance, id not given */
				bare = true;
				p.id[1] = LWM2M_ID_NONE;
				if (one_resource(&e, &p, rs, err, errlen) != 0)
					return -1;
				break;
			}
			snprintf(err, errlen, "TLV: expected object instances "
			    "or resources (not both)");
			return -1;
		case 2:
			if (e.kind == K_INSTANCE && !bare && !wrapped &&
			    e.id == base->id[1] && e.len > 0) {
				wrapped = true;
				if (resources(e.val, e.len, &p, rs, err,
				    errlen) != 0)
					return -1;
				break;
			}
			if (wrapped) {
				snprintf(err, errlen, "TLV: data after the "
				    "object instance");
				return -1;
			}
			bare = true;
			if (one_resource(&e, &p, rs, err, errlen) != 0)
				return -1;
			break;
		case 3:
			p.len = 2;
			if ((e.kind == K_RESOURCE || e.kind == K_MULTIPLE) &&
			    e.id == base->id[2] && !bare && !wrapped) {
				wrapped = true;
				if (one_resource(&e, &p, rs, err, errlen) != 0)
					return -1;
				break;
			}
			if (e.kind == K_RES_INSTANCE && !wrapped) {
				bare = true;
				p = *base;
				p.len = 4;
				p.id[3] = e.id;
				if (add(rs, &p, &e, false, err, errlen) != 0)
					return -1;
				break;
			}
			snprintf(err, errlen, "TLV: expected resource %u or "
			    "its instances", (unsigned)base->id[2]);
			return -1;
		default:
			if (e.kind != K_RES_INSTANCE || e.id != base->id[3] ||
			    wrapped) {
				snprintf(err, errlen, "TLV: expected resource "
				    "instance %u", (unsigned)base->id[3]);
				return -1;
			}
			wrapped = true;
			if (add(rs, base, &e, false, err, errlen) != 0)
				return -1;
			break;
		}
	}
	if (len == 0) {
		/* an empty multiple resource written to its path */
		memset(&e, 0, sizeof(e));
		return add(rs, base, &e, true, err, errlen);
	}
	return 0;
}
