/*
 * mdm_conn.c - one client connection as a state machine on the server's
 * loop: TLS handshake, then HTTP/1.1 requests on the kept-alive
 * connection: head, body, the handler, the response. Every state has a
 * deadline (one timer per connection) and every buffer a bound, so a
 * slow or silent client costs a little memory for a bounded time and
 * never holds the loop. A long poll the handler cannot answer yet is
 * parked: the connection waits, costing no thread, until a notification
 * (mdm_conn_wake) or its deadline calls the handler again.
 *
 * A malformed request is answered with its 4xx and the connection
 * closed, since what follows it cannot be trusted to start a request.
 *
 * The handshake's public-key work (key exchange, signatures, the
 * device's certificate) is most of what a device costs the server: it
 * runs on libuv's thread pool, so the server uses every core while the
 * loop goes on with requests. During that work the connection belongs to
 * the worker (ST_HANDSHAKE with working set): the loop does not watch
 * its socket, and a close (its deadline, the server stopping) releases
 * it only when the work returns. What a worker touches besides the
 * connection is read-only or locked: the TLS configuration, the server's
 * key and the CA's (the shared P-256 table), the DRBG (mbedTLS locks
 * it), the ticket keys (so does the ticket context).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "tools/mdm/mdm.h"

#define IN_CAP (MDM_HTTP_HEAD_MAX + 1024)
#define IN_FIRST 2048		/* the input buffer grows from this */

enum conn_state {
	ST_HANDSHAKE = 0,
	ST_HEAD,		/* reading a request head */
	ST_BODY,		/* reading its body */
	ST_PARKED,		/* a long poll waiting for news */
	ST_COMMIT,		/* its response waits for the group commit */
	ST_WRITE,		/* writing a response */
	ST_CLOSED,
};

struct mdm_conn {
	struct mdm_conn *prev, *next;	/* srv->conns */
	struct mdm_conn *pprev, *pnext;	/* srv->parked, when ST_PARKED;
					   srv->held, when ST_COMMIT */
	struct mdm_server *srv;
	int fd;
	uv_poll_t poll;
	uv_timer_t timer;
	int handles;			/* open libuv handles */
	int events;			/* what poll watches */
	enum conn_state state;
	struct mdm_tls tls;
	char peer[64];
	char *in;			/* received, not yet consumed */
	size_t have, cap;
	struct mdm_http_req *req;	/* the request being served */
	char *head;			/* its head as received: a parked
					   request keeps this, not req */
	char *body;			/* its body, NUL-terminated */
	size_t got;
	struct mdm_call call;
	int64_t t0;
	char *out;			/* the response being written */
	size_t outlen, outoff;
	bool closing;			/* close once out is written */
	bool body_next;			/* out is "100 Continue" */
	bool drop;			/* close without an answer once the
					   group commit is done */
	char parked_dev[MDM_ID_MAX + 1];	/* a parked poll's device */
	uv_work_t work;			/* the handshake on the pool */
	bool working;			/* ... is running there */
	int work_rc;			/* its mdm_tls_handshake() result */
	char work_err[MDM_ERR_MAX];
};

static void drive(struct mdm_conn *c);

static void
unpark(struct mdm_conn *c)
{
	struct mdm_server *srv = c->srv;

	if (c->state != ST_PARKED)
		return;
	if (c->pprev != NULL)
		c->pprev->pnext = c->pnext;
	else if (srv->parked == c)
		srv->parked = c->pnext;
	if (c->pnext != NULL)
		c->pnext->pprev = c->pprev;
	c->pprev = c->pnext = NULL;
	srv->nparked--;
}

static void
unhold(struct mdm_conn *c)
{
	struct mdm_server *srv = c->srv;

	if (c->state != ST_COMMIT)
		return;
	if (c->pprev != NULL)
		c->pprev->pnext = c->pnext;
	else if (srv->held == c)
		srv->held = c->pnext;
	if (c->pnext != NULL)
		c->pnext->pprev = c->pprev;
	c->pprev = c->pnext = NULL;
}

static void
on_handle_closed(uv_handle_t *h)
{
	struct mdm_conn *c = h->data;

	if (--c->handles > 0)
		return;
	close(c->fd);
	free(c->in);
	free(c->req);
	free(c->head);
	free(c->out);
	free(c);
}

/* What a closed connection holds: its TLS context, its buffers, its
 * handles (the last one closed frees it). */
static void
conn_release(struct mdm_conn *c, bool notify)
{
	mdm_tls_close(&c->tls, notify);
	/* An enrollment body holds a token. */
	if (c->body != NULL)
		crypto_free_secret(c->body, c->got + 1);
	c->body = NULL;
	if (c->in != NULL)
		explicit_bzero(c->in, c->cap);
	uv_close((uv_handle_t *)&c->poll, on_handle_closed);
	uv_close((uv_handle_t *)&c->timer, on_handle_closed);
}

/* Ends the connection; notify sends TLS's close_notify first. */
static void
conn_close(struct mdm_conn *c, bool notify)
{
	struct mdm_server *srv = c->srv;

	if (c->state == ST_CLOSED)
		return;
	unpark(c);
	unhold(c);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		srv->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	srv->nconns--;
	if (c->state == ST_HANDSHAKE)
		mdm_serve_handshake_done(srv);
	c->state = ST_CLOSED;
	/* A worker still holds the TLS context: released when it returns
	 * (on_handshake_done). */
	if (c->working) {
		uv_timer_stop(&c->timer);
		return;
	}
	conn_release(c, notify);
}

static void on_io(uv_poll_t *h, int status, int events);

static void
watch(struct mdm_conn *c, int events)
{
	if (events == c->events)
		return;
	c->events = events;
	if (events == 0)
		uv_poll_stop(&c->poll);
	else
		uv_poll_start(&c->poll, events, on_io);
}

static void
watch_want(struct mdm_conn *c, ssize_t want)
{
	watch(c, want == MDM_TLS_WANT_WRITE ? UV_WRITABLE : UV_READABLE);
}

static void on_timer(uv_timer_t *t);

static void
deadline(struct mdm_conn *c, int64_t ms)
{
	uv_timer_start(&c->timer, on_timer, ms > 0 ? (uint64_t)ms : 0, 0);
}

/* Queues the response: head and body in one buffer, so that they leave
 * in as few records as fit. */
static int
respond(struct mdm_conn *c, const struct mdm_resp *resp, bool closing)
{
	const struct mdm_http_req *req = c->req;
	char head[2048], date[64], etag[MDM_VERSION_MAX + 16];
	char ctype[160];
	char allow[96];
	bool body = resp->status != 204 && resp->status != 304;
	bool send_body = body && resp->body != NULL &&
	    (req == NULL || req->method != MDM_HTTP_HEAD);
	size_t hlen, blen = resp->body != NULL ? resp->len : 0;
	struct tm tm;
	time_t now = time(NULL);
	int n;

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	etag[0] = allow[0] = '\0';
	if (resp->etag[0] != '\0')
		snprintf(etag, sizeof(etag), "ETag: \"%s\"\r\n", resp->etag);
	if (resp->allow != NULL)
		snprintf(allow, sizeof(allow), "Allow: %s\r\n", resp->allow);
	snprintf(ctype, sizeof(ctype), "Content-Type: %s\r\n",
	    resp->ctype != NULL ? resp->ctype : "application/json");
	n = snprintf(head, sizeof(head),
	    "HTTP/1.1 %d %s\r\n"
	    "Date: %s\r\n"
	    "Server: wardenmdm\r\n"
	    "Cache-Control: no-store\r\n"
	    "%s%s%s%s%s",
	    resp->status, mdm_http_reason(resp->status), date, etag, allow,
	    closing ? "Connection: close\r\n" : "", resp->headers,
	    body && resp->body != NULL ? ctype : "");
	if (n < 0 || (size_t)n >= sizeof(head))
		return -1;
	hlen = (size_t)n;
	if (body)
		hlen += (size_t)snprintf(head + hlen, sizeof(head) - hlen,
		    "Content-Length: %zu\r\n", blen);
	hlen += (size_t)snprintf(head + hlen, sizeof(head) - hlen, "\r\n");
	free(c->out);
	if ((c->out = malloc(hlen + (send_body ? blen : 0))) == NULL)
		return -1;
	memcpy(c->out, head, hlen);
	if (send_body)
		memcpy(c->out + hlen, resp->body, blen);
	c->outlen = hlen + (send_body ? blen : 0);
	c->outoff = 0;
	c->closing = closing;
	c->body_next = false;
	c->state = ST_WRITE;
	deadline(c, MDM_WRITE_MS);
	return 0;
}

/* Answers a request that could not be read; the connection then ends. */
static void
refuse(struct mdm_conn *c, int status, const char *msg)
{
	struct mdm_resp resp = { 0 };

	mdm_resp_error(&resp, status, "%s", msg);
	mdm_log_info("%s: %d %s", c->peer, status, msg);
	free(c->req);
	c->req = NULL;
	if (respond(c, &resp, true) != 0)
		conn_close(c, false);
	free(resp.body);
}

static void
log_request(const struct mdm_conn *c, const struct mdm_resp *resp)
{
	const struct mdm_http_req *req = c->req;
	const char *msg = "";

	if (resp->status >= 400 && resp->body != NULL)
		msg = resp->body;
	if (resp->status >= 400)
		mdm_log_info("%s: %s %s -> %d %s", c->peer,
		    mdm_http_method_name(req->method), req->path, resp->status,
		    msg);
	else
		mdm_log_debug("%s: %s %s -> %d (%lld ms)", c->peer,
		    mdm_http_method_name(req->method), req->path, resp->status,
		    (long long)(mdm_now_ms() - c->t0));
}

static void
park(struct mdm_conn *c, const char *device)
{
	struct mdm_server *srv = c->srv;

	c->state = ST_PARKED;
	snprintf(c->parked_dev, sizeof(c->parked_dev), "%s", device);
	c->pprev = NULL;
	c->pnext = srv->parked;
	if (srv->parked != NULL)
		srv->parked->pprev = c;
	srv->parked = c;
	srv->nparked++;
	/* Only a hang-up is of interest now; the input buffer is not, and
	 * the parsed head is made again from its bytes on the next call. */
	if (c->have == 0) {
		free(c->in);
		c->in = NULL;
		c->cap = 0;
	}
	free(c->req);
	c->req = NULL;
	mdm_tls_idle(&c->tls);
	watch(c, UV_READABLE | UV_DISCONNECT);
	deadline(c, c->call.wait_until - mdm_now_ms());
}

/* The queued response waits until what this loop turn's handlers wrote
 * is committed (mdm_conn_commit): nothing is acknowledged before it is
 * durable, and a response may rest on what an earlier handler of the
 * turn wrote. */
static void
hold(struct mdm_conn *c)
{
	struct mdm_server *srv = c->srv;

	c->state = ST_COMMIT;
	c->pprev = NULL;
	c->pnext = srv->held;
	if (srv->held != NULL)
		srv->held->pprev = c;
	srv->held = c;
	watch(c, 0);
}

/* Calls the handler; queues its answer or parks the request. */
static void
dispatch(struct mdm_conn *c)
{
	struct mdm_server *srv = c->srv;
	struct mdm_resp resp = { 0 };
	char err[MDM_ERR_MAX];
	bool closing;
	int status;

	if (c->req == NULL && ((c->req = malloc(sizeof(*c->req))) == NULL ||
	    mdm_http_parse(c->head, strlen(c->head), c->req, &status, err,
	    sizeof(err)) != MDM_HTTP_PARSED)) {
		conn_close(c, false);
		return;
	}
	c->call.srv = srv;
	c->call.req = c->req;
	c->call.body = c->body;
	c->call.len = c->req->content_length;
	c->call.tls = &c->tls;
	c->call.device = c->call.command = NULL;
	mdm_route(&c->call, &resp);
	if (resp.park && !srv->stopping) {
		free(resp.body);
		park(c, resp.park_device);
		return;
	}
	if (resp.drop) {
		free(resp.body);
		/* What the handler wrote is on disk before the answer is
		 * lost: the device's retry meets it. */
		if (mdm_store_batch_pending(srv->store)) {
			c->drop = true;
			hold(c);
		} else {
			conn_close(c, false);
		}
		return;
	}
	closing = !c->req->keep_alive || resp.close || srv->stopping;
	log_request(c, &resp);
	if (respond(c, &resp, closing) != 0) {
		free(resp.body);
		conn_close(c, false);
		return;
	}
	free(resp.body);
	crypto_free_secret(c->body, c->req->content_length + 1);
	c->body = NULL;
	free(c->req);
	c->req = NULL;
	free(c->head);
	c->head = NULL;
	if (mdm_store_batch_pending(srv->store))
		hold(c);
}

/* Makes room for more input: 0, or -1 when the head is too large. */
static int
grow_in(struct mdm_conn *c)
{
	size_t cap;
	char *p;

	if (c->have < c->cap)
		return 0;
	if (c->cap >= IN_CAP)
		return -1;
	cap = c->cap == 0 ? IN_FIRST : c->cap * 2;
	if (cap > IN_CAP)
		cap = IN_CAP;
	if ((p = realloc(c->in, cap)) == NULL)
		return -1;
	c->in = p;
	c->cap = cap;
	return 0;
}

/* ST_HEAD: 1 to go on, 0 to wait for the socket. */
static int
step_head(struct mdm_conn *c)
{
	static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
	char err[MDM_ERR_MAX];
	int status;
	ssize_t n;

	if (c->req == NULL && (c->req = malloc(sizeof(*c->req))) == NULL) {
		conn_close(c, false);
		return 1;
	}
	switch (mdm_http_parse(c->in, c->have, c->req, &status, err,
	    sizeof(err))) {
	case MDM_HTTP_PARSED:
		c->t0 = mdm_now_ms();
		free(c->head);
		if ((c->head = strndup(c->in, c->req->head_len)) == NULL ||
		    (c->body = malloc(c->req->content_length + 1)) == NULL) {
			conn_close(c, false);
			return 1;
		}
		c->got = c->have - c->req->head_len;
		if (c->got > c->req->content_length)
			c->got = c->req->content_length;
		memcpy(c->body, c->in + c->req->head_len, c->got);
		c->have -= c->req->head_len + c->got;
		memmove(c->in, c->in + c->req->head_len + c->got, c->have);
		c->state = ST_BODY;
		deadline(c, MDM_BODY_MS);
		if (c->req->expect_continue && c->got < c->req->content_length) {
			free(c->out);
			if ((c->out = strdup(cont)) == NULL) {
				conn_close(c, false);
				return 1;
			}
			c->outlen = sizeof(cont) - 1;
			c->outoff = 0;
			c->closing = false;
			c->body_next = true;
			c->state = ST_WRITE;
		}
		return 1;
	case MDM_HTTP_BAD:
		refuse(c, status, err);
		return 1;
	case MDM_HTTP_PARTIAL:
		break;
	}
	if (grow_in(c) != 0) {
		refuse(c, 431, "request head too large");
		return 1;
	}
	n = mdm_tls_read(&c->tls, c->in + c->have, c->cap - c->have);
	if (n == MDM_TLS_WANT_READ || n == MDM_TLS_WANT_WRITE) {
		watch_want(c, n);
		return 0;
	}
	if (n <= 0) {
		conn_close(c, n == 0);
		return 1;
	}
	if (c->have == 0)
		deadline(c, MDM_HEADER_MS);
	c->have += (size_t)n;
	return 1;
}

/* ST_BODY: 1 to go on, 0 to wait for the socket. */
static int
step_body(struct mdm_conn *c)
{
	size_t want = c->req->content_length;
	ssize_t n;

	if (c->got == want) {
		c->body[want] = '\0';
		dispatch(c);
		return 1;
	}
	n = mdm_tls_read(&c->tls, c->body + c->got, want - c->got);
	if (n == MDM_TLS_WANT_READ || n == MDM_TLS_WANT_WRITE) {
		watch_want(c, n);
		return 0;
	}
	if (n <= 0) {
		conn_close(c, n == 0);
		return 1;
	}
	c->got += (size_t)n;
	return 1;
}

/* ST_WRITE: 1 to go on, 0 to wait for the socket. */
static int
step_write(struct mdm_conn *c)
{
	ssize_t n;

	while (c->outoff < c->outlen) {
		n = mdm_tls_write(&c->tls, c->out + c->outoff,
		    c->outlen - c->outoff);
		if (n == MDM_TLS_WANT_READ || n == MDM_TLS_WANT_WRITE) {
			watch_want(c, n);
			return 0;
		}
		if (n < 0) {
			conn_close(c, false);
			return 1;
		}
		c->outoff += (size_t)n;
	}
	free(c->out);
	c->out = NULL;
	if (c->body_next) {
		c->state = ST_BODY;
		deadline(c, MDM_BODY_MS);
		return 1;
	}
	if (c->closing) {
		conn_close(c, true);
		return 1;
	}
	memset(&c->call, 0, sizeof(c->call));
	c->state = ST_HEAD;
	deadline(c, c->have > 0 ? MDM_HEADER_MS : MDM_IDLE_MS);
	if (c->have == 0 && c->in != NULL) {
		/* An idle connection keeps no buffer. */
		free(c->in);
		c->in = NULL;
		c->cap = 0;
	}
	return 1;
}

/* On a thread of the pool: the handshake as far as the socket lets it
 * go. */
static void
handshake_work(uv_work_t *w)
{
	struct mdm_conn *c = w->data;

	c->work_rc = mdm_tls_handshake(&c->tls, c->work_err,
	    sizeof(c->work_err));
}

static void
on_handshake_done(uv_work_t *w, int status)
{
	struct mdm_conn *c = w->data;

	(void)status;
	c->working = false;
	if (c->state == ST_CLOSED) {
		conn_release(c, false);
		return;
	}
	if (c->work_rc == MDM_TLS_WANT_READ ||
	    c->work_rc == MDM_TLS_WANT_WRITE) {
		watch_want(c, c->work_rc);
		return;
	}
	if (c->work_rc != 0) {
		mdm_log_info("%s: %s", c->peer, c->work_err);
		conn_close(c, false);
		return;
	}
	c->state = ST_HEAD;
	mdm_serve_handshake_done(c->srv);
	deadline(c, MDM_IDLE_MS);
	drive(c);
}

/* Hands the handshake to the thread pool; the socket is not watched
 * until it returns. */
static void
handshake_start(struct mdm_conn *c)
{
	int rc;

	watch(c, 0);
	c->work.data = c;
	c->working = true;
	if ((rc = uv_queue_work(c->srv->loop, &c->work, handshake_work,
	    on_handshake_done)) != 0) {
		c->working = false;
		mdm_log_warnx("%s: handshake: %s", c->peer, uv_strerror(rc));
		conn_close(c, false);
	}
}

static void
drive(struct mdm_conn *c)
{
	for (;;) {
		switch (c->state) {
		case ST_HANDSHAKE:
			if (!c->working)
				handshake_start(c);
			return;
		case ST_HEAD:
			if (c->srv->stopping && c->have == 0) {
				conn_close(c, true);
				return;
			}
			if (step_head(c) == 0)
				return;
			break;
		case ST_BODY:
			if (step_body(c) == 0)
				return;
			break;
		case ST_WRITE:
			if (step_write(c) == 0)
				return;
			break;
		case ST_PARKED:
		case ST_COMMIT:
		case ST_CLOSED:
			return;
		}
	}
}

/* True when the peer has closed its side (or reset the connection). */
static bool
peer_gone(int fd)
{
	char b;
	ssize_t n = recv(fd, &b, 1, MSG_PEEK | MSG_DONTWAIT);

	return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
	    errno != EINTR);
}

static void
on_io(uv_poll_t *h, int status, int events)
{
	struct mdm_conn *c = h->data;

	if (c->state == ST_PARKED) {
		/* A device that hung up while it waited must not be handed
		 * commands: they would be redelivered only much later. */
		if (status < 0 || (events & UV_DISCONNECT) != 0 ||
		    peer_gone(c->fd)) {
			mdm_log_debug("%s: the device closed the connection "
			    "during its long poll", c->peer);
			conn_close(c, false);
		} else if ((events & UV_READABLE) != 0) {
			/* Pipelined bytes: read after the answer. */
			watch(c, UV_DISCONNECT);
		}
		return;
	}
	if (status < 0) {
		conn_close(c, false);
		return;
	}
	drive(c);
}

static void
on_timer(uv_timer_t *t)
{
	struct mdm_conn *c = t->data;

	switch (c->state) {
	case ST_HANDSHAKE:
		mdm_log_info("%s: handshake: no progress in %d ms", c->peer,
		    MDM_HANDSHAKE_MS);
		conn_close(c, false);
		return;
	case ST_HEAD:
		if (c->have == 0) {
			conn_close(c, true);
			return;
		}
		refuse(c, 408, "request head not received in time");
		break;
	case ST_BODY:
		refuse(c, 408, "request body not received in time");
		break;
	case ST_PARKED:
		/* The deadline: the handler answers with what there is. */
		unpark(c);
		c->state = ST_BODY;
		dispatch(c);
		break;
	case ST_COMMIT:
	case ST_WRITE:
		conn_close(c, false);
		return;
	case ST_CLOSED:
		return;
	}
	drive(c);
}

void
mdm_conn_accept(struct mdm_server *srv, int fd, const char *peer)
{
	char err[MDM_ERR_MAX];
	struct mdm_conn *c;

	if ((c = calloc(1, sizeof(*c))) == NULL) {
		mdm_log_warnx("%s: out of memory", peer);
		close(fd);
		return;
	}
	c->srv = srv;
	c->fd = fd;
	snprintf(c->peer, sizeof(c->peer), "%s", peer);
	if (mdm_tls_start(&c->tls, fd, &srv->tls, err, sizeof(err)) != 0) {
		mdm_log_warnx("%s: %s", peer, err);
		close(fd);
		free(c);
		return;
	}
	uv_poll_init(srv->loop, &c->poll, fd);
	uv_timer_init(srv->loop, &c->timer);
	c->poll.data = c->timer.data = c;
	c->handles = 2;
	c->next = srv->conns;
	if (srv->conns != NULL)
		srv->conns->prev = c;
	srv->conns = c;
	srv->nconns++;
	srv->handshakes++;
	c->state = ST_HANDSHAKE;
	deadline(c, MDM_HANDSHAKE_MS);
	drive(c);
}

/* The devices with a command due, sorted, for mdm_conn_wake(). */
struct due {
	char (*ids)[MDM_ID_MAX + 1];
	size_t n, cap;
};

static int
due_add(const char *id, void *arg)
{
	struct due *d = arg;
	void *p;

	if (d->n == d->cap) {
		d->cap = d->cap == 0 ? 256 : d->cap * 2;
		if ((p = realloc(d->ids, d->cap * sizeof(*d->ids))) == NULL)
			return -1;
		d->ids = p;
	}
	snprintf(d->ids[d->n++], sizeof(*d->ids), "%s", id);
	return 0;
}

static int
due_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

void
mdm_conn_wake(struct mdm_server *srv)
{
	struct mdm_conn *list = srv->parked, *c, *next;
	struct due due = { 0 };
	int parked = srv->nparked, woken = 0;
	bool all;

	/* With many parked, one query tells which of them have news: the
	 * others stay parked instead of each reading the database. */
	all = srv->stopping || srv->nparked <= MDM_WAKE_ALL_MAX ||
	    mdm_store_devices_due(srv->store, time(NULL), due_add, &due) != 0;
	if (!all && due.n > 0)
		qsort(due.ids, due.n, sizeof(*due.ids), due_cmp);
	/* Handlers may park again (onto srv->parked): take the list. */
	srv->parked = NULL;
	srv->nparked = 0;
	for (c = list; c != NULL; c = next) {
		next = c->pnext;
		c->pprev = c->pnext = NULL;
		if (!all && (due.n == 0 || bsearch(c->parked_dev, due.ids,
		    due.n, sizeof(*due.ids), due_cmp) == NULL)) {
			/* Back on the list, as it was. */
			c->pnext = srv->parked;
			if (srv->parked != NULL)
				srv->parked->pprev = c;
			srv->parked = c;
			srv->nparked++;
			continue;
		}
		woken++;
		c->state = ST_BODY;
		dispatch(c);
		drive(c);
	}
	free(due.ids);
	mdm_log_debug("notification: %d of %d parked long poll(s) called "
	    "again%s", woken, parked, all ? " (all)" : "");
}

void
mdm_conn_stop(struct mdm_server *srv)
{
	struct mdm_conn *c, *next;

	/* stopping is set: every parked long poll is answered now. */
	mdm_conn_wake(srv);
	for (c = srv->conns; c != NULL; c = next) {
		next = c->next;
		if (c->state == ST_HEAD && c->have == 0)
			conn_close(c, true);
	}
}

void
mdm_conn_close_all(struct mdm_server *srv)
{
	while (srv->conns != NULL)
		conn_close(srv->conns, false);
}

void
mdm_conn_commit(struct mdm_server *srv)
{
	struct mdm_conn *list, *c;
	struct mdm_resp resp = { 0 };
	int rc;

	/* A released connection may go on with a pipelined request whose
	 * handler writes again: until nothing waits. */
	while (srv->held != NULL || mdm_store_batch_pending(srv->store)) {
		rc = mdm_store_batch_commit(srv->store);
		if (rc != 0)
			mdm_log_warnx("database: a group commit failed; its "
			    "requests are answered 500");
		list = srv->held;
		srv->held = NULL;
		while ((c = list) != NULL) {
			list = c->pnext;
			if (list != NULL)
				list->pprev = NULL;
			c->pprev = c->pnext = NULL;
			c->state = ST_WRITE;
			if (c->drop) {
				conn_close(c, false);
				continue;
			}
			if (rc != 0) {
				mdm_resp_error(&resp, 500, "database error");
				if (respond(c, &resp, true) != 0)
					conn_close(c, false);
				free(resp.body);
				resp.body = NULL;
			}
			drive(c);
		}
	}
}
