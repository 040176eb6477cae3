/*
 * devkey.c - the device private key at rest: sealed under the HAL's
 * sealing key, loaded back into memory, destroyed on wipe.
 */
#include <stdlib.h>
#include <string.h>

#include <mbedtls/pk.h>

#include "crypto/crypto_int.h"

#define DEVKEY_AAD "warden/devkey/v1"
#define KEY_DER_MAX 256	/* a P-256 SEC1 ECPrivateKey is 121 bytes */

int
crypto_devkey_save_sealed(struct crypto_rng *rng, const char *path,
    const struct crypto_eckey *key,
    const uint8_t sealing_key[CRYPTO_SEAL_KEY_LEN], char *err, size_t errlen)
{
	mbedtls_pk_context view;
	unsigned char der[KEY_DER_MAX];
	int n, rc;

	if (!crypto_eckey_has_private(key)) {
		crypto_seterr(err, errlen, "devkey: no private key to save");
		return -1;
	}
	if (crypto_eckey_is_external(key)) {
		crypto_seterr(err, errlen, "devkey: the private key is held "
		    "elsewhere (TPM or another process) and cannot be saved");
		return -1;
	}
	view = crypto_eckey_pk_view(key);
	/* The writer fills the buffer from its end. */
	n = mbedtls_pk_write_key_der(&view, der, sizeof(der));
	if (n <= 0) {
		crypto_seterr_mbedtls(err, errlen, "devkey: encoding", n);
		crypto_zero(der, sizeof(der));
		return -1;
	}
	rc = crypto_seal_file_write(rng, path, sealing_key,
	    der + sizeof(der) - n, (size_t)n, DEVKEY_AAD, strlen(DEVKEY_AAD),
	    err, errlen);
	crypto_zero(der, sizeof(der));
	return rc;
}

int
crypto_devkey_load_sealed(const char *path,
    const uint8_t sealing_key[CRYPTO_SEAL_KEY_LEN],
    struct crypto_eckey **out, char *err, size_t errlen)
{
	mbedtls_pk_context pk;
	uint8_t *der;
	size_t len;
	int ret;

	*out = NULL;
	if (crypto_seal_file_read(path, sealing_key, DEVKEY_AAD,
	    strlen(DEVKEY_AAD), &der, &len, err, errlen) != 0)
		return -1;
	mbedtls_pk_init(&pk);
	ret = len <= KEY_DER_MAX ? mbedtls_pk_parse_key(&pk, der, len, NULL,
	    0) : MBEDTLS_ERR_PK_KEY_INVALID_FORMAT;
	crypto_free_secret(der, len);
	if (ret != 0) {
		crypto_seterr_mbedtls(err, errlen, "devkey", ret);
		mbedtls_pk_free(&pk);
		return -1;
	}
	if (crypto_eckey_adopt(&pk, true, out, err, errlen) != 0) {
		mbedtls_pk_free(&pk);
		return -1;
	}
	return 0;
}

int
crypto_devkey_destroy(const char *path, char *err, size_t errlen)
{
	return crypto_file_destroy(path, err, errlen);
}
