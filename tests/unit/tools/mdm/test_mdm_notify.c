/* Tests tools/mdm/mdm_notify.c: the CLI's touch is seen by the server's
 * drain, another file in the directory is not; without inotify there is
 * no descriptor (the server then falls back to a timer). */
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

	(void)state;
	mdm_notify_init(&n, dir);
	assert_true(mdm_notify_fd(&n) >= 0);
	g = mdm_notify_gen(&n);
	/* Nothing happened: draining changes nothing. */
	assert_false(mdm_notify_drain(&n));
	assert_int_equal(mdm_notify_gen(&n), g);
	mdm_notify_touch(dir);
	assert_true(mdm_notify_drain(&n));
	assert_int_equal(mdm_notify_gen(&n), g + 1);
	/* Drained: nothing more until the next touch. */
	assert_false(mdm_notify_drain(&n));
	/* Another file in the directory wakes nobody. */
	snprintf(path, sizeof(path), "%s/mdm.db", dir);
	assert_int_equal(test_write_file(path, "x"), 0);
	assert_false(mdm_notify_drain(&n));
	assert_int_equal(mdm_notify_gen(&n), g + 1);
	mdm_notify_free(&n);
	test_rmtree(dir);
}

static void
fallback_without_inotify(void **state)
{
	struct mdm_notify n;

	(void)state;
	/* A directory that does not exist cannot be watched. */
	mdm_notify_init(&n, "/nonexistent/wardenmdm");
	assert_int_equal(mdm_notify_fd(&n), -1);
	assert_false(mdm_notify_drain(&n));
	mdm_notify_free(&n);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(touch_wakes),
		cmocka_unit_test(fallback_without_inotify),
	};
	mdm_log_init(-1);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
