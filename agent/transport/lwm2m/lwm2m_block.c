/*
 * lwm2m_block.c - Block1 reassembly under a size cap (lwm2m_block.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/transport/lwm2m/lwm2m_block.h"

int
lwm2m_block_decode(const uint8_t *v, size_t len, struct lwm2m_block *b)
{
	uint32_t x = 0;
	size_t i;

	if (len > 3)
		return -1;
	for (i = 0; i < len; i++)
		x = (x << 8) | v[i];
	b->szx = x & 7;
	b->more = (x & 8) != 0;
	b->num = x >> 4;
	return b->szx == 7 ? -1 : 0;
}

void
lwm2m_block1_reset(struct lwm2m_block1 *t)
{
	free(t->buf);
	memset(t, 0, sizeof(*t));
}

static bool
same_transfer(const struct lwm2m_block1 *t, const struct lwm2m_msg *m,
    const uint8_t *rtag, size_t rtag_len)
{
	return t->active && t->method == m->method && t->bs == m->bs &&
	    lwm2m_path_equal(&t->path, &m->path) && t->cf == m->cf &&
	    t->rtag_len == rtag_len &&
	    (rtag_len == 0 || memcmp(t->rtag, rtag, rtag_len) == 0);
}

/* Drops the transfer and says why; returns code. */
static int
refuse(struct lwm2m_block1 *t, int code, char *why, size_t whylen,
    const char *fmt, unsigned long long a, unsigned long long b)
{
	lwm2m_block1_reset(t);
	snprintf(why, whylen, fmt, a, b);
	return code;
}

int
lwm2m_block1_take(struct lwm2m_block1 *t, const struct lwm2m_msg *m,
    const struct lwm2m_block *b, const uint8_t *rtag, size_t rtag_len,
    long long size1, size_t cap, const uint8_t **body, size_t *len,
    char *why, size_t whylen)
{
	size_t bsize = (size_t)1 << (b->szx + 4);
	unsigned long long off = (unsigned long long)b->num << (b->szx + 4);
	size_t want;
	uint8_t *p;

	*body = NULL;
	*len = 0;
	if (why != NULL && whylen > 0)
		why[0] = '\0';
	if (rtag_len > LWM2M_RTAG_MAX)
		return refuse(t, 400, why, whylen,
		    "Request-Tag of %llu bytes (at most %llu)",
		    (unsigned long long)rtag_len, LWM2M_RTAG_MAX);
	/* The announced size is refused before any block is kept. */
	if (size1 >= 0 && (unsigned long long)size1 > cap)
		return refuse(t, 413, why, whylen,
		    "body of %llu bytes announced (Size1); at most %llu",
		    (unsigned long long)size1, (unsigned long long)cap);
	if (off + m->len > cap)
		return refuse(t, 413, why, whylen,
		    "body passes %llu bytes at offset %llu",
		    (unsigned long long)cap, off);
	if (b->more && m->len != bsize)
		return refuse(t, 400, why, whylen,
		    "block of %llu bytes with more to come (block size %llu)",
		    (unsigned long long)m->len, (unsigned long long)bsize);
	if (b->num == 0) {
		lwm2m_block1_reset(t);
		if (!b->more) {
			/* A body in one block: nothing to keep. */
			*body = m->payload;
			*len = m->len;
			return 0;
		}
		t->active = true;
		t->method = m->method;
		t->bs = m->bs;
		t->path = m->path;
		t->cf = m->cf;
		if (rtag_len > 0)
			memcpy(t->rtag, rtag, rtag_len);
		t->rtag_len = rtag_len;
	} else if (!same_transfer(t, m, rtag, rtag_len)) {
		return refuse(t, 408, why, whylen,
		    "block %llu of a transfer not in progress (%llu bytes "
		    "received)", b->num, (unsigned long long)t->len);
	} else if (off != t->len) {
		/* A retransmitted block already kept is answered again. */
		if (off + m->len == t->len && b->more)
			return 231;
		return refuse(t, 408, why, whylen,
		    "block at offset %llu; %llu bytes received so far", off,
		    (unsigned long long)t->len);
	}
	want = t->len + m->len;
	if (want > t->alloc) {
		size_t n = t->alloc == 0 ? 1024 : t->alloc;

		while (n < want)
			n *= 2;
		if (n > cap)
			n = cap;
		if ((p = realloc(t->buf, n)) == NULL)
			return refuse(t, 500, why, whylen,
			    "out of memory for a body of %llu bytes",
			    (unsigned long long)want, 0);
		t->buf = p;
		t->alloc = n;
	}
	if (m->len > 0)
		memcpy(t->buf + t->len, m->payload, m->len);
	t->len = want;
	if (b->more)
		return 231;
	*body = t->buf;
	*len = t->len;
	return 0;
}
