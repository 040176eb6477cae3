/*
 * fuzz_p256_sig.c - libFuzzer target for the signature reader and the
 * verification of keys on the shared P-256 table (crypto/p256_table.c):
 * what a TLS peer's CertificateVerify, a CSR or a certificate carries.
 *
 * One key (a fixed private scalar, so that the corpus can hold its valid
 * signatures) exists twice: as mbedTLS's own EC key and on the shared
 * table. Each input is offered as a DER signature over a fixed digest to
 * both, and its first 32 bytes as a digest that both sign.
 *
 * Invariants: both verifications accept or both refuse; the table's key
 * signs the same bytes as mbedTLS's own, and each verifies the other's.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/ecdsa.h>
#include <mbedtls/pk.h>

#include "crypto/crypto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The digest the corpus's signatures sign: SHA-256 of "warden". */
static const uint8_t digest[32] = {
	0x8b, 0xdb, 0x24, 0x7a, 0x2a, 0x76, 0xe1, 0x66, 0x45, 0x0e, 0x19,
	0x3f, 0x18, 0x5f, 0x0d, 0xee, 0xce, 0xed, 0xee, 0x65, 0x50, 0x58,
	0x9d, 0xe2, 0xcd, 0x96, 0x4e, 0x7c, 0xe3, 0x6c, 0x9d, 0xe6,
};

static mbedtls_pk_context plain, shared;

static void
make_key(mbedtls_pk_context *pk)
{
	mbedtls_ecp_keypair *kp;

	mbedtls_pk_init(pk);
	if (mbedtls_pk_setup(pk,
	    mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)) != 0)
		abort();
	kp = mbedtls_pk_ec(*pk);
	if (mbedtls_ecp_group_load(&kp->grp, MBEDTLS_ECP_DP_SECP256R1) != 0 ||
	    /* d = "warden" */
	    mbedtls_mpi_lset(&kp->d, 0x77617264656e) != 0 ||
	    mbedtls_ecp_mul(&kp->grp, &kp->Q, &kp->d, &kp->grp.G, NULL,
	    NULL) != 0)
		abort();
}

static void
init(void)
{
	if (plain.pk_info != NULL)
		return;
	make_key(&plain);
	make_key(&shared);
	if (crypto_pk_share_table(&shared) != 0)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char a[MBEDTLS_ECDSA_MAX_LEN], b[MBEDTLS_ECDSA_MAX_LEN];
	size_t alen, blen;
	int p, s;

	init();
	p = mbedtls_pk_verify(&plain, MBEDTLS_MD_SHA256, digest,
	    sizeof(digest), data, size);
	s = mbedtls_pk_verify(&shared, MBEDTLS_MD_SHA256, digest,
	    sizeof(digest), data, size);
	if ((p == 0) != (s == 0))
		abort();
	/* The input's first 32 bytes as a SHA-256 digest: the same
	 * signature both ways. */
	if (size < 32)
		return 0;
	if (mbedtls_pk_sign(&plain, MBEDTLS_MD_SHA256, data, 32, a, &alen,
	    NULL, NULL) != 0 ||
	    mbedtls_pk_sign(&shared, MBEDTLS_MD_SHA256, data, 32, b, &blen,
	    NULL, NULL) != 0)
		abort();
	if (alen != blen || memcmp(a, b, alen) != 0 ||
	    mbedtls_pk_verify(&plain, MBEDTLS_MD_SHA256, data, 32, b,
	    blen) != 0 ||
	    mbedtls_pk_verify(&shared, MBEDTLS_MD_SHA256, data, 32, a,
	    alen) != 0)
		abort();
	return 0;
}
