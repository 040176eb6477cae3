/*
 * csr.c - PKCS#10 certificate requests: the device writes one for its
 * key at enrollment; the issuing side checks one received from outside.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/oid.h>
#include <mbedtls/x509_csr.h>

#include "crypto/crypto_int.h"

#define CSR_DER_MAX 2048

bool
crypto_cn_valid(const char *cn)
{
	size_t n;
	char c;

	for (n = 0; (c = cn[n]) != '\0'; n++) {
		if (n >= CRYPTO_CN_MAX)
			return false;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		    (c >= '0' && c <= '9') || strchr("-._:@ ", c) != NULL)
			continue;
		return false;
	}
	return n > 0 && cn[0] != ' ' && cn[n - 1] != ' ';
}

int
crypto_csr_der(struct crypto_rng *rng, struct crypto_eckey *key,
    const char *cn, uint8_t **der, size_t *len, char *err, size_t errlen)
{
	mbedtls_x509write_csr w;
	char subject[CRYPTO_CN_MAX + 4];
	unsigned char *buf;
	int n;

	*der = NULL;
	*len = 0;
	if (!crypto_eckey_has_private(key)) {
		crypto_seterr(err, errlen, "csr: key cannot sign");
		return -1;
	}
	if (cn == NULL || !crypto_cn_valid(cn)) {
		crypto_seterr(err, errlen, "csr.subject.CN: must be 1..%d of "
		    "[A-Za-z0-9-._:@ ], no leading or trailing space",
		    CRYPTO_CN_MAX);
		return -1;
	}
	/* crypto_cn_valid() admits no ',' '=' or '\\', so this parses as
	 * exactly one CN attribute. */
	snprintf(subject, sizeof(subject), "CN=%s", cn);
	if ((buf = malloc(CSR_DER_MAX)) == NULL) {
		crypto_seterr(err, errlen, "csr: out of memory");
		return -1;
	}
	mbedtls_x509write_csr_init(&w);
	mbedtls_x509write_csr_set_md_alg(&w, MBEDTLS_MD_SHA256);
	mbedtls_x509write_csr_set_key(&w, &key->pk);
	if ((n = mbedtls_x509write_csr_set_subject_name(&w, subject)) == 0)
		n = mbedtls_x509write_csr_der(&w, buf, CSR_DER_MAX,
		    crypto_rng_mbedtls, rng);
	mbedtls_x509write_csr_free(&w);
	if (n <= 0) {
		crypto_seterr_mbedtls(err, errlen, "csr", n);
		free(buf);
		return -1;
	}
	/* The writer fills the buffer from its end. */
	memmove(buf, buf + CSR_DER_MAX - n, (size_t)n);
	*der = buf;
	*len = (size_t)n;
	return 0;
}

int
crypto_csr_pem(struct crypto_rng *rng, struct crypto_eckey *key,
    const char *cn, char **pem, char *err, size_t errlen)
{
	uint8_t *der;
	size_t len;
	int rc;

	*pem = NULL;
	if (crypto_csr_der(rng, key, cn, &der, &len, err, errlen) != 0)
		return -1;
	rc = crypto_pem_encode("CERTIFICATE REQUEST", der, len, pem);
	if (rc != 0)
		crypto_seterr(err, errlen, "csr: out of memory");
	free(der);
	return rc;
}

/* The subject must be one CN attribute, a string crypto_cn_valid() likes. */
static int
check_subject(const mbedtls_x509_name *name, char cn[CRYPTO_CN_MAX + 1],
    char *err, size_t errlen)
{
	if (name == NULL || name->oid.p == NULL || name->next != NULL ||
	    name->next_merged || MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &name->oid)
	    != 0) {
		crypto_seterr(err, errlen,
		    "csr.subject: must be exactly one CN attribute");
		return -1;
	}
	if (name->val.tag != MBEDTLS_ASN1_UTF8_STRING &&
	    name->val.tag != MBEDTLS_ASN1_PRINTABLE_STRING &&
	    name->val.tag != MBEDTLS_ASN1_IA5_STRING) {
		crypto_seterr(err, errlen, "csr.subject.CN: not a text string");
		return -1;
	}
	if (name->val.len == 0 || name->val.len > CRYPTO_CN_MAX) {
		crypto_seterr(err, errlen, "csr.subject.CN: length %zu out of "
		    "range 1..%d", name->val.len, CRYPTO_CN_MAX);
		return -1;
	}
	memcpy(cn, name->val.p, name->val.len);
	cn[name->val.len] = '\0';
	if (strlen(cn) != name->val.len || !crypto_cn_valid(cn)) {
		cn[0] = '\0';
		crypto_seterr(err, errlen, "csr.subject.CN: must be of "
		    "[A-Za-z0-9-._:@ ], no leading or trailing space");
		return -1;
	}
	return 0;
}

int
crypto_csr_check(const void *data, size_t len, char cn[CRYPTO_CN_MAX + 1],
    struct crypto_eckey **pub, char *err, size_t errlen)
{
	mbedtls_x509_csr csr;
	struct crypto_eckey *key = NULL;
	uint8_t hash[CRYPTO_SHA256_LEN];
	unsigned char *buf;
	size_t buflen;
	int ret, rc = -1;

	cn[0] = '\0';
	if (pub != NULL)
		*pub = NULL;
	if (len == 0 || len > CRYPTO_CSR_MAX) {
		crypto_seterr(err, errlen, "csr: size %zu out of range 1..%d",
		    len, CRYPTO_CSR_MAX);
		return -1;
	}
	if (crypto_pem_input(data, len, &buf, &buflen) != 0) {
		crypto_seterr(err, errlen, "csr: out of memory");
		return -1;
	}
	mbedtls_x509_csr_init(&csr);
	ret = mbedtls_x509_csr_parse(&csr, buf, buflen);
	free(buf);
	if (ret != 0) {
		crypto_seterr_mbedtls(err, errlen, "csr", ret);
		goto out;
	}
	/* mbedTLS parses a request without checking its self-signature. */
	if (csr.sig_md != MBEDTLS_MD_SHA256 || csr.sig_pk != MBEDTLS_PK_ECDSA) {
		crypto_seterr(err, errlen,
		    "csr.signatureAlgorithm: must be ecdsa-with-SHA256");
		goto out;
	}
	if (crypto_eckey_adopt(&csr.pk, false, &key, err, errlen) != 0)
		goto out;
	crypto_sha256(csr.cri.p, csr.cri.len, hash);
	if (mbedtls_pk_verify(&key->pk, MBEDTLS_MD_SHA256, hash, sizeof(hash),
	    csr.sig.p, csr.sig.len) != 0) {
		crypto_seterr(err, errlen,
		    "csr.signature: verification failed");
		goto out;
	}
	if (check_subject(&csr.subject, cn, err, errlen) != 0)
		goto out;
	if (pub != NULL) {
		*pub = key;
		key = NULL;
	}
	rc = 0;
out:
	crypto_eckey_free(key);
	mbedtls_x509_csr_free(&csr);
	return rc;
}
