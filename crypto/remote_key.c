/*
 * remote_key.c - a device key whose private half lives in another
 * process (the network process's view of the key wardend's parent
 * holds): the certificate's public key made an external key
 * (eckey_external.c) whose signatures a callback asks for, in DER, over
 * the process boundary; and the holder's side, which signs a digest.
 */
#include <stdlib.h>
#include <string.h>

#include <mbedtls/asn1.h>
#include <mbedtls/x509_crt.h>

#include "crypto/crypto_int.h"

#define HALF (CRYPTO_ES256_SIG_LEN / 2)

struct remote {
	crypto_remote_sign_fn sign;
	void *arg;
};

/* An ECDSA DER signature (SEQUENCE of two INTEGERs) as r || s, strictly:
 * nothing after the sequence, each integer positive and at most 32
 * bytes. */
static int
der_to_rs(const uint8_t *der, size_t len, uint8_t rs[CRYPTO_ES256_SIG_LEN])
{
	unsigned char *p = (unsigned char *)(uintptr_t)der;
	const unsigned char *end = der + len;
	mbedtls_mpi r, s;
	size_t n;
	int ret = -1;

	mbedtls_mpi_init(&r);
	mbedtls_mpi_init(&s);
	if (mbedtls_asn1_get_tag(&p, end, &n, MBEDTLS_ASN1_CONSTRUCTED |
	    MBEDTLS_ASN1_SEQUENCE) != 0 || p + n != end ||
	    mbedtls_asn1_get_mpi(&p, end, &r) != 0 ||
	    mbedtls_asn1_get_mpi(&p, end, &s) != 0 || p != end ||
	    mbedtls_mpi_cmp_int(&r, 0) <= 0 || mbedtls_mpi_cmp_int(&s, 0) <= 0 ||
	    mbedtls_mpi_write_binary(&r, rs, HALF) != 0 ||
	    mbedtls_mpi_write_binary(&s, rs + HALF, HALF) != 0)
		goto out;
	ret = 0;
out:
	mbedtls_mpi_free(&r);
	mbedtls_mpi_free(&s);
	return ret;
}

/* crypto_eckey_sign_fn: the digest's length names its hash. */
static int
remote_sign(void *arg, const uint8_t *digest, size_t len,
    uint8_t sig[CRYPTO_ES256_SIG_LEN], char *err, size_t errlen)
{
	struct remote *r = arg;
	uint8_t der[MBEDTLS_PK_SIGNATURE_MAX_SIZE];
	size_t dlen = 0;
	int md;

	if (len == 32)
		md = MBEDTLS_MD_SHA256;
	else if (len == 48)
		md = MBEDTLS_MD_SHA384;
	else {
		crypto_seterr(err, errlen, "remote key: a %zu-byte digest",
		    len);
		return -1;
	}
	if (r->sign(r->arg, md, digest, len, der, &dlen) != 0 ||
	    dlen > sizeof(der) || der_to_rs(der, dlen, sig) != 0) {
		crypto_seterr(err, errlen, "remote key: no signature");
		return -1;
	}
	return 0;
}

int
crypto_eckey_remote_new(const char *cert_pem, crypto_remote_sign_fn sign,
    void *arg, struct crypto_eckey **out, char *err, size_t errlen)
{
	mbedtls_x509_crt crt;
	struct crypto_eckey *pub = NULL;
	struct remote *r;
	int rc = -1;

	*out = NULL;
	mbedtls_x509_crt_init(&crt);
	if (crypto_cert_parse(&crt, cert_pem, strlen(cert_pem), err,
	    errlen) != 0 || crypto_eckey_from_cert(&crt, &pub, err,
	    errlen) != 0)
		goto out;
	if ((r = calloc(1, sizeof(*r))) == NULL) {
		crypto_seterr(err, errlen, "out of memory");
		goto out;
	}
	r->sign = sign;
	r->arg = arg;
	rc = crypto_eckey_external_new(pub, remote_sign, r, free, out, err,
	    errlen);
out:
	crypto_eckey_free(pub);
	mbedtls_x509_crt_free(&crt);
	return rc;
}

int
crypto_eckey_sign_digest(struct crypto_rng *rng, struct crypto_eckey *key,
    int md, const uint8_t *hash, size_t hlen, uint8_t *sig, size_t sigmax,
    size_t *siglen)
{
	unsigned char buf[MBEDTLS_PK_SIGNATURE_MAX_SIZE];
	size_t n = 0;
	const mbedtls_md_info_t *mi;

	*siglen = 0;
	if (key == NULL || !key->has_private ||
	    (md != MBEDTLS_MD_SHA256 && md != MBEDTLS_MD_SHA384) ||
	    (mi = mbedtls_md_info_from_type((mbedtls_md_type_t)md)) == NULL ||
	    mbedtls_md_get_size(mi) != hlen)
		return -1;
	if (mbedtls_pk_sign(&key->pk, (mbedtls_md_type_t)md, hash, hlen, buf,
	    &n, crypto_rng_mbedtls, rng) != 0 || n > sigmax) {
		crypto_zero(buf, sizeof(buf));
		return -1;
	}
	memcpy(sig, buf, n);
	*siglen = n;
	return 0;
}
