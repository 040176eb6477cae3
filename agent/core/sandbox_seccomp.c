/*
 * sandbox_seccomp.c - loads a confined process's system call allow-list
 * (libseccomp): the calls it names are allowed, a few on a condition on
 * one argument, anything else traps and the process exits
 * SANDBOX_DENIED_EXIT after saying which call it was.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "agent/core/sandbox.h"

/* Read by the SIGSYS handler: set once, before the filter is loaded. */
static const char *denied_who = "process";

static void
on_sigsys(int sig, siginfo_t *si, void *uc)
{
	char msg[128];
	int n;

	(void)sig;
	(void)uc;
	n = snprintf(msg, sizeof(msg), "%s: system call %d outside the "
	    "seccomp allow-list\n", denied_who, si->si_syscall);
	if (n > 0)
		(void)!write(STDERR_FILENO, msg, (size_t)n);
	_exit(SANDBOX_DENIED_EXIT);
}

/* One rule with a condition on argument arg (see struct sandbox_rule).
 * libseccomp's SCMP_A* macros leave a field to its default, which clang
 * refuses (-Wmissing-field-initializers). */
static int
rule_arg(scmp_filter_ctx ctx, uint32_t action, int sys, unsigned arg,
    scmp_datum_t mask, scmp_datum_t value)
{
	struct scmp_arg_cmp c;

	if (mask == 0)		/* no condition */
		return seccomp_rule_add_array(ctx, action, sys, 0, NULL);
	memset(&c, 0, sizeof(c));
	c.arg = arg;
	if (mask == SANDBOX_ARG_ALL) {
		c.op = SCMP_CMP_EQ;
		c.datum_a = value;
	} else {
		c.op = SCMP_CMP_MASKED_EQ;
		c.datum_a = mask;
		c.datum_b = value;
	}
	return seccomp_rule_add_array(ctx, action, sys, 1, &c);
}

int
sandbox_seccomp_load(const char *who, const int *allowed, size_t nallowed,
    const struct sandbox_rule *cond, size_t ncond, char *err, size_t errlen)
{
	struct sigaction sa;
	scmp_filter_ctx ctx;
	size_t i;
	int rc = 0;

	denied_who = who;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigsys;
	sa.sa_flags = SA_SIGINFO;
	if (sigaction(SIGSYS, &sa, NULL) != 0) {
		snprintf(err, errlen, "sigaction: %s", strerror(errno));
		return -1;
	}
	if ((ctx = seccomp_init(SCMP_ACT_TRAP)) == NULL) {
		snprintf(err, errlen, "seccomp_init failed");
		return -1;
	}
	for (i = 0; i < nallowed && rc == 0; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
	for (i = 0; i < ncond && rc == 0; i++)
		rc = rule_arg(ctx, cond[i].action, cond[i].sys, cond[i].arg,
		    cond[i].mask, cond[i].value);
	if (rc == 0)
		rc = rule_arg(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 0,
		    SANDBOX_ARG_ALL, (scmp_datum_t)getpid());
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	if (rc != 0) {
		snprintf(err, errlen, "loading the filter: %s",
		    strerror(-rc));
		return -1;
	}
	return 0;
}
