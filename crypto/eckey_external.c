/*
 * eckey_external.c - an EC P-256 key whose signatures a callback makes.
 *
 * The private half lives elsewhere (a TPM, another process); this side
 * holds the public key and a function that turns a digest into (r, s).
 * mbedTLS 2.28 has no opaque EC keys (no MBEDTLS_USE_PSA_CRYPTO in
 * Debian's build), so the key is an mbedtls_pk_context with its own
 * mbedtls_pk_info_t (pk_internal.h, installed by Debian): it reports type
 * MBEDTLS_PK_ECKEY, can do ECDSA, verifies like any EC key and signs by
 * calling back. mbedtls_pk_sign(), and with it the CSR writer and the TLS
 * client's CertificateVerify, then work unchanged.
 *
 * The context starts with an mbedtls_ecp_keypair holding only the public
 * point, so mbedtls_pk_ec() and everything that reads the public key
 * (pk_write_pubkey, the TLS layer's curve checks) see a normal EC key;
 * its private scalar stays zero and is never used.
 */
#include <stdlib.h>
#include <string.h>

#include <mbedtls/ecdsa.h>
#include <mbedtls/error.h>
#include <mbedtls/pk_internal.h>

#include "crypto/crypto_int.h"

#define HALF (CRYPTO_ES256_SIG_LEN / 2)

struct ext_ctx {
	mbedtls_ecp_keypair kp;	/* first: mbedtls_pk_ec() casts to it */
	crypto_eckey_sign_fn sign;
	void *arg;
	void (*arg_free)(void *arg);
};

static int
ext_can_do(mbedtls_pk_type_t type)
{
	return type == MBEDTLS_PK_ECKEY || type == MBEDTLS_PK_ECDSA;
}

static size_t
ext_get_bitlen(const void *ctx)
{
	return mbedtls_eckey_info.get_bitlen(ctx);
}

static int
ext_verify(void *ctx, mbedtls_md_type_t md_alg, const unsigned char *hash,
    size_t hash_len, const unsigned char *sig, size_t sig_len)
{
	return mbedtls_eckey_info.verify_func(ctx, md_alg, hash, hash_len, sig,
	    sig_len);
}

/* r || s as the DER signature mbedTLS and X.509 use. */
static int
rs_to_der(const uint8_t rs[CRYPTO_ES256_SIG_LEN], unsigned char *out,
    size_t *outlen)
{
	mbedtls_mpi r, s;
	int ret;

	mbedtls_mpi_init(&r);
	mbedtls_mpi_init(&s);
	if ((ret = mbedtls_mpi_read_binary(&r, rs, HALF)) == 0 &&
	    (ret = mbedtls_mpi_read_binary(&s, rs + HALF, HALF)) == 0)
		ret = crypto_ecdsa_sig_der(&r, &s, out, outlen);
	mbedtls_mpi_free(&r);
	mbedtls_mpi_free(&s);
	return ret;
}

static int
ext_sign(void *ctx, mbedtls_md_type_t md_alg, const unsigned char *hash,
    size_t hash_len, unsigned char *sig, size_t *sig_len,
    int (*f_rng)(void *, unsigned char *, size_t), void *p_rng)
{
	struct ext_ctx *x = ctx;
	uint8_t rs[CRYPTO_ES256_SIG_LEN];
	int ret;

	(void)f_rng;
	(void)p_rng;
	if (hash_len == 0)
		hash_len = mbedtls_md_get_size(mbedtls_md_info_from_type(
		    md_alg));
	if (hash_len == 0 || hash_len > MBEDTLS_MD_MAX_SIZE)
		return MBEDTLS_ERR_PK_BAD_INPUT_DATA;
	if (x->sign(x->arg, hash, hash_len, rs, NULL, 0) != 0)
		return MBEDTLS_ERR_ERROR_GENERIC_ERROR;
	ret = rs_to_der(rs, sig, sig_len);
	crypto_zero(rs, sizeof(rs));
	return ret;
}

/* Same public point (a private half to compare there is not). */
static int
ext_check_pair(const void *pub, const void *prv)
{
	const mbedtls_ecp_keypair *a = pub, *b = prv;

	return a->grp.id == b->grp.id && mbedtls_ecp_point_cmp(&a->Q,
	    &b->Q) == 0 ? 0 : MBEDTLS_ERR_ECP_BAD_INPUT_DATA;
}

static void *
ext_alloc(void)
{
	struct ext_ctx *x = calloc(1, sizeof(*x));

	if (x != NULL)
		mbedtls_ecp_keypair_init(&x->kp);
	return x;
}

static void
ext_free(void *ctx)
{
	struct ext_ctx *x = ctx;

	mbedtls_ecp_keypair_free(&x->kp);
	if (x->arg_free != NULL)
		x->arg_free(x->arg);
	crypto_free_secret(x, sizeof(*x));
}

static void
ext_debug(const void *ctx, mbedtls_pk_debug_item *items)
{
	mbedtls_eckey_info.debug_func(ctx, items);
}

static const mbedtls_pk_info_t ext_info = {
	.type = MBEDTLS_PK_ECKEY,
	.name = "EC",
	.get_bitlen = ext_get_bitlen,
	.can_do = ext_can_do,
	.verify_func = ext_verify,
	.sign_func = ext_sign,
	.check_pair_func = ext_check_pair,
	.ctx_alloc_func = ext_alloc,
	.ctx_free_func = ext_free,
	.debug_func = ext_debug,
};

int
crypto_eckey_external_new(const struct crypto_eckey *pub,
    crypto_eckey_sign_fn sign, void *arg, void (*arg_free)(void *arg),
    struct crypto_eckey **out, char *err, size_t errlen)
{
	const mbedtls_ecp_keypair *src;
	mbedtls_pk_context pk;
	struct ext_ctx *x;
	int ret;

	*out = NULL;
	mbedtls_pk_init(&pk);
	if (pub == NULL || sign == NULL) {
		crypto_seterr(err, errlen, "key: no public key or no signer");
		goto fail;
	}
	src = mbedtls_pk_ec(pub->pk);
	if ((ret = mbedtls_pk_setup(&pk, &ext_info)) != 0) {
		crypto_seterr_mbedtls(err, errlen, "key", ret);
		goto fail;
	}
	x = pk.pk_ctx;
	if ((ret = mbedtls_ecp_group_load(&x->kp.grp, src->grp.id)) != 0 ||
	    (ret = mbedtls_ecp_copy(&x->kp.Q, &src->Q)) != 0) {
		crypto_seterr_mbedtls(err, errlen, "key", ret);
		goto fail;
	}
	x->sign = sign;
	x->arg = arg;
	x->arg_free = arg_free;
	arg_free = NULL;	/* the context owns arg from here on */
	if (crypto_eckey_adopt(&pk, true, out, err, errlen) != 0)
		goto fail;
	return 0;
fail:
	mbedtls_pk_free(&pk);
	if (arg_free != NULL)
		arg_free(arg);
	return -1;
}

bool
crypto_eckey_is_external(const struct crypto_eckey *key)
{
	return key != NULL && key->pk.pk_info == &ext_info;
}

int
crypto_eckey_external_sign(const struct crypto_eckey *key,
    const uint8_t *digest, size_t len, uint8_t sig[CRYPTO_ES256_SIG_LEN],
    char *err, size_t errlen)
{
	const struct ext_ctx *x;

	if (!crypto_eckey_is_external(key)) {
		crypto_seterr(err, errlen, "key: not an external key");
		return -1;
	}
	x = key->pk.pk_ctx;
	return x->sign(x->arg, digest, len, sig, err, errlen);
}
