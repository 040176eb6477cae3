/*
 * es256.c - ECDSA P-256 / SHA-256 signatures in JOSE form (r || s).
 *
 * JWS (RFC 7518 section 3.4) carries the two 32-byte integers side by
 * side rather than mbedTLS's DER SEQUENCE, so this works on the ECDSA
 * primitives directly instead of mbedtls_pk_sign().
 */
#include <mbedtls/bignum.h>
#include <mbedtls/ecdsa.h>

#include "crypto/crypto_int.h"

#define HALF (CRYPTO_ES256_SIG_LEN / 2)

int
crypto_es256_sign(struct crypto_rng *rng, const struct crypto_eckey *key,
    const void *msg, size_t len, uint8_t sig[CRYPTO_ES256_SIG_LEN])
{
	mbedtls_ecp_keypair *kp;
	uint8_t hash[CRYPTO_SHA256_LEN];
	mbedtls_mpi r, s;
	int ret;

	if (!crypto_eckey_has_private(key))
		return -1;
	crypto_sha256(msg, len, hash);
	/* A key held elsewhere (TPM, another process) signs through its
	 * callback, which already answers in r || s form. */
	if (crypto_eckey_is_external(key)) {
		ret = crypto_eckey_external_sign(key, hash, sizeof(hash), sig,
		    NULL, 0);
		crypto_zero(hash, sizeof(hash));
		if (ret != 0)
			crypto_zero(sig, CRYPTO_ES256_SIG_LEN);
		return ret;
	}
	kp = mbedtls_pk_ec(key->pk);
	mbedtls_mpi_init(&r);
	mbedtls_mpi_init(&s);
	/* RFC 6979 nonce: a weak RNG cannot leak the key through k. */
	ret = mbedtls_ecdsa_sign_det_ext(&kp->grp, &r, &s, &kp->d, hash,
	    sizeof(hash), MBEDTLS_MD_SHA256, crypto_rng_mbedtls, rng);
	if (ret == 0)
		ret = mbedtls_mpi_write_binary(&r, sig, HALF);
	if (ret == 0)
		ret = mbedtls_mpi_write_binary(&s, sig + HALF, HALF);
	mbedtls_mpi_free(&r);
	mbedtls_mpi_free(&s);
	crypto_zero(hash, sizeof(hash));
	if (ret != 0) {
		crypto_zero(sig, CRYPTO_ES256_SIG_LEN);
		return -1;
	}
	return 0;
}

int
crypto_es256_verify(const struct crypto_eckey *key, const void *msg,
    size_t len, const uint8_t sig[CRYPTO_ES256_SIG_LEN])
{
	mbedtls_ecp_keypair *kp;
	uint8_t hash[CRYPTO_SHA256_LEN];
	mbedtls_mpi r, s;
	int ret;

	if (key == NULL)
		return -1;
	kp = mbedtls_pk_ec(key->pk);
	crypto_sha256(msg, len, hash);
	mbedtls_mpi_init(&r);
	mbedtls_mpi_init(&s);
	ret = mbedtls_mpi_read_binary(&r, sig, HALF);
	if (ret == 0)
		ret = mbedtls_mpi_read_binary(&s, sig + HALF, HALF);
	/* Rejects r or s outside 1 .. n-1 as well as a wrong signature. */
	if (ret == 0)
		ret = mbedtls_ecdsa_verify(&kp->grp, hash, sizeof(hash), &kp->Q,
		    &r, &s);
	mbedtls_mpi_free(&r);
	mbedtls_mpi_free(&s);
	return ret == 0 ? 0 : -1;
}
