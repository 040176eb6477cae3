/*
 * rest_http.h - the HTTPS binding's HTTP/1.1 client: requests to one
 * server over a kept-alive TLS connection (tls_stream.h), one exchange at
 * a time in order, every phase bounded by a uv_timer (connect, handshake,
 * sending the request, waiting for the whole response). Responses are
 * parsed strictly (http_response.h): head at most 16 KiB, body at most
 * 1 MiB, framed by Content-Length or chunked.
 *
 * Asynchronous: nothing blocks the loop; results arrive in callbacks on
 * the loop's thread. A request that finds its kept-alive connection
 * closed by the server before any byte of the response is sent again
 * once on a fresh connection (every request of the protocol is
 * idempotent: reports carry idempotency keys, and a second enrollment
 * with a used token is refused by the server).
 */
#ifndef WARDEN_REST_HTTP_H
#define WARDEN_REST_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#include "agent/transport/rest/http_response.h"
#include "agent/transport/rest/tls_stream.h"

#define REST_HTTP_CONNECT_MS 10000
#define REST_HTTP_HANDSHAKE_MS 10000
#define REST_HTTP_REQUEST_MS 15000
#define REST_HTTP_RESPONSE_MS 30000
#define REST_HTTP_IDLE_MS 30000	/* an unused connection is closed */
#define REST_HTTP_PATH_MAX 1024
#define REST_HTTP_PREFIX_MAX 256
#define REST_HTTP_WHY_MAX 400

enum rest_http_error {
	REST_HTTP_OK = 0,
	REST_HTTP_ECONNECT,	/* name resolution or TCP connect failed */
	REST_HTTP_ETIMEOUT,	/* a phase took longer than its bound */
	REST_HTTP_ETLS,		/* TLS handshake failed (e.g. not TLS) */
	REST_HTTP_EUNTRUSTED,	/* the server certificate was refused */
	REST_HTTP_EIO,		/* connection lost during the exchange */
	REST_HTTP_EPROTOCOL,	/* malformed or oversized response */
};

/* One request. Strings are copied by rest_http_request(). */
struct rest_http_request {
	const char *method;	/* "GET", "POST", "DELETE" */
	const char *path;	/* origin-form, e.g. "/v1/enroll" */
	const char *body;	/* JSON text, or NULL */
	size_t body_len;	/* at most HTTP_BODY_MAX */
	const char *if_none_match;	/* an entity tag, or NULL */
	unsigned response_ms;	/* 0: REST_HTTP_RESPONSE_MS */
};

/* The outcome, valid only during the callback. */
struct rest_http_reply {
	enum rest_http_error error;
	char why[REST_HTTP_WHY_MAX];	/* one line; "" when error is OK */
	int status;			/* HTTP status when error is OK */
	/* With error OK: the response (http_response_header(), body). The
	 * callback may take the body with http_response_take_body(). */
	struct http_response *resp;
};

typedef void (*rest_http_cb)(void *arg, const struct rest_http_reply *r);

struct rest_http;

/*
 * A client for host:port with the TLS configuration tls (borrowed; it
 * must outlive the client). No connection is opened until the first
 * request. Returns 0 and *out (rest_http_free()), or -1 with err.
 */
int rest_http_new(uv_loop_t *loop, struct tls_conf *tls, const char *host,
    uint16_t port, struct rest_http **out, char *err, size_t errlen);

/*
 * Queues a request; cb(arg, reply) runs exactly once on the loop, later
 * (never from inside this call), unless the client is freed first.
 * Returns -1 (nothing queued) for an invalid request (path or header
 * with spaces or control characters, body too large) or out of memory.
 */
int rest_http_request(struct rest_http *h, const struct rest_http_request *r,
    rest_http_cb cb, void *arg);

/* True while a request is queued or in progress. */
bool rest_http_busy(const struct rest_http *h);

/*
 * Drops every queued and in-flight request without calling back, closes
 * the connection and frees the client (the memory is released once libuv
 * has closed its handles). May be called from a callback. NULL is a
 * no-op.
 */
void rest_http_free(struct rest_http *h);

/*
 * Splits an https URL "https://host[:port][/prefix]" (no user info,
 * query or fragment; host a DNS name or dotted IPv4 address) into host,
 * port (default 443) and prefix (the path without a trailing '/', "" for
 * none). Returns 0, or -1 with "url: reason" in err.
 */
int rest_http_url_parse(const char *url, char host[TLS_HOST_MAX + 1],
    uint16_t *port, char prefix[REST_HTTP_PREFIX_MAX + 1], char *err,
    size_t errlen);

#endif /* WARDEN_REST_HTTP_H */
