/*
 * linux_test.h - helpers shared by the Linux backend's unit tests:
 * opening the backend on a fixture tree or a writable copy of one, and a
 * fake runner that records every command line and answers with canned
 * output.
 */
#ifndef WARDEN_TEST_HAL_LINUX_H
#define WARDEN_TEST_HAL_LINUX_H

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

#include "hal/linux/linux.h"
#include "tests/unit/support.h"

#define FAKE_REPLIES 8

struct fake_reply {
	const char *prefix;	/* matches the start of the command line */
	const char *out;
	int status;
};

/* The fake runner's state: the log is one command line per '\n'. */
struct fake_run {
	char log[8192];
	struct fake_reply replies[FAKE_REPLIES];
	size_t nreplies;
	int fail_errno;		/* non-zero: every run fails with -this */
	/* Side effects of a command (useradd adds to passwd ...). */
	void (*effect)(struct fake_run *f, const char *cmd);
	const char *root;
};

static inline int
fake_runner(void *arg, struct linux_run *r)
{
	struct fake_run *f = arg;
	char cmd[1024] = "";
	size_t i;

	for (i = 0; r->argv[i] != NULL; i++) {
		if (i > 0)
			strncat(cmd, " ", sizeof(cmd) - strlen(cmd) - 1);
		strncat(cmd, r->argv[i], sizeof(cmd) - strlen(cmd) - 1);
	}
	strncat(f->log, cmd, sizeof(f->log) - strlen(f->log) - 1);
	strncat(f->log, "\n", sizeof(f->log) - strlen(f->log) - 1);
	if (f->fail_errno != 0)
		return -f->fail_errno;
	r->status = 0;
	for (i = 0; i < f->nreplies; i++) {
		if (strncmp(cmd, f->replies[i].prefix,
		    strlen(f->replies[i].prefix)) != 0)
			continue;
		r->status = f->replies[i].status;
		if (r->out != NULL && r->outlen > 0) {
			snprintf(r->out, r->outlen, "%s", f->replies[i].out);
			r->outn = strlen(r->out);
		}
		break;
	}
	if (f->effect != NULL)
		f->effect(f, cmd);
	return 0;
}

static inline void
fake_reply(struct fake_run *f, const char *prefix, const char *out,
    int status)
{
	f->replies[f->nreplies].prefix = prefix;
	f->replies[f->nreplies].out = out;
	f->replies[f->nreplies].status = status;
	f->nreplies++;
}

/* Absolute path of a fixture tree (static buffer). */
static inline const char *
fixture_path(const char *name)
{
	static char path[PATH_MAX];
	char rel[PATH_MAX];

	snprintf(rel, sizeof(rel), "%s/tests/fixtures/%s", test_srctree(), name);
	if (realpath(rel, path) == NULL)
		fail_msg("fixture %s missing", rel);
	return path;
}

/* Opens the backend with "ROOT" + extra options (may be ""). */
static inline struct linux_ctx *
open_root(const char *root, const char *opts)
{
	char arg[PATH_MAX * 2 + 256];
	void *ctx = NULL;
	int rc;

	snprintf(arg, sizeof(arg), "%s%s", root, opts);
	rc = hal_linux_backend.open(arg, &ctx);
	if (rc != 0)
		fail_msg("open %s: %s", arg, strerror(-rc));
	return ctx;
}

static inline struct linux_ctx *
open_fixture(const char *name)
{
	return open_root(fixture_path(name), "");
}

/*
 * Copies a fixture into a fresh temporary directory as DIR/root; returns
 * the root's path (static buffer). The caller removes DIR (its parent).
 */
static inline const char *
copy_fixture(const char *name)
{
	static char root[PATH_MAX];
	char cmd[PATH_MAX * 2 + 32];
	const char *dir = test_tmpdir();

	snprintf(root, sizeof(root), "%s/root", dir);
	snprintf(cmd, sizeof(cmd), "cp -a '%s' '%s'", fixture_path(name), root);
	if (system(cmd) != 0)
		fail_msg("%s failed", cmd);
	return root;
}

/* Removes the directory copy_fixture() made for root. */
static inline void
remove_copy(const char *root)
{
	char dir[PATH_MAX];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", root);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	test_rmtree(dir);
}

/* Reads ROOT/rel into a malloc'd string (NULL when missing). */
static inline char *
read_in(const char *root, const char *rel)
{
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s%s", root, rel);
	return test_read_file(path, NULL);
}

static inline void
write_in(const char *root, const char *rel, const char *text)
{
	char path[PATH_MAX * 2];

	snprintf(path, sizeof(path), "%s%s", root, rel);
	if (test_write_file(path, text) != 0)
		fail_msg("cannot write %s", path);
}

/* mkdir -p ROOT/rel. */
static inline void
mkdir_in(const char *root, const char *rel)
{
	char cmd[PATH_MAX * 2 + 32];

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s%s'", root, rel);
	if (system(cmd) != 0)
		fail_msg("%s failed", cmd);
}

static inline bool
exists_in(const char *root, const char *rel)
{
	char path[PATH_MAX * 2];
	struct stat st;

	snprintf(path, sizeof(path), "%s%s", root, rel);
	return lstat(path, &st) == 0;
}

static inline void
assert_file_eq(const char *root, const char *rel, const char *want)
{
	char *got = read_in(root, rel);

	if (got == NULL)
		fail_msg("%s%s missing", root, rel);
	assert_string_equal(got, want);
	free(got);
}

static inline void
assert_file_contains(const char *root, const char *rel, const char *needle)
{
	char *got = read_in(root, rel);

	if (got == NULL)
		fail_msg("%s%s missing", root, rel);
	if (strstr(got, needle) == NULL)
		fail_msg("%s%s lacks \"%s\":\n%s", root, rel, needle, got);
	free(got);
}

/* Facts helpers. */
static inline const struct hal_fact *
need_fact(const struct hal_facts *fs, const char *name)
{
	const struct hal_fact *f = hal_fact_find(fs, name);

	if (f == NULL)
		fail_msg("fact %s missing", name);
	return f;
}

static inline void
assert_fact_bool(const struct hal_facts *fs, const char *name, bool v)
{
	const struct hal_fact *f = need_fact(fs, name);

	assert_int_equal(f->type, HAL_FACT_BOOL);
	if (f->b != v)
		fail_msg("fact %s is %s, expected %s", name,
		    f->b ? "true" : "false", v ? "true" : "false");
}

static inline void
assert_fact_int(const struct hal_facts *fs, const char *name, int64_t v)
{
	const struct hal_fact *f = need_fact(fs, name);

	assert_int_equal(f->type, HAL_FACT_INT64);
	if (f->i != v)
		fail_msg("fact %s is %lld, expected %lld", name,
		    (long long)f->i, (long long)v);
}

static inline void
assert_fact_str(const struct hal_facts *fs, const char *name,
    enum hal_fact_type type, const char *v)
{
	const struct hal_fact *f = need_fact(fs, name);

	assert_int_equal(f->type, type);
	if (strcmp(f->s, v) != 0)
		fail_msg("fact %s is \"%s\", expected \"%s\"", name, f->s, v);
}

static inline void
assert_no_fact(const struct hal_facts *fs, const char *name)
{
	if (hal_fact_find(fs, name) != NULL)
		fail_msg("fact %s should be absent", name);
}

/*
 * A stand-in system bus at ROOT/run/dbus/system_bus_socket, served by a
 * child process for one connection: it accepts the EXTERNAL
 * authentication, answers Hello, sends a NameAcquired signal (which the
 * client must skip), and answers the next call (Properties.Get) with the
 * boolean `value`, or with an error when `value` < 0. The bytes of that
 * call are written to ROOT/run/dbus/get-call for the test to check.
 * fake_bus_wait() reaps the child.
 */
struct fake_msg {
	uint8_t b[512];
	size_t n;
};

static inline void
fake_put(struct fake_msg *m, const void *p, size_t n)
{
	memcpy(m->b + m->n, p, n);
	m->n += n;
}

static inline void
fake_align(struct fake_msg *m, size_t a)
{
	while (m->n % a != 0)
		m->b[m->n++] = 0;
}

static inline void
fake_u32(struct fake_msg *m, uint32_t v)
{
	fake_align(m, 4);
	fake_put(m, &v, 4);	/* little-endian host */
}

/* A reply (type 2) or error (3) or signal (4) with a one-field body. */
static inline void
fake_message(struct fake_msg *m, uint8_t type, uint32_t serial,
    uint32_t reply_to, const char *sig, const void *body, size_t blen)
{
	uint8_t head[4] = { 'l', type, 1, 1 };
	size_t fields;

	m->n = 0;
	fake_put(m, head, 4);
	fake_u32(m, (uint32_t)blen);
	fake_u32(m, serial);
	fake_u32(m, 0);
	if (reply_to != 0) {
		fake_align(m, 8);
		fake_put(m, "\x05\x01u\0", 4);
		fake_u32(m, reply_to);
	}
	fake_align(m, 8);
	fake_put(m, "\x08\x01g\0", 4);
	m->b[m->n++] = (uint8_t)strlen(sig);
	fake_put(m, sig, strlen(sig) + 1);
	fields = m->n - 16;
	memcpy(m->b + 12, &(uint32_t){ (uint32_t)fields }, 4);
	fake_align(m, 8);
	fake_put(m, body, blen);
}

/* Reads one whole D-Bus message from fd into m. */
static inline int
fake_read_message(int fd, struct fake_msg *m)
{
	uint32_t blen, flen;
	size_t total;

	m->n = 0;
	while (m->n < 16) {
		ssize_t r = read(fd, m->b + m->n, 16 - m->n);

		if (r <= 0)
			return -1;
		m->n += (size_t)r;
	}
	memcpy(&blen, m->b + 4, 4);
	memcpy(&flen, m->b + 12, 4);
	total = ((16 + (size_t)flen + 7) & ~(size_t)7) + blen;
	if (total > sizeof(m->b))
		return -1;
	while (m->n < total) {
		ssize_t r = read(fd, m->b + m->n, total - m->n);

		if (r <= 0)
			return -1;
		m->n += (size_t)r;
	}
	return 0;
}

static inline pid_t
fake_bus_start(const char *root, int value)
{
	struct sockaddr_un sa;
	char dir[PATH_MAX];
	pid_t pid;
	int ls;

	if ((size_t)snprintf(dir, sizeof(dir), "%.*s/run/dbus",
	    PATH_MAX - 16, root) >= sizeof(dir))
		fail_msg("fake bus: %s: path too long", root);
	mkdir_in(root, "/run");
	mkdir_in(root, "/run/dbus");
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	if ((size_t)snprintf(sa.sun_path, sizeof(sa.sun_path),
	    "%s/system_bus_socket", dir) >= sizeof(sa.sun_path))
		fail_msg("fake bus: %s: path too long", dir);
	unlink(sa.sun_path);
	if ((ls = socket(AF_UNIX, SOCK_STREAM, 0)) < 0 ||
	    bind(ls, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    listen(ls, 1) != 0)
		fail_msg("fake bus: %s", strerror(errno));
	if ((pid = fork()) < 0)
		fail_msg("fork");
	if (pid == 0) {
		struct fake_msg in, out;
		char line[128], path[PATH_MAX + 16];
		size_t n = 0;
		uint8_t body[16];
		FILE *f;
		int fd = accept(ls, NULL, NULL);

		if (fd < 0)
			_exit(1);
		/* NUL, then "AUTH EXTERNAL ...\r\n". */
		while (n < sizeof(line) - 1 && read(fd, line + n, 1) == 1) {
			n++;
			if (n >= 2 && line[n - 2] == '\r' && line[n - 1] == '\n')
				break;
		}
		line[n] = '\0';
		if (n < 2 || strstr(line + 1, "AUTH EXTERNAL ") != line + 1)
			_exit(2);
		if (write(fd, "OK 0123456789abcdef0123456789abcdef\r\n", 37) != 37)
			_exit(3);
		n = 0;
		while (n < 7 && read(fd, line + n, 1) == 1)
			n++;
		if (n != 7 || memcmp(line, "BEGIN\r\n", 7) != 0)
			_exit(4);
		if (fake_read_message(fd, &in) != 0)	/* Hello */
			_exit(5);
		memcpy(body, &(uint32_t){ 4 }, 4);
		memcpy(body + 4, ":1.9", 5);
		fake_message(&out, 2, 1, 1, "s", body, 9);
		if (write(fd, out.b, out.n) != (ssize_t)out.n)
			_exit(6);
		fake_message(&out, 4, 2, 0, "s", body, 9);
		if (write(fd, out.b, out.n) != (ssize_t)out.n)
			_exit(6);
		if (fake_read_message(fd, &in) != 0)	/* Get */
			_exit(7);
		snprintf(path, sizeof(path), "%s/get-call", dir);
		if ((f = fopen(path, "wb")) != NULL) {
			fwrite(in.b, 1, in.n, f);
			fclose(f);
		}
		if (value < 0) {
			memset(body, 0, sizeof(body));
			fake_message(&out, 3, 3, 2, "s", body, 5);
		} else {
			memset(body, 0, sizeof(body));
			memcpy(body, "\x01" "b\0", 3);
			memcpy(body + 4, &(uint32_t){ (uint32_t)value }, 4);
			fake_message(&out, 2, 3, 2, "v", body, 8);
		}
		if (write(fd, out.b, out.n) != (ssize_t)out.n)
			_exit(8);
		close(fd);
		_exit(0);
	}
	close(ls);
	return pid;
}

/* Reaps the stand-in bus; fails the test when it saw a wrong exchange. */
static inline void
fake_bus_wait(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		fail_msg("fake bus: exit %d", WIFEXITED(st) ?
		    WEXITSTATUS(st) : -1);
}

#endif /* WARDEN_TEST_HAL_LINUX_H */
