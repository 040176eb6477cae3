/*
 * tpm.c - the connection to a TPM 2.0 (tpm2-tss ESAPI), the primary
 * storage key, and the files that hold TPM-wrapped objects.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <tss2/tss2_mu.h>
#include <tss2/tss2_rc.h>
#include <tss2/tss2_tctildr.h>

#include "crypto/tpm_int.h"

#define BLOB_FILE_MAX 4096	/* a P-256 key's blobs take about 250 bytes */
/* TPM2_HR_TRANSIENT, written out: tss2's macro shifts a signed 0x80 by
 * 24 bits, which the sanitizers rightly call undefined. */
#define HR_TRANSIENT ((TPM2_HC)0x80000000u)

void
tpm_seterr(char *err, size_t errlen, const char *what, TSS2_RC rc)
{
	crypto_seterr(err, errlen, "%s: %s", what, Tss2_RC_Decode(rc));
}

/*
 * Flushes the transient objects a previous process left in the TPM. With
 * the kernel's resource manager (/dev/tpmrm0) there are none to see; a
 * TPM reached directly (swtpm, a simulator) keeps them until flushed,
 * and has room for only a few.
 */
static void
flush_transients(struct crypto_tpm *tpm)
{
	TPMS_CAPABILITY_DATA *cap = NULL;
	TPMI_YES_NO more;
	ESYS_TR tr;
	UINT32 i;

	if (Esys_GetCapability(tpm->esys, ESYS_TR_NONE, ESYS_TR_NONE,
	    ESYS_TR_NONE, TPM2_CAP_HANDLES, HR_TRANSIENT,
	    TPM2_MAX_CAP_HANDLES, &more, &cap) != TSS2_RC_SUCCESS)
		return;
	for (i = 0; i < cap->data.handles.count; i++)
		if (Esys_TR_FromTPMPublic(tpm->esys,
		    cap->data.handles.handle[i], ESYS_TR_NONE, ESYS_TR_NONE,
		    ESYS_TR_NONE, &tr) == TSS2_RC_SUCCESS)
			Esys_FlushContext(tpm->esys, tr);
	Esys_Free(cap);
}

int
crypto_tpm_open(const char *tcti, struct crypto_tpm **out, char *err,
    size_t errlen)
{
	struct crypto_tpm *tpm;
	TSS2_RC rc;

	*out = NULL;
	if (tcti == NULL || tcti[0] == '\0' ||
	    strlen(tcti) > CRYPTO_TPM_TCTI_MAX) {
		crypto_seterr(err, errlen, "tpm: TCTI must be 1 to %d "
		    "characters", CRYPTO_TPM_TCTI_MAX);
		return -1;
	}
	if ((tpm = calloc(1, sizeof(*tpm))) == NULL) {
		crypto_seterr(err, errlen, "tpm: out of memory");
		return -1;
	}
	tpm->primary = ESYS_TR_NONE;
	if ((rc = Tss2_TctiLdr_Initialize(tcti, &tpm->tcti)) !=
	    TSS2_RC_SUCCESS) {
		tpm_seterr(err, errlen, "tpm: TCTI", rc);
		free(tpm);
		return -1;
	}
	if ((rc = Esys_Initialize(&tpm->esys, tpm->tcti, NULL)) !=
	    TSS2_RC_SUCCESS) {
		tpm_seterr(err, errlen, "tpm: ESAPI", rc);
		Tss2_TctiLdr_Finalize(&tpm->tcti);
		free(tpm);
		return -1;
	}
	pthread_mutex_init(&tpm->lock, NULL);
	flush_transients(tpm);
	*out = tpm;
	return 0;
}

void
crypto_tpm_close(struct crypto_tpm *tpm)
{
	if (tpm == NULL)
		return;
	if (tpm->primary != ESYS_TR_NONE)
		Esys_FlushContext(tpm->esys, tpm->primary);
	Esys_Finalize(&tpm->esys);
	Tss2_TctiLdr_Finalize(&tpm->tcti);
	pthread_mutex_destroy(&tpm->lock);
	free(tpm);
}

int
tpm_primary(struct crypto_tpm *tpm, ESYS_TR *out, char *err, size_t errlen)
{
	/* The TCG storage key template (ECC P-256, AES-128-CFB): the same
	 * template always gives the same key from the owner seed. */
	const TPM2B_PUBLIC tmpl = {
		.publicArea = {
			.type = TPM2_ALG_ECC,
			.nameAlg = TPM2_ALG_SHA256,
			.objectAttributes = TPMA_OBJECT_FIXEDTPM |
			    TPMA_OBJECT_FIXEDPARENT |
			    TPMA_OBJECT_SENSITIVEDATAORIGIN |
			    TPMA_OBJECT_USERWITHAUTH | TPMA_OBJECT_NODA |
			    TPMA_OBJECT_RESTRICTED | TPMA_OBJECT_DECRYPT,
			.parameters.eccDetail = {
				.symmetric = {
					.algorithm = TPM2_ALG_AES,
					.keyBits.aes = 128,
					.mode.aes = TPM2_ALG_CFB,
				},
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
	TPM2B_CREATION_DATA *cdata = NULL;
	TPM2B_DIGEST *chash = NULL;
	TPMT_TK_CREATION *ticket = NULL;
	TSS2_RC rc;

	if (tpm->primary == ESYS_TR_NONE) {
		rc = Esys_CreatePrimary(tpm->esys, ESYS_TR_RH_OWNER,
		    ESYS_TR_PASSWORD, ESYS_TR_NONE, ESYS_TR_NONE, &sens, &tmpl,
		    &outside, &pcrs, &tpm->primary, &pub, &cdata, &chash,
		    &ticket);
		Esys_Free(pub);
		Esys_Free(cdata);
		Esys_Free(chash);
		Esys_Free(ticket);
		if (rc != TSS2_RC_SUCCESS) {
			tpm->primary = ESYS_TR_NONE;
			tpm_seterr(err, errlen, "tpm: primary key", rc);
			return -1;
		}
	}
	*out = tpm->primary;
	return 0;
}

int
tpm_load(struct crypto_tpm *tpm, const TPM2B_PUBLIC *pub,
    const TPM2B_PRIVATE *priv, ESYS_TR *out, char *err, size_t errlen)
{
	ESYS_TR parent;
	TSS2_RC rc;

	if (tpm_primary(tpm, &parent, err, errlen) != 0)
		return -1;
	rc = Esys_Load(tpm->esys, parent, ESYS_TR_PASSWORD, ESYS_TR_NONE,
	    ESYS_TR_NONE, priv, pub, out);
	if (rc != TSS2_RC_SUCCESS) {
		/* Typically an integrity failure: another TPM wrapped it. */
		tpm_seterr(err, errlen, "tpm: loading the key (made by "
		    "another TPM?)", rc);
		return -1;
	}
	return 0;
}

int
tpm_blobs_encode(const char *magic, const TPM2B_PUBLIC *pub,
    const TPM2B_PRIVATE *priv, uint8_t *buf, size_t cap, size_t *len,
    char *err, size_t errlen)
{
	size_t off = TPM_MAGIC_LEN;
	TSS2_RC rc;

	if (cap < TPM_MAGIC_LEN) {
		crypto_seterr(err, errlen, "tpm: buffer too small");
		return -1;
	}
	memcpy(buf, magic, TPM_MAGIC_LEN);
	if ((rc = Tss2_MU_TPM2B_PUBLIC_Marshal(pub, buf, cap, &off)) !=
	    TSS2_RC_SUCCESS ||
	    (rc = Tss2_MU_TPM2B_PRIVATE_Marshal(priv, buf, cap, &off)) !=
	    TSS2_RC_SUCCESS) {
		tpm_seterr(err, errlen, "tpm: encoding the blobs", rc);
		return -1;
	}
	*len = off;
	return 0;
}

int
tpm_blobs_decode(const char *what, const char *magic, const uint8_t *buf,
    size_t len, TPM2B_PUBLIC *pub, TPM2B_PRIVATE *priv, char *err,
    size_t errlen)
{
	size_t off = TPM_MAGIC_LEN;

	memset(pub, 0, sizeof(*pub));
	memset(priv, 0, sizeof(*priv));
	if (len < TPM_MAGIC_LEN || memcmp(buf, magic, TPM_MAGIC_LEN) != 0) {
		crypto_seterr(err, errlen, "%s: not a TPM object of this kind",
		    what);
		return -1;
	}
	if (Tss2_MU_TPM2B_PUBLIC_Unmarshal(buf, len, &off, pub) !=
	    TSS2_RC_SUCCESS || Tss2_MU_TPM2B_PRIVATE_Unmarshal(buf, len,
	    &off, priv) != TSS2_RC_SUCCESS || off != len) {
		crypto_seterr(err, errlen, "%s: malformed TPM blobs", what);
		return -1;
	}
	return 0;
}

int
tpm_blobs_write(const char *path, const char *magic,
    const TPM2B_PUBLIC *pub, const TPM2B_PRIVATE *priv, char *err,
    size_t errlen)
{
	uint8_t buf[BLOB_FILE_MAX];
	size_t len;
	int ret;

	if (tpm_blobs_encode(magic, pub, priv, buf, sizeof(buf), &len, err,
	    errlen) != 0)
		return -1;
	ret = crypto_file_write_atomic(path, buf, len, err, errlen);
	crypto_zero(buf, sizeof(buf));
	return ret;
}

int
tpm_blobs_read(const char *path, const char *magic, TPM2B_PUBLIC *pub,
    TPM2B_PRIVATE *priv, char *err, size_t errlen)
{
	uint8_t buf[BLOB_FILE_MAX + 1];
	size_t got = 0;
	struct stat st;
	ssize_t r;
	int fd, ret = -1;

	memset(pub, 0, sizeof(*pub));
	memset(priv, 0, sizeof(*priv));
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0) {
		crypto_seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		crypto_seterr(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	while (got < sizeof(buf)) {
		r = read(fd, buf + got, sizeof(buf) - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			crypto_seterr(err, errlen, "%s: %s", path,
			    strerror(errno));
			goto out;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	if (got > BLOB_FILE_MAX) {
		crypto_seterr(err, errlen, "%s: too large for TPM blobs",
		    path);
		goto out;
	}
	ret = tpm_blobs_decode(path, magic, buf, got, pub, priv, err, errlen);
out:
	crypto_zero(buf, sizeof(buf));
	close(fd);
	return ret;
}
