/*
 * netproc_seccomp.c - the network process's system call allow-list
 * (libseccomp). What it needs once sandboxed: its socket to the parent
 * and TCP sockets to the server (libuv's epoll loop), memory, time,
 * randomness, signals, and what the sanitizers of a test build use.
 * Files cannot be opened (EACCES: there are none in its root anyway; the
 * parent resolves names); sockets other than IPv4 and IPv6 cannot be
 * made (EAFNOSUPPORT for local and netlink sockets); neither a thread
 * nor a process can be started. Any other call traps: the handler
 * writes the call's number to stderr and the process exits 159, which
 * the parent logs before it restarts the process.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <seccomp.h>

#include "agent/netproc.h"

#define DENIED_EXIT 159

static const int allowed[] = {
	/* I/O on the socket to the parent, the TCP sockets, stdio */
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(close), SCMP_SYS(fcntl), SCMP_SYS(fstat),
	SCMP_SYS(newfstatat), SCMP_SYS(lseek),
	SCMP_SYS(connect), SCMP_SYS(getsockopt), SCMP_SYS(setsockopt),
	SCMP_SYS(getsockname), SCMP_SYS(getpeername), SCMP_SYS(shutdown),
	SCMP_SYS(sendto), SCMP_SYS(recvfrom), SCMP_SYS(sendmsg),
	SCMP_SYS(recvmsg), SCMP_SYS(sendmmsg), SCMP_SYS(recvmmsg),
	/* the event loop */
	SCMP_SYS(epoll_create1), SCMP_SYS(epoll_ctl), SCMP_SYS(epoll_wait),
	SCMP_SYS(epoll_pwait), SCMP_SYS(poll), SCMP_SYS(ppoll),
	SCMP_SYS(pipe2), SCMP_SYS(eventfd2),
	/* memory */
	SCMP_SYS(brk), SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap),
	SCMP_SYS(mprotect), SCMP_SYS(madvise),
	/* locks and scheduling (no thread is started: names are resolved
	 * by the parent, so libuv's pool never runs here) */
	SCMP_SYS(futex), SCMP_SYS(sched_yield), SCMP_SYS(sched_getaffinity),
	SCMP_SYS(gettid), SCMP_SYS(getpid), SCMP_SYS(getppid),
	SCMP_SYS(getuid), SCMP_SYS(geteuid), SCMP_SYS(getgid),
	SCMP_SYS(getegid),
	/* time and randomness */
	SCMP_SYS(clock_gettime), SCMP_SYS(clock_getres),
	SCMP_SYS(gettimeofday), SCMP_SYS(nanosleep),
	SCMP_SYS(clock_nanosleep), SCMP_SYS(getrandom),
	/* signals and leaving */
	SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(sigaltstack),
	SCMP_SYS(exit), SCMP_SYS(exit_group),
};

#define ALL ((scmp_datum_t)-1)	/* compare the whole argument */

/* Calls allowed, or refused quietly, on a condition on one argument:
 * (argument & mask) == value. */
static const struct {
	uint32_t action;
	int sys;
	unsigned arg;
	scmp_datum_t mask, value;
} conditional[] = {
	/* Files: refused, quietly (glibc's resolver and syslog try). */
	{ SCMP_ACT_ERRNO(EACCES), SCMP_SYS(openat), 0, 0, 0 },
	{ SCMP_ACT_ERRNO(EACCES), SCMP_SYS(open), 0, 0, 0 },
	/* Sockets: IPv4 and IPv6; local and netlink ones are refused
	 * quietly (glibc's syslog reconnecting, its resolver asking
	 * netlink); other families trap. */
	{ SCMP_ACT_ALLOW, SCMP_SYS(socket), 0, ALL, AF_INET },
	{ SCMP_ACT_ALLOW, SCMP_SYS(socket), 0, ALL, AF_INET6 },
	{ SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket), 0, ALL, AF_UNIX },
	{ SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket), 0, ALL,
	    AF_NETLINK },
	/* ioctl: FIONBIO and FIOCLEX only (libuv). */
	{ SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1, ALL, FIONBIO },
	{ SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1, ALL, FIOCLEX },
};

static void
on_sigsys(int sig, siginfo_t *si, void *uc)
{
	char msg[96];
	int n;

	(void)sig;
	(void)uc;
	n = snprintf(msg, sizeof(msg), "wardend network: system call %d "
	    "outside the seccomp allow-list\n", si->si_syscall);
	if (n > 0)
		(void)!write(STDERR_FILENO, msg, (size_t)n);
	_exit(DENIED_EXIT);
}

/* One rule with a condition on argument arg: (arg & mask) == value
 * (mask ALL: equality; mask 0: no condition). libseccomp's SCMP_A*
 * macros leave a field to its default, which clang refuses
 * (-Wmissing-field-initializers). */
static int
rule_arg(scmp_filter_ctx ctx, uint32_t action, int sys, unsigned arg,
    scmp_datum_t mask, scmp_datum_t value)
{
	struct scmp_arg_cmp c;

	if (mask == 0)		/* no condition */
		return seccomp_rule_add_array(ctx, action, sys, 0, NULL);
	memset(&c, 0, sizeof(c));
	c.arg = arg;
	if (mask == ALL) {
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
netproc_seccomp(char *err, size_t errlen)
{
	struct sigaction sa;
	scmp_filter_ctx ctx;
	size_t i;
	int rc = 0;

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
	for (i = 0; i < sizeof(allowed) / sizeof(allowed[0]) && rc == 0; i++)
		rc = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, allowed[i], 0);
	for (i = 0; i < sizeof(conditional) / sizeof(conditional[0]) &&
	    rc == 0; i++)
		rc = rule_arg(ctx, conditional[i].action, conditional[i].sys,
		    conditional[i].arg, conditional[i].mask,
		    conditional[i].value);
	/* Signals to itself only (abort(), a sanitizer's report). */
	if (rc == 0)
		rc = rule_arg(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), 0, ALL,
		    (scmp_datum_t)getpid());
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
