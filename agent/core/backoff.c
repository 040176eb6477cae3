/*
 * backoff.c - the retry schedule for an unreachable server: 1 s doubling
 * to 5 minutes, each delay spread by +-20 % so that a fleet of devices
 * coming back from the same outage does not retry in lockstep.
 */
#include <stdint.h>

#include "agent/core/core.h"
#include "crypto/crypto.h"

uint64_t
backoff_delay_ms(unsigned attempt, uint32_t random)
{
	uint64_t base = BACKOFF_BASE_MS, d;

	while (attempt-- > 0 && base < BACKOFF_CAP_MS)
		base *= 2;
	if (base > BACKOFF_CAP_MS)
		base = BACKOFF_CAP_MS;
	/* base * (0.8 + 0.4 * random / 2^32), in integers. */
	d = base * 4 / 5 + (base * 2 / 5 * (uint64_t)random >> 32);
	if (d > BACKOFF_CAP_MS)
		d = BACKOFF_CAP_MS;
	return d > 0 ? d : 1;
}

uint64_t
backoff_next(struct crypto_rng *rng, unsigned *attempt)
{
	uint32_t r = 0;
	uint64_t d;

	if (crypto_rng_bytes(rng, &r, sizeof(r)) != 0)
		r = UINT32_MAX / 2;
	d = backoff_delay_ms(*attempt, r);
	if (*attempt < 64)
		(*attempt)++;
	return d;
}
