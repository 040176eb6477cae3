/*
 * Tests agent/transport/netproc_sandbox.c: the network process's root must be an
 * empty root-owned directory only root can write; once confined, a
 * process (forked here) runs as the network user, cannot see the file
 * system, has no capability in any set and no way to new privileges.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>
#include <linux/capability.h>

#include "agent/transport/netproc.h"

static char dir[64];

static int
setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/netproc-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_int_equal(chmod(dir, 0755), 0);
	return 0;
}

static int
teardown(void **state)
{
	char p[128];

	(void)state;
	snprintf(p, sizeof(p), "%s/root/file", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/root", dir);
	rmdir(p);
	rmdir(dir);
	return 0;
}

static int
sandbox(const char *user, const char *root, char *err, size_t len)
{
	struct netproc_conf c = { user, root, true, LOG_LVL_WARN };

	return netproc_sandbox(&c, err, len);
}

/* Refused before anything changes: the checks need root to matter. */
static void
test_bad_roots(void **state)
{
	char root[128], file[160], err[256];
	int fd;

	(void)state;
	if (getuid() != 0)
		skip();
	assert_int_equal(sandbox("nobody", "relative", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "absolute"));
	snprintf(root, sizeof(root), "%s/root", dir);
	assert_int_equal(mkdir(root, 0777), 0);
	assert_int_equal(chmod(root, 0777), 0);
	assert_int_equal(sandbox("nobody", root, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "writable by root only"));
	assert_int_equal(chmod(root, 0755), 0);
	snprintf(file, sizeof(file), "%s/file", root);
	assert_true((fd = open(file, O_CREAT | O_WRONLY, 0600)) >= 0);
	close(fd);
	assert_int_equal(sandbox("nobody", root, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not empty"));
	assert_int_equal(getuid(), 0);
}

/* In a child: confined as nobody (the configured user does not exist),
 * in a root the sandbox creates. The child exits 0 when every check
 * holds, else the number of the first failed check. */
static void
test_confined(void **state)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	struct passwd *pw;
	char root[128], err[256];
	uid_t nobody;
	pid_t pid;
	int st;

	(void)state;
	if (getuid() != 0)
		skip();
	assert_non_null(pw = getpwnam("nobody"));
	nobody = pw->pw_uid;
	snprintf(root, sizeof(root), "%s/root", dir);
	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		if (sandbox("no-such-user-xyz", root, err, sizeof(err)) != 0)
			_exit(1);
		if (getuid() != nobody || geteuid() != nobody)
			_exit(2);
		if (getgid() == 0 || getegid() == 0)
			_exit(3);
		if (access("/etc/passwd", F_OK) == 0)
			_exit(4);	/* still sees the file system */
		if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
			_exit(5);
		if (setuid(0) == 0)
			_exit(6);
		if (syscall(SYS_capget, &h, d) != 0 || d[0].effective != 0 ||
		    d[0].permitted != 0 || d[1].effective != 0 ||
		    d[1].permitted != 0)
			_exit(7);
		if (prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN, 0, 0, 0) != 0 ||
		    prctl(PR_CAPBSET_READ, CAP_NET_RAW, 0, 0, 0) != 0)
			_exit(8);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	assert_int_equal(WEXITSTATUS(st), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bad_roots, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_confined, setup,
		    teardown),
	};

	log_init(true, LOG_LVL_WARN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
