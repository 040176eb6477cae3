/*
 * tpm_seal.c - TPM sealed data objects: small secrets (the HAL's sealing
 * key, a work profile's fscrypt key) the TPM gives back only to itself.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "crypto/tpm_int.h"

#define SEAL_ATTRS (TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT | \
	TPMA_OBJECT_USERWITHAUTH | TPMA_OBJECT_NODA)

int
crypto_tpm_seal(struct crypto_tpm *tpm, const void *data, size_t len,
    uint8_t *blob, size_t cap, size_t *bloblen, char *err, size_t errlen)
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
	TSS2_RC rc;
	int ret = -1;

	if (len == 0 || len > CRYPTO_TPM_SEAL_MAX) {
		crypto_seterr(err, errlen, "tpm: can seal 1 to %d bytes, not "
		    "%zu", CRYPTO_TPM_SEAL_MAX, len);
		return -1;
	}
	sens.sensitive.data.size = (UINT16)len;
	memcpy(sens.sensitive.data.buffer, data, len);
	pthread_mutex_lock(&tpm->lock);
	if (tpm_primary(tpm, &parent, err, errlen) == 0) {
		rc = Esys_Create(tpm->esys, parent, ESYS_TR_PASSWORD,
		    ESYS_TR_NONE, ESYS_TR_NONE, &sens, &tmpl, &outside, &pcrs,
		    &priv, &pub, &cdata, &chash, &ticket);
		if (rc != TSS2_RC_SUCCESS)
			tpm_seterr(err, errlen, "tpm: sealing", rc);
		else
			ret = tpm_blobs_encode(TPM_MAGIC_SEAL, pub, priv, blob,
			    cap, bloblen, err, errlen);
	}
	pthread_mutex_unlock(&tpm->lock);
	crypto_zero(&sens, sizeof(sens));
	Esys_Free(pub);
	Esys_Free(priv);
	Esys_Free(cdata);
	Esys_Free(chash);
	Esys_Free(ticket);
	return ret;
}

int
crypto_tpm_unseal(struct crypto_tpm *tpm, const uint8_t *blob, size_t len,
    void *out, size_t cap, size_t *outlen, char *err, size_t errlen)
{
	TPM2B_PUBLIC pub;
	TPM2B_PRIVATE priv;
	TPM2B_SENSITIVE_DATA *data = NULL;
	ESYS_TR h;
	TSS2_RC rc;
	int ret = -1;

	*outlen = 0;
	if (tpm_blobs_decode("sealed object", TPM_MAGIC_SEAL, blob, len, &pub,
	    &priv, err, errlen) != 0)
		return -1;
	if (pub.publicArea.type != TPM2_ALG_KEYEDHASH ||
	    (pub.publicArea.objectAttributes & SEAL_ATTRS) != SEAL_ATTRS) {
		crypto_seterr(err, errlen, "sealed object: not a sealed data "
		    "object");
		return -1;
	}
	pthread_mutex_lock(&tpm->lock);
	if (tpm_load(tpm, &pub, &priv, &h, err, errlen) == 0) {
		rc = Esys_Unseal(tpm->esys, h, ESYS_TR_PASSWORD, ESYS_TR_NONE,
		    ESYS_TR_NONE, &data);
		Esys_FlushContext(tpm->esys, h);
		if (rc != TSS2_RC_SUCCESS)
			tpm_seterr(err, errlen, "tpm: unsealing", rc);
		else if (data->size > cap)
			crypto_seterr(err, errlen, "sealed object: %u bytes, "
			    "more than %zu", data->size, cap);
		else {
			memcpy(out, data->buffer, data->size);
			*outlen = data->size;
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
