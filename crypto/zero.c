/*
 * zero.c - zeroisation and constant-time comparison of secrets.
 */
#include <stdlib.h>

#include <mbedtls/platform_util.h>

#include "crypto/crypto.h"

void
crypto_zero(void *buf, size_t len)
{
	if (buf != NULL && len > 0)
		mbedtls_platform_zeroize(buf, len);
}

void
crypto_free_secret(void *buf, size_t len)
{
	if (buf == NULL)
		return;
	crypto_zero(buf, len);
	free(buf);
}

bool
crypto_ct_equal(const void *a, const void *b, size_t len)
{
	const volatile unsigned char *pa = a, *pb = b;
	unsigned char diff = 0;
	size_t i;

	/* No early exit: the time must not reveal where they differ. */
	for (i = 0; i < len; i++)
		diff |= pa[i] ^ pb[i];
	return diff == 0;
}
