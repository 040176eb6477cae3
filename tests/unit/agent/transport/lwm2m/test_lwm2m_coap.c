/*
 * Tests agent/transport/lwm2m/lwm2m_coap.c: the client session on a libuv loop
 * against a libcoap server context driven by the same loop, on
 * 127.0.0.1: a registration-like POST with its Location-Path, a read the
 * server sends back over the same session, an observation and its
 * non-confirmable notification, and the same over DTLS with a PSK and
 * with certificates (pinned); a wrong key, a wrong pin and coap:// when
 * it is not allowed fail. Also the session freed from its own callback.
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
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include <coap3/coap.h>
#include <mbedtls/pk.h>

#include "agent/transport/lwm2m/lwm2m_coap.h"
#include "agent/core/core.h"
#include "crypto/crypto.h"
#include "tests/unit/crypto/pki.h"

/* ------------------------------------------------------------------ */
/* The server: a libcoap context on the same loop                      */
/* ------------------------------------------------------------------ */

struct srv {
	uv_loop_t *loop;
	coap_context_t *ctx;
	uv_poll_t poll;
	uv_timer_t timer;
	uint16_t port;
	coap_session_t *sess;	/* the client's, from its POST */
	int posts;
	char query[128];
	/* Answers to what the server sent to the client. */
	int answers, notifications, last_code, last_type;
	char last_payload[256];
	bool has_observe;
};

static struct srv *the_srv;

static void srv_io(struct srv *s);

static void
srv_on_poll(uv_poll_t *h, int status, int events)
{
	(void)status;
	(void)events;
	srv_io(h->data);
}

static void
srv_on_timer(uv_timer_t *t)
{
	srv_io(t->data);
}

static void
srv_io(struct srv *s)
{
	struct epoll_event ev[16];
	coap_tick_t now;
	unsigned ms;
	int n;

	do {
		n = epoll_wait(coap_context_get_coap_fd(s->ctx), ev, 16, 0);
		if (n > 0)
			coap_io_do_epoll(s->ctx, ev, (size_t)n);
	} while (n == 16);
	coap_ticks(&now);
	ms = coap_io_prepare_epoll(s->ctx, now);
	if (ms > 0)
		uv_timer_start(&s->timer, srv_on_timer, ms, 0);
}

static void
hnd_rd(coap_resource_t *r, coap_session_t *session, const coap_pdu_t *req,
    const coap_string_t *query, coap_pdu_t *resp)
{
	(void)r;
	(void)req;
	the_srv->posts++;
	if (query != NULL)
		snprintf(the_srv->query, sizeof(the_srv->query), "%.*s",
		    (int)query->length, (const char *)query->s);
	if (the_srv->sess == NULL)
		the_srv->sess = coap_session_reference(session);
	coap_add_option(resp, COAP_OPTION_LOCATION_PATH, 2,
	    (const uint8_t *)"rd");
	coap_add_option(resp, COAP_OPTION_LOCATION_PATH, 2,
	    (const uint8_t *)"x1");
	coap_pdu_set_code(resp, COAP_RESPONSE_CODE(201));
}

static coap_response_t
srv_on_response(coap_session_t *session, const coap_pdu_t *sent,
    const coap_pdu_t *rcvd, const coap_mid_t mid)
{
	coap_opt_iterator_t it;
	const uint8_t *data;
	size_t len;

	(void)session;
	(void)sent;
	(void)mid;
	the_srv->answers++;
	the_srv->last_code = coap_pdu_get_code(rcvd);
	the_srv->last_type = coap_pdu_get_type(rcvd);
	the_srv->has_observe = coap_check_option(rcvd, COAP_OPTION_OBSERVE,
	    &it) != NULL;
	if (the_srv->has_observe)
		the_srv->notifications++;
	the_srv->last_payload[0] = '\0';
	if (coap_get_data(rcvd, &len, &data))
		snprintf(the_srv->last_payload, sizeof(the_srv->last_payload),
		    "%.*s", (int)len, (const char *)data);
	return COAP_RESPONSE_OK;
}

static uint16_t
free_udp_port(void)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

enum srv_sec { SRV_NOSEC, SRV_PSK, SRV_PKI };

struct pki_pem {
	char *ca, *cert, *key;
};

static void
srv_start(struct srv *s, uv_loop_t *loop, enum srv_sec sec,
    const struct pki_pem *pki)
{
	coap_address_t addr;
	coap_resource_t *r;
	coap_dtls_spsk_t spsk;
	coap_dtls_pki_t dpki;

	memset(s, 0, sizeof(*s));
	the_srv = s;
	s->loop = loop;
	coap_startup();
	s->ctx = coap_new_context(NULL);
	assert_non_null(s->ctx);
	coap_context_set_block_mode(s->ctx, COAP_BLOCK_USE_LIBCOAP |
	    COAP_BLOCK_SINGLE_BODY);
	if (sec == SRV_PSK) {
		memset(&spsk, 0, sizeof(spsk));
		spsk.version = COAP_DTLS_SPSK_SETUP_VERSION;
		spsk.psk_info.key.s = (const uint8_t *)"secret-key-16byt";
		spsk.psk_info.key.length = 16;
		assert_true(coap_context_set_psk2(s->ctx, &spsk));
	} else if (sec == SRV_PKI) {
		memset(&dpki, 0, sizeof(dpki));
		dpki.version = COAP_DTLS_PKI_SETUP_VERSION;
		dpki.verify_peer_cert = 1;
		dpki.check_common_ca = 1;
		dpki.pki_key.key_type = COAP_PKI_KEY_PEM_BUF;
		dpki.pki_key.key.pem_buf.ca_cert = (uint8_t *)pki->ca;
		dpki.pki_key.key.pem_buf.ca_cert_len = strlen(pki->ca) + 1;
		dpki.pki_key.key.pem_buf.public_cert = (uint8_t *)pki->cert;
		dpki.pki_key.key.pem_buf.public_cert_len = strlen(pki->cert) +
		    1;
		dpki.pki_key.key.pem_buf.private_key = (uint8_t *)pki->key;
		dpki.pki_key.key.pem_buf.private_key_len = strlen(pki->key) +
		    1;
		assert_true(coap_context_set_pki(s->ctx, &dpki));
	}
	s->port = free_udp_port();
	coap_address_init(&addr);
	addr.addr.sin.sin_family = AF_INET;
	addr.addr.sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	addr.addr.sin.sin_port = htons(s->port);
	addr.size = sizeof(addr.addr.sin);
	assert_non_null(coap_new_endpoint(s->ctx, &addr, sec == SRV_NOSEC ?
	    COAP_PROTO_UDP : COAP_PROTO_DTLS));
	r = coap_resource_init(coap_make_str_const("rd"), 0);
	coap_register_request_handler(r, COAP_REQUEST_POST, hnd_rd);
	coap_add_resource(s->ctx, r);
	coap_register_response_handler(s->ctx, srv_on_response);
	uv_poll_init(loop, &s->poll, coap_context_get_coap_fd(s->ctx));
	uv_timer_init(loop, &s->timer);
	s->poll.data = s->timer.data = s;
	uv_poll_start(&s->poll, UV_READABLE, srv_on_poll);
}

static void
srv_stop(struct srv *s)
{
	uv_poll_stop(&s->poll);
	uv_close((uv_handle_t *)&s->poll, NULL);
	uv_close((uv_handle_t *)&s->timer, NULL);
	if (s->sess != NULL)
		coap_session_release(s->sess);
	coap_free_context(s->ctx);
	uv_run(s->loop, UV_RUN_NOWAIT);
}

/* The server sends GET path (with Observe 0 when observe) to the
 * client over the client's session. */
static void
srv_get(struct srv *s, const char *p1, const char *p2, const char *p3,
    bool observe)
{
	coap_pdu_t *pdu;
	uint8_t tok[8], buf[4];
	size_t tlen;

	pdu = coap_new_pdu(COAP_MESSAGE_CON, COAP_REQUEST_CODE_GET, s->sess);
	assert_non_null(pdu);
	coap_session_new_token(s->sess, &tlen, tok);
	coap_add_token(pdu, tlen, tok);
	if (observe)
		coap_add_option(pdu, COAP_OPTION_OBSERVE,
		    coap_encode_var_safe(buf, sizeof(buf), 0), buf);
	coap_add_option(pdu, COAP_OPTION_URI_PATH, strlen(p1),
	    (const uint8_t *)p1);
	coap_add_option(pdu, COAP_OPTION_URI_PATH, strlen(p2),
	    (const uint8_t *)p2);
	coap_add_option(pdu, COAP_OPTION_URI_PATH, strlen(p3),
	    (const uint8_t *)p3);
	assert_true(coap_send(s->sess, pdu) != COAP_INVALID_MID);
	srv_io(s);
}

static void
srv_free_body(coap_session_t *sess, void *p)
{
	(void)sess;
	free(p);
}

/* The server sends PUT /32001/0 with body (len bytes, copied) to the
 * client; libcoap splits it into Block1 blocks of szx. */
static void
srv_put(struct srv *s, const uint8_t *body, size_t len, unsigned szx)
{
	coap_pdu_t *pdu;
	uint8_t tok[8], buf[4], *copy;
	size_t tlen;

	pdu = coap_new_pdu(COAP_MESSAGE_CON, COAP_REQUEST_CODE_PUT, s->sess);
	assert_non_null(pdu);
	coap_session_new_token(s->sess, &tlen, tok);
	coap_add_token(pdu, tlen, tok);
	coap_add_option(pdu, COAP_OPTION_URI_PATH, 5,
	    (const uint8_t *)"32001");
	coap_add_option(pdu, COAP_OPTION_URI_PATH, 1, (const uint8_t *)"0");
	coap_add_option(pdu, COAP_OPTION_CONTENT_FORMAT,
	    coap_encode_var_safe(buf, sizeof(buf), 110), buf);
	coap_add_option(pdu, COAP_OPTION_BLOCK1,
	    coap_encode_var_safe(buf, sizeof(buf), szx), buf);
	assert_non_null(copy = malloc(len));
	memcpy(copy, body, len);
	assert_true(coap_add_data_large_request(s->sess, pdu, len, copy,
	    srv_free_body, copy));
	assert_true(coap_send(s->sess, pdu) != COAP_INVALID_MID);
	srv_io(s);
}

/* ------------------------------------------------------------------ */
/* The client's side                                                   */
/* ------------------------------------------------------------------ */

struct cli {
	struct lwm2m_coap *c;
	int replies, serves, connected, failures;
	struct lwm2m_coap_reply last;
	struct lwm2m_msg last_msg;
	uint8_t last_body[4096];	/* of the last request served */
	size_t last_len;
	char value[32];
	bool free_in_callback;
};

static void
cli_reply(void *arg, const struct lwm2m_coap_reply *r)
{
	struct cli *k = arg;

	k->replies++;
	k->last = *r;
	k->last.payload = NULL;
	if (k->free_in_callback) {
		lwm2m_coap_free(k->c);
		k->c = NULL;
	}
}

static void
cli_serve(void *arg, const struct lwm2m_msg *m, struct lwm2m_answer *a)
{
	struct cli *k = arg;

	k->serves++;
	k->last_msg = *m;
	k->last_len = m->len <= sizeof(k->last_body) ? m->len : 0;
	if (k->last_len > 0)
		memcpy(k->last_body, m->payload, k->last_len);
	k->last_msg.payload = NULL;
	a->code = 205;
	a->cf = LWM2M_CF_TEXT;
	a->payload = (uint8_t *)strdup(k->value);
	a->len = strlen(k->value);
}

static void
cli_connected(void *arg)
{
	((struct cli *)arg)->connected++;
}

static void
cli_failed(void *arg, const char *why)
{
	struct cli *k = arg;

	(void)why;
	k->failures++;
}

static const struct lwm2m_coap_events cli_events = {
	.serve = cli_serve,
	.connected = cli_connected,
	.failed = cli_failed,
};

static void
on_guard(uv_timer_t *t)
{
	*(bool *)t->data = true;
}

/* Runs the loop until *n > before or 5 s passed; true when it moved. */
static bool
run_until(uv_loop_t *loop, const int *n, int before)
{
	uv_timer_t guard;
	bool expired = false;

	uv_timer_init(loop, &guard);
	guard.data = &expired;
	uv_timer_start(&guard, on_guard, 5000, 0);
	while (*n <= before && !expired)
		uv_run(loop, UV_RUN_ONCE);
	uv_close((uv_handle_t *)&guard, NULL);
	uv_run(loop, UV_RUN_NOWAIT);
	return *n > before;
}

static void
cli_open(struct cli *k, uv_loop_t *loop, struct lwm2m_coap_params *p)
{
	struct lwm2m_coap_events ev = cli_events;
	char err[256];

	ev.arg = k;
	p->loop = loop;
	snprintf(k->value, sizeof(k->value), "warden");
	if (lwm2m_coap_new(p, &ev, &k->c, err, sizeof(err)) != 0)
		fail_msg("lwm2m_coap_new: %s", err);
}

/* A body of 3000 bytes written in 16- and then 64-byte Block1 blocks
 * reaches serve whole, once, after the last block. */
static void
block_write(uv_loop_t *loop, struct srv *s, struct cli *k)
{
	uint8_t body[3000];
	size_t i;
	int served = k->serves, answers = s->answers;
	unsigned szx;

	for (i = 0; i < sizeof(body); i++)
		body[i] = (uint8_t)('a' + i % 26);
	for (szx = 0; szx <= 2; szx += 2) {
		srv_put(s, body, sizeof(body), szx);
		assert_true(run_until(loop, &s->answers, answers));
		answers = s->answers;
		assert_int_equal(s->last_code, COAP_RESPONSE_CODE(205));
		assert_int_equal(k->serves, served + 1);
		served = k->serves;
		assert_int_equal(k->last_msg.method, LWM2M_PUT);
		assert_int_equal(k->last_len, sizeof(body));
		assert_memory_equal(k->last_body, body, sizeof(body));
	}
}

/* POST rd, a read back, an observation and its notification, a write
 * in blocks, a non-confirmable request. */
static void
exchange(uv_loop_t *loop, struct srv *s, struct cli *k)
{
	struct lwm2m_path p = { { 3, 0, 0, 0 }, 3 };
	const uint8_t links[] = "</3/0>";

	assert_true(run_until(loop, &k->connected, 0));
	assert_int_equal(lwm2m_coap_request(k->c, LWM2M_POST, "rd",
	    "ep=urn:dev:warden:T1&lt=60&lwm2m=1.1&b=U", LWM2M_CF_LINK, links,
	    sizeof(links) - 1, cli_reply, k), 0);
	assert_true(run_until(loop, &k->replies, 0));
	assert_int_equal(k->last.code, 201);
	assert_string_equal(k->last.location, "rd/x1");
	assert_int_equal(s->posts, 1);
	assert_string_equal(s->query,
	    "ep=urn:dev:warden:T1&lt=60&lwm2m=1.1&b=U");

	/* A read the server sends over the same session. */
	srv_get(s, "3", "0", "0", false);
	assert_true(run_until(loop, &s->answers, 0));
	assert_int_equal(s->last_code, COAP_RESPONSE_CODE(205));
	assert_string_equal(s->last_payload, "warden");
	assert_int_equal(k->last_msg.method, LWM2M_GET);
	assert_int_equal(k->last_msg.path.len, 3);
	assert_false(k->last_msg.observed);

	/* Observe: anchored, so libcoap keeps the observation. */
	assert_int_equal(lwm2m_coap_notify(k->c, &p), 0);
	assert_int_equal(lwm2m_coap_anchor(k->c, &p), 0);
	assert_true(lwm2m_coap_anchored(k->c, &p));
	srv_get(s, "3", "0", "0", true);
	assert_true(run_until(loop, &s->answers, 1));
	assert_true(s->has_observe);
	assert_int_equal(s->notifications, 1);
	assert_true(k->last_msg.observed);
	assert_int_equal(k->last_msg.observe, 0);
	snprintf(k->value, sizeof(k->value), "changed");
	assert_int_equal(lwm2m_coap_notify(k->c, &p), 1);
	assert_true(run_until(loop, &s->answers, 2));
	assert_int_equal(s->notifications, 2);
	assert_int_equal(s->last_type, COAP_MESSAGE_NON);
	assert_string_equal(s->last_payload, "changed");
	block_write(loop, s, k);

	/* A non-confirmable request is answered like any other. */
	assert_int_equal(lwm2m_coap_request_non(k->c, LWM2M_POST, "rd", NULL,
	    LWM2M_CF_NONE, NULL, 0, cli_reply, k), 0);
	assert_true(run_until(loop, &k->replies, 1));
	assert_int_equal(k->last.code, 201);
}

static void
nosec_round_trip(void **state)
{
	uv_loop_t loop;
	struct srv s;
	struct cli k;
	struct lwm2m_coap_params p;
	char uri[64];

	(void)state;
	uv_loop_init(&loop);
	srv_start(&s, &loop, SRV_NOSEC, NULL);
	memset(&k, 0, sizeof(k));
	memset(&p, 0, sizeof(p));
	snprintf(uri, sizeof(uri), "coap://127.0.0.1:%u", s.port);
	p.uri = uri;
	p.allow_nosec = true;
	p.mode = LWM2M_SEC_NOSEC;
	cli_open(&k, &loop, &p);
	exchange(&loop, &s, &k);
	lwm2m_coap_free(k.c);
	srv_stop(&s);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

static void
psk_round_trip(void **state)
{
	uv_loop_t loop;
	struct srv s;
	struct cli k;
	struct lwm2m_coap_params p;
	char uri[64];

	(void)state;
	uv_loop_init(&loop);
	srv_start(&s, &loop, SRV_PSK, NULL);
	memset(&k, 0, sizeof(k));
	memset(&p, 0, sizeof(p));
	snprintf(uri, sizeof(uri), "coaps://127.0.0.1:%u", s.port);
	p.uri = uri;
	p.mode = LWM2M_SEC_PSK;
	p.psk_identity = "urn:dev:warden:T1";
	p.psk_key = (const uint8_t *)"secret-key-16byt";
	p.psk_key_len = 16;
	cli_open(&k, &loop, &p);
	exchange(&loop, &s, &k);
	assert_int_equal(k.connected, 1);
	assert_int_equal(k.failures, 0);
	lwm2m_coap_free(k.c);
	srv_stop(&s);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

static void
psk_wrong_key(void **state)
{
	uv_loop_t loop;
	struct srv s;
	struct cli k;
	struct lwm2m_coap_params p;
	char uri[64];

	(void)state;
	uv_loop_init(&loop);
	srv_start(&s, &loop, SRV_PSK, NULL);
	memset(&k, 0, sizeof(k));
	memset(&p, 0, sizeof(p));
	snprintf(uri, sizeof(uri), "coaps://127.0.0.1:%u", s.port);
	p.uri = uri;
	p.mode = LWM2M_SEC_PSK;
	p.psk_identity = "urn:dev:warden:T1";
	p.psk_key = (const uint8_t *)"not-the-right-key";
	p.psk_key_len = 17;
	p.connect_ms = 2000;
	cli_open(&k, &loop, &p);
	assert_true(run_until(&loop, &k.failures, 0));
	assert_int_equal(k.connected, 0);
	assert_false(lwm2m_coap_ready(k.c));
	assert_int_equal(s.posts, 0);
	lwm2m_coap_free(k.c);
	srv_stop(&s);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

/* PEM of a private key (the test's own, written with mbedTLS). */
static char *
key_pem(struct crypto_eckey *key)
{
	unsigned char buf[1024];

	assert_int_equal(mbedtls_pk_write_key_pem(crypto_eckey_pk(key), buf,
	    sizeof(buf)), 0);
	return strdup((char *)buf);
}

static char *
cert_pem(const struct pki_ent *e)
{
	char *pem;

	assert_int_equal(crypto_pem_encode("CERTIFICATE", e->der, e->len,
	    &pem), 0);
	return pem;
}

/* Certificates: CA, server and client leaves; with the right pin the
 * exchange works, with a wrong pin nothing reaches the server. */
static void
cert_mode(void **state)
{
	static const char *const san[] = { "IP:127.0.0.1", NULL };
	struct crypto_rng *rng;
	struct pki_ent ca, server, client;
	struct pki_pem spem;
	char *client_cert, *client_key, *ca_pem, uri[64];
	uv_loop_t loop;
	struct srv s;
	struct cli k;
	struct lwm2m_coap_params p;
	time_t now = time(NULL);
	int round;

	(void)state;
	assert_int_equal(crypto_rng_new("test-lwm2m-coap", &rng, NULL, 0), 0);
	pki_root(rng, &ca, "CN=Test LwM2M CA", now - DAY, now + DAY);
	pki_issue(rng, &ca, &server, CRYPTO_CERT_SERVER, "127.0.0.1", san, 2,
	    now - DAY, now + DAY);
	pki_issue(rng, &ca, &client, CRYPTO_CERT_CLIENT, "urn:dev:warden:T1",
	    NULL, 3, now - DAY, now + DAY);
	spem.ca = ca_pem = cert_pem(&ca);
	spem.cert = cert_pem(&server);
	spem.key = key_pem(server.key);
	client_cert = cert_pem(&client);
	client_key = key_pem(client.key);

	for (round = 0; round < 2; round++) {
		uv_loop_init(&loop);
		srv_start(&s, &loop, SRV_PKI, &spem);
		memset(&k, 0, sizeof(k));
		memset(&p, 0, sizeof(p));
		snprintf(uri, sizeof(uri), "coaps://127.0.0.1:%u", s.port);
		p.uri = uri;
		p.mode = LWM2M_SEC_CERT;
		/* DER for the client's certificate, PEM for the rest. */
		p.cert = client.der;
		p.cert_len = client.len;
		p.key = (const uint8_t *)client_key;
		p.key_len = strlen(client_key);
		p.ca = (const uint8_t *)ca_pem;
		p.ca_len = strlen(ca_pem);
		p.has_pin = true;
		p.connect_ms = 2000;
		crypto_sha256(round == 0 ? server.der : client.der,
		    round == 0 ? server.len : client.len, p.pin);
		cli_open(&k, &loop, &p);
		if (round == 0) {
			exchange(&loop, &s, &k);
			assert_int_equal(k.connected, 1);
		} else {
			assert_true(run_until(&loop, &k.failures, 0));
			assert_int_equal(s.posts, 0);
			assert_int_equal(k.connected, 0);
		}
		lwm2m_coap_free(k.c);
		srv_stop(&s);
		uv_run(&loop, UV_RUN_DEFAULT);
		assert_int_equal(uv_loop_close(&loop), 0);
	}
	free(spem.ca);
	free(spem.cert);
	free(spem.key);
	free(client_cert);
	free(client_key);
	pki_free(&ca);
	pki_free(&server);
	pki_free(&client);
	crypto_rng_free(rng);
}

static void
nosec_needs_permission(void **state)
{
	struct lwm2m_coap_params p;
	struct lwm2m_coap *c = NULL;
	struct lwm2m_coap_events ev = cli_events;
	uv_loop_t loop;
	char err[256];

	(void)state;
	uv_loop_init(&loop);
	memset(&p, 0, sizeof(p));
	p.loop = &loop;
	p.uri = "coap://127.0.0.1:5683";
	p.mode = LWM2M_SEC_NOSEC;
	assert_int_equal(lwm2m_coap_new(&p, &ev, &c, err, sizeof(err)), -1);
	assert_null(c);
	assert_non_null(strstr(err, "not allowed"));
	/* coaps:// without credentials */
	p.uri = "coaps://127.0.0.1";
	p.mode = LWM2M_SEC_PSK;
	assert_int_equal(lwm2m_coap_new(&p, &ev, &c, err, sizeof(err)), -1);
	p.mode = LWM2M_SEC_CERT;
	assert_int_equal(lwm2m_coap_new(&p, &ev, &c, err, sizeof(err)), -1);
	p.uri = "http://127.0.0.1";
	assert_int_equal(lwm2m_coap_new(&p, &ev, &c, err, sizeof(err)), -1);
	assert_int_equal(uv_loop_close(&loop), 0);
}

/* Freeing the session from a reply callback (inside libcoap's dispatch)
 * is deferred until libcoap has returned. */
static void
free_in_callback(void **state)
{
	uv_loop_t loop;
	struct srv s;
	struct cli k;
	struct lwm2m_coap_params p;
	char uri[64];

	(void)state;
	uv_loop_init(&loop);
	srv_start(&s, &loop, SRV_NOSEC, NULL);
	memset(&k, 0, sizeof(k));
	memset(&p, 0, sizeof(p));
	snprintf(uri, sizeof(uri), "coap://127.0.0.1:%u", s.port);
	p.uri = uri;
	p.allow_nosec = true;
	p.mode = LWM2M_SEC_NOSEC;
	cli_open(&k, &loop, &p);
	assert_true(run_until(&loop, &k.connected, 0));
	k.free_in_callback = true;
	assert_int_equal(lwm2m_coap_request(k.c, LWM2M_POST, "rd", NULL,
	    LWM2M_CF_NONE, NULL, 0, cli_reply, &k), 0);
	assert_true(run_until(&loop, &k.replies, 0));
	assert_null(k.c);
	srv_stop(&s);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

/* A name that does not resolve fails through the callback, not at
 * once (resolution does not block the loop). */
static void
unresolvable_host(void **state)
{
	uv_loop_t loop;
	struct cli k;
	struct lwm2m_coap_params p;

	(void)state;
	uv_loop_init(&loop);
	memset(&k, 0, sizeof(k));
	memset(&p, 0, sizeof(p));
	p.uri = "coap://no-such-host.invalid:5683";
	p.allow_nosec = true;
	p.mode = LWM2M_SEC_NOSEC;
	cli_open(&k, &loop, &p);
	assert_true(run_until(&loop, &k.failures, 0));
	lwm2m_coap_free(k.c);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nosec_round_trip),
		cmocka_unit_test(psk_round_trip),
		cmocka_unit_test(psk_wrong_key),
		cmocka_unit_test(cert_mode),
		cmocka_unit_test(nosec_needs_permission),
		cmocka_unit_test(free_in_callback),
		cmocka_unit_test(unresolvable_host),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
