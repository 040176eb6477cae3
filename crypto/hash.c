/*
 * hash.c - SHA-256 and PBKDF2-HMAC-SHA256.
 */
#include <mbedtls/md.h>
#include <mbedtls/pkcs5.h>
#include <mbedtls/sha256.h>

#include "crypto/crypto.h"

void
crypto_sha256(const void *data, size_t len, uint8_t out[CRYPTO_SHA256_LEN])
{
	/* Only fails on a hardware accelerator error; there is none here. */
	if (mbedtls_sha256_ret(data, len, out, 0) != 0)
		crypto_zero(out, CRYPTO_SHA256_LEN);
}

int
crypto_pbkdf2_sha256(const void *pw, size_t pwlen, const void *salt,
    size_t saltlen, uint32_t iter, uint8_t *out, size_t outlen)
{
	mbedtls_md_context_t md;
	int ret;

	if (out == NULL || outlen == 0 || outlen > CRYPTO_PBKDF2_MAX_OUT)
		return -1;
	if (iter == 0 || iter > CRYPTO_PBKDF2_MAX_ITER ||
	    (pw == NULL && pwlen > 0) || (salt == NULL && saltlen > 0)) {
		crypto_zero(out, outlen);
		return -1;
	}
	mbedtls_md_init(&md);
	ret = mbedtls_md_setup(&md,
	    mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), 1);
	if (ret == 0)
		ret = mbedtls_pkcs5_pbkdf2_hmac(&md, pw, pwlen, salt, saltlen,
		    iter, (uint32_t)outlen, out);
	/* mbedtls_md_free() zeroises the HMAC state (it holds the key). */
	mbedtls_md_free(&md);
	if (ret != 0) {
		crypto_zero(out, outlen);
		return -1;
	}
	return 0;
}
