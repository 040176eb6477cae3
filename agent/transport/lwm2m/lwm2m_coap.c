/*
 * lwm2m_coap.c - libcoap on the libuv loop: the context, the one client
 * session, requests out, requests in, observation anchors
 * (lwm2m_coap.h).
 *
 * libcoap calls back from inside coap_io_do_epoll() and
 * coap_io_prepare_epoll(); the owner may free the session from such a
 * callback, so lwm2m_coap_free() only marks it dead there and the
 * teardown happens once libcoap has returned.
 */
#include <errno.h>
#include <netdb.h>
#include <strings.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include <coap3/coap.h>

#include "agent/transport/lwm2m/lwm2m_block.h"
#include "agent/transport/lwm2m/lwm2m_coap_int.h"
#include "agent/transport/lwm2m/lwm2m_dtls.h"
#include "agent/core/core.h"
#include "crypto/crypto.h"

#define EVENTS_MAX 16

static void teardown(struct lwm2m_coap *c);

/* The session whose handshake libcoap's log lines explain: libcoap's
 * log handler carries no argument, and the network process runs one
 * session at a time. */
static struct lwm2m_coap *log_owner;

/* The handshake failed (timed_out: no answer in time): says why. */
static void
handshake_failed(struct lwm2m_coap *c, bool timed_out)
{
	char why[LWM2M_WHY_MAX];

	c->ready = false;
	lwm2m_dtls_explain(&c->cause, c->creds.mode,
	    c->creds.psk_identity, c->host,
	    timed_out, why, sizeof(why));
	c->ev.failed(c->ev.arg, why);
}

/* Drops one of the references the handles and the name resolution
 * hold; the last one frees c (after teardown()). */
static void
release(struct lwm2m_coap *c)
{
	if (--c->handles > 0)
		return;
	crypto_zero(c, sizeof(*c));
	free(c);
}

static void
free_payload(coap_session_t *s, void *p)
{
	(void)s;
	free(p);
}

static struct lwm2m_coap *
ctx_owner(coap_session_t *s)
{
	return coap_session_get_app_data(s);
}

/* Adds a Block1 option (RFC 7959 2.2) to resp unless it has one. */
static void
echo_block1(coap_pdu_t *resp, const struct lwm2m_block *b, bool more)
{
	coap_opt_iterator_t it;
	uint8_t buf[4];

	if (coap_check_option(resp, COAP_OPTION_BLOCK1, &it) != NULL)
		return;
	coap_add_option(resp, COAP_OPTION_BLOCK1, coap_encode_var_safe(buf,
	    sizeof(buf), (b->num << 4) | (more ? 8u : 0u) | b->szx), buf);
}

/*
 * A request in Block1 blocks: libcoap hands each block on as it comes
 * (no COAP_BLOCK_SINGLE_BODY: its own reassembly has no size limit) and
 * they are gathered in c->block1 under LWM2M_BODY_MAX. Returns 0 when m
 * is to be served (with the whole body once the last block is in; *b
 * set when the request had Block1), 1 when resp is the answer (2.31
 * Continue, or the transfer refused).
 */
static int
take_block1(struct lwm2m_coap *c, const coap_pdu_t *req, coap_pdu_t *resp,
    struct lwm2m_msg *m, struct lwm2m_block *b, bool *blocked)
{
	coap_opt_iterator_t it;
	coap_opt_t *o, *tag;
	char why[LWM2M_WHY_MAX];
	const uint8_t *body;
	uint8_t buf[4];
	long long size1 = -1;
	size_t len;
	int rc;

	*blocked = false;
	if ((o = coap_check_option(req, COAP_OPTION_BLOCK1, &it)) == NULL)
		return 0;
	if (lwm2m_block_decode(coap_opt_value(o), coap_opt_length(o),
	    b) != 0) {
		rc = 400;
		snprintf(why, sizeof(why), "Block1: malformed option");
		goto refused;
	}
	if ((o = coap_check_option(req, COAP_OPTION_SIZE1, &it)) != NULL) {
		if (coap_opt_length(o) > 4) {
			rc = 400;
			snprintf(why, sizeof(why), "Size1: longer than 4 bytes");
			goto refused;
		}
		size1 = (long long)coap_decode_var_bytes(coap_opt_value(o),
		    coap_opt_length(o));
	}
	tag = coap_check_option(req, COAP_OPTION_RTAG, &it);
	rc = lwm2m_block1_take(&c->block1, m, b, tag != NULL ?
	    coap_opt_value(tag) : NULL, tag != NULL ? coap_opt_length(tag) :
	    0, size1, LWM2M_BODY_MAX, &body, &len, why, sizeof(why));
	if (rc == 0) {
		m->payload = body;
		m->len = len;
		*blocked = true;
		return 0;
	}
	if (rc == 231) {
		coap_pdu_set_code(resp, COAP_RESPONSE_CODE(231));
		echo_block1(resp, b, true);
		return 1;
	}
refused:
	log_warnx("lwm2m: write in blocks refused (%d.%02d): %s", rc / 100,
	    rc % 100, why);
	/* libcoap may have put a Block1 option in resp already; it has
	 * no public call to take it out, and an error ends the transfer
	 * whatever it says. */
	coap_pdu_set_code(resp, COAP_RESPONSE_CODE(rc));
	if (rc == 413)
		coap_add_option(resp, COAP_OPTION_SIZE1,
		    coap_encode_var_safe(buf, sizeof(buf), LWM2M_BODY_MAX),
		    buf);
	coap_add_data(resp, strlen(why), (const uint8_t *)why);
	return 1;
}

/* One handler for every method, every anchor and the unknown resource. */
static void
on_request(coap_resource_t *r, coap_session_t *s, const coap_pdu_t *req,
    const coap_string_t *query, coap_pdu_t *resp)
{
	struct lwm2m_coap *c = ctx_owner(s);
	struct lwm2m_msg m;
	struct lwm2m_answer a;
	struct lwm2m_block b;
	coap_opt_iterator_t it;
	uint8_t buf[4];
	char seg[LWM2M_LOCATION_MAX + 1], *p, *q;
	bool blocked;
	int rc;

	if (c == NULL || c->dead) {
		coap_pdu_set_code(resp, COAP_RESPONSE_CODE(503));
		return;
	}
	memset(&a, 0, sizeof(a));
	a.code = 500;
	a.cf = LWM2M_CF_NONE;
	if ((rc = lwm2m_coap_parse_request(req, &m)) != 0) {
		coap_pdu_set_code(resp, COAP_RESPONSE_CODE(rc));
		return;
	}
	if (take_block1(c, req, resp, &m, &b, &blocked) != 0)
		return;
	m.observed = coap_check_option(resp, COAP_OPTION_OBSERVE, &it) !=
	    NULL;
	c->ev.serve(c->ev.arg, &m, &a);
	if (blocked) {
		lwm2m_block1_reset(&c->block1);
		echo_block1(resp, &b, false);
	}
	coap_pdu_set_code(resp, COAP_RESPONSE_CODE(a.code));
	if (a.location[0] != '\0') {
		snprintf(seg, sizeof(seg), "%s", a.location);
		for (p = seg; p != NULL; p = q) {
			if ((q = strchr(p, '/')) != NULL)
				*q++ = '\0';
			coap_add_option(resp, COAP_OPTION_LOCATION_PATH,
			    strlen(p), (const uint8_t *)p);
		}
	}
	if (a.payload == NULL) {
		if (a.cf != LWM2M_CF_NONE && a.code / 100 == 2)
			coap_add_option(resp, COAP_OPTION_CONTENT_FORMAT,
			    coap_encode_var_safe(buf, sizeof(buf),
			    (unsigned)a.cf), buf);
		return;
	}
	/* libcoap sends it in blocks when it does not fit one datagram;
	 * the buffer is released when the last block has gone. */
	if (!coap_add_data_large_response(r, s, req, resp, query,
	    (uint16_t)(a.cf == LWM2M_CF_NONE ? LWM2M_CF_OPAQUE : a.cf), -1,
	    0, a.len, a.payload, free_payload, a.payload)) {
		coap_pdu_set_code(resp, COAP_RESPONSE_CODE(500));
		free(a.payload);
	}
}

void
lwm2m_coap_register_handlers(coap_resource_t *r)
{
	coap_register_request_handler(r, COAP_REQUEST_GET, on_request);
	coap_register_request_handler(r, COAP_REQUEST_POST, on_request);
	coap_register_request_handler(r, COAP_REQUEST_PUT, on_request);
	coap_register_request_handler(r, COAP_REQUEST_DELETE, on_request);
	coap_register_request_handler(r, COAP_REQUEST_FETCH, on_request);
	coap_register_request_handler(r, COAP_REQUEST_PATCH, on_request);
	coap_register_request_handler(r, COAP_REQUEST_IPATCH, on_request);
}

/* ------------------------------------------------------------------ */
/* The loop                                                            */
/* ------------------------------------------------------------------ */

static void on_timer(uv_timer_t *t);

static void
schedule(struct lwm2m_coap *c)
{
	coap_tick_t now;
	unsigned int ms;

	if (c->dead)
		return;
	coap_ticks(&now);
	c->in_io++;
	ms = coap_io_prepare_epoll(c->ctx, now);
	c->in_io--;
	if (c->dead)
		return;
	if (ms == 0)
		uv_timer_stop(&c->timer);
	else
		uv_timer_start(&c->timer, on_timer, ms, 0);
}

/* The DTLS handshake is done: requests can go. */
static void
established(struct lwm2m_coap *c)
{
	if (!lwm2m_creds_pin_ok(&c->creds)) {
		/* Cannot happen: the certificate callback refused the
		 * chain. Belt and braces. */
		c->ev.failed(c->ev.arg, "server certificate does not match "
		    "the pin");
		return;
	}
	c->ready = true;
	uv_timer_stop(&c->deadline);
	c->ev.connected(c->ev.arg);
}

static void
run_io(struct lwm2m_coap *c)
{
	struct epoll_event ev[EVENTS_MAX];
	int n;

	c->in_io++;
	do {
		n = epoll_wait(coap_context_get_coap_fd(c->ctx), ev, EVENTS_MAX,
		    0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		coap_io_do_epoll(c->ctx, ev, (size_t)n);
	} while (n == EVENTS_MAX && !c->dead);
	/* libcoap 4.3.1's GnuTLS backend marks a client's DTLS session
	 * established without raising COAP_EVENT_DTLS_CONNECTED. */
	if (!c->dead && c->secure && !c->ready && c->session != NULL &&
	    coap_session_get_state(c->session) ==
	    COAP_SESSION_STATE_ESTABLISHED)
		established(c);
	/* Nor does it raise COAP_EVENT_DTLS_CLOSED for a handshake that
	 * failed: the session just falls back to no state. */
	else if (!c->dead && c->secure && !c->ready && c->session != NULL &&
	    coap_session_get_state(c->session) == COAP_SESSION_STATE_NONE)
		handshake_failed(c, false);
	c->in_io--;
	if (c->dead) {
		if (c->in_io == 0)
			teardown(c);
		return;
	}
	schedule(c);
	if (c->dead && c->in_io == 0)
		teardown(c);
}

static void
on_poll(uv_poll_t *h, int status, int events)
{
	(void)status;
	(void)events;
	run_io(h->data);
}

static void
on_timer(uv_timer_t *t)
{
	run_io(t->data);
}

/* ------------------------------------------------------------------ */
/* Requests out                                                        */
/* ------------------------------------------------------------------ */

static struct pending *
pending_take(struct lwm2m_coap *c, const coap_pdu_t *pdu)
{
	coap_bin_const_t tok = coap_pdu_get_token(pdu);
	struct pending **p, *x;

	for (p = &c->pending; *p != NULL; p = &(*p)->next) {
		x = *p;
		if (x->token_len == tok.length &&
		    memcmp(x->token, tok.s, tok.length) == 0) {
			*p = x->next;
			return x;
		}
	}
	return NULL;
}

static void
location_of(const coap_pdu_t *pdu, char *buf, size_t len)
{
	coap_opt_iterator_t it;
	coap_opt_filter_t f;
	coap_opt_t *o;
	size_t off = 0, n, i;
	const uint8_t *v;

	buf[0] = '\0';
	coap_option_filter_clear(&f);
	coap_option_filter_set(&f, COAP_OPTION_LOCATION_PATH);
	coap_option_iterator_init(pdu, &it, &f);
	while ((o = coap_option_next(&it)) != NULL) {
		n = coap_opt_length(o);
		v = coap_opt_value(o);
		if (off + n + 2 > len) {
			buf[0] = '\0';	/* too long: treated as none */
			return;
		}
		if (off > 0)
			buf[off++] = '/';
		/* a '/' inside a segment (lwm2m-node-lib sends "rd/1" as
		 * one option) is kept: it separates segments again when the
		 * location is used */
		for (i = 0; i < n; i++)
			buf[off++] = (v[i] >= 0x21 && v[i] <= 0x7e &&
			    v[i] != '?' && v[i] != '&') ? (char)v[i] : '_';
		buf[off] = '\0';
	}
}

static coap_response_t
on_response(coap_session_t *s, const coap_pdu_t *sent,
    const coap_pdu_t *rcvd, const coap_mid_t mid)
{
	struct lwm2m_coap *c = ctx_owner(s);
	struct lwm2m_coap_reply r;
	struct pending *p;
	size_t len = 0;
	const uint8_t *data = NULL;
	int code;

	(void)sent;
	(void)mid;
	if (c == NULL || c->dead || (p = pending_take(c, rcvd)) == NULL)
		return COAP_RESPONSE_OK;
	memset(&r, 0, sizeof(r));
	code = (int)coap_pdu_get_code(rcvd);
	r.code = (code >> 5) * 100 + (code & 0x1f);
	location_of(rcvd, r.location, sizeof(r.location));
	if (coap_get_data(rcvd, &len, &data) && len <= LWM2M_PAYLOAD_MAX) {
		r.payload = data;
		r.len = len;
	}
	p->cb(p->arg, &r);
	free(p);
	return COAP_RESPONSE_OK;
}

static void
fail_pending(struct pending *p, const char *why)
{
	struct lwm2m_coap_reply r;

	memset(&r, 0, sizeof(r));
	snprintf(r.why, sizeof(r.why), "%s", why);
	p->cb(p->arg, &r);
	free(p);
}

static const char *
nack_text(coap_nack_reason_t reason)
{
	switch (reason) {
	case COAP_NACK_TOO_MANY_RETRIES:
		return "no answer from the server";
	case COAP_NACK_NOT_DELIVERABLE:
		return "not deliverable (network unreachable)";
	case COAP_NACK_RST:
		return "reset by the server";
	case COAP_NACK_TLS_FAILED:
		return "DTLS handshake failed";
	case COAP_NACK_ICMP_ISSUE:
		return "ICMP error from the server's host";
	default:
		return "request failed";
	}
}

static void
on_nack(coap_session_t *s, const coap_pdu_t *sent,
    const coap_nack_reason_t reason, const coap_mid_t mid)
{
	struct lwm2m_coap *c = ctx_owner(s);
	struct pending *p;

	(void)mid;
	if (c == NULL || c->dead || sent == NULL ||
	    (p = pending_take(c, sent)) == NULL)
		return;
	fail_pending(p, nack_text(reason));
}

static int
on_event(coap_session_t *s, const coap_event_t event)
{
	struct lwm2m_coap *c = ctx_owner(s);

	if (c == NULL || c->dead || s != c->session)
		return 0;
	switch (event) {
	case COAP_EVENT_DTLS_CONNECTED:
		if (!c->ready)
			established(c);
		break;
	case COAP_EVENT_DTLS_CLOSED:
		if (!c->ready) {
			handshake_failed(c, false);
			break;
		}
		c->ready = false;
		c->ev.failed(c->ev.arg, "the server closed the DTLS session");
		break;
	case COAP_EVENT_DTLS_ERROR:
		if (!c->ready) {
			handshake_failed(c, false);
			break;
		}
		c->ready = false;
		c->ev.failed(c->ev.arg, "DTLS error on the established "
		    "session");
		break;
	default:
		break;
	}
	return 0;
}

static int
add_path(coap_pdu_t *pdu, const char *path)
{
	const char *seg = path, *end;

	while (*seg != '\0') {
		end = strchr(seg, '/');
		if (end == NULL)
			end = seg + strlen(seg);
		if (end > seg && !coap_add_option(pdu, COAP_OPTION_URI_PATH,
		    (size_t)(end - seg), (const uint8_t *)seg))
			return -1;
		seg = *end == '/' ? end + 1 : end;
	}
	return 0;
}

static int
add_query(coap_pdu_t *pdu, const char *query)
{
	const char *q = query, *end;

	while (q != NULL && *q != '\0') {
		end = strchr(q, '&');
		if (end == NULL)
			end = q + strlen(q);
		if (end > q && !coap_add_option(pdu, COAP_OPTION_URI_QUERY,
		    (size_t)(end - q), (const uint8_t *)q))
			return -1;
		q = *end == '&' ? end + 1 : end;
	}
	return 0;
}

static int
request(struct lwm2m_coap *c, coap_pdu_type_t type, enum lwm2m_method method,
    const char *path, const char *query, int cf, const uint8_t *payload,
    size_t len, lwm2m_coap_reply_fn cb, void *arg)
{
	struct pending *p;
	coap_pdu_t *pdu;
	uint8_t buf[4], *copy = NULL;
	size_t tlen;

	if (c->dead || c->session == NULL || len > LWM2M_PAYLOAD_MAX)
		return -1;
	if ((p = calloc(1, sizeof(*p))) == NULL)
		return -1;
	pdu = coap_new_pdu(type, (coap_pdu_code_t)method, c->session);
	if (pdu == NULL)
		goto fail;
	coap_session_new_token(c->session, &tlen, p->token);
	p->token_len = tlen > LWM2M_TOKEN_MAX ? LWM2M_TOKEN_MAX : tlen;
	if (!coap_add_token(pdu, p->token_len, p->token) ||
	    add_path(pdu, path) != 0)
		goto fail_pdu;
	if (cf != LWM2M_CF_NONE && !coap_add_option(pdu,
	    COAP_OPTION_CONTENT_FORMAT, coap_encode_var_safe(buf, sizeof(buf),
	    (unsigned)cf), buf))
		goto fail_pdu;
	if (add_query(pdu, query) != 0)
		goto fail_pdu;
	if (len > 0) {
		if ((copy = malloc(len)) == NULL)
			goto fail_pdu;
		memcpy(copy, payload, len);
		if (!coap_add_data_large_request(c->session, pdu, len, copy,
		    free_payload, copy)) {
			free(copy);
			goto fail_pdu;
		}
	}
	p->cb = cb;
	p->arg = arg;
	p->next = c->pending;
	c->pending = p;
	c->in_io++;
	if (coap_send(c->session, pdu) == COAP_INVALID_MID) {
		c->in_io--;
		/* libcoap freed the PDU; it may have failed p already. */
		if ((p = pending_take(c, pdu)) != NULL)
			free(p);
		return -1;
	}
	c->in_io--;
	schedule(c);
	return 0;
fail_pdu:
	coap_delete_pdu(pdu);
fail:
	free(p);
	return -1;
}

int
lwm2m_coap_request(struct lwm2m_coap *c, enum lwm2m_method method,
    const char *path, const char *query, int cf, const uint8_t *payload,
    size_t len, lwm2m_coap_reply_fn cb, void *arg)
{
	return request(c, COAP_MESSAGE_CON, method, path, query, cf, payload,
	    len, cb, arg);
}

int
lwm2m_coap_request_non(struct lwm2m_coap *c, enum lwm2m_method method,
    const char *path, const char *query, int cf, const uint8_t *payload,
    size_t len, lwm2m_coap_reply_fn cb, void *arg)
{
	return request(c, COAP_MESSAGE_NON, method, path, query, cf, payload,
	    len, cb, arg);
}

bool
lwm2m_coap_ready(const struct lwm2m_coap *c)
{
	return c->ready && !c->dead;
}

/* ------------------------------------------------------------------ */
/* Session set-up                                                      */
/* ------------------------------------------------------------------ */

static int
open_session(struct lwm2m_coap *c, const coap_address_t *dst, char *err,
    size_t errlen)
{
	c->session = lwm2m_creds_session(&c->creds, c->ctx, dst);
	if (c->session == NULL) {
		snprintf(err, errlen, "libcoap cannot open a %s session to "
		    "%.64s", c->secure ? "DTLS" : "UDP", c->host);
		return -1;
	}
	/* Without DTLS there is no handshake to wait for. */
	c->ready = !c->secure;
	coap_session_set_app_data(c->session, c);
	return 0;
}

/* The server's address is known (dst), or resolution failed (why). */
static void
resolved_to(struct lwm2m_coap *c, const coap_address_t *dst,
    const char *why)
{
	char err[LWM2M_WHY_MAX];

	if (dst == NULL) {
		snprintf(err, sizeof(err), "cannot resolve %.64s: %s", c->host,
		    why);
		c->ev.failed(c->ev.arg, err);
		return;
	}
	if (open_session(c, dst, err, sizeof(err)) != 0) {
		c->ev.failed(c->ev.arg, err);
		return;
	}
	schedule(c);
	/* Without DTLS the session is ready now; with it, once the
	 * handshake is done (on_event). */
	if (!c->secure && !c->dead) {
		uv_timer_stop(&c->deadline);
		c->ev.connected(c->ev.arg);
	}
}

static void
on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
	struct lwm2m_coap *c = req->data;
	coap_address_t dst;
	struct addrinfo *ai;

	c->resolving = false;
	if (c->dead) {
		uv_freeaddrinfo(res);
		release(c);
		return;
	}
	c->handles--;
	for (ai = res; status == 0 && ai != NULL; ai = ai->ai_next)
		if ((ai->ai_family == AF_INET || ai->ai_family == AF_INET6) &&
		    ai->ai_addrlen <= sizeof(dst.addr))
			break;
	if (status != 0 || ai == NULL) {
		uv_freeaddrinfo(res);
		resolved_to(c, NULL, status != 0 ? uv_strerror(status) :
		    "no address");
		return;
	}
	coap_address_init(&dst);
	dst.size = ai->ai_addrlen;
	memcpy(&dst.addr, ai->ai_addr, ai->ai_addrlen);
	if (ai->ai_family == AF_INET)
		dst.addr.sin.sin_port = htons(c->port);
	else
		dst.addr.sin6.sin6_port = htons(c->port);
	uv_freeaddrinfo(res);
	resolved_to(c, &dst, NULL);
}

void
lwm2m_coap_resolved(struct lwm2m_coap *c, const struct sockaddr *sa,
    const char *why)
{
	coap_address_t dst;

	if (!c->resolving || c->dead)
		return;
	c->resolving = false;
	c->handles--;
	if (sa == NULL || (sa->sa_family != AF_INET &&
	    sa->sa_family != AF_INET6)) {
		resolved_to(c, NULL, why != NULL ? why : "no address");
		return;
	}
	coap_address_init(&dst);
	if (sa->sa_family == AF_INET) {
		dst.size = sizeof(struct sockaddr_in);
		memcpy(&dst.addr.sin, sa, sizeof(struct sockaddr_in));
		dst.addr.sin.sin_port = htons(c->port);
	} else {
		dst.size = sizeof(struct sockaddr_in6);
		memcpy(&dst.addr.sin6, sa, sizeof(struct sockaddr_in6));
		dst.addr.sin6.sin6_port = htons(c->port);
	}
	resolved_to(c, &dst, NULL);
}

/* DTLS drops records it cannot authenticate, so a wrong key makes a
 * handshake that retries for minutes rather than fails. */
static void
on_deadline(uv_timer_t *t)
{
	struct lwm2m_coap *c = t->data;
	char why[LWM2M_WHY_MAX];

	if (c->dead || c->ready)
		return;
	if (c->secure && !c->resolving && c->session != NULL) {
		handshake_failed(c, true);
		return;
	}
	snprintf(why, sizeof(why), "%s %.64s timed out", c->resolving ?
	    "resolving" : c->secure ? "DTLS handshake with" :
	    "connecting to", c->host);
	c->ev.failed(c->ev.arg, why);
}

static void
coap_logger(coap_log_t level, const char *message)
{
	size_t n = strlen(message);

	while (n > 0 && (message[n - 1] == '\n' || message[n - 1] == '\r'))
		n--;
	if (level <= LOG_WARNING && log_owner != NULL && log_owner->secure &&
	    !log_owner->ready)
		lwm2m_dtls_note(&log_owner->cause, message, n);
	if (level <= LOG_ERR)
		log_warnx("libcoap: %.*s", (int)n, message);
	else
		log_debug("libcoap: %.*s", (int)n, message);
}

int
lwm2m_coap_new(const struct lwm2m_coap_params *p,
    const struct lwm2m_coap_events *ev, struct lwm2m_coap **out, char *err,
    size_t errlen)
{
	struct lwm2m_coap *c;
	struct addrinfo hints;
	char port[8];
	int rc;

	*out = NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	c->loop = p->loop;
	c->ev = *ev;
	if (lwm2m_uri_parse(p->uri, &c->secure, c->host, sizeof(c->host),
	    &c->port, err, errlen) != 0 ||
	    lwm2m_creds_copy(&c->creds, c->secure, p, err, errlen) != 0)
		goto fail;
	coap_startup();
	coap_set_log_handler(coap_logger);
	/* Warnings: the TLS backend's reasons for a failed handshake. */
	coap_set_log_level(log_getlevel() >= LOG_LVL_DEBUG ? LOG_INFO :
	    LOG_WARNING);
	if (c->secure && !coap_dtls_is_supported()) {
		snprintf(err, errlen, "libcoap was built without DTLS");
		goto fail;
	}
	if ((c->ctx = coap_new_context(NULL)) == NULL ||
	    coap_context_get_coap_fd(c->ctx) < 0) {
		snprintf(err, errlen, "libcoap context (built without epoll?)");
		goto fail;
	}
	/* Not COAP_BLOCK_SINGLE_BODY: Block1 bodies are gathered under a
	 * cap by take_block1(). */
	coap_context_set_block_mode(c->ctx, COAP_BLOCK_USE_LIBCOAP);
	coap_register_response_handler(c->ctx, on_response);
	coap_register_nack_handler(c->ctx, on_nack);
	coap_register_event_handler(c->ctx, on_event);
	if ((c->unknown = coap_resource_unknown_init2(on_request, 0)) ==
	    NULL) {
		snprintf(err, errlen, "libcoap: out of memory");
		goto fail;
	}
	lwm2m_coap_register_handlers(c->unknown);
	coap_add_resource(c->ctx, c->unknown);

	uv_poll_init(c->loop, &c->poll, coap_context_get_coap_fd(c->ctx));
	uv_timer_init(c->loop, &c->timer);
	uv_timer_init(c->loop, &c->deadline);
	c->poll.data = c->timer.data = c->deadline.data = c;
	c->handles = 3;
	log_owner = c;
	uv_poll_start(&c->poll, UV_READABLE, on_poll);
	uv_timer_start(&c->deadline, on_deadline, p->connect_ms > 0 ?
	    p->connect_ms : LWM2M_CONNECT_MS, 0);

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	snprintf(port, sizeof(port), "%u", (unsigned)c->port);
	c->gai.data = c;
	c->resolver = p->resolver;
	if (c->resolver != NULL) {
		if (c->resolver->start(c->resolver->arg, c, c->host,
		    c->port) != 0) {
			snprintf(err, errlen, "cannot resolve %.64s: the "
			    "resolver refused", c->host);
			lwm2m_coap_free(c);
			return -1;
		}
	} else if ((rc = uv_getaddrinfo(c->loop, &c->gai, on_resolved,
	    c->host, port, &hints)) != 0) {
		snprintf(err, errlen, "cannot resolve %.64s: %s", c->host,
		    uv_strerror(rc));
		lwm2m_coap_free(c);
		return -1;
	}
	c->resolving = true;
	c->handles++;
	*out = c;
	return 0;
fail:
	if (c->ctx != NULL)
		coap_free_context(c->ctx);
	lwm2m_creds_clear(&c->creds);
	crypto_zero(c, sizeof(*c));
	free(c);
	return -1;
}

static void
on_closed(uv_handle_t *h)
{
	release(h->data);
}

/* Frees everything but the memory of c itself, which the handles'
 * close callbacks release. */
static void
teardown(struct lwm2m_coap *c)
{
	struct pending *p, *pn;
	struct anchor *a, *an;

	if (c->ctx == NULL)
		return;
	for (a = c->anchors; a != NULL; a = an) {
		an = a->next;
		free(a);
	}
	c->anchors = NULL;
	/* Freeing the context closes the session (a DTLS close_notify)
	 * and the epoll descriptor; the handlers see c->dead. */
	c->in_io++;
	uv_poll_stop(&c->poll);
	if (c->session != NULL)
		coap_session_release(c->session);
	c->session = NULL;
	coap_free_context(c->ctx);
	c->ctx = NULL;
	c->in_io--;
	for (p = c->pending; p != NULL; p = pn) {
		pn = p->next;
		free(p);
	}
	c->pending = NULL;
	lwm2m_block1_reset(&c->block1);
	lwm2m_creds_clear(&c->creds);
	uv_close((uv_handle_t *)&c->poll, on_closed);
	uv_close((uv_handle_t *)&c->timer, on_closed);
	uv_close((uv_handle_t *)&c->deadline, on_closed);
	/* A resolution in flight cannot be closed: it finishes with
	 * UV_ECANCELED or a result, and on_resolved() drops the last
	 * reference. */
	if (c->resolving && c->resolver != NULL) {
		c->resolver->cancel(c->resolver->arg, c);
		c->resolving = false;
		c->handles--;
	} else if (c->resolving) {
		uv_cancel((uv_req_t *)&c->gai);
	}
}

void
lwm2m_coap_free(struct lwm2m_coap *c)
{
	if (c == NULL || c->dead)
		return;
	c->dead = true;
	c->ready = false;
	if (log_owner == c)
		log_owner = NULL;
	if (c->in_io == 0)
		teardown(c);
}
