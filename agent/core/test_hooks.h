/*
 * test_hooks.h - the facilities only the test suite uses: fault injection
 * for crash tests, a simulated clock, a shortened attestation lifetime.
 *
 * They read the environment (WARDEN_FAULT_KILL_AT,
 * WARDEN_FAULT_TXN_DELAY_MS, WARDEN_TEST_CLOCK, WARDEN_ATTEST_TTL), so a
 * product build must not contain them: test_hooks.c is compiled only
 * with CONFIG_TEST_HOOKS (configs/test_defconfig), and without it every
 * hook below is an empty inline that the compiler removes. A product
 * binary therefore ignores these variables even when they are set.
 */
#ifndef WARDEN_TEST_HOOKS_H
#define WARDEN_TEST_HOOKS_H

#include <stdint.h>

#include "agent/core/clock.h"

#ifdef CONFIG_TEST_HOOKS
/*
 * When WARDEN_FAULT_KILL_AT names `point` ("received", "inbox", "hal",
 * "result", or "retire": a retire's RETIRED just committed), logs it and
 * raises SIGKILL. Otherwise returns at once.
 */
void test_hooks_kill_at(const char *point);
/*
 * When WARDEN_FAULT_TXN_DELAY_MS is a positive number of milliseconds,
 * sleeps that long: called inside open transactions, it widens the window
 * in which a SIGKILL lands half-way. Blocks the caller for that time.
 */
void test_hooks_txn_pause(void);
/*
 * When WARDEN_TEST_CLOCK names a file, reads the clocks from it into *now
 * (see clock_parse(); read again on every call, so a test can move time
 * while the agent runs) and returns 0. A file that cannot be read or
 * parsed is logged as a warning (file and reason) and -1 is returned, as
 * when the variable is unset: the caller then reads the real clocks.
 */
int test_hooks_clock(struct clock_now *now);
/*
 * The lifetime of an attestation token: `ttl`, or less when
 * WARDEN_ATTEST_TTL is 1 .. ttl seconds (a bad value is logged and
 * ignored). It can never lengthen it.
 */
int64_t test_hooks_attest_ttl(int64_t ttl);
#else
static inline void
test_hooks_kill_at(const char *point)
{
	(void)point;
}

static inline void
test_hooks_txn_pause(void)
{
}

static inline int
test_hooks_clock(struct clock_now *now)
{
	(void)now;
	return -1;
}

static inline int64_t
test_hooks_attest_ttl(int64_t ttl)
{
	return ttl;
}
#endif

#endif /* WARDEN_TEST_HOOKS_H */
