/*
 * rng.c - the CTR-DRBG seeded from the kernel.
 *
 * mbedTLS's platform entropy source reads getrandom(2) (falling back to
 * /dev/urandom on old kernels); the DRBG reseeds from it on its own
 * schedule. With MBEDTLS_THREADING_C (Debian's build) the DRBG has its own
 * mutex, so one generator serves the loop and the work-queue threads.
 */
#include <stdlib.h>
#include <string.h>

#include "crypto/crypto_int.h"

int
crypto_rng_new(const char *pers, struct crypto_rng **out, char *err,
    size_t errlen)
{
	struct crypto_rng *rng;
	int ret;

	*out = NULL;
	if ((rng = calloc(1, sizeof(*rng))) == NULL) {
		crypto_seterr(err, errlen, "rng: out of memory");
		return -1;
	}
	mbedtls_entropy_init(&rng->entropy);
	mbedtls_ctr_drbg_init(&rng->drbg);
	ret = mbedtls_ctr_drbg_seed(&rng->drbg, mbedtls_entropy_func,
	    &rng->entropy, (const unsigned char *)pers,
	    pers != NULL ? strlen(pers) : 0);
	if (ret != 0) {
		crypto_seterr_mbedtls(err, errlen,
		    "rng: seeding from the kernel", ret);
		crypto_rng_free(rng);
		return -1;
	}
	*out = rng;
	return 0;
}

void
crypto_rng_free(struct crypto_rng *rng)
{
	if (rng == NULL)
		return;
	/* Both free functions zeroise the DRBG state and the entropy pool. */
	mbedtls_ctr_drbg_free(&rng->drbg);
	mbedtls_entropy_free(&rng->entropy);
	crypto_free_secret(rng, sizeof(*rng));
}

int
crypto_rng_mbedtls(void *p_rng, unsigned char *buf, size_t len)
{
	struct crypto_rng *rng = p_rng;
	size_t n;
	int ret;

	/* One DRBG request is limited to MBEDTLS_CTR_DRBG_MAX_REQUEST. */
	while (len > 0) {
		n = len < MBEDTLS_CTR_DRBG_MAX_REQUEST ? len :
		    MBEDTLS_CTR_DRBG_MAX_REQUEST;
		if ((ret = mbedtls_ctr_drbg_random(&rng->drbg, buf, n)) != 0)
			return ret;
		buf += n;
		len -= n;
	}
	return 0;
}

int
crypto_rng_bytes(struct crypto_rng *rng, void *buf, size_t len)
{
	if (crypto_rng_mbedtls(rng, buf, len) != 0) {
		crypto_zero(buf, len);
		return -1;
	}
	return 0;
}
