/*
 * keystore.c - where the device key and the sealing key live: in a TPM
 * 2.0 when the device has one (crypto/tpm.h), else as files sealed under
 * the HAL keystore's sealing key (crypto_devkey_*).
 *
 * tpm-tcti in wardend.conf chooses: "auto" (the default) uses
 * /dev/tpmrm0 when it exists, "none" never a TPM, anything else is a
 * TCTI string and that TPM must answer or wardend does not start (a
 * device configured for a TPM never falls back to a software key).
 *
 * With a TPM, a new device key is created inside it and its file holds
 * only the TPM's blobs; a key file written before the TPM was in use
 * (a sealed file) still loads until the next renewal replaces it. The
 * HAL backend seals its own secret files to the TPM through the key
 * wrapping lent to it here: the Linux backend's sealing key and the work
 * profile's fscrypt key become TPM sealed data objects. Loading and
 * creating keys block on the TPM or the disk: call them on the work
 * queue (daemon_hal_job); the rest runs on the loop.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "agent/core/core.h"
#include "agent/session/session.h"
#include "agent/session/server.h"
#include "crypto/crypto.h"
#include "crypto/tpm.h"

#define AUTO_TPM_DEVICE "/dev/tpmrm0"

/* The HAL's key wrapping: a TPM sealed data object per secret. */
static int
tpm_wrap(void *arg, const uint8_t *secret, size_t len, uint8_t *blob,
    size_t cap, size_t *bloblen)
{
	struct wardend *d = arg;
	char err[CRYPTO_ERR_MAX];

	if (crypto_tpm_seal(d->tpm, secret, len, blob, cap, bloblen, err,
	    sizeof(err)) != 0) {
		log_warnx("HAL key wrapping: %s", err);
		return -EIO;
	}
	return 0;
}

static int
tpm_unwrap(void *arg, const uint8_t *blob, size_t len, uint8_t *secret,
    size_t cap, size_t *outlen)
{
	struct wardend *d = arg;
	char err[CRYPTO_ERR_MAX];

	if (crypto_tpm_unseal(d->tpm, blob, len, secret, cap, outlen, err,
	    sizeof(err)) != 0) {
		log_warnx("HAL key unwrapping: %s", err);
		return -EACCES;
	}
	return 0;
}

void
keystore_start(struct wardend *d)
{
	char tcti[sizeof(d->conf.tpm_tcti) + 16], err[CRYPTO_ERR_MAX];
	bool named;

	d->tpm = NULL;
	if (strcmp(d->conf.tpm_tcti, "none") == 0) {
		log_info("device key: sealed file (tpm-tcti none)");
		return;
	}
	named = strcmp(d->conf.tpm_tcti, "auto") != 0;
	if (!named && access(AUTO_TPM_DEVICE, R_OK | W_OK) != 0) {
		log_info("device key: sealed file (no %s)", AUTO_TPM_DEVICE);
		return;
	}
	snprintf(tcti, sizeof(tcti), "%s", named ? d->conf.tpm_tcti :
	    "device:" AUTO_TPM_DEVICE);
	/* tpm2-tss prints its own diagnostics on stderr; the reason it
	 * fails reaches the log once, here, through err. */
	setenv("TSS2_LOG", "all+none", 0);
	if (crypto_tpm_open(tcti, &d->tpm, err, sizeof(err)) != 0) {
		if (named)
			fatalx("tpm-tcti %s: %s", tcti, err);
		log_warnx("device key: sealed file (%s: %s)", tcti, err);
		return;
	}
	log_info("device key: TPM (%s)", tcti);
	d->keywrap.wrap = tpm_wrap;
	d->keywrap.unwrap = tpm_unwrap;
	d->keywrap.arg = d;
	if (hal_certstore_set_keywrap(&d->hal, &d->keywrap) == 0)
		log_info("HAL key files sealed to the TPM");
}

void
keystore_stop(struct wardend *d)
{
	/* A HAL still open stops using the TPM first (once closed, it
	 * answers -ENOSYS). */
	if (d->tpm != NULL)
		hal_certstore_set_keywrap(&d->hal, NULL);
	crypto_tpm_close(d->tpm);
	d->tpm = NULL;
}

const char *
keystore_kind(struct wardend *d)
{
	char path[PATH_MAX];

	if (d->tpm == NULL)
		return "sealed-file";
	/* A key sealed before the TPM was in use stays a sealed file until
	 * the next renewal: say so until then. */
	if (server_stored_key_path(d, path, sizeof(path)) == 0 &&
	    access(path, F_OK) == 0 && !crypto_tpm_key_file(path))
		return "sealed-file";
	return "tpm";
}

void
keystore_facts(struct wardend *d, struct hal_facts *fs)
{
	hal_fact_bool(fs, "key.hardware_backed",
	    strcmp(keystore_kind(d), "tpm") == 0);
}

/* The HAL keystore's sealing key: what sealed files are sealed under. */
static int
hal_sealing_key(struct wardend *d, uint8_t key[CRYPTO_SEAL_KEY_LEN],
    char *err, size_t errlen)
{
	int rc;

	if ((rc = hal_certstore_sealing_key(&d->hal, key)) != 0) {
		crypto_zero(key, CRYPTO_SEAL_KEY_LEN);
		snprintf(err, errlen, "the HAL keystore gives no sealing key: "
		    "%s", strerror(-rc));
		return -1;
	}
	return 0;
}

int
keystore_devkey_load(struct wardend *d, const char *path,
    struct crypto_eckey **out, char *err, size_t errlen)
{
	uint8_t sk[CRYPTO_SEAL_KEY_LEN];
	int rc;

	*out = NULL;
	if (crypto_tpm_key_file(path)) {
		if (d->tpm == NULL) {
			snprintf(err, errlen, "%s: the key is in a TPM and "
			    "no TPM is in use (tpm-tcti)", path);
			return -1;
		}
		return crypto_tpm_key_load(d->tpm, path, out, err, errlen);
	}
	/* A sealed file (no TPM, or written before there was one). */
	if (hal_sealing_key(d, sk, err, errlen) != 0)
		return -1;
	rc = crypto_devkey_load_sealed(path, sk, out, err, errlen);
	crypto_zero(sk, sizeof(sk));
	return rc;
}

int
keystore_devkey_create(struct wardend *d, struct crypto_rng *rng,
    const char *path, struct crypto_eckey **out, char *err, size_t errlen)
{
	uint8_t sk[CRYPTO_SEAL_KEY_LEN];
	int rc;

	*out = NULL;
	if (d->tpm != NULL)
		return crypto_tpm_key_create(d->tpm, path, out, err, errlen);
	if (hal_sealing_key(d, sk, err, errlen) != 0)
		return -1;
	rc = crypto_eckey_generate(rng, out, err, errlen);
	if (rc == 0 && (rc = crypto_devkey_save_sealed(rng, path, *out, sk,
	    err, errlen)) != 0) {
		crypto_eckey_free(*out);
		*out = NULL;
	}
	crypto_zero(sk, sizeof(sk));
	return rc;
}
