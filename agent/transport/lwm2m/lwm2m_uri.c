/*
 * lwm2m_uri.c - the text and option forms of what the LwM2M binding
 * addresses: server URIs (coap://, coaps://), LwM2M paths, and the
 * Uri-Path, Uri-Query, Content-Format, Accept and Observe options of a
 * request from the server (lwm2m_coap.h). Everything here reads
 * untrusted input and is bounded and strict.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <coap3/coap.h>

#include "agent/core/core.h"
#include "agent/transport/lwm2m/lwm2m_coap.h"

/* ------------------------------------------------------------------ */
/* Paths and URIs                                                      */
/* ------------------------------------------------------------------ */

const char *
lwm2m_path_str(const struct lwm2m_path *p, char *buf, size_t len)
{
	size_t off = 0, i;

	if (len == 0)
		return buf;
	buf[0] = '\0';
	if (p->len == 0) {
		snprintf(buf, len, "/");
		return buf;
	}
	for (i = 0; i < p->len && i < 4 && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "/%u",
		    (unsigned)p->id[i]);
	return buf;
}

/* One decimal id: no sign, no leading zero, at most LWM2M_ID_MAX. */
static int
parse_id(const char *s, size_t n, uint16_t *out)
{
	unsigned long v = 0;
	size_t i;

	if (n == 0 || n > 5 || (n > 1 && s[0] == '0'))
		return -1;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > LWM2M_ID_MAX)
		return -1;
	*out = (uint16_t)v;
	return 0;
}

int
lwm2m_path_parse(const char *s, struct lwm2m_path *p)
{
	const char *seg, *end;

	memset(p, 0, sizeof(*p));
	if (*s == '/')
		s++;
	if (*s == '\0')
		return 0;
	for (seg = s;; seg = end + 1) {
		end = strchr(seg, '/');
		if (end == NULL)
			end = seg + strlen(seg);
		if (p->len == 4 || parse_id(seg, (size_t)(end - seg),
		    &p->id[p->len]) != 0)
			return -1;
		p->len++;
		if (*end == '\0')
			return 0;
	}
}

bool
lwm2m_path_covers(const struct lwm2m_path *a, const struct lwm2m_path *b)
{
	size_t i;

	if (a->len > b->len)
		return false;
	for (i = 0; i < a->len; i++)
		if (a->id[i] != b->id[i])
			return false;
	return true;
}

bool
lwm2m_path_equal(const struct lwm2m_path *a, const struct lwm2m_path *b)
{
	return a->len == b->len && lwm2m_path_covers(a, b);
}

int
lwm2m_uri_parse(const char *uri, bool *secure, char *host, size_t hostlen,
    uint16_t *port, char *err, size_t errlen)
{
	struct url u;

	if (strlen(uri) > LWM2M_URI_MAX) {
		snprintf(err, errlen, "server URI longer than %d bytes",
		    LWM2M_URI_MAX);
		return -1;
	}
	if (url_parse(uri, 0, &u, err, errlen) != 0)
		return -1;
	if (u.scheme != URL_COAPS && u.scheme != URL_COAP) {
		snprintf(err, errlen, "not a coap:// or coaps:// URI");
		return -1;
	}
	if (u.path[0] != '\0') {
		snprintf(err, errlen, "a server URI has no path, query or "
		    "user part");
		return -1;
	}
	if (strlen(u.host) >= hostlen || strlen(u.host) > LWM2M_HOST_MAX) {
		snprintf(err, errlen, "no host, or a host name too long");
		return -1;
	}
	snprintf(host, hostlen, "%s", u.host);
	*secure = u.scheme == URL_COAPS;
	*port = u.port;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Incoming requests                                                   */
/* ------------------------------------------------------------------ */

static int
opt_uint(coap_opt_t *o, unsigned long max, unsigned long *out)
{
	const uint8_t *v = coap_opt_value(o);
	size_t n = coap_opt_length(o), i;
	unsigned long x = 0;

	if (n > 4)
		return -1;
	for (i = 0; i < n; i++)
		x = x << 8 | v[i];
	if (x > max)
		return -1;
	*out = x;
	return 0;
}

int
lwm2m_coap_parse_request(const void *arg, struct lwm2m_msg *m)
{
	const coap_pdu_t *pdu = arg;
	coap_opt_iterator_t it;
	coap_opt_t *o;
	coap_bin_const_t tok;
	unsigned long v;
	bool seen_cf = false, seen_accept = false, seen_obs = false;
	bool seen_bs = false;
	size_t n, len;
	const uint8_t *data;
	int code;

	memset(m, 0, sizeof(*m));
	m->cf = m->accept = LWM2M_CF_NONE;
	m->observe = -1;
	code = (int)coap_pdu_get_code(pdu);
	if (code < LWM2M_GET || code > LWM2M_IPATCH)
		return 405;
	m->method = (enum lwm2m_method)code;
	tok = coap_pdu_get_token(pdu);
	if (tok.length > LWM2M_TOKEN_MAX)
		return 400;
	memcpy(m->token, tok.s, tok.length);
	m->token_len = tok.length;

	coap_option_iterator_init(pdu, &it, COAP_OPT_ALL);
	while ((o = coap_option_next(&it)) != NULL) {
		const char *val = (const char *)coap_opt_value(o);

		n = coap_opt_length(o);
		switch (it.number) {
		case COAP_OPTION_URI_PATH:
			if (seen_bs || m->path.len == 4)
				return 404;
			if (n == 2 && memcmp(val, "bs", 2) == 0 &&
			    m->path.len == 0) {
				seen_bs = true;
				break;
			}
			if (parse_id(val, n, &m->path.id[m->path.len]) != 0)
				return 404;
			m->path.len++;
			break;
		case COAP_OPTION_URI_QUERY:
			if (m->nquery == LWM2M_QUERY_MAX ||
			    n > LWM2M_QUERY_LEN)
				return 400;
			for (len = 0; len < n; len++)
				if (val[len] < 0x21 || val[len] > 0x7e)
					return 400;
			memcpy(m->query[m->nquery], val, n);
			m->query[m->nquery][n] = '\0';
			m->nquery++;
			break;
		case COAP_OPTION_CONTENT_FORMAT:
			if (seen_cf || opt_uint(o, 65535, &v) != 0)
				return 400;
			seen_cf = true;
			m->cf = (int)v;
			break;
		case COAP_OPTION_ACCEPT:
			if (seen_accept || opt_uint(o, 65535, &v) != 0)
				return 400;
			seen_accept = true;
			m->accept = (int)v;
			break;
		case COAP_OPTION_OBSERVE:
			if (seen_obs || opt_uint(o, 1, &v) != 0)
				return 400;
			seen_obs = true;
			m->observe = (int)v;
			break;
		default:
			/* Elective options we do not use (Block2 is
			 * libcoap's, Block1 lwm2m_coap.c's), critical ones
			 * were refused by libcoap with a 4.02. */
			break;
		}
	}
	if (seen_bs && m->path.len > 0)
		return 404;
	m->bs = seen_bs;
	if (coap_get_data(pdu, &len, &data)) {
		if (len > LWM2M_PAYLOAD_MAX)
			return 413;
		m->payload = data;
		m->len = len;
	}
	return 0;
}
