/*
 * crypto_int.h - declarations shared by the files of crypto/ only.
 *
 * Nothing outside crypto/ includes this header: the structs stay opaque to
 * the rest of warden, and the helpers below are not part of the API.
 */
#ifndef WARDEN_CRYPTO_INT_H
#define WARDEN_CRYPTO_INT_H

#include <mbedtls/ctr_drbg.h>
#include <mbedtls/entropy.h>
#include <mbedtls/pk.h>

#include "crypto/crypto.h"

struct crypto_rng {
	mbedtls_entropy_context entropy;
	mbedtls_ctr_drbg_context drbg;
};

struct crypto_eckey {
	mbedtls_pk_context pk;	/* MBEDTLS_PK_ECKEY on secp256r1 */
	bool has_private;
};

/* error.c */

/* Formats a reason into err (errlen bytes); a no-op when err is NULL. */
void crypto_seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Formats "<what>: <mbedTLS's text for ret>" into err; ret is a negative
 * mbedTLS error code.
 */
void crypto_seterr_mbedtls(char *err, size_t errlen, const char *what,
    int ret);

/* pem.c */

/*
 * Copies outside input (len > 0 bytes) into a malloc'd buffer with a NUL
 * after it. *buflen is len + 1 when the input holds no NUL (text: mbedTLS
 * then looks for PEM armour), len otherwise (DER). Free with free().
 */
int crypto_pem_input(const void *data, size_t len, unsigned char **buf,
    size_t *buflen);

/* eckey.c */

/*
 * Takes over a parsed mbedTLS key (moved into the new object, *pk is left
 * initialised and empty). Fails unless it is an EC P-256 key.
 */
int crypto_eckey_adopt(mbedtls_pk_context *pk, bool has_private,
    struct crypto_eckey **out, char *err, size_t errlen);

/*
 * mbedTLS 2.28 declares some read-only functions (pk_write_*,
 * x509write_*_set_key) with non-const key arguments. This returns a
 * shallow copy of the context that such functions may be handed without
 * casting away const; it shares the key material, so it is never freed.
 */
mbedtls_pk_context crypto_eckey_pk_view(const struct crypto_eckey *key);

/* seal_file.c */

/*
 * Replaces the file at path with len bytes atomically: a temporary file
 * in the same directory (mode 0600), fsync, rename, fsync of the
 * directory. A crash leaves the old file or the new one.
 */
int crypto_file_write_atomic(const char *path, const void *data, size_t len,
    char *err, size_t errlen);

/* p256_table.c */

/*
 * (r, s) as the DER SEQUENCE of two INTEGERs that X.509 and TLS carry,
 * into sig (MBEDTLS_ECDSA_MAX_LEN bytes); 0 or an mbedTLS error.
 */
int crypto_ecdsa_sig_der(const mbedtls_mpi *r, const mbedtls_mpi *s,
    unsigned char *sig, size_t *siglen);

/* eckey_external.c */

/*
 * Signs a digest (len bytes) with an external key through its callback:
 * r || s into sig. -1 when key is not external or the signer fails.
 */
int crypto_eckey_external_sign(const struct crypto_eckey *key,
    const uint8_t *digest, size_t len, uint8_t sig[CRYPTO_ES256_SIG_LEN],
    char *err, size_t errlen);

#endif /* WARDEN_CRYPTO_INT_H */
