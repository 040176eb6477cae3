/*
 * tls.c - what warden's TLS endpoints (the agent, the reference server,
 * the fleet simulator) offer for the ephemeral key exchange.
 *
 * mbedTLS 2.28's default list puts secp521r1 first, and in TLS 1.2 the
 * server takes the first group of the client's list that it supports:
 * every handshake paid for P-521 arithmetic, several times the cost of
 * X25519 or P-256 for no gain a 128-bit design (P-256 certificates,
 * AES-128/256) could use. X25519 comes first (constant-time by design,
 * the cheapest in mbedTLS), then the NIST curves a peer without it may
 * need. secp256r1 must stay in the list: mbedTLS also checks a peer's
 * certificate key against it.
 */
#include "crypto/crypto.h"

static const mbedtls_ecp_group_id groups[] = {
	MBEDTLS_ECP_DP_CURVE25519,
	MBEDTLS_ECP_DP_SECP256R1,
	MBEDTLS_ECP_DP_SECP384R1,
	MBEDTLS_ECP_DP_SECP521R1,
	MBEDTLS_ECP_DP_NONE,
};

const mbedtls_ecp_group_id *
crypto_tls_groups(void)
{
	return groups;
}

int
crypto_tls_verify_share_table(void *p_vrfy, mbedtls_x509_crt *crt, int depth,
    uint32_t *flags)
{
	(void)p_vrfy;
	(void)depth;
	(void)flags;
	/* Called once the chain's signatures are checked, before the peer's
	 * handshake signature (ServerKeyExchange, CertificateVerify). */
	(void)crypto_pk_share_table(&crt->pk);
	return 0;
}
