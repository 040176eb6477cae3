/* Tests tools/fleet/fleet_tls.c: the simulator's OpenSSL side against
 * warden's own crypto/ (mbedTLS): its CSRs pass the server's check, the
 * certificate issued for one is taken only with its own key, and the
 * client contexts hold the protocol floor and the group order of
 * crypto_tls_groups(). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/err.h>
#include <openssl/tls1.h>

#include "crypto/crypto.h"
#include "tests/unit/support.h"
#include "tools/fleet/fleet.h"
#include "tests/unit/crypto/pki.h"

/* Not called here: no handshake runs. */
static int
no_session(SSL *ssl, SSL_SESSION *sess)
{
	(void)ssl;
	(void)sess;
	return 0;
}

struct fixture {
	struct crypto_rng *rng;
	struct pki_ent ca;
	char dir[512];
	char ca_path[600];
};

static int
setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));
	time_t now = time(NULL);
	char *pem;

	assert_non_null(fx);
	assert_int_equal(crypto_rng_new("test_fleet_tls", &fx->rng, NULL, 0),
	    0);
	pki_root(fx->rng, &fx->ca, "CN=fleet test CA", now - DAY, now + DAY);
	assert_int_equal(crypto_pem_encode("CERTIFICATE", fx->ca.der,
	    fx->ca.len, &pem), 0);
	snprintf(fx->dir, sizeof(fx->dir), "%s", test_tmpdir());
	snprintf(fx->ca_path, sizeof(fx->ca_path), "%s/ca.pem", fx->dir);
	assert_int_equal(test_write_file(fx->ca_path, pem), 0);
	free(pem);
	*state = fx;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *fx = *state;

	test_rmtree(fx->dir);
	pki_free(&fx->ca);
	crypto_rng_free(fx->rng);
	free(fx);
	return 0;
}

/* The certificate the reference server would issue for csr, in PEM. */
static char *
issue(struct fixture *fx, const char *csr)
{
	struct crypto_cert_spec spec = {
		.kind = CRYPTO_CERT_CLIENT, .serial = 7,
		.not_before = time(NULL) - 60, .not_after = time(NULL) + DAY,
		.max_pathlen = -1,
	};
	char err[CRYPTO_ERR_MAX], *pem;
	uint8_t *der;
	size_t len;

	if (crypto_issue_from_csr(fx->rng, fx->ca.key, &fx->ca.crt, csr,
	    strlen(csr), &spec, &der, &len, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_int_equal(crypto_pem_encode("CERTIFICATE", der, len, &pem), 0);
	free(der);
	return pem;
}

static void
csr_passes_the_servers_check(void **state)
{
	char cn[CRYPTO_CN_MAX + 1], err[256], *csr, *csr2;
	struct crypto_eckey *pub, *pub2;
	EVP_PKEY *key, *key2;

	(void)state;
	assert_int_equal(fleet_tls_identity("fleet-42", &key, &csr, err,
	    sizeof(err)), 0);
	assert_non_null(strstr(csr, "-----BEGIN CERTIFICATE REQUEST-----"));
	if (crypto_csr_check(csr, strlen(csr), cn, &pub, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	assert_string_equal(cn, "fleet-42");
	/* Each identity is a key of its own. */
	assert_int_equal(fleet_tls_identity("fleet-43", &key2, &csr2, err,
	    sizeof(err)), 0);
	assert_int_equal(crypto_csr_check(csr2, strlen(csr2), cn, &pub2, err,
	    sizeof(err)), 0);
	assert_string_equal(cn, "fleet-43");
	assert_false(crypto_eckey_public_equal(pub, pub2));
	/* A request altered after signing is refused by the server. */
	csr[64] = csr[64] == 'A' ? 'B' : 'A';
	assert_int_equal(crypto_csr_check(csr, strlen(csr), cn, NULL, err,
	    sizeof(err)), -1);
	crypto_eckey_free(pub);
	crypto_eckey_free(pub2);
	EVP_PKEY_free(key);
	EVP_PKEY_free(key2);
	free(csr);
	free(csr2);
}

static void
cert_only_with_its_key(void **state)
{
	struct fixture *fx = *state;
	char err[256], *csr, *csr2, *pem;
	EVP_PKEY *key, *key2;
	X509 *crt;

	assert_int_equal(fleet_tls_identity("fleet-1", &key, &csr, err,
	    sizeof(err)), 0);
	assert_int_equal(fleet_tls_identity("fleet-2", &key2, &csr2, err,
	    sizeof(err)), 0);
	pem = issue(fx, csr);
	crt = fleet_tls_cert(pem, key);
	assert_non_null(crt);
	X509_free(crt);
	assert_null(fleet_tls_cert(pem, key2));
	assert_null(fleet_tls_cert("-----BEGIN CERTIFICATE-----\nAAAA\n"
	    "-----END CERTIFICATE-----\n", key));
	assert_null(fleet_tls_cert("", key));
	free(pem);
	free(csr);
	free(csr2);
	EVP_PKEY_free(key);
	EVP_PKEY_free(key2);
}

/* The supported_groups extension of a ClientHello, as a server sees it. */
struct hello {
	unsigned char groups[64];
	size_t len;
};

static int
on_client_hello(SSL *ssl, int *alert, void *arg)
{
	struct hello *h = arg;
	const unsigned char *p;
	size_t len;

	(void)alert;
	if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_supported_groups, &p,
	    &len) == 1 && len <= sizeof(h->groups)) {
		memcpy(h->groups, p, len);
		h->len = len;
	}
	return SSL_CLIENT_HELLO_SUCCESS;
}

/* Runs a ClientHello of ctx into an OpenSSL server through memory. */
static void
client_hello(SSL_CTX *ctx, struct hello *h)
{
	SSL_CTX *sctx = SSL_CTX_new(TLS_server_method());
	SSL *c = SSL_new(ctx), *srv;
	BIO *c2s = BIO_new(BIO_s_mem()), *s2c = BIO_new(BIO_s_mem());

	assert_non_null(sctx);
	assert_non_null(c);
	SSL_CTX_set_client_hello_cb(sctx, on_client_hello, h);
	srv = SSL_new(sctx);
	assert_non_null(srv);
	BIO_up_ref(c2s);
	BIO_up_ref(s2c);
	SSL_set_bio(c, s2c, c2s);
	SSL_set_bio(srv, c2s, s2c);
	SSL_set_connect_state(c);
	SSL_set_accept_state(srv);
	assert_int_equal(SSL_do_handshake(c), -1);
	assert_int_equal(SSL_get_error(c, -1), SSL_ERROR_WANT_READ);
	/* The server has no certificate: it stops after the hello. */
	(void)SSL_do_handshake(srv);
	ERR_clear_error();
	SSL_free(srv);
	SSL_free(c);
	SSL_CTX_free(sctx);
}

static void
contexts(void **state)
{
	/* X25519, P-256, P-384, P-521 (RFC 8446 4.2.7), behind the
	 * list's two-byte length. */
	static const unsigned char want[] = {
		0, 8, 0x00, 0x1d, 0x00, 0x17, 0x00, 0x18, 0x00, 0x19,
	};
	struct fixture *fx = *state;
	struct fleet f = { 0 };
	char err[256], path[600];
	struct hello h;

	assert_int_equal(fleet_tls_init(&f, fx->ca_path, no_session, err,
	    sizeof(err)), 0);
	assert_int_equal(SSL_CTX_get_min_proto_version(f.anon),
	    TLS1_2_VERSION);
	assert_int_equal(SSL_CTX_get_min_proto_version(f.mutual),
	    TLS1_2_VERSION);
	assert_int_equal(SSL_CTX_get_verify_mode(f.anon), SSL_VERIFY_PEER);
	assert_int_equal(SSL_CTX_get_verify_mode(f.mutual), SSL_VERIFY_PEER);
	assert_true(SSL_CTX_sess_get_new_cb(f.mutual) == no_session);
	memset(&h, 0, sizeof(h));
	client_hello(f.anon, &h);
	assert_int_equal(h.len, sizeof(want));
	assert_memory_equal(h.groups, want, sizeof(want));
	memset(&h, 0, sizeof(h));
	client_hello(f.mutual, &h);
	assert_int_equal(h.len, sizeof(want));
	assert_memory_equal(h.groups, want, sizeof(want));
	fleet_tls_free(&f);
	assert_null(f.anon);

	/* No CA file, or one without a certificate: OpenSSL's reason. */
	snprintf(path, sizeof(path), "%s/none.pem", fx->dir);
	assert_int_equal(fleet_tls_init(&f, path, no_session, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, "No such file"));
	fleet_tls_free(&f);
	snprintf(path, sizeof(path), "%s/empty.pem", fx->dir);
	assert_int_equal(test_write_file(path, "not a certificate\n"), 0);
	assert_int_equal(fleet_tls_init(&f, path, no_session, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "no certificate"));
	fleet_tls_free(&f);
}

static void
error_text(void **state)
{
	char buf[200];

	(void)state;
	ERR_clear_error();
	fleet_tls_error(buf, sizeof(buf));
	assert_string_equal(buf, "no detail from OpenSSL");
	/* The first queued error is told, and the queue is emptied. */
	ERR_raise(ERR_LIB_SSL, SSL_R_CERTIFICATE_VERIFY_FAILED);
	ERR_raise(ERR_LIB_SYS, 2);
	fleet_tls_error(buf, sizeof(buf));
	assert_non_null(strstr(buf, "certificate verify failed"));
	assert_int_equal(ERR_peek_error(), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(csr_passes_the_servers_check),
		cmocka_unit_test(cert_only_with_its_key),
		cmocka_unit_test(contexts),
		cmocka_unit_test(error_text),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
