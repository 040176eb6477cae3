/*
 * Tests agent/transport/rest/rest_http.c (and the TLS stream under it) against
 * a TLS server in a thread of this test, built on mbedTLS's blocking API
 * with a PKI minted at run time: keep-alive, chunked bodies, a stale kept
 * connection sent again, the response timeout, an oversized body, a
 * refused pin with nothing sent, mutual TLS, a refused connection; and
 * the URL parser.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include <mbedtls/net_sockets.h>
#include <mbedtls/ssl.h>

#include "agent/transport/rest/rest_http.h"
#include "crypto/crypto.h"
#include "tests/unit/crypto/pki.h"

enum mode {
	M_KEEP,		/* answer every request, keep the connection */
	M_DROP_SECOND,	/* close, unanswered, the 2nd request of a connection */
	M_STALL,	/* never answer */
	M_CHUNKED,	/* a chunked answer in small writes */
	M_HUGE,		/* announce a 2 MiB body */
};

struct srv {
	int lfd;
	uint16_t port;
	pthread_t th;
	enum mode mode;
	bool require_client;
	struct crypto_rng *rng;
	struct pki_ent ca, leaf;
	mbedtls_x509_crt chain, client_ca;
	mbedtls_ssl_config conf;
	/* Observations, read after the thread ended. */
	int conns, requests;
	char client_cn[CRYPTO_CN_MAX + 1];
};

static const char *const san[] = { "DNS:127.0.0.1", NULL };

static int
ssl_write_all(mbedtls_ssl_context *ssl, const char *s)
{
	size_t n = strlen(s);
	int rc;

	while (n > 0) {
		if ((rc = mbedtls_ssl_write(ssl, (const unsigned char *)s, n)) <
		    0)
			return -1;
		s += rc;
		n -= (size_t)rc;
	}
	return 0;
}

/* Reads one request (head and Content-Length body); -1 at its end. */
static int
read_request(mbedtls_ssl_context *ssl)
{
	char buf[8192];
	size_t len = 0, need;
	const char *cl, *end;
	int rc;

	for (;;) {
		buf[len] = '\0';
		if ((end = strstr(buf, "\r\n\r\n")) != NULL) {
			cl = strstr(buf, "Content-Length: ");
			need = (size_t)(end - buf) + 4 + (cl != NULL ?
			    (size_t)atoi(cl + 16) : 0);
			if (len >= need)
				return 0;
		}
		if (len + 1 >= sizeof(buf))
			return -1;
		rc = mbedtls_ssl_read(ssl, (unsigned char *)buf + len,
		    sizeof(buf) - 1 - len);
		if (rc <= 0)
			return -1;
		len += (size_t)rc;
	}
}

static void
serve(struct srv *s, mbedtls_net_context *net)
{
	mbedtls_ssl_context ssl;
	const mbedtls_x509_crt *peer;
	char tmp[64];
	int n = 0;

	mbedtls_ssl_init(&ssl);
	if (mbedtls_ssl_setup(&ssl, &s->conf) != 0)
		goto out;
	mbedtls_ssl_set_bio(&ssl, net, mbedtls_net_send, mbedtls_net_recv,
	    NULL);
	if (mbedtls_ssl_handshake(&ssl) != 0)
		goto out;
	if ((peer = mbedtls_ssl_get_peer_cert(&ssl)) != NULL)
		crypto_cert_subject_cn(peer, s->client_cn,
		    sizeof(s->client_cn));
	while (read_request(&ssl) == 0) {
		s->requests++;
		n++;
		switch (s->mode) {
		case M_KEEP:
			ssl_write_all(&ssl, "HTTP/1.1 200 OK\r\n"
			    "Content-Length: 2\r\n\r\nok");
			break;
		case M_DROP_SECOND:
			if (n == 2)
				goto out;
			ssl_write_all(&ssl, "HTTP/1.1 200 OK\r\n"
			    "Content-Length: 2\r\n\r\nok");
			break;
		case M_STALL:
			break;
		case M_CHUNKED:
			ssl_write_all(&ssl, "HTTP/1.1 200 OK\r\nTransfer-"
			    "Encoding: chunked\r\n\r\n");
			ssl_write_all(&ssl, "3\r\nabc\r\n");
			ssl_write_all(&ssl, "4;x=y\r\ndefg\r\n");
			ssl_write_all(&ssl, "0\r\n\r\n");
			break;
		case M_HUGE:
			snprintf(tmp, sizeof(tmp), "HTTP/1.1 200 OK\r\n"
			    "Content-Length: %d\r\n\r\n{", 2 * 1024 * 1024);
			ssl_write_all(&ssl, tmp);
			break;
		}
	}
out:
	mbedtls_ssl_free(&ssl);
}

static void *
srv_main(void *arg)
{
	struct srv *s = arg;
	mbedtls_net_context net;
	int fd;

	while ((fd = accept(s->lfd, NULL, NULL)) >= 0) {
		s->conns++;
		mbedtls_net_init(&net);
		net.fd = fd;
		serve(s, &net);
		mbedtls_net_free(&net);
	}
	return NULL;
}

static void
srv_start(struct srv *s, enum mode mode, bool require_client)
{
	struct sockaddr_in sin;
	socklen_t sl = sizeof(sin);
	time_t now = time(NULL);

	memset(s, 0, sizeof(*s));
	s->mode = mode;
	s->require_client = require_client;
	assert_int_equal(crypto_rng_new("srv", &s->rng, NULL, 0), 0);
	pki_root(s->rng, &s->ca, "CN=test CA", now - DAY, now + DAY);
	pki_issue(s->rng, &s->ca, &s->leaf, CRYPTO_CERT_SERVER, "127.0.0.1",
	    san, 2, now - DAY, now + DAY);
	mbedtls_x509_crt_init(&s->chain);
	mbedtls_x509_crt_init(&s->client_ca);
	pki_append(&s->chain, &s->leaf);
	pki_append(&s->chain, &s->ca);
	pki_append(&s->client_ca, &s->ca);
	mbedtls_ssl_config_init(&s->conf);
	assert_int_equal(mbedtls_ssl_config_defaults(&s->conf,
	    MBEDTLS_SSL_IS_SERVER, MBEDTLS_SSL_TRANSPORT_STREAM,
	    MBEDTLS_SSL_PRESET_DEFAULT), 0);
	mbedtls_ssl_conf_rng(&s->conf, crypto_rng_mbedtls, s->rng);
	assert_int_equal(mbedtls_ssl_conf_own_cert(&s->conf, &s->chain,
	    crypto_eckey_pk(s->leaf.key)), 0);
	mbedtls_ssl_conf_ca_chain(&s->conf, &s->client_ca, NULL);
	mbedtls_ssl_conf_authmode(&s->conf, require_client ?
	    MBEDTLS_SSL_VERIFY_REQUIRED : MBEDTLS_SSL_VERIFY_NONE);
	s->lfd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s->lfd >= 0);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s->lfd, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	assert_int_equal(listen(s->lfd, 8), 0);
	assert_int_equal(getsockname(s->lfd, (struct sockaddr *)&sin, &sl), 0);
	s->port = ntohs(sin.sin_port);
	assert_int_equal(pthread_create(&s->th, NULL, srv_main, s), 0);
}

static void
srv_stop(struct srv *s)
{
	shutdown(s->lfd, SHUT_RDWR);
	close(s->lfd);
	pthread_join(s->th, NULL);
	mbedtls_ssl_config_free(&s->conf);
	mbedtls_x509_crt_free(&s->chain);
	mbedtls_x509_crt_free(&s->client_ca);
	pki_free(&s->leaf);
	pki_free(&s->ca);
	crypto_rng_free(s->rng);
}

/* The client side: one loop, one TLS configuration, one HTTP client. */
struct cli {
	uv_loop_t loop;
	struct crypto_rng *rng;
	struct tls_conf *tls;
	struct rest_http *h;
	struct pki_ent dev;	/* mutual TLS */
	bool done;
	enum rest_http_error error;
	int status;
	char why[REST_HTTP_WHY_MAX];
	char body[256];
};

static void
cli_start(struct cli *c, struct srv *s, const uint8_t pin[32], bool mtls)
{
	struct tls_params p;
	char err[256], *ca_pem = NULL, *cert_pem = NULL;
	time_t now = time(NULL);

	memset(c, 0, sizeof(*c));
	assert_int_equal(uv_loop_init(&c->loop), 0);
	assert_int_equal(crypto_rng_new("cli", &c->rng, NULL, 0), 0);
	memset(&p, 0, sizeof(p));
	p.rng = c->rng;
	p.pin_mode = CRYPTO_PIN_ANCHOR;
	memcpy(p.pin, pin, 32);
	if (mtls) {
		pki_issue(s->rng, &s->ca, &c->dev, CRYPTO_CERT_CLIENT, "dev-7",
		    NULL, 9, now - DAY, now + DAY);
		assert_int_equal(crypto_cert_pem(&s->ca.crt, &ca_pem), 0);
		assert_int_equal(crypto_cert_pem(&c->dev.crt, &cert_pem), 0);
		p.pin_mode = CRYPTO_PIN_IN_CHAIN;
		p.ca_pem = ca_pem;
		p.cert_pem = cert_pem;
		p.key = c->dev.key;
	}
	if (tls_conf_new(&p, &c->tls, err, sizeof(err)) != 0)
		fail_msg("tls_conf_new: %s", err);
	free(ca_pem);
	free(cert_pem);
	assert_int_equal(rest_http_new(&c->loop, c->tls, "127.0.0.1", s->port,
	    &c->h, err, sizeof(err)), 0);
}

static void
on_reply(void *arg, const struct rest_http_reply *r)
{
	struct cli *c = arg;

	c->done = true;
	c->error = r->error;
	c->status = r->status;
	snprintf(c->why, sizeof(c->why), "%s", r->why);
	c->body[0] = '\0';
	if (r->error == REST_HTTP_OK && r->resp->body != NULL)
		snprintf(c->body, sizeof(c->body), "%s", r->resp->body);
}

/* One request, run to its callback. */
static void
run(struct cli *c, unsigned response_ms)
{
	struct rest_http_request req = {
		.method = "POST", .path = "/v1/x", .body = "{}", .body_len = 2,
		.response_ms = response_ms,
	};

	c->done = false;
	assert_int_equal(rest_http_request(c->h, &req, on_reply, c), 0);
	/* Never from inside rest_http_request(). */
	assert_false(c->done);
	while (!c->done)
		uv_run(&c->loop, UV_RUN_ONCE);
}

static void
cli_stop(struct cli *c)
{
	rest_http_free(c->h);
	tls_conf_free(c->tls);
	uv_run(&c->loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&c->loop), 0);
	pki_free(&c->dev);
	crypto_rng_free(c->rng);
}

static void
pin_of(const struct pki_ent *e, uint8_t pin[32])
{
	crypto_cert_fingerprint(&e->crt, pin);
}

static void
keep_alive(void **state)
{
	struct srv s;
	struct cli c;
	uint8_t pin[32];

	(void)state;
	srv_start(&s, M_KEEP, false);
	pin_of(&s.ca, pin);
	cli_start(&c, &s, pin, false);
	run(&c, 0);
	if (c.error != REST_HTTP_OK)
		fail_msg("%s", c.why);
	assert_int_equal(c.status, 200);
	assert_string_equal(c.body, "ok");
	run(&c, 0);
	assert_int_equal(c.error, REST_HTTP_OK);
	cli_stop(&c);
	srv_stop(&s);
	assert_int_equal(s.conns, 1);
	assert_int_equal(s.requests, 2);
}

static void
chunked(void **state)
{
	struct srv s;
	struct cli c;
	uint8_t pin[32];

	(void)state;
	srv_start(&s, M_CHUNKED, false);
	pin_of(&s.ca, pin);
	cli_start(&c, &s, pin, false);
	run(&c, 0);
	assert_int_equal(c.error, REST_HTTP_OK);
	assert_string_equal(c.body, "abcdefg");
	cli_stop(&c);
	srv_stop(&s);
}

static void
stale_connection_sent_again(void **state)
{
	struct srv s;
	struct cli c;
	uint8_t pin[32];

	(void)state;
	srv_start(&s, M_DROP_SECOND, false);
	pin_of(&s.ca, pin);
	cli_start(&c, &s, pin, false);
	run(&c, 0);
	assert_int_equal(c.error, REST_HTTP_OK);
	run(&c, 0);
	if (c.error != REST_HTTP_OK)
		fail_msg("%s", c.why);
	cli_stop(&c);
	srv_stop(&s);
	/* The second request went twice: dropped, then on a new connection. */
	assert_int_equal(s.conns, 2);
	assert_int_equal(s.requests, 3);
}

static void
response_timeout(void **state)
{
	struct srv s;
	struct cli c;
	uint8_t pin[32];
	uint64_t t0, ms;

	(void)state;
	srv_start(&s, M_STALL, false);
	pin_of(&s.ca, pin);
	cli_start(&c, &s, pin, false);
	t0 = uv_hrtime();
	run(&c, 300);
	ms = (uv_hrtime() - t0) / 1000000u;
	assert_int_equal(c.error, REST_HTTP_ETIMEOUT);
	assert_non_null(strstr(c.why, "no complete response within 300 ms"));
	assert_true(ms >= 290 && ms < 3000);
	cli_stop(&c);
	srv_stop(&s);
}

static void
oversized_body(void **state)
{
	struct srv s;
	struct cli c;
	uint8_t pin[32];

	(void)state;
	srv_start(&s, M_HUGE, false);
	pin_of(&s.ca, pin);
	cli_start(&c, &s, pin, false);
	run(&c, 0);
	assert_int_equal(c.error, REST_HTTP_EPROTOCOL);
	assert_non_null(strstr(c.why, "larger than 1048576 bytes"));
	cli_stop(&c);
	srv_stop(&s);
}

static void
wrong_pin_nothing_sent(void **state)
{
	struct srv s;
	struct cli c;
	uint8_t pin[32];

	(void)state;
	srv_start(&s, M_KEEP, false);
	pin_of(&s.leaf, pin);
	pin[0] ^= 1;
	cli_start(&c, &s, pin, false);
	run(&c, 0);
	assert_int_equal(c.error, REST_HTTP_EUNTRUSTED);
	assert_non_null(strstr(c.why, "server certificate refused: "));
	assert_non_null(strstr(c.why, "pin: no certificate in the chain"));
	cli_stop(&c);
	srv_stop(&s);
	assert_int_equal(s.conns, 1);
	assert_int_equal(s.requests, 0);
}

static void
pinned_leaf_is_an_anchor_too(void **state)
{
	struct srv s;
	struct cli c;
	uint8_t pin[32];

	(void)state;
	srv_start(&s, M_KEEP, false);
	pin_of(&s.leaf, pin);
	cli_start(&c, &s, pin, false);
	run(&c, 0);
	assert_int_equal(c.error, REST_HTTP_OK);
	cli_stop(&c);
	srv_stop(&s);
}

static void
mutual_tls(void **state)
{
	struct srv s;
	struct cli c;
	uint8_t pin[32];

	(void)state;
	srv_start(&s, M_KEEP, true);
	pin_of(&s.ca, pin);
	cli_start(&c, &s, pin, true);
	run(&c, 0);
	if (c.error != REST_HTTP_OK)
		fail_msg("%s", c.why);
	cli_stop(&c);
	srv_stop(&s);
	assert_string_equal(s.client_cn, "dev-7");
	assert_int_equal(s.requests, 1);
}

static void
connection_refused(void **state)
{
	struct srv s;
	struct cli c;
	uint8_t pin[32];

	(void)state;
	srv_start(&s, M_KEEP, false);
	pin_of(&s.ca, pin);
	srv_stop(&s);	/* nothing listens on the port any more */
	cli_start(&c, &s, pin, false);
	run(&c, 0);
	assert_int_equal(c.error, REST_HTTP_ECONNECT);
	assert_non_null(strstr(c.why, "connection refused"));
	cli_stop(&c);
}

static void
bad_requests(void **state)
{
	struct rest_http_request req = { .method = "GET", .path = "/a b" };
	struct srv s;
	struct cli c;
	uint8_t pin[32] = { 0 };

	(void)state;
	s.port = 9;
	cli_start(&c, &s, pin, false);
	assert_int_equal(rest_http_request(c.h, &req, on_reply, &c), -1);
	req.path = "relative";
	assert_int_equal(rest_http_request(c.h, &req, on_reply, &c), -1);
	req.path = "/ok";
	req.if_none_match = "\"a\"\r\nX: y";
	assert_int_equal(rest_http_request(c.h, &req, on_reply, &c), -1);
	req.if_none_match = NULL;
	req.body_len = HTTP_BODY_MAX + 1;
	req.body = "";
	assert_int_equal(rest_http_request(c.h, &req, on_reply, &c), -1);
	assert_false(rest_http_busy(c.h));
	cli_stop(&c);
}

static void
url_parse(void **state)
{
	char host[TLS_HOST_MAX + 1], prefix[REST_HTTP_PREFIX_MAX + 1];
	char err[128];
	uint16_t port;

	(void)state;
	assert_int_equal(rest_http_url_parse("https://mdm.example.com", host,
	    &port, prefix, err, sizeof(err)), 0);
	assert_string_equal(host, "mdm.example.com");
	assert_int_equal(port, 443);
	assert_string_equal(prefix, "");
	assert_int_equal(rest_http_url_parse("HTTPS://127.0.0.1:8443/mdm/v/",
	    host, &port, prefix, err, sizeof(err)), 0);
	assert_string_equal(host, "127.0.0.1");
	assert_int_equal(port, 8443);
	assert_string_equal(prefix, "/mdm/v");
	/* An IPv6 literal: the host without its brackets. */
	assert_int_equal(rest_http_url_parse("https://[::1]:8443/v", host,
	    &port, prefix, err, sizeof(err)), 0);
	assert_string_equal(host, "::1");
	assert_int_equal(port, 8443);
	assert_string_equal(prefix, "/v");
#define BAD(u, w) do { \
	assert_int_equal(rest_http_url_parse(u, host, &port, prefix, err, \
	    sizeof(err)), -1); \
	if (strstr(err, w) == NULL) \
		fail_msg("%s: %s", u, err); \
} while (0)
	BAD("http://mdm.example.com", "plain HTTP is refused");
	BAD("https://", "no host");
	BAD("https://[::1", "bad IPv6 address");
	BAD("https://user@host", "user info");
	BAD("https://host:0", "port");
	BAD("https://host:65536", "port");
	BAD("https://host:", "port");
	BAD("https://host:123456", "port");
	BAD("https://-host", "host");
	BAD("https://host/a?b", "query or fragment");
	BAD("https://host/a%20b", "'%' in the path");
	BAD("https://host#x", "query or fragment");
#undef BAD
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(keep_alive),
		cmocka_unit_test(chunked),
		cmocka_unit_test(stale_connection_sent_again),
		cmocka_unit_test(response_timeout),
		cmocka_unit_test(oversized_body),
		cmocka_unit_test(wrong_pin_nothing_sent),
		cmocka_unit_test(pinned_leaf_is_an_anchor_too),
		cmocka_unit_test(mutual_tls),
		cmocka_unit_test(connection_refused),
		cmocka_unit_test(bad_requests),
		cmocka_unit_test(url_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
