/*
 * qrdecode_client.c - wardend's side of warden-qrdecode (qrdecode.h):
 * one process per picture, fed on standard input, its answer read from
 * standard output, bounded in size and time. Runs on the HAL's work
 * queue, where blocking is allowed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "agent/provision/qrdecode.h"
#include "agent/core/core.h"

extern char **environ;

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Writes the picture and reads the answer until both are done, the
 * answer overflows cap - 1 bytes, or the time is up. */
static int
pump(int in, int out, const char *image, size_t len, char *text, size_t cap,
    size_t *got)
{
	int64_t deadline = now_ms() + QRDECODE_TIMEOUT_MS;
	size_t off = 0;

	*got = 0;
	while (out >= 0) {
		struct pollfd p[2];
		nfds_t np = 0;
		int64_t left = deadline - now_ms();
		ssize_t n;

		if (left <= 0)
			return -ETIMEDOUT;
		if (in >= 0) {
			p[np].fd = in;
			p[np++].events = POLLOUT;
		}
		p[np].fd = out;
		p[np++].events = POLLIN;
		if (poll(p, np, (int)left) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (in >= 0 && p[0].revents != 0) {
			n = write(in, image + off, len - off);
			if (n > 0)
				off += (size_t)n;
			/* EPIPE: the decoder quit early; its status says why
			 * (SIGPIPE is ignored in wardend). */
			if (off == len || (n < 0 && errno != EAGAIN &&
			    errno != EINTR)) {
				close(in);
				in = -1;
			}
		}
		if (p[np - 1].revents == 0)
			continue;
		if (*got + 1 >= cap)
			return -EMSGSIZE;
		n = read(out, text + *got, cap - 1 - *got);
		if (n > 0)
			*got += (size_t)n;
		else if (n == 0 || (errno != EAGAIN && errno != EINTR))
			break;
	}
	if (in >= 0)
		close(in);
	return 0;
}

int
qrdecode_run(void *arg, const void *image, size_t len, char *text, size_t cap)
{
	const struct qrdecode_conf *c = arg;
	char name[] = "warden-qrdecode", uopt[] = "-u", ropt[] = "-r";
	char user[sizeof(c->user)], root[sizeof(c->root)];
	char *const argv[] = { name, uopt, user, ropt, root, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t all, none;
	int inp[2] = { -1, -1 }, outp[2] = { -1, -1 };
	int rc, st;
	size_t got = 0;
	pid_t pid;

	if (cap == 0)
		return -EINVAL;
	text[0] = '\0';
	memcpy(user, c->user, sizeof(user));
	memcpy(root, c->root, sizeof(root));
	if (access(c->path, X_OK) != 0)
		return -ENOENT;
	if (pipe2(inp, O_CLOEXEC) != 0)
		return -errno;
	if (pipe2(outp, O_CLOEXEC) != 0) {
		rc = -errno;
		close(inp[0]);
		close(inp[1]);
		return rc;
	}
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, inp[0], 0);
	posix_spawn_file_actions_adddup2(&fa, outp[1], 1);
	posix_spawnattr_init(&at);
	sigfillset(&all);
	sigemptyset(&none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF |
	    POSIX_SPAWN_SETSIGMASK);
	rc = posix_spawn(&pid, c->path, &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(inp[0]);
	close(outp[1]);
	if (rc != 0) {
		close(inp[1]);
		close(outp[0]);
		return -rc;
	}
	fcntl(inp[1], F_SETFL, O_NONBLOCK);
	rc = pump(inp[1], outp[0], image, len, text, cap, &got);
	close(outp[0]);
	if (rc != 0)
		kill(pid, SIGKILL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	text[got] = '\0';
	if (rc == 0) {
		if (WIFEXITED(st) && WEXITSTATUS(st) == QRDECODE_FOUND &&
		    got > 0 && strlen(text) == got)
			return 0;
		if (WIFEXITED(st) && WEXITSTATUS(st) == QRDECODE_NONE)
			rc = -EAGAIN;
		else if (WIFEXITED(st) && WEXITSTATUS(st) == QRDECODE_INVALID)
			rc = -EBADMSG;
		else
			rc = -EIO;
		if (rc == -EIO)
			log_warnx("warden-qrdecode %s", WIFEXITED(st) ?
			    "could not decode (it could not confine itself, "
			    "or a system call outside its allow-list)" :
			    "was killed");
	} else if (rc == -EMSGSIZE) {
		rc = -EBADMSG;
	}
	explicit_bzero(text, cap);
	return rc;
}
