/*
 * tpm_key.c - the device key inside the TPM: an ECC P-256 signing key
 * that cannot leave it, presented to the rest of warden as an external
 * key (eckey_external.c) whose signatures TPM2_Sign makes.
 *
 * The key is not kept loaded: each signature loads the blobs under the
 * primary key, signs and flushes. A TPM reached without a resource
 * manager has room for three transient objects, and several keys (the
 * session's, a renewal's new one, an attestation's) may exist at once.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <mbedtls/ecp.h>

#include "crypto/tpm_int.h"

#define HALF (CRYPTO_ES256_SIG_LEN / 2)
#define KEY_ATTRS (TPMA_OBJECT_FIXEDTPM | TPMA_OBJECT_FIXEDPARENT | \
	TPMA_OBJECT_SENSITIVEDATAORIGIN | TPMA_OBJECT_USERWITHAUTH | \
	TPMA_OBJECT_NODA | TPMA_OBJECT_SIGN_ENCRYPT)

/* What a key's signing callback needs: borrowed TPM, owned blobs. */
struct tpm_keyref {
	struct crypto_tpm *tpm;
	TPM2B_PUBLIC pub;
	TPM2B_PRIVATE priv;
};

static void
keyref_free(void *arg)
{
	crypto_free_secret(arg, sizeof(struct tpm_keyref));
}

/* A TPM2B_ECC_PARAMETER (big-endian, leading zeros maybe dropped) into
 * 32 bytes. */
static int
param32(const TPM2B_ECC_PARAMETER *p, uint8_t out[HALF])
{
	if (p->size > HALF)
		return -1;
	memset(out, 0, HALF);
	memcpy(out + HALF - p->size, p->buffer, p->size);
	return 0;
}

static int
tpm_sign(void *arg, const uint8_t *digest, size_t len,
    uint8_t sig[CRYPTO_ES256_SIG_LEN], char *err, size_t errlen)
{
	struct tpm_keyref *k = arg;
	struct crypto_tpm *tpm = k->tpm;
	TPMT_SIG_SCHEME scheme = { .scheme = TPM2_ALG_ECDSA };
	const TPMT_TK_HASHCHECK validation = {
		.tag = TPM2_ST_HASHCHECK,
		.hierarchy = TPM2_RH_NULL,
	};
	TPMT_SIGNATURE *s = NULL;
	TPM2B_DIGEST dg = { 0 };
	ESYS_TR h;
	TSS2_RC rc;
	int ret = -1;

	/* The digest's length names the hash TLS chose. */
	switch (len) {
	case 32:
		scheme.details.ecdsa.hashAlg = TPM2_ALG_SHA256;
		break;
	case 48:
		scheme.details.ecdsa.hashAlg = TPM2_ALG_SHA384;
		break;
	case 64:
		scheme.details.ecdsa.hashAlg = TPM2_ALG_SHA512;
		break;
	default:
		crypto_seterr(err, errlen, "tpm: cannot sign a %zu-byte "
		    "digest", len);
		return -1;
	}
	dg.size = (UINT16)len;
	memcpy(dg.buffer, digest, len);
	pthread_mutex_lock(&tpm->lock);
	if (tpm_load(tpm, &k->pub, &k->priv, &h, err, errlen) != 0)
		goto out;
	rc = Esys_Sign(tpm->esys, h, ESYS_TR_PASSWORD, ESYS_TR_NONE,
	    ESYS_TR_NONE, &dg, &scheme, &validation, &s);
	Esys_FlushContext(tpm->esys, h);
	if (rc != TSS2_RC_SUCCESS) {
		tpm_seterr(err, errlen, "tpm: signing", rc);
		goto out;
	}
	if (s->sigAlg != TPM2_ALG_ECDSA ||
	    param32(&s->signature.ecdsa.signatureR, sig) != 0 ||
	    param32(&s->signature.ecdsa.signatureS, sig + HALF) != 0) {
		crypto_seterr(err, errlen, "tpm: unexpected signature form");
		crypto_zero(sig, CRYPTO_ES256_SIG_LEN);
		goto out;
	}
	ret = 0;
out:
	pthread_mutex_unlock(&tpm->lock);
	Esys_Free(s);
	return ret;
}

/* Checks that pub is a signing key of the kind this file creates. */
static int
check_public(const TPM2B_PUBLIC *pub, char *err, size_t errlen)
{
	const TPMT_PUBLIC *p = &pub->publicArea;

	if (p->type != TPM2_ALG_ECC ||
	    p->parameters.eccDetail.curveID != TPM2_ECC_NIST_P256 ||
	    (p->objectAttributes & KEY_ATTRS) != KEY_ATTRS ||
	    (p->objectAttributes & TPMA_OBJECT_DECRYPT) != 0 ||
	    p->unique.ecc.x.size > HALF || p->unique.ecc.y.size > HALF) {
		crypto_seterr(err, errlen, "tpm: the key file does not hold a "
		    "non-exportable P-256 signing key");
		return -1;
	}
	return 0;
}

/* The TPM's public point as a crypto_eckey. */
static int
public_key(const TPM2B_PUBLIC *pub, struct crypto_eckey **out, char *err,
    size_t errlen)
{
	mbedtls_pk_context pk;
	mbedtls_ecp_keypair *kp;
	uint8_t pt[1 + 2 * HALF];
	int ret;

	pt[0] = 0x04;	/* uncompressed point */
	if (param32(&pub->publicArea.unique.ecc.x, pt + 1) != 0 ||
	    param32(&pub->publicArea.unique.ecc.y, pt + 1 + HALF) != 0) {
		crypto_seterr(err, errlen, "tpm: bad public point");
		return -1;
	}
	mbedtls_pk_init(&pk);
	ret = mbedtls_pk_setup(&pk,
	    mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY));
	if (ret == 0) {
		kp = mbedtls_pk_ec(pk);
		ret = mbedtls_ecp_group_load(&kp->grp,
		    MBEDTLS_ECP_DP_SECP256R1);
		if (ret == 0)
			ret = mbedtls_ecp_point_read_binary(&kp->grp, &kp->Q,
			    pt, sizeof(pt));
		if (ret == 0)
			ret = mbedtls_ecp_check_pubkey(&kp->grp, &kp->Q);
	}
	if (ret != 0) {
		crypto_seterr_mbedtls(err, errlen, "tpm: public key", ret);
		mbedtls_pk_free(&pk);
		return -1;
	}
	if (crypto_eckey_adopt(&pk, false, out, err, errlen) != 0) {
		mbedtls_pk_free(&pk);
		return -1;
	}
	return 0;
}

/* Wraps the blobs in k (owned) as an external key. */
static int
wrap(struct tpm_keyref *k, struct crypto_eckey **out, char *err,
    size_t errlen)
{
	struct crypto_eckey *pub;
	int ret;

	if (public_key(&k->pub, &pub, err, errlen) != 0) {
		keyref_free(k);
		return -1;
	}
	ret = crypto_eckey_external_new(pub, tpm_sign, k, keyref_free, out,
	    err, errlen);
	crypto_eckey_free(pub);
	return ret;
}

int
crypto_tpm_key_create(struct crypto_tpm *tpm, const char *path,
    struct crypto_eckey **out, char *err, size_t errlen)
{
	const TPM2B_PUBLIC tmpl = {
		.publicArea = {
			.type = TPM2_ALG_ECC,
			.nameAlg = TPM2_ALG_SHA256,
			.objectAttributes = KEY_ATTRS,
			.parameters.eccDetail = {
				.symmetric.algorithm = TPM2_ALG_NULL,
				/* NULL: each TPM2_Sign names ECDSA and the
				 * hash the caller used. */
				.scheme.scheme = TPM2_ALG_NULL,
				.curveID = TPM2_ECC_NIST_P256,
				.kdf.scheme = TPM2_ALG_NULL,
			},
		},
	};
	const TPM2B_SENSITIVE_CREATE sens = { 0 };
	const TPM2B_DATA outside = { 0 };
	const TPML_PCR_SELECTION pcrs = { 0 };
	TPM2B_PUBLIC *pub = NULL;
	TPM2B_PRIVATE *priv = NULL;
	TPM2B_CREATION_DATA *cdata = NULL;
	TPM2B_DIGEST *chash = NULL;
	TPMT_TK_CREATION *ticket = NULL;
	struct tpm_keyref *k;
	ESYS_TR parent;
	TSS2_RC rc;

	*out = NULL;
	if ((k = calloc(1, sizeof(*k))) == NULL) {
		crypto_seterr(err, errlen, "tpm: out of memory");
		return -1;
	}
	k->tpm = tpm;
	pthread_mutex_lock(&tpm->lock);
	if (tpm_primary(tpm, &parent, err, errlen) != 0) {
		pthread_mutex_unlock(&tpm->lock);
		keyref_free(k);
		return -1;
	}
	rc = Esys_Create(tpm->esys, parent, ESYS_TR_PASSWORD, ESYS_TR_NONE,
	    ESYS_TR_NONE, &sens, &tmpl, &outside, &pcrs, &priv, &pub, &cdata,
	    &chash, &ticket);
	pthread_mutex_unlock(&tpm->lock);
	if (rc == TSS2_RC_SUCCESS) {
		k->pub = *pub;
		k->priv = *priv;
	}
	Esys_Free(pub);
	Esys_Free(priv);
	Esys_Free(cdata);
	Esys_Free(chash);
	Esys_Free(ticket);
	if (rc != TSS2_RC_SUCCESS) {
		tpm_seterr(err, errlen, "tpm: creating the key", rc);
		keyref_free(k);
		return -1;
	}
	if (check_public(&k->pub, err, errlen) != 0 ||
	    tpm_blobs_write(path, TPM_MAGIC_KEY, &k->pub, &k->priv, err,
	    errlen) != 0) {
		keyref_free(k);
		return -1;
	}
	return wrap(k, out, err, errlen);
}

int
crypto_tpm_key_load(struct crypto_tpm *tpm, const char *path,
    struct crypto_eckey **out, char *err, size_t errlen)
{
	struct tpm_keyref *k;
	ESYS_TR h;
	int ret;

	*out = NULL;
	if ((k = calloc(1, sizeof(*k))) == NULL) {
		crypto_seterr(err, errlen, "tpm: out of memory");
		return -1;
	}
	k->tpm = tpm;
	if (tpm_blobs_read(path, TPM_MAGIC_KEY, &k->pub, &k->priv, err,
	    errlen) != 0 || check_public(&k->pub, err, errlen) != 0) {
		keyref_free(k);
		return -1;
	}
	/* Loaded once now so that a key this TPM did not wrap fails here,
	 * not at the first handshake. */
	pthread_mutex_lock(&tpm->lock);
	ret = tpm_load(tpm, &k->pub, &k->priv, &h, err, errlen);
	if (ret == 0)
		Esys_FlushContext(tpm->esys, h);
	pthread_mutex_unlock(&tpm->lock);
	if (ret != 0) {
		keyref_free(k);
		return -1;
	}
	return wrap(k, out, err, errlen);
}

bool
crypto_tpm_key_file(const char *path)
{
	char magic[TPM_MAGIC_LEN];
	bool yes;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return false;
	yes = read(fd, magic, sizeof(magic)) == (ssize_t)sizeof(magic) &&
	    memcmp(magic, TPM_MAGIC_KEY, sizeof(magic)) == 0;
	close(fd);
	return yes;
}
