/*
 * test_linux_apps.c - applications as Debian packages: dpkg's status
 * file, apt-get's argv per op, pins for blocked packages, and AMAPI's
 * failure cases (no candidate, candidate too old, a failed install).
 *
 * requires: CONFIG_HAL_LINUX_APPS_DPKG
 */
#include "tests/unit/hal/linux/linux_test.h"

static const char status_base[] =
    "Package: libc6\n"
    "Status: install ok installed\n"
    "Version: 2.36-9+deb12u4\n"
    "Description: GNU C Library\n"
    " continuation\n"
    "\n"
    "Package: oldtool\n"
    "Status: deinstall ok config-files\n"
    "Version: 0.9-1\n";

static const char *root;

/* apt-get install/remove rewrite the status file as dpkg would. */
static void
effect(struct fake_run *f, const char *cmd)
{
	char text[1024];

	if (strstr(cmd, " install acme-mail") != NULL) {
		snprintf(text, sizeof(text), "%s\nPackage: acme-mail\n"
		    "Status: install ok installed\nVersion: 3.2.1-1\n",
		    status_base);
		write_in(f->root, "/var/lib/dpkg/status", text);
	} else if (strstr(cmd, " remove ") != NULL)
		write_in(f->root, "/var/lib/dpkg/status", status_base);
}

static struct linux_ctx *
setup(struct fake_run *f)
{
	struct linux_ctx *c;

	root = test_tmpdir();
	mkdir_in(root, "/var/lib/dpkg");
	write_in(root, "/var/lib/dpkg/status", status_base);
	c = open_root(root, "");
	memset(f, 0, sizeof(*f));
	f->root = root;
	f->effect = effect;
	linux_set_runner(c, fake_runner, f);
	return c;
}

static void
teardown(struct linux_ctx *c)
{
	hal_linux_backend.close(c);
	test_rmtree(root);
}

static void
test_status_parse(void **state)
{
	static const char text[] =
	    "Package: b\nStatus: install ok installed\nVersion: 1\n\n"
	    "Package: a\nStatus: hold ok installed\nVersion: 1:2.0\n\n"
	    "Package: c\nStatus: install ok half-installed\nVersion: 3\n\n"
	    "Package: a\nArchitecture: i386\nStatus: install ok installed\n"
	    "Version: 1:2.0\n";
	struct hal_app *list;
	size_t n;

	(void)state;
	assert_int_equal(linux_dpkg_status_parse(text, sizeof(text) - 1,
	    &list, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].package, "a");
	assert_string_equal(list[0].version, "1:2.0");
	assert_string_equal(list[1].package, "b");
	assert_true(list[1].installed);
	free(list);
	assert_int_equal(linux_dpkg_status_parse("Package: a\nno field\n", 20,
	    &list, &n), -EBADMSG);
	assert_int_equal(linux_dpkg_status_parse("", 0, &list, &n), 0);
	assert_int_equal(n, 0);
	free(list);
}

static void
test_install(void **state)
{
	struct fake_run f;
	struct linux_ctx *c = setup(&f);
	struct hal_app *list;
	size_t n;

	(void)state;
	fake_reply(&f, "apt-cache policy acme-mail", "acme-mail:\n"
	    "  Installed: (none)\n  Candidate: 3.2.1-1\n", 0);
	fake_reply(&f, "apt-cache policy nothere", "", 0);
	assert_int_equal(linux_apps_ops.install(c, "acme-mail", "3.0.0"), 0);
	assert_string_equal(f.log, "apt-get -q -o DPkg::Lock::Timeout=120 "
	    "update\napt-cache policy acme-mail\nenv "
	    "DEBIAN_FRONTEND=noninteractive apt-get -q -y -o "
	    "DPkg::Lock::Timeout=120 -o Dpkg::Options::=--force-confold "
	    "--no-install-recommends install acme-mail\n");
	/* Installed and new enough: nothing runs. */
	f.log[0] = '\0';
	assert_int_equal(linux_apps_ops.install(c, "acme-mail", ""), 0);
	assert_string_equal(f.log, "");
	assert_int_equal(linux_apps_ops.list(c, &list, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].package, "acme-mail");
	assert_string_equal(list[0].version, "3.2.1-1");
	free(list);
	/* AMAPI's failures. */
	assert_int_equal(linux_apps_ops.install(c, "nothere", ""), -ENOENT);
	assert_int_equal(linux_apps_ops.install(c, "acme-mail", "4.0.0"),
	    -ERANGE);
	assert_int_equal(linux_apps_ops.install(c, "Bad_Name", ""), -EINVAL);
	teardown(c);
}

static void
test_block(void **state)
{
	struct fake_run f;
	struct linux_ctx *c = setup(&f);
	struct hal_app *list;
	size_t n;

	(void)state;
	fake_reply(&f, "apt-cache policy acme-mail", "  Candidate: 3.2.1-1\n",
	    0);
	assert_int_equal(linux_apps_ops.install(c, "acme-mail", ""), 0);
	f.log[0] = '\0';
	assert_int_equal(linux_apps_ops.set_blocked(c, "acme-mail", true), 0);
	assert_file_eq(root, "/etc/apt/preferences.d/warden-blocked-acme-mail",
	    "Explanation: blocked by warden (applications[].installType "
	    "BLOCKED)\nPackage: acme-mail\nPin: version *\n"
	    "Pin-Priority: -1\n");
	assert_non_null(strstr(f.log, " remove acme-mail\n"));
	assert_int_equal(linux_apps_ops.list(c, &list, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(list[0].package, "acme-mail");
	assert_false(list[0].installed);
	assert_true(list[0].blocked);
	free(list);
	/* Blocked: installing is refused until the pin is lifted. */
	assert_int_equal(linux_apps_ops.install(c, "acme-mail", ""), -EPERM);
	assert_int_equal(linux_apps_ops.set_blocked(c, "acme-mail", false), 0);
	assert_false(exists_in(root,
	    "/etc/apt/preferences.d/warden-blocked-acme-mail"));
	/* A '+' in a name is '_' in the file name apt reads. */
	assert_int_equal(linux_apps_ops.set_blocked(c, "g++", true), 0);
	assert_true(exists_in(root, "/etc/apt/preferences.d/warden-blocked-g__"));
	teardown(c);
}

static void
test_no_runner_under_prefix(void **state)
{
	struct linux_ctx *c;
	char path[512];

	(void)state;
	root = test_tmpdir();
	mkdir_in(root, "/var/lib/dpkg");
	write_in(root, "/var/lib/dpkg/status", status_base);
	c = open_root(root, "");
	/* A fixture tree never runs the host's apt-get. */
	assert_int_equal(linux_apps_ops.install(c, "acme-mail", ""), -ENOSYS);
	assert_int_equal(linux_apps_ops.watch_path(c, path, sizeof(path)), 0);
	assert_non_null(strstr(path, "/var/lib/dpkg/status"));
	assert_int_equal(strncmp(path, root, strlen(root)), 0);
	teardown(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_status_parse),
		cmocka_unit_test(test_install),
		cmocka_unit_test(test_block),
		cmocka_unit_test(test_no_runner_under_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
