/*
 * test_hooks.c - fault injection, the simulated clock and the shortened
 * attestation lifetime the test suite drives through the environment.
 * Compiled only with CONFIG_TEST_HOOKS: see test_hooks.h.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "agent/core/test_hooks.h"
#include "agent/core/core.h"

void
test_hooks_kill_at(const char *point)
{
	const char *at = getenv("WARDEN_FAULT_KILL_AT");

	if (at != NULL && strcmp(at, point) == 0) {
		log_warnx("fault injection: SIGKILL at %s", point);
		raise(SIGKILL);
	}
}

void
test_hooks_txn_pause(void)
{
	const char *env = getenv("WARDEN_FAULT_TXN_DELAY_MS");
	struct timespec ts;
	int ms;

	if (env == NULL || (ms = atoi(env)) <= 0)
		return;
	log_info("fault point: transaction open, pausing %d ms", ms);
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	nanosleep(&ts, NULL);
}

int
test_hooks_clock(struct clock_now *now)
{
	const char *path = getenv(CLOCK_TEST_ENV);
	char buf[CLOCK_TEST_FILE_MAX + 1], err[128];
	size_t len;

	if (path == NULL || *path == '\0')
		return -1;
	if (clock_read_small(path, buf, sizeof(buf), &len) != 0) {
		log_warn("%s=%s: unreadable; using the real clocks",
		    CLOCK_TEST_ENV, path);
		return -1;
	}
	if (clock_parse(buf, len, now, err, sizeof(err)) != 0) {
		log_warnx("%s=%s: %s; using the real clocks", CLOCK_TEST_ENV,
		    path, err);
		return -1;
	}
	return 0;
}

int64_t
test_hooks_attest_ttl(int64_t ttl)
{
	const char *env = getenv("WARDEN_ATTEST_TTL");
	char *end;
	long v;

	if (env == NULL || *env == '\0')
		return ttl;
	errno = 0;
	v = strtol(env, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > ttl) {
		log_warnx("attest: WARDEN_ATTEST_TTL=\"%.32s\" ignored (1 to "
		    "%lld seconds)", env, (long long)ttl);
		return ttl;
	}
	return v;
}
