/*
 * tls_stream.c - a TLS client connection driven by libuv: mbedTLS reads
 * and writes memory, libuv moves the bytes (see tls_stream.h).
 *
 * A stream lives through RESOLVE -> CONNECT -> HANDSHAKE -> OPEN and ends
 * DEAD. Its memory outlives tls_stream_close() until libuv has run the
 * callbacks of every handle and request it holds, so a callback never
 * touches freed memory.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/error.h>

#include "agent/transport/rest/tls_stream.h"

/* Both drain completely at every step (mbedTLS reads until WANT_READ),
 * so one TLS record's worth is enough. */
#define RX_MAX (17 * 1024)
#define PLAIN_MAX (16 * 1024)
/* Ciphertext handed to libuv and not yet written: beyond this, mbedTLS
 * is told to wait (WANT_WRITE) until the kernel takes some. */
#define WRITE_MAX (2 * 1024 * 1024)
/* Seconds of silence before the kernel probes the connection. */
#define TLS_KEEPALIVE_IDLE_S 60

struct tls_conf {
	int refs;		/* the owner's and one per open stream */
	mbedtls_ssl_config conf;
	mbedtls_x509_crt ca, own;
	enum crypto_pin_mode mode;
	uint8_t pin[CRYPTO_SHA256_LEN];
	struct tls_resolver resolver;	/* start NULL: uv_getaddrinfo */
};

enum { ST_RESOLVE, ST_CONNECT, ST_HANDSHAKE, ST_OPEN, ST_DEAD };

struct tls_stream {
	uv_loop_t *loop;
	struct tls_conf *conf;
	const struct tls_stream_events *ev;
	void *arg;
	int st;
	bool closed;		/* by the owner: no more events */
	bool eof;
	char host[TLS_HOST_MAX + 1];
	uint16_t port;
	unsigned connect_ms, handshake_ms;

	uv_tcp_t tcp;
	bool tcp_init;
	uv_timer_t timer;
	uv_getaddrinfo_t gai;
	bool gai_pending;
	struct tls_resolver resolver;	/* the conf's, kept for cancel */
	bool resolving;
	uv_connect_t creq;
	bool connect_pending;
	int handles_open;
	int writes_pending;
	size_t write_bytes;

	mbedtls_ssl_context ssl;
	bool ssl_init;
	struct crypto_x509_check check;

	uint8_t rx[RX_MAX];
	size_t rx_start, rx_end;
	uint8_t *tx;		/* plaintext mbedTLS has not taken yet */
	size_t tx_len, tx_off;
	uint8_t plain[PLAIN_MAX];
};

struct wreq {
	uv_write_t req;
	struct tls_stream *s;
	size_t len;
	uint8_t data[];
};

static void drive(struct tls_stream *s);

int
tls_conf_new(const struct tls_params *p, struct tls_conf **out, char *err,
    size_t errlen)
{
	struct tls_conf *c;
	char why[CRYPTO_ERR_MAX];
	int ret;

	*out = NULL;
	if (p->ca_pem == NULL && p->pin_mode != CRYPTO_PIN_ANCHOR) {
		snprintf(err, errlen, "TLS: without a CA the pin must be the "
		    "trust anchor");
		return -1;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "TLS: out of memory");
		return -1;
	}
	c->refs = 1;
	mbedtls_ssl_config_init(&c->conf);
	mbedtls_x509_crt_init(&c->ca);
	mbedtls_x509_crt_init(&c->own);
	c->mode = p->pin_mode;
	memcpy(c->pin, p->pin, sizeof(c->pin));
	if (p->resolver != NULL)
		c->resolver = *p->resolver;
	if ((ret = mbedtls_ssl_config_defaults(&c->conf, MBEDTLS_SSL_IS_CLIENT,
	    MBEDTLS_SSL_TRANSPORT_STREAM, MBEDTLS_SSL_PRESET_DEFAULT)) != 0) {
		mbedtls_strerror(ret, why, sizeof(why));
		snprintf(err, errlen, "TLS: configuration: %s", why);
		goto fail;
	}
	mbedtls_ssl_conf_min_version(&c->conf, MBEDTLS_SSL_MAJOR_VERSION_3,
	    MBEDTLS_SSL_MINOR_VERSION_3);
	mbedtls_ssl_conf_curves(&c->conf, crypto_tls_groups());
	mbedtls_ssl_conf_rng(&c->conf, crypto_rng_mbedtls, p->rng);
	mbedtls_ssl_conf_renegotiation(&c->conf,
	    MBEDTLS_SSL_RENEGOTIATION_DISABLED);
	if (p->ca_pem != NULL) {
		if (crypto_cert_parse(&c->ca, p->ca_pem, strlen(p->ca_pem), why,
		    sizeof(why)) != 0) {
			snprintf(err, errlen, "TLS: server CA: %s", why);
			goto fail;
		}
		mbedtls_ssl_conf_ca_chain(&c->conf, &c->ca, NULL);
		mbedtls_ssl_conf_authmode(&c->conf,
		    MBEDTLS_SSL_VERIFY_REQUIRED);
	} else {
		/* No CA chain: mbedTLS refuses REQUIRED. The verdict of the
		 * pin check is enforced after the handshake (handshake()). */
		mbedtls_ssl_conf_authmode(&c->conf,
		    MBEDTLS_SSL_VERIFY_OPTIONAL);
	}
	if (p->cert_pem != NULL && p->key != NULL) {
		if (crypto_cert_parse(&c->own, p->cert_pem, strlen(p->cert_pem),
		    why, sizeof(why)) != 0) {
			snprintf(err, errlen, "TLS: device certificate: %s",
			    why);
			goto fail;
		}
		if (!crypto_cert_has_key(&c->own, p->key)) {
			snprintf(err, errlen, "TLS: the device certificate "
			    "does not certify the device key");
			goto fail;
		}
		if ((ret = mbedtls_ssl_conf_own_cert(&c->conf, &c->own,
		    crypto_eckey_pk(p->key))) != 0) {
			mbedtls_strerror(ret, why, sizeof(why));
			snprintf(err, errlen, "TLS: device certificate: %s",
			    why);
			goto fail;
		}
	}
	*out = c;
	return 0;
fail:
	tls_conf_free(c);
	return -1;
}

void
tls_conf_free(struct tls_conf *c)
{
	if (c == NULL || --c->refs > 0)
		return;
	mbedtls_ssl_config_free(&c->conf);
	mbedtls_x509_crt_free(&c->ca);
	mbedtls_x509_crt_free(&c->own);
	crypto_zero(c, sizeof(*c));
	free(c);
}

static void
maybe_free(struct tls_stream *s)
{
	if (!s->closed || s->handles_open > 0 || s->gai_pending ||
	    s->connect_pending || s->writes_pending > 0)
		return;
	free(s);
}

static void
on_handle_closed(uv_handle_t *h)
{
	struct tls_stream *s = h->data;

	s->handles_open--;
	maybe_free(s);
}

/* The stream is dead; tells the owner once (unless it closed it). */
static void __attribute__((format(printf, 3, 4)))
fail(struct tls_stream *s, enum tls_fail kind, const char *fmt, ...)
{
	char why[TLS_WHY_MAX];
	va_list ap;

	if (s->st == ST_DEAD)
		return;
	s->st = ST_DEAD;
	uv_timer_stop(&s->timer);
	if (s->tcp_init)
		uv_read_stop((uv_stream_t *)&s->tcp);
	if (s->closed)
		return;
	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	s->ev->failed(s->arg, kind, why);
}

static void
mbed_fail(struct tls_stream *s, enum tls_fail kind, const char *what,
    int ret)
{
	char why[160];

	mbedtls_strerror(ret, why, sizeof(why));
	fail(s, kind, "%s: %s", what, why);
}

static void
on_write(uv_write_t *req, int status)
{
	struct wreq *w = (struct wreq *)req;
	struct tls_stream *s = w->s;

	s->writes_pending--;
	s->write_bytes -= w->len;
	free(w);
	if (s->closed) {
		maybe_free(s);
		return;
	}
	if (status < 0) {
		fail(s, s->st == ST_OPEN ? TLS_FAIL_IO : TLS_FAIL_HANDSHAKE,
		    "writing to %s:%u: %s", s->host, s->port,
		    uv_strerror(status));
		return;
	}
	drive(s);
	if (!s->closed && s->st == ST_OPEN && s->tx == NULL &&
	    s->writes_pending == 0)
		s->ev->flushed(s->arg);
}

/* mbedTLS's send callback: queue the record for libuv. */
static int
bio_send(void *ctx, const unsigned char *buf, size_t len)
{
	struct tls_stream *s = ctx;
	struct wreq *w;
	uv_buf_t b;

	if (s->st == ST_DEAD || s->closed)
		return MBEDTLS_ERR_SSL_INTERNAL_ERROR;
	if (s->write_bytes > WRITE_MAX)
		return MBEDTLS_ERR_SSL_WANT_WRITE;
	if ((w = malloc(sizeof(*w) + len)) == NULL)
		return MBEDTLS_ERR_SSL_ALLOC_FAILED;
	memcpy(w->data, buf, len);
	w->s = s;
	w->len = len;
	b = uv_buf_init((char *)w->data, (unsigned int)len);
	if (uv_write(&w->req, (uv_stream_t *)&s->tcp, &b, 1, on_write) != 0) {
		free(w);
		return MBEDTLS_ERR_SSL_INTERNAL_ERROR;
	}
	s->writes_pending++;
	s->write_bytes += len;
	return (int)len;
}

/* mbedTLS's receive callback: what libuv read, or WANT_READ. */
static int
bio_recv(void *ctx, unsigned char *buf, size_t len)
{
	struct tls_stream *s = ctx;
	size_t n = s->rx_end - s->rx_start;

	if (n == 0)
		return s->eof ? 0 : MBEDTLS_ERR_SSL_WANT_READ;
	if (n > len)
		n = len;
	memcpy(buf, s->rx + s->rx_start, n);
	s->rx_start += n;
	return (int)n;
}

static void
handshake(struct tls_stream *s)
{
	uint32_t flags;
	char why[CRYPTO_ERR_MAX];
	int ret;

	ret = mbedtls_ssl_handshake(&s->ssl);
	if (ret == MBEDTLS_ERR_SSL_WANT_READ ||
	    ret == MBEDTLS_ERR_SSL_WANT_WRITE)
		return;
	if (ret == MBEDTLS_ERR_X509_CERT_VERIFY_FAILED) {
		fail(s, TLS_FAIL_UNTRUSTED, "server certificate refused: %s",
		    crypto_x509_check_error(&s->check)[0] != '\0' ?
		    crypto_x509_check_error(&s->check) : "verification failed");
		return;
	}
	if (ret == MBEDTLS_ERR_SSL_CONN_EOF) {
		fail(s, TLS_FAIL_HANDSHAKE, "TLS handshake with %s:%u: the "
		    "server closed the connection", s->host, s->port);
		return;
	}
	if (ret != 0) {
		mbed_fail(s, TLS_FAIL_HANDSHAKE, "TLS handshake", ret);
		return;
	}
	/* VERIFY_OPTIONAL lets a failed chain through: nothing may be sent
	 * before both verdicts say yes (crypto.h). */
	flags = mbedtls_ssl_get_verify_result(&s->ssl);
	if (flags != 0 || !crypto_x509_check_passed(&s->check)) {
		if (crypto_x509_check_error(&s->check)[0] != '\0')
			snprintf(why, sizeof(why), "%s",
			    crypto_x509_check_error(&s->check));
		else
			crypto_x509_flags_describe(flags, why, sizeof(why));
		fail(s, TLS_FAIL_UNTRUSTED, "server certificate refused: %s",
		    why[0] != '\0' ? why : "not verified");
		return;
	}
	s->st = ST_OPEN;
	uv_timer_stop(&s->timer);
	s->ev->connected(s->arg);
}

static void
pump_tx(struct tls_stream *s)
{
	int ret;

	while (s->tx != NULL && !s->closed && s->st == ST_OPEN) {
		ret = mbedtls_ssl_write(&s->ssl, s->tx + s->tx_off,
		    s->tx_len - s->tx_off);
		if (ret == MBEDTLS_ERR_SSL_WANT_WRITE ||
		    ret == MBEDTLS_ERR_SSL_WANT_READ)
			return;
		if (ret < 0) {
			mbed_fail(s, TLS_FAIL_IO, "TLS write", ret);
			return;
		}
		s->tx_off += (size_t)ret;
		if (s->tx_off == s->tx_len) {
			free(s->tx);
			s->tx = NULL;
			s->tx_len = s->tx_off = 0;
		}
	}
}

static void
pump_rx(struct tls_stream *s)
{
	int ret;

	while (!s->closed && s->st == ST_OPEN) {
		ret = mbedtls_ssl_read(&s->ssl, s->plain, sizeof(s->plain));
		if (ret > 0) {
			s->ev->data(s->arg, s->plain, (size_t)ret);
			continue;
		}
		if (ret == MBEDTLS_ERR_SSL_WANT_READ ||
		    ret == MBEDTLS_ERR_SSL_WANT_WRITE)
			return;
		if (ret == 0 || ret == MBEDTLS_ERR_SSL_PEER_CLOSE_NOTIFY ||
		    ret == MBEDTLS_ERR_SSL_CONN_EOF) {
			fail(s, TLS_FAIL_CLOSED, "%s:%u closed the connection",
			    s->host, s->port);
			return;
		}
		mbed_fail(s, TLS_FAIL_IO, "TLS read", ret);
		return;
	}
}

static void
drive(struct tls_stream *s)
{
	if (s->closed)
		return;
	if (s->st == ST_HANDSHAKE)
		handshake(s);
	if (s->st == ST_OPEN)
		pump_tx(s);
	if (s->st == ST_OPEN)
		pump_rx(s);
}

static void
on_alloc(uv_handle_t *h, size_t hint, uv_buf_t *buf)
{
	struct tls_stream *s = h->data;

	(void)hint;
	if (s->rx_start > 0) {
		memmove(s->rx, s->rx + s->rx_start, s->rx_end - s->rx_start);
		s->rx_end -= s->rx_start;
		s->rx_start = 0;
	}
	*buf = uv_buf_init((char *)s->rx + s->rx_end,
	    (unsigned int)(RX_MAX - s->rx_end));
}

static void
on_read(uv_stream_t *st, ssize_t n, const uv_buf_t *buf)
{
	struct tls_stream *s = st->data;

	(void)buf;
	if (s->closed || s->st == ST_DEAD)
		return;
	if (n > 0)
		s->rx_end += (size_t)n;
	else if (n == UV_EOF)
		s->eof = true;
	else if (n < 0) {
		fail(s, s->st == ST_OPEN ? TLS_FAIL_IO : TLS_FAIL_HANDSHAKE,
		    "reading from %s:%u: %s", s->host, s->port,
		    uv_strerror((int)n));
		return;
	}
	drive(s);
}

static void
on_timer(uv_timer_t *t)
{
	struct tls_stream *s = t->data;

	if (s->st == ST_HANDSHAKE)
		fail(s, TLS_FAIL_TIMEOUT, "TLS handshake with %s:%u: no answer "
		    "within %u ms", s->host, s->port, s->handshake_ms);
	else
		fail(s, TLS_FAIL_TIMEOUT, "connecting to %s:%u: no answer "
		    "within %u ms", s->host, s->port, s->connect_ms);
}

static void
on_connect(uv_connect_t *req, int status)
{
	struct tls_stream *s = req->data;

	s->connect_pending = false;
	if (s->closed) {
		maybe_free(s);
		return;
	}
	if (s->st == ST_DEAD)
		return;
	if (status < 0) {
		fail(s, TLS_FAIL_CONNECT, "connecting to %s:%u: %s", s->host,
		    s->port, uv_strerror(status));
		return;
	}
	/* A long poll may be quiet for up to TRANSPORT_WAIT_MAX: the kernel
	 * probes an idle connection after a minute, so NATs and firewalls
	 * keep it and a dead peer is found, without waking the agent. */
	uv_tcp_keepalive(&s->tcp, 1, TLS_KEEPALIVE_IDLE_S);
	s->st = ST_HANDSHAKE;
	uv_timer_start(&s->timer, on_timer, s->handshake_ms, 0);
	uv_read_start((uv_stream_t *)&s->tcp, on_alloc, on_read);
	drive(s);
}

/* Returns 0 or a libuv error code. */
static int
start_connect(struct tls_stream *s, const struct sockaddr *sa)
{
	int rc;

	s->st = ST_CONNECT;
	uv_tcp_init(s->loop, &s->tcp);
	s->tcp.data = s;
	s->tcp_init = true;
	s->handles_open++;
	uv_tcp_nodelay(&s->tcp, 1);
	s->creq.data = s;
	if ((rc = uv_tcp_connect(&s->creq, &s->tcp, sa, on_connect)) != 0)
		return rc;
	s->connect_pending = true;
	return 0;
}

static void
on_resolved(uv_getaddrinfo_t *req, int status, struct addrinfo *res)
{
	struct tls_stream *s = req->data;
	int rc;

	s->gai_pending = false;
	if (s->closed || s->st == ST_DEAD) {
		uv_freeaddrinfo(res);
		maybe_free(s);
		return;
	}
	if (status < 0 || res == NULL) {
		fail(s, TLS_FAIL_CONNECT, "resolving %s: %s", s->host,
		    uv_strerror(status));
		uv_freeaddrinfo(res);
		return;
	}
	if ((rc = start_connect(s, res->ai_addr)) != 0)
		fail(s, TLS_FAIL_CONNECT, "connecting to %s:%u: %s", s->host,
		    s->port, uv_strerror(rc));
	uv_freeaddrinfo(res);
}

void
tls_stream_resolved(struct tls_stream *s, const struct sockaddr *sa,
    const char *why)
{
	int rc;

	s->resolving = false;
	if (s->closed || s->st != ST_RESOLVE)
		return;
	if (sa == NULL) {
		fail(s, TLS_FAIL_CONNECT, "resolving %s: %s", s->host, why);
		return;
	}
	if ((rc = start_connect(s, sa)) != 0)
		fail(s, TLS_FAIL_CONNECT, "connecting to %s:%u: %s", s->host,
		    s->port, uv_strerror(rc));
}

int
tls_stream_open(uv_loop_t *loop, struct tls_conf *conf, const char *host,
    uint16_t port, unsigned connect_ms, unsigned handshake_ms,
    const struct tls_stream_events *ev, void *arg, struct tls_stream **out,
    char *err, size_t errlen)
{
	struct addrinfo hints;
	struct sockaddr_in sin;
	struct tls_stream *s;
	char portstr[8];
	int rc;

	*out = NULL;
	if (strlen(host) > TLS_HOST_MAX) {
		snprintf(err, errlen, "host name longer than %d bytes",
		    TLS_HOST_MAX);
		return -1;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	s->loop = loop;
	s->conf = conf;
	s->ev = ev;
	s->arg = arg;
	snprintf(s->host, sizeof(s->host), "%s", host);
	s->port = port;
	s->connect_ms = connect_ms;
	s->handshake_ms = handshake_ms;
	mbedtls_ssl_init(&s->ssl);
	s->ssl_init = true;
	if ((rc = mbedtls_ssl_setup(&s->ssl, &conf->conf)) != 0 ||
	    (rc = mbedtls_ssl_set_hostname(&s->ssl, host)) != 0 ||
	    crypto_x509_check_init(&s->check, conf->mode, conf->pin, host) !=
	    0) {
		snprintf(err, errlen, "TLS setup for %s failed", host);
		mbedtls_ssl_free(&s->ssl);
		free(s);
		return -1;
	}
	conf->refs++;
	mbedtls_ssl_set_verify(&s->ssl, crypto_x509_verify_cb, &s->check);
	mbedtls_ssl_set_bio(&s->ssl, s, bio_send, bio_recv, NULL);
	uv_timer_init(loop, &s->timer);
	s->timer.data = s;
	s->handles_open++;
	uv_timer_start(&s->timer, on_timer, connect_ms, 0);
	if (uv_ip4_addr(host, port, &sin) == 0) {
		if ((rc = start_connect(s, (const struct sockaddr *)&sin)) !=
		    0) {
			snprintf(err, errlen, "connecting to %s:%u: %s", host,
			    port, uv_strerror(rc));
			tls_stream_close(s);
			return -1;
		}
		*out = s;
		return 0;
	}
	s->st = ST_RESOLVE;
	if (conf->resolver.start != NULL) {
		s->resolver = conf->resolver;
		if (s->resolver.start(s->resolver.arg, s, host, port) != 0) {
			snprintf(err, errlen, "resolving %s: cannot ask", host);
			tls_stream_close(s);
			return -1;
		}
		s->resolving = true;
		*out = s;
		return 0;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(portstr, sizeof(portstr), "%u", port);
	s->gai.data = s;
	if ((rc = uv_getaddrinfo(loop, &s->gai, on_resolved, host, portstr,
	    &hints)) != 0) {
		snprintf(err, errlen, "resolving %s: %s", host,
		    uv_strerror(rc));
		tls_stream_close(s);
		return -1;
	}
	s->gai_pending = true;
	*out = s;
	return 0;
}

int
tls_stream_write(struct tls_stream *s, const void *buf, size_t len)
{
	uint8_t *copy;
	size_t pending;

	if (s->closed || s->st != ST_OPEN)
		return -1;
	pending = s->tx != NULL ? s->tx_len - s->tx_off : 0;
	if ((copy = malloc(pending + len)) == NULL)
		return -1;
	if (pending > 0)
		memcpy(copy, s->tx + s->tx_off, pending);
	memcpy(copy + pending, buf, len);
	free(s->tx);
	s->tx = copy;
	s->tx_len = pending + len;
	s->tx_off = 0;
	pump_tx(s);
	return 0;
}

bool
tls_stream_usable(const struct tls_stream *s)
{
	return s != NULL && !s->closed && s->st == ST_OPEN;
}

void
tls_stream_close(struct tls_stream *s)
{
	if (s == NULL || s->closed)
		return;
	s->closed = true;
	s->st = ST_DEAD;
	if (s->ssl_init) {
		mbedtls_ssl_free(&s->ssl);
		s->ssl_init = false;
		tls_conf_free(s->conf);
	}
	free(s->tx);
	s->tx = NULL;
	if (s->gai_pending)
		uv_cancel((uv_req_t *)&s->gai);
	if (s->resolving)
		s->resolver.cancel(s->resolver.arg, s);
	s->resolving = false;
	uv_close((uv_handle_t *)&s->timer, on_handle_closed);
	if (s->tcp_init)
		uv_close((uv_handle_t *)&s->tcp, on_handle_closed);
	maybe_free(s);
}
