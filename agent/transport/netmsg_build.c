/*
 * netmsg_build.c - encoders of the parent <-> network process messages
 * (netmsg.h): the exact layouts netmsg.c parses.
 */
#include <stdlib.h>
#include <string.h>

#include "agent/transport/netmsg.h"

static void
put_raw(struct netmsg_buf *b, const void *p, size_t n)
{
	uint8_t *nd;
	size_t cap;

	if (b->failed)
		return;
	if (b->len + n > b->cap) {
		cap = b->cap != 0 ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		if ((nd = realloc(b->data, cap)) == NULL) {
			b->failed = true;
			return;
		}
		b->data = nd;
		b->cap = cap;
	}
	memcpy(b->data + b->len, p, n);
	b->len += n;
}

static void
put_be(uint8_t *out, uint64_t v, int bytes)
{
	int i;

	for (i = bytes - 1; i >= 0; i--, v >>= 8)
		out[i] = (uint8_t)v;
}

void
netmsg_buf_append(struct netmsg_buf *b, const void *p, size_t n)
{
	put_raw(b, p, n);
}

void
netmsg_buf_free(struct netmsg_buf *b)
{
	if (b == NULL)
		return;
	if (b->data != NULL)
		crypto_free_secret(b->data, b->cap);
	memset(b, 0, sizeof(*b));
}

void
netmsg_begin(struct netmsg_buf *b, enum netmsg_type type, uint32_t conn,
    uint32_t id)
{
	uint8_t h[NETMSG_HDR_LEN];

	b->start = b->len;
	put_be(h, (uint64_t)type, 2);
	put_be(h + 2, NETMSG_VERSION, 2);
	put_be(h + 4, conn, 4);
	put_be(h + 8, id, 4);
	put_be(h + 12, 0, 4);
	put_raw(b, h, sizeof(h));
}

void
netmsg_put_int(struct netmsg_buf *b, int64_t v)
{
	uint8_t o[8];
	uint64_t u;

	memcpy(&u, &v, sizeof(u));
	put_be(o, u, 8);
	put_raw(b, o, sizeof(o));
}

void
netmsg_put_bytes(struct netmsg_buf *b, const void *p, size_t n)
{
	uint8_t o[4];

	if (n > NETMSG_PAYLOAD_MAX) {
		b->failed = true;
		return;
	}
	put_be(o, n, 4);
	put_raw(b, o, sizeof(o));
	if (n > 0)
		put_raw(b, p, n);
}

void
netmsg_put_str(struct netmsg_buf *b, const char *s)
{
	netmsg_put_bytes(b, s, s != NULL ? strlen(s) + 1 : 0);
}

void
netmsg_end(struct netmsg_buf *b)
{
	size_t plen;

	if (b->failed)
		return;
	plen = b->len - b->start - NETMSG_HDR_LEN;
	if (plen > NETMSG_PAYLOAD_MAX) {
		b->failed = true;
		return;
	}
	put_be(b->data + b->start + 12, plen, 4);
}

static void
put_status(struct netmsg_buf *b, uint32_t conn, uint32_t id,
    const struct transport_reply *r)
{
	netmsg_begin(b, NETMSG_R_STATUS, conn, id);
	netmsg_put_int(b, r->status);
	netmsg_put_int(b, r->code >= 0 && r->code <= 999 ? r->code : 0);
	netmsg_put_str(b, r->why[0] != '\0' ? r->why : NULL);
	netmsg_end(b);
}

void
netmsg_put_reply(struct netmsg_buf *b, enum netmsg_type req, uint32_t conn,
    uint32_t id, const struct transport_reply *r)
{
	const struct transport_command *c;
	size_t i;

	if (r->status != TRANSPORT_OK || req == NETMSG_SEND_RESULT ||
	    req == NETMSG_UNENROLL) {
		put_status(b, conn, id, r);
		return;
	}
	switch (req) {
	case NETMSG_ENROLL:
		netmsg_begin(b, NETMSG_R_ENROLL, conn, id);
		netmsg_put_int(b, r->code);
		netmsg_put_str(b, r->device_id);
		netmsg_put_str(b, r->certificate);
		netmsg_put_str(b, r->ca_certificate);
		netmsg_put_int(b, r->poll_timeout);
		netmsg_put_str(b, r->command_key);
		netmsg_put_str(b, r->policy);
		netmsg_put_str(b, r->etag != NULL ? r->etag : "");
		break;
	case NETMSG_FETCH_POLICY:
		netmsg_begin(b, NETMSG_R_POLICY, conn, id);
		netmsg_put_int(b, r->code);
		netmsg_put_str(b, r->policy);
		netmsg_put_str(b, r->etag != NULL ? r->etag : "");
		break;
	case NETMSG_PUSH_REPORTS:
		netmsg_begin(b, NETMSG_R_REPORTS, conn, id);
		netmsg_put_int(b, r->code);
		netmsg_put_int(b, (int64_t)r->naccepted);
		for (i = 0; i < r->naccepted; i++)
			netmsg_put_str(b, r->accepted[i]);
		break;
	case NETMSG_RECEIVE_COMMANDS:
		netmsg_begin(b, NETMSG_R_COMMANDS, conn, id);
		netmsg_put_int(b, r->code);
		netmsg_put_int(b, (int64_t)r->ncommands);
		for (i = 0; i < r->ncommands; i++) {
			c = &r->commands[i];
			netmsg_put_str(b, c->id);
			netmsg_put_str(b, c->type);
			netmsg_put_int(b, c->create_time);
			netmsg_put_int(b, c->duration);
			netmsg_put_str(b, c->params);
			netmsg_put_str(b, c->signature);
		}
		break;
	case NETMSG_RENEW:
		netmsg_begin(b, NETMSG_R_CERTIFICATE, conn, id);
		netmsg_put_int(b, r->code);
		netmsg_put_str(b, r->certificate);
		break;
	default:
		put_status(b, conn, id, r);
		return;
	}
	netmsg_end(b);
}
