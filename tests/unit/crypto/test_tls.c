/*
 * test_tls.c - crypto/tls.c: the key exchange groups of warden's TLS
 * endpoints.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <mbedtls/ecp.h>

#include "crypto/crypto.h"

/* X25519 first: it decides what every warden-to-warden handshake costs. */
static void
test_groups_prefer_x25519(void **state)
{
	const mbedtls_ecp_group_id *g = crypto_tls_groups();

	(void)state;
	assert_non_null(g);
	assert_int_equal(g[0], MBEDTLS_ECP_DP_CURVE25519);
}

/* Every group is one this mbedTLS has, of at least 255 bits, listed
 * once; P-256 (the certificates' curve) is among them. */
static void
test_groups_sound(void **state)
{
	const mbedtls_ecp_group_id *g = crypto_tls_groups();
	const mbedtls_ecp_curve_info *info;
	bool p256 = false;
	size_t i, j;

	(void)state;
	for (i = 0; g[i] != MBEDTLS_ECP_DP_NONE; i++) {
		assert_true(i < 16);
		info = mbedtls_ecp_curve_info_from_grp_id(g[i]);
		assert_non_null(info);
		assert_true(info->bit_size >= 255);
		for (j = 0; j < i; j++)
			assert_int_not_equal(g[j], g[i]);
		if (g[i] == MBEDTLS_ECP_DP_SECP256R1)
			p256 = true;
	}
	assert_true(p256);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_groups_prefer_x25519),
		cmocka_unit_test(test_groups_sound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
