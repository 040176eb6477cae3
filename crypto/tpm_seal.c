/*
 * tpm_seal.c - the sealing key for local secrets as a TPM sealed data
 * object: 32 random bytes the TPM gives back only to itself.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "crypto/tpm_int.h"

#define SEAL_ATTRS (TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT | \
	TPMA_OBJECT_USERWITHAUTH | TPMA_OBJECT_NODA)

/* Seals key into a new object and writes its blobs to path. */
static int
seal_new(struct crypto_tpm *tpm, const char *path,
    const uint8_t key[CRYPTO_SEAL_KEY_LEN], char *err, size_t errlen)
{
	const TPM2B_PUBLIC tmpl = {
		.publicArea = {
			.type = TPM2_ALG_KEYEDHASH,
			.nameAlg = TPM2_ALG_SHA256,
			.objectAttributes = SEAL_ATTRS,
			.parameters.keyedHashDetail.scheme.scheme =
			    TPM2_ALG_NULL,
		},
	};
	TPM2B_SENSITIVE_CREATE sens = { 0 };
	const TPM2B_DATA outside = { 0 };
	const TPML_PCR_SELECTION pcrs = { 0 };
	TPM2B_PUBLIC *pub = NULL;
	TPM2B_PRIVATE *priv = NULL;
	TPM2B_CREATION_DATA *cdata = NULL;
	TPM2B_DIGEST *chash = NULL;
	TPMT_TK_CREATION *ticket = NULL;
	ESYS_TR parent;
	TSS2_RC rc = TSS2_RC_SUCCESS;
	int ret = -1;

	sens.sensitive.data.size = CRYPTO_SEAL_KEY_LEN;
	memcpy(sens.sensitive.data.buffer, key, CRYPTO_SEAL_KEY_LEN);
	pthread_mutex_lock(&tpm->lock);
	if (tpm_primary(tpm, &parent, err, errlen) == 0)
		rc = Esys_Create(tpm->esys, parent, ESYS_TR_PASSWORD,
		    ESYS_TR_NONE, ESYS_TR_NONE, &sens, &tmpl, &outside, &pcrs,
		    &priv, &pub, &cdata, &chash, &ticket);
	else
		rc = TSS2_BASE_RC_GENERAL_FAILURE;
	pthread_mutex_unlock(&tpm->lock);
	crypto_zero(&sens, sizeof(sens));
	if (pub == NULL || priv == NULL) {
		if (rc != TSS2_BASE_RC_GENERAL_FAILURE)
			tpm_seterr(err, errlen, "tpm: sealing", rc);
	} else {
		ret = tpm_blobs_write(path, TPM_MAGIC_SEAL, pub, priv, err,
		    errlen);
	}
	Esys_Free(pub);
	Esys_Free(priv);
	Esys_Free(cdata);
	Esys_Free(chash);
	Esys_Free(ticket);
	return ret;
}

static int
unseal(struct crypto_tpm *tpm, const char *path,
    uint8_t key[CRYPTO_SEAL_KEY_LEN], char *err, size_t errlen)
{
	TPM2B_PUBLIC pub;
	TPM2B_PRIVATE priv;
	TPM2B_SENSITIVE_DATA *data = NULL;
	ESYS_TR h;
	TSS2_RC rc;
	int ret = -1;

	if (tpm_blobs_read(path, TPM_MAGIC_SEAL, &pub, &priv, err,
	    errlen) != 0)
		return -1;
	if (pub.publicArea.type != TPM2_ALG_KEYEDHASH ||
	    (pub.publicArea.objectAttributes & SEAL_ATTRS) != SEAL_ATTRS) {
		crypto_seterr(err, errlen, "%s: not a sealed data object",
		    path);
		return -1;
	}
	pthread_mutex_lock(&tpm->lock);
	if (tpm_load(tpm, &pub, &priv, &h, err, errlen) == 0) {
		rc = Esys_Unseal(tpm->esys, h, ESYS_TR_PASSWORD, ESYS_TR_NONE,
		    ESYS_TR_NONE, &data);
		Esys_FlushContext(tpm->esys, h);
		if (rc != TSS2_RC_SUCCESS)
			tpm_seterr(err, errlen, "tpm: unsealing", rc);
		else if (data->size != CRYPTO_SEAL_KEY_LEN)
			crypto_seterr(err, errlen, "%s: sealed data is %u "
			    "bytes, not %d", path, data->size,
			    CRYPTO_SEAL_KEY_LEN);
		else {
			memcpy(key, data->buffer, CRYPTO_SEAL_KEY_LEN);
			ret = 0;
		}
	}
	pthread_mutex_unlock(&tpm->lock);
	if (data != NULL) {
		crypto_zero(data, sizeof(*data));
		Esys_Free(data);
	}
	return ret;
}

int
crypto_tpm_sealing_key(struct crypto_tpm *tpm, struct crypto_rng *rng,
    const char *path, uint8_t key[CRYPTO_SEAL_KEY_LEN], char *err,
    size_t errlen)
{
	int ret;

	if (access(path, F_OK) != 0 && errno == ENOENT) {
		if (crypto_rng_bytes(rng, key, CRYPTO_SEAL_KEY_LEN) != 0) {
			crypto_seterr(err, errlen, "tpm: no random bytes");
			ret = -1;
		} else {
			ret = seal_new(tpm, path, key, err, errlen);
		}
	} else {
		ret = unseal(tpm, path, key, err, errlen);
	}
	if (ret != 0)
		crypto_zero(key, CRYPTO_SEAL_KEY_LEN);
	return ret;
}
