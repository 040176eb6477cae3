/*
 * rest_http.c - HTTP/1.1 requests over a kept-alive TLS stream (see
 * rest_http.h).
 *
 * One timer serves every phase: it starts the next queued request (a
 * zero timeout, so a callback never runs inside rest_http_request()),
 * bounds sending the request and waiting for the response, and closes a
 * connection left idle. The connect and handshake bounds belong to the
 * stream.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent/transport/rest/rest_http.h"
#include "agent/core/core.h"

enum { PH_IDLE = 0, PH_CONNECTING, PH_SENDING, PH_WAITING };

struct pending {
	struct pending *next;
	char *wire;		/* the serialized request */
	size_t wire_len;
	unsigned response_ms;
	rest_http_cb cb;
	void *arg;
	bool retried;
};

struct rest_http {
	uv_loop_t *loop;
	struct tls_conf *tls;
	char host[TLS_HOST_MAX + 1];
	uint16_t port;
	struct tls_stream *stream;
	bool stream_fresh;	/* opened for the request in progress */
	struct pending *head, *tail;
	int phase;
	bool got_bytes;		/* of the response in progress */
	struct http_response *resp;
	uv_timer_t timer;
	int busy;		/* inside a callback */
	bool dead;		/* freed from inside a callback */
};

static void start_next(struct rest_http *h);
static void ev_connected(void *arg);
static void ev_data(void *arg, const uint8_t *buf, size_t len);
static void ev_flushed(void *arg);
static void ev_failed(void *arg, enum tls_fail fail, const char *why);

static const struct tls_stream_events stream_events = {
	.connected = ev_connected,
	.data = ev_data,
	.flushed = ev_flushed,
	.failed = ev_failed,
};

static void
on_timer_closed(uv_handle_t *t)
{
	struct rest_http *h = t->data;

	http_response_clear(h->resp);
	free(h->resp);
	free(h);
}

static void
pending_free(struct pending *p)
{
	if (p == NULL)
		return;
	/* The request may hold a one-time enrollment token. */
	crypto_free_secret(p->wire, p->wire_len);
	free(p);
}

static void
really_free(struct rest_http *h)
{
	struct pending *p, *next;

	for (p = h->head; p != NULL; p = next) {
		next = p->next;
		pending_free(p);
	}
	h->head = h->tail = NULL;
	tls_stream_close(h->stream);
	h->stream = NULL;
	uv_close((uv_handle_t *)&h->timer, on_timer_closed);
}

void
rest_http_free(struct rest_http *h)
{
	if (h == NULL || h->dead)
		return;
	h->dead = true;
	if (h->busy == 0)
		really_free(h);
}

bool
rest_http_busy(const struct rest_http *h)
{
	return h->head != NULL;
}

static void
drop_stream(struct rest_http *h)
{
	tls_stream_close(h->stream);
	h->stream = NULL;
}

static void
on_timer(uv_timer_t *t);

/* Finishes the request at the head of the queue and calls back. */
static void __attribute__((format(printf, 4, 5)))
complete(struct rest_http *h, enum rest_http_error error, bool keep_stream,
    const char *fmt, ...)
{
	struct pending *p = h->head;
	struct rest_http_reply r;
	va_list ap;

	uv_timer_stop(&h->timer);
	h->head = p->next;
	if (h->head == NULL)
		h->tail = NULL;
	h->phase = PH_IDLE;
	if (!keep_stream)
		drop_stream(h);
	memset(&r, 0, sizeof(r));
	r.error = error;
	va_start(ap, fmt);
	vsnprintf(r.why, sizeof(r.why), fmt, ap);
	va_end(ap);
	if (error == REST_HTTP_OK) {
		r.status = h->resp->status;
		r.resp = h->resp;
	}
	h->busy++;
	p->cb(p->arg, &r);
	h->busy--;
	pending_free(p);
	http_response_clear(h->resp);
	if (h->dead) {
		really_free(h);
		return;
	}
	/* Next request, or the idle bound of a kept connection. */
	if (h->head != NULL)
		uv_timer_start(&h->timer, on_timer, 0, 0);
	else if (h->stream != NULL)
		uv_timer_start(&h->timer, on_timer, REST_HTTP_IDLE_MS, 0);
}

static void
send_request(struct rest_http *h)
{
	struct pending *p = h->head;

	h->phase = PH_SENDING;
	h->got_bytes = false;
	http_response_clear(h->resp);
	uv_timer_start(&h->timer, on_timer, REST_HTTP_REQUEST_MS, 0);
	if (tls_stream_write(h->stream, p->wire, p->wire_len) != 0)
		complete(h, REST_HTTP_EIO, false, "%s:%u: the connection is "
		    "not usable", h->host, h->port);
}

static void
start_next(struct rest_http *h)
{
	char err[TLS_WHY_MAX];

	if (h->head == NULL || h->phase != PH_IDLE)
		return;
	if (tls_stream_usable(h->stream)) {
		h->stream_fresh = false;
		send_request(h);
		return;
	}
	drop_stream(h);
	h->phase = PH_CONNECTING;
	h->stream_fresh = true;
	if (tls_stream_open(h->loop, h->tls, h->host, h->port,
	    REST_HTTP_CONNECT_MS, REST_HTTP_HANDSHAKE_MS, &stream_events, h,
	    &h->stream, err, sizeof(err)) != 0)
		complete(h, REST_HTTP_ECONNECT, false, "%s", err);
}

static void
on_timer(uv_timer_t *t)
{
	struct rest_http *h = t->data;

	switch (h->phase) {
	case PH_IDLE:
		if (h->head != NULL)
			start_next(h);
		else
			drop_stream(h);	/* idle too long */
		break;
	case PH_SENDING:
		complete(h, REST_HTTP_ETIMEOUT, false, "%s:%u: sending the "
		    "request took longer than %d ms", h->host, h->port,
		    REST_HTTP_REQUEST_MS);
		break;
	case PH_WAITING:
		complete(h, REST_HTTP_ETIMEOUT, false, "%s:%u: no complete "
		    "response within %u ms", h->host, h->port,
		    h->head->response_ms);
		break;
	default:
		break;
	}
}

static void
ev_connected(void *arg)
{
	struct rest_http *h = arg;

	if (h->phase == PH_CONNECTING)
		send_request(h);
}

static void
ev_flushed(void *arg)
{
	struct rest_http *h = arg;

	if (h->phase != PH_SENDING)
		return;
	h->phase = PH_WAITING;
	uv_timer_start(&h->timer, on_timer, h->head->response_ms, 0);
}

static void
ev_data(void *arg, const uint8_t *buf, size_t len)
{
	struct rest_http *h = arg;
	size_t used = 0;
	int rc;

	if (h->phase != PH_SENDING && h->phase != PH_WAITING) {
		/* Bytes nobody asked for: the connection is out of step. */
		drop_stream(h);
		return;
	}
	h->got_bytes = true;
	rc = http_response_feed(h->resp, buf, len, &used);
	if (rc == HTTP_PARSE_MORE)
		return;
	if (rc == HTTP_PARSE_ERROR) {
		complete(h, REST_HTTP_EPROTOCOL, false, "%s:%u: bad response: "
		    "%s", h->host, h->port, http_response_error(h->resp));
		return;
	}
	/* Bytes after the response belong to nothing: no reuse. */
	complete(h, REST_HTTP_OK, h->resp->keep_alive && used == len, "%s",
	    "");
}

static enum rest_http_error
map_fail(enum tls_fail f)
{
	switch (f) {
	case TLS_FAIL_CONNECT:
		return REST_HTTP_ECONNECT;
	case TLS_FAIL_TIMEOUT:
		return REST_HTTP_ETIMEOUT;
	case TLS_FAIL_HANDSHAKE:
		return REST_HTTP_ETLS;
	case TLS_FAIL_UNTRUSTED:
		return REST_HTTP_EUNTRUSTED;
	default:
		return REST_HTTP_EIO;
	}
}

static void
ev_failed(void *arg, enum tls_fail fail, const char *why)
{
	struct rest_http *h = arg;
	struct pending *p = h->head;

	if (h->phase == PH_IDLE) {
		drop_stream(h);	/* the server closed an idle connection */
		return;
	}
	/* A kept connection the server had already given up on: once more
	 * on a fresh one. */
	if (!h->stream_fresh && !h->got_bytes && !p->retried &&
	    (fail == TLS_FAIL_CLOSED || fail == TLS_FAIL_IO)) {
		p->retried = true;
		drop_stream(h);
		h->phase = PH_IDLE;
		uv_timer_start(&h->timer, on_timer, 0, 0);
		return;
	}
	complete(h, map_fail(fail), false, "%s%s", why, h->got_bytes &&
	    fail == TLS_FAIL_CLOSED ? " before the response was complete" :
	    "");
}

int
rest_http_new(uv_loop_t *loop, struct tls_conf *tls, const char *host,
    uint16_t port, struct rest_http **out, char *err, size_t errlen)
{
	struct rest_http *h;

	*out = NULL;
	if (strlen(host) > TLS_HOST_MAX) {
		snprintf(err, errlen, "host name too long");
		return -1;
	}
	if ((h = calloc(1, sizeof(*h))) == NULL ||
	    (h->resp = calloc(1, sizeof(*h->resp))) == NULL) {
		free(h);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	http_response_init(h->resp);
	h->loop = loop;
	h->tls = tls;
	snprintf(h->host, sizeof(h->host), "%s", host);
	h->port = port;
	uv_timer_init(loop, &h->timer);
	h->timer.data = h;
	*out = h;
	return 0;
}

/* Printable ASCII without spaces (a path or an entity tag). */
static bool
clean(const char *s, size_t max)
{
	size_t n = 0;

	for (; *s != '\0'; s++, n++)
		if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f ||
		    n >= max)
			return false;
	return n > 0;
}

int
rest_http_request(struct rest_http *h, const struct rest_http_request *r,
    rest_http_cb cb, void *arg)
{
	struct pending *p;
	char head[REST_HTTP_PATH_MAX + TLS_HOST_MAX + 512], hostport[300];
	int n;

	if (h->dead || !clean(r->method, 8) ||
	    !clean(r->path, REST_HTTP_PATH_MAX) || r->path[0] != '/' ||
	    (r->if_none_match != NULL && !clean(r->if_none_match, 128)) ||
	    r->body_len > HTTP_BODY_MAX)
		return -1;
	/* An IPv6 address goes in brackets (RFC 7230, 5.4). */
	if (strchr(h->host, ':') != NULL)
		snprintf(hostport, sizeof(hostport), h->port == 443 ? "[%s]" :
		    "[%s]:%u", h->host, h->port);
	else if (h->port == 443)
		snprintf(hostport, sizeof(hostport), "%s", h->host);
	else
		snprintf(hostport, sizeof(hostport), "%s:%u", h->host, h->port);
	n = snprintf(head, sizeof(head), "%s %s HTTP/1.1\r\nHost: %s\r\n"
	    "User-Agent: wardend/%s\r\nAccept: application/json\r\n%s%s%s",
	    r->method, r->path, hostport, WARDEN_VERSION,
	    r->if_none_match != NULL ? "If-None-Match: " : "",
	    r->if_none_match != NULL ? r->if_none_match : "",
	    r->if_none_match != NULL ? "\r\n" : "");
	if (n < 0 || (size_t)n >= sizeof(head))
		return -1;
	if (r->body != NULL || strcmp(r->method, "POST") == 0)
		n += snprintf(head + n, sizeof(head) - (size_t)n,
		    "Content-Type: application/json\r\nContent-Length: %zu\r\n",
		    r->body != NULL ? r->body_len : 0);
	n += snprintf(head + n, sizeof(head) - (size_t)n, "\r\n");
	if ((size_t)n >= sizeof(head) || (p = calloc(1, sizeof(*p))) == NULL)
		return -1;
	p->wire_len = (size_t)n + (r->body != NULL ? r->body_len : 0);
	if ((p->wire = malloc(p->wire_len)) == NULL) {
		free(p);
		return -1;
	}
	memcpy(p->wire, head, (size_t)n);
	if (r->body != NULL)
		memcpy(p->wire + n, r->body, r->body_len);
	p->response_ms = r->response_ms != 0 ? r->response_ms :
	    REST_HTTP_RESPONSE_MS;
	p->cb = cb;
	p->arg = arg;
	if (h->tail != NULL)
		h->tail->next = p;
	else
		h->head = p;
	h->tail = p;
	if (h->phase == PH_IDLE)
		uv_timer_start(&h->timer, on_timer, 0, 0);
	return 0;
}

int
rest_http_url_parse(const char *url, char host[TLS_HOST_MAX + 1],
    uint16_t *port, char prefix[REST_HTTP_PREFIX_MAX + 1], char *err,
    size_t errlen)
{
	struct url u;
	char why[128];

	host[0] = prefix[0] = '\0';
	if (url_parse(url, 0, &u, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "url: %s", why);
		return -1;
	}
	if (u.scheme != URL_HTTPS) {
		snprintf(err, errlen, "url: not an https:// URL (plain HTTP is "
		    "refused)");
		return -1;
	}
	if (strlen(u.host) > TLS_HOST_MAX ||
	    strlen(u.path) > REST_HTTP_PREFIX_MAX) {
		snprintf(err, errlen, "url: host or path too long");
		return -1;
	}
	snprintf(host, TLS_HOST_MAX + 1, "%s", u.host);
	snprintf(prefix, REST_HTTP_PREFIX_MAX + 1, "%s", u.path);
	*port = u.port;
	return 0;
}
