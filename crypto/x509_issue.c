/*
 * x509_issue.c - minting certificates: a self-signed CA, and certificates
 * issued from checked PKCS#10 requests. The reference MDM server is a CA
 * through these two functions, and the tests build their PKI with them.
 *
 * mbedTLS 2.28 has no writer for subjectAltName or extendedKeyUsage, so
 * those two extensions are DER-encoded here.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/asn1write.h>
#include <mbedtls/oid.h>
#include <mbedtls/x509_crt.h>

#include "crypto/crypto_int.h"

#define CRT_DER_MAX 4096
#define SAN_DER_MAX (CRYPTO_SAN_MAX * 260 + 8)
#define DNS_NAME_MAX 253

static int
check_spec(const struct crypto_cert_spec *spec, char *err, size_t errlen)
{
	size_t n = 0;

	if (spec->kind != CRYPTO_CERT_CA && spec->kind != CRYPTO_CERT_SERVER &&
	    spec->kind != CRYPTO_CERT_CLIENT) {
		crypto_seterr(err, errlen, "spec.kind: unknown");
		return -1;
	}
	if (spec->serial == 0) {
		crypto_seterr(err, errlen, "spec.serial: must be positive");
		return -1;
	}
	if (spec->not_after <= spec->not_before) {
		crypto_seterr(err, errlen,
		    "spec.not_after: must be later than not_before");
		return -1;
	}
	if (spec->kind == CRYPTO_CERT_CA &&
	    (spec->max_pathlen < -1 || spec->max_pathlen > 127)) {
		crypto_seterr(err, errlen, "spec.max_pathlen: out of range "
		    "-1..127");
		return -1;
	}
	while (spec->san != NULL && spec->san[n] != NULL)
		n++;
	if (n > CRYPTO_SAN_MAX) {
		crypto_seterr(err, errlen, "spec.san: more than %d entries",
		    CRYPTO_SAN_MAX);
		return -1;
	}
	return 0;
}

static int
set_validity(mbedtls_x509write_cert *w, time_t from, time_t to, char *err,
    size_t errlen)
{
	char a[16], b[16];
	struct tm tm;

	if (gmtime_r(&from, &tm) == NULL || tm.tm_year + 1900 < 1950 ||
	    strftime(a, sizeof(a), "%Y%m%d%H%M%S", &tm) != 14 ||
	    gmtime_r(&to, &tm) == NULL || tm.tm_year + 1900 > 9999 ||
	    strftime(b, sizeof(b), "%Y%m%d%H%M%S", &tm) != 14 ||
	    mbedtls_x509write_crt_set_validity(w, a, b) != 0) {
		crypto_seterr(err, errlen,
		    "spec: validity outside the years 1950..9999");
		return -1;
	}
	return 0;
}

static int
set_serial(mbedtls_x509write_cert *w, uint64_t serial)
{
	unsigned char be[8];
	mbedtls_mpi mpi;
	int i, ret;

	for (i = 7; i >= 0; i--) {
		be[i] = (unsigned char)serial;
		serial >>= 8;
	}
	mbedtls_mpi_init(&mpi);
	ret = mbedtls_mpi_read_binary(&mpi, be, sizeof(be));
	if (ret == 0)
		ret = mbedtls_x509write_crt_set_serial(w, &mpi);
	mbedtls_mpi_free(&mpi);
	return ret;
}

static bool
dns_name_valid(const char *s)
{
	size_t n;

	for (n = 0; s[n] != '\0'; n++)
		if (n >= DNS_NAME_MAX || !((s[n] >= 'a' && s[n] <= 'z') ||
		    (s[n] >= 'A' && s[n] <= 'Z') || (s[n] >= '0' &&
		    s[n] <= '9') || strchr("-.*:", s[n]) != NULL))
			return false;
	return n > 0;
}

/* Writes one GeneralName before *p (mbedTLS writes DER backwards). */
static int
write_general_name(unsigned char **p, unsigned char *start,
    const char *entry, char *err, size_t errlen)
{
	unsigned char addr[16];
	size_t alen, len = 0;
	int tag, ret;

	if (strncmp(entry, "DNS:", 4) == 0 && dns_name_valid(entry + 4)) {
		tag = 2;	/* dNSName [2] IA5String */
		ret = mbedtls_asn1_write_raw_buffer(p, start,
		    (const unsigned char *)entry + 4, strlen(entry + 4));
	} else if (strncmp(entry, "IP:", 3) == 0 &&
	    (inet_pton(AF_INET, entry + 3, addr) == 1 ||
	    inet_pton(AF_INET6, entry + 3, addr) == 1)) {
		tag = 7;	/* iPAddress [7] OCTET STRING */
		alen = strchr(entry + 3, ':') != NULL ? 16 : 4;
		ret = mbedtls_asn1_write_raw_buffer(p, start, addr, alen);
	} else {
		crypto_seterr(err, errlen, "spec.san: \"%.64s\" is neither "
		    "DNS:<name> nor IP:<address>", entry);
		return -1;
	}
	if (ret < 0)
		return -1;
	len = (size_t)ret;
	if ((ret = mbedtls_asn1_write_len(p, start, len)) < 0)
		return -1;
	len += (size_t)ret;
	if ((ret = mbedtls_asn1_write_tag(p, start,
	    MBEDTLS_ASN1_CONTEXT_SPECIFIC | tag)) < 0)
		return -1;
	return (int)(len + (size_t)ret);
}

static int
set_san(mbedtls_x509write_cert *w, const char *const *san, char *err,
    size_t errlen)
{
	unsigned char buf[SAN_DER_MAX], *p = buf + sizeof(buf);
	size_t n = 0, len = 0;
	int ret;

	if (san == NULL || san[0] == NULL)
		return 0;
	while (san[n] != NULL)
		n++;
	/* Backwards, so that the entries come out in the given order. */
	while (n-- > 0) {
		if ((ret = write_general_name(&p, buf, san[n], err,
		    errlen)) < 0)
			return -1;
		len += (size_t)ret;
	}
	if ((ret = mbedtls_asn1_write_len(&p, buf, len)) < 0)
		return -1;
	len += (size_t)ret;
	if ((ret = mbedtls_asn1_write_tag(&p, buf,
	    MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE)) < 0)
		return -1;
	len += (size_t)ret;
	return mbedtls_x509write_crt_set_extension(w,
	    MBEDTLS_OID_SUBJECT_ALT_NAME,
	    MBEDTLS_OID_SIZE(MBEDTLS_OID_SUBJECT_ALT_NAME), 0, p, len) == 0 ?
	    0 : -1;
}

static int
set_ext_key_usage(mbedtls_x509write_cert *w, const char *oid, size_t oidlen)
{
	unsigned char buf[32], *p = buf + sizeof(buf);
	size_t len = 0;
	int ret;

	if ((ret = mbedtls_asn1_write_oid(&p, buf, oid, oidlen)) < 0)
		return -1;
	len += (size_t)ret;
	if ((ret = mbedtls_asn1_write_len(&p, buf, len)) < 0)
		return -1;
	len += (size_t)ret;
	if ((ret = mbedtls_asn1_write_tag(&p, buf,
	    MBEDTLS_ASN1_CONSTRUCTED | MBEDTLS_ASN1_SEQUENCE)) < 0)
		return -1;
	len += (size_t)ret;
	return mbedtls_x509write_crt_set_extension(w,
	    MBEDTLS_OID_EXTENDED_KEY_USAGE,
	    MBEDTLS_OID_SIZE(MBEDTLS_OID_EXTENDED_KEY_USAGE), 0, p, len) == 0 ?
	    0 : -1;
}

/* The extensions that follow from spec->kind, plus key identifiers. */
static int
set_extensions(mbedtls_x509write_cert *w, const struct crypto_cert_spec *spec,
    char *err, size_t errlen)
{
	int ret;

	switch (spec->kind) {
	case CRYPTO_CERT_CA:
		ret = mbedtls_x509write_crt_set_basic_constraints(w, 1,
		    spec->max_pathlen);
		if (ret == 0)
			ret = mbedtls_x509write_crt_set_key_usage(w,
			    MBEDTLS_X509_KU_KEY_CERT_SIGN |
			    MBEDTLS_X509_KU_CRL_SIGN);
		break;
	case CRYPTO_CERT_SERVER:
	case CRYPTO_CERT_CLIENT:
		ret = mbedtls_x509write_crt_set_basic_constraints(w, 0, 0);
		if (ret == 0)
			ret = mbedtls_x509write_crt_set_key_usage(w,
			    MBEDTLS_X509_KU_DIGITAL_SIGNATURE);
		if (ret == 0 && spec->kind == CRYPTO_CERT_SERVER)
			ret = set_ext_key_usage(w, MBEDTLS_OID_SERVER_AUTH,
			    MBEDTLS_OID_SIZE(MBEDTLS_OID_SERVER_AUTH));
		else if (ret == 0)
			ret = set_ext_key_usage(w, MBEDTLS_OID_CLIENT_AUTH,
			    MBEDTLS_OID_SIZE(MBEDTLS_OID_CLIENT_AUTH));
		break;
	default:
		ret = -1;
	}
	if (ret == 0)
		ret = mbedtls_x509write_crt_set_subject_key_identifier(w);
	if (ret == 0)
		ret = mbedtls_x509write_crt_set_authority_key_identifier(w);
	if (ret != 0) {
		crypto_seterr(err, errlen, "certificate: extensions: out of "
		    "memory");
		return -1;
	}
	return set_san(w, spec->san, err, errlen);
}

/*
 * The issuer name is the CA certificate's subject, attribute by attribute
 * with the original string types, so that it compares equal byte for
 * byte (a round trip through text could change both).
 */
static int
copy_issuer(mbedtls_x509write_cert *w, const mbedtls_x509_name *subject,
    char *err, size_t errlen)
{
	const mbedtls_x509_name *n, *o;
	mbedtls_asn1_named_data *cur;

	if (subject->oid.p == NULL) {
		crypto_seterr(err, errlen, "ca_cert.subject: empty");
		return -1;
	}
	for (n = subject; n != NULL; n = n->next) {
		for (o = subject; o != n; o = o->next)
			if (o->oid.len == n->oid.len &&
			    memcmp(o->oid.p, n->oid.p, n->oid.len) == 0)
				break;
		/* store_named_data() would merge repeated attributes. */
		if (o != n || n->next_merged) {
			crypto_seterr(err, errlen, "ca_cert.subject: repeated "
			    "or multi-valued attributes are not supported");
			return -1;
		}
		cur = mbedtls_asn1_store_named_data(&w->issuer,
		    (const char *)n->oid.p, n->oid.len, n->val.p, n->val.len);
		if (cur == NULL) {
			crypto_seterr(err, errlen,
			    "certificate: out of memory");
			return -1;
		}
		cur->val.tag = n->val.tag;
	}
	return 0;
}

/* Signs w and hands back the DER. */
static int
finish(mbedtls_x509write_cert *w, struct crypto_rng *rng, uint8_t **der,
    size_t *len, char *err, size_t errlen)
{
	unsigned char *buf;
	int n;

	if ((buf = malloc(CRT_DER_MAX)) == NULL) {
		crypto_seterr(err, errlen, "certificate: out of memory");
		return -1;
	}
	n = mbedtls_x509write_crt_der(w, buf, CRT_DER_MAX, crypto_rng_mbedtls,
	    rng);
	if (n <= 0) {
		crypto_seterr_mbedtls(err, errlen, "certificate", n);
		free(buf);
		return -1;
	}
	memmove(buf, buf + CRT_DER_MAX - n, (size_t)n);
	*der = buf;
	*len = (size_t)n;
	return 0;
}

int
crypto_issue_self_signed(struct crypto_rng *rng,
    struct crypto_eckey *ca_key, const struct crypto_cert_spec *spec,
    uint8_t **der, size_t *len, char *err, size_t errlen)
{
	mbedtls_x509write_cert w;
	int ret, rc = -1;

	*der = NULL;
	*len = 0;
	if (check_spec(spec, err, errlen) != 0)
		return -1;
	if (spec->kind != CRYPTO_CERT_CA || spec->subject == NULL) {
		crypto_seterr(err, errlen, "spec: a self-signed certificate "
		    "must be a CA with a subject");
		return -1;
	}
	if (!crypto_eckey_has_private(ca_key)) {
		crypto_seterr(err, errlen, "ca_key: cannot sign");
		return -1;
	}
	mbedtls_x509write_crt_init(&w);
	mbedtls_x509write_crt_set_version(&w, MBEDTLS_X509_CRT_VERSION_3);
	mbedtls_x509write_crt_set_md_alg(&w, MBEDTLS_MD_SHA256);
	mbedtls_x509write_crt_set_subject_key(&w, &ca_key->pk);
	mbedtls_x509write_crt_set_issuer_key(&w, &ca_key->pk);
	if ((ret = mbedtls_x509write_crt_set_subject_name(&w,
	    spec->subject)) != 0 ||
	    (ret = mbedtls_x509write_crt_set_issuer_name(&w,
	    spec->subject)) != 0) {
		crypto_seterr_mbedtls(err, errlen, "spec.subject", ret);
		goto out;
	}
	if (set_serial(&w, spec->serial) != 0) {
		crypto_seterr(err, errlen, "spec.serial: out of memory");
		goto out;
	}
	if (set_validity(&w, spec->not_before, spec->not_after, err,
	    errlen) != 0 || set_extensions(&w, spec, err, errlen) != 0)
		goto out;
	rc = finish(&w, rng, der, len, err, errlen);
out:
	mbedtls_x509write_crt_free(&w);
	return rc;
}

int
crypto_issue_for_key(struct crypto_rng *rng, struct crypto_eckey *ca_key,
    const mbedtls_x509_crt *ca_cert, struct crypto_eckey *subject_key,
    const struct crypto_cert_spec *spec, uint8_t **der, size_t *len,
    char *err, size_t errlen)
{
	mbedtls_x509write_cert w;
	int ret, rc = -1;

	*der = NULL;
	*len = 0;
	if (check_spec(spec, err, errlen) != 0)
		return -1;
	if (spec->subject == NULL) {
		crypto_seterr(err, errlen, "spec.subject: required");
		return -1;
	}
	if (subject_key == NULL) {
		crypto_seterr(err, errlen, "subject_key: missing");
		return -1;
	}
	if (!crypto_eckey_has_private(ca_key)) {
		crypto_seterr(err, errlen, "ca_key: cannot sign");
		return -1;
	}
	if (!crypto_cert_has_key(ca_cert, ca_key)) {
		crypto_seterr(err, errlen,
		    "ca_cert: does not certify ca_key's public key");
		return -1;
	}
	if (!ca_cert->ca_istrue) {
		crypto_seterr(err, errlen, "ca_cert: not a CA certificate");
		return -1;
	}

	mbedtls_x509write_crt_init(&w);
	mbedtls_x509write_crt_set_version(&w, MBEDTLS_X509_CRT_VERSION_3);
	mbedtls_x509write_crt_set_md_alg(&w, MBEDTLS_MD_SHA256);
	mbedtls_x509write_crt_set_subject_key(&w, &subject_key->pk);
	mbedtls_x509write_crt_set_issuer_key(&w, &ca_key->pk);
	if ((ret = mbedtls_x509write_crt_set_subject_name(&w,
	    spec->subject)) != 0) {
		crypto_seterr_mbedtls(err, errlen, "spec.subject", ret);
		goto out;
	}
	if (copy_issuer(&w, &ca_cert->subject, err, errlen) != 0)
		goto out;
	if (set_serial(&w, spec->serial) != 0) {
		crypto_seterr(err, errlen, "spec.serial: out of memory");
		goto out;
	}
	if (set_validity(&w, spec->not_before, spec->not_after, err,
	    errlen) != 0 || set_extensions(&w, spec, err, errlen) != 0)
		goto out;
	rc = finish(&w, rng, der, len, err, errlen);
out:
	mbedtls_x509write_crt_free(&w);
	return rc;
}

int
crypto_issue_from_csr(struct crypto_rng *rng, struct crypto_eckey *ca_key,
    const mbedtls_x509_crt *ca_cert, const void *csr, size_t csrlen,
    const struct crypto_cert_spec *spec, uint8_t **der, size_t *len,
    char *err, size_t errlen)
{
	struct crypto_eckey *subject_key = NULL;
	struct crypto_cert_spec s;
	char cn[CRYPTO_CN_MAX + 1], subject[CRYPTO_CN_MAX + 4];
	int rc;

	*der = NULL;
	*len = 0;
	if (check_spec(spec, err, errlen) != 0)
		return -1;
	if (crypto_csr_check(csr, csrlen, cn, &subject_key, err, errlen) != 0)
		return -1;
	snprintf(subject, sizeof(subject), "CN=%s", cn);
	s = *spec;
	if (s.subject == NULL)
		s.subject = subject;
	rc = crypto_issue_for_key(rng, ca_key, ca_cert, subject_key, &s, der,
	    len, err, errlen);
	crypto_eckey_free(subject_key);
	return rc;
}
