/*
 * tpm.h - the device key and the sealing key in a TPM 2.0 (tpm2-tss).
 *
 * Everything lives under one primary key of the owner hierarchy,
 * re-derived from the TPM's seed when needed (an ECC P-256 storage key
 * from the TCG template: restricted, decrypt, AES-128-CFB; empty owner
 * authorisation). Under it:
 *  - the device key, an ECC P-256 signing key created inside the TPM with
 *    fixedTPM | fixedParent | sensitiveDataOrigin | userWithAuth | noDA |
 *    sign: its private half never leaves the TPM in the clear. Its file
 *    holds the TPM's public and wrapped private blobs, useless without
 *    that TPM;
 *  - sealed data objects (keyedhash, fixedTPM | fixedParent) holding
 *    small secrets such as the HAL's sealing key and fscrypt keys,
 *    unsealed on each use.
 *
 * Blobs: 8 bytes of magic ("WTPMKEY1" or "WTPMSEL1"), then the marshalled
 * TPM2B_PUBLIC and TPM2B_PRIVATE, nothing after; a key file is written
 * atomically, mode 0600. docs/crypto.md describes the choices.
 *
 * Conventions as crypto.h. A struct crypto_tpm may be used from several
 * threads (one lock serialises its commands); every call blocks for TPM
 * commands, milliseconds to a few hundred on slow hardware. Without
 * CONFIG_TPM these functions exist as stubs that fail with "UNSUPPORTED".
 */
#ifndef WARDEN_CRYPTO_TPM_H
#define WARDEN_CRYPTO_TPM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "crypto/crypto.h"

struct crypto_tpm;

#define CRYPTO_TPM_TCTI_MAX 256
#define CRYPTO_TPM_SEAL_MAX 128		/* bytes a sealed object holds */
#define CRYPTO_TPM_BLOB_MAX 1024	/* a sealed object's blobs, bytes */

#ifdef CONFIG_TPM

/*
 * Connects to the TPM through a TCTI configuration string, as tpm2-tss's
 * loader takes it: "device:/dev/tpmrm0", "swtpm:host=127.0.0.1,port=2321"
 * (at most CRYPTO_TPM_TCTI_MAX characters). Transient objects left over
 * from an earlier process are flushed. *out owns the connection.
 */
int crypto_tpm_open(const char *tcti, struct crypto_tpm **out, char *err,
    size_t errlen);

/*
 * Flushes what this connection loaded and closes it. Every key made by
 * crypto_tpm_key_create() / _load() must be freed first. NULL is a no-op.
 */
void crypto_tpm_close(struct crypto_tpm *tpm);

/*
 * Creates a new P-256 signing key inside the TPM, writes its blobs to
 * path (replacing any file there) and returns it as a key whose
 * signatures the TPM makes (crypto_eckey_external_new()): usable for
 * CSRs, mutual TLS and ES256 like any key pair. *out borrows tpm.
 */
int crypto_tpm_key_create(struct crypto_tpm *tpm, const char *path,
    struct crypto_eckey **out, char *err, size_t errlen);

/*
 * Loads a key written by crypto_tpm_key_create(). The blobs are checked
 * (attributes, curve) and loaded once into the TPM, which refuses blobs
 * another TPM wrapped. *out borrows tpm.
 */
int crypto_tpm_key_load(struct crypto_tpm *tpm, const char *path,
    struct crypto_eckey **out, char *err, size_t errlen);

/* True when the file at path starts as a TPM key file. */
bool crypto_tpm_key_file(const char *path);

/*
 * Seals len bytes (1 .. CRYPTO_TPM_SEAL_MAX) of data into a new sealed
 * data object and writes its blobs ("WTPMSEL1", TPM2B_PUBLIC,
 * TPM2B_PRIVATE) to blob (cap bytes; CRYPTO_TPM_BLOB_MAX suffice);
 * *bloblen is their size. Only this TPM can unseal them.
 */
int crypto_tpm_seal(struct crypto_tpm *tpm, const void *data, size_t len,
    uint8_t *blob, size_t cap, size_t *bloblen, char *err, size_t errlen);

/*
 * Unseals blobs made by crypto_tpm_seal() into out (cap bytes); *outlen
 * is the secret's size. Fails for blobs another TPM made or altered.
 */
int crypto_tpm_unseal(struct crypto_tpm *tpm, const uint8_t *blob,
    size_t len, void *out, size_t cap, size_t *outlen, char *err,
    size_t errlen);

#else /* !CONFIG_TPM */

static inline int
crypto_tpm_open(const char *tcti, struct crypto_tpm **out, char *err,
    size_t errlen)
{
	(void)tcti;
	*out = NULL;
	if (err != NULL)
		snprintf(err, errlen, "tpm: UNSUPPORTED (built without "
		    "CONFIG_TPM)");
	return -1;
}

static inline void
crypto_tpm_close(struct crypto_tpm *tpm)
{
	(void)tpm;
}

static inline int
crypto_tpm_key_create(struct crypto_tpm *tpm, const char *path,
    struct crypto_eckey **out, char *err, size_t errlen)
{
	(void)tpm;
	(void)path;
	*out = NULL;
	if (err != NULL)
		snprintf(err, errlen, "tpm: UNSUPPORTED (built without "
		    "CONFIG_TPM)");
	return -1;
}

static inline int
crypto_tpm_key_load(struct crypto_tpm *tpm, const char *path,
    struct crypto_eckey **out, char *err, size_t errlen)
{
	return crypto_tpm_key_create(tpm, path, out, err, errlen);
}

static inline bool
crypto_tpm_key_file(const char *path)
{
	(void)path;
	return false;
}

static inline int
crypto_tpm_seal(struct crypto_tpm *tpm, const void *data, size_t len,
    uint8_t *blob, size_t cap, size_t *bloblen, char *err, size_t errlen)
{
	(void)tpm;
	(void)data;
	(void)len;
	(void)blob;
	(void)cap;
	*bloblen = 0;
	if (err != NULL)
		snprintf(err, errlen, "tpm: UNSUPPORTED (built without "
		    "CONFIG_TPM)");
	return -1;
}

static inline int
crypto_tpm_unseal(struct crypto_tpm *tpm, const uint8_t *blob, size_t len,
    void *out, size_t cap, size_t *outlen, char *err, size_t errlen)
{
	(void)out;
	(void)cap;
	return crypto_tpm_seal(tpm, blob, len, NULL, 0, outlen, err, errlen);
}

#endif /* CONFIG_TPM */

#endif /* WARDEN_CRYPTO_TPM_H */
