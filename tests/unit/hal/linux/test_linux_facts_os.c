/*
 * test_linux_facts_os.c - os.* facts from the fixture trees, and the
 * os-release parser.
 */
#include "tests/unit/hal/linux/linux_test.h"

static void
read_os(const char *fixture, struct hal_facts *fs)
{
	struct linux_ctx *c = open_fixture(fixture);

	memset(fs, 0, sizeof(*fs));
	assert_int_equal(linux_facts_os(c, fs), 0);
	assert_string_equal(c->errors, "");
	hal_linux_backend.close(c);
}

static void
test_handheld(void **state)
{
	struct hal_facts fs;

	(void)state;
	read_os("rootfs-handheld", &fs);
	assert_fact_str(&fs, "os.name", HAL_FACT_STRING, "Debian GNU/Linux");
	assert_fact_str(&fs, "os.id", HAL_FACT_STRING, "debian");
	/* Debian: the point release from /etc/debian_version. */
	assert_fact_str(&fs, "os.version", HAL_FACT_VERSION, "12.8");
	assert_fact_str(&fs, "os.kernel", HAL_FACT_VERSION, "6.1.0-28-arm64");
	/* The 2026-10-20 transaction installed, it did not upgrade. */
	assert_fact_str(&fs, "os.security_patch", HAL_FACT_DATETIME,
	    "2026-10-05");
	assert_fact_str(&fs, "os.security_patch_source", HAL_FACT_STRING,
	    "apt-history");
	assert_int_equal(fs.n, 6);
}

static void
test_dpkg_log(void **state)
{
	struct hal_facts fs;

	(void)state;
	read_os("rootfs-unencrypted", &fs);
	assert_fact_str(&fs, "os.name", HAL_FACT_STRING, "Raspbian GNU/Linux");
	assert_fact_str(&fs, "os.id", HAL_FACT_STRING, "raspbian");
	assert_fact_str(&fs, "os.version", HAL_FACT_VERSION, "12");
	assert_fact_str(&fs, "os.kernel", HAL_FACT_VERSION, "6.6.51+rpt-rpi-v8");
	/* The August upgrade carries no debNuM version: not a security
	 * update. */
	assert_fact_str(&fs, "os.security_patch", HAL_FACT_DATETIME,
	    "2026-07-02");
	assert_fact_str(&fs, "os.security_patch_source", HAL_FACT_STRING,
	    "dpkg-log");
}

static void
test_no_logs(void **state)
{
	struct hal_facts fs;

	(void)state;
	read_os("rootfs-rooted", &fs);
	assert_fact_str(&fs, "os.version", HAL_FACT_VERSION, "11.9");
	assert_no_fact(&fs, "os.security_patch");
	assert_no_fact(&fs, "os.security_patch_source");
}

static void
test_long_upgrade_line(void **state)
{
	const char *root = copy_fixture("rootfs-unencrypted");
	struct linux_ctx *c;
	struct hal_facts fs;
	char *text, *p;
	size_t i;

	(void)state;
	/* A dist-upgrade's Upgrade line is far longer than the reader's
	 * chunk; the marker sits at its very end. */
	text = malloc(40000);
	assert_non_null(text);
	p = text + sprintf(text, "Start-Date: 2026-11-01  02:00:00\nUpgrade: ");
	for (i = 0; i < 1000; i++)
		p += sprintf(p, "libx%zu:arm64 (1.0-1, 1.0-2), ", i);
	sprintf(p, "libz:arm64 (1.2-3+deb12u1, 1.2-3+deb12u2)\n"
	    "End-Date: 2026-11-01  02:03:00\n");
	mkdir_in(root, "/var/log/apt");
	write_in(root, "/var/log/apt/history.log", text);
	free(text);
	c = open_root(root, "");
	memset(&fs, 0, sizeof(fs));
	assert_int_equal(linux_facts_os(c, &fs), 0);
	assert_fact_str(&fs, "os.security_patch", HAL_FACT_DATETIME,
	    "2026-11-01");
	assert_fact_str(&fs, "os.security_patch_source", HAL_FACT_STRING,
	    "apt-history");
	hal_linux_backend.close(c);
	remove_copy(root);
}

static void
test_malformed_os_release(void **state)
{
	const char *root = copy_fixture("rootfs-unencrypted");
	struct linux_ctx *c;
	struct hal_facts fs;

	(void)state;
	write_in(root, "/etc/os-release", "NAME=\"Broken\nID=x\n");
	c = open_root(root, "");
	memset(&fs, 0, sizeof(fs));
	assert_int_equal(linux_facts_os(c, &fs), 0);
	assert_no_fact(&fs, "os.name");
	assert_no_fact(&fs, "os.id");
	assert_string_equal(c->errors, "/etc/os-release: malformed");
	/* The kernel does not depend on os-release. */
	assert_fact_str(&fs, "os.kernel", HAL_FACT_VERSION, "6.6.51+rpt-rpi-v8");
	hal_linux_backend.close(c);
	remove_copy(root);
}

static void
test_os_release_parser(void **state)
{
	char out[64];

	(void)state;
	assert_int_equal(linux_os_release_get("# c\n\nA=1\nB=\"x y\"\n", "B",
	    out, sizeof(out)), 0);
	assert_string_equal(out, "x y");
	assert_int_equal(linux_os_release_get("A='it''\n", "A", out,
	    sizeof(out)), -EINVAL);
	assert_int_equal(linux_os_release_get("A=\"q\\\"d\"\n", "A", out,
	    sizeof(out)), 0);
	assert_string_equal(out, "q\"d");
	/* Last one wins, as in a shell. */
	assert_int_equal(linux_os_release_get("A=1\nA=2\n", "A", out,
	    sizeof(out)), 0);
	assert_string_equal(out, "2");
	assert_int_equal(linux_os_release_get("A=1\n", "B", out, sizeof(out)),
	    -ENOENT);
	assert_int_equal(linux_os_release_get("a=1\n", "a", out, sizeof(out)),
	    -EINVAL);
	assert_int_equal(linux_os_release_get("A=$HOME\n", "A", out,
	    sizeof(out)), -EINVAL);
	assert_int_equal(linux_os_release_get("A=\"$(id)\"\n", "A", out,
	    sizeof(out)), -EINVAL);
	assert_int_equal(linux_os_release_get("A=two words\n", "A", out,
	    sizeof(out)), -EINVAL);
	assert_int_equal(linux_os_release_get("A=\"x\"y\n", "A", out,
	    sizeof(out)), -EINVAL);
	assert_int_equal(linux_os_release_get("NOEQUALS\n", "A", out,
	    sizeof(out)), -EINVAL);
	assert_int_equal(linux_os_release_get("A=\"\\n\"\n", "A", out,
	    sizeof(out)), -EINVAL);
	assert_int_equal(linux_os_release_get("A=12345\n", "A", out, 4),
	    -ENAMETOOLONG);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handheld),
		cmocka_unit_test(test_dpkg_log),
		cmocka_unit_test(test_no_logs),
		cmocka_unit_test(test_long_upgrade_line),
		cmocka_unit_test(test_malformed_os_release),
		cmocka_unit_test(test_os_release_parser),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
