/*
 * pki.h - a throwaway PKI for the crypto tests, minted at run time with
 * crypto/x509_issue.c: CA and leaf certificates with chosen names and
 * validity. Included by test_*.c after cmocka.h and crypto/crypto.h.
 */
#ifndef WARDEN_TEST_CRYPTO_PKI_H
#define WARDEN_TEST_CRYPTO_PKI_H

#include <stdlib.h>
#include <time.h>

#define DAY (24 * 60 * 60)

/* A key and its certificate (one-element chain). */
struct pki_ent {
	struct crypto_eckey *key;
	mbedtls_x509_crt crt;
	uint8_t *der;
	size_t len;
};

static inline void
pki_free(struct pki_ent *e)
{
	crypto_eckey_free(e->key);
	mbedtls_x509_crt_free(&e->crt);
	free(e->der);
	memset(e, 0, sizeof(*e));
}

static inline void
pki_parse(struct pki_ent *e)
{
	char err[CRYPTO_ERR_MAX];

	mbedtls_x509_crt_init(&e->crt);
	if (crypto_cert_parse(&e->crt, e->der, e->len, err, sizeof(err)) != 0)
		fail_msg("%s", err);
}

/* A self-signed root valid from nb to na. */
static inline void
pki_root(struct crypto_rng *rng, struct pki_ent *e, const char *subject,
    time_t nb, time_t na)
{
	struct crypto_cert_spec spec = {
		.kind = CRYPTO_CERT_CA, .serial = 1, .not_before = nb,
		.not_after = na, .subject = subject, .max_pathlen = -1,
	};
	char err[CRYPTO_ERR_MAX];

	assert_int_equal(crypto_eckey_generate(rng, &e->key, NULL, 0), 0);
	if (crypto_issue_self_signed(rng, e->key, &spec, &e->der, &e->len, err,
	    sizeof(err)) != 0)
		fail_msg("%s", err);
	pki_parse(e);
}

/* A certificate of the given kind for a fresh key, signed by ca. */
static inline void
pki_issue(struct crypto_rng *rng, struct pki_ent *ca, struct pki_ent *e,
    enum crypto_cert_kind kind, const char *cn, const char *const *san,
    uint64_t serial, time_t nb, time_t na)
{
	struct crypto_cert_spec spec = {
		.kind = kind, .serial = serial, .not_before = nb,
		.not_after = na, .max_pathlen = -1, .san = san,
	};
	char err[CRYPTO_ERR_MAX];
	uint8_t *csr;
	size_t csrlen;

	assert_int_equal(crypto_eckey_generate(rng, &e->key, NULL, 0), 0);
	assert_int_equal(crypto_csr_der(rng, e->key, cn, &csr, &csrlen, NULL,
	    0), 0);
	if (crypto_issue_from_csr(rng, ca->key, &ca->crt, csr, csrlen, &spec,
	    &e->der, &e->len, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	free(csr);
	pki_parse(e);
}

/* Appends e's certificate to chain (initialised by the caller). */
static inline void
pki_append(mbedtls_x509_crt *chain, const struct pki_ent *e)
{
	assert_int_equal(mbedtls_x509_crt_parse_der(chain, e->der, e->len), 0);
}

#endif /* WARDEN_TEST_CRYPTO_PKI_H */
