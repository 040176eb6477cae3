/*
 * Tests agent/transport/netproc_seccomp.c in forked children: under the filter a
 * process keeps what the network process needs (IPv4 sockets, its pipe)
 * and gets quiet refusals for files and local sockets; any other call
 * (mkdir, fork, a thread) stops it with status 159 and a line naming the
 * call on stderr.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "agent/transport/netproc.h"

static void *
thread_main(void *arg)
{
	return arg;
}

/* Runs fn in a child under the filter; returns its exit status and
 * what it wrote to stderr in out. */
static int
run_filtered(int (*fn)(void), char *out, size_t outlen)
{
	char err[256];
	int p[2], st;
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		close(p[0]);
		dup2(p[1], STDERR_FILENO);
		if (netproc_seccomp(err, sizeof(err)) != 0)
			_exit(1);
		_exit(fn());
	}
	close(p[1]);
	n = read(p[0], out, outlen - 1);
	out[n > 0 ? n : 0] = '\0';
	close(p[0]);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	/* Killed by a signal: the shell's 128 + signal; SIGSYS gives 159
	 * too (a trap while SIGSYS is blocked, as in pthread_create). */
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int
allowed_calls(void)
{
	struct addrinfo hints, *res = NULL;
	int fd;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		return 11;
	close(fd);
	if ((fd = socket(AF_INET6, SOCK_STREAM, 0)) < 0 &&
	    errno != EAFNOSUPPORT)
		return 12;
	if (fd >= 0)
		close(fd);
	if (socket(AF_UNIX, SOCK_STREAM, 0) >= 0 || errno != EAFNOSUPPORT)
		return 13;
	if (open("/etc/passwd", O_RDONLY) >= 0 || errno != EACCES)
		return 14;
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo("127.0.0.1", "443", &hints, &res) != 0)
		return 15;
	freeaddrinfo(res);
	return 0;
}

static int
make_dir(void)
{
	(void)mkdir("/tmp/netproc-seccomp-test", 0700);
	return 0;
}

static int
make_process(void)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	return 0;
}

static int
make_thread(void)
{
	pthread_t th;
	void *ret;

	if (pthread_create(&th, NULL, thread_main, NULL) == 0)
		(void)pthread_join(th, &ret);
	return 0;
}

static void
test_allowed(void **state)
{
	char out[512];

	(void)state;
	assert_int_equal(run_filtered(allowed_calls, out, sizeof(out)), 0);
}

static void
test_denied_call_is_reported(void **state)
{
	char out[512];
	struct stat st;

	(void)state;
	assert_int_equal(run_filtered(make_dir, out, sizeof(out)), 159);
	assert_non_null(strstr(out, "outside the seccomp allow-list"));
	assert_int_not_equal(stat("/tmp/netproc-seccomp-test", &st), 0);
	assert_int_equal(run_filtered(make_process, out, sizeof(out)), 159);
	assert_non_null(strstr(out, "system call"));
	assert_int_equal(run_filtered(make_thread, out, sizeof(out)),
	    128 + SIGSYS);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_allowed),
		cmocka_unit_test(test_denied_call_is_reported),
	};

	log_init(true, LOG_LVL_WARN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
