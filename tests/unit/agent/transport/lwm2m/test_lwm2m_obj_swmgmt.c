/*
 * Tests Software Management, object 9
 * (agent/transport/lwm2m/lwm2m_obj_swmgmt.c), through the object layer
 * with a fake host whose application list the test changes: an instance
 * per listed application with ids kept per package, Update State
 * following the list (DELIVERED, INSTALLED, INITIAL once gone), Install
 * and Uninstall reaching the host only in the states that allow them,
 * one action at a time, and Update Result after success and after each
 * kind of failure.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agent/transport/lwm2m/lwm2m_objects.h"
#include "tests/unit/agent/transport/lwm2m/lwm2m_host_test.h"
#include "tests/unit/support.h"

static struct {
	struct hal_app apps[8];
	size_t napps;
	int calls;
	bool remove;
	char package[HAL_APP_PACKAGE_MAX];
	lwm2m_done_fn done;
	void *done_arg;
	int queue_rc;
} F;

static struct lwm2m_objects objs;

static const struct hal_app *
f_apps(void *arg, size_t *n)
{
	(void)arg;
	*n = F.napps;
	return F.apps;
}

static int
f_app(void *arg, bool remove, const char *package, lwm2m_done_fn done,
    void *done_arg)
{
	(void)arg;
	F.calls++;
	F.remove = remove;
	snprintf(F.package, sizeof(F.package), "%s", package);
	F.done = done;
	F.done_arg = done_arg;
	return F.queue_rc;
}

static const struct lwm2m_host host = {
	NULL, f_fact, f_identity, f_mode, f_compliance, f_apply, f_reboot,
	f_wipe, f_lock, f_save, f_apps, f_app, NULL,
};

/* Sets the host's list: "name=version" installed, "name" blocked. */
static void
list(int n, ...)
{
	va_list ap;
	const char *s, *eq;
	int i;

	memset(F.apps, 0, sizeof(F.apps));
	va_start(ap, n);
	for (i = 0; i < n; i++) {
		s = va_arg(ap, const char *);
		eq = strchr(s, '=');
		snprintf(F.apps[i].package, HAL_APP_PACKAGE_MAX, "%.*s",
		    eq != NULL ? (int)(eq - s) : (int)strlen(s), s);
		if (eq != NULL) {
			snprintf(F.apps[i].version, HAL_APP_VERSION_MAX, "%s",
			    eq + 1);
			F.apps[i].installed = true;
		} else {
			F.apps[i].blocked = true;
		}
	}
	va_end(ap);
	F.napps = (size_t)n;
}

static int
setup(void **state)
{
	(void)state;
	memset(&F, 0, sizeof(F));
	list(2, "alpha=1.0-1", "beta");
	assert_int_equal(lwm2m_objects_init(&objs, &host, NULL), 0);
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	lwm2m_objects_free(&objs);
	return 0;
}

static struct lwm2m_path
P(int n, int a, int b, int c)
{
	struct lwm2m_path p = { { (uint16_t)a, (uint16_t)b, (uint16_t)c, 0 },
	    (uint8_t)n };

	return p;
}

/* The integer (or boolean) value of /9/inst/res; -404 when absent. */
static int64_t
rd_int(int inst, int res)
{
	struct lwm2m_path p = P(3, 9, inst, res);
	struct lwm2m_records rs;
	char err[LWM2M_ERR_MAX];
	int64_t v;

	lwm2m_records_init(&rs);
	if (lwm2m_objects_read(&objs, &p, &rs, err, sizeof(err)) != 205) {
		lwm2m_records_clear(&rs);
		return -404;
	}
	assert_int_equal(rs.n, 1);
	v = rs.r[0].v.type == LWM2M_T_BOOLEAN ? rs.r[0].v.b : rs.r[0].v.i;
	lwm2m_records_clear(&rs);
	return v;
}

static void
rd_str(int inst, int res, char *out, size_t len)
{
	struct lwm2m_path p = P(3, 9, inst, res);
	struct lwm2m_records rs;
	char err[LWM2M_ERR_MAX];

	lwm2m_records_init(&rs);
	assert_int_equal(lwm2m_objects_read(&objs, &p, &rs, err, sizeof(err)),
	    205);
	assert_int_equal(rs.n, 1);
	snprintf(out, len, "%.*s", (int)rs.r[0].v.len,
	    (const char *)rs.r[0].v.bytes);
	lwm2m_records_clear(&rs);
}

static int
ex(int inst, int res)
{
	struct lwm2m_path p = P(3, 9, inst, res);
	char err[LWM2M_ERR_MAX];

	return lwm2m_objects_execute(&objs, &p, NULL, 0, err, sizeof(err));
}

static void
instances_follow_the_list(void **state)
{
	struct lwm2m_path p = P(1, 9, 0, 0);
	struct lwm2m_records rs;
	char err[LWM2M_ERR_MAX], s[64];

	(void)state;
	rd_str(0, 0, s, sizeof(s));
	assert_string_equal(s, "alpha");
	rd_str(0, 1, s, sizeof(s));
	assert_string_equal(s, "1.0-1");
	assert_int_equal(rd_int(0, 7), 4);	/* INSTALLED */
	assert_int_equal(rd_int(0, 9), 0);
	assert_int_equal(rd_int(0, 12), 1);
	rd_str(1, 0, s, sizeof(s));
	assert_string_equal(s, "beta");
	rd_str(1, 1, s, sizeof(s));
	assert_string_equal(s, "");
	assert_int_equal(rd_int(1, 7), 3);	/* DELIVERED */
	assert_int_equal(rd_int(1, 12), 0);
	assert_int_equal(rd_int(2, 0), -404);

	/* the object read: both instances, nine readable resources */
	lwm2m_records_init(&rs);
	assert_int_equal(lwm2m_objects_read(&objs, &p, &rs, err, sizeof(err)),
	    205);
	assert_int_equal(rs.n, 2 * 5);
	lwm2m_records_clear(&rs);

	/* alpha gone: its id is free; beta keeps 1; a new one takes 0 */
	list(1, "beta");
	assert_int_equal(rd_int(0, 7), -404);
	assert_int_equal(rd_int(1, 7), 3);
	list(2, "beta", "gamma=2");
	rd_str(0, 0, s, sizeof(s));
	assert_string_equal(s, "gamma");
	rd_str(1, 0, s, sizeof(s));
	assert_string_equal(s, "beta");

	/* a host without the applications HAL: no instances */
	list(0);
	assert_int_equal(rd_int(0, 0), -404);
}

static void
install(void **state)
{
	(void)state;
	assert_int_equal(ex(0, 4), 405);	/* alpha is installed */
	assert_int_equal(F.calls, 0);
	assert_int_equal(ex(1, 4), 204);
	assert_int_equal(F.calls, 1);
	assert_false(F.remove);
	assert_string_equal(F.package, "beta");
	/* one action at a time on an instance */
	assert_int_equal(ex(1, 4), 503);
	assert_int_equal(ex(1, 6), 503);
	assert_int_equal(F.calls, 1);
	/* the host pushes the new list before it answers */
	list(2, "alpha=1.0-1", "beta=3.1");
	F.done(F.done_arg, 0);
	assert_int_equal(rd_int(1, 7), 4);
	assert_int_equal(rd_int(1, 9), 2);	/* installed */
	assert_int_equal(rd_int(1, 12), 1);
}

static void
install_failures(void **state)
{
	static const struct { int rc, result; } cases[] = {
		{ -ENOENT, 58 }, { -EPERM, 58 }, { -ENOSPC, 50 },
		{ -ENOMEM, 51 }, { -ENETUNREACH, 52 }, { -ENOSYS, 57 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(ex(1, 4), 204);
		F.done(F.done_arg, cases[i].rc);
		assert_int_equal(rd_int(1, 7), 3);	/* still DELIVERED */
		assert_int_equal(rd_int(1, 9), cases[i].result);
	}
	/* the host cannot queue it */
	F.queue_rc = -1;
	assert_int_equal(ex(1, 4), 500);
	assert_int_equal(rd_int(1, 9), 58);
	F.queue_rc = 0;
	assert_int_equal(ex(1, 4), 204);	/* not left busy */
}

static void
uninstall(void **state)
{
	(void)state;
	assert_int_equal(ex(0, 6), 204);
	assert_true(F.remove);
	assert_string_equal(F.package, "alpha");
	/* failed: INSTALLED still, result 59 */
	F.done(F.done_arg, -EAGAIN);
	assert_int_equal(rd_int(0, 7), 4);
	assert_int_equal(rd_int(0, 9), 59);
	/* removed: gone from the list while the action ran; the instance
	 * stays until the answer, then goes */
	assert_int_equal(ex(0, 6), 204);
	list(1, "beta");
	assert_int_equal(rd_int(0, 7), 0);	/* INITIAL */
	F.done(F.done_arg, 0);
	assert_int_equal(rd_int(0, 7), -404);
	/* a blocked (DELIVERED) one may be uninstalled too */
	assert_int_equal(ex(1, 6), 204);
	assert_string_equal(F.package, "beta");
	F.done(F.done_arg, 0);
	assert_int_equal(rd_int(1, 9), 0);
}

static void
other_executes(void **state)
{
	(void)state;
	assert_int_equal(ex(0, 10), 405);	/* Activate: UNSUPPORTED */
	assert_int_equal(ex(0, 11), 405);	/* Deactivate */
	assert_int_equal(ex(0, 7), 405);	/* not an executable */
	assert_int_equal(ex(5, 4), 404);
	assert_int_equal(F.calls, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(instances_follow_the_list,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(install, setup, teardown),
		cmocka_unit_test_setup_teardown(install_failures, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(uninstall, setup, teardown),
		cmocka_unit_test_setup_teardown(other_executes, setup,
		    teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
