/*
 * p256_table.c - one precomputed table of the P-256 base point for the
 * whole process, and EC keys that sign and verify with it.
 *
 * Every ECDSA signature multiplies the base point G; every verification
 * multiplies G and the signer's point. mbedTLS 2.28 speeds up multiples
 * of G with a table of precomputed points, but keeps that table in the
 * mbedtls_ecp_group of the operation, and its EC keys (the "EC" pk kind)
 * copy their group into a fresh ECDSA context for each signature and each
 * verification: the table is built again every time, which costs more
 * than the multiplication it serves. A server that does thousands of
 * handshakes and enrollments a minute paid for it on every one.
 *
 * Here the table is built once (pthread_once) in a group that is never
 * written again, so threads may share it. crypto_pk_share_table() gives
 * an EC P-256 pk context a pk_info_t of its own: the same kind, name and
 * key layout as mbedTLS's EC keys (every other function is theirs, so
 * pk_ec(), pk_write and the TLS layer see an ordinary EC key), whose sign
 * and verify run mbedTLS's deterministic ECDSA (RFC 6979) and its
 * verification on the shared group. The signatures are the same bytes
 * mbedTLS's own path makes.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/asn1.h>
#include <mbedtls/asn1write.h>
#include <mbedtls/ecdsa.h>
#include <mbedtls/pk_internal.h>

#include "crypto/crypto_int.h"

static mbedtls_ecp_group table_grp;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;
static bool table_ok;
static mbedtls_pk_info_t shared_info;

/* DER SEQUENCE { INTEGER r, INTEGER s } and nothing after it. */
static int
sig_read(const unsigned char *sig, size_t len, mbedtls_mpi *r,
    mbedtls_mpi *s)
{
	/* The ASN.1 readers take a non-const cursor: they read a copy (of
	 * any length, as mbedTLS's own verification takes any). */
	unsigned char *buf = malloc(len > 0 ? len : 1), *p = buf;
	const unsigned char *end = buf + len;
	size_t seqlen;
	int ret;

	if (buf == NULL)
		return MBEDTLS_ERR_PK_ALLOC_FAILED;
	if (len > 0)
		memcpy(buf, sig, len);
	if (mbedtls_asn1_get_tag(&p, end, &seqlen, MBEDTLS_ASN1_CONSTRUCTED |
	    MBEDTLS_ASN1_SEQUENCE) != 0)
		ret = MBEDTLS_ERR_PK_BAD_INPUT_DATA;
	else if (p + seqlen != end)
		ret = MBEDTLS_ERR_PK_SIG_LEN_MISMATCH;
	else if (mbedtls_asn1_get_mpi(&p, end, r) != 0 ||
	    mbedtls_asn1_get_mpi(&p, end, s) != 0)
		ret = MBEDTLS_ERR_PK_BAD_INPUT_DATA;
	else
		ret = p != end ? MBEDTLS_ERR_PK_SIG_LEN_MISMATCH : 0;
	free(buf);
	return ret;
}

int
crypto_ecdsa_sig_der(const mbedtls_mpi *r, const mbedtls_mpi *s,
    unsigned char *sig, size_t *siglen)
{
	unsigned char buf[MBEDTLS_ECDSA_MAX_LEN];
	unsigned char *p = buf + sizeof(buf);
	size_t len = 0;
	int ret;

	/* The writers fill the buffer from its end. */
	if ((ret = mbedtls_asn1_write_mpi(&p, buf, s)) < 0)
		return ret;
	len += (size_t)ret;
	if ((ret = mbedtls_asn1_write_mpi(&p, buf, r)) < 0)
		return ret;
	len += (size_t)ret;
	if ((ret = mbedtls_asn1_write_len(&p, buf, len)) < 0)
		return ret;
	len += (size_t)ret;
	if ((ret = mbedtls_asn1_write_tag(&p, buf, MBEDTLS_ASN1_CONSTRUCTED |
	    MBEDTLS_ASN1_SEQUENCE)) < 0)
		return ret;
	len += (size_t)ret;
	memcpy(sig, p, len);
	*siglen = len;
	return 0;
}

static int
shared_verify(void *ctx, mbedtls_md_type_t md_alg, const unsigned char *hash,
    size_t hash_len, const unsigned char *sig, size_t sig_len)
{
	const mbedtls_ecp_keypair *kp = ctx;
	mbedtls_mpi r, s;
	int ret;

	(void)md_alg;
	mbedtls_mpi_init(&r);
	mbedtls_mpi_init(&s);
	if ((ret = sig_read(sig, sig_len, &r, &s)) == 0)
		ret = mbedtls_ecdsa_verify(&table_grp, hash, hash_len, &kp->Q,
		    &r, &s);
	mbedtls_mpi_free(&r);
	mbedtls_mpi_free(&s);
	return ret;
}

static int
shared_sign(void *ctx, mbedtls_md_type_t md_alg, const unsigned char *hash,
    size_t hash_len, unsigned char *sig, size_t *sig_len,
    int (*f_rng)(void *, unsigned char *, size_t), void *p_rng)
{
	const mbedtls_ecp_keypair *kp = ctx;
	mbedtls_mpi r, s;
	int ret;

	mbedtls_mpi_init(&r);
	mbedtls_mpi_init(&s);
	/* Deterministic k (RFC 6979), f_rng only blinds: as mbedTLS's own
	 * EC keys sign when MBEDTLS_ECDSA_DETERMINISTIC is on. */
	ret = mbedtls_ecdsa_sign_det_ext(&table_grp, &r, &s, &kp->d, hash,
	    hash_len, md_alg, f_rng, p_rng);
	if (ret == 0)
		ret = crypto_ecdsa_sig_der(&r, &s, sig, sig_len);
	mbedtls_mpi_free(&r);
	mbedtls_mpi_free(&s);
	return ret;
}

static void
table_init(void)
{
	mbedtls_ecp_point r;
	mbedtls_mpi one;

	mbedtls_ecp_group_init(&table_grp);
	mbedtls_ecp_point_init(&r);
	mbedtls_mpi_init(&one);
	/* A multiple of G leaves its table in the group (the comb method
	 * keeps it when the point is the generator). */
	table_ok = mbedtls_ecp_group_load(&table_grp,
	    MBEDTLS_ECP_DP_SECP256R1) == 0 &&
	    mbedtls_mpi_lset(&one, 1) == 0 &&
	    mbedtls_ecp_mul(&table_grp, &r, &one, &table_grp.G, NULL,
	    NULL) == 0 && table_grp.T != NULL;
	mbedtls_ecp_point_free(&r);
	mbedtls_mpi_free(&one);
	shared_info = mbedtls_eckey_info;
	shared_info.verify_func = shared_verify;
	shared_info.sign_func = shared_sign;
}

int
crypto_pk_share_table(mbedtls_pk_context *pk)
{
	if (pthread_once(&table_once, table_init) != 0 || !table_ok)
		return -1;
	if (pk->pk_info == &shared_info)
		return 0;
	/* Only mbedTLS's own EC keys on P-256: external signers and other
	 * curves keep their functions. */
	if (pk->pk_info != &mbedtls_eckey_info ||
	    mbedtls_pk_ec(*pk)->grp.id != MBEDTLS_ECP_DP_SECP256R1)
		return -1;
	pk->pk_info = &shared_info;
	return 0;
}

void
crypto_cert_share_table(mbedtls_x509_crt *chain)
{
	for (; chain != NULL && chain->raw.p != NULL; chain = chain->next)
		(void)crypto_pk_share_table(&chain->pk);
}
