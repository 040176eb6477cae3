/*
 * test_linux_conf.c - reading and rewriting one key of "name = value"
 * and "NAME value" files, keeping every other byte.
 */
#include "tests/unit/hal/linux/linux_test.h"

static void
test_get(void **state)
{
	const char *eq = "# minlen = 99\n minlen=9\n\tdcredit = -2  \n"
	    "minlength = 5\naudit\nminlen = 10\n";
	const char *ws = "#PASS_MAX_DAYS 1\nPASS_MAX_DAYS\t90\nPASS_MIN_DAYS 0\n";
	char out[16];
	int v;

	(void)state;
	assert_int_equal(linux_conf_get(eq, LINUX_CONF_EQ, "minlen", out,
	    sizeof(out)), 0);
	assert_string_equal(out, "10");
	assert_int_equal(linux_conf_get(eq, LINUX_CONF_EQ, "dcredit", out,
	    sizeof(out)), 0);
	assert_string_equal(out, "-2");
	assert_int_equal(linux_conf_get(eq, LINUX_CONF_EQ, "audit", out,
	    sizeof(out)), 0);
	assert_string_equal(out, "");
	assert_int_equal(linux_conf_get(eq, LINUX_CONF_EQ, "ucredit", out,
	    sizeof(out)), -ENOENT);
	assert_int_equal(linux_conf_get(eq, LINUX_CONF_EQ, "minlen", out, 2),
	    -ENAMETOOLONG);
	assert_int_equal(linux_conf_get(ws, LINUX_CONF_WS, "PASS_MAX_DAYS",
	    out, sizeof(out)), 0);
	assert_string_equal(out, "90");
	assert_int_equal(linux_conf_get_int(eq, LINUX_CONF_EQ, "dcredit", -5, 5,
	    &v), 0);
	assert_int_equal(v, -2);
	assert_int_equal(linux_conf_get_int(eq, LINUX_CONF_EQ, "minlen", 0, 9,
	    &v), -EINVAL);
	assert_int_equal(linux_conf_get_int(eq, LINUX_CONF_EQ, "audit", 0, 9,
	    &v), -EINVAL);
	assert_int_equal(linux_conf_get_int("x = 1x\n", LINUX_CONF_EQ, "x", 0, 9,
	    &v), -EINVAL);
}

static void
test_set(void **state)
{
	char *out;

	(void)state;
	/* The first setting is replaced, later ones commented out. */
	out = linux_conf_set("# head\ndeny = 3\nx=1\ndeny=5\n", LINUX_CONF_EQ,
	    "deny", "10");
	assert_string_equal(out, "# head\ndeny = 10\nx=1\n# deny=5\n");
	free(out);
	/* Missing: appended, after a newline the file lacked. */
	out = linux_conf_set("a = 1", LINUX_CONF_EQ, "deny", "4");
	assert_string_equal(out, "a = 1\ndeny = 4\n");
	free(out);
	out = linux_conf_set("", LINUX_CONF_WS, "PASS_MAX_DAYS", "30");
	assert_string_equal(out, "PASS_MAX_DAYS\t30\n");
	free(out);
	out = linux_conf_set("MAIL_DIR /var/mail\nPASS_MAX_DAYS 99999\n"
	    "PASS_MIN_DAYS 0\n", LINUX_CONF_WS, "PASS_MAX_DAYS", "30");
	assert_string_equal(out, "MAIL_DIR /var/mail\nPASS_MAX_DAYS\t30\n"
	    "PASS_MIN_DAYS 0\n");
	free(out);
	/* NULL comments every setting out. */
	out = linux_conf_set("minlen = 4\nminlen=5\nminlenx = 1\n",
	    LINUX_CONF_EQ, "minlen", NULL);
	assert_string_equal(out, "# minlen = 4\n# minlen=5\nminlenx = 1\n");
	free(out);
}

static void
test_update_file(void **state)
{
	const char *root = copy_fixture("rootfs-unencrypted");
	struct linux_ctx *c = open_root(root, "");

	(void)state;
	assert_int_equal(linux_conf_update(c, "/etc/x.conf", LINUX_CONF_EQ,
	    "deny", "4", 0644), 0);
	assert_file_eq(root, "/etc/x.conf", "deny = 4\n");
	assert_int_equal(linux_conf_update(c, "/etc/x.conf", LINUX_CONF_EQ,
	    "deny", NULL, 0644), 0);
	assert_file_eq(root, "/etc/x.conf", "# deny = 4\n");
	assert_int_equal(linux_conf_update(c, "/nodir/x.conf", LINUX_CONF_EQ,
	    "deny", "4", 0644), -ENOENT);
	hal_linux_backend.close(c);
	remove_copy(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_update_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
