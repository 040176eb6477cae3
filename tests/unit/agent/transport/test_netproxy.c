/*
 * Tests agent/transport/netproxy.c, the parent's side of privilege
 * separation, against a hostile network process: this test binary,
 * started by netproc_start() as the network process (it recognises the
 * hidden -N), answers each FETCH_POLICY as its etag asks: a good reply,
 * a malformed one, one of the wrong type, one for no request, a
 * signature request for a transport without a key, or a broken stream.
 * The parent must hand on only the good reply, fail the others' calls,
 * never sign, and restart a process that broke the stream. For the
 * LwM2M binding it must hand the session only well-formed LwM2M
 * messages, resolve only the names the session allows, and wait at stop
 * for the client's de-registration (LWM2M_STOPPED).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <mbedtls/ecp.h>
#include <mbedtls/md.h>
#include <mbedtls/x509_crt.h>

#include "agent/transport/netproc.h"
#include "agent/transport/netmsg.h"

/* ------------------------------------------------------------------ */
/* The hostile network process                                         */
/* ------------------------------------------------------------------ */

static void
fake_write(struct netmsg_buf *b)
{
	size_t off = 0;
	ssize_t n;

	while (off < b->len) {
		n = write(NETPROC_FD, b->data + off, b->len - off);
		if (n <= 0)
			_exit(3);
		off += (size_t)n;
	}
	netmsg_buf_free(b);
}

/* Reads one whole message into m; exits at EOF. */
static void
fake_read(uint8_t *buf, struct netmsg *m)
{
	size_t have = 0, total = NETMSG_HDR_LEN;
	char why[256];
	ssize_t n;

	while (have < total) {
		n = read(NETPROC_FD, buf + have, total - have);
		if (n <= 0)
			_exit(0);
		have += (size_t)n;
		if (have == NETMSG_HDR_LEN && netmsg_frame(buf, have, &total,
		    why, sizeof(why)) != 0)
			_exit(4);
	}
	if (netmsg_parse(buf, total, m, why, sizeof(why)) != 0)
		_exit(5);
}

static void
policy_reply(uint32_t conn, uint32_t id, const char *policy,
    const char *etag)
{
	struct netmsg_buf b = { 0 };

	netmsg_begin(&b, NETMSG_R_POLICY, conn, id);
	netmsg_put_int(&b, 200);
	netmsg_put_str(&b, policy);
	netmsg_put_str(&b, etag);
	netmsg_end(&b);
	fake_write(&b);
}

/* Whether the 32 bytes of the private scalar, which the test passes
 * in the environment in hex, are anywhere in len bytes at p. */
static bool
holds_secret(const uint8_t *p, size_t len)
{
	const char *hex = getenv("NETPROXY_TEST_SECRET");
	uint8_t d[32];
	unsigned v;
	size_t i;

	if (hex == NULL || strlen(hex) != 64)
		return false;
	for (i = 0; i < 32; i++) {
		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return false;
		d[i] = (uint8_t)v;
	}
	for (i = 0; i + sizeof(d) <= len; i++)
		if (memcmp(p + i, d, sizeof(d)) == 0)
			return true;
	return false;
}

/* Asks the parent to sign, checks the signature with the public key of
 * the certificate the CONNECT carried: "verified", "refused", "bad". */
static const char *
ask_signature(uint8_t *buf, const struct netmsg *m, const char *cert)
{
	struct netmsg_buf b = { 0 };
	struct netmsg s;
	mbedtls_x509_crt crt;
	uint8_t hash[32];
	const char *res;

	memset(hash, 1, sizeof(hash));
	netmsg_begin(&b, NETMSG_SIGN, m->conn, 77);
	netmsg_put_int(&b, MBEDTLS_MD_SHA256);
	netmsg_put_bytes(&b, hash, sizeof(hash));
	netmsg_end(&b);
	fake_write(&b);
	fake_read(buf, &s);
	if (s.type != NETMSG_SIGNATURE || s.id != 77)
		res = "\"bad\"";
	else if (s.sign_status != 0)
		res = s.sig_len == 0 ? "\"refused\"" : "\"bad\"";
	else {
		mbedtls_x509_crt_init(&crt);
		res = cert != NULL && mbedtls_x509_crt_parse(&crt,
		    (const unsigned char *)cert, strlen(cert) + 1) == 0 &&
		    mbedtls_pk_verify(&crt.pk, MBEDTLS_MD_SHA256, hash,
		    sizeof(hash), s.sig, s.sig_len) == 0 ? "\"verified\"" :
		    "\"bad\"";
		mbedtls_x509_crt_free(&crt);
	}
	netmsg_clear(&s);
	return res;
}

/* Asks for FLOOD signatures at once: how many were given, as an etag. */
#define FLOOD 40
static const char *
flood(uint8_t *buf, const struct netmsg *m)
{
	static char etag[16];
	struct netmsg_buf b = { 0 };
	struct netmsg s;
	uint8_t hash[32];
	int i, given = 0;

	memset(hash, 2, sizeof(hash));
	for (i = 0; i < FLOOD; i++) {
		netmsg_begin(&b, NETMSG_SIGN, m->conn, 1000 + (uint32_t)i);
		netmsg_put_int(&b, MBEDTLS_MD_SHA256);
		netmsg_put_bytes(&b, hash, sizeof(hash));
		netmsg_end(&b);
	}
	fake_write(&b);
	for (i = 0; i < FLOOD; i++) {
		fake_read(buf, &s);
		if (s.type == NETMSG_SIGNATURE && s.sign_status == 0)
			given++;
		netmsg_clear(&s);
	}
	snprintf(etag, sizeof(etag), "\"%d\"", given);
	return etag;
}

/* The LwM2M client's side of the hostile process, run at LWM2M_START:
 * malformed LwM2M messages, a name the parent may not resolve and one
 * it may, a policy write; what it saw goes back in LWM2M_STATUS. */
static void
lw_send_status(const char *why)
{
	struct netmsg_buf b = { 0 };

	netmsg_begin(&b, NETMSG_LWM2M_STATUS, 0, 0);
	netmsg_put_str(&b, why);
	netmsg_put_int(&b, 1);
	netmsg_put_str(&b, "rd/1");
	netmsg_put_int(&b, 2);
	netmsg_end(&b);
	fake_write(&b);
}

static int
lw_resolve(uint8_t *buf, const char *host, uint32_t id)
{
	struct netmsg_buf b = { 0 };
	struct netmsg r;
	int status;

	netmsg_begin(&b, NETMSG_RESOLVE, 0, id);
	netmsg_put_str(&b, host);
	netmsg_put_int(&b, 5684);
	netmsg_end(&b);
	fake_write(&b);
	fake_read(buf, &r);
	status = r.type == NETMSG_RESOLVED && r.id == id ? r.resolve_status :
	    -99;
	netmsg_clear(&r);
	return status;
}

static void
fake_lwm2m(uint8_t *buf)
{
	struct netmsg_buf b = { 0 };
	struct netmsg a;
	char why[160];
	int refused, resolved;

	/* not JSON; an object where an array must be */
	netmsg_begin(&b, NETMSG_LWM2M_APPLY_POLICY, 0, 4);
	netmsg_put_str(&b, "{\"cameraDisabled\":");
	netmsg_end(&b);
	netmsg_begin(&b, NETMSG_LWM2M_SAVE, 0, 5);
	netmsg_put_str(&b, "{}");
	netmsg_put_str(&b, "[]");
	netmsg_end(&b);
	/* a request type only the parent sends */
	netmsg_begin(&b, NETMSG_LWM2M_STOP, 0, 0);
	netmsg_end(&b);
	fake_write(&b);
	refused = lw_resolve(buf, "elsewhere.invalid", 8);
	resolved = lw_resolve(buf, "localhost", 9);
	netmsg_begin(&b, NETMSG_LWM2M_APPLY_POLICY, 0, 6);
	netmsg_put_str(&b, "{\"cameraDisabled\":true}");
	netmsg_end(&b);
	fake_write(&b);
	fake_read(buf, &a);
	if (a.type == NETMSG_FETCH_POLICY) {
		/* no answer to the policy write came first */
		policy_reply(a.conn, a.id, "{}", "\"no-applied\"");
		netmsg_clear(&a);
		return;
	}
	snprintf(why, sizeof(why), "resolve %d %d applied %s %d %s", refused,
	    resolved, netmsg_type_name(a.type), a.id, a.lw_why != NULL ?
	    a.lw_why : "-");
	netmsg_clear(&a);
	lw_send_status(why);
}

static void __attribute__((noreturn))
fake_network_process(void)
{
	static uint8_t buf[NETMSG_HDR_LEN + NETMSG_PAYLOAD_MAX];
	struct netmsg_buf b = { 0 };
	struct netmsg m;
	char *cert = NULL;
	bool leaked = false;
	const char *e;

	for (;;) {
		fake_read(buf, &m);
		leaked = leaked || holds_secret(m.payload, m.payload_len);
		if (m.type == NETMSG_CONNECT) {
			free(cert);
			cert = m.cert_pem != NULL ? strdup(m.cert_pem) : NULL;
		}
		if (m.type == NETMSG_LWM2M_START)
			fake_lwm2m(buf);
		if (m.type == NETMSG_LWM2M_STOP) {
			usleep(300000);		/* de-registering */
			netmsg_begin(&b, NETMSG_LWM2M_STOPPED, 0, 0);
			netmsg_end(&b);
			fake_write(&b);
		}
		if (m.type != NETMSG_FETCH_POLICY) {
			netmsg_clear(&m);
			continue;
		}
		e = m.etag != NULL ? m.etag : "";
		if (strcmp(e, "ok") == 0) {
			policy_reply(m.conn, m.id, "{\"version\":1}", "\"1\"");
		} else if (strcmp(e, "bad") == 0) {
			policy_reply(m.conn, m.id, "{not json", "\"1\"");
		} else if (strcmp(e, "wrongtype") == 0) {
			netmsg_begin(&b, NETMSG_R_CERTIFICATE, m.conn, m.id);
			netmsg_put_int(&b, 200);
			netmsg_put_str(&b, "-----BEGIN CERTIFICATE-----\n");
			netmsg_end(&b);
			fake_write(&b);
		} else if (strcmp(e, "otherconn") == 0) {
			policy_reply(m.conn + 100, m.id, "{}", "");
		} else if (strcmp(e, "unknownid") == 0) {
			policy_reply(m.conn, m.id + 1000, "{}", "");
			policy_reply(m.conn, m.id, "{\"version\":2}", "\"2\"");
		} else if (strcmp(e, "sign") == 0) {
			policy_reply(m.conn, m.id, "{}", ask_signature(buf, &m,
			    cert));
		} else if (strcmp(e, "flood") == 0) {
			policy_reply(m.conn, m.id, "{}", flood(buf, &m));
		} else if (strcmp(e, "secret") == 0) {
			policy_reply(m.conn, m.id, "{}", leaked ?
			    "\"leaked\"" : "\"clean\"");
		} else if (strcmp(e, "break") == 0) {
			memset(buf, 0xff, NETMSG_HDR_LEN);
			(void)!write(NETPROC_FD, buf, NETMSG_HDR_LEN);
			sleep(5);	/* the parent kills it */
		}
		netmsg_clear(&m);
	}
}

/* ------------------------------------------------------------------ */
/* The parent                                                          */
/* ------------------------------------------------------------------ */

struct res {
	bool done;
	enum transport_status status;
	char why[TRANSPORT_WHY_MAX];
	char etag[64];
};

struct fx {
	uv_loop_t loop;
	struct netproc *np;
	const struct transport_ops *ops;
	struct transport *t;
	struct crypto_rng *rng;
	struct crypto_eckey *key;	/* the device key (keyed setup) */
	char *cert;
};

static void
on_reply(void *arg, const struct transport_reply *r)
{
	struct res *res = arg;

	res->done = true;
	res->status = r->status;
	snprintf(res->why, sizeof(res->why), "%s", r->why);
	snprintf(res->etag, sizeof(res->etag), "%s", r->status ==
	    TRANSPORT_OK && r->etag != NULL ? r->etag : "");
}

static void
on_timeout(uv_timer_t *t)
{
	(void)t;
}

static void
run_until(struct fx *f, const bool *flag)
{
	uv_timer_t tm;
	uint64_t t0 = uv_now(&f->loop);

	uv_timer_init(&f->loop, &tm);
	uv_timer_start(&tm, on_timeout, 100, 100);
	while (!*flag && uv_now(&f->loop) - t0 < 10000)
		uv_run(&f->loop, UV_RUN_ONCE);
	uv_close((uv_handle_t *)&tm, NULL);
	uv_run(&f->loop, UV_RUN_NOWAIT);
	assert_true(*flag);
}

static void
fetch(struct fx *f, const char *etag, struct res *res)
{
	memset(res, 0, sizeof(*res));
	assert_int_equal(f->ops->fetch_policy(f->t, etag, on_reply, res), 0);
	run_until(f, &res->done);
}

/* A device key and a certificate for it; the private scalar in hex in
 * the environment, for the fake network process to look for. */
static void
make_device(struct fx *f)
{
	struct crypto_cert_spec spec = {
		.kind = CRYPTO_CERT_CA, .serial = 1, .not_before = 0,
		.not_after = 4102444800, .subject = "CN=device-1",
		.max_pathlen = -1,
	};
	mbedtls_x509_crt crt;
	uint8_t *der, d[32];
	size_t len, i;
	char hex[65];

	assert_int_equal(crypto_eckey_generate(f->rng, &f->key, NULL, 0), 0);
	assert_int_equal(crypto_issue_self_signed(f->rng, f->key, &spec, &der,
	    &len, NULL, 0), 0);
	mbedtls_x509_crt_init(&crt);
	assert_int_equal(crypto_cert_parse(&crt, der, len, NULL, 0), 0);
	assert_int_equal(crypto_cert_pem(&crt, &f->cert), 0);
	mbedtls_x509_crt_free(&crt);
	free(der);
	assert_int_equal(mbedtls_mpi_write_binary(&mbedtls_pk_ec(
	    *crypto_eckey_pk(f->key))->d, d, sizeof(d)), 0);
	for (i = 0; i < sizeof(d); i++)
		snprintf(hex + 2 * i, 3, "%02x", d[i]);
	setenv("NETPROXY_TEST_SECRET", hex, 1);
}

static int
setup_common(void **state, bool keyed)
{
	struct netproc_conf c = { "nobody", "/nonexistent", true,
		LOG_LVL_WARN };
	struct transport_params p;
	struct fx *f = calloc(1, sizeof(*f));
	char err[256];

	assert_non_null(f);
	assert_int_equal(uv_loop_init(&f->loop), 0);
	assert_int_equal(crypto_rng_new("test", &f->rng, NULL, 0), 0);
	if (keyed)
		make_device(f);
	if (netproc_start(&f->loop, &c, &f->np, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_true(netproc_pid(f->np) > 0);
	f->ops = netproc_binding(f->np, "rest");
	assert_ptr_not_equal(f->ops, transport_find("rest"));
	memset(&p, 0, sizeof(p));
	p.loop = &f->loop;
	p.rng = f->rng;
	p.server_url = "https://127.0.0.1:1";
	p.net = f->np;
	p.cert_pem = f->cert;
	p.key = f->key;
	if (f->ops->connect(&p, &f->t, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	*state = f;
	return 0;
}

static int
setup(void **state)
{
	return setup_common(state, false);
}

static int
setup_keyed(void **state)
{
	return setup_common(state, true);
}

static int
teardown(void **state)
{
	struct fx *f = *state;

	if (f->t != NULL)
		f->ops->close(f->t);
	netproc_stop(f->np);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&f->loop), 0);
	netproc_free(f->np);
	crypto_eckey_free(f->key);
	free(f->cert);
	unsetenv("NETPROXY_TEST_SECRET");
	crypto_rng_free(f->rng);
	free(f);
	return 0;
}

static void
test_good_reply(void **state)
{
	struct fx *f = *state;
	struct res r;

	fetch(f, "ok", &r);
	assert_int_equal(r.status, TRANSPORT_OK);
	assert_string_equal(r.etag, "\"1\"");
}

/* A malformed reply is dropped: its call fails, the session goes on. */
static void
test_malformed_reply(void **state)
{
	struct fx *f = *state;
	pid_t pid = netproc_pid(f->np);
	struct res r;

	fetch(f, "bad", &r);
	assert_int_equal(r.status, TRANSPORT_BAD_REPLY);
	assert_non_null(strstr(r.why, "malformed"));
	fetch(f, "ok", &r);
	assert_int_equal(r.status, TRANSPORT_OK);
	assert_int_equal(netproc_pid(f->np), pid);
}

/* Well-formed, but not an answer to that request. */
static void
test_wrong_answers(void **state)
{
	struct fx *f = *state;
	struct res r;

	fetch(f, "wrongtype", &r);
	assert_int_equal(r.status, TRANSPORT_BAD_REPLY);
	assert_non_null(strstr(r.why, "wrong type"));
	fetch(f, "otherconn", &r);
	assert_int_equal(r.status, TRANSPORT_BAD_REPLY);
	fetch(f, "unknownid", &r);
	assert_int_equal(r.status, TRANSPORT_OK);
	assert_string_equal(r.etag, "\"2\"");
}

/* A transport without a device key gets no signature. */
static void
test_sign_refused(void **state)
{
	struct fx *f = *state;
	struct res r;

	fetch(f, "sign", &r);
	assert_int_equal(r.status, TRANSPORT_OK);
	assert_string_equal(r.etag, "\"refused\"");
}

/* With the device key: the parent signs for the transport that has it,
 * with that key, and no message ever carries the private key. */
static void
test_keyed_transport(void **state)
{
	struct fx *f = *state;
	uint8_t probe[64];
	struct res r;

	/* The probe can see the key where it is. */
	memset(probe, 0, sizeof(probe));
	assert_int_equal(mbedtls_mpi_write_binary(&mbedtls_pk_ec(
	    *crypto_eckey_pk(f->key))->d, probe + 16, 32), 0);
	assert_true(holds_secret(probe, sizeof(probe)));
	assert_false(holds_secret(probe, 40));
	fetch(f, "sign", &r);
	assert_int_equal(r.status, TRANSPORT_OK);
	assert_string_equal(r.etag, "\"verified\"");
	fetch(f, "secret", &r);
	assert_int_equal(r.status, TRANSPORT_OK);
	assert_string_equal(r.etag, "\"clean\"");
}

/* A flood of signature requests gets a burst of signatures, then
 * refusals. */
static void
test_sign_flood(void **state)
{
	struct fx *f = *state;
	struct res r;
	int given;

	fetch(f, "flood", &r);
	assert_int_equal(r.status, TRANSPORT_OK);
	given = atoi(r.etag + 1);
	if (given < 32 || given > 35)
		fail_msg("%d of %d signatures given", given, FLOOD);
}

/* A broken stream: the process is killed, the call fails UNREACHABLE,
 * a new process is started and the transport set up in it again. */
static void
test_broken_stream_restarts(void **state)
{
	struct fx *f = *state;
	pid_t pid = netproc_pid(f->np);
	bool up = false;
	struct res r;
	int i;

	fetch(f, "break", &r);
	assert_int_equal(r.status, TRANSPORT_UNREACHABLE);
	for (i = 0; i < 100 && !up; i++) {
		uv_run(&f->loop, UV_RUN_NOWAIT);
		usleep(20000);
		up = netproc_pid(f->np) != 0 && netproc_pid(f->np) != pid;
	}
	assert_true(up);
	fetch(f, "ok", &r);
	assert_int_equal(r.status, TRANSPORT_OK);
}

/* ------------------------------------------------------------------ */
/* The LwM2M channel                                                    */
/* ------------------------------------------------------------------ */

struct lw {
	struct fx *f;
	int n, stopped;
	char types[256];
	char status[160];
	bool got_status;
};

static void
lw_message(void *arg, const struct netmsg *m)
{
	struct lw *l = arg;
	struct netmsg_buf b = { 0 };
	size_t len = strlen(l->types);

	l->n++;
	snprintf(l->types + len, sizeof(l->types) - len, "%s ",
	    netmsg_type_name(m->type));
	if (m->type == NETMSG_LWM2M_APPLY_POLICY) {
		netmsg_begin(&b, NETMSG_LWM2M_APPLIED, 0, m->id);
		netmsg_put_int(&b, -1);
		netmsg_put_str(&b, "cameraDisabled: refused here");
		netmsg_end(&b);
		assert_int_equal(netproc_lwm2m_send(l->f->np, &b), 0);
	} else if (m->type == NETMSG_LWM2M_STATUS) {
		snprintf(l->status, sizeof(l->status), "%s", m->lw_why);
		l->got_status = true;
	} else if (m->type == NETMSG_LWM2M_STOPPED) {
		l->stopped++;
	}
}

static void
lw_restarted(void *arg)
{
	(void)arg;
}

static bool
lw_may_resolve(void *arg, const char *host, int port)
{
	(void)arg;
	return strcmp(host, "localhost") == 0 && port == 5684;
}

static void
lw_start(struct fx *f)
{
	struct netmsg_buf b = { 0 };

	netmsg_begin(&b, NETMSG_LWM2M_START, 0, 0);
	netmsg_put_str(&b, "urn:dev:warden:test");
	netmsg_put_int(&b, 0);
	netmsg_put_str(&b, "[]");
	netmsg_put_str(&b, "[]");
	netmsg_put_str(&b, NULL);
	netmsg_end(&b);
	assert_int_equal(netproc_lwm2m_send(f->np, &b), 0);
}

/* Only well-formed messages of the types the network process may send
 * reach the session; names are resolved only as the session allows. */
static void
test_lwm2m_messages(void **state)
{
	struct fx *f = *state;
	struct lw l = { .f = f };
	struct netproc_lwm2m_ops ops = { lw_message, lw_restarted,
	    lw_may_resolve, &l };

	netproc_lwm2m_attach(f->np, &ops);
	lw_start(f);
	run_until(f, &l.got_status);
	assert_string_equal(l.types, "LWM2M_APPLY_POLICY LWM2M_STATUS ");
	assert_string_equal(l.status, "resolve -1 0 applied LWM2M_APPLIED 6 "
	    "cameraDisabled: refused here");
	netproc_lwm2m_attach(f->np, NULL);
}

/* Without a session, LwM2M messages go nowhere and nothing answers
 * them: the fake's wait for LWM2M_APPLIED sees the next request. */
static void
test_lwm2m_no_session(void **state)
{
	struct fx *f = *state;
	struct res r;
	int i;

	lw_start(f);
	/* the fake's name requests are answered (refused) first */
	for (i = 0; i < 25; i++) {
		uv_run(&f->loop, UV_RUN_NOWAIT);
		usleep(20000);
	}
	fetch(f, "ok", &r);
	assert_int_equal(r.status, TRANSPORT_OK);
	assert_string_equal(r.etag, "\"no-applied\"");
	fetch(f, "ok", &r);
	assert_string_equal(r.etag, "\"1\"");
}

/* At stop the channel stays open until the client has de-registered. */
static void
test_lwm2m_stop_waits(void **state)
{
	struct fx *f = *state;
	struct lw l = { .f = f };
	struct netproc_lwm2m_ops ops = { lw_message, lw_restarted,
	    lw_may_resolve, &l };

	netproc_lwm2m_attach(f->np, &ops);
	netproc_lwm2m_stop(f->np, 3000);
	f->ops->close(f->t);
	f->t = NULL;
	netproc_stop(f->np);
	uv_run(&f->loop, UV_RUN_DEFAULT);
	assert_int_equal(l.stopped, 1);
	assert_int_equal(l.n, 1);
	netproc_lwm2m_attach(f->np, NULL);
}

int
main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_good_reply, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_malformed_reply, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_wrong_answers, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_sign_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_keyed_transport,
		    setup_keyed, teardown),
		cmocka_unit_test_setup_teardown(test_sign_flood, setup_keyed,
		    teardown),
		cmocka_unit_test_setup_teardown(test_broken_stream_restarts,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_lwm2m_messages, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lwm2m_no_session, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_lwm2m_stop_waits, setup,
		    teardown),
	};

	if (argc > 1 && strcmp(argv[1], "-N") == 0)
		fake_network_process();
	log_init(true, LOG_LVL_WARN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
