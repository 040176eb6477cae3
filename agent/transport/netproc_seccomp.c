/*
 * netproc_seccomp.c - the network process's system call allow-list
 * (libseccomp). What it needs once sandboxed: its socket to the parent,
 * TCP sockets to the MDM server and UDP ones to LwM2M servers (libuv's
 * epoll loop, libcoap's epoll descriptor and its timer, GnuTLS's
 * select()), memory, time, randomness, signals, and what the sanitizers
 * of a test build use.
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

#include "agent/transport/netproc.h"
#include "agent/core/core.h"

static const int allowed[] = {
	/* I/O on the socket to the parent, TCP and UDP sockets, stdio */
	SCMP_SYS(read), SCMP_SYS(write), SCMP_SYS(readv), SCMP_SYS(writev),
	SCMP_SYS(close), SCMP_SYS(fcntl), SCMP_SYS(fstat),
	SCMP_SYS(newfstatat), SCMP_SYS(lseek),
	SCMP_SYS(connect), SCMP_SYS(getsockopt), SCMP_SYS(setsockopt),
	SCMP_SYS(getsockname), SCMP_SYS(getpeername), SCMP_SYS(shutdown),
	SCMP_SYS(sendto), SCMP_SYS(recvfrom), SCMP_SYS(sendmsg),
	SCMP_SYS(recvmsg), SCMP_SYS(sendmmsg), SCMP_SYS(recvmmsg),
	/* the event loop; libcoap's own epoll descriptor has a timer */
	SCMP_SYS(epoll_create1), SCMP_SYS(epoll_ctl), SCMP_SYS(epoll_wait),
	SCMP_SYS(epoll_pwait), SCMP_SYS(poll), SCMP_SYS(ppoll),
	/* GnuTLS waits for a DTLS record with select() */
	SCMP_SYS(select), SCMP_SYS(pselect6),
	SCMP_SYS(pipe2), SCMP_SYS(eventfd2), SCMP_SYS(timerfd_create),
	SCMP_SYS(timerfd_settime), SCMP_SYS(timerfd_gettime),
	/* memory */
	SCMP_SYS(brk), SCMP_SYS(mmap), SCMP_SYS(munmap), SCMP_SYS(mremap),
	SCMP_SYS(mprotect), SCMP_SYS(madvise),
	/* locks and scheduling (no thread is started: names are resolved
	 * by the parent, so libuv's pool never runs here) */
	SCMP_SYS(futex), SCMP_SYS(sched_yield), SCMP_SYS(sched_getaffinity),
	SCMP_SYS(gettid), SCMP_SYS(getpid), SCMP_SYS(getppid),
	SCMP_SYS(getuid), SCMP_SYS(geteuid), SCMP_SYS(getgid),
	SCMP_SYS(getegid),
	/* glibc's qsort() asks how much memory there is (the LwM2M
	 * objects sort their records) */
	SCMP_SYS(sysinfo),
	/* time and randomness */
	SCMP_SYS(clock_gettime), SCMP_SYS(clock_getres),
	SCMP_SYS(gettimeofday), SCMP_SYS(nanosleep),
	SCMP_SYS(clock_nanosleep), SCMP_SYS(getrandom),
	/* signals and leaving */
	SCMP_SYS(rt_sigaction), SCMP_SYS(rt_sigprocmask),
	SCMP_SYS(rt_sigreturn), SCMP_SYS(sigaltstack),
	SCMP_SYS(exit), SCMP_SYS(exit_group),
};

/* Calls allowed, or refused quietly, on a condition on one argument:
 * (argument & mask) == value. */
static const struct sandbox_rule conditional[] = {
	/* Files: refused, quietly (glibc's resolver and syslog try). */
	{ SCMP_ACT_ERRNO(EACCES), SCMP_SYS(openat), 0, 0, 0 },
	{ SCMP_ACT_ERRNO(EACCES), SCMP_SYS(open), 0, 0, 0 },
	/* Sockets: IPv4 and IPv6; local and netlink ones are refused
	 * quietly (glibc's syslog reconnecting, its resolver asking
	 * netlink); other families trap. */
	{ SCMP_ACT_ALLOW, SCMP_SYS(socket), 0, SANDBOX_ARG_ALL, AF_INET },
	{ SCMP_ACT_ALLOW, SCMP_SYS(socket), 0, SANDBOX_ARG_ALL, AF_INET6 },
	{ SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket), 0, SANDBOX_ARG_ALL,
	    AF_UNIX },
	{ SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket), 0, SANDBOX_ARG_ALL,
	    AF_NETLINK },
	/* ioctl: FIONBIO and FIOCLEX only (libuv). */
	{ SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1, SANDBOX_ARG_ALL, FIONBIO },
	{ SCMP_ACT_ALLOW, SCMP_SYS(ioctl), 1, SANDBOX_ARG_ALL, FIOCLEX },
};

int
netproc_seccomp(char *err, size_t errlen)
{
	return sandbox_seccomp_load("wardend network", allowed,
	    sizeof(allowed) / sizeof(allowed[0]), conditional,
	    sizeof(conditional) / sizeof(conditional[0]), err, errlen);
}
