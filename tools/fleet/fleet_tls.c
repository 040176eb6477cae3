/*
 * fleet_tls.c - wardenfleet's TLS, through OpenSSL's libssl: the client
 * contexts (enrollment without a client certificate, managed sessions
 * with one), each device's key pair and CSR, the certificate the server
 * issues, OpenSSL's error text.
 *
 * Why OpenSSL and not crypto/ (mbedTLS): a load generator must cost far
 * less CPU than the server it loads, and mbedTLS 2.28's generic
 * elliptic-curve arithmetic made the simulator cost as much as
 * wardenmdm itself; and a second TLS implementation on the client side
 * makes every run an interoperability test of the server's mbedTLS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/obj_mac.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "tools/fleet/fleet.h"

/* The groups of crypto_tls_groups() (wardend's and wardenmdm's order,
 * X25519 first) as OpenSSL's NIDs. */
static int
groups(int *nids, size_t max, size_t *n)
{
	const mbedtls_ecp_group_id *g;

	*n = 0;
	for (g = crypto_tls_groups(); *g != MBEDTLS_ECP_DP_NONE; g++) {
		if (*n == max)
			return -1;
		switch (*g) {
		case MBEDTLS_ECP_DP_CURVE25519:
			nids[(*n)++] = NID_X25519;
			break;
		case MBEDTLS_ECP_DP_SECP256R1:
			nids[(*n)++] = NID_X9_62_prime256v1;
			break;
		case MBEDTLS_ECP_DP_SECP384R1:
			nids[(*n)++] = NID_secp384r1;
			break;
		case MBEDTLS_ECP_DP_SECP521R1:
			nids[(*n)++] = NID_secp521r1;
			break;
		default:
			return -1;
		}
	}
	return *n > 0 ? 0 : -1;
}

void
fleet_tls_error(char *buf, size_t len)
{
	unsigned long e = ERR_get_error();

	if (e == 0)
		snprintf(buf, len, "no detail from OpenSSL");
	else
		ERR_error_string_n(e, buf, len);
	ERR_clear_error();
}

/* A client context that verifies the server against the CA file. */
static SSL_CTX *
ctx_new(const char *ca, const int *nids, size_t nnids, char *err,
    size_t errlen)
{
	char e[200];
	SSL_CTX *ctx;

	ERR_clear_error();
	if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL ||
	    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_set1_groups(ctx, nids, (long)nnids) != 1) {
		fleet_tls_error(e, sizeof(e));
		snprintf(err, errlen, "TLS: %s", e);
		SSL_CTX_free(ctx);
		return NULL;
	}
	if (SSL_CTX_load_verify_locations(ctx, ca, NULL) != 1) {
		fleet_tls_error(e, sizeof(e));
		snprintf(err, errlen, "%s: %s", ca, e);
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	/* Thousands of idle long polls: no 34 KB of buffers each. An end
	 * of stream without close_notify is a closed connection, not a
	 * fatal error (that would make its session unresumable): the HTTP
	 * layer's Content-Length tells a cut answer. */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
	return ctx;
}

int
fleet_tls_init(struct fleet *f, const char *ca,
    int (*new_session)(SSL *, SSL_SESSION *), char *err, size_t errlen)
{
	int nids[8];
	size_t n;

	if (groups(nids, sizeof(nids) / sizeof(nids[0]), &n) != 0) {
		snprintf(err, errlen, "TLS: a key exchange group OpenSSL "
		    "does not name");
		return -1;
	}
	if ((f->anon = ctx_new(ca, nids, n, err, errlen)) == NULL ||
	    (f->mutual = ctx_new(ca, nids, n, err, errlen)) == NULL)
		return -1;
	/* Managed sessions are kept per device for resumption: OpenSSL
	 * hands each new one to new_session, and its own cache (one per
	 * context, not per device) stays empty. */
	SSL_CTX_set_session_cache_mode(f->mutual, SSL_SESS_CACHE_CLIENT |
	    SSL_SESS_CACHE_NO_INTERNAL_STORE);
	SSL_CTX_sess_set_new_cb(f->mutual, new_session);
	return 0;
}

void
fleet_tls_free(struct fleet *f)
{
	SSL_CTX_free(f->anon);
	SSL_CTX_free(f->mutual);
	f->anon = f->mutual = NULL;
}

int
fleet_tls_identity(const char *cn, EVP_PKEY **key, char **csr, char *err,
    size_t errlen)
{
	X509_REQ *req = NULL;
	BIO *bio = NULL;
	char *data, e[200];
	long len;
	int rc = -1;

	*csr = NULL;
	ERR_clear_error();
	if ((*key = EVP_EC_gen("P-256")) == NULL ||
	    (req = X509_REQ_new()) == NULL ||
	    X509_REQ_set_version(req, X509_REQ_VERSION_1) != 1 ||
	    X509_NAME_add_entry_by_txt(X509_REQ_get_subject_name(req), "CN",
	    MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0) != 1 ||
	    X509_REQ_set_pubkey(req, *key) != 1 ||
	    X509_REQ_sign(req, *key, EVP_sha256()) <= 0 ||
	    (bio = BIO_new(BIO_s_mem())) == NULL ||
	    PEM_write_bio_X509_REQ(bio, req) != 1 ||
	    (len = BIO_get_mem_data(bio, &data)) <= 0 ||
	    (*csr = malloc((size_t)len + 1)) == NULL) {
		fleet_tls_error(e, sizeof(e));
		snprintf(err, errlen, "key and CSR: %s", e);
		EVP_PKEY_free(*key);
		*key = NULL;
		goto out;
	}
	memcpy(*csr, data, (size_t)len);
	(*csr)[len] = '\0';
	rc = 0;
out:
	BIO_free(bio);
	X509_REQ_free(req);
	return rc;
}

X509 *
fleet_tls_cert(const char *pem, const EVP_PKEY *key)
{
	BIO *bio;
	X509 *crt;

	ERR_clear_error();
	if ((bio = BIO_new_mem_buf(pem, -1)) == NULL)
		return NULL;
	crt = PEM_read_bio_X509(bio, NULL, NULL, NULL);
	BIO_free(bio);
	if (crt != NULL && X509_check_private_key(crt, key) != 1) {
		X509_free(crt);
		crt = NULL;
	}
	ERR_clear_error();
	return crt;
}
