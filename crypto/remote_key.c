/*
 * remote_key.c - a device key whose private half lives in another
 * process: an mbedTLS pk context of type ECKEY holding only the public
 * key (from the device certificate), whose sign operation asks a
 * callback (the network process asks wardend's parent over its socket).
 *
 * mbedTLS 2.28 has no PSA opaque keys here and RSA_ALT only for RSA, so
 * this is a custom mbedtls_pk_info_t (pk_internal.h, which Debian
 * installs). Its context starts with an mbedtls_ecp_keypair holding the
 * public point, so mbedtls_pk_ec() and the code that compares public
 * keys (crypto_cert_has_key) work unchanged; the private scalar stays 0.
 */
#include <stdlib.h>
#include <string.h>

#include <mbedtls/ecdsa.h>
#include <mbedtls/pk_internal.h>
#include <mbedtls/x509_crt.h>

#include "crypto/crypto_int.h"

struct remote_ctx {
	mbedtls_ecp_keypair kp;	/* first: mbedtls_pk_ec() casts */
	crypto_remote_sign_fn sign;
	void *arg;
};

static size_t
remote_bitlen(const void *ctx)
{
	return ((const struct remote_ctx *)ctx)->kp.grp.pbits;
}

static int
remote_can_do(mbedtls_pk_type_t type)
{
	return type == MBEDTLS_PK_ECKEY || type == MBEDTLS_PK_ECDSA;
}

static int
remote_verify(void *ctx, mbedtls_md_type_t md, const unsigned char *hash,
    size_t hlen, const unsigned char *sig, size_t slen)
{
	struct remote_ctx *r = ctx;
	int ret;

	(void)md;
	ret = mbedtls_ecdsa_read_signature(&r->kp, hash, hlen, sig, slen);
	return ret == MBEDTLS_ERR_ECP_SIG_LEN_MISMATCH ?
	    MBEDTLS_ERR_PK_SIG_LEN_MISMATCH : ret;
}

static int
remote_sign(void *ctx, mbedtls_md_type_t md, const unsigned char *hash,
    size_t hlen, unsigned char *sig, size_t *slen,
    int (*f_rng)(void *, unsigned char *, size_t), void *p_rng)
{
	struct remote_ctx *r = ctx;

	(void)f_rng;
	(void)p_rng;
	if (r->sign(r->arg, (int)md, hash, hlen, sig, slen) != 0)
		return MBEDTLS_ERR_PK_BAD_INPUT_DATA;
	return 0;
}

static void *
remote_alloc(void)
{
	struct remote_ctx *r = calloc(1, sizeof(*r));

	if (r != NULL)
		mbedtls_ecp_keypair_init(&r->kp);
	return r;
}

static void
remote_free(void *ctx)
{
	struct remote_ctx *r = ctx;

	mbedtls_ecp_keypair_free(&r->kp);
	free(r);
}

static const mbedtls_pk_info_t remote_info = {
	.type = MBEDTLS_PK_ECKEY,
	.name = "EC (remote signer)",
	.get_bitlen = remote_bitlen,
	.can_do = remote_can_do,
	.verify_func = remote_verify,
	.sign_func = remote_sign,
	.ctx_alloc_func = remote_alloc,
	.ctx_free_func = remote_free,
};

int
crypto_eckey_remote_new(const char *cert_pem, crypto_remote_sign_fn sign,
    void *arg, struct crypto_eckey **out, char *err, size_t errlen)
{
	mbedtls_x509_crt crt;
	struct crypto_eckey *key = NULL;
	struct remote_ctx *r;
	const mbedtls_ecp_keypair *pub;
	int ret;

	*out = NULL;
	mbedtls_x509_crt_init(&crt);
	if ((ret = mbedtls_x509_crt_parse(&crt, (const unsigned char *)cert_pem,
	    strlen(cert_pem) + 1)) != 0) {
		crypto_seterr_mbedtls(err, errlen, "certificate", ret);
		goto fail;
	}
	if (mbedtls_pk_get_type(&crt.pk) != MBEDTLS_PK_ECKEY ||
	    mbedtls_pk_ec(crt.pk)->grp.id != MBEDTLS_ECP_DP_SECP256R1) {
		crypto_seterr(err, errlen, "certificate: not an EC P-256 key");
		goto fail;
	}
	pub = mbedtls_pk_ec(crt.pk);
	if ((key = calloc(1, sizeof(*key))) == NULL) {
		crypto_seterr(err, errlen, "out of memory");
		goto fail;
	}
	mbedtls_pk_init(&key->pk);
	if (mbedtls_pk_setup(&key->pk, &remote_info) != 0) {
		crypto_seterr(err, errlen, "out of memory");
		goto fail;
	}
	r = key->pk.pk_ctx;
	r->sign = sign;
	r->arg = arg;
	if (mbedtls_ecp_group_copy(&r->kp.grp, &pub->grp) != 0 ||
	    mbedtls_ecp_copy(&r->kp.Q, &pub->Q) != 0) {
		crypto_seterr(err, errlen, "out of memory");
		goto fail;
	}
	key->has_private = true;	/* it can sign, through sign() */
	mbedtls_x509_crt_free(&crt);
	*out = key;
	return 0;
fail:
	if (key != NULL) {
		mbedtls_pk_free(&key->pk);
		free(key);
	}
	mbedtls_x509_crt_free(&crt);
	return -1;
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
