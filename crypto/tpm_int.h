/*
 * tpm_int.h - declarations shared by crypto/tpm*.c only.
 */
#ifndef WARDEN_CRYPTO_TPM_INT_H
#define WARDEN_CRYPTO_TPM_INT_H

#include <pthread.h>

#include <tss2/tss2_esys.h>

#include "crypto/crypto_int.h"
#include "crypto/tpm.h"

#define TPM_MAGIC_LEN 8
#define TPM_MAGIC_KEY "WTPMKEY1"
#define TPM_MAGIC_SEAL "WTPMSEL1"

struct crypto_tpm {
	pthread_mutex_t lock;	/* one command sequence at a time */
	TSS2_TCTI_CONTEXT *tcti;
	ESYS_CONTEXT *esys;
	ESYS_TR primary;	/* ESYS_TR_NONE until first needed */
};

/* tpm.c */

/* Formats "<what>: <tpm2-tss's text for rc>" into err. */
void tpm_seterr(char *err, size_t errlen, const char *what, TSS2_RC rc);

/*
 * The primary storage key's handle, created on first use and kept
 * loaded. Call with tpm->lock held.
 */
int tpm_primary(struct crypto_tpm *tpm, ESYS_TR *out, char *err,
    size_t errlen);

/*
 * Marshals magic, pub and priv into buf (cap bytes); *len is the size.
 */
int tpm_blobs_encode(const char *magic, const TPM2B_PUBLIC *pub,
    const TPM2B_PRIVATE *priv, uint8_t *buf, size_t cap, size_t *len,
    char *err, size_t errlen);

/*
 * The reverse: exactly magic, one TPM2B_PUBLIC and one TPM2B_PRIVATE in
 * the len bytes at buf; "what" names the input in errors.
 */
int tpm_blobs_decode(const char *what, const char *magic, const uint8_t *buf,
    size_t len, TPM2B_PUBLIC *pub, TPM2B_PRIVATE *priv, char *err,
    size_t errlen);

/*
 * Writes magic, pub and priv to path atomically (mode 0600).
 */
int tpm_blobs_write(const char *path, const char *magic,
    const TPM2B_PUBLIC *pub, const TPM2B_PRIVATE *priv, char *err,
    size_t errlen);

/*
 * Reads a file written by tpm_blobs_write() with that magic: a regular
 * file (no symlink) of at most a few KiB, exactly magic, one TPM2B_PUBLIC
 * and one TPM2B_PRIVATE.
 */
int tpm_blobs_read(const char *path, const char *magic, TPM2B_PUBLIC *pub,
    TPM2B_PRIVATE *priv, char *err, size_t errlen);

/*
 * Loads pub/priv under the primary key; *out is a transient object the
 * caller flushes (Esys_FlushContext). Call with tpm->lock held.
 */
int tpm_load(struct crypto_tpm *tpm, const TPM2B_PUBLIC *pub,
    const TPM2B_PRIVATE *priv, ESYS_TR *out, char *err, size_t errlen);

#endif /* WARDEN_CRYPTO_TPM_INT_H */
