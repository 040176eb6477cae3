/*
 * provision_ndef.c - the NFC bump: an NDEF message (NFC Forum NDEF 1.0)
 * whose first record is a MIME record "application/com.android.
 * managedprovisioning" carrying a java.util.Properties payload. Reads
 * every record header of the message (bounds, flags) but uses only the
 * first record; writes a message of one record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "agent/provision/provision.h"

#define NDEF_MB 0x80
#define NDEF_ME 0x40
#define NDEF_CF 0x20
#define NDEF_SR 0x10
#define NDEF_IL 0x08
#define NDEF_TNF_MASK 0x07

#define TNF_EMPTY 0x00
#define TNF_MIME 0x02
#define TNF_UNKNOWN 0x05
#define TNF_UNCHANGED 0x06
#define TNF_RESERVED 0x07

#define NDEF_RECORDS_MAX 16

struct ndef_record {
	uint8_t flags, tnf;
	const uint8_t *type, *payload;
	size_t type_len, id_len, payload_len;
};

/* Takes n bytes at *pos, or fails when fewer remain. */
static const uint8_t *
take(const uint8_t *buf, size_t len, size_t *pos, size_t n)
{
	const uint8_t *p;

	if (n > len - *pos)
		return NULL;
	p = buf + *pos;
	*pos += n;
	return p;
}

static int
ndef_record(const uint8_t *buf, size_t len, size_t *pos, int idx,
    struct ndef_record *r, char *err, size_t errlen)
{
	const uint8_t *p;

	memset(r, 0, sizeof(*r));
	if ((p = take(buf, len, pos, 2)) == NULL)
		goto truncated;
	r->flags = p[0];
	r->tnf = p[0] & NDEF_TNF_MASK;
	r->type_len = p[1];
	if (idx == 1 && !(r->flags & NDEF_MB))
		return prov_err(err, errlen,
		    "ndef: record 1: message begin (MB) flag not set");
	if (idx > 1 && (r->flags & NDEF_MB))
		return prov_err(err, errlen,
		    "ndef: record %d: message begin (MB) flag set again", idx);
	if (r->flags & NDEF_CF)
		return prov_err(err, errlen,
		    "ndef: record %d: chunked records (CF) not supported", idx);
	if (r->tnf == TNF_UNCHANGED)
		return prov_err(err, errlen,
		    "ndef: record %d: TNF 6 (unchanged) outside a chunk", idx);
	if (r->tnf == TNF_RESERVED)
		return prov_err(err, errlen, "ndef: record %d: reserved TNF 7",
		    idx);
	if (r->flags & NDEF_SR) {
		if ((p = take(buf, len, pos, 1)) == NULL)
			goto truncated;
		r->payload_len = p[0];
	} else {
		if ((p = take(buf, len, pos, 4)) == NULL)
			goto truncated;
		r->payload_len = (size_t)p[0] << 24 | (size_t)p[1] << 16 |
		    (size_t)p[2] << 8 | p[3];
	}
	if (r->flags & NDEF_IL) {
		if ((p = take(buf, len, pos, 1)) == NULL)
			goto truncated;
		r->id_len = p[0];
	}
	if (r->tnf == TNF_EMPTY &&
	    (r->type_len != 0 || r->id_len != 0 || r->payload_len != 0))
		return prov_err(err, errlen,
		    "ndef: record %d: empty record (TNF 0) with content", idx);
	if (r->tnf == TNF_UNKNOWN && r->type_len != 0)
		return prov_err(err, errlen,
		    "ndef: record %d: unknown-type record (TNF 5) with a type",
		    idx);
	if (r->tnf != TNF_EMPTY && r->tnf != TNF_UNKNOWN && r->type_len == 0)
		return prov_err(err, errlen, "ndef: record %d: no type", idx);
	if ((r->type = take(buf, len, pos, r->type_len)) == NULL ||
	    take(buf, len, pos, r->id_len) == NULL ||
	    (r->payload = take(buf, len, pos, r->payload_len)) == NULL)
		goto truncated;
	return 0;
truncated:
	return prov_err(err, errlen, "ndef: record %d: truncated", idx);
}

/* The type, printable, for an error message. */
static void
type_text(const struct ndef_record *r, char *out, size_t cap)
{
	size_t i, n = r->type_len < cap - 1 ? r->type_len : cap - 1;

	for (i = 0; i < n; i++)
		out[i] = r->type[i] >= 0x20 && r->type[i] < 0x7f ?
		    (char)r->type[i] : '?';
	out[n] = '\0';
}

/* Checks the whole message; *first is its first record. */
static int
ndef_parse(const uint8_t *buf, size_t len, struct ndef_record *first,
    char *err, size_t errlen)
{
	struct ndef_record r;
	size_t pos = 0;
	int idx;

	memset(first, 0, sizeof(*first));
	if (len == 0)
		return prov_err(err, errlen, "ndef: empty message");
	if (len > PROV_NDEF_MAX)
		return prov_err(err, errlen, "ndef: longer than %d bytes",
		    PROV_NDEF_MAX);
	for (idx = 1;; idx++) {
		if (idx > NDEF_RECORDS_MAX)
			return prov_err(err, errlen, "ndef: more than %d records",
			    NDEF_RECORDS_MAX);
		if (ndef_record(buf, len, &pos, idx, &r, err, errlen) != 0)
			return -1;
		if (idx == 1)
			*first = r;
		if (r.flags & NDEF_ME)
			break;
		if (pos == len)
			return prov_err(err, errlen, "ndef: record %d: truncated "
			    "(no message end (ME) flag)", idx);
	}
	if (pos != len)
		return prov_err(err, errlen,
		    "ndef: %zu bytes after the last record", len - pos);
	return 0;
}

int
prov_from_ndef(const uint8_t *buf, size_t len,
    const struct prov_defaults *defs, struct prov_request *req, char *err,
    size_t errlen)
{
	static const char mime[] = PROV_NDEF_MIME;
	struct ndef_record r;
	char type[64];

	prov_request_clear(req);
	if (ndef_parse(buf, len, &r, err, errlen) != 0)
		return -1;
	if (r.tnf != TNF_MIME)
		return prov_err(err, errlen,
		    "ndef: record 1: TNF %u is not MIME media (2)", r.tnf);
	/* MIME types compare without regard to case (RFC 2045). */
	if (r.type_len != sizeof(mime) - 1 ||
	    strncasecmp((const char *)r.type, mime, sizeof(mime) - 1) != 0) {
		type_text(&r, type, sizeof(type));
		return prov_err(err, errlen, "ndef: record 1: type \"%s\" is not "
		    "%s", type, mime);
	}
	return prov_from_properties((const char *)r.payload, r.payload_len,
	    defs, req, err, errlen);
}

int
prov_ndef_build(const struct prov_request *req, uint8_t **out, size_t *len,
    char *err, size_t errlen)
{
	static const char mime[] = PROV_NDEF_MIME;
	size_t plen, hdr, o = 0;
	char *payload;
	uint8_t *msg;

	*out = NULL;
	*len = 0;
	if (prov_properties_build(req, &payload, &plen, err, errlen) != 0)
		return -1;
	hdr = plen <= 255 ? 3 : 6;
	if ((msg = malloc(hdr + sizeof(mime) - 1 + plen)) == NULL) {
		prov_secret_free(payload, plen);
		return prov_err(err, errlen, "ndef: out of memory");
	}
	msg[o++] = NDEF_MB | NDEF_ME | (plen <= 255 ? NDEF_SR : 0) | TNF_MIME;
	msg[o++] = (uint8_t)(sizeof(mime) - 1);
	if (plen <= 255) {
		msg[o++] = (uint8_t)plen;
	} else {
		msg[o++] = (uint8_t)(plen >> 24);
		msg[o++] = (uint8_t)(plen >> 16);
		msg[o++] = (uint8_t)(plen >> 8);
		msg[o++] = (uint8_t)plen;
	}
	memcpy(msg + o, mime, sizeof(mime) - 1);
	o += sizeof(mime) - 1;
	memcpy(msg + o, payload, plen);
	o += plen;
	prov_secret_free(payload, plen);
	*out = msg;
	*len = o;
	return 0;
}
