/* Tests hal/hal.c: the registry and the -ENOSYS wrappers. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "hal/hal.h"

static int calls;

static int
fake_set_allowed(void *ctx, bool allowed)
{
	(void)ctx;
	(void)allowed;
	calls++;
	return 0;
}

static int
fake_get_allowed(void *ctx, bool *allowed)
{
	(void)ctx;
	*allowed = true;
	return 0;
}

static const struct hal_camera_ops fake_camera = {
	.set_allowed = fake_set_allowed,
	.get_allowed = fake_get_allowed,
};

static const struct hal_backend fake = {
	.name = "fake",
	.camera = &fake_camera,
};

static void
missing_ops_are_enosys(void **state)
{
	struct hal h = { &fake, NULL };
	struct hal_passcode_status st;
	bool b;
	char *reply = (char *)"x";

	(void)state;
	calls = 0;
	assert_int_equal(hal_camera_set_allowed(&h, false), 0);
	assert_int_equal(calls, 1);
	assert_int_equal(hal_camera_get_allowed(&h, &b), 0);
	assert_true(b);
	/* a missing subsystem */
	assert_int_equal(hal_passcode_status(&h, &st), -ENOSYS);
	assert_int_equal(hal_power_reboot(&h), -ENOSYS);
	assert_int_equal(hal_wipe_factory_reset(&h), -ENOSYS);
	assert_int_equal(hal_control(&h, "set", "a", "b", &reply), -ENOSYS);
	assert_null(reply);
	assert_int_equal(hal_watch_fd(&h), -1);
}

static void
open_errors(void **state)
{
	struct hal h;
	char err[128];

	(void)state;
	assert_int_equal(hal_open(&h, "nosuch:/x", err, sizeof(err)), -1);
	assert_string_equal(err, "HAL backend \"nosuch\" is not in this build "
	    "(built in: sim, linux)");
	assert_int_equal(hal_open(&h, ":/x", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "expected name:argument"));
	assert_int_equal(hal_check_spec("nosuch:/x", err, sizeof(err)), -1);
	assert_string_equal(err, "HAL backend \"nosuch\" is not in this build "
	    "(built in: sim, linux)");
	assert_int_equal(hal_check_spec("linux:/", err, sizeof(err)), 0);
	assert_int_equal(hal_check_spec("sim:/x", err, sizeof(err)), 0);
	assert_int_equal(hal_open(&h, "sim:", err, sizeof(err)), -1);
	assert_non_null(strstr(err, "HAL backend sim: cannot open"));
}

static void
registry_lists_sim(void **state)
{
	const char *const *n = hal_backend_names();
	bool sim = false;

	(void)state;
	for (; *n != NULL; n++)
		if (strcmp(*n, "sim") == 0)
			sim = true;
	assert_true(sim);
}

static void
facts_helpers(void **state)
{
	struct hal_facts fs = { .n = 0 };
	char buf[64];
	int i;

	(void)state;
	assert_int_equal(hal_fact_bool(&fs, "a", true), 0);
	assert_int_equal(hal_fact_int(&fs, "a", 7), 0); /* replaces */
	assert_int_equal(fs.n, 1);
	assert_int_equal(hal_fact_find(&fs, "a")->i, 7);
	assert_int_equal(hal_fact_str(&fs, HAL_FACT_BOOL, "b", "x"), -EINVAL);
	assert_int_equal(hal_fact_bool(&fs,
	    "a-name-that-is-far-too-long-for-the-fixed-buffer-xx", true),
	    -ENOSPC);
	hal_fact_format(hal_fact_find(&fs, "a"), buf, sizeof(buf));
	assert_string_equal(buf, "7");
	for (i = 0; i < HAL_FACTS_MAX + 5; i++) {
		snprintf(buf, sizeof(buf), "f%d", i);
		if (hal_fact_int(&fs, buf, i) != 0)
			break;
	}
	assert_int_equal(fs.n, HAL_FACTS_MAX);
	assert_null(hal_fact_find(&fs, "zzz"));
}

static void
pw_quality_names(void **state)
{
	enum hal_pw_quality q;

	(void)state;
	assert_int_equal(hal_pw_quality_parse("NUMERIC_COMPLEX", &q), 0);
	assert_int_equal(q, HAL_PW_NUMERIC_COMPLEX);
	assert_string_equal(hal_pw_quality_name(HAL_PW_COMPLEXITY_HIGH),
	    "COMPLEXITY_HIGH");
	assert_int_equal(hal_pw_quality_parse("numeric", &q), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(missing_ops_are_enosys),
		cmocka_unit_test(open_errors),
		cmocka_unit_test(registry_lists_sim),
		cmocka_unit_test(facts_helpers),
		cmocka_unit_test(pw_quality_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
