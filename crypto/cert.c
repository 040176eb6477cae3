/*
 * cert.c - certificate helpers: strict parsing of outside certificates,
 * fingerprints, validity dates, PEM export, names and key matching.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <mbedtls/oid.h>

#include "crypto/crypto_int.h"

static const char pem_begin[] = "-----BEGIN CERTIFICATE-----";

/* Number of PEM certificate blocks in NUL-terminated text. */
static size_t
count_pem_blocks(const char *text)
{
	size_t n = 0;

	while ((text = strstr(text, pem_begin)) != NULL) {
		n++;
		text += sizeof(pem_begin) - 1;
	}
	return n;
}

int
crypto_cert_parse(mbedtls_x509_crt *chain, const void *data, size_t len,
    char *err, size_t errlen)
{
	const mbedtls_x509_crt *last;
	unsigned char *buf;
	size_t buflen, before, blocks = 0;
	int ret;

	if (len == 0 || len > CRYPTO_CERT_MAX) {
		crypto_seterr(err, errlen,
		    "certificate: size %zu out of range 1..%d", len,
		    CRYPTO_CERT_MAX);
		return -1;
	}
	if (crypto_pem_input(data, len, &buf, &buflen) != 0) {
		crypto_seterr(err, errlen, "certificate: out of memory");
		return -1;
	}
	before = crypto_cert_count(chain);
	if (buflen > len)
		blocks = count_pem_blocks((char *)buf);
	if (buflen > len && blocks == 0) {
		crypto_seterr(err, errlen, "certificate: text without a "
		    "\"%s\" block", pem_begin);
		free(buf);
		return -1;
	}
	/* mbedTLS skips PEM blocks it cannot parse and returns how many it
	 * skipped; a bundle with a bad block is rejected whole here. */
	ret = mbedtls_x509_crt_parse(chain, buf, buflen);
	free(buf);
	if (ret < 0) {
		crypto_seterr_mbedtls(err, errlen, "certificate", ret);
		return -1;
	}
	if (ret > 0 || (blocks > 0 &&
	    crypto_cert_count(chain) - before != blocks)) {
		crypto_seterr(err, errlen, "certificate: %d of %zu PEM blocks "
		    "do not parse", ret > 0 ? ret : 1, blocks);
		return -1;
	}
	/* mbedTLS ignores bytes after a DER certificate; they are refused. */
	if (blocks == 0) {
		for (last = chain; last->next != NULL; last = last->next)
			;
		if (last->raw.len != len) {
			crypto_seterr(err, errlen, "certificate: %zu trailing "
			    "byte(s) after the DER certificate",
			    len - last->raw.len);
			return -1;
		}
	}
	crypto_cert_share_table(chain);
	return 0;
}

int
crypto_cert_load(mbedtls_x509_crt *chain, const char *path, char *err,
    size_t errlen)
{
	struct stat st;
	unsigned char *buf = NULL;
	size_t got = 0;
	ssize_t r;
	int fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		crypto_seterr(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    st.st_size > CRYPTO_CERT_MAX) {
		crypto_seterr(err, errlen, "%s: not a regular file of 1..%d "
		    "bytes", path, CRYPTO_CERT_MAX);
		goto out;
	}
	if ((buf = malloc((size_t)st.st_size)) == NULL) {
		crypto_seterr(err, errlen, "%s: out of memory", path);
		goto out;
	}
	while (got < (size_t)st.st_size) {
		r = read(fd, buf + got, (size_t)st.st_size - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			crypto_seterr(err, errlen, "%s: short read", path);
			goto out;
		}
		got += (size_t)r;
	}
	rc = crypto_cert_parse(chain, buf, got, err, errlen);
out:
	free(buf);
	close(fd);
	return rc;
}

size_t
crypto_cert_count(const mbedtls_x509_crt *chain)
{
	size_t n = 0;

	/* An initialised, empty chain is one node with version 0. */
	for (; chain != NULL && chain->version != 0; chain = chain->next)
		n++;
	return n;
}

void
crypto_cert_fingerprint(const mbedtls_x509_crt *crt,
    uint8_t out[CRYPTO_SHA256_LEN])
{
	crypto_sha256(crt->raw.p, crt->raw.len, out);
}

static time_t
x509_time(const mbedtls_x509_time *t)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	tm.tm_year = t->year - 1900;
	tm.tm_mon = t->mon - 1;
	tm.tm_mday = t->day;
	tm.tm_hour = t->hour;
	tm.tm_min = t->min;
	tm.tm_sec = t->sec;
	return timegm(&tm);
}

time_t
crypto_cert_not_before(const mbedtls_x509_crt *crt)
{
	return x509_time(&crt->valid_from);
}

time_t
crypto_cert_not_after(const mbedtls_x509_crt *crt)
{
	return x509_time(&crt->valid_to);
}

int
crypto_cert_pem(const mbedtls_x509_crt *crt, char **pem)
{
	*pem = NULL;
	if (crt == NULL || crt->raw.p == NULL)
		return -1;
	return crypto_pem_encode("CERTIFICATE", crt->raw.p, crt->raw.len, pem);
}

int
crypto_cert_subject_cn(const mbedtls_x509_crt *crt, char *buf, size_t len)
{
	const mbedtls_x509_name *n;
	size_t i;

	if (len == 0)
		return -1;
	buf[0] = '\0';
	for (n = &crt->subject; n != NULL; n = n->next) {
		if (n->oid.p == NULL ||
		    MBEDTLS_OID_CMP(MBEDTLS_OID_AT_CN, &n->oid) != 0)
			continue;
		if (n->val.len >= len)
			return -1;
		for (i = 0; i < n->val.len; i++)
			buf[i] = n->val.p[i] >= 0x20 && n->val.p[i] <= 0x7e ?
			    (char)n->val.p[i] : '?';
		buf[i] = '\0';
		return 0;
	}
	return -1;
}

bool
crypto_cert_has_key(const mbedtls_x509_crt *crt,
    const struct crypto_eckey *key)
{
	const mbedtls_ecp_keypair *kc, *kk;

	if (crt == NULL || key == NULL ||
	    mbedtls_pk_get_type(&crt->pk) != MBEDTLS_PK_ECKEY)
		return false;
	kc = mbedtls_pk_ec(crt->pk);
	kk = mbedtls_pk_ec(key->pk);
	return kc->grp.id == kk->grp.id &&
	    mbedtls_ecp_point_cmp(&kc->Q, &kk->Q) == 0;
}
