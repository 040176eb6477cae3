/*
 * seal.c - AES-256-GCM sealed blobs for secrets at rest.
 *
 * version (1) || nonce (12) || ciphertext || tag (16). The nonce is
 * random: a sealing key protects a handful of small files rewritten
 * rarely, far below the 2^32 messages where random 96-bit nonces would
 * start to risk a collision. The version byte is authenticated with the
 * caller's aad so that it cannot be altered either.
 */
#include <string.h>

#include <mbedtls/gcm.h>

#include "crypto/crypto_int.h"

/* GCM additional data: the version byte, then the caller's aad. */
static int
build_aad(uint8_t *buf, const void *aad, size_t aadlen)
{
	if (aadlen > CRYPTO_SEAL_AAD_MAX || (aad == NULL && aadlen > 0))
		return -1;
	buf[0] = CRYPTO_SEAL_VERSION;
	if (aadlen > 0)
		memcpy(buf + 1, aad, aadlen);
	return 0;
}

int
crypto_seal(struct crypto_rng *rng, const uint8_t key[CRYPTO_SEAL_KEY_LEN],
    const void *pt, size_t len, const void *aad, size_t aadlen, uint8_t *out,
    size_t cap, size_t *outlen)
{
	uint8_t fulladd[1 + CRYPTO_SEAL_AAD_MAX];
	mbedtls_gcm_context gcm;
	uint8_t *nonce = out + 1, *ct = out + 1 + CRYPTO_SEAL_NONCE_LEN;
	int ret;

	*outlen = 0;
	if (len > SIZE_MAX - CRYPTO_SEAL_OVERHEAD ||
	    cap < len + CRYPTO_SEAL_OVERHEAD || (pt == NULL && len > 0) ||
	    build_aad(fulladd, aad, aadlen) != 0)
		return -1;
	out[0] = CRYPTO_SEAL_VERSION;
	if (crypto_rng_bytes(rng, nonce, CRYPTO_SEAL_NONCE_LEN) != 0)
		return -1;
	mbedtls_gcm_init(&gcm);
	ret = mbedtls_gcm_setkey(&gcm, MBEDTLS_CIPHER_ID_AES, key,
	    CRYPTO_SEAL_KEY_LEN * 8);
	if (ret == 0)
		ret = mbedtls_gcm_crypt_and_tag(&gcm, MBEDTLS_GCM_ENCRYPT, len,
		    nonce, CRYPTO_SEAL_NONCE_LEN, fulladd, 1 + aadlen, pt, ct,
		    CRYPTO_SEAL_TAG_LEN, ct + len);
	/* mbedtls_gcm_free() zeroises the expanded key. */
	mbedtls_gcm_free(&gcm);
	if (ret != 0) {
		crypto_zero(out, len + CRYPTO_SEAL_OVERHEAD);
		return -1;
	}
	*outlen = len + CRYPTO_SEAL_OVERHEAD;
	return 0;
}

int
crypto_unseal(const uint8_t key[CRYPTO_SEAL_KEY_LEN], const void *blob,
    size_t len, const void *aad, size_t aadlen, uint8_t *out, size_t cap,
    size_t *outlen, char *err, size_t errlen)
{
	uint8_t fulladd[1 + CRYPTO_SEAL_AAD_MAX];
	const uint8_t *b = blob;
	mbedtls_gcm_context gcm;
	size_t ctlen;
	int ret;

	*outlen = 0;
	if (len < CRYPTO_SEAL_OVERHEAD) {
		crypto_seterr(err, errlen, "blob: %zu bytes, shorter than the "
		    "%d-byte minimum", len, CRYPTO_SEAL_OVERHEAD);
		return -1;
	}
	if (b[0] != CRYPTO_SEAL_VERSION) {
		crypto_seterr(err, errlen, "blob: unknown version %u",
		    (unsigned int)b[0]);
		return -1;
	}
	ctlen = len - CRYPTO_SEAL_OVERHEAD;
	if (cap < ctlen) {
		crypto_seterr(err, errlen, "blob: %zu bytes of plaintext do "
		    "not fit in %zu", ctlen, cap);
		return -1;
	}
	if (build_aad(fulladd, aad, aadlen) != 0) {
		crypto_seterr(err, errlen, "aad: longer than %d bytes",
		    CRYPTO_SEAL_AAD_MAX);
		return -1;
	}
	mbedtls_gcm_init(&gcm);
	ret = mbedtls_gcm_setkey(&gcm, MBEDTLS_CIPHER_ID_AES, key,
	    CRYPTO_SEAL_KEY_LEN * 8);
	if (ret == 0)
		ret = mbedtls_gcm_auth_decrypt(&gcm, ctlen, b + 1,
		    CRYPTO_SEAL_NONCE_LEN, fulladd, 1 + aadlen,
		    b + len - CRYPTO_SEAL_TAG_LEN, CRYPTO_SEAL_TAG_LEN,
		    b + 1 + CRYPTO_SEAL_NONCE_LEN, out);
	mbedtls_gcm_free(&gcm);
	if (ret != 0) {
		crypto_zero(out, ctlen);
		if (ret == MBEDTLS_ERR_GCM_AUTH_FAILED)
			crypto_seterr(err, errlen, "blob: authentication "
			    "failed (tampered, or another key or purpose)");
		else
			crypto_seterr_mbedtls(err, errlen, "blob", ret);
		return -1;
	}
	*outlen = ctlen;
	return 0;
}
