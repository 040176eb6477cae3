/*
 * lwm2m_coap.h - CoAP for the LwM2M binding: one libcoap context and one
 * client session to one server, driven from the warden libuv loop.
 *
 * libcoap's context owns an epoll descriptor (coap_context_get_coap_fd());
 * a uv_poll watches it and a uv_timer fires at the next timeout
 * coap_io_prepare_epoll() names, and each wake-up runs coap_io_do_epoll()
 * without waiting. There is no second loop and no thread; between events
 * the process sleeps in libuv's epoll_wait.
 *
 * The session is CoAP over UDP (NoSec, only when the caller allows it)
 * or over DTLS with a pre-shared key or certificates; DTLS comes from
 * whichever TLS backend libcoap was built with, through libcoap's
 * backend-neutral API only.
 *
 * The same session carries both directions: requests this side sends
 * (registration) and requests the server sends (reads, writes, observe),
 * which are parsed and bounded here and handed to the owner's serve
 * callback. Observation bookkeeping stays with libcoap: every LwM2M path
 * the owner anchors is an observable libcoap resource, and
 * lwm2m_coap_notify() asks libcoap to run the serve callback again for
 * each observer of a path. Notifications are always non-confirmable.
 *
 * Everything runs on the loop's thread. After lwm2m_coap_free() no
 * callback runs.
 */
#ifndef WARDEN_LWM2M_COAP_H
#define WARDEN_LWM2M_COAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <uv.h>

#define LWM2M_URI_MAX 255		/* a server URI */
#define LWM2M_HOST_MAX 253
#define LWM2M_PAYLOAD_MAX (64 * 1024)	/* a request or response body */
#define LWM2M_QUERY_MAX 8		/* Uri-Query options of a request */
#define LWM2M_QUERY_LEN 64		/* bytes of one Uri-Query option */
#define LWM2M_LOCATION_MAX 128		/* joined Location-Path */
#define LWM2M_TOKEN_MAX 8
#define LWM2M_WHY_MAX 160
#define LWM2M_PSK_ID_MAX 128
#define LWM2M_PSK_KEY_MAX 64
#define LWM2M_SHA256_LEN 32
#define LWM2M_CONNECT_MS 30000

/* 65535 is reserved as an id in LwM2M. */
#define LWM2M_ID_MAX 65534
#define LWM2M_ID_NONE 65535

/* Content formats (IANA CoAP Content-Formats; the 15xx numbers are the
 * ones LwM2M 1.0 servers used before registration). */
#define LWM2M_CF_NONE (-1)
#define LWM2M_CF_TEXT 0
#define LWM2M_CF_LINK 40
#define LWM2M_CF_OPAQUE 42
#define LWM2M_CF_SENML_JSON 110
#define LWM2M_CF_SENML_CBOR 112
#define LWM2M_CF_TLV 11542
#define LWM2M_CF_JSON 11543
#define LWM2M_CF_OLD_TEXT 1541
#define LWM2M_CF_OLD_TLV 1542
#define LWM2M_CF_OLD_JSON 1543
#define LWM2M_CF_OLD_OPAQUE 1544

/* Request methods (the CoAP codes). */
enum lwm2m_method {
	LWM2M_GET = 1,
	LWM2M_POST = 2,
	LWM2M_PUT = 3,
	LWM2M_DELETE = 4,
	LWM2M_FETCH = 5,
	LWM2M_PATCH = 6,
	LWM2M_IPATCH = 7,
};

/* An LwM2M path: /, /o, /o/i, /o/i/r or /o/i/r/ri. */
struct lwm2m_path {
	uint16_t id[4];
	uint8_t len;
};

/* Security modes, numbered as the Security object's resource 2. */
enum lwm2m_sec_mode {
	LWM2M_SEC_PSK = 0,
	LWM2M_SEC_RPK = 1,
	LWM2M_SEC_CERT = 2,
	LWM2M_SEC_NOSEC = 3,
};

/* How to reach and authenticate the server. Buffers are copied. */
struct lwm2m_coap;
struct sockaddr;

/*
 * Name resolution done elsewhere (the network process has no resolver:
 * it asks the parent). start() begins resolving host:port for c and
 * returns 0, or -1 when it cannot; the answer is given with
 * lwm2m_coap_resolved(), never from inside start(). cancel() drops a
 * resolution in flight (c is being freed).
 */
struct lwm2m_resolver {
	int (*start)(void *arg, struct lwm2m_coap *c, const char *host,
	    uint16_t port);
	void (*cancel)(void *arg, struct lwm2m_coap *c);
	void *arg;
};

struct lwm2m_coap_params {
	uv_loop_t *loop;
	/* NULL: uv_getaddrinfo() on the loop's thread pool. */
	const struct lwm2m_resolver *resolver;
	const char *uri;		/* coap://host[:port] or coaps:// */
	/* Resolution and DTLS handshake must end within this (0: the
	 * default, LWM2M_CONNECT_MS); then events->failed. */
	unsigned connect_ms;
	bool allow_nosec;		/* coap:// accepted */
	enum lwm2m_sec_mode mode;	/* PSK or CERT for coaps://, NOSEC
					 * for coap:// */
	/* PSK */
	const char *psk_identity;
	const uint8_t *psk_key;
	size_t psk_key_len;
	/* CERT: PEM or DER; the trust anchor is the server's certificate
	 * or a CA of its chain. With has_pin, the SHA-256 of a certificate
	 * of the verified chain must equal pin. */
	const uint8_t *cert, *key, *ca;
	size_t cert_len, key_len, ca_len;
	bool has_pin;
	uint8_t pin[LWM2M_SHA256_LEN];
};

/* A request from the server, parsed and bounded. */
struct lwm2m_msg {
	enum lwm2m_method method;
	bool bs;			/* Uri-Path is "bs" */
	struct lwm2m_path path;		/* otherwise */
	int cf;				/* Content-Format, LWM2M_CF_NONE */
	int accept;			/* Accept, LWM2M_CF_NONE */
	int observe;			/* Observe 0/1, -1 when absent */
	char query[LWM2M_QUERY_MAX][LWM2M_QUERY_LEN + 1];
	size_t nquery;
	const uint8_t *payload;
	size_t len;
	uint8_t token[LWM2M_TOKEN_MAX];
	size_t token_len;
	/* libcoap holds an observation of this path for this token (the
	 * response carries Observe). */
	bool observed;
};

/* The answer the owner gives; payload is malloc'd and taken over. */
struct lwm2m_answer {
	int code;			/* 205, 204, 404 ... */
	int cf;				/* LWM2M_CF_NONE: no option */
	uint8_t *payload;
	size_t len;
	/* Location-Path segments ("33004/1") of a Create. */
	char location[LWM2M_LOCATION_MAX + 1];
};

/* The outcome of a request this side sent. */
struct lwm2m_coap_reply {
	int code;			/* 0: no answer (see why) */
	char why[LWM2M_WHY_MAX];
	char location[LWM2M_LOCATION_MAX + 1];	/* "rd/5a3f" */
	const uint8_t *payload;
	size_t len;
};

typedef void (*lwm2m_coap_reply_fn)(void *arg,
    const struct lwm2m_coap_reply *r);

struct lwm2m_coap_events {
	/* A request from the server; fill a (code 500 preset). */
	void (*serve)(void *arg, const struct lwm2m_msg *m,
	    struct lwm2m_answer *a);
	/* The session can carry requests: the server's address is
	 * resolved and, for coaps://, the DTLS handshake is done. */
	void (*connected)(void *arg);
	/* The session failed (DTLS error, closed by the peer); requests
	 * in flight have failed already. The owner reconnects. */
	void (*failed)(void *arg, const char *why);
	void *arg;
};

struct lwm2m_coap;

/*
 * Opens the session: parses the URI (a literal IPv4 or IPv6 address or a
 * host name, resolved without blocking), sets up security and starts
 * the DTLS handshake. Returns 0 and *out, or -1 with a reason in err
 * (bad URI, coap:// not allowed, missing credentials). Name resolution
 * and handshake failures arrive later through events->failed.
 */
int lwm2m_coap_new(const struct lwm2m_coap_params *p,
    const struct lwm2m_coap_events *ev, struct lwm2m_coap **out, char *err,
    size_t errlen);
/* The resolver's answer: the server's address (its port is set here),
 * or NULL and why. */
void lwm2m_coap_resolved(struct lwm2m_coap *c, const struct sockaddr *sa,
    const char *why);
/* Closes the session and the handles (no callback runs after); secrets
 * are zeroised. NULL-safe. */
void lwm2m_coap_free(struct lwm2m_coap *c);

/*
 * Sends a confirmable request (once connected): method to the path
 * segments of path ("rd", "rd/5a3f", "bs"), with the Uri-Query options
 * of query ("ep=x&lt=300": '&' separates them), a Content-Format
 * (LWM2M_CF_NONE: none) and payload (copied; Block1 when large). cb
 * runs exactly once, unless the session is freed first. Returns 0, or -1 when it cannot be sent.
 */
int lwm2m_coap_request(struct lwm2m_coap *c, enum lwm2m_method method,
    const char *path, const char *query, int cf, const uint8_t *payload,
    size_t len, lwm2m_coap_reply_fn cb, void *arg);
/*
 * The same as a non-confirmable request: sent once, never retransmitted,
 * and not counted against NSTART, so a server that ignores it delays no
 * other request. cb runs once if an answer comes; the caller keeps its
 * own deadline (an unanswered one is forgotten with the session).
 */
int lwm2m_coap_request_non(struct lwm2m_coap *c, enum lwm2m_method method,
    const char *path, const char *query, int cf, const uint8_t *payload,
    size_t len, lwm2m_coap_reply_fn cb, void *arg);

/* Makes p observable (a libcoap resource); 0 or -1. Idempotent. */
int lwm2m_coap_anchor(struct lwm2m_coap *c, const struct lwm2m_path *p);
/* Removes p's anchor; its observers get a 4.04. */
void lwm2m_coap_unanchor(struct lwm2m_coap *c, const struct lwm2m_path *p);
/* true when p is anchored. */
bool lwm2m_coap_anchored(const struct lwm2m_coap *c,
    const struct lwm2m_path *p);
/* Asks for a notification of every observer of p (serve runs again
 * with the observer's request). Returns 1 when p has observers, 0 when
 * it has none. */
int lwm2m_coap_notify(struct lwm2m_coap *c, const struct lwm2m_path *p);
/* Drops every observation (a new registration cancels them). */
void lwm2m_coap_forget_observers(struct lwm2m_coap *c);

/* true once the session can carry requests (DTLS connected). */
bool lwm2m_coap_ready(const struct lwm2m_coap *c);

/*
 * Parses the server part of an LwM2M server URI: scheme, host (without
 * brackets), port (the scheme's default when absent). No path, query,
 * user or fragment is allowed. Returns 0, or -1 with a reason.
 */
int lwm2m_uri_parse(const char *uri, bool *secure, char *host,
    size_t hostlen, uint16_t *port, char *err, size_t errlen);

/* Path text ("/3/0/1", "/") into buf. */
const char *lwm2m_path_str(const struct lwm2m_path *p, char *buf,
    size_t len);
/* Parses "/3/0/1" (or "3/0/1"); "/" is the root. 0 or -1. */
int lwm2m_path_parse(const char *s, struct lwm2m_path *p);
/* true when a is b or an ancestor of it. */
bool lwm2m_path_covers(const struct lwm2m_path *a,
    const struct lwm2m_path *b);
bool lwm2m_path_equal(const struct lwm2m_path *a,
    const struct lwm2m_path *b);

/*
 * Reads a request's Uri-Path, Uri-Query, Content-Format, Accept and
 * Observe from a received PDU (a const coap_pdu_t *) into m, strictly:
 * path segments are "bs" alone or 0 to 4 decimal ids (no sign, no
 * leading zero, at most LWM2M_ID_MAX); at most LWM2M_QUERY_MAX queries
 * of at most LWM2M_QUERY_LEN bytes of printable ASCII; Content-Format
 * and Accept at most once, at most 65535; Observe 0 or 1; payload at
 * most LWM2M_PAYLOAD_MAX. Returns 0, or the CoAP code to answer (404
 * for a path that is not LwM2M's, 400 otherwise, 413 for a payload
 * too large).
 */
int lwm2m_coap_parse_request(const void *pdu, struct lwm2m_msg *m);

#endif /* WARDEN_LWM2M_COAP_H */
