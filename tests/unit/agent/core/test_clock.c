/* Tests agent/core/clock.c: the real clocks, the test clock file
 * (WARDEN_TEST_CLOCK) re-read on every call, its strict parser, and the
 * fallback to the real clocks when the file is bad. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "agent/core/clock.h"
#include "tests/unit/support.h"

static void
parse_good(void **state)
{
	struct clock_now n;
	char err[128];
	const char *t = "wall=1750000000 boot=86400 boot_id=sim-boot-1\n";

	(void)state;
	assert_int_equal(clock_parse(t, strlen(t), &n, err, sizeof(err)), 0);
	assert_int_equal(n.wall, 1750000000LL);
	assert_int_equal(n.boot, 86400);
	assert_string_equal(n.boot_id, "sim-boot-1");
	/* Any order, tabs, no final newline, the bounds themselves. */
	t = "boot_id=B\tboot=3155760000  wall=253402300799";
	assert_int_equal(clock_parse(t, strlen(t), &n, err, sizeof(err)), 0);
	assert_int_equal(n.wall, CLOCK_WALL_MAX);
	assert_int_equal(n.boot, CLOCK_BOOT_MAX);
	assert_string_equal(n.boot_id, "B");
	t = "wall=0 boot=0 boot_id=0";
	assert_int_equal(clock_parse(t, strlen(t), &n, err, sizeof(err)), 0);
}

static void
parse_bad(void **state)
{
	static const struct {
		const char *text, *why;
	} bad[] = {
		{ "", "wall: missing" },
		{ "wall=1 boot=2", "boot_id: missing" },
		{ "wall=1 boot_id=x", "boot: missing" },
		{ "boot=1 boot_id=x", "wall: missing" },
		{ "wall=1 wall=2 boot=2 boot_id=x", "wall: given twice" },
		{ "wall=1 boot=2 boot=3 boot_id=x", "boot: given twice" },
		{ "wall=1 boot=2 boot_id=x boot_id=y", "boot_id: given twice" },
		{ "wall=1 boot=2 boot_id=x tz=UTC", "tz: unknown field" },
		{ "wall=1 boot=2 boot_id=x junk", "junk: not name=value" },
		{ "wall=-1 boot=2 boot_id=x", "wall: not seconds" },
		{ "wall=1e9 boot=2 boot_id=x", "wall: not seconds" },
		{ "wall= boot=2 boot_id=x", "wall: not seconds" },
		{ "wall=253402300800 boot=2 boot_id=x", "wall: not seconds" },
		{ "wall=99999999999999999999999 boot=2 boot_id=x",
		    "wall: not seconds" },
		{ "wall=1 boot=3155760001 boot_id=x", "boot: not seconds" },
		{ "wall=1 boot=+2 boot_id=x", "boot: not seconds" },
		{ "wall=1 boot=2 boot_id=", "boot_id: not" },
		{ "wall=1 boot=2 boot_id=a\"b", "boot_id: not" },
		{ "wall=1 boot=2 boot_id=a_b", "boot_id: not" },
		{ "wall=1 boot=2 boot_id=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "boot_id: not" },
		{ "wall=1 boot=2 boot_id=x\nwall=3", "more than one line" },
		{ "wall=1 boot=2 boot_id=x\r\n", "more than one line" },
	};
	struct clock_now n;
	char err[128], big[CLOCK_TEST_FILE_MAX + 2];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_equal(clock_parse(bad[i].text, strlen(bad[i].text),
		    &n, err, sizeof(err)), -1);
		if (strstr(err, bad[i].why) == NULL)
			fail_msg("%s: got \"%s\", want \"%s\"", bad[i].text, err,
			    bad[i].why);
	}
	assert_int_equal(clock_parse("wall=1\0 boot=2 boot_id=x", 24, &n, err,
	    sizeof(err)), -1);
	assert_non_null(strstr(err, "NUL"));
	memset(big, ' ', sizeof(big));
	memcpy(big, "wall=1 boot=2 boot_id=x", 23);
	assert_int_equal(clock_parse(big, sizeof(big), &n, err, sizeof(err)),
	    -1);
	assert_non_null(strstr(err, "longer than"));
}

/* The real boot id, or "" when this machine has none to read. */
static void
real_boot_id(char *buf, size_t len)
{
	char *t = test_read_file("/proc/sys/kernel/random/boot_id", NULL);

	snprintf(buf, len, "%s", t != NULL ? t : "");
	buf[strcspn(buf, "\n")] = '\0';
	free(t);
}

static void
real_clocks(void **state)
{
	struct clock_now n;
	char id[128];
	struct timespec ts;

	(void)state;
	unsetenv(CLOCK_TEST_ENV);
	clock_read(&n);
	real_boot_id(id, sizeof(id));
	assert_string_equal(n.boot_id, id);
	clock_gettime(CLOCK_BOOTTIME, &ts);
	assert_true(n.boot <= ts.tv_sec && n.boot + 5 >= ts.tv_sec);
	assert_true(n.wall <= time(NULL) && n.wall + 5 >= time(NULL));
}

static void
test_clock_file(void **state)
{
	const char *dir = test_tmpdir();
	char path[512], id[128];
	struct clock_now n;

	(void)state;
	snprintf(path, sizeof(path), "%s/clock", dir);
	assert_int_equal(test_write_file(path,
	    "wall=1000 boot=20 boot_id=first\n"), 0);
	setenv(CLOCK_TEST_ENV, path, 1);
	clock_read(&n);
	assert_int_equal(n.wall, 1000);
	assert_int_equal(n.boot, 20);
	assert_string_equal(n.boot_id, "first");

	/* Moved while running: read again on the next call. */
	assert_int_equal(test_write_file(path,
	    "wall=5 boot=86420 boot_id=second\n"), 0);
	clock_read(&n);
	assert_int_equal(n.wall, 5);
	assert_int_equal(n.boot, 86420);
	assert_string_equal(n.boot_id, "second");

	/* A bad file, then a missing one: the real clocks. */
	real_boot_id(id, sizeof(id));
	assert_int_equal(test_write_file(path, "wall=5 boot=9\n"), 0);
	clock_read(&n);
	assert_string_equal(n.boot_id, id);
	assert_true(n.wall + 5 >= time(NULL));
	snprintf(path, sizeof(path), "%s/absent", dir);
	setenv(CLOCK_TEST_ENV, path, 1);
	clock_read(&n);
	assert_string_equal(n.boot_id, id);
	assert_true(n.wall + 5 >= time(NULL));

	unsetenv(CLOCK_TEST_ENV);
	test_rmtree(dir);
}

static void
boot_id_validity(void **state)
{
	(void)state;
	assert_true(clock_boot_id_valid("0f5e7a9c-1111-4a4a-8b8b-000000000001"));
	assert_true(clock_boot_id_valid("A"));
	assert_false(clock_boot_id_valid(""));
	assert_false(clock_boot_id_valid("a b"));
	assert_false(clock_boot_id_valid("a/b"));
	assert_true(clock_boot_id_valid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
	assert_false(clock_boot_id_valid("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_good),
		cmocka_unit_test(parse_bad),
		cmocka_unit_test(real_clocks),
		cmocka_unit_test(test_clock_file),
		cmocka_unit_test(boot_id_validity),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
