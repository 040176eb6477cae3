/*
 * mdm_conn.c - one client connection: TLS handshake, then HTTP/1.1
 * requests read with their deadlines (idle between requests, head,
 * body), routed, answered; kept alive until the client or an error ends
 * it. A malformed request is answered with its 4xx and the connection
 * closed, since what follows it cannot be trusted to start a request.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mdm.h"

#define IN_CAP (MDM_HTTP_HEAD_MAX + 1024)

struct conn_io {
	struct mdm_conn *conn;
	struct mdm_tls tls;
	char in[IN_CAP];
	size_t have;
};

static int
send_response(struct conn_io *io, const struct mdm_http_req *req,
    const struct mdm_resp *resp, bool closing)
{
	char head[1024], date[64], etag[MDM_VERSION_MAX + 16];
	char allow[96];
	bool body = resp->status != 204 && resp->status != 304;
	bool send_body = body && resp->body != NULL &&
	    (req == NULL || req->method != MDM_HTTP_HEAD);
	size_t hlen, blen = resp->body != NULL ? resp->len : 0;
	struct tm tm;
	time_t now = time(NULL);
	char *buf;
	int n, rc;

	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	etag[0] = allow[0] = '\0';
	if (resp->etag[0] != '\0')
		snprintf(etag, sizeof(etag), "ETag: \"%s\"\r\n", resp->etag);
	if (resp->allow != NULL)
		snprintf(allow, sizeof(allow), "Allow: %s\r\n", resp->allow);
	n = snprintf(head, sizeof(head),
	    "HTTP/1.1 %d %s\r\n"
	    "Date: %s\r\n"
	    "Server: wardenmdm\r\n"
	    "Cache-Control: no-store\r\n"
	    "%s%s%s%s",
	    resp->status, mdm_http_reason(resp->status), date, etag, allow,
	    closing ? "Connection: close\r\n" : "",
	    body && resp->body != NULL ?
	    "Content-Type: application/json\r\n" : "");
	if (n < 0 || (size_t)n >= sizeof(head))
		return -1;
	hlen = (size_t)n;
	if (body)
		hlen += (size_t)snprintf(head + hlen, sizeof(head) - hlen,
		    "Content-Length: %zu\r\n", blen);
	hlen += (size_t)snprintf(head + hlen, sizeof(head) - hlen, "\r\n");
	/* One buffer, so head and body leave in as few records as fit. */
	if ((buf = malloc(hlen + (send_body ? blen : 0))) == NULL)
		return -1;
	memcpy(buf, head, hlen);
	if (send_body)
		memcpy(buf + hlen, resp->body, blen);
	mdm_tls_deadline(&io->tls, MDM_WRITE_MS);
	rc = mdm_tls_write(&io->tls, buf, hlen + (send_body ? blen : 0));
	free(buf);
	return rc;
}

/* Answers a request that could not be read and ends the connection. */
static void
refuse(struct conn_io *io, int status, const char *msg)
{
	struct mdm_resp resp = { 0 };

	mdm_resp_error(&resp, status, "%s", msg);
	mdm_log_info("%s: %d %s", io->conn->peer, status, msg);
	send_response(io, NULL, &resp, true);
	free(resp.body);
}

/* Reads a request head: 1 parsed, 0 the connection ends quietly, -1
 * refused (the answer has been sent). */
static int
read_head(struct conn_io *io, struct mdm_http_req *req)
{
	char err[MDM_ERR_MAX];
	bool started = io->have > 0;
	int status;
	ssize_t n;

	mdm_tls_deadline(&io->tls, started ? MDM_HEADER_MS : MDM_IDLE_MS);
	for (;;) {
		switch (mdm_http_parse(io->in, io->have, req, &status, err,
		    sizeof(err))) {
		case MDM_HTTP_PARSED:
			return 1;
		case MDM_HTTP_BAD:
			refuse(io, status, err);
			return -1;
		case MDM_HTTP_PARTIAL:
			break;
		}
		if (io->have == sizeof(io->in)) {
			refuse(io, 431, "request head too large");
			return -1;
		}
		n = mdm_tls_read(&io->tls, io->in + io->have,
		    sizeof(io->in) - io->have);
		if (n <= 0) {
			if (started && io->tls.timed_out)
				refuse(io, 408, "request head not received in "
				    "time");
			return started && io->tls.timed_out ? -1 : 0;
		}
		if (!started) {
			started = true;
			mdm_tls_deadline(&io->tls, MDM_HEADER_MS);
		}
		io->have += (size_t)n;
	}
}

/* Reads the body into a malloc'd NUL-terminated buffer; keeps bytes of
 * a pipelined next request in io->in. */
static char *
read_body(struct conn_io *io, const struct mdm_http_req *req)
{
	size_t want = req->content_length, got, extra;
	char *body;
	ssize_t n;

	if ((body = malloc(want + 1)) == NULL)
		return NULL;
	extra = io->have - req->head_len;
	got = extra < want ? extra : want;
	memcpy(body, io->in + req->head_len, got);
	memmove(io->in, io->in + req->head_len + got,
	    io->have - req->head_len - got);
	io->have -= req->head_len + got;
	mdm_tls_deadline(&io->tls, MDM_BODY_MS);
	while (got < want) {
		n = mdm_tls_read(&io->tls, body + got, want - got);
		if (n <= 0) {
			free(body);
			return NULL;
		}
		got += (size_t)n;
	}
	body[want] = '\0';
	return body;
}

static void
log_request(struct conn_io *io, const struct mdm_http_req *req,
    const struct mdm_resp *resp, int64_t ms)
{
	const char *msg = "";

	if (resp->status >= 400 && resp->body != NULL)
		msg = resp->body;
	if (resp->status >= 400)
		mdm_log_info("%s: %s %s -> %d %s", io->conn->peer,
		    mdm_http_method_name(req->method), req->path, resp->status,
		    msg);
	else
		mdm_log_debug("%s: %s %s -> %d (%lld ms)", io->conn->peer,
		    mdm_http_method_name(req->method), req->path, resp->status,
		    (long long)ms);
}

/* One request: 0 to go on with the connection, -1 to close it. */
static int
serve_one(struct conn_io *io)
{
	static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
	struct mdm_server *srv = io->conn->srv;
	struct mdm_http_req req;
	struct mdm_resp resp = { 0 };
	struct mdm_call call = { 0 };
	int64_t t0;
	char *body;
	bool closing;
	int rc;

	if ((rc = read_head(io, &req)) != 1)
		return -1;
	t0 = mdm_now_ms();
	if (req.expect_continue && req.content_length > 0 &&
	    io->have == req.head_len) {
		mdm_tls_deadline(&io->tls, MDM_WRITE_MS);
		if (mdm_tls_write(&io->tls, cont, sizeof(cont) - 1) != 0)
			return -1;
	}
	if ((body = read_body(io, &req)) == NULL) {
		if (io->tls.timed_out)
			refuse(io, 408, "request body not received in time");
		return -1;
	}
	call.srv = srv;
	call.req = &req;
	call.body = body;
	call.len = req.content_length;
	call.tls = &io->tls;
	mdm_route(&call, &resp);
	closing = !req.keep_alive || resp.close || atomic_load(&srv->stopping);
	log_request(io, &req, &resp, mdm_now_ms() - t0);
	rc = send_response(io, &req, &resp, closing);
	free(resp.body);
	/* An enrollment body holds a token. */
	crypto_free_secret(body, req.content_length + 1);
	return rc != 0 || closing ? -1 : 0;
}

void
mdm_conn_serve(struct mdm_conn *conn)
{
	struct conn_io *io;
	char err[MDM_ERR_MAX];

	/* The buffer is too big for a thread stack we want to keep small. */
	if ((io = calloc(1, sizeof(*io))) == NULL) {
		mdm_log_warnx("%s: out of memory", conn->peer);
		return;
	}
	io->conn = conn;
	if (mdm_tls_accept(&io->tls, conn->fd, &conn->srv->ca, conn->srv->rng,
	    err, sizeof(err)) != 0) {
		mdm_log_info("%s: %s", conn->peer, err);
		free(io);
		return;
	}
	while (!atomic_load(&conn->srv->stopping) && serve_one(io) == 0)
		;
	mdm_tls_close(&io->tls);
	crypto_free_secret(io, sizeof(*io));
}
