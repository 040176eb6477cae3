/*
 * test_linux_runner.c - the one runner: real programs on the real root
 * (output, exit status, stdin, timeout), nothing run under a prefix, the
 * runner= program, a test runner recording argv.
 */
#include <time.h>

#include "tests/unit/hal/linux/linux_test.h"

static int
run(struct linux_ctx *c, const char *const *argv, const char *input,
    char *out, size_t outlen, int timeout_ms, int *status)
{
	struct linux_run r;
	int rc;

	memset(&r, 0, sizeof(r));
	r.argv = argv;
	r.input = input;
	r.inlen = input != NULL ? strlen(input) : 0;
	r.out = out;
	r.outlen = outlen;
	r.timeout_ms = timeout_ms;
	rc = linux_run(c, &r);
	*status = r.status;
	return rc;
}

static void
test_real_programs(void **state)
{
	struct linux_ctx *c = open_root("/", "");
	const char *echo[] = { "echo", "hello", "world", NULL };
	const char *fail[] = { "sh", "-c", "exit 3", NULL };
	const char *cat[] = { "cat", NULL };
	const char *env[] = { "sh", "-c", "echo $PATH $HOME", NULL };
	const char *none[] = { "no-such-program-warden", NULL };
	char out[64], small[6];
	int status;

	(void)state;
	assert_int_equal(run(c, echo, NULL, out, sizeof(out), 0, &status), 0);
	assert_int_equal(status, 0);
	assert_string_equal(out, "hello world\n");
	/* Output beyond the buffer is drained and dropped. */
	assert_int_equal(run(c, echo, NULL, small, sizeof(small), 0, &status),
	    0);
	assert_string_equal(small, "hello");
	assert_int_equal(run(c, fail, NULL, out, sizeof(out), 0, &status), 0);
	assert_int_equal(status, 3);
	assert_int_equal(linux_run_argv(c, fail), -EIO);
	assert_int_equal(linux_run_argv(c, echo), 0);
	assert_int_equal(run(c, cat, "fed on stdin", out, sizeof(out), 0,
	    &status), 0);
	assert_string_equal(out, "fed on stdin");
	/* A fixed PATH and nothing else from our environment. */
	assert_int_equal(run(c, env, NULL, out, sizeof(out), 0, &status), 0);
	assert_string_equal(out, "/usr/sbin:/usr/bin:/sbin:/bin\n");
	assert_int_equal(run(c, none, NULL, out, sizeof(out), 0, &status),
	    -ENOENT);
	hal_linux_backend.close(c);
}

static void
test_timeout(void **state)
{
	struct linux_ctx *c = open_root("/", "");
	const char *slow[] = { "sleep", "10", NULL };
	struct timespec a, b;
	char out[8];
	int status;

	(void)state;
	clock_gettime(CLOCK_MONOTONIC, &a);
	assert_int_equal(run(c, slow, NULL, out, sizeof(out), 200, &status),
	    -ETIMEDOUT);
	clock_gettime(CLOCK_MONOTONIC, &b);
	assert_true(b.tv_sec - a.tv_sec < 5);
	hal_linux_backend.close(c);
}

static void
test_prefix_runs_nothing(void **state)
{
	struct linux_ctx *c = open_fixture("rootfs-handheld");
	const char *argv[] = { "touch", "/tmp/warden-must-not-exist", NULL };
	struct stat st;

	(void)state;
	assert_int_equal(linux_run_argv(c, argv), -ENOSYS);
	assert_int_not_equal(stat("/tmp/warden-must-not-exist", &st), 0);
	hal_linux_backend.close(c);
}

static void
test_runner_program(void **state)
{
	const char *dir = test_tmpdir();
	char script[PATH_MAX], opt[PATH_MAX + 16], out[PATH_MAX];
	const char *argv[] = { "systemctl", "enable", "--now", "x.service",
		NULL };
	struct linux_ctx *c;
	int status;

	(void)state;
	snprintf(script, sizeof(script), "%s/fake.sh", dir);
	assert_int_equal(test_write_file(script,
	    "#!/bin/sh\necho \"ran: $*\"\nexit 7\n"), 0);
	assert_int_equal(chmod(script, 0755), 0);
	snprintf(opt, sizeof(opt), ",runner=%s", script);
	c = open_root(fixture_path("rootfs-handheld"), opt);
	assert_int_equal(run(c, argv, NULL, out, sizeof(out), 0, &status), 0);
	assert_int_equal(status, 7);
	assert_string_equal(out, "ran: systemctl enable --now x.service\n");
	hal_linux_backend.close(c);
	test_rmtree(dir);
}

static void
test_fake_runner(void **state)
{
	struct linux_ctx *c = open_fixture("rootfs-handheld");
	const char *argv[] = { "loginctl", "lock-sessions", NULL };
	struct fake_run f;

	(void)state;
	memset(&f, 0, sizeof(f));
	linux_set_runner(c, fake_runner, &f);
	assert_int_equal(linux_run_argv(c, argv), 0);
	assert_string_equal(f.log, "loginctl lock-sessions\n");
	fake_reply(&f, "loginctl", "", 1);
	assert_int_equal(linux_run_argv(c, argv), -EIO);
	f.fail_errno = ENOENT;
	assert_int_equal(linux_run_argv(c, argv), -ENOENT);
	/* Back to the default: nothing runs under a prefix. */
	linux_set_runner(c, NULL, NULL);
	assert_int_equal(linux_run_argv(c, argv), -ENOSYS);
	hal_linux_backend.close(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_programs),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_prefix_runs_nothing),
		cmocka_unit_test(test_runner_program),
		cmocka_unit_test(test_fake_runner),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
