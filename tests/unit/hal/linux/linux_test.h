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
#include <sys/stat.h>
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

#endif /* WARDEN_TEST_HAL_LINUX_H */
