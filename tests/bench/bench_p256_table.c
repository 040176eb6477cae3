/*
 * bench_p256_table.c - what the shared P-256 table (crypto/p256_table.c)
 * saves: ECDSA signatures and verifications with one key as mbedTLS's
 * own EC key and on the shared table, alternated in one run. Prints the
 * mean CPU time of each and the ratio; asserts nothing.
 *
 * usage: bench_p256_table [iterations]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mbedtls/ecdsa.h>
#include <mbedtls/pk.h>

#include "crypto/crypto.h"

static double
cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

/* The same fixed key twice: mbedTLS's own kind, and on the table. */
static void
make_key(mbedtls_pk_context *pk)
{
	mbedtls_ecp_keypair *kp;

	mbedtls_pk_init(pk);
	if (mbedtls_pk_setup(pk,
	    mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY)) != 0)
		exit(1);
	kp = mbedtls_pk_ec(*pk);
	if (mbedtls_ecp_group_load(&kp->grp, MBEDTLS_ECP_DP_SECP256R1) != 0 ||
	    mbedtls_mpi_lset(&kp->d, 0x77617264656e) != 0 ||
	    mbedtls_ecp_mul(&kp->grp, &kp->Q, &kp->d, &kp->grp.G, NULL,
	    NULL) != 0)
		exit(1);
}

int
main(int argc, char **argv)
{
	mbedtls_pk_context plain, shared, *pk[2] = { &plain, &shared };
	unsigned char hash[32], sig[MBEDTLS_ECDSA_MAX_LEN];
	double sign_ns[2] = { 0, 0 }, verify_ns[2] = { 0, 0 }, t;
	int n = argc > 1 ? atoi(argv[1]) : 300, i, k;
	size_t len;

	if (n < 1)
		n = 1;
	make_key(&plain);
	make_key(&shared);
	if (crypto_pk_share_table(&shared) != 0)
		return 1;
	for (i = 0; i < n; i++) {
		memset(hash, i, sizeof(hash));
		for (k = 0; k < 2; k++) {
			t = cpu_ns();
			if (mbedtls_pk_sign(pk[k], MBEDTLS_MD_SHA256, hash,
			    sizeof(hash), sig, &len, NULL, NULL) != 0)
				return 1;
			sign_ns[k] += cpu_ns() - t;
			t = cpu_ns();
			if (mbedtls_pk_verify(pk[k], MBEDTLS_MD_SHA256, hash,
			    sizeof(hash), sig, len) != 0)
				return 1;
			verify_ns[k] += cpu_ns() - t;
		}
	}
	printf("P-256 ECDSA, %d of each, CPU: sign %.3f ms (mbedTLS's EC key) "
	    "vs %.3f ms (shared table), %.2fx; verify %.3f ms vs %.3f ms, "
	    "%.2fx\n", n, sign_ns[0] / n / 1e6, sign_ns[1] / n / 1e6,
	    sign_ns[0] / sign_ns[1], verify_ns[0] / n / 1e6,
	    verify_ns[1] / n / 1e6, verify_ns[0] / verify_ns[1]);
	mbedtls_pk_free(&plain);
	mbedtls_pk_free(&shared);
	return 0;
}
