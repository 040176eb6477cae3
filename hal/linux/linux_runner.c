/*
 * linux_runner.c - the one place the Linux backend runs external
 * programs (loginctl, systemctl, nft, useradd, setpriv, ...).
 *
 * Which runner runs a command, in order:
 *  1. a runner installed with linux_set_runner() (unit tests record argv);
 *  2. the backend option runner=PROG: PROG is run with the command's argv
 *     appended (integration tests fake the system this way);
 *  3. on the real root only, the program itself, found in a fixed PATH,
 *     with a minimal environment, no inherited fds and a timeout.
 * Under a root prefix without 1 or 2 nothing is run and the call fails
 * with -ENOSYS: a host program must never act on the host for a fixture
 * tree, and the caller reports the operation as UNSUPPORTED.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "hal/linux/linux.h"

#define RUN_ARGS_MAX 32

static const char run_path[] = "/usr/sbin:/usr/bin:/sbin:/bin";

static char *const run_env[] = {
	"PATH=/usr/sbin:/usr/bin:/sbin:/bin",
	"LANG=C",
	"LC_ALL=C",
	NULL,
};

#if defined(__GLIBC__) && \
    (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 34))
/* Closes every fd above stderr in the child, O_CLOEXEC or not. */
static void
close_inherited(posix_spawn_file_actions_t *fa)
{
	posix_spawn_file_actions_addclosefrom_np(fa, 3);
}
#else
/* Older C libraries: every fd the agent opens is O_CLOEXEC already. */
static void
close_inherited(posix_spawn_file_actions_t *fa)
{
	(void)fa;
}
#endif

/* Finds prog in run_path; copies the full path to out. */
static int
find_program(const char *prog, char *out, size_t len)
{
	const char *dir = run_path, *colon;
	size_t dlen;
	int n;

	if (strchr(prog, '/') != NULL) {
		if (prog[0] != '/' || access(prog, X_OK) != 0)
			return -ENOENT;
		n = snprintf(out, len, "%s", prog);
		return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
	}
	while (*dir != '\0') {
		colon = strchr(dir, ':');
		dlen = colon != NULL ? (size_t)(colon - dir) : strlen(dir);
		n = snprintf(out, len, "%.*s/%s", (int)dlen, dir, prog);
		if (n > 0 && (size_t)n < len && access(out, X_OK) == 0)
			return 0;
		dir += dlen + (colon != NULL ? 1 : 0);
	}
	return -ENOENT;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Feeds stdin, collects stdout, until both are done or time runs out. */
static int
pump(struct linux_run *r, int *inp, int *outp, int timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;
	size_t inoff = 0;
	char sink[512];
	int rc = 0;
	int in = *inp, out = *outp;

	while (in >= 0 || out >= 0) {
		struct pollfd p[2];
		nfds_t np = 0;
		int64_t left = deadline - now_ms();

		if (left <= 0) {
			rc = -ETIMEDOUT;
			break;
		}
		if (in >= 0) {
			p[np].fd = in;
			p[np++].events = POLLOUT;
		}
		if (out >= 0) {
			p[np].fd = out;
			p[np++].events = POLLIN;
		}
		if (poll(p, np, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			rc = -errno;
			break;
		}
		for (nfds_t i = 0; i < np; i++) {
			ssize_t n;

			if (p[i].revents == 0)
				continue;
			if (p[i].fd == in) {
				n = send(in, r->input + inoff, r->inlen - inoff,
				    MSG_NOSIGNAL | MSG_DONTWAIT);
				if (n > 0)
					inoff += (size_t)n;
				if (n < 0 && errno != EAGAIN && errno != EINTR)
					inoff = r->inlen; /* the child quit */
				if (inoff == r->inlen) {
					close(in);
					in = -1;
				}
				continue;
			}
			if (r->out != NULL && r->outn + 1 < r->outlen)
				n = read(out, r->out + r->outn,
				    r->outlen - 1 - r->outn);
			else
				n = read(out, sink, sizeof(sink));
			if (n > 0 && r->out != NULL && r->outn + 1 < r->outlen)
				r->outn += (size_t)n;
			if (n == 0 || (n < 0 && errno != EAGAIN &&
			    errno != EINTR)) {
				close(out);
				out = -1;
			}
		}
	}
	*inp = in;
	*outp = out;
	return rc;
}

int
linux_runner_exec(void *arg, struct linux_run *r)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t all, none;
	char path[LINUX_PATH_MAX];
	int inpair[2] = { -1, -1 }, outpipe[2] = { -1, -1 };
	int rc, wst;
	pid_t pid;
	/* posix_spawn() takes char *const[]; it does not write to argv. */
	union {
		const char *const *c;
		char *const *v;
	} argv = { .c = r->argv };

	(void)arg;
	if ((rc = find_program(r->argv[0], path, sizeof(path))) < 0)
		return rc;
	if (r->input != NULL && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC,
	    0, inpair) != 0)
		return -errno;
	if (pipe2(outpipe, O_CLOEXEC) != 0) {
		rc = -errno;
		if (inpair[0] >= 0) {
			close(inpair[0]);
			close(inpair[1]);
		}
		return rc;
	}
	posix_spawn_file_actions_init(&fa);
	if (inpair[1] >= 0)
		posix_spawn_file_actions_adddup2(&fa, inpair[1], 0);
	else
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY,
		    0);
	posix_spawn_file_actions_adddup2(&fa, outpipe[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	close_inherited(&fa);
	posix_spawnattr_init(&at);
	sigfillset(&all);
	sigemptyset(&none);
	/* The daemon ignores SIGPIPE and blocks signals for libuv; the
	 * program must start with the defaults. */
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSID);
	rc = posix_spawn(&pid, path, &fa, &at, argv.v, run_env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(outpipe[1]);
	if (inpair[1] >= 0)
		close(inpair[1]);
	if (rc != 0) {
		close(outpipe[0]);
		if (inpair[0] >= 0)
			close(inpair[0]);
		return -rc;
	}
	rc = pump(r, &inpair[0], &outpipe[0],
	    r->timeout_ms > 0 ? r->timeout_ms : LINUX_RUN_TIMEOUT_MS);
	if (rc < 0)
		kill(pid, SIGKILL);
	/* pump() closed what it finished with; close the rest. */
	if (outpipe[0] >= 0)
		close(outpipe[0]);
	if (inpair[0] >= 0)
		close(inpair[0]);
	while (waitpid(pid, &wst, 0) < 0) {
		if (errno != EINTR)
			return rc < 0 ? rc : -errno;
	}
	if (r->out != NULL && r->outlen > 0)
		r->out[r->outn] = '\0';
	if (rc < 0)
		return rc;
	r->status = WIFEXITED(wst) ? WEXITSTATUS(wst) :
	    WIFSIGNALED(wst) ? 128 + WTERMSIG(wst) : 255;
	return 0;
}

/* Runs c->runner with r->argv appended. */
static int
run_via_program(struct linux_ctx *c, struct linux_run *r)
{
	const char *argv[RUN_ARGS_MAX + 2];
	const char *const *orig = r->argv;
	size_t i;
	int rc;

	argv[0] = c->runner;
	for (i = 0; orig[i] != NULL; i++) {
		if (i == RUN_ARGS_MAX)
			return -E2BIG;
		argv[i + 1] = orig[i];
	}
	argv[i + 1] = NULL;
	r->argv = argv;
	rc = linux_runner_exec(NULL, r);
	r->argv = orig;
	return rc;
}

int
linux_run(struct linux_ctx *c, struct linux_run *r)
{
	r->outn = 0;
	r->status = -1;
	if (r->out != NULL && r->outlen > 0)
		r->out[0] = '\0';
	if (r->argv == NULL || r->argv[0] == NULL)
		return -EINVAL;
	if (c->run_fn != NULL)
		return c->run_fn(c->run_arg, r);
	if (c->runner[0] != '\0')
		return run_via_program(c, r);
	if (c->prefixed)
		return -ENOSYS;
	return linux_runner_exec(NULL, r);
}

int
linux_run_argv(struct linux_ctx *c, const char *const *argv)
{
	struct linux_run r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.argv = argv;
	if ((rc = linux_run(c, &r)) < 0)
		return rc;
	return r.status == 0 ? 0 : -EIO;
}
