/* Tests tools/mdm/mdm_notify.c: the CLI's touch wakes a waiter through
 * inotify; waits end at their deadline; without inotify a wait lasts at
 * most the 100 ms fallback; stop ends every wait. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/unit/support.h"
#include "tools/mdm/mdm.h"

static void
touch_wakes(void **state)
{
	const char *dir = test_tmpdir();
	struct mdm_notify n;
	char path[600];
	uint64_t g;
	int64_t t0;

	(void)state;
	assert_int_equal(mdm_notify_init(&n, dir), 0);
	assert_true(mdm_notify_fd(&n) >= 0);
	g = mdm_notify_gen(&n);
	/* Nothing happened: draining changes nothing. */
	mdm_notify_drain(&n);
	assert_int_equal(mdm_notify_gen(&n), g);
	mdm_notify_touch(dir);
	mdm_notify_drain(&n);
	assert_int_equal(mdm_notify_gen(&n), g + 1);
	/* The generation moved on: a wait for the old one returns at once. */
	t0 = mdm_now_ms();
	assert_true(mdm_notify_wait(&n, g, mdm_now_ms() + 5000));
	assert_true(mdm_now_ms() - t0 < 1000);
	/* Another file in the directory wakes nobody. */
	snprintf(path, sizeof(path), "%s/mdm.db", dir);
	assert_int_equal(test_write_file(path, "x"), 0);
	mdm_notify_drain(&n);
	assert_int_equal(mdm_notify_gen(&n), g + 1);
	mdm_notify_free(&n);
	test_rmtree(dir);
}

static void
deadline_and_stop(void **state)
{
	const char *dir = test_tmpdir();
	struct mdm_notify n;
	uint64_t g;
	int64_t t0, dt;

	(void)state;
	assert_int_equal(mdm_notify_init(&n, dir), 0);
	g = mdm_notify_gen(&n);
	t0 = mdm_now_ms();
	assert_true(mdm_notify_wait(&n, g, t0 + 200));
	dt = mdm_now_ms() - t0;
	assert_true(dt >= 190 && dt < 2000);
	mdm_notify_stop(&n);
	t0 = mdm_now_ms();
	assert_false(mdm_notify_wait(&n, g, t0 + 5000));
	assert_true(mdm_now_ms() - t0 < 1000);
	mdm_notify_free(&n);
	test_rmtree(dir);
}

static void
fallback_without_inotify(void **state)
{
	struct mdm_notify n;
	uint64_t g;
	int64_t t0, dt;

	(void)state;
	/* A directory that does not exist cannot be watched. */
	assert_int_equal(mdm_notify_init(&n, "/nonexistent/wardenmdm"), 0);
	assert_int_equal(mdm_notify_fd(&n), -1);
	g = mdm_notify_gen(&n);
	t0 = mdm_now_ms();
	assert_true(mdm_notify_wait(&n, g, t0 + 5000));
	dt = mdm_now_ms() - t0;
	assert_true(dt >= 90 && dt < 1000);
	mdm_notify_free(&n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(touch_wakes),
		cmocka_unit_test(deadline_and_stop),
		cmocka_unit_test(fallback_without_inotify),
	};
	mdm_log_init(-1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
